// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN and the vCPU thread: a signal ends a WFI with EINTR and
 * KVM_EXIT_INTR; immediate_exit returns at once; a vCPU moved to every
 * host CPU in turn while it runs keeps its registers; running before
 * KVM_ARM_VCPU_INIT is ENOEXEC. KVM ABI only.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

static void guest_wfi_forever(u64 unused)
{
	GUEST_SYNC(1);
	for (;;)
		asm volatile("wfi");
}

static void on_signal(int sig)
{
}

struct kicker {
	pthread_t target;
	unsigned int delay_ms;
};

static void *send_signal_later(void *arg)
{
	struct kicker *k = arg;
	struct timespec ts = { .tv_nsec = k->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	pthread_kill(k->target, SIGUSR1);
	return NULL;
}

TEST(signal_during_wfi_returns_eintr_and_exit_intr)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_wfi_forever, 0);
	struct kicker k = { .target = pthread_self(), .delay_ms = 200 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct ucall uc;
	pthread_t thread;
	u64 pc;

	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(pthread_create(&thread, NULL, send_signal_later, &k), 0);
	ASSERT_EQ(vmm_run(vcpu), -EINTR);
	ASSERT_EQ(vcpu->run->exit_reason, KVM_EXIT_INTR);
	pthread_join(thread, NULL);
	/* The vCPU was in its WFI loop, in guest_wfi_forever. */
	pc = vmm_get_reg(vcpu, REG_PC);
	ASSERT_GE(pc, (u64)guest_wfi_forever);
	ASSERT_LT(pc, (u64)guest_wfi_forever + 0x100);
}

static void guest_sync_loop(u64 unused)
{
	u64 i;

	for (i = 0;; i++)
		GUEST_SYNC(i);
}

TEST(immediate_exit_returns_eintr_without_running)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_sync_loop, 0);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	u64 pc;

	ASSERT_EQ(vmm_check_extension(vcpu->vm->dev, KVM_CAP_IMMEDIATE_EXIT), 1);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
	pc = vmm_get_reg(vcpu, REG_PC);
	run->immediate_exit = 1;
	ASSERT_EQ(vmm_run(vcpu), -EINTR);
	/* The pending MMIO completed (PC past it), nothing else ran. */
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PC), pc + 4);
	ASSERT_EQ(vmm_run(vcpu), -EINTR);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PC), pc + 4);
	run->immediate_exit = 0;
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
}

TEST(run_before_init_is_enoexec)
{
	struct vmm_vm *vm = vmm_vm_new();
	int fd = ASSERT_OK(ioctl(vm->fd, KVM_CREATE_VCPU, 0));

	ASSERT_ERRNO(ioctl(fd, KVM_RUN, 0), ENOEXEC);
	ASSERT_ERRNO(ioctl(fd, KVM_RUN, 1), EINVAL);
}

/* The guest keeps values in callee-saved registers across its exits and
 * checks them each time it comes back. */
static void guest_keeps_registers(u64 rounds)
{
	register u64 x19 asm("x19") = 0x1919191919191919ULL;
	register u64 x28 asm("x28") = 0x2828282828282828ULL;
	u64 i;

	for (i = 0; i < rounds; i++) {
		asm volatile("" : "+r" (x19), "+r" (x28));
		GUEST_SYNC(i);
		asm volatile("" : "+r" (x19), "+r" (x28));
		GUEST_ASSERT_EQ(x19, 0x1919191919191919ULL);
		GUEST_ASSERT_EQ(x28, 0x2828282828282828ULL);
		GUEST_ASSERT_EQ(read_sysreg(tpidr_el1), 0x77);
		GUEST_ASSERT_EQ(read_sysreg(tpidr_el0), 0x1234);
	}
}

TEST(vcpu_moved_to_every_host_cpu_keeps_its_state)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_keeps_registers, 8 * ncpus);
	struct ucall uc;
	long i;

	vmm_set_reg(vcpu, REG_SYS(3, 0, 13, 0, 4), 0x77);	/* TPIDR_EL1 */
	vmm_set_reg(vcpu, REG_SYS(3, 3, 13, 0, 2), 0x1234);	/* TPIDR_EL0 */
	for (i = 0; i < 8 * ncpus; i++) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(i % ncpus, &set);
		ASSERT_OK(sched_setaffinity(0, sizeof(set), &set));
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], i);
	}
	vmm_run_to_done(vcpu);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_SYS(3, 3, 13, 0, 2)), 0x1234);
	/* This thread's own TPIDR_EL0 (its TLS) came back after every run:
	 * errno, which lives there, still works. */
	errno = 0;
	ASSERT_ERRNO(close(-1), EBADF);
}
