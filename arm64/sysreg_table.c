// SPDX-License-Identifier: GPL-2.0
/*
 * The system register table: one descriptor per register (or per range of
 * encodings that behave alike), sorted by encoding and checked at load.
 * A descriptor serves the guest's trapped accesses (EC 0x18, decoded once
 * into struct vhv_sys_access) and the VMM's ONE_REG accesses; registers
 * the guest reaches without a trap (the lazy and shared ones) are here
 * for ONE_REG only. An access to an encoding not in the table is UNDEF
 * for the guest, logged in a form ready to paste into the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/kernel.h>
#include <linux/kvm.h>
#include <linux/ratelimit.h>
#include <linux/uaccess.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "arm64/cacheid.h"
#include "arm64/exits.h"
#include "arm64/idregs.h"
#include "arm64/inject.h"
#include "arm64/switch.h"
#include "arm64/sysreg_enc.h"
#include "arm64/sysregs.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmu.h"
#include "vgic/vgic.h"

struct sysreg_desc;

/*
 * guest(): 0 done, -1 UNDEF. get()/set() for ONE_REG; set() returns 0 or
 * -errno (EINVAL; ENOMEM for MPIDR_EL1's map). NULL get/set mean plain
 * storage in vcpu->sys[sr].
 */
struct sysreg_desc {
	u32 enc;		/* sys_reg(op0, op1, CRn, CRm, op2) */
	u32 last;		/* the last encoding of a range, or 0 */
	const char *name;
	int sr;			/* enum vhv_sr, or -1 */
	u64 reset;
	int (*guest)(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, struct vhv_sys_access *p);
	u64 (*get)(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc);
	int (*set)(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc, u64 val);
	unsigned int flags;
};

#define F_USER		(1U << 0)	/* listed by KVM_GET_REG_LIST */
#define F_SLOW		(1U << 1)	/* the guest's access needs the slow path */

static u32 desc_last(const struct sysreg_desc *d)
{
	return d->last ? d->last : d->enc;
}

/* ---- guest accessors ---- */

static int guest_storage(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
			 struct vhv_sys_access *p)
{
	if (p->is_read)
		p->val = vhv_vcpu_read_sr(vcpu, d->sr);
	else
		vhv_vcpu_write_sr(vcpu, d->sr, p->val);
	return 0;
}

/* Read-only registers: a write encoding does not exist, so it is UNDEF. */
static int guest_ro_storage(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
			    struct vhv_sys_access *p)
{
	return p->is_read ? guest_storage(vcpu, d, p) : -1;
}

static int guest_undef(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		       struct vhv_sys_access *p)
{
	return -1;
}

/* RAZ/WI: debug registers vhv keeps no state for. */
static int guest_raz_wi(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
			struct vhv_sys_access *p)
{
	if (p->is_read)
		p->val = 0;
	return 0;
}

static u64 get_idreg(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc)
{
	return vcpu->vm->idregs.val[vhv_idreg_index(enc)];
}

static int guest_idreg(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		       struct vhv_sys_access *p)
{
	if (!p->is_read)
		return -1;
	p->val = get_idreg(vcpu, d, p->enc);
	return 0;
}

/* ID registers: the VMM may write back what it read, and the GIC field. */
static int set_idreg(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc, u64 val)
{
	return vhv_idreg_set(vcpu->vm, enc, val);
}

/* OSLAR_EL1 is write-only; it sets OSLSR_EL1.OSLK (bit 1). */
static int guest_oslar(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		       struct vhv_sys_access *p)
{
	u64 *oslsr = &vcpu->sys[VHV_SR_OSLSR_EL1];

	if (p->is_read)
		return -1;
	*oslsr = (*oslsr & ~BIT(1)) | (p->val & BIT(0) ? BIT(1) : 0);
	return 0;
}

/* DBGCLAIMSET_EL1 / DBGCLAIMCLR_EL1: read the tags, set or clear them. */
static int guest_claim(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		       struct vhv_sys_access *p)
{
	u64 *tags = &vcpu->sys[VHV_SR_DBGCLAIM];
	bool set = sys_reg_CRm(d->enc) == 8;

	if (p->is_read)
		p->val = *tags;
	else if (set)
		*tags |= p->val & 0xff;
	else
		*tags &= ~(p->val & 0xff);
	return 0;
}

