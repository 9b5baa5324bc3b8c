// SPDX-License-Identifier: GPL-2.0
/*
 * The redistributors' LPI registers (Arm GIC architecture specification,
 * 12.10: GICR_CTLR.EnableLPIs, GICR_PROPBASER, GICR_PENDBASER,
 * GICR_INVLPIR, GICR_INVALLR) and the pending tables, with KVM's rules:
 *   - PROPBASER is one for the whole VM (GICR_TYPER.CommonLPIAff 0 is
 *     not told, but KVM keeps one copy too); it and a redistributor's
 *     PENDBASER ignore writes while that redistributor has LPIs enabled
 *     (the architecture makes such writes UNPREDICTABLE);
 *   - EnableLPIs is WI without an ITS, and once set can be cleared
 *     (KVM allows it, GICR_TYPER.DPGS aside); clearing it takes the
 *     pending state from the vCPU's queued LPIs, and RWP reads 0 as the
 *     change is complete before the write returns;
 *   - PENDBASER.PTZ reads 0; when it was 0 at enable, the pending table
 *     gives the pending state of the LPIs that target this
 *     redistributor; a MAPTI or MAPI reads (and consumes) its LPI's bit.
 * Writes that reach guest memory run here, outside vgic->lock.
 */
#include <linux/kvm.h>
#include <linux/xarray.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/guest_mem.h"
#include "vgic/irq.h"
#include "vgic/lpi.h"
#include "vgic/lpi_regs.h"
#include "vgic/regs.h"

#define GICR_CTLR_RWP		BIT(3)
#define PENDBASER_PA		GENMASK_ULL(51, 16)
#define PENDBASER_PTZ		BIT_ULL(62)
/* RES0 bits, as KVM masks them. */
#define PROPBASER_RES0		(GENMASK_ULL(63, 59) | GENMASK_ULL(55, 52) | GENMASK_ULL(6, 5))
#define PENDBASER_RES0		(BIT_ULL(63) | GENMASK_ULL(61, 59) | GENMASK_ULL(55, 52) | \
				 GENMASK_ULL(15, 12) | GENMASK_ULL(6, 0))

bool vhv_lpis_enabled(struct vhv_vcpu *vcpu)
{
	return smp_load_acquire(&vcpu->vgic.lpi_ctlr) & VHV_GICR_CTLR_ENABLE_LPIS;
}

u64 vhv_vgic_baser_sanitise(u64 reg, unsigned int sh, unsigned int ic, unsigned int oc)
{
	u64 f;

	/* Outer Shareable becomes Inner Shareable. */
	if (((reg >> sh) & 3) == 2)
		reg = (reg & ~(3ULL << sh)) | (1ULL << sh);
	/* Inner Device-nGnRnE or Non-cacheable becomes RaWb. */
	f = (reg >> ic) & 7;
	if (f <= 1)
		reg = (reg & ~(7ULL << ic)) | (3ULL << ic);
	/* Outer: Same as Inner or Non-cacheable stay, others Same as Inner. */
	f = (reg >> oc) & 7;
	if (f > 1)
		reg &= ~(7ULL << oc);
	return reg;
}

u64 vhv_lpi_propbaser_read(struct vgic_ctx *c, u32 idx)
{
	return c->gic->propbaser;
}

void vhv_lpi_propbaser_write(struct vgic_ctx *c, u32 idx, u64 val)
{
	if (vhv_lpis_enabled(c->rd))
		return;
	val &= ~PROPBASER_RES0;
	WRITE_ONCE(c->gic->propbaser, vhv_vgic_baser_sanitise(val, 10, 7, 56));
}

u64 vhv_lpi_pendbaser_read(struct vgic_ctx *c, u32 idx)
{
	return c->rd->vgic.pendbaser & ~PENDBASER_PTZ;
}

void vhv_lpi_pendbaser_write(struct vgic_ctx *c, u32 idx, u64 val)
{
	if (vhv_lpis_enabled(c->rd))
		return;
	/* PTZ [62] is kept (write-only), the other RES0 bits dropped. */
	val &= ~PENDBASER_RES0;
	WRITE_ONCE(c->rd->vgic.pendbaser, vhv_vgic_baser_sanitise(val, 10, 7, 56));
}

u64 vhv_lpi_ctlr_bits(struct vhv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->vgic.lpi_ctlr);
}

/*
 * The pending table's bits for the LPIs that target vcpu become their
 * latches (a clear bit clears one), as KVM's its_sync_lpi_pending_table();
 * the table is left as it is.
 */
