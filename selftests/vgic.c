// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3) seen from both sides:
 *
 *  - delivery: SPIs raised with KVM_IRQ_LINE reach the guest with their
 *    INTID; level lines stay pending until lowered, edges are taken once;
 *    the distributor enable, the priority mask and the Group 1 enable hold
 *    an interrupt back until opened; 32 SPIs at once (more than the list
 *    registers) come in priority order, once each; SGIs between 2 and 4
 *    vCPUs, targeted and broadcast, reach exactly their targets; a PPI
 *    reaches only the vCPU it was raised for; an SPI wakes a vCPU in WFI;
 *  - the distributor's and redistributors' identification registers;
 *  - KVM_ARM_IRQ_TYPE_CPU lines of a VM without a vGIC: the guest's IRQ
 *    and FIQ exceptions.
 *
 * KVM ABI only. Without an in-kernel vGICv3 (KVM_CREATE_DEVICE_TEST) the
 * tests that need one skip.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define NR_IRQS		128		/* 96 SPIs: INTIDs 32..127 */
#define SETTLE_MS	50		/* long enough for an interrupt to show up */
#define PRIO_DEFAULT	0x80

/* What the guest says in args[0] of a GUEST_SYNC. */
enum {
	SYNC_READY = 1,		/* set up; the host acts now */
	SYNC_CHECK,		/* args[1..]: state for the host to check */
	SYNC_TAKEN,		/* an exception handler ran: args[1] ISR_EL1 */
};

/* ---- host helpers ---- */

static struct ucall expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
	return uc;
}

/* A VM with the vGIC and one vCPU in fn(arg), initialised. */
static struct vmm_vcpu *gic_vm_one_vcpu(void (*fn)(u64), u64 arg)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, NR_IRQS);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, fn, arg);

	vmm_gic_init(gic);
	return vcpu;
}

/* The guest's log of vCPU idx, as the guest left it. */
static struct gic_log *read_log(struct vmm_vm *vm, unsigned int idx)
{
	vmm_sync_from_guest(vm, gic_logs, sizeof(gic_logs));
	return &gic_logs[idx];
}

static void expect_log(struct vmm_vm *vm, unsigned int idx, u32 nr, const u32 *intids)
{
	struct gic_log *log = read_log(vm, idx);
	u32 i;

	ASSERT_EQ(log->nr, nr);
	for (i = 0; i < nr; i++)
		EXPECT_EQ(log->intid[i], intids[i]);
}

static void raise_edge(struct vmm_vm *vm, u32 intid)
{
	vmm_spi_line(vm, intid, 1);
	vmm_spi_line(vm, intid, 0);
}

/* ---- guest helpers ---- */

static void guest_gic_up(void)
{
	gic_dist_init();
	gic_cpu_init();
}

/* ---- identification ---- */

static void guest_id_registers(u64 unused)
{
	if (gic_cpu_index() == 0)
		gic_dist_init();
	gic_cpu_init();
	GUEST_SYNC2(SYNC_CHECK, gic_dist_read(GICD_CTLR));
	GUEST_SYNC2(SYNC_CHECK, gic_dist_read(GICD_TYPER));
	GUEST_SYNC2(SYNC_CHECK, gic_dist_read(GICD_PIDR2) >> 4 & 0xf);
	GUEST_SYNC2(SYNC_CHECK, gic_redist_base());
	GUEST_SYNC2(SYNC_CHECK, gic_redist_read64(GICR_TYPER));
	GUEST_SYNC2(SYNC_CHECK, gic_redist_read(GICR_PIDR2) >> 4 & 0xf);
}

static void check_id_registers(struct vmm_vcpu *vcpu, u32 idx, u32 nr_vcpus)
{
	/* GICR_TYPER: Affinity_Value of the MPIDR (Aff0 = id), Processor_Number, Last. */
	u64 typer = (u64)idx << 32 | idx << 8 | (idx == nr_vcpus - 1 ? GICR_TYPER_LAST : 0);

	/* Single security state (DS), affinity routing, Group 1 as enabled. */
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1],
		  GICD_CTLR_DS | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	/* 10 INTID bits, no LPIs, ITLinesNumber for NR_IRQS. */
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], (10 - 1) << 19 | (NR_IRQS / 32 - 1));
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 3);	/* ArchRev: GICv3 */
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], GIC_REDIST_BASE + idx * GIC_REDIST_STRIDE);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], typer);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 3);
	vmm_run_to_done(vcpu);
}