/*
 * DC ISW/CSW/CISW (HCR_EL2.TSW) must not reach the host's caches: done by
 * VA, once, with the VM control registers trapped after it (mmu/mmu.c).
 */
static int guest_dc_sw(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		       struct vhv_sys_access *p)
{
	if (p->is_read)
		return -1;
	vhv_mmu_set_way(vcpu);
	return 0;
}

/*
 * HCR_EL2.TVM traps writes of the VM control registers (D24.2.48: SCTLR,
 * TTBR0, TTBR1, TCR, ESR, FAR, AFSR0, AFSR1, MAIR, AMAIR, CONTEXTIDR; the
 * FEAT_AIE, S1PIE, TCR2 and SCTLR2 ones are hidden by ID_AA64MMFR3_EL1
 * reading zero) after a set/way operation: they are STORE entries, which
 * write where the register is. SCTLR_EL1 also cleans again when M or C
 * changes.
 */
static int guest_sctlr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		       struct vhv_sys_access *p)
{
	u64 old;

	if (p->is_read)
		return guest_storage(vcpu, d, p);
	old = vhv_vcpu_read_sr(vcpu, VHV_SR_SCTLR_EL1);
	vhv_vcpu_write_sr(vcpu, VHV_SR_SCTLR_EL1, p->val);
	vhv_mmu_sctlr_written(vcpu, old, p->val);
	return 0;
}

/* ---- invariant registers: the host's, read-only for the VMM too ---- */

static u64 get_midr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc)
{
	return read_cpuid_id();
}

static u64 get_revidr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc)
{
	return read_sysreg(revidr_el1);
}

static u64 get_aidr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc)
{
	return read_sysreg(aidr_el1);
}

/* ---- cache identification: the VM's values (arm64/cacheid.c) ---- */

static u64 get_ctr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc)
{
	return vhv_cacheid_ctr();
}

static int guest_ctr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		     struct vhv_sys_access *p)
{
	if (!p->is_read)
		return -1;
	p->val = vhv_cacheid_ctr();
	return 0;
}

static int guest_ccsidr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
			struct vhv_sys_access *p)
{
	if (!p->is_read)
		return -1;
	p->val = vhv_cacheid_ccsidr(vcpu);
	return 0;
}

static int set_clidr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc, u64 val)
{
	int ret = vhv_cacheid_clidr_check(val);

	if (!ret)
		vcpu->sys[VHV_SR_CLIDR_EL1] = val;
	return ret;
}

static int set_invariant(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc, u64 val)
{
	return val == d->get(vcpu, d, enc) ? 0 : -EINVAL;
}

/* The guest reads it from VMPIDR_EL2; the VM's affinity map follows writes. */
static int set_mpidr(struct vhv_vcpu *vcpu, const struct sysreg_desc *d, u32 enc, u64 val)
{
	return vhv_vcpu_set_mpidr(vcpu, val);
}

/* SCTLR_EL1 out of reset: its RES1 bits and the v8.0 defaults, as KVM. */
#define SCTLR_EL1_RESET		0x00c50078ULL
/* OSLSR_EL1.OSLM = 0b10: the OS lock is implemented (D23.3.x). */
#define OSLSR_EL1_RESET		0x8ULL

/* Served wherever the register is: the trapped ones, and those of TVM. */
#define STORE(o0, o1, n, m, o2, nm, idx, rst) \
	{ .enc = sys_reg(o0, o1, n, m, o2), .name = nm, .sr = idx, .reset = rst, \
	  .guest = guest_storage, .flags = F_USER }
/* Not trapped: the guest reaches the hardware; ONE_REG reaches vcpu->sys. */
#define DIRECT(o0, o1, n, m, o2, nm, idx, rst) \
	{ .enc = sys_reg(o0, o1, n, m, o2), .name = nm, .sr = idx, .reset = rst, .flags = F_USER }
#define INVARIANT(o0, o1, n, m, o2, nm, fn) \
	{ .enc = sys_reg(o0, o1, n, m, o2), .name = nm, .sr = -1, .get = fn, \
	  .set = set_invariant, .flags = F_USER }
#define RAZ_WI(o0, o1, n, m, o2, nm) \
	{ .enc = sys_reg(o0, o1, n, m, o2), .name = nm, .sr = -1, .guest = guest_raz_wi }
