// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM accessed by vhv, page by page through the memory slots
 * (mmu/memslot.c) under vm->srcu, by the VMM's user mapping of each slot,
 * as KVM's kvm_read_guest()/kvm_write_guest() do. A thread of another
 * process (or a kernel worker) has another mm: refused, not assumed.
 *
 * Coherency: the VMM's mapping is Normal Write-Back, as is the guest's
 * view of its RAM once its MMU and caches are on; a guest that reads such
 * a location with its MMU off must invalidate its cache first, as it must
 * for any DMA-capable device that is not coherent.
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "core/vm.h"
#include "mmu/guest_mem.h"
#include "mmu/mmu.h"

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
		unsigned long hva = gpa_to_hva(vm, gpa, write), left;

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

/*
 * put_user() of an aligned u64 is one 64-bit store (STTR), single-copy
 * atomic (Arm ARM B2.2.1, "Requirements for single-copy atomicity"): a
 * guest reading the doubleword on another vCPU sees the old or the new
 * value, never a mix.
 */
int vhv_guest_write_u64(struct vhv_vm *vm, u64 gpa, u64 val)
{
	unsigned long hva;
	int idx, ret;

	if (!IS_ALIGNED(gpa, sizeof(u64)) || current->mm != vm->mm)
		return -EFAULT;
	idx = srcu_read_lock(&vm->srcu);
	hva = gpa_to_hva(vm, gpa, true);
	ret = hva ? put_user(val, (u64 __user *)hva) : -EFAULT;
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
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

bool vhv_guest_writable(struct vhv_vm *vm, u64 gpa)
{
	bool ret;
	int idx;

	idx = srcu_read_lock(&vm->srcu);
	ret = gpa_to_hva(vm, gpa, true) != 0;
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
}
