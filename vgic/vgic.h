/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual GICv3: what the rest of vhv calls, and the state it keeps.
 *
 * The distributor and the redistributors are emulated in the kernel
 * (vgic/dist.c, vgic/redist.c); the CPU interface is the hardware's
 * virtual one (ICH_*_EL2), fed through the list registers (vgic/lr.c).
 *
 * Locking: one raw spinlock per VM, vgic->lock, protects every interrupt's
 * state (struct vhv_irq) and every vCPU's ap_list. It is taken with
 * interrupts masked, inside the run window too, and is innermost: nothing
 * else is taken under it, and vCPUs are kicked only after it is dropped.
 * vm->lock (outer) serialises the device attributes against vCPU creation.
 */
#ifndef VHV_VGIC_VGIC_H
#define VHV_VGIC_VGIC_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "mmu/iobus.h"

struct vhv_vcpu;
struct vhv_vm;
struct vhv_dabt;
struct vhv_sys_access;

#define VHV_VGIC_NR_SGIS	16
#define VHV_VGIC_NR_PRIVATE	32
#define VHV_VGIC_MAX_IRQS	1023	/* NR_IRQS limit: at most 992 in use */
#define VHV_VGIC_MAX_LRS	16
#define VHV_VGIC_ADDR_UNDEF	(~0ULL)
#define VHV_VGIC_PRI_BITS	5	/* priority bits kept, as KVM */

/* One interrupt, SGI, PPI or SPI. All fields under vgic->lock. */
struct vhv_irq {
	struct list_head ap;		/* on queued->vgic.ap_list */
	struct vhv_vcpu *queued;	/* whose ap_list holds it, or NULL */
	/*
	 * Whose interrupt it is: an SGI's or PPI's redistributor's vCPU; an
	 * SPI's, the vCPU with the affinity IROUTER names, found when IROUTER
	 * or a vCPU's MPIDR_EL1 changes (vhv_vgic_retarget), or NULL.
	 */
	struct vhv_vcpu *target;
	u64 route;			/* SPI: IROUTER's affinity fields */
	u32 intid;
	u8 priority;
	bool group1;
	bool enabled;
	bool level;			/* level-sensitive, else edge */
	bool line;			/* the input of a level interrupt */
	bool latch;			/* the pending latch */
	bool active;
	/* Between a flush and the next sync: in a list register, and the
	 * edge pending state that went there with it.
	 */
	bool in_lr;
	bool lr_pending;
	bool lpi;			/* a struct vhv_lpi (vgic/lpi.h) */
};

/* The virtual CPU interface of a vCPU, as saved between two runs. */
struct vhv_vgic_cpu {
	struct vhv_irq priv[VHV_VGIC_NR_PRIVATE];
	struct list_head ap_list;	/* pending or active, for this vCPU */
	u64 vmcr;			/* ICH_VMCR_EL2 */
	u32 ap0r[4];			/* ICH_AP0R<n>_EL2 */
	u32 ap1r[4];			/* ICH_AP1R<n>_EL2 */
	/* What the last flush put in the list registers. */
	unsigned int nr_lr;
	struct vhv_irq *lr_irq[VHV_VGIC_MAX_LRS];
	u64 lr_val[VHV_VGIC_MAX_LRS];	/* as the last sync found them */
	/* ICC_CTLR_EL1.PRIbits + 1 and .IDbits as the VMM set them (or the
	 * hardware's): what the VMM reads back, and the APRs it may reach.
	 */
	u8 pri_bits;
	u8 id_bits;
	/* KVM_ARM_IRQ_TYPE_CPU lines (HCR_EL2.VI, .VF), without a vGIC. */
	unsigned long cpu_lines;
	/* Its redistributor's RD and SGI frames on the MMIO bus (vgic/mmio.c). */
	struct vhv_iobus_dev rd_dev;
	/* LPIs (vgic/lpi_regs.c): GICR_PENDBASER, GICR_CTLR.EnableLPIs. */
	u64 pendbaser;
	u32 lpi_ctlr;
};

/*
 * A redistributor region: count redistributors from base, or with count 0
 * (the legacy REDIST attribute) one per vCPU. Never changed once set.
 */
struct vhv_vgic_rdreg {
	u64 base;
	u32 count;
};

/* KVM's implementation revisions: 3 makes GICR_CTLR.{CES,IR} read 1. */
#define VGIC_IIDR_REV_2		2
#define VGIC_IIDR_REV_DEFAULT	3

