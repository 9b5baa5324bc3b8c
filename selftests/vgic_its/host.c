// SPDX-License-Identifier: GPL-2.0
/* The host's side of the ITS tests: see its.h. */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "vgic_its/its.h"

int its_new(struct vmm_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	u64 base = ITS_BASE;

	ASSERT_OK(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_ITS_ADDR_TYPE, &base));
	return cd.fd;
}

int its_signal(struct vmm_vm *vm, u32 devid, u32 event, u32 flags)
{
	u64 addr = ITS_BASE + GITS_TRANSLATER;
	struct kvm_msi msi = {
		.address_lo = (u32)addr, .address_hi = (u32)(addr >> 32),
		.data = event, .flags = flags, .devid = devid,
	};

	return ioctl(vm->fd, KVM_SIGNAL_MSI, &msi);
}

void its_expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
}

void its_expect_lpis(struct vmm_vm *vm, u32 cpu, u32 nr)
{
	u32 i;

	vmm_sync_from_guest(vm, gic_logs, sizeof(gic_logs));
	ASSERT_EQ(gic_logs[cpu].nr, nr);
	for (i = 0; i < nr && i < GIC_LOG_MAX; i++)
		EXPECT_EQ(gic_logs[cpu].intid[i], LPI);
}

u64 its_reg_get(int its, u32 off)
{
	u64 val;

	ASSERT_OK(vmm_device_attr(its, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off,
				  &val));
	return val;
}

void its_reg_set(int its, u32 off, u64 val)
{
	ASSERT_OK(vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off,
				  &val));
}

static const u32 its_saved_regs[] = {
	GITS_IIDR, GITS_CBASER, GITS_CREADR, GITS_CWRITER, GITS_BASER0, GITS_BASER1,
};

static u64 rd_get64(int gic, u32 off)
{
	u32 lo, hi;

	ASSERT_OK(vmm_device_attr(gic, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				  off, &lo));
	ASSERT_OK(vmm_device_attr(gic, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				  off + 4, &hi));
	return (u64)hi << 32 | lo;
}

static void rd_set32(int gic, u32 off, u32 val)
{
	ASSERT_OK(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				  off, &val));
}

void its_save(int gic, int its, struct its_saved *s)
{
	u32 i;

	ASSERT_OK(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES, NULL));
	ASSERT_OK(vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_SAVE_TABLES, NULL));
	for (i = 0; i < ARRAY_SIZE(its_saved_regs); i++)
		s->regs[i] = its_reg_get(its, its_saved_regs[i]);
	s->ctlr = its_reg_get(its, GITS_CTLR);
	ASSERT_OK(vmm_device_attr(gic, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
				  GICD_CTLR, &s->gicd_ctlr));
	s->propbaser = rd_get64(gic, GICR_PROPBASER);
	s->pendbaser = rd_get64(gic, GICR_PENDBASER);
}

void its_restore_regs(int gic, int its, const struct its_saved *s)
{
	u32 i;

	ASSERT_OK(vmm_device_attr(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
				  GICD_CTLR, (void *)&s->gicd_ctlr));
	rd_set32(gic, GICR_PROPBASER, (u32)s->propbaser);
	rd_set32(gic, GICR_PROPBASER + 4, s->propbaser >> 32);
	rd_set32(gic, GICR_PENDBASER, (u32)s->pendbaser);
	rd_set32(gic, GICR_PENDBASER + 4, s->pendbaser >> 32);
	rd_set32(gic, GICR_CTLR, 1);
	for (i = 0; i < ARRAY_SIZE(its_saved_regs); i++)
		its_reg_set(its, its_saved_regs[i], s->regs[i]);
}

void its_restore(int gic, int its, const struct its_saved *s)
{
	u32 i;

	its_restore_regs(gic, its, s);
	ASSERT_OK(vmm_device_attr(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_ITS_RESTORE_TABLES, NULL));
	its_reg_set(its, GITS_CTLR, s->ctlr);
	EXPECT_EQ(rd_get64(gic, GICR_PROPBASER), s->propbaser);
	EXPECT_EQ(rd_get64(gic, GICR_PENDBASER), s->pendbaser);
	EXPECT_EQ(rd_get64(gic, GICR_CTLR) & 1, 1);
	for (i = 0; i < ARRAY_SIZE(its_saved_regs); i++)
		EXPECT_EQ(its_reg_get(its, its_saved_regs[i]), s->regs[i]);
	EXPECT_EQ(its_reg_get(its, GITS_CTLR), s->ctlr);
}
