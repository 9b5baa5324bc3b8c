// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile guest (hostile.h): every access form over every window,
 * each checked as KVM answers it:
 *
 *  - RAM: no exit, no exception; loads give what RAM holds, stores land
 *    (and are undone, so that the next load knows what to expect);
 *  - the read-only slot: loads as RAM, anything that writes one exit;
 *  - no slot (Normal or Device memory in stage 1): one exit for each
 *    access, an MMIO exit for the forms with a syndrome, whose loads
 *    then hold the VMM's bytes, zero- or sign-extended as the form says;
 *    an unaligned one to Device memory either that or, instead, the
 *    guest's own alignment fault (stage 1 alone decides it: QEMU 10
 *    takes it before the stage-2 fault, QEMU 7.2 after);
 *  - the vGIC's frames: loads and stores of general registers answered
 *    in the kernel, whatever their width or alignment inside a frame (no
 *    exit); the forms without a syndrome one ARM_NISV exit; an access
 *    that crosses the end of a frame one exit (KVM's in-kernel device
 *    does not take it);
 *  - beyond the IPA space: a synchronous external abort, FAR the IPA, no
 *    exit; an instruction fetch there a prefetch abort;
 *  - an access across two of those: at most one exit and one exception.
 *
 * Runs in the guest only: no libc.
 */
#include "../lib/gic.h"
#include "hostile.h"

#define NR_FORMS	ARRAY_SIZE(forms)
#define EC_IABT_CUR	0x21
#define EC_DABT_CUR	0x25
#define FSC_EXTABT	0x10
#define FSC_ALIGN	0x21
#define ISR_A		(1ULL << 8)

struct hg_cpu hg_cpus[HG_VCPUS];
static volatile u64 tables_ready;

typedef u64 form_fn(u64 addr, u64 val);
extern form_fn hgf_ldrb, hgf_ldrh, hgf_ldrw, hgf_ldrx, hgf_ldrsbw, hgf_ldrsbx, hgf_ldrshw,
	hgf_ldrshx, hgf_ldrsw, hgf_ldarx, hgf_strb, hgf_strh, hgf_strw, hgf_strx, hgf_stlrx,
	hgf_ldpx, hgf_stpx, hgf_ldrpre, hgf_ldrpost, hgf_strpre, hgf_strpost, hgf_ldxr, hgf_stxr,
	hgf_ldadd, hgf_swp, hgf_cas, hgf_ld1, hgf_st1, hgf_ldpq, hgf_stpq, hgf_ldrq, hgf_strq,
	hgf_zva, hgf_civac, hg_jump;

enum ext { ZX, SX32, SX64 };

struct form {
	form_fn *fn;
	u8 kind;	/* enum hg_kind */
	u8 size;	/* bytes touched */
	u8 ext;		/* how a HG_LOAD extends */
	u8 align;	/* must be aligned to 8 (exclusives, atomics, acquire/release) */
	u8 lse;		/* needs FEAT_LSE */
};

/* name, kind, bytes, extension, aligned to 8, needs LSE */
#define F(n, k, s, e, a, l)	{ hgf_##n, HG_##k, s, e, a, l }