TEST(distributor_and_redistributors_identify_themselves)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, NR_IRQS);
	struct vmm_vcpu *vcpu[3];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(vcpu); i++)
		vcpu[i] = vmm_vcpu_new(vm, i, guest_id_registers, 0);
	vmm_gic_init(gic);
	for (i = 0; i < ARRAY_SIZE(vcpu); i++)
		check_id_registers(vcpu[i], i, ARRAY_SIZE(vcpu));
}

static void guest_priority_bits(u64 unused)
{
	guest_gic_up();
	gic_irq_set_priority(40, 0xff);
	gic_irq_set_priority(5, 0x17);
	GUEST_SYNC2(SYNC_CHECK, gic_irq_get_priority(40));
	GUEST_SYNC2(SYNC_CHECK, gic_irq_get_priority(5));
}

/*
 * KVM keeps 5 bits of priority in its distributor and redistributors
 * (32 levels, VGIC_PRI_BITS) whatever the hardware has, the minimum a
 * GICv3 virtual CPU interface may implement. The interrupt tests below
 * count on it.
 */
TEST(priority_registers_keep_the_top_five_bits)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_priority_bits, 0);

	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0xf8);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0x10);
	vmm_run_to_done(vcpu);
}

/* ---- SPIs ---- */

static const u32 spi_first_middle_last[] = { 32, 77, NR_IRQS - 1 };

static void guest_spis_one_by_one(u64 unused)
{
	u32 i;

	guest_gic_up();
	local_irq_enable();
	for (i = 0; i < ARRAY_SIZE(spi_first_middle_last); i++) {
		gic_spi_setup(spi_first_middle_last[i], PRIO_DEFAULT, true);
		GUEST_SYNC(SYNC_READY);
		gic_wait_irqs(i + 1);
	}
	gic_spin_ms(SETTLE_MS);
}

TEST(spi_raised_by_irq_line_is_taken_with_its_intid)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_spis_one_by_one, 0);
	u32 i;

	for (i = 0; i < ARRAY_SIZE(spi_first_middle_last); i++) {
		expect_sync(vcpu, SYNC_READY);
		raise_edge(vcpu->vm, spi_first_middle_last[i]);
	}
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 0, ARRAY_SIZE(spi_first_middle_last), spi_first_middle_last);
}

#define LEVEL_SPI	40
#define LEVEL_TIMES	3

static void guest_level_spi(u64 unused)
{
	guest_gic_up();
	gic_spi_setup(LEVEL_SPI, PRIO_DEFAULT, false);
	gic_my_log()->irq_ucall = 1;
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(LEVEL_TIMES);
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, gic_irq_is_pending(LEVEL_SPI));
}

/*
 * The handler tells the host of each interrupt before its EOI; the host
 * keeps the line high twice, so each EOI finds it pending again, and
 * lowers it the third time: no fourth.
 */
TEST(spi_level_stays_pending_until_lowered)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_level_spi, 0);
	const u32 want[LEVEL_TIMES] = { LEVEL_SPI, LEVEL_SPI, LEVEL_SPI };
	struct ucall uc;
	u32 i;

	expect_sync(vcpu, SYNC_READY);
	vmm_spi_line(vcpu->vm, LEVEL_SPI, 1);
	for (i = 0; i < LEVEL_TIMES; i++) {
		uc = expect_sync(vcpu, GIC_UCALL_IRQ);
		ASSERT_EQ(uc.args[1], LEVEL_SPI);
	}
	vmm_spi_line(vcpu->vm, LEVEL_SPI, 0);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0);
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 0, LEVEL_TIMES, want);
}

#define EDGE_SPI	41

static void guest_edge_spi(u64 unused)
{
	guest_gic_up();
	gic_spi_setup(EDGE_SPI, PRIO_DEFAULT, true);
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(1);
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, gic_nr_irqs_taken());
	gic_wait_irqs(2);
	gic_spin_ms(SETTLE_MS);
}

/* One edge, one interrupt; two edges before the guest runs latch as one. */
TEST(spi_edge_is_taken_exactly_once)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_edge_spi, 0);
	const u32 want[] = { EDGE_SPI, EDGE_SPI };

	expect_sync(vcpu, SYNC_READY);
	raise_edge(vcpu->vm, EDGE_SPI);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 1);
	raise_edge(vcpu->vm, EDGE_SPI);
	raise_edge(vcpu->vm, EDGE_SPI);
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 0, 2, want);
}

#define MASKED_SPI	42

