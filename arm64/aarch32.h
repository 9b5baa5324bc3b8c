/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trapped instructions of a guest's AArch32 EL0 (arm64/aarch32.c): did
 * the trapped instruction pass its condition, and PSTATE after stepping
 * over it. Pure code, built in the kernel and in the host-side unit test
 * (selftests/unit/aarch32_test.c), which covers what the emulator never
 * produces: QEMU checks conditions before an instruction traps.
 */
#ifndef VHV_ARM64_AARCH32_H
#define VHV_ARM64_AARCH32_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint64_t u64;
#endif

/* SPSR/PSTATE bits of AArch32 state (Arm ARM, SPSR_EL2 for AArch32). */
#define VHV_AA32_T		(1ULL << 5)	/* T32 */
#define VHV_AA32_IT_LO_SHIFT	25		/* IT[1:0] at [26:25] */
#define VHV_AA32_IT_HI_SHIFT	10		/* IT[7:2] at [15:10] */
#define VHV_AA32_IT_MASK	((3ULL << 25) | (0x3fULL << 10))

/* False if the trapped AArch32 instruction failed its condition code. */
bool vhv_aarch32_cond_passed(u64 esr, u64 pstate);
/* PSTATE after a T32 instruction in an IT block is stepped over (ITAdvance). */
u64 vhv_aarch32_it_advance(u64 pstate);

#endif /* VHV_ARM64_AARCH32_H */
