// SPDX-License-Identifier: GPL-2.0
/*
 * Pure decode of a stage-2 data abort syndrome and the register values of
 * an emulated MMIO access. No kernel dependencies: also built into the
 * host-side unit test.
 */
#include "mmu/mmio.h"

/* ESR_ELx fields for Data Aborts (Arm ARM D24.2.40). */
#define ISS_ISV		(1ULL << 24)
#define ISS_SAS_SHIFT	22
#define ISS_SSE		(1ULL << 21)
#define ISS_SRT_SHIFT	16
#define ISS_SF		(1ULL << 15)
#define ISS_EA		(1ULL << 9)
#define ISS_CM		(1ULL << 8)
#define ISS_S1PTW	(1ULL << 7)
#define ISS_WNR		(1ULL << 6)
#define ISS_FSC_MASK	0x3fULL

/* HPFAR_EL2.FIPA, bits [43:4], holds IPA[51:12] (Arm ARM D24.2.76). */
#define HPFAR_FIPA_MASK	0x00000ffffffffff0ULL
#define PAGE_OFFSET_4K	0xfffULL

void vhv_dabt_decode(u64 esr, u64 far, u64 hpfar, struct vhv_dabt *d)
{
	d->isv = esr & ISS_ISV;
	d->len = 1U << ((esr >> ISS_SAS_SHIFT) & 3);
	d->sign_extend = esr & ISS_SSE;
	d->rt = (esr >> ISS_SRT_SHIFT) & 0x1f;
	d->reg64 = esr & ISS_SF;
	d->ext_abort = esr & ISS_EA;
	d->cache_op = esr & ISS_CM;
	d->s1ptw = esr & ISS_S1PTW;
	/* A cache maintenance operation reports WnR = 1 (D24.2.40): not a write. */
	d->is_write = (esr & ISS_WNR) && !d->cache_op;
	d->fsc = esr & ISS_FSC_MASK;
	/* HPFAR_EL2 gives the faulting IPA in 4K units whatever the granule. */
	d->ipa = ((hpfar & HPFAR_FIPA_MASK) << 8) | (far & PAGE_OFFSET_4K);
}

static u64 swap_bytes(u64 v, unsigned int len)
{
	u64 out = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		out |= ((v >> (8 * i)) & 0xff) << (8 * (len - 1 - i));
	return out;
}

void vhv_mmio_store_data(const struct vhv_dabt *d, u64 rt_val, bool big_endian, u8 data[8])
{
	unsigned int i;

	if (big_endian)
		rt_val = swap_bytes(rt_val, d->len);
	/* kvm_run.mmio.data carries the bytes in memory order. */
	for (i = 0; i < 8; i++)
		data[i] = i < d->len ? (rt_val >> (8 * i)) & 0xff : 0;
}

u64 vhv_mmio_load_value(const struct vhv_dabt *d, const u8 data[8], bool big_endian)
{
	unsigned int bits = 8 * d->len, i;
	u64 v = 0;

	for (i = 0; i < d->len; i++)
		v |= (u64)data[i] << (8 * i);
	if (big_endian)
		v = swap_bytes(v, d->len);
	if (d->sign_extend && bits < 64) {
		u64 sign = 1ULL << (bits - 1);

		v = (v ^ sign) - sign;
	}
	/* A W register takes the low 32 bits and zeroes the rest. */
	if (!d->reg64)
		v &= 0xffffffffULL;
	return v;
}
