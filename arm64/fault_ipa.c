// SPDX-License-Identifier: GPL-2.0
/*
 * The IPA of a stage-2 abort, for mmu/fault.c (vcpu->exit.hpfar).
 *
 * HPFAR_EL2 holds it for a stage-2 fault taken on a stage-1 table walk
 * (ESR_EL2.S1PTW set) and for translation and access flag faults; for a
 * stage-2 permission fault on the access itself it is UNKNOWN (Arm ARM,
 * HPFAR_EL2: "... is UNKNOWN" outside the listed cases), as it is on every
 * fault of Cortex-A57 with erratum 834220 (a core without VHE: vhv never
 * runs there). Such an IPA is found the way KVM finds it: AT S1E1R on
 * FAR_EL2, inside the run window, while the guest's EL1&0 regime and its
 * stage 2 are still the live ones (HCR_EL2.TGE clear, VTTBR_EL2 the VM's).
 * Stage 1 already granted the access, so an EL1 read check suffices for
 * any access: stage-1 permissions never deny EL1 reads (the guest gets no
 * permission indirection or overlays, HCRX_EL2 and TCR2_EL1 being off).
 * The guest's PAR_EL1 is live in the window: saved and restored around.
 * If the walk fails (the guest changed its tables meanwhile), the exit is
 * marked for a retry: the guest executes the access again. If it succeeds
 * on changed tables, mmu/fault.c finds no stage-2 entry there that denies
 * the access and retries too.
 *
 * hpfar_check (test only, off by default) also translates FAR_EL2 when
 * HPFAR_EL2 is valid, and for permission faults too (QEMU writes HPFAR on
 * every stage-2 fault), and WARNs once after the window if the two
 * disagree in a one-vCPU VM: on real hardware HPFAR may be UNKNOWN there,
 * so it stays off.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "arm64/entry.h"
#include "arm64/switch.h"
#include "core/vcpu.h"
#include "core/vm.h"

static bool hpfar_check;
module_param(hpfar_check, bool, 0444);
MODULE_PARM_DESC(hpfar_check, "Test only: check HPFAR_EL2 against AT S1E1R of FAR_EL2 on each stage-2 abort");

/*
 * PAR_EL1 (64-bit format): F [0]; with F clear, PA [51:12] (PA[51:48] with
 * 52-bit addresses). HPFAR_EL2.FIPA [43:4] is IPA[51:12].
 */
#define PAR_F			BIT_ULL(0)
#define PAR_PA_MASK		GENMASK_ULL(51, 12)
#define HPFAR_FIPA_MASK		GENMASK_ULL(43, 4)

static bool far_to_hpfar(u64 far, u64 *hpfar)
{
	u64 guest_par = read_sysreg_par();
	u64 par;

	/*
	 * No ISB before the AT: nothing that affects the translation was
	 * written since the exception entry, a context synchronisation
	 * event. vhv_at_s1e1r() has the ISB the Arm ARM requires before
	 * PAR_EL1 can be read for the AT's result.
	 */
	par = vhv_at_s1e1r(far);
	write_sysreg(guest_par, par_el1);
	if (par & PAR_F)
		return false;
	*hpfar = (par & PAR_PA_MASK) >> 8;
	return true;
}

/* In the run window, after a stage-2 abort (EC 0x20, 0x24) whose syndrome is read. */
void vhv_exit_resolve_ipa(struct vhv_vcpu *vcpu)
{
	struct vhv_exit *e = &vcpu->exit;
	bool perm;
	u64 ipa;

	if (e->esr & ESR_ELx_S1PTW)
		return;
	perm = (e->esr & ESR_ELx_FSC_TYPE) == ESR_ELx_FSC_PERM;
	if (!perm && !hpfar_check)
		return;
	if (!far_to_hpfar(e->far, &ipa)) {
		e->retry = perm;
		return;
	}
	if (hpfar_check && (ipa & HPFAR_FIPA_MASK) != (e->hpfar & HPFAR_FIPA_MASK)) {
		e->mismatch_hw = e->hpfar;
		e->mismatch_at = ipa;
		e->ipa_mismatch = true;
	}
	if (perm)
		e->hpfar = ipa;
}

/* After the window: a WARN is a BRK, which the window's vectors would take. */
void vhv_exit_check_ipa(struct vhv_vcpu *vcpu)
{
	struct vhv_exit *e = &vcpu->exit;

	if (likely(!e->ipa_mismatch))
		return;
	/*
	 * With one vCPU nothing but the VMM can change the guest's tables
	 * between the fault and the AT; with more, a guest could make the
	 * two differ on purpose, and must not fail a test boot so.
	 */
	if (vhv_vm_nr_vcpus(vcpu->vm) == 1)
		WARN_ONCE(1, "vhv: HPFAR_EL2 %#llx but AT S1E1R of FAR_EL2 %#llx gives %#llx (ESR_EL2 %#llx)\n",
			  e->mismatch_hw, e->far, e->mismatch_at, e->esr);
	else
		pr_warn_ratelimited("HPFAR_EL2 %#llx but AT S1E1R of FAR_EL2 %#llx gives %#llx\n",
				    e->mismatch_hw, e->far, e->mismatch_at);
	e->ipa_mismatch = false;
}
