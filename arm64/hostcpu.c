// SPDX-License-Identifier: GPL-2.0
/*
 * What the world switch needs to know about the CPU it runs on: the
 * VHV_ENTER_* flags vhv_guest_enter() takes (arm64/entry.h). The CPUs of
 * one system may differ (big.LITTLE), so each CPU computes its own word
 * from its own ID registers as it comes online (a CPUHP_AP_ONLINE_DYN
 * callback runs on the CPU itself, before the scheduler makes it active,
 * and at load on every CPU already online). The run window reads this
 * CPU's word with interrupts masked, so it cannot move under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/cpuhotplug.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "arm64/entry.h"
#include "arm64/hostcpu.h"
#include "arm64/spectre.h"

static DEFINE_PER_CPU(u64, enter_flags);
bool vhv_hostcpu_hcr_sync __read_mostly;
static DEFINE_PER_CPU(bool, aarch32_el0);
static enum cpuhp_state hostcpu_state;

static bool no_aarch32_el0;
module_param(no_aarch32_el0, bool, 0644);
MODULE_PARM_DESC(no_aarch32_el0, "Test only: treat every CPU as without AArch32 at EL0");

static unsigned int field(u64 reg, unsigned int shift)
{
	return cpuid_feature_extract_unsigned_field(reg, shift);
}

/*
 * PSTATE fields the exit must give back to the host, and whether ESB
 * defers SErrors (arm64/entry.S): this CPU's own ID registers.
 */
static u64 boundary_flags(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	u64 flags = 0;

	if (field(pfr0, ID_AA64PFR0_EL1_RAS_SHIFT))
		flags |= BIT_ULL(VHV_ENTER_RAS_BIT);
	if (field(pfr0, ID_AA64PFR0_EL1_DIT_SHIFT))
		flags |= BIT_ULL(VHV_ENTER_DIT_BIT);
	if (field(pfr1, ID_AA64PFR1_EL1_MTE_SHIFT))
		flags |= BIT_ULL(VHV_ENTER_TCO_BIT);
	return flags;
}

/*
 * AmpereOne AC04 erratum AC04_CPU_23: a write of HCR_EL2 can corrupt
 * address translations in flight around it, back to the previous DSB and
 * up to the next ISB; the kernel brackets its writes with both (6.16's
 * write_sysreg_hcr()). Any such CPU online makes every write do so.
 */
#define VHV_MIDR_AMPERE1A	MIDR_CPU_MODEL(ARM_CPU_IMP_AMPERE, 0xac4)

static void note_errata(void)
{
	if ((read_cpuid_id() & MIDR_CPU_MODEL_MASK) == VHV_MIDR_AMPERE1A)
		WRITE_ONCE(vhv_hostcpu_hcr_sync, true);
}

static int hostcpu_online(unsigned int cpu)
{
	note_errata();
	/* ID_AA64PFR0_EL1.EL0 = 0b0010: AArch64 and AArch32 at EL0. */
	this_cpu_write(aarch32_el0, field(read_sysreg(id_aa64pfr0_el1),
					  ID_AA64PFR0_EL1_EL0_SHIFT) == 2);
	this_cpu_write(enter_flags, boundary_flags() | vhv_spectre_cpu_online(cpu));
	return 0;
}

bool vhv_hostcpu_has_aarch32_el0(void)
{
	return __this_cpu_read(aarch32_el0) && !READ_ONCE(no_aarch32_el0);
}

u64 vhv_hostcpu_enter_flags(void)
{
	return __this_cpu_read(enter_flags);
}

int vhv_hostcpu_init(void)
{
	int ret;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vhv/hostcpu:online", hostcpu_online, NULL);
	if (ret < 0)
		return ret;
	hostcpu_state = ret;
	/*
	 * Errata whose workaround needs the guest's kernel too (Cortex-A77
	 * 1508412 for PAR_EL1 reads, the device-load-acquire errata): a
	 * guest without it can hang the CPU, as KVM also warns.
	 */
	if (cpus_have_cap(ARM64_WORKAROUND_1508412) ||
	    cpus_have_cap(ARM64_WORKAROUND_DEVICE_LOAD_ACQUIRE))
		pr_warn("this CPU has errata that a guest kernel must work around itself; a guest without the workaround can hang the host: run trusted guests only\n");
	return 0;
}

void vhv_hostcpu_exit(void)
{
	cpuhp_remove_state(hostcpu_state);
}
