// SPDX-License-Identifier: GPL-2.0
/*
 * MSIs from the VMM and from irqfds: KVM_SIGNAL_MSI and MSI routes. As on
 * arm64 KVM, an MSI names its ITS by its doorbell address (any address
 * in the ITS's 128 KB frame) and must carry a DeviceID
 * (KVM_MSI_VALID_DEVID): the pair (DeviceID, data = EventID) is then
 * translated as a device's write to GITS_TRANSLATER would be.
 *
 * KVM_SIGNAL_MSI returns, as KVM's: 1 delivered, 0 blocked (nothing
 * translates it), -EBUSY (the ITS or the target's LPIs disabled), -EINVAL
 * (no DeviceID, no ITS at that address, unknown flags), -ENODEV (no ITS
 * or no vGICv3), -EFAULT.
 */
#include <linux/kvm.h>
#include <linux/rculist.h>
#include <linux/uaccess.h>

#include "core/vm.h"
#include "vgic/its.h"
#include "vgic/vgic.h"

static struct vhv_its *its_at(struct vhv_vm *vm, u64 addr)
{
	struct vhv_its *its, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(its, &vm->its_list, link) {
		u64 base = READ_ONCE(its->base);

		if (base != VHV_VGIC_ADDR_UNDEF && addr - base < VHV_ITS_SIZE)
			found = its;
	}
	rcu_read_unlock();
	/* An ITS is freed only with its VM: found stays valid. */
	return found;
}

int vhv_msi_signal(struct vhv_vm *vm, const struct kvm_msi *msi)
{
	u64 addr = (u64)msi->address_hi << 32 | msi->address_lo;
	struct vhv_its *its;
	int ret;

	if (msi->flags & ~KVM_MSI_VALID_DEVID)
		return -EINVAL;
	/* As KVM: no in-kernel irqchip, EINVAL; no ITS, ENODEV. */
	if (!READ_ONCE(vm->vgic))
		return -EINVAL;
	if (!READ_ONCE(vm->has_its))
		return -ENODEV;
	if (!(msi->flags & KVM_MSI_VALID_DEVID))
		return -EINVAL;
	its = its_at(vm, addr);
	if (!its)
		return -EINVAL;
	if (!vhv_vgic_ready(vm))
		return -EBUSY;
	mutex_lock(&its->lock);
	ret = vhv_its_trigger(its, msi->devid, msi->data);
	mutex_unlock(&its->lock);
	if (ret < 0)
		return ret;
	return ret ? 0 : 1;
}

long vhv_vm_signal_msi(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_msi msi;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	return vhv_msi_signal(vm, &msi);
}
