// SPDX-License-Identifier: GPL-2.0
/*
 * Trap controls the host kernel set up for itself at boot and that would
 * otherwise reach the guest unchanged. vhv computes its own for the run
 * window from what it shows the guest, and gives the host's back.
 *
 * Fine-grained traps (FEAT_FGT, FEAT_FGT2; Arm ARM D24.2, HFGRTR_EL2 and
 * friends). They act on EL1 and EL0 only while HCR_EL2.{E2H,TGE} is not
 * {1,1}, that is, on the guest. Their bits come in two polarities: a 1
 * traps the register of a positive bit, a 0 traps that of an "n" bit.
 * The n bits name registers of features newer than FEAT_FGT (POR_EL0 and
 * POR_EL1 of FEAT_S1POE, PIR_EL1 of FEAT_S1PIE, TPIDR2_EL0 and SMPRI_EL1
 * of SME, ACCDATA_EL1 of LS64, the GCS registers, BRBE, the FGT2 set
 * ...), none of which vhv shows a guest; the positive bits name registers
 * that other controls already trap where vhv hides them (HCR_EL2.TERR,
 * TLOR, APK, EnSCXT, MDCR_EL2, CPTR_EL2) or that the guest may use. So 0
 * in every register is vhv's choice: every n-bit register traps to EL2
 * and is UNDEF for the guest (no descriptor in arm64/sysreg_table.c).
 * Linux sets the n bits of the features it uses (el2_setup.h), which is
 * why without this a guest on a FEAT_S1POE host would read and write
 * POR_EL0, a register of the VMM thread that E2H does not redirect.
 *
 * MPAM (FEAT_MPAM): MPAM2_EL2.TRAPMPAM1EL1/TRAPMPAM0EL1 make the guest's
 * accesses to MPAM1_EL1 and MPAM0_EL1 trap (MPAM0_EL1 is shared with the
 * host's EL0), and MPAMHCR_EL2.TRAP_MPAMIDR_EL1 its reads of MPAMIDR_EL1;
 * without them a guest could choose the cache and bandwidth partition of
 * its accesses. vhv hides MPAM in the ID registers. It touches the MPAM
 * registers only where the kernel set MPAM up at boot (6.13 on): elsewhere
 * the firmware may trap EL2's own accesses to EL3, and the guest's MPAM
 * accesses are left to the firmware's traps (a line at load says so).
 *
 * MDCR_EL2: the traps of the PMU, debug, OS lock, debug ROM, statistical
 * profiling and trace registers, none of which a guest of vhv has; the
 * profiling and trace buffers owned by EL2 (E2PB, E2TB = 0), so that
 * their EL1 controls trap; no debug exceptions routed to EL2 (TDE = 0).
 * HPMN keeps the host's value: with every PMU access trapped it only
 * decides which counters the host's own EL2 events may use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/printk.h>
#include <linux/version.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include "arm64/sysreg_enc.h"
#include "arm64/traps.h"

/* MPAM2_EL2, MPAMHCR_EL2 and MPAMIDR_EL1 fields (Arm ARM D24.2, MPAM). */
#define MPAM2_TRAPMPAM1EL1	BIT_ULL(48)
#define MPAM2_TRAPMPAM0EL1	BIT_ULL(49)
#define MPAM2_TIDR		BIT_ULL(58)
#define MPAMHCR_TRAP_MPAMIDR	BIT_ULL(31)
#define MPAMIDR_HAS_HCR		BIT_ULL(17)

/* The running kernel's headers know FEAT_FGT2, so its boot code sets it up. */
#ifdef SYS_HFGRTR2_EL2
#define VHV_KERNEL_HAS_FGT2	1
#endif

#define GUEST_MDCR_TRAPS	(MDCR_EL2_TPM | MDCR_EL2_TPMCR | MDCR_EL2_TDA | \
				 MDCR_EL2_TDOSA | MDCR_EL2_TDRA | MDCR_EL2_TPMS | \
				 MDCR_EL2_TTRF)

/* The registers of FEAT_FGT, then those FEAT_FGT2 adds, by slot. */
#define FGT_REGS(X)				\
	X(0, VHV_HFGRTR_EL2)			\
	X(1, VHV_HFGWTR_EL2)			\
	X(2, VHV_HFGITR_EL2)			\
	X(3, VHV_HDFGRTR_EL2)			\
	X(4, VHV_HDFGWTR_EL2)
#define FGT2_REGS(X)				\
	X(5, VHV_HFGRTR2_EL2)			\
	X(6, VHV_HFGWTR2_EL2)			\
	X(7, VHV_HFGITR2_EL2)			\
	X(8, VHV_HDFGRTR2_EL2)			\
	X(9, VHV_HDFGWTR2_EL2)

#define SAVE_AND_CLEAR(i, enc)			\
	h->fgt[i] = read_sysreg_s(enc);		\
	write_sysreg_s(0, enc);
#define RESTORE(i, enc)				\
	write_sysreg_s(h->fgt[i], enc);

/*
 * FEAT_FGT's registers on this CPU: 0, 5 or, with FEAT_FGT2, 10. EL2's
 * own accesses to the FGT2 registers trap to EL3 unless the firmware set
 * SCR_EL3.FGTEn2; a kernel that knows them initialises them at boot
 * (el2_setup.h), which shows the firmware did. Built against headers
 * without them (6.1, 6.12), vhv leaves them alone and says so at load:
 * their reset values are UNKNOWN, so some of their "n" traps may be open.
 */
static unsigned int fgt_level(void)
{
	return cpuid_feature_extract_unsigned_field(read_sysreg(id_aa64mmfr0_el1),
						    ID_AA64MMFR0_EL1_FGT_SHIFT);
}

