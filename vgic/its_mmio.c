// SPDX-License-Identifier: GPL-2.0
/*
 * The ITS's registers (Arm GIC architecture specification, 12.19 "The
 * ITS register descriptions"), with the values and rules of KVM 6.12's
 * ITS so that guests and saved state cannot tell the two apart:
 *   - GITS_TYPER: Physical, ITT_entry_size 8, ID_bits 16, Devbits 17,
 *     PTA 0 (collections target vCPU ids), no HCC, CIL 0;
 *   - GITS_CBASER and GITS_BASER<n> are read-only while the ITS is
 *     enabled; their cacheability is sanitised as KVM's, the BASERs' page
 *     size is 64 KB, BASER0 is the device table, BASER1 the collection
 *     table (flat only), the rest RAZ/WI;
 *   - GITS_CREADR is read-only to the guest; GITS_TRANSLATER in the
 *     second frame is RAZ/WI to the guest as on KVM (a CPU's write has no
 *     DeviceID); other offsets RAZ/WI.
 * The frame is a device on the VM's MMIO bus (mmu/iobus.h) from the
 * moment its address is set; its callbacks take cmd_lock, never vm->lock.
 */
#include <linux/rculist.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/its.h"
#include "vgic/lpi_regs.h"
#include "vgic/vgic.h"

#define GITS_CTLR		0x0000
#define GITS_IIDR		0x0004
#define GITS_TYPER		0x0008
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER0		0x0100
#define GITS_BASER_END		0x0140
#define GITS_IDREGS		0xffd0

#define CTLR_ENABLED		BIT(0)
#define CTLR_QUIESCENT		BIT(31)
#define BASER_VALID		BIT_ULL(63)
#define BASER_INDIRECT		BIT_ULL(62)
#define BASER_RO		(GENMASK_ULL(52, 48) | GENMASK_ULL(58, 56))
#define BASER_PAGE_64K		(2ULL << 8)
#define BASER_PAGE_MASK		GENMASK_ULL(9, 8)
#define CMD_OFFSET(v)		((v) & GENMASK_ULL(19, 5))
#define CBASER_SIZE(c)		((((c) & 0xff) + 1) << 12)

static u64 typer(struct vhv_its *its)
{
	return BIT(0) | ((u64)(VHV_ITS_ESZ - 1) << 4) | ((u64)(VHV_ITS_IDBITS - 1) << 8) |
	       ((u64)(VHV_ITS_DEVBITS - 1) << 13);
}

/* ProductID 0x4b (KVM), Revision = the table ABI, Implementer Arm. */
static u64 iidr(struct vhv_its *its)
{
	return 0x4b00043bULL | ((u64)its->abi_rev << 12);
}

/* 0xffd0 + 4n: PIDR4..7, PIDR0..3, CIDR0..3 as KVM's ITS has them. */
static u64 idreg(u32 off)
{
	static const u8 ids[12] = { 0x40, 0, 0, 0, 0x92, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1 };

	return ids[(off - GITS_IDREGS) / 4];
}

static u64 *baser_reg(struct vhv_its *its, u32 off)
{
	if (off / 8 == GITS_BASER0 / 8)
		return &its->baser_dev;
	if (off / 8 == GITS_BASER0 / 8 + 1)
		return &its->baser_coll;
	return NULL;
}

static u64 read64(struct vhv_its *its, u32 off)
{
	u64 *b;

	switch (off & ~7) {
	case GITS_TYPER:	return typer(its);
	case GITS_CBASER:	return its->cbaser;
	case GITS_CWRITER:	return its->cwriter;
	case GITS_CREADR:	return its->creadr;
	}
	b = baser_reg(its, off);
	return b ? *b : 0;
}

static void write_baser(struct vhv_its *its, u64 *b, u64 val)
{
	bool coll = b == &its->baser_coll;

	if (its->enabled)
		return;
	val = (val & ~BASER_RO) | (*b & BASER_RO);
	if (coll)
		val &= ~BASER_INDIRECT;
	val = vhv_vgic_baser_sanitise(val, 10, 59, 53);
	*b = (val & ~BASER_PAGE_MASK) | BASER_PAGE_64K;
	/* A table made invalid forgets what it mapped, and only that, as KVM. */
	if (!(*b & BASER_VALID)) {
		mutex_lock(&its->lock);
		if (coll)
			vhv_its_free_colls(its);
		else
			vhv_its_free_devs(its);
		mutex_unlock(&its->lock);
	}
}

static void write64(struct vhv_its *its, u32 off, u64 val)
{
	u64 *b;

	switch (off & ~7) {
	case GITS_CBASER:
		if (its->enabled)
			return;
		val = vhv_vgic_baser_sanitise(val, 10, 59, 53) & ~GENMASK_ULL(15, 12);
		its->cbaser = val;
		its->creadr = 0;
		its->cwriter = 0;
		return;
	case GITS_CWRITER:
		val = CMD_OFFSET(val);
		if (val >= CBASER_SIZE(its->cbaser))
			return;
		its->cwriter = val;
		vhv_its_process_commands(its);
		return;
	}
	b = baser_reg(its, off);
	if (b)
		write_baser(its, b, val);
}

