// SPDX-License-Identifier: GPL-2.0
/*
 * The vGICv3 state as a VMM saves and restores it, through the device
 * attributes KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS, _CPU_SYSREGS
 * and _LEVEL_INFO:
 *
 *  - a guest saved in the middle of an interrupt handler (one SPI active,
 *    one pending behind it, one pending but disabled, an SGI pending on a
 *    vCPU with interrupts masked), with its vCPU registers and RAM, and
 *    restored into a fresh VM in the order QEMU uses, sees the same GIC
 *    there and goes on: the same interrupts, each exactly once;
 *  - KVM_HAS_DEVICE_ATTR says yes to every register saved or restored;
 *  - where userspace's view differs from the guest's: ISPENDR is the
 *    pending latch, written both ways; ICPENDR is RAZ/WI; ISACTIVER only
 *    sets; a level line shows through LEVEL_INFO only.
 *
 * What KVM answers a VMM's mistakes is in vgic_state_errors.c, the
 * redistributor regions in vgic_regions.c; the helpers they share in
 * lib/gic_attr.h.
 *
 * KVM ABI only. The values asserted are what in-kernel KVM 6.12 gives on
 * QEMU's GICv3 (5 bits of virtual priority, one APR per group).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/gic_attr.h"
#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define NR_WORDS	(NR_IRQS / 32)
#define NR_VCPUS	2		/* of the save/restore test */

/* ==== save mid-interrupt, restore into a fresh VM ==== */

#define LEVEL_SPI	40	/* prio 0x40: being handled when the VM is saved */
#define EDGE_SPI	41	/* prio 0x80: pending behind it */
#define OFF_SPI		42	/* prio 0x20: pending, disabled: never taken */
#define VCPU1_SPI	43	/* prio 0xa0: routed to vCPU 1, raised in the new VM */
#define GROUP0_SPI	44	/* in Group 0, prio 0x60, never raised */
#define GROUP0_PPI	22	/* vCPU 0's, in Group 0 */
#define PRIO_PPI	20	/* a priority of its own on each vCPU */
#define PARKED_SGI	3	/* vCPU 0 to vCPU 1, pending while vCPU 1 is masked */

#define VCPU0_PMR	0xf0
#define VCPU1_PMR	0xe0
#define VCPU0_BPR0	5
#define VCPU0_BPR1	4
#define VCPU1_BPR0	4
#define VCPU1_BPR1	5

/*
 * What each vCPU reads of the GIC, once before the save and once after
 * the restore: the host builds the list (snap_list_build()), the guest
 * reads it in order into snap_vals, the host compares. vCPU 0 reads the
 * distributor too, vCPU 1 only its redistributor and CPU interface.
 */
enum snap_kind { SNAP_DIST32, SNAP_DIST64, SNAP_SGI32, SNAP_ICC };
enum snap_icc {
	SNAP_PMR, SNAP_BPR0, SNAP_BPR1, SNAP_CTLR, SNAP_SRE, SNAP_IGRPEN0,
	SNAP_IGRPEN1, SNAP_RPR, SNAP_AP0R0, SNAP_AP1R0, NR_SNAP_ICC,
};

#define SNAP_MAX	128

struct snap_reg {
	uint16_t kind;
	uint16_t off;	/* GICD or SGI_base offset, or enum snap_icc */
};

struct snap_list {
	u32 nr_dist;	/* the first nr_dist are the distributor's */
	u32 nr;
	struct snap_reg reg[SNAP_MAX];
};

static struct snap_list snap_regs;
static u64 snap_vals[2][NR_VCPUS][SNAP_MAX];	/* [before, after][vCPU] */

static u64 snap_read_icc(u32 which)
{
	switch (which) {
	case SNAP_PMR:		return icc_read(SYS_ICC_PMR);
	case SNAP_BPR0:		return icc_read(SYS_ICC_BPR0);
	case SNAP_BPR1:		return icc_read(SYS_ICC_BPR1);
	case SNAP_CTLR:		return icc_read(SYS_ICC_CTLR);
	case SNAP_SRE:		return icc_read(SYS_ICC_SRE);
	case SNAP_IGRPEN0:	return icc_read(SYS_ICC_IGRPEN0);
	case SNAP_IGRPEN1:	return icc_read(SYS_ICC_IGRPEN1);
	case SNAP_RPR:		return icc_read(SYS_ICC_RPR);
	case SNAP_AP0R0:	return icc_read(SYS_ICC_AP0R0);
	case SNAP_AP1R0:	return icc_read(SYS_ICC_AP1R0);
	}
	return ~0ULL;
}

static void snapshot(u32 phase)
{
	u32 cpu = gic_cpu_index(), i = cpu ? snap_regs.nr_dist : 0;
	u64 sgi = gic_redist_base() + GIC_SGI_FRAME, *val = snap_vals[phase][cpu];

	for (; i < snap_regs.nr; i++) {
		const struct snap_reg *r = &snap_regs.reg[i];

		if (r->kind == SNAP_DIST32)
			val[i] = gic_dist_read(r->off);
		else if (r->kind == SNAP_DIST64)
			val[i] = gic_dist_read64(r->off);
		else if (r->kind == SNAP_SGI32)
			val[i] = readl(sgi + r->off);
		else
			val[i] = snap_read_icc(r->off);
	}
}

/* vCPU 0, in its handler for LEVEL_SPI: the VM is saved at the first ucall. */
static void save_point(u32 intid)
{
	if (gic_cpu_index() != 0 || intid != LEVEL_SPI)
		return;
	snapshot(0);
	GUEST_SYNC2(SYNC_SAVE, intid);
	/* From here on in the restored VM, its line still high. */
	snapshot(1);
	GUEST_SYNC(SYNC_SNAPPED);
	/* The host has lowered the line: pending no more, still active. */
	GUEST_ASSERT_EQ(gic_dist_read(GICD_ISPENDR + 4) & IRQ_BIT(LEVEL_SPI), 0);
	GUEST_ASSERT_EQ(gic_dist_read(GICD_ISACTIVER + 4), IRQ_BIT(LEVEL_SPI));
}

static void sgi_frame_write(u32 off, u32 val)
{
	writel(val, gic_redist_base() + GIC_SGI_FRAME + off);
}

static u32 sgi_frame_read(u32 off)
{
	return readl(gic_redist_base() + GIC_SGI_FRAME + off);
}

