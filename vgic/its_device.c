// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm-arm-vgic-its device: KVM_CREATE_DEVICE(KVM_DEV_TYPE_ARM_VGIC_ITS)
 * and its attribute groups, with KVM 6.12's errnos:
 *   GRP_ADDR/KVM_VGIC_ITS_ADDR_TYPE: once (EEXIST), 64 KB aligned
 *     (EINVAL), inside the IPA space (E2BIG); another type ENODEV;
 *   GRP_CTRL: CTRL_INIT (nothing to do, 0 even while a vCPU runs);
 *     CTRL_RESET, SAVE_TABLES, RESTORE_TABLES and any other attribute
 *     (which does nothing: 0) with every vCPU stopped (EBUSY);
 *   GRP_ITS_REGS: vgic/its_mmio.c, with every vCPU stopped (EBUSY).
 * An ITS lives as long as its VM, as KVM's devices do.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vm.h"
#include "vgic/its.h"
#include "vgic/vgic.h"

/* KVM's reset values: RaWb, SameAsInner, InnerShareable, 64 KB pages. */
#define INITIAL_BASER		((3ULL << 59) | (1ULL << 10) | (2ULL << 8) | \
				 ((u64)(VHV_ITS_ESZ - 1) << 48))
#define INITIAL_PROPBASER	((3ULL << 7) | (1ULL << 10))

/*
 * The frame goes on the MMIO bus as its address is set, as KVM registers
 * it: from then on guest accesses reach it (vgic/its_mmio.c).
 */
static int addr_set(struct vhv_its *its, u64 addr)
{
	int ret;

	if (its->base != VHV_VGIC_ADDR_UNDEF)
		return -EEXIST;
	if (!IS_ALIGNED(addr, SZ_64K))
		return -EINVAL;
	if (addr + VHV_ITS_SIZE < addr)
		return -EINVAL;
	if (addr + VHV_ITS_SIZE > BIT_ULL(vhv_vm_ipa_bits(its->vm)))
		return -E2BIG;
	ret = vhv_its_bus_register(its, addr);
	if (!ret)
		WRITE_ONCE(its->base, addr);
	return ret;
}

static int addr_attr(struct vhv_its *its, struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 addr;

	if (attr->attr != KVM_VGIC_ITS_ADDR_TYPE)
		return -ENODEV;
	if (!write)
		return put_user(its->base, uaddr);
	if (get_user(addr, uaddr))
		return -EFAULT;
	/* Under vm->lock (its_dev_ioctl): two VMM threads register it once. */
	return addr_set(its, addr);
}

static void its_reset(struct vhv_its *its)
{
	mutex_lock(&its->cmd_lock);
	its->baser_dev &= ~BIT_ULL(63);
	its->baser_coll &= ~BIT_ULL(63);
	its->cbaser = 0;
	its->creadr = 0;
	its->cwriter = 0;
	WRITE_ONCE(its->enabled, false);
	mutex_unlock(&its->cmd_lock);
	mutex_lock(&its->lock);
	vhv_its_free_all(its);
	mutex_unlock(&its->lock);
}

/*
 * As KVM 6.12's vgic_its_ctrl(): CTRL_INIT does nothing, before the vCPUs
 * are looked at; every other attribute stops them (EBUSY if one runs),
 * and one it does not know then does nothing and succeeds.
 */
static int ctrl_attr(struct vhv_its *its, u64 attr)
{
	int ret = 0;

	if (attr == KVM_DEV_ARM_ITS_CTRL_RESET) {
		its_reset(its);
		return 0;
	}
	mutex_lock(&its->lock);
	if (attr == KVM_DEV_ARM_ITS_SAVE_TABLES)
		ret = vhv_its_save_tables(its);
	else if (attr == KVM_DEV_ARM_ITS_RESTORE_TABLES)
		ret = vhv_its_restore_tables(its);
	mutex_unlock(&its->lock);
	return ret;
}

static int regs_attr(struct vhv_its *its, struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 val;
	int ret;

	if (write && get_user(val, uaddr))
		return -EFAULT;
	ret = vhv_its_reg_uaccess(its, attr->attr, write, &val);
	if (!ret && !write)
		ret = put_user(val, uaddr);
	return ret;
}

/* As KVM: every vCPU stopped for the control and register groups. */
static int do_attr(struct vhv_its *its, struct kvm_device_attr *attr, bool write)
{
	struct vhv_vm *vm = its->vm;
	int ret;

	if (attr->group == KVM_DEV_ARM_VGIC_GRP_ADDR)
		return addr_attr(its, attr, write);
	/* KVM checks the alignment before it stops the vCPUs. */
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_ITS_REGS) {
		ret = vhv_its_reg_has(attr->attr);
		if (ret == -EINVAL)
			return ret;
	} else if (attr->group != KVM_DEV_ARM_VGIC_GRP_CTRL || !write) {
		return -ENXIO;
	} else if (attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT) {
		return 0;
	}
	if (!vhv_vm_trylock_vcpus(vm))
		return -EBUSY;
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_CTRL)
		ret = ctrl_attr(its, attr->attr);
	else
		ret = regs_attr(its, attr, write);
	vhv_vm_unlock_vcpus(vm);
	return ret;
}

