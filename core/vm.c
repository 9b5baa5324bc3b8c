// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects: one per KVM_CREATE_VM, owned by its file. Closing the last
 * reference to the file frees the VM; the file holds a reference on the
 * module, which is what makes rmmod wait for every VM to be gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "core/vhv.h"

/* The IPA size of a VM whose type asks for none (KVM's default). */
#define VHV_DEFAULT_IPA_BITS	40
/* Smallest IPA size a VM may ask for: the smallest PARange (32 bits). */
#define VHV_MIN_IPA_BITS	32

struct vhv_vm {
	unsigned int ipa_bits;
};

static long vhv_vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_CHECK_EXTENSION:
		return vhv_check_extension(arg);
	}
	/* What KVM on arm64 answers for a VM ioctl it does not know. */
	return -EINVAL;
}

static int vhv_vm_release(struct inode *inode, struct file *filp)
{
	kfree(filp->private_data);
	return 0;
}

static const struct file_operations vhv_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vhv_vm_release,
	.unlocked_ioctl	= vhv_vm_ioctl,
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

int vhv_vm_create(unsigned long type)
{
	struct vhv_vm *vm;
	unsigned int bits;
	int fd, ret;

	ret = ipa_bits_from_type(type, &bits);
	if (ret)
		return ret;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	vm->ipa_bits = bits;

	fd = anon_inode_getfd("vhv-vm", &vhv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		kfree(vm);
	return fd;
}
