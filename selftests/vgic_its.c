// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv3 ITS (KVM_DEV_TYPE_ARM_VGIC_ITS) and LPIs, from a bare-metal
 * guest (vgic_its/guest.c): it gives its redistributor a configuration
 * and a pending table, enables LPIs, gives the ITS its device and
 * collection tables and a command queue, and maps (DeviceID 1, EventID 2)
 * to LPI 8192 on collection 0 (vCPU 0) with MAPD, MAPC, MAPTI.
 *
 *  - MSIs by KVM_SIGNAL_MSI and by an irqfd on an MSI route; an unmapped
 *    event is blocked (0); a guest write to GITS_TRANSLATER delivers
 *    nothing, as on KVM (it carries no DeviceID); DISCARD stops delivery;
 *  - INT, INV and INVALL with the configuration table, CLEAR; malformed
 *    commands (IDs out of range, tables at MMIO, unknown commands), a
 *    queue that wraps and one flooded, all leaving the mapping working;
 *  - MOVI to vCPU 1, MOVALL back to vCPU 0;
 *  - SAVE_PENDING_TABLES, SAVE_TABLES and the ITS registers from a VM
 *    with an LPI pending, restored in QEMU's order into a fresh VM, which
 *    takes that LPI and translates new MSIs;
 *  - the device attributes' errnos.
 *
 * KVM ABI only. Skips without an in-kernel vGICv3.
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mmio.h"
#include "lib/test.h"
#include "vgic_its/its.h"

enum { SYNC_READY = 1, SYNC_DISCARDED, SYNC_MOVED, SYNC_SAVE };

#define SETTLE_MS	30

static void guest_setup(void)
{
	gic_dist_init();
	gic_cpu_init();
	its_guest_rd_lpis();
	its_guest_enable();
	its_guest_map();
}

/* Waits for arg LPIs, then a GITS_TRANSLATER write, then DISCARD. */
static void guest_its(u64 arg)
{
	guest_setup();
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(arg);
	/* A CPU's write has no DeviceID: KVM ignores it, so does vhv. */
	writel(EVENT, ITS_BASE + GITS_TRANSLATER);
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), arg);
	its_cmd(CMD_DISCARD | (u64)DEVID << 32, EVENT, 0, 0);
	GUEST_SYNC(SYNC_DISCARDED);
	gic_spin_ms(SETTLE_MS);
}

static struct vmm_vcpu *its_vm(void (*fn)(u64), u64 arg, unsigned int nr_vcpus, int *its)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, fn, arg);
	unsigned int i;

	for (i = 1; i < nr_vcpus; i++)
		vmm_vcpu_new(vm, i, fn, arg);
	*its = its_new(vm);
	vmm_gic_init(gic);
	return vcpu;
}

