// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_ARM_ITS_SAVE_TABLES and _RESTORE_TABLES in KVM's table ABI
 * revision 0 (Documentation/virt/kvm/devices/arm-vgic-its.rst), so that
 * QEMU migrates an ITS between KVM and vhv:
 *   DTE (8 bytes): Valid [63], Next [62:49], ITT_addr [48:5] (>> 8), Size [4:0]
 *   ITE (8 bytes): Next [63:48], pINTID [47:16], ICID [15:0]
 *   CTE (8 bytes): Valid [63], RDBase [51:16] (a vCPU id), ICID [15:0]
 * Device entries sit at their DeviceID in the device table (flat or two
 * levels), ITEs at their EventID in the device's ITT; the collection
 * table is a packed list ended by an invalid entry.
 *
 * Restoring treats every entry as hostile: each ID is checked as the
 * command that maps it would check it, each walk is bounded by the
 * table's size (BASER.Size, 2^Size EventIDs), and a bad entry fails the
 * restore with EINVAL and frees what it had restored, as KVM.
 */
#include <linux/bitfield.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/guest_mem.h"
#include "vgic/its.h"
#include "vgic/lpi.h"

#define DTE_VALID		BIT_ULL(63)
#define DTE_NEXT		GENMASK_ULL(62, 49)
#define DTE_ITT			GENMASK_ULL(48, 5)
#define DTE_SIZE		GENMASK_ULL(4, 0)
#define ITE_NEXT		GENMASK_ULL(63, 48)
#define ITE_PINTID		GENMASK_ULL(47, 16)
#define ITE_ICID		GENMASK_ULL(15, 0)
#define CTE_VALID		BIT_ULL(63)
#define CTE_RDBASE		GENMASK_ULL(51, 16)
#define CTE_ICID		GENMASK_ULL(15, 0)
#define L1E_VALID		BIT_ULL(63)
#define L1E_PA			GENMASK_ULL(51, 16)
#define BASER_VALID		BIT_ULL(63)
#define BASER_INDIRECT		BIT_ULL(62)
#define NR_PAGES(b)		(((b) & 0xff) + 1)

static u64 baser_pa(u64 baser)
{
	return (baser & GENMASK_ULL(47, 16)) | (((baser >> 12) & 0xf) << 48);
}

static int put_entry(struct vhv_its *its, u64 gpa, u64 val)
{
	__le64 v = cpu_to_le64(val);

	return vhv_guest_write(its->vm, gpa, &v, sizeof(v));
}

static int get_entry(struct vhv_its *its, u64 gpa, u64 *val)
{
	__le64 v;
	int ret = vhv_guest_read(its->vm, gpa, &v, sizeof(v));

	*val = le64_to_cpu(v);
	return ret;
}

/* The distance to the next mapped ID, capped to what the field holds. */
static u64 next_id(struct xarray *xa, unsigned long id, unsigned long cap)
{
	unsigned long next = id + 1;

	if (!xa_find(xa, &next, ULONG_MAX, XA_PRESENT))
		return 0;
	return min(next - id, cap);
}

static int save_dev(struct vhv_its *its, struct its_dev *dev)
{
	struct its_ite *ite;
	unsigned long event;
	u64 gpa, val;
	int ret;

	xa_for_each(&dev->ites, event, ite) {
		val = FIELD_PREP(ITE_NEXT, next_id(&dev->ites, event, 0xffff)) |
		      FIELD_PREP(ITE_PINTID, ite->lpi->irq.intid) | ite->icid;
		ret = put_entry(its, dev->itt + event * VHV_ITS_ESZ, val);
		if (ret)
			return ret;
	}
	if (!vhv_its_check_id(its, its->baser_dev, dev->id, &gpa))
		return -EINVAL;
	val = DTE_VALID | FIELD_PREP(DTE_NEXT, next_id(&its->devs, dev->id, 0x3fff)) |
	      FIELD_PREP(DTE_ITT, dev->itt >> 8) | (dev->nr_id_bits - 1);
	return put_entry(its, gpa, val);
}

static int save_colls(struct vhv_its *its)
{
	u64 gpa = baser_pa(its->baser_coll), end = gpa + NR_PAGES(its->baser_coll) * SZ_64K;
	struct its_coll *coll;
	unsigned long icid;
	int ret;

	if (!(its->baser_coll & BASER_VALID))
		return 0;
	xa_for_each(&its->colls, icid, coll) {
		if (gpa >= end)
			return -EINVAL;
		ret = put_entry(its, gpa, CTE_VALID | FIELD_PREP(CTE_RDBASE, coll->target) | icid);
		if (ret)
			return ret;
		gpa += VHV_ITS_ESZ;
	}
	return gpa < end ? put_entry(its, gpa, 0) : 0;
}

int vhv_its_save_tables(struct vhv_its *its)
{
	struct its_dev *dev;
	unsigned long id;
	int ret;

	if (its->baser_dev & BASER_VALID) {
		xa_for_each(&its->devs, id, dev) {
			ret = save_dev(its, dev);
			if (ret)
				return ret;
			cond_resched();
		}
	}
	return save_colls(its);
}

