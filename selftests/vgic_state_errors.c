// SPDX-License-Identifier: GPL-2.0
/*
 * What KVM answers a VMM's mistakes with the vGICv3 state groups
 * (KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS, _CPU_SYSREGS and
 * _LEVEL_INFO), errno by errno: EBUSY before CTRL_INIT and while a vCPU
 * is in KVM_RUN, EINVAL for a vCPU that does not exist, ENXIO from HAS
 * and ENOENT for what KVM does not keep, EFAULT for bad pointers; the
 * rules of the ICC registers, GICD_IIDR and LEVEL_INFO; and what a fresh
 * VM's GIC reads through the attributes.
 *
 * The save and restore of a running guest's GIC is in vgic_state.c, the
 * redistributor regions in vgic_regions.c; the helpers they share in
 * lib/gic_attr.h.
 *
 * KVM ABI only. The values asserted are what in-kernel KVM 6.12 gives on
 * QEMU's GICv3 (5 bits of virtual priority, one APR per group).
 */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/gic_attr.h"
#include "lib/test.h"
#include "lib/vmm.h"

/* KVM's GICD_IIDR: ProductID 0x4b, Revision (15:12) 3, Implementer ARM. */
#define KVM_IIDR(rev)	(0x4b00043bU | (rev) << 12)
#define GICR_CTLR_IR_CES	0x6	/* GICR_CTLR.{IR,CES}: KVM's revision 3 */

struct attr_ref {
	u32 grp;
	u64 attr;
};

/*
 * Before CTRL_INIT every state group is EBUSY, the distributor's too,
 * though HAS answers. A bad pointer is found first on SET (copied in
 * before the check) but not on GET (copied out after it); CPU_SYSREGS
 * copies inside, after the check.
 */
TEST(state_groups_before_ctrl_init_are_ebusy_though_has_answers)
{
	struct gvm v;
	u64 val;
	u32 i;
	const struct attr_ref refs[] = {
		{ GRP_DIST, GICD_CTLR },
		{ GRP_DIST, GICD_ISPENDR + 4 },
		{ GRP_REDIST, vcpu_attr(0) | GICR_TYPER },
		{ GRP_REDIST, vcpu_attr(0) | SGI(GICR_ISPENDR0) },
		{ GRP_ICC, vcpu_attr(0) | ICC_PMR },
		{ GRP_LEVEL, vcpu_attr(0) | LINE_LEVEL(32) },
	};

	gvm_new(&v, 1, guest_nothing, 0, false);
	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		ASSERT_ERRNO(attr_get(v.g.fd, refs[i].grp, refs[i].attr, &val), EBUSY);
		ASSERT_ERRNO(attr_put(v.g.fd, refs[i].grp, refs[i].attr, 0), EBUSY);
		ASSERT_OK(attr_has(v.g.fd, refs[i].grp, refs[i].attr));
		ASSERT_ERRNO(vmm_device_attr(v.g.fd, KVM_GET_DEVICE_ATTR, refs[i].grp, refs[i].attr,
					     NULL), EBUSY);
		ASSERT_ERRNO(vmm_device_attr(v.g.fd, KVM_SET_DEVICE_ATTR, refs[i].grp, refs[i].attr,
					     NULL), refs[i].grp == GRP_ICC ? EBUSY : EFAULT);
	}
	vmm_gic_init(v.g.fd);
	for (i = 0; i < ARRAY_SIZE(refs); i++)
		ASSERT_OK(attr_get(v.g.fd, refs[i].grp, refs[i].attr, &val));
}

/* DIST_REGS are read through vCPU 0: with no vCPU, EINVAL, even for HAS. */
TEST(state_groups_of_a_vm_without_vcpus_are_einval_but_level_info_has)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, NR_IRQS);
	u64 val;

	ASSERT_ERRNO(attr_get(gic, GRP_DIST, GICD_CTLR, &val), EINVAL);
	ASSERT_ERRNO(attr_put(gic, GRP_DIST, GICD_CTLR, 0), EINVAL);
	ASSERT_ERRNO(attr_has(gic, GRP_DIST, GICD_CTLR), EINVAL);
	ASSERT_ERRNO(attr_has(gic, GRP_REDIST, vcpu_attr(0) | GICR_TYPER), EINVAL);
	ASSERT_ERRNO(attr_has(gic, GRP_ICC, vcpu_attr(0) | ICC_PMR), EINVAL);
	ASSERT_ERRNO(attr_get(gic, GRP_LEVEL, vcpu_attr(0) | 32, &val), EINVAL);
	/* HAS of LEVEL_INFO looks at the info field only, never for a vCPU. */
	ASSERT_OK(attr_has(gic, GRP_LEVEL, vcpu_attr(0) | 32));
}