static const struct form forms[] = {
	F(ldrb, LOAD, 1, ZX, 0, 0), F(ldrh, LOAD, 2, ZX, 0, 0), F(ldrw, LOAD, 4, ZX, 0, 0),
	F(ldrx, LOAD, 8, ZX, 0, 0), F(ldrsbw, LOAD, 1, SX32, 0, 0), F(ldrsbx, LOAD, 1, SX64, 0, 0),
	F(ldrshw, LOAD, 2, SX32, 0, 0), F(ldrshx, LOAD, 2, SX64, 0, 0),
	F(ldrsw, LOAD, 4, SX64, 0, 0), F(ldarx, LOAD, 8, ZX, 1, 0),
	F(strb, STORE, 1, ZX, 0, 0), F(strh, STORE, 2, ZX, 0, 0), F(strw, STORE, 4, ZX, 0, 0),
	F(strx, STORE, 8, ZX, 0, 0), F(stlrx, STORE, 8, ZX, 1, 0),
	F(ldpx, OTHER_LOAD, 16, ZX, 0, 0), F(stpx, OTHER_STORE, 16, ZX, 0, 0),
	F(ldrpre, OTHER_LOAD, 8, ZX, 0, 0), F(ldrpost, OTHER_LOAD, 8, ZX, 0, 0),
	F(strpre, OTHER_STORE, 8, ZX, 0, 0), F(strpost, OTHER_STORE, 8, ZX, 0, 0),
	F(ldxr, OTHER_LOAD, 8, ZX, 1, 0), F(stxr, SCX, 8, ZX, 1, 0),
	F(ldadd, RMW, 8, ZX, 1, 1), F(swp, RMW, 8, ZX, 1, 1), F(cas, RMW, 8, ZX, 1, 1),
	F(ld1, OTHER_LOAD, 64, ZX, 0, 0), F(st1, OTHER_STORE, 64, ZX, 0, 0),
	F(ldpq, OTHER_LOAD, 32, ZX, 0, 0), F(stpq, OTHER_STORE, 32, ZX, 0, 0),
	F(ldrq, OTHER_LOAD, 16, ZX, 0, 0), F(strq, OTHER_STORE, 16, ZX, 0, 0),
	F(zva, ZVA, 0, ZX, 0, 0), F(civac, CMO, 1, ZX, 0, 0),
};

/* What the guest knows about itself. */
static u64 page, zva_size;
static bool lse, oracle;

enum region { R_RW, R_RO, R_HOLE, R_DEV, R_GIC, R_BEYOND };

