/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GICv3 ITS, KVM_DEV_TYPE_ARM_VGIC_ITS (vgic/its_*.c): translates a
 * (DeviceID, EventID) pair written to it into an LPI on a vCPU.
 *
 *   its_device.c  the device file and its attributes
 *   its_mmio.c    the GITS_* registers, for the guest and the VMM
 *   its_cmd.c     the command queue and each command
 *   its_tables.c  devices, collections, ITEs; translation
 *   its_save.c    SAVE_TABLES / RESTORE_TABLES in KVM's ABI revision 0
 *   its_cache.c   the translation cache of delivered MSIs (its_cache.h)
 *   msi.c         KVM_SIGNAL_MSI, MSI routes: which ITS, then translate
 *
 * What the guest maps lives in the kernel, in xarrays (devices by
 * DeviceID, their ITEs by EventID, collections by ICID), so translation
 * is O(log n) whatever the guest chose; the tables in guest memory that
 * GITS_BASER<n> name are written only by SAVE_TABLES and read by
 * RESTORE_TABLES (and checked to be RAM when an ID is mapped), as KVM.
 *
 * Locking: cmd_lock (mutex) serialises the command queue registers and
 * processing; lock (mutex) protects the xarrays and is taken inside it,
 * and by translation. Both are outside gic->lpi_lock and vgic->lock. The
 * ITS lives as long as the VM: the list in vm->its_list only grows.
 */
#ifndef VHV_VGIC_ITS_H
#define VHV_VGIC_ITS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "mmu/iobus.h"
#include "vgic/its_cache.h"

struct kvm_msi;
struct vhv_dabt;
struct vhv_lpi;
struct vhv_vcpu;
struct vhv_vm;

#define VHV_ITS_SIZE		(2 * 0x10000)	/* KVM_VGIC_V3_ITS_SIZE */
#define VHV_ITS_DEVBITS		16		/* GITS_TYPER.Devbits + 1, as KVM 6.12 */
#define VHV_ITS_IDBITS		16		/* GITS_TYPER.ID_bits + 1 */
#define VHV_ITS_ESZ		8		/* ABI 0 entry size, all tables */
#define VHV_ITS_NR_ICIDS	BIT(16)		/* CIL 0: 16-bit collection IDs */

struct vhv_its {
	struct vhv_vm *vm;
	struct list_head link;		/* vm->its_list */
	u64 base;			/* VHV_VGIC_ADDR_UNDEF until set */
	struct vhv_iobus_dev dev;	/* the frame on the MMIO bus, once set */
	struct mutex cmd_lock;
	struct mutex lock;
	bool enabled;			/* GITS_CTLR.Enabled */
	u8 abi_rev;
	u64 cbaser, creadr, cwriter;
	u64 baser_dev, baser_coll;	/* GITS_BASER0, GITS_BASER1 */
	struct xarray devs;		/* DeviceID -> struct its_dev */
	struct xarray colls;		/* ICID -> struct its_coll */
	struct vhv_its_cache cache;	/* MSIs translated before (its_cache.c) */
};

struct its_dev {
	u32 id;
	u8 nr_id_bits;			/* EventIDs below 2^this */
	u64 itt;			/* ITT_addr */
	struct xarray ites;		/* EventID -> struct its_ite */
};

/*
 * A collection exists once MAPC maps it or a MAPTI/MAPI names it; one that
 * is named but not mapped (or unmapped again by MAPC V=0) has target
 * VHV_ITS_COLL_UNMAPPED and no vCPU, and is saved as such, as KVM keeps
 * and saves it: every ICID an ITE names then has an entry in the saved
 * collection table, which KVM's restore requires.
 */
#define VHV_ITS_COLL_UNMAPPED	U32_MAX

struct its_coll {
	u16 id;
	u32 target;			/* RDbase as the vCPU id (GITS_TYPER.PTA 0) */
	struct vhv_vcpu *vcpu;		/* NULL while unmapped */
};

