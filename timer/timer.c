// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's timers through a vCPU's life: created with KVM's offsets,
 * loaded into the hardware and put back, their outputs given to the vGIC
 * before every entry, and an hrtimer for the deadlines the hardware will
 * not signal (a vCPU asleep in WFI, whose timers are off while it is not
 * loaded; an emulated physical timer; a timer whose host PPI vhv could
 * not have).
 *
 * The outputs are evaluated with interrupts masked just before the run
 * window (vhv_timer_sync), for this reason: if a timer's condition is
 * false then, its host PPI is made inactive and will interrupt the guest
 * the moment the condition comes true; if it is true, the vGIC line is
 * raised and the PPI kept active (masked) until the output falls again.
 * No firing can slip between the evaluation and the entry.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <clocksource/arm_arch_timer.h>
#include <asm/sysreg.h>

#include "arm64/sysreg_enc.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "timer/hw.h"
#include "timer/timer.h"
#include "vgic/vgic.h"

/*
 * CNTHCTL_EL2 with E2H = 1 (Arm ARM D24.2, CNTHCTL_EL2): EL1PCTEN [10] and
 * EL1PTEN [11] give the guest the physical counter and timer. Of the
 * host's value only what concerns the host's EL0 and the event stream
 * goes on (EL0PCTEN, EL0VCTEN [1:0], EVNTEN, EVNTDIR, EVNTI [7:2],
 * EL0VTEN, EL0PTEN [9:8], EVNTIS [17]); the rest is vhv's, 0: ECV [12]
 * (no CNTPOFF_EL2 applied to the guest's physical count), EL1TVT,
 * EL1TVCT [14:13] (no trap of the virtual timer and counter), EL1NVPCT,
 * EL1NVVCT [16:15], CNTVMASK, CNTPMASK [19:18] (FEAT_ECV and FEAT_RME
 * controls a host kernel never sets for itself, but firmware might).
 */
#define VHE_CNTHCTL_EL1PCTEN	BIT(10)
#define VHE_CNTHCTL_EL1PTEN		BIT(11)
#define VHE_CNTHCTL_HOST_KEPT	(GENMASK(9, 0) | BIT(17))

static u64 phys_count(void)
{
	return arch_timer_read_counter();
}

/*
 * The VM's offsets are read where they are used. A VMM that writes a
 * counter while another vCPU runs (KVM allows it) moves that vCPU's view
 * at its next load; until then its outputs follow the new offset.
 */
static u64 timer_offset(struct vhv_vcpu *vcpu, enum vhv_timer_id t)
{
	return READ_ONCE(vcpu->vm->timer.offset[t]);
}

u64 vhv_timer_count(struct vhv_vcpu *vcpu, enum vhv_timer_id t)
{
	return phys_count() - timer_offset(vcpu, t);
}

/* The output: enabled, not masked, the count at or past the compare value. */
static bool timer_output(const struct vhv_timer_regs *r, u64 count)
{
	return (r->ctl & VHV_TIMER_ENABLE) && !(r->ctl & VHV_TIMER_IMASK) && count >= r->cval;
}

/* Whether timer t's registers are the hardware's now; preemption disabled. */
static bool in_hw(struct vhv_vcpu *vcpu, enum vhv_timer_id t)
{
	if (!vcpu->loaded || vcpu->cpu != smp_processor_id())
		return false;
	return t == VHV_VTIMER || !vcpu->timer.ptimer_emulated;
}

static void hw_read(enum vhv_timer_id t, struct vhv_timer_regs *r)
{
	if (t == VHV_VTIMER) {
		r->ctl = read_sysreg_s(VHV_CNTV_CTL_EL02);
		r->cval = read_sysreg_s(VHV_CNTV_CVAL_EL02);
	} else {
		r->ctl = read_sysreg_s(VHV_CNTP_CTL_EL02);
		r->cval = read_sysreg_s(VHV_CNTP_CVAL_EL02);
	}
}

