/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exceptions injected into the guest's EL1, as the architecture would
 * take them (arm64/inject.c). The vCPU must be loaded.
 */
#ifndef VHV_ARM64_INJECT_H
#define VHV_ARM64_INJECT_H

#include <linux/types.h>

struct vhv_vcpu;

void vhv_inject_undef(struct vhv_vcpu *vcpu);
/* A synchronous external abort on a data access or instruction fetch. */
void vhv_inject_dabt(struct vhv_vcpu *vcpu, u64 addr);
void vhv_inject_pabt(struct vhv_vcpu *vcpu, u64 addr);
/* A virtual SError, its syndrome implementation-defined (IDS). */
void vhv_inject_serror(struct vhv_vcpu *vcpu);

#endif /* VHV_ARM64_INJECT_H */
