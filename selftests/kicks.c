// SPDX-License-Identifier: GPL-2.0
/*
 * Kicks racing the vCPUs' entries and exits, and the end of the VM.
 *
 * Four vCPUs sleep in WFI with their virtual timer re-armed every
 * millisecond (so that the timer's hrtimer kicks them from hard IRQ
 * context), send each other SGIs and exit to the VMM by MMIO every few
 * interrupts, while two host threads inject edge SPIs with KVM_IRQ_LINE
 * and through irqfds, a third interrupts the vCPU threads with signals,
 * the vCPU threads set immediate_exit now and then, and each vCPU's
 * thread ends and is replaced by a new one every few runs. In the middle
 * of it the VMM closes every file of the VM; the VM goes when the last
 * vCPU thread is out and the kvm_run pages are unmapped, while irqfds
 * are still being signalled. Ten rounds.
 *
 * The guests must have taken every kind of interrupt over the rounds, and
 * every vCPU some (how many, and in which round, depends on how the
 * emulated host's two CPUs share out a dozen threads: on a loaded machine
 * a whole round can pass before the guests have set up their GIC), no
 * KVM_RUN may fail but as asked (signals, immediate_exit, closed files),
 * and the host must stay clean: the boot fails on any oops, warning,
 * lockup or RCU stall. KVM ABI only.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define NR_VCPUS	4
#define NR_IRQS		64
#define FIRST_SPI	32
#define NR_SPIS		8		/* INTIDs 32-39, SPI i to vCPU i % NR_VCPUS */
#define NR_IRQFDS	4		/* GSIs 0-3: INTIDs 32-35 by default routing */
#define NR_INJECTORS	2
#define ROUNDS		10
#define STORM_MS	500
#define SIGNAL_US	4000		/* between two rounds of signals */
#define INJECT_BURST	8		/* injections between two pauses */
#define INJECT_PAUSE_US	200
#define RUNS_PER_THREAD	24		/* then the vCPU's thread ends */
#define SYNC_EVERY	16		/* interrupts between two MMIO exits */
#define SGI_EVERY	4		/* interrupts between two SGIs sent */
#define TIMER_PPI	27
#define SGI_KICK	1
#define PRIO		0x80

#define ICC_IAR1_EL1	"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1	"s3_0_c12_c12_1"

/* ---- guest ---- */

struct storm_log {
	u32 timer;
	u32 spi;
	u32 sgi;
	u32 other;
} __attribute__((aligned(64)));

static struct storm_log logs[NR_VCPUS];

static void arm_timer(void)
{
	write_sysreg(read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) / 1000, cntv_cval_el0);
}

static void storm_irq(struct guest_regs *regs)
{
	struct storm_log *log = &logs[gic_cpu_index()];
	u64 intid;

	asm volatile("mrs %0, " ICC_IAR1_EL1 : "=r" (intid));
	intid &= 0xffffff;
	if (intid >= 1020)
		return;
	if (intid == TIMER_PPI) {
		/* A level line: a deadline in the future lowers it before the EOI. */
		arm_timer();
		log->timer++;
	} else if (intid < GIC_NR_SGIS) {
		log->sgi++;
	} else if (intid >= FIRST_SPI) {
		log->spi++;
	} else {
		log->other++;
	}
	asm volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" : : "r" (intid) : "memory");
}

static u32 taken(const struct storm_log *log)
{
	return log->timer + log->spi + log->sgi + log->other;
}

static void guest_storm(u64 idx)
{
	struct storm_log *log = &logs[idx];
	u32 i, n, seen = 0, sent = 0;

	if (idx == 0) {
		gic_dist_init();
		for (i = 0; i < NR_SPIS; i++) {
			gic_spi_setup(FIRST_SPI + i, PRIO, true);
			/* vCPU ids below 16: the affinity is Aff0 = id. */
			gic_spi_route(FIRST_SPI + i, i % NR_VCPUS);
		}
	}
	gic_cpu_init_handler(storm_irq);
	gic_irq_set_priority(TIMER_PPI, PRIO);
	arm_timer();
	write_sysreg(1, cntv_ctl_el0);		/* enabled, not masked */
	asm volatile("isb");
	local_irq_enable();
	for (;;) {
		asm volatile("wfi" : : : "memory");
		n = taken(log);
		if (n - sent >= SGI_EVERY) {
			sent = n;
			gic_send_sgi(SGI_KICK, (idx + 1) % NR_VCPUS);
		}
		if (n - seen >= SYNC_EVERY) {
			seen = n;
			GUEST_SYNC(n);
		}
	}
}

/* ---- host ---- */

