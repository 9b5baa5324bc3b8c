// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 aborts from the guest (EC 0x20, 0x24): RAM faulted in on demand
 * from the VMM's mapping, everything else triaged as KVM does: accesses
 * offered to the in-kernel devices of the MMIO bus (mmu/iobus.c), of
 * which this file knows nothing, then MMIO exits (mmu/mmio.c), aborts
 * injected for fetches and table walks outside RAM or addresses beyond
 * the VM's IPA space, a virtual SError for external aborts.
 *
 * Faulting in: read the slot's notifier sequence, pin the page (which may
 * sleep and fault it in the VMM's address space), then under mmu_lock map
 * it unless an invalidation ran in between, in which case start over. The
 * pin is dropped once mapped: from then on the notifier (mmu/memslot.c)
 * unmaps the page from stage 2 before the kernel may free or move it.
 *
 * Reads and fetches map a page read-only unless the VMM's mapping of it
 * is already writable, as KVM does: reading memory never written, or a
 * private file mapping, copies nothing, and a writable slot over memory
 * the VMM mapped read-only can be read. A write then faults again for
 * permission and upgrades the mapping (map_locked()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/ratelimit.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>

#include "arm64/exits.h"
#include "arm64/inject.h"
#include "arm64/switch.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/iobus.h"
#include "mmu/mmio.h"
#include "mmu/mmu.h"
#include "mmu/tlb.h"

/* DFSC/IFSC groups (Arm ARM D24.2.40): the level is in bits [1:0]. */
#define S2_FSC_TYPE_MASK	0x3c
#define S2_FSC_TRANSLATION	0x04
#define S2_FSC_ACCESS		0x08
#define S2_FSC_PERMISSION	0x0c

static bool fsc_is_fault(unsigned int fsc)
{
	unsigned int type = fsc & S2_FSC_TYPE_MASK;

	return type == S2_FSC_TRANSLATION || type == S2_FSC_ACCESS || type == S2_FSC_PERMISSION;
}

/* Synchronous external aborts and parity errors, on access or walk. */
static bool fsc_is_sea(unsigned int fsc)
{
	return fsc == 0x10 || (fsc >= 0x13 && fsc <= 0x18) || (fsc >= 0x1b && fsc <= 0x1f);
}

/* A fault on RAM: where, and whether the guest writes. */
struct ram_fault {
	struct vhv_memslot *slot;
	u64 ipa;
	unsigned long hva;
	bool write;
};

/*
 * Pins the page behind the fault. A write pins it writable, which may
 * fault it in or break copy-on-write. A read (or fetch) takes it writable
 * only if the VMM's mapping already is (FOLL_NOFAULT: nothing allocated,
 * nothing copied), and read-only otherwise: a read of memory never
 * written is then the zero page, and of a read-only mapping succeeds.
 */
static int pin_ram(const struct ram_fault *f, struct page **page, bool *writable)
{
	if (!(f->slot->flags & KVM_MEM_READONLY)) {
		unsigned int flags = FOLL_WRITE | (f->write ? 0 : FOLL_NOFAULT);

		*writable = true;
		if (pin_user_pages_fast(f->hva, 1, flags, page) == 1)
			return 0;
		if (f->write)
			return -EFAULT;
	}
	*writable = false;
	return pin_user_pages_fast(f->hva, 1, 0, page) == 1 ? 0 : -EFAULT;
}

/* Says what really failed: a write to memory the VMM mapped read-only,
 * or memory that is not there (unmapped, PROT_NONE, beyond a file's end).
 */
static void log_pin_failure(const struct ram_fault *f)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool readable = false;

	if (!__ratelimit(&rs))
		return;
	/*
	 * The VMA's flags, not another pin: wording a log line must not
	 * fault pages in, start I/O or wake a userfaultfd.
	 */
	if (f->write) {
		mmap_read_lock(mm);
		vma = vma_lookup(mm, f->hva);
		readable = vma && (vma->vm_flags & VM_READ) && !(vma->vm_flags & VM_WRITE);
		mmap_read_unlock(mm);
	}
	pr_info("guest %s of RAM at IPA %#llx: the VMM's memory at %#lx is %s\n",
		f->write ? "write" : "read", f->ipa, f->hva,
		readable ? "mapped read-only" : "not mapped or not accessible");
}

