// SPDX-License-Identifier: GPL-2.0
/*
 * The vGICv3's redistributor regions (KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION):
 * the refusals of KVM's own vgic_init selftest, reading regions back, a
 * vCPU without a frame (ENXIO on its first run) or without CTRL_INIT
 * (EBUSY), GICR_TYPER.Last, and guests that find their redistributor by
 * affinity in two regions.
 *
 * The GIC state tests are in vgic_state.c and vgic_state_errors.c; the
 * helpers they share in lib/gic_attr.h.
 *
 * KVM ABI only. The values asserted are what in-kernel KVM 6.12 gives on
 * QEMU's GICv3.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/gic_attr.h"
#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define IPA_END		(1ULL << 40)	/* KVM_CREATE_VM type 0: 40 bits of IPA */

/* KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: count 63:52, base 51:16, flags 15:12, index 11:0. */
#define REGION(count, base, flags, index)	\
	((u64)(count) << 52 | (u64)(base) | (u64)(flags) << 12 | (u64)(index))
#define REDIST_SIZE	0x20000ULL

static int set_addr(int gic, u64 type, u64 addr)
{
	return attr_put(gic, GRP_ADDR, type, addr);
}

static int ctrl_init(int gic)
{
	return vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

/* A vGICv3 device with nothing set (SKIPs without one, fails on the oracle). */
static int bare_gic(struct vmm_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	int err = vmm_gic_probe(vm);

	if (err) {
		ASSERT_FALSE(vmm_target_is_kvm());
		SKIP("no in-kernel vGICv3 (KVM_CREATE_DEVICE_TEST: %s)",
		     strerrorname_np(err) ?: "?");
	}
	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	return cd.fd;
}

/* The addresses of KVM's vgic_init selftest, moved into the guest's Device range. */
#define RD_AREA		0x20000000ULL

static int set_region(int gic, u64 val)
{
	return attr_put(gic, GRP_ADDR, ADDR_REGION, val);
}

static u64 get_region(int gic, u32 index)
{
	u64 val = index;

	ASSERT_OK(attr_get(gic, GRP_ADDR, ADDR_REGION, &val));
	return val;
}

/*
 * vgic_init.c's subtest_v3_redist_regions(): regions 0 (2 frames) and 1
 * (1 frame), and the refusals on the way.
 */
static void three_frames_in_two_regions(int gic)
{
	u64 val = 2;

	ASSERT_OK(attr_has(gic, GRP_ADDR, ADDR_REDIST));
	ASSERT_OK(attr_has(gic, GRP_ADDR, ADDR_REGION));
	/* Flags, a count of 0, a first index not 0, a base not 64 KB aligned. */
	ASSERT_ERRNO(set_region(gic, REGION(4, RD_AREA + 0x100000, 2, 0)), EINVAL);
	ASSERT_ERRNO(set_region(gic, REGION(0, RD_AREA + 0x100000, 0, 0)), EINVAL);
	ASSERT_ERRNO(set_region(gic, REGION(2, RD_AREA + 0x200000, 0, 1)), EINVAL);
	ASSERT_ERRNO(set_region(gic, REGION(2, RD_AREA + 0x201000, 0, 0)), EINVAL);
	ASSERT_OK(set_region(gic, REGION(2, RD_AREA + 0x200000, 0, 0)));
	/* Over region 0 (with the next index, or not); the next index only. */
	ASSERT_ERRNO(set_region(gic, REGION(2, RD_AREA + 0x200000, 0, 1)), EINVAL);
	ASSERT_ERRNO(set_region(gic, REGION(1, RD_AREA + 0x210000, 0, 2)), EINVAL);
	ASSERT_ERRNO(set_region(gic, REGION(1, RD_AREA + 0x240000, 0, 2)), EINVAL);
	ASSERT_ERRNO(set_region(gic, REGION(1, RD_AREA + 0x240000, 0, 0)), EINVAL);
	ASSERT_OK(set_region(gic, REGION(1, RD_AREA + 0x240000, 0, 1)));
	/* Its base or its end beyond the IPA space. */
	ASSERT_ERRNO(set_region(gic, REGION(1, IPA_END, 0, 2)), E2BIG);
	ASSERT_ERRNO(set_region(gic, REGION(2, IPA_END - 0x30000, 0, 2)), E2BIG);
	/* The legacy attribute, now that there are regions. */
	ASSERT_ERRNO(set_addr(gic, ADDR_REDIST, RD_AREA + 0x260000), EINVAL);

	/* Read back by the index alone. */
	ASSERT_EQ(get_region(gic, 0), REGION(2, RD_AREA + 0x200000, 0, 0));
	ASSERT_EQ(get_region(gic, 1), REGION(1, RD_AREA + 0x240000, 0, 1));
	ASSERT_ERRNO(attr_get(gic, GRP_ADDR, ADDR_REGION, &val), ENOENT);

	/* Where the distributor is, no region. */
	ASSERT_OK(set_addr(gic, ADDR_DIST, RD_AREA + 0x260000));
	ASSERT_ERRNO(set_region(gic, REGION(1, RD_AREA + 0x260000, 0, 2)), EINVAL);
}

/* A VM with a bare vGIC and vCPUs 0..nr-1 in fn. */
static int bare_gic_vm(struct vmm_vm **vm, struct vmm_vcpu **vcpu, u32 nr, void (*fn)(u64))
{
	int gic;
	u32 i;

	*vm = vmm_vm_new();
	gic = bare_gic(*vm);
	for (i = 0; i < nr; i++)
		vcpu[i] = vmm_vcpu_new(*vm, i, fn, 0);
	return gic;
}

TEST(redist_regions_refused_with_the_errnos_of_kvms_vgic_init_test_read_back)
{
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	struct vmm_vm *vm;
	int gic = bare_gic_vm(&vm, vcpu, MAX_VCPUS, guest_nothing);
	u64 val = 0;

	ASSERT_ERRNO(attr_get(gic, GRP_ADDR, ADDR_REGION, &val), ENOENT);
	ASSERT_EQ(attr_val(gic, GRP_ADDR, ADDR_REDIST), ~0ULL);	/* VGIC_ADDR_UNDEF */
	three_frames_in_two_regions(gic);
	/* The legacy attribute reads region 0's base. */
	ASSERT_EQ(attr_val(gic, GRP_ADDR, ADDR_REDIST), RD_AREA + 0x200000);
	/* The other fields of a read are not looked at. */
	val = REGION(7, 0x12340000, 3, 1);
	ASSERT_OK(attr_get(gic, GRP_ADDR, ADDR_REGION, &val));
	ASSERT_EQ(val, REGION(1, RD_AREA + 0x240000, 0, 1));
	/* Up to 4095 frames, up to the last byte of the IPA space. */
	ASSERT_OK(set_region(gic, REGION(1, IPA_END - REDIST_SIZE, 0, 2)));
	ASSERT_OK(set_region(gic, REGION(4095, RD_AREA + 0x1000000, 0, 3)));
	ASSERT_ERRNO(set_region(gic, REGION(1, RD_AREA + 0x800000, 0, 0xfff)), EINVAL);
}

/* vgic_init.c's test_v3_new_redist_regions(): 4 vCPUs, 3 frames. */
TEST(vcpu_without_a_redistributor_fails_its_first_run_with_enxio)
{
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	struct vmm_vm *vm;
	int gic = bare_gic_vm(&vm, vcpu, MAX_VCPUS, guest_nothing);

	three_frames_in_two_regions(gic);
	ASSERT_OK(ctrl_init(gic));
	ASSERT_EQ(vmm_run(vcpu[3]), -ENXIO);
	/* The VM is dead: every vCPU, the one with no frame and the others. */
	ASSERT_EQ(vmm_run(vcpu[3]), -EIO);
	ASSERT_EQ(vmm_run(vcpu[0]), -EIO);
}

TEST(redistributors_for_every_vcpu_but_no_ctrl_init_is_ebusy_on_run)
{
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	struct vmm_vm *vm;
	int gic = bare_gic_vm(&vm, vcpu, MAX_VCPUS, guest_nothing);

	three_frames_in_two_regions(gic);
	ASSERT_OK(set_region(gic, REGION(1, RD_AREA + 0x280000, 0, 2)));
	ASSERT_EQ(vmm_run(vcpu[3]), -EBUSY);
}

TEST(a_third_region_for_the_fourth_vcpu_lets_every_vcpu_run)
{
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	struct vmm_vm *vm;
	int gic = bare_gic_vm(&vm, vcpu, MAX_VCPUS, guest_nothing);
	u32 i;

	three_frames_in_two_regions(gic);
	ASSERT_ERRNO(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, GRP_ADDR, ADDR_REGION, NULL),
		     EFAULT);
	ASSERT_OK(set_region(gic, REGION(1, RD_AREA + 0x280000, 0, 2)));
	ASSERT_OK(ctrl_init(gic));
	for (i = MAX_VCPUS; i-- > 0;)
		vmm_run_to_done(vcpu[i]);
}

