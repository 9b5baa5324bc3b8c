// SPDX-License-Identifier: GPL-2.0
/*
 * Where the vGIC's frames are: the distributor, and the redistributor
 * regions (KVM_DEV_ARM_VGIC_GRP_ADDR: DIST, the legacy REDIST, and
 * REDIST_REGION), with KVM's rules and errnos, and which vCPU's
 * redistributor sits at a guest address.
 *
 * A region holds `count` redistributors (two 64 KB frames each) from its
 * base; the legacy REDIST attribute makes region 0 with count 0, meaning
 * one per vCPU, however many there are. vCPUs get redistributors in
 * creation order, regions being filled in index order, so vCPU n sits in
 * the first region whose running total of counts exceeds n; a vCPU past
 * the total has none (and cannot run).
 *
 * Regions are only ever appended: an entry is complete before nr_rdregs
 * covers it (release), so the abort path reads them without a lock
 * (acquire). Writers hold vm->lock.
 */
#include <linux/kvm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/layout.h"
#include "vgic/vgic.h"

/* The REDIST_REGION attribute: count [63:52], base [51:16], flags [15:12], index [11:0]. */
#define RDREG_COUNT_SHIFT	52
#define RDREG_BASE_MASK		GENMASK_ULL(51, 16)
#define RDREG_FLAGS_MASK	GENMASK_ULL(15, 12)
#define RDREG_INDEX_MASK	GENMASK_ULL(11, 0)

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static unsigned int nr_rdregs(const struct vhv_vgic *gic)
{
	/* Pairs with add_region()'s release: the entries below are complete. */
	return smp_load_acquire(&gic->nr_rdregs);
}

/* A region's extent: a legacy one grows with the vCPUs. */
static u64 rdreg_len(const struct vhv_vgic_rdreg *r, unsigned int nr_vcpus)
{
	return (u64)(r->count ?: nr_vcpus) * VGIC_REDIST_SIZE;
}

/* KVM's checks of a frame's placement, in its order. */
static int check_range(struct vhv_vm *vm, u64 addr, u64 len)
{
	u64 ipa_end = BIT_ULL(vhv_vm_ipa_bits(vm));

	if (addr & (SZ_64K - 1))
		return -EINVAL;
	if (addr + len < addr)
		return -EINVAL;
	if (addr >= ipa_end || addr + len > ipa_end)
		return -E2BIG;
	return 0;
}

static bool overlaps_a_region(struct vhv_vm *vm, unsigned int nr_rd, u64 addr, u64 len)
{
	struct vhv_vgic *gic = vm->vgic;
	unsigned int i;

	for (i = 0; i < nr_rd; i++)
		if (ranges_overlap(addr, len, gic->rdregs[i].base,
				   rdreg_len(&gic->rdregs[i], vm->nr_vcpus)))
			return true;
	return false;
}

/* How many vCPUs region r holds when the regions before it hold first. */
static unsigned int region_held(const struct vhv_vgic_rdreg *r, unsigned int first,
				unsigned int nr_vcpus)
{
	unsigned int left = nr_vcpus - first;

	return r->count ? min(r->count, left) : left;
}

/* How many of the first nr_vcpus vCPUs have a redistributor. */
static unsigned int nr_placed(const struct vhv_vgic *gic, unsigned int nr_rd,
			      unsigned int nr_vcpus)
{
	unsigned int i, first = 0;

	for (i = 0; i < nr_rd && first < nr_vcpus; i++)
		first += region_held(&gic->rdregs[i], first, nr_vcpus);
	return first;
}

/* The first nr_rd regions inside the IPA space, the distributor apart. */
static bool layout_ok(struct vhv_vm *vm, unsigned int nr_rd)
{
	struct vhv_vgic *gic = vm->vgic;
	u64 dist = READ_ONCE(gic->dist_base);
	unsigned int i;

	for (i = 0; i < nr_rd; i++)
		if (check_range(vm, gic->rdregs[i].base,
				rdreg_len(&gic->rdregs[i], vm->nr_vcpus)))
			return false;
	if (dist == VHV_VGIC_ADDR_UNDEF)
		return true;
	return !overlaps_a_region(vm, nr_rd, dist, VGIC_DIST_SIZE);
}

bool vhv_vgic_frames_ok(struct vhv_vm *vm)
{
	return layout_ok(vm, nr_rdregs(vm->vgic));
}

bool vhv_vgic_new_vcpu_placed(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;

	return nr_placed(gic, gic->nr_rdregs, vm->nr_vcpus + 1) > vm->nr_vcpus;
}

bool vhv_vgic_all_placed(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	unsigned int nr = vhv_vm_nr_vcpus(vm);

	return nr_placed(gic, nr_rdregs(gic), nr) == nr;
}

static int set_dist(struct vhv_vm *vm, u64 addr)
{
	struct vhv_vgic *gic = vm->vgic;
	int ret;

	/* Not checked against the redistributors until a vCPU needs them. */
	if (gic->dist_base != VHV_VGIC_ADDR_UNDEF)
		return -EEXIST;
	ret = check_range(vm, addr, VGIC_DIST_SIZE);
	if (!ret)
		WRITE_ONCE(gic->dist_base, addr);
	return ret;
}

