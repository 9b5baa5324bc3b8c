// SPDX-License-Identifier: GPL-2.0
/*
 * Exit dispatch by ESR_EL2.EC (Arm ARM D24.2.40, "ESR_EL2, Exception
 * Syndrome Register (EL2)"), in two tiers: fast handlers inside the run
 * window, full handlers after it. The return conventions are at the top
 * of arm64/exits.h. An EC without a handler is UNDEF for the guest and
 * logged once per EC.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kvm.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>

#include "arm64/aarch32.h"
#include "arm64/entry.h"
#include "arm64/exits.h"
#include "arm64/inject.h"
#include "arm64/psci.h"
#include "arm64/sysregs.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "mmu/mmu.h"
#include "vgic/vgic.h"

static unsigned int esr_ec(u64 esr)
{
	return ESR_ELx_EC(esr);
}

void vhv_skip_instr(struct vhv_vcpu *vcpu)
{
	struct user_pt_regs *r = &vcpu->regs.regs;

	/*
	 * A32/T32: the trapped instruction's length is ESR_EL2.IL, the PC
	 * 32 bits wide, and a T32 instruction in an IT block moves ITSTATE
	 * on (arm64/aarch32.c). There is no BTYPE in AArch32 state: bits
	 * [11:10] of its SPSR are IT[3:2].
	 */
	if (r->pstate & PSR_MODE32_BIT) {
		r->pc = lower_32_bits(r->pc + ((vcpu->exit.esr & ESR_ELx_IL) ? 4 : 2));
		r->pstate = vhv_aarch32_it_advance(r->pstate);
		return;
	}
	r->pc += 4;
	/* The next instruction is not a branch target (Arm ARM, PSTATE.BTYPE). */
	r->pstate &= ~PSR_BTYPE_MASK;
}

/* ---- fast tier ---- */

static bool fast_hvc(struct vhv_vcpu *vcpu)
{
	/* The preferred return address of an HVC is the next instruction. */
	return vhv_smccc_workaround(vcpu) || vhv_smccc_fast(vcpu);
}

/*
 * A trapped SMC (HCR_EL2.TSC) returns to the SMC itself. SMCCC reserves
 * non-zero immediates: such an SMC gets -1 in x0 and nothing else, as
 * in KVM. HVC immediates are not looked at.
 */
static bool smc_reserved(struct vhv_vcpu *vcpu)
{
	if (!(vcpu->exit.esr & ESR_ELx_xVC_IMM_MASK))
		return false;
	vcpu->regs.regs.regs[0] = ~0ULL;
	return true;
}

static bool fast_smc(struct vhv_vcpu *vcpu)
{
	if (!smc_reserved(vcpu) && !vhv_smccc_fast(vcpu))
		return false;
	vhv_skip_instr(vcpu);
	return true;
}

static bool fast_sys64(struct vhv_vcpu *vcpu)
{
	return vhv_sysreg_trap(vcpu, vcpu->exit.esr, true);
}

typedef bool (*fast_fn)(struct vhv_vcpu *vcpu);

static const fast_fn fast_handlers[ESR_ELx_EC_MAX + 1] = {
	[ESR_ELx_EC_HVC64]	= fast_hvc,
	[ESR_ELx_EC_SMC64]	= fast_smc,
	[ESR_ELx_EC_SYS64]	= fast_sys64,
};

bool vhv_exit_fast(struct vhv_vcpu *vcpu)
{
	fast_fn fn;

	if (vcpu->exit.code != VHV_EXIT_SYNC)
		return false;
	fn = fast_handlers[esr_ec(vcpu->exit.esr)];
	return fn && fn(vcpu);
}

/* ---- full tier ---- */

/* ESR_EL2.ISS.TI [1:0] of a trapped WFx: bit 1 set for WFIT and WFET. */
#define WFX_ISS_TIMEOUT		BIT(1)

static int handle_wfx(struct vhv_vcpu *vcpu)
{
	/*
	 * WFIT and WFET (FEAT_WFxT) execute on a CPU that has them whatever
	 * the guest's ID_AA64ISAR2_EL1.WFxT says; vhv hides the feature, so
	 * they are UNDEF, as on a CPU without it.
	 */
	if (vcpu->exit.esr & WFX_ISS_TIMEOUT) {
		vhv_inject_undef(vcpu);
		return 1;
	}
	vhv_skip_instr(vcpu);
	/* WFE (TI bit 0 set) only yields; WFI sleeps until there is work. */
	if (vcpu->exit.esr & ESR_ELx_WFx_ISS_WFE) {
		cond_resched();
		return 1;
	}
	return vhv_vcpu_wfi(vcpu);
}

