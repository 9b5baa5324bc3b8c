// SPDX-License-Identifier: GPL-2.0
/*
 * MSIs from the VMM and from irqfds: KVM_SIGNAL_MSI and MSI routes. As on
 * arm64 KVM, an MSI names its ITS by its doorbell address (any address
 * in the ITS's 128 KB frame) and must carry a DeviceID
 * (KVM_MSI_VALID_DEVID): the pair (DeviceID, data = EventID) is then
 * translated as a device's write to GITS_TRANSLATER would be.
 *
 * Both look the translation cache up first (vgic/its_cache.c); an irqfd's
 * wake-up does only that (vhv_msi_inject_atomic()) and leaves a miss to
 * its work item, which translates under its->lock and fills the cache.
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

/* The ITS an MSI goes to, or NULL with KVM_SIGNAL_MSI's errno in *err. */
static struct vhv_its *msi_its(struct vhv_vm *vm, const struct kvm_msi *msi, int *err)
{
	struct vhv_its *its;

	*err = -EINVAL;
	if (msi->flags & ~KVM_MSI_VALID_DEVID)
		return NULL;
	/* As KVM: no in-kernel irqchip, EINVAL; no ITS, ENODEV. */
	if (!READ_ONCE(vm->vgic))
		return NULL;
	*err = -ENODEV;
	if (!READ_ONCE(vm->has_its))
		return NULL;
	*err = -EINVAL;
	if (!(msi->flags & KVM_MSI_VALID_DEVID))
		return NULL;
	its = its_at(vm, (u64)msi->address_hi << 32 | msi->address_lo);
	if (!its)
		return NULL;
	*err = -EBUSY;
	return vhv_vgic_ready(vm) ? its : NULL;
}

int vhv_msi_signal(struct vhv_vm *vm, const struct kvm_msi *msi)
{
	struct vhv_its *its;
	int ret;

	its = msi_its(vm, msi, &ret);
	if (!its)
		return ret;
	if (!vhv_its_cache_inject(its, msi->devid, msi->data))
		return 1;
	mutex_lock(&its->lock);
	ret = vhv_its_trigger(its, msi->devid, msi->data);
	if (!ret)
		vhv_its_cache_add(its, msi->devid, msi->data);
	mutex_unlock(&its->lock);
	if (ret < 0)
		return ret;
	return ret ? 0 : 1;
}

int vhv_msi_inject_atomic(struct vhv_vm *vm, const struct kvm_msi *msi)
{
	struct vhv_its *its;
	int err;

	its = msi_its(vm, msi, &err);

	/* Whatever the error, the slow path finds it again and drops the MSI. */
	if (!its)
		return -EWOULDBLOCK;
	return vhv_its_cache_inject(its, msi->devid, msi->data);
}

long vhv_vm_signal_msi(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_msi msi;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	return vhv_msi_signal(vm, &msi);
}
