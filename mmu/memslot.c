// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots: KVM_SET_USER_MEMORY_REGION(2). The checks, their order
 * and their errno follow KVM's; a failed call changes nothing.
 *
 * The slot array is copied on every change and published with
 * rcu_assign_pointer(); readers (the fault path) hold vm->srcu, and a
 * removed slot is freed only after synchronize_srcu(), once its stage-2
 * mappings are gone. Changes serialise on vm->slots_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vm.h"
#include "mmu/mmu.h"

/* The largest slot KVM accepts: (1 << 31) - 1 pages (KVM_MEM_MAX_NR_PAGES). */
#define VHV_MEMSLOT_MAX_PAGES	((1ULL << 31) - 1)

struct vhv_memslot *vhv_memslot_find(struct vhv_vm *vm, u64 gfn)
{
	struct vhv_memslots *slots = srcu_dereference(vm->slots, &vm->srcu);
	unsigned int lo = 0, hi = slots ? slots->nr : 0;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct vhv_memslot *s = slots->slot[mid];

		if (gfn < s->base_gfn)
			hi = mid;
		else if (gfn >= s->base_gfn + s->npages)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

static struct vhv_memslots *slots_locked(struct vhv_vm *vm)
{
	return rcu_dereference_protected(vm->slots, lockdep_is_held(&vm->slots_lock));
}

static struct vhv_memslot *slot_by_id(struct vhv_memslots *slots, u32 id)
{
	unsigned int i;

	for (i = 0; slots && i < slots->nr; i++)
		if (slots->slot[i]->id == id)
			return slots->slot[i];
	return NULL;
}

static bool overlaps(struct vhv_memslots *slots, u32 id, u64 gfn, u64 npages)
{
	unsigned int i;

	for (i = 0; slots && i < slots->nr; i++) {
		struct vhv_memslot *s = slots->slot[i];

		if (s->id != id && gfn < s->base_gfn + s->npages && s->base_gfn < gfn + npages)
			return true;
	}
	return false;
}

/* A new array: the old one less `drop`, plus `add`, sorted by base_gfn. */
static struct vhv_memslots *slots_replace(struct vhv_memslots *old, struct vhv_memslot *drop,
					  struct vhv_memslot *add)
{
	unsigned int nr = old ? old->nr : 0, i, n = 0;
	struct vhv_memslots *new;

