// SPDX-License-Identifier: GPL-2.0
/*
 * The list registers: on the way in, the vCPU's most urgent interrupts
 * go to the hardware's virtual CPU interface; on the way out, what the
 * guest did with them (acknowledged, completed) comes back.
 *
 * flush and the hardware half of sync run in the run window, interrupts
 * masked: the list registers belong to this physical CPU only while the
 * window is open. The other half of sync (vhv_vgic_fold) runs after it,
 * where vCPUs may be kicked.
 *
 * Synchronisation: the ICH_*_EL2 writes of the flush take effect at the
 * ERET into the guest, and the exception that ends the guest's run makes
 * its changes to them visible to the reads of the sync; both are context
 * synchronisation events (Arm ARM D24, "Synchronization requirements for
 * AArch64 System registers"). Through the System register interface the
 * GIC needs no DSB here; only the memory-mapped GICV_* frame would.
 *
 * More interrupts than list registers: the most urgent go in (active
 * ones first, so the guest can complete them, then by priority), and
 * ICH_HCR_EL2.UIE asks for a maintenance interrupt once at most one list
 * register is still valid, so the rest follow. A level interrupt goes in
 * with LR.EOI, so its completion exits and its line is looked at again.
 */
#include <linux/kvm.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include "arm64/sysreg_enc.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/hw.h"
#include "vgic/irq.h"
#include "vgic/irqfd.h"
#include "vgic/vgic.h"

/*
 * ICH_HCR_EL2 without a vGIC: TC [10], TALL0 [11], TALL1 [12] and TDIR
 * [14] trap every GIC CPU interface register, which the guest then finds
 * UNDEF, as without a GIC.
 */
#define VGIC_HCR_TRAP_ALL	((1ULL << 10) | (1ULL << 11) | (1ULL << 12) | (1ULL << 14))

/* Whether a goes in before b: active ones first, then by priority. */
static bool lr_before(const struct vhv_irq *a, const struct vhv_irq *b)
{
	if (a->active != b->active)
		return a->active;
	return a->priority < b->priority;
}

/*
 * The nr most urgent interrupts of the list, in order, into sel[], in one
 * pass under the VM-wide vgic->lock with interrupts masked: an entry costs
 * one comparison with the least urgent chosen so far, and an insertion
 * (at most nr - 1 moves, nr being at most 16 list registers) only when it
 * beats it. The list is at most every interrupt of the VM that targets
 * this vCPU, LPIs included (the guest chooses how many, at most 2^16 -
 * 8192): the work is linear in it, never a sort of it. Equal ones keep
 * their list order, as a stable sort would. fwd: the distributor forwards
 * pending interrupts (GICD_CTLR's group enable); without it only the
 * active ones go in. *more: some that would go in did not fit.
 */
static unsigned int pick_lrs(struct vhv_vgic_cpu *vc, bool fwd, struct vhv_irq **sel,
			     unsigned int nr, bool *more)
{
	struct vhv_irq *irq;
	unsigned int n = 0, i;

	list_for_each_entry(irq, &vc->ap_list, ap) {
		if (!fwd && !irq->active)
			continue;
		if (n == nr) {
			*more = true;
			if (!lr_before(irq, sel[n - 1]))
				continue;
			n--;
		}
		for (i = n; i > 0 && lr_before(irq, sel[i - 1]); i--)
			sel[i] = sel[i - 1];
		sel[i] = irq;
		n++;
	}
	return n;
}

/*
 * fwd: the distributor forwards pending interrupts (GICD_CTLR's group
 * enable). Without it only the active state goes in, so that the guest
 * can complete what it took but is not given the pending half of an
 * active and pending interrupt once it deactivates it.
 */
static u64 make_lr(struct vhv_irq *irq, bool fwd)
{
	u64 lr = irq->intid | ((u64)irq->priority << LR_PRIORITY_SHIFT);

	if (irq->group1)
		lr |= LR_GROUP1;
	if (irq->active)
		lr |= LR_STATE_ACTIVE;
	/*
	 * A level interrupt goes in pending or active, never both: its line
	 * must be looked at again after the guest completes it (LR.EOI), not
	 * presented again by the hardware on the strength of a stale level.
	 */
	if (fwd && vgic_irq_pending(irq) && !(irq->level && irq->active))
		lr |= LR_STATE_PENDING;
	if (irq->level)
		lr |= LR_EOI;
	/* An edge's pending state moves into the list register. */
	if (!irq->level && (lr & LR_STATE_PENDING)) {
		irq->latch = false;
		irq->lr_pending = true;
	}
	return lr;
}

