/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PV stolen time (arm64/pvtime.c): the KVM_ARM_VCPU_PVTIME_CTRL vCPU
 * attribute, the SMCCC PV_TIME calls, and the record in guest memory.
 */
#ifndef VHV_ARM64_PVTIME_H
#define VHV_ARM64_PVTIME_H

#include <linux/kvm.h>
#include <linux/types.h>

struct vhv_vcpu;

/* A vCPU's record: where the VMM put it, and what was counted so far. */
struct vhv_pvtime {
	u64 base;		/* its IPA, or VHV_PVTIME_NONE */
	u64 last_steal;		/* the thread's run_delay at the last update */
};

#define VHV_PVTIME_NONE		(~0ULL)

/* Whether the host counts run delays (CONFIG_SCHED_INFO): KVM_CAP_STEAL_TIME. */
static inline bool vhv_pvtime_available(void)
{
	return IS_ENABLED(CONFIG_SCHED_INFO);
}

void vhv_pvtime_vcpu_init(struct vhv_vcpu *vcpu);
int vhv_pvtime_set_attr(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr);
int vhv_pvtime_get_attr(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr);
int vhv_pvtime_has_attr(const struct kvm_device_attr *attr);
/* PV_TIME_FEATURES(fn) and PV_TIME_ST: the value for x0. */
long vhv_pvtime_features(struct vhv_vcpu *vcpu, u32 fn);
u64 vhv_pvtime_st(struct vhv_vcpu *vcpu);
/* Before an entry, from the vCPU's thread, preemptible: the record's stolen time. */
void vhv_pvtime_update(struct vhv_vcpu *vcpu);

#endif /* VHV_ARM64_PVTIME_H */
