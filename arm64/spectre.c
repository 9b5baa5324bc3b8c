// SPDX-License-Identifier: GPL-2.0
/*
 * Spectre-v2, Spectre-BHB and Spectre-v4 (speculative store bypass) for
 * vhv's guests, decided by vhv itself: the host kernel's
 * arm64_get_spectre_*_state() are not exported. Each CPU decides for
 * itself as it comes online (arm64/hostcpu.c), because the CPUs of a
 * big.LITTLE system differ, and its decision becomes bits of its
 * VHV_ENTER_* word, which the exit path of arm64/entry.S acts on before
 * its first indirect branch. The guest's SMCCC_ARCH_FEATURES answers and
 * the firmware pseudo-registers (KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_*)
 * come from the worst state of any CPU seen online, as KVM's come from
 * the kernel's system-wide state.
 *
 * The rules are the kernel's (arch/arm64/kernel/proton-pack.c), from
 * Arm's advisories for CVE-2017-5715 (Spectre-v2), CVE-2018-3639 (v4)
 * and CVE-2022-23960 (Spectre-BHB, "Spectre-BHB" white paper, which
 * gives each core's loop count k):
 *  - v2: unaffected if ID_AA64PFR0_EL1.CSV2 is not 0 or the core is
 *    known safe; mitigated if the firmware offers
 *    SMCCC_ARCH_WORKAROUND_1, which the exit then calls;
 *  - BHB: unaffected with CSV2 >= 3 or on a known safe core; otherwise
 *    (and only if v2 is not left vulnerable) mitigated by hardware
 *    (ID_AA64MMFR1_EL1.ECBHB: exceptions clear the history), by the
 *    CLRBHB instruction (ID_AA64ISAR2_EL1.CLRBHB), by a loop of k taken
 *    branches on the cores of the table below, or by the firmware's
 *    SMCCC_ARCH_WORKAROUND_3;
 *  - v4: unaffected on known safe cores; mitigated by PSTATE.SSBS (the
 *    exception entry sets it from SCTLR_EL2.DSSBS, the host's choice)
 *    or by a firmware that keeps the mitigation on for the kernel.
 * cpu_mitigations_off() ("mitigations=off") leaves the affected ones
 * vulnerable, as it does the kernel. The Qualcomm Falkor link-stack
 * sequence the kernel uses at EL1 is not needed at EL2, where the kernel
 * also relies on the firmware call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/kvm.h>
#include <linux/spinlock.h>
#include <asm/cpufeature.h>
#include <asm/cputype.h>
#include <asm/sysreg.h>

#include "arm64/entry.h"
#include "arm64/spectre.h"

static unsigned int field(u64 reg, unsigned int shift)
{
	return cpuid_feature_extract_unsigned_field(reg, shift);
}

#define ARM(part)	MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, (part))
#define QCOM(part)	MIDR_CPU_MODEL(ARM_CPU_IMP_QCOM, (part))

/* Cores that need nothing (all revisions), by MIDR implementer and part. */
static const u32 v2_safe[] = {
	ARM(0xd04), ARM(0xd03), ARM(0xd05),	/* Cortex-A35, A53, A55 */
	MIDR_CPU_MODEL(ARM_CPU_IMP_BRCM, 0x100),	/* Brahma-B53 */
	MIDR_CPU_MODEL(ARM_CPU_IMP_HISI, 0xd01),	/* TSV110 */
	QCOM(0x801), QCOM(0x803), QCOM(0x805),	/* Kryo 2XX, 3XX, 4XX Silver */
};

static const u32 bhb_safe[] = {
	ARM(0xd04), ARM(0xd03), ARM(0xd05),	/* Cortex-A35, A53, A55 */
	ARM(0xd46), ARM(0xd80),			/* Cortex-A510, A520 */
	MIDR_CPU_MODEL(ARM_CPU_IMP_BRCM, 0x100),	/* Brahma-B53 */
	QCOM(0x801), QCOM(0x803), QCOM(0x805),	/* Kryo 2XX, 3XX, 4XX Silver */
};

