/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's memory: memory slots (mmu/memslot.c), stage-2 faults and MMIO
 * exits (mmu/fault.c, mmu/mmio.c), and the MMU notifier that keeps
 * stage 2 in step with the VMM's mappings.
 */
#ifndef VHV_MMU_MMU_H
#define VHV_MMU_MMU_H

#include <linux/kvm.h>
#include <linux/mmu_notifier.h>
#include <linux/types.h>

#include "core/compat.h"

struct vhv_vcpu;
struct vhv_vm;

struct vhv_memslot {
	struct vhv_vm *vm;
	u32 id;			/* the slot number (address space 0 only) */
	u32 flags;		/* KVM_MEM_READONLY */
	u64 base_gfn;		/* first guest frame, in PAGE_SIZE units */
	u64 npages;
	unsigned long hva;	/* the VMM's mapping */
	struct mmu_interval_notifier mni;
};

/* The slots, sorted by base_gfn; replaced whole under SRCU. */
struct vhv_memslots {
	unsigned int nr;
	struct vhv_memslot *slot[];
};

/* As KVM's KVM_USER_MEM_SLOTS: slot ids 0..32766. */
#define VHV_MAX_MEMSLOTS	32767

int vhv_mmu_init_vm(struct vhv_vm *vm, unsigned int ipa_bits);
void vhv_mmu_destroy_vm(struct vhv_vm *vm);

int vhv_set_memory_region(struct vhv_vm *vm, const struct kvm_userspace_memory_region2 *mem);
/* The slot holding gfn; caller holds vm->srcu. */
struct vhv_memslot *vhv_memslot_find(struct vhv_vm *vm, u64 gfn);

/* Stage-2 abort from the guest: exit handler convention (arm64/exits.h). */
int vhv_mmu_handle_abort(struct vhv_vcpu *vcpu, bool ifetch);
struct vhv_dabt;
/* Exits to the VMM for an access outside RAM: exit handler convention. */
int vhv_mmio_exit(struct vhv_vcpu *vcpu, const struct vhv_dabt *d);
/* Whether the guest's data accesses are big-endian now (SCTLR_EL1.EE/E0E). */
bool vhv_mmio_guest_be(struct vhv_vcpu *vcpu);
/* Finishes an MMIO load with the VMM's data, and steps over it. */
void vhv_mmio_complete(struct vhv_vcpu *vcpu);
/*
 * Removes the mappings of [start, end) IPA from stage 2, with TLB
 * maintenance, in chunks that drop mmu_lock in between (and reschedule
 * if may_block).
 */
void vhv_mmu_unmap_range(struct vhv_vm *vm, u64 start, u64 end, bool may_block);
/*
 * Cleans and invalidates every mapped guest page to the PoC, in chunks
 * with reschedule points: process context, no lock held.
 */
void vhv_mmu_clean_guest_memory(struct vhv_vm *vm);
/* A guest's DC ISW/CSW/CISW, and its SCTLR_EL1 written under HCR_EL2.TVM. */
void vhv_mmu_set_way(struct vhv_vcpu *vcpu);
void vhv_mmu_sctlr_written(struct vhv_vcpu *vcpu, u64 old, u64 new);

#endif /* VHV_MMU_MMU_H */
