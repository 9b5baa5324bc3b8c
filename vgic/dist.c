// SPDX-License-Identifier: GPL-2.0
/*
 * The distributor's registers (Arm GIC architecture specification,
 * chapter 12.9, "The GIC Distributor register descriptions"), with one
 * Security state (GICD_CTLR.DS = 1) and affinity routing always on
 * (ARE = 1), as KVM presents it. Decisions for what is not emulated:
 *   - private INTIDs (0-31) in the distributor's arrays: RAZ/WI, because
 *     with ARE = 1 the redistributors own them;
 *   - ITARGETSR: RAZ/WI, legacy (ARE = 0) only;
 *   - IGRPMODR: RAZ/WI, it only matters with two Security states;
 *   - STATUSR: reads all ones and ignores writes, as KVM's does;
 *   - IROUTER.IRM (1 of N routing) and Aff3: RAZ/WI, as in KVM (whose
 *     vCPUs all have Aff3 = 0);
 *   - any other offset in the 64 KB frame: RAZ/WI (vgic/mmio.c), among
 *     them SETSPI/CLRSPI (no message-based SPIs), NSACR (one Security
 *     state), SGIR, CPENDSGIR, SPENDSGIR (legacy only); they are not in
 *     the table, as in KVM's, so KVM_HAS_DEVICE_ATTR says ENXIO there.
 */
#include <linux/kernel.h>

#include "core/vm.h"
#include "vgic/lpi.h"
#include "vgic/regs.h"
#include "vgic/vgic.h"

/*
 * GICD_CTLR: EnableGrp1 [1], ARE [4], DS [6]. As in KVM, EnableGrp0 [0]
 * is RAZ/WI and EnableGrp1 enables both groups: a guest that only knows
 * Group 1 (Linux) sees no difference, and saved state stays KVM's.
 */
#define CTLR_ENABLE_GRP1	BIT(1)
#define CTLR_ARE		BIT(4)
#define CTLR_DS			BIT(6)

/* GICD_TYPER: ITLinesNumber [4:0], IDbits [23:19]. */
#define TYPER_IDBITS_SHIFT	19

/* IROUTER: Aff2 [23:16], Aff1 [15:8], Aff0 [7:0] kept; Aff3 and IRM RAZ/WI. */
#define IROUTER_AFF_MASK	0xffffffULL

static u64 ctlr_read(struct vgic_ctx *c, u32 idx)
{
	return (c->gic->enabled ? CTLR_ENABLE_GRP1 : 0) | CTLR_ARE | CTLR_DS;
}

static void ctlr_write(struct vgic_ctx *c, u32 idx, u64 val)
{
	bool on = val & CTLR_ENABLE_GRP1;

	if (on == c->gic->enabled)
		return;
	/* O(1) under the lock: no interrupt changes, the vCPUs look again. */
	c->gic->enabled = on;
	vhv_vgic_kick_queued(c->k);
}

/* A VMM may look before GRP_NR_IRQS: then there are no SPIs yet. */
static unsigned int nr_irqs_now(const struct vhv_vgic *gic)
{
	return gic->nr_irqs ?: VHV_VGIC_NR_PRIVATE;
}

/*
 * ITLinesNumber [4:0]; IDbits [23:19]: 10 INTID bits for SPIs alone, 16
 * and LPIS [17] once the VM has an ITS, as KVM's.
 */
static u64 typer_read(struct vgic_ctx *c, u32 idx)
{
	u64 val = nr_irqs_now(c->gic) / 32 - 1;

	if (READ_ONCE(c->gic->vm->has_its))
		return val | BIT(17) | ((VHV_LPI_ID_BITS - 1) << TYPER_IDBITS_SHIFT);
	return val | (9 << TYPER_IDBITS_SHIFT);
}

/* GICD_IIDR.Revision [15:12]: which of KVM's behaviours the VMM asked for. */
#define IIDR_REV_SHIFT		12
#define IIDR_REV_MASK		GENMASK(15, 12)

static u64 iidr_read(struct vgic_ctx *c, u32 idx)
{
	return (VGIC_GICD_IIDR & ~IIDR_REV_MASK) | (u32)c->gic->iidr_rev << IIDR_REV_SHIFT;
}

static u64 statusr_read(struct vgic_ctx *c, u32 idx)
{
	return U32_MAX;
}

