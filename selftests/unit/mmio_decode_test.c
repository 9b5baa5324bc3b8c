// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit test of mmu/mmio_decode.c with synthetic ESR_EL2 values,
 * covering what the emulator never produces: QEMU reports SSE = 0 even
 * for LDRSB, LDRSH and LDRSW, so sign extension, and big-endian guests,
 * are only seen here. Built and run natively by tools/testbed/run-tests.
 */
#include "../../mmu/mmio.h"
#include "../lib/test.h"

/* ESR_EL2 ISS fields of a data abort (Arm ARM D24.2.40). */
#define ISV		(1ULL << 24)
#define SAS(n)		((unsigned long long)(n) << 22)	/* 0 byte .. 3 doubleword */
#define SSE		(1ULL << 21)
#define SRT(r)		((unsigned long long)(r) << 16)
#define SF		(1ULL << 15)
#define CM		(1ULL << 8)
#define S1PTW		(1ULL << 7)
#define WNR		(1ULL << 6)
#define FSC_TRANS_L3	0x07ULL
#define EC_DABT_LOW	(0x24ULL << 26)

static struct vhv_dabt decode(unsigned long long iss)
{
	struct vhv_dabt d;

	vhv_dabt_decode(EC_DABT_LOW | iss, 0xffff000012345abcULL, 0x123456ULL << 4, &d);
	return d;
}

static u64 load(unsigned long long iss, const u8 bytes[8], bool be)
{
	struct vhv_dabt d = decode(iss);

	return vhv_mmio_load_value(&d, bytes, be);
}

TEST(decode_fields_and_ipa)
{
	struct vhv_dabt d = decode(ISV | SAS(2) | SRT(17) | SF | WNR | FSC_TRANS_L3);

	ASSERT_TRUE(d.isv);
	ASSERT_EQ(d.len, 4);
	ASSERT_EQ(d.rt, 17);
	ASSERT_TRUE(d.reg64);
	ASSERT_TRUE(d.is_write);
	ASSERT_FALSE(d.sign_extend);
	ASSERT_EQ(d.fsc, FSC_TRANS_L3);
	/* HPFAR_EL2.FIPA gives IPA[51:12]; FAR_EL2 the offset in the page. */
	ASSERT_EQ(d.ipa, 0x123456abcULL);
}

TEST(decode_no_syndrome_cache_op_and_walk)
{
	struct vhv_dabt d = decode(WNR | FSC_TRANS_L3);

	ASSERT_FALSE(d.isv);
	/* A cache maintenance operation reports WnR = 1 but is no write. */
	d = decode(CM | WNR | FSC_TRANS_L3);
	ASSERT_TRUE(d.cache_op);
	ASSERT_FALSE(d.is_write);
	d = decode(S1PTW | FSC_TRANS_L3);
	ASSERT_TRUE(d.s1ptw);
	d = decode(ISV | SAS(3) | SRT(31) | SF);
	ASSERT_EQ(d.rt, 31);
}

static const u8 b80[8] = { 0x80 };
static const u8 h8001[8] = { 0x01, 0x80 };
static const u8 w80000000[8] = { 0, 0, 0, 0x80 };
static const u8 x[8] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x81 };

TEST(zero_extending_loads)
{
	ASSERT_EQ(load(ISV | SAS(0), b80, false), 0x80);			/* LDRB w */
	ASSERT_EQ(load(ISV | SAS(1), h8001, false), 0x8001);			/* LDRH w */
	ASSERT_EQ(load(ISV | SAS(2), w80000000, false), 0x80000000);		/* LDR w */
	ASSERT_EQ(load(ISV | SAS(3) | SF, x, false), 0x8123456789abcdefULL);	/* LDR x */
	/* A 64-bit load into a W register keeps the low half (SF = 0). */
	ASSERT_EQ(load(ISV | SAS(3), x, false), 0x89abcdefULL);
}

TEST(sign_extending_loads_to_w_and_x)
{
	ASSERT_EQ(load(ISV | SAS(0) | SSE, b80, false), 0xffffff80ULL);		/* LDRSB w */
	ASSERT_EQ(load(ISV | SAS(0) | SSE | SF, b80, false), 0xffffffffffffff80ULL);	/* LDRSB x */
	ASSERT_EQ(load(ISV | SAS(1) | SSE, h8001, false), 0xffff8001ULL);		/* LDRSH w */
	ASSERT_EQ(load(ISV | SAS(1) | SSE | SF, h8001, false), 0xffffffffffff8001ULL);
	ASSERT_EQ(load(ISV | SAS(2) | SSE | SF, w80000000, false), 0xffffffff80000000ULL); /* LDRSW */
	/* Positive values stay as they are. */
	ASSERT_EQ(load(ISV | SAS(0) | SSE | SF, (const u8[8]){ 0x7f }, false), 0x7f);
}

TEST(big_endian_guest_loads)
{
	/* The bytes in memory order; a big-endian guest reads them MSB first. */
	ASSERT_EQ(load(ISV | SAS(1), h8001, true), 0x0180);
	ASSERT_EQ(load(ISV | SAS(1) | SSE | SF, (const u8[8]){ 0x80, 0x01 }, true),
		  0xffffffffffff8001ULL);
	ASSERT_EQ(load(ISV | SAS(3) | SF, x, true), 0xefcdab8967452381ULL);
}

TEST(store_data_in_memory_order)
{
	struct vhv_dabt d = decode(ISV | SAS(1) | WNR);
	u8 data[8];

	vhv_mmio_store_data(&d, 0x11223344, false, data);
	ASSERT_EQ(data[0], 0x44);
	ASSERT_EQ(data[1], 0x33);
	ASSERT_EQ(data[2], 0);
	vhv_mmio_store_data(&d, 0x11223344, true, data);
	ASSERT_EQ(data[0], 0x33);
	ASSERT_EQ(data[1], 0x44);
	d = decode(ISV | SAS(3) | SF | WNR);
	vhv_mmio_store_data(&d, 0x0102030405060708ULL, false, data);
	ASSERT_EQ(data[0], 0x08);
	ASSERT_EQ(data[7], 0x01);
}
