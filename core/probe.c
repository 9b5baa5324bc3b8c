// SPDX-License-Identifier: GPL-2.0
/*
 * Whether this machine can run guests, checked once at load, in the order a person would
 * fix them: a module built for another page size, a kernel that is not
 * at EL2 with VHE (told apart by cause), no GICv3 system-register CPU
 * interface, in-kernel KVM holding EL2. All of it before any device node
 * exists or any host resource is taken.
 *
 * Each refusal is -ENODEV with one line that names the cause and the fix.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqchip/arm-gic-v3.h>
#include <linux/miscdevice.h>
#include <linux/minmax.h>
#include <asm/cpufeature.h>
#include <asm/pgtable-hwdef.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "core/vhv.h"

struct vhv_host vhv_host;

/*
 * The largest stage-2 input size vhv builds tables for: 48 bits, the
 * most a 4K or 16K granule reaches without FEAT_LPA2 (Arm ARM D8.2,
 * "Translation table walk"). Larger PARange values are clamped here.
 */
#define VHV_IPA_MAX_BITS	48

static unsigned int granule_shift(u64 tcr)
{
	switch (tcr & TCR_TG1_MASK) {
	case TCR_TG1_4K:
		return 12;
	case TCR_TG1_16K:
		return 14;
	case TCR_TG1_64K:
		return 16;
	}
	return 0;
}

/*
 * Debian's 4K and 16K kernels of one version share a vermagic, so a
 * module built for the other page size loads without complaint. The
 * kernel's own half of the address space is translated with TCR.TG1
 * (TCR_EL2 under VHE, same layout as TCR_EL1: Arm ARM D19.2).
 */
static int check_granule(void)
{
	unsigned int shift = granule_shift(read_sysreg(tcr_el1));

	if (shift == PAGE_SHIFT)
		return 0;
	pr_err("built for %luK pages but this kernel uses %uK pages (TCR TG1); rebuild vhv against this kernel's headers\n",
	       PAGE_SIZE / SZ_1K, shift ? (1U << shift) / SZ_1K : 0);
	return -ENODEV;
}

static unsigned int id_field(u64 reg, unsigned int shift)
{
	return cpuid_feature_extract_unsigned_field(reg, shift);
}

/*
 * The kernel runs at EL1. Tell apart why, from the ID registers as the
 * hardware reports them (raw) and as the kernel uses them (sanitised,
 * which carries command-line overrides such as id_aa64mmfr1.vh=0).
 */
static void explain_el1(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 mmfr1_hw = read_sysreg(id_aa64mmfr1_el1);
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);

	if (!id_field(pfr0, ID_AA64PFR0_EL1_EL2_SHIFT))
		pr_err("the kernel was booted at EL1 and no EL2 is available to it (ID_AA64PFR0_EL1.EL2 = 0); the firmware must enter the kernel at EL2 (QEMU: -M virt,virtualization=on)\n");
	else if (!id_field(mmfr1_hw, ID_AA64MMFR1_EL1_VH_SHIFT))
		pr_err("this CPU has no VHE (ID_AA64MMFR1_EL1.VH = 0), so the kernel runs at EL1 with only a stub at EL2; vhv needs an ARMv8.1 CPU with VHE\n");
	else if (!id_field(mmfr1, ID_AA64MMFR1_EL1_VH_SHIFT))
		pr_err("the CPU has VHE but the kernel was told to run at EL1 (kvm-arm.mode=nvhe or protected, or id_aa64mmfr1.vh=0 on the command line); remove that option and boot with kvm-arm.mode=none\n");
	else
		pr_err("the CPU has VHE but the kernel runs at EL1: the firmware entered it at EL1; it must enter the kernel at EL2\n");
}

static int check_el2_vhe(void)
{
	if (is_kernel_in_hyp_mode())
		return 0;
	explain_el1();
	return -ENODEV;
}

/*
 * vhv drives the virtual CPU interface through ICH_*_EL2 system
 * registers, which exist only with the GICv3 system-register interface
 * (ID_AA64PFR0_EL1.GIC != 0) enabled at EL2 (ICC_SRE_EL2.SRE, set by the
 * host's GICv3 driver). ICC_SRE_EL2 is only read once the first holds,
 * as it is UNDEFINED otherwise.
 */
static int check_gicv3(void)
{
	u64 pfr0 = read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1);

	if (id_field(pfr0, ID_AA64PFR0_EL1_GIC_SHIFT) &&
	    (read_sysreg_s(SYS_ICC_SRE_EL2) & ICC_SRE_EL2_SRE))
		return 0;
	pr_err("no GICv3 system-register CPU interface (ID_AA64PFR0_EL1.GIC = 0 or ICC_SRE_EL2.SRE = 0); vhv needs a GICv3 host interrupt controller (QEMU: -M virt,gic-version=3)\n");
	return -ENODEV;
}

static unsigned int parange_bits(unsigned int parange)
{
	static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	/* Values past the table are reserved or newer: take the largest. */
	return bits[min_t(unsigned int, parange, ARRAY_SIZE(bits) - 1)];
}

/*
 * In-kernel KVM, once initialised, owns EL2 (its VMIDs, its vectors
 * during a run) and holds the KVM misc minor, 232: that is the signal,
 * as KVM's init state itself is not exported. The misc core refuses to
 * register a fixed minor someone holds (-EBUSY), which asks exactly
 * that question without any node of vhv's existing yet. The probe has
 * no file operations, so opening it in the instant it exists fails in
 * the misc core (ENODEV) and never enters this module; on arm64 KVM is
 * built in, registered at boot, so the answer cannot change afterwards.
 */
static int check_kvm(void)
{
	static struct miscdevice probe = {
		.minor	= KVM_MINOR,
		.name	= "vhv-kvm-probe",
	};
	int ret;

	ret = misc_register(&probe);
	if (!ret) {
		misc_deregister(&probe);
		return 0;
	}
	if (ret == -EBUSY)
		pr_err("in-kernel KVM is active and owns EL2 (/dev/kvm is registered); boot with kvm-arm.mode=none to hand EL2 to vhv\n");
	else
		pr_err("cannot tell whether in-kernel KVM is active (misc minor %d: %d)\n",
		       KVM_MINOR, ret);
	return -ENODEV;
}

int vhv_probe_host(void)
{
	u64 mmfr0;
	int ret;

	ret = check_granule();
	if (!ret)
		ret = check_el2_vhe();
	if (!ret)
		ret = check_gicv3();
	if (!ret)
		ret = check_kvm();
	if (ret)
		return ret;

	/* ID_AA64MMFR1_EL1.HCX [43:40]: HCRX_EL2 is implemented. */
	/*
	 * Whether registers exist in the hardware, whatever the kernel makes
	 * of the features (raw ID registers): a register the kernel ignores
	 * must still not carry state from one guest to the next.
	 */
	vhv_host.has_hcx = id_field(read_sysreg(id_aa64mmfr1_el1), 40);
	/* ID_AA64PFR1_EL1.SME [27:24]: TPIDR2_EL0 is implemented. */
	vhv_host.has_sme = id_field(read_sysreg(id_aa64pfr1_el1), 24);
	/* ID_AA64PFR0_EL1.RAS [31:28]. */
	vhv_host.has_ras = id_field(read_sysreg(id_aa64pfr0_el1), 28);
	mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	vhv_host.ipa_limit = min(parange_bits(id_field(mmfr0, ID_AA64MMFR0_EL1_PARANGE_SHIFT)),
				 VHV_IPA_MAX_BITS);
	return 0;
}