TEST(state_access_naming_no_vcpu_is_einval_but_dist_regs_ignore_the_mpidr)
{
	/* vCPU 2, vCPU 16 (Aff1 1), Aff2 1, Aff3 1: none of them exists. */
	const u64 nobody[] = { vcpu_attr(2), vcpu_attr(16), 1ULL << 48, 1ULL << 56 };
	const u64 lvl = LINE_LEVEL(32);
	struct gvm v;
	u64 val;
	u32 i;

	gvm_new(&v, 2, guest_nothing, 0, true);
	for (i = 0; i < ARRAY_SIZE(nobody); i++) {
		ASSERT_ERRNO(attr_get(v.g.fd, GRP_REDIST, nobody[i] | GICR_WAKER, &val), EINVAL);
		ASSERT_ERRNO(attr_put(v.g.fd, GRP_REDIST, nobody[i] | GICR_WAKER, 0), EINVAL);
		ASSERT_ERRNO(attr_has(v.g.fd, GRP_REDIST, nobody[i] | GICR_WAKER), EINVAL);
		ASSERT_ERRNO(attr_get(v.g.fd, GRP_ICC, nobody[i] | ICC_PMR, &val), EINVAL);
		ASSERT_ERRNO(attr_put(v.g.fd, GRP_ICC, nobody[i] | ICC_PMR, 0), EINVAL);
		ASSERT_ERRNO(attr_has(v.g.fd, GRP_ICC, nobody[i] | ICC_PMR), EINVAL);
		ASSERT_ERRNO(attr_get(v.g.fd, GRP_LEVEL, nobody[i] | lvl, &val), EINVAL);
		ASSERT_ERRNO(attr_put(v.g.fd, GRP_LEVEL, nobody[i] | lvl, 0), EINVAL);
		ASSERT_OK(attr_has(v.g.fd, GRP_LEVEL, nobody[i] | lvl));
		/* The vCPU is found before the pointer is looked at. */
		ASSERT_ERRNO(vmm_device_attr(v.g.fd, KVM_GET_DEVICE_ATTR, GRP_REDIST,
					     nobody[i] | GICR_WAKER, NULL), EINVAL);
		/* There is one distributor: the field is not looked at. */
		ASSERT_EQ(attr_val(v.g.fd, GRP_DIST, nobody[i] | GICD_TYPER),
			  attr_val(v.g.fd, GRP_DIST, GICD_TYPER));
	}
}

/* A hole, a misaligned offset, or past NR_IRQS: GET 0 and SET ignored, only HAS says ENXIO. */
static void check_no_register(int gic, u32 grp, u64 attr)
{
	u64 val = 0xdeadbeef;

	ASSERT_OK(attr_get(gic, grp, attr, &val));
	ASSERT_EQ(val, 0);
	ASSERT_OK(attr_put(gic, grp, attr, ~0ULL));
	ASSERT_ERRNO(attr_has(gic, grp, attr), ENXIO);
}

TEST(offsets_without_a_register_read_0_ignore_writes_and_has_is_enxio)
{
	const u32 dist[] = {
		GICD_SETSPI_NSR, GICD_NSACR, GICD_SGIR, 0x8000, GIC_DIST_SIZE,
		GICD_ISENABLER + 2,		/* misaligned */
		GICD_ISENABLER + NR_IRQS / 8,	/* INTIDs past NR_IRQS */
		GICD_IPRIORITYR + NR_IRQS, GICD_IROUTER + 8 * NR_IRQS,
	};
	const u32 redist[] = {
		GICR_SETLPIR, 0x1000, SGI(0x0800), 2 * GIC_SGI_FRAME,
		SGI(GICR_ISENABLER0) + 1,	/* misaligned */
	};
	struct gvm v;
	u32 i;

	gvm_new(&v, 1, guest_nothing, 0, true);
	for (i = 0; i < ARRAY_SIZE(dist); i++)
		check_no_register(v.g.fd, GRP_DIST, dist[i]);
	for (i = 0; i < ARRAY_SIZE(redist); i++)
		check_no_register(v.g.fd, GRP_REDIST, vcpu_attr(0) | redist[i]);
	/* The misaligned writes of ~0 enabled nothing. */
	ASSERT_EQ(dist_get(&v.g, GICD_ISENABLER + 4), 0);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_ISENABLER0)), 0xffff);
}

