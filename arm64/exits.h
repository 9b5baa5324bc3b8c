/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exits, dispatched by ESR_EL2.EC (arm64/exits.c).
 *
 * Fast handlers run inside the run window with interrupts masked and
 * return true when the guest can simply be re-entered.
 *
 * Full handlers run after the window, with interrupts enabled, and return
 *   > 0  re-enter the guest
 *   = 0  return to the VMM, with vcpu->run->exit_reason set
 *   < 0  return that error from KVM_RUN
 */
#ifndef VHV_ARM64_EXITS_H
#define VHV_ARM64_EXITS_H

#include <linux/types.h>

struct vhv_vcpu;

bool vhv_exit_fast(struct vhv_vcpu *vcpu);
int vhv_exit_handle(struct vhv_vcpu *vcpu);

/* Steps over the instruction that trapped (A64 or, for AArch32, its IL). */
void vhv_skip_instr(struct vhv_vcpu *vcpu);

#endif /* VHV_ARM64_EXITS_H */
