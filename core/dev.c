// SPDX-License-Identifier: GPL-2.0
/*
 * The device nodes: /dev/vhv always, /dev/kvm too when the kvm_node
 * parameter allows it (in-kernel KVM holding its minor has already been
 * refused by core/probe.c). Both answer the system ioctls of
 * <linux/kvm.h> identically. They are registered last in module init and
 * removed first at exit: an open node is a way into every other part of
 * vhv, so everything must exist before and until it does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "core/vhv.h"
#include "mmu/coalesced.h"

static bool kvm_node = true;
module_param(kvm_node, bool, 0444);
MODULE_PARM_DESC(kvm_node, "Also register /dev/kvm when in-kernel KVM does not hold it (default: on)");

static long vhv_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		/* KVM takes no argument here and refuses one. */
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return vhv_check_extension(arg);
	case KVM_CREATE_VM:
		return vhv_vm_create(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		/* The kvm_run page, then the coalesced MMIO ring (mmu/coalesced.h). */
		return arg ? -EINVAL : (VHV_COALESCED_MMIO_PAGE_OFFSET + 1) * PAGE_SIZE;
	}
	/* What KVM on arm64 answers for a system ioctl it does not know. */
	return -EINVAL;
}

static const struct file_operations vhv_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vhv_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vhv_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vhv",
	.fops	= &vhv_dev_fops,
};

static struct miscdevice vhv_kvm_misc = {
	.minor	= KVM_MINOR,
	.name	= "kvm",
	.fops	= &vhv_dev_fops,
};

static bool kvm_misc_registered;

int vhv_dev_init(void)
{
	int ret;

	ret = misc_register(&vhv_misc);
	if (ret) {
		pr_err("cannot register /dev/vhv: %d\n", ret);
		return ret;
	}
	/* Nothing after this may fail: a VMM may hold /dev/vhv open already. */
	if (!kvm_node)
		return 0;
	ret = misc_register(&vhv_kvm_misc);
	if (ret)
		pr_info("/dev/kvm not registered (%d); /dev/vhv serves alone\n", ret);
	else
		kvm_misc_registered = true;
	return 0;
}

void vhv_dev_exit(void)
{
	if (kvm_misc_registered)
		misc_deregister(&vhv_kvm_misc);
	kvm_misc_registered = false;
	misc_deregister(&vhv_misc);
}
