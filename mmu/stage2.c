// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 translation tables: geometry (VTCR_EL2), descent, and a range
 * walker with visitors. Descriptor formats: Arm ARM D8.3, "Translation
 * table descriptor formats", stage 2, VMSAv8-64, 48-bit output addresses.
 *
 * Callers serialise on vm->mmu_lock; TLB maintenance after a change is
 * the caller's (mmu/tlb.c), as it needs the VM's VMID.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <asm/barrier.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>

#include "mmu/stage2.h"
#include "mmu/vmid.h"

#define DESC_VALID		(1ULL << 0)
#define DESC_TABLE		(1ULL << 1)	/* levels 0-2; a page at level 3; clear: a block */
#define DESC_OA_MASK		GENMASK_ULL(47, PAGE_SHIFT)
/* Stage-2 lower attributes (D8.3.2): MemAttr[5:2], S2AP[7:6], SH[9:8], AF. */
#define S2_MEMATTR_NORMAL_WB	(0xfULL << 2)	/* Outer and Inner Write-Back */
#define S2_AP_R			(1ULL << 6)
#define S2_AP_W			(1ULL << 7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			(1ULL << 10)
/* XN[54:53] with FEAT_XNX, XN[54] without: 0b10 forbids execution at EL1 and EL0. */
#define S2_XN			(2ULL << 53)

#define BITS_PER_LEVEL		(PAGE_SHIFT - 3)
#define PTRS_PER_TABLE		(1UL << BITS_PER_LEVEL)

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + (3 - level) * BITS_PER_LEVEL;
}

/* VTCR_EL2.TG0 and the SL0 encoding of a start level (D24.2.204). */
static u64 vtcr_granule(unsigned int start_level)
{
	switch (PAGE_SIZE) {
	case SZ_4K:
		return VTCR_EL2_TG0_4K | ((u64)(2 - start_level) << VTCR_EL2_SL0_SHIFT);
	case SZ_16K:
		return VTCR_EL2_TG0_16K | ((u64)(3 - start_level) << VTCR_EL2_SL0_SHIFT);
	default:
		return VTCR_EL2_TG0_64K | ((u64)(3 - start_level) << VTCR_EL2_SL0_SHIFT);
	}
}

/*
 * The fewest levels that cover ipa_bits when the first level may be up to
 * 16 concatenated tables (D8.2.x, "Concatenated translation tables for
 * the initial stage 2 lookup"), which is what SL0 can express.
 */
static void s2_geometry(struct vhv_stage2 *s2, unsigned int ipa_bits)
{
	unsigned int levels, covered;

	levels = DIV_ROUND_UP(ipa_bits - 4 - PAGE_SHIFT, BITS_PER_LEVEL);
	s2->start_level = 4 - levels;
	covered = PAGE_SHIFT + levels * BITS_PER_LEVEL;
	s2->pgd_pages = ipa_bits > covered ? 1U << (ipa_bits - covered) : 1;
	s2->ipa_bits = ipa_bits;
}

/*
 * VTCR_EL2 for a geometry (D24.2.204). VS, the VMID width, comes from the
 * VMID allocator, so that the hardware compares as many VMID bits as
 * mmu/vmid.c hands out.
 */
static u64 s2_vtcr(const struct vhv_stage2 *s2)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 ps = cpuid_feature_extract_unsigned_field(mmfr0, ID_AA64MMFR0_EL1_PARANGE_SHIFT);

	/* Output addresses fit the 48-bit descriptors built here. */
	ps = min_t(u64, ps, ID_AA64MMFR0_EL1_PARANGE_48);
	return VTCR_EL2_RES1 | VTCR_EL2_T0SZ(s2->ipa_bits) | vtcr_granule(s2->start_level) |
	       VTCR_EL2_IRGN0_WBWA | VTCR_EL2_ORGN0_WBWA | VTCR_EL2_SH0_INNER |
	       (ps << VTCR_EL2_PS_SHIFT) | vhv_vmid_vtcr_vs();
}

