// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt state and the per-vCPU lists of interrupts to deliver.
 *
 * An interrupt is on its target vCPU's ap_list while it is active, or
 * pending and enabled: the interrupts the next flush may put in the list
 * registers. The distributor's group enable (GICD_CTLR) is not part of
 * it: the flush and the WFI test look at it, so that toggling it touches
 * no interrupt, and an SPI's target is found when its route or a vCPU's
 * MPIDR_EL1 changes, not on every update, so that every section under
 * vgic->lock (interrupts masked) is bounded by the number of interrupts
 * or list registers, never the number of vCPUs times anything. While an
 * interrupt sits in a list register (in_lr) its state is shared with the
 * hardware; changes made then only kick the vCPU, and the sync that
 * follows merges the two and moves or drops the interrupt (vgic/lr.c).
 *
 * KVM_IRQ_LINE and the WFI test are here too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/kvm.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/hw.h"
#include "vgic/irq.h"
#include "vgic/lpi.h"
#include "vgic/vgic.h"

void vhv_vgic_irq_init(struct vhv_irq *irq, u32 intid, struct vhv_vcpu *target)
{
	memset(irq, 0, sizeof(*irq));
	INIT_LIST_HEAD(&irq->ap);
	irq->intid = intid;
	irq->target = target;
	/* SGIs and SPIs start edge-triggered, PPIs level, as in KVM. */
	irq->level = intid >= VHV_VGIC_NR_SGIS && intid < VHV_VGIC_NR_PRIVATE;
	/* Group 1 by default: what a Linux guest expects without Secure firmware. */
	irq->group1 = true;
}

struct vhv_irq *vhv_vgic_irq(struct vhv_vgic *gic, struct vhv_vcpu *rd, u32 intid)
{
	if (intid < VHV_VGIC_NR_PRIVATE)
		return rd ? &rd->vgic.priv[intid] : NULL;
	if (intid < gic->nr_irqs && gic->spis)
		return &gic->spis[intid - VHV_VGIC_NR_PRIVATE];
	/* LPIs have no per-INTID registers in the distributor. */
	return NULL;
}

static bool wants_queue(const struct vhv_irq *irq)
{
	return irq->active || (vgic_irq_pending(irq) && irq->enabled);
}

/* An LPI on a list is referenced by it (vgic/lpi.h); the last put may be this one. */
static void unqueue(struct vhv_irq *irq)
{
	if (!irq->queued)
		return;
	list_del_init(&irq->ap);
	irq->queued = NULL;
	if (irq->lpi)
		vhv_lpi_put(vhv_irq_to_lpi(irq));
}

void vhv_vgic_irq_update(struct vhv_vgic *gic, struct vhv_irq *irq, struct vgic_kicks *k)
{
	struct vhv_vcpu *target;

	lockdep_assert_held(&gic->lock);
	if (irq->in_lr) {
		/* Its vCPU must sync to see the change. */
		__set_bit(irq->queued->idx, k->mask);
		return;
	}
	/*
	 * An active interrupt stays with the vCPU that took it until that
	 * vCPU deactivates it: only its CPU interface holds the active
	 * priority and can complete it (GICv3, IHI 0069, 4.1 "interrupt
	 * lifecycle"). A new target (IROUTER, MOVI, MAPTI) applies once
	 * the fold finds it inactive, which updates it again (vgic/lr.c).
	 */
	target = irq->active && irq->queued ? irq->queued : irq->target;
	if (!target || !wants_queue(irq)) {
		unqueue(irq);
		return;
	}
	if (irq->queued != target) {
		if (irq->lpi)
			vhv_lpi_get(vhv_irq_to_lpi(irq));
		unqueue(irq);
		list_add_tail(&irq->ap, &target->vgic.ap_list);
		irq->queued = target;
	}
	__set_bit(target->idx, k->mask);
}

void vhv_vgic_irq_route(struct vhv_vgic *gic, struct vhv_irq *irq, u64 route,
			struct vgic_kicks *k)
{
	lockdep_assert_held(&gic->lock);
	irq->route = route;
	/* O(log vCPUs), core/mpidr.c. */
	irq->target = vhv_vcpu_by_mpidr(gic->vm, route);
	vhv_vgic_irq_update(gic, irq, k);
}