static void guest_vcpu0(void)
{
	gic_dist_init();
	gic_cpu_init();
	guest_install_handler(VECTOR_IRQ_CUR, irq_handler);
	irq_hook = save_point;
	icc_write(SYS_ICC_CTLR, CTLR_EOIMODE);
	icc_write(SYS_ICC_BPR0, VCPU0_BPR0);
	icc_write(SYS_ICC_BPR1, VCPU0_BPR1);
	gic_set_pmr(VCPU0_PMR);
	gic_irq_set_priority(PRIO_PPI, 0x30);
	sgi_frame_write(GICR_IGROUPR0, ~IRQ_BIT(GROUP0_PPI));

	gic_spi_setup(LEVEL_SPI, 0x40, false);
	gic_spi_setup(EDGE_SPI, 0x80, true);
	gic_spi_setup(OFF_SPI, 0x20, true);
	gic_irq_disable(OFF_SPI);
	gic_dist_write(GICD_ISPENDR + 4, IRQ_BIT(OFF_SPI));
	gic_spi_setup(VCPU1_SPI, 0xa0, true);
	gic_spi_route(VCPU1_SPI, 1);		/* vCPU 1: Aff0 1 */
	gic_irq_set_priority(GROUP0_SPI, 0x60);
	gic_dist_write(GICD_IGROUPR + 4, ~IRQ_BIT(GROUP0_SPI));
	gic_send_sgi(PARKED_SGI, 1);
	/* IRQs masked as at reset: the host raises LEVEL_SPI and EDGE_SPI now. */
	GUEST_SYNC(SYNC_READY);

	/* LEVEL_SPI first (highest priority enabled), then EDGE_SPI once. */
	gic_wait_irqs(2);
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(icc_read(SYS_ICC_RPR), 0xff);
	GUEST_ASSERT_EQ(gic_dist_read(GICD_ISACTIVER + 4), 0);
	/* Still pending: the disabled one, and vCPU 1's (not run yet). */
	GUEST_ASSERT_EQ(gic_dist_read(GICD_ISPENDR + 4), IRQ_BIT(OFF_SPI) | IRQ_BIT(VCPU1_SPI));
}

static void guest_vcpu1(void)
{
	gic_cpu_init();
	guest_install_handler(VECTOR_IRQ_CUR, irq_handler);
	icc_write(SYS_ICC_BPR0, VCPU1_BPR0);
	icc_write(SYS_ICC_BPR1, VCPU1_BPR1);
	gic_set_pmr(VCPU1_PMR);
	gic_irq_set_priority(PRIO_PPI, 0x50);
	gic_irq_set_priority(PARKED_SGI, 0x90);
	GUEST_SYNC(SYNC_READY);
	/* vCPU 0 has sent PARKED_SGI; masked, it stays pending. */
	snapshot(0);
	GUEST_SYNC(SYNC_PARKED);
	snapshot(1);
	GUEST_SYNC(SYNC_SNAPPED);
	/* PARKED_SGI (0x90) before VCPU1_SPI (0xa0), each once. */
	gic_wait_irqs(2);
	gic_spin_ms(SETTLE_MS);
}

static void guest_state(u64 unused)
{
	if (gic_cpu_index() == 0)
		guest_vcpu0();
	else
		guest_vcpu1();
}

static void snap_add(struct snap_list *l, uint16_t kind, uint16_t off)
{
	ASSERT_LT(l->nr, SNAP_MAX);
	l->reg[l->nr].kind = kind;
	l->reg[l->nr].off = off;
	l->nr++;
}

static void snap_list_build(struct snap_list *l)
{
	u32 i;

	l->nr = 0;
	snap_add(l, SNAP_DIST32, GICD_CTLR);
	for (i = 1; i < NR_WORDS; i++) {
		snap_add(l, SNAP_DIST32, GICD_IGROUPR + 4 * i);
		snap_add(l, SNAP_DIST32, GICD_ISENABLER + 4 * i);
		snap_add(l, SNAP_DIST32, GICD_ISPENDR + 4 * i);
		snap_add(l, SNAP_DIST32, GICD_ISACTIVER + 4 * i);
	}
	for (i = GIC_NR_PRIVATE; i < NR_IRQS; i += 4)
		snap_add(l, SNAP_DIST32, GICD_IPRIORITYR + i);
	for (i = GIC_NR_PRIVATE; i < NR_IRQS; i += 16)
		snap_add(l, SNAP_DIST32, GICD_ICFGR + i / 4);
	for (i = GIC_NR_PRIVATE; i < NR_IRQS; i++)
		snap_add(l, SNAP_DIST64, GICD_IROUTER + 8 * i);
	l->nr_dist = l->nr;
	snap_add(l, SNAP_SGI32, GICR_IGROUPR0);
	snap_add(l, SNAP_SGI32, GICR_ISENABLER0);
	snap_add(l, SNAP_SGI32, GICR_ISPENDR0);
	snap_add(l, SNAP_SGI32, GICR_ISACTIVER0);
	for (i = 0; i < GIC_NR_PRIVATE; i += 4)
		snap_add(l, SNAP_SGI32, GICR_IPRIORITYR0 + i);
	snap_add(l, SNAP_SGI32, GICR_ICFGR0);
	snap_add(l, SNAP_SGI32, GICR_ICFGR1);
	for (i = 0; i < NR_SNAP_ICC; i++)
		snap_add(l, SNAP_ICC, i);
}

static const char *snap_name(const struct snap_reg *r, char *buf, size_t len)
{
	static const char *const icc[NR_SNAP_ICC] = {
		"ICC_PMR_EL1", "ICC_BPR0_EL1", "ICC_BPR1_EL1", "ICC_CTLR_EL1", "ICC_SRE_EL1",
		"ICC_IGRPEN0_EL1", "ICC_IGRPEN1_EL1", "ICC_RPR_EL1", "ICC_AP0R0_EL1",
		"ICC_AP1R0_EL1",
	};

	if (r->kind == SNAP_DIST32)
		snprintf(buf, len, "GICD+%#x", r->off);
	else if (r->kind == SNAP_DIST64)
		snprintf(buf, len, "GICD_IROUTER%u", (r->off - GICD_IROUTER) / 8);
	else if (r->kind == SNAP_SGI32)
		snprintf(buf, len, "GICR SGI_base+%#x", r->off);
	else
		snprintf(buf, len, "%s", icc[r->off]);
	return buf;
}

static u32 snap_find(uint16_t kind, uint16_t off)
{
	u32 i;

	for (i = 0; i < snap_regs.nr; i++)
		if (snap_regs.reg[i].kind == kind && snap_regs.reg[i].off == off)
			return i;
	vt_fail(__FILE__, __LINE__, "no snapshot entry %u/%#x", kind, off);
	vt_abort();
}

/* What the guest must see at the save point (and, so, after the restore). */
struct snap_want {
	u32 cpu;
	uint16_t kind, off;
	u64 mask, val;
};