u64 vhv_s2_vtcr(unsigned int ipa_bits)
{
	struct vhv_stage2 s2;

	s2_geometry(&s2, ipa_bits);
	return s2_vtcr(&s2);
}

int vhv_s2_init(struct vhv_stage2 *s2, unsigned int ipa_bits)
{
	unsigned int order;

	s2_geometry(s2, ipa_bits);
	order = get_order(s2->pgd_pages * PAGE_SIZE);
	/* The concatenated first-level tables must be aligned to their total
	 * size (VTTBR_EL2.BADDR alignment); a power-of-two order gives that.
	 */
	s2->pgd = (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, order);
	if (!s2->pgd)
		return -ENOMEM;
	s2->vtcr = s2_vtcr(s2);
	return 0;
}

int vhv_s2_cache_topup(struct vhv_s2_cache *mc)
{
	while (mc->nr < VHV_S2_MAX_LEVELS) {
		void *page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

		if (!page)
			return -ENOMEM;
		mc->pages[mc->nr++] = page;
	}
	return 0;
}

void vhv_s2_cache_free(struct vhv_s2_cache *mc)
{
	while (mc->nr)
		free_page((unsigned long)mc->pages[--mc->nr]);
}

static u64 *desc_table(u64 desc)
{
	return phys_to_virt(desc & DESC_OA_MASK);
}

static bool desc_is_table(u64 desc, unsigned int level)
{
	return level < 3 && (desc & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE);
}

static u64 level_size(unsigned int level)
{
	return 1ULL << level_shift(level);
}

/* The table and index of ipa's entry at the start level. */
static u64 *pgd_entry(struct vhv_stage2 *s2, u64 ipa)
{
	return &s2->pgd[ipa >> level_shift(s2->start_level)];
}

/*
 * The entry of ipa at *levelp, creating missing tables from mc when it is
 * given; NULL when a table is missing and mc is not. A block above that
 * level ends the descent: *levelp then says at which level it is.
 */
static u64 *s2_entry(struct vhv_stage2 *s2, u64 ipa, unsigned int *levelp,
		     struct vhv_s2_cache *mc)
{
	u64 *ptep = pgd_entry(s2, ipa);
	unsigned int level;

	for (level = s2->start_level; level < *levelp; level++) {
		u64 desc = READ_ONCE(*ptep);

		if (!(desc & DESC_VALID)) {
			void *table;

			if (!mc || !mc->nr)
				return NULL;
			table = mc->pages[--mc->nr];
			desc = virt_to_phys(table) | DESC_TABLE | DESC_VALID;
			/*
			 * The zeroed table must be observable by the walkers of
			 * every CPU before the descriptor that points to it:
			 * release ordering on the store, and the DSB ISHST of
			 * vhv_s2_map() before the guest can walk it (Arm ARM
			 * B2.3, ordering of translation table walks).
			 */
			smp_store_release(ptep, desc);
		} else if (!desc_is_table(desc, level)) {
			break;		/* a block */
		}
		ptep = desc_table(desc) + ((ipa >> level_shift(level + 1)) & (PTRS_PER_TABLE - 1));
	}
	*levelp = level;
	return ptep;
}

int vhv_s2_map(struct vhv_stage2 *s2, u64 ipa, phys_addr_t pa, u64 size, unsigned int prot,
	       struct vhv_s2_cache *mc)
{
	unsigned int level = size == VHV_S2_BLOCK_SIZE ? VHV_S2_BLOCK_LEVEL : 3;
	u64 desc, *ptep;