/* What a fault maps: the page, or the block around it. */
struct s2_target {
	u64 ipa;		/* aligned to size */
	phys_addr_t pa;
	u64 size;		/* PAGE_SIZE or VHV_S2_BLOCK_SIZE */
	bool writable;
};

/*
 * Whether the VMM's page table maps hva with a PMD leaf (a transparent or
 * hugetlb huge page), and the block's physical address. A lockless walk as
 * GUP-fast does it, with interrupts masked: the kernel frees page tables
 * only after an IPI or an RCU grace period, which this holds off.
 */
static bool host_block(struct mm_struct *mm, unsigned long hva, phys_addr_t *pa)
{
	unsigned long flags;
	bool leaf = false;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgdp = pgd_offset(mm, hva);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || pgd_bad(pgd))
		goto out;
	p4dp = p4d_offset_lockless(pgdp, pgd, hva);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || p4d_bad(p4d))
		goto out;
	pudp = pud_offset_lockless(p4dp, p4d, hva);
	pud = READ_ONCE(*pudp);
	if (pud_none(pud) || pud_leaf(pud) || pud_bad(pud))
		goto out;
	pmd = READ_ONCE(*pmd_offset_lockless(pudp, pud, hva));
	leaf = pmd_present(pmd) && pmd_leaf(pmd);
	if (leaf)
		*pa = __pfn_to_phys(pmd_pfn(pmd));
out:
	local_irq_restore(flags);
	return leaf;
}

/*
 * The block around the fault when the slot holds all of it, the VMM's
 * mapping is aligned alike (IPA and HVA equal modulo the block size), and
 * the VMM maps it with one PMD leaf of its page table, of which the pinned
 * page is the right one; else the page. A stage-2 block is the host's PMD
 * size (VHV_S2_BLOCK_SHIFT == PMD_SHIFT) where the host has that level.
 */
static void fault_target(const struct ram_fault *f, struct page *page, struct s2_target *t)
{
	u64 off = f->ipa & (VHV_S2_BLOCK_SIZE - 1);
	u64 slot_ipa = f->slot->base_gfn << PAGE_SHIFT;
	u64 slot_end = slot_ipa + (f->slot->npages << PAGE_SHIFT);
	phys_addr_t block;

	t->ipa = f->ipa;
	t->pa = page_to_phys(page);
	t->size = PAGE_SIZE;
	if (PMD_SHIFT != VHV_S2_BLOCK_SHIFT || CONFIG_PGTABLE_LEVELS < 3)
		return;
	if (f->ipa - off < slot_ipa || f->ipa - off + VHV_S2_BLOCK_SIZE > slot_end ||
	    ((f->ipa ^ f->hva) & (VHV_S2_BLOCK_SIZE - 1)))
		return;
	if (!host_block(current->mm, f->hva, &block) || block + off != t->pa)
		return;
	t->ipa -= off;
	t->pa = block;
	t->size = VHV_S2_BLOCK_SIZE;
}

/*
 * Under mmu_lock, over whatever is at the target's IPA. Over an entry for
 * the same page or block this only adds write permission, which needs no
 * break-before-make (Arm ARM D8.16.1 requires it for a change of output
 * address, memory type, shareability or block size, not of permissions);
 * but a TLB may still hold the read-only entry, which would fault again:
 * invalidate it. Over another page or block (the VMM's memory changed
 * under a mapping the notifier has not cleared yet), or a block where a
 * page goes: break (the old entry goes whole), invalidate, make.
 */
static int map_over(struct vhv_vm *vm, const struct s2_target *t, unsigned int prot,
		    struct vhv_s2_cache *mc)
{
	struct vhv_s2_cleared c;
	phys_addr_t old_pa;
	bool old_writable;
	u64 old_size;
	int ret;

	if (!vhv_s2_get(&vm->s2, t->ipa, &old_pa, &old_writable, &old_size))
		return vhv_s2_map(&vm->s2, t->ipa, t->pa, t->size, prot, mc);
	if (old_pa == t->pa && old_size == t->size) {
		if (old_writable || !t->writable)
			return 0;	/* another vCPU mapped it first */
		ret = vhv_s2_map(&vm->s2, t->ipa, t->pa, t->size, prot, mc);
		if (!ret)
			vhv_tlb_flush_vm_ipas(vm, &t->ipa, 1);
		return ret;
	}
	vhv_s2_clear_chunk(&vm->s2, t->ipa, t->ipa + PAGE_SIZE, &c);
	vhv_tlb_flush_vm_ipas(vm, c.ipa, min_t(unsigned long, c.nr, ARRAY_SIZE(c.ipa)));
	return vhv_s2_map(&vm->s2, t->ipa, t->pa, t->size, prot, mc);
}

