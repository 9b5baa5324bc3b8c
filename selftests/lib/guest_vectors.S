/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's EL1 vector table: every entry saves the interrupted state
 * as a struct guest_regs on the EL1 stack and calls guest_exception(regs,
 * vector), then returns with what the handler left there.
 */
#define REGS_SIZE	288	/* sizeof(struct guest_regs), 16-byte multiple */
#define REGS_SP		248
#define REGS_ELR	256
#define REGS_SPSR	264
#define REGS_ESR	272
#define REGS_FAR	280

	.text
	.macro	ventry, vector
	.balign	128
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\vector
	b	vector_common
	.endm

	.balign	2048
	.global	guest_vectors
guest_vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

vector_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	add	x2, sp, #REGS_SIZE
	str	x2, [sp, #REGS_SP]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #REGS_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #REGS_ESR]
	mov	x0, sp
	bl	guest_exception
	ldp	x2, x3, [sp, #REGS_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #REGS_SIZE
	eret

	/* A guest function that returns lands here: report and stop. */
	.global	guest_return
guest_return:
	mov	x0, #2		/* UCALL_DONE */
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	mov	x4, #0
	bl	ucall
1:	wfi
	b	1b
	.section .note.GNU-stack, "", %progbits
