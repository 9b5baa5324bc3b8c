/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel GICv3 for the tests, both sides of it.
 *
 * Host side (KVM ABI only): vmm_gic_new() creates the KVM_DEV_TYPE_ARM_VGIC_V3
 * device of a VM and places its distributor and redistributors at the fixed
 * guest addresses below; vmm_gic_init() initialises it once every vCPU exists
 * (KVM refuses both the other way round); vmm_irq_line() drives an interrupt
 * line with KVM_IRQ_LINE.
 *
 * Guest side: a tiny GICv3 driver with affinity routing, Group 1 only, the
 * CPU interface through its system registers. Its IRQ handler acknowledges,
 * logs the INTID in order in gic_logs[] (per vCPU, read by the host with
 * vmm_sync_from_guest()) and EOIs. gic_wait_irqs() sleeps in WFI until the
 * log holds a number of interrupts, with the virtual timer as a watchdog: if
 * it fires first, the guest reports a failed assertion at the watchdog line
 * of gic.c instead of hanging in WFI.
 */
#ifndef VHV_SELFTESTS_GIC_H
#define VHV_SELFTESTS_GIC_H

#include "guest.h"

/* Inside the guest's Device range, clear of UCALL_MMIO (guest.h). */
#define GIC_DIST_BASE		0x20000000ULL	/* 64 KB */
#define GIC_DIST_SIZE		0x10000ULL
#define GIC_REDIST_BASE		0x20100000ULL	/* a frame pair per vCPU, in vCPU order */
#define GIC_REDIST_STRIDE	0x20000ULL	/* RD_base, then SGI_base at +64 KB */
#define GIC_SGI_FRAME		0x10000ULL

#define GIC_MAX_VCPUS		64
#define GIC_LOG_MAX		256

/* INTID ranges. */
#define GIC_NR_SGIS		16
#define GIC_NR_PRIVATE		32
#define GIC_SPURIOUS		1023

/* The guest's virtual timer PPI (KVM's default), the watchdog of gic_wait_irqs(). */
#define GIC_VTIMER_PPI		27

/* Distributor registers. */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICD_PIDR2		0xffe8

#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_DS		(1U << 6)
#define GICD_CTLR_ARE_NS	(1U << 4)
#define GICD_CTLR_ENABLE_G1A	(1U << 1)

/* Redistributor, RD_base frame. */
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_PIDR2		0xffe8

#define GICR_TYPER_LAST		(1ULL << 4)
#define GICR_WAKER_PROCESSOR_SLEEP	(1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP	(1U << 2)

/* Redistributor, SGI_base frame. */
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ISPENDR0		0x0200
#define GICR_ICPENDR0		0x0280
#define GICR_IPRIORITYR0	0x0400
#define GICR_ICFGR0		0x0c00

/* ICC_SGI1R_EL1 fields. */
#define ICC_SGI1R_TARGETS(list)	((u64)(list) & 0xffff)
#define ICC_SGI1R_AFF1(a)	((u64)(a) << 16)
#define ICC_SGI1R_INTID(id)	((u64)(id) << 24)
#define ICC_SGI1R_IRM		(1ULL << 40)

/* A GUEST_SYNC2(GIC_UCALL_IRQ, intid) from the handler (gic_irq_ucall). */
#define GIC_UCALL_IRQ		0x6e1c

/* What one vCPU's IRQ handler saw, in order. */
struct gic_log {
	u32 nr;			/* interrupts acknowledged (may exceed GIC_LOG_MAX) */
	u32 intid[GIC_LOG_MAX];	/* the first GIC_LOG_MAX of them */
	u32 spurious;		/* acknowledges that gave INTID 1023 */
	u32 irq_ucall;		/* ucall GIC_UCALL_IRQ before each EOI */
};

extern struct gic_log gic_logs[GIC_MAX_VCPUS];

/* ---- host side ---- */
struct vmm_vm;

/* 0 if the target can create a vGICv3 (KVM_CREATE_DEVICE_TEST), else the errno. */
int vmm_gic_probe(struct vmm_vm *vm);
/*
 * Creates the vGICv3 with its frames at GIC_DIST_BASE and GIC_REDIST_BASE
 * and nr_irqs interrupts (0: KVM's default); returns the device fd. SKIPs
 * the test when the target has no vGICv3 (fails it on the KVM oracle).
 */
