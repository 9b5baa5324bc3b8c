// SPDX-License-Identifier: GPL-2.0
/*
 * LPIs: edge-triggered, group 1, no active state of their own (Arm GIC
 * architecture specification, 5.1 "LPIs"), delivered through the list
 * registers like any other interrupt (vgic/lr.c). Their priority and
 * enable live in the guest's configuration table (GICR_PROPBASER), one
 * byte per LPI, and are read into the interrupt when an ITE maps it and
 * on INV/INVALL, as the architecture lets an implementation cache them.
 *
 * Every walk of all LPIs (INVALL, MOVALL, the pending table) runs under
 * gic->lpi_lock, a mutex, with vgic->lock taken per LPI only, and
 * reschedules: it is bounded by the number of LPIs, at most 2^16 - 8192.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/xarray.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/guest_mem.h"
#include "vgic/irq.h"
#include "vgic/lpi.h"

/* GICR_PROPBASER: IDbits [4:0], PA [51:12]; a configuration byte (5.1.1). */
#define PROPBASER_IDBITS	GENMASK_ULL(4, 0)
#define PROPBASER_PA		GENMASK_ULL(51, 12)
#define LPI_PROP_ENABLE		BIT(0)
#define LPI_PROP_PRIORITY	GENMASK(7, 2)
/* GICR_PENDBASER: PA [51:16], PTZ [62]. */
#define PENDBASER_PA		GENMASK_ULL(51, 16)
#define PENDBASER_PTZ		BIT_ULL(62)

void vhv_lpi_get(struct vhv_lpi *lpi)
{
	refcount_inc(&lpi->ref);
}

void vhv_lpi_put(struct vhv_lpi *lpi)
{
	if (refcount_dec_and_test(&lpi->ref))
		kfree_rcu(lpi, rcu);
}

u32 vhv_lpi_limit(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = READ_ONCE(vm->vgic);
	u32 bits;

	/* No vGICv3, no redistributor to set PROPBASER.IDbits: no LPI. */
	if (!gic)
		return VHV_LPI_BASE;
	bits = (READ_ONCE(gic->propbaser) & PROPBASER_IDBITS) + 1;

	return 1U << min_t(u32, bits, VHV_LPI_ID_BITS);
}

static void lpi_update(struct vhv_vm *vm, struct vhv_lpi *lpi, void (*fn)(struct vhv_irq *irq,
		       void *arg), void *arg)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	unsigned long flags;

	raw_spin_lock_irqsave(&gic->lock, flags);
	fn(&lpi->irq, arg);
	vhv_vgic_irq_update(gic, &lpi->irq, &k);
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	vhv_vgic_kick(vm, &k);
}

static void set_prop(struct vhv_irq *irq, void *arg)
{
	u8 prop = *(u8 *)arg;

	irq->priority = prop & LPI_PROP_PRIORITY;
	irq->enabled = prop & LPI_PROP_ENABLE;
}

int vhv_lpi_reload(struct vhv_vm *vm, struct vhv_lpi *lpi)
{
	u64 base = READ_ONCE(vm->vgic->propbaser) & PROPBASER_PA;
	u8 prop;
	int ret;

	ret = vhv_guest_read(vm, base + lpi->irq.intid - VHV_LPI_BASE, &prop, 1);
	if (ret)
		return ret;
	lpi_update(vm, lpi, set_prop, &prop);
	return 0;
}

static void set_target(struct vhv_irq *irq, void *arg)
{
	irq->target = arg;
}

void vhv_lpi_set_target(struct vhv_vm *vm, struct vhv_lpi *lpi, struct vhv_vcpu *vcpu)
{
	lpi_update(vm, lpi, set_target, vcpu);
}

static void set_latch(struct vhv_irq *irq, void *arg)
{
	/*
	 * Not on a redistributor whose EnableLPIs is 0: a disable clears the
	 * enable before it sweeps its list under vgic->lock, so an MSI that
	 * passed its enable check just before is either swept or stops here.
	 */
	if (arg && (!irq->target || !vhv_lpis_enabled(irq->target)))
		return;
	irq->latch = arg != NULL;
	/* CLEAR: a pending state already in a list register goes too at the fold. */
	if (!arg)
		irq->lr_pending = false;
}

