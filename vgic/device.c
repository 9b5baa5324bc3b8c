// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm-arm-vgic-v3 device: KVM_CREATE_DEVICE, its file, and the
 * attribute groups a VMM configures it with (frame addresses in
 * vgic/layout.c, number of interrupts, CTRL_INIT), with KVM's order rules
 * and errnos, and the state groups of vgic/state.c.
 *
 * All attribute changes hold vm->lock, which also serialises them
 * against KVM_CREATE_VCPU; vgic->initialised is published with release
 * semantics for the lock-free readers (vhv_vgic_ready()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/icc.h"
#include "vgic/irq.h"
#include "vgic/irqfd.h"
#include "vgic/layout.h"
#include "vgic/lpi.h"
#include "vgic/state.h"
#include "vgic/vgic.h"

#define DEFAULT_NR_IRQS		256		/* KVM's when the VMM sets none */

bool vhv_vgic_ready(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = READ_ONCE(vm->vgic);

	/* Pairs with vgic_init()'s release: the SPI table is complete. */
	return gic && smp_load_acquire(&gic->initialised);
}

/* ---- number of interrupts ---- */

static int nr_irqs_attr(struct vhv_vm *vm, struct kvm_device_attr *attr, bool write)
{
	struct vhv_vgic *gic = vm->vgic;
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);
	u32 val;

	if (attr->attr)
		return -ENXIO;
	if (!write)
		return put_user(gic->nr_irqs ?: VHV_VGIC_NR_PRIVATE, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	/* SPIs come in blocks of 32, INTIDs stop at 1019. */
	if (val < 64 || val > VHV_VGIC_MAX_IRQS || val % 32)
		return -EINVAL;
	if (gic->initialised || gic->nr_irqs)
		return -EBUSY;
	gic->nr_irqs = val;
	return 0;
}

/* ---- CTRL_INIT ---- */

static void init_private(struct vhv_vcpu *vcpu)
{
	unsigned int i;

	for (i = 0; i < VHV_VGIC_NR_PRIVATE; i++) {
		vhv_vgic_irq_init(&vcpu->vgic.priv[i], i, vcpu);
		/* SGIs are enabled at reset on KVM's GICv3 (a GIC may choose). */
		vcpu->vgic.priv[i].enabled = i < VHV_VGIC_NR_SGIS;
	}
}

static int vgic_init(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;
	struct vhv_vcpu *target;
	unsigned int i, nr_spis;

	if (gic->initialised)
		return 0;
	if (!gic->nr_irqs)
		gic->nr_irqs = DEFAULT_NR_IRQS;
	nr_spis = gic->nr_irqs - VHV_VGIC_NR_PRIVATE;
	gic->spis = kvcalloc(nr_spis, sizeof(*gic->spis), GFP_KERNEL_ACCOUNT);
	if (!gic->spis)
		return -ENOMEM;
	/*
	 * Routed to affinity 0 (IROUTER resets to 0). No vCPU can be added
	 * from here on, so only IROUTER writes and MPIDR_EL1 changes move
	 * the targets (vhv_vgic_retarget).
	 */
	target = vhv_vcpu_by_mpidr(vm, 0);
	for (i = 0; i < nr_spis; i++)
		vhv_vgic_irq_init(&gic->spis[i], VHV_VGIC_NR_PRIVATE + i, target);
	/* As KVM: the default routes replace any the VMM set before. */
	if (vhv_routes_set_default(vm, nr_spis)) {
		kvfree(gic->spis);
		gic->spis = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < vm->nr_vcpus; i++)
		init_private(vm->vcpus[i]);
	/* The tables are complete before anyone sees initialised. */
	smp_store_release(&gic->initialised, true);
	return 0;
}

/* As KVM: with every vCPU stopped (EBUSY), each LPI's bit to guest memory. */
static int save_pending(struct vhv_vm *vm)
{
	int ret;

	if (!vhv_vm_trylock_vcpus(vm))
		return -EBUSY;
	ret = vhv_lpi_save_pending(vm);
	vhv_vm_unlock_vcpus(vm);
	return ret;
}

static int ctrl_attr(struct vhv_vm *vm, struct kvm_device_attr *attr, bool write)
{
	if (!write)
		return -ENXIO;
	switch (attr->attr) {
	case KVM_DEV_ARM_VGIC_CTRL_INIT:
		return vgic_init(vm);
	case KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES:
		return save_pending(vm);
	}
	return -ENXIO;
}

/* ---- the device file ---- */

static int do_attr(struct vhv_vm *vm, struct kvm_device_attr *attr, bool write)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return vhv_vgic_addr_attr(vm, attr, write);
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return nr_irqs_attr(vm, attr, write);
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return ctrl_attr(vm, attr, write);
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return vhv_vgic_state_attr(vm, attr, write);
	}
	return -ENXIO;
}

