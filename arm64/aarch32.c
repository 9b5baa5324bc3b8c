// SPDX-License-Identifier: GPL-2.0
/*
 * Condition codes and the IT state of AArch32 instructions that trapped
 * to EL2. Pure: no kernel dependencies (arm64/aarch32.h).
 *
 * A conditional AArch32 instruction that fails its condition may still
 * trap (Arm ARM, "Traps on instructions that fail their condition code
 * check": it is IMPLEMENTATION DEFINED whether it does); the hypervisor
 * must then step over it with no other effect. ESR_EL2 for those classes
 * carries CV [24] and COND [23:20]; with CV 0 (allowed for T32) the
 * condition comes from PSTATE.IT.
 */
#include "arm64/aarch32.h"

#define ESR_EC_SHIFT	26
#define ESR_CV		(1ULL << 24)
#define ESR_COND_SHIFT	20
#define COND_AL		0xe
/*
 * The classes whose ISS has CV and COND: WFx (0x01), MCR/MRC and MCRR/MRRC
 * to CP15 (0x03, 0x04) and CP14 (0x05, 0x0C), LDC/STC (0x06), FP/SIMD
 * (0x07), VMRS (0x08).
 */
#define COND_ECS	((1U << 0x01) | (1U << 0x03) | (1U << 0x04) | (1U << 0x05) | \
			 (1U << 0x06) | (1U << 0x07) | (1U << 0x08) | (1U << 0x0c))

/* ITSTATE (IT[7:0]) from PSTATE. */
static unsigned int itstate(u64 pstate)
{
	return ((pstate >> VHV_AA32_IT_LO_SHIFT) & 3) |
	       (((pstate >> VHV_AA32_IT_HI_SHIFT) & 0x3f) << 2);
}

/* The Arm ARM's ConditionHolds() on PSTATE.{N,Z,C,V}. */
static bool cond_holds(unsigned int cond, u64 pstate)
{
	bool n = pstate & (1ULL << 31), z = pstate & (1ULL << 30);
	bool c = pstate & (1ULL << 29), v = pstate & (1ULL << 28);
	bool result;

	switch (cond >> 1) {
	case 0:
		result = z;			/* EQ, NE */
		break;
	case 1:
		result = c;			/* CS, CC */
		break;
	case 2:
		result = n;			/* MI, PL */
		break;
	case 3:
		result = v;			/* VS, VC */
		break;
	case 4:
		result = c && !z;		/* HI, LS */
		break;
	case 5:
		result = n == v;		/* GE, LT */
		break;
	case 6:
		result = n == v && !z;		/* GT, LE */
		break;
	default:
		return true;			/* AL, and 0b1111 */
	}
	return (cond & 1) ? !result : result;
}

bool vhv_aarch32_cond_passed(u64 esr, u64 pstate)
{
	unsigned int ec = (esr >> ESR_EC_SHIFT) & 0x3f, cond;

	if (ec >= 32 || !(COND_ECS & (1U << ec)))
		return true;
	if (esr & ESR_CV) {
		cond = (esr >> ESR_COND_SHIFT) & 0xf;
	} else {
		/* T32 outside an IT block is unconditional. */
		if (!itstate(pstate))
			return true;
		cond = itstate(pstate) >> 4;
	}
	return cond == COND_AL || cond_holds(cond, pstate);
}

/*
 * ITAdvance() (Arm ARM, "ITSTATE"): after the last instruction of an IT
 * block the state is clear; otherwise IT[4:0] shifts left by one.
 */
u64 vhv_aarch32_it_advance(u64 pstate)
{
	unsigned int it = itstate(pstate);

	if (!(pstate & VHV_AA32_T) || !it)
		return pstate;
	if (!(it & 7))
		it = 0;
	else
		it = (it & 0xe0) | ((it << 1) & 0x1f);
	pstate &= ~VHV_AA32_IT_MASK;
	return pstate | ((u64)(it & 3) << VHV_AA32_IT_LO_SHIFT) |
	       ((u64)(it >> 2) << VHV_AA32_IT_HI_SHIFT);
}