static unsigned int nr_fgt_regs(void)
{
	switch (fgt_level()) {
	case 0:
		return 0;
	case 1:
		return 5;
	}
	return IS_ENABLED(VHV_KERNEL_HAS_FGT2) ? VHV_NR_FGT : 5;
}

static bool has_mpam, has_mpamhcr, has_tidr;

/*
 * Whether the kernel wrote MPAM2_EL2 at boot: from 6.13 on its EL2 setup
 * (el2_setup.h) does so on every CPU whose ID_AA64PFR0_EL1.MPAM is
 * non-zero, and only then is it known that the firmware lets EL2 reach
 * the MPAM registers (MPAM3_EL3.TRAPLOWER clear); elsewhere an access may
 * trap to EL3. The sanitised field is the lowest of all CPUs'.
 */
static bool kernel_set_up_mpam(u64 pfr0)
{
	return LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0) &&
	       cpuid_feature_extract_unsigned_field(pfr0, ID_AA64PFR0_EL1_MPAM_SHIFT);
}

void vhv_traps_init(void)
{
	u64 pfr0 = read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	bool cpu_mpam;

	/* Raw: 6.1's sanitised ID_AA64PFR1_EL1 drops MPAM_frac. */
	cpu_mpam = cpuid_feature_extract_unsigned_field(read_sysreg(id_aa64pfr0_el1),
							ID_AA64PFR0_EL1_MPAM_SHIFT) ||
		   cpuid_feature_extract_unsigned_field(pfr1, ID_AA64PFR1_EL1_MPAM_frac_SHIFT);
	has_mpam = kernel_set_up_mpam(pfr0);
	has_mpamhcr = has_mpam && (read_sysreg_s(VHV_MPAMIDR_EL1) & MPAMIDR_HAS_HCR);
	/* MPAM2_EL2.TIDR exists from MPAM v0.1/v1.1 on: MPAM_frac >= 1. */
	has_tidr = has_mpam && !has_mpamhcr &&
		   cpuid_feature_extract_unsigned_field(pfr1, ID_AA64PFR1_EL1_MPAM_frac_SHIFT);
	if (cpu_mpam && !has_mpam)
		pr_warn("this CPU has MPAM but the kernel did not set it up: guests' MPAM registers are left to the firmware's traps\n");
	if (fgt_level() > 1 && nr_fgt_regs() == 5)
		pr_warn("this CPU has FEAT_FGT2, which this kernel does not set up: its traps stay as the firmware left them\n");
}

static void fgt_to_guest(struct vhv_host_traps *h)
{
	/* The raw ID registers: CPUs of a big.LITTLE system may differ. */
	h->nr_fgt = nr_fgt_regs();
	if (!h->nr_fgt)
		return;
	FGT_REGS(SAVE_AND_CLEAR)
	if (h->nr_fgt > 5) {
		FGT2_REGS(SAVE_AND_CLEAR)
	}
	/* HAFGRTR_EL2 exists with FEAT_FGT and FEAT_AMUv1 (CPTR_EL2.TAM traps). */
	h->amu_fgt = cpuid_feature_extract_unsigned_field(read_sysreg(id_aa64pfr0_el1),
							  ID_AA64PFR0_EL1_AMU_SHIFT);
	if (h->amu_fgt) {
		h->hafgrtr = read_sysreg_s(VHV_HAFGRTR_EL2);
		write_sysreg_s(0, VHV_HAFGRTR_EL2);
	}
}

static void fgt_to_host(const struct vhv_host_traps *h)
{
	if (!h->nr_fgt)
		return;
	FGT_REGS(RESTORE)
	if (h->nr_fgt > 5) {
		FGT2_REGS(RESTORE)
	}
	if (h->amu_fgt)
		write_sysreg_s(h->hafgrtr, VHV_HAFGRTR_EL2);
}

/*
 * Every write here takes effect for the guest at the ERET into it, and
 * for the host at the ISB that ends the window (arm64/switch.c), both
 * context synchronisation events (Arm ARM D24, "Synchronization
 * requirements for AArch64 System registers").
 */
void vhv_traps_to_guest(struct vhv_host_traps *h)
{
	fgt_to_guest(h);
	h->mdcr = read_sysreg_s(VHV_MDCR_EL2);
	write_sysreg_s((h->mdcr & MDCR_EL2_HPMN_MASK) | GUEST_MDCR_TRAPS, VHV_MDCR_EL2);
	if (has_mpam) {
		h->mpam2 = read_sysreg_s(VHV_MPAM2_EL2);
		/*
		 * MPAMIDR_EL1 traps by MPAMHCR_EL2 where there is one, else by
		 * TIDR where it exists (FEAT_MPAMv0p1/v1p1; RES0 before).
		 */
		write_sysreg_s(h->mpam2 | MPAM2_TRAPMPAM1EL1 | MPAM2_TRAPMPAM0EL1 |
			       (has_tidr ? MPAM2_TIDR : 0), VHV_MPAM2_EL2);
	}
	if (has_mpamhcr) {
		h->mpamhcr = read_sysreg_s(VHV_MPAMHCR_EL2);
		/* No virtual PARTID mapping (EL0/EL1_VPMEN clear). */
		write_sysreg_s(MPAMHCR_TRAP_MPAMIDR, VHV_MPAMHCR_EL2);
	}
}

void vhv_traps_to_host(const struct vhv_host_traps *h)
{
	fgt_to_host(h);
	write_sysreg_s(h->mdcr, VHV_MDCR_EL2);
	if (has_mpam)
		write_sysreg_s(h->mpam2, VHV_MPAM2_EL2);
	if (has_mpamhcr)
		write_sysreg_s(h->mpamhcr, VHV_MPAMHCR_EL2);
}