struct vhv_vgic {
	raw_spinlock_t lock;
	struct vhv_vm *vm;
	bool initialised;		/* KVM_DEV_ARM_VGIC_CTRL_INIT done */
	bool checked;			/* a KVM_RUN found the frames in place */
	u64 dist_base;
	struct vhv_vgic_rdreg *rdregs;	/* VGIC_MAX_RDREGS, by index (vgic/layout.c) */
	unsigned int nr_rdregs;		/* those set; grows with release */
	unsigned int nr_irqs;		/* SPIs + 32, or 0: not set yet */
	struct vhv_irq *spis;		/* nr_irqs - 32, from CTRL_INIT */
	bool enabled;			/* GICD_CTLR.EnableGrp1, for both groups */
	u8 iidr_rev;			/* GICD_IIDR.Revision: 2 or 3, as KVM's */
	/* The frames on the MMIO bus, from the first KVM_RUN (vgic/mmio.c). */
	struct vhv_iobus_dev dist_dev;
	bool on_bus;			/* under vm->lock */
	/* LPIs (vgic/lpi.h): GICR_PROPBASER, one for all, as in KVM. */
	u64 propbaser;
	struct mutex lpi_lock;		/* lpi_xa's members and nr_maps */
	struct xarray lpi_xa;		/* INTID -> struct vhv_lpi */
};

/* The hardware's virtual CPU interface, read once at load. */
struct vhv_vgic_hw {
	u64 vtr;			/* ICH_VTR_EL2 */
	unsigned int nr_lr;		/* ICH_VTR_EL2.ListRegs + 1 */
	unsigned int nr_apr;		/* ICH_AP<n>R registers per group */
	unsigned int pri_bits;		/* ICH_VTR_EL2.PRIbits + 1 */
	int maint_irq;			/* Linux IRQ number, or 0: no vGIC */
};

extern struct vhv_vgic_hw vhv_vgic_hw;

/* Module load and unload: ICH_VTR_EL2, the maintenance interrupt. */
int vhv_vgic_hw_init(void);
void vhv_vgic_hw_exit(void);
bool vhv_vgic_available(void);

/* KVM_CREATE_DEVICE for KVM_DEV_TYPE_ARM_VGIC_V3 (vgic/device.c). */
int vhv_vgic_create(struct vhv_vm *vm, bool test_only, __u32 __user *ufd);
void vhv_vgic_destroy(struct vhv_vm *vm);
/* KVM_RUN: the vGIC is set up (0), or KVM's errno for what is missing. */
int vhv_vgic_run_check(struct vhv_vm *vm);
/* A vCPU's MPIDR_EL1 changed (vm->lock held): the SPIs follow their routes. */
void vhv_vgic_retarget(struct vhv_vm *vm);
/* KVM_CREATE_VCPU: whether a vCPU may still be added. */
int vhv_vgic_vcpu_allowed(struct vhv_vm *vm);
void vhv_vgic_vcpu_init(struct vhv_vcpu *vcpu);
bool vhv_vgic_ready(struct vhv_vm *vm);

/* KVM_IRQ_LINE (vgic/irq.c). */
int vhv_vgic_irq_line(struct vhv_vm *vm, u32 irq, bool level);
/* Raise or lower an SPI by INTID, for irqfd. */
int vhv_vgic_set_spi(struct vhv_vm *vm, u32 intid, bool level);
/* A private level interrupt of vcpu driven by the hardware it emulates (a
 * timer's output); kicks nobody: the vCPU looks before its next entry.
 */
void vhv_vgic_set_ppi_level(struct vhv_vcpu *vcpu, u32 intid, bool level);
/* WFI: an interrupt the vCPU would take, so it must not sleep. */
bool vhv_vgic_has_pending(struct vhv_vcpu *vcpu);

/*
 * The distributor and every redistributor onto the MMIO bus, once: the
 * first KVM_RUN, its checks passed (vgic/mmio.c).
 */
int vhv_vgic_mmio_register(struct vhv_vm *vm);
/* ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1 written by the guest. */
int vhv_vgic_sgi(struct vhv_vcpu *vcpu, struct vhv_sys_access *p, bool group0);

/* The run window (vgic/lr.c), interrupts masked. */
void vhv_vgic_flush(struct vhv_vcpu *vcpu);
void vhv_vgic_sync(struct vhv_vcpu *vcpu);
/* After the window: the synced list registers into the interrupts' state. */
void vhv_vgic_fold(struct vhv_vcpu *vcpu);

#endif /* VHV_VGIC_VGIC_H */