/* One ITE: 0 invalid, >0 the offset to the next, <0 an error. */
static int restore_ite(struct vhv_its *its, struct its_dev *dev, u32 event, u64 val)
{
	u32 intid = FIELD_GET(ITE_PINTID, val), next = FIELD_GET(ITE_NEXT, val);
	u16 icid = FIELD_GET(ITE_ICID, val);
	int ret;

	if (!intid)
		return 1;
	/* The collection must have been restored, as KVM requires. */
	if (intid < VHV_LPI_BASE || intid >= BIT(VHV_LPI_ID_BITS) ||
	    event + (u64)next >= BIT_ULL(dev->nr_id_bits) || !xa_load(&its->colls, icid))
		return -EINVAL;
	ret = vhv_its_ite_add(its, dev, event, icid, intid);
	if (ret)
		return ret;
	return next ? next : 0;
}

static int restore_itt(struct vhv_its *its, struct its_dev *dev)
{
	u64 n = BIT_ULL(dev->nr_id_bits), val, event = 0;
	int ret;

	while (event < n) {
		ret = get_entry(its, dev->itt + event * VHV_ITS_ESZ, &val);
		if (!ret)
			ret = restore_ite(its, dev, event, val);
		if (ret <= 0)
			return ret;
		event += ret;
		cond_resched();
	}
	return 0;
}

/* One DTE: as restore_ite(). */
static int restore_dte(struct vhv_its *its, u64 id, u64 val)
{
	u8 bits = FIELD_GET(DTE_SIZE, val) + 1;
	struct its_dev *dev;
	int ret;

	if (!(val & DTE_VALID))
		return 1;
	if (bits > VHV_ITS_IDBITS || id >= BIT(VHV_ITS_DEVBITS) || xa_load(&its->devs, id) ||
	    !vhv_its_check_id(its, its->baser_dev, id, NULL))
		return -EINVAL;
	dev = vhv_its_dev_alloc(its, id, FIELD_GET(DTE_ITT, val) << 8, bits);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ret = restore_itt(its, dev);
	if (ret < 0) {
		vhv_its_dev_free(its, dev);
		return ret;
	}
	return FIELD_GET(DTE_NEXT, val) ?: 0;
}

/*
 * Entries from gpa, first ID first_id, at most n of them. 0 or -errno.
 * IDs are 64-bit: an L1 entry far in a 16 MB level-1 table starts at an
 * ID beyond 32 bits, which a valid DTE there then names (EINVAL).
 */
static int scan_dtes(struct vhv_its *its, u64 gpa, u64 first_id, u32 n, bool *last)
{
	u32 i = 0;
	u64 val;
	int ret;

	while (i < n) {
		ret = get_entry(its, gpa + (u64)i * VHV_ITS_ESZ, &val);
		if (!ret)
			ret = restore_dte(its, first_id + i, val);
		if (ret <= 0) {
			*last = !ret;
			return ret;
		}
		i += ret;
		cond_resched();
	}
	return 0;
}

static int restore_devs(struct vhv_its *its)
{
	u64 b = its->baser_dev, size = NR_PAGES(b) * SZ_64K, l1e;
	u32 per_page = SZ_64K / VHV_ITS_ESZ, i;
	bool last = false;
	int ret = 0;

	if (!(b & BASER_VALID))
		return 0;
	if (!(b & BASER_INDIRECT))
		return scan_dtes(its, baser_pa(b), 0, size / VHV_ITS_ESZ, &last);
	/* Up to 2^21 L1 entries (256 pages): preemptible. */
	for (i = 0; i < size / sizeof(u64) && !last && !ret; i++) {
		ret = get_entry(its, baser_pa(b) + i * sizeof(u64), &l1e);
		if (!ret && (l1e & L1E_VALID))
			ret = scan_dtes(its, l1e & L1E_PA, (u64)i * per_page, per_page, &last);
		cond_resched();
	}
	return ret;
}

/* One CTE: KVM's checks in its order (EINVAL, a duplicate EEXIST). */
static int restore_cte(struct vhv_its *its, u64 val)
{
	u32 target = FIELD_GET(CTE_RDBASE, val);
	u16 icid = val & CTE_ICID;
	struct vhv_vcpu *vcpu = NULL;
	struct its_coll *coll;

	/* KVM saves collections that MAPTI named but no MAPC mapped. */
	if (target != VHV_ITS_COLL_UNMAPPED) {
		vcpu = vhv_vcpu_by_id(its->vm, target);
		if (!vcpu)
			return -EINVAL;
	}
	if (xa_load(&its->colls, icid))
		return -EEXIST;
	if (!vhv_its_check_id(its, its->baser_coll, icid, NULL))
		return -EINVAL;
	coll = vhv_its_coll_alloc(its, icid);
	if (IS_ERR(coll))
		return PTR_ERR(coll);
	coll->target = target;
	coll->vcpu = vcpu;
	return 0;
}

static int restore_colls(struct vhv_its *its)
{
	u64 b = its->baser_coll, gpa = baser_pa(b), n = NR_PAGES(b) * SZ_64K / VHV_ITS_ESZ, i, val;
	int ret;

	if (!(b & BASER_VALID))
		return 0;
	for (i = 0; i < n; i++) {
		ret = get_entry(its, gpa + i * VHV_ITS_ESZ, &val);
		if (ret || !(val & CTE_VALID))
			return ret;
		ret = restore_cte(its, val);
		if (ret)
			return ret;
	}
	return 0;
}

int vhv_its_restore_tables(struct vhv_its *its)
{
	int ret = restore_colls(its);

	if (!ret)
		ret = restore_devs(its);
	if (ret)
		vhv_its_free_all(its);
	return ret;
}
