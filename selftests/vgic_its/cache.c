// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the vgic_its binary on translations the kernel may cache (KVM
 * and vhv both keep a translation cache of delivered MSIs): every MSI
 * after a change of the mapping, of the collection or of an enable must
 * follow the change, however often the same (DeviceID, EventID) was
 * delivered before; and an irqfd on an MSI route delivers every signal.
 *
 * KVM ABI only. Skips without an in-kernel vGICv3.
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mmio.h"
#include "lib/test.h"
#include "vgic_its/its.h"

#define SETTLE_MS		30
#define ROUNDS			3

enum {
	STEP_CACHED = 1, STEP_MOVED, STEP_BACK, STEP_ITS_OFF, STEP_ITS_ON, STEP_LPIS_OFF,
	STEP_LPIS_ON, STEP_COLL_UNMAPPED, STEP_READY, STEP_DISCARDED,
};

static void setup(void)
{
	gic_dist_init();
	gic_cpu_init();
	its_guest_rd_lpis();
	its_guest_enable();
	its_guest_map();
}

/* vCPU 0 changes the translation step by step; interrupts stay masked. */
static void guest_changes(u64 arg)
{
	u64 rd;

	setup();
	rd = gic_redist_base();
	GUEST_SYNC(STEP_CACHED);
	its_cmd(CMD_MAPC, 0, (1ULL << 63) | 1ULL << 16 | 1, 0);	/* ICID 1 -> vCPU 1 */
	its_cmd(CMD_MOVI | (u64)DEVID << 32, EVENT, 1, 0);
	GUEST_SYNC(STEP_MOVED);
	its_cmd(CMD_MOVI | (u64)DEVID << 32, EVENT, 0, 0);
	GUEST_SYNC(STEP_BACK);
	writel(0, ITS_BASE + GITS_CTLR);
	GUEST_SYNC(STEP_ITS_OFF);
	writel(1, ITS_BASE + GITS_CTLR);
	GUEST_SYNC(STEP_ITS_ON);
	writel(0, rd + GICR_CTLR);
	GUEST_SYNC(STEP_LPIS_OFF);
	writel(1, rd + GICR_CTLR);
	GUEST_SYNC(STEP_LPIS_ON);
	its_cmd(CMD_MAPC, 0, 0, 0);				/* ICID 0 unmapped */
	GUEST_SYNC(STEP_COLL_UNMAPPED);
}

static int signal_msi(struct vmm_vm *vm)
{
	return its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID);
}

/* Delivered twice: the first may fill a cache, the second may hit it. */
static void expect_delivered(struct vmm_vm *vm)
{
	ASSERT_EQ(signal_msi(vm), 1);
	ASSERT_EQ(signal_msi(vm), 1);
}

/*
 * After each change the very next KVM_SIGNAL_MSI gives KVM's answer: EBUSY
 * for a collection on vCPU 1 (its LPIs off), for the ITS or vCPU 0's LPIs
 * disabled; 0 (blocked) for an unmapped collection; 1 once restored.
 */
TEST(its_msis_follow_movi_mapc_and_the_enables_after_being_delivered)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *v0 = vmm_vcpu_new(vm, 0, guest_changes, 0);

	vmm_vcpu_new(vm, 1, guest_changes, 0);
	its_new(vm);
	vmm_gic_init(gic);
	its_expect_sync(v0, STEP_CACHED);
	expect_delivered(vm);
	its_expect_sync(v0, STEP_MOVED);
	ASSERT_ERRNO(signal_msi(vm), EBUSY);
	its_expect_sync(v0, STEP_BACK);
	expect_delivered(vm);
	its_expect_sync(v0, STEP_ITS_OFF);
	ASSERT_ERRNO(signal_msi(vm), EBUSY);
	its_expect_sync(v0, STEP_ITS_ON);
	expect_delivered(vm);
	its_expect_sync(v0, STEP_LPIS_OFF);
	ASSERT_ERRNO(signal_msi(vm), EBUSY);
	its_expect_sync(v0, STEP_LPIS_ON);
	expect_delivered(vm);
	its_expect_sync(v0, STEP_COLL_UNMAPPED);
	ASSERT_EQ(signal_msi(vm), 0);
	vmm_run_to_done(v0);
}

/* Takes ROUNDS LPIs, one per round, then DISCARDs the event. */
static void guest_rounds(u64 arg)
{
	u32 i;

	setup();
	local_irq_enable();
	for (i = 1; i <= ROUNDS; i++) {
		GUEST_SYNC(STEP_READY);
		gic_wait_irqs(i);
	}
	its_cmd(CMD_DISCARD | (u64)DEVID << 32, EVENT, 0, 0);
	GUEST_SYNC(STEP_DISCARDED);
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), ROUNDS);
}

/* Each signal of an irqfd on an MSI route is an LPI; none after DISCARD. */
TEST(its_irqfd_msi_route_delivers_every_signal_and_none_after_discard)
{
	struct kvm_irq_routing *table = calloc(1, sizeof(*table) + sizeof(table->entries[0]));
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64), fd = ASSERT_OK(eventfd(0, EFD_CLOEXEC));
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_rounds, 0);
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = 3 };
	u64 one = 1;
	u32 i;

	ASSERT_TRUE(table);
	its_new(vm);
	vmm_gic_init(gic);
	table->nr = 1;
	table->entries[0] = (struct kvm_irq_routing_entry) {
		.gsi = 3, .type = KVM_IRQ_ROUTING_MSI, .flags = KVM_MSI_VALID_DEVID,
		.u.msi = { .address_lo = (u32)(ITS_BASE + GITS_TRANSLATER), .data = EVENT,
			   .devid = DEVID },
	};
	ASSERT_OK(ioctl(vm->fd, KVM_SET_GSI_ROUTING, table));
	ASSERT_OK(ioctl(vm->fd, KVM_IRQFD, &irqfd));
	for (i = 0; i < ROUNDS; i++) {
		its_expect_sync(vcpu, STEP_READY);
		ASSERT_EQ(write(fd, &one, sizeof(one)), sizeof(one));
	}
	its_expect_sync(vcpu, STEP_DISCARDED);
	ASSERT_EQ(write(fd, &one, sizeof(one)), sizeof(one));
	vmm_run_to_done(vcpu);
	its_expect_lpis(vm, 0, ROUNDS);
	free(table);
}
