/* SPDX-License-Identifier: GPL-2.0 */
/* vCPU register ioctls (core/onereg.c) and KVM_ARM_VCPU_INIT (core/reset.c). */
#ifndef VHV_CORE_ONEREG_H
#define VHV_CORE_ONEREG_H

#include <linux/compiler_types.h>

struct vhv_vcpu;

long vhv_one_reg(struct vhv_vcpu *vcpu, bool set, void __user *argp);
long vhv_reg_list(struct vhv_vcpu *vcpu, void __user *argp);
long vhv_vcpu_init(struct vhv_vcpu *vcpu, void __user *argp);

#endif /* VHV_CORE_ONEREG_H */