static const u32 v4_safe[] = {
	ARM(0xd04), ARM(0xd03), ARM(0xd05),	/* Cortex-A35, A53, A55 */
	MIDR_CPU_MODEL(ARM_CPU_IMP_BRCM, 0x100),	/* Brahma-B53 */
	QCOM(0x803), QCOM(0x805),		/* Kryo 3XX, 4XX Silver */
};

/* The branch-history loop: k taken branches, per core. */
static const struct {
	u32 midr;
	u8 k;
} bhb_loops[] = {
	{ ARM(0xd4e), 132 }, { ARM(0xd4f), 132 },	/* Cortex-X3, Neoverse-V2 */
	{ ARM(0xd4d), 38 }, { ARM(0xd81), 38 },		/* Cortex-A715, A720 */
	{ ARM(0xd89), 38 },				/* Cortex-A720AE */
	{ ARM(0xd41), 32 }, { ARM(0xd42), 32 },		/* Cortex-A78, A78AE */
	{ ARM(0xd4b), 32 }, { ARM(0xd44), 32 },		/* Cortex-A78C, X1 */
	{ ARM(0xd4c), 32 }, { ARM(0xd47), 32 },		/* Cortex-X1C, A710 */
	{ ARM(0xd48), 32 }, { ARM(0xd49), 32 },		/* Cortex-X2, Neoverse-N2 */
	{ ARM(0xd40), 32 },				/* Neoverse-V1 */
	{ ARM(0xd0b), 24 }, { ARM(0xd0e), 24 },		/* Cortex-A76, A76AE */
	{ ARM(0xd0d), 24 }, { ARM(0xd0c), 24 },		/* Cortex-A77, Neoverse-N1 */
	{ QCOM(0x804), 24 },				/* Kryo 4XX Gold */
	{ MIDR_CPU_MODEL(ARM_CPU_IMP_AMPERE, 0xac3), 11 },	/* Ampere-1 */
	{ ARM(0xd08), 8 }, { ARM(0xd07), 8 },		/* Cortex-A72, A57 */
};

static bool midr_in(const u32 *list, unsigned int n)
{
	u32 model = read_cpuid_id() & MIDR_CPU_MODEL_MASK;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == model)
			return true;
	return false;
}

static unsigned int bhb_loop_k(void)
{
	u32 model = read_cpuid_id() & MIDR_CPU_MODEL_MASK;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bhb_loops); i++)
		if (bhb_loops[i].midr == model)
			return bhb_loops[i].k;
	return 0;
}

/*
 * SMCCC_ARCH_FEATURES for a workaround call, asked of the firmware. At
 * EL2 the conduit can only be SMC (an HVC would come back to EL2).
 */
static long fw_features(u32 wa)
{
	struct arm_smccc_res res;

	if (arm_smccc_1_1_get_conduit() != SMCCC_CONDUIT_SMC)
		return SMCCC_RET_NOT_SUPPORTED;
	arm_smccc_smc(ARM_SMCCC_ARCH_FEATURES_FUNC_ID, wa, 0, 0, 0, 0, 0, 0, &res);
	return (long)res.a0;
}

/* The worst state of any CPU seen online, under state_lock. */
static DEFINE_SPINLOCK(state_lock);
static u8 worst[VHV_NR_SPECTRE];

enum vhv_spectre_state vhv_spectre_state(enum vhv_spectre which)
{
	return READ_ONCE(worst[which]);
}

static enum vhv_spectre_state v2_state(u64 pfr0, u64 *bits, const char **how)
{
	if (field(pfr0, ID_AA64PFR0_EL1_CSV2_SHIFT) || midr_in(v2_safe, ARRAY_SIZE(v2_safe))) {
		*how = "unaffected";
		return VHV_SPECTRE_UNAFFECTED;
	}
	switch (fw_features(ARM_SMCCC_ARCH_WORKAROUND_1)) {
	case SMCCC_RET_SUCCESS:
		if (cpu_mitigations_off())
			break;
		*bits |= BIT_ULL(VHV_ENTER_FW_BIT);
		*how = "firmware WORKAROUND_1 on exit";
		return VHV_SPECTRE_MITIGATED;
	case SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED:
		*how = "unaffected (firmware)";
		return VHV_SPECTRE_UNAFFECTED;
	}
	*how = "vulnerable";
	return VHV_SPECTRE_VULNERABLE;
}

