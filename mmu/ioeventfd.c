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
 * On the bus (mmu/iobus.h), all the ioeventfds of one MMIO address are one
 * device one byte long at that address (KVM matches on the start address
 * only, so ioeventfds at 0x1000 and 0x1004 with length 8 can coexist): the
 * device's list of ioeventfds is read under vm->srcu and changed under
 * ioeventfds.lock, an entry freed only after an SRCU grace period. Such a
 * device does not count against VHV_IOBUS_MAX_DEVS: as in KVM, the
 * number of ioeventfds is bounded by the VMM's files and memory only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/kvm.h>
#include <linux/rculist.h>
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

struct ioeventfd_group;

struct ioeventfd {
	struct list_head all;		/* vm->ioeventfds.all */
	struct list_head in_group;	/* group->rules, read under vm->srcu */
	struct ioeventfd_group *group;	/* NULL off the MMIO bus */
	struct eventfd_ctx *eventfd;
	u64 addr;
	u64 datamatch;
	unsigned int len;		/* 0: any */
	bool wildcard;			/* no DATAMATCH */
	enum io_space space;
};

/* The ioeventfds of one MMIO address: one device on the bus. */
struct ioeventfd_group {
	struct vhv_iobus_dev dev;	/* [addr, addr + 1) */
	struct list_head rules;
	struct list_head node;		/* vm->ioeventfds.groups */
};

void vhv_ioeventfds_init(struct vhv_vm *vm)
{
	mutex_init(&vm->ioeventfds.lock);
	INIT_LIST_HEAD(&vm->ioeventfds.all);
	INIT_LIST_HEAD(&vm->ioeventfds.groups);
}

/* A write of len bytes whose value, read little-endian, is val. */
static bool matches(const struct ioeventfd *p, unsigned int len, u64 val)
{
	if (!p->len)
		return true;
	if (len != p->len)
		return false;
	return p->wildcard || val == p->datamatch;
}

/*
 * The bus hands over accesses whose first byte is the group's address,
 * which is all KVM matches on. The assignment rules leave at most one
 * ioeventfd that matches a given write.
 */
static bool group_write(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
			unsigned int len, u64 val)
{
	struct ioeventfd_group *g = container_of(dev, struct ioeventfd_group, dev);
	struct ioeventfd *p;

	list_for_each_entry_srcu(p, &g->rules, in_group, srcu_read_lock_held(&vcpu->vm->srcu)) {
		if (matches(p, len, val)) {
			vhv_eventfd_signal(p->eventfd);
			return true;
		}
	}
	return false;
}

/* No read callback: a read of the address exits to the VMM, as in KVM. */
static const struct vhv_iobus_ops group_ops = { .write = group_write };

static bool collides(const struct ioeventfd *a, const struct ioeventfd *b)
{
	return a->space == b->space && a->addr == b->addr &&
	       (!a->len || !b->len ||
		(a->len == b->len && (a->wildcard || b->wildcard || a->datamatch == b->datamatch)));
}

static struct ioeventfd_group *group_at(struct vhv_vm *vm, u64 addr)
{
	struct ioeventfd_group *g;

	list_for_each_entry(g, &vm->ioeventfds.groups, node)
		if (g->dev.base == addr)
			return g;
	return NULL;
}

/* With ioeventfds.lock: p into its address's group, made if need be. */
static int attach(struct vhv_vm *vm, struct ioeventfd *p)
{
	struct ioeventfd_group *g = group_at(vm, p->addr);
	struct vhv_iobus_dev *dev;
	int ret;

	if (g) {
		p->group = g;
		list_add_tail_rcu(&p->in_group, &g->rules);
		return 0;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	g->dev = (struct vhv_iobus_dev) {
		.base = p->addr, .size = 1, .ops = &group_ops, .uncounted = true,
	};
	INIT_LIST_HEAD(&g->rules);
	list_add_tail(&p->in_group, &g->rules);
	dev = &g->dev;
	ret = vhv_iobus_register(vm, &dev, 1);
	if (ret) {
		kfree(g);
		return ret;
	}
	p->group = g;
	list_add_tail(&g->node, &vm->ioeventfds.groups);
	return 0;
}

/* With ioeventfds.lock: p out of its group, and freed once no vCPU sees it. */
static void detach_and_free(struct vhv_vm *vm, struct ioeventfd *p)
{
	struct ioeventfd_group *g = p->group;

	list_del(&p->all);
	if (g) {
		list_del_rcu(&p->in_group);
		/*
		 * The last one takes its device off the bus, which waits for
		 * the vCPUs inside it; if that fails (no memory), the empty
		 * group stays there, matching nothing, for the next one.
		 */
		if (list_empty(&g->rules) && !vhv_iobus_unregister(vm, &g->dev)) {
			list_del(&g->node);
			kfree(g);
		} else {
			synchronize_srcu_expedited(&vm->srcu);
		}
	}
	eventfd_ctx_put(p->eventfd);
	kfree(p);
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
	mutex_lock(&io->lock);
	list_for_each_entry(q, &io->all, all) {
		if (collides(p, q)) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (p->space == SPACE_MMIO)
		ret = attach(vm, p);
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
		detach_and_free(vm, p);
		ret = 0;
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
	struct ioeventfd_group *g, *gn;
	struct ioeventfd *p, *pn;

	list_for_each_entry_safe(p, pn, &vm->ioeventfds.all, all) {
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	list_for_each_entry_safe(g, gn, &vm->ioeventfds.groups, node)
		kfree(g);
}