TEST(icc_encodings_kvm_does_not_keep_are_enoent_and_has_is_enxio)
{
	const u32 regs[] = {
		ICC_IAR1, ICC_EOIR1, ICC_RPR, ICC_SGI1R,
		ICC_ATTR(0, 12, 12, 2),		/* ICC_HPPIR1_EL1 */
		ICC_ATTR(6, 12, 12, 4),		/* ICC_CTLR_EL3 */
		SCTLR_EL1_ATTR,
	};
	struct gvm v;
	u64 val;
	u32 i;

	gvm_new(&v, 1, guest_nothing, 0, true);
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		u64 attr = vcpu_attr(0) | regs[i];

		ASSERT_ERRNO(attr_get(v.g.fd, GRP_ICC, attr, &val), ENOENT);
		ASSERT_ERRNO(attr_put(v.g.fd, GRP_ICC, attr, 0), ENOENT);
		ASSERT_ERRNO(attr_has(v.g.fd, GRP_ICC, attr), ENXIO);
		/* Looked up before the pointer is. */
		ASSERT_ERRNO(vmm_device_attr(v.g.fd, KVM_GET_DEVICE_ATTR, GRP_ICC, attr, NULL),
			     ENOENT);
	}
	/* Bits 31:16 of the attr are not looked at. */
	ASSERT_OK(attr_get(v.g.fd, GRP_ICC, vcpu_attr(0) | 0xabcd0000 | ICC_PMR, &val));
	ASSERT_OK(attr_has(v.g.fd, GRP_ICC, vcpu_attr(0) | 0xabcd0000 | ICC_PMR));
}

TEST(apr_index_beyond_the_priority_bits_is_einval_though_has_says_yes)
{
	struct gvm v;
	u64 ctlr, val;
	u32 n, i;

	gvm_new(&v, 1, guest_nothing, 0, true);
	ctlr = icc_get(&v.g, 0, ICC_CTLR);
	n = nr_aprs(ctlr);
	vt_note("ICC_CTLR_EL1 %#llx: %u priority bits, %u APR(s) per group",
		(unsigned long long)ctlr, (u32)CTLR_PRIBITS(ctlr) + 1, n);
	if (n == 4)
		SKIP("7 priority bits or more: every APR exists");
	for (i = 0; i < n; i++) {
		ASSERT_OK(attr_get(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP0R(i), &val));
		ASSERT_OK(attr_get(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP1R(i), &val));
	}
	for (i = n; i < 4; i++) {
		ASSERT_ERRNO(attr_get(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP0R(i), &val), EINVAL);
		ASSERT_ERRNO(attr_put(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP0R(i), 0), EINVAL);
		ASSERT_OK(attr_has(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP0R(i)));
		ASSERT_ERRNO(attr_get(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP1R(i), &val), EINVAL);
		ASSERT_ERRNO(attr_put(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP1R(i), 0), EINVAL);
		ASSERT_OK(attr_has(v.g.fd, GRP_ICC, vcpu_attr(0) | ICC_AP1R(i)));
	}
}

