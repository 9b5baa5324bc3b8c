// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel MMIO bus with devices that overlap, as a VMM may place them:
 * an ioeventfd over a vGIC distributor register, ioeventfds over each other,
 * a coalesced MMIO zone over the distributor. KVM's bus takes them all and
 * offers an access to the devices that hold it in its own order, until one
 * takes it: the first KVM_RUN works, and each guest access lands where it
 * lands on KVM (which device, or an exit). KVM ABI only: passes on the KVM
 * oracle too.
 */
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

/* 128 interrupts: the SPIs 32 to 127, GICD_ISENABLER1 to 3. */
#define NR_IRQS		128
#define ENABLER(n)	(GIC_DIST_BASE + GICD_ISENABLER + 4 * (n))
#define DM		KVM_IOEVENTFD_FLAG_DATAMATCH

/*
 * ISENABLER1 has an ioeventfd (DATAMATCH 1) from before the first run:
 * a write of 1 signals it and enables nothing, a write of 2 goes on to
 * the vGIC. The guest reads the register back.
 */
static void guest_enabler1(u64 unused)
{
	writel(1, ENABLER(1));
	writel(2, ENABLER(1));
	GUEST_SYNC(readl(ENABLER(1)));
	GUEST_DONE();
}

TEST(ioeventfd_on_a_distributor_register_before_the_first_run)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_enabler1, 0);
	int gic = vmm_gic_new(vm, NR_IRQS), efd = vmm_eventfd();

	vmm_gic_init(gic);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, ENABLER(1), 4, DM, 1), 0);
	/* The ioeventfd first, as KVM orders a device inside one registered later. */
	vmm_expect_sync(vcpu, 2);
	ASSERT_EQ(vmm_eventfd_take(efd), 1);
	vmm_run_to_done(vcpu);
}

/*
 * An ioeventfd assigned once the distributor is on the bus: the frame
 * comes first in KVM's order and takes every write to its register, so
 * the eventfd never fires. KVM's search misses the frame for an access
 * above the ioeventfd (ISENABLER3 here): that write exits to the VMM.
 */
static void guest_enabler2(u64 unused)
{
	writel(1, ENABLER(1));
	GUEST_SYNC(0);
	writel(1, ENABLER(2));
	writel(4, ENABLER(2));
	GUEST_SYNC(readl(ENABLER(2)));
	writel(8, ENABLER(3));
	GUEST_DONE();
}

TEST(ioeventfd_on_a_distributor_register_after_the_first_run)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_enabler2, 0);
	int gic = vmm_gic_new(vm, NR_IRQS), efd = vmm_eventfd();

	vmm_gic_init(gic);
	vmm_expect_sync(vcpu, 0);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, ENABLER(2), 4, DM, 1), 0);
	vmm_expect_sync(vcpu, 5);
	ASSERT_EQ(vmm_eventfd_take(efd), 0);
	vmm_expect_mmio_write(vcpu, ENABLER(3), 4, 8);
	vmm_run_to_done(vcpu);
}

/*
 * At the frame's base the shorter device comes first, whenever it came:
 * writes to GICD_CTLR signal the ioeventfd and leave EnableGrp1 clear;
 * reads go on to the vGIC.
 */
#define GRP1	(1U << 1)

static void guest_ctlr(u64 unused)
{
	GUEST_SYNC(readl(GIC_DIST_BASE + GICD_CTLR) & GRP1);
	writel(GRP1, GIC_DIST_BASE + GICD_CTLR);
	writel(GRP1, GIC_DIST_BASE + GICD_CTLR);
	GUEST_SYNC(readl(GIC_DIST_BASE + GICD_CTLR) & GRP1);
	GUEST_DONE();
}

TEST(ioeventfd_at_the_distributor_base_comes_first)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_ctlr, 0);
	int gic = vmm_gic_new(vm, NR_IRQS), efd = vmm_eventfd();

	vmm_gic_init(gic);
	vmm_expect_sync(vcpu, 0);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, GIC_DIST_BASE + GICD_CTLR, 4, 0, 0), 0);
	vmm_expect_sync(vcpu, 0);
	ASSERT_EQ(vmm_eventfd_take(efd), 2);
	vmm_run_to_done(vcpu);
}

/* Outside any vGIC: ioeventfds at one address and over each other. */
#define A	0x28000000ULL

static void guest_overlapping(u64 unused)
{
	writel(1, A);
	writel(2, A);
	writel(3, A);
	writeq(4, A);
	writel(5, A + 4);
	writew(6, A + 4);
	GUEST_DONE();
}

TEST(overlapping_ioeventfds_each_take_their_writes)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_overlapping, 0);
	int e1 = vmm_eventfd(), e2 = vmm_eventfd(), e8 = vmm_eventfd(), e4 = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, e1, A, 4, DM, 1), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, e2, A, 4, DM, 2), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, e8, A, 8, 0, 0), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, e4, A + 4, 4, 0, 0), 0);
	/* The same again, by another eventfd: KVM's EEXIST. */
	ASSERT_ERRNO(vmm_ioeventfd(vm, e4, A, 4, DM, 2), EEXIST);
	vmm_expect_mmio_write(vcpu, A, 4, 3);
	vmm_expect_mmio_write(vcpu, A + 4, 2, 6);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(vmm_eventfd_take(e1), 1);
	ASSERT_EQ(vmm_eventfd_take(e2), 1);
	ASSERT_EQ(vmm_eventfd_take(e8), 1);
	ASSERT_EQ(vmm_eventfd_take(e4), 1);
	/* Deassigned, it can come again; the others stayed. */
	ASSERT_EQ(vmm_ioeventfd(vm, e1, A, 4, DM | KVM_IOEVENTFD_FLAG_DEASSIGN, 1), 0);
	ASSERT_ERRNO(vmm_ioeventfd(vm, e1, A, 4, DM, 2), EEXIST);
	ASSERT_EQ(vmm_ioeventfd(vm, e1, A, 4, DM, 1), 0);
}

/*
 * A coalesced MMIO zone over ISENABLER1 from before the first run comes
 * first, as the ioeventfd does: the guest's write goes to the ring, not
 * to the vGIC, and the register reads 0.
 */
static void guest_zone(u64 unused)
{
	writel(3, ENABLER(1));
	GUEST_SYNC(readl(ENABLER(1)));
	GUEST_DONE();
}

TEST(coalesced_zone_over_a_distributor_register)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_zone, 0);
	struct kvm_coalesced_mmio_zone z = { .addr = ENABLER(1), .size = 4 };
	/* The ring: the vCPU mmap's second page. */
	struct kvm_coalesced_mmio_ring *ring = (void *)((char *)vcpu->run + getpagesize());
	int gic = vmm_gic_new(vm, NR_IRQS);

	ASSERT_EQ(vm->run_size, 2 * getpagesize());
	vmm_gic_init(gic);
	ASSERT_OK(ioctl(vm->fd, KVM_REGISTER_COALESCED_MMIO, &z));
	vmm_expect_sync(vcpu, 0);
	ASSERT_EQ(ring->first, 0);
	ASSERT_EQ(ring->last, 1);
	ASSERT_EQ(ring->coalesced_mmio[0].phys_addr, ENABLER(1));
	ASSERT_EQ(ring->coalesced_mmio[0].len, 4);
	ASSERT_EQ(ring->coalesced_mmio[0].data[0], 3);
	vmm_run_to_done(vcpu);
}