static u32 cpu_index(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

static enum region region_of(u64 ipa, u32 idx)
{
	u64 b = HG_BASE(idx);

	if (ipa >> HG_IPA_BITS)
		return R_BEYOND;
	if (ipa >= b && ipa < b + 2 * page)
		return R_RW;
	if (ipa >= b + 2 * page && ipa < b + 4 * page)
		return R_RO;
	if ((ipa >= GIC_DIST_BASE && ipa < GIC_DIST_BASE + GIC_DIST_SIZE) ||
	    (ipa >= GIC_REDIST_BASE && ipa < GIC_REDIST_BASE + HG_VCPUS * GIC_REDIST_STRIDE))
		return R_GIC;
	if (ipa >= HG_DEV(idx) && ipa < HG_DEV(idx) + 0x10000)
		return R_DEV;
	return R_HOLE;
}

static void on_sync(struct guest_regs *regs)
{
	struct hg_cpu *me = &hg_cpus[cpu_index()];

	me->exc++;
	me->esr = regs->esr;
	me->far = regs->far;
	/* A fetch that faulted has nothing to step over: back to the caller. */
	regs->elr = ESR_EC(regs->esr) == EC_IABT_CUR ? regs->x[30] : regs->elr + 4;
}

static void fail(struct hg_cpu *me, u64 what, u64 form, u64 got, u64 want)
{
	u64 n = me->failures++;

	if (n < HG_FAILS) {
		me->fail[n].what = what;
		me->fail[n].addr = me->cur.addr;
		me->fail[n].form = form;
		me->fail[n].got = got;
		me->fail[n].want = want;
	}
}

static u64 load_value(const struct form *f, u64 ipa)
{
	u64 raw = 0;
	unsigned int i, bits = f->size * 8;

	for (i = 0; i < f->size; i++)
		raw |= (u64)hg_byte(ipa + i) << (8 * i);
	if (f->ext != ZX && (raw >> (bits - 1) & 1) && bits < 64)
		raw |= ~0ULL << bits;
	return f->ext == SX32 ? (u32)raw : raw;
}

/* What an access must give: exits (hostile.h), exception (0 none, ESR FSC, or ~0 maybe). */
struct expect {
	u64 exits;
	u64 fsc;
	bool value;	/* a load whose value is known, if it exits as MMIO or not at all */
	bool or_align;	/* or, instead of all that, the guest's own alignment fault */
};

#define MAYBE		~0ULL

static struct expect expect(const struct form *f, u64 ipa, u64 n, u32 idx)
{
	enum region r0 = region_of(ipa, idx), r1 = region_of(ipa + n - 1, idx);
	bool writes = f->kind == HG_STORE || f->kind == HG_OTHER_STORE || f->kind == HG_RMW ||
		      f->kind == HG_ZVA;
	bool isv = f->kind == HG_LOAD || f->kind == HG_STORE;
	struct expect e = { 0, 0, false, false };

	if (r0 != r1) {
		/* KVM's in-kernel vGIC takes only what fits in its frame. */
		if (r0 == R_GIC && r1 != R_BEYOND && isv)
			return (struct expect){ 1, 0, false, false };
		return (struct expect){ 2, MAYBE, false, false };
	}
	if (f->kind == HG_CMO)
		return r0 == R_BEYOND ? (struct expect){ 0, MAYBE, false, false } : e;
	/* CAS that fails its compare on read-only memory, a store-exclusive: may fault or not. */
	if (f->kind == HG_SCX || (f->kind == HG_RMW && r0 == R_RO))
		return (struct expect){ 2, r0 == R_BEYOND ? MAYBE : 0, false, false };
	switch (r0) {
	case R_RW:
		e.value = f->kind == HG_LOAD;
		break;
	case R_RO:
		e.exits = writes;
		e.value = f->kind == HG_LOAD;
		break;
	case R_HOLE:
	case R_DEV:
		e.exits = 1;
		e.value = f->kind == HG_LOAD;
		/*
		 * Unaligned to Device memory: stage 1 alone makes it an
		 * alignment fault, which QEMU 10 takes before the stage-2
		 * fault and QEMU 7.2 after it (the VMM then emulates it).
		 */
		e.or_align = r0 == R_DEV && f->size > 1 && ipa % f->size;
		break;
	case R_GIC:
		e.exits = !isv;
		break;
	case R_BEYOND:
		e.fsc = FSC_EXTABT;
		break;
	}
	return e;
}

/* Undoes what a store left in the read-write slot. */
static void restore(u64 ipa, u64 n, u32 idx)
{
	u64 b = HG_BASE(idx), i;

	for (i = ipa; i < ipa + n; i++)
		if (i >= b && i < b + 2 * page)
			*(volatile u8 *)i = hg_byte(i);
}

static void check_exception(struct hg_cpu *me, const struct expect *e, u64 form, u64 exc0,
			    u64 ipa)
{
	u64 got = me->exc - exc0, fsc = me->esr & 0x3f;

	if (e->fsc == MAYBE) {
		if (got > 1)
			fail(me, HG_EXCEPTION, form, got, 1);
		return;
	}
	if (got != !!e->fsc) {
		fail(me, HG_EXCEPTION, form, got ? me->esr : 0, e->fsc);
		return;
	}
	if (!got)
		return;
	if (ESR_EC(me->esr) != EC_DABT_CUR || fsc != e->fsc)
		fail(me, HG_EXCEPTION, form, me->esr, e->fsc);
	else if (me->far != ipa)	/* the IPA, or the VA where they are the same */
		fail(me, HG_EXCEPTION, form, me->far, ipa);
	me->aborts += e->fsc == FSC_EXTABT;
	me->align_faults += e->fsc == FSC_ALIGN;
}

/*
 * A load that gave a value (from the VMM if mmio): ESR_EL2.SSE asks the hypervisor to
 * sign-extend (Arm ARM D24.2.40, ISS of a Data Abort). The KVM oracle
 * (Debian's 6.12 under QEMU 7.2) returns every such MMIO load
 * zero-extended: its answers are counted, not held against it.
 */
static void check_value(struct hg_cpu *me, u32 fi, u64 ipa, u64 got, bool mmio)
{
	const struct form *f = &forms[fi];
	u64 want = load_value(f, ipa), zext = want & (~0ULL >> (64 - 8 * f->size));

	me->values_checked++;
	if (got == want)
		me->sign_extended += want != zext && mmio;
	else if (oracle && got == zext && mmio)
		me->zero_extended++;
	else
		fail(me, HG_VALUE, fi, got, want);
}

/* A store to the read-write slot is in RAM. */
static void check_memory(struct hg_cpu *me, u32 fi, u64 ipa, u64 n, u64 val)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (*(volatile u8 *)(ipa + i) != (u8)(val >> (8 * i)))
			fail(me, HG_MEMORY, fi, *(volatile u8 *)(ipa + i), (u8)(val >> (8 * i)));
}

