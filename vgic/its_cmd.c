// SPDX-License-Identifier: GPL-2.0
/*
 * The ITS command queue (Arm GIC architecture specification, 6.3 "ITS
 * commands"): 32-byte commands in a ring of GITS_CBASER.Size + 1 4 KB
 * pages, processed when the guest writes GITS_CWRITER (or enables the
 * ITS), from GITS_CREADR up to GITS_CWRITER, wrapping at the end.
 *
 * As KVM 6.12: a command that fails (an ID out of range, an unmapped
 * device or collection) or that is unknown (the GICv4 VMAPP, VMOVP,
 * VSYNC... on a GICv3 without GICv4) is skipped and CREADR moves on;
 * GITS_CREADR.Stalled is never set, and a command that cannot be read
 * from guest memory is skipped the same way (6.3.2 lets an ITS ignore
 * it). The whole queue is at most 1 MB, 32768 commands, per write; the
 * loop reschedules between commands, so a guest flooding it spends its
 * own vCPU's time, not the host's.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/guest_mem.h"
#include "vgic/its.h"
#include "vgic/lpi.h"

#define CMD_SIZE		32
#define CBASER_PA		GENMASK_ULL(51, 12)
#define CBASER_SIZE(c)		((((c) & 0xff) + 1) << 12)

/* Command encodings (6.3, "ITS command descriptions"). */
enum {
	CMD_MOVI = 0x01, CMD_INT = 0x03, CMD_CLEAR = 0x04, CMD_SYNC = 0x05,
	CMD_MAPD = 0x08, CMD_MAPC = 0x09, CMD_MAPTI = 0x0a, CMD_MAPI = 0x0b,
	CMD_INV = 0x0c, CMD_INVALL = 0x0d, CMD_MOVALL = 0x0e, CMD_DISCARD = 0x0f,
};

/* A positive result: the command's error, which KVM (and vhv) drops. */
#define CMD_ERROR		1

static u64 field(const u64 *cmd, int word, int shift, int bits)
{
	return (le64_to_cpu(cmd[word]) >> shift) & GENMASK_ULL(bits - 1, 0);
}

#define cmd_devid(c)		((u32)field(c, 0, 32, 32))
#define cmd_event(c)		((u32)field(c, 1, 0, 32))
#define cmd_pintid(c)		((u32)field(c, 1, 32, 32))
#define cmd_size(c)		((u8)field(c, 1, 0, 5) + 1)
#define cmd_icid(c)		((u16)field(c, 2, 0, 16))
#define cmd_itt(c)		(field(c, 2, 8, 44) << 8)
#define cmd_rdbase(c)		((u32)field(c, 2, 16, 32))
#define cmd_valid(c)		field(c, 2, 63, 1)

static int cmd_mapd(struct vhv_its *its, const u64 *c)
{
	struct its_dev *dev = xa_load(&its->devs, cmd_devid(c));
	u64 zero = 0, gpa;

	if (cmd_devid(c) >= BIT(VHV_ITS_DEVBITS) ||
	    !vhv_its_check_id(its, its->baser_dev, cmd_devid(c), &gpa))
		return CMD_ERROR;
	if (cmd_valid(c) && cmd_size(c) > VHV_ITS_IDBITS)
		return CMD_ERROR;
	/* MAPD of a mapped device drops what it had (6.3.8). */
	if (dev)
		vhv_its_dev_free(its, dev);
	if (!cmd_valid(c))
		return vhv_guest_write(its->vm, gpa, &zero, VHV_ITS_ESZ);
	return PTR_ERR_OR_ZERO(vhv_its_dev_alloc(its, cmd_devid(c), cmd_itt(c), cmd_size(c)));
}

static int cmd_mapc(struct vhv_its *its, const u64 *c)
{
	struct its_coll *coll = xa_load(&its->colls, cmd_icid(c));
	struct vhv_vcpu *vcpu;

	/* The cache holds collections' vCPUs: any MAPC makes it stale. */
	vhv_its_cache_clear(its);
	/*
	 * V=0 leaves the collection unmapped rather than gone (KVM frees
	 * it), so that the ITEs naming it still have an entry to be saved.
	 */
	if (!cmd_valid(c)) {
		if (coll) {
			coll->target = VHV_ITS_COLL_UNMAPPED;
			coll->vcpu = NULL;
		}
		return 0;
	}
	vcpu = vhv_vcpu_by_id(its->vm, cmd_rdbase(c));
	if (!vcpu)
		return CMD_ERROR;
	if (!coll) {
		if (!vhv_its_check_id(its, its->baser_coll, cmd_icid(c), NULL))
			return CMD_ERROR;
		coll = vhv_its_coll_alloc(its, cmd_icid(c));
		if (IS_ERR(coll))
			return PTR_ERR(coll);
	}
	coll->target = cmd_rdbase(c);
	coll->vcpu = vcpu;
	vhv_its_coll_retarget(its, coll->id);
	return 0;
}

/* The ITE's place in the ITT must be RAM, as KVM's check_event_id. */
static bool event_ok(struct vhv_its *its, struct its_dev *dev, u32 event)
{
	return event < BIT_ULL(dev->nr_id_bits) &&
	       vhv_guest_visible(its->vm, dev->itt + (u64)event * VHV_ITS_ESZ);
}

