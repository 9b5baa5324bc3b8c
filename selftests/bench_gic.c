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
 *   msi_to_handler
 *                from the VMM's counter read before KVM_SIGNAL_MSI (an
 *                LPI through the ITS, vgic_its/) to the first counter
 *                read of the guest's handler: the ioctl's translation,
 *                the KVM_RUN back in, the list register and the exception.
 *                The VM's counter offset is 0, so the VMM's CNTVCT_EL0
 *                (E2H and TGE set: no virtual offset) and the guest's
 *                count alike.
 * Every figure includes the ISBs of two counter reads. An IPI between two
 * vCPUs is not measured: under -icount QEMU runs the host's CPUs in turn,
 * and its time slices, not the hypervisor, decide how long the target
 * takes to see the IPI (runs varied by a factor of 20).
 */
#include <linux/kvm.h>

#include <sys/ioctl.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"
#include "vgic_its/its.h"

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

/* ---- an MSI from KVM_SIGNAL_MSI to the handler ---- */

static volatile u64 lpi_at;
static volatile u32 lpis_seen;

static void bench_lpi(struct guest_regs *regs)
{
	u64 now = counter(), intid;

	asm volatile("mrs %0, " ICC_IAR1_EL1 : "=r" (intid));
	intid &= 0xffffff;
	if (intid != LPI)
		return;
	lpi_at = now;
	lpis_seen++;
	asm volatile("msr " ICC_EOIR1_EL1 ", %0" : : "r" (intid));
}

/* Each LPI: its handler's time to the host, which sends the next. */
static void guest_msi(u64 iters)
{
	u32 seen = 0;

	gic_dist_init();
	gic_cpu_init();
	guest_install_handler(VECTOR_IRQ_CUR, bench_lpi);
	its_guest_rd_lpis();
	its_guest_enable();
	its_guest_map();
	local_irq_enable();
	GUEST_SYNC2(1, 0);
	for (;;) {
		while (lpis_seen == seen)
			;
		seen = lpis_seen;
		GUEST_SYNC2(2, lpi_at);
	}
}

static inline u64 host_counter(void)
{
	u64 v;

	asm volatile("isb\n mrs %0, cntvct_el0\n isb" : "=r" (v) : : "memory");
	return v;
}

TEST_TIMEOUT(msi_to_handler, 900)
{
	struct kvm_arm_counter_offset off = { .counter_offset = 0 };
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_msi, 0);
	u64 i, t0, total = 0;
	struct ucall uc;

	its_new(vm);
	vmm_gic_init(gic);
	ASSERT_OK(ioctl(vm->fd, KVM_ARM_SET_COUNTER_OFFSET, &off));
	its_expect_sync(vcpu, 1);
	for (i = 0; i < WARMUP + ITERS; i++) {
		t0 = host_counter();
		ASSERT_EQ(its_signal(vm, DEVID, EVENT, KVM_MSI_VALID_DEVID), 1);
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], 2);
		if (i >= WARMUP)
			total += uc.args[1] - t0;
	}
	report("msi_to_handler", total, ITERS);
}
