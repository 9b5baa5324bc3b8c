// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IOEVENTFD, as arm64 KVM has it: MMIO writes of 1, 2, 4 or 8 bytes
 * (or any length: len 0) at an exact address, with or without a value to
 * match, signal an eventfd from the faulting vCPU's thread, and the guest
 * goes on; reads and writes that match nothing exit to the VMM.
 *
 * KVM's rules and errnos, in its order: a length other than 0, 1, 2, 4, 8,
 * a range that wraps, an unknown flag, or len 0 with DATAMATCH: EINVAL;
 * then the eventfd (EBADF, or EINVAL for a file that is not one); an
 * ioeventfd that could match the same write as one already assigned
 * (same address, and either of length 0, or the same length and either
 * without DATAMATCH or the same value): EEXIST. Deassign looks for the
 * same eventfd, address, length and DATAMATCH (and value): ENOENT if there
 * is none. The PIO and VIRTIO_CCW_NOTIFY flags name buses arm64 never
 * dispatches to: KVM takes such an ioeventfd (and refuses its duplicate),
 * and it never fires; so does vhv, keeping it off the MMIO bus.
 *
 * Each ioeventfd holds a reference on the eventfd's context
 * (eventfd_ctx_fdget()), so the VMM may close the file while it is
 * assigned: writes still signal the context, which nobody reads, and the
 * guest still does not exit, as in KVM; the reference goes on deassign or
 * with the VM.
 *
 * On the bus (mmu/iobus.h), each MMIO ioeventfd is a device of its own,
 * [addr, addr + len) (len 0: accesses that start at addr), as in KVM, so
 * that it takes its place among overlapping devices (a vGIC frame, a
 * coalesced zone) in KVM's order; it takes a write that starts at its
 * address, of its length and value. Such a device does not count against
 * VHV_IOBUS_MAX_DEVS: as in KVM, the number of ioeventfds is bounded by
 * the VMM's files and memory only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/uaccess.h>

#include "core/compat.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/iobus.h"
#include "mmu/ioeventfd.h"

/* Which bus the flags name, as KVM's ioeventfd_bus_from_flags(). */
enum io_space { SPACE_MMIO, SPACE_PIO, SPACE_CCW };

struct ioeventfd {
	struct vhv_iobus_dev dev;	/* [addr, addr + len), MMIO only */
	struct list_head all;		/* vm->ioeventfds.all */
	struct eventfd_ctx *eventfd;
	u64 addr;
	u64 datamatch;
	unsigned int len;		/* 0: any */
	bool wildcard;			/* no DATAMATCH */
	enum io_space space;
};

void vhv_ioeventfds_init(struct vhv_vm *vm)
{
	mutex_init(&vm->ioeventfds.lock);
	INIT_LIST_HEAD(&vm->ioeventfds.all);
}

/* KVM's test: a write of len bytes at addr whose value, read little-endian, is val. */
static bool matches(const struct ioeventfd *p, u64 addr, unsigned int len, u64 val)
{
	if (addr != p->addr)
		return false;
	if (!p->len)
		return true;
	if (len != p->len)
		return false;
	return p->wildcard || val == p->datamatch;
}

static bool ioeventfd_write(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
			    unsigned int len, u64 val)
{
	struct ioeventfd *p = container_of(dev, struct ioeventfd, dev);

	if (!matches(p, addr, len, val))
		return false;
	vhv_eventfd_signal(p->eventfd);
	return true;
}

/* No read callback: a read of the address goes on to the next device, as in KVM. */
static const struct vhv_iobus_ops ioeventfd_ops = { .write = ioeventfd_write };

static bool collides(const struct ioeventfd *a, const struct ioeventfd *b)
{
	return a->space == b->space && a->addr == b->addr &&
	       (!a->len || !b->len ||
		(a->len == b->len && (a->wildcard || b->wildcard || a->datamatch == b->datamatch)));
}

/*
 * With ioeventfds.lock: p off the bus (which waits for the vCPUs inside it)
 * and freed. Unregistering fails only for memory: p then stays assigned.
 */
static int detach_and_free(struct vhv_vm *vm, struct ioeventfd *p)
{
	if (p->space == SPACE_MMIO) {
		int ret = vhv_iobus_unregister(vm, &p->dev);

		if (ret)
			return ret;
	}
	list_del(&p->all);
	eventfd_ctx_put(p->eventfd);
	kfree(p);
	return 0;
}

static enum io_space space_of(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return SPACE_PIO;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return SPACE_CCW;
	return SPACE_MMIO;
}

static int check_args(const struct kvm_ioeventfd *args)
{
	switch (args->len) {
	case 0: case 1: case 2: case 4: case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~KVM_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;
	return 0;
}

static int assign(struct vhv_vm *vm, const struct kvm_ioeventfd *args)
{
	struct vhv_ioeventfds *io = &vm->ioeventfds;
	struct eventfd_ctx *eventfd;
	struct ioeventfd *p, *q;
	int ret = check_args(args);

	if (ret)
		return ret;
	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		eventfd_ctx_put(eventfd);
		return -ENOMEM;
	}
	*p = (struct ioeventfd) {
		.eventfd = eventfd, .addr = args->addr, .len = args->len,
		.wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH),
		.space = space_of(args->flags),
	};
	if (!p->wildcard)
		p->datamatch = args->datamatch;
	p->dev = (struct vhv_iobus_dev) {
		.base = p->addr, .size = p->len, .ops = &ioeventfd_ops, .uncounted = true,
	};
	mutex_lock(&io->lock);
	list_for_each_entry(q, &io->all, all) {
		if (collides(p, q)) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (p->space == SPACE_MMIO) {
		struct vhv_iobus_dev *dev = &p->dev;

		ret = vhv_iobus_register(vm, &dev, 1);
	}
	if (!ret)
		list_add_tail(&p->all, &io->all);
out:
	mutex_unlock(&io->lock);
	if (ret) {
		eventfd_ctx_put(eventfd);
		kfree(p);
	}
	return ret;
}

/* As KVM: the flags are not checked, only compared. */
static int deassign(struct vhv_vm *vm, const struct kvm_ioeventfd *args)
{
	struct vhv_ioeventfds *io = &vm->ioeventfds;
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	enum io_space space = space_of(args->flags);
	struct eventfd_ctx *eventfd;
	struct ioeventfd *p;
	int ret = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&io->lock);
	list_for_each_entry(p, &io->all, all) {
		if (p->space != space || p->eventfd != eventfd || p->addr != args->addr ||
		    p->len != args->len || p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != args->datamatch))
			continue;
		ret = detach_and_free(vm, p);
		break;
	}
	mutex_unlock(&io->lock);
	eventfd_ctx_put(eventfd);
	return ret;
}

int vhv_ioeventfd(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_ioeventfd args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return deassign(vm, &args);
	return assign(vm, &args);
}

/* No vCPU runs and no ioctl is in flight: nothing to unpublish. */
void vhv_ioeventfds_destroy(struct vhv_vm *vm)
{
	struct ioeventfd *p, *pn;

	list_for_each_entry_safe(p, pn, &vm->ioeventfds.all, all) {
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
}