/* With regions set before the vCPUs, the overlap is found when a vCPU gets its frame. */
TEST(vcpu_whose_frame_would_hold_the_distributor_is_refused_einval)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = bare_gic(vm);

	ASSERT_OK(set_region(gic, REGION(2, RD_AREA + 0x100000, 0, 0)));
	ASSERT_OK(set_addr(gic, ADDR_DIST, RD_AREA + 0x110000));
	ASSERT_ERRNO(ioctl(vm->fd, KVM_CREATE_VCPU, 0), EINVAL);
	ASSERT_ERRNO(ioctl(vm->fd, KVM_CREATE_VCPU, 1), EINVAL);
}

/*
 * Last is set on the last frame in use of a region, unless another
 * region starts right where this one ends and has a vCPU.
 */
TEST(gicr_typer_last_is_set_at_the_end_of_each_run_of_frames)
{
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	struct vmm_vm *vm;
	struct vgic g = { .fd = bare_gic_vm(&vm, vcpu, MAX_VCPUS, guest_nothing) };

	ASSERT_OK(set_addr(g.fd, ADDR_DIST, GIC_DIST_BASE));
	ASSERT_OK(set_region(g.fd, REGION(2, 0x20100000, 0, 0)));	/* vCPUs 0, 1 */
	ASSERT_OK(set_region(g.fd, REGION(1, 0x20140000, 0, 1)));	/* 2, right after */
	ASSERT_OK(set_region(g.fd, REGION(2, 0x20600000, 0, 2)));	/* 3, a frame spare */
	ASSERT_OK(ctrl_init(g.fd));
	ASSERT_EQ(typer_of(&g, 0), want_typer(0, false));
	ASSERT_EQ(typer_of(&g, 1), want_typer(1, false));
	ASSERT_EQ(typer_of(&g, 2), want_typer(2, true));
	ASSERT_EQ(typer_of(&g, 3), want_typer(3, true));
}