void vhv_vgic_retarget(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	unsigned long flags;
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	/* Before CTRL_INIT there are no SPIs; vgic_init() finds their targets. */
	if (!vhv_vgic_ready(vm))
		return;
	/*
	 * 32 SPIs per hold of the lock: each is found again from its route
	 * under the lock, so an IROUTER write between two holds is not lost.
	 */
	for (i = 0; i < gic->nr_irqs - VHV_VGIC_NR_PRIVATE; i++) {
		struct vhv_irq *irq = &gic->spis[i];
		struct vhv_vcpu *target;

		if (i % 32 == 0)
			raw_spin_lock_irqsave(&gic->lock, flags);
		target = vhv_vcpu_by_mpidr(vm, irq->route);
		if (target != irq->target) {
			irq->target = target;
			vhv_vgic_irq_update(gic, irq, &k);
		}
		if (i % 32 == 31 || i + 1 == gic->nr_irqs - VHV_VGIC_NR_PRIVATE)
			raw_spin_unlock_irqrestore(&gic->lock, flags);
	}
	vhv_vgic_kick(vm, &k);
}

/*
 * GICD_CTLR changed: nothing queued changes, but the vCPUs with something
 * on their list must flush again (and a sleeping one look at it) to see
 * what the distributor now forwards or holds back. Which vCPUs those are
 * is looked at once the lock is dropped (vhv_vgic_kick()): a list that
 * becomes non-empty after that look was filled by someone who kicks its
 * vCPU, and one filled before it is seen (the look follows the release
 * of vgic->lock).
 */
void vhv_vgic_kick_queued(struct vgic_kicks *k)
{
	k->queued = true;
}

/* Without vgic->lock: O(vCPUs) here is outside any section with IRQs masked. */
void vhv_vgic_kick(struct vhv_vm *vm, struct vgic_kicks *k)
{
	unsigned int i, nr;

	if (k->queued) {
		nr = vhv_vm_nr_vcpus(vm);
		for (i = 0; i < nr; i++)
			/* A lockless peek (READ_ONCE of the head). */
			if (!list_empty(&vm->vcpus[i]->vgic.ap_list))
				__set_bit(i, k->mask);
	}
	for_each_set_bit(i, k->mask, VHV_MAX_VCPUS)
		vhv_vcpu_kick(vm->vcpus[i]);
}

/* A level interrupt follows its line; an edge one latches each raise. */
void vhv_vgic_irq_set_line(struct vhv_vgic *gic, struct vhv_irq *irq, bool level,
			   struct vgic_kicks *k)
{
	if (irq->level) {
		if (irq->line == level)
			return;
		irq->line = level;
	} else {
		if (!level)
			return;
		irq->latch = true;
	}
	vhv_vgic_irq_update(gic, irq, k);
}

/*
 * Whether the vCPU has an interrupt it would take if unmasked: pending,
 * not active, its group enabled and its priority above the mask. WFI
 * wakes for such an interrupt whatever PSTATE.I says.
 */
static bool vgic_cpu_has_pending(struct vhv_vcpu *vcpu)
{
	struct vhv_vgic *gic = vcpu->vm->vgic;
	u64 vmcr = vcpu->vgic.vmcr;
	unsigned int pmr = FIELD_GET(VMCR_PMR, vmcr);
	struct vhv_irq *irq;
	unsigned long flags;
	bool found = false;

	raw_spin_lock_irqsave(&gic->lock, flags);
	/* The distributor holds every pending interrupt back. */
	if (!gic->enabled)
		goto out;
	list_for_each_entry(irq, &vcpu->vgic.ap_list, ap) {
		if (irq->active || !vgic_irq_pending(irq) || irq->priority >= pmr)
			continue;
		if (!(vmcr & (irq->group1 ? VMCR_ENG1 : VMCR_ENG0)))
			continue;
		found = true;
		break;
	}
out:
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	return found;
}

