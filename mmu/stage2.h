/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage-2 translation tables of a VM: the guest's IPA space mapped onto
 * host pages, at the host's page size (4K or 16K granule), with pages and
 * level-2 blocks.
 * One walker (vhv_s2_walk) with visitors does mapping, unmapping and
 * freeing. Callers hold vm->mmu_lock, except at creation and destruction.
 */
#ifndef VHV_MMU_STAGE2_H
#define VHV_MMU_STAGE2_H

#include <linux/types.h>
#include <asm/page.h>

#define VHV_S2_MAX_LEVELS	4

struct vhv_stage2 {
	unsigned int ipa_bits;
	unsigned int start_level;	/* 0..2 */
	unsigned int pgd_pages;		/* concatenated tables at start_level */
	u64 *pgd;
	u64 vtcr;			/* VTCR_EL2 for this geometry */
};

/* Pages for new tables, allocated before taking mmu_lock. */
struct vhv_s2_cache {
	unsigned int nr;
	void *pages[VHV_S2_MAX_LEVELS];
};

/* Stage-2 permissions of a page mapping. */
#define VHV_S2_READ		(1U << 0)
#define VHV_S2_WRITE		(1U << 1)
#define VHV_S2_EXEC		(1U << 2)

int vhv_s2_init(struct vhv_stage2 *s2, unsigned int ipa_bits);
/* VTCR_EL2 of a VM with this IPA size, as vhv_s2_init() computes it. */
u64 vhv_s2_vtcr(unsigned int ipa_bits);
void vhv_s2_free(struct vhv_stage2 *s2);

/*
 * A block: one level-2 entry, the size of the host's PMD (2M with 4K
 * pages, 32M with 16K pages), when the host's page tables have that level.
 */
#define VHV_S2_BLOCK_LEVEL	2
#define VHV_S2_BLOCK_SHIFT	(PAGE_SHIFT + (PAGE_SHIFT - 3))
#define VHV_S2_BLOCK_SIZE	(1ULL << VHV_S2_BLOCK_SHIFT)

int vhv_s2_cache_topup(struct vhv_s2_cache *mc);
void vhv_s2_cache_free(struct vhv_s2_cache *mc);

/*
 * Maps one page (size PAGE_SIZE) or block (VHV_S2_BLOCK_SIZE, ipa and pa
 * aligned to it) over an invalid entry, or over the same one to add
 * permissions; 0, -EFAULT if the host address cannot be described,
 * -EEXIST if a block covers the page or a table is where the block goes.
 */
int vhv_s2_map(struct vhv_stage2 *s2, u64 ipa, phys_addr_t pa, u64 size, unsigned int prot,
	       struct vhv_s2_cache *mc);
/*
 * Makes room for a block at ipa: NULL if its level-2 entry is invalid, or
 * the table there if no entry of it is valid, unlinked: the caller
 * invalidates the TLBs (walk caches may hold it), then frees it.
 * ERR_PTR(-EBUSY) if the entry is a block or a table that maps anything.
 */
void *vhv_s2_unlink_empty_table(struct vhv_stage2 *s2, u64 ipa);
/*
 * Walks and changes of ranges go in chunks of bounded work, so that the
 * caller can do its TLB maintenance, drop mmu_lock and reschedule in
 * between: a chunk looks at VHV_S2_CHUNK entries at most, fewer when it
 * also does work per page (VHV_S2_PAGE_COST each). A chunk function
 * returns where the next chunk starts: the end of the range when done.
 */
#define VHV_S2_CHUNK		1024
/* A page's worth of cache maintenance: its number of 64-byte lines. */
#define VHV_S2_PAGE_COST	(PAGE_SIZE / 64)

/* What a chunk of clearing cleared: how many, and the IPAs of the first. */
struct vhv_s2_cleared {
	unsigned long nr;
	u64 ipa[16];
};

/*
 * Clears the valid page and block entries of a chunk of [start, end), a
 * block whole where the range covers only part of it: its IPA recorded
 * is the block's.
 */
u64 vhv_s2_clear_chunk(struct vhv_stage2 *s2, u64 start, u64 end, struct vhv_s2_cleared *c);
/* Calls fn on the host physical address of each mapped page of a chunk
 * of [start, the end of the IPA space).
 */
u64 vhv_s2_for_each_page_chunk(struct vhv_stage2 *s2, u64 start, void (*fn)(phys_addr_t pa));
/*
 * Whether ipa is mapped; if so, to which host address (of ipa's page),
 * how, and by an entry of which size (a page or a block).
 */
bool vhv_s2_get(struct vhv_stage2 *s2, u64 ipa, phys_addr_t *pa, bool *writable, u64 *size);

#endif /* VHV_MMU_STAGE2_H */