static void load_pending_table(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	u64 base = READ_ONCE(vcpu->vgic.pendbaser) & PENDBASER_PA;
	struct vhv_vgic *gic = vm->vgic;
	long last = -1;
	struct vhv_lpi *lpi;
	unsigned long intid;
	u8 byte = 0;

	mutex_lock(&gic->lpi_lock);
	xa_for_each(&gic->lpi_xa, intid, lpi) {
		cond_resched();
		if (!vhv_lpi_mapped(gic, lpi) || READ_ONCE(lpi->irq.target) != vcpu)
			continue;
		if (intid / 8 != last) {
			last = intid / 8;
			if (vhv_guest_read(vm, base + last, &byte, 1))
				break;
		}
		vhv_lpi_set_pending(vm, lpi, byte & BIT(intid % 8));
	}
	mutex_unlock(&gic->lpi_lock);
}

void vhv_lpi_enable(struct vhv_vcpu *vcpu)
{
	if (cmpxchg(&vcpu->vgic.lpi_ctlr, 0, VHV_GICR_CTLR_ENABLE_LPIS))
		return;
	if (!(READ_ONCE(vcpu->vgic.pendbaser) & PENDBASER_PTZ))
		load_pending_table(vcpu);
}

void vhv_lpi_disable(struct vhv_vcpu *vcpu)
{
	struct vhv_vgic *gic = vcpu->vm->vgic;
	struct vgic_kicks k = { };
	struct vhv_irq *irq, *tmp;
	unsigned long flags;

	if (cmpxchg(&vcpu->vgic.lpi_ctlr, VHV_GICR_CTLR_ENABLE_LPIS, GICR_CTLR_RWP) !=
	    VHV_GICR_CTLR_ENABLE_LPIS)
		return;
	raw_spin_lock_irqsave(&gic->lock, flags);
	list_for_each_entry_safe(irq, tmp, &vcpu->vgic.ap_list, ap) {
		if (!irq->lpi)
			continue;
		irq->latch = false;
		irq->lr_pending = false;
		vhv_vgic_irq_update(gic, irq, &k);
	}
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	smp_store_release(&vcpu->vgic.lpi_ctlr, 0);
}

/*
 * INVLPIR: the low 32 bits name the LPI. Without an ITS, or with
 * EnableLPIs 0, INVLPIR and INVALLR are WI (as KVM).
 */
static void invlpi(struct vhv_vcpu *vcpu, u32 intid)
{
	struct vhv_vgic *gic = vcpu->vm->vgic;
	struct vhv_lpi *lpi;

	if (intid < VHV_LPI_BASE)
		return;
	mutex_lock(&gic->lpi_lock);
	lpi = xa_load(&gic->lpi_xa, intid);
	if (lpi && vhv_lpi_mapped(gic, lpi))
		vhv_lpi_reload(vcpu->vm, lpi);
	mutex_unlock(&gic->lpi_lock);
}

bool vhv_lpi_reg_write(struct vhv_vcpu *rd, u32 off, unsigned int len, u64 val)
{
	bool has_its = READ_ONCE(rd->vm->has_its);

	if (off == 0x0000 && len == 4) {
		if (!has_its)
			return true;
		if (val & VHV_GICR_CTLR_ENABLE_LPIS)
			vhv_lpi_enable(rd);
		else
			vhv_lpi_disable(rd);
		return true;
	}
	if ((off != 0x00a0 && off != 0x00b0) || (len != 4 && len != 8))
		return false;
	/* Ignored while this redistributor's LPIs are disabled, as KVM. */
	if (!has_its || !vhv_lpis_enabled(rd))
		return true;
	if (off == 0x00a0)
		invlpi(rd, (u32)val);
	else
		vhv_lpi_reload_all(rd->vm, rd);
	return true;
}

/* One LPI's pending bit into its target's table, if it differs. */
static int save_one(struct vhv_vm *vm, struct vhv_lpi *lpi, bool pending)
{
	struct vhv_vcpu *vcpu = READ_ONCE(lpi->irq.target);
	u32 intid = lpi->irq.intid;
	u64 gpa;
	u8 byte;
	int ret;

	if (!vcpu)
		return 0;
	gpa = (READ_ONCE(vcpu->vgic.pendbaser) & PENDBASER_PA) + intid / 8;
	ret = vhv_guest_read(vm, gpa, &byte, 1);
	if (ret || !!(byte & BIT(intid % 8)) == pending)
		return ret;
	byte ^= BIT(intid % 8);
	return vhv_guest_write(vm, gpa, &byte, 1);
}

int vhv_lpi_save_pending(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vhv_lpi *lpi;
	unsigned long intid, flags;
	bool pending;
	int ret = 0;

	mutex_lock(&gic->lpi_lock);
	xa_for_each(&gic->lpi_xa, intid, lpi) {
		if (!vhv_lpi_mapped(gic, lpi))
			continue;
		raw_spin_lock_irqsave(&gic->lock, flags);
		pending = vgic_irq_pending(&lpi->irq);
		raw_spin_unlock_irqrestore(&gic->lock, flags);
		ret = save_one(vm, lpi, pending);
		if (ret)
			break;
		cond_resched();
	}
	mutex_unlock(&gic->lpi_lock);
	return ret;
}
