// SPDX-License-Identifier: GPL-2.0
/*
 * The timers' interfaces: the VMM's ONE_REG ids and KVM_REG_LIST entries,
 * KVM_ARM_SET_COUNTER_OFFSET, the vCPU attribute group
 * KVM_ARM_VCPU_TIMER_CTRL, and the guest's trapped accesses to an
 * emulated physical timer. Semantics and errnos as KVM's in 6.12:
 *  - writing a counter (TIMER_CNT, PTIMER_CNT) sets the VM's offset for
 *    that counter, unless KVM_ARM_SET_COUNTER_OFFSET fixed both, after
 *    which such writes are accepted and ignored;
 *  - CTL reads back with ISTATUS computed (set once the count has reached
 *    CVAL, enabled or not), and ISTATUS is dropped from writes;
 *  - the PPIs are the VM's, whichever vCPU's attribute sets them.
 * ONE_REG and the attributes run under the vCPU's mutex, when its
 * registers are in memory (it is loaded only inside KVM_RUN).
 */
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <asm/sysreg.h>

#include "arm64/sysregs.h"
#include "core/compat.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "timer/timer.h"

/* In KVM_GET_REG_LIST's order. TIMER_CNT and TIMER_CVAL have each other's encoding. */
static const u64 timer_ids[] = {
	KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL,
	KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CNT, KVM_REG_ARM_PTIMER_CVAL,
};

enum timer_field { F_CTL, F_CNT, F_CVAL };

static int find_id(u64 id, enum vhv_timer_id *t, enum timer_field *f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timer_ids); i++) {
		if (timer_ids[i] == id) {
			*t = i / 3;
			*f = i % 3;
			return 0;
		}
	}
	return -ENOENT;
}

bool vhv_timer_is_reg(u64 id)
{
	enum vhv_timer_id t;
	enum timer_field f;

	return !find_id(id, &t, &f);
}

/* CTL as software shows it: ISTATUS from the count, as the hardware would. */
static u64 ctl_with_status(struct vhv_vcpu *vcpu, enum vhv_timer_id t,
			   const struct vhv_timer_regs *r)
{
	u64 ctl = r->ctl & ~VHV_TIMER_ISTATUS;

	if (vhv_timer_count(vcpu, t) >= r->cval)
		ctl |= VHV_TIMER_ISTATUS;
	return ctl;
}

int vhv_timer_get_reg(struct vhv_vcpu *vcpu, u64 id, u64 __user *uaddr)
{
	struct vhv_timer_regs r;
	enum vhv_timer_id t;
	enum timer_field f;
	u64 val;

	if (find_id(id, &t, &f))
		return -ENOENT;
	vhv_timer_read(vcpu, t, &r);
	if (f == F_CTL)
		val = ctl_with_status(vcpu, t, &r);
	else if (f == F_CNT)
		val = vhv_timer_count(vcpu, t);
	else
		val = r.cval;
	return put_user(val, uaddr);
}

int vhv_timer_set_reg(struct vhv_vcpu *vcpu, u64 id, const u64 __user *uaddr)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_timer_regs r;
	enum vhv_timer_id t;
	enum timer_field f;
	u64 val;

	if (find_id(id, &t, &f))
		return -ENOENT;
	if (get_user(val, uaddr))
		return -EFAULT;
	if (f == F_CNT) {
		mutex_lock(&vm->lock);
		if (!vm->timer.offset_fixed)
			WRITE_ONCE(vm->timer.offset[t], arch_timer_read_counter() - val);
		mutex_unlock(&vm->lock);
		return 0;
	}
	vhv_timer_read(vcpu, t, &r);
	if (f == F_CTL)
		r.ctl = (u32)val & ~VHV_TIMER_ISTATUS;
	else
		r.cval = val;
	vhv_timer_write(vcpu, t, &r);
	return 0;
}

unsigned int vhv_timer_nr_regs(void)
{
	return ARRAY_SIZE(timer_ids);
}

int vhv_timer_copy_ids(u64 __user *uids)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(timer_ids); i++)
		if (put_user(timer_ids[i], uids++))
			return -EFAULT;
	return 0;
}

/*
 * One offset for both counters of the whole VM; allowed whenever no vCPU
 * is inside an ioctl (EBUSY), before or after the VM has run, as in KVM.
 */