static void access(struct hg_cpu *me, u32 fi, u64 va, u64 ipa, u32 idx)
{
	const struct form *f = &forms[fi];
	u64 n = f->kind == HG_ZVA ? zva_size : f->size, val = 0x0123456789abcdefULL ^ ipa, got;
	u64 exits0, exc0;
	struct expect e;

	if (f->kind == HG_ZVA || f->align) {
		u64 a = f->kind == HG_ZVA ? zva_size : 8;

		va &= ~(a - 1);
		ipa &= ~(a - 1);
	}
	e = expect(f, ipa, n, idx);
	me->cur = (struct hg_access){ ipa, n, val, f->kind, e.exits };
	me->accesses++;
	exits0 = me->exits;
	exc0 = me->exc;
	asm volatile("" : : : "memory");
	got = f->fn(va, val);
	asm volatile("" : : : "memory");
	if (e.or_align && me->exc != exc0)
		e = (struct expect){ 0, FSC_ALIGN, false, false };
	check_exception(me, &e, fi, exc0, ipa);
	if (e.exits == 2 ? me->exits - exits0 > 1 : me->exits - exits0 != e.exits)
		fail(me, HG_EXITS, fi, me->exits - exits0, e.exits);
	me->exits_seen += me->exits - exits0;
	if (e.value && me->exits == exits0 + e.exits &&
	    (!e.exits || me->last_exit == KVM_EXIT_MMIO))
		check_value(me, fi, ipa, got, e.exits);
	if (f->kind == HG_STORE && region_of(ipa, idx) == R_RW &&
	    region_of(ipa + n - 1, idx) == R_RW)
		check_memory(me, fi, ipa, n, val);
	if (f->kind != HG_LOAD && f->kind != HG_OTHER_LOAD)
		restore(ipa, n, idx);
}

/* Every form at every offset of [ipa, ipa + len), step bytes apart. */
static void sweep(struct hg_cpu *me, u64 va, u64 ipa, u64 len, u64 step, bool isv_only,
		  bool device, u32 idx)
{
	u64 off;
	u32 fi;

	for (off = 0; off < len; off += step) {
		for (fi = 0; fi < NR_FORMS; fi++) {
			const struct form *f = &forms[fi];

			if ((f->lse && !lse) || (f->kind == HG_ZVA && !zva_size))
				continue;
			if (isv_only && f->kind != HG_LOAD && f->kind != HG_STORE)
				continue;
			if (device && (f->align || f->kind == HG_CMO))
				continue;
			access(me, fi, va + off, ipa + off, idx);
		}
	}
}

/* One form over [ipa, ipa + len), every step bytes from first on. */
static void frame(struct hg_cpu *me, u64 ipa, u64 first, u64 len, u64 step, u32 fi, u32 idx)
{
	u64 off;

	for (off = first; off < len; off += step)
		access(me, fi, ipa + off, ipa + off, idx);
}