/* CVAL first: enabling with a stale compare value could fire at once. */
static void hw_write(enum vhv_timer_id t, const struct vhv_timer_regs *r)
{
	if (t == VHV_VTIMER) {
		write_sysreg_s(r->cval, VHV_CNTV_CVAL_EL02);
		write_sysreg_s(r->ctl, VHV_CNTV_CTL_EL02);
	} else {
		write_sysreg_s(r->cval, VHV_CNTP_CVAL_EL02);
		write_sysreg_s(r->ctl, VHV_CNTP_CTL_EL02);
	}
}

void vhv_timer_read(struct vhv_vcpu *vcpu, enum vhv_timer_id t, struct vhv_timer_regs *r)
{
	preempt_disable();
	if (in_hw(vcpu, t))
		hw_read(t, r);
	else
		*r = vcpu->timer.regs[t];
	preempt_enable();
}

void vhv_timer_write(struct vhv_vcpu *vcpu, enum vhv_timer_id t, const struct vhv_timer_regs *r)
{
	preempt_disable();
	if (in_hw(vcpu, t))
		hw_write(t, r);
	else
		vcpu->timer.regs[t] = *r;
	preempt_enable();
}

/* ---- lifetimes ---- */

static enum hrtimer_restart timer_expired(struct hrtimer *hrt)
{
	struct vhv_vcpu *vcpu = container_of(hrt, struct vhv_vcpu, timer.hrt);