/* How BHB is mitigated once it needs to be: hardware, CLRBHB, loop, firmware. */
static enum vhv_spectre_state bhb_mitigate(u64 *bits, const char **how)
{
	unsigned int k = bhb_loop_k();

	if (field(read_sysreg(id_aa64mmfr1_el1), ID_AA64MMFR1_EL1_ECBHB_SHIFT)) {
		*how = "cleared by exceptions (ECBHB)";
	} else if (field(read_sysreg_s(SYS_ID_AA64ISAR2_EL1), ID_AA64ISAR2_EL1_CLRBHB_SHIFT)) {
		*bits |= BIT_ULL(VHV_ENTER_CLRBHB_BIT);
		*how = "CLRBHB on exit";
	} else if (k) {
		*bits |= k;
	} else if (fw_features(ARM_SMCCC_ARCH_WORKAROUND_3) == SMCCC_RET_SUCCESS) {
		/* WORKAROUND_3 covers v2 too: one call on exit. */
		*bits |= BIT_ULL(VHV_ENTER_FW_BIT) | BIT_ULL(VHV_ENTER_FW_WA3_BIT);
		*how = "firmware WORKAROUND_3 on exit";
	} else {
		*how = "vulnerable";
		return VHV_SPECTRE_VULNERABLE;
	}
	return VHV_SPECTRE_MITIGATED;
}

static enum vhv_spectre_state bhb_state(u64 pfr0, enum vhv_spectre_state v2, u64 *bits,
					const char **how)
{
	if (field(pfr0, ID_AA64PFR0_EL1_CSV2_SHIFT) >= 3 ||
	    midr_in(bhb_safe, ARRAY_SIZE(bhb_safe))) {
		*how = "unaffected";
		return VHV_SPECTRE_UNAFFECTED;
	}
	/* Not worth mitigating alone; off if asked (as the kernel). */
	if (v2 == VHV_SPECTRE_VULNERABLE || cpu_mitigations_off()) {
		*how = "vulnerable";
		return VHV_SPECTRE_VULNERABLE;
	}
	/*
	 * A firmware call on exit clears the branch history only as
	 * WORKAROUND_3: cores that need it (Cortex-A73/A75 and kin) stay
	 * exposed under WORKAROUND_1 alone, as the kernel rates them. Without
	 * it, whatever else this CPU has goes on top of WORKAROUND_1.
	 */
	if ((*bits & BIT_ULL(VHV_ENTER_FW_BIT)) &&
	    fw_features(ARM_SMCCC_ARCH_WORKAROUND_3) == SMCCC_RET_SUCCESS) {
		*bits |= BIT_ULL(VHV_ENTER_FW_WA3_BIT);
		*how = "by the firmware's WORKAROUND_3 on exit";
		return VHV_SPECTRE_MITIGATED;
	}
	return bhb_mitigate(bits, how);
}

static enum vhv_spectre_state v4_state(void)
{
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);

	if (midr_in(v4_safe, ARRAY_SIZE(v4_safe)))
		return VHV_SPECTRE_UNAFFECTED;
	if (field(pfr1, ID_AA64PFR1_EL1_SSBS_SHIFT))
		return cpu_mitigations_off() ? VHV_SPECTRE_VULNERABLE : VHV_SPECTRE_MITIGATED;
	switch (fw_features(ARM_SMCCC_ARCH_WORKAROUND_2)) {
	case SMCCC_RET_SUCCESS:
		return cpu_mitigations_off() ? VHV_SPECTRE_VULNERABLE : VHV_SPECTRE_MITIGATED;
	case SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED:
	case SMCCC_RET_NOT_REQUIRED:
		return VHV_SPECTRE_UNAFFECTED;
	}
	return VHV_SPECTRE_VULNERABLE;
}