static void write_ctlr(struct vhv_its *its, u64 val)
{
	/* Enabling with an invalid table or queue is UNPREDICTABLE: refused, as KVM. */
	if (!its->enabled && (val & CTLR_ENABLED) &&
	    (!(its->baser_dev & BASER_VALID) || !(its->baser_coll & BASER_VALID) ||
	     !(its->cbaser & BASER_VALID)))
		return;
	WRITE_ONCE(its->enabled, val & CTLR_ENABLED);
	vhv_its_process_commands(its);
}

static u64 read_ctlr(struct vhv_its *its)
{
	return (its->creadr == its->cwriter ? CTLR_QUIESCENT : 0) |
	       (its->enabled ? CTLR_ENABLED : 0);
}

/* 32-bit registers: CTLR, IIDR, the ID registers. */
static bool access32(struct vhv_its *its, u32 off, bool write, u64 *val)
{
	if (off == GITS_CTLR) {
		if (write)
			write_ctlr(its, *val);
		else
			*val = read_ctlr(its);
		return true;
	}
	if (!write)
		*val = off == GITS_IIDR ? iidr(its) : idreg(off);
	return true;
}

static bool is_reg64(u32 off)
{
	return (off >= GITS_TYPER && off < GITS_TYPER + 8) ||
	       (off >= GITS_CBASER && off < GITS_CREADR + 8) ||
	       (off >= GITS_BASER0 && off < GITS_BASER_END);
}

static bool is_reg32(u32 off)
{
	return off == GITS_CTLR || off == GITS_IIDR || (off >= GITS_IDREGS && off < 0x10000);
}

bool vhv_its_reg_access(struct vhv_its *its, u32 off, unsigned int len, bool write, u64 *val)
{
	unsigned int shift = (off & 4) * 8;
	bool done = true;
	u64 old;

	if (off & (len - 1))
		return false;
	mutex_lock(&its->cmd_lock);
	if (len == 4 && is_reg32(off)) {
		access32(its, off, write, val);
	} else if ((len == 4 || len == 8) && is_reg64(off)) {
		old = read64(its, off);
		if (!write)
			*val = len == 8 ? old : (old >> shift) & U32_MAX;
		else if (len == 8)
			write64(its, off, *val);
		else
			write64(its, off, (old & ~(U32_MAX << shift)) | ((*val & U32_MAX) << shift));
	} else {
		done = false;
	}
	mutex_unlock(&its->cmd_lock);
	return done;
}

static bool its_access(struct vhv_iobus_dev *dev, u64 addr, unsigned int len, bool write,
		       u64 *val)
{
	struct vhv_its *its = container_of(dev, struct vhv_its, dev);

	/* An access crossing the frame's end is the VMM's, as on KVM's bus. */
	if (!vhv_iobus_within(dev, addr, len))
		return false;
	/* Unaligned, a size the register does not take, nothing there: RAZ/WI. */
	if (!vhv_its_reg_access(its, addr - dev->base, len, write, val))
		*val = 0;
	return true;
}

static bool its_read(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		     unsigned int len, u64 *val)
{
	return its_access(dev, addr, len, false, val);
}

static bool its_write(struct vhv_vcpu *vcpu, struct vhv_iobus_dev *dev, u64 addr,
		      unsigned int len, u64 val)
{
	return its_access(dev, addr, len, true, &val);
}

static const struct vhv_iobus_ops its_ops = { .read = its_read, .write = its_write };

int vhv_its_bus_register(struct vhv_its *its, u64 addr)
{
	struct vhv_iobus_dev *dev = &its->dev;

	lockdep_assert_held(&its->vm->lock);
	*dev = (struct vhv_iobus_dev) { .base = addr, .size = VHV_ITS_SIZE, .ops = &its_ops };
	return vhv_iobus_register(its->vm, &dev, 1);
}

/* ---- GRP_ITS_REGS: full registers only, KVM's alignment and errnos ---- */

int vhv_its_reg_has(u32 off)
{
	u32 align = off < GITS_TYPER || off >= GITS_IDREGS ? 3 : 7;

	if (off & align)
		return -EINVAL;
	return is_reg32(off) || is_reg64(off) ? 0 : -ENXIO;
}

/* IIDR sets the table ABI (only 0 exists); CREADR only while disabled. */
static int uwrite_special(struct vhv_its *its, u32 off, u64 val)
{
	int ret = 0;

	if (off == GITS_IIDR)
		return ((val >> 12) & 0xf) ? -EINVAL : 0;
	mutex_lock(&its->cmd_lock);
	if (its->enabled)
		ret = -EBUSY;
	else if (CMD_OFFSET(val) >= CBASER_SIZE(its->cbaser))
		ret = -EINVAL;
	else
		its->creadr = CMD_OFFSET(val);
	mutex_unlock(&its->cmd_lock);
	return ret;
}

int vhv_its_reg_uaccess(struct vhv_its *its, u32 off, bool write, u64 *val)
{
	int ret = vhv_its_reg_has(off);

	if (ret)
		return ret;
	if (its->base == VHV_VGIC_ADDR_UNDEF)
		return -ENXIO;
	if (write && (off == GITS_IIDR || off == GITS_CREADR))
		return uwrite_special(its, off, *val);
	vhv_its_reg_access(its, off, is_reg32(off) ? 4 : 8, write, val);
	if (!write && is_reg32(off))
		*val &= U32_MAX;
	return 0;
}
