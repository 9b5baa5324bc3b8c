/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel MMIO bus: a VM's devices in its guest physical address
 * space, asked by the stage-2 abort path (mmu/fault.c) before an access
 * outside RAM exits to the VMM. KVM's kvm_io_bus idea, written for vhv.
 *
 * A device is an IPA range [base, base + size) and two callbacks; ranges
 * may overlap, as on KVM's bus. An access goes to the devices that hold
 * all of it (a device of size 0: an access that starts at its base), one
 * after the other in the bus's order until one takes it. The order is
 * KVM's: a new device goes before the first one on the bus that starts
 * above it, or at the same address and ends after it (for a new device
 * of size 0: starts above it); so a device registered inside one already
 * there comes after it, and one registered first stays before the device
 * holding it. A range that wraps past 2^64 gets EINVAL, and past
 * VHV_IOBUS_MAX_DEVS devices (ioeventfds apart, as in KVM) ENOSPC.
 *
 * Lookup: KVM's, a binary search for a device holding the access, then back
 * to the first of the neighbours that hold it, O(log n); the array is
 * replaced whole on every change (under the bus's mutex) and the old one
 * freed only after an SRCU grace period of vm->srcu, which the abort path
 * holds across the lookup and the callbacks. In KVM's order the array is
 * not sorted for every pair of nested ranges, and the search can miss a
 * device that holds the access: vhv misses the same ones, so that an
 * access lands where it lands on KVM (Documentation/design.rst, "The MMIO
 * bus").
 *
 * Callbacks run in the faulting vCPU's thread: process context, preemptible,
 * with vcpu->mutex and an SRCU read lock of vm->srcu held. They may sleep
 * and take spinlocks and mutexes of their own, but must not take vm->lock,
 * vm->slots_lock or the bus's mutex, nor wait for vm->srcu: their owners
 * wait for vm->srcu while holding them. An access reaches a device only
 * with a valid syndrome (ISV = 1: 1, 2, 4 or 8 bytes), and only if it lies
 * wholly in the device's range (vhv_iobus_within() true for a size > 0).
 *
 * Values are the access's bytes as the guest put them on the bus, read as a
 * little-endian number (byte 0 of kvm_run.mmio.data is bits [7:0]), as KVM
 * hands them to its devices; the abort path converts from and to the
 * guest's register per SCTLR_EL1.EE/E0E, SSE and SF.
 *
 * Lifetime: once vhv_iobus_unregister() returns, no vCPU is inside the
 * device's callbacks and none will enter them: the owner may free it. A
 * device still registered when the VM is destroyed is its owner's to free
 * (no vCPU runs by then); the bus only frees its array.
 */
#ifndef VHV_MMU_IOBUS_H
#define VHV_MMU_IOBUS_H

#include <linux/mutex.h>
#include <linux/types.h>

struct vhv_vcpu;
struct vhv_vm;
struct vhv_dabt;
struct vhv_iobus_dev;

/* As KVM's NR_IOBUS_DEVS: devices on a bus, ioeventfds not counted. */
#define VHV_IOBUS_MAX_DEVS	1000

struct vhv_iobus_ops {
	/* true: done (a read sets *val); false: the VMM's, an MMIO exit. */
	bool (*read)(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		     unsigned int len, u64 *val);
	bool (*write)(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		      unsigned int len, u64 val);
};

struct vhv_iobus_dev {
	u64 base;
	u64 size;				/* 0: accesses starting at base */
	const struct vhv_iobus_ops *ops;	/* either callback may be NULL: not handled */
	bool uncounted;				/* not against VHV_IOBUS_MAX_DEVS (ioeventfds) */
};

struct vhv_iobus_table;

/* Per VM (vm->iobus). */
struct vhv_iobus {
	struct mutex lock;			/* changes; taken inside vm->lock */
	struct vhv_iobus_table __rcu *table;	/* read under vm->srcu */
	unsigned int nr_counted;
};

static inline bool vhv_iobus_within(const struct vhv_iobus_dev *dev, u64 addr, unsigned int len)
{
	return addr - dev->base < dev->size && len <= dev->size - (addr - dev->base);
}

void vhv_iobus_init(struct vhv_vm *vm);
/* VM destruction: frees the array (the devices are their owners'). */
void vhv_iobus_destroy(struct vhv_vm *vm);

/* Registers devs[0..n), in that order, all or none: 0, -EINVAL, -ENOSPC or -ENOMEM. */
int vhv_iobus_register(struct vhv_vm *vm, struct vhv_iobus_dev **devs, unsigned int n);
/*
 * 0, -ENOENT if dev is not on the bus, or -ENOMEM (dev stays registered).
 * Waits for the vCPUs inside the device's callbacks.
 */
int vhv_iobus_unregister(struct vhv_vm *vm, struct vhv_iobus_dev *dev);
/* devs[0..n) (distinct) all or none: 0, -ENOENT if one is not on the bus, -ENOMEM. */
int vhv_iobus_unregister_many(struct vhv_vm *vm, struct vhv_iobus_dev **devs, unsigned int n);

/*
 * The abort path (vm->srcu held): offers a data access with a valid
 * syndrome to the bus. true: a device handled it, the load's register is
 * written and the PC stepped; false: the VMM's.
 */
bool vhv_iobus_mmio(struct vhv_vcpu *vcpu, const struct vhv_dabt *d);

#endif /* VHV_MMU_IOBUS_H */
