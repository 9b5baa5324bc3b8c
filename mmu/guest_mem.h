/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM read and written by the hypervisor itself (mmu/guest_mem.c):
 * the PV stolen-time record, the LPI configuration and pending tables, the
 * ITS command queue and its saved tables. Only from the VMM's own threads (a vCPU's
 * KVM_RUN or an ioctl), since the copy goes through the VMM's mapping of
 * the memory slot; may sleep.
 */
#ifndef VHV_MMU_GUEST_MEM_H
#define VHV_MMU_GUEST_MEM_H

#include <linux/types.h>

struct vhv_vm;

/* 0, or -EFAULT: not all of [gpa, gpa + len) is RAM of the VM. */
int vhv_guest_read(struct vhv_vm *vm, u64 gpa, void *buf, size_t len);
/* As read; -EFAULT on a read-only slot too. */
int vhv_guest_write(struct vhv_vm *vm, u64 gpa, const void *buf, size_t len);
/* One naturally aligned doubleword in a single store (single-copy atomic). */
int vhv_guest_write_u64(struct vhv_vm *vm, u64 gpa, u64 val);
/* Whether gpa is in a memory slot (KVM's kvm_is_visible_gfn()). */
bool vhv_guest_visible(struct vhv_vm *vm, u64 gpa);
/* In a memory slot the guest and vhv may write (not KVM_MEM_READONLY). */
bool vhv_guest_writable(struct vhv_vm *vm, u64 gpa);

#endif /* VHV_MMU_GUEST_MEM_H */
