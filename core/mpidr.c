// SPDX-License-Identifier: GPL-2.0
/*
 * From an MPIDR_EL1 affinity to the vCPU that has it: the one lookup of
 * the module (PSCI's CPU_ON and AFFINITY_INFO, the vGIC's SPI routes and
 * SGI target lists, the VMM's vGIC attributes).
 *
 * A VM keeps its vCPUs' affinities in an array sorted by affinity, then by
 * creation order, so that a lookup is a binary search: O(log vCPUs), cheap
 * enough for the vGIC's raw spinlock and the run window. The array is
 * rebuilt whole, under vm->lock, when a vCPU is created or the VMM writes
 * a vCPU's MPIDR_EL1, and published with RCU; lookups take no lock. When
 * several vCPUs share an affinity (the VMM's choice), the first created
 * answers for it.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <asm/cputype.h>

#include "core/mpidr.h"
#include "core/vcpu.h"
#include "core/vm.h"

struct vhv_mpidr_ent {
	u32 aff;	/* Aff3.Aff2.Aff1.Aff0 */
	u32 idx;	/* in vm->vcpus */
};

struct vhv_mpidr_map {
	struct rcu_head rcu;
	unsigned int nr;
	struct vhv_mpidr_ent ent[];
};

/* MPIDR_EL1's affinity fields packed into 32 bits, as GICR_TYPER has them. */
static u32 mpidr_aff(u64 mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
}

struct vhv_mpidr_map *vhv_mpidr_map_alloc(unsigned int nr)
{
	struct vhv_mpidr_map *map;

	return kvmalloc(struct_size(map, ent, nr), GFP_KERNEL_ACCOUNT);
}

void vhv_mpidr_map_free(struct vhv_mpidr_map *map)
{
	kvfree(map);
}

static int cmp_ent(const void *a, const void *b)
{
	const struct vhv_mpidr_ent *x = a, *y = b;

	if (x->aff != y->aff)
		return x->aff < y->aff ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * With vm->lock: fills map (room for nr) from vm->vcpus[0..nr) as their
 * MPIDR_EL1 values stand, and publishes it in place of the old one.
 */
void vhv_mpidr_map_publish(struct vhv_vm *vm, struct vhv_mpidr_map *map, unsigned int nr)
{
	struct vhv_mpidr_map *old;
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < nr; i++)
		map->ent[i] = (struct vhv_mpidr_ent){
			.aff = mpidr_aff(vm->vcpus[i]->sys[VHV_SR_MPIDR_EL1]),
			.idx = i,
		};
	map->nr = nr;
	sort(map->ent, nr, sizeof(map->ent[0]), cmp_ent, NULL);
	old = rcu_replace_pointer(vm->mpidr_map, map, lockdep_is_held(&vm->lock));
	if (old)
		kvfree_rcu(old, rcu);
}

/* VM destruction: no lookup can run any more. */
void vhv_mpidr_map_destroy(struct vhv_vm *vm)
{
	kvfree(rcu_dereference_protected(vm->mpidr_map, true));
}

/* The first entry at or after aff; map->nr if none. */
static unsigned int lower_bound(const struct vhv_mpidr_map *map, u32 aff)
{
	unsigned int lo = 0, hi = map->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (map->ent[mid].aff < aff)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vhv_vcpu *vhv_vcpu_by_mpidr(struct vhv_vm *vm, u64 mpidr)
{
	const struct vhv_mpidr_map *map;
	struct vhv_vcpu *vcpu = NULL;
	unsigned int i;

	if (mpidr & ~MPIDR_HWID_BITMASK)
		return NULL;
	rcu_read_lock();
	map = rcu_dereference(vm->mpidr_map);
	if (map) {
		i = lower_bound(map, mpidr_aff(mpidr));
		/* Entries are published after their vCPU is in vm->vcpus. */
		if (i < map->nr && map->ent[i].aff == mpidr_aff(mpidr))
			vcpu = READ_ONCE(vm->vcpus[map->ent[i].idx]);
	}
	rcu_read_unlock();
	return vcpu;
}
