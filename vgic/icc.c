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


struct icc_reg {
	u16 instr;
	u64 field;			/* the plain ICH_VMCR_EL2 fields */
	bool group1;			/* APRs: ICH_AP1R<n>, else ICH_AP0R<n> */
	u8 n;				/* APRs: the register's index */
	int (*get)(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 *val);
	int (*set)(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 val);
};

static void vmcr_set(struct vhv_vgic_cpu *vc, u64 field, u64 val)
{
	vc->vmcr = (vc->vmcr & ~field) | ((val << __ffs64(field)) & field);
}

/* PMR, BPR0, IGRPEN0, IGRPEN1: a VMCR field each, the value's low bits. */
static int vmcr_field_get(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 *val)
{
	*val = (vc->vmcr & r->field) >> __ffs64(r->field);
	return 0;
}

static int vmcr_field_set(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 val)
{
	vmcr_set(vc, r->field, val);
	return 0;
}

static int bpr1_get(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 *val)
{
	if (vc->vmcr & VMCR_CBPR)
		*val = min_t(u64, FIELD_GET(VMCR_BPR0, vc->vmcr) + 1, 7);
	else
		*val = FIELD_GET(VMCR_BPR1, vc->vmcr);
	return 0;
}

static int bpr1_set(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 val)
{
	if (!(vc->vmcr & VMCR_CBPR))
		vmcr_set(vc, VMCR_BPR1, val);
	return 0;
}

static int ctlr_get(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 *val)
{
	u64 vtr = vhv_vgic_hw.vtr;

	*val = FIELD_PREP(CTLR_PRIBITS, vc->pri_bits - 1) | FIELD_PREP(CTLR_IDBITS, vc->id_bits) |
	       (vtr & VTR_SEIS ? CTLR_SEIS : 0) | (vtr & VTR_A3V ? CTLR_A3V : 0) |
	       (vc->vmcr & VMCR_CBPR ? CTLR_CBPR : 0) | (vc->vmcr & VMCR_EOIM ? CTLR_EOIMODE : 0);
	return 0;
}

static int ctlr_set(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 val)
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

static int sre_get(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 *val)
{
	*val = SRE_ALL;
	return 0;
}

static int sre_set(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 val)
{
	/* The system register interface is the only one there is. */
	return val & SRE_SRE ? 0 : -EINVAL;
}

/*
 * Active-priority registers: one per 32 preemption levels of the
 * priority bits; NULL for one beyond them.
 */
static u32 *apr(struct vhv_vgic_cpu *vc, const struct icc_reg *r)
{
	unsigned int nr = vc->pri_bits >= 7 ? 4 : vc->pri_bits == 6 ? 2 : 1;

	if (r->n >= nr || r->n >= vhv_vgic_hw.nr_apr)
		return NULL;
	return r->group1 ? &vc->ap1r[r->n] : &vc->ap0r[r->n];
}

static int apr_get(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 *val)
{
	u32 *reg = apr(vc, r);

	if (!reg)
		return -EINVAL;
	*val = *reg;
	return 0;
}

static int apr_set(struct vhv_vgic_cpu *vc, const struct icc_reg *r, u64 val)
{
	u32 *reg = apr(vc, r);

	if (!reg)
		return -EINVAL;
	*reg = val;
	return 0;
}

#define ICC_FIELD(crn, crm, op2, f) \
	{ .instr = ICC(crn, crm, op2), .field = (f), .get = vmcr_field_get, .set = vmcr_field_set }
#define ICC_REG(crm, op2, kind) \
	{ .instr = ICC(12, crm, op2), .get = kind##_get, .set = kind##_set }
/* ICC_AP0R<n>_EL1 is CRm 8, Op2 4 + n; ICC_AP1R<n>_EL1 CRm 9, Op2 n. */
#define ICC_AP0R(idx) \
	{ .instr = ICC(12, 8, 4 + (idx)), .n = (idx), .get = apr_get, .set = apr_set }
#define ICC_AP1R(idx) \
	{ .instr = ICC(12, 9, (idx)), .group1 = true, .n = (idx), .get = apr_get, .set = apr_set }

static const struct icc_reg icc_regs[] = {
	ICC_FIELD(4, 6, 0, VMCR_PMR),			/* ICC_PMR_EL1 */
	ICC_FIELD(12, 8, 3, VMCR_BPR0),			/* ICC_BPR0_EL1 */
	ICC_AP0R(0), ICC_AP0R(1), ICC_AP0R(2), ICC_AP0R(3),
	ICC_AP1R(0), ICC_AP1R(1), ICC_AP1R(2), ICC_AP1R(3),
	ICC_REG(12, 3, bpr1),					/* ICC_BPR1_EL1 */
	ICC_REG(12, 4, ctlr),					/* ICC_CTLR_EL1 */
	ICC_REG(12, 5, sre),					/* ICC_SRE_EL1 */
	ICC_FIELD(12, 12, 6, VMCR_ENG0),		/* ICC_IGRPEN0_EL1 */
	ICC_FIELD(12, 12, 7, VMCR_ENG1),		/* ICC_IGRPEN1_EL1 */
};

static const struct icc_reg *icc_find(u16 instr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(icc_regs); i++)
		if (icc_regs[i].instr == instr)
			return &icc_regs[i];
	return NULL;
}

bool vhv_vgic_icc_has(u16 instr)
{
	return icc_find(instr);
}

int vhv_vgic_icc_access(struct vhv_vcpu *vcpu, u16 instr, bool write, u64 *val)
{
	const struct icc_reg *r = icc_find(instr);

	/* KVM's answer for a register it does not know, as for ONE_REG. */
	if (!r)
		return -ENOENT;
	if (write)
		return r->set(&vcpu->vgic, r, *val);
	return r->get(&vcpu->vgic, r, val);
}

void vhv_vgic_icc_reset(struct vhv_vcpu *vcpu)
{
	vcpu->vgic.pri_bits = vhv_vgic_hw.pri_bits;
	vcpu->vgic.id_bits = FIELD_GET(VTR_IDBITS, vhv_vgic_hw.vtr);
}
