/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch: from the host at EL2 into the guest at EL1/EL0 and
 * back, and the EL2 vector table that catches the guest's exceptions.
 *
 * u64 vhv_guest_enter(struct kvm_regs *regs, u64 flags)
 *   Called with DAIF masked, with HCR_EL2, VTTBR_EL2, VBAR_EL2 (pointing
 *   at vhv_vectors) and the guest's EL1 state already in place
 *   (arm64/switch.c); flags are this CPU's VHV_ENTER_* (arm64/entry.h).
 *   Loads the guest's x0-x30, SP_EL0, PC and PSTATE from *regs and
 *   enters the guest. When the guest takes an exception to EL2, stores
 *   them back and returns the VHV_EXIT_* code of the vector that caught
 *   it. ESR_EL2, FAR_EL2 and HPFAR_EL2 are left for the caller, which
 *   reads them before unmasking.
 *
 * The register contract: what the host needs back, and why.
 *   x18        the shadow call stack pointer on kernels built with
 *              CONFIG_SHADOW_CALL_STACK (which compile everything with
 *              -ffixed-x18): the next SCS epilogue would load a return
 *              address through the guest's x18. Saved and restored like
 *              a callee-saved register; vhv's own C is built with
 *              -ffixed-x18 so that switch.c can check it (Kbuild).
 *   x19-x29    callee-saved (AAPCS64); x29 is the frame pointer the
 *              unwinder follows.
 *   x30        the return address.
 *   sp         SP_EL2, the host's kernel stack. The guest never sees it:
 *              it runs on SP_EL0/SP_EL1, and an exception from a lower EL
 *              selects SP_EL2 again (SPSel is 1 at EL2h), so the exit
 *              path finds the frame at sp after the two guest registers
 *              the vector pushed.
 *   SP_EL0     the host keeps `current` there (asm/current.h): put back
 *              before any C code can look for it.
 *   PSTATE     DAIF: all masked again by the exception entry, as at the
 *              call. PAN: an exception taken to EL2 with HCR_EL2.TGE = 0
 *              leaves PAN as the guest had it; the host runs with PAN
 *              set, so it is set again. DIT: left as the guest had it by
 *              an exception entry (Arm ARM, the AArch64.TakeException()
 *              pseudocode does not change PSTATE.DIT); 6.10 and later
 *              kernels run with DIT set, so the host's value is saved at
 *              entry and written back. TCO: set to 1 by the exception
 *              entry (the same pseudocode, FEAT_MTE); the host's value
 *              comes back the same way. SSBS is set from
 *              SCTLR_EL2.DSSBS on exception entry, as on any entry to
 *              the host kernel; NZCV is the caller's to lose. MSR writes
 *              of these PSTATE fields are self-synchronising.
 * Clobbered: x0-x17 and NZCV, as for any call.
 *
 * Interrupts and SErrors at the boundary. The host's stay the host's: if
 * ISR_EL1 shows an IRQ, FIQ or SError pending as the guest is about to
 * be entered, vhv_guest_enter() returns VHV_EXIT_IRQ without entering,
 * and the host takes its exception once the window unmasks. The guest's
 * are the guest's: every lower-EL vector starts with an ESB, which with
 * FEAT_RAS defers an SError pending (masked by the exception entry) into
 * DISR_EL1, read and cleared by arm64/switch.c; without RAS the exit path
 * looks at ISR_EL1.A and, if set, takes the SError in a one-instruction
 * window that the current-EL SError vector recognises. Either way the
 * exit is flagged VHV_EXIT_SERROR_PENDING and the guest gets a virtual
 * SError.
 *
 * Between entry and exit the frame (VHV_FRAME_*) sits on the host stack.
 */
#include <linux/arm-smccc.h>
#include <linux/linkage.h>
#include <asm/alternative.h>
#include <asm/assembler.h>

#include "arm64/entry.h"

