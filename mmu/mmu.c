// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's stage 2 as a whole: creation, teardown, unmapping ranges with
 * their TLB maintenance, and cleaning all guest memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>

#include "core/vm.h"
#include "mmu/mmu.h"
#include "mmu/tlb.h"

/* Past this many pages one whole-VMID flush is cheaper than per page. */
#define UNMAP_TLBI_PAGES	64

int vhv_mmu_init_vm(struct vhv_vm *vm, unsigned int ipa_bits)
{
	int ret;

	spin_lock_init(&vm->mmu_lock);
	mutex_init(&vm->slots_lock);
	ret = init_srcu_struct(&vm->srcu);
	if (ret)
		return ret;
	ret = vhv_s2_init(&vm->s2, ipa_bits);
	if (ret)
		cleanup_srcu_struct(&vm->srcu);
	return ret;
}

/* The VM is unreachable: no vCPU runs, no ioctl is in flight. */
void vhv_mmu_destroy_vm(struct vhv_vm *vm)
{
	struct vhv_memslots *slots = rcu_dereference_protected(vm->slots, 1);
	unsigned int i;

	for (i = 0; slots && i < slots->nr; i++) {
		mmu_interval_notifier_remove(&slots->slot[i]->mni);
		kfree(slots->slot[i]);
	}
	kfree(slots);
	/*
	 * Walk caches may hold the tables until the VMID is flushed: by the
	 * VMID the VM last had, even of an old generation (mmu/tlb.c), and
	 * before the VMID can be handed out again.
	 */
	vhv_tlb_flush_vm(vm);
	vhv_vmid_release(&vm->vmid);
	vhv_s2_free(&vm->s2);
	cleanup_srcu_struct(&vm->srcu);
}

void vhv_mmu_unmap_range(struct vhv_vm *vm, u64 start, u64 end)
{
	unsigned long cleared;
	u64 ipa;

	spin_lock(&vm->mmu_lock);
	cleared = vhv_s2_clear(&vm->s2, start, end);
	/*
	 * Before the lock goes, so that no fault maps the range again with
	 * stale TLB entries still around. By the VMID the VM last had, even
	 * when a rollover has already made it stale: a CPU may still run the
	 * guest with it until the rollover's IPI reaches it (mmu/vmid.c).
	 */
	if (cleared) {
		if (cleared > UNMAP_TLBI_PAGES) {
			vhv_tlb_flush_vm(vm);
		} else {
			for (ipa = start; ipa < end; ipa += PAGE_SIZE)
				vhv_tlb_flush_vm_ipas(vm, &ipa, 1);
		}
	}
	spin_unlock(&vm->mmu_lock);
}

void vhv_mmu_clean_guest_memory(struct vhv_vm *vm)
{
	spin_lock(&vm->mmu_lock);
	vhv_s2_for_each_page(&vm->s2, vhv_cache_clean_page);
	spin_unlock(&vm->mmu_lock);
}
