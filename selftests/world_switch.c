// SPDX-License-Identifier: GPL-2.0
/*
 * The world switch's register contract, seen from the guest: x18 (the
 * shadow call stack pointer of the host on kernels built with it, an
 * ordinary register for the guest) survives every kind of exit: a fast
 * HVC, trapped system registers, MMIO loads and stores completed by the
 * VMM, WFI and WFE. The VMM's x18 (ONE_REG) reaches the guest, the
 * guest's comes back by ONE_REG. On vhv the host side is checked by vhv
 * itself: it compares its own x18 before and after each entry and kills
 * the VM (with a WARNING, which fails the boot) when they differ.
 *
 * KVM ABI only. The guest code is assembly: compiled C may use x18.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define X18_FROM_VMM	0x5eed18185eed1818ULL
#define X18_OF_GUEST	0x18badc0ffee01818ULL
#define TEST_MMIO	0x30001000ULL	/* Device memory, no slot: MMIO exits */
#define FAIL_MMIO	0x30002000ULL
#define DONE_MMIO	0x30003000ULL
#define MMIO_READ_VAL	0x1234567890abcdefULL
#define ITERS		100

/*
 * x0 = iterations. Checks that x18 holds the VMM's value, puts its own
 * there, then exits ITERS times in each way, checking x18 after each;
 * a mismatch is reported by a store of x18 to FAIL_MMIO with x1 naming
 * the step. Ends with a store of x18 to DONE_MMIO.
 */
void guest_x18_exits(u64 iters);
asm(".text\n"
    ".balign 16\n"
    ".global guest_x18_exits\n"
    "guest_x18_exits:\n"
    "	ldr	x10, =0x5eed18185eed1818\n"
    "	ldr	x12, =0x30001000\n"
    "	ldr	x13, =0x30002000\n"
    "	mov	x11, x0\n"
    "	mov	x1, #0\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	ldr	x18, =0x18badc0ffee01818\n"
    "	mov	x10, x18\n"
    "1:	mov	x0, #0x84000000\n"	/* PSCI_VERSION: a fast HVC */
    "	hvc	#0\n"
    "	mov	x1, #1\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	mrs	x2, id_aa64mmfr0_el1\n"	/* trapped by HCR_EL2.TID3 */
    "	mov	x1, #2\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	mrs	x2, actlr_el1\n"	/* trapped by HCR_EL2.TACR */
    "	mov	x1, #3\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	ldr	x2, [x12]\n"		/* MMIO load, to the VMM */
    "	mov	x1, #4\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	str	x18, [x12]\n"		/* MMIO store, to the VMM */
    "	mov	x1, #5\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	wfi\n"			/* the VMM keeps an IRQ pending (masked) */
    "	mov	x1, #6\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	wfe\n"
    "	mov	x1, #7\n"
    "	cmp	x18, x10\n"
    "	b.ne	9f\n"
    "	subs	x11, x11, #1\n"
    "	b.ne	1b\n"
    "	ldr	x12, =0x30003000\n"
    "	str	x18, [x12]\n"
    "2:	b	2b\n"
    "9:	str	x18, [x13]\n"
    "	b	9b\n"
    ".ltorg\n");

TEST(x18_survives_every_kind_of_exit)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_x18_exits, ITERS);
	struct kvm_run *run = vcpu->run;
	unsigned int loads = 0, stores = 0;
	u64 data;

	vmm_set_reg(vcpu, REG_X(18), X18_FROM_VMM);
	/* A pending IRQ, masked in the guest (DAIF at reset): WFI returns. */
	vmm_irq_line(vcpu->vm, KVM_ARM_IRQ_TYPE_CPU, 0, KVM_ARM_IRQ_CPU_IRQ, 1);
	for (;;) {
		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		memcpy(&data, run->mmio.data, sizeof(data));
		if (run->mmio.phys_addr == FAIL_MMIO) {
			vt_fail(__FILE__, __LINE__, "guest x18 %#llx after step %llu",
				(unsigned long long)data,
				(unsigned long long)vmm_get_reg(vcpu, REG_X(1)));
			vt_abort();
		}
		if (run->mmio.phys_addr == DONE_MMIO)
			break;
		ASSERT_EQ(run->mmio.phys_addr, TEST_MMIO);
		ASSERT_EQ(run->mmio.len, 8);
		if (run->mmio.is_write) {
			ASSERT_EQ(data, X18_OF_GUEST);
			stores++;
		} else {
			data = MMIO_READ_VAL;
			memcpy(run->mmio.data, &data, sizeof(data));
			loads++;
		}
	}
	ASSERT_EQ(data, X18_OF_GUEST);
	ASSERT_EQ(loads, ITERS);
	ASSERT_EQ(stores, ITERS);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(18)), X18_OF_GUEST);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(2)), MMIO_READ_VAL);
}