/* The active priority bit of priority 0x40 in ICC_AP1R0_EL1, for 5 to 7 priority bits. */
static u64 ap1r0_for_0x40(u64 ctlr)
{
	u32 idx = 0x40 >> (8 - (CTLR_PRIBITS(ctlr) + 1));

	return idx < 32 ? 1ULL << idx : 0;
}

static const struct snap_want snap_wants[] = {
	{ 0, SNAP_DIST32, GICD_CTLR, ~0ULL,
	  GICD_CTLR_DS | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A },
	{ 0, SNAP_DIST32, GICD_IGROUPR + 4, ~0ULL, (u32)~IRQ_BIT(GROUP0_SPI) },
	{ 0, SNAP_DIST32, GICD_IGROUPR + 8, ~0ULL, ~0U },
	{ 0, SNAP_DIST32, GICD_ISENABLER + 4, ~0ULL,
	  IRQ_BIT(LEVEL_SPI) | IRQ_BIT(EDGE_SPI) | IRQ_BIT(VCPU1_SPI) },
	{ 0, SNAP_DIST32, GICD_ISENABLER + 8, ~0ULL, 0 },
	/* The guest's view: LEVEL_SPI by its line, the others by their latch. */
	{ 0, SNAP_DIST32, GICD_ISPENDR + 4, ~0ULL,
	  IRQ_BIT(LEVEL_SPI) | IRQ_BIT(EDGE_SPI) | IRQ_BIT(OFF_SPI) },
	{ 0, SNAP_DIST32, GICD_ISACTIVER + 4, ~0ULL, IRQ_BIT(LEVEL_SPI) },
	{ 0, SNAP_DIST32, GICD_ISACTIVER + 8, ~0ULL, 0 },
	{ 0, SNAP_DIST32, GICD_IPRIORITYR + 40, ~0ULL, 0xa0208040 },
	{ 0, SNAP_DIST32, GICD_IPRIORITYR + 44, ~0ULL, 0x60 },
	/* SPIs are edge at reset in KVM; LEVEL_SPI (Int_config[1] of 40: bit 17) is not. */
	{ 0, SNAP_DIST32, GICD_ICFGR + 8, ~0ULL, 0xaaa8aaaa },
	{ 0, SNAP_DIST32, GICD_ICFGR + 12, ~0ULL, 0xaaaaaaaa },
	{ 0, SNAP_DIST64, GICD_IROUTER + 8 * VCPU1_SPI, ~0ULL, 1 },
	{ 0, SNAP_DIST64, GICD_IROUTER + 8 * LEVEL_SPI, ~0ULL, 0 },
	{ 0, SNAP_SGI32, GICR_IGROUPR0, ~0ULL, (u32)~IRQ_BIT(GROUP0_PPI) },
	{ 0, SNAP_SGI32, GICR_ISENABLER0, ~0ULL, 0xffff | IRQ_BIT(GIC_VTIMER_PPI) },
	{ 0, SNAP_SGI32, GICR_ISPENDR0, ~0ULL, 0 },
	{ 0, SNAP_SGI32, GICR_IPRIORITYR0 + 20, ~0ULL, 0xa0a0a030 },
	{ 0, SNAP_SGI32, GICR_IPRIORITYR0 + 24, ~0ULL, 0x00a0a0a0 },
	{ 0, SNAP_SGI32, GICR_ICFGR0, ~0ULL, 0xaaaaaaaa },
	{ 0, SNAP_SGI32, GICR_ICFGR1, ~0ULL, 0 },
	{ 0, SNAP_ICC, SNAP_PMR, ~0ULL, VCPU0_PMR },
	{ 0, SNAP_ICC, SNAP_BPR0, ~0ULL, VCPU0_BPR0 },
	{ 0, SNAP_ICC, SNAP_BPR1, ~0ULL, VCPU0_BPR1 },
	{ 0, SNAP_ICC, SNAP_CTLR, CTLR_CBPR | CTLR_EOIMODE, CTLR_EOIMODE },
	{ 0, SNAP_ICC, SNAP_IGRPEN0, ~0ULL, 0 },
	{ 0, SNAP_ICC, SNAP_IGRPEN1, ~0ULL, 1 },
	{ 0, SNAP_ICC, SNAP_RPR, ~0ULL, 0x40 },		/* running LEVEL_SPI's priority */
	{ 0, SNAP_ICC, SNAP_AP0R0, ~0ULL, 0 },
	{ 1, SNAP_SGI32, GICR_IGROUPR0, ~0ULL, ~0U },
	{ 1, SNAP_SGI32, GICR_ISPENDR0, ~0ULL, IRQ_BIT(PARKED_SGI) },
	{ 1, SNAP_SGI32, GICR_ISACTIVER0, ~0ULL, 0 },
	{ 1, SNAP_SGI32, GICR_IPRIORITYR0, ~0ULL, 0x90a0a0a0 },
	{ 1, SNAP_SGI32, GICR_IPRIORITYR0 + 20, ~0ULL, 0xa0a0a050 },
	{ 1, SNAP_ICC, SNAP_PMR, ~0ULL, VCPU1_PMR },
	{ 1, SNAP_ICC, SNAP_BPR0, ~0ULL, VCPU1_BPR0 },
	{ 1, SNAP_ICC, SNAP_BPR1, ~0ULL, VCPU1_BPR1 },
	{ 1, SNAP_ICC, SNAP_CTLR, CTLR_CBPR | CTLR_EOIMODE, 0 },
	{ 1, SNAP_ICC, SNAP_IGRPEN1, ~0ULL, 1 },
	{ 1, SNAP_ICC, SNAP_RPR, ~0ULL, 0xff },		/* nothing active */
	{ 1, SNAP_ICC, SNAP_AP1R0, ~0ULL, 0 },
};

/* vCPU cpu's snapshot before the save, as it must be. */
static void check_snapshot_values(u32 cpu)
{
	u64 *val = snap_vals[0][cpu];
	char name[48];
	u32 i, n;

	for (i = 0; i < ARRAY_SIZE(snap_wants); i++) {
		const struct snap_want *w = &snap_wants[i];

		if (w->cpu != cpu)
			continue;
		n = snap_find(w->kind, w->off);
		if ((val[n] & w->mask) != w->val)
			vt_fail(__FILE__, __LINE__, "vCPU %u %s before the save: %#llx, want %#llx",
				cpu, snap_name(&snap_regs.reg[n], name, sizeof(name)),
				(unsigned long long)val[n], (unsigned long long)w->val);
	}
	if (cpu == 0) {
		n = snap_find(SNAP_ICC, SNAP_AP1R0);
		EXPECT_EQ(val[n], ap1r0_for_0x40(val[snap_find(SNAP_ICC, SNAP_CTLR)]));
	}
}