/* UNDEF without a log line: registers the guest is told it does not have. */
#define UNDEF(o0, o1, n, m, o2, nm) \
	{ .enc = sys_reg(o0, o1, n, m, o2), .name = nm, .sr = -1, .guest = guest_undef }
#define DC_SW(m, nm) \
	{ .enc = sys_reg(1, 0, 7, m, 2), .name = nm, .sr = -1, .guest = guest_dc_sw, .flags = F_SLOW }

/*
 * SGI generation: only ICC_SGI1R_EL1 makes Group 1 SGIs; with one Security
 * state (GICD_CTLR.DS = 1) ICC_ASGI1R_EL1 makes Group 0 ones, as does
 * ICC_SGI0R_EL1. Slow: it takes the vGIC lock and may send IPIs.
 */
static int guest_sgi(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
		     struct vhv_sys_access *p)
{
	return vhv_vgic_sgi(vcpu, p, d->enc == VHV_ICC_SGI1R_EL1);
}

/*
 * The physical timer when vhv emulates it (a VM with a physical counter
 * offset, timer/timer.h); otherwise these never trap. Slow: a write moves
 * the deadline, which the run loop gives to the hrtimer before the entry.
 */
static int guest_ptimer(struct vhv_vcpu *vcpu, const struct sysreg_desc *d,
			struct vhv_sys_access *p)
{
	return vhv_timer_trap_ptimer(vcpu, p);
}

#define PTIMER(crm, op2, nm) \
	{ .enc = sys_reg(3, 3, 14, crm, op2), .name = nm, .sr = -1, .guest = guest_ptimer, \
	  .flags = F_SLOW }

#define SGI(op2, nm) \
	{ .enc = sys_reg(3, 0, 12, 11, op2), .name = nm, .sr = -1, .guest = guest_sgi, \
	  .flags = F_SLOW }

