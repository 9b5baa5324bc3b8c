// SPDX-License-Identifier: GPL-2.0
/*
 * A guest has only the features its ID registers show: the registers and
 * instructions of the others are UNDEF, whether or not the CPU under it
 * has them. Where the host CPU has such a feature, only the hypervisor's
 * traps make it so (HCR_EL2, HCRX_EL2, CPTR_EL2, MDCR_EL2, the
 * fine-grained traps, MPAM2_EL2); on a CPU without it the architecture
 * does. Every entry runs on every boot, including the newer emulated CPU
 * (QEMU 10: FEAT_FGT, FEAT_HCX, MOPS). A feature the guest's ID registers
 * do show (KVM shows LOR, for one) is not checked. KVM ABI only.
 *
 * The guest writes each instruction into a stub in its scratch memory,
 * makes it visible to instruction fetch, calls it, and reports the
 * exception class its EL1 took (0: unknown reason, that is UNDEF), or
 * none. Where the guest's own controls would stop the instruction first,
 * the stub opens them around it, so that only the hypervisor's traps or
 * the CPU's lack of the feature remain: CPACR_EL1.ZEN and SMEN (else SVE
 * and SME take their own access trap, EC 0x19 and 0x1d, at EL1),
 * SCTLR_EL1.EnIA (else PACIA is a NOP).
 *
 * TPIDR2_EL0 and SMPRI_EL1 of SME have no trap but the fine-grained
 * ones (HFGxTR_EL2.nTPIDR2_EL0, nSMPRI_EL1): on a host CPU with SME and
 * without FEAT_FGT they cannot be hidden (vhv then switches TPIDR2_EL0),
 * so they are checked only where the harness says the host has FEAT_FGT
 * (VHV_HOST_FGT=1, from the kernel command line; userspace cannot read
 * the field). With it, they are the one fine-grained trap the emulated
 * CPUs can show: Linux opens both when the CPU has SME.
 *
 * Not here: WFET and WFIT. A CPU may complete them at once without
 * trapping, and QEMU 10.0 reports a trapped WFIT with the syndrome of WFI
 * (ESR_EL2.ISS.TI = 0), so no outcome would show anything.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

/* MRS x0, <reg> and MSR <reg>, xzr (Arm ARM C6.2, MRS and MSR register). */
#define SYS(op0, op1, crn, crm, op2)	\
	(((op0) << 19) | ((op1) << 16) | ((crn) << 12) | ((crm) << 8) | ((op2) << 5))
#define MRS(enc)	(0xd5200000U | (enc))
#define MSR(enc)	(0xd5000000U | (enc) | 31)

#define NO_EXCEPTION	0xff

/* How the stub surrounds the instruction (see the top of the file). */
enum stub_kind {
	PLAIN,
	OPEN_CPACR,	/* CPACR_EL1.ZEN = SMEN = 0b11 around it */
	OPEN_ENIA,	/* SCTLR_EL1.EnIA = 1 around it */
	NEEDS_FGT,	/* trappable only with FEAT_FGT (see below) */
};

/* An ID register field (op0 = 3, op1 = 0, CRn = 0): the feature is shown
 * to the guest when the field is at least min.
 */
struct id_field {
	u8 crm, op2, shift, min;
};

#define ID(crm, op2, shift, min)	{ crm, op2, shift, min }
#define PFR0(shift)	ID(4, 0, shift, 1)
#define PFR1(shift)	ID(4, 1, shift, 1)
#define PFR2(shift)	ID(4, 2, shift, 1)
#define DFR0(shift)	ID(5, 0, shift, 1)
#define ISAR1(shift)	ID(6, 1, shift, 1)
#define ISAR2(shift)	ID(6, 2, shift, 1)
#define MMFR1(shift)	ID(7, 1, shift, 1)
#define MMFR3(shift)	ID(7, 3, shift, 1)

struct hidden_insn {
	const char *what;
	u32 insn;
	enum stub_kind kind;
	struct id_field id[3];	/* shown if any is; .min = 0: none */
};

