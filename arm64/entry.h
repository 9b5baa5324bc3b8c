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
/*
 * Set when an SError was pending as the guest left and the exit took it
 * (without RAS: the window of vhv_guest_exit); with RAS, switch.c finds
 * it deferred in DISR_EL1 and sets the same bit.
 */
#define VHV_EXIT_SERROR_PENDING	8

/*
 * vhv_guest_enter()'s flags: what this CPU needs at the boundary, from
 * arm64/hostcpu.c. The branch history to scrub at the exit (Spectre-v2
 * and BHB, arm64/spectre.c); RAS; DIT and TCO: PSTATE fields an
 * exception entry leaves as the guest had them (DIT) or sets (TCO),
 * kept for the host.
 */
#define VHV_ENTER_BHB_LOOP_MASK	0xff	/* Spectre-BHB: k taken branches on exit */
#define VHV_ENTER_CLRBHB_BIT	8	/* Spectre-BHB: CLRBHB on exit */
#define VHV_ENTER_FW_BIT	9	/* SMCCC_ARCH_WORKAROUND_1 (or 3) on exit */
#define VHV_ENTER_FW_WA3_BIT	10	/* ... WORKAROUND_3 rather than 1 */
#define VHV_ENTER_RAS_BIT	11	/* FEAT_RAS: ESB defers SErrors into DISR_EL1 */
#define VHV_ENTER_DIT_BIT	12	/* FEAT_DIT: PSTATE.DIT exists */
#define VHV_ENTER_TCO_BIT	13	/* FEAT_MTE: PSTATE.TCO exists */

/* struct kvm_regs: regs.regs[n], regs.sp (SP_EL0), regs.pc, regs.pstate. */
#define VHV_REGS_X(n)		((n) * 8)
#define VHV_REGS_SP_EL0		248
#define VHV_REGS_PC		256
#define VHV_REGS_PSTATE		264

/* The frame vhv_guest_enter() leaves on the host stack. */
#define VHV_FRAME_X18		0	/* x18-x30, 13 registers */
#define VHV_FRAME_REGS		104	/* the struct kvm_regs pointer */
#define VHV_FRAME_SP_EL0	112	/* the host's SP_EL0 (current) */
#define VHV_FRAME_FLAGS		120	/* VHV_ENTER_* */
#define VHV_FRAME_DIT		128	/* the host's PSTATE.DIT */
#define VHV_FRAME_TCO		136	/* the host's PSTATE.TCO */
#define VHV_FRAME_SIZE		144

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct kvm_regs;

/* arm64/entry.S: see the contract at its top. */
u64 vhv_guest_enter(struct kvm_regs *regs, u64 flags);
/* PAR_EL1 after AT S1E1R of va, or PAR_EL1.F if the walk took an exception. */
u64 vhv_at_s1e1r(u64 va);
extern char vhv_vectors[];
/* arm64/fpsimd.S: V0-V31, FPSR and FPCR to and from struct user_fpsimd_state. */
struct user_fpsimd_state;
void vhv_fpsimd_save(struct user_fpsimd_state *st);
void vhv_fpsimd_load(const struct user_fpsimd_state *st);
#endif

#endif /* VHV_ARM64_ENTRY_H */
