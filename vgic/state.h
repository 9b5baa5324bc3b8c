/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vGIC's state groups (vgic/state.c): KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
 * _REDIST_REGS, _CPU_SYSREGS and _LEVEL_INFO. vm->lock held.
 */
#ifndef VHV_VGIC_STATE_H
#define VHV_VGIC_STATE_H

struct kvm_device_attr;
struct vhv_vm;

int vhv_vgic_state_attr(struct vhv_vm *vm, const struct kvm_device_attr *attr, bool write);
/* KVM_HAS_DEVICE_ATTR for those groups (without vm->lock). */
int vhv_vgic_state_has(struct vhv_vm *vm, const struct kvm_device_attr *attr);

#endif /* VHV_VGIC_STATE_H */
