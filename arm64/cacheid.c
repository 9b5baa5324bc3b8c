// SPDX-License-Identifier: GPL-2.0
/*
 * The cache identification registers a VM sees. Read natively they are
 * the current CPU's: on a big.LITTLE system a vCPU that migrates would
 * see its caches change under it, and a VM restored elsewhere would see
 * the new host's. So the guest's accesses trap (HCR_EL2.TID2, or TID4)
 * and are answered with the VM's values, as KVM 6.12 fabricates them:
 *
 *  - CTR_EL0: the kernel's system-wide sanitised value (the smallest
 *    line sizes, IDC and DIC only where every CPU has them);
 *  - CLIDR_EL1: a made-up hierarchy that asks for exactly the
 *    maintenance CTR_EL0 says is needed: a data cache at level 1 up to
 *    the PoU unless IDC, an instruction cache at level 1 unless DIC, a
 *    unified cache as the level of coherence; per vCPU, settable by
 *    ONE_REG within what CTR_EL0 allows;
 *  - CCSIDR_EL1, per CSSELR_EL1 value: one set of one way of the
 *    smallest line of CTR_EL0 (IminLine or DminLine), so that set/way
 *    loops are as short as can be (they trap anyway, HCR_EL2.TSW); per
 *    vCPU, settable by ONE_REG (KVM_REG_ARM_DEMUX_ID_CCSIDR) with a line
 *    no smaller than that;
 *  - CSSELR_EL1: plain storage, as its accesses trap too; CCSIDR2_EL1 is
 *    UNDEF and FEAT_CCIDX hidden (arm64/idregs.c), so that CCSIDR_EL1
 *    keeps its 32-bit format.
 *
 * Arm ARM: HCR_EL2.TID2 traps EL1 and EL0 reads of CTR_EL0, CCSIDR_EL1,
 * CCSIDR2_EL1, CLIDR_EL1 and accesses to CSSELR_EL1; with FEAT_EVT,
 * HCR_EL2.TID4 traps the same but CTR_EL0 (D24.2.48). CCSIDR_EL1's
 * LineSize [2:0] is log2(bytes) - 4; CTR_EL0's IminLine [3:0] and
 * DminLine [19:16] are log2(words).
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include "arm64/cacheid.h"
#include "arm64/sysregs.h"
#include "core/vcpu.h"

#define VHV_HCR_TID4	BIT_ULL(49)	/* FEAT_EVT */
#define MMFR2_EVT_SHIFT	56

#define CTR_IMIN(ctr)	((ctr) & 0xf)
#define CTR_DMIN(ctr)	(((ctr) >> 16) & 0xf)
#define CTR_F_IDC	BIT_ULL(28)
#define CTR_F_DIC	BIT_ULL(29)

/* CLIDR_EL1: Ctype<n> [3n-1:3n-3], LoUIS [23:21], LoC [26:24], LoUU [29:27]. */
#define CL_CTYPE_SHIFT(n)	(3 * ((n) - 1))
#define CL_LOUIS_SHIFT	21
#define CL_LOC_SHIFT	24
#define CL_LOUU_SHIFT	27
#define CL_LEVEL(v, s)		(((v) >> (s)) & 7)
#define CL_RES0		GENMASK_ULL(63, 47)
#define CTYPE_INST	1
#define CTYPE_DATA	2
#define CTYPE_UNIFIED	4

#define CCSIDR_LINESIZE	GENMASK(2, 0)
#define CSSELR_IND	BIT(0)
#define CSSELR_LEVEL_IND	GENMASK(3, 0)

/*
 * As KVM 6.12 decides: TID4 where every CPU has FEAT_EVT and the same
 * CTR_EL0 (the guest then reads the hardware's, which is the VM's),
 * TID2 otherwise. Decided at each vCPU reset, as KVM does.
 */
u64 vhv_cacheid_hcr(void)
{
	u64 mmfr2 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR2_EL1);

	if (cpuid_feature_extract_unsigned_field(mmfr2, MMFR2_EVT_SHIFT) &&
	    !cpus_have_cap(ARM64_MISMATCHED_CACHE_TYPE))
		return VHV_HCR_TID4;
	return HCR_TID2;
}

u64 vhv_cacheid_ctr(void)
{
	return read_sanitised_ftr_reg(SYS_CTR_EL0);
}

