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

	/* A32/T32: the trapped instruction's length is ESR_EL2.IL. */
	if (r->pstate & PSR_MODE32_BIT)
		r->pc += (vcpu->exit.esr & ESR_ELx_IL) ? 4 : 2;
	else
		r->pc += 4;
	/* The next instruction is not a branch target (D1.3.x, PSTATE.BTYPE). */
	r->pstate &= ~PSR_BTYPE_MASK;
}

/* ---- fast tier ---- */

static bool fast_hvc(struct vhv_vcpu *vcpu)
{
	/* The preferred return address of an HVC is the next instruction. */
	return vhv_smccc_fast(vcpu);
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

static int handle_wfx(struct vhv_vcpu *vcpu)
{
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
	return vhv_smccc_call(vcpu);
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
 * A physical SError taken from the guest: with nothing to tell whose
 * access caused it, the guest gets it, as a virtual SError (HCR_EL2.VSE),
 * the architecture's answer for an asynchronous external abort.
 */
static int handle_serror(struct vhv_vcpu *vcpu)
{
	pr_info_ratelimited("SError while the guest ran (pc %#llx): injected into the guest\n",
			    vcpu->regs.regs.pc);
	vcpu->hcr |= HCR_VSE;
	return 1;
}

int vhv_exit_handle(struct vhv_vcpu *vcpu)
{
	exit_fn fn;

	switch (vcpu->exit.code & VHV_EXIT_TYPE_MASK) {
	case VHV_EXIT_IRQ:
	case VHV_EXIT_FIQ:
		/* Taken by the host as the window closed; nothing left to do. */
		return 1;
	case VHV_EXIT_SERROR:
		return handle_serror(vcpu);
	}
	/* AArch32 EL0's own trap classes (CP15 and the like) have no handler. */
	fn = exit_handlers[esr_ec(vcpu->exit.esr)];
	return fn ? fn(vcpu) : handle_unknown(vcpu);
}