enum spi_mask { MASK_ENABLE, MASK_PMR, MASK_GROUP };

/* Holds MASKED_SPI back one way, reports, opens that way, waits for it. */
static void guest_masked_spi(u64 how)
{
	guest_gic_up();
	gic_spi_setup(MASKED_SPI, PRIO_DEFAULT, true);
	if (how == MASK_ENABLE)
		gic_irq_disable(MASKED_SPI);
	else if (how == MASK_PMR)
		gic_set_pmr(PRIO_DEFAULT);	/* only priorities above (below 0x80) pass */
	else
		gic_set_igrpen1(false);
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, gic_nr_irqs_taken());
	GUEST_SYNC2(SYNC_CHECK, gic_irq_is_pending(MASKED_SPI));
	if (how == MASK_ENABLE)
		gic_irq_enable(MASKED_SPI);
	else if (how == MASK_PMR)
		gic_set_pmr(PRIO_DEFAULT + 8);	/* the next level down lets 0x80 pass */
	else
		gic_set_igrpen1(true);
	gic_wait_irqs(1);
	gic_spin_ms(SETTLE_MS);
}

static void check_masked_spi(enum spi_mask how)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_masked_spi, how);
	const u32 want[] = { MASKED_SPI };

	expect_sync(vcpu, SYNC_READY);
	raise_edge(vcpu->vm, MASKED_SPI);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0);	/* not taken */
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 1);	/* but pending */
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 0, 1, want);
}

TEST(spi_disabled_is_pending_but_not_taken_until_enabled)
{
	check_masked_spi(MASK_ENABLE);
}

TEST(spi_at_the_pmr_priority_is_not_taken_until_the_pmr_is_raised)
{
	check_masked_spi(MASK_PMR);
}

TEST(spi_is_not_taken_while_group1_is_disabled)
{
	check_masked_spi(MASK_GROUP);
}

/*
 * 32 SPIs pending at once, far more than the list registers (4 on QEMU's
 * GICv3): they must come one each, by priority. With 5 priority bits
 * there are 32 levels, but the lowest (0xf8) never passes the PMR (0xf8
 * at most): 31 SPIs have levels 0x00..0xf0 in a shuffled order, the 32nd
 * shares 0x80 with another, and those two may come either way round.
 */
#define MANY_BASE	64
#define MANY_NR		32

static u8 many_prio(u32 i)
{
	return i < 31 ? (i * 13 % 31) * 8 : 0x80;
}

static void guest_many_spis(u64 unused)
{
	u32 i;

	guest_gic_up();
	for (i = 0; i < MANY_NR; i++)
		gic_spi_setup(MANY_BASE + i, many_prio(i), true);
	/* IRQs still masked as at reset: the host raises all 32 first. */
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(MANY_NR);
	gic_spin_ms(SETTLE_MS);
}

TEST(spis_32_at_once_are_taken_once_each_in_priority_order)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_many_spis, 0);
	u32 i, seen[MANY_NR] = { 0 };
	struct gic_log *log;

	expect_sync(vcpu, SYNC_READY);
	for (i = 0; i < MANY_NR; i++)
		raise_edge(vcpu->vm, MANY_BASE + i);
	vmm_run_to_done(vcpu);
	log = read_log(vcpu->vm, 0);
	ASSERT_EQ(log->nr, MANY_NR);
	for (i = 0; i < MANY_NR; i++) {
		u32 n = log->intid[i] - MANY_BASE;

		ASSERT_LT(n, MANY_NR);
		ASSERT_EQ(++seen[n], 1);
		if (i)
			ASSERT_LE(many_prio(log->intid[i - 1] - MANY_BASE), many_prio(n));
	}
}

/* The guest waits in WFI before the host raises the line. */
#define WAKE_SPI	44

static u32 wfi_guest_ready;

static void guest_wait_in_wfi(u64 unused)
{
	guest_gic_up();
	gic_spi_setup(WAKE_SPI, PRIO_DEFAULT, true);
	local_irq_enable();
	__atomic_store_n(&wfi_guest_ready, 1, __ATOMIC_RELEASE);
	gic_wait_irqs(1);
}

static void *run_to_done(void *arg)
{
	vmm_run_to_done(arg);
	return NULL;
}

