// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM accessed by the vGIC, page by page through the memory slots
 * (mmu/memslot.c) under vm->srcu. The slot's VMM mapping is a user
 * address, so only the VMM's own threads may do this: a kernel worker
 * (irqfd) never reaches here, which is checked rather than assumed.
 *
 * Coherency: the VMM's mapping is Normal Write-Back, as is the guest's
 * view of its RAM once its MMU and caches are on; a guest that writes its
 * tables with the MMU off must clean them to the PoC first, as it must
 * for a GIC whose table accesses are not coherent (GIC architecture
 * specification: the Cacheability and Shareability fields of
 * GICR_PROPBASER, GITS_CBASER and GITS_BASER<n> describe those accesses).
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "core/vm.h"
#include "mmu/mmu.h"
#include "vgic/guest_mem.h"

/* The user address of gpa, or 0; with vm->srcu held. */
static unsigned long gpa_to_hva(struct vhv_vm *vm, u64 gpa, bool write)
{
	struct vhv_memslot *slot = vhv_memslot_find(vm, gpa >> PAGE_SHIFT);

	if (!slot || (write && (slot->flags & KVM_MEM_READONLY)))
		return 0;
	return slot->hva + (((gpa >> PAGE_SHIFT) - slot->base_gfn) << PAGE_SHIFT) +
	       offset_in_page(gpa);
}

static int guest_copy(struct vhv_vm *vm, u64 gpa, void *buf, size_t len, bool write)
{
	int idx, ret = 0;

	if (current->mm != vm->mm)
		return -EFAULT;
	idx = srcu_read_lock(&vm->srcu);
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(gpa));
		unsigned long hva = gpa_to_hva(vm, gpa, write);
		unsigned long left;

		if (!hva) {
			ret = -EFAULT;
			break;
		}
		if (write)
			left = copy_to_user((void __user *)hva, buf, n);
		else
			left = copy_from_user(buf, (const void __user *)hva, n);
		if (left) {
			ret = -EFAULT;
			break;
		}
		gpa += n;
		buf += n;
		len -= n;
	}
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
}

int vhv_guest_read(struct vhv_vm *vm, u64 gpa, void *buf, size_t len)
{
	return guest_copy(vm, gpa, buf, len, false);
}

int vhv_guest_write(struct vhv_vm *vm, u64 gpa, const void *buf, size_t len)
{
	return guest_copy(vm, gpa, (void *)buf, len, true);
}

bool vhv_guest_visible(struct vhv_vm *vm, u64 gpa)
{
	bool ret;
	int idx;

	idx = srcu_read_lock(&vm->srcu);
	ret = vhv_memslot_find(vm, gpa >> PAGE_SHIFT) != NULL;
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
}