/*
 * Under mmu_lock: maps the target. A block goes where the level-2 entry
 * is invalid, or holds a table with nothing valid in it (the notifier
 * cleared its pages): the table is a change of block size away, so
 * break-before-make (D8.16.1): unlinked, then TLBI IPAS2E1IS of the
 * block's IPA, which also removes walk-cache entries of the table for
 * the whole block as it is not the last-level form, and VMALLE1IS for
 * the combined entries (D8.13.6), then the block; the table is freed
 * once no walk can reach it. Where the table still maps pages, the
 * fault maps its own page only.
 */
static int map_locked(struct vhv_vm *vm, const struct ram_fault *f, struct s2_target *t,
		      struct vhv_s2_cache *mc)
{
	unsigned int prot = VHV_S2_READ | VHV_S2_EXEC | (t->writable ? VHV_S2_WRITE : 0);
	phys_addr_t pa;
	bool writable;
	void *table;
	u64 size;

	if (t->size != PAGE_SIZE) {
		table = vhv_s2_unlink_empty_table(&vm->s2, t->ipa);
		if (!IS_ERR(table)) {
			if (table) {
				vhv_tlb_flush_vm_ipas(vm, &t->ipa, 1);
				free_page((unsigned long)table);
			}
			return vhv_s2_map(&vm->s2, t->ipa, t->pa, t->size, prot, mc);
		}
		if (!vhv_s2_get(&vm->s2, t->ipa, &pa, &writable, &size) || size != t->size) {
			t->pa += f->ipa - t->ipa;
			t->ipa = f->ipa;
			t->size = PAGE_SIZE;
		}
	}
	return map_over(vm, t, prot, mc);
}

/* Under mmu_lock: whether the VMM still maps the target as it did. */
static bool target_current(const struct ram_fault *f, const struct s2_target *t)
{
	phys_addr_t block;
	bool is_block = host_block(current->mm, f->hva, &block);

	return t->size == PAGE_SIZE || (is_block && block == t->pa);
}

/*
 * Maps the page or block behind the fault; 0, or a negative errno for
 * KVM_RUN. The pages for new tables come from the vCPU's cache, which
 * keeps what a fault did not use for the next one: topping it up is then
 * nothing but a test on most faults, where allocating (and zeroing) a
 * page per level and freeing them again used to cost more than the rest
 * of the fault (Documentation/benchmarks.rst, "Booting Linux").
 */
static int map_ram(struct vhv_vcpu *vcpu, const struct ram_fault *f)
{
	struct vhv_s2_cache *mc = &vcpu->s2_cache;
	struct vhv_vm *vm = vcpu->vm;
	struct s2_target t;
	struct page *page;
	unsigned long seq;
	int ret;

	/* Pins and walks are of current->mm; the slot's notifier watches vm->mm. */
	if (current->mm != vm->mm)
		return -EIO;
	ret = vhv_s2_cache_topup(mc);
	if (ret)
		return ret;
	for (;;) {
		seq = mmu_interval_read_begin(&f->slot->mni);
		ret = pin_ram(f, &page, &t.writable);
		if (ret) {
			log_pin_failure(f);
			break;
		}
		fault_target(f, page, &t);
		vhv_cache_prepare(phys_to_virt(t.pa), t.size, true);
		spin_lock(&vm->mmu_lock);
		if (mmu_interval_read_retry(&f->slot->mni, seq) || !target_current(f, &t)) {
			spin_unlock(&vm->mmu_lock);
			unpin_user_page(page);
			continue;
		}
		ret = map_locked(vm, f, &t, mc);
		spin_unlock(&vm->mmu_lock);
		/* Dirty only if the guest may have written it. */
		unpin_user_pages_dirty_lock(&page, 1, t.writable);
		break;
	}
	return ret;
}

/*
 * Guest fault that is not RAM: what KVM does, in its order (see the
 * Documentation/api.rst notes on KVM_EXIT_MMIO).
 */