/* Registers of features a vhv (or KVM) guest without VMM opt-in lacks. */
static const struct hidden_insn hidden_regs[] = {
	{ "POR_EL0 (S1POE)", SYS(3, 3, 10, 2, 4), PLAIN, { MMFR3(16) } },
	{ "POR_EL1 (S1POE)", SYS(3, 0, 10, 2, 4), PLAIN, { MMFR3(16) } },
	{ "PIR_EL1 (S1PIE)", SYS(3, 0, 10, 2, 3), PLAIN, { MMFR3(8) } },
	{ "PIRE0_EL1 (S1PIE)", SYS(3, 0, 10, 2, 2), PLAIN, { MMFR3(8) } },
	{ "TCR2_EL1 (TCRX)", SYS(3, 0, 2, 0, 3), PLAIN, { MMFR3(0) } },
	{ "SCTLR2_EL1 (SCTLRX)", SYS(3, 0, 1, 0, 3), PLAIN, { MMFR3(4) } },
	{ "GCSPR_EL0 (GCS)", SYS(3, 3, 2, 5, 1), PLAIN, { PFR1(44) } },
	{ "GCSCR_EL1 (GCS)", SYS(3, 0, 2, 5, 0), PLAIN, { PFR1(44) } },
	{ "FPMR (FPMR)", SYS(3, 3, 4, 4, 2), PLAIN, { PFR2(32) } },
	{ "ACCDATA_EL1 (LS64)", SYS(3, 0, 13, 0, 5), PLAIN, { ISAR1(60) } },
	{ "RCWMASK_EL1 (THE)", SYS(3, 0, 13, 0, 6), PLAIN, { PFR1(48) } },
	{ "MPAM1_EL1 (MPAM)", SYS(3, 0, 10, 5, 0), PLAIN, { PFR0(40), PFR1(16) } },
	{ "MPAM0_EL1 (MPAM)", SYS(3, 0, 10, 5, 1), PLAIN, { PFR0(40), PFR1(16) } },
	{ "ZCR_EL1 (SVE)", SYS(3, 0, 1, 2, 0), OPEN_CPACR, { PFR0(32) } },
	{ "SMCR_EL1 (SME)", SYS(3, 0, 1, 2, 6), OPEN_CPACR, { PFR1(24) } },
	{ "APIAKEYLO_EL1 (PAuth)", SYS(3, 0, 2, 1, 0), PLAIN, { ISAR1(4), ISAR1(8), ISAR2(12) } },
	{ "GCR_EL1 (MTE2)", SYS(3, 0, 1, 0, 6), PLAIN, { ID(4, 1, 8, 2) } },
	{ "TFSR_EL1 (MTE2)", SYS(3, 0, 5, 6, 0), PLAIN, { ID(4, 1, 8, 2) } },
	{ "PMCR_EL0 (PMU)", SYS(3, 3, 9, 12, 0), PLAIN, { DFR0(8) } },
	{ "PMSCR_EL1 (SPE)", SYS(3, 0, 9, 9, 0), PLAIN, { DFR0(32) } },
	{ "TRBLIMITR_EL1 (TRBE)", SYS(3, 0, 9, 11, 0), PLAIN, { DFR0(44) } },
	{ "TRFCR_EL1 (TRF)", SYS(3, 0, 1, 2, 1), PLAIN, { DFR0(40) } },
	{ "AMCR_EL0 (AMU)", SYS(3, 3, 13, 2, 0), PLAIN, { PFR0(44) } },
	{ "LORC_EL1 (LOR)", SYS(3, 0, 10, 4, 3), PLAIN, { MMFR1(16) } },
	{ "ERRSELR_EL1 (RAS)", SYS(3, 0, 5, 3, 1), PLAIN, { PFR0(28) } },
	{ "SCXTNUM_EL1 (CSV2_2)", SYS(3, 0, 13, 0, 7), PLAIN, { ID(4, 0, 56, 2) } },
	{ "BRBCR_EL1 (BRBE)", SYS(2, 1, 9, 0, 0), PLAIN, { DFR0(52) } },
	{ "TPIDR2_EL0 (SME)", SYS(3, 3, 13, 0, 5), NEEDS_FGT, { PFR1(24) } },
	{ "SMPRI_EL1 (SME)", SYS(3, 0, 1, 2, 4), NEEDS_FGT, { PFR1(24) } },
};

/*
 * Instructions, with x0 = a scratch address, x1 = x2 = 0 so that none
 * could do harm if it executed (encodings from binutils).
 */
static const struct hidden_insn hidden_insns[] = {
	{ "SETP [x0]!, x1!, x2 (MOPS)", 0x19c20420, PLAIN, { ISAR2(16) } },
	{ "CPYFP [x0]!, [x1]!, x2! (MOPS)", 0x19010440, PLAIN, { ISAR2(16) } },
	{ "PTRUE p0.b (SVE)", 0x2518e3e0, OPEN_CPACR, { PFR0(32) } },
	{ "SMSTART (SME)", 0xd503477f, OPEN_CPACR, { PFR1(24) } },
	{ "PACIA x0, x1 (PAuth)", 0xdac10020, OPEN_ENIA, { ISAR1(4), ISAR1(8), ISAR2(12) } },
	{ "ST64B x0, [x1] (LS64)", 0xf83f9020, PLAIN, { ISAR1(60) } },
};

#define A64_RET		0xd65f03c0
#define A64_ISB		0xd5033fdf
#define MAX_STUB	10

/* mrs x3, cpacr_el1; orr x4, x3, #0x30000; orr x4, x4, #0x3000000;
 * msr cpacr_el1, x4; isb -- and after: msr cpacr_el1, x3; isb
 */
static const u32 cpacr_open[] = { 0xd5381043, 0xb2700464, 0xb2680484, 0xd5181044, A64_ISB };
static const u32 cpacr_close[] = { 0xd5181043, A64_ISB };
/* mrs x3, sctlr_el1; orr x4, x3, #0x80000000; msr sctlr_el1, x4; isb --
 * and after: msr sctlr_el1, x3; isb
 */
