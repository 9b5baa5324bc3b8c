// SPDX-License-Identifier: GPL-2.0
/*
 * A guest whose EL0 runs AArch32, which the architecture lets any guest
 * do on a CPU that has AArch32 at EL0:
 *
 *  - its EL1 ERETs to A32 code, which makes exits from AArch32 (an MMIO
 *    store and load to the VMM, a WFI that waits for the VMM's IRQ) and
 *    an SVC that its EL1 takes and returns from; then T32 code makes MMIO
 *    stores inside IT blocks, and what follows must run as if the store
 *    had run there (ITSTATE advanced once by the hypervisor that steps
 *    over it);
 *  - a VMM may put a vCPU in AArch32 User mode by ONE_REG (as KVM allows
 *    when the host runs AArch32 at EL0), not in another AArch32 mode;
 *  - (vhv only) on a CPU without AArch32 at EL0 (made so by the test-only
 *    module parameter no_aarch32_el0) KVM_RUN fails as KVM's does:
 *    KVM_EXIT_FAIL_ENTRY and EINVAL, the vCPU uninitialised (ENOEXEC)
 *    until KVM_ARM_VCPU_INIT, and the host unharmed.
 *
 * The A32 and T32 code is machine code: the test is built by an AArch64
 * compiler. Each word was checked with objdump -m arm.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define A32_CODE	GUEST_SCRATCH		/* its own 2 MB block */
#define A32_MMIO	0x3fe00000ULL		/* the last Device block below 1 GB */
#define STORE_VAL	0x12345678U
#define LOAD_VAL	0xcafef00dU
#define PT_AP_EL0	(1ULL << 6)

#define PSR_USR		0x10ULL
#define PSR_SVC		0x13ULL
#define PSR_T		0x20ULL
#define PSR_AIF		0x1c0ULL
#define PSR_IT_MASK	((3ULL << 25) | (0x3fULL << 10))
#define EC_SVC32	0x11

static const u32 a32_code[] = {
	0xe3000000,	/* movw	r0, #0 */
	0xe3430fe0,	/* movt	r0, #0x3fe0		A32_MMIO */
	0xe3051678,	/* movw	r1, #0x5678 */
	0xe3411234,	/* movt	r1, #0x1234		STORE_VAL */
	0xe5801000,	/* str	r1, [r0]		MMIO store */
	0xe5902000,	/* ldr	r2, [r0]		MMIO load */
	0xe320f003,	/* wfi				until the VMM's IRQ */
	0xef000021,	/* svc	#0x21			to the guest's EL1 */
	0xe28f3001,	/* add	r3, pc, #1		T32 code below, Thumb bit */
	0xe12fff13,	/* bx	r3 */
};

/*
 * Two IT blocks, each with an MMIO store first, which the hypervisor
 * steps over when the VMM has seen it. After the one-instruction block
 * the ADDS is outside it and sets the flags (NZCV of 1 + 1: 0); inside
 * the two-instruction block the same encoding is ADDEQ, which leaves
 * them (Z and C from the CMP). Both need ITSTATE advanced exactly once.
 * (A WFI would do as well on hardware; QEMU does not trap one while an
 * interrupt is pending, and blocking on none would need a timer.)
 */
static const uint16_t t32_code[] = {
	0x2301,		/* movs	r3, #1 */
	0x4280,		/* cmp	r0, r0			Z and C set */
	0xbf08,		/* it	eq */
	0x6001,		/* streq r1, [r0]		MMIO store */
	0x3301,		/* adds	r3, #1			outside: NZCV 0 */
	0xf3ef, 0x8500,	/* mrs	r5, apsr */
	0x4280,		/* cmp	r0, r0 */
	0xbf04,		/* itt	eq */
	0x6001,		/* streq r1, [r0]		MMIO store */
	0x3301,		/* addeq r3, #1			inside: flags kept */
	0xf3ef, 0x8600,	/* mrs	r6, apsr */
	0xdf22,		/* svc	#0x22 */
	0xe7fe,		/* b	. */
};

