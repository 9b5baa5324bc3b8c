// SPDX-License-Identifier: GPL-2.0
/*
 * The run window: with DAIF masked, install the guest's trap and control
 * registers and vhv's vectors, run the guest (as many times as the fast
 * exit handlers allow), then put the host's back before anything else of
 * the host runs.
 *
 * Registers the host shares with the guest are switched here on every
 * entry and exit, because E2H does not redirect them and the host uses
 * them between two entries:
 *   SP_EL0       the host keeps `current` there (arm64/entry.S switches it)
 *   TPIDR_EL0,   the VMM thread's TLS registers, live while its thread is
 *   TPIDRRO_EL0  in the kernel and saved by the scheduler from hardware
 *   PAR_EL1      written by the host's own AT instructions (fault handling)
 * and the EL2 controls, which are the host's outside the window: HCR_EL2
 * (TGE), VBAR_EL2, CPTR_EL2, CNTHCTL_EL2, HCRX_EL2, ICH_HCR_EL2, and in
 * arm64/traps.c the fine-grained traps, MPAM's and MDCR_EL2.
 * The guest's accesses to MDSCR_EL1 and ACTLR_EL1 trap (MDCR_EL2.TDA,
 * HCR_EL2.TACR) and are served from memory, and so do those to
 * CSSELR_EL1 (HCR_EL2.TID2 or TID4, arm64/cacheid.c), which therefore
 * needs no switching; the hardware MDSCR_EL1 is still cleared while the
 * guest runs, so that the host's own breakpoints, watchpoints and
 * single-step (ptrace of the VMM) stay out of the guest.
 * TPIDR2_EL0 belongs to SME but is not trapped by CPTR_EL2.SMEN: on a
 * host with SME it is switched too, the guest seeing 0.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/kvm.h>
#include <linux/percpu.h>
#include <linux/stddef.h>
#include <asm/barrier.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include "arm64/entry.h"
#include "arm64/exits.h"
#include "arm64/hostcpu.h"
#include "arm64/switch.h"
#include "arm64/sysreg_enc.h"
#include "arm64/traps.h"
#include "core/vcpu.h"
#include "core/vhv.h"
#include "core/vm.h"
#include "timer/timer.h"
#include "vgic/vgic.h"

/* The world switch's view of struct kvm_regs (arm64/entry.h). */
static_assert(offsetof(struct kvm_regs, regs.regs[0]) == VHV_REGS_X(0));
static_assert(offsetof(struct kvm_regs, regs.regs[30]) == VHV_REGS_X(30));
static_assert(offsetof(struct kvm_regs, regs.sp) == VHV_REGS_SP_EL0);
static_assert(offsetof(struct kvm_regs, regs.pc) == VHV_REGS_PC);
static_assert(offsetof(struct kvm_regs, regs.pstate) == VHV_REGS_PSTATE);
static_assert(VHV_FRAME_SIZE % 16 == 0);
static_assert(VHV_FRAME_TCO + 8 <= VHV_FRAME_SIZE);

/*
 * CPTR_EL2 in its E2H = 1 layout (Arm ARM D24.2.x, CPTR_EL2): FPEN
 * [21:20] = 0b11 leaves FP/SIMD alone; ZEN [17:16] and SMEN [25:24] at 0
 * trap SVE and SME, which the guest does not see; TTA [28] traps the
 * trace registers and TAM [30] the activity monitors.
 */
#define CPTR_VHE_FPEN		(3UL << 20)
#define CPTR_VHE_TTA		(1UL << 28)
#define CPTR_VHE_TAM		(1UL << 30)
#define GUEST_CPTR		(CPTR_VHE_FPEN | CPTR_VHE_TTA | CPTR_VHE_TAM)

struct host_state {
	u64 hcr;
	u64 vbar;
	u64 cptr;
	u64 cnthctl;
	u64 hcrx;
	u64 tpidr_el0;
	u64 tpidrro_el0;
	u64 par;
	u64 mdscr;
	u64 tpidr2;
	struct vhv_host_traps traps;
};

/* For vhv_hyp_bug(): the host's controls, to give them back. */
static DEFINE_PER_CPU(struct host_state *, host_state);
/*
 * And the host's SP_EL0 (current) and x18 (the shadow call stack on
 * kernels with one), for arm64/entry.S's bug entry.
 */
DEFINE_PER_CPU(u64, vhv_host_sp_el0);
DEFINE_PER_CPU(u64, vhv_host_x18);

