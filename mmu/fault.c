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

/*
 * Under mmu_lock: maps the pinned page at the fault's IPA. Over an entry
 * for the same page this only adds write permission, which needs no
 * break-before-make (Arm ARM D8.16.1 requires it for a change of output
 * address, memory type, shareability or block size, not of permissions);
 * but a TLB may still hold the read-only entry, which would fault again:
 * invalidate it. Over another page (the VMM's memory changed under a
 * mapping the notifier has not cleared yet): break, invalidate, make.
 */
static int map_locked(struct vhv_vm *vm, u64 ipa, struct page *page, bool writable,
		      struct vhv_s2_cache *mc)
{
	unsigned int prot = VHV_S2_READ | VHV_S2_EXEC | (writable ? VHV_S2_WRITE : 0);
	phys_addr_t pa = page_to_phys(page), old_pa;
	struct vhv_s2_cleared c;
	bool old_writable;
	int ret;

	if (!vhv_s2_get(&vm->s2, ipa, &old_pa, &old_writable))
		return vhv_s2_map(&vm->s2, ipa, pa, prot, mc);
	if (old_pa == pa && (old_writable || !writable))
		return 0;	/* another vCPU mapped it first */
	if (old_pa != pa) {
		vhv_s2_clear_chunk(&vm->s2, ipa, ipa + PAGE_SIZE, &c);
		vhv_tlb_flush_vm_ipas(vm, &ipa, 1);
	}
	ret = vhv_s2_map(&vm->s2, ipa, pa, prot, mc);
	if (!ret && old_pa == pa)
		vhv_tlb_flush_vm_ipas(vm, &ipa, 1);
	return ret;
}

/*
 * Maps the page behind the fault; 0, or a negative errno for KVM_RUN.
 * The pages for new tables come from the vCPU's cache, which keeps what
 * a fault did not use for the next one: topping it up is then nothing
 * but a test on most faults, where allocating (and zeroing) a page per
 * level and freeing them again used to cost more than the rest of the
 * fault (Documentation/benchmarks.rst, "Booting Linux").
 */
static int map_ram(struct vhv_vcpu *vcpu, const struct ram_fault *f)
{
	struct vhv_s2_cache *mc = &vcpu->s2_cache;
	struct vhv_vm *vm = vcpu->vm;
	struct page *page;
	unsigned long seq;
	bool writable;
	int ret;

	ret = vhv_s2_cache_topup(mc);
	if (ret)
		return ret;
	for (;;) {
		seq = mmu_interval_read_begin(&f->slot->mni);
		ret = pin_ram(f, &page, &writable);
		if (ret) {
			log_pin_failure(f);
			break;
		}
		vhv_cache_prepare_page(page_address(page), true);
		spin_lock(&vm->mmu_lock);
		if (mmu_interval_read_retry(&f->slot->mni, seq)) {
			spin_unlock(&vm->mmu_lock);
			unpin_user_page(page);
			continue;
		}
		ret = map_locked(vm, f->ipa, page, writable, mc);
		spin_unlock(&vm->mmu_lock);
		/* Dirty only if the guest may have written it. */
		unpin_user_pages_dirty_lock(&page, 1, writable);
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

	if (d->s1ptw || (d->fsc & S2_FSC_TYPE_MASK) != S2_FSC_PERMISSION)
		return false;
	/* Beyond the IPA space nothing is mapped (and the tables end). */
	if (d->ipa >> vhv_vm_ipa_bits(vm))
		return true;
	spin_lock(&vm->mmu_lock);
	valid = vhv_s2_get(&vm->s2, d->ipa, &pa, &writable);
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
