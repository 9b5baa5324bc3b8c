// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's stage 2 as a whole: creation, teardown, unmapping ranges with
 * their TLB maintenance, and cleaning all guest memory for the guest's
 * set/way operations.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmu.h"
#include "mmu/tlb.h"

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

/*
 * Between two chunks of a long walk: let others have mmu_lock, and the
 * CPU too when the caller may sleep (not in an MMU notifier invalidation
 * that is not blockable: mmu_notifier_range_blockable()).
 */
static void mmu_lock_break(struct vhv_vm *vm, bool may_block)
{
	spin_unlock(&vm->mmu_lock);
	if (may_block)
		cond_resched();
	else
		cpu_relax();
	spin_lock(&vm->mmu_lock);
}

/*
 * The TLB maintenance of one chunk of clearing: the cleared pages one by
 * one when they are few (IPAS2E1IS each, then one VMALLE1IS), the whole
 * VMID past that (mmu/tlb.c).
 */
static void flush_cleared(struct vhv_vm *vm, const struct vhv_s2_cleared *c)
{
	if (c->nr > ARRAY_SIZE(c->ipa))
		vhv_tlb_flush_vm(vm);
	else if (c->nr)
		vhv_tlb_flush_vm_ipas(vm, c->ipa, c->nr);
}

void vhv_mmu_unmap_range(struct vhv_vm *vm, u64 start, u64 end, bool may_block)
{
	struct vhv_s2_cleared c;

	spin_lock(&vm->mmu_lock);
	for (;;) {
		start = vhv_s2_clear_chunk(&vm->s2, start, end, &c);
		/*
		 * Before the lock goes, so that no fault maps the range again
		 * with stale TLB entries still around. By the VMID the VM last
		 * had, even when a rollover has already made it stale: a CPU
		 * may still run the guest with it until the rollover's IPI
		 * reaches it (mmu/vmid.c).
		 */
		flush_cleared(vm, &c);
		if (start >= end)
			break;
		mmu_lock_break(vm, may_block);
	}
	spin_unlock(&vm->mmu_lock);
}

/* In chunks, rescheduling in between: a guest can make this long. */
void vhv_mmu_clean_guest_memory(struct vhv_vm *vm)
{
	u64 ipa = 0, end = 1ULL << vhv_vm_ipa_bits(vm);

	spin_lock(&vm->mmu_lock);
	for (;;) {
		ipa = vhv_s2_for_each_page_chunk(&vm->s2, ipa, vhv_cache_clean_page);
		if (ipa >= end)
			break;
		mmu_lock_break(vm, true);
	}
	spin_unlock(&vm->mmu_lock);
}

/*
 * Set/way emulation, as the architecture allows: a guest cannot name the
 * host's cache lines, and the only use of set/way operations that makes
 * sense is cleaning everything around turning its caches on or off. So
 * the first one cleans the whole VM by VA and sets HCR_EL2.TVM: writes
 * to the VM control registers trap from then on (arm64/sysreg_table.c),
 * and each change of SCTLR_EL1's cacheability cleans the VM again; once
 * the caches are on, TVM goes until the next set/way operation. Between
 * the two, set/way operations cost a trap each and nothing more, where
 * each used to clean the whole VM.
 */
void vhv_mmu_set_way(struct vhv_vcpu *vcpu)
{
	if (vcpu->hcr & HCR_TVM)
		return;
	vhv_mmu_clean_guest_memory(vcpu->vm);
	vcpu->hcr |= HCR_TVM;
}

/* The guest's data accesses are cacheable with SCTLR_EL1.M and C both set. */
static bool caches_on(u64 sctlr)
{
	return (sctlr & (SCTLR_ELx_M | SCTLR_ELx_C)) == (SCTLR_ELx_M | SCTLR_ELx_C);
}

/*
 * Caches turned off: what the guest left in them must reach memory, where
 * it now reads. Turned on: lines from before must not hide what it wrote
 * around them meanwhile. Both are one clean and invalidate of everything.
 */
void vhv_mmu_sctlr_written(struct vhv_vcpu *vcpu, u64 old, u64 new)
{
	bool on = caches_on(new);

	if (on != caches_on(old))
		vhv_mmu_clean_guest_memory(vcpu->vm);
	if (on)
		vcpu->hcr &= ~HCR_TVM;
}
