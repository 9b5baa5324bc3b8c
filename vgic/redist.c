// SPDX-License-Identifier: GPL-2.0
/*
 * The redistributors (Arm GIC architecture specification, chapter 12.10,
 * "The GIC Redistributor register descriptions"): one per vCPU, two 64 KB
 * frames each, RD_base and SGI_base, laid out from the REDIST base in
 * vCPU creation order. Decisions for what is not emulated:
 *   - GICR_CTLR: CES and IR read 1 as on KVM's revision 3, the rest 0;
 *   - LPIs (vgic/lpi_regs.c): GICR_TYPER.PLPIS reads 1 once the VM has
 *     an ITS, as KVM's; GICR_SYNCR reads 0, never busy;
 *   - STATUSR: RAZ/WI, no errors to report;
 *   - IGRPMODR0, NSACR: RAZ/WI, one Security state;
 *   - GICR_WAKER: RAZ/WI as in KVM: the redistributor is always awake, so
 *     a guest's wake-up handshake ends at once (one that waits to see
 *     ChildrenAsleep set would wait in vain on KVM too);
 *   - any other offset (SETLPIR, CLRLPIR among them): RAZ/WI
 *     (vgic/mmio.c), and a VMM's KVM_HAS_DEVICE_ATTR says ENXIO there.
 */
#include <linux/kernel.h>

#include "arm64/sysregs.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/layout.h"
#include "vgic/lpi_regs.h"
#include "vgic/regs.h"
#include "vgic/vgic.h"

/* GICR_TYPER: Affinity_Value [63:32], Processor_Number [23:8], Last [4]. */
#define TYPER_PLPIS		BIT(0)
#define TYPER_LAST		BIT(4)
#define TYPER_PROC_SHIFT	8

/* IR [2], CES [1] on revision 3; EnableLPIs [0] and RWP [3] (vgic/lpi_regs.c). */
static u64 ctlr_read(struct vgic_ctx *c, u32 idx)
{
	u64 val = vhv_lpi_ctlr_bits(c->rd);

	return c->gic->iidr_rev >= VGIC_IIDR_REV_DEFAULT ? val | BIT(1) | BIT(2) : val;
}

static u64 iidr_read(struct vgic_ctx *c, u32 idx)
{
	return VGIC_GICR_IIDR;
}

/* MPIDR Aff2-0 [23:0] become Affinity_Value [55:32]; Aff3 is 0, as in KVM. */
static u64 typer_read(struct vgic_ctx *c, u32 idx)
{
	struct vhv_vcpu *vcpu = c->rd;
	u64 aff = vcpu->sys[VHV_SR_MPIDR_EL1] & 0xffffff;
	u64 val = (aff << 32) | ((u64)(vcpu->id & 0xffff) << TYPER_PROC_SHIFT);

	if (vhv_vgic_rd_is_last(c->gic, vcpu))
		val |= TYPER_LAST;
	if (READ_ONCE(vcpu->vm->has_its))
		val |= TYPER_PLPIS;
	return val;
}

static const struct vgic_reg rd_regs[] = {
	VGIC_REG32(0x0000, 4, ctlr_read, vhv_vgic_wi),
	VGIC_REG32(0x0004, 4, iidr_read, vhv_vgic_wi),
	VGIC_REG64(0x0008, 8, typer_read, vhv_vgic_wi),
	VGIC_REG32(0x0010, 4, vhv_vgic_raz, vhv_vgic_wi),		/* STATUSR */
	VGIC_REG32(0x0014, 4, vhv_vgic_raz, vhv_vgic_wi),		/* WAKER */
	VGIC_REG64(0x0070, 8, vhv_lpi_propbaser_read, vhv_lpi_propbaser_write),
	VGIC_REG64(0x0078, 8, vhv_lpi_pendbaser_read, vhv_lpi_pendbaser_write),
	/* INVLPIR, INVALLR: written in vgic/lpi_regs.c, outside the lock. */
	VGIC_REG64(0x00a0, 0x08, vhv_vgic_raz, vhv_vgic_wi),
	VGIC_REG64(0x00b0, 0x08, vhv_vgic_raz, vhv_vgic_wi),
	VGIC_REG32(0x00c0, 4, vhv_vgic_raz, vhv_vgic_wi),		/* SYNCR */
	VGIC_REG32(0xffd0, 0x30, vhv_vgic_pidr_read, vhv_vgic_wi),
};

#define FIELD32(off, f, o)	VGIC_FIELD(off, 4, VW_32, f, o)

static const struct vgic_reg sgi_regs[] = {
	FIELD32(0x0080, VF_GROUP, VOP_RW),
	FIELD32(0x0100, VF_ENABLE, VOP_SET),
	FIELD32(0x0180, VF_ENABLE, VOP_CLEAR),
	FIELD32(0x0200, VF_PENDING, VOP_SET),
	FIELD32(0x0280, VF_PENDING, VOP_CLEAR),
	FIELD32(0x0300, VF_ACTIVE, VOP_SET),
	FIELD32(0x0380, VF_ACTIVE, VOP_CLEAR),
	VGIC_FIELD(0x0400, 0x20, VW_8 | VW_32, VF_PRIORITY, VOP_RW),
	VGIC_FIELD(0x0c00, 8, VW_32, VF_CONFIG, VOP_RW),
	VGIC_REG32(0x0d00, 4, vhv_vgic_raz, vhv_vgic_wi),		/* IGRPMODR0 */
	VGIC_REG32(0x0e00, 4, vhv_vgic_raz, vhv_vgic_wi),		/* NSACR */
};

bool vhv_vgic_redist_access(struct vgic_ctx *c, bool sgi_frame, u32 off, unsigned int len,
			    bool write, u64 *val)
{
	if (sgi_frame)
		return vhv_vgic_regs_access(c, sgi_regs, ARRAY_SIZE(sgi_regs), off, len, write,
					    val);
	return vhv_vgic_regs_access(c, rd_regs, ARRAY_SIZE(rd_regs), off, len, write, val);
}

/* ---- the VMM's view: RD_base, then SGI_base 64 KB on ---- */

bool vhv_vgic_redist_has(u32 off)
{
	if (off >= VGIC_REDIST_SIZE)
		return false;
	if (off >= VGIC_REDIST_FRAME)
		return vhv_vgic_regs_has(sgi_regs, ARRAY_SIZE(sgi_regs), off - VGIC_REDIST_FRAME,
					 VHV_VGIC_NR_PRIVATE);
	return vhv_vgic_regs_has(rd_regs, ARRAY_SIZE(rd_regs), off, VHV_VGIC_NR_PRIVATE);
}

int vhv_vgic_redist_uaccess(struct vgic_ctx *c, u32 off, bool write, u64 *val)
{
	bool sgi = off >= VGIC_REDIST_FRAME;

	return vhv_vgic_redist_access(c, sgi, off % VGIC_REDIST_FRAME, 4, write, val) ? 0 : -ENXIO;
}
