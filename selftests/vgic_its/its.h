/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ITS tests' two sides (vgic_its.c). Guest: its LPI and ITS tables in
 * its RAM, a redistributor's LPI set-up, ITS commands written to the
 * queue and waited for. Host: the ITS device, KVM_SIGNAL_MSI, checks.
 */
#ifndef VHV_SELFTESTS_VGIC_ITS_H
#define VHV_SELFTESTS_VGIC_ITS_H

#include "lib/gic.h"
#include "lib/vmm.h"

#define ITS_BASE		0x20040000ULL	/* 128 KB, between the GIC's frames */
#define GITS_CTLR		0x0000
#define GITS_IIDR		0x0004
#define GITS_TYPER		0x0008
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER0		0x0100
#define GITS_BASER1		0x0108
#define GITS_TRANSLATER		0x10040
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078

#define LPI			8192
#define DEVID			1
#define EVENT			2
#define PRIO			0xa0
#define QUEUE_CMDS		128		/* a 4 KB queue */

/* Commands (GIC architecture specification, 6.3). */
#define CMD_MOVI		0x01
#define CMD_INT			0x03
#define CMD_CLEAR		0x04
#define CMD_SYNC		0x05
#define CMD_MAPD		0x08
#define CMD_MAPC		0x09
#define CMD_MAPTI		0x0a
#define CMD_INV			0x0c
#define CMD_INVALL		0x0d
#define CMD_MOVALL		0x0e
#define CMD_DISCARD		0x0f
#define CMD_VMAPP		0x29

/* ---- guest ---- */
#define ITS_MAX_VCPUS		4
extern u8 its_prop_table[];
/* One 64 KB-aligned pending table per vCPU (PENDBASER.PA is [51:16]). */
extern u8 its_pend_table[ITS_MAX_VCPUS][0x10000];
/* GITS_BASER0 and GITS_BASER1's tables, flat, one 64 KB page each. */
extern u64 its_dev_table[0x2000];
extern u64 its_coll_table[0x2000];
/* DEVID's ITT (its_guest_map()). */
extern u64 its_itt[256];
/* One command, then CWRITER; waits for CREADR to reach it. */
void its_cmd(u64 w0, u64 w1, u64 w2, u64 w3);
/* n commands written, then one CWRITER write. */
void its_cmd_queue(const u64 (*cmds)[4], u32 n);
/* This vCPU's redistributor: PROPBASER (16 ID bits), its PENDBASER, EnableLPIs. */
void its_guest_rd_lpis(void);
/* The ITS's device and collection tables and queue, then GITS_CTLR.Enabled. */
void its_guest_tables(void);
/* The ITS: tables, queue, enabled; LPI 8192 at PRIO enabled in the config table. */
void its_guest_enable(void);
/* MAPD DEVID (4 EventID bits), MAPC ICID 0 -> vCPU 0, MAPTI EVENT -> LPI, SYNC. */
void its_guest_map(void);

/* ---- host ---- */
/* The ITS device at ITS_BASE; its fd. */
int its_new(struct vmm_vm *vm);
/* KVM_SIGNAL_MSI's return value (-1 with errno). */
int its_signal(struct vmm_vm *vm, u32 devid, u32 event, u32 flags);
void its_expect_sync(struct vmm_vcpu *vcpu, u64 what);
/* vCPU cpu's log: nr interrupts, every one LPI. */
void its_expect_lpis(struct vmm_vm *vm, u32 cpu, u32 nr);
/* GRP_ITS_REGS get/set that must succeed. */
u64 its_reg_get(int its, u32 off);
void its_reg_set(int its, u32 off, u64 val);

/* What QEMU saves of the GICv3 and the ITS, and SAVE_PENDING_TABLES, SAVE_TABLES. */
struct its_saved {
	u64 regs[6], ctlr, propbaser, pendbaser;
	u32 gicd_ctlr;
};
void its_save(int gic, int its, struct its_saved *s);
/* The GICv3's registers then the ITS's, as QEMU restores them first. */
void its_restore_regs(int gic, int its, const struct its_saved *s);
/* QEMU's order: the GICv3, then the ITS registers, RESTORE_TABLES, GITS_CTLR. */
void its_restore(int gic, int its, const struct its_saved *s);

#endif /* VHV_SELFTESTS_VGIC_ITS_H */
