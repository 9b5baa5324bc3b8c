/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vGICv3 state as a VMM reaches it, for the GIC state tests
 * (vgic_state.c, vgic_state_errors.c, vgic_regions.c), both sides of it.
 *
 * Host side (KVM ABI only): the device attributes of the groups
 * KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS, _CPU_SYSREGS and
 * _LEVEL_INFO, by their encodings below. attr_get(), attr_put() and
 * attr_has() are the raw calls, for the errno checks; the accessors of a
 * struct vgic (dist_get(), rd_get(), icc_get(), level_get() and their
 * _set() twins) must succeed, or, with has_only, only ask
 * KVM_HAS_DEVICE_ATTR. gvm_new() makes a VM with the vGIC (NR_IRQS) and
 * its vCPUs; expect_sync() and expect_log() check what a guest reported.
 *
 * Guest side: the CPU interface by its system registers (icc_read(),
 * icc_write()), and irq_handler(), lib/gic.c's handler with a hook
 * (irq_hook) called before the EOI and a deactivation by ICC_DIR_EL1 when
 * EOImode is 1. It runs in the guest only and calls no libc.
 */
#ifndef VHV_SELFTESTS_GIC_ATTR_H
#define VHV_SELFTESTS_GIC_ATTR_H

#include <linux/kvm.h>

#include "gic.h"
#include "vmm.h"

#define NR_IRQS		96		/* 64 SPIs: two blocks of 32 for LEVEL_INFO */
#define MAX_VCPUS	4
#define SETTLE_MS	50

/* An INTID's bit in its 32-bit register. */
#define IRQ_BIT(intid)	(1U << ((intid) % 32))

#define GRP_ADDR	KVM_DEV_ARM_VGIC_GRP_ADDR
#define GRP_DIST	KVM_DEV_ARM_VGIC_GRP_DIST_REGS
#define GRP_REDIST	KVM_DEV_ARM_VGIC_GRP_REDIST_REGS
#define GRP_ICC		KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS
#define GRP_LEVEL	KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO
#define ADDR_DIST	KVM_VGIC_V3_ADDR_TYPE_DIST
#define ADDR_REDIST	KVM_VGIC_V3_ADDR_TYPE_REDIST
#define ADDR_REGION	KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION

/* Registers gic.h does not name. REDIST_REGS offsets of SGI_base ones: SGI(). */
#define GICD_TYPER2	0x000c
#define GICD_STATUSR	0x0010
#define GICD_SETSPI_NSR	0x0040
#define GICD_IGRPMODR	0x0d00
#define GICD_NSACR	0x0e00
#define GICD_SGIR	0x0f00
#define GICR_IIDR	0x0004
#define GICR_STATUSR	0x0010
#define GICR_SETLPIR	0x0040
#define GICR_ISACTIVER0	0x0300
#define GICR_ICACTIVER0	0x0380
#define GICR_ICFGR1	(GICR_ICFGR0 + 4)
#define SGI(off)	(GIC_SGI_FRAME + (off))

/* CPU_SYSREGS attr, low 16 bits: Op0 (3), Op1, CRn, CRm, Op2. */
#define ICC_ATTR(op1, crn, crm, op2)	\
	(3U << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))
#define ICC_PMR		ICC_ATTR(0, 4, 6, 0)
#define ICC_BPR0	ICC_ATTR(0, 12, 8, 3)
#define ICC_AP0R(n)	ICC_ATTR(0, 12, 8, 4 + (n))
#define ICC_AP1R(n)	ICC_ATTR(0, 12, 9, (n))
#define ICC_RPR		ICC_ATTR(0, 12, 11, 3)
#define ICC_SGI1R	ICC_ATTR(0, 12, 11, 5)
#define ICC_IAR1	ICC_ATTR(0, 12, 12, 0)
#define ICC_EOIR1	ICC_ATTR(0, 12, 12, 1)
#define ICC_BPR1	ICC_ATTR(0, 12, 12, 3)
#define ICC_CTLR	ICC_ATTR(0, 12, 12, 4)
#define ICC_SRE		ICC_ATTR(0, 12, 12, 5)
#define ICC_IGRPEN0	ICC_ATTR(0, 12, 12, 6)
#define ICC_IGRPEN1	ICC_ATTR(0, 12, 12, 7)
#define SCTLR_EL1_ATTR	(3U << 14 | 1 << 7)

/* ICC_CTLR_EL1 fields. */
#define CTLR_CBPR	(1ULL << 0)
#define CTLR_EOIMODE	(1ULL << 1)
#define CTLR_PMHE	(1ULL << 6)
#define CTLR_PRIBITS(v)	((v) >> 8 & 7)		/* priority bits - 1 */
#define CTLR_PRIBITS_MASK (7ULL << 8)
#define CTLR_IDBITS(v)	((v) >> 11 & 7)		/* 0: 16 bits, 1: 24 bits */
#define CTLR_IDBITS_MASK (7ULL << 11)
#define CTLR_SEIS	(1ULL << 14)
#define CTLR_A3V	(1ULL << 15)
#define CTLR_RSS	(1ULL << 18)
#define CTLR_EXTRANGE	(1ULL << 19)
#define ICC_SRE_SRE	1ULL
#define ICC_SRE_KVM	7ULL		/* SRE, DFB, DIB: what KVM keeps */