	if (pa & ~DESC_OA_MASK & ~(PAGE_SIZE - 1))
		return -EFAULT;		/* above 48 bits: needs FEAT_LPA2 */
	/* A block's output address and IPA are aligned to its size (D8.3). */
	if ((size != PAGE_SIZE && level == 3) || ((ipa | pa) & (size - 1)))
		return -EINVAL;
	ptep = s2_entry(s2, ipa, &level, mc);
	if (!ptep)
		return -ENOMEM;
	desc = READ_ONCE(*ptep);
	/* A block over the page, or a table where the block goes: break it first. */
	if (level_size(level) != size || desc_is_table(desc, level))
		return -EEXIST;
	desc = pa | (level == 3 ? DESC_TABLE : 0) | DESC_VALID | S2_MEMATTR_NORMAL_WB |
	       S2_SH_INNER | S2_AF;
	if (prot & VHV_S2_READ)
		desc |= S2_AP_R;
	if (prot & VHV_S2_WRITE)
		desc |= S2_AP_W;
	if (!(prot & VHV_S2_EXEC))
		desc |= S2_XN;
	/*
	 * Invalid to valid needs no TLB maintenance, but a valid entry
	 * changed in place would need break-before-make (Arm ARM D8.16.1):
	 * callers only map over invalid entries or the same page or block
	 * with more permissions (mmu/fault.c).
	 */
	WRITE_ONCE(*ptep, desc);
	/* Complete the table writes before a walk from any CPU (B2.3). */
	dsb(ishst);
	return 0;
}

void *vhv_s2_unlink_empty_table(struct vhv_stage2 *s2, u64 ipa)
{
	unsigned int level = VHV_S2_BLOCK_LEVEL, i;
	u64 *ptep = s2_entry(s2, ipa, &level, NULL);
	u64 desc, *table;

	if (!ptep)
		return NULL;		/* no table down to that level */
	desc = READ_ONCE(*ptep);
	if (!(desc & DESC_VALID))
		return NULL;
	if (level != VHV_S2_BLOCK_LEVEL || !desc_is_table(desc, level))
		return ERR_PTR(-EBUSY);	/* a block already */
	table = desc_table(desc);
	for (i = 0; i < PTRS_PER_TABLE; i++)
		if (READ_ONCE(table[i]) & DESC_VALID)
			return ERR_PTR(-EBUSY);
	WRITE_ONCE(*ptep, 0);
	/*
	 * The break of break-before-make (D8.16.1): the invalid entry
	 * visible to every walker before the caller's TLBI, and before it
	 * reads the VMID (a full DSB, as in vhv_s2_clear_chunk()).
	 */
	dsb(ish);
	return table;
}

bool vhv_s2_get(struct vhv_stage2 *s2, u64 ipa, phys_addr_t *pa, bool *writable, u64 *size)
{
	unsigned int level = 3;
	u64 *ptep = s2_entry(s2, ipa, &level, NULL);
	u64 desc = ptep ? READ_ONCE(*ptep) : 0;

	*size = level_size(level);
	*pa = (desc & DESC_OA_MASK) + (ipa & (*size - 1) & PAGE_MASK);
	*writable = desc & S2_AP_W;
	return desc & DESC_VALID;
}

/*
 * The range walker: calls leaf() on each valid page or block entry that
 * overlaps [start, end) and, when set, table_post() on each table descriptor
 * whose subtree it has walked whole. A walker without leaf() does not
 * look inside last-level tables. The work is bounded: each entry looked
 * at costs one from budget, and leaf() may charge more. Once the budget
 * is spent the walk stops at an entry boundary, next says where to go on.
 */
struct s2_walker {
	void (*leaf)(struct s2_walker *w, u64 *ptep, u64 ipa, unsigned int level);
	void (*table_post)(struct s2_walker *w, u64 *ptep);
	long budget;
	u64 next;
};

/* A chunk's budget reaches a leaf from the top however deep the tables. */
static_assert(VHV_S2_CHUNK > VHV_S2_MAX_LEVELS);

static bool walk_level(struct s2_walker *w, u64 *table, unsigned long nr, unsigned int level,
		       u64 base, u64 start, u64 end)
{
	unsigned int shift = level_shift(level);
	unsigned long i = start > base ? (start - base) >> shift : 0;

	for (; i < nr; i++) {
		u64 lo = base + ((u64)i << shift);
		u64 desc;

		if (lo >= end)
			break;
		if (w->budget <= 0) {
			w->next = max(lo, start);
			return false;
		}
		w->budget--;
		desc = READ_ONCE(table[i]);
		if (!(desc & DESC_VALID))
			continue;
		if (desc_is_table(desc, level)) {
			u64 *next = desc_table(desc);

			if ((w->leaf || level + 1 < 3) &&
			    !walk_level(w, next, PTRS_PER_TABLE, level + 1, lo, start, end))
				return false;
			if (w->table_post)
				w->table_post(w, &table[i]);
		} else if (w->leaf) {
			w->leaf(w, &table[i], lo, level);
		}
	}
	return true;
}

