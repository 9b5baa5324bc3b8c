/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code for the tests, and the layout it runs in.
 *
 * A test's guest code is plain C in the test binary. The VMM library
 * (vmm.h) copies the binary's loaded segments into guest RAM at the same
 * addresses, builds identity-mapped stage-1 tables, and starts a vCPU at
 * EL1h with its MMU and caches on, at a function of the test: guest
 * virtual address = IPA = the binary's own address. Guest code must not
 * call libc (no TLS, no locks): only this library.
 *
 * The guest reports to the host by "ucall": it writes the address of a
 * struct ucall to UCALL_MMIO, which exits as KVM_EXIT_MMIO; the host
 * reads the struct from guest memory.
 */
#ifndef VHV_SELFTESTS_GUEST_H
#define VHV_SELFTESTS_GUEST_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef uint8_t u8;

/* Guest physical (= virtual) layout. */
#define GUEST_RAM_BASE		0x0ULL
#define GUEST_RAM_SIZE		(64ULL << 20)	/* slot 0 */
#define GUEST_PT_BASE		0x100000ULL	/* stage-1 tables: 3 pages */
#define GUEST_SCRATCH		0x200000ULL	/* 1 MB for tests */
#define GUEST_SCRATCH_SIZE	(1ULL << 20)
#define GUEST_STACK_SIZE	0x10000ULL	/* per vCPU, from the top of RAM */
#define GUEST_NORMAL_END	(512ULL << 20)	/* [0, 512 MB): Normal WB memory */
#define GUEST_DEVICE_END	(4ULL << 30)	/* [512 MB, 4 GB): Device-nGnRE */
#define UCALL_MMIO		0x30000000ULL	/* in the Device range, no slot */

enum ucall_cmd {
	UCALL_NONE,
	UCALL_SYNC,	/* args[0..] for the host; the guest continues */
	UCALL_DONE,	/* the guest function returned or finished */
	UCALL_ABORT,	/* a guest assertion failed: args[0] line, args[1..2] values */
	UCALL_EXCEPTION,/* unexpected exception: args vector, ESR, ELR, FAR */
};

#define UCALL_MAX_ARGS	6

struct ucall {
	u64 cmd;
	u64 args[UCALL_MAX_ARGS];
	const char *file;	/* for UCALL_ABORT, in the guest's image */
};

void ucall(u64 cmd, u64 a0, u64 a1, u64 a2, u64 a3);
void ucall_abort(const char *file, u64 line, u64 a, u64 b) __attribute__((noreturn));

#define GUEST_SYNC(a0)		ucall(UCALL_SYNC, (a0), 0, 0, 0)
#define GUEST_SYNC2(a0, a1)	ucall(UCALL_SYNC, (a0), (a1), 0, 0)
#define GUEST_DONE()		ucall(UCALL_DONE, 0, 0, 0, 0)
#define GUEST_ASSERT_EQ(a, b) do {						\
	u64 __a = (u64)(a), __b = (u64)(b);					\
	if (__a != __b)								\
		ucall_abort(__FILE__, __LINE__, __a, __b);			\
} while (0)
#define GUEST_ASSERT(c)		GUEST_ASSERT_EQ(!!(c), 1)

/*
 * Exceptions taken to the guest's EL1 go to a handler the guest code
 * installs for a vector (VECTOR_* below); without one, they are reported
 * as UCALL_EXCEPTION. A handler sees and may change the saved state, for
 * example step ELR past the faulting instruction.
 */
struct guest_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

enum guest_vector {
	VECTOR_SYNC_CUR_SP0, VECTOR_IRQ_CUR_SP0, VECTOR_FIQ_CUR_SP0, VECTOR_ERR_CUR_SP0,
	VECTOR_SYNC_CUR, VECTOR_IRQ_CUR, VECTOR_FIQ_CUR, VECTOR_ERR_CUR,
	VECTOR_SYNC_LOWER, VECTOR_IRQ_LOWER, VECTOR_FIQ_LOWER, VECTOR_ERR_LOWER,
	VECTOR_SYNC_LOWER32, VECTOR_IRQ_LOWER32, VECTOR_FIQ_LOWER32, VECTOR_ERR_LOWER32,
	NR_VECTORS,
};

typedef void (*guest_handler_fn)(struct guest_regs *regs);
void guest_install_handler(enum guest_vector vector, guest_handler_fn fn);
extern char guest_vectors[];

/* ESR_EL1.EC of the last exception. */
#define ESR_EC(esr)		((esr) >> 26)

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r" (__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %0" : : "r" ((u64)(v)))

/* HVC with x0-x3 in, x0 out (SMCCC 1.1). */
u64 guest_hvc(u64 fn, u64 a1, u64 a2, u64 a3);
u64 guest_smc(u64 fn, u64 a1, u64 a2, u64 a3);

#endif /* VHV_SELFTESTS_GUEST_H */
