// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-side library: ucalls, exception handlers, firmware calls. Runs in
 * the guest only; see guest.h.
 */
#include <stddef.h>

#include "guest.h"

void ucall(u64 cmd, u64 a0, u64 a1, u64 a2, u64 a3)
{
	struct ucall uc = { .cmd = cmd, .args = { a0, a1, a2, a3 } };

	/* The struct must be in memory before the host reads it. */
	asm volatile("" : : "r" (&uc) : "memory");
	*(volatile u64 *)UCALL_MMIO = (u64)&uc;
	asm volatile("" : : : "memory");
}

void ucall_abort(const char *file, u64 line, u64 a, u64 b)
{
	struct ucall uc = { .cmd = UCALL_ABORT, .args = { line, a, b }, .file = file };

	for (;;) {
		asm volatile("" : : "r" (&uc) : "memory");
		*(volatile u64 *)UCALL_MMIO = (u64)&uc;
	}
}

static guest_handler_fn handlers[NR_VECTORS];

void guest_install_handler(enum guest_vector vector, guest_handler_fn fn)
{
	handlers[vector] = fn;
}

/* Called by guest_vectors.S with the saved state; returns to ELR. */
void guest_exception(struct guest_regs *regs, u64 vector);
void guest_exception(struct guest_regs *regs, u64 vector)
{
	if (vector < NR_VECTORS && handlers[vector]) {
		handlers[vector](regs);
		return;
	}
	for (;;) {
		struct ucall uc = {
			.cmd = UCALL_EXCEPTION,
			.args = { vector, regs->esr, regs->elr, regs->far },
		};

		asm volatile("" : : "r" (&uc) : "memory");
		*(volatile u64 *)UCALL_MMIO = (u64)&uc;
	}
}

u64 guest_hvc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3) : : "memory");
	return x0;
}

u64 guest_smc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("smc #0" : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3) : : "memory");
	return x0;
}
