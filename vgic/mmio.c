// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses to the distributor and redistributor frames: the vGIC's
 * devices on the VM's MMIO bus (mmu/iobus.h). Each handles an access by
 * running its register table under vgic->lock, then kicks whoever the
 * access made an interrupt pending for, once the lock is dropped; the bus
 * writes back a load's value and steps past the instruction.
 *
 * The frames go on the bus at the first KVM_RUN whose checks pass
 * (vhv_vgic_run_check()): every vCPU then has its redistributor, the
 * layout is valid, CTRL_INIT is done, and nothing can move a frame any
 * more (no vCPU can be added, addresses are set once). The distributor is
 * one 64 KB device; each vCPU's redistributor is one 128 KB device (its
 * RD and SGI frames), as KVM registers them, so that finding one is the
 * bus's O(log n) search.
 *
 * As on KVM's bus: an access without a valid syndrome (ISV = 0) goes to
 * the VMM, and so does one that starts inside a frame and crosses its
 * end. Inside, an access that is unaligned or of a size the register does
 * not take is RAZ/WI. The registers are little-endian: the bus hands over
 * the bytes as the guest put them on the bus.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/iobus.h"
#include "timer/timer.h"
#include "vgic/irq.h"
#include "vgic/layout.h"
#include "vgic/lpi_regs.h"
#include "vgic/regs.h"
#include "vgic/vgic.h"

/* rd: the redistributor's vCPU, or NULL for the distributor. */
static bool frame_access(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev,
			 struct vhv_vcpu *rd, u64 addr, unsigned int len, bool write, u64 *val)
{
	struct vhv_vgic *gic = vcpu->vm->vgic;
	struct vgic_kicks k = { };
	struct vgic_ctx c = { .gic = gic, .rd = rd, .k = &k };
	unsigned long flags;
	bool done;
	u32 off;

	if (!vhv_iobus_within(dev, addr, len))
		return false;
	off = addr - dev->base;
	/* LPI registers that read guest memory do so outside the lock. */
	if (rd && write && off < VGIC_REDIST_FRAME && vhv_lpi_reg_write(rd, off, len, *val))
		return true;
	/*
	 * The guest looking at its own PPIs sees its timers' outputs as they
	 * are now, not as the last entry left them (it may just have
	 * disabled one).
	 */
	if (rd == vcpu)
		vhv_timer_refresh(vcpu);
	raw_spin_lock_irqsave(&gic->lock, flags);
	if (rd)
		done = vhv_vgic_redist_access(&c, off >= VGIC_REDIST_FRAME, off % VGIC_REDIST_FRAME,
					      len, write, val);
	else
		done = vhv_vgic_dist_access(&c, off, len, write, val);
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	/* Nothing there, or a size the register does not take: RAZ/WI. */
	if (!done)
		*val = 0;
	vhv_vgic_kick(vcpu->vm, &k);
	return true;
}

static bool dist_read(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		      unsigned int len, u64 *val)
{
	return frame_access(vcpu, dev, NULL, addr, len, false, val);
}

static bool dist_write(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		       unsigned int len, u64 val)
{
	return frame_access(vcpu, dev, NULL, addr, len, true, &val);
}

static struct vhv_vcpu *rd_vcpu(struct vhv_iobus_dev *dev)
{
	return container_of(dev, struct vhv_vcpu, vgic.rd_dev);
}

static bool rd_read(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		    unsigned int len, u64 *val)
{
	return frame_access(vcpu, dev, rd_vcpu(dev), addr, len, false, val);
}

static bool rd_write(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		     unsigned int len, u64 val)
{
	return frame_access(vcpu, dev, rd_vcpu(dev), addr, len, true, &val);
}

static const struct vhv_iobus_ops dist_ops = { .read = dist_read, .write = dist_write };
static const struct vhv_iobus_ops rd_ops = { .read = rd_read, .write = rd_write };

/* The frames as they stand; with vm->lock, every vCPU placed. */
static int register_frames(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	unsigned int i, n = vm->nr_vcpus;
	struct vhv_iobus_dev **devs;
	int ret = -EINVAL;
	u64 base;

	devs = kvcalloc(n + 1, sizeof(*devs), GFP_KERNEL_ACCOUNT);
	if (!devs)
		return -ENOMEM;
	gic->dist_dev = (struct vhv_iobus_dev) {
		.base = gic->dist_base, .size = VGIC_DIST_SIZE, .ops = &dist_ops,
	};
	devs[0] = &gic->dist_dev;
	for (i = 0; i < n; i++) {
		struct vhv_vcpu *v = vm->vcpus[i];

		if (!vhv_vgic_rd_base(gic, i, &base))
			goto out;
		v->vgic.rd_dev = (struct vhv_iobus_dev) {
			.base = base, .size = VGIC_REDIST_SIZE, .ops = &rd_ops,
		};
		devs[i + 1] = &v->vgic.rd_dev;
	}
	ret = vhv_iobus_register(vm, devs, n + 1);
out:
	kvfree(devs);
	return ret;
}

int vhv_vgic_mmio_register(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	int ret = 0;

	/* Under vm->lock: the first KVM_RUN of two vCPUs may race here. */
	mutex_lock(&vm->lock);
	if (!gic->on_bus) {
		ret = register_frames(vm);
		gic->on_bus = !ret;
	}
	mutex_unlock(&vm->lock);
	return ret;
}
