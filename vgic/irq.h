/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt state inside the vGIC (vgic/irq.c); callers hold vgic->lock. */
#ifndef VHV_VGIC_IRQ_H
#define VHV_VGIC_IRQ_H

#include <linux/bitmap.h>

#include "core/vm.h"
#include "vgic/vgic.h"

/* vCPUs (by index) to kick once vgic->lock is dropped. */
struct vgic_kicks {
	DECLARE_BITMAP(mask, VHV_MAX_VCPUS);
	/* GICD_CTLR changed: also every vCPU with something on its list. */
	bool queued;
};

void vhv_vgic_irq_init(struct vhv_irq *irq, u32 intid, struct vhv_vcpu *target);
/* The interrupt with this INTID as seen by rd's redistributor (private
 * INTIDs) or the distributor (SPIs), or NULL if there is none.
 */
struct vhv_irq *vhv_vgic_irq(struct vhv_vgic *gic, struct vhv_vcpu *rd, u32 intid);

static inline bool vgic_irq_pending(const struct vhv_irq *irq)
{
	return irq->latch || irq->lr_pending || (irq->level && irq->line);
}

/* After any change to irq: queue, move or unqueue it, and note kicks. */
void vhv_vgic_irq_update(struct vhv_vgic *gic, struct vhv_irq *irq, struct vgic_kicks *k);
/* An SPI's route written: its target found again, then as above. */
void vhv_vgic_irq_route(struct vhv_vgic *gic, struct vhv_irq *irq, u64 route,
			struct vgic_kicks *k);
/* After GICD_CTLR's group enables change: every vCPU with an interrupt
 * queued looks again.
 */
void vhv_vgic_kick_queued(struct vgic_kicks *k);
/* Without the lock. */
void vhv_vgic_kick(struct vhv_vm *vm, struct vgic_kicks *k);

/* Raise (level) or lower a line: the KVM_IRQ_LINE semantics. */
void vhv_vgic_irq_set_line(struct vhv_vgic *gic, struct vhv_irq *irq, bool level,
			   struct vgic_kicks *k);

#endif /* VHV_VGIC_IRQ_H */