static const struct sysreg_desc table[] = {
	DC_SW(6, "DC ISW"),
	DC_SW(10, "DC CSW"),
	DC_SW(14, "DC CISW"),
	STORE(2, 0, 0, 0, 4, "DBGBVR0_EL1", VHV_SR_DBGBVR0_EL1, 0),
	STORE(2, 0, 0, 0, 5, "DBGBCR0_EL1", VHV_SR_DBGBCR0_EL1, 0),
	STORE(2, 0, 0, 0, 6, "DBGWVR0_EL1", VHV_SR_DBGWVR0_EL1, 0),
	STORE(2, 0, 0, 0, 7, "DBGWCR0_EL1", VHV_SR_DBGWCR0_EL1, 0),
	STORE(2, 0, 0, 1, 4, "DBGBVR1_EL1", VHV_SR_DBGBVR1_EL1, 0),
	STORE(2, 0, 0, 1, 5, "DBGBCR1_EL1", VHV_SR_DBGBCR1_EL1, 0),
	STORE(2, 0, 0, 1, 6, "DBGWVR1_EL1", VHV_SR_DBGWVR1_EL1, 0),
	STORE(2, 0, 0, 1, 7, "DBGWCR1_EL1", VHV_SR_DBGWCR1_EL1, 0),
	STORE(2, 0, 0, 2, 0, "MDCCINT_EL1", VHV_SR_MDCCINT_EL1, 0),
	STORE(2, 0, 0, 2, 2, "MDSCR_EL1", VHV_SR_MDSCR_EL1, 0),
	RAZ_WI(2, 0, 1, 0, 0, "MDRAR_EL1"),
	{ .enc = sys_reg(2, 0, 1, 0, 4), .name = "OSLAR_EL1", .sr = -1, .guest = guest_oslar },
	{ .enc = sys_reg(2, 0, 1, 1, 4), .name = "OSLSR_EL1", .sr = VHV_SR_OSLSR_EL1,
	  .reset = OSLSR_EL1_RESET, .guest = guest_ro_storage, .flags = F_USER },
	STORE(2, 0, 1, 3, 4, "OSDLR_EL1", VHV_SR_OSDLR_EL1, 0),
	RAZ_WI(2, 0, 1, 4, 4, "DBGPRCR_EL1"),
	{ .enc = sys_reg(2, 0, 7, 8, 6), .name = "DBGCLAIMSET_EL1", .sr = -1, .guest = guest_claim },
	{ .enc = sys_reg(2, 0, 7, 9, 6), .name = "DBGCLAIMCLR_EL1", .sr = -1, .guest = guest_claim },
	RAZ_WI(2, 0, 7, 14, 6, "DBGAUTHSTATUS_EL1"),
	RAZ_WI(2, 3, 0, 1, 0, "MDCCSR_EL0"),
	RAZ_WI(2, 3, 0, 4, 0, "DBGDTR_EL0"),
	RAZ_WI(2, 3, 0, 5, 0, "DBGDTRRX_EL0"),
	INVARIANT(3, 0, 0, 0, 0, "MIDR_EL1", get_midr),
	{ .enc = sys_reg(3, 0, 0, 0, 5), .name = "MPIDR_EL1", .sr = VHV_SR_MPIDR_EL1,
	  .set = set_mpidr, .flags = F_USER },
	INVARIANT(3, 0, 0, 0, 6, "REVIDR_EL1", get_revidr),
	{ .enc = sys_reg(3, 0, 0, 1, 0), .last = sys_reg(3, 0, 0, 7, 7), .name = "ID space",
	  .sr = -1, .guest = guest_idreg, .get = get_idreg, .set = set_idreg, .flags = F_USER },
	{ .enc = sys_reg(3, 0, 1, 0, 0), .name = "SCTLR_EL1", .sr = VHV_SR_SCTLR_EL1,
	  .reset = SCTLR_EL1_RESET, .guest = guest_sctlr, .flags = F_USER | F_SLOW },
	STORE(3, 0, 1, 0, 1, "ACTLR_EL1", VHV_SR_ACTLR_EL1, 0),
	DIRECT(3, 0, 1, 0, 2, "CPACR_EL1", VHV_SR_CPACR_EL1, 0),
	STORE(3, 0, 2, 0, 0, "TTBR0_EL1", VHV_SR_TTBR0_EL1, 0),
	STORE(3, 0, 2, 0, 1, "TTBR1_EL1", VHV_SR_TTBR1_EL1, 0),
	STORE(3, 0, 2, 0, 2, "TCR_EL1", VHV_SR_TCR_EL1, 0),
	STORE(3, 0, 5, 1, 0, "AFSR0_EL1", VHV_SR_AFSR0_EL1, 0),
	STORE(3, 0, 5, 1, 1, "AFSR1_EL1", VHV_SR_AFSR1_EL1, 0),
	STORE(3, 0, 5, 2, 0, "ESR_EL1", VHV_SR_ESR_EL1, 0),
	STORE(3, 0, 6, 0, 0, "FAR_EL1", VHV_SR_FAR_EL1, 0),
	DIRECT(3, 0, 7, 4, 0, "PAR_EL1", VHV_SR_PAR_EL1, 0),
	STORE(3, 0, 10, 2, 0, "MAIR_EL1", VHV_SR_MAIR_EL1, 0),
	STORE(3, 0, 10, 3, 0, "AMAIR_EL1", VHV_SR_AMAIR_EL1, 0),
	DIRECT(3, 0, 12, 0, 0, "VBAR_EL1", VHV_SR_VBAR_EL1, 0),
	SGI(5, "ICC_SGI1R_EL1"),
	SGI(6, "ICC_ASGI1R_EL1"),
	SGI(7, "ICC_SGI0R_EL1"),
	STORE(3, 0, 13, 0, 1, "CONTEXTIDR_EL1", VHV_SR_CONTEXTIDR_EL1, 0),
	DIRECT(3, 0, 13, 0, 4, "TPIDR_EL1", VHV_SR_TPIDR_EL1, 0),
	/* No FEAT_CSV2_2 for the guest (arm64/idregs.c): HCR_EL2.EnSCXT traps these. */
	UNDEF(3, 0, 13, 0, 7, "SCXTNUM_EL1"),
	DIRECT(3, 0, 14, 1, 0, "CNTKCTL_EL1", VHV_SR_CNTKCTL_EL1, 0),
	/* ONE_REG has CCSIDR_EL1 as KVM_REG_ARM_DEMUX registers (core/onereg.c). */
	{ .enc = sys_reg(3, 1, 0, 0, 0), .name = "CCSIDR_EL1", .sr = -1, .guest = guest_ccsidr },
	{ .enc = sys_reg(3, 1, 0, 0, 1), .name = "CLIDR_EL1", .sr = VHV_SR_CLIDR_EL1,
	  .guest = guest_ro_storage, .set = set_clidr, .flags = F_USER },
	UNDEF(3, 1, 0, 0, 2, "CCSIDR2_EL1"),
	INVARIANT(3, 1, 0, 0, 7, "AIDR_EL1", get_aidr),
	STORE(3, 2, 0, 0, 0, "CSSELR_EL1", VHV_SR_CSSELR_EL1, 0),
	{ .enc = sys_reg(3, 3, 0, 0, 1), .name = "CTR_EL0", .sr = -1, .guest = guest_ctr,
	  .get = get_ctr, .set = set_invariant, .flags = F_USER },
	DIRECT(3, 3, 13, 0, 2, "TPIDR_EL0", VHV_SR_TPIDR_EL0, 0),
	DIRECT(3, 3, 13, 0, 3, "TPIDRRO_EL0", VHV_SR_TPIDRRO_EL0, 0),
	UNDEF(3, 3, 13, 0, 7, "SCXTNUM_EL0"),
	PTIMER(0, 1, "CNTPCT_EL0"),
	PTIMER(0, 5, "CNTPCTSS_EL0"),
	PTIMER(2, 0, "CNTP_TVAL_EL0"),
	PTIMER(2, 1, "CNTP_CTL_EL0"),
	PTIMER(2, 2, "CNTP_CVAL_EL0"),
};

