/* SPDX-License-Identifier: GPL-2.0 */
/* KVM_RUN and blocking (core/run.c). */
#ifndef VHV_CORE_RUN_H
#define VHV_CORE_RUN_H

struct vhv_vcpu;

int vhv_vcpu_run(struct vhv_vcpu *vcpu);
/* Waits for a kick or a signal: 1 to go on, -EINTR (KVM_EXIT_INTR). */
int vhv_vcpu_block(struct vhv_vcpu *vcpu);
/* The same after polling for a kick first (core/halt_poll.c). */
int vhv_vcpu_halt(struct vhv_vcpu *vcpu);
/* WFI: at once if an interrupt is pending, else as vhv_vcpu_halt() with
 * the timers' deadlines armed.
 */
int vhv_vcpu_wfi(struct vhv_vcpu *vcpu);

/* core/kick.c: module load and unload. */
void vhv_kick_init(void);
void vhv_kick_exit(void);

#endif /* VHV_CORE_RUN_H */
