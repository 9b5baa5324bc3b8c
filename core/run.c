// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN: the loop that enters the guest and handles its exits until one
 * needs the VMM, an error happens, or a signal arrives.
 *
 * Entry protocol with kickers (core/kick.c): the vCPU publishes the CPU
 * it runs on and then IN_GUEST mode, with a full barrier, after masking
 * interrupts and before the last look at pending signals and requests.
 * A kicker that changes the vCPU's state first and then moves IN_GUEST
 * to EXITING sends an IPI to that CPU, which, pending while the vCPU
 * enters, makes it exit at once. One that sees OUTSIDE only has to wake
 * the thread.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/preempt.h>
#include <linux/rcuwait.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/daifflags.h>
#include <asm/neon.h>

#include "arm64/entry.h"
#include "arm64/exits.h"
#include "arm64/hostcpu.h"
#include "arm64/switch.h"
#include "core/compat.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmu.h"
#include "timer/timer.h"
#include "vgic/vgic.h"

/*
 * Sleeps until something wants the vCPU to run: a kick (another vCPU's
 * CPU_ON, a system event, and later interrupts) or a signal. 1 to go on,
 * or -EINTR with KVM_EXIT_INTR.
 */
int vhv_vcpu_block(struct vhv_vcpu *vcpu)
{
	int ret;

	ret = rcuwait_wait_event(&vcpu->wait, READ_ONCE(vcpu->wakeup) || signal_pending(current),
				 TASK_INTERRUPTIBLE);
	WRITE_ONCE(vcpu->wakeup, false);
	if (ret || signal_pending(current)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	return 1;
}

/*
 * WFI, and what behaves as it (PSCI CPU_SUSPEND): no wait at all if an
 * interrupt the guest would take is pending, whatever PSTATE.I says;
 * else poll for a while (core/halt_poll.c), then sleep until one may be:
 * a kick, a signal, or the next deadline of the guest's timers, which the
 * hrtimer stands in for while the vCPU is not loaded. 1 to go on, or
 * -EINTR.
 */
int vhv_vcpu_wfi(struct vhv_vcpu *vcpu)
{
	int ret;

	vhv_timer_block_begin(vcpu);
	ret = vhv_vgic_has_pending(vcpu) ? 1 : vhv_vcpu_halt(vcpu);
	vhv_timer_block_end(vcpu);
	return ret;
}

/* A powered-off vCPU waits for CPU_ON (or a signal) before running. */
static int wait_power_on(struct vhv_vcpu *vcpu)
{
	while (READ_ONCE(vcpu->power_off)) {
		int ret = vhv_vcpu_block(vcpu);

		if (ret <= 0)
			return ret;
	}
	return 1;
}

/*
 * KVM_MP_STATE_SUSPENDED: a WFI that only an interrupt ends, as KVM has
 * it. Woken with one pending (the timers' outputs looked at again first),
 * the vCPU exits to the VMM with KVM_SYSTEM_EVENT_WAKEUP and stays
 * suspended: the VMM makes it RUNNABLE (or resets it) when it resumes
 * the guest. Woken for anything else, it sleeps again: 1 to look again,
 * 0 for the exit, -EINTR for a signal.
 */
static int suspended_wait(struct vhv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	ret = vhv_vcpu_wfi(vcpu);
	if (ret <= 0)
		return ret;
	vhv_timer_refresh(vcpu);
	if (!vhv_vgic_has_pending(vcpu))
		return 1;
	memset(&run->system_event, 0, sizeof(run->system_event));
	run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run->system_event.type = KVM_SYSTEM_EVENT_WAKEUP;
	return 0;
}

/* Work that needs the vCPU's own thread: a pending CPU_ON reset. */
static void apply_requests(struct vhv_vcpu *vcpu)
{
	struct vhv_reset_req req;

	spin_lock(&vcpu->power_lock);
	req = vcpu->reset_req;
	vcpu->reset_req.pending = false;
	spin_unlock(&vcpu->power_lock);
	if (req.pending)
		vhv_vcpu_reset_to(vcpu, &req);
}

static bool must_leave(void)
{
	return signal_pending(current) || need_resched();
}

/*
 * A guest may put its EL0 in AArch32 by itself: the architecture gives a
 * hypervisor no way to forbid it. Entering it so on a CPU without
 * AArch32 at EL0 (one half of some big.LITTLE systems) would be an
 * illegal exception return, which lands at EL2 itself, in vhv's bug
 * vector. Checked on the CPU about to enter, with interrupts masked; the
 * VMM gets KVM's failure: KVM_EXIT_FAIL_ENTRY, KVM_RUN EINVAL, and a
 * vCPU that needs KVM_ARM_VCPU_INIT again. Beyond KVM, which leaves
 * fail_entry as it was for this failure, hardware_entry_failure_reason
 * gets KVM's code for a CPU a vCPU cannot run on, and cpu that CPU.
 */
static int check_entry_cpu(struct vhv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (likely(!(vcpu->regs.regs.pstate & PSR_MODE32_BIT)) || vhv_hostcpu_has_aarch32_el0())
		return 0;
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED;
	run->fail_entry.cpu = smp_processor_id();
	vcpu->initialised = false;
	return -EINVAL;
}

/* With interrupts masked and IN_GUEST published: 1, or -EIO (VM dead). */
static int run_window(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	int ret;

	if (!vhv_lazy_el1())
		vhv_vcpu_load(vcpu);
	/* The timers' outputs last: nothing may change them before the entry. */
	vhv_timer_sync(vcpu);
	vhv_fpsimd_load(&vcpu->regs.fp_regs);
	ret = vhv_vcpu_enter(vcpu, vhv_vm_vttbr(vm)) ?: 1;
	vhv_fpsimd_save(&vcpu->regs.fp_regs);
	if (!vhv_lazy_el1())
		vhv_vcpu_put(vcpu);
	/* The world switch failed its own checks: the VM is dead. */
	if (ret < 0)
		set_bit(VHV_VM_DEAD, &vm->flags);
	return ret;
}

/*
 * One pass through the run window: 1 if the guest ran, 0 if the pass gave
 * up before entering (signal, rescheduling, stale VMID: the caller
 * loops), or a negative errno for KVM_RUN.
 */
static int enter_once(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	unsigned long flags;
	int ret = 0;

	kernel_neon_begin();
	flags = local_daif_save();
	/* Interrupts masked: the thread stays on this CPU until the exit. */
	WRITE_ONCE(vcpu->run_cpu, smp_processor_id());
	/* The CPU before the mode, for a kicker's IPI; pairs with its cmpxchg. */
	smp_wmb();
	WRITE_ONCE(vcpu->mode, VHV_MODE_IN_GUEST);
	/* Mode before the checks below; pairs with vhv_vcpu_kick()'s smp_mb(). */
	smp_mb();
	if (!must_leave() && !READ_ONCE(vcpu->power_off) && !READ_ONCE(vcpu->reset_req.pending) &&
	    vhv_vmid_valid(&vm->vmid)) {
		ret = check_entry_cpu(vcpu);
		if (!ret)
			ret = run_window(vcpu);
	}
	WRITE_ONCE(vcpu->mode, VHV_MODE_OUTSIDE);
	local_daif_restore(flags);
	kernel_neon_end();
	return ret;
}

static int run_loop(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	int ret = 1;

	while (ret > 0) {
		ret = wait_power_on(vcpu);
		if (ret <= 0)
			break;
		apply_requests(vcpu);
		if (READ_ONCE(vcpu->suspended)) {
			ret = suspended_wait(vcpu);
			continue;
		}
		if (signal_pending(current)) {
			vcpu->run->exit_reason = KVM_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		cond_resched();
		/* Preemptible, so that writing the record may fault and sleep. */
		vhv_pvtime_update(vcpu);
		if (!vhv_vmid_valid(&vm->vmid))
			vhv_vmid_refresh(&vm->vmid);
		ret = enter_once(vcpu);
		if (ret < 0) {
			if (ret == -EINVAL && vcpu->run->exit_reason == KVM_EXIT_FAIL_ENTRY)
				pr_info_ratelimited("vCPU in AArch32 EL0 on a CPU without it: KVM_RUN fails\n");
			break;
		}
		if (!ret) {
			ret = 1;
			continue;
		}
		vhv_vgic_fold(vcpu);
		ret = vhv_exit_handle(vcpu);
	}
	return ret;
}

#ifdef CONFIG_PREEMPT_NOTIFIERS
static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	vhv_vcpu_load(container_of(pn, struct vhv_vcpu, pn));
}

static void vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	vhv_vcpu_put(container_of(pn, struct vhv_vcpu, pn));
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in = vcpu_sched_in,
	.sched_out = vcpu_sched_out,
};