bool vhv_vgic_has_pending(struct vhv_vcpu *vcpu)
{
	if (vhv_vgic_ready(vcpu->vm))
		return vgic_cpu_has_pending(vcpu);
	return READ_ONCE(vcpu->vgic.cpu_lines);
}

/* ---- KVM_IRQ_LINE ---- */

/* kvm_irq_level.irq: vcpu2_index [31:28], type [27:24], vcpu_index
 * [23:16], number [15:0] (<asm/kvm.h>).
 */
static struct vhv_vcpu *line_vcpu(struct vhv_vm *vm, u32 irq)
{
	unsigned int id = ((irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK) |
			  (((irq >> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) << 8);

	/* By vcpu_id, as KVM looks it up. */
	return vhv_vcpu_by_id(vm, id);
}

/* Without a vGIC: HCR_EL2.VI and .VF, the CPU's own IRQ and FIQ inputs. */
static int cpu_line(struct vhv_vcpu *vcpu, unsigned int num, bool level)
{
	if (num > KVM_ARM_IRQ_CPU_FIQ)
		return -EINVAL;
	if (level)
		set_bit(num, &vcpu->vgic.cpu_lines);
	else
		clear_bit(num, &vcpu->vgic.cpu_lines);
	vhv_vcpu_kick(vcpu);
	return 0;
}

static int gic_line(struct vhv_vm *vm, struct vhv_vcpu *rd, u32 intid, bool level)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	struct vhv_irq *irq;
	unsigned long flags;

	if (!vhv_vgic_ready(vm))
		return -EBUSY;
	irq = vhv_vgic_irq(gic, rd, intid);
	if (!irq)
		return -EINVAL;
	raw_spin_lock_irqsave(&gic->lock, flags);
	vhv_vgic_irq_set_line(gic, irq, level, &k);
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	vhv_vgic_kick(vm, &k);
	return 0;
}

void vhv_vgic_set_ppi_level(struct vhv_vcpu *vcpu, u32 intid, bool level)
{
	struct vhv_vgic *gic = vcpu->vm->vgic;
	struct vgic_kicks k = { };
	unsigned long flags;

	if (!vhv_vgic_ready(vcpu->vm) || intid >= VHV_VGIC_NR_PRIVATE)
		return;
	raw_spin_lock_irqsave(&gic->lock, flags);
	vhv_vgic_irq_set_line(gic, &vcpu->vgic.priv[intid], level, &k);
	raw_spin_unlock_irqrestore(&gic->lock, flags);
}

int vhv_vgic_set_spi(struct vhv_vm *vm, u32 intid, bool level)
{
	if (intid < VHV_VGIC_NR_PRIVATE)
		return -EINVAL;
	return gic_line(vm, NULL, intid, level);
}

int vhv_vgic_irq_line(struct vhv_vm *vm, u32 irq, bool level)
{
	unsigned int type = (irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	unsigned int num = (irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;
	struct vhv_vcpu *vcpu;

	switch (type) {
	case KVM_ARM_IRQ_TYPE_CPU:
		if (READ_ONCE(vm->vgic))
			return -ENXIO;
		vcpu = line_vcpu(vm, irq);
		return vcpu ? cpu_line(vcpu, num, level) : -EINVAL;
	case KVM_ARM_IRQ_TYPE_PPI:
		if (!READ_ONCE(vm->vgic))
			return -ENXIO;
		vcpu = line_vcpu(vm, irq);
		if (!vcpu || num < VHV_VGIC_NR_SGIS || num >= VHV_VGIC_NR_PRIVATE)
			return -EINVAL;
		/* As KVM: a timer's line, once the timers own it, ignores the VMM. */
		if (vhv_timer_owns_ppi(vm, num))
			return 0;
		return gic_line(vm, vcpu, num, level);
	case KVM_ARM_IRQ_TYPE_SPI:
		if (!READ_ONCE(vm->vgic))
			return -ENXIO;
		if (num < VHV_VGIC_NR_PRIVATE)
			return -EINVAL;
		return gic_line(vm, NULL, num, level);
	}
	return -EINVAL;
}