static const u32 enia_open[] = { 0xd5381003, 0xb2610064, 0xd5181004, A64_ISB };
static const u32 enia_close[] = { 0xd5181003, A64_ISB };

struct stub {
	u32 n;
	u32 words[MAX_STUB];
};

static void stub_add(struct stub *st, const u32 *w, unsigned int n)
{
	while (n--)
		st->words[st->n++] = *w++;
}

static void stub_build(struct stub *st, const struct hidden_insn *h, u32 insn)
{
	st->n = 0;
	if (h->kind == OPEN_CPACR)
		stub_add(st, cpacr_open, ARRAY_SIZE(cpacr_open));
	else if (h->kind == OPEN_ENIA)
		stub_add(st, enia_open, ARRAY_SIZE(enia_open));
	stub_add(st, &insn, 1);
	if (h->kind == OPEN_CPACR)
		stub_add(st, cpacr_close, ARRAY_SIZE(cpacr_close));
	else if (h->kind == OPEN_ENIA)
		stub_add(st, enia_close, ARRAY_SIZE(enia_close));
	st->words[st->n++] = A64_RET;
}

#define NR_CASES	(2 * ARRAY_SIZE(hidden_regs) + ARRAY_SIZE(hidden_insns))

/* The guest's copy of the stubs, filled by the host. */
static struct stub guest_cases[NR_CASES];
static volatile u64 last_ec;

static void guest_undef_handler(struct guest_regs *regs)
{
	last_ec = ESR_EC(regs->esr);
	regs->elr += 4;
}

static u64 run_stub(const struct stub *st)
{
	u32 *code = (u32 *)GUEST_SCRATCH;
	void (*fn)(u64, u64, u64) = (void (*)(u64, u64, u64))code;
	unsigned int i;

	for (i = 0; i < st->n; i++)
		code[i] = st->words[i];
	/* New instructions: clean to the PoU, invalidate the I-cache (D7.5.9). */
	asm volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb"
		     : : "r" (code) : "memory");
	last_ec = NO_EXCEPTION;
	fn(GUEST_SCRATCH + 0x800, 0, 0);
	return last_ec;
}

static void guest_try_all(u64 unused)
{
	unsigned int i;

	guest_install_handler(VECTOR_SYNC_CUR, guest_undef_handler);
	for (i = 0; i < NR_CASES; i++)
		GUEST_SYNC2(i, run_stub(&guest_cases[i]));
	GUEST_DONE();
}

static const struct hidden_insn *case_of(unsigned int i, const char **how)
{
	unsigned int nr = ARRAY_SIZE(hidden_regs);

	*how = i < nr ? "read" : i < 2 * nr ? "write" : "execute";
	return i < 2 * nr ? &hidden_regs[i % nr] : &hidden_insns[i - 2 * nr];
}

static bool host_has_fgt(void)
{
	const char *v = getenv("VHV_HOST_FGT");

	return v && !strcmp(v, "1");
}

/* Whether the guest's ID registers show the feature, by ONE_REG. */
static bool feature_shown(struct vmm_vcpu *vcpu, const struct hidden_insn *h)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(h->id) && h->id[i].min; i++) {
		const struct id_field *f = &h->id[i];
		u64 v = vmm_get_reg(vcpu, REG_SYS(3, 0, 0, f->crm, f->op2));

		if (((v >> f->shift) & 0xf) >= f->min)
			return true;
	}
	return false;
}

static void fill_cases(void)
{
	unsigned int i, nr = ARRAY_SIZE(hidden_regs);

	for (i = 0; i < nr; i++) {
		stub_build(&guest_cases[i], &hidden_regs[i], MRS(hidden_regs[i].insn));
		stub_build(&guest_cases[nr + i], &hidden_regs[i], MSR(hidden_regs[i].insn));
	}
	for (i = 0; i < ARRAY_SIZE(hidden_insns); i++)
		stub_build(&guest_cases[2 * nr + i], &hidden_insns[i], hidden_insns[i].insn);
}

TEST(registers_and_instructions_of_hidden_features_are_undef)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu;
	struct ucall uc;
	unsigned int i, bad = 0;
	const char *how;

	fill_cases();
	vmm_sync_to_guest(vm, guest_cases, sizeof(guest_cases));
	vcpu = vmm_vcpu_new(vm, 0, guest_try_all, 0);
	for (i = 0; i < NR_CASES; i++) {
		const struct hidden_insn *h = case_of(i, &how);

		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], i);
		if (uc.args[1] == 0)
			continue;
		if (h->kind == NEEDS_FGT && !host_has_fgt()) {
			vt_note("%s %s: no FEAT_FGT on the host, not checked", h->what, how);
			continue;
		}
		if (feature_shown(vcpu, h)) {
			vt_note("%s %s: the guest has the feature, not checked", h->what, how);
			continue;
		}
		vt_note("%s %s: %s (exception class %#llx)", h->what, how,
			uc.args[1] == NO_EXCEPTION ? "executed" : "took another exception",
			(unsigned long long)uc.args[1]);
		bad++;
	}
	ASSERT_EQ(bad, 0);
	vmm_run_to_done(vcpu);
}