/* Each register the guest read before the save reads the same after the restore. */
static void check_snapshot_kept(struct vmm_vm *vm, u32 cpu)
{
	u32 i = cpu ? snap_regs.nr_dist : 0, bad = 0;
	char name[48];

	vmm_sync_from_guest(vm, snap_vals, sizeof(snap_vals));
	check_snapshot_values(cpu);
	for (; i < snap_regs.nr; i++) {
		if (snap_vals[0][cpu][i] == snap_vals[1][cpu][i])
			continue;
		vt_fail(__FILE__, __LINE__, "vCPU %u %s: %#llx before the save, %#llx after",
			cpu, snap_name(&snap_regs.reg[i], name, sizeof(name)),
			(unsigned long long)snap_vals[0][cpu][i],
			(unsigned long long)snap_vals[1][cpu][i]);
		bad++;
	}
	ASSERT_EQ(bad, 0);
}

/* What KVM_DEV_ARM_VGIC_GRP_*_REGS, _CPU_SYSREGS and _LEVEL_INFO give of a vCPU. */
struct cpu_gic_state {
	u32 waker, group, enable, pend, active, level;
	u32 prio[GIC_NR_PRIVATE / 4], cfg[2];
	u64 sre, ctlr, grpen0, grpen1, pmr, bpr0, bpr1, ap0r[4], ap1r[4];
};

/* ... and of the distributor (words of SPIs only: index 0 is unused). */
struct gic_state {
	u32 ctlr;
	u32 group[NR_WORDS], enable[NR_WORDS], pend[NR_WORDS], active[NR_WORDS];
	u32 level[NR_WORDS];
	u32 prio[NR_IRQS / 4], cfg[NR_IRQS / 16];
	u32 router[NR_IRQS][2];
	struct cpu_gic_state cpu[MAX_VCPUS];
};

static void save_cpu_gic(struct vgic *g, u32 id, struct cpu_gic_state *c)
{
	u32 i;

	c->waker = rd_get(g, id, GICR_WAKER);
	c->group = rd_get(g, id, SGI(GICR_IGROUPR0));
	c->enable = rd_get(g, id, SGI(GICR_ISENABLER0));
	c->pend = rd_get(g, id, SGI(GICR_ISPENDR0));
	c->active = rd_get(g, id, SGI(GICR_ISACTIVER0));
	for (i = 0; i < ARRAY_SIZE(c->prio); i++)
		c->prio[i] = rd_get(g, id, SGI(GICR_IPRIORITYR0 + 4 * i));
	c->cfg[0] = rd_get(g, id, SGI(GICR_ICFGR0));
	c->cfg[1] = rd_get(g, id, SGI(GICR_ICFGR1));
	c->level = level_get(g, id, 0);

	c->sre = icc_get(g, id, ICC_SRE);
	c->ctlr = icc_get(g, id, ICC_CTLR);
	c->grpen0 = icc_get(g, id, ICC_IGRPEN0);
	c->grpen1 = icc_get(g, id, ICC_IGRPEN1);
	c->pmr = icc_get(g, id, ICC_PMR);
	c->bpr0 = icc_get(g, id, ICC_BPR0);
	c->bpr1 = icc_get(g, id, ICC_BPR1);
	for (i = 0; i < nr_aprs(c->ctlr); i++) {
		c->ap0r[i] = icc_get(g, id, ICC_AP0R(i));
		c->ap1r[i] = icc_get(g, id, ICC_AP1R(i));
	}
}

static void save_gic(struct vgic *g, struct gic_state *s, u32 nr_vcpus)
{
	u32 i;

	s->ctlr = dist_get(g, GICD_CTLR);
	for (i = 1; i < NR_WORDS; i++) {
		s->group[i] = dist_get(g, GICD_IGROUPR + 4 * i);
		s->enable[i] = dist_get(g, GICD_ISENABLER + 4 * i);
		s->pend[i] = dist_get(g, GICD_ISPENDR + 4 * i);
		s->active[i] = dist_get(g, GICD_ISACTIVER + 4 * i);
		s->level[i] = level_get(g, 0, 32 * i);
	}
	for (i = GIC_NR_PRIVATE / 4; i < ARRAY_SIZE(s->prio); i++)
		s->prio[i] = dist_get(g, GICD_IPRIORITYR + 4 * i);
	for (i = GIC_NR_PRIVATE / 16; i < ARRAY_SIZE(s->cfg); i++)
		s->cfg[i] = dist_get(g, GICD_ICFGR + 4 * i);
	for (i = GIC_NR_PRIVATE; i < NR_IRQS; i++) {
		s->router[i][0] = dist_get(g, GICD_IROUTER + 8 * i);
		s->router[i][1] = dist_get(g, GICD_IROUTER + 8 * i + 4);
	}
	for (i = 0; i < nr_vcpus; i++)
		save_cpu_gic(g, i, &s->cpu[i]);
}

/* A register written as QEMU does: every bit cleared through its clear twin, then set. */
static void dist_clear_set(struct vgic *g, u32 clear_off, u32 set_off, u32 val)
{
	dist_set(g, clear_off, ~0U);
	dist_set(g, set_off, val);
}

static void rd_clear_set(struct vgic *g, u32 id, u32 clear_off, u32 set_off, u32 val)
{
	rd_set(g, id, clear_off, ~0U);
	rd_set(g, id, set_off, val);
}

/* QEMU's kvm_arm_gicv3_put(), redistributor part: config before pending. */
static void restore_redist(struct vgic *g, u32 id, const struct cpu_gic_state *c)
{
	u32 i;

	rd_set(g, id, GICR_WAKER, c->waker);
	rd_set(g, id, SGI(GICR_IGROUPR0), c->group);
	rd_clear_set(g, id, SGI(GICR_ICENABLER0), SGI(GICR_ISENABLER0), c->enable);
	rd_set(g, id, SGI(GICR_ICFGR1), c->cfg[1]);
	level_set(g, id, 0, c->level);
	rd_clear_set(g, id, SGI(GICR_ICPENDR0), SGI(GICR_ISPENDR0), c->pend);
	rd_clear_set(g, id, SGI(GICR_ICACTIVER0), SGI(GICR_ISACTIVER0), c->active);
	for (i = 0; i < ARRAY_SIZE(c->prio); i++)
		rd_set(g, id, SGI(GICR_IPRIORITYR0 + 4 * i), c->prio[i]);
}

