/* SPDX-License-Identifier: GPL-2.0 */
/* The run window (arm64/switch.c) and the lazy EL1 state (arm64/el1.c). */
#ifndef VHV_ARM64_SWITCH_H
#define VHV_ARM64_SWITCH_H

#include <linux/types.h>

struct vhv_vcpu;

/* 0, or -EIO: the VM must be killed (arm64/switch.c). */
int vhv_vcpu_enter(struct vhv_vcpu *vcpu, u64 vttbr);
/* A stage-2 abort's IPA where HPFAR_EL2 is UNKNOWN (arm64/fault_ipa.c). */
void vhv_exit_resolve_ipa(struct vhv_vcpu *vcpu);
void vhv_exit_check_ipa(struct vhv_vcpu *vcpu);

/* Gives the hardware's EL1 registers to the vCPU, and takes them back. */
void vhv_vcpu_load(struct vhv_vcpu *vcpu);
void vhv_vcpu_put(struct vhv_vcpu *vcpu);
/* A vCPU's EL1 registers wherever they are (hardware or memory). */
u64 vhv_vcpu_read_sr(struct vhv_vcpu *vcpu, unsigned int sr);
void vhv_vcpu_write_sr(struct vhv_vcpu *vcpu, unsigned int sr, u64 val);
u64 vhv_vcpu_read_elr_el1(struct vhv_vcpu *vcpu);
void vhv_vcpu_write_elr_spsr_el1(struct vhv_vcpu *vcpu, u64 elr, u64 spsr);
/* Whether vCPU state follows the thread through preempt notifiers. */
bool vhv_lazy_el1(void);

#endif /* VHV_ARM64_SWITCH_H */