static int cmp_enc(const void *key, const void *elt)
{
	u32 enc = *(const u32 *)key;
	const struct sysreg_desc *d = elt;

	if (enc < d->enc)
		return -1;
	return enc > desc_last(d) ? 1 : 0;
}

static const struct sysreg_desc *find_desc(u32 enc)
{
	return bsearch(&enc, table, ARRAY_SIZE(table), sizeof(table[0]), cmp_enc);
}

/* At module load: sorted, ranges well-formed, storage used once. */
int vhv_sysregs_check_table(void)
{
	DECLARE_BITMAP(used, VHV_NR_SR) = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		const struct sysreg_desc *d = &table[i];

		if ((i && d->enc <= desc_last(&table[i - 1])) || desc_last(d) < d->enc ||
		    (d->sr >= 0 && __test_and_set_bit(d->sr, used))) {
			pr_err("system register table broken at %s\n", d->name);
			return -EINVAL;
		}
	}
	return 0;
}

void vhv_sysregs_reset(struct vhv_vcpu *vcpu)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].sr >= 0)
			vcpu->sys[table[i].sr] = table[i].reset;
}

/* ---- the guest's trapped accesses ---- */

/* ESR_EL2 ISS for EC 0x18 (D24.2.40): Op0 [21:20], Op2 [19:17], Op1
 * [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1: read).
 */
static void decode_sys(u64 esr, struct vhv_sys_access *p)
{
	p->enc = sys_reg((esr >> 20) & 3, (esr >> 14) & 7, (esr >> 10) & 0xf,
			 (esr >> 1) & 0xf, (esr >> 17) & 7);
	p->rt = (esr >> 5) & 0x1f;
	p->is_read = esr & 1;
}

static void log_unhandled(struct vhv_vcpu *vcpu, const struct vhv_sys_access *p)
{
	pr_info_ratelimited("guest %s of unhandled { sys_reg(%u, %u, %u, %u, %u) } at pc %#llx: UNDEF\n",
			    p->is_read ? "read" : "write", sys_reg_Op0(p->enc),
			    sys_reg_Op1(p->enc), sys_reg_CRn(p->enc), sys_reg_CRm(p->enc),
			    sys_reg_Op2(p->enc), vcpu->regs.regs.pc);
}

int vhv_sysreg_trap(struct vhv_vcpu *vcpu, u64 esr, bool fast)
{
	struct vhv_sys_access p;
	const struct sysreg_desc *d;
	u64 *x = vcpu->regs.regs.regs;

	decode_sys(esr, &p);
	d = find_desc(p.enc);
	/* Logging and slow accessors wait for interrupts to be enabled. */
	if (fast && (!d || !d->guest || (d->flags & F_SLOW)))
		return 0;
	if (!d || !d->guest) {
		log_unhandled(vcpu, &p);
		vhv_inject_undef(vcpu);
		return 1;
	}
	p.val = p.rt == 31 ? 0 : x[p.rt];
	if (d->guest(vcpu, d, &p)) {
		vhv_inject_undef(vcpu);
		return 1;
	}
	if (p.is_read && p.rt != 31)
		x[p.rt] = p.val;
	vhv_skip_instr(vcpu);
	return 1;
}