/* PRIbits, IDbits above the hardware's, SEIS or A3V not the hardware's: EINVAL. */
TEST(icc_ctlr_write_beyond_the_hardware_is_einval_other_bits_ignored)
{
	const u32 attr = ICC_CTLR;
	struct gvm v;
	u64 ctlr;
	int fd;

	gvm_new(&v, 1, guest_nothing, 0, true);
	fd = v.g.fd;
	ctlr = icc_get(&v.g, 0, attr);
	ASSERT_EQ(ctlr & (CTLR_CBPR | CTLR_EOIMODE), 0);
	ASSERT_LT(CTLR_IDBITS(ctlr), 2);
	if (CTLR_PRIBITS(ctlr) < 7)
		ASSERT_ERRNO(attr_put(fd, GRP_ICC, attr, (ctlr & ~CTLR_PRIBITS_MASK) |
				      (CTLR_PRIBITS(ctlr) + 1) << 8), EINVAL);
	ASSERT_ERRNO(attr_put(fd, GRP_ICC, attr, (ctlr & ~CTLR_IDBITS_MASK) |
			      (CTLR_IDBITS(ctlr) + 1) << 11), EINVAL);
	ASSERT_ERRNO(attr_put(fd, GRP_ICC, attr, ctlr ^ CTLR_SEIS), EINVAL);
	ASSERT_ERRNO(attr_put(fd, GRP_ICC, attr, ctlr ^ CTLR_A3V), EINVAL);
	ASSERT_EQ(icc_get(&v.g, 0, attr), ctlr);
	/* PMHE, RSS, ExtRange and bits 63:32 are not kept. */
	ASSERT_OK(attr_put(fd, GRP_ICC, attr, ctlr | CTLR_PMHE));
	ASSERT_OK(attr_put(fd, GRP_ICC, attr, ctlr ^ CTLR_RSS));
	ASSERT_OK(attr_put(fd, GRP_ICC, attr, ctlr ^ CTLR_EXTRANGE));
	ASSERT_OK(attr_put(fd, GRP_ICC, attr, ctlr | 0xffff00000000ULL));
	ASSERT_EQ(icc_get(&v.g, 0, attr), ctlr);
	/* CBPR and EOImode are. */
	ASSERT_OK(attr_put(fd, GRP_ICC, attr, ctlr | CTLR_CBPR | CTLR_EOIMODE));
	ASSERT_EQ(icc_get(&v.g, 0, attr), ctlr | CTLR_CBPR | CTLR_EOIMODE);
}

/* Fewer priority or ID bits are taken, and narrow that vCPU for good. */
TEST(icc_ctlr_with_fewer_priority_or_id_bits_narrows_the_vcpu_for_good)
{
	struct gvm v;
	u64 ctlr, fewer;
	int fd;

	gvm_new(&v, 2, guest_nothing, 0, true);
	fd = v.g.fd;
	ctlr = icc_get(&v.g, 0, ICC_CTLR);
	fewer = (ctlr & ~CTLR_PRIBITS_MASK) | (CTLR_PRIBITS(ctlr) - 1) << 8;
	ASSERT_OK(attr_put(fd, GRP_ICC, vcpu_attr(0) | ICC_CTLR, fewer));
	ASSERT_EQ(icc_get(&v.g, 0, ICC_CTLR), fewer);
	ASSERT_ERRNO(attr_put(fd, GRP_ICC, vcpu_attr(0) | ICC_CTLR, ctlr), EINVAL);
	/* vCPU 1 is not narrowed by vCPU 0's. */
	ASSERT_EQ(icc_get(&v.g, 1, ICC_CTLR), ctlr);
	if (CTLR_IDBITS(ctlr) == 1) {
		fewer = ctlr & ~CTLR_IDBITS_MASK;
		ASSERT_OK(attr_put(fd, GRP_ICC, vcpu_attr(1) | ICC_CTLR, fewer));
		ASSERT_EQ(icc_get(&v.g, 1, ICC_CTLR), fewer);
		ASSERT_ERRNO(attr_put(fd, GRP_ICC, vcpu_attr(1) | ICC_CTLR, ctlr), EINVAL);
	}
}

TEST(icc_sre_write_without_sre_is_einval_and_it_always_reads_7)
{
	struct gvm v;
	int fd;

	gvm_new(&v, 1, guest_nothing, 0, true);
	fd = v.g.fd;
	ASSERT_EQ(icc_get(&v.g, 0, ICC_SRE), ICC_SRE_KVM);
	ASSERT_ERRNO(attr_put(fd, GRP_ICC, vcpu_attr(0) | ICC_SRE, 0), EINVAL);
	ASSERT_ERRNO(attr_put(fd, GRP_ICC, vcpu_attr(0) | ICC_SRE, 6), EINVAL);
	ASSERT_OK(attr_put(fd, GRP_ICC, vcpu_attr(0) | ICC_SRE, ICC_SRE_SRE));
	ASSERT_EQ(icc_get(&v.g, 0, ICC_SRE), ICC_SRE_KVM);
}

