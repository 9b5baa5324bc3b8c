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
#include <linux/list_sort.h>
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

static int ap_cmp(void *priv, const struct list_head *a, const struct list_head *b)
{
	const struct vhv_irq *x = list_entry(a, struct vhv_irq, ap);
	const struct vhv_irq *y = list_entry(b, struct vhv_irq, ap);

	if (x->active != y->active)
		return x->active ? -1 : 1;
	return (int)x->priority - (int)y->priority;
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
	struct vhv_irq *irq;
	unsigned int n = 0;
	u64 hcr = VGIC_HCR_EN;

	raw_spin_lock(&gic->lock);
	/* At most every interrupt of the VM: a bound on the lock's hold. */
	list_sort(NULL, &vc->ap_list, ap_cmp);
	list_for_each_entry(irq, &vc->ap_list, ap) {
		/*
		 * GICD_CTLR's group enable off: the distributor forwards
		 * nothing pending; the active ones (sorted first) still go
		 * in, so that the guest can complete them.
		 */
		if (!gic->enabled && !irq->active)
			break;
		if (n == vhv_vgic_hw.nr_lr) {
			hcr |= VGIC_HCR_UIE;
			break;
		}
		vhv_vgic_write_lr(n, make_lr(irq, gic->enabled));
		irq->in_lr = true;
		vc->lr_irq[n++] = irq;
	}
	raw_spin_unlock(&gic->lock);
	vc->nr_lr = n;
	return hcr;
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