static int not_ram(struct vhv_vcpu *vcpu, const struct vhv_dabt *d, bool ifetch)
{
	if (ifetch) {
		vhv_inject_pabt(vcpu, vcpu->exit.far);
		return 1;
	}
	if (d->s1ptw) {
		vhv_inject_dabt(vcpu, vcpu->exit.far);
		return 1;
	}
	if (d->cache_op) {
		/* DC/IC by VA on something that is not memory: nothing to do. */
		vhv_skip_instr(vcpu);
		return 1;
	}
	/* The in-kernel devices (mmu/iobus.h) before the VMM's. */
	if (vhv_iobus_mmio(vcpu, d))
		return 1;
	return vhv_mmio_exit(vcpu, d);
}

static bool write_fault(const struct vhv_dabt *d, bool ifetch)
{
	/* A walk writes (hardware AF/dirty updates) only as a permission fault. */
	if (ifetch)
		return false;
	if (d->s1ptw)
		return (d->fsc & S2_FSC_TYPE_MASK) == S2_FSC_PERMISSION;
	return d->is_write;
}

/*
 * A permission fault's IPA came from an AT of FAR_EL2 after the fault
 * (arm64/fault_ipa.c): if another vCPU or the VMM rewrote the guest's
 * stage 1 in between, the walk found another IPA. A stage-2 permission
 * fault needs a valid entry that denies the access; where the entry at
 * that IPA is not one, the IPA is not the fault's (or the fault is gone):
 * the guest runs the access again.
 */
static bool perm_fault_stale(struct vhv_vm *vm, const struct vhv_dabt *d, bool write)
{
	phys_addr_t pa;
	bool valid, writable;
	u64 size;

	if (d->s1ptw || (d->fsc & S2_FSC_TYPE_MASK) != S2_FSC_PERMISSION)
		return false;
	/* Beyond the IPA space nothing is mapped (and the tables end). */
	if (d->ipa >> vhv_vm_ipa_bits(vm))
		return true;
	spin_lock(&vm->mmu_lock);
	valid = vhv_s2_get(&vm->s2, d->ipa, &pa, &writable, &size);
	spin_unlock(&vm->mmu_lock);
	/* Stage 2 grants read and execute wherever it maps: only writes fault. */
	return !valid || writable || !write;
}

int vhv_mmu_handle_abort(struct vhv_vcpu *vcpu, bool ifetch)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_memslot *slot;
	struct ram_fault f;
	struct vhv_dabt d;
	int idx, ret;

	vhv_dabt_decode(vcpu->exit.esr, vcpu->exit.far, vcpu->exit.hpfar, &d);
	if ((d.fsc & S2_FSC_TYPE_MASK) == S2_FSC_TRANSLATION && d.ipa >> vhv_vm_ipa_bits(vm)) {
		/* Beyond the VM's IPA space: an external abort, FAR the IPA. */
		if (ifetch)
			vhv_inject_pabt(vcpu, d.ipa);
		else
			vhv_inject_dabt(vcpu, d.ipa);
		return 1;
	}
	if (fsc_is_sea(d.fsc)) {
		/* With a syndrome of its own, not whatever VSESR_EL2 held. */
		vhv_inject_serror(vcpu);
		return 1;
	}
	if (!fsc_is_fault(d.fsc)) {
		pr_info_ratelimited("unsupported stage-2 fault status %#x (ESR_EL2 %#llx)\n",
				    d.fsc, vcpu->exit.esr);
		return -EFAULT;
	}

	if (perm_fault_stale(vm, &d, write_fault(&d, ifetch)))
		return 1;

	idx = srcu_read_lock(&vm->srcu);
	slot = vhv_memslot_find(vm, d.ipa >> PAGE_SHIFT);
	f = (struct ram_fault) {
		.slot = slot,
		.ipa = d.ipa & PAGE_MASK,
		.write = write_fault(&d, ifetch),
	};
	if (!slot || ((slot->flags & KVM_MEM_READONLY) && f.write)) {
		ret = not_ram(vcpu, &d, ifetch);
	} else {
		f.hva = slot->hva + (f.ipa - (slot->base_gfn << PAGE_SHIFT));
		ret = map_ram(vcpu, &f) ?: 1;
	}
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
}