u64 vhv_cacheid_clidr_reset(void)
{
	u64 ctr = vhv_cacheid_ctr(), clidr;
	unsigned int loc;

	if (ctr & CTR_F_IDC) {
		/* No clean to the PoU needed: LoUU = LoUIS = 0. */
		loc = ctr & CTR_F_DIC ? 1 : 2;
		clidr = (u64)CTYPE_UNIFIED << CL_CTYPE_SHIFT(loc);
	} else {
		/* A level 1 data cache to clean to the PoU, also the LoC. */
		loc = 1;
		clidr = (1ULL << CL_LOUU_SHIFT) | (1ULL << CL_LOUIS_SHIFT) |
			(u64)CTYPE_DATA << CL_CTYPE_SHIFT(1);
	}
	/* I-cache invalidation to the PoU needed: a level 1 I-cache. */
	if (!(ctr & CTR_F_DIC))
		clidr |= (u64)CTYPE_INST << CL_CTYPE_SHIFT(1);
	return clidr | (u64)loc << CL_LOC_SHIFT;
}

/*
 * KVM's rule: no RES0 bit, and without CTR_EL0.IDC a hierarchy that has
 * a data cache to clean to the PoU (LoC, and LoUU or LoUIS, not 0).
 */
int vhv_cacheid_clidr_check(u64 val)
{
	bool no_pou = !CL_LEVEL(val, CL_LOC_SHIFT) ||
		      (!CL_LEVEL(val, CL_LOUIS_SHIFT) && !CL_LEVEL(val, CL_LOUU_SHIFT));

	if ((val & CL_RES0) || (!(vhv_cacheid_ctr() & CTR_F_IDC) && no_pou))
		return -EINVAL;
	return 0;
}

/* The smallest line of that kind of cache, log2(bytes). */
static unsigned int min_line(u32 csselr)
{
	u64 ctr = vhv_cacheid_ctr();

	return (csselr & CSSELR_IND ? CTR_IMIN(ctr) : CTR_DMIN(ctr)) + 2;
}

void vhv_cacheid_vcpu_init(struct vhv_vcpu *vcpu)
{
	u32 i;

	/* One set, one way (Associativity and NumSets 0). */
	for (i = 0; i < VHV_CSSELR_MAX; i++)
		vcpu->ccsidr[i] = FIELD_PREP(CCSIDR_LINESIZE, min_line(i) - 4);
}

u64 vhv_cacheid_ccsidr(struct vhv_vcpu *vcpu)
{
	u32 csselr = vcpu->sys[VHV_SR_CSSELR_EL1] & CSSELR_LEVEL_IND;

	/* Level 8 does not exist: UNKNOWN, here 0. */
	return csselr < VHV_CSSELR_MAX ? vcpu->ccsidr[csselr] : 0;
}

/* ---- ONE_REG ---- */

#define DEMUX_CCSIDR_ID	(KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | \
			 KVM_REG_ARM_DEMUX_ID_CCSIDR)

unsigned int vhv_cacheid_nr_user(void)
{
	return VHV_CSSELR_MAX;
}

int vhv_cacheid_copy_ids(u64 __user *uids)
{
	u32 i;

	for (i = 0; i < VHV_CSSELR_MAX; i++)
		if (put_user(DEMUX_CCSIDR_ID | i, uids++))
			return -EFAULT;
	return 0;
}

/* The CSSELR value an id names, or -ENOENT as KVM answers for others. */
static int demux_index(u64 id)
{
	u64 val = (id & KVM_REG_ARM_DEMUX_VAL_MASK) >> KVM_REG_ARM_DEMUX_VAL_SHIFT;

	/* Another size, another demux id, or CSSELR values 14 and 15. */
	if ((id & ~KVM_REG_ARM_DEMUX_VAL_MASK) != DEMUX_CCSIDR_ID || val >= VHV_CSSELR_MAX)
		return -ENOENT;
	return val;
}

int vhv_cacheid_get_user(struct vhv_vcpu *vcpu, u64 id, u32 __user *uaddr)
{
	int i = demux_index(id);

	if (i < 0)
		return i;
	return put_user(vcpu->ccsidr[i], uaddr);
}

/* Any geometry, but a line no smaller than CTR_EL0 says (KVM's rule). */
int vhv_cacheid_set_user(struct vhv_vcpu *vcpu, u64 id, const u32 __user *uaddr)
{
	int i = demux_index(id);
	u32 val;

	if (i < 0)
		return i;
	if (get_user(val, uaddr))
		return -EFAULT;
	if (FIELD_GET(CCSIDR_LINESIZE, val) + 4 < min_line(i))
		return -EINVAL;
	vcpu->ccsidr[i] = val;
	return 0;
}
