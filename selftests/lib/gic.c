// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv3 for the tests: the host's KVM device calls and the
 * guest's driver (see gic.h). The guest half runs in the guest only and
 * calls no libc.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "gic.h"
#include "mmio.h"
#include "test.h"
#include "vmm.h"

/* ---- host side ---- */

int vmm_device_attr(int fd, unsigned long ioctl_nr, u32 group, u64 attr, void *val)
{
	struct kvm_device_attr da = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return ioctl(fd, ioctl_nr, &da);
}

int vmm_gic_probe(struct vmm_vm *vm)
{
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_ARM_VGIC_V3, .flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm->fd, KVM_CREATE_DEVICE, &cd) ? errno : 0;
}

int vmm_gic_new(struct vmm_vm *vm, unsigned int nr_irqs)
{
	return vmm_gic_new_at(vm, GIC_DIST_BASE, GIC_REDIST_BASE, nr_irqs);
}

int vmm_gic_new_at(struct vmm_vm *vm, u64 dist, u64 redist, unsigned int nr_irqs)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	u32 nr = nr_irqs;
	int err = vmm_gic_probe(vm);

	if (err) {
		/* The oracle runs on a GICv3 host: there it must work. */
		if (vmm_target_is_kvm()) {
			vt_fail(__FILE__, __LINE__, "KVM_CREATE_DEVICE_TEST vgic-v3: %s",
				strerrorname_np(err) ?: "?");
			vt_abort();
		}
		SKIP("no in-kernel vGICv3 (KVM_CREATE_DEVICE_TEST: %s)",
		     strerrorname_np(err) ?: "?");
	}
	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_V3_ADDR_TYPE_DIST, &dist));
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist));
	if (nr)
		ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR,
					  KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr));
	return cd.fd;
}

void vmm_gic_init(int gic_fd)
{
	ASSERT_OK(vmm_device_attr(gic_fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_VGIC_CTRL_INIT, NULL));
}

u32 vmm_irq_encode(u32 type, u32 vcpu_idx, u32 num)
{
	/* vCPU indexes past 255 go in the VCPU2 field (KVM_CAP_ARM_IRQ_LINE_LAYOUT_2). */
	return (type & KVM_ARM_IRQ_TYPE_MASK) << KVM_ARM_IRQ_TYPE_SHIFT |
	       ((vcpu_idx >> 8) & KVM_ARM_IRQ_VCPU2_MASK) << KVM_ARM_IRQ_VCPU2_SHIFT |
	       (vcpu_idx & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT |
	       (num & KVM_ARM_IRQ_NUM_MASK) << KVM_ARM_IRQ_NUM_SHIFT;
}

int vmm_irq_line_try(struct vmm_vm *vm, u32 type, u32 vcpu_idx, u32 num, u32 level)
{
	struct kvm_irq_level irq = { .irq = vmm_irq_encode(type, vcpu_idx, num), .level = level };

	return ioctl(vm->fd, KVM_IRQ_LINE, &irq);
}

void vmm_irq_line(struct vmm_vm *vm, u32 type, u32 vcpu_idx, u32 num, u32 level)
{
	if (vmm_irq_line_try(vm, type, vcpu_idx, num, level)) {
		vt_fail(__FILE__, __LINE__, "KVM_IRQ_LINE type %u vcpu %u num %u level %u: %s",
			type, vcpu_idx, num, level, strerrorname_np(errno) ?: "?");
		vt_abort();
	}
}

void vmm_spi_line(struct vmm_vm *vm, u32 intid, u32 level)
{
	vmm_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, intid, level);
}

/* ---- guest side ---- */

struct gic_log gic_logs[GIC_MAX_VCPUS];
static u64 redist_bases[GIC_MAX_VCPUS];
static u32 wait_target[GIC_MAX_VCPUS];
static u32 barrier_count;

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* The GICv3 CPU interface and timer registers by encoding, for any assembler. */
#define ICC_PMR_EL1		s3_0_c4_c6_0
#define ICC_DIR_EL1		s3_0_c12_c11_1
#define ICC_SGI1R_EL1		s3_0_c12_c11_5
#define ICC_IAR1_EL1		s3_0_c12_c12_0
#define ICC_EOIR1_EL1		s3_0_c12_c12_1
#define ICC_BPR1_EL1		s3_0_c12_c12_3
#define ICC_CTLR_EL1		s3_0_c12_c12_4
#define ICC_SRE_EL1		s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1		s3_0_c12_c12_7