int vmm_gic_new(struct vmm_vm *vm, unsigned int nr_irqs);
/* The same with the frames at dist and redist. */
int vmm_gic_new_at(struct vmm_vm *vm, u64 dist, u64 redist, unsigned int nr_irqs);
/* KVM_DEV_ARM_VGIC_CTRL_INIT: after the last KVM_CREATE_VCPU. */
void vmm_gic_init(int gic_fd);

/* KVM_SET_DEVICE_ATTR / GET / HAS on a device fd: 0, or -1 with errno. */
int vmm_device_attr(int fd, unsigned long ioctl_nr, u32 group, u64 attr, void *val);

/* The irq field of struct kvm_irq_level for KVM_IRQ_LINE. */
u32 vmm_irq_encode(u32 type, u32 vcpu_idx, u32 num);
/* KVM_IRQ_LINE: 0, or -1 with errno. */
int vmm_irq_line_try(struct vmm_vm *vm, u32 type, u32 vcpu_idx, u32 num, u32 level);
/* KVM_IRQ_LINE that must succeed. */
void vmm_irq_line(struct vmm_vm *vm, u32 type, u32 vcpu_idx, u32 num, u32 level);
/* An SPI by its INTID (32 and up). */
void vmm_spi_line(struct vmm_vm *vm, u32 intid, u32 level);

/* ---- guest side ---- */
u32 gic_cpu_index(void);		/* from MPIDR_EL1: the vCPU id (< 256) */
void gic_dist_init(void);		/* ARE, Group 1 on; once per VM */
void gic_cpu_init(void);		/* this vCPU's redistributor and CPU interface */
/*
 * The same with the test's own IRQ handler. The vector table is the VM's,
 * not the vCPU's: with several vCPUs, installing another handler after
 * gic_cpu_init() races a vCPU that already takes interrupts.
 */
void gic_cpu_init_handler(guest_handler_fn handler);
/*
 * gic_cpu_init()'s setup of the private interrupts, for a guest that finds
 * its frames itself, at rd (an RD_base): all in Group 1, the PPIs disabled
 * and not pending, priority 0xa0 but the watchdog PPI's, 0x00 (highest).
 */
void gic_redist_private_init(u64 rd);

u32 gic_dist_read(u32 off);
void gic_dist_write(u32 off, u32 val);
u64 gic_dist_read64(u32 off);
void gic_dist_write64(u32 off, u64 val);
u8 gic_dist_read8(u32 off);
void gic_dist_write8(u32 off, u8 val);
u64 gic_redist_base(void);		/* this vCPU's RD_base */
u32 gic_redist_read(u32 off);		/* this vCPU's RD_base + off */
u64 gic_redist_read64(u32 off);

/* Per interrupt, SPI or private (this vCPU's). */
void gic_irq_enable(u32 intid);
void gic_irq_disable(u32 intid);
void gic_irq_set_priority(u32 intid, u8 prio);
u8 gic_irq_get_priority(u32 intid);
void gic_irq_set_edge(u32 intid, bool edge);
bool gic_irq_is_pending(u32 intid);
void gic_spi_route(u32 intid, u64 mpidr_aff);
/* Group 1, the priority, edge or level, routed to vCPU 0, enabled. */
void gic_spi_setup(u32 intid, u8 prio, bool edge);

/* CPU interface. */
void gic_set_pmr(u8 pmr);
u8 gic_get_pmr(void);
void gic_set_igrpen1(bool on);
u64 gic_read_ctlr(void);
void gic_send_sgi(u32 intid, u32 target_vcpu);
void gic_send_sgi_others(u32 intid);	/* IRM: every vCPU but this one */

/* PSTATE.I and PSTATE.F. */
static inline void local_irq_enable(void)
{
	asm volatile("msr daifclr, #2\n isb" : : : "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("msr daifset, #2" : : : "memory");
}

static inline void local_fiq_enable(void)
{
	asm volatile("msr daifclr, #1\n isb" : : : "memory");
}

/* This vCPU's log, and its count read as the handler left it. */
struct gic_log *gic_my_log(void);
u32 gic_nr_irqs_taken(void);

/* WFI until this vCPU has taken n interrupts (IRQs unmasked); watchdog 10 s. */
void gic_wait_irqs(u32 n);
/* Spins with IRQs as they are for ms of virtual counter time. */
void gic_spin_ms(u32 ms);

/* All n vCPUs reach barrier number gen (1, 2, ...) before any goes on. */
void gic_barrier(u32 n, u32 gen);

#endif /* VHV_SELFTESTS_GIC_H */
