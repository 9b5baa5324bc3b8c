// SPDX-License-Identifier: GPL-2.0
/*
 * PV stolen time (Arm DEN 0057, "Paravirtualized Time for Arm-based
 * Systems"), as KVM offers it. The VMM places each vCPU's 64-byte record
 * in guest RAM with the vCPU attribute KVM_ARM_VCPU_PVTIME_IPA; the guest
 * finds it by PV_TIME_FEATURES and PV_TIME_ST and reads stolen_time from
 * it, the nanoseconds its vCPU was runnable but not running.
 *
 * Stolen time is the vCPU thread's sched_info.run_delay (CONFIG_SCHED_INFO):
 * the time the scheduler kept it waiting on a run queue. Before each entry
 * the run loop adds what run_delay grew by since the last update, as KVM
 * does on each vcpu_load. The record is written through the VMM's mapping
 * of the memory slot (mmu/guest_mem.c), from the vCPU's thread with
 * interrupts on: a page fault there may sleep. Little-endian fields, as
 * the specification gives them, whatever the host's endianness.
 *
 * Not done: LIVE_PHYSICAL_TIME (DEN 0057's other call, which KVM does not
 * offer either); nothing is written while the vCPU sleeps in WFI or is not
 * in KVM_RUN, so the guest sees the time it lost then only at its next
 * entry, as with KVM.
 */
#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <asm/pvclock-abi.h>

#include "arm64/pvtime.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/guest_mem.h"

/* The record's alignment, as KVM requires it of the IPA (its size). */
#define PVTIME_ALIGN	64

static_assert(sizeof(struct pvclock_vcpu_stolen_time) == PVTIME_ALIGN);

static u64 run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return READ_ONCE(current->sched_info.run_delay);
#else
	return 0;
#endif
}

void vhv_pvtime_vcpu_init(struct vhv_vcpu *vcpu)
{
	vcpu->pvtime.base = VHV_PVTIME_NONE;
}

/*
 * Set once, 64-byte aligned, inside a memory slot when set: EINVAL for a
 * misaligned or unbacked IPA, EEXIST the second time, ENXIO for another
 * attribute or a host without run-delay accounting (KVM's errnos, in its
 * order). Kept across KVM_ARM_VCPU_INIT, as in KVM.
 */
int vhv_pvtime_set_attr(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 ipa;

	if (!vhv_pvtime_available() || attr->attr != KVM_ARM_VCPU_PVTIME_IPA)
		return -ENXIO;
	if (get_user(ipa, uaddr))
		return -EFAULT;
	if (!IS_ALIGNED(ipa, PVTIME_ALIGN))
		return -EINVAL;
	if (vcpu->pvtime.base != VHV_PVTIME_NONE)
		return -EEXIST;
	/* As KVM's write look-up: the record must be in writable RAM. */
	if (!vhv_guest_writable(vcpu->vm, ipa))
		return -EINVAL;
	vcpu->pvtime.base = ipa;
	return 0;
}

int vhv_pvtime_get_attr(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr)
{
	if (!vhv_pvtime_available() || attr->attr != KVM_ARM_VCPU_PVTIME_IPA)
		return -ENXIO;
	return put_user(vcpu->pvtime.base, (u64 __user *)u64_to_user_ptr(attr->addr)) ?
	       -EFAULT : 0;
}

int vhv_pvtime_has_attr(const struct kvm_device_attr *attr)
{
	return vhv_pvtime_available() && attr->attr == KVM_ARM_VCPU_PVTIME_IPA ? 0 : -ENXIO;
}

/* PV_TIME_FEATURES: the two calls, once the VMM has placed the record. */
long vhv_pvtime_features(struct vhv_vcpu *vcpu, u32 fn)
{
	if ((fn == ARM_SMCCC_HV_PV_TIME_FEATURES || fn == ARM_SMCCC_HV_PV_TIME_ST) &&
	    vcpu->pvtime.base != VHV_PVTIME_NONE)
		return SMCCC_RET_SUCCESS;
	return SMCCC_RET_NOT_SUPPORTED;
}

/*
 * PV_TIME_ST: the record's IPA, the record zeroed (revision 0, attributes
 * 0, no stolen time yet), counting from now, as KVM starts it. The write
 * failing (the VMM unmapped the slot since) leaves the guest with a record
 * that stays as it was; KVM ignores that failure too.
 */
u64 vhv_pvtime_st(struct vhv_vcpu *vcpu)
{
	struct pvclock_vcpu_stolen_time rec = { };
	u64 base = vcpu->pvtime.base;

	if (base == VHV_PVTIME_NONE)
		return SMCCC_RET_NOT_SUPPORTED;
	vcpu->pvtime.last_steal = run_delay();
	vhv_guest_write(vcpu->vm, base, &rec, sizeof(rec));
	return base;
}

void vhv_pvtime_update(struct vhv_vcpu *vcpu)
{
	u64 base = vcpu->pvtime.base, last = vcpu->pvtime.last_steal, now, off;
	__le64 steal;

	if (base == VHV_PVTIME_NONE)
		return;
	now = run_delay();
	if (now == last)
		return;
	off = base + offsetof(struct pvclock_vcpu_stolen_time, stolen_time);
	if (vhv_guest_read(vcpu->vm, off, &steal, sizeof(steal)))
		return;
	vcpu->pvtime.last_steal = now;
	vhv_guest_write_u64(vcpu->vm, off,
			    (__force u64)cpu_to_le64(le64_to_cpu(steal) + now - last));
}
