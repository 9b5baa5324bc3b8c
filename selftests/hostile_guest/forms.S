/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One access each, by the exact instruction: x0 the address, x1 the value
 * a store writes; x0 back (what a load gave). The first instruction is the
 * access: a handler that steps over it lands on what follows. Loads use
 * x0 as their destination, so a load the VMM completes shows in x0 and a
 * skipped one leaves the address there.
 */
	.arch	armv8.1-a
	.text

	.macro	form name, insn:vararg
	.global	hgf_\name
	.type	hgf_\name, %function
	.balign	16
hgf_\name:
	\insn
	ret
	.size	hgf_\name, . - hgf_\name
	.endm

	/* General registers, valid syndrome: MMIO exits the VMM can emulate. */
	form	ldrb, ldrb w0, [x0]
	form	ldrh, ldrh w0, [x0]
	form	ldrw, ldr w0, [x0]
	form	ldrx, ldr x0, [x0]
	form	ldrsbw, ldrsb w0, [x0]
	form	ldrsbx, ldrsb x0, [x0]
	form	ldrshw, ldrsh w0, [x0]
	form	ldrshx, ldrsh x0, [x0]
	form	ldrsw, ldrsw x0, [x0]
	form	ldarx, ldar x0, [x0]
	form	strb, strb w1, [x0]
	form	strh, strh w1, [x0]
	form	strw, str w1, [x0]
	form	strx, str x1, [x0]
	form	stlrx, stlr x1, [x0]

	/* No valid syndrome outside RAM: ARM_NISV exits. */
	form	ldpx, ldp x0, x2, [x0]
	form	stpx, stp x1, x1, [x0]
	form	ldrpre, ldr x2, [x0, #0]!
	form	ldrpost, ldr x2, [x0], #8
	form	strpre, str x1, [x0, #0]!
	form	strpost, str x1, [x0], #8
	form	ldxr, ldxr x0, [x0]
	form	stxr, stxr w2, x1, [x0]
	form	ldadd, ldadd x1, x2, [x0]
	form	swp, swp x1, x2, [x0]
	form	cas, cas x2, x1, [x0]
	form	ld1, ld1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x0]
	form	st1, st1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x0]
	form	ldpq, ldp q16, q17, [x0]
	form	stpq, stp q16, q17, [x0]
	form	ldrq, ldr q16, [x0]
	form	strq, str q16, [x0]
	form	zva, dc zva, x0
	form	civac, dc civac, x0

	/* An instruction fetch: the caller's x30 is where the handler returns. */
	.global	hg_jump
	.type	hg_jump, %function
hg_jump:
	br	x0
	.size	hg_jump, . - hg_jump

	.section .note.GNU-stack, "", %progbits
