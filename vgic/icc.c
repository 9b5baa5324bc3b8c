// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: a vCPU's GIC CPU interface registers
 * (ICC_*_EL1) as a VMM saves and restores them, in KVM's format: 64-bit
 * values, the register named by its encoding. While the guest runs these
 * live in the hardware's ICH_VMCR_EL2 and ICH_AP<n>R<m>_EL2; between runs
 * in struct vhv_vgic_cpu, which is what this reads and writes (the caller
 * holds every vCPU's mutex: none is running).
 *
 * As in KVM: ICC_SRE_EL1 reads SRE, DFB and DIB set and refuses SRE = 0;
 * ICC_CTLR_EL1 takes at most the priority and INTID bits the vCPU has
 * (narrowing them is for good) and exactly the hardware's SEIS and A3V;
 * ICC_BPR1_EL1 follows BPR0 + 1 (saturated) while CBPR is set, and
 * ignores writes then; the active-priority registers reach as far as
 * the priority bits give them (5: one, 6: two, 7: four).
 */
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "core/vcpu.h"
#include "vgic/hw.h"
#include "vgic/icc.h"
#include "vgic/vgic.h"

/* The attribute's instr field: Op0 [15:14], Op1 [13:11], CRn [10:7], CRm [6:3], Op2 [2:0]. */
#define ICC(crn, crm, op2)	((3 << 14) | ((crn) << 7) | ((crm) << 3) | (op2))

/* ICC_CTLR_EL1: CBPR [0], EOImode [1], PRIbits [10:8], IDbits [13:11], SEIS [14], A3V [15]. */
#define CTLR_CBPR		BIT(0)
#define CTLR_EOIMODE		BIT(1)
#define CTLR_PRIBITS		GENMASK(10, 8)
#define CTLR_IDBITS		GENMASK(13, 11)
#define CTLR_SEIS		BIT(14)
#define CTLR_A3V		BIT(15)

/* ICC_SRE_EL1: SRE [0], DFB [1], DIB [2]. */
#define SRE_SRE			BIT(0)
#define SRE_ALL			(BIT(0) | BIT(1) | BIT(2))

#define BPR_MASK		GENMASK(2, 0)

struct icc_reg {
	u16 instr;
	u8 n;				/* APRs: the register's index */
	int (*get)(struct vhv_vgic_cpu *vc, u8 n, u64 *val);
	int (*set)(struct vhv_vgic_cpu *vc, u8 n, u64 val);
};

static void vmcr_set(struct vhv_vgic_cpu *vc, u64 field, u64 val)
{
	vc->vmcr = (vc->vmcr & ~field) | ((val << __ffs64(field)) & field);
}

static int pmr_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	*val = FIELD_GET(VMCR_PMR, vc->vmcr);
	return 0;
}

static int pmr_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	vmcr_set(vc, VMCR_PMR, val & 0xff);
	return 0;
}

static int bpr0_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	*val = FIELD_GET(VMCR_BPR0, vc->vmcr);
	return 0;
}

static int bpr0_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	vmcr_set(vc, VMCR_BPR0, val & BPR_MASK);
	return 0;
}

static int bpr1_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	if (vc->vmcr & VMCR_CBPR)
		*val = min_t(u64, FIELD_GET(VMCR_BPR0, vc->vmcr) + 1, 7);
	else
		*val = FIELD_GET(VMCR_BPR1, vc->vmcr);
	return 0;
}

static int bpr1_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	if (!(vc->vmcr & VMCR_CBPR))
		vmcr_set(vc, VMCR_BPR1, val & BPR_MASK);
	return 0;
}

static int ctlr_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	u64 vtr = vhv_vgic_hw.vtr;

	*val = FIELD_PREP(CTLR_PRIBITS, vc->pri_bits - 1) | FIELD_PREP(CTLR_IDBITS, vc->id_bits) |
	       (vtr & VTR_SEIS ? CTLR_SEIS : 0) | (vtr & VTR_A3V ? CTLR_A3V : 0) |
	       (vc->vmcr & VMCR_CBPR ? CTLR_CBPR : 0) | (vc->vmcr & VMCR_EOIM ? CTLR_EOIMODE : 0);
	return 0;
}