TEST(spi_wakes_a_vcpu_waiting_in_wfi)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_wait_in_wfi, 0);
	u32 *ready = vmm_gpa(vcpu->vm, (uintptr_t)&wfi_guest_ready);
	const u32 want[] = { WAKE_SPI };
	pthread_t thread;
	int i;

	ASSERT_EQ(pthread_create(&thread, NULL, run_to_done, vcpu), 0);
	for (i = 0; i < 1000 && !__atomic_load_n(ready, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	ASSERT_EQ(__atomic_load_n(ready, __ATOMIC_ACQUIRE), 1);
	/* By now it sleeps in WFI, blocked in KVM_RUN. */
	usleep(SETTLE_MS * 1000);
	raise_edge(vcpu->vm, WAKE_SPI);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	expect_log(vcpu->vm, 0, 1, want);
}

/* ---- SGIs and PPIs, several vCPUs ---- */

#define MAX_VCPUS	4

struct gic_vm {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	u32 nr;
};

static void gic_vm_new(struct gic_vm *g, u32 nr, void (*fn)(u64), u64 arg)
{
	int gic;
	u32 i;

	g->vm = vmm_vm_new();
	g->nr = nr;
	gic = vmm_gic_new(g->vm, NR_IRQS);
	for (i = 0; i < nr; i++)
		g->vcpu[i] = vmm_vcpu_new(g->vm, i, fn, arg);
	vmm_gic_init(gic);
}

/* Every vCPU in its own thread, to its UCALL_DONE. */
static void gic_vm_run_all(struct gic_vm *g)
{
	pthread_t thread[MAX_VCPUS];
	u32 i;

	for (i = 0; i < g->nr; i++)
		ASSERT_EQ(pthread_create(&thread[i], NULL, run_to_done, g->vcpu[i]), 0);
	for (i = 0; i < g->nr; i++)
		ASSERT_EQ(pthread_join(thread[i], NULL), 0);
}

enum sgi_mode { SGI_TARGETED, SGI_BROADCAST };

/* The SGI that vCPU from sends: to vCPU to, or to all others. */
static u32 sgi_id(enum sgi_mode mode, u32 from, u32 to)
{
	return mode == SGI_TARGETED ? MAX_VCPUS * from + to : 8 + from;
}

static void guest_sgis(u64 arg)
{
	u32 nr = arg & 0xff, mode = arg >> 8, me = gic_cpu_index(), to;

	if (me == 0)
		gic_dist_init();
	gic_cpu_init();
	local_irq_enable();
	/* Everyone's interface is up before the first SGI. */
	gic_barrier(nr, 1);
	if (mode == SGI_BROADCAST)
		gic_send_sgi_others(sgi_id(mode, me, 0));
	else
		for (to = 0; to < nr; to++)
			if (to != me)
				gic_send_sgi(sgi_id(mode, me, to), to);
	gic_wait_irqs(nr - 1);
	/* No one is still sending when anyone looks for duplicates. */
	gic_barrier(nr, 2);
	gic_spin_ms(SETTLE_MS);
}

/* Each vCPU got exactly one SGI from each other vCPU, the right one. */
static void check_sgis(u32 nr, enum sgi_mode mode)
{
	struct gic_vm g;
	u32 to, from, i;

	gic_vm_new(&g, nr, guest_sgis, nr | mode << 8);
	gic_vm_run_all(&g);
	for (to = 0; to < nr; to++) {
		struct gic_log *log = read_log(g.vm, to);
		u32 count[GIC_NR_SGIS] = { 0 };

		ASSERT_EQ(log->nr, nr - 1);
		for (i = 0; i < log->nr; i++) {
			ASSERT_LT(log->intid[i], GIC_NR_SGIS);
			count[log->intid[i]]++;
		}
		for (from = 0; from < nr; from++)
			if (from != to)
				EXPECT_EQ(count[sgi_id(mode, from, to)], 1);
	}
}

TEST(sgis_targeted_reach_exactly_their_target_2_vcpus)
{
	check_sgis(2, SGI_TARGETED);
}

TEST(sgis_targeted_reach_exactly_their_target_4_vcpus)
{
	check_sgis(4, SGI_TARGETED);
}

TEST(sgis_broadcast_reach_every_other_vcpu_once_2_vcpus)
{
	check_sgis(2, SGI_BROADCAST);
}

TEST(sgis_broadcast_reach_every_other_vcpu_once_4_vcpus)
{
	check_sgis(4, SGI_BROADCAST);
}

#define SELF_SGI	5

static void guest_sgi_to_self(u64 unused)
{
	guest_gic_up();
	local_irq_enable();
	gic_send_sgi(SELF_SGI, gic_cpu_index());
	gic_wait_irqs(1);
	gic_spin_ms(SETTLE_MS);
}

TEST(sgi_to_self_is_taken_once)
{
	struct vmm_vcpu *vcpu = gic_vm_one_vcpu(guest_sgi_to_self, 0);
	const u32 want[] = { SELF_SGI };

	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 0, 1, want);
}

