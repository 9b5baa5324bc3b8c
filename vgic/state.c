// SPDX-License-Identifier: GPL-2.0
/*
 * The vGIC's state as a VMM saves and restores it, through the device
 * attribute groups DIST_REGS, REDIST_REGS, CPU_SYSREGS (vgic/icc.c) and
 * LEVEL_INFO, with KVM's formats, order rules and errnos. Together they
 * hold everything the guest can observe: what the register tables show
 * (with the pending latch apart from the line, as KVM defines the VMM's
 * view of IS*PENDR), the input level of every level interrupt, and each
 * vCPU's CPU interface (VMCR fields and active priorities).
 *
 * Order, as KVM's: the vCPU the attribute names (EINVAL if none; the
 * distributor's are reached through vCPU 0), the value from user space
 * (EFAULT; for CPU_SYSREGS only once the register is known, else
 * ENOENT), every vCPU's mutex (EBUSY if any vCPU is in an ioctl, KVM_RUN
 * above all: its state may be in the hardware), CTRL_INIT done (EBUSY,
 * for every group), then the access. Offsets where no register is read
 * as zero and ignore writes; only KVM_HAS_DEVICE_ATTR says ENXIO.
 *
 * Locks: vm->lock (the caller), then each vcpu->mutex by trylock (so the
 * order against a vCPU ioctl never inverts, core/vm.h), then vgic->lock.
 */
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/icc.h"
#include "vgic/irq.h"
#include "vgic/regs.h"
#include "vgic/lpi_regs.h"
#include "vgic/state.h"
#include "vgic/vgic.h"

/* The attribute's mpidr field, Aff3.Aff2.Aff1.Aff0, as an MPIDR_EL1 value. */
static u64 attr_mpidr(u64 attr)
{
	u64 aff = (attr & KVM_DEV_ARM_VGIC_V3_MPIDR_MASK) >> KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;

	return (aff & 0xffffff) | (aff >> 24) << 32;
}

/* The distributor is not banked: KVM takes vCPU 0, and wants one. */
static struct vhv_vcpu *attr_vcpu(struct vhv_vm *vm, const struct kvm_device_attr *attr)
{
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS)
		return vhv_vm_nr_vcpus(vm) ? vm->vcpus[0] : NULL;
	return vhv_vcpu_by_mpidr(vm, attr_mpidr(attr->attr));
}

/* DIST_REGS and REDIST_REGS: one 32-bit register (half of a 64-bit one). */
static int regs_access(struct vhv_vm *vm, struct vhv_vcpu *vcpu, u64 attr, u32 group,
		       bool write, u64 *val)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	struct vgic_ctx c = { .gic = gic, .k = &k, .uaccess = true };
	u32 off = attr & KVM_DEV_ARM_VGIC_OFFSET_MASK;
	unsigned long flags;
	int ret;

	/* As KVM: where no register is (only HAS says ENXIO), RAZ/WI. */
	if (group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS ? !vhv_vgic_dist_has(gic, off) :
	    !vhv_vgic_redist_has(off)) {
		if (!write)
			*val = 0;
		return 0;
	}
	/* LPI registers that read guest memory do so outside the lock. */
	if (group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS && write &&
	    vhv_lpi_reg_write(vcpu, off, 4, *val))
		return 0;
	raw_spin_lock_irqsave(&gic->lock, flags);
	if (group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS) {
		ret = vhv_vgic_dist_uaccess(&c, off, write, val);
	} else {
		c.rd = vcpu;
		ret = vhv_vgic_redist_uaccess(&c, off, write, val);
	}
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	/* No vCPU runs now; the kicks only mark what they must look at. */
	vhv_vgic_kick(vm, &k);
	return ret;
}

