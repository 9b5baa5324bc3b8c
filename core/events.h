/* SPDX-License-Identifier: GPL-2.0 */
/* KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS (core/events.c). */
#ifndef VHV_CORE_EVENTS_H
#define VHV_CORE_EVENTS_H

#include <linux/compiler_types.h>

struct vhv_vcpu;

int vhv_vcpu_get_events(struct vhv_vcpu *vcpu, void __user *argp);
int vhv_vcpu_set_events(struct vhv_vcpu *vcpu, void __user *argp);

#endif /* VHV_CORE_EVENTS_H */
