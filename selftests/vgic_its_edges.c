// SPDX-License-Identifier: GPL-2.0
/*
 * The ITS where vhv once differed from KVM (helpers in vgic_its/):
 *  - an LPI discarded and mapped again while the guest still holds it
 *    active is one interrupt: the INT that follows leaves it active and
 *    pending in one list register (ICC_HPPIR1_EL1 reads 1023), not a
 *    second copy of the INTID pending beside it;
 *  - an ITS in a VM without a vGICv3: its command queue runs (MAPTI
 *    finds no LPI to map), KVM_SIGNAL_MSI is EINVAL, the host unharmed;
 *  - SAVE_TABLES saves a collection that an ITE names but no MAPC
 *    mapped (RDbase all ones), RESTORE_TABLES restores it and requires
 *    it (EINVAL without, EEXIST for a duplicate), and the restored VM
 *    maps it and takes the LPI;
 *  - GRP_CTRL's errnos: CTRL_INIT 0 while a vCPU runs, CTRL_RESET and
 *    SAVE_TABLES EBUSY then, an unknown attribute 0;
 *  - an LPI's bit set in the pending table when MAPTI maps it makes it
 *    pending, and the bit is cleared in the table, consumed;
 *  - GITS_BASER0 made invalid forgets the devices, not the collections;
 *    GICR_INVLPIR and GICR_INVALLR are ignored while EnableLPIs is 0;
 *    a second ITS resets GICR_PROPBASER as the first did.
 *
 * KVM ABI only. Skips without an in-kernel vGICv3 (but the second).
 */
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mmio.h"
#include "lib/test.h"
#include "vgic_its/its.h"

enum { SYNC_READY = 1, SYNC_SAVE };

#define SETTLE_MS	30

#define __str1(x)	#x
#define __str(x)	__str1(x)
#define ICC_IAR1_EL1	s3_0_c12_c12_0
#define ICC_EOIR1_EL1	s3_0_c12_c12_1
#define ICC_HPPIR1_EL1	s3_0_c12_c12_2
#define icc_read(r) ({ u64 __v; asm volatile("mrs %0, " __str(r) : "=r" (__v)); __v; })
#define icc_write(v, r)	asm volatile("msr " __str(r) ", %x0" : : "rZ" ((u64)(v)) : "memory")

/* ---- one INTID, one interrupt ---- */

static u32 remap_hppir = ~0U;

/* The first time: DISCARD, MAPTI the same INTID again, INT, all before the EOI. */
static void remap_handler(struct guest_regs *regs)
{
	struct gic_log *log = gic_my_log();
	u32 intid = icc_read(ICC_IAR1_EL1) & 0xffffff;

	if (intid >= 1020 && intid < 8192) {
		log->spurious++;
		return;
	}
	GUEST_ASSERT_EQ(intid, LPI);
	if (log->nr < GIC_LOG_MAX)
		log->intid[log->nr] = intid;
	__atomic_store_n(&log->nr, log->nr + 1, __ATOMIC_RELAXED);
	if (log->nr == 1) {
		its_cmd(CMD_DISCARD | (u64)DEVID << 32, EVENT, 0, 0);
		its_cmd(CMD_MAPTI | (u64)DEVID << 32, EVENT | (u64)LPI << 32, 0, 0);
		its_cmd(CMD_INT | (u64)DEVID << 32, EVENT, 0, 0);
		asm volatile("isb" : : : "memory");
		remap_hppir = icc_read(ICC_HPPIR1_EL1) & 0xffffff;
	}
	icc_write(intid, ICC_EOIR1_EL1);
	asm volatile("isb" : : : "memory");
}

static void guest_remap(u64 arg)
{
	gic_dist_init();
	gic_cpu_init_handler(remap_handler);
	its_guest_rd_lpis();
	its_guest_enable();
	its_guest_map();
	local_irq_disable();
	its_cmd(CMD_INT | (u64)DEVID << 32, EVENT, 0, 0);
	gic_wait_irqs(2);
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), 2);
	/* Active and pending in one list register: nothing is only pending. */
	GUEST_ASSERT_EQ(remap_hppir, GIC_SPURIOUS);
}