static u64 flush_lrs(struct vhv_vgic *gic, struct vhv_vcpu *vcpu)
{
	struct vhv_vgic_cpu *vc = &vcpu->vgic;
	unsigned int n, i;
	bool more = false;

	raw_spin_lock(&gic->lock);
	/*
	 * GICD_CTLR's group enable off: the distributor forwards nothing
	 * pending; the active ones still go in, so that the guest can
	 * complete them.
	 */
	n = pick_lrs(vc, gic->enabled, vc->lr_irq, vhv_vgic_hw.nr_lr, &more);
	for (i = 0; i < n; i++) {
		vhv_vgic_write_lr(i, make_lr(vc->lr_irq[i], gic->enabled));
		vc->lr_irq[i]->in_lr = true;
	}
	raw_spin_unlock(&gic->lock);
	vc->nr_lr = n;
	return VGIC_HCR_EN | (more ? VGIC_HCR_UIE : 0);
}

/*
 * Entry, after the host's EL2 controls are saved: the virtual CPU
 * interface, or, without a vGIC, the traps and the VI/VF lines.
 */
void vhv_vgic_flush(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_vgic_cpu *vc = &vcpu->vgic;
	u64 lines;

	if (!vhv_vgic_ready(vm)) {
		lines = READ_ONCE(vc->cpu_lines);
		vcpu->hcr &= ~(HCR_VI | HCR_VF);
		if (lines & BIT(KVM_ARM_IRQ_CPU_IRQ))
			vcpu->hcr |= HCR_VI;
		if (lines & BIT(KVM_ARM_IRQ_CPU_FIQ))
			vcpu->hcr |= HCR_VF;
		write_sysreg_s(VGIC_HCR_TRAP_ALL, VHV_ICH_HCR_EL2);
		return;
	}
	write_sysreg_s(vc->vmcr, VHV_ICH_VMCR_EL2);
	vhv_vgic_load_aprs(vc->ap0r, vc->ap1r);
	write_sysreg_s(flush_lrs(vm->vgic, vcpu), VHV_ICH_HCR_EL2);
}

/*
 * Exit, before the host's controls return: the list registers are read
 * into lr_irq's companions and cleared, so the next vCPU on this CPU
 * starts from empty ones.
 */
void vhv_vgic_sync(struct vhv_vcpu *vcpu)
{
	struct vhv_vgic_cpu *vc = &vcpu->vgic;
	unsigned int i;

	if (!vhv_vgic_ready(vcpu->vm))
		return;
	for (i = 0; i < vc->nr_lr; i++) {
		vc->lr_val[i] = vhv_vgic_read_lr(i);
		vhv_vgic_write_lr(i, 0);
	}
	vc->vmcr = read_sysreg_s(VHV_ICH_VMCR_EL2);
	vhv_vgic_save_aprs(vc->ap0r, vc->ap1r);
}

/*
 * What the guest did to one interrupt while it was in a list register.
 * True if it completed a level interrupt that asked to hear of it (EOI).
 */
static bool fold_lr(struct vhv_irq *irq, u64 lr)
{
	irq->in_lr = false;
	irq->lr_pending = false;
	irq->active = lr & LR_STATE_ACTIVE;
	if (!irq->level && (lr & LR_STATE_PENDING))
		irq->latch = true;
	/* A level interrupt acknowledged and completed: the latch is spent. */
	if (!irq->level || (lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)))
		return false;
	irq->latch = false;
	return lr & LR_EOI;
}

void vhv_vgic_fold(struct vhv_vcpu *vcpu)
{
	struct vhv_vgic *gic = vcpu->vm->vgic;
	struct vhv_vgic_cpu *vc = &vcpu->vgic;
	u32 acked[VHV_VGIC_MAX_LRS];
	unsigned int i, nr_acked = 0;
	struct vgic_kicks k = { };
	unsigned long flags;

	if (!vc->nr_lr)
		return;
	raw_spin_lock_irqsave(&gic->lock, flags);
	for (i = 0; i < vc->nr_lr; i++)
		if (fold_lr(vc->lr_irq[i], vc->lr_val[i]))
			acked[nr_acked++] = vc->lr_irq[i]->intid;
	for (i = 0; i < vc->nr_lr; i++)
		vhv_vgic_irq_update(gic, vc->lr_irq[i], &k);
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	vc->nr_lr = 0;
	/* This vCPU is about to look at its list anyway. */
	__clear_bit(vcpu->idx, k.mask);
	vhv_vgic_kick(vcpu->vm, &k);
	/* Level SPIs the guest completed: resampling irqfds want to know. */
	for (i = 0; i < nr_acked; i++)
		vhv_irqfd_ack(vcpu->vm, acked[i]);
}
