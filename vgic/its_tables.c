// SPDX-License-Identifier: GPL-2.0
/*
 * What an ITS has mapped: devices (with their ITT's size and address),
 * their ITEs, collections; and translation through them. Every ID comes
 * from the guest (a command) or from guest memory (RESTORE_TABLES) and is
 * checked against GITS_TYPER's sizes and the tables' extents before it is
 * used; the tables' own entries are only read by vhv_its_check_id().
 * All with its->lock held.
 */
#include <linux/sizes.h>
#include <linux/slab.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/guest_mem.h"
#include "vgic/its.h"
#include "vgic/lpi.h"

/* GITS_BASER<n>: Valid [63], Indirect [62], PA [47:16] (+ [15:12] as PA [51:48]), Size [7:0]. */
#define BASER_INDIRECT		BIT_ULL(62)
#define BASER_NR_PAGES(b)	(((b) & 0xff) + 1)
#define L1E_VALID		BIT_ULL(63)
#define L1E_PA			GENMASK_ULL(51, 16)

static u64 baser_pa(u64 baser)
{
	return (baser & GENMASK_ULL(47, 16)) | (((baser >> 12) & 0xf) << 48);
}

bool vhv_its_check_id(struct vhv_its *its, u64 baser, u32 id, u64 *gpa)
{
	u64 size = BASER_NR_PAGES(baser) * SZ_64K, l1e, addr;
	u32 per_page = SZ_64K / VHV_ITS_ESZ;

	if (!(baser & BIT_ULL(63)))
		return false;
	if (!(baser & BASER_INDIRECT)) {
		if (id >= size / VHV_ITS_ESZ)
			return false;
		addr = baser_pa(baser) + (u64)id * VHV_ITS_ESZ;
	} else {
		/* Two levels: 8-byte L1 entries, each a 64 KB page of entries. */
		if (id / per_page >= size / sizeof(u64))
			return false;
		if (vhv_guest_read(its->vm, baser_pa(baser) + (id / per_page) * sizeof(u64),
				   &l1e, sizeof(l1e)))
			return false;
		l1e = le64_to_cpu(l1e);
		if (!(l1e & L1E_VALID))
			return false;
		addr = (l1e & L1E_PA) + (u64)(id % per_page) * VHV_ITS_ESZ;
	}
	if (gpa)
		*gpa = addr;
	return vhv_guest_visible(its->vm, addr);
}

struct its_dev *vhv_its_dev_alloc(struct vhv_its *its, u32 id, u64 itt, u8 nr_id_bits)
{
	struct its_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL_ACCOUNT);

	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->id = id;
	dev->itt = itt;
	dev->nr_id_bits = nr_id_bits;
	xa_init(&dev->ites);
	if (xa_insert(&its->devs, id, dev, GFP_KERNEL_ACCOUNT)) {
		kfree(dev);
		return ERR_PTR(-ENOMEM);
	}
	return dev;
}

void vhv_its_ite_free(struct vhv_its *its, struct its_dev *dev, struct its_ite *ite)
{
	xa_erase(&dev->ites, ite->event);
	/* Out of the cache first: no MSI reaches the LPI after it is unmapped. */
	vhv_its_cache_forget(its, dev->id, ite->event);
	vhv_lpi_unmap(its->vm, ite->lpi);
	kfree(ite);
}

/* Unmapping a device with ITEs is UNPREDICTABLE: its ITEs go too, as KVM. */
void vhv_its_dev_free(struct vhv_its *its, struct its_dev *dev)
{
	struct its_ite *ite;
	unsigned long event;

	xa_for_each(&dev->ites, event, ite) {
		vhv_its_ite_free(its, dev, ite);
		cond_resched();
	}
	xa_destroy(&dev->ites);
	xa_erase(&its->devs, dev->id);
	kfree(dev);
}