static u64 irouter_read(struct vgic_ctx *c, u32 intid)
{
	struct vhv_irq *irq = vhv_vgic_irq(c->gic, NULL, intid);

	return irq ? irq->route : 0;
}

static void irouter_write(struct vgic_ctx *c, u32 intid, u64 val)
{
	struct vhv_irq *irq = vhv_vgic_irq(c->gic, NULL, intid);

	if (!irq)
		return;
	vhv_vgic_irq_route(c->gic, irq, val & IROUTER_AFF_MASK, c->k);
}

#define FIELD32(off, f, o)	VGIC_FIELD(off, 0x80, VW_32, f, o)

static const struct vgic_reg dist_regs[] = {
	VGIC_REG32(0x0000, 4, ctlr_read, ctlr_write),
	VGIC_REG32(0x0004, 4, typer_read, vhv_vgic_wi),
	VGIC_REG32(0x0008, 4, iidr_read, vhv_vgic_wi),
	VGIC_REG32(0x000c, 4, vhv_vgic_raz, vhv_vgic_wi),		/* TYPER2 */
	VGIC_REG32(0x0010, 4, statusr_read, vhv_vgic_wi),
	FIELD32(0x0080, VF_GROUP, VOP_RW),
	FIELD32(0x0100, VF_ENABLE, VOP_SET),
	FIELD32(0x0180, VF_ENABLE, VOP_CLEAR),
	FIELD32(0x0200, VF_PENDING, VOP_SET),
	FIELD32(0x0280, VF_PENDING, VOP_CLEAR),
	FIELD32(0x0300, VF_ACTIVE, VOP_SET),
	FIELD32(0x0380, VF_ACTIVE, VOP_CLEAR),
	VGIC_FIELD(0x0400, 0x400, VW_8 | VW_32, VF_PRIORITY, VOP_RW),
	/* ITARGETSR */
	VGIC_IRQREG(0x0800, 0x400, VW_8 | VW_32, 4, 8, vhv_vgic_raz, vhv_vgic_wi),
	VGIC_FIELD(0x0c00, 0x100, VW_32, VF_CONFIG, VOP_RW),
	VGIC_IRQREG(0x0d00, 0x80, VW_32, 4, 1, vhv_vgic_raz, vhv_vgic_wi),	/* IGRPMODR */
	VGIC_IRQREG(0x6000, 0x2000, VW_32 | VW_64, 8, 64, irouter_read, irouter_write),
	VGIC_REG32(0xffd0, 0x30, vhv_vgic_pidr_read, vhv_vgic_wi),
};

bool vhv_vgic_dist_access(struct vgic_ctx *c, u32 off, unsigned int len, bool write, u64 *val)
{
	return vhv_vgic_regs_access(c, dist_regs, ARRAY_SIZE(dist_regs), off, len, write, val);
}

/* ---- the VMM's view ---- */

#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c

bool vhv_vgic_dist_has(struct vhv_vgic *gic, u32 off)
{
	return vhv_vgic_regs_has(dist_regs, ARRAY_SIZE(dist_regs), off, nr_irqs_now(gic));
}

/*
 * GICD_IIDR is the one register whose write a VMM can be refused: it
 * says which KVM behaviour it saved, and only the Revision may differ,
 * as one KVM knows (2: GICR_CTLR.{CES,IR} read 0; 3).
 */
static int iidr_write(struct vgic_ctx *c, u64 val)
{
	u32 rev = (val & IIDR_REV_MASK) >> IIDR_REV_SHIFT;

	if ((val ^ iidr_read(c, 0)) & ~IIDR_REV_MASK)
		return -EINVAL;
	if (rev != VGIC_IIDR_REV_2 && rev != VGIC_IIDR_REV_DEFAULT)
		return -EINVAL;
	c->gic->iidr_rev = rev;
	return 0;
}

int vhv_vgic_dist_uaccess(struct vgic_ctx *c, u32 off, bool write, u64 *val)
{
	if (write && off == GICD_IIDR)
		return iidr_write(c, *val);
	/* Nothing of TYPER2 can be set: no GICv4.1, no nASSGIcap (KVM: EINVAL). */
	if (write && off == GICD_TYPER2 && *val)
		return -EINVAL;
	return vhv_vgic_dist_access(c, off, 4, write, val) ? 0 : -ENXIO;
}
