// SPDX-License-Identifier: GPL-2.0
/*
 * Halt polling: a vCPU that executes WFI with nothing pending spins for a
 * while before its thread sleeps, so that an interrupt coming soon (an
 * irqfd's completion from another CPU, an IPI from another vCPU) finds it
 * awake: no switch to the idle task and back, no wake-up IPI, no EL1 state
 * put and loaded again. KVM does the same (halt_poll_ns, 500 us on arm64);
 * this is vhv's own window, per vCPU:
 *   - it starts at 0 (no polling);
 *   - a halt woken by a kick within halt_poll_ns (polled or slept) that
 *     the window did not cover doubles it, from 10 us up to halt_poll_ns;
 *   - a halt longer than halt_poll_ns, or ended by a signal, resets it to
 *     0: polling would only have burnt the CPU.
 * Polling stops at once when another task is runnable on this CPU
 * (single_task_running(): a FIFO vCPU thread gets no need_resched for a
 * CFS task woken beside it, which may be the very I/O thread it waits
 * for), when the scheduler wants the CPU, or when a signal is pending.
 * The window is clamped to halt_poll_ns at every halt, so lowering the
 * parameter (0 turns polling off) takes effect at the next WFI, as KVM's.
 */
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>

#include "core/run.h"
#include "core/vcpu.h"

static unsigned int halt_poll_ns = 500000;
module_param(halt_poll_ns, uint, 0644);
MODULE_PARM_DESC(halt_poll_ns, "Longest a vCPU in WFI spins before sleeping, in ns (0: never)");

#define POLL_GROW_START_NS	10000

/* Spins for the vCPU's window: true if a kick came meanwhile (consumed). */
static bool halt_poll(struct vhv_vcpu *vcpu, ktime_t start)
{
	ktime_t stop = ktime_add_ns(start, vcpu->poll_ns);

	if (!vcpu->poll_ns)
		return false;
	do {
		/*
		 * A kick sets wakeup before it looks at the mode; a kick that
		 * comes after the poll ends is seen by rcuwait_wait_event(),
		 * whose set_current_state() pairs with rcuwait_wake_up().
		 */
		if (READ_ONCE(vcpu->wakeup)) {
			WRITE_ONCE(vcpu->wakeup, false);
			return true;
		}
		cpu_relax();
	} while (single_task_running() && !need_resched() && !signal_pending(current) &&
		 ktime_before(ktime_get(), stop));
	return false;
}

static void poll_window_update(struct vhv_vcpu *vcpu, u64 halted_ns, bool kicked, u32 max)
{
	if (!kicked || halted_ns > max)
		vcpu->poll_ns = 0;
	else if (halted_ns > vcpu->poll_ns)
		vcpu->poll_ns = min_t(u64, max, max_t(u64, 2ULL * vcpu->poll_ns,
						      POLL_GROW_START_NS));
}

int vhv_vcpu_halt(struct vhv_vcpu *vcpu)
{
	ktime_t start = ktime_get();
	u32 max = READ_ONCE(halt_poll_ns);
	int ret;

	vcpu->poll_ns = min(vcpu->poll_ns, max);

	ret = halt_poll(vcpu, start) ? 1 : vhv_vcpu_block(vcpu);
	poll_window_update(vcpu, ktime_to_ns(ktime_sub(ktime_get(), start)), ret > 0, max);
	return ret;
}
