/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register tables of the distributor and the redistributors (vgic/regs.c
 * runs them). A register is either a per-interrupt field array (enable,
 * pending, priority... one field per INTID, packed), or a plain 32- or
 * 64-bit register (array) with its own accessors.
 */
#ifndef VHV_VGIC_REGS_H
#define VHV_VGIC_REGS_H

#include <linux/types.h>

#include "vgic/irq.h"

struct vgic_ctx {
	struct vhv_vgic *gic;
	struct vhv_vcpu *rd;		/* the redistributor's vCPU, or NULL */
	struct vgic_kicks *k;
	/*
	 * A VMM's access through the device attributes, with KVM's meaning:
	 * IS*PENDR read and write the pending latch alone, IC*PENDR are
	 * RAZ/WI (Documentation/virt/kvm/devices/arm-vgic-v3.rst).
	 */
	bool uaccess;
};

enum vgic_field {
	VF_NONE,
	VF_GROUP,			/* IGROUPR: 1 bit */
	VF_ENABLE,			/* IS/ICENABLER: 1 bit */
	VF_PENDING,			/* IS/ICPENDR: 1 bit */
	VF_ACTIVE,			/* IS/ICACTIVER: 1 bit */
	VF_PRIORITY,			/* IPRIORITYR: 8 bits */
	VF_CONFIG,			/* ICFGR: 2 bits, [1] set for edge */
};

enum vgic_op { VOP_RW, VOP_SET, VOP_CLEAR };

/* Access sizes a register accepts; others are RAZ/WI. */
#define VW_8		BIT(1)
#define VW_32		BIT(4)
#define VW_64		BIT(8)

struct vgic_reg {
	u32 offset;
	u32 size;			/* bytes covered (a whole array) */
	u16 widths;			/* VW_* */
	u8 field;			/* enum vgic_field, or VF_NONE */
	u8 op;				/* enum vgic_op, for fields */
	u8 reg_bytes;			/* plain registers: 4 or 8 */
	u8 irq_bits;			/* plain per-interrupt arrays: bits per INTID */
	/* Plain registers: idx is the element of an array, 0 for one. */
	u64 (*read)(struct vgic_ctx *c, u32 idx);
	void (*write)(struct vgic_ctx *c, u32 idx, u64 val);
};

#define VGIC_FIELD(off, sz, w, f, o) \
	{ .offset = (off), .size = (sz), .widths = (w), .field = (f), .op = (o) }
#define VGIC_REG32(off, sz, rd, wr) \
	{ .offset = (off), .size = (sz), .widths = VW_32, .reg_bytes = 4, .read = (rd), .write = (wr) }
#define VGIC_REG64(off, sz, rd, wr) \
	{ .offset = (off), .size = (sz), .widths = VW_32 | VW_64, .reg_bytes = 8, \
	  .read = (rd), .write = (wr) }
/* A plain register array with irq_bits per INTID, from INTID 0 at off. */
#define VGIC_IRQREG(off, sz, w, bytes, bits, rd, wr) \
	{ .offset = (off), .size = (sz), .widths = (w), .reg_bytes = (bytes), \
	  .irq_bits = (bits), .read = (rd), .write = (wr) }

/* An access to a table: false if no register is there or the size is
 * not one it takes (the caller treats it as RAZ/WI).
 */
bool vhv_vgic_regs_access(struct vgic_ctx *c, const struct vgic_reg *table, unsigned int n,
			  u32 off, unsigned int len, bool write, u64 *val);

/*
 * For a VMM's 32-bit access at off: whether a register is there and, if
 * it is per interrupt, its INTID is below nr_irqs (KVM: ENXIO if not).
 */
bool vhv_vgic_regs_has(const struct vgic_reg *table, unsigned int n, u32 off, unsigned int nr_irqs);

/* The two frames' tables (vgic/dist.c, vgic/redist.c). */
bool vhv_vgic_dist_access(struct vgic_ctx *c, u32 off, unsigned int len, bool write, u64 *val);
bool vhv_vgic_redist_access(struct vgic_ctx *c, bool sgi_frame, u32 off, unsigned int len,
			    bool write, u64 *val);
/* The VMM's view (KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS): 32 bits
 * at off, the redistributor's SGI frame at 64 KB; 0 or -errno.
 */
bool vhv_vgic_dist_has(struct vhv_vgic *gic, u32 off);
bool vhv_vgic_redist_has(u32 off);
int vhv_vgic_dist_uaccess(struct vgic_ctx *c, u32 off, bool write, u64 *val);
int vhv_vgic_redist_uaccess(struct vgic_ctx *c, u32 off, bool write, u64 *val);

/* Accessors several tables share. */
u64 vhv_vgic_raz(struct vgic_ctx *c, u32 idx);
/* The ID registers at 0xffd0-0xfffc of both frames. */
u64 vhv_vgic_pidr_read(struct vgic_ctx *c, u32 idx);
void vhv_vgic_wi(struct vgic_ctx *c, u32 idx, u64 val);

/* Peripheral ID2 (offset 0xffe8): ArchRev [7:4] = 3, GICv3. */
#define VGIC_PIDR2_GICV3	0x3b

/*
 * What the vGIC says it is, in KVM's words, so that guests and saved
 * state treat it like KVM's: ProductID [31:24] 0x4b, Revision [15:12] 3
 * (GICD only), Implementer [11:0] 0x43b (Arm).
 */
#define VGIC_GICD_IIDR		0x4b00343b
#define VGIC_GICR_IIDR		0x4b00043b

#endif /* VHV_VGIC_REGS_H */
