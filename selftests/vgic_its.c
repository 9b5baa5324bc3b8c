// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv3 ITS (KVM_DEV_TYPE_ARM_VGIC_ITS) and LPIs, from a bare-metal
 * guest: it gives its redistributor a configuration and a pending table,
 * enables LPIs, gives the ITS its device and collection tables and a
 * command queue, and maps (DeviceID 1, EventID 2) to LPI 8192 on
 * collection 0 (vCPU 0) with MAPD, MAPC, MAPTI. Then MSIs arrive by
 * KVM_SIGNAL_MSI and by an irqfd on an MSI route; an unmapped event is
 * blocked (KVM_SIGNAL_MSI returns 0); a guest write to GITS_TRANSLATER
 * delivers nothing, as on KVM (it carries no DeviceID); DISCARD stops
 * delivery. And the device attributes' errnos.
 *
 * KVM ABI only. Skips without an in-kernel vGICv3.
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define ITS_BASE		0x20040000ULL	/* 128 KB, between the GIC's frames */
#define GITS_CTLR		0x0000
#define GITS_TYPER		0x0008
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER0		0x0100
#define GITS_BASER1		0x0108
#define GITS_TRANSLATER		0x10040
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078

#define LPI			8192
#define DEVID			1
#define EVENT			2
#define PRIO			0xa0

enum { SYNC_READY = 1, SYNC_DISCARDED };

/* The guest's tables, in its RAM (the test binary is loaded there). */
static u8 prop_table[0x10000] __attribute__((aligned(0x10000)));
static u8 pend_table[0x10000] __attribute__((aligned(0x10000)));
static u64 dev_table[0x2000] __attribute__((aligned(0x10000)));
static u64 coll_table[0x2000] __attribute__((aligned(0x10000)));
static u64 cmdq[512] __attribute__((aligned(0x10000)));	/* 4 KB: 128 commands */
static u64 itt[256] __attribute__((aligned(0x100)));
static u32 cmd_next;

static void its_cmd(u64 w0, u64 w1, u64 w2, u64 w3)
{
	u64 *c = &cmdq[cmd_next * 4];

	c[0] = w0;
	c[1] = w1;
	c[2] = w2;
	c[3] = w3;
	cmd_next = (cmd_next + 1) % 128;
	asm volatile("dsb sy" : : : "memory");
	writeq(cmd_next * 32, ITS_BASE + GITS_CWRITER);
	GUEST_ASSERT_EQ(readq(ITS_BASE + GITS_CREADR), cmd_next * 32);
}

static void guest_lpi_setup(void)
{
	u64 rd = gic_redist_base();

	/* LPI 8192: priority 0xa0, enabled; 16 ID bits. */
	prop_table[LPI - 8192] = PRIO | 1;
	asm volatile("dsb sy" : : : "memory");
	writeq((u64)(uintptr_t)prop_table | 15, rd + GICR_PROPBASER);
	writeq((u64)(uintptr_t)pend_table, rd + GICR_PENDBASER);
	writel(1, rd + GICR_CTLR);
	GUEST_ASSERT_EQ(readl(rd + GICR_CTLR) & 1, 1);
	GUEST_ASSERT(readq(rd + GICR_TYPER) & 1);	/* PLPIS */

	writeq((1ULL << 63) | (u64)(uintptr_t)dev_table, ITS_BASE + GITS_BASER0);
	writeq((1ULL << 63) | (u64)(uintptr_t)coll_table, ITS_BASE + GITS_BASER1);
	writeq((1ULL << 63) | (u64)(uintptr_t)cmdq, ITS_BASE + GITS_CBASER);
	writel(1, ITS_BASE + GITS_CTLR);
	GUEST_ASSERT_EQ(readl(ITS_BASE + GITS_CTLR) & 1, 1);

	/* MAPD DeviceID 1, 4 EventID bits; MAPC ICID 0 -> vCPU 0; MAPTI; SYNC. */
	its_cmd(0x08 | (u64)DEVID << 32, 3, (1ULL << 63) | (u64)(uintptr_t)itt, 0);
	its_cmd(0x09, 0, (1ULL << 63) | 0, 0);
	its_cmd(0x0a | (u64)DEVID << 32, EVENT | (u64)LPI << 32, 0, 0);
	its_cmd(0x05, 0, 0, 0);
}

/* Waits for arg LPIs, then a GITS_TRANSLATER write, then DISCARD. */
static void guest_its(u64 arg)
{
	gic_dist_init();
	gic_cpu_init();
	guest_lpi_setup();
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(arg);
	/* A CPU's write has no DeviceID: KVM ignores it, so does vhv. */
	writel(EVENT, ITS_BASE + GITS_TRANSLATER);
	gic_spin_ms(50);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), arg);
	its_cmd(0x0f | (u64)DEVID << 32, EVENT, 0, 0);
	GUEST_SYNC(SYNC_DISCARDED);
	gic_spin_ms(50);
}

static int its_new(struct vmm_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	u64 base = ITS_BASE;

	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_ITS_ADDR_TYPE, &base));
	return cd.fd;
}

