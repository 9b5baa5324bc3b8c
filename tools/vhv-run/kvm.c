// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the VM itself: the device node, RAM, the in-kernel GICv3 and
 * ITS, interrupt lines and the MMIO device table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"

static void set_ram(struct vm *vm)
{
	struct kvm_userspace_memory_region mem = {
		.slot = 0,
		.guest_phys_addr = RAM_BASE,
		.memory_size = vm->ram_size,
	};

	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		die_errno("mmap of the guest's RAM");
	mem.userspace_addr = (u64)(unsigned long)vm->ram;
	kvm_ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mem);
}

void vm_create(struct vm *vm, const struct config *cfg)
{
	int version;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->gic_fd = -1;
	vm->its_fd = -1;
	vm->ram_size = cfg->mem;
	pthread_mutex_init(&vm->lock, NULL);

	vm->sys_fd = open(cfg->dev, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		die_errno(cfg->dev);
	version = kvm_ioctl(vm->sys_fd, KVM_GET_API_VERSION, NULL);
	if (version != KVM_API_VERSION)
		die("%s: KVM API version %d, not %d", cfg->dev, version, KVM_API_VERSION);
	vm->fd = kvm_ioctl(vm->sys_fd, KVM_CREATE_VM, NULL);
	vm->run_size = kvm_ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	kvm_ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &vm->init);
	set_ram(vm);
}

static void gic_attr(int fd, u32 group, u64 attr, void *val, const char *what)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (u64)(unsigned long)val,
	};

	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a))
		die("KVM_SET_DEVICE_ATTR (%s): %s", what, strerror(errno));
}

/* An ITS only when the hypervisor can create one (KVM_CREATE_DEVICE_TEST). */
static void create_its(struct vm *vm)
{
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_ARM_VGIC_ITS,
		.flags = KVM_CREATE_DEVICE_TEST,
	};
	u64 base = GITS_BASE;

	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &cd))
		return;
	cd.flags = 0;
	kvm_ioctl(vm->fd, KVM_CREATE_DEVICE, &cd);
	vm->its_fd = cd.fd;
	gic_attr(vm->its_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &base,
		 "ITS address");
	gic_attr(vm->its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		 "ITS CTRL_INIT");
}

/* After every vCPU is created: the GIC sizes its redistributors by them. */
void vm_create_gic(struct vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	u64 dist = GICD_BASE, redist = GICR_BASE;
	u32 nr_irqs = NR_IRQS;

	kvm_ioctl(vm->fd, KVM_CREATE_DEVICE, &cd);
	vm->gic_fd = cd.fd;
	gic_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
		 "GIC distributor address");
	gic_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
		 "GIC redistributor address");
	gic_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, "GIC NR_IRQS");
	gic_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		 "GIC CTRL_INIT");
	create_its(vm);
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	if (vm->io)
		iothread_destroy(vm->io);
	for (i = 0; i < vm->nr_mmio; i++)
		if (vm->mmio[i].ops->destroy)
			vm->mmio[i].ops->destroy(vm->mmio[i].opaque);
	for (i = 0; vm->vcpus && i < vm->cfg->cpus; i++) {
		munmap(vm->vcpus[i].run, vm->run_size);
		close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	if (vm->its_fd >= 0)
		close(vm->its_fd);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	close(vm->fd);
	close(vm->sys_fd);
	munmap(vm->ram, vm->ram_size);
	pthread_mutex_destroy(&vm->lock);
}

/* The host address of [gpa, gpa + len) in RAM, or NULL if not all RAM. */
void *gpa_to_hva(struct vm *vm, u64 gpa, u64 len)
{
	if (gpa < RAM_BASE || len > vm->ram_size || gpa - RAM_BASE > vm->ram_size - len)
		return NULL;
	return vm->ram + (gpa - RAM_BASE);
}

void vm_irq_line(struct vm *vm, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (spi + 32),
		.level = level,
	};

	kvm_ioctl(vm->fd, KVM_IRQ_LINE, &irq);
}

void vm_add_mmio(struct vm *vm, u64 base, u64 size, void *opaque, const struct mmio_ops *ops)
{
	if (vm->nr_mmio == MAX_MMIO_DEVS)
		die("too many devices");
	vm->mmio[vm->nr_mmio++] = (struct mmio_dev) {
		.base = base, .size = size, .opaque = opaque, .ops = ops,
	};
}
