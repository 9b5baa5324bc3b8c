// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's own EL0: the guest drops to EL0 and an SVC there comes back
 * to its EL1 vector with the right syndrome, as on hardware; nothing of
 * it reaches the hypervisor. KVM ABI only.
 */
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

/* The EL0 alias of guest RAM (vmm.c page tables): VA 4 GB + IPA. */
#define EL0_ALIAS	(4ULL << 30)

/* EL0 code: SVC #0x42, and again should the handler come back. */
void el0_code(void);
asm(".text\n"
    ".balign 16\n"
    ".global el0_code\n"
    "el0_code:\n"
    "	mov	x0, #0x77\n"
    "1:	svc	#0x42\n"
    "	b	1b\n");

static void guest_svc_handler(struct guest_regs *regs)
{
	GUEST_SYNC2(regs->esr, regs->x[0]);
	/* Report where EL0 was, then go home: EL1h at the continuation. */
	GUEST_SYNC2(regs->elr, regs->spsr & 0xf);
	GUEST_DONE();
}

static void guest_drop_to_el0(u64 unused)
{
	guest_install_handler(VECTOR_SYNC_LOWER, guest_svc_handler);
	/* SPSR: EL0t, DAIF clear; ELR: the EL0 alias of el0_code. */
	write_sysreg(0, spsr_el1);
	write_sysreg(EL0_ALIAS + (u64)el0_code, elr_el1);
	write_sysreg(GUEST_RAM_SIZE - 0x8000, sp_el0);
	asm volatile("isb\n eret" : : : "memory");
}

TEST(svc_at_guest_el0_is_taken_by_the_guests_el1)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_drop_to_el0, 0);
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	/* ESR_EL1: EC 0x15 (SVC from AArch64), IL, imm16 0x42. */
	ASSERT_EQ(uc.args[0], (0x15ULL << 26) | (1ULL << 25) | 0x42);
	ASSERT_EQ(uc.args[1], 0x77);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	/* The preferred return of an SVC: the next instruction, at EL0. */
	ASSERT_EQ(uc.args[0], EL0_ALIAS + (u64)el0_code + 8);
	ASSERT_EQ(uc.args[1], 0);
	vmm_run_to_done(vcpu);
}