static u32 attr_level_info(u64 attr)
{
	return (attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >> KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
}

/*
 * LEVEL_INFO: the input lines of 32 interrupts from a multiple of 32,
 * level-sensitive ones only (an edge has no level to keep); SGIs and
 * INTIDs past the last SPI are RAZ/WI.
 */
static int level_access(struct vhv_vm *vm, struct vhv_vcpu *vcpu, u64 attr, bool write,
			u64 *val)
{
	u32 intid = attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK;
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	unsigned long flags;
	unsigned int i;
	u64 lines = 0;

	if (attr_level_info(attr) != VGIC_LEVEL_INFO_LINE_LEVEL || intid % 32)
		return -EINVAL;
	raw_spin_lock_irqsave(&gic->lock, flags);
	for (i = 0; i < 32; i++) {
		struct vhv_irq *irq = vhv_vgic_irq(gic, vcpu, intid + i);

		if (!irq || irq->intid < VHV_VGIC_NR_SGIS || !irq->level)
			continue;
		if (write)
			vhv_vgic_irq_set_line(gic, irq, (*val >> i) & 1, &k);
		else
			lines |= (u64)irq->line << i;
	}
	raw_spin_unlock_irqrestore(&gic->lock, flags);
	vhv_vgic_kick(vm, &k);
	if (!write)
		*val = lines;
	return 0;
}

/* As KVM's ONE_REG-like path: the register is looked up before the value. */
static int icc_access(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr, bool write,
		      u64 *val)
{
	u16 instr = attr->attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK;

	if (!vhv_vgic_icc_has(instr))
		return -ENOENT;
	if (write && get_user(*val, (u64 __user *)u64_to_user_ptr(attr->addr)))
		return -EFAULT;
	return vhv_vgic_icc_access(vcpu, instr, write, val);
}

static int group_access(struct vhv_vm *vm, struct vhv_vcpu *vcpu,
			const struct kvm_device_attr *attr, bool write, u64 *val)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
		return regs_access(vm, vcpu, attr->attr, attr->group, write, val);
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		return icc_access(vcpu, attr, write, val);
	default:
		return level_access(vm, vcpu, attr->attr, write, val);
	}
}

/* The ICC registers are 64 bits wide in this interface, the rest 32. */
static int get_value32(const struct kvm_device_attr *attr, u64 *val)
{
	u32 v32;

	if (get_user(v32, (u32 __user *)u64_to_user_ptr(attr->addr)))
		return -EFAULT;
	*val = v32;
	return 0;
}

static int put_value(const struct kvm_device_attr *attr, u64 val)
{
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
		return put_user(val, (u64 __user *)u64_to_user_ptr(attr->addr));
	return put_user((u32)val, (u32 __user *)u64_to_user_ptr(attr->addr));
}

int vhv_vgic_state_attr(struct vhv_vm *vm, const struct kvm_device_attr *attr, bool write)
{
	struct vhv_vcpu *vcpu = attr_vcpu(vm, attr);
	bool icc = attr->group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	u64 val = 0;
	int ret;

	if (!vcpu)
		return -EINVAL;
	/* The 32-bit groups take the value first, the ICC registers last (KVM). */
	if (write && !icc && get_value32(attr, &val))
		return -EFAULT;
	if (!vhv_vm_trylock_vcpus(vm))
		return -EBUSY;
	if (!vm->vgic->initialised)
		ret = -EBUSY;
	else
		ret = group_access(vm, vcpu, attr, write, &val);
	vhv_vm_unlock_vcpus(vm);
	if (!ret && !write)
		ret = put_value(attr, val) ? -EFAULT : 0;
	return ret;
}

int vhv_vgic_state_has(struct vhv_vm *vm, const struct kvm_device_attr *attr)
{
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO)
		return attr_level_info(attr->attr) == VGIC_LEVEL_INFO_LINE_LEVEL ? 0 : -ENXIO;
	if (!attr_vcpu(vm, attr))
		return -EINVAL;
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
		return vhv_vgic_dist_has(vm->vgic, attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK) ?
		       0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
		return vhv_vgic_redist_has(attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK) ? 0 : -ENXIO;
	default:
		return vhv_vgic_icc_has(attr->attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK) ?
		       0 : -ENXIO;
	}
}
