/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch: from the host at EL2 into the guest at EL1/EL0 and
 * back, and the EL2 vector table that catches the guest's exceptions.
 *
 * u64 vhv_guest_enter(struct kvm_regs *regs)
 *   Called with DAIF masked, with HCR_EL2, VTTBR_EL2, VBAR_EL2 (pointing
 *   at vhv_vectors) and the guest's EL1 state already in place
 *   (arm64/switch.c). Loads the guest's x0-x30, SP_EL0, PC and PSTATE
 *   from *regs and enters the guest. When the guest takes an exception to
 *   EL2, stores them back and returns the VHV_EXIT_* code of the vector
 *   that caught it (arm64/entry.h).
 *   Preserves x19-x29, x30, sp and SP_EL0 (where the host keeps
 *   `current`); clobbers x0-x18 and NZCV. ESR_EL2, FAR_EL2 and HPFAR_EL2
 *   are left for the caller, which reads them before unmasking.
 *
 * Between entry and exit the frame (VHV_FRAME_*) sits on the host stack:
 * SP_EL2 is the host's stack pointer, and an exception from a lower EL
 * selects it again (SPSel is 1 at EL2h), so the exit path finds the
 * frame at sp after the two guest registers the vector pushed.
 */
#include <linux/linkage.h>
#include <asm/alternative.h>
#include <asm/assembler.h>

#include "arm64/entry.h"

	.text

