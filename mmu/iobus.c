// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel MMIO bus (mmu/iobus.h): a sorted array of devices per VM,
 * replaced whole under iobus->lock and read under vm->srcu, and the
 * abort path's offer of an access to it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/bsearch.h>
#include <linux/kvm.h>
#include <linux/swab.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#include "arm64/exits.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/iobus.h"
#include "mmu/mmio.h"
#include "mmu/mmu.h"

/*
 * The bytes of an access of len bytes in memory order, read little-endian,
 * from and to the register's value: a big-endian guest's bytes are those
 * of the register swapped (SCTLR_EL1.EE/E0E). Without loops: this is on
 * the path of every vGIC access.
 */
static u64 swap_len(u64 v, unsigned int len)
{
	switch (len) {
	case 2: return swab16(v);
	case 4: return swab32(v);
	case 8: return swab64(v);
	}
	return v;
}

static u64 len_mask(unsigned int len)
{
	return len == 8 ? ~0ULL : BIT_ULL(8 * len) - 1;
}

/* What a store of rt_val puts on the bus. */
static u64 store_val(const struct vhv_dabt *d, u64 rt_val, bool be)
{
	rt_val &= len_mask(d->len);
	return be ? swap_len(rt_val, d->len) : rt_val;
}

/* What a load of val from the bus puts in Rt: SSE, then SF. */
static u64 load_val(const struct vhv_dabt *d, u64 val, bool be)
{
	unsigned int bits = 8 * d->len;

	val &= len_mask(d->len);
	if (be)
		val = swap_len(val, d->len);
	if (d->sign_extend && bits < 64)
		val = sign_extend64(val, bits - 1);
	return d->reg64 ? val : (u32)val;
}

/* One device, with its range copied so that the search stays in the array. */
struct iobus_entry {
	u64 base;
	u64 size;			/* 0: the access must start at base */
	struct vhv_iobus_dev *dev;
};

struct vhv_iobus_table {
	unsigned int nr;
	struct iobus_entry e[];		/* in KVM's order, see cmp_range() */
};

static struct vhv_iobus_table *table_locked(struct vhv_vm *vm)
{
	return rcu_dereference_protected(vm->iobus.table, lockdep_is_held(&vm->iobus.lock));
}

void vhv_iobus_init(struct vhv_vm *vm)
{
	mutex_init(&vm->iobus.lock);
	RCU_INIT_POINTER(vm->iobus.table, NULL);
	vm->iobus.nr_counted = 0;
}

void vhv_iobus_destroy(struct vhv_vm *vm)
{
	kvfree(rcu_dereference_protected(vm->iobus.table, 1));
}

/* a->base + a->size > b->base + b->size, without wrapping, for a->base >= b->base. */
static bool ends_after(const struct iobus_entry *a, const struct iobus_entry *b)
{
	u64 d = a->base - b->base;

	return d > b->size || a->size > b->size - d;
}

/*
 * KVM's kvm_io_bus_cmp(), which both orders the bus and finds an access's
 * devices: a before b if it starts lower; otherwise a after b if it ends
 * later (b with a size) or starts later (b of size 0); else "equal". With
 * a the access and b a device, equal means the device holds the whole
 * access (a device of size 0: the access starts at its base).
 */
static int cmp_range(const void *pa, const void *pb)
{
	const struct iobus_entry *a = pa, *b = pb;

	if (a->base < b->base)
		return -1;
	if (b->size ? ends_after(a, b) : a->base > b->base)
		return 1;
	return 0;
}

/*
 * Where KVM puts a new device: before the first one that compares above
 * it, so a device registered before one that holds it stays first, and
 * one registered after a device holding it comes after it unless both
 * start at the same address (the shorter first).
 */
static unsigned int insert_pos(const struct vhv_iobus_table *t, const struct iobus_entry *n)
{
	unsigned int i;

	for (i = 0; t && i < t->nr; i++)
		if (cmp_range(&t->e[i], n) > 0)
			break;
	return i;
}

/*
 * Publishes new in place of the current table and frees that one once
 * no vCPU can still be searching it.
 */
static void publish(struct vhv_vm *vm, struct vhv_iobus_table *new)
{
	struct vhv_iobus_table *old = table_locked(vm);

	rcu_assign_pointer(vm->iobus.table, new);
	/* Expedited, as KVM's bus: a VMM registers ioeventfds by the dozen. */
	synchronize_srcu_expedited(&vm->srcu);
	kvfree(old);
}

static int check_new(struct vhv_vm *vm, struct vhv_iobus_dev **devs, unsigned int n,
		     unsigned int *counted)
{
	unsigned int i;

	*counted = 0;
	for (i = 0; i < n; i++) {
		const struct vhv_iobus_dev *d = devs[i];

		if (d->size && d->base + d->size - 1 < d->base)
			return -EINVAL;
		*counted += !d->uncounted;
	}
	/* As KVM: full once the devices other than ioeventfds reach the limit. */
	if (vm->iobus.nr_counted + *counted > VHV_IOBUS_MAX_DEVS)
		return -ENOSPC;
	return 0;
}