TEST(its_lpi_remapped_while_active_stays_one_interrupt)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_remap, 0);

	its_new(vm);
	vmm_gic_init(gic);
	vmm_run_to_done(vcpu);
	its_expect_lpis(vm, 0, 2);
}

/* ---- an ITS without a vGICv3 ---- */

static void guest_no_gic(u64 arg)
{
	/* Each command waits for CREADR: the queue must run. */
	its_guest_tables();
	its_cmd(CMD_MAPD | (u64)DEVID << 32, 3, (1ULL << 63) | (u64)(uintptr_t)its_itt, 0);
	its_cmd(CMD_MAPC, 0, (1ULL << 63) | 0, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, EVENT | (u64)LPI << 32, 0, 0);
	its_cmd(CMD_INT | (u64)DEVID << 32, EVENT, 0, 0);
	its_cmd(CMD_INVALL, 0, 0, 0);
	its_cmd(CMD_SYNC, 0, 0, 0);
	GUEST_SYNC(SYNC_READY);
}

TEST(its_without_a_vgicv3_runs_its_queue_and_maps_no_lpi)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_no_gic, 0);
	int its = its_new(vm);
	u64 baser0, baser1;

	/* No in-kernel irqchip: EINVAL, as KVM's kvm_send_userspace_msi(). */
	ASSERT_ERRNO(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), EINVAL);
	its_expect_sync(vcpu, SYNC_READY);
	ASSERT_EQ(its_reg_get(its, GITS_CREADR), its_reg_get(its, GITS_CWRITER));
	ASSERT_ERRNO(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), EINVAL);
	/* MAPTI mapped nothing: the saved ITT holds no entry. */
	ASSERT_OK(vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_SAVE_TABLES, NULL));
	ASSERT_EQ(*(u64 *)vmm_gpa(vm, (uintptr_t)&its_itt[EVENT]), 0);
	ASSERT_EQ(*(u64 *)vmm_gpa(vm, (uintptr_t)&its_dev_table[DEVID]) >> 63, 1);
	/* Restoring them (no LPI in them) works too. */
	baser0 = its_reg_get(its, GITS_BASER0);
	baser1 = its_reg_get(its, GITS_BASER1);
	ASSERT_OK(vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_CTRL_RESET, NULL));
	its_reg_set(its, GITS_BASER0, baser0);
	its_reg_set(its, GITS_BASER1, baser1);
	ASSERT_OK(vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_RESTORE_TABLES, NULL));
	vmm_run_to_done(vcpu);
}

/* ---- a collection named but not mapped, saved and restored ---- */

#define ICID_LATE	1
#define CTE_UNMAPPED	((1ULL << 63) | 0xffffffffULL << 16 | ICID_LATE)

/* VM A: the event goes to ICID 1, which no MAPC has mapped yet. */
static void guest_late_coll(u64 arg)
{
	gic_dist_init();
	gic_cpu_init();
	its_guest_rd_lpis();
	its_guest_enable();
	its_cmd(CMD_MAPD | (u64)DEVID << 32, 3, (1ULL << 63) | (u64)(uintptr_t)its_itt, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, EVENT | (u64)LPI << 32, ICID_LATE, 0);
	GUEST_SYNC(SYNC_SAVE);
}

/* VM B, restored: MAPC maps ICID 1 to this vCPU, and the event arrives. */
static void guest_late_coll_restored(u64 arg)
{
	gic_cpu_init();
	local_irq_enable();
	its_cmd(CMD_MAPC, 0, (1ULL << 63) | ICID_LATE, 0);
	its_cmd(CMD_INT | (u64)DEVID << 32, EVENT, 0, 0);
	gic_wait_irqs(1);
}

static int restore_tables(int its)
{
	return vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_ITS_RESTORE_TABLES, NULL);
}

