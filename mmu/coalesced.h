/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Coalesced MMIO (mmu/coalesced.c): guest writes inside a zone the VMM
 * registered are appended to a ring the VMM maps from any vCPU fd at page
 * KVM_COALESCED_MMIO_PAGE_OFFSET, and the guest goes on without an exit.
 */
#ifndef VHV_MMU_COALESCED_H
#define VHV_MMU_COALESCED_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

struct kvm_coalesced_mmio_ring;
struct page;
struct vhv_vm;

/* As KVM on arm64: the ring is the vCPU mmap's second page. */
#define VHV_COALESCED_MMIO_PAGE_OFFSET	1

/* Per VM (vm->coalesced). */
struct vhv_coalesced {
	struct kvm_coalesced_mmio_ring *ring;	/* one zeroed page, the VMM's too */
	spinlock_t ring_lock;			/* writers of the ring (vCPUs) */
	struct mutex lock;			/* zones; outside vm->iobus.lock */
	struct list_head zones;
	unsigned int nr_off_bus;		/* PIO zones */
};

int vhv_coalesced_init(struct vhv_vm *vm);
void vhv_coalesced_destroy(struct vhv_vm *vm);
/* KVM_REGISTER_COALESCED_MMIO, KVM_UNREGISTER_COALESCED_MMIO. */
int vhv_coalesced_ioctl(struct vhv_vm *vm, unsigned int ioctl, void __user *argp);
/* The page behind the vCPU mmap's page KVM_COALESCED_MMIO_PAGE_OFFSET. */
struct page *vhv_coalesced_ring_page(struct vhv_vm *vm);

#endif /* VHV_MMU_COALESCED_H */