	/* The run loop or the WFI wait looks at the outputs again. */
	vhv_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

void vhv_timer_vm_init(struct vhv_vm *vm)
{
	vm->timer.ppi[VHV_VTIMER] = VHV_TIMER_DEFAULT_VPPI;
	vm->timer.ppi[VHV_PTIMER] = VHV_TIMER_DEFAULT_PPPI;
}

/*
 * As KVM: each new vCPU restarts the VM's virtual counter at zero and
 * leaves the physical one the host's, unless the VMM has fixed the
 * offsets with KVM_ARM_SET_COUNTER_OFFSET. Called under vm->lock.
 */
void vhv_timer_vcpu_init(struct vhv_vcpu *vcpu)
{
	struct vhv_vm_timer *vt = &vcpu->vm->timer;

	if (!vt->offset_fixed) {
		WRITE_ONCE(vt->offset[VHV_VTIMER], phys_count());
		WRITE_ONCE(vt->offset[VHV_PTIMER], 0);
	}
	hrtimer_init(&vcpu->timer.hrt, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	vcpu->timer.hrt.function = timer_expired;
}

/* KVM_ARM_VCPU_INIT: both timers off (CTL's reset value is UNKNOWN; 0 masks). */
void vhv_timer_vcpu_reset(struct vhv_vcpu *vcpu)
{
	struct vhv_vcpu_timer *tm = &vcpu->timer;
	int t;

	for (t = 0; t < VHV_NR_TIMERS; t++) {
		tm->regs[t].ctl = 0;
		if (tm->level[t]) {
			tm->level[t] = false;
			vhv_vgic_set_ppi_level(vcpu, vcpu->vm->timer.ppi[t], false);
		}
	}
}

void vhv_timer_vcpu_destroy(struct vhv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->timer.hrt);
}

/*
 * The first KVM_RUN of each vCPU with a vGIC: the two timers need two
 * different PPIs (KVM: EINVAL), and from then on the VMM may not change
 * them.
 */
int vhv_timer_first_run(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	int ret = 0;

	if (vcpu->timer.enabled || !READ_ONCE(vm->vgic))
		return 0;
	mutex_lock(&vm->lock);
	if (vm->timer.ppi[VHV_VTIMER] == vm->timer.ppi[VHV_PTIMER])
		ret = -EINVAL;
	else
		vm->timer.ppis_fixed = true;
	mutex_unlock(&vm->lock);
	vcpu->timer.enabled = !ret;
	return ret;
}

/* ---- load and put ---- */

u64 vhv_timer_cnthctl(struct vhv_vcpu *vcpu, u64 host)
{
	u64 val = host & VHE_CNTHCTL_HOST_KEPT;

	if (vcpu->timer.ptimer_emulated)
		return val;
	return val | VHE_CNTHCTL_EL1PCTEN | VHE_CNTHCTL_EL1PTEN;
}

/*
 * The host PPI of a timer in the hardware is active exactly while its
 * output is high: inactive, it fires as the condition comes true.
 */
static void load_one(struct vhv_vcpu *vcpu, enum vhv_timer_id t, u64 now)
{
	const struct vhv_timer_regs *r = &vcpu->timer.regs[t];

	vhv_timer_hw_load_active(t, timer_output(r, now - timer_offset(vcpu, t)));
	hw_write(t, r);
}

/*
 * The writes here reach the guest at the ERET into it, a context
 * synchronization event (Arm ARM D24, "Synchronization requirements for
 * AArch64 System registers"); nothing reads their indirect effects
 * (ISTATUS) before: outputs are computed from CVAL and the counter.
 */
void vhv_timer_load(struct vhv_vcpu *vcpu)
{
	struct vhv_vcpu_timer *tm = &vcpu->timer;
	u64 now = phys_count();

	tm->quiet = false;
	/* Decided here for the whole stay: the physical offset cannot be applied by hardware. */
	tm->ptimer_emulated = timer_offset(vcpu, VHV_PTIMER) != 0;
	write_sysreg_s(timer_offset(vcpu, VHV_VTIMER), VHV_CNTVOFF_EL2);
	load_one(vcpu, VHV_VTIMER, now);
	if (tm->ptimer_emulated)
		vhv_timer_hw_load_active(VHV_PTIMER, false);
	else
		load_one(vcpu, VHV_PTIMER, now);
	vhv_timer_hw_load_done();
}

static void put_one(struct vhv_vcpu *vcpu, enum vhv_timer_id t)
{
	hw_read(t, &vcpu->timer.regs[t]);
	vcpu->timer.regs[t].ctl &= ~VHV_TIMER_ISTATUS;
	/*
	 * Off, so that it cannot fire into whoever runs on this CPU next.
	 * Until the next context synchronization event it may still fire
	 * once: the host PPI's handler only notes it, and the next load sets
	 * the PPI's state from the loaded vCPU. CVAL is left as it is: the
	 * next load writes it before CTL.
	 */
	if (t == VHV_VTIMER)
		write_sysreg_s(0, VHV_CNTV_CTL_EL02);
	else
		write_sysreg_s(0, VHV_CNTP_CTL_EL02);
}

/*
 * CNTVOFF_EL2 may keep the guest's offset: with E2H and TGE set, reads of
 * the virtual counter from EL0 and EL2 use an offset of zero (Arm ARM,
 * CNTVOFF_EL2), and the host counts with the physical counter anyway.
 */
void vhv_timer_put(struct vhv_vcpu *vcpu)
{
	vcpu->timer.quiet = false;
	put_one(vcpu, VHV_VTIMER);
	if (!vcpu->timer.ptimer_emulated)
		put_one(vcpu, VHV_PTIMER);
}

/* ---- outputs and deadlines ---- */

/* Whether only software notices timer t's deadline (blocked: every timer). */
static bool needs_hrtimer(struct vhv_vcpu *vcpu, enum vhv_timer_id t, bool blocked)
{
	if (blocked || !vhv_timer_hw_has_irq(t))
		return true;
	return t == VHV_PTIMER && vcpu->timer.ptimer_emulated;
}

/* The furthest an hrtimer is armed: a guest's CVAL may be years away. */
#define HRTIMER_MAX_WAIT_S	3600

/*
 * Counter ticks to nanoseconds, rounded up: an hrtimer must not be early.
 * A deadline beyond the cap wakes the vCPU at the cap; that is a spurious
 * end of WFI, which the architecture allows, and the wait is armed again.
 */
static u64 ticks_to_ns(u64 ticks)
{
	u64 freq = arch_timer_get_cntfrq();

	ticks = min(ticks, freq * HRTIMER_MAX_WAIT_S);
	return mul_u64_u64_div_u64(ticks, NSEC_PER_SEC, freq) + 1;
}

static void arm_hrtimer(struct vhv_vcpu *vcpu, const struct vhv_timer_regs *r,
			const u64 *count, bool blocked)
{
	struct vhv_vcpu_timer *tm = &vcpu->timer;
	u64 delta = U64_MAX;
	ktime_t expires;
	int t;

	for (t = 0; t < VHV_NR_TIMERS; t++) {
		if (!needs_hrtimer(vcpu, t, blocked) || !(r[t].ctl & VHV_TIMER_ENABLE) ||
		    (r[t].ctl & VHV_TIMER_IMASK) || count[t] >= r[t].cval)
			continue;
		delta = min(delta, r[t].cval - count[t]);
	}
	if (delta == U64_MAX) {
		if (tm->hrt_expires)
			hrtimer_try_to_cancel(&tm->hrt);
		tm->hrt_expires = 0;
		return;
	}
	expires = ktime_add_ns(ktime_get(), ticks_to_ns(delta));
	/* The same deadline seen again: leave the armed timer alone. */
	if (tm->hrt_expires && hrtimer_is_queued(&tm->hrt) &&
	    abs(ktime_to_ns(ktime_sub(expires, tm->hrt_expires))) < NSEC_PER_USEC)
		return;
	tm->hrt_expires = expires;
	hrtimer_start(&tm->hrt, expires, HRTIMER_MODE_ABS_HARD);
}

/*
 * Interrupts masked: each output into the vGIC and the host PPI, and the
 * hrtimer for what software must watch.
 */
static void timer_sync(struct vhv_vcpu *vcpu, bool blocked)
{
	struct vhv_vcpu_timer *tm = &vcpu->timer;
	struct vhv_timer_regs r[VHV_NR_TIMERS];
	u64 now = phys_count(), count[VHV_NR_TIMERS];
	bool gic = vhv_vgic_ready(vcpu->vm), quiet = true;
	int t;

	this_cpu_write(vhv_timer_cpu.fired, false);
	for (t = 0; t < VHV_NR_TIMERS; t++) {
		bool hw = in_hw(vcpu, t), level;

		if (hw)
			hw_read(t, &r[t]);
		else
			r[t] = tm->regs[t];
		count[t] = now - timer_offset(vcpu, t);
		level = timer_output(&r[t], count[t]);
		if (hw)
			vhv_timer_hw_set_active(t, level);
		if (gic && level != tm->level[t]) {
			tm->level[t] = level;
			vhv_vgic_set_ppi_level(vcpu, vcpu->vm->timer.ppi[t], level);
		}
		quiet &= hw && !level && vhv_timer_hw_has_irq(t);
	}
	tm->quiet = quiet;
	arm_hrtimer(vcpu, r, count, blocked);
}

/*
 * Before each entry. The fast path: with both outputs low and both timers
 * watched by their host PPIs on this CPU, an output can only have risen
 * if its PPI fired (an IRQ masked now but pending is taken as soon as the
 * guest runs, and brings it back here).
 */
void vhv_timer_sync(struct vhv_vcpu *vcpu)
{
	lockdep_assert_irqs_disabled();
	if (vcpu->timer.quiet && !this_cpu_read(vhv_timer_cpu.fired))
		return;
	timer_sync(vcpu, false);
}

void vhv_timer_refresh(struct vhv_vcpu *vcpu)
{
	unsigned long flags;

	local_irq_save(flags);
	timer_sync(vcpu, false);
	local_irq_restore(flags);
}

void vhv_timer_block_begin(struct vhv_vcpu *vcpu)
{
	unsigned long flags;

	local_irq_save(flags);
	timer_sync(vcpu, true);
	local_irq_restore(flags);
}

void vhv_timer_block_end(struct vhv_vcpu *vcpu)
{
	struct vhv_vcpu_timer *tm = &vcpu->timer;

	if (!tm->hrt_expires)
		return;
	hrtimer_try_to_cancel(&tm->hrt);
	tm->hrt_expires = 0;
}
