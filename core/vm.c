// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects: one per KVM_CREATE_VM, freed when the VM file and every
 * vCPU file are closed. Every file holds a reference on the module, which
 * is what makes rmmod wait for every VM to be gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/compat.h"
#include "core/mpidr.h"
#include "core/vcpu.h"
#include "core/vhv.h"
#include "core/vm.h"
#include "mmu/mmu.h"
#include "vgic/its.h"
#include "vgic/lpi.h"
#include "vgic/vgic.h"

/* The IPA size of a VM whose type asks for none (KVM's default). */
#define VHV_DEFAULT_IPA_BITS	40
/* Smallest IPA size a VM may ask for: the smallest PARange (32 bits). */
#define VHV_MIN_IPA_BITS	32

void vhv_vm_get(struct vhv_vm *vm)
{
	kref_get(&vm->ref);
}

static void vm_destroy(struct kref *ref)
{
	struct vhv_vm *vm = container_of(ref, struct vhv_vm, ref);
	unsigned int i;

	/* irqfds first: their injections reach the vCPUs' interrupt state. */
	vhv_irqfds_destroy(vm);
	/* Then the ITSes and the LPIs, which point at vCPUs. */
	vhv_its_destroy_all(vm);
	if (vm->vgic)
		vhv_lpi_destroy(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		vhv_vcpu_free(vm->vcpus[i]);
	vhv_vgic_destroy(vm);
	vhv_ioeventfds_destroy(vm);
	vhv_coalesced_destroy(vm);
	vhv_iobus_destroy(vm);
	vhv_mpidr_map_destroy(vm);
	vhv_mmu_destroy_vm(vm);
	free_percpu(vm->last_vcpu_ran);
	mmdrop(vm->mm);
	kfree(vm);
}

void vhv_vm_put(struct vhv_vm *vm)
{
	kref_put(&vm->ref, vm_destroy);
}

/*
 * The first KVM_RUN of any vCPU fixes what may not change afterwards:
 * the ID registers are final before any vCPU can read them.
 */
void vhv_vm_mark_ran(struct vhv_vm *vm)
{
	/* Acquire: pairs with the barrier below, the ID registers seen final. */
	if (test_bit_acquire(VHV_VM_RAN, &vm->flags))
		return;
	mutex_lock(&vm->lock);
	if (!test_bit(VHV_VM_RAN, &vm->flags))
		vhv_idregs_first_run(vm);
	/*
	 * set_bit() is relaxed: order the ID register stores before it (a full
	 * barrier, DMB ISH; Arm ARM B2.3), for the lock-free test above.
	 */
	smp_mb__before_atomic();
	set_bit(VHV_VM_RAN, &vm->flags);
	mutex_unlock(&vm->lock);
}

static long vm_enable_cap(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_enable_cap cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.flags)
		return -EINVAL;
	switch (cap.cap) {
	case KVM_CAP_ARM_NISV_TO_USER:
		set_bit(VHV_VM_NISV_TO_USER, &vm->flags);
		return 0;
	case KVM_CAP_ARM_SYSTEM_SUSPEND:
		/* PSCI SYSTEM_SUSPEND exits to the VMM (arm64/psci.c); args unused, as KVM. */
		set_bit(VHV_VM_SYSTEM_SUSPEND, &vm->flags);
		return 0;
	}
	return -EINVAL;
}

static long vm_preferred_target(void __user *argp)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };

	return copy_to_user(argp, &init, sizeof(init)) ? -EFAULT : 0;
}

static long vm_create_device(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_create_device cd;
	long ret;

	if (copy_from_user(&cd, argp, sizeof(cd)))
		return -EFAULT;
	if (cd.flags & ~KVM_CREATE_DEVICE_TEST)
		return -EINVAL;
	if (cd.type != KVM_DEV_TYPE_ARM_VGIC_V3 && cd.type != KVM_DEV_TYPE_ARM_VGIC_ITS)
		return -ENODEV;
	mutex_lock(&vm->lock);
	if (cd.type == KVM_DEV_TYPE_ARM_VGIC_ITS)
		ret = vhv_its_create(vm, cd.flags & KVM_CREATE_DEVICE_TEST,
				     &((struct kvm_create_device __user *)argp)->fd);
	else
		ret = vhv_vgic_create(vm, cd.flags & KVM_CREATE_DEVICE_TEST,
				      &((struct kvm_create_device __user *)argp)->fd);
	mutex_unlock(&vm->lock);
	return ret;
}

static long vm_irq_line(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_irq_level line;

	if (copy_from_user(&line, argp, sizeof(line)))
		return -EFAULT;
	return vhv_vgic_irq_line(vm, line.irq, line.level);
}

