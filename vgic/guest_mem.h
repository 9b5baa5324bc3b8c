/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's RAM as the vGIC reads and writes it (vgic/guest_mem.c): LPI
 * configuration and pending tables, the ITS command queue and its saved
 * tables. Process context of the VMM (a vCPU thread or an ioctl), since
 * the copy goes through the VMM's mapping of the memory slot.
 */
#ifndef VHV_VGIC_GUEST_MEM_H
#define VHV_VGIC_GUEST_MEM_H

#include <linux/types.h>

struct vhv_vm;

/* 0, or -EFAULT: not all of [gpa, gpa + len) is RAM of the VM. */
int vhv_guest_read(struct vhv_vm *vm, u64 gpa, void *buf, size_t len);
/* As read; -EFAULT on a read-only slot too. */
int vhv_guest_write(struct vhv_vm *vm, u64 gpa, const void *buf, size_t len);
/* Whether gpa is in a memory slot (KVM's kvm_is_visible_gfn()). */
bool vhv_guest_visible(struct vhv_vm *vm, u64 gpa);

#endif /* VHV_VGIC_GUEST_MEM_H */
