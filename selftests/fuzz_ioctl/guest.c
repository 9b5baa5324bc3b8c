// SPDX-License-Identifier: GPL-2.0
/*
 * What the world's vCPUs run while the fuzzer works on their VM: a loop
 * of random accesses, each its own exit path. Loads and stores of every
 * size to the window where the fuzzer's memory slots come and go (RAM,
 * or MMIO exits where there is none), device MMIO, the vGIC frames and
 * CPU interface, firmware calls, WFI with the timer armed, cache and
 * set/way maintenance, pairs, exclusives, atomics and SIMD (no valid
 * syndrome outside RAM: ARM_NISV exits, or ENOSYS). Whatever exception
 * comes back is stepped over. The fuzzer may change any register under
 * it; the loop holds no state it needs besides its stack.
 *
 * Runs in the guest only: no libc.
 */
#include "../lib/gic.h"
#include "fuzz.h"

#define SPSR_DAIF	(0xfULL << 6)
#define FZ_PSCI_VERSION	0x84000000ULL
#define FZ_PSCI_CPU_OFF	0x84000002ULL
#define FZ_PSCI_CPU_ON	0xc4000003ULL
#define FZ_PSCI_AFF_INFO	0xc4000004ULL
#define FZ_PSCI_SYS_OFF	0x84000008ULL
#define FZ_PSCI_SYS_RESET	0x84000009ULL
#define FZ_PSCI_FEATURES	0x8400000aULL
#define SMCCC_ARCH_WA1	0x80008000ULL

/* A vCPU brought up by CPU_ON (MMU off, no stack) waits here. */
asm(".text\n.global fz_guest_parked\nfz_guest_parked:\n1:\twfi\n\tb 1b\n");

static void on_sync(struct guest_regs *regs)
{
	regs->elr += 4;
}

static void on_async(struct guest_regs *regs)
{
	/* Back with the interrupt masked: a level line would come again at once. */
	regs->spsr |= SPSR_DAIF;
}

static u64 next(u64 *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

static void ram_access(u64 x, u64 addr)
{
	u64 v = x;

	switch ((x >> 40) & 7) {
	case 0: asm volatile("ldrb %w0, [%1]" : "=r" (v) : "r" (addr) : "memory"); break;
	case 1: asm volatile("ldrh %w0, [%1]" : "=r" (v) : "r" (addr) : "memory"); break;
	case 2: asm volatile("ldr %w0, [%1]" : "=r" (v) : "r" (addr) : "memory"); break;
	case 3: asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (addr) : "memory"); break;
	case 4: asm volatile("strb %w0, [%1]" : : "r" (v), "r" (addr) : "memory"); break;
	case 5: asm volatile("strh %w0, [%1]" : : "r" (v), "r" (addr) : "memory"); break;
	case 6: asm volatile("str %w0, [%1]" : : "r" (v), "r" (addr) : "memory"); break;
	default: asm volatile("str %0, [%1]" : : "r" (v), "r" (addr) : "memory"); break;
	}
}

/* Forms without a valid syndrome outside RAM. */
static void odd_access(u64 x, u64 addr, bool lse)
{
	u64 a = 1, b = 2;

	switch ((x >> 40) & 7) {
	case 0: asm volatile("stp %0, %1, [%2]" : : "r" (a), "r" (b), "r" (addr) : "memory"); break;
	case 1: asm volatile("ldp %0, %1, [%2]" : "=r" (a), "=r" (b) : "r" (addr) : "memory"); break;
	case 2: asm volatile("ldr %0, [%1], #8" : "=r" (a), "+r" (addr) : : "memory"); break;
	case 3:
		asm volatile("ldxr %0, [%2]\n stxr %w1, %0, [%2]"
			     : "=&r" (a), "=&r" (b) : "r" (addr & ~7ULL) : "memory");
		break;
	case 4:
		if (lse)
			asm volatile(".arch_extension lse\n ldadd %1, %0, [%2]"
				     : "=r" (a) : "r" (b), "r" (addr & ~7ULL) : "memory");
		break;
	case 5:
		asm volatile("ld1 {v0.16b, v1.16b}, [%0]" : : "r" (addr) : "v0", "v1", "memory");
		break;
	case 6:
		asm volatile("stp q0, q1, [%0]" : : "r" (addr) : "memory");
		break;
	default:
		asm volatile("dc zva, %0" : : "r" (addr) : "memory");
		break;
	}
}

