// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU objects and their file: KVM_CREATE_VCPU, the mmap()ed kvm_run
 * page, and the vCPU ioctls. A vCPU lives as long as its VM; its file
 * holds a reference on the VM, as in KVM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cputype.h>

#include "core/events.h"
#include "core/onereg.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "core/vm.h"

static vm_fault_t vcpu_mmap_fault(struct vm_fault *vmf)
{
	struct vhv_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	/* The kvm_run page, then the VM's coalesced MMIO ring, as KVM on arm64. */
	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == VHV_COALESCED_MMIO_PAGE_OFFSET)
		page = vhv_coalesced_ring_page(vcpu->vm);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_mmap_fault,
};

static int vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

/*
 * RUNNABLE, STOPPED (off until CPU_ON) or SUSPENDED: asleep as in WFI
 * until an interrupt is pending, then an exit to the VMM with
 * KVM_SYSTEM_EVENT_WAKEUP, and SUSPENDED until the VMM says otherwise
 * (core/run.c). KVM accepts SUSPENDED without KVM_CAP_ARM_SYSTEM_SUSPEND,
 * and so does vhv.
 */
static long vcpu_set_mp_state(struct vhv_vcpu *vcpu, void __user *argp)
{
	struct kvm_mp_state mp;

	if (copy_from_user(&mp, argp, sizeof(mp)))
		return -EFAULT;
	if (mp.mp_state != KVM_MP_STATE_RUNNABLE && mp.mp_state != KVM_MP_STATE_STOPPED &&
	    mp.mp_state != KVM_MP_STATE_SUSPENDED)
		return -EINVAL;
	spin_lock(&vcpu->power_lock);
	WRITE_ONCE(vcpu->power_off, mp.mp_state == KVM_MP_STATE_STOPPED);
	WRITE_ONCE(vcpu->suspended, mp.mp_state == KVM_MP_STATE_SUSPENDED);
	spin_unlock(&vcpu->power_lock);
	vhv_vcpu_kick(vcpu);
	return 0;
}

static long vcpu_get_mp_state(struct vhv_vcpu *vcpu, void __user *argp)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	spin_lock(&vcpu->power_lock);
	if (vcpu->power_off)
		mp.mp_state = KVM_MP_STATE_STOPPED;
	else if (vcpu->suspended)
		mp.mp_state = KVM_MP_STATE_SUSPENDED;
	spin_unlock(&vcpu->power_lock);
	return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
}

/*
 * KVM_SET/GET/HAS_DEVICE_ATTR on a vCPU: the timer PPIs and the PV time
 * record. The PMU group answers as KVM's does for a vCPU without
 * KVM_ARM_VCPU_PMU_V3 (vhv offers none).
 */
static long vcpu_device_attr(struct vhv_vcpu *vcpu, unsigned int ioctl, void __user *argp)
{
	struct kvm_device_attr attr;

	if (copy_from_user(&attr, argp, sizeof(attr)))
		return -EFAULT;
	switch (attr.group) {
	case KVM_ARM_VCPU_TIMER_CTRL:
		if (ioctl == KVM_HAS_DEVICE_ATTR)
			return vhv_timer_has_attr(&attr);
		return vhv_timer_attr(vcpu, &attr, ioctl == KVM_SET_DEVICE_ATTR);
	case KVM_ARM_VCPU_PMU_V3_CTRL:
		return ioctl == KVM_HAS_DEVICE_ATTR ? -ENXIO : -ENODEV;
	case KVM_ARM_VCPU_PVTIME_CTRL:
		if (ioctl == KVM_HAS_DEVICE_ATTR)
			return vhv_pvtime_has_attr(&attr);
		if (ioctl == KVM_GET_DEVICE_ATTR)
			return vhv_pvtime_get_attr(vcpu, &attr);
		return vhv_pvtime_set_attr(vcpu, &attr);
	}
	return -ENXIO;
}

static long vcpu_ioctl_locked(struct vhv_vcpu *vcpu, unsigned int ioctl, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_RUN:
		return arg ? -EINVAL : vhv_vcpu_run(vcpu);
	case KVM_ARM_VCPU_INIT:
		return vhv_vcpu_init(vcpu, argp);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		return vhv_one_reg(vcpu, ioctl == KVM_SET_ONE_REG, argp);
	case KVM_GET_REG_LIST:
		return vhv_reg_list(vcpu, argp);
	case KVM_GET_MP_STATE:
		return vcpu_get_mp_state(vcpu, argp);
	case KVM_SET_MP_STATE:
		return vcpu_set_mp_state(vcpu, argp);
	case KVM_GET_VCPU_EVENTS:
		return vhv_vcpu_get_events(vcpu, argp);
	case KVM_SET_VCPU_EVENTS:
		return vhv_vcpu_set_events(vcpu, argp);
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return vcpu_device_attr(vcpu, ioctl, argp);
	}
	/* What KVM on arm64 answers for a vCPU ioctl it does not know. */
	return -EINVAL;
}