static void insert(struct vhv_iobus_table *t, struct vhv_iobus_dev *d)
{
	struct iobus_entry n = { .base = d->base, .size = d->size, .dev = d };
	unsigned int i = insert_pos(t, &n);

	memmove(&t->e[i + 1], &t->e[i], (t->nr - i) * sizeof(t->e[0]));
	t->e[i] = n;
	t->nr++;
}

int vhv_iobus_register(struct vhv_vm *vm, struct vhv_iobus_dev **devs, unsigned int n)
{
	struct vhv_iobus_table *old, *new;
	unsigned int i, counted, nr;
	int ret;

	mutex_lock(&vm->iobus.lock);
	ret = check_new(vm, devs, n, &counted);
	if (ret)
		goto out;
	old = table_locked(vm);
	nr = old ? old->nr : 0;
	new = kvmalloc(struct_size(new, e, nr + n), GFP_KERNEL_ACCOUNT);
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	new->nr = nr;
	if (nr)
		memcpy(new->e, old->e, nr * sizeof(old->e[0]));
	/* One at a time, in the caller's order, as KVM registers them. */
	for (i = 0; i < n; i++)
		insert(new, devs[i]);
	vm->iobus.nr_counted += counted;
	publish(vm, new);
out:
	mutex_unlock(&vm->iobus.lock);
	return ret;
}

static bool listed(struct vhv_iobus_dev *dev, struct vhv_iobus_dev **devs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (devs[i] == dev)
			return true;
	return false;
}

int vhv_iobus_unregister_many(struct vhv_vm *vm, struct vhv_iobus_dev **devs, unsigned int n)
{
	struct vhv_iobus_table *old, *new = NULL;
	unsigned int i, found = 0, counted = 0;
	int ret = 0;

	if (!n)
		return 0;
	mutex_lock(&vm->iobus.lock);
	old = table_locked(vm);
	for (i = 0; old && i < old->nr; i++) {
		if (listed(old->e[i].dev, devs, n)) {
			found++;
			counted += !old->e[i].dev->uncounted;
		}
	}
	if (found != n) {
		ret = -ENOENT;
		goto out;
	}
	if (old->nr > n) {
		new = kvmalloc(struct_size(new, e, old->nr - n), GFP_KERNEL_ACCOUNT);
		if (!new) {
			ret = -ENOMEM;
			goto out;
		}
		new->nr = 0;
		for (i = 0; i < old->nr; i++)
			if (!listed(old->e[i].dev, devs, n))
				new->e[new->nr++] = old->e[i];
	}
	vm->iobus.nr_counted -= counted;
	publish(vm, new);
out:
	mutex_unlock(&vm->iobus.lock);
	return ret;
}

int vhv_iobus_unregister(struct vhv_vm *vm, struct vhv_iobus_dev *dev)
{
	return vhv_iobus_unregister_many(vm, &dev, 1);
}

/*
 * The first device that holds the access, found as KVM finds it: a binary
 * search with cmp_range(), then back while the one before holds it too.
 * -1 if none; vm->srcu held.
 */
static int first_dev(const struct vhv_iobus_table *t, const struct iobus_entry *key)
{
	const struct iobus_entry *e;
	int i;

	if (!t)
		return -1;
	e = __inline_bsearch(key, t->e, t->nr, sizeof(t->e[0]), cmp_range);
	if (!e)
		return -1;
	i = e - t->e;
	while (i > 0 && !cmp_range(key, &t->e[i - 1]))
		i--;
	return i;
}

/* Offers the access to each device holding it, in order, until one takes it. */
static bool dispatch(struct vhv_vcpu *vcpu, const struct vhv_dabt *d, u64 *val)
{
	const struct vhv_iobus_table *t = srcu_dereference(vcpu->vm->iobus.table,
							   &vcpu->vm->srcu);
	const struct iobus_entry key = { .base = d->ipa, .size = d->len };
	int i = first_dev(t, &key);

	for (; i >= 0 && i < t->nr && !cmp_range(&key, &t->e[i]); i++) {
		struct vhv_iobus_dev *dev = t->e[i].dev;

		if (d->is_write ? dev->ops->write && dev->ops->write(vcpu, dev, d->ipa, d->len, *val)
				: dev->ops->read && dev->ops->read(vcpu, dev, d->ipa, d->len, val))
			return true;
	}
	return false;
}

bool vhv_iobus_mmio(struct vhv_vcpu *vcpu, const struct vhv_dabt *d)
{
	bool be;
	u64 val = 0;

	if (!d->isv)
		return false;
	be = vhv_mmio_guest_be(vcpu);
	if (d->is_write)
		val = store_val(d, d->rt == 31 ? 0 : vcpu->regs.regs.regs[d->rt], be);
	if (!dispatch(vcpu, d, &val))
		return false;
	if (!d->is_write && d->rt != 31)
		vcpu->regs.regs.regs[d->rt] = load_val(d, val, be);
	vhv_skip_instr(vcpu);
	return true;
}