/* A region may still come after CTRL_INIT, before the first run. */
TEST(gicr_typer_of_a_vcpu_without_a_frame_has_no_last_until_it_gets_one)
{
	struct vmm_vcpu *vcpu[2];
	struct vmm_vm *vm;
	struct vgic g = { .fd = bare_gic_vm(&vm, vcpu, 2, guest_nothing) };
	u64 val;

	ASSERT_OK(set_addr(g.fd, ADDR_DIST, GIC_DIST_BASE));
	ASSERT_OK(set_region(g.fd, REGION(1, 0x20100000, 0, 0)));
	ASSERT_ERRNO(attr_get(g.fd, GRP_REDIST, vcpu_attr(1) | GICR_TYPER, &val), EBUSY);
	ASSERT_OK(ctrl_init(g.fd));
	ASSERT_EQ(typer_of(&g, 0), want_typer(0, true));
	ASSERT_EQ(typer_of(&g, 1), want_typer(1, false));
	ASSERT_OK(set_region(g.fd, REGION(1, 0x20400000, 0, 1)));
	ASSERT_EQ(typer_of(&g, 1), want_typer(1, true));
	vmm_run_to_done(vcpu[1]);
	vmm_run_to_done(vcpu[0]);
}

/* Three vCPUs: 0 and 1 in region 0, 2 in region 1 with a frame no vCPU has. */
#define REGION0_BASE	0x20100000ULL
#define REGION1_BASE	0x20600000ULL
#define REGION_PPI	21

static const u64 region_bases[] = { REGION0_BASE, REGION1_BASE };

