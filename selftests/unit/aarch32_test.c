// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit test of arm64/aarch32.c: conditions of trapped AArch32
 * instructions and ITSTATE advance, with synthetic ESR_EL2 and PSTATE
 * values. QEMU evaluates conditions before an instruction can trap, so
 * the emulator never produces a trapped instruction that failed its
 * condition. Built and run natively by tools/testbed/run-tests.
 */
#include "../../arm64/aarch32.h"
#include "../lib/test.h"

#define EC(ec)		((u64)(ec) << 26)
#define CV		(1ULL << 24)
#define COND(c)		((u64)(c) << 20)
#define EC_WFX		0x01
#define EC_CP15_32	0x03
#define N		(1ULL << 31)
#define Z		(1ULL << 30)
#define C		(1ULL << 29)
#define V		(1ULL << 28)
#define T32		(1ULL << 5)
#define USR		0x10ULL

enum { EQ, NE, CS, CC, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE, AL, NV };

/* ITSTATE bits in PSTATE: IT[1:0] at [26:25], IT[7:2] at [15:10]. */
static u64 with_it(u64 pstate, unsigned int it)
{
	return pstate | ((u64)(it & 3) << 25) | ((u64)(it >> 2) << 10);
}

static unsigned int it_of(u64 pstate)
{
	return ((pstate >> 25) & 3) | (((pstate >> 10) & 0x3f) << 2);
}

static bool passes(unsigned int cond, u64 flags)
{
	return vhv_aarch32_cond_passed(EC(EC_WFX) | CV | COND(cond), USR | flags);
}

TEST(each_condition_against_the_flags)
{
	ASSERT_TRUE(passes(EQ, Z));
	ASSERT_FALSE(passes(EQ, 0));
	ASSERT_TRUE(passes(NE, 0));
	ASSERT_TRUE(passes(CS, C));
	ASSERT_TRUE(passes(CC, 0));
	ASSERT_TRUE(passes(MI, N));
	ASSERT_FALSE(passes(PL, N));
	ASSERT_TRUE(passes(VS, V));
	ASSERT_FALSE(passes(VC, V));
	ASSERT_TRUE(passes(HI, C));
	ASSERT_FALSE(passes(HI, C | Z));
	ASSERT_TRUE(passes(LS, Z));
	ASSERT_TRUE(passes(GE, N | V));
	ASSERT_FALSE(passes(GE, N));
	ASSERT_TRUE(passes(LT, V));
	ASSERT_TRUE(passes(GT, 0));
	ASSERT_FALSE(passes(GT, Z));
	ASSERT_TRUE(passes(LE, Z | N | V));
	ASSERT_TRUE(passes(LE, N));
	ASSERT_TRUE(passes(AL, 0));
	ASSERT_TRUE(passes(NV, 0));
}

TEST(odd_conditions_are_the_even_ones_negated)
{
	unsigned int cond, flags;

	for (cond = 0; cond < AL; cond += 2)
		for (flags = 0; flags < 16; flags++)
			ASSERT_EQ(passes(cond, (u64)flags << 28), !passes(cond + 1, (u64)flags << 28));
}

TEST(classes_without_a_condition_always_pass)
{
	/* Data abort, SVC, HVC, EC 0: no CV/COND in the ISS. */
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(0x24) | CV | COND(EQ), USR));
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(0x11) | CV | COND(EQ), USR));
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(0) | CV | COND(EQ), USR));
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(0x0e) | CV | COND(EQ), USR));
	/* A CP15 access does. */
	ASSERT_FALSE(vhv_aarch32_cond_passed(EC(EC_CP15_32) | CV | COND(EQ), USR));
}

TEST(without_cv_the_condition_is_the_it_blocks)
{
	/* Outside an IT block: unconditional. */
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(EC_WFX), USR | T32));
	/* ITE EQ, first instruction (EQ): IT = 0000 1100. */
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(EC_WFX), with_it(USR | T32 | Z, 0x0c)));
	ASSERT_FALSE(vhv_aarch32_cond_passed(EC(EC_WFX), with_it(USR | T32, 0x0c)));
	/* Its else instruction (NE): IT = 0001 1000. */
	ASSERT_TRUE(vhv_aarch32_cond_passed(EC(EC_WFX), with_it(USR | T32, 0x18)));
}

TEST(it_advances_through_a_block_and_ends_it)
{
	u64 ps = with_it(USR | T32 | N | C, 0x0c);	/* ITE EQ */

	ps = vhv_aarch32_it_advance(ps);
	ASSERT_EQ(it_of(ps), 0x18);			/* the else: NE, last */
	ps = vhv_aarch32_it_advance(ps);
	ASSERT_EQ(it_of(ps), 0);
	/* Nothing else of PSTATE moves. */
	ASSERT_EQ(ps, USR | T32 | N | C);
	/* IT EQ, one instruction: 0000 1000 ends at once. */
	ASSERT_EQ(vhv_aarch32_it_advance(with_it(USR | T32, 0x08)), USR | T32);
	/* ITTT GT (1100 0010): three more shifts, then none. */
	ps = vhv_aarch32_it_advance(with_it(USR | T32, 0xc2));
	ASSERT_EQ(it_of(ps), 0xc4);
	ps = vhv_aarch32_it_advance(ps);
	ASSERT_EQ(it_of(ps), 0xc8);
	ps = vhv_aarch32_it_advance(ps);
	ASSERT_EQ(it_of(ps), 0);
}

TEST(a32_and_t32_outside_it_are_left_alone)
{
	ASSERT_EQ(vhv_aarch32_it_advance(USR | Z), USR | Z);
	ASSERT_EQ(vhv_aarch32_it_advance(USR | T32 | Z), USR | T32 | Z);
	/* A32 with stray IT bits: not T32, nothing advances. */
	ASSERT_EQ(vhv_aarch32_it_advance(with_it(USR, 0x0c)), with_it(USR, 0x0c));
}
