/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU facts for the world switch (arm64/hostcpu.c). */
#ifndef VHV_ARM64_HOSTCPU_H
#define VHV_ARM64_HOSTCPU_H

#include <linux/bits.h>
#include <linux/types.h>

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

#endif /* VHV_ARM64_HOSTCPU_H */