#define gic_read_sysreg(r) ({							\
	u64 __v;								\
	asm volatile("mrs %0, " __stringify(r) : "=r" (__v));			\
	__v;									\
})
#define gic_write_sysreg(v, r) do {						\
	u64 __v = (u64)(v);							\
	asm volatile("msr " __stringify(r) ", %x0" : : "rZ" (__v) : "memory");	\
} while (0)

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

u32 gic_cpu_index(void)
{
	u64 mpidr = read_sysreg(mpidr_el1);

	/* KVM's MPIDR of vCPU id n: Aff0 = n[3:0], Aff1 = n[11:4]. */
	return (mpidr & 0xf) | ((mpidr >> 8 & 0xff) << 4);
}

static u64 my_affinity(void)
{
	u64 mpidr = read_sysreg(mpidr_el1);

	/* As GICR_TYPER.Affinity_Value packs it: Aff3.Aff2.Aff1.Aff0. */
	return (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 24);
}

u32 gic_dist_read(u32 off)
{
	return readl(GIC_DIST_BASE + off);
}

void gic_dist_write(u32 off, u32 val)
{
	writel(val, GIC_DIST_BASE + off);
}

u64 gic_dist_read64(u32 off)
{
	return readq(GIC_DIST_BASE + off);
}

void gic_dist_write64(u32 off, u64 val)
{
	writeq(val, GIC_DIST_BASE + off);
}

u8 gic_dist_read8(u32 off)
{
	return readb(GIC_DIST_BASE + off);
}

void gic_dist_write8(u32 off, u8 val)
{
	writeb(val, GIC_DIST_BASE + off);
}

