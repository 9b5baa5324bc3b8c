/* SPDX-License-Identifier: GPL-2.0 */
/* A vCPU's ICC_*_EL1 registers for KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS (vgic/icc.c). */
#ifndef VHV_VGIC_ICC_H
#define VHV_VGIC_ICC_H

#include <linux/types.h>

struct vhv_vcpu;

/* Whether instr (Op0:Op1:CRn:CRm:Op2) names a register the group has. */
bool vhv_vgic_icc_has(u16 instr);
/* 0, -ENOENT for a register it has not, -EINVAL for a value or APR refused. */
int vhv_vgic_icc_access(struct vhv_vcpu *vcpu, u16 instr, bool write, u64 *val);
/* A new vCPU: the hardware's priority and INTID bits. */
void vhv_vgic_icc_reset(struct vhv_vcpu *vcpu);

#endif /* VHV_VGIC_ICC_H */
