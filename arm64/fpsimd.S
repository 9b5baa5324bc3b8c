/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's FP/SIMD registers to and from memory, in the layout of
 * struct user_fpsimd_state: V0-V31 (16 bytes each), then FPSR and FPCR
 * (4 bytes each). Called between kernel_neon_begin() and
 * kernel_neon_end(), which hand the registers to vhv.
 *
 * void vhv_fpsimd_save(struct user_fpsimd_state *st)   x0: st
 * void vhv_fpsimd_load(const struct user_fpsimd_state *st)
 * Clobber x1 and, for load, V0-V31, FPSR, FPCR.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#define FP_FPSR		(32 * 16)
#define FP_FPCR		(32 * 16 + 4)

SYM_FUNC_START(vhv_fpsimd_save)
	stp	q0, q1, [x0, #0 * 32]
	stp	q2, q3, [x0, #1 * 32]
	stp	q4, q5, [x0, #2 * 32]
	stp	q6, q7, [x0, #3 * 32]
	stp	q8, q9, [x0, #4 * 32]
	stp	q10, q11, [x0, #5 * 32]
	stp	q12, q13, [x0, #6 * 32]
	stp	q14, q15, [x0, #7 * 32]
	stp	q16, q17, [x0, #8 * 32]
	stp	q18, q19, [x0, #9 * 32]
	stp	q20, q21, [x0, #10 * 32]
	stp	q22, q23, [x0, #11 * 32]
	stp	q24, q25, [x0, #12 * 32]
	stp	q26, q27, [x0, #13 * 32]
	stp	q28, q29, [x0, #14 * 32]
	stp	q30, q31, [x0, #15 * 32]
	mrs	x1, fpsr
	str	w1, [x0, #FP_FPSR]
	mrs	x1, fpcr
	str	w1, [x0, #FP_FPCR]
	ret
SYM_FUNC_END(vhv_fpsimd_save)

SYM_FUNC_START(vhv_fpsimd_load)
	ldp	q0, q1, [x0, #0 * 32]
	ldp	q2, q3, [x0, #1 * 32]
	ldp	q4, q5, [x0, #2 * 32]
	ldp	q6, q7, [x0, #3 * 32]
	ldp	q8, q9, [x0, #4 * 32]
	ldp	q10, q11, [x0, #5 * 32]
	ldp	q12, q13, [x0, #6 * 32]
	ldp	q14, q15, [x0, #7 * 32]
	ldp	q16, q17, [x0, #8 * 32]
	ldp	q18, q19, [x0, #9 * 32]
	ldp	q20, q21, [x0, #10 * 32]
	ldp	q22, q23, [x0, #11 * 32]
	ldp	q24, q25, [x0, #12 * 32]
	ldp	q26, q27, [x0, #13 * 32]
	ldp	q28, q29, [x0, #14 * 32]
	ldp	q30, q31, [x0, #15 * 32]
	ldr	w1, [x0, #FP_FPSR]
	msr	fpsr, x1
	ldr	w1, [x0, #FP_FPCR]
	msr	fpcr, x1
	ret
SYM_FUNC_END(vhv_fpsimd_load)