static void dist_wait_rwp(void)
{
	while (gic_dist_read(GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_dist_init(void)
{
	u32 lines = ((gic_dist_read(GICD_TYPER) & 0x1f) + 1) * 32, i;

	gic_dist_write(GICD_CTLR, 0);
	dist_wait_rwp();
	/* Every SPI off, not pending, in Group 1, to vCPU 0; tests set up theirs. */
	for (i = GIC_NR_PRIVATE; i < lines; i += 32) {
		gic_dist_write(GICD_ICENABLER + i / 8, ~0U);
		gic_dist_write(GICD_ICPENDR + i / 8, ~0U);
		gic_dist_write(GICD_IGROUPR + i / 8, ~0U);
	}
	dist_wait_rwp();
	gic_dist_write(GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	dist_wait_rwp();
}

/* This vCPU's frames: found by affinity, as a real driver finds them. */
u64 gic_redist_base(void)
{
	u32 cpu = gic_cpu_index();
	u64 rd, aff = my_affinity();

	GUEST_ASSERT(cpu < GIC_MAX_VCPUS);
	if (redist_bases[cpu])
		return redist_bases[cpu];
	for (rd = GIC_REDIST_BASE;; rd += GIC_REDIST_STRIDE) {
		u64 typer = readq(rd + GICR_TYPER);

		if (typer >> 32 == aff) {
			redist_bases[cpu] = rd;
			return rd;
		}
		/* No frame of ours before the last one: the guest cannot go on. */
		GUEST_ASSERT_EQ(typer & GICR_TYPER_LAST, 0);
	}
}

u32 gic_redist_read(u32 off)
{
	return readl(gic_redist_base() + off);
}

u64 gic_redist_read64(u32 off)
{
	return readq(gic_redist_base() + off);
}

static u64 sgi_base(void)
{
	return gic_redist_base() + GIC_SGI_FRAME;
}

static void redist_wait_rwp(void)
{
	/* GICR_CTLR.RWP, bit 3. */
	while (readl(gic_redist_base() + GICR_CTLR) & (1U << 3))
		;
}

void gic_redist_private_init(u64 rd)
{
	u64 sgi = rd + GIC_SGI_FRAME;
	u32 i;

	writel(~0U, sgi + GICR_IGROUPR0);
	writel(0xffff0000U, sgi + GICR_ICENABLER0);
	writel(0xffff0000U, sgi + GICR_ICPENDR0);
	for (i = 0; i < GIC_NR_PRIVATE; i++)
		writeb(0xa0, sgi + GICR_IPRIORITYR0 + i);
	writeb(0x00, sgi + GICR_IPRIORITYR0 + GIC_VTIMER_PPI);
}

static void gic_irq_handler(struct guest_regs *regs);

void gic_cpu_init(void)
{
	gic_cpu_init_handler(gic_irq_handler);
}

void gic_cpu_init_handler(guest_handler_fn handler)
{
	u64 rd = gic_redist_base(), sgi = sgi_base();

	writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP, rd + GICR_WAKER);
	while (readl(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		;
	/* SGIs on, PPIs off, all Group 1, nothing pending; the watchdog PPI highest. */
	gic_redist_private_init(rd);
	writel(0x0000ffffU, sgi + GICR_ISENABLER0);
	writel(1U << GIC_VTIMER_PPI, sgi + GICR_ISENABLER0);
	redist_wait_rwp();

	guest_install_handler(VECTOR_IRQ_CUR, handler);
	/* System register interface, every priority let through, EOI drops and deactivates. */
	gic_write_sysreg(gic_read_sysreg(ICC_SRE_EL1) | 1, ICC_SRE_EL1);
	isb();
	gic_write_sysreg(0xff, ICC_PMR_EL1);
	gic_write_sysreg(0, ICC_BPR1_EL1);
	gic_write_sysreg(0, ICC_CTLR_EL1);
	gic_write_sysreg(1, ICC_IGRPEN1_EL1);
	isb();
}

/* The register holding intid's bits: this vCPU's SGI frame for SGIs and PPIs. */
static u64 irq_reg(u32 dist_off, u32 intid, u32 bits_per_irq)
{
	u64 base = intid < GIC_NR_PRIVATE ? sgi_base() : GIC_DIST_BASE;

	return base + dist_off + intid * bits_per_irq / 32 * 4;
}

void gic_irq_enable(u32 intid)
{
	writel(1U << (intid % 32), irq_reg(GICD_ISENABLER, intid, 1));
	if (intid < GIC_NR_PRIVATE)
		redist_wait_rwp();
	else
		dist_wait_rwp();
}

void gic_irq_disable(u32 intid)
{
	writel(1U << (intid % 32), irq_reg(GICD_ICENABLER, intid, 1));
	if (intid < GIC_NR_PRIVATE)
		redist_wait_rwp();
	else
		dist_wait_rwp();
}

bool gic_irq_is_pending(u32 intid)
{
	return readl(irq_reg(GICD_ISPENDR, intid, 1)) >> (intid % 32) & 1;
}

void gic_irq_set_priority(u32 intid, u8 prio)
{
	u64 base = intid < GIC_NR_PRIVATE ? sgi_base() : GIC_DIST_BASE;

	writeb(prio, base + GICD_IPRIORITYR + intid);
}

u8 gic_irq_get_priority(u32 intid)
{
	u64 base = intid < GIC_NR_PRIVATE ? sgi_base() : GIC_DIST_BASE;

	return readb(base + GICD_IPRIORITYR + intid);
}

void gic_irq_set_edge(u32 intid, bool edge)
{
	u64 reg = irq_reg(GICD_ICFGR, intid, 2);
	u32 bit = 2 * (intid % 16) + 1;	/* Int_config[1]: 1 edge, 0 level */

	writel((readl(reg) & ~(1U << bit)) | (u32)edge << bit, reg);
}

void gic_spi_route(u32 intid, u64 mpidr_aff)
{
	gic_dist_write64(GICD_IROUTER + 8 * intid, mpidr_aff);
}

void gic_spi_setup(u32 intid, u8 prio, bool edge)
{
	gic_irq_disable(intid);
	gic_irq_set_priority(intid, prio);
	gic_irq_set_edge(intid, edge);
	gic_spi_route(intid, 0);
	gic_irq_enable(intid);
}

void gic_set_pmr(u8 pmr)
{
	gic_write_sysreg(pmr, ICC_PMR_EL1);
	isb();
}

u8 gic_get_pmr(void)
{
	return gic_read_sysreg(ICC_PMR_EL1);
}

void gic_set_igrpen1(bool on)
{
	gic_write_sysreg(on, ICC_IGRPEN1_EL1);
	isb();
}

u64 gic_read_ctlr(void)
{
	return gic_read_sysreg(ICC_CTLR_EL1);
}

static void send_sgi1r(u64 val)
{
	/* Memory writes before the SGI are seen by its handler. */
	asm volatile("dsb ishst" : : : "memory");
	gic_write_sysreg(val, ICC_SGI1R_EL1);
	isb();
}

void gic_send_sgi(u32 intid, u32 target_vcpu)
{
	send_sgi1r(ICC_SGI1R_INTID(intid) | ICC_SGI1R_AFF1(target_vcpu >> 4) |
		   ICC_SGI1R_TARGETS(1U << (target_vcpu & 0xf)));
}

void gic_send_sgi_others(u32 intid)
{
	send_sgi1r(ICC_SGI1R_INTID(intid) | ICC_SGI1R_IRM);
}

struct gic_log *gic_my_log(void)
{
	return &gic_logs[gic_cpu_index()];
}

u32 gic_nr_irqs_taken(void)
{
	return __atomic_load_n(&gic_my_log()->nr, __ATOMIC_RELAXED);
}

static void gic_irq_handler(struct guest_regs *regs)
{
	u32 cpu = gic_cpu_index(), intid = gic_read_sysreg(ICC_IAR1_EL1) & 0xffffff;
	struct gic_log *log = &gic_logs[cpu];

	/* 1020-1023 special, 1024-8191 reserved; LPIs from 8192 are logged. */
	if (intid >= 1020 && intid < 8192) {
		log->spurious++;
		return;
	}
	if (intid == GIC_VTIMER_PPI) {
		/* The watchdog of gic_wait_irqs(): interrupts taken vs awaited. */
		ucall_abort(__FILE__, __LINE__, log->nr, wait_target[cpu]);
	}
	if (log->nr < GIC_LOG_MAX)
		log->intid[log->nr] = intid;
	__atomic_store_n(&log->nr, log->nr + 1, __ATOMIC_RELAXED);
	/* Before the EOI, so that the host can lower a level line first. */
	if (log->irq_ucall)
		GUEST_SYNC2(GIC_UCALL_IRQ, intid);
	gic_write_sysreg(intid, ICC_EOIR1_EL1);
	isb();
}

void gic_wait_irqs(u32 n)
{
	u64 frq = read_sysreg(cntfrq_el0);

	wait_target[gic_cpu_index()] = n;
	write_sysreg(read_sysreg(cntvct_el0) + 10 * frq, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);	/* enabled, not masked */
	isb();
	/*
	 * Masked while checking, so that an interrupt between the check and
	 * the WFI is not lost: a pending interrupt ends WFI even when masked.
	 */
	local_irq_disable();
	while (gic_nr_irqs_taken() < n) {
		asm volatile("wfi" : : : "memory");
		local_irq_enable();
		local_irq_disable();
	}
	write_sysreg(0, cntv_ctl_el0);
	isb();
	local_irq_enable();
}

void gic_spin_ms(u32 ms)
{
	u64 end = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) * ms / 1000;

	while (read_sysreg(cntvct_el0) < end)
		asm volatile("yield" : : : "memory");
}

void gic_barrier(u32 n, u32 gen)
{
	u32 v;

	__atomic_fetch_add(&barrier_count, 1, __ATOMIC_ACQ_REL);
	for (;;) {
		/* A load-exclusive: another vCPU's store to it ends our WFE. */
		asm volatile("ldaxr %w0, [%1]" : "=r" (v) : "r" (&barrier_count) : "memory");
		if (v >= n * gen)
			break;
		asm volatile("wfe" : : : "memory");
	}
}