/* ... distributor part. */
static void restore_dist(struct vgic *g, const struct gic_state *s)
{
	u32 i;

	for (i = 1; i < NR_WORDS; i++)
		dist_set(g, GICD_IGROUPR + 4 * i, s->group[i]);
	for (i = 1; i < NR_WORDS; i++)
		dist_clear_set(g, GICD_ICENABLER + 4 * i, GICD_ISENABLER + 4 * i, s->enable[i]);
	for (i = GIC_NR_PRIVATE / 16; i < ARRAY_SIZE(s->cfg); i++)
		dist_set(g, GICD_ICFGR + 4 * i, s->cfg[i]);
	for (i = 1; i < NR_WORDS; i++)
		level_set(g, 0, 32 * i, s->level[i]);
	for (i = 1; i < NR_WORDS; i++)
		dist_clear_set(g, GICD_ICPENDR + 4 * i, GICD_ISPENDR + 4 * i, s->pend[i]);
	for (i = 1; i < NR_WORDS; i++)
		dist_clear_set(g, GICD_ICACTIVER + 4 * i, GICD_ISACTIVER + 4 * i, s->active[i]);
	for (i = GIC_NR_PRIVATE / 4; i < ARRAY_SIZE(s->prio); i++)
		dist_set(g, GICD_IPRIORITYR + 4 * i, s->prio[i]);
	for (i = GIC_NR_PRIVATE; i < NR_IRQS; i++) {
		dist_set(g, GICD_IROUTER + 8 * i, s->router[i][0]);
		dist_set(g, GICD_IROUTER + 8 * i + 4, s->router[i][1]);
	}
}

/* ... CPU interface part. */
static void restore_cpu_if(struct vgic *g, u32 id, const struct cpu_gic_state *c)
{
	u32 i;

	icc_set(g, id, ICC_SRE, c->sre);
	icc_set(g, id, ICC_CTLR, c->ctlr);
	icc_set(g, id, ICC_IGRPEN0, c->grpen0);
	icc_set(g, id, ICC_IGRPEN1, c->grpen1);
	icc_set(g, id, ICC_PMR, c->pmr);
	icc_set(g, id, ICC_BPR0, c->bpr0);
	icc_set(g, id, ICC_BPR1, c->bpr1);
	for (i = 0; i < nr_aprs(c->ctlr); i++) {
		icc_set(g, id, ICC_AP0R(i), c->ap0r[i]);
		icc_set(g, id, ICC_AP1R(i), c->ap1r[i]);
	}
}

static void restore_gic(struct vgic *g, const struct gic_state *s, u32 nr_vcpus)
{
	u32 i;

	dist_set(g, GICD_CTLR, s->ctlr);
	for (i = 0; i < nr_vcpus; i++)
		restore_redist(g, i, &s->cpu[i]);
	restore_dist(g, s);
	for (i = 0; i < nr_vcpus; i++)
		restore_cpu_if(g, i, &s->cpu[i]);
}

/* Every ONE_REG of a vCPU (KVM_GET_REG_LIST). */
#define REG_MAX_BYTES	256

struct vcpu_regs {
	struct kvm_reg_list *list;
	u8 (*val)[REG_MAX_BYTES];
};

static u64 reg_bytes(u64 id)
{
	return 1ULL << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

static void save_regs(struct vmm_vcpu *vcpu, struct vcpu_regs *r)
{
	struct kvm_reg_list probe = { .n = 0 };
	u64 i;

	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe), E2BIG);
	r->list = calloc(1, sizeof(*r->list) + probe.n * sizeof(u64));
	r->val = calloc(probe.n, REG_MAX_BYTES);
	ASSERT_TRUE(r->list && r->val);
	r->list->n = probe.n;
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_REG_LIST, r->list));
	for (i = 0; i < r->list->n; i++) {
		struct kvm_one_reg reg = { .id = r->list->reg[i], .addr = (uintptr_t)r->val[i] };

		ASSERT_LE(reg_bytes(reg.id), REG_MAX_BYTES);
		ASSERT_OK(ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg));
	}
}

static void restore_regs(struct vmm_vcpu *vcpu, const struct vcpu_regs *r)
{
	u64 i;

	for (i = 0; i < r->list->n; i++) {
		struct kvm_one_reg reg = { .id = r->list->reg[i], .addr = (uintptr_t)r->val[i] };

		if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg)) {
			vt_fail(__FILE__, __LINE__, "KVM_SET_ONE_REG %#llx: %s",
				(unsigned long long)reg.id, strerrorname_np(errno) ?: "?");
			vt_abort();
		}
	}
}

/*
 * A vCPU stopped at a ucall is in the middle of an MMIO store: KVM_RUN
 * with immediate_exit completes it (PC past the store) without running,
 * as a migrating VMM does before it saves.
 */
static void complete_mmio(struct vmm_vcpu *vcpu)
{
	u64 pc = vmm_get_reg(vcpu, REG_PC);

	vcpu->run->immediate_exit = 1;
	ASSERT_EQ(vmm_run(vcpu), -EINTR);
	vcpu->run->immediate_exit = 0;
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PC), pc + 4);
}

struct saved_vm {
	struct gic_state gic;
	struct vcpu_regs regs[NR_VCPUS];
	u8 *ram;
	size_t ram_size;
};

/* VM A from its start to vCPU 0's save point, both vCPUs stopped at a ucall. */
static void run_to_save_point(struct gvm *a)
{
	struct ucall uc;

	snap_list_build(&snap_regs);
	vmm_sync_to_guest(a->vm, &snap_regs, sizeof(snap_regs));
	expect_sync(a->vcpu[1], SYNC_READY);
	expect_sync(a->vcpu[0], SYNC_READY);
	expect_sync(a->vcpu[1], SYNC_PARKED);
	vmm_spi_line(a->vm, LEVEL_SPI, 1);
	vmm_spi_line(a->vm, EDGE_SPI, 1);
	vmm_spi_line(a->vm, EDGE_SPI, 0);
	uc = expect_sync(a->vcpu[0], SYNC_SAVE);
	ASSERT_EQ(uc.args[1], LEVEL_SPI);
}

static void save_vm(struct gvm *a, struct saved_vm *s)
{
	u32 i;

	for (i = 0; i < NR_VCPUS; i++) {
		complete_mmio(a->vcpu[i]);
		save_regs(a->vcpu[i], &s->regs[i]);
	}
	s->ram_size = a->vm->ram_size;
	s->ram = malloc(s->ram_size);
	ASSERT_TRUE(s->ram);
	memcpy(s->ram, a->vm->ram, s->ram_size);
	save_gic(&a->g, &s->gic, NR_VCPUS);
}

