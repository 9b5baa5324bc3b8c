// SPDX-License-Identifier: GPL-2.0
/*
 * Structured arguments for the vGIC: device attributes of every group
 * (frame addresses and redistributor regions, register offsets of the
 * distributor and redistributors by vCPU affinity, CPU interface
 * encodings, line levels, the number of interrupts, CTRL) and GSI
 * routing tables of every size, with entries of every type.
 */
#include <sys/ioctl.h>

#include "../lib/gic_attr.h"
#include "../lib/test.h"
#include "fuzz.h"

static const u32 icc_regs[] = {
	ICC_PMR, ICC_BPR0, ICC_AP0R(0), ICC_AP0R(3), ICC_AP1R(0), ICC_AP1R(1), ICC_AP1R(3),
	ICC_RPR, ICC_SGI1R, ICC_IAR1, ICC_EOIR1, ICC_BPR1, ICC_CTLR, ICC_SRE, ICC_IGRPEN0,
	ICC_IGRPEN1,
};

/* KVM's affinity encoding of a vCPU id in attr bits 63:32. */
static u64 affinity(struct fz_rng *r)
{
	u32 id = fz_vcpu_id(r);

	if (fz_percent(r, 5))
		return fz_u64(r) << 32;
	return ((u64)(id >> 4 & 0xff) << 8 | (id & 0xf)) << 32;
}

static u64 reg_offset(struct fz_rng *r, u64 frame)
{
	u64 off = fz_below(r, frame);

	return fz_percent(r, 85) ? off & ~3ULL : fz_percent(r, 50) ? off : fz_u64(r);
}

static u64 gic_addr_value(struct fz_rng *r, u64 type)
{
	u64 base = fz_percent(r, 50) ? GIC_DIST_BASE + fz_below(r, 64) * 0x10000 :
		   fz_below(r, 1ULL << 26) << 16;

	if (fz_percent(r, 10))
		return fz_value(r);
	if (fz_percent(r, 5))
		base |= fz_below(r, 0x10000);	/* misaligned */
	if (type != KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION)
		return base;
	/* count [63:52], base [51:16], flags [15:12], index [11:0] */
	return (fz_percent(r, 90) ? fz_below(r, 5) : fz_below(r, 4096)) << 52 |
	       (base & (((1ULL << 52) - 1) & ~0xffffULL)) |
	       (fz_percent(r, 90) ? 0 : fz_below(r, 16)) << 12 |
	       (fz_percent(r, 80) ? fz_below(r, 3) : fz_below(r, 4096));
}

static u64 gen_attr(struct fz_rng *r, u32 group, u64 *val)
{
	u64 attr;

	*val = fz_value(r);
	switch (group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		attr = fz_percent(r, 90) ? 2 + fz_below(r, 4) : fz_value(r);
		*val = gic_addr_value(r, attr);
		return attr;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
		return affinity(r) | reg_offset(r, 0x10000);
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
		return affinity(r) | reg_offset(r, 0x20000);
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		return affinity(r) | (fz_percent(r, 85) ? FZ_PICK(r, icc_regs) : fz_below(r, 1 << 16));
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		attr = fz_percent(r, 90) ? 0 : fz_below(r, 1 << 22);
		return affinity(r) | attr << 10 |
		       (fz_percent(r, 85) ? fz_below(r, 33) * 32 : fz_below(r, 1024));
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		*val = fz_percent(r, 80) ? fz_below(r, 34) * 32 : fz_value(r);
		return fz_percent(r, 90) ? 0 : fz_value(r);
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return fz_percent(r, 90) ? fz_below(r, 5) : fz_value(r);
	default:
		return fz_value(r);
	}
}

void fz_gen_gic_attr(struct fz_call *c)
{
	struct kvm_device_attr a = { 0 };
	u64 val;

	/* Mostly GICv3's groups (0-7), some ITS (8), some none. */
	a.group = fz_percent(&c->rng, 90) ? fz_below(&c->rng, 9) : fz_u64(&c->rng);
	a.attr = gen_attr(&c->rng, a.group, &val);
	if (fz_percent(&c->rng, 5))
		a.flags = fz_u64(&c->rng);
	fz_say(c, " group=%u attr=%#llx val=%#llx addr=", a.group, (unsigned long long)a.attr,
	       (unsigned long long)val);
	a.addr = fz_place(c, FZ_AREA_B, &val, a.group == KVM_DEV_ARM_VGIC_GRP_NR_IRQS ||
				       a.group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS ||
				       a.group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS ||
				       a.group == KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO ? 4 : 8);
	c->size = sizeof(a);
	memcpy(c->buf, &a, c->size);
	fz_place_arg(c);
}

/* ---- GSI routing ---- */

#define MAX_ENTRIES	4097

static void gen_entry(struct fz_rng *r, struct kvm_irq_routing_entry *e, u32 prev_gsi)
{
	memset(e, 0, sizeof(*e));
	e->gsi = fz_percent(r, 10) ? prev_gsi : fz_percent(r, 85) ? fz_below(r, 128) :
		 fz_percent(r, 50) ? 4095 + fz_below(r, 2) : fz_u64(r);
	switch (fz_below(r, 10)) {
	case 0 ... 6:
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = fz_percent(r, 90) ? 0 : fz_u64(r);
		e->u.irqchip.pin = fz_percent(r, 85) ? fz_below(r, 1000) : fz_u64(r);
		break;
	case 7 ... 8:
		e->type = KVM_IRQ_ROUTING_MSI;
		fz_fill(r, &e->u.msi, sizeof(e->u.msi));
		break;
	default:
		e->type = fz_u64(r);
		fz_fill(r, &e->u, sizeof(e->u));
	}
	if (fz_percent(r, 5))
		e->flags = fz_u64(r);
}

void fz_gen_gsi_routing(struct fz_call *c)
{
	static u8 table[sizeof(struct kvm_irq_routing) +
			MAX_ENTRIES * sizeof(struct kvm_irq_routing_entry)];
	struct kvm_irq_routing *rt = (void *)table;
	u32 nr, i, made;

	switch (fz_below(&c->rng, 8)) {
	case 0: nr = 0; break;
	case 1 ... 4: nr = 1 + fz_below(&c->rng, 8); break;
	case 5: nr = 32 + fz_below(&c->rng, 200); break;
	case 6: nr = 4095 + fz_below(&c->rng, 3); break;
	default: nr = fz_value(&c->rng);
	}
	rt->nr = nr;
	rt->flags = fz_percent(&c->rng, 95) ? 0 : fz_u64(&c->rng);
	made = nr < MAX_ENTRIES ? nr : MAX_ENTRIES;
	for (i = 0; i < made; i++)
		gen_entry(&c->rng, &rt->entries[i], i ? rt->entries[i - 1].gsi : 0);
	fz_say(c, " nr=%u flags=%#x first=%u/%u arg=", nr, rt->flags,
	       made ? rt->entries[0].gsi : 0, made ? rt->entries[0].type : 0);
	/* A table too big for area B straddles its end: EFAULT, or E2BIG/EINVAL first. */
	c->arg = fz_place(c, FZ_AREA_B, table, sizeof(*rt) + made * sizeof(rt->entries[0]));
	c->arg_cls = c->last_mapped >= sizeof(*rt) + made * sizeof(rt->entries[0]) ?
		     FZ_PTR_OK : c->last_cls;
}