static int has_attr(const struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr->attr == KVM_VGIC_ITS_ADDR_TYPE ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ||
		       attr->attr == KVM_DEV_ARM_ITS_CTRL_RESET ||
		       attr->attr == KVM_DEV_ARM_ITS_SAVE_TABLES ||
		       attr->attr == KVM_DEV_ARM_ITS_RESTORE_TABLES ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_ITS_REGS:
		return vhv_its_reg_has(attr->attr);
	}
	return -ENXIO;
}

static long its_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct vhv_its *its = filp->private_data;
	struct kvm_device_attr attr;
	long ret;

	if (!vhv_vm_usable(its->vm))
		return -EIO;
	if (ioctl != KVM_SET_DEVICE_ATTR && ioctl != KVM_GET_DEVICE_ATTR &&
	    ioctl != KVM_HAS_DEVICE_ATTR)
		return -ENOTTY;
	if (copy_from_user(&attr, (void __user *)arg, sizeof(attr)))
		return -EFAULT;
	if (ioctl == KVM_HAS_DEVICE_ATTR)
		return has_attr(&attr);
	mutex_lock(&its->vm->lock);
	ret = do_attr(its, &attr, ioctl == KVM_SET_DEVICE_ATTR);
	mutex_unlock(&its->vm->lock);
	return ret;
}

static int its_dev_release(struct inode *inode, struct file *filp)
{
	struct vhv_its *its = filp->private_data;
	struct vhv_vm *vm = its->vm;

	/* Never listed (reporting its fd failed): nobody else knows it. */
	if (list_empty(&its->link))
		kfree(its);
	vhv_vm_put(vm);
	return 0;
}

static const struct file_operations its_fops = {
	.owner		= THIS_MODULE,
	.release	= its_dev_release,
	.unlocked_ioctl	= its_dev_ioctl,
	.llseek		= noop_llseek,
};

static struct vhv_its *its_alloc(struct vhv_vm *vm)
{
	struct vhv_its *its = kzalloc(sizeof(*its), GFP_KERNEL_ACCOUNT);

	if (!its)
		return NULL;
	its->vm = vm;
	INIT_LIST_HEAD(&its->link);	/* on vm->its_list once its fd is reported */
	its->base = VHV_VGIC_ADDR_UNDEF;
	mutex_init(&its->cmd_lock);
	mutex_init(&its->lock);
	xa_init(&its->devs);
	xa_init(&its->colls);
	vhv_its_cache_init(&its->cache);
	its->baser_dev = INITIAL_BASER | (1ULL << 56);		/* Type: Devices */
	its->baser_coll = INITIAL_BASER | (4ULL << 56);		/* Type: Collections */
	return its;
}

/* vm->lock held. The fd is reported before it is installed, as the vGIC's. */
int vhv_its_create(struct vhv_vm *vm, bool test_only, __u32 __user *ufd)
{
	struct vhv_its *its;
	struct file *file;
	int fd;

	if (!vhv_vgic_available())
		return -ENODEV;
	if (test_only)
		return 0;
	its = its_alloc(vm);
	if (!its)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto free;
	vhv_vm_get(vm);
	file = anon_inode_getfile("vhv-vgic-its", &its_fops, its, O_RDWR);
	if (IS_ERR(file)) {
		vhv_vm_put(vm);
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto free;
	}
	if (put_user(fd, ufd)) {
		fput(file);
		put_unused_fd(fd);
		return -EFAULT;
	}
	list_add_tail_rcu(&its->link, &vm->its_list);
	/* As KVM's, every ITS's creation: LPIs exist, PROPBASER gets its reset value. */
	if (vm->vgic)
		WRITE_ONCE(vm->vgic->propbaser, INITIAL_PROPBASER);
	WRITE_ONCE(vm->has_its, true);
	fd_install(fd, file);
	return 0;
free:
	kfree(its);
	return fd;
}

/* The VM's last reference: no vCPU, ioctl or irqfd work is left. */
void vhv_its_destroy_all(struct vhv_vm *vm)
{
	struct vhv_its *its, *tmp;

	list_for_each_entry_safe(its, tmp, &vm->its_list, link) {
		mutex_lock(&its->lock);
		vhv_its_free_all(its);
		mutex_unlock(&its->lock);
		xa_destroy(&its->devs);
		xa_destroy(&its->colls);
		list_del(&its->link);
		kfree(its);
	}
}
