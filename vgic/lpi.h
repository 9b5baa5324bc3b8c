/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LPIs (vgic/lpi.c, vgic/lpi_regs.c): INTIDs from 8192, made by the ITS
 * when a MAPTI or MAPI maps an event to them, and found by INTID in the
 * VM's xarray (gic->lpi_xa).
 *
 * Lifetime: an LPI holds one reference while it is in gic->lpi_xa and one
 * while it is on a vCPU's ap_list (vgic/irq.c). It is in gic->lpi_xa
 * while at least one ITE maps it (nr_maps, under gic->lpi_lock) and, once
 * unmapped, until nothing queues it: a DISCARD while the guest holds it in
 * a list register leaves the list register's pointer valid, and a MAPTI
 * of the same INTID meanwhile finds the same object, so one INTID is one
 * object (as KVM's vgic_irq stays in its xarray while referenced). The
 * unmapped one is erased in process context (vhv_lpi_mapped()); a last
 * reference that goes under vgic->lock goes through kfree_rcu(), which
 * neither sleeps nor takes a lock that sleeps.
 *
 * Lock order: its->cmd_lock > its->lock > gic->lpi_lock (mutex) >
 * vgic->lock.
 */
#ifndef VHV_VGIC_LPI_H
#define VHV_VGIC_LPI_H

#include <linux/refcount.h>
#include <linux/types.h>

#include "vgic/vgic.h"

#define VHV_LPI_BASE		8192
#define VHV_LPI_ID_BITS		16	/* KVM's INTERRUPT_ID_BITS_ITS */

/* GICR_CTLR bits kept per vCPU. */
#define VHV_GICR_CTLR_ENABLE_LPIS	BIT(0)

struct vhv_lpi {
	struct vhv_irq irq;		/* irq.lpi set */
	refcount_t ref;
	unsigned int nr_maps;		/* ITEs mapping it, under gic->lpi_lock */
	struct rcu_head rcu;
};

static inline struct vhv_lpi *vhv_irq_to_lpi(struct vhv_irq *irq)
{
	return container_of(irq, struct vhv_lpi, irq);
}

void vhv_lpi_get(struct vhv_lpi *lpi);
void vhv_lpi_put(struct vhv_lpi *lpi);

/*
 * An ITE maps intid (vgic->lpi_lock taken inside): the LPI, found or made
 * with its configuration and pending bit read from the guest's tables,
 * targeting vcpu (may be NULL). ERR_PTR on failure.
 */
struct vhv_lpi *vhv_lpi_map(struct vhv_vm *vm, u32 intid, struct vhv_vcpu *vcpu);
/* An ITE stops mapping it; the last one takes its pending state away. */
void vhv_lpi_unmap(struct vhv_vm *vm, struct vhv_lpi *lpi);
/*
 * For walks of lpi_xa (gic->lpi_lock held): whether an ITE maps it; one
 * that none maps and nothing queues any more is erased (it may be the
 * walk's current entry, which xa_for_each() allows).
 */
bool vhv_lpi_mapped(struct vhv_vgic *gic, struct vhv_lpi *lpi);

/* The largest LPI INTID + 1 that GICR_PROPBASER.IDbits lets exist. */
u32 vhv_lpi_limit(struct vhv_vm *vm);
/* Its byte of the configuration table read again (INV); 0 or -EFAULT. */
int vhv_lpi_reload(struct vhv_vm *vm, struct vhv_lpi *lpi);
/* Every LPI targeting vcpu reloaded (INVALL, GICR_INVALLR). */
void vhv_lpi_reload_all(struct vhv_vm *vm, struct vhv_vcpu *vcpu);
void vhv_lpi_set_target(struct vhv_vm *vm, struct vhv_lpi *lpi, struct vhv_vcpu *vcpu);
/* Every LPI targeting from now targets to (MOVALL). */
void vhv_lpi_move_all(struct vhv_vm *vm, struct vhv_vcpu *from, struct vhv_vcpu *to);
/* Make it pending (an MSI, INT) or not (CLEAR). */
void vhv_lpi_set_pending(struct vhv_vm *vm, struct vhv_lpi *lpi, bool pending);

/* GICR_CTLR.EnableLPIs of vcpu's redistributor. */
bool vhv_lpis_enabled(struct vhv_vcpu *vcpu);

/* GICR_CTLR.EnableLPIs 0 -> 1: the pending table read (unless PTZ). */
void vhv_lpi_enable(struct vhv_vcpu *vcpu);
/* 1 -> 0: the vCPU's queued LPIs lose their pending state. */
void vhv_lpi_disable(struct vhv_vcpu *vcpu);
/* KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES: each LPI's bit in its target's table. */
int vhv_lpi_save_pending(struct vhv_vm *vm);
/* The VM goes away: every LPI off the vCPUs' lists. */
void vhv_lpi_destroy(struct vhv_vm *vm);

#endif /* VHV_VGIC_LPI_H */