struct storm {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu[NR_VCPUS];
	int gic;
	int efd[NR_IRQFDS];
	atomic_bool closed;		/* the VM's files are closed */
	atomic_bool stop;		/* injectors and signaller: end */
	atomic_int tid[NR_VCPUS];	/* each vCPU's thread now, or 0 */
	atomic_long lines, irqfds, runs, eintr, syncs;
	atomic_int failures;
	char failure[160];
};

static void storm_fail(struct storm *s, const char *what, long a, long b)
{
	if (atomic_fetch_add(&s->failures, 1) == 0)
		snprintf(s->failure, sizeof(s->failure), "%s (%ld, %ld)", what, a, b);
}

struct runner {
	struct storm *s;
	unsigned int idx;
};

/* One KVM_RUN and what came of it: false once the vCPU's file is gone. */
static bool run_once(struct storm *s, struct vmm_vcpu *v, unsigned int n)
{
	struct kvm_run *run = v->run;
	struct ucall uc;
	uint64_t addr;
	int ret;

	run->immediate_exit = n % 7 == 3;
	ret = ioctl(v->fd, KVM_RUN, 0);
	run->immediate_exit = 0;
	atomic_fetch_add(&s->runs, 1);
	if (ret) {
		if (errno == EINTR) {
			atomic_fetch_add(&s->eintr, 1);
			return true;
		}
		if (errno != EBADF || !atomic_load(&s->closed))
			storm_fail(s, "KVM_RUN failed", v->id, errno);
		return false;
	}
	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != UCALL_MMIO) {
		storm_fail(s, "unexpected exit", v->id, run->exit_reason);
		return false;
	}
	memcpy(&addr, run->mmio.data, sizeof(addr));
	memcpy(&uc, vmm_gpa(s->vm, addr), sizeof(uc));
	if (uc.cmd != UCALL_SYNC) {
		storm_fail(s, "guest ucall", uc.cmd, uc.args[0]);
		return false;
	}
	atomic_fetch_add(&s->syncs, 1);
	return true;
}

/* A vCPU's thread for a few runs; true if the vCPU may run again. */
static void *runner(void *arg)
{
	struct runner *r = arg;
	struct storm *s = r->s;
	bool more = true;
	unsigned int n;

	atomic_store(&s->tid[r->idx], gettid());
	for (n = 0; n < RUNS_PER_THREAD && more; n++)
		more = run_once(s, s->vcpu[r->idx], n);
	atomic_store(&s->tid[r->idx], 0);
	return (void *)(uintptr_t)more;
}

/* Starts a new thread for the vCPU each time the last one ends. */
static void *launcher(void *arg)
{
	pthread_t t;
	void *more;

	do {
		if (pthread_create(&t, NULL, runner, arg))
			return NULL;
		pthread_join(t, &more);
	} while (more);
	return NULL;
}

static void *injector(void *arg)
{
	struct storm *s = arg;
	unsigned int seed = (uintptr_t)arg ^ gettid(), spi;
	bool lines = true;
	unsigned int n = 0;
	u64 one = 1;

	while (!atomic_load(&s->stop)) {
		/* A breath now and then, or the vCPU threads starve on two CPUs. */
		if (++n % INJECT_BURST == 0)
			usleep(INJECT_PAUSE_US);
		spi = rand_r(&seed) % NR_SPIS;
		if (lines && rand_r(&seed) % 2) {
			if (vmm_irq_line_try(s->vm, KVM_ARM_IRQ_TYPE_SPI, 0, FIRST_SPI + spi, 1) ||
			    vmm_irq_line_try(s->vm, KVM_ARM_IRQ_TYPE_SPI, 0, FIRST_SPI + spi, 0)) {
				if (errno != EBADF || !atomic_load(&s->closed))
					storm_fail(s, "KVM_IRQ_LINE failed", spi, errno);
				lines = false;
			}
			atomic_fetch_add(&s->lines, 1);
		} else {
			if (write(s->efd[spi % NR_IRQFDS], &one, sizeof(one)) != sizeof(one))
				storm_fail(s, "eventfd write failed", spi, errno);
			atomic_fetch_add(&s->irqfds, 1);
		}
	}
	return NULL;
}

static void *signaller(void *arg)
{
	struct storm *s = arg;
	unsigned int i;
	int tid;

	while (!atomic_load(&s->stop)) {
		for (i = 0; i < NR_VCPUS; i++) {
			tid = atomic_load(&s->tid[i]);
			/* ESRCH if that thread has just ended: fine. */
			if (tid)
				syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		}
		usleep(SIGNAL_US);
	}
	return NULL;
}

static void on_sigusr1(int sig)
{
}

