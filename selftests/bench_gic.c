// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the in-kernel GIC, not tests (see bench_exits.c for how
 * they are run and reported), one vCPU:
 *   gicd_read    a distributor register read (GICD_TYPER), answered in
 *                the kernel
 *   virtual_ipi  from the counter read before an ICC_SGI1R_EL1 write that
 *                targets the vCPU itself to its handler's first counter
 *                read: the trap, the SGI queued, the list register filled
 *                and the guest's exception
 *   virtual_eoi  the handler's ICC_EOIR1_EL1 write of that SGI
 *   gicd_ctlr_1_vcpu, gicd_ctlr_64_vcpus
 *                a GICD_CTLR write that toggles EnableGrp1, on a VM with
 *                1 or 64 vCPUs (only one runs, nothing pending): what a
 *                distributor enable costs as the VM grows
 * Every figure includes the ISBs of two counter reads. An IPI between two
 * vCPUs is not measured: under -icount QEMU runs the host's CPUs in turn,
 * and its time slices, not the hypervisor, decide how long the target
 * takes to see the IPI (runs varied by a factor of 20).
 */
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define ITERS		2000
#define CTLR_VCPUS	64
#define WARMUP		100
#define BENCH_SGI	3

#define ICC_IAR1_EL1	"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1	"s3_0_c12_c12_1"

static volatile u64 sent_at, ipi_ticks, eoi_ticks;
static volatile u32 ipis_seen;

static inline u64 counter(void)
{
	u64 v;

	asm volatile("isb\n mrs %0, cntvct_el0\n isb" : "=r" (v) : : "memory");
	return v;
}

static void bench_irq(struct guest_regs *regs)
{
	u64 now = counter(), t0, t1, intid;

	asm volatile("mrs %0, " ICC_IAR1_EL1 : "=r" (intid));
	intid &= 0xffffff;
	if (intid >= 1020)	/* special INTIDs: spurious */
		return;
	ipi_ticks += now - sent_at;
	t0 = counter();
	asm volatile("msr " ICC_EOIR1_EL1 ", %0" : : "r" (intid));
	t1 = counter();
	eoi_ticks += t1 - t0;
	ipis_seen++;
}

static void send_ipis(u64 iters)
{
	u64 i;

	for (i = 0; i < iters; i++) {
		u32 seen = ipis_seen;

		sent_at = counter();
		gic_send_sgi(BENCH_SGI, 0);
		while (ipis_seen == seen)
			;
	}
}

static void guest_bench(u64 iters)
{
	u64 i, t0, t1;

	gic_dist_init();
	gic_cpu_init();
	guest_install_handler(VECTOR_IRQ_CUR, bench_irq);
	local_irq_enable();

	for (i = 0; i < WARMUP; i++)
		(void)gic_dist_read(GICD_TYPER);
	t0 = counter();
	for (i = 0; i < iters; i++)
		(void)gic_dist_read(GICD_TYPER);
	t1 = counter();
	GUEST_SYNC2(1, t1 - t0);

	send_ipis(WARMUP);
	ipi_ticks = 0;
	eoi_ticks = 0;
	send_ipis(iters);
	GUEST_SYNC2(2, ipi_ticks);
	GUEST_SYNC2(3, eoi_ticks);
}

static void report(const char *name, u64 ticks, u64 iters)
{
	vt_note("bench %s %llu.%02llu", name, (unsigned long long)(ticks / iters),
		(unsigned long long)(ticks * 100 / iters % 100));
}

TEST_TIMEOUT(gic_round_trips, 900)
{
	static const char *const names[] = { "gicd_read", "virtual_ipi", "virtual_eoi" };
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_bench, ITERS);
	struct ucall uc;
	unsigned int i;

	vmm_gic_init(gic);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], i + 1);
		report(names[i], uc.args[1], ITERS);
	}
	vmm_run_to_done(vcpu);
}

/* Off, on, off, ...: every write changes EnableGrp1. */
static void toggle_ctlr(u64 iters)
{
	u64 i;

	for (i = 0; i < iters; i++)
		gic_dist_write(GICD_CTLR, GICD_CTLR_ARE_NS | (i & 1 ? GICD_CTLR_ENABLE_G1A : 0));
}

static void guest_ctlr(u64 iters)
{
	u64 t0, t1;

	gic_dist_init();
	gic_cpu_init();
	toggle_ctlr(WARMUP);
	t0 = counter();
	toggle_ctlr(iters);
	t1 = counter();
	GUEST_SYNC2(1, t1 - t0);
}

static void ctlr_bench(const char *name, unsigned int nr_vcpus)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_ctlr, ITERS);
	struct ucall uc;
	unsigned int i;

	/* The others never run: they only make the VM bigger. */
	for (i = 1; i < nr_vcpus; i++)
		vmm_vcpu_new(vm, i, guest_ctlr, ITERS);
	vmm_gic_init(gic);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	report(name, uc.args[1], ITERS);
}

TEST_TIMEOUT(gicd_ctlr_toggles, 900)
{
	ctlr_bench("gicd_ctlr_1_vcpu", 1);
	ctlr_bench("gicd_ctlr_64_vcpus", CTLR_VCPUS);
}
