/* SPDX-License-Identifier: GPL-2.0 */
/* Firmware calls: PSCI and SMCCC (arm64/psci.c). */
#ifndef VHV_ARM64_PSCI_H
#define VHV_ARM64_PSCI_H

#include <linux/types.h>

struct vhv_vcpu;

/* PSCI versions as KVM_REG_ARM_PSCI_VERSION holds them: major << 16 | minor. */
#define KVM_ARM_PSCI_0_1	0x00001
#define KVM_ARM_PSCI_0_2	0x00002
#define KVM_ARM_PSCI_1_0	0x10000
#define KVM_ARM_PSCI_1_1	0x10001

u32 vhv_psci_version(struct vhv_vcpu *vcpu);
/* Fast tier: true when the call was answered. */
bool vhv_smccc_fast(struct vhv_vcpu *vcpu);
/* HVC SMCCC_ARCH_WORKAROUND_*: true when it was one (answered). */
bool vhv_smccc_workaround(struct vhv_vcpu *vcpu);
/* Full tier, exit handler convention (arm64/exits.h). */
int vhv_smccc_call(struct vhv_vcpu *vcpu);

#endif /* VHV_ARM64_PSCI_H */