static int has_attr(struct vhv_vm *vm, const struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr->attr == KVM_VGIC_V3_ADDR_TYPE_DIST ||
		       attr->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST ||
		       attr->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return vhv_vgic_state_has(vm, attr);
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ||
		       attr->attr == KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES ? 0 : -ENXIO;
	}
	return -ENXIO;
}

static long vgic_dev_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct vhv_vm *vm = filp->private_data;
	struct kvm_device_attr attr;
	long ret;

	if (!vhv_vm_usable(vm))
		return -EIO;
	switch (ioctl) {
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&attr, (void __user *)arg, sizeof(attr)))
		return -EFAULT;
	if (ioctl == KVM_HAS_DEVICE_ATTR)
		return has_attr(vm, &attr);
	mutex_lock(&vm->lock);
	ret = do_attr(vm, &attr, ioctl == KVM_SET_DEVICE_ATTR);
	mutex_unlock(&vm->lock);
	return ret;
}

static int vgic_dev_release(struct inode *inode, struct file *filp)
{
	vhv_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vgic_dev_fops = {
	.owner		= THIS_MODULE,
	.release	= vgic_dev_release,
	.unlocked_ioctl	= vgic_dev_ioctl,
	.llseek		= noop_llseek,
};

static void vgic_free(struct vhv_vgic *gic)
{
	kvfree(gic->spis);
	kvfree(gic->rdregs);
	kfree(gic);
}

static struct vhv_vgic *vgic_alloc(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = kzalloc(sizeof(*gic), GFP_KERNEL_ACCOUNT);

	if (!gic)
		return NULL;
	gic->rdregs = kvcalloc(VGIC_MAX_RDREGS, sizeof(*gic->rdregs), GFP_KERNEL_ACCOUNT);
	if (!gic->rdregs) {
		kfree(gic);
		return NULL;
	}
	raw_spin_lock_init(&gic->lock);
	mutex_init(&gic->lpi_lock);
	xa_init(&gic->lpi_xa);
	gic->vm = vm;
	/* An ITS made first gave PROPBASER its reset value (vgic/its_device.c). */
	if (vm->has_its)
		gic->propbaser = (3ULL << 7) | (1ULL << 10);
	gic->dist_base = VHV_VGIC_ADDR_UNDEF;
	gic->iidr_rev = VGIC_IIDR_REV_DEFAULT;
	return gic;
}

/*
 * The fd is reported before it is installed, so that an EFAULT leaves
 * neither a device nor an fd behind.
 */
static int vgic_create_locked(struct vhv_vm *vm, __u32 __user *ufd)
{
	struct vhv_vgic *gic;
	struct file *file;
	int fd, ret;

	gic = vgic_alloc(vm);
	if (!gic)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto free_gic;
	}
	vhv_vm_get(vm);
	file = anon_inode_getfile("vhv-vgic-v3", &vgic_dev_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		vhv_vm_put(vm);
		ret = PTR_ERR(file);
		goto put_fd;
	}
	if (put_user(fd, ufd)) {
		fput(file);
		ret = -EFAULT;
		goto put_fd;
	}
	WRITE_ONCE(vm->vgic, gic);
	fd_install(fd, file);
	return 0;

put_fd:
	put_unused_fd(fd);
free_gic:
	vgic_free(gic);
	return ret;
}

