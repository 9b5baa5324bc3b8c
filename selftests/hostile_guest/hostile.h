/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostile guest of selftests/hostile_guest.c, both sides of it.
 *
 * Each vCPU sweeps its accesses over windows of the IPA space with every
 * access form of forms.S. Before each access it writes what it is about
 * to do into its struct hg_cpu (in guest RAM, where the VMM reads it on
 * an exit); the VMM checks each exit against it, answers MMIO loads with
 * hg_byte() of each address and counts the exit back into hg_cpu. After
 * the access the guest checks what came back: exits, exceptions (taken
 * by its own vectors and stepped over), loaded values, memory.
 *
 * Layout, per vCPU i (host page size p, 4 to 64 kB):
 *   HG_BASE(i)          slot: 2p of RAM, read-write, filled with hg_byte()
 *   HG_BASE(i) + 2p     slot: 2p of RAM, read-only, filled with hg_byte()
 *   HG_BASE(i) + 4p...  nothing: MMIO exits (Normal memory in stage 1)
 *   HG_DEV(i)           nothing, Device memory in stage 1: MMIO exits
 * and for all: the vGIC's frames (lib/gic.h), Device memory, and through
 * stage-1 aliases the guest makes for itself (TCR_EL1.IPS raised to 48
 * bits): the first GB again as Normal memory (unaligned and pair
 * accesses to the vGIC frames), and the GB below and above the end of the
 * VM's 40-bit IPA space.
 */
#ifndef VHV_HOSTILE_H
#define VHV_HOSTILE_H

#include <linux/kvm.h>

#include "../lib/guest.h"
#include "../lib/test.h"

#define HG_VCPUS		4
#define HG_FAILS		8	/* failures kept per vCPU */
#define HG_BASE(i)		(0x08000000ULL + (u64)(i) * 0x200000)
#define HG_DEV(i)		(0x30100000ULL + (u64)(i) * 0x10000)
#define HG_IPA_BITS		40
/* Stage-1 aliases: l1 entries of the guest's tables (1 GB blocks). */
#define HG_NORMAL_ALIAS		(6ULL << 30)	/* VA of IPA 0 as Normal memory */
#define HG_EDGE_ALIAS		(8ULL << 30)	/* VA of IPA 2^40 - 1 GB, 2 GB long */
#define HG_EDGE_VA		(HG_EDGE_ALIAS + (1ULL << 30))	/* VA of IPA 2^40 */

/* The bytes the VMM answers MMIO loads with, and the read-only slot holds. */
static inline u8 hg_byte(u64 ipa)
{
	return (u8)((ipa * 0x9d) ^ (ipa >> 7) ^ 0x3c);
}

/* What a form does. */
enum hg_kind {
	HG_LOAD,		/* a load into a general register (value checked) */
	HG_STORE,		/* a store of a general register (data checked) */
	HG_OTHER_LOAD,		/* loads of other forms: pairs, SIMD, writeback */
	HG_OTHER_STORE,
	HG_RMW,			/* atomics */
	HG_SCX,			/* a store-exclusive: whether it faults without the
				 * monitor is IMPLEMENTATION DEFINED */
	HG_ZVA,			/* DC ZVA: a store of a block */
	HG_CMO,			/* DC CIVAC: cache maintenance */
};

/* Results of an access (hg_cpu.fail_what). */
enum hg_fail {
	HG_OK,
	HG_EXITS,		/* not the exits it must give */
	HG_EXCEPTION,		/* not the exception it must give */
	HG_VALUE,		/* a load gave the wrong value */
	HG_MEMORY,		/* RAM does not hold what was stored */
};

/* The access in progress, for the VMM. */
struct hg_access {
	u64 addr;		/* IPA of the first byte */
	u64 size;		/* bytes touched */
	u64 value;		/* what a store writes */
	u64 kind;		/* enum hg_kind */
	u64 must_exit;		/* 1: exactly one exit; 0: none; 2: at most one */
};

struct hg_cpu {
	struct hg_access cur;
	/* the VMM's */
	u64 exits;		/* exits of this vCPU, counted by the VMM */
	u64 last_exit;		/* KVM_EXIT_MMIO or KVM_EXIT_ARM_NISV */
	/* the exception handler's */
	u64 exc, esr, far;
	/* totals */
	u64 accesses, exits_seen, aborts, align_faults, values_checked;
	/* MMIO loads of negative values by sign-extending forms */
	u64 sign_extended, zero_extended;	/* zero-extended: KVM only */
	/* the first failures */
	u64 failures;
	struct {
		u64 what, addr, form, got, want;
	} fail[HG_FAILS];
};

extern struct hg_cpu hg_cpus[HG_VCPUS];

/* Guest entry: arg is the host page size, with HG_ORACLE if the target is KVM. */
#define HG_ORACLE		(1ULL << 63)
void hg_guest(u64 page);

#endif /* VHV_HOSTILE_H */
