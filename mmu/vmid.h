/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMIDs tag a VM's TLB entries. They are handed out per generation: when
 * a generation's VMIDs run out, a new generation starts, every CPU leaves
 * its guest, the TLBs are flushed of all EL1&0 entries, and VMs take a new
 * VMID at their next entry (mmu/vmid.c).
 */
#ifndef VHV_MMU_VMID_H
#define VHV_MMU_VMID_H

#include <linux/atomic.h>
#include <linux/types.h>

struct vhv_vmid {
	/* generation << 16 | vmid; 0 until the first allocation */
	atomic64_t id;
};

int vhv_vmid_init(void);
void vhv_vmid_exit(void);

/* With IRQs masked: is vmid of the current generation? */
bool vhv_vmid_valid(struct vhv_vmid *vmid);
/* With IRQs enabled: gives vmid a VMID of the current generation. */
void vhv_vmid_refresh(struct vhv_vmid *vmid);
/* A dying VM's VMID, once its TLB entries are flushed. */
void vhv_vmid_release(struct vhv_vmid *vmid);
/*
 * The VMID field value, for VTTBR_EL2.VMID: the VMID last handed out to
 * vmid, whatever its generation (what TLB maintenance must act on, see
 * mmu/vmid.c), or 0 if it never had one.
 */
u16 vhv_vmid_value(struct vhv_vmid *vmid);
/* VTCR_EL2.VS for the width of the VMIDs handed out (8 or 16 bits). */
u64 vhv_vmid_vtcr_vs(void);

#endif /* VHV_MMU_VMID_H */