	new = kzalloc(struct_size(new, slot, nr + 1), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	for (i = 0; i < nr; i++) {
		struct vhv_memslot *s = old->slot[i];

		if (s == drop)
			continue;
		if (add && add->base_gfn < s->base_gfn) {
			new->slot[n++] = add;
			add = NULL;
		}
		new->slot[n++] = s;
	}
	if (add)
		new->slot[n++] = add;
	new->nr = n;
	return new;
}

static void publish(struct vhv_vm *vm, struct vhv_memslots *new)
{
	struct vhv_memslots *old = slots_locked(vm);

	rcu_assign_pointer(vm->slots, new);
	synchronize_srcu(&vm->srcu);
	kfree(old);
}

/* Called by the kernel before it changes the VMM's mapping of the slot. */
static bool slot_invalidate(struct mmu_interval_notifier *mni,
			    const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct vhv_memslot *s = container_of(mni, struct vhv_memslot, mni);
	unsigned long start = max(range->start, s->hva);
	unsigned long end = min(range->end, s->hva + (s->npages << PAGE_SHIFT));
	u64 base = s->base_gfn << PAGE_SHIFT;
	struct vhv_vm *vm = s->vm;

	/* The fault path retries if it raced with this (mmu/fault.c). */
	spin_lock(&vm->mmu_lock);
	mmu_interval_set_seq(mni, cur_seq);
	spin_unlock(&vm->mmu_lock);
	if (start < end)
		vhv_mmu_unmap_range(vm, base + (start - s->hva), base + (end - s->hva),
				    mmu_notifier_range_blockable(range));
	return true;
}

static const struct mmu_interval_notifier_ops slot_notifier_ops = {
	.invalidate = slot_invalidate,
};

static void slot_free(struct vhv_memslot *s)
{
	mmu_interval_notifier_remove(&s->mni);
	kfree(s);
}

static struct vhv_memslot *slot_alloc(struct vhv_vm *vm,
				      const struct kvm_userspace_memory_region2 *mem)
{
	struct vhv_memslot *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->vm = vm;
	s->id = mem->slot;
	s->flags = mem->flags;
	s->base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	s->npages = mem->memory_size >> PAGE_SHIFT;
	s->hva = mem->userspace_addr;
	ret = mmu_interval_notifier_insert(&s->mni, vm->mm, s->hva, mem->memory_size,
					   &slot_notifier_ops);
	if (ret) {
		kfree(s);
		return ERR_PTR(ret);
	}
	return s;
}

/* After publish(): no fault can find the old slot any more. */
static void slot_retire(struct vhv_vm *vm, struct vhv_memslot *old)
{
	u64 base = old->base_gfn << PAGE_SHIFT;

	vhv_mmu_unmap_range(vm, base, base + (old->npages << PAGE_SHIFT), true);
	slot_free(old);
}

/*
 * A new slot, or old moved to a new base. A move unpublishes the old slot
 * and unmaps its range before the new one can be found: the two ranges
 * may overlap, and a stage-2 entry of the old layout left while the new
 * one is live would let the guest reach the wrong page of the VMM's
 * mapping (the unmap drops mmu_lock between chunks). Everything that can
 * fail happens before anything is published, so a failed call changes
 * nothing.
 */
static int slot_create(struct vhv_vm *vm, const struct kvm_userspace_memory_region2 *mem,
		       struct vhv_memslot *old)
{
	struct vhv_memslots *mid = NULL, *fin;
	struct vhv_memslot *s = slot_alloc(vm, mem);

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (old) {
		mid = slots_replace(slots_locked(vm), old, NULL);
		fin = mid ? slots_replace(mid, NULL, s) : NULL;
	} else {
		fin = slots_replace(slots_locked(vm), NULL, s);
	}
	if (!fin) {
		kfree(mid);
		slot_free(s);
		return -ENOMEM;
	}
	if (old) {
		publish(vm, mid);
		slot_retire(vm, old);
	}
	publish(vm, fin);
	return 0;
}

static int slot_delete(struct vhv_vm *vm, struct vhv_memslot *old)
{
	struct vhv_memslots *new_slots = slots_replace(slots_locked(vm), old, NULL);

	if (!new_slots)
		return -ENOMEM;
	publish(vm, new_slots);
	slot_retire(vm, old);
	return 0;
}

static int check_region(struct vhv_vm *vm, const struct kvm_userspace_memory_region2 *mem)
{
	u64 end;

	if (mem->flags & ~KVM_MEM_READONLY)
		return -EINVAL;
	if (!PAGE_ALIGNED(mem->memory_size) || !PAGE_ALIGNED(mem->guest_phys_addr) ||
	    !PAGE_ALIGNED(mem->userspace_addr) ||
	    mem->userspace_addr != untagged_addr(mem->userspace_addr) ||
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr, mem->memory_size))
		return -EINVAL;
	if ((mem->slot >> 16) || (u16)mem->slot >= VHV_MAX_MEMSLOTS)
		return -EINVAL;
	if (check_add_overflow(mem->guest_phys_addr, mem->memory_size, &end) ||
	    (mem->memory_size >> PAGE_SHIFT) > VHV_MEMSLOT_MAX_PAGES)
		return -EINVAL;
	return 0;
}

static int set_region_locked(struct vhv_vm *vm, const struct kvm_userspace_memory_region2 *mem)
{
	struct vhv_memslot *old = slot_by_id(slots_locked(vm), mem->slot);
	u64 gfn = mem->guest_phys_addr >> PAGE_SHIFT, npages = mem->memory_size >> PAGE_SHIFT;

	if (!mem->memory_size)
		return old ? slot_delete(vm, old) : -EINVAL;
	if (old) {
		if (old->hva != mem->userspace_addr || old->npages != npages ||
		    ((old->flags ^ mem->flags) & KVM_MEM_READONLY))
			return -EINVAL;
		if (old->base_gfn == gfn)
			return 0;		/* nothing changes */
	}
	if (overlaps(slots_locked(vm), mem->slot, gfn, npages))
		return -EEXIST;
	/* The slot must lie inside the VM's IPA space (KVM: EFAULT). */
	if (gfn + npages > (1ULL << vhv_vm_ipa_bits(vm)) >> PAGE_SHIFT)
		return -EFAULT;
	/* A move is a delete and a create: the old range goes unmapped. */
	return slot_create(vm, mem, old);
}

int vhv_set_memory_region(struct vhv_vm *vm, const struct kvm_userspace_memory_region2 *mem)
{
	int ret = check_region(vm, mem);

	if (ret)
		return ret;
	mutex_lock(&vm->slots_lock);
	ret = set_region_locked(vm, mem);
	mutex_unlock(&vm->slots_lock);
	return ret;
}