#define T32_SVC_NEXT	(A32_CODE + sizeof(a32_code) + 0x1c)
#define NZCV(v)		((v) & 0xf0000000ULL)
#define Z_C		0x60000000ULL

enum { SYNC_A32_SVC = 1, SYNC_T32_SVC };

static void a32_svc_handler(struct guest_regs *regs)
{
	GUEST_ASSERT_EQ(ESR_EC(regs->esr), EC_SVC32);
	if ((regs->esr & 0xffff) == 0x21) {
		ucall(UCALL_SYNC, SYNC_A32_SVC, regs->x[1], regs->x[2], regs->elr);
		ucall(UCALL_SYNC, regs->spsr, 0, 0, 0);
		return;		/* back to AArch32 EL0 */
	}
	ucall(UCALL_SYNC, SYNC_T32_SVC, regs->x[3], regs->x[5], regs->x[6]);
	ucall(UCALL_SYNC, regs->spsr, regs->elr, 0, 0);
	GUEST_DONE();
}

static void guest_enter_a32(u64 unused)
{
	guest_install_handler(VECTOR_SYNC_LOWER32, a32_svc_handler);
	write_sysreg(PSR_USR | PSR_AIF, spsr_el1);
	write_sysreg(A32_CODE, elr_el1);
	asm volatile("isb\n eret" : : : "memory");
}

/* arm64's personality() takes PER_LINUX32 only where EL0 runs AArch32. */
static void skip_without_aarch32_el0(void)
{
	int old = personality(0xffffffff);

	if (personality(PER_LINUX32) == -1)
		SKIP("no AArch32 at EL0 on this host (PER_LINUX32 refused)");
	personality(old);
}

/* The A32/T32 code in guest RAM, with EL0 access to it and to A32_MMIO. */
static struct vmm_vm *a32_vm(void)
{
	struct vmm_vm *vm = vmm_vm_new();
	u64 *l2 = vmm_gpa(vm, GUEST_PT_BASE + 0x1000);

	skip_without_aarch32_el0();
	memcpy(vmm_gpa(vm, A32_CODE), a32_code, sizeof(a32_code));
	memcpy(vmm_gpa(vm, A32_CODE + sizeof(a32_code)), t32_code, sizeof(t32_code));
	l2[A32_CODE >> 21] |= PT_AP_EL0;
	l2[A32_MMIO >> 21] |= PT_AP_EL0;
	return vm;
}

static void expect_mmio(struct vmm_vcpu *vcpu, bool write, u32 data)
{
	struct kvm_run *run = vcpu->run;

	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, A32_MMIO);
	ASSERT_EQ(run->mmio.len, 4);
	ASSERT_EQ(run->mmio.is_write, write);
	if (write)
		ASSERT_EQ(*(u32 *)run->mmio.data, data);
	else
		memcpy(run->mmio.data, &data, sizeof(data));
}

/* The WFI's wake-up: the vCPU's IRQ line, 50 ms into its KVM_RUN. */
static void *raise_irq_later(void *arg)
{
	struct vmm_vcpu *vcpu = arg;

	usleep(50000);
	vmm_irq_line(vcpu->vm, KVM_ARM_IRQ_TYPE_CPU, vcpu->id, KVM_ARM_IRQ_CPU_IRQ, 1);
	return NULL;
}