#define LEVEL_ATTR(info, intid)	\
	((u64)(info) << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT | (intid))
#define LINE_LEVEL(intid)	LEVEL_ATTR(VGIC_LEVEL_INFO_LINE_LEVEL, intid)

/* What the guests of these tests report, in args[0] of a GUEST_SYNC. */
enum {
	SYNC_READY = 1,		/* set up; the host acts now */
	SYNC_PARKED,		/* vCPU 1: state snapshot taken, waits to be saved */
	SYNC_SAVE,		/* vCPU 0, in its handler: save the VM now */
	SYNC_SNAPPED,		/* after the restore: the guest's view taken again */
	SYNC_CHECK,		/* args[1..]: values for the host */
	SYNC_FOUND,		/* args[1] RD_base found, args[2] its GICR_TYPER */
};

/* ---- host side ---- */

/* attr bits 63:32 for vCPU id: its MPIDR affinity as KVM gives it (Aff0 id[3:0], Aff1 id[11:4]). */
u64 vcpu_attr(u32 id);

/* Raw calls for the errno checks: the value is a u64, of which u32 groups use the low half. */
int attr_get(int fd, u32 grp, u64 attr, u64 *val);
int attr_put(int fd, u32 grp, u64 attr, u64 val);
int attr_has(int fd, u32 grp, u64 attr);
/* A GET that must succeed; gives the value. */
u64 attr_val(int fd, u32 grp, u64 attr);

/* The vGIC device; has_only: the accessors below only ask KVM_HAS_DEVICE_ATTR. */
struct vgic {
	int fd;
	bool has_only;
};

u32 dist_get(struct vgic *g, u32 off);
void dist_set(struct vgic *g, u32 off, u32 val);
u32 rd_get(struct vgic *g, u32 id, u32 off);
void rd_set(struct vgic *g, u32 id, u32 off, u32 val);
u64 icc_get(struct vgic *g, u32 id, u32 reg);
void icc_set(struct vgic *g, u32 id, u32 reg, u64 val);
u32 level_get(struct vgic *g, u32 id, u32 intid);
void level_set(struct vgic *g, u32 id, u32 intid, u32 val);

/* APRs per group for ICC_CTLR_EL1.PRIbits: 5 bits 1, 6 bits 2, 7 bits 4. */
u32 nr_aprs(u64 ctlr);

/* GICR_TYPER of vCPU id, both halves. */
u64 typer_of(struct vgic *g, u32 id);
/* GICR_TYPER as KVM gives vCPU id: its affinity, Processor_Number, and Last. */
u64 want_typer(u32 id, bool last);

/* A VM with the vGIC (NR_IRQS) and vCPUs 0..nr-1 in fn. */
struct gvm {
	struct vmm_vm *vm;
	struct vgic g;
	struct vmm_vcpu *vcpu[MAX_VCPUS];
	u32 nr;
};

/* init: KVM_DEV_ARM_VGIC_CTRL_INIT once the vCPUs exist. */
void gvm_new(struct gvm *v, u32 nr, void (*fn)(u64), u64 arg, bool init);

/* Runs vcpu to its next ucall, which must be a GUEST_SYNC of what; gives it. */
struct ucall expect_sync(struct vmm_vcpu *vcpu, u64 what);
/* vCPU idx's gic_logs[] holds exactly these nr INTIDs, and no spurious one. */
void expect_log(struct vmm_vm *vm, u32 idx, u32 nr, const u32 *intids);

/* ---- guest side ---- */

/* The CPU interface by encoding, for any assembler. */
#define SYS_ICC_PMR	"s3_0_c4_c6_0"
#define SYS_ICC_BPR0	"s3_0_c12_c8_3"
#define SYS_ICC_AP0R0	"s3_0_c12_c8_4"
#define SYS_ICC_AP1R0	"s3_0_c12_c9_0"
#define SYS_ICC_DIR	"s3_0_c12_c11_1"
#define SYS_ICC_RPR	"s3_0_c12_c11_3"
#define SYS_ICC_IAR1	"s3_0_c12_c12_0"
#define SYS_ICC_EOIR1	"s3_0_c12_c12_1"
#define SYS_ICC_BPR1	"s3_0_c12_c12_3"
#define SYS_ICC_CTLR	"s3_0_c12_c12_4"
#define SYS_ICC_SRE	"s3_0_c12_c12_5"
#define SYS_ICC_IGRPEN0	"s3_0_c12_c12_6"
#define SYS_ICC_IGRPEN1	"s3_0_c12_c12_7"

#define icc_read(r) ({								\
	u64 __v;								\
	asm volatile("mrs %0, " r : "=r" (__v) : : "memory");			\
	__v;									\
})
#define icc_write(r, v)								\
	asm volatile("msr " r ", %x0\n isb" : : "rZ" ((u64)(v)) : "memory")

/* Called by irq_handler() with the interrupt acknowledged, before its EOI. */
extern void (*irq_hook)(u32 intid);

/*
 * The library's handler (gic.c), plus the hook, and a deactivation by
 * ICC_DIR_EL1 when EOImode is 1. guest_install_handler() is one table for
 * every vCPU: each installs this after its gic_cpu_init(), which installs
 * the library's.
 */
void irq_handler(struct guest_regs *regs);

/* A guest that returns at once. */
void guest_nothing(u64 unused);

#endif /* VHV_SELFTESTS_GIC_ATTR_H */
