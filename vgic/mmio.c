// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses to the distributor and redistributor frames, from the
 * stage-2 abort path (mmu/fault.c), handled in the kernel: decode which
 * frame, run its register table under vgic->lock, write back a load's
 * value, step past the instruction, then kick whoever the access made an
 * interrupt pending for.
 *
 * An access without a valid syndrome (ISV = 0) is not handled here: it
 * takes the same path as any other MMIO access, as in KVM. The registers
 * are little-endian; a big-endian guest is not supported by the vGIC.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/sizes.h>

#include "arm64/exits.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmio.h"
#include "timer/timer.h"
#include "vgic/its.h"
#include "vgic/layout.h"
#include "vgic/lpi_regs.h"
#include "vgic/regs.h"
#include "vgic/vgic.h"

/*
 * Which frame: the distributor (rd = NULL), or a vCPU's redistributor.
 * The whole access must lie in it, as KVM's MMIO bus asks of a device's
 * range (the distributor's 64 KB, a redistributor's RD and SGI frames):
 * an unaligned access that starts inside and crosses the end is not the
 * vGIC's but the VMM's, an MMIO exit, as in KVM.
 */
static bool find_frame(struct vhv_vgic *gic, const struct vhv_dabt *d, struct vhv_vcpu **rd,
		       u32 *off, bool *sgi)
{
	if (d->ipa - gic->dist_base < VGIC_DIST_SIZE) {
		*rd = NULL;
		*off = d->ipa - gic->dist_base;
		return *off + d->len <= VGIC_DIST_SIZE;
	}
	*rd = vhv_vgic_rd_find(gic, d->ipa, off);
	if (!*rd || *off + d->len > VGIC_REDIST_SIZE)
		return false;
	*sgi = *off >= VGIC_REDIST_FRAME;
	*off %= VGIC_REDIST_FRAME;
	return true;
}

/* A load's value into its register, then past the instruction. */
void vhv_vgic_mmio_finish(struct vhv_vcpu *vcpu, const struct vhv_dabt *d, u64 val)
{
	u64 *x = vcpu->regs.regs.regs;

	if (!d->is_write && d->rt != 31) {
		/* LDRSB/LDRSH/LDRSW (SSE), then a W register's zero-extension. */
		if (d->sign_extend && d->len < 8)
			val = sign_extend64(val, d->len * 8 - 1);
		x[d->rt] = d->reg64 ? val : (u32)val;
	}
	vhv_skip_instr(vcpu);
}

static bool frame_access(struct vhv_vcpu *vcpu, struct vgic_ctx *c, const struct vhv_dabt *d,
			 u32 off, bool sgi, u64 *val)
{
	struct vhv_vgic *gic = c->gic;
	unsigned long flags;
	bool done;

	/* LPI registers that read guest memory do so outside the lock. */
	if (c->rd && !sgi && d->is_write && vhv_lpi_reg_write(c->rd, off, d->len, *val))
		return true;
	raw_spin_lock_irqsave(&gic->lock, flags);
	if (c->rd)
		done = vhv_vgic_redist_access(c, sgi, off, d->len, d->is_write, val);
	else
		done = vhv_vgic_dist_access(c, off, d->len, d->is_write, val);
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	return done;
}

int vhv_vgic_mmio(struct vhv_vcpu *vcpu, const struct vhv_dabt *d)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	struct vgic_ctx c = { .gic = gic, .k = &k };
	u64 *x = vcpu->regs.regs.regs;
	bool sgi = false;
	u64 val = 0;
	u32 off;

	if (!vhv_vgic_ready(vm) || !d->isv)
		return 0;
	/* The ITS frames (vgic/its_mmio.c), then the GIC's own. */
	if (vhv_its_mmio(vcpu, d))
		return 1;
	if (!find_frame(gic, d, &c.rd, &off, &sgi))
		return 0;
	if (d->is_write)
		val = d->rt == 31 ? 0 : x[d->rt];
	/*
	 * The guest looking at its own PPIs sees its timers' outputs as they
	 * are now, not as the last entry left them (it may just have
	 * disabled one).
	 */
	if (c.rd == vcpu)
		vhv_timer_refresh(vcpu);
	/* Nothing there, or a size the register does not take: RAZ/WI. */
	if (!frame_access(vcpu, &c, d, off, sgi, &val))
		val = 0;
	vhv_vgic_mmio_finish(vcpu, d, val);
	vhv_vgic_kick(vm, &k);
	return 1;
}