void vhv_lpi_set_pending(struct vhv_vm *vm, struct vhv_lpi *lpi, bool pending)
{
	lpi_update(vm, lpi, set_latch, pending ? lpi : NULL);
}

/*
 * Its bit in vcpu's pending table into the latch, and a set bit cleared
 * there once consumed, as KVM's vgic_v3_lpi_sync_pending_status() does
 * when an ITE maps the LPI: the state is the LPI's from then on, and a
 * later SAVE_PENDING_TABLES writes it back. Only while the target's
 * EnableLPIs is 1: a redistributor with LPIs disabled does not use its
 * table (GICR_PENDBASER; KVM reads it then too, at whatever it holds).
 */
static int load_pending(struct vhv_vm *vm, struct vhv_lpi *lpi, struct vhv_vcpu *vcpu)
{
	u32 intid = lpi->irq.intid;
	u64 gpa;
	u8 byte;
	int ret;

	if (!vcpu || !vhv_lpis_enabled(vcpu))
		return 0;
	gpa = (READ_ONCE(vcpu->vgic.pendbaser) & PENDBASER_PA) + intid / 8;
	ret = vhv_guest_read(vm, gpa, &byte, 1);
	if (ret || !(byte & BIT(intid % 8)))
		return ret;
	vhv_lpi_set_pending(vm, lpi, true);
	byte &= ~BIT(intid % 8);
	return vhv_guest_write(vm, gpa, &byte, 1);
}

static struct vhv_lpi *lpi_alloc(struct vhv_vgic *gic, u32 intid, struct vhv_vcpu *vcpu)
{
	struct vhv_lpi *lpi = kzalloc(sizeof(*lpi), GFP_KERNEL_ACCOUNT);

	if (!lpi)
		return ERR_PTR(-ENOMEM);
	vhv_vgic_irq_init(&lpi->irq, intid, vcpu);
	lpi->irq.lpi = true;
	lpi->irq.level = false;
	refcount_set(&lpi->ref, 1);	/* lpi_xa's */
	if (xa_insert(&gic->lpi_xa, intid, lpi, GFP_KERNEL_ACCOUNT)) {
		kfree(lpi);
		return ERR_PTR(-ENOMEM);
	}
	return lpi;
}

static void clear_all(struct vhv_irq *irq, void *arg)
{
	irq->latch = false;
	irq->lr_pending = false;
	irq->enabled = false;
}

/*
 * One INTID is one object: an LPI stays in lpi_xa while an ITE maps it or
 * while it is still queued (active in the guest, say) after its last ITE
 * went, and a MAPTI of its INTID then takes the same object again, as
 * KVM's LPIs live in its xarray while referenced. Two objects for one
 * INTID could put that INTID in two list registers at once, which the
 * GIC architecture makes UNPREDICTABLE (ICH_LR<n>_EL2.vINTID).
 *
 * The unmapped one is erased once nothing queues it, found so in process
 * context with gic->lpi_lock held: at its unmap, or later by whoever
 * meets it in lpi_xa (vhv_lpi_mapped()). Their number is bounded by the
 * INTIDs, as the mapped ones are.
 */
static bool lpi_reap(struct vhv_vgic *gic, struct vhv_lpi *lpi)
{
	unsigned long flags;
	bool queued;

	lockdep_assert_held(&gic->lpi_lock);
	raw_spin_lock_irqsave(&gic->lock, flags);
	queued = lpi->irq.queued;
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	/* Unqueued and unmapped: no list register or list can take it again. */
	if (queued)
		return false;
	xa_erase(&gic->lpi_xa, lpi->irq.intid);
	vhv_lpi_put(lpi);
	return true;
}

bool vhv_lpi_mapped(struct vhv_vgic *gic, struct vhv_lpi *lpi)
{
	if (lpi->nr_maps)
		return true;
	lpi_reap(gic, lpi);
	return false;
}

/* Its configuration, target and pending bit, as a newly mapped LPI's. */
static int lpi_setup(struct vhv_vm *vm, struct vhv_lpi *lpi, struct vhv_vcpu *vcpu)
{
	int ret;

	vhv_lpi_set_target(vm, lpi, vcpu);
	/* As KVM: no configuration byte to read, no LPI. */
	ret = vhv_lpi_reload(vm, lpi);
	if (!ret)
		ret = load_pending(vm, lpi, vcpu);
	return ret;
}