void vhv_its_free_devs(struct vhv_its *its)
{
	struct its_dev *dev;
	unsigned long id;

	vhv_its_cache_clear(its);
	xa_for_each(&its->devs, id, dev)
		vhv_its_dev_free(its, dev);
}

void vhv_its_free_colls(struct vhv_its *its)
{
	struct its_coll *coll;
	unsigned long id;

	xa_for_each(&its->colls, id, coll) {
		xa_erase(&its->colls, id);
		kfree(coll);
	}
}

void vhv_its_free_all(struct vhv_its *its)
{
	vhv_its_free_devs(its);
	vhv_its_free_colls(its);
}

struct its_coll *vhv_its_coll_alloc(struct vhv_its *its, u16 icid)
{
	struct its_coll *coll = kzalloc(sizeof(*coll), GFP_KERNEL_ACCOUNT);

	if (!coll)
		return ERR_PTR(-ENOMEM);
	coll->id = icid;
	coll->target = VHV_ITS_COLL_UNMAPPED;
	if (xa_insert(&its->colls, icid, coll, GFP_KERNEL_ACCOUNT)) {
		kfree(coll);
		return ERR_PTR(-ENOMEM);
	}
	return coll;
}

struct vhv_vcpu *vhv_its_coll_vcpu(struct vhv_its *its, u16 icid)
{
	struct its_coll *coll = xa_load(&its->colls, icid);

	return coll ? coll->vcpu : NULL;
}

int vhv_its_ite_add(struct vhv_its *its, struct its_dev *dev, u32 event, u16 icid, u32 intid)
{
	struct its_ite *ite = kzalloc(sizeof(*ite), GFP_KERNEL_ACCOUNT);
	struct vhv_lpi *lpi;

	if (!ite)
		return -ENOMEM;
	ite->event = event;
	ite->icid = icid;
	lpi = vhv_lpi_map(its->vm, intid, vhv_its_coll_vcpu(its, icid));
	if (IS_ERR(lpi)) {
		kfree(ite);
		return PTR_ERR(lpi);
	}
	ite->lpi = lpi;
	if (xa_insert(&dev->ites, event, ite, GFP_KERNEL_ACCOUNT)) {
		vhv_lpi_unmap(its->vm, lpi);
		kfree(ite);
		return -ENOMEM;
	}
	return 0;
}

struct its_ite *vhv_its_ite_find(struct vhv_its *its, u32 devid, u32 event)
{
	struct its_dev *dev = xa_load(&its->devs, devid);

	return dev ? xa_load(&dev->ites, event) : NULL;
}

/* O(ITEs of this ITS), in process context: MAPC is rare. */
void vhv_its_coll_retarget(struct vhv_its *its, u16 icid)
{
	struct vhv_vcpu *vcpu = vhv_its_coll_vcpu(its, icid);
	unsigned long devid, event;
	struct its_dev *dev;
	struct its_ite *ite;

	xa_for_each(&its->devs, devid, dev) {
		xa_for_each(&dev->ites, event, ite) {
			if (ite->icid == icid)
				vhv_lpi_set_target(its->vm, ite->lpi, vcpu);
			/* The guest chooses how many ITEs there are. */
			cond_resched();
		}
	}
}

/*
 * An MSI or INT: as KVM, -EBUSY when the ITS or the target's LPIs are
 * disabled, a positive "unmapped" when no ITE or collection translates it.
 */
int vhv_its_trigger(struct vhv_its *its, u32 devid, u32 eventid)
{
	struct vhv_vcpu *vcpu;
	struct its_ite *ite;

	lockdep_assert_held(&its->lock);
	if (!its->enabled)
		return -EBUSY;
	ite = vhv_its_ite_find(its, devid, eventid);
	if (!ite)
		return 1;
	vcpu = vhv_its_coll_vcpu(its, ite->icid);
	if (!vcpu)
		return 1;
	if (!vhv_lpis_enabled(vcpu))
		return -EBUSY;
	vhv_lpi_set_pending(its->vm, ite->lpi, true);
	return 0;
}
