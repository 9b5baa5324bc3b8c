// SPDX-License-Identifier: GPL-2.0
/*
 * GICD_CTLR toggled in a loop on a VM with 64 vCPUs, with SPIs routed to
 * every one of them pending: each SPI is delivered exactly once, to the
 * vCPU its IROUTER names, never while the distributor holds it back.
 *
 * Two ways for an SPI to be held back while GICD_CTLR toggles:
 *  - disabled at the distributor (GICD_ICENABLER) while pending, enabled
 *    after the last toggle: KVM and vhv deliver it then (both targets);
 *  - pending while EnableGrp1 is clear, delivered once it is set again,
 *    as the GIC architecture has it: vhv only. KVM does not queue an
 *    interrupt made pending while its distributor is disabled, nor
 *    requeue it when the distributor is enabled (vgic_target_oracle()
 *    and vgic_kick_vcpus() in 6.12), so it never arrives there.
 *
 * The VMM gives the vCPUs their MPIDR_EL1 in reverse order (vCPU k has
 * vcpu_id 63 - k's) after the vGIC is initialised, so that routes, SGIs
 * and the redistributors' affinities all go by the MPIDR the VMM wrote,
 * not by creation order. In the vhv-only mode the VMM also writes every
 * IROUTER before it changes the MPIDRs, so the SPIs must follow the
 * affinities to their new vCPUs (KVM finds an SPI's target when IROUTER
 * is written, and keeps it); otherwise the guest routes them. The
 * guest's vCPU with affinity 0 drives; the others sleep in WFI and count
 * what they take. The host's soft-lockup and RCU-stall detectors watch (a
 * boot fails on their reports).
 *
 * KVM ABI only. Skips without an in-kernel vGICv3.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define NR_VCPUS	64
#define FIRST_SPI	32
#define NR_IRQS		(FIRST_SPI + NR_VCPUS)	/* SPI 32 + n belongs to vCPU n */
#define ROUNDS		8
#define TOGGLES		16
#define QUIET_MS	2
#define WAIT_MS		20000
#define SGI_HELLO	3
#define PRIO		0x80

#define ICC_IAR1_EL1	"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1	"s3_0_c12_c12_1"

/* Guest state, by the vCPU's own index (from its MPIDR_EL1). */
static volatile u32 taken[NR_VCPUS];	/* its SPI, each time */
static volatile u32 wrong[NR_VCPUS];	/* anything else but SGI_HELLO */
static volatile u32 hello[NR_VCPUS];	/* SGI_HELLO */
static volatile u32 up[NR_VCPUS];	/* its CPU interface is set up */
/* How the SPIs are held back during the toggles; set by the host. */
static u32 held_back_by_ctlr;

static void ctlr_irq(struct guest_regs *regs)
{
	u32 me = gic_cpu_index();
	u64 intid;

	asm volatile("mrs %0, " ICC_IAR1_EL1 : "=r" (intid));
	intid &= 0xffffff;
	if (intid >= 1020)
		return;
	if (intid == FIRST_SPI + me)
		taken[me]++;
	else if (intid == SGI_HELLO)
		hello[me]++;
	else
		wrong[me]++;
	asm volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" : : "r" (intid) : "memory");
}

static u64 now_ms(void)
{
	return read_sysreg(cntvct_el0) * 1000 / read_sysreg(cntfrq_el0);
}

static void set_ctlr(bool on)
{
	gic_dist_write(GICD_CTLR, GICD_CTLR_ARE_NS | (on ? GICD_CTLR_ENABLE_G1A : 0));
}

/* Which vCPUs get their SPI in a round: two in three, in turn. */
static bool in_round(u32 n, u32 round)
{
	return n && (n + round) % 3;
}

static void wait_all_up(void)
{
	u64 end = now_ms() + WAIT_MS;
	u32 n;

	for (n = 1; n < NR_VCPUS; n++)
		while (!up[n])
			GUEST_ASSERT(now_ms() < end);
}

/* vCPU index n's affinity, as gic_cpu_index() reads it back. */
static u64 affinity_of(u32 n)
{
	return (n & 0xf) | (u64)(n >> 4) << 8;
}

/* Every SPI edge, enabled, routed to its vCPU's affinity (unless the VMM did). */
static void route_spis(void)
{
	u32 n, intid;

	for (n = 0; n < NR_VCPUS; n++) {
		intid = FIRST_SPI + n;
		if (!held_back_by_ctlr) {
			gic_spi_setup(intid, PRIO, true);
			gic_spi_route(intid, affinity_of(n));
			continue;
		}
		/* As gic_spi_setup(), which routes to 0, but for the route. */
		GUEST_ASSERT_EQ(gic_dist_read64(GICD_IROUTER + 8 * intid), affinity_of(n));
		gic_irq_disable(intid);
		gic_irq_set_priority(intid, PRIO);
		gic_irq_set_edge(intid, true);
		gic_irq_enable(intid);
	}
}

static void expect_counts(u32 round)
{
	u32 n;

	for (n = 1; n < NR_VCPUS; n++) {
		u32 want = 0, r;

		for (r = 0; r < round; r++)
			want += in_round(n, r);
		GUEST_ASSERT_EQ(taken[n], want);
		GUEST_ASSERT_EQ(wrong[n], 0);
	}
}

static void pend_round(u32 round)
{
	u32 n;

	for (n = 1; n < NR_VCPUS; n++)
		if (in_round(n, round))
			gic_dist_write(GICD_ISPENDR + (FIRST_SPI + n) / 32 * 4,
				       1U << ((FIRST_SPI + n) % 32));
}