static void firmware_call(u64 x, u64 idx)
{
	static const u64 fns[] = {
		FZ_PSCI_VERSION, FZ_PSCI_FEATURES, FZ_PSCI_AFF_INFO, FZ_PSCI_CPU_ON, SMCCC_ARCH_WA1,
		0xc4000001ULL, 0x8400000cULL, 0x12345678ULL,
	};
	u64 fn = fns[(x >> 20) % ARRAY_SIZE(fns)];

	/* Rare ones stop vCPUs: the threads bring them back. */
	switch ((x >> 12) & 0x3ff) {
	case 0: fn = FZ_PSCI_CPU_OFF; break;
	case 1: fn = FZ_PSCI_SYS_OFF; break;
	case 2: fn = FZ_PSCI_SYS_RESET; break;
	}
	if (x & (1 << 30))
		guest_smc(fn, idx ^ 1, (u64)fz_guest_parked, x);
	else
		guest_hvc(fn, idx ^ 1, (u64)fz_guest_parked, x);
}

static void wait_a_little(u64 x)
{
	u64 now = read_sysreg(cntvct_el0);

	write_sysreg(0, cntv_ctl_el0);
	/* 0.1 to 2 ms at 62.5 MHz: the vCPU threads sleep more than they spin. */
	write_sysreg(now + 6250 + (x & 0x1ffff), cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	asm volatile("isb\n wfi" : : : "memory");
	write_sysreg(0, cntv_ctl_el0);
}

static void gic_access(u64 x, u64 idx)
{
	u64 off = (x >> 16) & 0xfffc;
	u64 base = (x >> 33) & 1 ? GIC_DIST_BASE :
		   GIC_REDIST_BASE + (idx & 1) * GIC_REDIST_STRIDE + ((x >> 34) & 1) * 0x10000;
	u32 v;

	if ((x >> 35) & 3)
		asm volatile("ldr %w0, [%1]" : "=r" (v) : "r" (base + off) : "memory");
	else
		asm volatile("str %w0, [%1]" : : "r" ((u32)x), "r" (base + off) : "memory");
}

static void icc_access(u64 x, u64 idx)
{
	u64 v;

	switch ((x >> 20) & 3) {
	case 0:
		asm volatile("mrs %0, s3_0_c12_c12_0" : "=r" (v));	/* ICC_IAR1_EL1 */
		if (v < 1020)
			asm volatile("msr s3_0_c12_c12_1, %0" : : "r" (v));	/* EOIR1 */
		break;
	case 1:
		asm volatile("msr s3_0_c12_c11_5, %0" : : "r" ((x & 0xf000000) | (1 << (idx ^ 1))));
		break;
	case 2:
		asm volatile("msr s3_0_c4_c6_0, %0" : : "r" (x & 0xff));	/* ICC_PMR_EL1 */
		break;
	default:
		asm volatile("msr s3_0_c12_c12_7, %0" : : "r" (x & 1));	/* ICC_IGRPEN1_EL1 */
		break;
	}
}

static void maintenance(u64 x, u64 addr)
{
	switch ((x >> 20) & 3) {
	case 0: asm volatile("dc civac, %0" : : "r" (addr) : "memory"); break;
	case 1: asm volatile("ic iallu\n dsb nsh\n isb" : : : "memory"); break;
	case 2: asm volatile("tlbi vmalle1\n dsb nsh\n isb" : : : "memory"); break;
	default: asm volatile("dc isw, %0" : : "r" (x & 0xffe) : "memory"); break;
	}
}

void fz_guest(u64 arg)
{
	bool lse = (read_sysreg(id_aa64isar0_el1) >> 20 & 0xf) >= 2;
	u64 s = arg | 1, idx = arg & 0xff, n = 0, x, win;
	unsigned int v;

	for (v = VECTOR_SYNC_CUR_SP0; v < NR_VECTORS; v++)
		guest_install_handler(v, (v & 3) ? on_async : on_sync);
	for (;;) {
		x = next(&s);
		win = FZ_WINDOW_GPA + (x >> 8) % FZ_WINDOW_SIZE;
		switch (x & 15) {
		case 0 ... 4:
			ram_access(x, win);
			break;
		case 5:
			ram_access(x, FZ_MMIO_GPA + ((x >> 8) & 0xff8));
			break;
		case 6:
			odd_access(x, (x >> 45) & 1 ? win : FZ_MMIO_GPA + ((x >> 8) & 0xff0), lse);
			break;
		case 7:
			odd_access(x, win, lse);
			break;
		case 8:
			gic_access(x, idx);
			break;
		case 9:
			icc_access(x, idx);
			break;
		case 10:
			firmware_call(x, idx);
			break;
		case 11:
		case 15:
			wait_a_little(x);
			break;
		case 12:
			maintenance(x, win);
			break;
		case 13:
			v = read_sysreg(mpidr_el1) + read_sysreg(id_aa64pfr0_el1) + read_sysreg(ctr_el0);
			(void)v;
			break;
		default:
			/* Progress, for the fuzzer's statistics. */
			if (!(++n & 15))
				asm volatile("str %0, [%1]" : : "r" (n), "r" (FZ_MMIO_GPA) : "memory");
			break;
		}
	}
}