static struct vmm_vcpu *its_vm(u64 nr, int *its)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_its, nr);

	*its = its_new(vm);
	vmm_gic_init(gic);
	return vcpu;
}

static int signal_msi(struct vmm_vm *vm, u32 devid, u32 event, u32 flags)
{
	struct kvm_msi msi = {
		.address_lo = (u32)(ITS_BASE + GITS_TRANSLATER),
		.address_hi = (u32)((ITS_BASE + GITS_TRANSLATER) >> 32),
		.data = event, .flags = flags, .devid = devid,
	};

	return ioctl(vm->fd, KVM_SIGNAL_MSI, &msi);
}

static void expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
}

static void expect_lpis(struct vmm_vm *vm, u32 nr)
{
	u32 i;

	vmm_sync_from_guest(vm, gic_logs, sizeof(gic_logs));
	ASSERT_EQ(gic_logs[0].nr, nr);
	for (i = 0; i < nr; i++)
		EXPECT_EQ(gic_logs[0].intid[i], LPI);
}

TEST(its_signal_msi_delivers_the_mapped_lpi_and_discard_stops_it)
{
	int its;
	struct vmm_vcpu *vcpu = its_vm(1, &its);

	ASSERT_EQ(vmm_check_extension(vcpu->vm->fd, KVM_CAP_SIGNAL_MSI), 1);
	ASSERT_EQ(vmm_check_extension(vcpu->vm->fd, KVM_CAP_MSI_DEVID), 1);
	expect_sync(vcpu, SYNC_READY);
	/* Unmapped: blocked (0); without a DeviceID: EINVAL; elsewhere: EINVAL. */
	ASSERT_EQ(signal_msi(vcpu->vm, DEVID, EVENT + 1, KVM_MSI_VALID_DEVID), 0);
	ASSERT_ERRNO(signal_msi(vcpu->vm, DEVID, EVENT, 0), EINVAL);
	ASSERT_EQ(signal_msi(vcpu->vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
	expect_sync(vcpu, SYNC_DISCARDED);
	ASSERT_EQ(signal_msi(vcpu->vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 0);
	vmm_run_to_done(vcpu);
	expect_lpis(vcpu->vm, 1);
}

TEST(its_irqfd_on_an_msi_route_delivers_the_lpi)
{
	struct kvm_irq_routing *table = calloc(1, sizeof(*table) + sizeof(table->entries[0]));
	int its, fd = ASSERT_OK(eventfd(0, EFD_CLOEXEC));
	struct vmm_vcpu *vcpu = its_vm(1, &its);
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = 3 };
	u64 one = 1;

	ASSERT_TRUE(table);
	table->nr = 1;
	table->entries[0] = (struct kvm_irq_routing_entry) {
		.gsi = 3, .type = KVM_IRQ_ROUTING_MSI, .flags = KVM_MSI_VALID_DEVID,
		.u.msi = { .address_lo = (u32)(ITS_BASE + GITS_TRANSLATER), .data = EVENT,
			   .devid = DEVID },
	};
	ASSERT_OK(ioctl(vcpu->vm->fd, KVM_SET_GSI_ROUTING, table));
	ASSERT_OK(ioctl(vcpu->vm->fd, KVM_IRQFD, &irqfd));
	expect_sync(vcpu, SYNC_READY);
	ASSERT_EQ(write(fd, &one, sizeof(one)), sizeof(one));
	expect_sync(vcpu, SYNC_DISCARDED);
	vmm_run_to_done(vcpu);
	expect_lpis(vcpu->vm, 1);
	free(table);
}

TEST(its_device_attributes_have_kvms_errnos)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	u64 base = ITS_BASE + 0x1000, reg;
	struct kvm_msi msi = { .flags = KVM_MSI_VALID_DEVID };

	vmm_gic_new(vm, 64);
	/* A VM without an ITS: no MSIs (ENODEV), MSI_DEVID 0. */
	ASSERT_ERRNO(ioctl(vm->fd, KVM_SIGNAL_MSI, &msi), ENODEV);
	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_MSI_DEVID), 0);
	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				     KVM_VGIC_ITS_ADDR_TYPE, &base), EINVAL);
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     GITS_CTLR, &reg), ENXIO);
	base = ITS_BASE;
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				     1, &base), ENODEV);
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_ITS_ADDR_TYPE, &base));
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				     KVM_VGIC_ITS_ADDR_TYPE, &base), EEXIST);
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     GITS_TYPER + 4, &reg), EINVAL);
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     0x0040, &reg), ENXIO);
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				  GITS_TYPER, &reg));
	/* Physical, ITT entry 8 bytes, 16 ID bits, 16 DeviceID bits. */
	ASSERT_EQ(reg & 0x3ffff, 0x1 | 7 << 4 | 15 << 8 | 15 << 13);
	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_MSI_DEVID), 1);
	/* IIDR.Revision: ABI 0 only. */
	reg = 1 << 12;
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     0x0004, &reg), EINVAL);
}
