// SPDX-License-Identifier: GPL-2.0
/*
 * Taking an exception to the guest's EL1 on its behalf, as the hardware
 * would (Arm ARM D1.3, "Exception entry"): ESR_EL1 and FAR_EL1 describe
 * it, ELR_EL1 and SPSR_EL1 keep the interrupted context, and the vCPU
 * continues at VBAR_EL1 plus the offset for where it came from, in EL1h
 * with all of DAIF masked.
 */
#include <linux/kvm.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "arm64/inject.h"
#include "arm64/switch.h"
#include "core/vcpu.h"

/* Vector offsets from VBAR_EL1 for a synchronous exception (D1.3.2). */
#define VECT_CURRENT_SP0	0x000
#define VECT_CURRENT_SPX	0x200
#define VECT_LOWER_A64		0x400
#define VECT_LOWER_A32		0x600

static u64 vector_offset(u64 pstate)
{
	if (pstate & PSR_MODE32_BIT)
		return VECT_LOWER_A32;
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL0t:
		return VECT_LOWER_A64;
	case PSR_MODE_EL1t:
		return VECT_CURRENT_SP0;
	default:
		return VECT_CURRENT_SPX;
	}
}

/*
 * PSTATE on entry to EL1: EL1h, D, A, I, F set; PAN set unless
 * SCTLR_EL1.SPAN keeps it; SSBS from SCTLR_EL1.DSSBS; BTYPE, IL, SS,
 * UAO cleared (D1.3.1, "PSTATE on taking an exception").
 */
static u64 entry_pstate(struct vhv_vcpu *vcpu, u64 old)
{
	u64 sctlr = vhv_vcpu_read_sr(vcpu, VHV_SR_SCTLR_EL1);
	u64 new = PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;

	if (!(sctlr & SCTLR_EL1_SPAN))
		new |= PSR_PAN_BIT;
	else
		new |= old & PSR_PAN_BIT;
	if (sctlr & SCTLR_ELx_DSSBS)
		new |= PSR_SSBS_BIT;
	return new;
}

static void take_sync(struct vhv_vcpu *vcpu, u64 esr)
{
	u64 pstate = vcpu->regs.regs.pstate;
	u64 vbar = vhv_vcpu_read_sr(vcpu, VHV_SR_VBAR_EL1);

	vhv_vcpu_write_elr_spsr_el1(vcpu, vcpu->regs.regs.pc, pstate);
	vhv_vcpu_write_sr(vcpu, VHV_SR_ESR_EL1, esr);
	vcpu->regs.regs.pstate = entry_pstate(vcpu, pstate);
	vcpu->regs.regs.pc = vbar + vector_offset(pstate);
}

/* IL: the length of the instruction the exception is about (32-bit for A64). */
static u64 esr_il(struct vhv_vcpu *vcpu)
{
	if (vcpu->regs.regs.pstate & PSR_MODE32_BIT)
		return vcpu->exit.esr & ESR_ELx_IL;
	return ESR_ELx_IL;
}

void vhv_inject_undef(struct vhv_vcpu *vcpu)
{
	take_sync(vcpu, ((u64)ESR_ELx_EC_UNKNOWN << ESR_ELx_EC_SHIFT) | esr_il(vcpu));
}

/* From a lower EL the abort ECs are the LOW ones, from EL1 the CUR ones. */
static bool from_el0(struct vhv_vcpu *vcpu)
{
	u64 pstate = vcpu->regs.regs.pstate;

	return (pstate & PSR_MODE32_BIT) || (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

/* Synchronous External abort, not on a translation table walk (FSC 0b010000). */
#define SEA_FSC		0x10

void vhv_inject_dabt(struct vhv_vcpu *vcpu, u64 addr)
{
	u64 ec = from_el0(vcpu) ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;

	take_sync(vcpu, (ec << ESR_ELx_EC_SHIFT) | esr_il(vcpu) | SEA_FSC);
	vhv_vcpu_write_sr(vcpu, VHV_SR_FAR_EL1, addr);
}

/*
 * A virtual SError (HCR_EL2.VSE) with an implementation-defined syndrome
 * (IDS, ESR_ELx bit 24, through VSESR_EL2 where there is RAS), as KVM
 * gives one; one the VMM already made pending keeps its syndrome.
 */
void vhv_inject_serror(struct vhv_vcpu *vcpu)
{
	if (vcpu->hcr & HCR_VSE)
		return;
	vcpu->vsesr = ESR_ELx_ISV;
	vcpu->hcr |= HCR_VSE;
}

void vhv_inject_pabt(struct vhv_vcpu *vcpu, u64 addr)
{
	u64 ec = from_el0(vcpu) ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR;

	take_sync(vcpu, (ec << ESR_ELx_EC_SHIFT) | esr_il(vcpu) | SEA_FSC);
	vhv_vcpu_write_sr(vcpu, VHV_SR_FAR_EL1, addr);
}