/* The saved values that the restore must carry (the guest's own checks come later). */
static void check_saved(const struct saved_vm *s)
{
	const struct gic_state *g = &s->gic;
	const struct cpu_gic_state *c0 = &g->cpu[0], *c1 = &g->cpu[1];

	EXPECT_EQ(g->ctlr, GICD_CTLR_DS | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	EXPECT_EQ(g->active[1], IRQ_BIT(LEVEL_SPI));
	/* ISPENDR is the latch: LEVEL_SPI is pending by its line only. */
	EXPECT_EQ(g->pend[1], IRQ_BIT(EDGE_SPI) | IRQ_BIT(OFF_SPI));
	EXPECT_EQ(g->level[1], IRQ_BIT(LEVEL_SPI));
	EXPECT_EQ(g->level[2], 0);
	EXPECT_EQ(g->enable[1], IRQ_BIT(LEVEL_SPI) | IRQ_BIT(EDGE_SPI) | IRQ_BIT(VCPU1_SPI));
	EXPECT_EQ(g->group[1], ~IRQ_BIT(GROUP0_SPI));
	EXPECT_EQ(g->prio[LEVEL_SPI / 4], 0xa0208040);
	EXPECT_EQ(g->cfg[2], 0xaaa8aaaa);
	EXPECT_EQ(g->router[VCPU1_SPI][0], 1);
	EXPECT_EQ(g->router[VCPU1_SPI][1], 0);

	EXPECT_EQ(c0->waker, 0);	/* RAZ/WI in KVM */
	EXPECT_EQ(c0->group, ~IRQ_BIT(GROUP0_PPI));
	EXPECT_EQ(c0->pend, 0);
	EXPECT_EQ(c0->prio[PRIO_PPI / 4], 0xa0a0a030);
	EXPECT_EQ(c0->sre, ICC_SRE_KVM);
	EXPECT_EQ(c0->ctlr & (CTLR_CBPR | CTLR_EOIMODE), CTLR_EOIMODE);
	EXPECT_EQ(c0->pmr, VCPU0_PMR);
	EXPECT_EQ(c0->bpr0, VCPU0_BPR0);
	EXPECT_EQ(c0->bpr1, VCPU0_BPR1);
	EXPECT_EQ(c0->grpen0, 0);
	EXPECT_EQ(c0->grpen1, 1);
	EXPECT_EQ(c0->ap0r[0], 0);
	EXPECT_EQ(c0->ap1r[0], ap1r0_for_0x40(c0->ctlr));
	ASSERT_NE(c0->ap1r[0] | c0->ap1r[1], 0);

	EXPECT_EQ(c1->pend, IRQ_BIT(PARKED_SGI));
	EXPECT_EQ(c1->prio[0], 0x90a0a0a0);
	EXPECT_EQ(c1->prio[PRIO_PPI / 4], 0xa0a0a050);
	EXPECT_EQ(c1->pmr, VCPU1_PMR);
	EXPECT_EQ(c1->bpr0, VCPU1_BPR0);
	EXPECT_EQ(c1->bpr1, VCPU1_BPR1);
	EXPECT_EQ(c1->ap1r[0], 0);
	EXPECT_EQ(c1->ctlr, c0->ctlr & ~CTLR_EOIMODE);
}

static void check_same_words(const char *what, u32 cpu, const u32 *a, const u32 *b, u32 n,
			     u32 *bad)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (a[i] == b[i])
			continue;
		vt_fail(__FILE__, __LINE__, "%s[%u] (vCPU %u): saved %#x, read back %#x",
			what, i, cpu, a[i], b[i]);
		(*bad)++;
	}
}

#define CHECK_SAME(what, cpu, a, b, bad)						\
	check_same_words(what, cpu, (const u32 *)&(a), (const u32 *)&(b),		\
			 sizeof(a) / sizeof(u32), bad)

static void check_same_gic_state(const struct gic_state *a, const struct gic_state *b)
{
	u32 i, bad = 0;

	CHECK_SAME("GICD_CTLR", 0, a->ctlr, b->ctlr, &bad);
	CHECK_SAME("GICD_IGROUPR", 0, a->group, b->group, &bad);
	CHECK_SAME("GICD_ISENABLER", 0, a->enable, b->enable, &bad);
	CHECK_SAME("GICD_ISPENDR", 0, a->pend, b->pend, &bad);
	CHECK_SAME("GICD_ISACTIVER", 0, a->active, b->active, &bad);
	CHECK_SAME("LEVEL_INFO", 0, a->level, b->level, &bad);
	CHECK_SAME("GICD_IPRIORITYR", 0, a->prio, b->prio, &bad);
	CHECK_SAME("GICD_ICFGR", 0, a->cfg, b->cfg, &bad);
	CHECK_SAME("GICD_IROUTER (32-bit halves)", 0, a->router, b->router, &bad);
	for (i = 0; i < NR_VCPUS; i++)
		CHECK_SAME("redistributor and CPU interface (struct cpu_gic_state words)", i,
			   a->cpu[i], b->cpu[i], &bad);
	ASSERT_EQ(bad, 0);
}

static void close_gvm(struct gvm *v)
{
	u32 i;

	for (i = 0; i < v->nr; i++)
		vmm_vcpu_free(v->vcpu[i]);
	close(v->g.fd);
	vmm_vm_free(v->vm);
}

/* VM B: the same layout, fresh; the saved state put back. */
static void restore_vm(struct gvm *b, const struct saved_vm *s)
{
	struct gic_state back;
	u32 i;

	gvm_new(b, NR_VCPUS, guest_state, 0, true);
	ASSERT_EQ(b->vm->ram_size, s->ram_size);
	memcpy(b->vm->ram, s->ram, s->ram_size);
	for (i = 0; i < NR_VCPUS; i++)
		restore_regs(b->vcpu[i], &s->regs[i]);
	restore_gic(&b->g, &s->gic, NR_VCPUS);

	/* What is read back is what was saved. */
	memset(&back, 0, sizeof(back));
	save_gic(&b->g, &back, NR_VCPUS);
	check_same_gic_state(&s->gic, &back);
}

/* Runs VM B to the end: the guests check what they see, the host the logs. */
static void finish_in_vm_b(struct gvm *b)
{
	const u32 want0[] = { LEVEL_SPI, EDGE_SPI }, want1[] = { PARKED_SGI, VCPU1_SPI };

	expect_sync(b->vcpu[0], SYNC_SNAPPED);
	check_snapshot_kept(b->vm, 0);
	/* The device is satisfied; an edge for vCPU 1 from the new VM. */
	vmm_spi_line(b->vm, LEVEL_SPI, 0);
	vmm_spi_line(b->vm, VCPU1_SPI, 1);
	vmm_spi_line(b->vm, VCPU1_SPI, 0);
	vmm_run_to_done(b->vcpu[0]);
	expect_sync(b->vcpu[1], SYNC_SNAPPED);
	check_snapshot_kept(b->vm, 1);
	vmm_run_to_done(b->vcpu[1]);
	expect_log(b->vm, 0, ARRAY_SIZE(want0), want0);
	expect_log(b->vm, 1, ARRAY_SIZE(want1), want1);
}