static void guest_sync_once(u64 unused)
{
	GUEST_SYNC(SYNC_READY);
}

/*
 * A new vCPU's CPU interface reads 0 but SRE and CTLR's read-only fields;
 * once it ran, the binary points are what the hardware made of the zero
 * VMCR: its minimum (QEMU's GICv3, 5 preemption bits: BPR0 2, BPR1 3).
 */
TEST(cpu_sysregs_of_a_new_vcpu_are_0_and_its_binary_points_settle_once_run)
{
	const u32 zero[] = {
		ICC_PMR, ICC_BPR0, ICC_BPR1, ICC_IGRPEN0, ICC_IGRPEN1, ICC_AP0R(0), ICC_AP1R(0),
	};
	struct gvm v;
	u32 i, id;

	gvm_new(&v, 2, guest_sync_once, 0, true);
	for (id = 0; id < 2; id++) {
		for (i = 0; i < ARRAY_SIZE(zero); i++)
			ASSERT_EQ(icc_get(&v.g, id, zero[i]), 0);
		ASSERT_EQ(icc_get(&v.g, id, ICC_SRE), ICC_SRE_KVM);
		ASSERT_EQ(icc_get(&v.g, id, ICC_CTLR) & (CTLR_CBPR | CTLR_EOIMODE), 0);
	}
	expect_sync(v.vcpu[0], SYNC_READY);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR0), 2);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR1), 3);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_PMR), 0);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_IGRPEN1), 0);
	/* vCPU 1 did not run. */
	ASSERT_EQ(icc_get(&v.g, 1, ICC_BPR0), 0);
	ASSERT_EQ(icc_get(&v.g, 1, ICC_BPR1), 0);
}

/* Kept as written within each register's field; not narrowed to the priority bits nor clamped. */
TEST(cpu_sysregs_keep_what_is_written_within_their_fields)
{
	struct gvm v;

	gvm_new(&v, 1, guest_nothing, 0, true);
	icc_set(&v.g, 0, ICC_PMR, 0x1ff);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_PMR), 0xff);
	icc_set(&v.g, 0, ICC_PMR, 0xf5);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_PMR), 0xf5);
	icc_set(&v.g, 0, ICC_BPR0, 7);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR0), 7);
	icc_set(&v.g, 0, ICC_BPR1, 1);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR1), 1);
	icc_set(&v.g, 0, ICC_IGRPEN0, 3);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_IGRPEN0), 1);
	icc_set(&v.g, 0, ICC_IGRPEN1, 3);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_IGRPEN1), 1);
	icc_set(&v.g, 0, ICC_AP0R(0), 0xffffffffffffULL);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_AP0R(0)), 0xffffffff);
	icc_set(&v.g, 0, ICC_AP1R(0), 0x123456789ULL);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_AP1R(0)), 0x23456789);
	/* With CBPR, BPR1 reads BPR0 + 1 (at most 7) and ignores writes. */
	icc_set(&v.g, 0, ICC_BPR0, 3);
	icc_set(&v.g, 0, ICC_CTLR, icc_get(&v.g, 0, ICC_CTLR) | CTLR_CBPR);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR1), 4);
	icc_set(&v.g, 0, ICC_BPR1, 6);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR1), 4);
	icc_set(&v.g, 0, ICC_CTLR, icc_get(&v.g, 0, ICC_CTLR) & ~CTLR_CBPR);
	ASSERT_EQ(icc_get(&v.g, 0, ICC_BPR1), 1);
}