static void enable_round(u32 round, bool on)
{
	u32 n;

	for (n = 1; n < NR_VCPUS; n++)
		if (in_round(n, round))
			gic_dist_write((on ? GICD_ISENABLER : GICD_ICENABLER) +
				       (FIRST_SPI + n) / 32 * 4, 1U << ((FIRST_SPI + n) % 32));
}

/* Every vCPU of the round takes its SPI, once. */
static void wait_round(u32 round)
{
	u64 end = now_ms() + WAIT_MS;
	u32 n, r, want;

	for (n = 1; n < NR_VCPUS; n++) {
		for (r = 0, want = 0; r <= round; r++)
			want += in_round(n, r);
		while (taken[n] < want)
			if (now_ms() > end)
				ucall_abort(__FILE__, __LINE__, n << 16 | round, taken[n]);
	}
	/* And no second time. */
	gic_spin_ms(QUIET_MS);
	expect_counts(round + 1);
}

static void one_round(u32 round)
{
	u32 t;

	if (held_back_by_ctlr) {
		set_ctlr(false);
	} else {
		set_ctlr(true);
		enable_round(round, false);
	}
	pend_round(round);
	gic_spin_ms(QUIET_MS);
	expect_counts(round);
	for (t = 0; t < TOGGLES; t++) {
		set_ctlr(true);
		set_ctlr(false);
	}
	set_ctlr(true);
	if (!held_back_by_ctlr) {
		/* Still held back by their own enables. */
		gic_spin_ms(QUIET_MS);
		expect_counts(round);
		enable_round(round, true);
	}
	wait_round(round);
}

static void guest_ctlr(u64 unused)
{
	u32 me = gic_cpu_index(), n, round;

	if (me) {
		gic_cpu_init_handler(ctlr_irq);
		up[me] = 1;
		local_irq_enable();
		for (;;)
			asm volatile("wfi" : : : "memory");
	}
	gic_dist_init();
	gic_cpu_init_handler(ctlr_irq);
	wait_all_up();
	route_spis();
	/* Every vCPU can be reached by affinity: an SGI to each. */
	for (n = 1; n < NR_VCPUS; n++)
		gic_send_sgi(SGI_HELLO, n);
	for (round = 0; round < ROUNDS; round++)
		one_round(round);
	for (n = 1; n < NR_VCPUS; n++)
		GUEST_ASSERT_EQ(hello[n], 1);
	GUEST_DONE();
}

/* ---- host ---- */

static void on_sigusr1(int sig)
{
}

static void *run_sleeper(void *arg)
{
	return (void *)(long)vmm_run(arg);
}

/* vcpu_id n's default MPIDR_EL1, as KVM builds it (Aff0 = n[3:0], Aff1 = n[11:4]). */
static u64 mpidr_of(unsigned int n)
{
	return (1ULL << 31) | (n & 0xf) | (u64)(n >> 4) << 8;
}

static void toggle_test(bool by_ctlr)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct vmm_vcpu *vcpu[NR_VCPUS];
	pthread_t thread[NR_VCPUS];
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, NR_IRQS);
	unsigned int k;
	void *ret;

	held_back_by_ctlr = by_ctlr;
	vmm_sync_to_guest(vm, &held_back_by_ctlr, sizeof(held_back_by_ctlr));
	for (k = 0; k < NR_VCPUS; k++)
		vcpu[k] = vmm_vcpu_new(vm, k, guest_ctlr, 0);
	vmm_gic_init(gic);
	/* Routed by the affinities the MPIDRs below give: still vCPU n's now. */
	for (k = 0; by_ctlr && k < NR_VCPUS; k++) {
		u32 lo = affinity_of(k), hi = 0;

		ASSERT_OK(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
					  GICD_IROUTER + 8 * (FIRST_SPI + k), &lo));
		ASSERT_OK(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
					  GICD_IROUTER + 8 * (FIRST_SPI + k) + 4, &hi));
	}
	for (k = 0; k < NR_VCPUS; k++)
		vmm_set_reg(vcpu[k], REG_SYS(3, 0, 0, 0, 5), mpidr_of(NR_VCPUS - 1 - k));
	ASSERT_EQ(vmm_get_reg(vcpu[0], REG_SYS(3, 0, 0, 0, 5)), mpidr_of(NR_VCPUS - 1));
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	/* vCPU 63 has affinity 0 and drives; the others sleep in WFI. */
	for (k = 0; k < NR_VCPUS - 1; k++)
		ASSERT_EQ(pthread_create(&thread[k], NULL, run_sleeper, vcpu[k]), 0);
	vmm_run_to_done(vcpu[NR_VCPUS - 1]);
	for (k = 0; k < NR_VCPUS - 1; k++) {
		/* Until it is out of KVM_RUN: a signal may land before it enters. */
		while (pthread_tryjoin_np(thread[k], &ret)) {
			pthread_kill(thread[k], SIGUSR1);
			usleep(1000);
		}
		/* Not an exit of its own: a guest assertion would have been one. */
		ASSERT_EQ((long)ret, -EINTR);
	}
}

TEST_TIMEOUT(gicd_ctlr_toggled_with_64_vcpus_and_spis_held_by_their_enables, 600)
{
	toggle_test(false);
}

/*
 * vhv-only: KVM drops what is made pending while its distributor is off,
 * and keeps an SPI's target when the vCPU's MPIDR_EL1 changes.
 */
TEST_TIMEOUT(gicd_ctlr_toggled_with_64_vcpus_and_spis_held_by_the_distributor, 600)
{
	vmm_require_vhv();
	toggle_test(true);
}