TEST(its_saves_and_restores_a_collection_an_ite_names_but_no_mapc_mapped)
{
	struct vmm_vcpu *a, *b;
	struct its_saved saved;
	struct vmm_vm *vm;
	int gic, its;
	u64 *ctes;

	vm = vmm_vm_new();
	gic = vmm_gic_new(vm, 64);
	a = vmm_vcpu_new(vm, 0, guest_late_coll, 0);
	its = its_new(vm);
	vmm_gic_init(gic);
	its_expect_sync(a, SYNC_SAVE);
	its_save(gic, its, &saved);
	ctes = vmm_gpa(vm, (uintptr_t)its_coll_table);
	/* One entry, RDbase all ones (not mapped), then the end. */
	ASSERT_EQ(ctes[0], CTE_UNMAPPED);
	ASSERT_EQ(ctes[1], 0);

	vm = vmm_vm_new();
	gic = vmm_gic_new(vm, 64);
	b = vmm_vcpu_new(vm, 0, guest_late_coll_restored, 0);
	its = its_new(vm);
	vmm_gic_init(gic);
	memcpy(vm->ram, a->vm->ram, vm->ram_size);
	memset(gic_logs, 0, sizeof(gic_logs));
	vmm_sync_to_guest(vm, gic_logs, sizeof(gic_logs));
	its_restore_regs(gic, its, &saved);
	ctes = vmm_gpa(vm, (uintptr_t)its_coll_table);
	/* A duplicate collection: EEXIST; none for the ITE's ICID: EINVAL. */
	ctes[1] = CTE_UNMAPPED;
	ASSERT_ERRNO(restore_tables(its), EEXIST);
	ctes[0] = 0;
	ASSERT_ERRNO(restore_tables(its), EINVAL);
	ctes[0] = CTE_UNMAPPED;
	ctes[1] = 0;
	ASSERT_OK(restore_tables(its));
	its_reg_set(its, GITS_CTLR, saved.ctlr);
	vmm_run_to_done(b);
	its_expect_lpis(vm, 0, 1);
}

/* ---- GRP_CTRL while a vCPU runs ---- */

static u32 wfi_running;

static void guest_wfi(u64 arg)
{
	__atomic_store_n(&wfi_running, 1, __ATOMIC_RELEASE);
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

static int ctrl(int its, u64 attr)
{
	return vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL, attr, NULL);
}

TEST(its_ctrl_init_while_a_vcpu_runs_and_an_unknown_ctrl_attribute_succeed)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_wfi, 0);
	int its = its_new(vm);
	pthread_t thread;
	u32 *running, i;
	void *ret;

	vmm_gic_init(gic);
	/* Stopped vCPUs: an attribute KVM does not know does nothing, 0. */
	ASSERT_OK(ctrl(its, 0x1234));
	ASSERT_ERRNO(vmm_device_attr(its, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL, 0x1234,
				     NULL), ENXIO);
	running = vmm_gpa(vm, (uintptr_t)&wfi_running);
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(pthread_create(&thread, NULL, run_until_signalled, vcpu), 0);
	for (i = 0; i < 10000 && !__atomic_load_n(running, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	ASSERT_EQ(__atomic_load_n(running, __ATOMIC_ACQUIRE), 1);
	/* CTRL_INIT has nothing to do and looks at no vCPU; the rest stop them. */
	ASSERT_OK(ctrl(its, KVM_DEV_ARM_VGIC_CTRL_INIT));
	ASSERT_ERRNO(ctrl(its, KVM_DEV_ARM_ITS_CTRL_RESET), EBUSY);
	ASSERT_ERRNO(ctrl(its, KVM_DEV_ARM_ITS_SAVE_TABLES), EBUSY);
	ASSERT_ERRNO(ctrl(its, 0x1234), EBUSY);
	ASSERT_EQ(pthread_kill(thread, SIGUSR1), 0);
	ASSERT_EQ(pthread_join(thread, &ret), 0);
	ASSERT_EQ((long)ret, -EINTR);
	ASSERT_OK(ctrl(its, KVM_DEV_ARM_ITS_CTRL_RESET));
}

/* ---- the pending table's bit, consumed by MAPTI ---- */

static void guest_pending_bit(u64 arg)
{
	volatile u8 *pend = &its_pend_table[0][LPI / 8];

	gic_dist_init();
	gic_cpu_init();
	its_guest_rd_lpis();
	its_guest_enable();
	*pend |= 1 << (LPI % 8);
	asm volatile("dsb sy" : : : "memory");
	its_guest_map();
	GUEST_ASSERT_EQ(*pend & (1 << (LPI % 8)), 0);
	local_irq_enable();
	gic_wait_irqs(1);
}

TEST(its_mapti_takes_the_lpis_pending_bit_and_clears_it)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_pending_bit, 0);

	its_new(vm);
	vmm_gic_init(gic);
	vmm_run_to_done(vcpu);
	its_expect_lpis(vm, 0, 1);
}