/* Lazy mode: the vCPU is loaded for the whole KVM_RUN, and the notifier
 * puts it and loads it again whenever its thread is switched out and in.
 */
static void run_begin(struct vhv_vcpu *vcpu)
{
	if (!vhv_lazy_el1())
		return;
	preempt_disable();
	preempt_notifier_init(&vcpu->pn, &vcpu_preempt_ops);
	preempt_notifier_register(&vcpu->pn);
	vhv_vcpu_load(vcpu);
	preempt_enable();
}

static void run_end(struct vhv_vcpu *vcpu)
{
	if (!vhv_lazy_el1())
		return;
	preempt_disable();
	vhv_vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}
#else
static void run_begin(struct vhv_vcpu *vcpu) { }
static void run_end(struct vhv_vcpu *vcpu) { }
#endif

int vhv_vcpu_run(struct vhv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	if (!vcpu->initialised)
		return -ENOEXEC;
	/* A GIC set up wrong is fatal to the VM, as in KVM: later ioctls get EIO. */
	ret = vhv_vgic_run_check(vcpu->vm);
	if (ret) {
		set_bit(VHV_VM_DEAD, &vcpu->vm->flags);
		return ret;
	}
	/* Two timers on one PPI: refused, the VM left alive (as KVM). */
	ret = vhv_timer_first_run(vcpu);
	if (ret)
		return ret;
	/*
	 * From here the VM has run, as KVM counts it (a vCPU's pid is set once
	 * its first-run checks pass, immediate_exit or not): no vGIC may be
	 * created any more. Set under vcpu->mutex, which vhv_vgic_create()
	 * takes too.
	 */
	vhv_vm_mark_ran(vcpu->vm);
	/* A load the VMM has answered completes first, even with immediate_exit. */
	if (vcpu->mmio.pending)
		vhv_mmio_complete(vcpu);
	if (vhv_run_immediate_exit(run))
		return -EINTR;
	run->exit_reason = KVM_EXIT_UNKNOWN;
	run->flags = 0;

	run_begin(vcpu);
	ret = run_loop(vcpu);
	run_end(vcpu);
	return ret;
}