static int cmd_mapti(struct vhv_its *its, const u64 *c, bool mapti)
{
	struct its_dev *dev = xa_load(&its->devs, cmd_devid(c));
	u32 event = cmd_event(c), intid = mapti ? cmd_pintid(c) : event;
	struct its_coll *coll;

	if (!dev || !event_ok(its, dev, event))
		return CMD_ERROR;
	if (intid < VHV_LPI_BASE || intid >= vhv_lpi_limit(its->vm))
		return CMD_ERROR;
	/* Mapping a mapped EventID again is UNPREDICTABLE: ignored, as KVM. */
	if (xa_load(&dev->ites, event))
		return 0;
	/* A collection named before MAPC maps it exists, unmapped, as KVM's. */
	if (!xa_load(&its->colls, cmd_icid(c))) {
		if (!vhv_its_check_id(its, its->baser_coll, cmd_icid(c), NULL))
			return CMD_ERROR;
		coll = vhv_its_coll_alloc(its, cmd_icid(c));
		if (IS_ERR(coll))
			return PTR_ERR(coll);
	}
	return vhv_its_ite_add(its, dev, event, cmd_icid(c), intid);
}

static int cmd_movi(struct vhv_its *its, const u64 *c)
{
	struct its_ite *ite = vhv_its_ite_find(its, cmd_devid(c), cmd_event(c));
	struct vhv_vcpu *vcpu = vhv_its_coll_vcpu(its, cmd_icid(c));

	if (!ite || !vhv_its_coll_vcpu(its, ite->icid) || !vcpu)
		return CMD_ERROR;
	vhv_its_cache_forget(its, cmd_devid(c), cmd_event(c));
	ite->icid = cmd_icid(c);
	vhv_lpi_set_target(its->vm, ite->lpi, vcpu);
	return 0;
}

static int cmd_discard(struct vhv_its *its, const u64 *c)
{
	struct its_dev *dev = xa_load(&its->devs, cmd_devid(c));
	struct its_ite *ite = dev ? xa_load(&dev->ites, cmd_event(c)) : NULL;
	u64 zero = 0, gpa;

	if (!ite || !vhv_its_coll_vcpu(its, ite->icid))
		return CMD_ERROR;
	gpa = dev->itt + (u64)ite->event * VHV_ITS_ESZ;
	vhv_its_ite_free(its, dev, ite);
	/* KVM clears the ITE's slot in the saved-table format too. */
	return vhv_guest_write(its->vm, gpa, &zero, VHV_ITS_ESZ);
}

static int cmd_clear_inv(struct vhv_its *its, const u64 *c, bool inv)
{
	struct its_ite *ite = vhv_its_ite_find(its, cmd_devid(c), cmd_event(c));

	if (!ite)
		return CMD_ERROR;
	if (inv)
		return vhv_lpi_reload(its->vm, ite->lpi);
	vhv_lpi_set_pending(its->vm, ite->lpi, false);
	return 0;
}

static int cmd_invall(struct vhv_its *its, const u64 *c)
{
	struct vhv_vcpu *vcpu = vhv_its_coll_vcpu(its, cmd_icid(c));

	if (!vcpu)
		return CMD_ERROR;
	vhv_lpi_reload_all(its->vm, vcpu);
	return 0;
}

/* RDbase1 [2] and RDbase2 [3], bits [47:16], as vCPU ids (PTA 0). */
static int cmd_movall(struct vhv_its *its, const u64 *c)
{
	struct vhv_vcpu *from = vhv_vcpu_by_id(its->vm, cmd_rdbase(c));
	struct vhv_vcpu *to = vhv_vcpu_by_id(its->vm, (u32)field(c, 3, 16, 32));

	if (!from || !to)
		return CMD_ERROR;
	if (from != to)
		vhv_lpi_move_all(its->vm, from, to);
	return 0;
}

int vhv_its_handle_command(struct vhv_its *its, const u64 *c)
{
	switch (field(c, 0, 0, 8)) {
	case CMD_MAPD:		return cmd_mapd(its, c);
	case CMD_MAPC:		return cmd_mapc(its, c);
	case CMD_MAPTI:		return cmd_mapti(its, c, true);
	case CMD_MAPI:		return cmd_mapti(its, c, false);
	case CMD_MOVI:		return cmd_movi(its, c);
	case CMD_DISCARD:	return cmd_discard(its, c);
	case CMD_CLEAR:		return cmd_clear_inv(its, c, false);
	case CMD_INV:		return cmd_clear_inv(its, c, true);
	case CMD_INVALL:	return cmd_invall(its, c);
	case CMD_MOVALL:	return cmd_movall(its, c);
	case CMD_INT:		return vhv_its_trigger(its, cmd_devid(c), cmd_event(c));
	case CMD_SYNC:		return 0;	/* every command completes at once */
	}
	return -ENODEV;
}

void vhv_its_process_commands(struct vhv_its *its)
{
	u64 base = its->cbaser & CBASER_PA, size = CBASER_SIZE(its->cbaser);
	u64 cmd[4];

	lockdep_assert_held(&its->cmd_lock);
	/*
	 * A VMM's CWRITER before CTRL_INIT waits for it. Without a vGICv3 the
	 * queue runs, as on KVM: MAPTI finds no LPI to map (vhv_lpi_limit()).
	 */
	if (!its->enabled || (READ_ONCE(its->vm->vgic) && !vhv_vgic_ready(its->vm)))
		return;
	while (its->creadr != its->cwriter) {
		if (!vhv_guest_read(its->vm, base + its->creadr, cmd, CMD_SIZE)) {
			mutex_lock(&its->lock);
			vhv_its_handle_command(its, cmd);
			mutex_unlock(&its->lock);
		}
		its->creadr += CMD_SIZE;
		if (its->creadr >= size)
			its->creadr = 0;
		/*
		 * Up to 32768 commands per CWRITER write: preemptible, and a
		 * VMM being killed stops here (the rest is never processed).
		 */
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
}