/* Both structures share their first 32 bytes; version 1 has no more. */
static long vm_set_memory(struct vhv_vm *vm, void __user *argp, bool v2)
{
	struct kvm_userspace_memory_region2 mem = { 0 };
	size_t size = v2 ? sizeof(mem) : sizeof(struct kvm_userspace_memory_region);

	if (copy_from_user(&mem, argp, size))
		return -EFAULT;
	if (!v2 && (mem.flags & ~(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY)))
		return -EINVAL;
	return vhv_set_memory_region(vm, &mem);
}

static long vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct vhv_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	if (!vhv_vm_usable(vm))
		return -EIO;
	switch (ioctl) {
	case KVM_CHECK_EXTENSION:
		return vhv_check_extension_vm(vm, arg);
	case KVM_CREATE_VCPU:
		return vhv_vcpu_create(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		return vm_set_memory(vm, argp, false);
	case KVM_SET_USER_MEMORY_REGION2:
		return vm_set_memory(vm, argp, true);
	case KVM_ENABLE_CAP:
		return vm_enable_cap(vm, argp);
	case KVM_ARM_PREFERRED_TARGET:
		return vm_preferred_target(argp);
	case KVM_CREATE_DEVICE:
		return vm_create_device(vm, argp);
	case KVM_ARM_SET_COUNTER_OFFSET:
		return vhv_timer_set_counter_offset(vm, argp);
	case KVM_IRQ_LINE:
		return vm_irq_line(vm, argp);
	case KVM_IRQFD:
		return vhv_irqfd(vm, argp);
	case KVM_SET_GSI_ROUTING:
		return vhv_set_gsi_routing(vm, argp);
	case KVM_IOEVENTFD:
		return vhv_ioeventfd(vm, argp);
	case KVM_REGISTER_COALESCED_MMIO:
	case KVM_UNREGISTER_COALESCED_MMIO:
		return vhv_coalesced_ioctl(vm, ioctl, argp);
	case KVM_SIGNAL_MSI:
		return vhv_vm_signal_msi(vm, argp);
	}
	/* What KVM on arm64 answers for a VM ioctl it does not know. */
	return -EINVAL;
}

static int vm_release(struct inode *inode, struct file *filp)
{
	vhv_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vhv_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vm_release,
	.unlocked_ioctl	= vm_ioctl,
	.llseek		= noop_llseek,
};

/*
 * The machine type of KVM_CREATE_VM on arm64 carries the IPA size in its
 * low byte (KVM_VM_TYPE_ARM_IPA_SIZE); 0 means KVM's default of 40 bits.
 * Any other bit, or a size outside [32, limit], is EINVAL as in KVM.
 */
static int ipa_bits_from_type(unsigned long type, unsigned int *bits)
{
	unsigned int want;

	if (type & ~KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
		return -EINVAL;
	want = KVM_VM_TYPE_ARM_IPA_SIZE(type);
	if (!want)
		want = VHV_DEFAULT_IPA_BITS;
	if (want < VHV_MIN_IPA_BITS || want > vhv_host.ipa_limit)
		return -EINVAL;
	*bits = want;
	return 0;
}

static struct vhv_vm *vm_alloc(unsigned int ipa_bits)
{
	struct vhv_vm *vm;
	int cpu;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return NULL;
	vm->last_vcpu_ran = alloc_percpu_gfp(int, GFP_KERNEL_ACCOUNT);
	if (!vm->last_vcpu_ran)
		goto free_vm;
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(vm->last_vcpu_ran, cpu) = -1;
	if (vhv_irqfds_init(vm))
		goto free_percpu;
	if (vhv_coalesced_init(vm))
		goto free_irqfds;
	if (vhv_mmu_init_vm(vm, ipa_bits))
		goto free_ring;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vhv_iobus_init(vm);
	vhv_ioeventfds_init(vm);
	vhv_timer_vm_init(vm);
	INIT_LIST_HEAD(&vm->its_list);
	vhv_idregs_init(&vm->idregs, ipa_bits);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	return vm;

free_ring:
	vhv_coalesced_destroy(vm);
free_irqfds:
	vhv_irqfds_destroy(vm);
free_percpu:
	free_percpu(vm->last_vcpu_ran);
free_vm:
	kfree(vm);
	return NULL;
}

int vhv_vm_create(unsigned long type)
{
	struct vhv_vm *vm;
	unsigned int bits;
	int fd, ret;

	ret = ipa_bits_from_type(type, &bits);
	if (ret)
		return ret;
	vm = vm_alloc(bits);
	if (!vm)
		return -ENOMEM;
	fd = anon_inode_getfd("vhv-vm", &vhv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		vhv_vm_put(vm);
	return fd;
}

bool vhv_vm_trylock_vcpus(struct vhv_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (!mutex_trylock(&vm->vcpus[i]->mutex))
			goto undo;
	return true;
undo:
	while (i--)
		mutex_unlock(&vm->vcpus[i]->mutex);
	return false;
}

void vhv_vm_unlock_vcpus(struct vhv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		mutex_unlock(&vm->vcpus[i]->mutex);
}