TEST(level_info_with_a_vintid_not_a_multiple_of_32_or_another_info_is_einval)
{
	const u32 intids[] = { 1, 16, 33, 48, 95 }, infos[] = { 1, 2, 0x3fffff };
	struct gvm v;
	u64 val;
	u32 i;
	int fd;

	gvm_new(&v, 1, guest_nothing, 0, true);
	fd = v.g.fd;
	for (i = 0; i < ARRAY_SIZE(intids); i++) {
		u64 attr = vcpu_attr(0) | LINE_LEVEL(intids[i]);

		ASSERT_ERRNO(attr_get(fd, GRP_LEVEL, attr, &val), EINVAL);
		ASSERT_ERRNO(attr_put(fd, GRP_LEVEL, attr, 0), EINVAL);
		/* HAS looks at the info field only. */
		ASSERT_OK(attr_has(fd, GRP_LEVEL, attr));
	}
	for (i = 0; i < ARRAY_SIZE(infos); i++) {
		u64 attr = vcpu_attr(0) | LEVEL_ATTR(infos[i], 32);

		ASSERT_ERRNO(attr_get(fd, GRP_LEVEL, attr, &val), EINVAL);
		ASSERT_ERRNO(attr_put(fd, GRP_LEVEL, attr, 0), EINVAL);
		ASSERT_ERRNO(attr_has(fd, GRP_LEVEL, attr), ENXIO);
	}
	/* Past NR_IRQS: reads 0, writes go nowhere. SGIs: RAZ/WI. */
	val = 0xdeadbeef;
	ASSERT_OK(attr_get(fd, GRP_LEVEL, vcpu_attr(0) | 992, &val));
	ASSERT_EQ(val, 0);
	ASSERT_OK(attr_put(fd, GRP_LEVEL, vcpu_attr(0) | 992, ~0ULL));
	level_set(&v.g, 0, 0, ~0U);
	ASSERT_EQ(level_get(&v.g, 0, 0), 0xffff0000);
}

/* Only the Revision (2 or 3) may change; Revision 2 has no GICR_CTLR.{IR,CES}. */
TEST(gicd_iidr_write_may_change_only_the_revision_to_2_or_3)
{
	const u32 bad[] = {
		KVM_IIDR(0), KVM_IIDR(1), KVM_IIDR(4), KVM_IIDR(15),
		KVM_IIDR(3) + (1U << 24),	/* ProductID */
		KVM_IIDR(3) | 1U << 16,		/* Variant */
		KVM_IIDR(3) + 1,		/* Implementer */
	};
	struct gvm v;
	u32 i, typer;
	int fd;

	gvm_new(&v, 1, guest_nothing, 0, true);
	fd = v.g.fd;
	ASSERT_EQ(dist_get(&v.g, GICD_IIDR), KVM_IIDR(3));
	ASSERT_EQ(rd_get(&v.g, 0, GICR_CTLR), GICR_CTLR_IR_CES);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_ERRNO(attr_put(fd, GRP_DIST, GICD_IIDR, bad[i]), EINVAL);
	ASSERT_OK(attr_put(fd, GRP_DIST, GICD_IIDR, KVM_IIDR(3)));
	ASSERT_OK(attr_put(fd, GRP_DIST, GICD_IIDR, KVM_IIDR(2)));
	ASSERT_EQ(dist_get(&v.g, GICD_IIDR), KVM_IIDR(2));
	ASSERT_EQ(rd_get(&v.g, 0, GICR_CTLR), 0);
	ASSERT_OK(attr_put(fd, GRP_DIST, GICD_IIDR, KVM_IIDR(3)));
	ASSERT_EQ(rd_get(&v.g, 0, GICR_CTLR), GICR_CTLR_IR_CES);
	/* GICD_TYPER2 must be written as it reads; GICD_TYPER writes are ignored. */
	ASSERT_EQ(dist_get(&v.g, GICD_TYPER2), 0);
	ASSERT_ERRNO(attr_put(fd, GRP_DIST, GICD_TYPER2, 1), EINVAL);
	ASSERT_OK(attr_put(fd, GRP_DIST, GICD_TYPER2, 0));
	typer = dist_get(&v.g, GICD_TYPER);
	ASSERT_OK(attr_put(fd, GRP_DIST, GICD_TYPER, 0));
	ASSERT_EQ(dist_get(&v.g, GICD_TYPER), typer);
}