/* This vCPU's RD_base, by affinity: each region walked from its base up to GICR_TYPER.Last. */
static u64 find_redist(u64 *typer)
{
	u64 mpidr = read_sysreg(mpidr_el1), rd;
	u64 aff = (mpidr & 0xffffff) | (mpidr >> 32 & 0xff) << 24;
	u32 r;

	for (r = 0; r < ARRAY_SIZE(region_bases); r++) {
		for (rd = region_bases[r];; rd += GIC_REDIST_STRIDE) {
			*typer = readq(rd + GICR_TYPER);
			if (*typer >> 32 == aff)
				return rd;
			if (*typer & GICR_TYPER_LAST)
				break;
		}
	}
	GUEST_ASSERT(0);
	return 0;
}

/* gic_cpu_init() for the frames at rd; REGION_PPI and the watchdog's PPI enabled. */
static void redist_cpu_init(u64 rd)
{
	u64 sgi = rd + GIC_SGI_FRAME;

	writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP, rd + GICR_WAKER);
	gic_redist_private_init(rd);
	writel(IRQ_BIT(REGION_PPI) | IRQ_BIT(GIC_VTIMER_PPI), sgi + GICR_ISENABLER0);
	while (readl(rd + GICR_CTLR) & (1U << 3))		/* RWP */
		;
	guest_install_handler(VECTOR_IRQ_CUR, irq_handler);
	icc_write(SYS_ICC_SRE, icc_read(SYS_ICC_SRE) | ICC_SRE_SRE);
	icc_write(SYS_ICC_PMR, 0xff);
	icc_write(SYS_ICC_BPR1, 0);
	icc_write(SYS_ICC_CTLR, 0);
	icc_write(SYS_ICC_IGRPEN1, 1);
}

static void guest_two_regions(u64 unused)
{
	u64 typer, rd = find_redist(&typer);

	ucall(UCALL_SYNC, SYNC_FOUND, rd, typer, 0);
	if (gic_cpu_index() == 0)
		gic_dist_init();
	redist_cpu_init(rd);
	gic_my_log()->irq_ucall = 1;
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(1);
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(readl(rd + GIC_SGI_FRAME + GICR_ISPENDR0), 0);
}

TEST(guests_find_their_redistributor_by_affinity_in_two_regions)
{
	const u64 rd[] = { REGION0_BASE, REGION0_BASE + GIC_REDIST_STRIDE, REGION1_BASE };
	const u32 want[] = { REGION_PPI };
	struct vmm_vcpu *vcpu[3];
	struct vmm_vm *vm;
	struct vgic g = { .fd = bare_gic_vm(&vm, vcpu, 3, guest_two_regions) };
	struct ucall uc;
	u32 i, nr = NR_IRQS;

	ASSERT_OK(set_addr(g.fd, ADDR_DIST, GIC_DIST_BASE));
	ASSERT_OK(vmm_device_attr(g.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr));
	ASSERT_OK(set_region(g.fd, REGION(2, REGION0_BASE, 0, 0)));
	ASSERT_OK(set_region(g.fd, REGION(2, REGION1_BASE, 0, 1)));
	ASSERT_OK(ctrl_init(g.fd));
	for (i = 0; i < 3; i++) {
		uc = expect_sync(vcpu[i], SYNC_FOUND);
		ASSERT_EQ(uc.args[1], rd[i]);
		/* The last frame of each region in use is Last: vCPU 1's and vCPU 2's. */
		ASSERT_EQ(uc.args[2], want_typer(i, i > 0));
		ASSERT_EQ(typer_of(&g, i), uc.args[2]);
		expect_sync(vcpu[i], SYNC_READY);
		vmm_irq_line(vm, KVM_ARM_IRQ_TYPE_PPI, i, REGION_PPI, 1);
		uc = expect_sync(vcpu[i], GIC_UCALL_IRQ);
		ASSERT_EQ(uc.args[1], REGION_PPI);
		vmm_irq_line(vm, KVM_ARM_IRQ_TYPE_PPI, i, REGION_PPI, 0);
		vmm_run_to_done(vcpu[i]);
		expect_log(vm, i, 1, want);
	}
}
