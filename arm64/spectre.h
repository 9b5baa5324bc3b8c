/* SPDX-License-Identifier: GPL-2.0 */
/* Spectre mitigations at the exit and the guest's view of them (arm64/spectre.c). */
#ifndef VHV_ARM64_SPECTRE_H
#define VHV_ARM64_SPECTRE_H

#include <linux/types.h>

enum vhv_spectre {
	VHV_SPECTRE_V2,		/* branch target injection: CVE-2017-5715 */
	VHV_SPECTRE_BHB,	/* branch history injection: CVE-2022-23960 */
	VHV_SPECTRE_V4,		/* speculative store bypass: CVE-2018-3639 */
	VHV_NR_SPECTRE,
};

/* Ordered: a system is as exposed as its worst CPU. */
enum vhv_spectre_state {
	VHV_SPECTRE_UNAFFECTED,
	VHV_SPECTRE_MITIGATED,
	VHV_SPECTRE_VULNERABLE,
};

/* On the CPU itself, as it comes online: its VHV_ENTER_* mitigation bits. */
u64 vhv_spectre_cpu_online(unsigned int cpu);
/* The worst state of any CPU seen online. */
enum vhv_spectre_state vhv_spectre_state(enum vhv_spectre which);

/* The guest's view, as KVM gives it: SMCCC_ARCH_FEATURES(wa)'s answer. */
long vhv_spectre_features(u32 wa);
/* The KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_{1,2,3} level, or -1 for another id. */
int vhv_spectre_fw_level(u64 id);

#endif /* VHV_ARM64_SPECTRE_H */
