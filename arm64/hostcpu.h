/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU facts for the world switch (arm64/hostcpu.c). */
#ifndef VHV_ARM64_HOSTCPU_H
#define VHV_ARM64_HOSTCPU_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "arm64/entry.h"

int vhv_hostcpu_init(void);
void vhv_hostcpu_exit(void);
/* This CPU's VHV_ENTER_* flags; with preemption (or interrupts) off. */
u64 vhv_hostcpu_enter_flags(void);
/* This CPU can run AArch32 at EL0 (its own ID_AA64PFR0_EL1). */
bool vhv_hostcpu_has_aarch32_el0(void);

static inline bool vhv_hostcpu_has_ras(void)
{
	return vhv_hostcpu_enter_flags() & BIT_ULL(VHV_ENTER_RAS_BIT);
}

/*
 * The kernel's ARM64_WORKAROUND_SPECULATIVE_AT (Cortex-A76 1165522,
 * Cortex-A55 1530923 and kin): a speculative AT with HCR_EL2.TGE clear may
 * walk the EL1&0 regime with whatever is in its registers.
 */
static inline bool vhv_hostcpu_speculative_at(void)
{
	return cpus_have_cap(ARM64_WORKAROUND_SPECULATIVE_AT);
}

extern bool vhv_hostcpu_hcr_sync;

/* Every HCR_EL2 write: with a DSB before and an ISB after on AmpereOne AC04. */
static inline void vhv_write_hcr(u64 val)
{
	if (unlikely(vhv_hostcpu_hcr_sync)) {
		dsb(nsh);
		write_sysreg(val, hcr_el2);
		isb();
		return;
	}
	write_sysreg(val, hcr_el2);
}

#endif /* VHV_ARM64_HOSTCPU_H */