TEST(its_signal_msi_delivers_the_mapped_lpi_and_discard_stops_it)
{
	int its;
	struct vmm_vcpu *vcpu = its_vm(guest_its, 1, 1, &its);

	ASSERT_EQ(vmm_check_extension(vcpu->vm->fd, KVM_CAP_SIGNAL_MSI), 1);
	ASSERT_EQ(vmm_check_extension(vcpu->vm->fd, KVM_CAP_MSI_DEVID), 1);
	its_expect_sync(vcpu, SYNC_READY);
	/* Unmapped: blocked (0); without a DeviceID: EINVAL. */
	ASSERT_EQ(its_signal(vcpu->vm, DEVID, EVENT + 1, KVM_MSI_VALID_DEVID), 0);
	ASSERT_EQ(its_signal(vcpu->vm, DEVID + 1, EVENT, KVM_MSI_VALID_DEVID), 0);
	ASSERT_ERRNO(its_signal(vcpu->vm, DEVID, EVENT, 0), EINVAL);
	ASSERT_EQ(its_signal(vcpu->vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
	its_expect_sync(vcpu, SYNC_DISCARDED);
	ASSERT_EQ(its_signal(vcpu->vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 0);
	vmm_run_to_done(vcpu);
	its_expect_lpis(vcpu->vm, 0, 1);
}

TEST(its_irqfd_on_an_msi_route_delivers_the_lpi)
{
	struct kvm_irq_routing *table = calloc(1, sizeof(*table) + sizeof(table->entries[0]));
	int its, fd = ASSERT_OK(eventfd(0, EFD_CLOEXEC));
	struct vmm_vcpu *vcpu = its_vm(guest_its, 1, 1, &its);
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
	its_expect_sync(vcpu, SYNC_READY);
	ASSERT_EQ(write(fd, &one, sizeof(one)), sizeof(one));
	its_expect_sync(vcpu, SYNC_DISCARDED);
	vmm_run_to_done(vcpu);
	its_expect_lpis(vcpu->vm, 0, 1);
	free(table);
}

/* An INT and a settle: whether the LPI was taken once more. */
static void int_expect(u32 *taken, bool more)
{
	its_cmd(CMD_INT | (u64)DEVID << 32, EVENT, 0, 0);
	gic_spin_ms(SETTLE_MS);
	*taken += more;
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), *taken);
}

static void set_prop(u8 prop, bool all)
{
	its_prop_table[LPI - 8192] = prop;
	asm volatile("dsb sy" : : : "memory");
	if (all)
		its_cmd(CMD_INVALL, 0, 0, 0);
	else
		its_cmd(CMD_INV | (u64)DEVID << 32, EVENT, 0, 0);
}

/* Commands that must change nothing the guest can see, the host unharmed. */
static void malformed_commands(void)
{
	static u64 flood[QUEUE_CMDS - 1][4];
	u32 i;

	/* DeviceID beyond the 1-page device table (8192 entries), or 2^16. */
	its_cmd(CMD_MAPD | 9000ULL << 32, 3, (1ULL << 63) | 0x100000, 0);
	its_cmd(CMD_MAPD | 0xffffffffULL << 32, 3, (1ULL << 63) | 0x100000, 0);
	its_cmd(CMD_MAPTI | 9000ULL << 32, EVENT | (u64)LPI << 32, 0, 0);
	/* LPI INTIDs out of range, an EventID beyond the ITT, vCPU 7, an ICID too far. */
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, 3 | 8191ULL << 32, 0, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, 3 | (1ULL << 16) << 32, 0, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, 16 | (u64)LPI << 32, 0, 0);
	its_cmd(CMD_MAPC | 7ULL << 32, 0, (1ULL << 63) | 7ULL << 16 | 5, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, 3 | (u64)(LPI + 1) << 32, 9000, 0);
	/* An ITT at MMIO: MAPTI finds no RAM for the entry. */
	its_cmd(CMD_MAPD | 2ULL << 32, 3, (1ULL << 63) | GIC_DIST_BASE, 0);
	its_cmd(CMD_MAPTI | 2ULL << 32, 0 | (u64)LPI << 32, 0, 0);
	/* GICv4 and reserved command numbers. */
	its_cmd(CMD_VMAPP, ~0ULL, ~0ULL, ~0ULL);
	its_cmd(0xff, ~0ULL, ~0ULL, ~0ULL);
	/* A flood: the whole queue but one, INVALLs, in one CWRITER write. */
	for (i = 0; i < QUEUE_CMDS - 1; i++)
		flood[i][0] = CMD_INVALL;
	its_cmd_queue(flood, QUEUE_CMDS - 1);
	for (i = 0; i < QUEUE_CMDS + 3; i++)	/* and round again: it wraps */
		its_cmd(CMD_SYNC, 0, 0, 0);
}

static void guest_commands(u64 arg)
{
	u32 taken = 0;

	guest_setup();
	local_irq_enable();
	int_expect(&taken, true);
	set_prop(PRIO, false);			/* disabled: INV sees it */
	int_expect(&taken, false);
	its_cmd(CMD_CLEAR | (u64)DEVID << 32, EVENT, 0, 0);
	set_prop(PRIO | 1, true);		/* enabled by INVALL: CLEAR took it away */
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), taken);
	set_prop(PRIO, true);
	int_expect(&taken, false);
	set_prop(PRIO | 1, false);		/* pending while disabled: taken now */
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), ++taken);
	malformed_commands();
	int_expect(&taken, true);
}

TEST(its_int_inv_invall_clear_and_malformed_commands)
{
	int its;
	struct vmm_vcpu *vcpu = its_vm(guest_commands, 0, 1, &its);

	vmm_run_to_done(vcpu);
	its_expect_lpis(vcpu->vm, 0, 3);
	/* The queue stands where the guest left it, nothing stalled. */
	ASSERT_EQ(its_reg_get(its, GITS_CREADR), its_reg_get(its, GITS_CWRITER));
	ASSERT_EQ(its_reg_get(its, GITS_CTLR), (1ULL << 31) | 1);
}

/*
 * vCPU 0 maps the event, MAPC ICID 1 -> vCPU 1, MOVI to ICID 1; later
 * MOVALL vCPU 1 -> vCPU 0. vCPU 1 only enables its LPIs and waits.
 */
static void guest_move(u64 arg)
{
	if (gic_cpu_index()) {
		gic_cpu_init();
		its_guest_rd_lpis();
		local_irq_enable();
		GUEST_SYNC(SYNC_READY);
		gic_wait_irqs(1);
		return;
	}
	guest_setup();
	its_cmd(CMD_MAPC, 0, (1ULL << 63) | 1ULL << 16 | 1, 0);
	its_cmd(CMD_MOVI | (u64)DEVID << 32, EVENT, 1, 0);
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	/* RDbase1 [2], RDbase2 [3], bits [47:16]: vCPU ids. */
	its_cmd(CMD_MOVALL, 0, 1ULL << 16, 0);
	GUEST_SYNC(SYNC_MOVED);
	gic_wait_irqs(1);
}