int vhv_timer_set_counter_offset(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_arm_counter_offset off;
	int ret = 0;

	if (copy_from_user(&off, argp, sizeof(off)))
		return -EFAULT;
	if (off.reserved)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vhv_vm_trylock_vcpus(vm)) {
		vm->timer.offset_fixed = true;
		WRITE_ONCE(vm->timer.offset[VHV_VTIMER], off.counter_offset);
		WRITE_ONCE(vm->timer.offset[VHV_PTIMER], off.counter_offset);
		vhv_vm_unlock_vcpus(vm);
	} else {
		ret = -EBUSY;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/* ---- KVM_ARM_VCPU_TIMER_CTRL ---- */

static int attr_timer(u64 attr, enum vhv_timer_id *t)
{
	switch (attr) {
	case KVM_ARM_VCPU_TIMER_IRQ_VTIMER:
		*t = VHV_VTIMER;
		return 0;
	case KVM_ARM_VCPU_TIMER_IRQ_PTIMER:
		*t = VHV_PTIMER;
		return 0;
	}
	/* No nested virtualization: no EL2 timers to place. */
	return -ENXIO;
}

int vhv_timer_has_attr(const struct kvm_device_attr *attr)
{
	enum vhv_timer_id t;

	return attr_timer(attr->attr, &t);
}

static int set_ppi(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr)
{
	struct vhv_vm *vm = vcpu->vm;
	int __user *uaddr = u64_to_user_ptr(attr->addr);
	enum vhv_timer_id t;
	int irq, ret;

	if (!READ_ONCE(vm->vgic))
		return -EINVAL;
	if (get_user(irq, uaddr))
		return -EFAULT;
	if (irq < 16 || irq > 31)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->timer.ppis_fixed) {
		ret = -EBUSY;
	} else {
		ret = attr_timer(attr->attr, &t);
		if (!ret)
			vm->timer.ppi[t] = irq;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int vhv_timer_attr(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr, bool set)
{
	int __user *uaddr = u64_to_user_ptr(attr->addr);
	enum vhv_timer_id t;
	int ret;

	if (set)
		return set_ppi(vcpu, attr);
	ret = attr_timer(attr->attr, &t);
	if (ret)
		return ret;
	return put_user((int)READ_ONCE(vcpu->vm->timer.ppi[t]), uaddr);
}

bool vhv_timer_owns_ppi(struct vhv_vm *vm, u32 intid)
{
	struct vhv_vm_timer *vt = &vm->timer;

	return READ_ONCE(vt->ppis_fixed) &&
	       (intid == vt->ppi[VHV_VTIMER] || intid == vt->ppi[VHV_PTIMER]);
}

/* ---- the emulated physical timer, as the guest reaches it ---- */

/* The encodings that trap while CNTHCTL_EL2.EL1PCTEN and EL1PTEN are clear. */
#define CNTPCT_EL0	sys_reg(3, 3, 14, 0, 1)
#define CNTPCTSS_EL0	sys_reg(3, 3, 14, 0, 5)
#define CNTP_TVAL_EL0	sys_reg(3, 3, 14, 2, 0)
#define CNTP_CTL_EL0	sys_reg(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0	sys_reg(3, 3, 14, 2, 2)

int vhv_timer_trap_ptimer(struct vhv_vcpu *vcpu, struct vhv_sys_access *p)
{
	struct vhv_timer_regs *r = &vcpu->timer.regs[VHV_PTIMER];
	u64 now = vhv_timer_count(vcpu, VHV_PTIMER);

	switch (p->enc) {
	case CNTPCT_EL0:
	case CNTPCTSS_EL0:
		if (!p->is_read)
			return -1;
		p->val = now;
		return 0;
	case CNTP_TVAL_EL0:
		/* TimerValue: CVAL - count as a signed 32-bit value. */
		if (p->is_read)
			p->val = lower_32_bits(r->cval - now);
		else
			r->cval = now + (s64)(s32)p->val;
		return 0;
	case CNTP_CTL_EL0:
		if (p->is_read)
			p->val = ctl_with_status(vcpu, VHV_PTIMER, r);
		else
			r->ctl = p->val & (VHV_TIMER_ENABLE | VHV_TIMER_IMASK);
		return 0;
	case CNTP_CVAL_EL0:
		if (p->is_read)
			p->val = r->cval;
		else
			r->cval = p->val;
		return 0;
	}
	return -1;
}
