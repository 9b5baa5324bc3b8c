/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the world switch (arm64/entry.S) and C: exit
 * codes, and the offsets the assembly uses in struct kvm_regs and in its
 * stack frame. arm64/switch.c checks the offsets against the structure.
 */
#ifndef VHV_ARM64_ENTRY_H
#define VHV_ARM64_ENTRY_H

/* What brought the guest back: the vector that caught the exception. */
#define VHV_EXIT_SYNC		0
#define VHV_EXIT_IRQ		1
#define VHV_EXIT_FIQ		2
#define VHV_EXIT_SERROR		3
#define VHV_EXIT_TYPE_MASK	3
/* Set when the guest was executing in AArch32 (EL0) state. */
#define VHV_EXIT_AARCH32	4

/* struct kvm_regs: regs.regs[n], regs.sp (SP_EL0), regs.pc, regs.pstate. */
#define VHV_REGS_X(n)		((n) * 8)
#define VHV_REGS_SP_EL0		248
#define VHV_REGS_PC		256
#define VHV_REGS_PSTATE		264

/* The frame vhv_guest_enter() leaves on the host stack. */
#define VHV_FRAME_X19		0	/* x19-x30, 12 registers */
#define VHV_FRAME_REGS		96	/* the struct kvm_regs pointer */
#define VHV_FRAME_SP_EL0	104	/* the host's SP_EL0 (current) */
#define VHV_FRAME_SIZE		112

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct kvm_regs;

/* arm64/entry.S: see the contract at its top. */
u64 vhv_guest_enter(struct kvm_regs *regs);
extern char vhv_vectors[];
/* arm64/fpsimd.S: V0-V31, FPSR and FPCR to and from struct user_fpsimd_state. */
struct user_fpsimd_state;
void vhv_fpsimd_save(struct user_fpsimd_state *st);
void vhv_fpsimd_load(const struct user_fpsimd_state *st);
#endif

#endif /* VHV_ARM64_ENTRY_H */