static long vcpu_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct vhv_vcpu *vcpu = filp->private_data;
	long ret;

	if (!vhv_vm_usable(vcpu->vm))
		return -EIO;
	if (_IOC_TYPE(ioctl) != KVMIO)
		return -EINVAL;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	ret = vcpu_ioctl_locked(vcpu, ioctl, arg);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static int vcpu_release(struct inode *inode, struct file *filp)
{
	struct vhv_vcpu *vcpu = filp->private_data;

	vhv_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vcpu_release,
	.unlocked_ioctl	= vcpu_ioctl,
	.mmap		= vcpu_mmap,
	.llseek		= noop_llseek,
};

static struct vhv_vcpu *vcpu_alloc(struct vhv_vm *vm, unsigned int id)
{
	struct vhv_vcpu *vcpu;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return NULL;
	vcpu->run = (struct kvm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		kfree(vcpu);
		return NULL;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	spin_lock_init(&vcpu->power_lock);
	rcuwait_init(&vcpu->wait);
	vhv_vgic_vcpu_init(vcpu);
	vhv_timer_vcpu_init(vcpu);
	vhv_pvtime_vcpu_init(vcpu);
	/* Not reset by KVM_ARM_VCPU_INIT, as in KVM: what the VMM set stays. */
	vhv_cacheid_vcpu_init(vcpu);
	return vcpu;
}

void vhv_vcpu_free(struct vhv_vcpu *vcpu)
{
	vhv_s2_cache_free(&vcpu->s2_cache);
	vhv_timer_vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

struct vhv_vcpu *vhv_vcpu_by_id(struct vhv_vm *vm, unsigned int id)
{
	unsigned int i, nr = vhv_vm_nr_vcpus(vm);

	for (i = 0; i < nr; i++)
		if (vm->vcpus[i]->id == id)
			return vm->vcpus[i];
	return NULL;
}

int vhv_vcpu_set_mpidr(struct vhv_vcpu *vcpu, u64 mpidr)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_mpidr_map *map;
	int ret = 0;

	mutex_lock(&vm->lock);
	if (vcpu->sys[VHV_SR_MPIDR_EL1] == mpidr)
		goto out;
	map = vhv_mpidr_map_alloc(vm->nr_vcpus);
	ret = -ENOMEM;
	if (!map)
		goto out;
	/* Read without vm->lock by the vGIC (GICR_TYPER). */
	WRITE_ONCE(vcpu->sys[VHV_SR_MPIDR_EL1], mpidr);
	vhv_mpidr_map_publish(vm, map, vm->nr_vcpus);
	vhv_vgic_retarget(vm);
	ret = 0;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* MPIDR_EL1 from the vcpu_id, as KVM builds it: Aff0 = id[3:0],
 * Aff1 = id[11:4], Aff2 = id[19:12], bit 31 RES1.
 */
static u64 mpidr_of(unsigned int id)
{
	return BIT(31) | ((u64)(id & 0xf) << MPIDR_LEVEL_SHIFT(0)) |
	       ((u64)((id >> 4) & 0xff) << MPIDR_LEVEL_SHIFT(1)) |
	       ((u64)((id >> 12) & 0xff) << MPIDR_LEVEL_SHIFT(2));
}

/* With vm->lock: the new vCPU in vm->vcpus, the MPIDR map, nr_vcpus. */
static void vcpu_publish(struct vhv_vm *vm, struct vhv_vcpu *vcpu, struct vhv_mpidr_map *map)
{
	unsigned int nr = vm->nr_vcpus + 1;

	vm->vcpus[vcpu->idx] = vcpu;
	vhv_mpidr_map_publish(vm, map, nr);
	/* Lock-free readers (PSCI) see the vCPU only once it is complete. */
	smp_store_release(&vm->nr_vcpus, nr);
}

int vhv_vcpu_create(struct vhv_vm *vm, unsigned long id)
{
	struct vhv_mpidr_map *map = NULL;
	struct vhv_vcpu *vcpu;
	int fd;

	if (id >= VHV_MAX_VCPUS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	fd = -EINVAL;
	if (vm->nr_vcpus >= VHV_MAX_VCPUS)
		goto out;
	fd = -EEXIST;
	if (vhv_vcpu_by_id(vm, id))
		goto out;
	fd = vhv_vgic_vcpu_allowed(vm);
	if (fd)
		goto out;
	fd = -ENOMEM;
	map = vhv_mpidr_map_alloc(vm->nr_vcpus + 1);
	vcpu = map ? vcpu_alloc(vm, id) : NULL;
	if (!vcpu)
		goto out;
	vcpu->idx = vm->nr_vcpus;
	vcpu->sys[VHV_SR_MPIDR_EL1] = mpidr_of(id);
	vhv_vm_get(vm);
	fd = anon_inode_getfd("vhv-vcpu", &vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		vhv_vm_put(vm);
		vhv_vcpu_free(vcpu);
		goto out;
	}
	vcpu_publish(vm, vcpu, map);
	map = NULL;
out:
	mutex_unlock(&vm->lock);
	vhv_mpidr_map_free(map);
	return fd;
}
