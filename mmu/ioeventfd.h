/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM_IOEVENTFD (mmu/ioeventfd.c): a guest write to an address, of a given
 * length and optionally a given value, signals an eventfd in the kernel
 * and the guest goes on without an exit to the VMM.
 */
#ifndef VHV_MMU_IOEVENTFD_H
#define VHV_MMU_IOEVENTFD_H

#include <linux/list.h>
#include <linux/mutex.h>

struct vhv_vm;

/* Per VM (vm->ioeventfds). */
struct vhv_ioeventfds {
	struct mutex lock;		/* the list; outside vm->iobus.lock */
	struct list_head all;		/* every KVM_IOEVENTFD, by assignment */
};

void vhv_ioeventfds_init(struct vhv_vm *vm);
/* VM destruction: every eventfd reference dropped, everything freed. */
void vhv_ioeventfds_destroy(struct vhv_vm *vm);
/* The KVM_IOEVENTFD ioctl. */
int vhv_ioeventfd(struct vhv_vm *vm, void __user *argp);

#endif /* VHV_MMU_IOEVENTFD_H */