TEST(bad_user_pointers_are_efault)
{
	const struct attr_ref refs[] = {
		{ GRP_DIST, GICD_CTLR },
		{ GRP_REDIST, vcpu_attr(0) | GICR_WAKER },
		{ GRP_ICC, vcpu_attr(0) | ICC_PMR },
		{ GRP_LEVEL, vcpu_attr(0) | LINE_LEVEL(32) },
		{ GRP_ADDR, ADDR_REGION },
		{ GRP_ADDR, ADDR_DIST },
	};
	struct gvm v;
	u32 i;

	gvm_new(&v, 1, guest_nothing, 0, true);
	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		ASSERT_ERRNO(vmm_device_attr(v.g.fd, KVM_GET_DEVICE_ATTR, refs[i].grp, refs[i].attr,
					     NULL), EFAULT);
		ASSERT_ERRNO(vmm_device_attr(v.g.fd, KVM_SET_DEVICE_ATTR, refs[i].grp, refs[i].attr,
					     NULL), EFAULT);
	}
}

static u32 wfi_guest_running;

static void guest_wfi_forever(u64 unused)
{
	__atomic_store_n(&wfi_guest_running, 1, __ATOMIC_RELEASE);
	/* IRQs masked, no timer: nothing ends it but a signal to its thread. */
	for (;;)
		asm volatile("wfi" : : : "memory");
}

static void on_sigusr1(int sig)
{
}

static void *run_until_signalled(void *arg)
{
	return (void *)(long)vmm_run(arg);
}

/*
 * Every vCPU's mutex is taken for a state access: while one vCPU's thread
 * is in KVM_RUN (here blocked in the guest's WFI), the state of any vCPU
 * is EBUSY. HAS and the other groups still answer.
 */
TEST(state_access_while_a_vcpu_is_in_kvm_run_is_ebusy)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	const struct attr_ref refs[] = {
		{ GRP_DIST, GICD_CTLR },
		{ GRP_REDIST, vcpu_attr(0) | GICR_WAKER },
		{ GRP_REDIST, vcpu_attr(1) | GICR_WAKER },
		{ GRP_ICC, vcpu_attr(1) | ICC_PMR },
		{ GRP_LEVEL, vcpu_attr(1) | LINE_LEVEL(32) },
	};
	u32 *running;
	struct gvm v;
	pthread_t thread;
	void *ret;
	u64 val;
	u32 i;

	gvm_new(&v, 2, guest_wfi_forever, 0, true);
	running = vmm_gpa(v.vm, (uintptr_t)&wfi_guest_running);
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(pthread_create(&thread, NULL, run_until_signalled, v.vcpu[0]), 0);
	for (i = 0; i < 10000 && !__atomic_load_n(running, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	ASSERT_EQ(__atomic_load_n(running, __ATOMIC_ACQUIRE), 1);
	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		ASSERT_ERRNO(attr_get(v.g.fd, refs[i].grp, refs[i].attr, &val), EBUSY);
		ASSERT_ERRNO(attr_put(v.g.fd, refs[i].grp, refs[i].attr, 0), EBUSY);
		ASSERT_OK(attr_has(v.g.fd, refs[i].grp, refs[i].attr));
	}
	ASSERT_EQ(attr_val(v.g.fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0) & 0xffffffff, NR_IRQS);
	ASSERT_EQ(attr_val(v.g.fd, GRP_ADDR, ADDR_DIST), GIC_DIST_BASE);
	ASSERT_EQ(pthread_kill(thread, SIGUSR1), 0);
	ASSERT_EQ(pthread_join(thread, &ret), 0);
	ASSERT_EQ((long)ret, -EINTR);
	ASSERT_EQ(v.vcpu[0]->run->exit_reason, KVM_EXIT_INTR);
	ASSERT_EQ(dist_get(&v.g, GICD_CTLR), GICD_CTLR_DS | GICD_CTLR_ARE_NS);
}