/*
 * A redistributor's two 64 kB frames: every word of the first 4 kB of
 * each (where its registers are), every 256th byte of the rest.
 */
static void redist(struct hg_cpu *me, u64 rd, u32 fi, u32 idx)
{
	u64 f;

	for (f = rd; f < rd + GIC_REDIST_STRIDE; f += 0x10000) {
		frame(me, f, 0, 0x1000, 4, fi, idx);
		frame(me, f, 0x1000, 0x10000, 0x100, fi, idx);
	}
}

/* ---- the guest's own stage-1 aliases ---- */

#define PT_BLOCK	1ULL
#define PT_NORMAL	(1ULL << 2)	/* MAIR index 1: Normal write-back */
#define PT_SH_INNER	(3ULL << 8)
#define PT_AF		(1ULL << 10)
#define TCR_IPS_SHIFT	32
#define TCR_IPS_48	5ULL

/*
 * vCPU 0 adds the aliases to the shared tables (the first GB as Normal
 * memory, the GBs on both sides of 2^40); every vCPU then raises its
 * TCR_EL1.IPS to 48 bits, so that stage 1 may output IPAs past the VM's
 * 40 bits, and drops what its TLB holds.
 */
static void aliases(u32 idx)
{
	volatile u64 *l1 = (u64 *)GUEST_PT_BASE;
	u64 attrs = PT_BLOCK | PT_NORMAL | PT_SH_INNER | PT_AF;

	if (idx == 0) {
		l1[HG_NORMAL_ALIAS >> 30] = 0 | attrs;
		l1[HG_EDGE_ALIAS >> 30] = ((1ULL << HG_IPA_BITS) - (1ULL << 30)) | attrs;
		l1[(HG_EDGE_ALIAS >> 30) + 1] = (1ULL << HG_IPA_BITS) | attrs;
		/*
		 * The new entries complete before the flag that publishes them
		 * (Arm ARM, "Ordering of translation table updates": a DSB
		 * orders the table stores before later stores; invalid entries
		 * are never cached, so no TLBI is owed for them).
		 */
		asm volatile("dsb ishst" : : : "memory");
		tables_ready = 1;
	}
	while (!tables_ready)
		asm volatile("yield" : : : "memory");
	/*
	 * TCR_EL1.IPS is used by the walks after an ISB (Arm ARM,
	 * "Synchronization requirements for AArch64 System registers"); TLB
	 * entries made under the old value are dropped (TLBI VMALLE1, its
	 * DSB, and an ISB for the walks that follow).
	 */
	write_sysreg(read_sysreg(tcr_el1) | TCR_IPS_48 << TCR_IPS_SHIFT, tcr_el1);
	asm volatile("isb\n tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
}

static void fetch_beyond(struct hg_cpu *me)
{
	u64 exc0 = me->exc, ipa = (1ULL << HG_IPA_BITS) + 0x100;

	me->cur = (struct hg_access){ ipa, 4, 0, HG_OTHER_LOAD, 0 };
	me->accesses++;
	asm volatile("mov x0, %0\n blr %1" : : "r" (HG_EDGE_VA + 0x100), "r" (hg_jump)
		     : "x0", "x30", "memory");
	if (me->exc != exc0 + 1 || ESR_EC(me->esr) != EC_IABT_CUR ||
	    (me->esr & 0x3f) != FSC_EXTABT || me->far != ipa)
		fail(me, HG_EXCEPTION, NR_FORMS, me->esr, ipa);
	else
		me->aborts++;
}

/* The forms frame() uses: LDR W and STR W. */
#define FORM_LDRW	2
#define FORM_STRW	12

/*
 * RAM edges: into the read-write slot, across a page inside it, into the
 * read-only slot, across a page inside that, out of it into nothing.
 */
static void ram_windows(struct hg_cpu *me, u32 idx)
{
	u64 b = HG_BASE(idx), w;

	for (w = b; w <= b + 4 * page; w += page)
		sweep(me, w - 16, w - 16, 32, 1, false, false, idx);
	/* Normal memory, then Device memory (the general registers' forms). */
	sweep(me, b + 4 * page + 0x100, b + 4 * page + 0x100, 64, 1, false, false, idx);
	sweep(me, HG_DEV(idx), HG_DEV(idx), 32, 1, true, true, idx);
}

/*
 * The vGIC: every word of the distributor, the vCPUs a quarter each at
 * once, vCPU 0 writing every 16th; each its redistributor's registers,
 * read and written. Then through the Normal alias (no alignment faults):
 * every form at every byte of the distributor's first registers (a
 * quarter of the bytes each), every form with a syndrome at every byte
 * of this vCPU's first RD_base and SGI_base registers, every form around
 * the routing registers and across the frames' ends.
 */
static void gic_windows(struct hg_cpu *me, u32 idx)
{
	u64 dist_n = HG_NORMAL_ALIAS + GIC_DIST_BASE, rd_n, end;
	u64 rd = GIC_REDIST_BASE + idx * GIC_REDIST_STRIDE;

	frame(me, GIC_DIST_BASE, idx * 4, GIC_DIST_SIZE, 4 * HG_VCPUS, FORM_LDRW, idx);
	if (idx == 0)
		frame(me, GIC_DIST_BASE, 0, GIC_DIST_SIZE, 64, FORM_STRW, idx);
	redist(me, rd, FORM_LDRW, idx);
	redist(me, rd, FORM_STRW, idx);

	rd_n = HG_NORMAL_ALIAS + rd;
	sweep(me, dist_n + idx, GIC_DIST_BASE + idx, 0x100 - idx, HG_VCPUS, false, false, idx);
	sweep(me, rd_n, rd, 0x40, 1, true, false, idx);
	sweep(me, rd_n + 0x10080, rd + 0x10080, 0x40, 1, true, false, idx);
	sweep(me, dist_n + 0x6100, GIC_DIST_BASE + 0x6100, 16, 1, false, false, idx);
	end = GIC_DIST_BASE + GIC_DIST_SIZE - 16;
	sweep(me, HG_NORMAL_ALIAS + end, end, 24, 1, false, false, idx);
	sweep(me, rd_n + 0x10000 - 16, rd + 0x10000 - 16, 32, 1, false, false, idx);
	end = GIC_REDIST_BASE + HG_VCPUS * GIC_REDIST_STRIDE - 16;
	if (idx == HG_VCPUS - 1)
		sweep(me, HG_NORMAL_ALIAS + end, end, 24, 1, false, false, idx);
}

void hg_guest(u64 arg)
{
	u32 idx = cpu_index(), v;
	struct hg_cpu *me = &hg_cpus[idx];
	u64 dczid = read_sysreg(dczid_el0);

	page = arg & ~HG_ORACLE;
	oracle = arg & HG_ORACLE;
	lse = (read_sysreg(id_aa64isar0_el1) >> 20 & 0xf) >= 2;
	zva_size = dczid & 0x10 ? 0 : 4ULL << (dczid & 0xf);
	if (idx == 0)
		for (v = 0; v < NR_VECTORS; v += 4)
			guest_install_handler(v, on_sync);
	aliases(idx);
	ram_windows(me, idx);
	gic_windows(me, idx);
	/* Into and beyond the end of the IPA space, data and instruction. */
	sweep(me, HG_EDGE_VA - 16, (1ULL << HG_IPA_BITS) - 16, 64, 1, false, false, idx);
	fetch_beyond(me);
	/* Nothing asynchronous came of it. */
	if (read_sysreg(isr_el1) & ISR_A)
		fail(me, HG_EXCEPTION, NR_FORMS + 1, read_sysreg(isr_el1), 0);
}