/*
 * Called with vm->lock held. A VM has at most one vGIC, created before any
 * vCPU runs: every vCPU depends on it from its first KVM_RUN on. As in
 * KVM (kvm_vgic_create(), 6.12), every vCPU's mutex is taken by trylock,
 * EBUSY if one is busy, so that no vCPU is inside KVM_RUN, past its look
 * for a vGIC, while one appears; and a VM where a vCPU has run (even a
 * KVM_RUN that only honoured immediate_exit) gets EBUSY. CTRL_INIT needs
 * no such lock: nothing reads the tables it fills before it publishes
 * them (vhv_vgic_ready()), and a KVM_RUN that finds the vGIC not
 * initialised kills the VM, as KVM's does.
 */
int vhv_vgic_create(struct vhv_vm *vm, bool test_only, __u32 __user *ufd)
{
	int ret;

	if (!vhv_vgic_available())
		return -ENODEV;
	if (test_only)
		return 0;
	if (!vhv_vm_trylock_vcpus(vm))
		return -EBUSY;
	if (vm->vgic)
		ret = -EEXIST;
	else if (test_bit(VHV_VM_RAN, &vm->flags))
		ret = -EBUSY;
	else
		ret = vgic_create_locked(vm, ufd);
	vhv_vm_unlock_vcpus(vm);
	return ret;
}

void vhv_vgic_destroy(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = vm->vgic;

	if (!gic)
		return;
	vgic_free(gic);
	vm->vgic = NULL;
}

/*
 * KVM_CREATE_VCPU (vm->lock held): not after CTRL_INIT, when the GIC's
 * size is fixed; and, as KVM checks when it gives the new vCPU its
 * redistributor, not when the frames as they stand overlap.
 */
int vhv_vgic_vcpu_allowed(struct vhv_vm *vm)
{
	if (!vm->vgic)
		return 0;
	if (vm->vgic->initialised)
		return -EBUSY;
	/* As KVM, when the new vCPU's redistributor would join the layout. */
	if (vhv_vgic_new_vcpu_placed(vm) && !vhv_vgic_frames_ok(vm))
		return -EINVAL;
	return 0;
}

void vhv_vgic_vcpu_init(struct vhv_vcpu *vcpu)
{
	INIT_LIST_HEAD(&vcpu->vgic.ap_list);
	vhv_vgic_icc_reset(vcpu);
}

/*
 * The first KVM_RUN with a vGIC: KVM's checks, in its order. Every frame
 * placed, not overlapping now that the vCPUs are all there, and
 * CTRL_INIT done; then the frames go on the MMIO bus (as KVM maps its
 * vGIC's resources at the first run). That fails only on no memory: an
 * ioeventfd or a coalesced MMIO zone over a frame shares the bus with it,
 * in KVM's order (mmu/iobus.h).
 */
int vhv_vgic_run_check(struct vhv_vm *vm)
{
	struct vhv_vgic *gic = READ_ONCE(vm->vgic);
	int ret;

	if (!gic || READ_ONCE(gic->checked))
		return 0;
	/*
	 * Without vm->lock (it is outside vcpu->mutex): an address being set
	 * meanwhile is seen as set or not, and no vCPU can be added once
	 * initialised is seen.
	 */
	if (!vhv_vgic_all_placed(vm) || READ_ONCE(gic->dist_base) == VHV_VGIC_ADDR_UNDEF)
		return -ENXIO;
	if (!vhv_vgic_frames_ok(vm))
		return -EINVAL;
	if (!vhv_vgic_ready(vm))
		return -EBUSY;
	ret = vhv_vgic_mmio_register(vm);
	if (ret)
		return ret;
	WRITE_ONCE(gic->checked, true);
	return 0;
}