SYM_FUNC_START(vhv_guest_enter)
	sub	sp, sp, #VHV_FRAME_SIZE
	stp	x19, x20, [sp, #VHV_FRAME_X19 + 0]
	stp	x21, x22, [sp, #VHV_FRAME_X19 + 16]
	stp	x23, x24, [sp, #VHV_FRAME_X19 + 32]
	stp	x25, x26, [sp, #VHV_FRAME_X19 + 48]
	stp	x27, x28, [sp, #VHV_FRAME_X19 + 64]
	stp	x29, x30, [sp, #VHV_FRAME_X19 + 80]
	mrs	x1, sp_el0
	stp	x0, x1, [sp, #VHV_FRAME_REGS]

	/* The guest's SP_EL0, PC and PSTATE (ERET restores the last two). */
	ldr	x1, [x0, #VHV_REGS_SP_EL0]
	msr	sp_el0, x1
	ldp	x1, x2, [x0, #VHV_REGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2

	/* The guest's x0-x30, the base register (x29) last. */
	mov	x29, x0
	ldp	x0, x1, [x29, #VHV_REGS_X(0)]
	ldp	x2, x3, [x29, #VHV_REGS_X(2)]
	ldp	x4, x5, [x29, #VHV_REGS_X(4)]
	ldp	x6, x7, [x29, #VHV_REGS_X(6)]
	ldp	x8, x9, [x29, #VHV_REGS_X(8)]
	ldp	x10, x11, [x29, #VHV_REGS_X(10)]
	ldp	x12, x13, [x29, #VHV_REGS_X(12)]
	ldp	x14, x15, [x29, #VHV_REGS_X(14)]
	ldp	x16, x17, [x29, #VHV_REGS_X(16)]
	ldp	x18, x19, [x29, #VHV_REGS_X(18)]
	ldp	x20, x21, [x29, #VHV_REGS_X(20)]
	ldp	x22, x23, [x29, #VHV_REGS_X(22)]
	ldp	x24, x25, [x29, #VHV_REGS_X(24)]
	ldp	x26, x27, [x29, #VHV_REGS_X(26)]
	ldr	x28, [x29, #VHV_REGS_X(28)]
	ldr	x30, [x29, #VHV_REGS_X(30)]
	ldr	x29, [x29, #VHV_REGS_X(29)]

	eret
	/* No straight-line speculation past the ERET. */
	sb
SYM_FUNC_END(vhv_guest_enter)

/*
 * x0: exit code; the guest's x0 and x1 at [sp], its x2-x30 in place; the
 * entry frame at sp + 16.
 */
SYM_CODE_START_LOCAL(vhv_guest_exit)
	ldr	x1, [sp, #16 + VHV_FRAME_REGS]
	stp	x2, x3, [x1, #VHV_REGS_X(2)]
	stp	x4, x5, [x1, #VHV_REGS_X(4)]
	stp	x6, x7, [x1, #VHV_REGS_X(6)]
	stp	x8, x9, [x1, #VHV_REGS_X(8)]
	stp	x10, x11, [x1, #VHV_REGS_X(10)]
	stp	x12, x13, [x1, #VHV_REGS_X(12)]
	stp	x14, x15, [x1, #VHV_REGS_X(14)]
	stp	x16, x17, [x1, #VHV_REGS_X(16)]
	stp	x18, x19, [x1, #VHV_REGS_X(18)]
	stp	x20, x21, [x1, #VHV_REGS_X(20)]
	stp	x22, x23, [x1, #VHV_REGS_X(22)]
	stp	x24, x25, [x1, #VHV_REGS_X(24)]
	stp	x26, x27, [x1, #VHV_REGS_X(26)]
	stp	x28, x29, [x1, #VHV_REGS_X(28)]
	str	x30, [x1, #VHV_REGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #VHV_REGS_X(0)]

	mrs	x2, sp_el0
	str	x2, [x1, #VHV_REGS_SP_EL0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #VHV_REGS_PC]

	/* The host's `current` before any C code can look for it. */
	ldr	x2, [sp, #VHV_FRAME_SP_EL0]
	msr	sp_el0, x2

	/*
	 * An exception taken to EL2 with HCR_EL2.TGE = 0 leaves PSTATE.PAN
	 * as the guest had it; the host kernel runs with PAN set.
	 */
	ALTERNATIVE(nop, SET_PSTATE_PAN(1), ARM64_HAS_PAN, CONFIG_ARM64_PAN)

	ldp	x19, x20, [sp, #VHV_FRAME_X19 + 0]
	ldp	x21, x22, [sp, #VHV_FRAME_X19 + 16]
	ldp	x23, x24, [sp, #VHV_FRAME_X19 + 32]
	ldp	x25, x26, [sp, #VHV_FRAME_X19 + 48]
	ldp	x27, x28, [sp, #VHV_FRAME_X19 + 64]
	ldp	x29, x30, [sp, #VHV_FRAME_X19 + 80]
	add	sp, sp, #VHV_FRAME_SIZE
	ret
SYM_CODE_END(vhv_guest_exit)

/*
 * An exception at EL2 itself while the table is installed can only be a
 * bug in the world switch: asynchronous exceptions stay masked there, and
 * the ERET cannot be an illegal exception return, as the guest's PSTATE
 * either comes from the hardware (SPSR_EL2 at the last exit) or was
 * checked by ONE_REG (AArch64 EL0t, EL1t or EL1h only).
 * arm64/switch.c reports it and stops the machine.
 */
SYM_CODE_START_LOCAL(vhv_hyp_bug_entry)
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	bl	vhv_hyp_bug
	b	.
SYM_CODE_END(vhv_hyp_bug_entry)

	.macro	bug_vector, offset
	.balign	128
	mov	x0, #\offset
	b	vhv_hyp_bug_entry
	.endm

	.macro	exit_vector, code
	.balign	128
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\code
	b	vhv_guest_exit
	.endm

/* VBAR_EL2 requires 2KB alignment (Arm ARM D24.2.207, VBAR_EL2). */
	.balign	2048
SYM_DATA_START(vhv_vectors)
	bug_vector	0x000			/* current EL, SP_EL0 */
	bug_vector	0x080
	bug_vector	0x100
	bug_vector	0x180
	bug_vector	0x200			/* current EL, SP_ELx */
	bug_vector	0x280
	bug_vector	0x300
	bug_vector	0x380
	exit_vector	VHV_EXIT_SYNC		/* lower EL, AArch64 */
	exit_vector	VHV_EXIT_IRQ
	exit_vector	VHV_EXIT_FIQ
	exit_vector	VHV_EXIT_SERROR
	exit_vector	VHV_EXIT_SYNC | VHV_EXIT_AARCH32	/* lower EL, AArch32 */
	exit_vector	VHV_EXIT_IRQ | VHV_EXIT_AARCH32
	exit_vector	VHV_EXIT_FIQ | VHV_EXIT_AARCH32
	exit_vector	VHV_EXIT_SERROR | VHV_EXIT_AARCH32
SYM_DATA_END(vhv_vectors)