static int ctlr_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	unsigned int pri_bits = FIELD_GET(CTLR_PRIBITS, val) + 1;
	unsigned int id_bits = FIELD_GET(CTLR_IDBITS, val);
	u64 vtr = vhv_vgic_hw.vtr;

	/*
	 * No more than the vCPU has now (the hardware's, or fewer if the VMM
	 * narrowed them: as in KVM there is no way back); SEIS and A3V as the
	 * hardware has them.
	 */
	if (pri_bits > vc->pri_bits || id_bits > vc->id_bits)
		return -EINVAL;
	if (!(val & CTLR_SEIS) != !(vtr & VTR_SEIS) || !(val & CTLR_A3V) != !(vtr & VTR_A3V))
		return -EINVAL;
	vc->pri_bits = pri_bits;
	vc->id_bits = id_bits;
	vmcr_set(vc, VMCR_CBPR, !!(val & CTLR_CBPR));
	vmcr_set(vc, VMCR_EOIM, !!(val & CTLR_EOIMODE));
	return 0;
}

static int sre_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	*val = SRE_ALL;
	return 0;
}

static int sre_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	/* The system register interface is the only one there is. */
	return val & SRE_SRE ? 0 : -EINVAL;
}

static int igrpen0_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	*val = !!(vc->vmcr & VMCR_ENG0);
	return 0;
}

static int igrpen0_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	vmcr_set(vc, VMCR_ENG0, val & 1);
	return 0;
}

static int igrpen1_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	*val = !!(vc->vmcr & VMCR_ENG1);
	return 0;
}

static int igrpen1_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	vmcr_set(vc, VMCR_ENG1, val & 1);
	return 0;
}

/* Active-priority registers: one per 32 preemption levels of the priority bits. */
static bool apr_exists(struct vhv_vgic_cpu *vc, u8 n)
{
	unsigned int nr = vc->pri_bits >= 7 ? 4 : vc->pri_bits == 6 ? 2 : 1;

	return n < nr && n < vhv_vgic_hw.nr_apr;
}

static int ap0r_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	if (!apr_exists(vc, n))
		return -EINVAL;
	*val = vc->ap0r[n];
	return 0;
}

static int ap0r_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	if (!apr_exists(vc, n))
		return -EINVAL;
	vc->ap0r[n] = val;
	return 0;
}

static int ap1r_get(struct vhv_vgic_cpu *vc, u8 n, u64 *val)
{
	if (!apr_exists(vc, n))
		return -EINVAL;
	*val = vc->ap1r[n];
	return 0;
}

static int ap1r_set(struct vhv_vgic_cpu *vc, u8 n, u64 val)
{
	if (!apr_exists(vc, n))
		return -EINVAL;
	vc->ap1r[n] = val;
	return 0;
}

#define APR(crm, op2, kind, idx) \
	{ .instr = ICC(12, crm, op2), .n = (idx), .get = kind##_get, .set = kind##_set }

static const struct icc_reg icc_regs[] = {
	{ .instr = ICC(4, 6, 0), .get = pmr_get, .set = pmr_set },
	{ .instr = ICC(12, 8, 3), .get = bpr0_get, .set = bpr0_set },
	APR(8, 4, ap0r, 0), APR(8, 5, ap0r, 1), APR(8, 6, ap0r, 2), APR(8, 7, ap0r, 3),
	APR(9, 0, ap1r, 0), APR(9, 1, ap1r, 1), APR(9, 2, ap1r, 2), APR(9, 3, ap1r, 3),
	{ .instr = ICC(12, 12, 3), .get = bpr1_get, .set = bpr1_set },
	{ .instr = ICC(12, 12, 4), .get = ctlr_get, .set = ctlr_set },
	{ .instr = ICC(12, 12, 5), .get = sre_get, .set = sre_set },
	{ .instr = ICC(12, 12, 6), .get = igrpen0_get, .set = igrpen0_set },
	{ .instr = ICC(12, 12, 7), .get = igrpen1_get, .set = igrpen1_set },
};

static const struct icc_reg *icc_find(u16 instr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(icc_regs); i++)
		if (icc_regs[i].instr == instr)
			return &icc_regs[i];
	return NULL;
}

bool vgic_icc_has(u16 instr)
{
	return icc_find(instr);
}

int vgic_icc_access(struct vhv_vcpu *vcpu, u16 instr, bool write, u64 *val)
{
	const struct icc_reg *r = icc_find(instr);

	/* KVM's answer for a register it does not know, as for ONE_REG. */
	if (!r)
		return -ENOENT;
	if (write)
		return r->set(&vcpu->vgic, r->n, *val);
	return r->get(&vcpu->vgic, r->n, val);
}

void vgic_icc_reset(struct vhv_vcpu *vcpu)
{
	vcpu->vgic.pri_bits = vhv_vgic_hw.pri_bits;
	vcpu->vgic.id_bits = FIELD_GET(VTR_IDBITS, vhv_vgic_hw.vtr);
}