/* What a fresh VM's GIC reads through the attributes, and which writes are ignored. */
TEST(identification_and_reset_values_through_the_attributes)
{
	struct gvm v;

	gvm_new(&v, 2, guest_nothing, 0, true);
	ASSERT_EQ(dist_get(&v.g, GICD_CTLR), GICD_CTLR_DS | GICD_CTLR_ARE_NS);
	dist_set(&v.g, GICD_CTLR, ~0U);		/* only EnableGrp1 is kept */
	ASSERT_EQ(dist_get(&v.g, GICD_CTLR),
		  GICD_CTLR_DS | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	ASSERT_EQ(dist_get(&v.g, GICD_TYPER), (10 - 1) << 19 | (NR_IRQS / 32 - 1));
	ASSERT_EQ(dist_get(&v.g, GICD_PIDR2), 0x3b);
	ASSERT_EQ(dist_get(&v.g, GICD_STATUSR), ~0U);		/* RAO/WI */
	dist_set(&v.g, GICD_STATUSR, 0);
	ASSERT_EQ(dist_get(&v.g, GICD_STATUSR), ~0U);
	ASSERT_EQ(dist_get(&v.g, GICD_IGRPMODR + 4), 0);
	/* At reset SPIs are Group 1, edge, priority 0; 5 priority bits. */
	ASSERT_EQ(dist_get(&v.g, GICD_IGROUPR + 4), ~0U);
	ASSERT_EQ(dist_get(&v.g, GICD_ICFGR + 8), 0xaaaaaaaa);
	ASSERT_EQ(dist_get(&v.g, GICD_IPRIORITYR + 32), 0);
	dist_set(&v.g, GICD_IPRIORITYR + 32, ~0U);
	ASSERT_EQ(dist_get(&v.g, GICD_IPRIORITYR + 32), 0xf8f8f8f8);
	/* The private interrupts' words of the distributor: RAZ/WI. */
	dist_set(&v.g, GICD_IGROUPR, 0);
	ASSERT_EQ(dist_get(&v.g, GICD_IGROUPR), 0);
	ASSERT_EQ(rd_get(&v.g, 0, SGI(GICR_IGROUPR0)), ~0U);
	/* IROUTER: Aff2..Aff0 only, the upper half RAZ/WI. */
	dist_set(&v.g, GICD_IROUTER + 8 * 40, 0xff000001);
	dist_set(&v.g, GICD_IROUTER + 8 * 40 + 4, 5);
	ASSERT_EQ(dist_get(&v.g, GICD_IROUTER + 8 * 40), 1);
	ASSERT_EQ(dist_get(&v.g, GICD_IROUTER + 8 * 40 + 4), 0);
	dist_set(&v.g, GICD_IROUTER + 8 * 40, 0x80000000);	/* IRM */
	ASSERT_EQ(dist_get(&v.g, GICD_IROUTER + 8 * 40), 0);

	ASSERT_EQ(rd_get(&v.g, 0, GICR_CTLR), GICR_CTLR_IR_CES);
	ASSERT_EQ(rd_get(&v.g, 0, GICR_IIDR), 0x4b00043b);
	ASSERT_EQ(rd_get(&v.g, 0, GICR_PIDR2), 0x3b);
	ASSERT_EQ(rd_get(&v.g, 0, GICR_STATUSR), 0);
	ASSERT_EQ(typer_of(&v.g, 0), want_typer(0, false));
	ASSERT_EQ(typer_of(&v.g, 1), want_typer(1, true));
	rd_set(&v.g, 1, GICR_TYPER, 0);
	ASSERT_EQ(typer_of(&v.g, 1), want_typer(1, true));
	/* GICR_WAKER: RAZ/WI. */
	ASSERT_EQ(rd_get(&v.g, 0, GICR_WAKER), 0);
	rd_set(&v.g, 0, GICR_WAKER, GICR_WAKER_PROCESSOR_SLEEP);
	ASSERT_EQ(rd_get(&v.g, 0, GICR_WAKER), 0);
	/* SGIs enabled at reset, edge; PPIs level; both read-only. */
	ASSERT_EQ(rd_get(&v.g, 1, SGI(GICR_ISENABLER0)), 0xffff);
	ASSERT_EQ(rd_get(&v.g, 1, SGI(GICR_ICFGR0)), 0xaaaaaaaa);
	ASSERT_EQ(rd_get(&v.g, 1, SGI(GICR_ICFGR1)), 0);
	rd_set(&v.g, 1, SGI(GICR_ICFGR0), 0);
	rd_set(&v.g, 1, SGI(GICR_ICFGR1), ~0U);
	ASSERT_EQ(rd_get(&v.g, 1, SGI(GICR_ICFGR0)), 0xaaaaaaaa);
	ASSERT_EQ(rd_get(&v.g, 1, SGI(GICR_ICFGR1)), 0);
}