static int handle_hvc(struct vhv_vcpu *vcpu)
{
	return vhv_smccc_workaround(vcpu) ? 1 : vhv_smccc_call(vcpu);
}

static int handle_smc(struct vhv_vcpu *vcpu)
{
	bool reserved = smc_reserved(vcpu);

	vhv_skip_instr(vcpu);
	return reserved ? 1 : vhv_smccc_call(vcpu);
}

static int handle_sys64(struct vhv_vcpu *vcpu)
{
	return vhv_sysreg_trap(vcpu, vcpu->exit.esr, false);
}

static int handle_dabt(struct vhv_vcpu *vcpu)
{
	return vhv_mmu_handle_abort(vcpu, false);
}

static int handle_iabt(struct vhv_vcpu *vcpu)
{
	return vhv_mmu_handle_abort(vcpu, true);
}

static int handle_unknown(struct vhv_vcpu *vcpu)
{
	unsigned int ec = esr_ec(vcpu->exit.esr);

	pr_info_ratelimited("guest exception class %#x (ESR_EL2 %#llx) at pc %#llx: UNDEF\n",
			    ec, vcpu->exit.esr, vcpu->regs.regs.pc);
	vhv_inject_undef(vcpu);
	return 1;
}

typedef int (*exit_fn)(struct vhv_vcpu *vcpu);

static const exit_fn exit_handlers[ESR_ELx_EC_MAX + 1] = {
	[ESR_ELx_EC_WFx]	= handle_wfx,
	[ESR_ELx_EC_HVC64]	= handle_hvc,
	[ESR_ELx_EC_SMC64]	= handle_smc,
	[ESR_ELx_EC_SYS64]	= handle_sys64,
	[ESR_ELx_EC_IABT_LOW]	= handle_iabt,
	[ESR_ELx_EC_DABT_LOW]	= handle_dabt,
};

/*
 * A physical SError taken from the guest: the host's own pending ones are
 * kept out at entry (arm64/entry.S), so it is the guest's, and it gets it
 * as a virtual SError (HCR_EL2.VSE), the architecture's answer for an
 * asynchronous external abort.
 */
static int handle_serror(struct vhv_vcpu *vcpu)
{
	pr_info_ratelimited("SError while the guest ran (pc %#llx): injected into the guest\n",
			    vcpu->regs.regs.pc);
	vhv_inject_serror(vcpu);
	return 1;
}

/*
 * An SError was pending as the guest left (VHV_EXIT_SERROR_PENDING: with
 * RAS deferred into DISR_EL1, without taken in the exit's window), and
 * it is the guest's too. The exit itself is left undone: the guest takes
 * its virtual SError, if it can, and then executes again what trapped,
 * whose preferred return address is that instruction (Arm ARM,
 * "Preferred exception return address"), except for HVC, whose is the
 * next one: its PC goes back by the HVC's 4 bytes.
 */
static int serror_pending(struct vhv_vcpu *vcpu)
{
	const struct vhv_exit *e = &vcpu->exit;

	pr_info_ratelimited("SError pending as the guest left (pc %#llx, DISR_EL1 %#llx): injected into the guest\n",
			    vcpu->regs.regs.pc, e->disr);
	vhv_inject_serror(vcpu);
	if ((e->code & VHV_EXIT_TYPE_MASK) == VHV_EXIT_SYNC && esr_ec(e->esr) == ESR_ELx_EC_HVC64)
		vcpu->regs.regs.pc -= 4;
	return 1;
}

int vhv_exit_handle(struct vhv_vcpu *vcpu)
{
	exit_fn fn;

	if (vcpu->exit.code & VHV_EXIT_SERROR_PENDING)
		return serror_pending(vcpu);
	/* The abort's IPA could not be found (arm64/fault_ipa.c): again. */
	if (vcpu->exit.retry)
		return 1;
	switch (vcpu->exit.code & VHV_EXIT_TYPE_MASK) {
	case VHV_EXIT_IRQ:
	case VHV_EXIT_FIQ:
		/* Taken by the host as the window closed; nothing left to do. */
		return 1;
	case VHV_EXIT_SERROR:
		return handle_serror(vcpu);
	}
	/*
	 * A trapped AArch32 instruction that failed its condition code is
	 * stepped over, with no other effect (arm64/aarch32.c). AArch32
	 * EL0's own trap classes (CP15 and the like) have no handler.
	 */
	if ((vcpu->exit.code & VHV_EXIT_AARCH32) &&
	    !vhv_aarch32_cond_passed(vcpu->exit.esr, vcpu->regs.regs.pstate)) {
		vhv_skip_instr(vcpu);
		return 1;
	}
	fn = exit_handlers[esr_ec(vcpu->exit.esr)];
	return fn ? fn(vcpu) : handle_unknown(vcpu);
}