TEST(its_movi_and_movall_retarget_the_lpi)
{
	struct vmm_vcpu *v0, *v1;
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);

	v0 = vmm_vcpu_new(vm, 0, guest_move, 0);
	v1 = vmm_vcpu_new(vm, 1, guest_move, 0);
	its_new(vm);
	vmm_gic_init(gic);
	its_expect_sync(v0, SYNC_READY);
	/* vCPU 1's LPIs are off yet: KVM says EBUSY. */
	ASSERT_ERRNO(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), EBUSY);
	its_expect_sync(v1, SYNC_READY);
	ASSERT_EQ(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
	vmm_run_to_done(v1);
	its_expect_lpis(vm, 1, 1);
	its_expect_sync(v0, SYNC_MOVED);
	ASSERT_EQ(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
	vmm_run_to_done(v0);
	its_expect_lpis(vm, 0, 1);
	its_expect_lpis(vm, 1, 1);
}

/* VM A: mapped, then masked while the host makes the LPI pending and saves. */
static void guest_save(u64 arg)
{
	guest_setup();
	GUEST_SYNC(SYNC_SAVE);
}

/*
 * VM B: the CPU interface only; the distributor's GICD_CTLR and the LPI
 * state come from the restore, as QEMU restores the GICv3 before the ITS
 * (KVM queues nothing made pending while the distributor is disabled).
 */
static void guest_restored(u64 arg)
{
	gic_cpu_init();
	local_irq_enable();
	gic_wait_irqs(1);		/* the LPI pending in VM A */
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(2);		/* a new MSI, translated by the restored tables */
}

TEST(its_saved_with_an_lpi_pending_and_restored_into_a_fresh_vm_delivers)
{
	struct vmm_vcpu *a, *b;
	struct its_saved saved;
	struct vmm_vm *vm;
	int gic, its;

	vm = vmm_vm_new();
	gic = vmm_gic_new(vm, 64);
	a = vmm_vcpu_new(vm, 0, guest_save, 0);
	its = its_new(vm);
	vmm_gic_init(gic);
	its_expect_sync(a, SYNC_SAVE);
	/* Mid-traffic: pending, the guest masked. */
	ASSERT_EQ(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
	its_save(gic, its, &saved);
	ASSERT_EQ(saved.ctlr & 1, 1);
	/* SAVE_PENDING_TABLES wrote the LPI's bit in vCPU 0's table. */
	ASSERT_EQ(*(u8 *)vmm_gpa(vm, (uintptr_t)its_pend_table[0] + LPI / 8) & 1, 1);

	vm = vmm_vm_new();
	gic = vmm_gic_new(vm, 64);
	b = vmm_vcpu_new(vm, 0, guest_restored, 0);
	its = its_new(vm);
	vmm_gic_init(gic);
	ASSERT_EQ(vm->ram_size, a->vm->ram_size);
	memcpy(vm->ram, a->vm->ram, vm->ram_size);
	memset(gic_logs, 0, sizeof(gic_logs));
	vmm_sync_to_guest(vm, gic_logs, sizeof(gic_logs));
	its_restore(gic, its, &saved);
	its_expect_sync(b, SYNC_READY);
	ASSERT_EQ(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
	vmm_run_to_done(b);
	its_expect_lpis(vm, 0, 2);
}

TEST(its_device_attributes_have_kvms_errnos)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	struct kvm_msi msi = { .flags = KVM_MSI_VALID_DEVID };
	u64 base = ITS_BASE + 0x1000, reg;

	vmm_gic_new(vm, 64);
	/* A VM without an ITS: no MSIs (ENODEV), MSI_DEVID 0. */
	ASSERT_ERRNO(ioctl(vm->fd, KVM_SIGNAL_MSI, &msi), ENODEV);
	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_MSI_DEVID), 0);
	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_MSI_DEVID), 1);
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				     KVM_VGIC_ITS_ADDR_TYPE, &base), EINVAL);
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     GITS_CTLR, &reg), ENXIO);
	/* No ITS at that address yet: EINVAL. */
	ASSERT_ERRNO(ioctl(vm->fd, KVM_SIGNAL_MSI, &msi), EINVAL);
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
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_RESTORE_TABLES, NULL));
	reg = its_reg_get(cd.fd, GITS_TYPER);
	/* Physical, ITT entry 8 bytes, 16 ID bits, 16 DeviceID bits. */
	ASSERT_EQ(reg & 0x3ffff, 0x1 | 7 << 4 | 15 << 8 | 15 << 13);
	/* IIDR.Revision: ABI 0 only; CREADR beyond the (empty) queue. */
	reg = 1 << 12;
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     GITS_IIDR, &reg), EINVAL);
	reg = 0x1000;
	ASSERT_ERRNO(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS,
				     GITS_CREADR, &reg), EINVAL);
	/* The ITS is reset: nothing mapped, tables invalid. */
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_CTRL_RESET, NULL));
	ASSERT_EQ(its_reg_get(cd.fd, GITS_BASER0) >> 63, 0);
}