static void note_worst(const u8 state[VHV_NR_SPECTRE])
{
	unsigned int i;

	spin_lock(&state_lock);
	for (i = 0; i < VHV_NR_SPECTRE; i++)
		WRITE_ONCE(worst[i], max(worst[i], state[i]));
	spin_unlock(&state_lock);
}

/* On the CPU itself, as it comes online: its VHV_ENTER_* mitigation bits. */
u64 vhv_spectre_cpu_online(unsigned int cpu)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	const char *v2_how, *bhb_how;
	u8 state[VHV_NR_SPECTRE];
	u64 bits = 0;

	state[VHV_SPECTRE_V2] = v2_state(pfr0, &bits, &v2_how);
	state[VHV_SPECTRE_BHB] = bhb_state(pfr0, state[VHV_SPECTRE_V2], &bits, &bhb_how);
	state[VHV_SPECTRE_V4] = v4_state();
	note_worst(state);
	if (bits & VHV_ENTER_BHB_LOOP_MASK)
		pr_info("CPU%u (MIDR %#x): Spectre-v2: %s; Spectre-BHB: branch loop of %llu on exit\n",
			cpu, read_cpuid_id(), v2_how, bits & VHV_ENTER_BHB_LOOP_MASK);
	else
		pr_info("CPU%u (MIDR %#x): Spectre-v2: %s; Spectre-BHB: %s\n", cpu,
			read_cpuid_id(), v2_how, bhb_how);
	return bits;
}

/*
 * All of the system's CPUs have SSBS (the kernel's sanitised view): the
 * guest then sees SSBS in its ID registers and manages the mitigation
 * itself, so KVM offers no WORKAROUND_2.
 */
static bool ssbs_everywhere(void)
{
	return field(read_sanitised_ftr_reg(SYS_ID_AA64PFR1_EL1), ID_AA64PFR1_EL1_SSBS_SHIFT);
}

/*
 * SMCCC_ARCH_FEATURES(wa) for the guest (KVM's kvm_smccc_call_handler()
 * rules): a call the guest should make answers SUCCESS, one it need not
 * make UNAFFECTED (WORKAROUND_1 and 3) or NOT_REQUIRED (2), and one that
 * would not help NOT_SUPPORTED. The exits already do what WORKAROUND_1
 * and 3 ask, and v4's mitigation is permanent while the guest runs.
 */
long vhv_spectre_features(u32 wa)
{
	enum vhv_spectre_state s;

	switch (wa) {
	case ARM_SMCCC_ARCH_WORKAROUND_1:
	case ARM_SMCCC_ARCH_WORKAROUND_3:
		s = vhv_spectre_state(wa == ARM_SMCCC_ARCH_WORKAROUND_1 ?
				      VHV_SPECTRE_V2 : VHV_SPECTRE_BHB);
		if (s == VHV_SPECTRE_UNAFFECTED)
			return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
		return s == VHV_SPECTRE_MITIGATED ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED;
	case ARM_SMCCC_ARCH_WORKAROUND_2:
		s = vhv_spectre_state(VHV_SPECTRE_V4);
		if (s == VHV_SPECTRE_VULNERABLE || (s == VHV_SPECTRE_MITIGATED && ssbs_everywhere()))
			return SMCCC_RET_NOT_SUPPORTED;
		return SMCCC_RET_NOT_REQUIRED;
	}
	return SMCCC_RET_NOT_SUPPORTED;
}

/* The same as KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_* levels (<asm/kvm.h>). */
int vhv_spectre_fw_level(u64 id)
{
	long f;

	switch (id) {
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3:
		f = vhv_spectre_features(id == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 ?
					 ARM_SMCCC_ARCH_WORKAROUND_1 : ARM_SMCCC_ARCH_WORKAROUND_3);
		/* NOT_AVAIL 0, AVAIL 1, NOT_REQUIRED 2: the same for both. */
		if (f == SMCCC_RET_SUCCESS)
			return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL;
		return f == SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED ?
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED :
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2:
		f = vhv_spectre_features(ARM_SMCCC_ARCH_WORKAROUND_2);
		return f == SMCCC_RET_NOT_REQUIRED ? KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED :
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL;
	}
	return -1;
}