/* PSTATE.DIT and PSTATE.TCO as system registers (MRS/MSR, register form). */
#define REG_DIT		s3_3_c4_c2_5
#define REG_TCO		s3_3_c4_c2_7
/* ISR_EL1.A: an SError is pending. */
#define ISR_EL1_A_BIT	8

	.text

SYM_FUNC_START(vhv_guest_enter)
	/*
	 * Not into the guest with an exception of the host's pending: an
	 * SError would be taken from the guest and counted as its own, an
	 * interrupt would only cost a round trip. With FEAT_RAS, an SError
	 * caused by the host's earlier stores is only guaranteed to be
	 * pending once they complete: DSB NSHST, then ISB so that the read
	 * of ISR_EL1 comes after it (Arm ARM, ISR_EL1 and the RAS extension's
	 * rules for when an error becomes a pending SError). Without RAS
	 * such an SError is fatal to the host anyway.
	 */
	tbz	x1, #VHV_ENTER_RAS_BIT, 1f
	dsb	nshst
	isb
1:	mrs	x2, isr_el1
	cbz	x2, 2f
	mov	x0, #VHV_EXIT_IRQ
	ret
2:	sub	sp, sp, #VHV_FRAME_SIZE
	stp	x18, x19, [sp, #VHV_FRAME_X18 + 0]
	stp	x20, x21, [sp, #VHV_FRAME_X18 + 16]
	stp	x22, x23, [sp, #VHV_FRAME_X18 + 32]
	stp	x24, x25, [sp, #VHV_FRAME_X18 + 48]
	stp	x26, x27, [sp, #VHV_FRAME_X18 + 64]
	stp	x28, x29, [sp, #VHV_FRAME_X18 + 80]
	str	x30, [sp, #VHV_FRAME_X18 + 96]
	mrs	x2, sp_el0
	stp	x0, x2, [sp, #VHV_FRAME_REGS]
	str	x1, [sp, #VHV_FRAME_FLAGS]
	tbz	x1, #VHV_ENTER_DIT_BIT, 3f
	mrs	x2, REG_DIT
	str	x2, [sp, #VHV_FRAME_DIT]
3:	tbz	x1, #VHV_ENTER_TCO_BIT, 4f
	mrs	x2, REG_TCO
	str	x2, [sp, #VHV_FRAME_TCO]
4:
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
	ldr	x19, [sp, #VHV_FRAME_FLAGS]
	mov	x20, x0

	/*
	 * Branch predictions the guest trained must not steer the host's
	 * indirect branches, the first of which is the RET below: this
	 * CPU's Spectre-v2/BHB mitigation (arm64/spectre.c), straight-line
	 * code and conditional branches only until it is done.
	 * CLRBHB (HINT #22) clears the branch history, and takes effect
	 * for instructions after the next context synchronisation: ISB.
	 * The loop of k taken branches overwrites the history that k
	 * branches deep holds, then a speculation barrier keeps what
	 * follows from running ahead of it. The firmware call (SMCCC 1.1,
	 * x0-x3 clobbered) does the core's own sequence at EL3.
	 */
	tbz	x19, #VHV_ENTER_CLRBHB_BIT, 1f
	hint	#22			/* CLRBHB */
	isb
1:	ands	x2, x19, #VHV_ENTER_BHB_LOOP_MASK
	b.eq	3f
2:	b	. + 4
	subs	x2, x2, #1
	b.ne	2b
	sb
3:	tbz	x19, #VHV_ENTER_FW_BIT, 5f
	mov	w0, #ARM_SMCCC_ARCH_WORKAROUND_1
	tbz	x19, #VHV_ENTER_FW_WA3_BIT, 4f
	mov	w0, #ARM_SMCCC_ARCH_WORKAROUND_3
4:	smc	#0
5:	mov	x0, x20

	/* PAN, DIT and TCO as the host had them (the contract above). */
	ALTERNATIVE(nop, SET_PSTATE_PAN(1), ARM64_HAS_PAN, CONFIG_ARM64_PAN)
	tbz	x19, #VHV_ENTER_DIT_BIT, 1f
	ldr	x2, [sp, #VHV_FRAME_DIT]
	msr	REG_DIT, x2
1:	tbz	x19, #VHV_ENTER_TCO_BIT, 2f
	ldr	x2, [sp, #VHV_FRAME_TCO]
	msr	REG_TCO, x2
2:
	/*
	 * Without FEAT_RAS there is no ESB to defer an SError the guest
	 * caused: complete its accesses (DSB SY), then read ISR_EL1 no
	 * earlier (ISB). If ISR_EL1.A says one is pending, unmask SErrors
	 * for one instruction: the SError is taken at the earliest when
	 * unmasked and at the latest after the ISB, from within the window
	 * (vhv_serror_window, below), which flags the exit. The exception
	 * may overwrite ESR_EL2 and FAR_EL2, still unread: kept in x3, x4.
	 * ELR_EL2 and SPSR_EL2 are already saved.
	 */
	tbnz	x19, #VHV_ENTER_RAS_BIT, 3f
	dsb	sy
	isb
	mrs	x2, isr_el1
	tbz	x2, #ISR_EL1_A_BIT, 3f
	mrs	x3, esr_el2
	mrs	x4, far_el2
	msr	daifclr, #4
SYM_INNER_LABEL(vhv_serror_window, SYM_L_LOCAL)
	isb
SYM_INNER_LABEL(vhv_serror_window_end, SYM_L_LOCAL)
	msr	daifset, #4
	msr	esr_el2, x3
	msr	far_el2, x4
3:
	ldp	x18, x19, [sp, #VHV_FRAME_X18 + 0]
	ldp	x20, x21, [sp, #VHV_FRAME_X18 + 16]
	ldp	x22, x23, [sp, #VHV_FRAME_X18 + 32]
	ldp	x24, x25, [sp, #VHV_FRAME_X18 + 48]
	ldp	x26, x27, [sp, #VHV_FRAME_X18 + 64]
	ldp	x28, x29, [sp, #VHV_FRAME_X18 + 80]
	ldr	x30, [sp, #VHV_FRAME_X18 + 96]
	add	sp, sp, #VHV_FRAME_SIZE
	ret
SYM_CODE_END(vhv_guest_exit)

/*
 * An exception at EL2 itself while the table is installed can only be a
 * bug in the world switch. Asynchronous exceptions stay masked there but
 * in the SError window above; debug exceptions are masked (PSTATE.D) and
 * MDSCR_EL1 is clear; a synchronous one from the AT of vhv_at_s1e1r()
 * resumes there. The ERET cannot be an illegal exception return
 * (which would go on at EL2, at the guest's PC, with PSTATE.IL set): the
 * guest's PSTATE comes from the hardware (SPSR_EL2 at the last exit) or
 * from ONE_REG (AArch64 EL0t, EL1t, EL1h, or AArch32 User), never EL2,
 * never AArch32 EL1 (HCR_EL2.RW is set), and AArch32 only on a CPU that
 * has it at EL0 (core/run.c). arm64/switch.c reports it and stops the
 * machine.
 */
SYM_CODE_START_LOCAL(vhv_hyp_bug_entry)
	/*
	 * The host's SP_EL0 and x18 first: the exception may have come while
	 * the guest's were loaded, and C code finds current (and its stack
	 * canary) through SP_EL0, and its shadow call stack through x18.
	 */
	adr_this_cpu x4, vhv_host_sp_el0, x5
	ldr	x4, [x4]
	msr	sp_el0, x4
	adr_this_cpu x4, vhv_host_x18, x5
	ldr	x18, [x4]
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	bl	vhv_hyp_bug
	b	.
SYM_CODE_END(vhv_hyp_bug_entry)

/*
 * u64 vhv_at_s1e1r(u64 va): AT S1E1R va, in the run window (the guest's
 * EL1&0 regime and stage 2 live), and PAR_EL1 after it: the Arm ARM
 * requires a context synchronisation event (ISB) before a direct read of
 * PAR_EL1 returns an AT's result. A walk can take an exception (an
 * external abort on a table walk is reported as a synchronous one): the
 * current-EL sync vector then resumes at vhv_at_fault, which returns
 * PAR_EL1.F. Clobbers x0, x2 and x5, and the exception's ELR_EL2,
 * SPSR_EL2, ESR_EL2 and FAR_EL2 (all read or saved before the call).
 */
SYM_FUNC_START(vhv_at_s1e1r)
SYM_INNER_LABEL(vhv_at_insn, SYM_L_LOCAL)
	at	s1e1r, x0
	isb
	/*
	 * Cortex-A77 erratum 1508412: a PAR_EL1 read can return a corrupted
	 * value unless DMBs surround it (the kernel's read_sysreg_par()).
	 */
alternative_if ARM64_WORKAROUND_1508412
	dmb	sy
alternative_else_nop_endif
	mrs	x0, par_el1
alternative_if ARM64_WORKAROUND_1508412
	dmb	sy
alternative_else_nop_endif
	ret
SYM_INNER_LABEL(vhv_at_fault, SYM_L_LOCAL)
	mov	x0, #1			/* PAR_EL1.F */
	ret
SYM_FUNC_END(vhv_at_s1e1r)

/* A synchronous exception at EL2: expected only from vhv_at_s1e1r's AT. */
SYM_CODE_START_LOCAL(vhv_el2_sync)
	mrs	x2, elr_el2
	adr	x5, vhv_at_insn
	cmp	x2, x5
	b.ne	1f
	adr	x5, vhv_at_fault
	msr	elr_el2, x5
	eret
	sb
1:	mov	x0, #0x200
	b	vhv_hyp_bug_entry
SYM_CODE_END(vhv_el2_sync)

/*
 * An SError at EL2: expected only inside vhv_guest_exit's window, which
 * it flags in x0 (the exit code) before returning into it. Clobbers x2
 * and x5, which the window does not use.
 */
SYM_CODE_START_LOCAL(vhv_el2_serror)
	mrs	x2, elr_el2
	adr	x5, vhv_serror_window
	cmp	x2, x5
	adr	x5, vhv_serror_window_end
	ccmp	x2, x5, #4, ne
	b.ne	1f
	orr	x0, x0, #VHV_EXIT_SERROR_PENDING
	eret
	sb
1:	mov	x0, #0x380
	b	vhv_hyp_bug_entry
SYM_CODE_END(vhv_el2_serror)

	.macro	bug_vector, offset
	.balign	128
	mov	x0, #\offset
	b	vhv_hyp_bug_entry
	.endm

	/*
	 * ESB first (a NOP without FEAT_RAS): an SError pending as the guest
	 * left, masked by the exception entry, is deferred into DISR_EL1
	 * rather than taken later from the host (Arm ARM, ESB; DISR_EL1).
	 */
	.macro	exit_vector, code
	.balign	128
	hint	#16			/* ESB */
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
	.balign	128				/* current EL, SP_ELx */
	b	vhv_el2_sync
	bug_vector	0x280
	bug_vector	0x300
	.balign	128
	b	vhv_el2_serror
	exit_vector	VHV_EXIT_SYNC		/* lower EL, AArch64 */
	exit_vector	VHV_EXIT_IRQ
	exit_vector	VHV_EXIT_FIQ
	exit_vector	VHV_EXIT_SERROR
	exit_vector	VHV_EXIT_SYNC | VHV_EXIT_AARCH32	/* lower EL, AArch32 */
	exit_vector	VHV_EXIT_IRQ | VHV_EXIT_AARCH32
	exit_vector	VHV_EXIT_FIQ | VHV_EXIT_AARCH32
	exit_vector	VHV_EXIT_SERROR | VHV_EXIT_AARCH32
SYM_DATA_END(vhv_vectors)