static void switch_to_guest(struct vhv_vcpu *vcpu, u64 vttbr, struct host_state *h)
{
	u64 *sr = vcpu->sys;

	/* Under E2H the *_EL1 names reach VBAR_EL2, CPTR_EL2, CNTHCTL_EL2. */
	h->hcr = read_sysreg(hcr_el2);
	h->vbar = read_sysreg(vbar_el1);
	h->cptr = read_sysreg(cpacr_el1);
	h->cnthctl = read_sysreg(cntkctl_el1);
	h->tpidr_el0 = read_sysreg(tpidr_el0);
	h->tpidrro_el0 = read_sysreg(tpidrro_el0);
	h->par = read_sysreg_par();
	h->mdscr = read_sysreg_s(VHV_MDSCR_EL1);
	__this_cpu_write(host_state, h);
	__this_cpu_write(vhv_host_sp_el0, read_sysreg(sp_el0));
	write_sysreg_s(0, VHV_MDSCR_EL1);
	if (vhv_host.has_sme) {
		h->tpidr2 = read_sysreg_s(VHV_TPIDR2_EL0);
		write_sysreg_s(0, VHV_TPIDR2_EL0);
	}

	write_sysreg(sr[VHV_SR_TPIDR_EL0], tpidr_el0);
	write_sysreg(sr[VHV_SR_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg(sr[VHV_SR_PAR_EL1], par_el1);

	if (vhv_host.has_hcx) {
		h->hcrx = read_sysreg_s(VHV_HCRX_EL2);
		/* All of HCRX_EL2's enables off: MOPS, LS64, NMI stay hidden. */
		write_sysreg_s(0, VHV_HCRX_EL2);
	}
	write_sysreg(GUEST_CPTR, cpacr_el1);
	/* The physical counter and timer: the guest's, or trapped and emulated. */
	write_sysreg(vhv_timer_cnthctl(vcpu, h->cnthctl), cntkctl_el1);
	vhv_traps_to_guest(&h->traps);
	write_sysreg_s(vttbr, VHV_VTTBR_EL2);
	write_sysreg_s(vcpu->vm->s2.vtcr, VHV_VTCR_EL2);
	/*
	 * The syndrome of a virtual SError the guest is about to take.
	 * VSESR_EL2 exists with FEAT_RAS: this CPU's own ID register says
	 * (an access where it does not would be UNDEF here at EL2).
	 */
	if ((vcpu->hcr & HCR_VSE) && vhv_hostcpu_has_ras())
		write_sysreg_s(vcpu->vsesr, VHV_VSESR_EL2);
	write_sysreg((u64)vhv_vectors, vbar_el1);
	/*
	 * HCR_EL2 follows once the vGIC has chosen VI/VF (vhv_vcpu_enter);
	 * TGE is clear from then on and interrupts must stay masked until it
	 * is set again. The ERET into the guest, a context synchronisation
	 * event, makes all of it take effect.
	 */
}

/* The host's EL2 controls and shared EL0/EL1 registers, back as they were. */
static void restore_host(const struct host_state *h)
{
	vhv_write_hcr(h->hcr);
	/* The speculative-AT errata: TGE set in effect before the rest. */
	if (vhv_hostcpu_speculative_at())
		isb();
	write_sysreg(h->vbar, vbar_el1);
	vhv_traps_to_host(&h->traps);
	write_sysreg(h->cnthctl, cntkctl_el1);
	write_sysreg(h->cptr, cpacr_el1);
	write_sysreg_s(0, VHV_ICH_HCR_EL2);
	if (vhv_host.has_hcx)
		write_sysreg_s(h->hcrx, VHV_HCRX_EL2);
	write_sysreg(h->tpidr_el0, tpidr_el0);
	write_sysreg(h->tpidrro_el0, tpidrro_el0);
	write_sysreg(h->par, par_el1);
	write_sysreg_s(h->mdscr, VHV_MDSCR_EL1);
	if (vhv_host.has_sme)
		write_sysreg_s(h->tpidr2, VHV_TPIDR2_EL0);
	/*
	 * The host runs on with TGE set, its own vectors and traps: they
	 * must be in effect before its next instruction that depends on
	 * them, and no ERET comes to synchronise them (D24, "Synchronization
	 * requirements for AArch64 System registers").
	 */
	isb();
}

static void switch_to_host(struct vhv_vcpu *vcpu, struct host_state *h)
{
	u64 *sr = vcpu->sys;

	/* A pending virtual SError (HCR_EL2.VSE) is cleared by the hardware
	 * when the guest takes it: keep what is left of it.
	 */
	if (vcpu->hcr & HCR_VSE)
		vcpu->hcr = (vcpu->hcr & ~HCR_VSE) | (read_sysreg(hcr_el2) & HCR_VSE);
	sr[VHV_SR_TPIDR_EL0] = read_sysreg(tpidr_el0);
	sr[VHV_SR_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	sr[VHV_SR_PAR_EL1] = read_sysreg_par();
	restore_host(h);
}

static bool esr_is_stage2_abort(u64 esr)
{
	unsigned int ec = ESR_ELx_EC(esr);

	return ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_IABT_LOW;
}

static void read_syndrome(struct vhv_vcpu *vcpu, u64 code, u64 flags)
{
	/*
	 * With FEAT_RAS, the ESB at the exit vector deferred an SError
	 * pending as the guest left into DISR_EL1 (DISR_EL1.A): the guest's.
	 * Consumed here, before the host could defer one of its own there.
	 */
	vcpu->exit.disr = 0;
	if (flags & BIT_ULL(VHV_ENTER_RAS_BIT)) {
		u64 disr = read_sysreg_s(VHV_DISR_EL1);

		if (unlikely(disr & VHV_DISR_A)) {
			write_sysreg_s(0, VHV_DISR_EL1);
			vcpu->exit.disr = disr;
			code |= VHV_EXIT_SERROR_PENDING;
		}
	}
	vcpu->exit.code = code;
	vcpu->exit.retry = false;
	if ((code & VHV_EXIT_TYPE_MASK) != VHV_EXIT_SYNC)
		return;
	vcpu->exit.esr = read_sysreg(esr_el2);
	vcpu->exit.far = read_sysreg(far_el2);
	vcpu->exit.hpfar = read_sysreg_s(VHV_HPFAR_EL2);
	if (esr_is_stage2_abort(vcpu->exit.esr))
		vhv_exit_resolve_ipa(vcpu);
}

/*
 * x18 must come back from the guest unchanged (the register contract of
 * arm64/entry.S). vhv is built with -ffixed-x18, as kernels with shadow
 * call stacks are, so the compiler keeps x18 out of its own use and a
 * read before and after the switch compares the host's value.
 */
static u64 read_x18(void)
{
	u64 val;

	asm volatile("mov %0, x18" : "=r" (val));
	return val;
}

static void write_x18(u64 val)
{
	asm volatile("mov x18, %0" : : "r" (val));
}

/*
 * Runs the loaded vCPU until an exit the fast handlers cannot finish.
 * Called with DAIF masked and the guest's FP/SIMD state in the registers;
 * returns with the syndrome in vcpu->exit and the host's state back: 0,
 * or -EIO if the world switch broke its contract (a vhv bug: the caller
 * kills the VM rather than run it on).
 */
int vhv_vcpu_enter(struct vhv_vcpu *vcpu, u64 vttbr)
{
	u64 flags = vhv_hostcpu_enter_flags();
	struct host_state host;
	bool x18_ok = true;
	u64 x18, code;

	switch_to_guest(vcpu, vttbr, &host);
	__this_cpu_write(vhv_host_x18, read_x18());
	vhv_vgic_flush(vcpu);
	/*
	 * Speculative-AT errata (Cortex-A76 1165522, Cortex-A55 1530923):
	 * once TGE is clear, a speculative AT may walk the EL1&0 regime with
	 * whatever stage 1 and stage 2 are in the registers. The guest's
	 * must be complete before HCR_EL2 changes: a context synchronisation
	 * event here, not the later ERET.
	 */
	if (vhv_hostcpu_speculative_at())
		isb();
	vhv_write_hcr(vcpu->hcr);
	do {
		x18 = read_x18();
		code = vhv_guest_enter(&vcpu->regs, flags);
		if (unlikely(read_x18() != x18)) {
			write_x18(x18);
			x18_ok = false;
		}
		read_syndrome(vcpu, code, flags);
	} while (x18_ok && vhv_exit_fast(vcpu));
	vhv_vgic_sync(vcpu);
	switch_to_host(vcpu, &host);
	vhv_exit_check_ipa(vcpu);
	/* Only now: a WARN is a BRK, which the window's vectors would take. */
	if (WARN_ONCE(!x18_ok, "vhv: x18 changed across the world switch; VM killed\n"))
		return -EIO;
	return 0;
}

/* arm64/entry.S: an exception at EL2 inside the window. */
void vhv_hyp_bug(u64 vector, u64 esr, u64 elr, u64 far);
void vhv_hyp_bug(u64 vector, u64 esr, u64 elr, u64 far)
{
	/* arm64/entry.S gave SP_EL0 (current) back before the call. */
	restore_host(__this_cpu_read(host_state));
	panic("vhv: exception at EL2 in the world switch: vector %#llx ESR %#llx ELR %#llx FAR %#llx\n",
	      vector, esr, elr, far);
}