/* KVM's checks of a new region against the others, in its order. */
static int check_region(struct vhv_vm *vm, u32 index, u64 base, u32 count)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vhv_vgic_rdreg *last;
	u64 len = (u64)(count ?: vm->nr_vcpus) * VGIC_REDIST_SIZE;

	if (base + len < base)
		return -EINVAL;
	if (!gic->nr_rdregs) {
		if (index)
			return -EINVAL;
	} else {
		last = &gic->rdregs[gic->nr_rdregs - 1];
		/* The legacy attribute after regions, or twice. */
		if (!count)
			return last->count ? -EINVAL : -EEXIST;
		if (index != gic->nr_rdregs)
			return -EINVAL;
	}
	if (index >= VGIC_MAX_RDREGS)
		return -ENOSPC;
	if (!count && gic->dist_base != VHV_VGIC_ADDR_UNDEF &&
	    ranges_overlap(base, len, gic->dist_base, VGIC_DIST_SIZE))
		return -EINVAL;
	if (overlaps_a_region(vm, gic->nr_rdregs, base, len))
		return -EINVAL;
	return check_range(vm, base, len);
}

static int add_region(struct vhv_vm *vm, u32 index, u64 base, u32 count)
{
	struct vhv_vgic *gic = vm->vgic;
	unsigned int placed = nr_placed(gic, gic->nr_rdregs, vm->nr_vcpus);
	int ret = check_region(vm, index, base, count);

	if (ret)
		return ret;
	gic->rdregs[index].base = base;
	gic->rdregs[index].count = count;
	/*
	 * As KVM: a region that gives a waiting vCPU its redistributor is
	 * first checked with the rest of the layout (the distributor).
	 */
	if (nr_placed(gic, index + 1, vm->nr_vcpus) > placed && !layout_ok(vm, index + 1))
		return -EINVAL;
	/* The entry before the count that covers it; pairs with nr_rdregs(). */
	smp_store_release(&gic->nr_rdregs, index + 1);
	return 0;
}

static int redist_region_attr(struct vhv_vm *vm, u64 __user *uaddr, bool write)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vhv_vgic_rdreg *r;
	u64 val;
	u32 index;

	if (get_user(val, uaddr))
		return -EFAULT;
	index = val & RDREG_INDEX_MASK;
	if (write) {
		if (val & RDREG_FLAGS_MASK || !(val >> RDREG_COUNT_SHIFT))
			return -EINVAL;
		return add_region(vm, index, val & RDREG_BASE_MASK, val >> RDREG_COUNT_SHIFT);
	}
	if (index >= gic->nr_rdregs)
		return -ENOENT;
	r = &gic->rdregs[index];
	return put_user(r->base | (u64)r->count << RDREG_COUNT_SHIFT | index, uaddr);
}

int vhv_vgic_addr_attr(struct vhv_vm *vm, struct kvm_device_attr *attr, bool write)
{
	struct vhv_vgic *gic = vm->vgic;
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 addr;

	switch (attr->attr) {
	case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION:
		return redist_region_attr(vm, uaddr, write);
	case KVM_VGIC_V3_ADDR_TYPE_DIST:
	case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		break;
	default:
		return -ENXIO;
	}
	if (!write) {
		if (attr->attr == KVM_VGIC_V3_ADDR_TYPE_DIST)
			addr = gic->dist_base;
		else
			addr = gic->nr_rdregs ? gic->rdregs[0].base : VHV_VGIC_ADDR_UNDEF;
		return put_user(addr, uaddr);
	}
	if (get_user(addr, uaddr))
		return -EFAULT;
	if (attr->attr == KVM_VGIC_V3_ADDR_TYPE_DIST)
		return set_dist(vm, addr);
	return add_region(vm, 0, addr, 0);
}

/* ---- the guest's view ---- */

bool vhv_vgic_rd_base(struct vhv_vgic *gic, unsigned int idx, u64 *base)
{
	unsigned int i, n = nr_rdregs(gic), nr_vcpus = vhv_vm_nr_vcpus(gic->vm), first = 0;

	for (i = 0; i < n && first < nr_vcpus; i++) {
		const struct vhv_vgic_rdreg *r = &gic->rdregs[i];
		unsigned int here = region_held(r, first, nr_vcpus);

		if (idx < first + here) {
			*base = r->base + (u64)(idx - first) * VGIC_REDIST_SIZE;
			return true;
		}
		first += here;
	}
	return false;
}

/*
 * GICR_TYPER.Last, as KVM sets it: the last redistributor of its region
 * that has a vCPU, unless the region is full and another one with vCPUs
 * carries on right after it, which a guest walking frames would read as
 * one run.
 */
bool vhv_vgic_rd_is_last(struct vhv_vgic *gic, const struct vhv_vcpu *vcpu)
{
	unsigned int i, n = nr_rdregs(gic), nr_vcpus = vhv_vm_nr_vcpus(gic->vm);
	unsigned int first = 0, here = 0;
	const struct vhv_vgic_rdreg *r;
	u64 end;

	for (i = 0; i < n; i++, first += here) {
		here = region_held(&gic->rdregs[i], first, nr_vcpus);
		if (vcpu->idx < first + here)
			break;
	}
	/* Not placed (no redistributor), or not the last of its region. */
	if (i == n || vcpu->idx != first + here - 1)
		return false;
	r = &gic->rdregs[i];
	if (!r->count || here < r->count)
		return true;
	end = r->base + rdreg_len(r, nr_vcpus);
	for (i = 0, first = 0; i < n; i++, first += here) {
		here = region_held(&gic->rdregs[i], first, nr_vcpus);
		if (gic->rdregs[i].base == end && here)
			return false;
	}
	return true;
}
