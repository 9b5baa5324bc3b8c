// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO, as KVM has it on arm64: the VMM registers zones
 * (KVM_REGISTER_COALESCED_MMIO); a guest write that lies wholly inside
 * one is appended to the VM's ring (struct kvm_coalesced_mmio_ring, one
 * page, mapped through every vCPU fd at page 1) and the guest goes on;
 * reads, and writes that find the ring full, exit to the VMM as usual.
 * The VMM must drain the ring before it handles an exit (and whenever it
 * wants the device's state), since the ring holds writes the guest made
 * before the access that exited.
 *
 * The ring: the kernel writes entries at `last` and advances it; the VMM
 * reads from `first` and advances it. One entry stays unused, so `last`
 * one behind `first` is full. Both indexes live in memory the VMM can
 * write at any time: the kernel reads each once (READ_ONCE), refuses an
 * out-of-range `last` (as KVM, which then exits), and never indexes with
 * `first`. An entry is complete before `last` moves past it: smp_wmb()
 * (DMB ISHST) orders the entry's stores before the store of `last` for
 * every observer (Arm ARM B2.3, "ordering of memory accesses": without a
 * barrier another observer, the VMM's thread on another CPU, may see the
 * two stores in either order); the VMM pairs it with a read barrier
 * between reading `last` and reading the entries. The entry slot at
 * `last` is written only after the load of `first` that found room, and
 * arm64 does not make a store visible before a load it depends on by
 * control (the full check) completes, so an entry the VMM has not
 * released yet is never overwritten.
 *
 * Writers are vCPUs (the bus callback, process context) under ring_lock.
 * Zones: KVM's pio flag (0 or 1, EINVAL otherwise) is taken as arm64 KVM
 * takes it: a PIO zone goes on a bus no arm64 vCPU uses, so it is kept,
 * unregistered like the others, and never fills the ring. A zone of size 0
 * goes on the MMIO bus, as in KVM, and never holds a write.
 *
 * Unregistering takes away every zone of the same kind that holds the
 * whole range given, and answers 0 whether any did or not, as KVM 6.12.
 * It is all or nothing: the zones go off the bus in one change of the
 * bus's array, allocated before anything else changes, so no memory gives
 * ENOMEM and leaves every zone in place (KVM answers 0 there, having taken
 * every device off its bus).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/coalesced.h"
#include "mmu/iobus.h"

/* KVM_COALESCED_MMIO_MAX of the kernel's page size: 127 with 4 KB pages. */
#define RING_MAX	((PAGE_SIZE - sizeof(struct kvm_coalesced_mmio_ring)) / \
			 sizeof(struct kvm_coalesced_mmio))

struct coalesced_zone {
	struct vhv_iobus_dev dev;	/* the zone, for MMIO zones */
	struct list_head node;		/* vm->coalesced.zones */
	struct kvm_coalesced_mmio_zone z;
	bool on_bus;
};

int vhv_coalesced_init(struct vhv_vm *vm)
{
	struct vhv_coalesced *c = &vm->coalesced;

	c->ring = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!c->ring)
		return -ENOMEM;
	spin_lock_init(&c->ring_lock);
	mutex_init(&c->lock);
	INIT_LIST_HEAD(&c->zones);
	c->nr_off_bus = 0;
	return 0;
}

struct page *vhv_coalesced_ring_page(struct vhv_vm *vm)
{
	return virt_to_page(vm->coalesced.ring);
}

static bool zone_write(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		       unsigned int len, u64 val)
{
	struct vhv_coalesced *c = &vcpu->vm->coalesced;
	struct kvm_coalesced_mmio_ring *ring = c->ring;
	struct kvm_coalesced_mmio *e;
	unsigned int i;
	u32 insert;

	if (!vhv_iobus_within(dev, addr, len))
		return false;
	spin_lock(&c->ring_lock);
	insert = READ_ONCE(ring->last);
	if (insert >= RING_MAX || (insert + 1) % RING_MAX == READ_ONCE(ring->first)) {
		spin_unlock(&c->ring_lock);
		return false;	/* full (or last broken by the VMM): an exit */
	}
	e = &ring->coalesced_mmio[insert];
	e->phys_addr = addr;
	e->len = len;
	e->pio = 0;
	for (i = 0; i < sizeof(e->data); i++)
		e->data[i] = i < len ? val >> (8 * i) : 0;
	/* The entry, then the index that hands it over (see the top). */
	smp_wmb();
	WRITE_ONCE(ring->last, (insert + 1) % RING_MAX);
	spin_unlock(&c->ring_lock);
	return true;
}