/*
 * VM A: vCPU 0 is in its handler of LEVEL_SPI (active, line high),
 * EDGE_SPI pending behind it, OFF_SPI pending but disabled; vCPU 1 is
 * masked with PARKED_SGI pending. The host saves every ONE_REG, the RAM
 * and the GIC's state, closes VM A, builds VM B, restores, lowers
 * LEVEL_SPI's line and runs on.
 *
 * Every GET after the restore is first compared with the value saved
 * (check_same_gic_state()). Past that, vCPU 0's snapshot in VM B
 * (check_snapshot_kept()) names what a restore left out; each was
 * checked by leaving it out of restore_gic():
 *
 *  - ISACTIVER: GICD+0x304 (LEVEL_SPI no longer active);
 *  - ISPENDR, the latches: GICD+0x204 (EDGE_SPI, OFF_SPI), and vCPU 1's
 *    GICR SGI_base+0x200 (PARKED_SGI); the logs would miss them;
 *  - LEVEL_INFO: GICD+0x204 (LEVEL_SPI is pending by its line only);
 *  - ICFGR: GICD+0xc08, and GICD+0x204 (LEVEL_SPI turned edge);
 *  - the APRs: ICC_RPR_EL1 (0x40, idle 0xff without) and ICC_AP1R0_EL1;
 *  - ICC_PMR_EL1, ICC_BPR0_EL1/ICC_BPR1_EL1 (2 and 3 without: the
 *    hardware's minimum), ICC_CTLR_EL1 (EOImode), ICC_IGRPEN1_EL1;
 *  - IGROUPR: GICD+0x84 (GROUP0_SPI), GICR SGI_base+0x80 (GROUP0_PPI);
 *  - ISENABLER: GICD+0x104, GICR SGI_base+0x100;
 *  - IPRIORITYR: GICD+0x428, GICD+0x42c, GICR SGI_base+0x400..0x41c;
 *  - IROUTER: GICD_IROUTER43; vCPU 0 would take VCPU1_SPI (logs);
 *  - GICD_CTLR: GICD+0 (EnableGrp1; nothing would be delivered).
 */
TEST(gic_saved_mid_interrupt_and_restored_into_a_fresh_vm_goes_on_the_same)
{
	struct saved_vm saved;
	struct gvm a, b;

	memset(&saved, 0, sizeof(saved));
	gvm_new(&a, NR_VCPUS, guest_state, 0, true);
	run_to_save_point(&a);
	save_vm(&a, &saved);
	check_saved(&saved);
	close_gvm(&a);
	restore_vm(&b, &saved);
	finish_in_vm_b(&b);
}

/* ==== HAS_DEVICE_ATTR for what is saved ==== */

/* HAS says yes to every attribute the save and the restore above use, before CTRL_INIT too. */
TEST(has_device_attr_answers_every_register_saved_or_restored)
{
	struct gic_state st;
	struct gvm v;
	u32 i;

	gvm_new(&v, NR_VCPUS, guest_nothing, 0, false);
	v.g.has_only = true;
	memset(&st, 0, sizeof(st));
	save_gic(&v.g, &st, NR_VCPUS);
	restore_gic(&v.g, &st, NR_VCPUS);
	vmm_gic_init(v.g.fd);
	save_gic(&v.g, &st, NR_VCPUS);
	restore_gic(&v.g, &st, NR_VCPUS);
	/*
	 * HAS does not look at PRIbits: every APR index (GET of some is
	 * EINVAL: vgic_state_errors.c).
	 */
	for (i = 0; i < 4; i++) {
		ASSERT_OK(attr_has(v.g.fd, GRP_ICC, vcpu_attr(1) | ICC_AP0R(i)));
		ASSERT_OK(attr_has(v.g.fd, GRP_ICC, vcpu_attr(1) | ICC_AP1R(i)));
	}
}

/* ==== userspace's view of pending, active, enabled ==== */

#define LATCH_SPI_A	45
#define LATCH_SPI_B	46
#define LINE_SPI	47	/* level */
#define LATCH_SGI	5
#define LATCH_PPI	21

/*
 * Sets its SPIs up (all disabled, IRQs masked), latches some interrupts
 * pending if asked, then reports at each run what it reads: args[1]
 * GICD_ISPENDR1, args[2] GICD_ICPENDR1, args[3] GICR_ISPENDR0.
 */
static void guest_pending_view(u64 latch)
{
	gic_dist_init();
	gic_cpu_init();
	gic_irq_set_edge(LATCH_SPI_A, true);
	gic_irq_set_edge(LATCH_SPI_B, true);
	gic_irq_set_edge(LINE_SPI, false);
	if (latch) {
		gic_dist_write(GICD_ISPENDR + 4, IRQ_BIT(LATCH_SPI_A) | IRQ_BIT(LATCH_SPI_B));
		/* A guest's 0s in ISPENDR do nothing. */
		gic_dist_write(GICD_ISPENDR + 4, 0);
		sgi_frame_write(GICR_ISPENDR0, IRQ_BIT(LATCH_SGI) | IRQ_BIT(LATCH_PPI));
		sgi_frame_write(GICR_ISPENDR0, 0);
	}
	for (;;)
		ucall(UCALL_SYNC, SYNC_CHECK, gic_dist_read(GICD_ISPENDR + 4),
		      gic_dist_read(GICD_ICPENDR + 4), sgi_frame_read(GICR_ISPENDR0));
}

struct pending_view {
	u32 ispendr, icpendr, ispendr0;
};

static struct pending_view guest_view(struct vmm_vcpu *vcpu)
{
	struct ucall uc = expect_sync(vcpu, SYNC_CHECK);

	return (struct pending_view){ uc.args[1], uc.args[2], uc.args[3] };
}

#define LATCHED_SPIS	(IRQ_BIT(LATCH_SPI_A) | IRQ_BIT(LATCH_SPI_B))
#define LATCHED_PRIV	(IRQ_BIT(LATCH_SGI) | IRQ_BIT(LATCH_PPI))