/* Not a timer's (26, 27, 30) nor the PMU's (23). */
#define TEST_PPI	21

static void guest_ppi(u64 unused)
{
	if (gic_cpu_index() == 0)
		gic_dist_init();
	gic_cpu_init();
	gic_irq_set_priority(TEST_PPI, PRIO_DEFAULT);
	gic_irq_enable(TEST_PPI);
	gic_my_log()->irq_ucall = 1;
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_spin_ms(SETTLE_MS);
}

/*
 * PPIs are level-sensitive (GICR_ICFGR1 reads 0, read-only in KVM): the
 * line stays high until the target's handler has the interrupt, and is
 * lowered before its EOI, so the target takes it once.
 */
TEST(ppi_raised_for_vcpu_n_reaches_only_vcpu_n)
{
	const u32 target = 2, want[] = { TEST_PPI };
	struct gic_vm g;
	struct ucall uc;
	u32 i;

	gic_vm_new(&g, 4, guest_ppi, 0);
	for (i = 0; i < g.nr; i++)
		expect_sync(g.vcpu[i], SYNC_READY);
	vmm_irq_line(g.vm, KVM_ARM_IRQ_TYPE_PPI, target, TEST_PPI, 1);
	for (i = 0; i < g.nr; i++) {
		if (i == target) {
			uc = expect_sync(g.vcpu[i], GIC_UCALL_IRQ);
			ASSERT_EQ(uc.args[1], TEST_PPI);
			vmm_irq_line(g.vm, KVM_ARM_IRQ_TYPE_PPI, target, TEST_PPI, 0);
		}
		vmm_run_to_done(g.vcpu[i]);
		expect_log(g.vm, i, i == target, want);
	}
}

/* ---- KVM_ARM_IRQ_TYPE_CPU, no vGIC ---- */

/* Counted by the handler, read by the interrupted code: atomics for the compiler. */
static u32 cpu_line_taken;

static void cpu_line_handler(struct guest_regs *regs)
{
	__atomic_fetch_add(&cpu_line_taken, 1, __ATOMIC_RELAXED);
	/* The host lowers the line here; returning unmasks again. */
	GUEST_SYNC2(SYNC_TAKEN, read_sysreg(isr_el1));
}

static void guest_cpu_line(u64 fiq)
{
	guest_install_handler(fiq ? VECTOR_FIQ_CUR : VECTOR_IRQ_CUR, cpu_line_handler);
	/* Masked as at reset: the line shows in ISR_EL1 only. */
	GUEST_SYNC(SYNC_READY);
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, __atomic_load_n(&cpu_line_taken, __ATOMIC_RELAXED));
	GUEST_SYNC2(SYNC_CHECK, read_sysreg(isr_el1));
	if (fiq)
		local_fiq_enable();
	else
		local_irq_enable();
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, __atomic_load_n(&cpu_line_taken, __ATOMIC_RELAXED));
	GUEST_SYNC2(SYNC_CHECK, read_sysreg(isr_el1));
}

/* ISR_EL1.I is bit 7, .F bit 6. */
static void check_cpu_line(u32 line)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_cpu_line,
					     line == KVM_ARM_IRQ_CPU_FIQ);
	u64 isr = line == KVM_ARM_IRQ_CPU_FIQ ? 1 << 6 : 1 << 7;

	expect_sync(vcpu, SYNC_READY);
	vmm_irq_line(vcpu->vm, KVM_ARM_IRQ_TYPE_CPU, 0, line, 1);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], isr);
	ASSERT_EQ(expect_sync(vcpu, SYNC_TAKEN).args[1], isr);
	vmm_irq_line(vcpu->vm, KVM_ARM_IRQ_TYPE_CPU, 0, line, 0);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 1);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0);
	vmm_run_to_done(vcpu);
}

TEST(cpu_irq_line_without_vgic_raises_the_guests_irq_until_lowered)
{
	check_cpu_line(KVM_ARM_IRQ_CPU_IRQ);
}

TEST(cpu_fiq_line_without_vgic_raises_the_guests_fiq_until_lowered)
{
	check_cpu_line(KVM_ARM_IRQ_CPU_FIQ);
}