static const struct vhv_iobus_ops zone_ops = { .write = zone_write };

static int zone_register(struct vhv_vm *vm, const struct kvm_coalesced_mmio_zone *z)
{
	struct vhv_coalesced *c = &vm->coalesced;
	struct vhv_iobus_dev *dev;
	struct coalesced_zone *zn;
	int ret = 0;

	if (z->pio != 0 && z->pio != 1)
		return -EINVAL;
	zn = kzalloc(sizeof(*zn), GFP_KERNEL_ACCOUNT);
	if (!zn)
		return -ENOMEM;
	zn->z = *z;
	zn->dev = (struct vhv_iobus_dev) { .base = z->addr, .size = z->size, .ops = &zone_ops };
	mutex_lock(&c->lock);
	if (!z->pio) {
		dev = &zn->dev;
		ret = vhv_iobus_register(vm, &dev, 1);
		zn->on_bus = !ret;
	} else if (c->nr_off_bus >= VHV_IOBUS_MAX_DEVS) {
		ret = -ENOSPC;	/* KVM's PIO bus is as full as its MMIO bus would be */
	} else {
		c->nr_off_bus++;
	}
	if (!ret)
		list_add_tail(&zn->node, &c->zones);
	mutex_unlock(&c->lock);
	if (ret)
		kfree(zn);
	return ret;
}

/* KVM's test: [addr, addr + len) lies in the zone; len is an int there. */
static bool zone_holds(const struct kvm_coalesced_mmio_zone *z, u64 addr, u32 size)
{
	s32 len = size;

	return len >= 0 && addr + len >= addr && addr >= z->addr &&
	       addr + len <= z->addr + z->size;
}

static bool unregistering(const struct coalesced_zone *zn,
			  const struct kvm_coalesced_mmio_zone *z)
{
	return zn->z.pio == z->pio && zone_holds(&zn->z, z->addr, z->size);
}

/* The MMIO zones that go, off the bus at once: 0 or -ENOMEM (nothing changed). */
static int zones_off_bus(struct vhv_vm *vm, const struct kvm_coalesced_mmio_zone *z)
{
	struct coalesced_zone *zn;
	struct vhv_iobus_dev **devs;
	unsigned int n = 0;
	int ret;

	list_for_each_entry(zn, &vm->coalesced.zones, node)
		n += zn->on_bus && unregistering(zn, z);
	if (!n)
		return 0;
	devs = kvmalloc_array(n, sizeof(*devs), GFP_KERNEL_ACCOUNT);
	if (!devs)
		return -ENOMEM;
	n = 0;
	list_for_each_entry(zn, &vm->coalesced.zones, node)
		if (zn->on_bus && unregistering(zn, z))
			devs[n++] = &zn->dev;
	ret = vhv_iobus_unregister_many(vm, devs, n);
	kvfree(devs);
	return ret;
}

/* As KVM 6.12 (see the top), all or nothing. */
static int zone_unregister(struct vhv_vm *vm, const struct kvm_coalesced_mmio_zone *z)
{
	struct vhv_coalesced *c = &vm->coalesced;
	struct coalesced_zone *zn, *tmp;
	int ret;

	if (z->pio != 0 && z->pio != 1)
		return -EINVAL;
	mutex_lock(&c->lock);
	ret = zones_off_bus(vm, z);
	if (!ret) {
		list_for_each_entry_safe(zn, tmp, &c->zones, node) {
			if (!unregistering(zn, z))
				continue;
			c->nr_off_bus -= !zn->on_bus;
			list_del(&zn->node);
			kfree(zn);
		}
	}
	mutex_unlock(&c->lock);
	return ret;
}

int vhv_coalesced_ioctl(struct vhv_vm *vm, unsigned int ioctl, void __user *argp)
{
	struct kvm_coalesced_mmio_zone z;

	if (copy_from_user(&z, argp, sizeof(z)))
		return -EFAULT;
	if (ioctl == KVM_REGISTER_COALESCED_MMIO)
		return zone_register(vm, &z);
	return zone_unregister(vm, &z);
}

/* No vCPU runs: the zones go with the VM; the ring page with its last mapping. */
void vhv_coalesced_destroy(struct vhv_vm *vm)
{
	struct coalesced_zone *zn, *tmp;

	list_for_each_entry_safe(zn, tmp, &vm->coalesced.zones, node)
		kfree(zn);
	free_page((unsigned long)vm->coalesced.ring);
}