struct vhv_lpi *vhv_lpi_map(struct vhv_vm *vm, u32 intid, struct vhv_vcpu *vcpu)
{
	struct vhv_vgic *gic = READ_ONCE(vm->vgic);
	struct vhv_lpi *lpi;
	int ret;

	/* An ITS in a VM without a vGICv3 (KVM lets one be created): no LPIs. */
	if (!gic)
		return ERR_PTR(-ENXIO);
	mutex_lock(&gic->lpi_lock);
	lpi = xa_load(&gic->lpi_xa, intid);
	/* Mapped already (by another ITS, say): shared as it is. */
	if (lpi && lpi->nr_maps++)
		goto out;
	if (!lpi) {
		lpi = lpi_alloc(gic, intid, vcpu);
		if (IS_ERR(lpi))
			goto out;
		lpi->nr_maps = 1;
	}
	ret = lpi_setup(vm, lpi, vcpu);
	if (ret) {
		lpi->nr_maps = 0;
		lpi_update(vm, lpi, clear_all, NULL);
		lpi_reap(gic, lpi);
		lpi = ERR_PTR(ret);
	}
out:
	mutex_unlock(&gic->lpi_lock);
	return lpi;
}

void vhv_lpi_unmap(struct vhv_vm *vm, struct vhv_lpi *lpi)
{
	struct vhv_vgic *gic = vm->vgic;

	mutex_lock(&gic->lpi_lock);
	if (!--lpi->nr_maps) {
		/* DISCARD and unmapping remove the pending state (GITS command DISCARD). */
		lpi_update(vm, lpi, clear_all, NULL);
		lpi_reap(gic, lpi);
	}
	mutex_unlock(&gic->lpi_lock);
}

void vhv_lpi_reload_all(struct vhv_vm *vm, struct vhv_vcpu *vcpu)
{
	struct vhv_vgic *gic = READ_ONCE(vm->vgic);
	struct vhv_lpi *lpi;
	unsigned long intid;

	if (!gic)
		return;
	mutex_lock(&gic->lpi_lock);
	xa_for_each(&gic->lpi_xa, intid, lpi) {
		if (vhv_lpi_mapped(gic, lpi) && READ_ONCE(lpi->irq.target) == vcpu)
			vhv_lpi_reload(vm, lpi);
		cond_resched();
	}
	mutex_unlock(&gic->lpi_lock);
}

void vhv_lpi_move_all(struct vhv_vm *vm, struct vhv_vcpu *from, struct vhv_vcpu *to)
{
	struct vhv_vgic *gic = READ_ONCE(vm->vgic);
	struct vhv_lpi *lpi;
	unsigned long intid;

	if (!gic)
		return;
	mutex_lock(&gic->lpi_lock);
	xa_for_each(&gic->lpi_xa, intid, lpi) {
		if (vhv_lpi_mapped(gic, lpi) && READ_ONCE(lpi->irq.target) == from)
			vhv_lpi_set_target(vm, lpi, to);
		cond_resched();
	}
	mutex_unlock(&gic->lpi_lock);
}

void vhv_lpi_destroy(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vhv_irq *irq, *tmp;
	struct vhv_lpi *lpi;
	unsigned long intid;
	unsigned int i;

	/* No vCPU runs and the ITSes are gone: only queued LPIs are left. */
	for (i = 0; i < vm->nr_vcpus; i++) {
		list_for_each_entry_safe(irq, tmp, &vm->vcpus[i]->vgic.ap_list, ap) {
			if (!irq->lpi)
				continue;
			list_del_init(&irq->ap);
			irq->queued = NULL;
			vhv_lpi_put(vhv_irq_to_lpi(irq));
		}
	}
	/* Those unmapped while queued, now on no list. */
	xa_for_each(&gic->lpi_xa, intid, lpi) {
		xa_erase(&gic->lpi_xa, intid);
		vhv_lpi_put(lpi);
	}
	xa_destroy(&gic->lpi_xa);
}
