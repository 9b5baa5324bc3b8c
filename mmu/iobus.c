// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel MMIO bus (mmu/iobus.h): a sorted array of devices per VM,
 * replaced whole under iobus->lock and read under vm->srcu, and the
 * abort path's offer of an access to it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
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
	u64 size;
	struct vhv_iobus_dev *dev;
};

struct vhv_iobus_table {
	unsigned int nr;
	struct iobus_entry e[];		/* by base, ranges disjoint */
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

/* The index of the first entry whose base is above addr (0..nr). */
static unsigned int first_above(const struct vhv_iobus_table *t, u64 addr)
{
	unsigned int lo = 0, hi = t ? t->nr : 0;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (t->e[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool overlaps(const struct vhv_iobus_table *t, u64 base, u64 size)
{
	unsigned int i = first_above(t, base);

	/* The entry at or below base, and the first above it. */
	if (i && base - t->e[i - 1].base < t->e[i - 1].size)
		return true;
	return t && i < t->nr && t->e[i].base - base < size;
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
	const struct vhv_iobus_table *t = table_locked(vm);
	unsigned int i, j;

	*counted = 0;
	for (i = 0; i < n; i++) {
		const struct vhv_iobus_dev *d = devs[i];

		if (!d->size || d->base + d->size - 1 < d->base)
			return -EINVAL;
		if (overlaps(t, d->base, d->size))
			return -EEXIST;
		for (j = 0; j < i; j++)
			if (d->base - devs[j]->base < devs[j]->size ||
			    devs[j]->base - d->base < d->size)
				return -EEXIST;
		*counted += !d->uncounted;
	}
	/* As KVM: full once the devices other than ioeventfds reach the limit. */
	if (vm->iobus.nr_counted + *counted > VHV_IOBUS_MAX_DEVS)
		return -ENOSPC;
	return 0;
}

static void insert(struct vhv_iobus_table *t, struct vhv_iobus_dev *d)
{
	unsigned int i = first_above(t, d->base);

	memmove(&t->e[i + 1], &t->e[i], (t->nr - i) * sizeof(t->e[0]));
	t->e[i] = (struct iobus_entry) { .base = d->base, .size = d->size, .dev = d };
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
	for (i = 0; i < n; i++)
		insert(new, devs[i]);
	vm->iobus.nr_counted += counted;
	publish(vm, new);
out:
	mutex_unlock(&vm->iobus.lock);
	return ret;
}

int vhv_iobus_unregister(struct vhv_vm *vm, struct vhv_iobus_dev *dev)
{
	struct vhv_iobus_table *old, *new = NULL;
	unsigned int i;
	int ret = -ENOENT;

	mutex_lock(&vm->iobus.lock);
	old = table_locked(vm);
	i = first_above(old, dev->base);
	if (!i || old->e[i - 1].dev != dev)
		goto out;
	i--;
	if (old->nr > 1) {
		new = kvmalloc(struct_size(new, e, old->nr - 1), GFP_KERNEL_ACCOUNT);
		if (!new) {
			ret = -ENOMEM;
			goto out;
		}
		new->nr = old->nr - 1;
		memcpy(new->e, old->e, i * sizeof(old->e[0]));
		memcpy(&new->e[i], &old->e[i + 1], (old->nr - i - 1) * sizeof(old->e[0]));
	}
	vm->iobus.nr_counted -= !dev->uncounted;
	publish(vm, new);
	ret = 0;
out:
	mutex_unlock(&vm->iobus.lock);
	return ret;
}

/* The device whose range holds addr, or NULL; vm->srcu held. */
static struct vhv_iobus_dev *find(struct vhv_vm *vm, u64 addr)
{
	const struct vhv_iobus_table *t = srcu_dereference(vm->iobus.table, &vm->srcu);
	unsigned int i = first_above(t, addr);

	if (!i || addr - t->e[i - 1].base >= t->e[i - 1].size)
		return NULL;
	return t->e[i - 1].dev;
}

bool vhv_iobus_mmio(struct vhv_vcpu *vcpu, const struct vhv_dabt *d)
{
	struct vhv_iobus_dev *dev;
	bool be, done;
	u64 val = 0;

	if (!d->isv)
		return false;
	dev = find(vcpu->vm, d->ipa);
	if (!dev)
		return false;
	be = vhv_mmio_guest_be(vcpu);
	if (d->is_write) {
		val = store_val(d, d->rt == 31 ? 0 : vcpu->regs.regs.regs[d->rt], be);
		done = dev->ops->write && dev->ops->write(vcpu, dev, d->ipa, d->len, val);
	} else {
		done = dev->ops->read && dev->ops->read(vcpu, dev, d->ipa, d->len, &val);
		if (done && d->rt != 31)
			vcpu->regs.regs.regs[d->rt] = load_val(d, val, be);
	}
	if (done)
		vhv_skip_instr(vcpu);
	return done;
}
