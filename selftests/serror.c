// SPDX-License-Identifier: GPL-2.0
/*
 * SErrors and interrupts at the guest boundary, as far as an emulator
 * without physical SErrors lets them be seen:
 *
 *  - a guest's own ESB defers its pending (masked) virtual SError into
 *    its DISR_EL1 (VDISR_EL2 with RAS), which then belongs to the vCPU:
 *    it survives exits (and the put and load of EL1 state around them)
 *    and is not seen by another VM on the same CPU;
 *  - a guest spinning on fast exits (HVCs answered inside vhv's run
 *    window) still lets the host take its interrupts: the timer behind a
 *    signal ends KVM_RUN with EINTR.
 *
 * KVM ABI only. The ESB tests need FEAT_RAS, whose sign to a VMM is
 * KVM_CAP_ARM_INJECT_SERROR_ESR, and skip without it.
 */
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <linux/kvm.h>
#include <linux/psci.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define DISR_A		(1ULL << 31)
#define SERROR_ISS	0x1234ULL
#define SETTLE_MS	20

#define read_disr()	read_sysreg(s3_0_c12_c1_1)
#define write_disr(v)	write_sysreg(v, s3_0_c12_c1_1)

enum {
	SYNC_READY = 1,
	SYNC_DISR,	/* args[1]: DISR_EL1 */
	SYNC_TAKEN,	/* args[1]: SErrors taken */
};

static u32 serrors_taken;

static void serror_handler(struct guest_regs *regs)
{
	__atomic_fetch_add(&serrors_taken, 1, __ATOMIC_RELAXED);
}

/* SErrors masked, as at reset, while the ESB runs. */
static void guest_esb(u64 unused)
{
	guest_install_handler(VECTOR_ERR_CUR, serror_handler);
	GUEST_SYNC(SYNC_READY);
	asm volatile("hint #16" : : : "memory");	/* ESB */
	GUEST_SYNC2(SYNC_DISR, read_disr());
	/* Again after an exit: the vCPU's, wherever it ran meanwhile. */
	GUEST_SYNC2(SYNC_DISR, read_disr());
	asm volatile("msr daifclr, #4\n isb" : : : "memory");
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_TAKEN, __atomic_load_n(&serrors_taken, __ATOMIC_RELAXED));
	write_disr(0);
	GUEST_SYNC2(SYNC_DISR, read_disr());
}

static void guest_read_disr(u64 unused)
{
	GUEST_SYNC2(SYNC_DISR, read_disr());
}

/* One CPU for the whole test: VDISR_EL2 is per physical CPU. */
static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_OK(sched_setaffinity(0, sizeof(set), &set));
}

static struct vmm_vcpu *ras_vcpu(void (*fn)(u64))
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, fn, 0);

	if (!vmm_check_extension(vcpu->vm->fd, KVM_CAP_ARM_INJECT_SERROR_ESR))
		SKIP("no RAS (KVM_CAP_ARM_INJECT_SERROR_ESR)");
	return vcpu;
}

static u64 expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
	return uc.args[1];
}

static bool serror_pending(struct vmm_vcpu *vcpu)
{
	struct kvm_vcpu_events ev;

	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	return ev.exception.serror_pending;
}

TEST(guest_esb_defers_its_virtual_serror_into_its_own_disr)
{
	struct kvm_vcpu_events ev = {
		.exception = { .serror_pending = 1, .serror_has_esr = 1, .serror_esr = SERROR_ISS },
	};
	struct vmm_vcpu *vcpu, *other;

	pin_to_cpu0();
	vcpu = ras_vcpu(guest_esb);
	expect_sync(vcpu, SYNC_READY);
	ASSERT_OK(ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	ASSERT_TRUE(serror_pending(vcpu));
	/* DISR_EL1.A and the syndrome (IDS and ISS) of VSESR_EL2. */
	ASSERT_EQ(expect_sync(vcpu, SYNC_DISR), DISR_A | SERROR_ISS);
	ASSERT_FALSE(serror_pending(vcpu));

	/* Another VM on the same CPU does not see it. */
	other = ras_vcpu(guest_read_disr);
	ASSERT_EQ(expect_sync(other, SYNC_DISR), 0);

	ASSERT_EQ(expect_sync(vcpu, SYNC_DISR), DISR_A | SERROR_ISS);
	/* Consumed by the ESB: nothing left to take once unmasked. */
	ASSERT_EQ(expect_sync(vcpu, SYNC_TAKEN), 0);
	ASSERT_EQ(expect_sync(vcpu, SYNC_DISR), 0);
	vmm_run_to_done(vcpu);
}

TEST(disr_starts_clear_in_a_new_vcpu)
{
	struct vmm_vcpu *vcpu;

	pin_to_cpu0();
	vcpu = ras_vcpu(guest_read_disr);
	ASSERT_EQ(expect_sync(vcpu, SYNC_DISR), 0);
	vmm_run_to_done(vcpu);
}

/* ---- the host's interrupts during a storm of fast exits ---- */

static void guest_hvc_forever(u64 unused)
{
	for (;;)
		guest_hvc(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
}

static void on_alarm(int sig)
{
}

TEST_TIMEOUT(fast_exits_leave_the_host_its_interrupts, 30)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_hvc_forever, 0);
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timeval t0, t1;
	int i;

	ASSERT_OK(sigaction(SIGALRM, &sa, NULL));
	for (i = 0; i < 5; i++) {
		gettimeofday(&t0, NULL);
		ASSERT_OK(setitimer(ITIMER_REAL, &it, NULL));
		ASSERT_EQ(vmm_run(vcpu), -EINTR);
		gettimeofday(&t1, NULL);
		ASSERT_EQ(vcpu->run->exit_reason, KVM_EXIT_INTR);
		/* The signal came from a host timer interrupt, taken in time. */
		ASSERT_LT((t1.tv_sec - t0.tv_sec) * 1000000 + t1.tv_usec - t0.tv_usec, 5000000);
	}
}