/* ---- ONE_REG ---- */

static u64 id_to_enc(u64 id)
{
	return sys_reg((id & KVM_REG_ARM64_SYSREG_OP0_MASK) >> KVM_REG_ARM64_SYSREG_OP0_SHIFT,
		       (id & KVM_REG_ARM64_SYSREG_OP1_MASK) >> KVM_REG_ARM64_SYSREG_OP1_SHIFT,
		       (id & KVM_REG_ARM64_SYSREG_CRN_MASK) >> KVM_REG_ARM64_SYSREG_CRN_SHIFT,
		       (id & KVM_REG_ARM64_SYSREG_CRM_MASK) >> KVM_REG_ARM64_SYSREG_CRM_SHIFT,
		       (id & KVM_REG_ARM64_SYSREG_OP2_MASK) >> KVM_REG_ARM64_SYSREG_OP2_SHIFT);
}

static u64 enc_to_id(u32 enc)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |
	       ((u64)sys_reg_Op0(enc) << KVM_REG_ARM64_SYSREG_OP0_SHIFT) |
	       ((u64)sys_reg_Op1(enc) << KVM_REG_ARM64_SYSREG_OP1_SHIFT) |
	       ((u64)sys_reg_CRn(enc) << KVM_REG_ARM64_SYSREG_CRN_SHIFT) |
	       ((u64)sys_reg_CRm(enc) << KVM_REG_ARM64_SYSREG_CRM_SHIFT) |
	       ((u64)sys_reg_Op2(enc) << KVM_REG_ARM64_SYSREG_OP2_SHIFT);
}

static const struct sysreg_desc *user_desc(u64 id, u32 *enc)
{
	const struct sysreg_desc *d;

	if ((id & KVM_REG_SIZE_MASK) != KVM_REG_SIZE_U64 || (id & ~KVM_REG_SIZE_MASK &
	    ~(KVM_REG_ARCH_MASK | KVM_REG_ARM_COPROC_MASK | KVM_REG_ARM64_SYSREG_OP0_MASK |
	      KVM_REG_ARM64_SYSREG_OP1_MASK | KVM_REG_ARM64_SYSREG_CRN_MASK |
	      KVM_REG_ARM64_SYSREG_CRM_MASK | KVM_REG_ARM64_SYSREG_OP2_MASK)))
		return NULL;
	*enc = id_to_enc(id);
	d = find_desc(*enc);
	return d && (d->flags & F_USER) ? d : NULL;
}

int vhv_sysreg_get_user(struct vhv_vcpu *vcpu, u64 id, u64 __user *uaddr)
{
	const struct sysreg_desc *d;
	u32 enc;
	u64 val;

	d = user_desc(id, &enc);
	if (!d)
		return -ENOENT;
	val = d->get ? d->get(vcpu, d, enc) : vcpu->sys[d->sr];
	return put_user(val, uaddr);
}

int vhv_sysreg_set_user(struct vhv_vcpu *vcpu, u64 id, const u64 __user *uaddr)
{
	const struct sysreg_desc *d;
	u32 enc;
	u64 val;

	d = user_desc(id, &enc);
	if (!d)
		return -ENOENT;
	if (get_user(val, uaddr))
		return -EFAULT;
	if (d->set)
		return d->set(vcpu, d, enc, val);
	vcpu->sys[d->sr] = val;
	return 0;
}

/* The encodings of a range are consecutive: sys_reg() packs op2 lowest. */
#define ENC_STEP	sys_reg(0, 0, 0, 0, 1)

unsigned int vhv_sysreg_count_user(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].flags & F_USER)
			n += (desc_last(&table[i]) - table[i].enc) / ENC_STEP + 1;
	return n;
}

int vhv_sysreg_copy_ids(u64 __user *uids)
{
	unsigned int i;
	u32 enc;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		if (!(table[i].flags & F_USER))
			continue;
		for (enc = table[i].enc; enc <= desc_last(&table[i]); enc += ENC_STEP)
			if (put_user(enc_to_id(enc), uids++))
				return -EFAULT;
	}
	return 0;
}
