// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the register tables of vgic/regs.h: finds the register, checks the
 * access size, and either walks the per-interrupt fields it covers or
 * calls its accessors (a 32-bit half of a 64-bit register is a
 * read-modify-write of the whole). Callers hold vgic->lock.
 */
#include <linux/bsearch.h>

#include "vgic/irq.h"
#include "vgic/regs.h"
#include "vgic/vgic.h"

static unsigned int field_bits(enum vgic_field f)
{
	return f == VF_PRIORITY ? 8 : f == VF_CONFIG ? 2 : 1;
}

/* Priority bits kept: the top VHV_VGIC_PRI_BITS, as KVM does. */
#define PRI_MASK	GENMASK(7, 8 - VHV_VGIC_PRI_BITS)

static u32 irq_field_get(const struct vhv_irq *irq, enum vgic_field f)
{
	switch (f) {
	case VF_GROUP:
		return irq->group1;
	case VF_ENABLE:
		return irq->enabled;
	case VF_PENDING:
		return vgic_irq_pending(irq);
	case VF_ACTIVE:
		return irq->active;
	case VF_PRIORITY:
		return irq->priority;
	case VF_CONFIG:
		return irq->level ? 0 : 2;
	default:
		return 0;
	}
}

static void irq_field_set(struct vgic_ctx *c, struct vhv_irq *irq, enum vgic_field f, u32 v)
{
	switch (f) {
	case VF_GROUP:
		irq->group1 = v;
		break;
	case VF_ENABLE:
		irq->enabled = v;
		break;
	case VF_PENDING:
		/* Clearing leaves a level interrupt's line as it is. */
		irq->latch = v;
		if (!v)
			irq->lr_pending = false;
		break;
	case VF_ACTIVE:
		irq->active = v;
		break;
	case VF_PRIORITY:
		irq->priority = v & PRI_MASK;
		break;
	case VF_CONFIG:
		/* SGIs are always edge, PPIs always level (as KVM). */
		if (irq->intid >= VHV_VGIC_NR_PRIVATE)
			irq->level = !(v & 2);
		break;
	default:
		return;
	}
	vhv_vgic_irq_update(c->gic, irq, c->k);
}

/* A VMM's view of a pending register: the latch, or RAZ for IC*PENDR. */
static u32 uaccess_pending_get(const struct vgic_reg *r, const struct vhv_irq *irq)
{
	return r->op == VOP_SET && irq->latch;
}

static u64 fields_read(struct vgic_ctx *c, const struct vgic_reg *r, u32 off, unsigned int len)
{
	unsigned int bits = field_bits(r->field);
	u32 intid = (off - r->offset) * 8 / bits;
	bool latch = c->uaccess && r->field == VF_PENDING;
	unsigned int i;
	u64 val = 0;

	for (i = 0; i < len * 8 / bits; i++) {
		struct vhv_irq *irq = vhv_vgic_irq(c->gic, c->rd, intid + i);
		u32 v;

		if (!irq)
			continue;
		v = latch ? uaccess_pending_get(r, irq) : irq_field_get(irq, r->field);
		val |= (u64)v << (i * bits);
	}
	return val;
}

/* A VMM writes IS*PENDR as the latch itself; IC*PENDR are WI. */
static void uaccess_pending_set(struct vgic_ctx *c, const struct vgic_reg *r,
				struct vhv_irq *irq, u32 v)
{
	if (r->op == VOP_SET)
		irq_field_set(c, irq, VF_PENDING, v);
}

static void fields_write(struct vgic_ctx *c, const struct vgic_reg *r, u32 off,
			 unsigned int len, u64 val)
{
	unsigned int bits = field_bits(r->field);
	u32 intid = (off - r->offset) * 8 / bits;
	u32 mask = (1U << bits) - 1;
	unsigned int i;

	for (i = 0; i < len * 8 / bits; i++) {
		struct vhv_irq *irq = vhv_vgic_irq(c->gic, c->rd, intid + i);
		u32 v = (val >> (i * bits)) & mask;

		if (!irq)
			continue;
		if (c->uaccess && r->field == VF_PENDING)
			uaccess_pending_set(c, r, irq, v);
		else if (r->op == VOP_RW)
			irq_field_set(c, irq, r->field, v);
		else if (v)
			irq_field_set(c, irq, r->field, r->op == VOP_SET);
	}
}

static u64 plain_read(struct vgic_ctx *c, const struct vgic_reg *r, u32 off, unsigned int len)
{
	u32 rel = off - r->offset;
	u64 val = r->read(c, rel / r->reg_bytes);

	if (len < r->reg_bytes)
		val = (val >> ((rel % r->reg_bytes) * 8)) & GENMASK_ULL(len * 8 - 1, 0);
	return val;
}

static void plain_write(struct vgic_ctx *c, const struct vgic_reg *r, u32 off,
			unsigned int len, u64 val)
{
	u32 rel = off - r->offset;
	u32 idx = rel / r->reg_bytes;

	if (len < r->reg_bytes) {
		unsigned int shift = (rel % r->reg_bytes) * 8;
		u64 mask = GENMASK_ULL(len * 8 - 1, 0) << shift;

		val = (r->read(c, idx) & ~mask) | ((val << shift) & mask);
	}
	r->write(c, idx, val);
}

static int cmp_reg(const void *key, const void *elt)
{
	u32 off = *(const u32 *)key;
	const struct vgic_reg *r = elt;

	if (off < r->offset)
		return -1;
	return off >= r->offset + r->size ? 1 : 0;
}

bool vhv_vgic_regs_access(struct vgic_ctx *c, const struct vgic_reg *table, unsigned int n,
			  u32 off, unsigned int len, bool write, u64 *val)
{
	const struct vgic_reg *r = bsearch(&off, table, n, sizeof(*table), cmp_reg);

	/* Naturally aligned accesses of a size the register takes only. */
	if (!r || !(r->widths & BIT(len)) || (off & (len - 1)))
		return false;
	if (r->field != VF_NONE) {
		if (write)
			fields_write(c, r, off, len, *val);
		else
			*val = fields_read(c, r, off, len);
	} else if (write) {
		plain_write(c, r, off, len, *val);
	} else {
		*val = plain_read(c, r, off, len);
	}
	return true;
}

bool vhv_vgic_regs_has(const struct vgic_reg *table, unsigned int n, u32 off, unsigned int nr_irqs)
{
	const struct vgic_reg *r = bsearch(&off, table, n, sizeof(*table), cmp_reg);
	unsigned int bits;

	if (!r || !(r->widths & VW_32) || (off & 3))
		return false;
	bits = r->field != VF_NONE ? field_bits(r->field) : r->irq_bits;
	return !bits || (off - r->offset) * 8 / bits < nr_irqs;
}

u64 vhv_vgic_raz(struct vgic_ctx *c, u32 idx)
{
	return 0;
}

/* 0xffd0 + 4 * idx: only PIDR2 (0xffe8) says something, the GIC version. */
u64 vhv_vgic_pidr_read(struct vgic_ctx *c, u32 idx)
{
	return idx == 6 ? VGIC_PIDR2_GICV3 : 0;
}

void vhv_vgic_wi(struct vgic_ctx *c, u32 idx, u64 val)
{
}
