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
