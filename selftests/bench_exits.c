// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks, not tests: guest CNTVCT ticks per exit round trip, run by
 * tools/testbed/run-tests in boots under -icount shift=0 (where the
 * counter counts executed instructions), against vhv and against KVM in
 * the same run. Reported as "# bench <name> <ticks per op>" lines.
 *   hvc_psci_version  HVC PSCI_VERSION: in vhv, answered in the run window
 *   mmio_read_to_user an MMIO load completed by the VMM (a KVM_RUN each)
 *   ioeventfd_write   an MMIO store that signals an eventfd in the kernel
 *                     (no exit to the VMM; the eventfd's count is checked)
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/psci.h>

#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define ITERS		2000
#define WARMUP		100
#define BENCH_MMIO	0x20000000ULL
#define BENCH_IOEVENTFD	(BENCH_MMIO + 0x100)

static inline u64 counter(void)
{
	u64 v;

	/* ISB: the read must not be hoisted above the work it measures. */
	asm volatile("isb\n mrs %0, cntvct_el0\n isb" : "=r" (v) : : "memory");
	return v;
}

static void guest_bench(u64 iters)
{
	volatile u32 *mmio = (volatile u32 *)BENCH_MMIO;
	u64 i, t0, t1;

	for (i = 0; i < WARMUP; i++)
		guest_hvc(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	t0 = counter();
	for (i = 0; i < iters; i++)
		guest_hvc(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	t1 = counter();
	GUEST_SYNC2(1, t1 - t0);

	for (i = 0; i < WARMUP; i++)
		(void)*mmio;
	t0 = counter();
	for (i = 0; i < iters; i++)
		(void)*mmio;
	t1 = counter();
	GUEST_SYNC2(2, t1 - t0);

	for (i = 0; i < WARMUP; i++)
		writel(i, BENCH_IOEVENTFD);
	t0 = counter();
	for (i = 0; i < iters; i++)
		writel(i, BENCH_IOEVENTFD);
	t1 = counter();
	GUEST_SYNC2(3, t1 - t0);
}

static void report(const char *name, u64 ticks, u64 iters)
{
	vt_note("bench %s %llu.%02llu", name, (unsigned long long)(ticks / iters),
		(unsigned long long)(ticks * 100 / iters % 100));
}

TEST_TIMEOUT(exit_round_trips, 900)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_bench, ITERS);
	struct kvm_run *run = vcpu->run;
	int efd = eventfd(0, EFD_NONBLOCK);
	struct kvm_ioeventfd io = { .addr = BENCH_IOEVENTFD, .len = 4, .fd = efd };
	struct ucall uc;
	u64 i, count;

	ASSERT_GE(efd, 0);
	ASSERT_OK(ioctl(vcpu->vm->fd, KVM_IOEVENTFD, &io));

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	report("hvc_psci_version", uc.args[1], ITERS);
	for (i = 0; i < WARMUP + ITERS; i++) {
		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		ASSERT_EQ(run->mmio.phys_addr, BENCH_MMIO);
		*(u32 *)run->mmio.data = 7;
	}
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 2);
	report("mmio_read_to_user", uc.args[1], ITERS);
	/* Not one exit: the next is the ucall, and every write was signalled. */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 3);
	ASSERT_EQ(read(efd, &count, sizeof(count)), sizeof(count));
	ASSERT_EQ(count, WARMUP + ITERS);
	report("ioeventfd_write", uc.args[1], ITERS);
}