static void storm_setup(struct storm *s)
{
	struct kvm_irqfd irqfd = { 0 };
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->vm = vmm_vm_new();
	s->gic = vmm_gic_new(s->vm, NR_IRQS);
	for (i = 0; i < NR_VCPUS; i++)
		s->vcpu[i] = vmm_vcpu_new(s->vm, i, guest_storm, i);
	vmm_gic_init(s->gic);
	memset(logs, 0, sizeof(logs));
	vmm_sync_to_guest(s->vm, logs, sizeof(logs));
	for (i = 0; i < NR_IRQFDS; i++) {
		s->efd[i] = ASSERT_OK(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
		irqfd.fd = s->efd[i];
		irqfd.gsi = i;
		ASSERT_OK(ioctl(s->vm->fd, KVM_IRQFD, &irqfd));
	}
}

/*
 * Every file of the VM closed at once; the vCPU threads see EBADF at
 * their next KVM_RUN and end. The kvm_run mappings still hold the vCPU
 * files: unmapped once no thread reads them, they let the VM go, with
 * the injectors still signalling its irqfds.
 */
static void storm_close(struct storm *s, pthread_t *launchers)
{
	unsigned int i;

	atomic_store(&s->closed, true);
	close(s->vm->fd);
	close(s->gic);
	for (i = 0; i < NR_VCPUS; i++)
		close(s->vcpu[i]->fd);
	for (i = 0; i < NR_VCPUS; i++)
		pthread_join(launchers[i], NULL);
	for (i = 0; i < NR_VCPUS; i++) {
		munmap(s->vcpu[i]->run, s->vm->run_size);
		free(s->vcpu[i]);
	}
	close(s->vm->dev);
}

static void storm_round(struct storm *s, unsigned int round, u32 *totals,
			struct storm_log *sum)
{
	pthread_t launchers[NR_VCPUS], injectors[NR_INJECTORS], sig;
	struct runner r[NR_VCPUS];
	unsigned int i;
	int failures;

	storm_setup(s);
	for (i = 0; i < NR_VCPUS; i++) {
		r[i] = (struct runner){ .s = s, .idx = i };
		ASSERT_EQ(pthread_create(&launchers[i], NULL, launcher, &r[i]), 0);
	}
	for (i = 0; i < NR_INJECTORS; i++)
		ASSERT_EQ(pthread_create(&injectors[i], NULL, injector, s), 0);
	ASSERT_EQ(pthread_create(&sig, NULL, signaller, s), 0);
	usleep(STORM_MS * 1000);
	storm_close(s, launchers);
	usleep(20 * 1000);
	atomic_store(&s->stop, true);
	for (i = 0; i < NR_INJECTORS; i++)
		pthread_join(injectors[i], NULL);
	pthread_join(sig, NULL);

	vmm_sync_from_guest(s->vm, logs, sizeof(logs));
	for (i = 0; i < NR_VCPUS && !round; i++)
		vt_note("vCPU %u: %u timer, %u SPI, %u SGI", i, logs[i].timer, logs[i].spi,
			logs[i].sgi);
	if (!round)
		vt_note("round 0: %ld KVM_IRQ_LINE pulses, %ld irqfd signals, %ld runs (%ld EINTR, %ld syncs)",
			atomic_load(&s->lines), atomic_load(&s->irqfds), atomic_load(&s->runs),
			atomic_load(&s->eintr), atomic_load(&s->syncs));
	failures = atomic_load(&s->failures);
	if (failures)
		vt_fail(__FILE__, __LINE__, "round %u: %s", round, s->failure);
	ASSERT_EQ(failures, 0);
	for (i = 0; i < NR_VCPUS; i++) {
		sum->timer += logs[i].timer;
		sum->spi += logs[i].spi;
		sum->sgi += logs[i].sgi;
		EXPECT_EQ(logs[i].other, 0);
		totals[i] += taken(&logs[i]);
	}
	for (i = 0; i < NR_IRQFDS; i++)
		close(s->efd[i]);
	munmap(s->vm->ram, s->vm->ram_size);
	free(s->vm);
}

TEST_TIMEOUT(kicks_race_entries_exits_and_the_vm_closing, 300)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	u32 totals[NR_VCPUS] = { 0 };
	struct storm_log sum = { 0 };
	static struct storm s;
	unsigned int i;

	/* No SA_RESTART: a signalled KVM_RUN returns EINTR. */
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	for (i = 0; i < ROUNDS; i++)
		storm_round(&s, i, totals, &sum);
	/* Whatever the two CPUs made of the storms, they reached the guests. */
	EXPECT_GE(sum.timer, 1);
	EXPECT_GE(sum.spi, 1);
	EXPECT_GE(sum.sgi, 1);
	/* And every vCPU took some, however starved it was in a round. */
	for (i = 0; i < NR_VCPUS; i++)
		EXPECT_GE(totals[i], 1);
}
