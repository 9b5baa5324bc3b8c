/* SPDX-License-Identifier: GPL-2.0 */
/* The redistributors' LPI registers (vgic/lpi_regs.c). */
#ifndef VHV_VGIC_LPI_REGS_H
#define VHV_VGIC_LPI_REGS_H

#include <linux/types.h>

struct vgic_ctx;
struct vhv_vcpu;

/* Table accessors, under vgic->lock (vgic/redist.c). */
u64 vhv_lpi_propbaser_read(struct vgic_ctx *c, u32 idx);
void vhv_lpi_propbaser_write(struct vgic_ctx *c, u32 idx, u64 val);
u64 vhv_lpi_pendbaser_read(struct vgic_ctx *c, u32 idx);
void vhv_lpi_pendbaser_write(struct vgic_ctx *c, u32 idx, u64 val);
/* GICR_CTLR's EnableLPIs and RWP. */
u64 vhv_lpi_ctlr_bits(struct vhv_vcpu *vcpu);
/*
 * A write to rd's RD frame that may read guest memory (GICR_CTLR,
 * GICR_INVLPIR, GICR_INVALLR), without vgic->lock: true if it was one.
 */
bool vhv_lpi_reg_write(struct vhv_vcpu *rd, u32 off, unsigned int len, u64 val);
/*
 * The Shareability [sh+1:sh], InnerCache [ic+2:ic] and OuterCache
 * [oc+2:oc] fields of a BASER-style register, sanitised as KVM does.
 */
u64 vhv_vgic_baser_sanitise(u64 reg, unsigned int sh, unsigned int ic, unsigned int oc);

#endif /* VHV_VGIC_LPI_REGS_H */