/* One chunk of [start, end): returns where the next one starts, end if done. */
static u64 s2_walk_chunk(struct vhv_stage2 *s2, u64 start, u64 end, struct s2_walker *w)
{
	unsigned long nr = s2->pgd_pages * PTRS_PER_TABLE;

	w->budget = VHV_S2_CHUNK;
	if (walk_level(w, s2->pgd, nr, s2->start_level, 0, start, end))
		return end;
	return w->next;
}

struct clear_walker {
	struct s2_walker w;
	struct vhv_s2_cleared *c;
};

/* A block goes whole, even where the range covers part of it. */
static void clear_leaf(struct s2_walker *w, u64 *ptep, u64 ipa, unsigned int level)
{
	struct vhv_s2_cleared *c = container_of(w, struct clear_walker, w)->c;

	WRITE_ONCE(*ptep, 0);
	if (c->nr < ARRAY_SIZE(c->ipa))
		c->ipa[c->nr] = ipa;
	c->nr++;
}

u64 vhv_s2_clear_chunk(struct vhv_stage2 *s2, u64 start, u64 end, struct vhv_s2_cleared *c)
{
	struct clear_walker cw = { .w.leaf = clear_leaf, .c = c };

	c->nr = 0;
	start = s2_walk_chunk(s2, start, end, &cw.w);
	/*
	 * The invalid entries visible to every walker before the caller's
	 * TLBI (D8.16.1), and before it reads the VMID to invalidate by: a
	 * full DSB, as no instruction after it executes before it completes
	 * (B2.3, "Data Synchronization Barrier"; see mmu/vmid.c).
	 */
	if (c->nr)
		dsb(ish);
	return start;
}

struct page_walker {
	struct s2_walker w;
	void (*fn)(phys_addr_t pa);
};

/* Every page of a block at once: a chunk ends on an entry boundary. */
static void page_leaf(struct s2_walker *w, u64 *ptep, u64 ipa, unsigned int level)
{
	phys_addr_t pa = READ_ONCE(*ptep) & DESC_OA_MASK;
	u64 off, size = level_size(level);

	for (off = 0; off < size; off += PAGE_SIZE)
		container_of(w, struct page_walker, w)->fn(pa + off);
	w->budget -= (size >> PAGE_SHIFT) * VHV_S2_PAGE_COST;
}

u64 vhv_s2_for_each_page_chunk(struct vhv_stage2 *s2, u64 start, void (*fn)(phys_addr_t pa))
{
	struct page_walker pw = { .w.leaf = page_leaf, .fn = fn };

	return s2_walk_chunk(s2, start, 1ULL << s2->ipa_bits, &pw.w);
}

static void free_table(struct s2_walker *w, u64 *ptep)
{
	free_page((unsigned long)desc_table(READ_ONCE(*ptep)));
	WRITE_ONCE(*ptep, 0);
}

/*
 * Frees every table of a VM that can no longer run, in chunks with a
 * reschedule point between them (no lock is held: nothing else can reach
 * the tables). The caller has flushed the VMID's TLB entries first
 * (mmu/tlb.c): walk caches may hold these tables until then.
 */
void vhv_s2_free(struct vhv_stage2 *s2)
{
	struct s2_walker w = { .table_post = free_table };
	u64 next = 0, end = 1ULL << s2->ipa_bits;

	if (!s2->pgd)
		return;
	do {
		next = s2_walk_chunk(s2, next, end, &w);
		cond_resched();
	} while (next < end);
	free_pages((unsigned long)s2->pgd, get_order(s2->pgd_pages * PAGE_SIZE));
	s2->pgd = NULL;
}