TEST(ispendr_attribute_writes_the_latch_both_ways_unlike_a_guest)
{
	struct pending_view view;
	struct gvm v;

	gvm_new(&v, 1, guest_pending_view, 1, true);
	view = guest_view(v.vcpu[0]);
	ASSERT_EQ(view.ispendr, LATCHED_SPIS);
	ASSERT_EQ(view.ispendr0, LATCHED_PRIV);
	ASSERT_EQ(dist_get(&v.g, GICD_ISPENDR + 4), LATCHED_SPIS);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISPENDR0)), LATCHED_PRIV);
	/* A 0 clears: of each pair one stays. */
	dist_set(&v.g, GICD_ISPENDR + 4, IRQ_BIT(LATCH_SPI_B));
	rd_set(&v.g, 0, SGI(GICR_ISPENDR0), IRQ_BIT(LATCH_PPI));
	ASSERT_EQ(dist_get(&v.g, GICD_ISPENDR + 4), IRQ_BIT(LATCH_SPI_B));
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISPENDR0)), IRQ_BIT(LATCH_PPI));
	view = guest_view(v.vcpu[0]);
	ASSERT_EQ(view.ispendr, IRQ_BIT(LATCH_SPI_B));
	ASSERT_EQ(view.ispendr0, IRQ_BIT(LATCH_PPI));
	/* A 1 latches whatever the config: the level LINE_SPI too. */
	dist_set(&v.g, GICD_ISPENDR + 4, IRQ_BIT(LATCH_SPI_B) | IRQ_BIT(LINE_SPI));
	ASSERT_EQ(guest_view(v.vcpu[0]).ispendr, IRQ_BIT(LATCH_SPI_B) | IRQ_BIT(LINE_SPI));
}

TEST(icpendr_attribute_reads_0_and_ignores_writes)
{
	struct pending_view view;
	struct gvm v;

	gvm_new(&v, 1, guest_pending_view, 1, true);
	/* To the guest ICPENDR reads the pending state. */
	ASSERT_EQ(guest_view(v.vcpu[0]).icpendr, LATCHED_SPIS);
	ASSERT_EQ(dist_get(&v.g, GICD_ICPENDR + 4), 0);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ICPENDR0)), 0);
	dist_set(&v.g, GICD_ICPENDR + 4, ~0U);
	rd_set(&v.g, 0, SGI(GICR_ICPENDR0), ~0U);
	ASSERT_EQ(dist_get(&v.g, GICD_ISPENDR + 4), LATCHED_SPIS);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISPENDR0)), LATCHED_PRIV);
	view = guest_view(v.vcpu[0]);
	ASSERT_EQ(view.ispendr, LATCHED_SPIS);
	ASSERT_EQ(view.icpendr, LATCHED_SPIS);
	ASSERT_EQ(view.ispendr0, LATCHED_PRIV);
}

/* A line is no latch: LEVEL_INFO shows it, ISPENDR does not, the guest sees it pending. */
TEST(level_spi_with_its_line_high_reads_pending_to_the_guest_only)
{
	struct gvm v;

	gvm_new(&v, 1, guest_pending_view, 0, true);
	ASSERT_EQ(guest_view(v.vcpu[0]).ispendr, 0);
	vmm_spi_line(v.vm, LINE_SPI, 1);
	ASSERT_EQ(dist_get(&v.g, GICD_ISPENDR + 4), 0);
	ASSERT_EQ(level_get(&v.g, 0, 32), IRQ_BIT(LINE_SPI));
	ASSERT_EQ(guest_view(v.vcpu[0]).ispendr, IRQ_BIT(LINE_SPI));
	/* LEVEL_INFO writes the line: low, not pending; high again, pending. */
	level_set(&v.g, 0, 32, 0);
	ASSERT_EQ(level_get(&v.g, 0, 32), 0);
	ASSERT_EQ(guest_view(v.vcpu[0]).ispendr, 0);
	level_set(&v.g, 0, 32, IRQ_BIT(LINE_SPI));
	ASSERT_EQ(guest_view(v.vcpu[0]).ispendr, IRQ_BIT(LINE_SPI));
	/* An edge SPI's line latches; LEVEL_INFO reads level SPIs only. */
	vmm_spi_line(v.vm, LATCH_SPI_A, 1);
	ASSERT_EQ(level_get(&v.g, 0, 32), IRQ_BIT(LINE_SPI));
	ASSERT_EQ(dist_get(&v.g, GICD_ISPENDR + 4), IRQ_BIT(LATCH_SPI_A));
	/* A PPI's line: in its vCPU's LEVEL_INFO of INTID 0, not in ISPENDR0. */
	vmm_irq_line(v.vm, KVM_ARM_IRQ_TYPE_PPI, 0, LATCH_PPI, 1);
	ASSERT_EQ(level_get(&v.g, 0, 0), IRQ_BIT(LATCH_PPI));
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISPENDR0)), 0);
	ASSERT_EQ(guest_view(v.vcpu[0]).ispendr0, IRQ_BIT(LATCH_PPI));
}

/* As for a guest: 0s do nothing in ISACTIVER, ISENABLER; the IC twins clear, read the state. */
TEST(isactiver_and_isenabler_attributes_only_set_and_their_twins_clear)
{
	struct gvm v;

	gvm_new(&v, 1, guest_nothing, 0, true);
	dist_set(&v.g, GICD_ISACTIVER + 4, IRQ_BIT(LATCH_SPI_A));
	dist_set(&v.g, GICD_ISACTIVER + 4, 0);
	ASSERT_EQ(dist_get(&v.g, GICD_ISACTIVER + 4), IRQ_BIT(LATCH_SPI_A));
	ASSERT_EQ(dist_get(&v.g, GICD_ICACTIVER + 4), IRQ_BIT(LATCH_SPI_A));
	dist_set(&v.g, GICD_ICACTIVER + 4, ~0U);
	ASSERT_EQ(dist_get(&v.g, GICD_ISACTIVER + 4), 0);

	dist_set(&v.g, GICD_ISENABLER + 4, IRQ_BIT(LATCH_SPI_A));
	dist_set(&v.g, GICD_ISENABLER + 4, 0);
	ASSERT_EQ(dist_get(&v.g, GICD_ISENABLER + 4), IRQ_BIT(LATCH_SPI_A));
	ASSERT_EQ(dist_get(&v.g, GICD_ICENABLER + 4), IRQ_BIT(LATCH_SPI_A));
	dist_set(&v.g, GICD_ICENABLER + 4, ~0U);
	ASSERT_EQ(dist_get(&v.g, GICD_ISENABLER + 4), 0);

	rd_set(&v.g, 0, SGI(GICR_ISACTIVER0), IRQ_BIT(LATCH_PPI));
	rd_set(&v.g, 0, SGI(GICR_ISACTIVER0), 0);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ICACTIVER0)), IRQ_BIT(LATCH_PPI));
	rd_set(&v.g, 0, SGI(GICR_ICACTIVER0), ~0U);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISACTIVER0)), 0);
	rd_set(&v.g, 0, SGI(GICR_ICENABLER0), ~0U);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISENABLER0)), 0);
}