struct its_ite {
	u32 event;
	u16 icid;
	struct vhv_lpi *lpi;
};

/* KVM_CREATE_DEVICE of an ITS (vgic/its_device.c); vm->lock held. */
int vhv_its_create(struct vhv_vm *vm, bool test_only, __u32 __user *ufd);
/* The VM goes: every ITS freed, with what it maps. */
void vhv_its_destroy_all(struct vhv_vm *vm);

/* The frame onto the VM's MMIO bus at addr (vm->lock held): 0 or -errno. */
int vhv_its_bus_register(struct vhv_its *its, u64 addr);
/* A register at off (4 or 8 bytes); false: none (RAZ/WI). */
bool vhv_its_reg_access(struct vhv_its *its, u32 off, unsigned int len, bool write, u64 *val);
/* GRP_ITS_REGS: KVM's uaccess rules; 0 or -errno. */
int vhv_its_reg_uaccess(struct vhv_its *its, u32 off, bool write, u64 *val);
int vhv_its_reg_has(u32 off);

/* Commands up to CWRITER, with cmd_lock held. */
void vhv_its_process_commands(struct vhv_its *its);
int vhv_its_handle_command(struct vhv_its *its, const u64 *cmd);

/* Tables, with its->lock held (vgic/its_tables.c). */
struct its_dev *vhv_its_dev_alloc(struct vhv_its *its, u32 id, u64 itt, u8 nr_id_bits);
void vhv_its_dev_free(struct vhv_its *its, struct its_dev *dev);
void vhv_its_free_all(struct vhv_its *its);
/* GITS_BASER0 or GITS_BASER1 made invalid: its devices (with ITEs) or its collections. */
void vhv_its_free_devs(struct vhv_its *its);
void vhv_its_free_colls(struct vhv_its *its);
int vhv_its_ite_add(struct vhv_its *its, struct its_dev *dev, u32 event, u16 icid, u32 intid);
void vhv_its_ite_free(struct vhv_its *its, struct its_dev *dev, struct its_ite *ite);
struct its_ite *vhv_its_ite_find(struct vhv_its *its, u32 devid, u32 event);
/* A collection, unmapped (its ICID checked by the caller); ERR_PTR on failure. */
struct its_coll *vhv_its_coll_alloc(struct vhv_its *its, u16 icid);
/* The collection's vCPU if it is mapped, else NULL. */
struct vhv_vcpu *vhv_its_coll_vcpu(struct vhv_its *its, u16 icid);
/* Every ITE of icid targets the collection's vCPU again (MAPC). */
void vhv_its_coll_retarget(struct vhv_its *its, u16 icid);
/*
 * Whether id has an entry in the table baser describes, in RAM (KVM's
 * vgic_its_check_id); its address in *gpa if so.
 */
bool vhv_its_check_id(struct vhv_its *its, u64 baser, u32 id, u64 *gpa);
/* Make the LPI of (devid, eventid) pending: 0, >0 not mapped, -EBUSY. */
int vhv_its_trigger(struct vhv_its *its, u32 devid, u32 eventid);

/* SAVE_TABLES / RESTORE_TABLES (vgic/its_save.c), its->lock held. */
int vhv_its_save_tables(struct vhv_its *its);
int vhv_its_restore_tables(struct vhv_its *its);

/* MSIs (vgic/msi.c): KVM_SIGNAL_MSI's return value. */
int vhv_msi_signal(struct vhv_vm *vm, const struct kvm_msi *msi);
long vhv_vm_signal_msi(struct vhv_vm *vm, void __user *argp);
/*
 * Any context (an irqfd's wake-up): 0, delivered from the translation
 * cache, or -EWOULDBLOCK: call vhv_msi_signal() from process context.
 */
int vhv_msi_inject_atomic(struct vhv_vm *vm, const struct kvm_msi *msi);

#endif /* VHV_VGIC_ITS_H */