/* ---- one table invalidated; INVLPIR/INVALLR with LPIs off; PROPBASER ---- */

#define GICR_INVLPIR	0x00a0
#define GICR_INVALLR	0x00b0

static void int_expect(u32 taken)
{
	its_cmd(CMD_INT | (u64)DEVID << 32, EVENT, 0, 0);
	gic_spin_ms(SETTLE_MS);
	GUEST_ASSERT_EQ(gic_nr_irqs_taken(), taken);
}

static void guest_baser_inv(u64 arg)
{
	u64 rd, baser0;

	gic_dist_init();
	gic_cpu_init();
	its_guest_rd_lpis();
	its_guest_enable();
	its_guest_map();
	rd = gic_redist_base();
	local_irq_enable();
	/* The device table made invalid and valid again: DEVID is gone. */
	writel(0, ITS_BASE + GITS_CTLR);
	baser0 = readq(ITS_BASE + GITS_BASER0);
	writeq(baser0 & ~(1ULL << 63), ITS_BASE + GITS_BASER0);
	writeq(baser0, ITS_BASE + GITS_BASER0);
	writel(1, ITS_BASE + GITS_CTLR);
	int_expect(0);
	/* The collection is still mapped: MAPD and MAPTI again are enough. */
	its_cmd(CMD_MAPD | (u64)DEVID << 32, 3, (1ULL << 63) | (u64)(uintptr_t)its_itt, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, EVENT | (u64)LPI << 32, 0, 0);
	int_expect(1);
	/* LPIs off: the LPI disabled in the table, INVLPIR and INVALLR ignored. */
	writel(0, rd + GICR_CTLR);
	GUEST_ASSERT_EQ(readl(rd + GICR_CTLR) & 1, 0);
	its_prop_table[LPI - 8192] = PRIO;
	asm volatile("dsb sy" : : : "memory");
	writeq(LPI, rd + GICR_INVLPIR);
	writeq(0, rd + GICR_INVALLR);
	writel(1, rd + GICR_CTLR);
	int_expect(2);
	/* LPIs on: INVLPIR reads the table. */
	writeq(LPI, rd + GICR_INVLPIR);
	int_expect(2);
}

TEST(its_baser0_invalid_keeps_the_collections_and_invlpir_needs_lpis_enabled)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_baser_inv, 0);

	its_new(vm);
	vmm_gic_init(gic);
	vmm_run_to_done(vcpu);
	its_expect_lpis(vm, 0, 2);
}

static u64 propbaser_get(int gic)
{
	u32 lo, hi;

	ASSERT_OK(vmm_device_attr(gic, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				  GICR_PROPBASER, &lo));
	ASSERT_OK(vmm_device_attr(gic, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				  GICR_PROPBASER + 4, &hi));
	return (u64)hi << 32 | lo;
}

TEST(its_each_new_its_resets_gicr_propbaser)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	/* Inner RaWb, Inner Shareable, nothing else: KVM's reset value. */
	const u64 reset = 3ULL << 7 | 1ULL << 10;
	u32 lo = 0x10000 | (u32)reset | 15;

	vmm_vcpu_new(vm, 0, guest_wfi, 0);
	its_new(vm);
	vmm_gic_init(gic);
	ASSERT_EQ(propbaser_get(gic), reset);
	ASSERT_OK(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				  GICR_PROPBASER, &lo));
	ASSERT_EQ(propbaser_get(gic), lo);
	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	ASSERT_EQ(propbaser_get(gic), reset);
}
