// SPDX-License-Identifier: GPL-2.0
/*
 * Kicks: making a vCPU look at its state again (a new interrupt, CPU_ON,
 * a system event). A vCPU blocked in WFI is woken; one in its guest is
 * made to exit by an interrupt to the physical CPU it runs on.
 *
 * The mode word (vcpu->mode) orders the two sides, in the shape of KVM's
 * kvm_vcpu_kick():
 *
 *   vCPU (core/run.c)                     kicker
 *   IRQs masked (cannot migrate)          change the state (a request)
 *   run_cpu = this CPU                    smp_mb()
 *   mode = IN_GUEST; smp_mb()             wake the thread if it blocks
 *   look at requests, signals...          cmpxchg(mode, IN_GUEST, EXITING)
 *   enter; exit                           winner only: IPI to run_cpu
 *   mode = OUTSIDE; IRQs unmasked
 *
 * Either the vCPU's look after its barrier sees the change, or the
 * kicker's cmpxchg sees IN_GUEST and the IPI reaches a CPU that is, or
 * is about to be, in the guest: pending while IRQs are masked, it is
 * taken to EL2 as soon as the guest runs (HCR_EL2.IMO), which is the
 * exit. EXITING makes later kickers of the same entry send nothing.
 *
 * The IPI: the scheduler's reschedule IPI is not exported to modules,
 * nor is irq_work_queue_on(). smp_call_function_single_async() is, and
 * may be called with interrupts off, from hard IRQ context (the timers'
 * hrtimer) too. Its csd must not be queued twice, and it checks that
 * without atomicity, so each physical CPU has one csd guarded by an
 * atomic busy flag that the handler clears: while it is set an IPI is on
 * its way to that CPU and will interrupt whatever runs there, so a
 * second one would add nothing. The handler does nothing else: nothing
 * in flight refers to a vCPU, so a vCPU can be freed whatever IPIs are
 * pending; a kicker itself only runs while the vCPU is held (by an open
 * file, or by timers and irqfds that the VM's destruction stops first).
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/rcuwait.h>
#include <linux/smp.h>

#include "core/run.h"
#include "core/vcpu.h"

struct vhv_kick_ipi {
	call_single_data_t csd;
	atomic_t busy;
};

static DEFINE_PER_CPU(struct vhv_kick_ipi, kick_ipi);

/* In the target CPU's IPI handler: the interrupt itself was the point. */
static void kick_ipi_handler(void *info)
{
	struct vhv_kick_ipi *ipi = info;

	atomic_set_release(&ipi->busy, 0);
}

static void kick_cpu(int cpu)
{
	struct vhv_kick_ipi *ipi = per_cpu_ptr(&kick_ipi, cpu);

	if (atomic_xchg(&ipi->busy, 1))
		return;
	/* Offline: no guest runs there (the caller keeps it online). */
	if (smp_call_function_single_async(cpu, &ipi->csd))
		atomic_set(&ipi->busy, 0);
}

void vhv_vcpu_kick(struct vhv_vcpu *vcpu)
{
	int cpu;

	WRITE_ONCE(vcpu->wakeup, true);
	/* The request before the look at the mode; pairs with enter_once()'s. */
	smp_mb();
	rcuwait_wake_up(&vcpu->wait);
	/*
	 * Preemption off from the cmpxchg to the IPI: a CPU cannot finish
	 * going offline meanwhile (stop_machine() needs every online CPU),
	 * and run_cpu cannot be this CPU (IN_GUEST spans a window with
	 * interrupts masked, which a kicker on the same CPU cannot be in).
	 */
	preempt_disable();
	if (cmpxchg(&vcpu->mode, VHV_MODE_IN_GUEST, VHV_MODE_EXITING) == VHV_MODE_IN_GUEST) {
		/* Ordered after the cmpxchg; pairs with enter_once()'s smp_wmb(). */
		cpu = READ_ONCE(vcpu->run_cpu);
		if (cpu != smp_processor_id())
			kick_cpu(cpu);
	}
	preempt_enable();
}

void vhv_kick_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vhv_kick_ipi *ipi = per_cpu_ptr(&kick_ipi, cpu);

		INIT_CSD(&ipi->csd, kick_ipi_handler, ipi);
		atomic_set(&ipi->busy, 0);
	}
}

/*
 * Module exit, no VM left: waits for the IPIs still in flight, whose csd
 * and handler are the module's. The handler's last instructions after it
 * clears busy run with interrupts masked, an RCU read-side section, and
 * the module loader waits for a grace period before it frees our text.
 */
void vhv_kick_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		while (atomic_read_acquire(&per_cpu_ptr(&kick_ipi, cpu)->busy))
			cpu_relax();
}
