/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLB and cache maintenance for guests (mmu/tlb.c). Each function says
 * which rule of the Arm ARM it follows.
 */
#ifndef VHV_MMU_TLB_H
#define VHV_MMU_TLB_H

#include <linux/types.h>

struct vhv_vm;

/*
 * On all CPUs: the stage-2 entries of nr IPA pages, then all stage-1+2
 * entries of the VM's VMID.
 */
void vhv_tlb_flush_vm_ipas(struct vhv_vm *vm, const u64 *ipa, unsigned int nr);
/* Invalidates every entry of the VM's VMID, on all CPUs. */
void vhv_tlb_flush_vm(struct vhv_vm *vm);
/* Invalidates this CPU's EL1&0 entries of the VM's VMID, and its I-cache. */
void vhv_tlb_flush_vm_local(struct vhv_vm *vm);
/* Invalidates every EL1&0 entry of every VMID, on all CPUs. */
void vhv_tlb_flush_all_vmids(void);

/* Makes a page or block the guest may access with its MMU off, or
 * execute, coherent with what the host wrote through its cacheable mapping.
 */
void vhv_cache_prepare(void *va, unsigned long size, bool exec);
/* Cleans and invalidates one mapped guest page to the PoC. */
void vhv_cache_clean_page(phys_addr_t pa);

#endif /* VHV_MMU_TLB_H */
