/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 trap controls that vhv owns only while a guest runs and that
 * the rest of the run window does not set (arm64/traps.c): the
 * fine-grained traps, MPAM's, and MDCR_EL2.
 */
#ifndef VHV_ARM64_TRAPS_H
#define VHV_ARM64_TRAPS_H

#include <linux/types.h>

/* HFGRTR, HFGWTR, HFGITR, HDFGRTR, HDFGWTR, and the FEAT_FGT2 five. */
#define VHV_NR_FGT		10

/* The host's values, kept on the host stack for the run window. */
struct vhv_host_traps {
	u64 fgt[VHV_NR_FGT];
	u64 hafgrtr;
	u64 mdcr;
	u64 mpam2;
	u64 mpamhcr;
	/* What this CPU has: found again on every entry (big.LITTLE). */
	unsigned int nr_fgt;
	bool amu_fgt;
};

/* At load: MPAM as the firmware gave it to the kernel. */
void vhv_traps_init(void);

/* With DAIF masked, inside the run window. */
void vhv_traps_to_guest(struct vhv_host_traps *h);
void vhv_traps_to_host(const struct vhv_host_traps *h);

#endif /* VHV_ARM64_TRAPS_H */