static void run_a32_to_done(struct vmm_vcpu *vcpu)
{
	pthread_t waker;
	struct ucall uc;

	expect_mmio(vcpu, true, STORE_VAL);
	expect_mmio(vcpu, false, LOAD_VAL);
	ASSERT_OK(-pthread_create(&waker, NULL, raise_irq_later, vcpu));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	pthread_join(waker, NULL);
	ASSERT_EQ(uc.args[0], SYNC_A32_SVC);
	ASSERT_EQ(uc.args[1], STORE_VAL);
	ASSERT_EQ(uc.args[2], LOAD_VAL);
	ASSERT_EQ(uc.args[3], A32_CODE + 0x20);		/* after the SVC */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0] & 0x3f, PSR_USR);		/* A32 User */
	expect_mmio(vcpu, true, STORE_VAL);
	expect_mmio(vcpu, true, STORE_VAL);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], SYNC_T32_SVC);
	ASSERT_EQ(uc.args[1], 3);
	ASSERT_EQ(NZCV(uc.args[2]), 0);		/* ADDS after IT EQ; STREQ */
	ASSERT_EQ(NZCV(uc.args[3]), Z_C);	/* ADDEQ in ITT EQ; STREQ; ADDEQ */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0] & (0x3f | PSR_IT_MASK), PSR_USR | PSR_T);
	ASSERT_EQ(uc.args[1], T32_SVC_NEXT);
	vmm_run_to_done(vcpu);
}

static struct vmm_vcpu *a32_vcpu(struct vmm_vm *vm, unsigned int id)
{
	return vmm_vcpu_new(vm, id, guest_enter_a32, 0);
}

TEST(guest_aarch32_el0_makes_exits_and_comes_back)
{
	run_a32_to_done(a32_vcpu(a32_vm(), 0));
}

static int set_pstate(struct vmm_vcpu *vcpu, u64 val)
{
	struct kvm_one_reg reg = { .id = REG_PSTATE, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

TEST(vmm_puts_a_vcpu_in_aarch32_user_mode)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(a32_vm(), 0, guest_enter_a32, 0);

	ASSERT_ERRNO(set_pstate(vcpu, PSR_SVC | PSR_AIF), EINVAL);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PSTATE) & 0x1f, 0x5);	/* still EL1h */
	ASSERT_OK(set_pstate(vcpu, PSR_USR | PSR_AIF));
	vmm_set_reg(vcpu, REG_PC, A32_CODE);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PSTATE), PSR_USR | PSR_AIF);
	expect_mmio(vcpu, true, STORE_VAL);
}

/* ---- vhv only: a CPU without AArch32 EL0 ---- */

#define PARAM	"/sys/module/vhv/parameters/no_aarch32_el0"

static void set_param(const char *val)
{
	int fd = open(PARAM, O_WRONLY);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, val, 1), 1);
	close(fd);
}

static void param_off(void)
{
	int fd = open(PARAM, O_WRONLY);

	if (fd >= 0) {
		(void)!write(fd, "N", 1);
		close(fd);
	}
}

TEST(aarch32_el0_on_a_cpu_without_it_fails_the_entry)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
				      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct vmm_vcpu *vcpu, *other;
	struct kvm_run *run;

	vmm_require_vhv();
	vcpu = a32_vcpu(a32_vm(), 0);
	other = a32_vcpu(vcpu->vm, 1);
	run = vcpu->run;
	/* In AArch32 EL0 by the guest's own ERET, with an exit from there. */
	expect_mmio(vcpu, true, STORE_VAL);
	atexit(param_off);
	set_param("Y");
	ASSERT_EQ(vmm_run(vcpu), -EINVAL);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_FAIL_ENTRY);
	ASSERT_EQ(run->fail_entry.hardware_entry_failure_reason,
		  KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED);
	ASSERT_LT(run->fail_entry.cpu, sysconf(_SC_NPROCESSORS_ONLN));
	/* Uninitialised until KVM_ARM_VCPU_INIT, as in KVM. */
	ASSERT_EQ(vmm_run(vcpu), -ENOEXEC);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_ONE_REG, &(struct kvm_one_reg){ .id = REG_PC }),
		     ENOEXEC);
	ASSERT_OK(ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init));
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PSTATE), 0x3c5);	/* EL1h, DAIF */
	/* The VM lives on: its other vCPU runs, once the CPUs have AArch32 again. */
	set_param("N");
	run_a32_to_done(other);
}
