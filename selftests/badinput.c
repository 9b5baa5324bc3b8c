// SPDX-License-Identifier: GPL-2.0
/*
 * A VMM's mistakes get KVM's errno and change nothing: memory slots with
 * bad flags, sizes, alignment, ids, overlaps and ranges; vCPU ids;
 * KVM_ARM_VCPU_INIT with bad targets and features, or changed features;
 * bad pointers everywhere; and file descriptors closed in every order.
 * KVM ABI only.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define GPA		0x08000000ULL
#define SIZE		0x00200000ULL

static int set_region(int vm, u32 slot, u32 flags, u64 gpa, u64 size, void *host)
{
	struct kvm_userspace_memory_region mem = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)host,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem);
}

static void *host_memory(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	return p;
}

TEST(memory_region_argument_errors)
{
	int dev = vmm_open_dev(), vm = vmm_create_vm(dev, 0);
	long page = getpagesize();
	u8 *mem = host_memory(SIZE);

	ASSERT_ERRNO(ioctl(vm, KVM_SET_USER_MEMORY_REGION, NULL), EFAULT);
	/* Flags: only KVM_MEM_READONLY is vhv's and KVM's common ground here. */
	ASSERT_ERRNO(set_region(vm, 1, 0x80, GPA, SIZE, mem), EINVAL);
	/* Alignment of size, guest address and host address. */
	ASSERT_ERRNO(set_region(vm, 1, 0, GPA, SIZE - 8, mem), EINVAL);
	ASSERT_ERRNO(set_region(vm, 1, 0, GPA + 8, SIZE, mem), EINVAL);
	ASSERT_ERRNO(set_region(vm, 1, 0, GPA, SIZE, mem + 8), EINVAL);
	/* A host range the VMM cannot own (the kernel's half). */
	ASSERT_ERRNO(set_region(vm, 1, 0, GPA, SIZE, (void *)0xffff000000000000ULL), EINVAL);
	/* Slot ids: address space 1, and past the last slot. */
	ASSERT_ERRNO(set_region(vm, 1 << 16, 0, GPA, SIZE, mem), EINVAL);
	ASSERT_ERRNO(set_region(vm, 32767, 0, GPA, SIZE, mem), EINVAL);
	/* A guest range that wraps, and one beyond the 40-bit IPA space. */
	ASSERT_ERRNO(set_region(vm, 1, 0, -(u64)page, 2 * page, mem), EINVAL);
	ASSERT_ERRNO(set_region(vm, 1, 0, 1ULL << 40, SIZE, mem), EFAULT);
	/* Deleting a slot that does not exist. */
	ASSERT_ERRNO(set_region(vm, 5, 0, GPA, 0, mem), EINVAL);
	/* After all of that, the slot can still be made, once. */
	ASSERT_OK(set_region(vm, 1, 0, GPA, SIZE, mem));
	ASSERT_OK(set_region(vm, 1, 0, GPA, SIZE, mem));
}

TEST(memory_region_changes_that_kvm_refuses)
{
	int dev = vmm_open_dev(), vm = vmm_create_vm(dev, 0);
	u8 *mem = host_memory(2 * SIZE);

	ASSERT_OK(set_region(vm, 1, 0, GPA, SIZE, mem));
	/* Overlap with slot 1, from another slot. */
	ASSERT_ERRNO(set_region(vm, 2, 0, GPA + SIZE / 2, SIZE, mem + SIZE), EEXIST);
	ASSERT_ERRNO(set_region(vm, 2, 0, GPA - SIZE / 2, SIZE, mem + SIZE), EEXIST);
	/* Slot 1 changing its host address, size or read-only flag. */
	ASSERT_ERRNO(set_region(vm, 1, 0, GPA, SIZE, mem + SIZE), EINVAL);
	ASSERT_ERRNO(set_region(vm, 1, 0, GPA, SIZE / 2, mem), EINVAL);
	ASSERT_ERRNO(set_region(vm, 1, KVM_MEM_READONLY, GPA, SIZE, mem), EINVAL);
	/* Moving it is fine; its old place is then free for another slot. */
	ASSERT_OK(set_region(vm, 1, 0, GPA + 4 * SIZE, SIZE, mem));
	ASSERT_OK(set_region(vm, 2, 0, GPA, SIZE, mem + SIZE));
	ASSERT_OK(set_region(vm, 1, 0, GPA + 4 * SIZE, 0, mem));
}

TEST(memory_region2_is_served_too)
{
	int dev = vmm_open_dev(), vm = vmm_create_vm(dev, 0);
	struct kvm_userspace_memory_region2 mem = {
		.slot = 3, .guest_phys_addr = GPA, .memory_size = SIZE,
		.userspace_addr = (uintptr_t)host_memory(SIZE),
	};

	ASSERT_EQ(vmm_check_extension(dev, KVM_CAP_USER_MEMORY2), 1);
	ASSERT_OK(ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &mem));
	mem.slot = 4;
	ASSERT_ERRNO(ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &mem), EEXIST);
	mem.flags = KVM_MEM_GUEST_MEMFD;
	ASSERT_ERRNO(ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &mem), EINVAL);
}

TEST(vcpu_id_errors)
{
	int dev = vmm_open_dev(), vm = vmm_create_vm(dev, 0);
	long max = vmm_check_extension(dev, KVM_CAP_MAX_VCPU_ID);

	ASSERT_EQ(max, 512);
	ASSERT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, max), EINVAL);
	ASSERT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, -1UL), EINVAL);
	ASSERT_OK(ioctl(vm, KVM_CREATE_VCPU, max - 1));
	ASSERT_ERRNO(ioctl(vm, KVM_CREATE_VCPU, max - 1), EEXIST);
	ASSERT_OK(ioctl(vm, KVM_CREATE_VCPU, 0));
}

static int vcpu_init(int fd, u32 target, u32 f0, u32 f1)
{
	struct kvm_vcpu_init init = { .target = target, .features = { f0, f1 } };

	return ioctl(fd, KVM_ARM_VCPU_INIT, &init);
}

TEST(vcpu_init_errors)
{
	int dev = vmm_open_dev(), vm = vmm_create_vm(dev, 0);
	int a = ASSERT_OK(ioctl(vm, KVM_CREATE_VCPU, 0));
	int b = ASSERT_OK(ioctl(vm, KVM_CREATE_VCPU, 1));
	struct kvm_vcpu_init pref;
	const u32 v0_2 = 1U << KVM_ARM_VCPU_PSCI_0_2;

	ASSERT_OK(ioctl(vm, KVM_ARM_PREFERRED_TARGET, &pref));
	ASSERT_EQ(pref.target, KVM_ARM_TARGET_GENERIC_V8);
	ASSERT_ERRNO(ioctl(vm, KVM_ARM_PREFERRED_TARGET, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(a, KVM_ARM_VCPU_INIT, NULL), EFAULT);
	ASSERT_ERRNO(vcpu_init(a, 0x1234, v0_2, 0), EINVAL);
	/* Unknown feature bits (HAS_EL2 is bit 7), or any in features[1]. */
	ASSERT_ERRNO(vcpu_init(a, KVM_ARM_TARGET_GENERIC_V8, 1U << 7, 0), ENOENT);
	ASSERT_ERRNO(vcpu_init(a, KVM_ARM_TARGET_GENERIC_V8, v0_2, 1), ENOENT);
	/* PTRAUTH_ADDRESS without PTRAUTH_GENERIC: never valid. */
	ASSERT_ERRNO(vcpu_init(a, KVM_ARM_TARGET_GENERIC_V8, 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS, 0),
		     EINVAL);
	ASSERT_OK(vcpu_init(a, KVM_ARM_TARGET_GENERIC_V8, v0_2, 0));
	/* Again with other features: refused; with the same ones: a reset. */
	ASSERT_ERRNO(vcpu_init(a, KVM_ARM_TARGET_GENERIC_V8, 0, 0), EINVAL);
	ASSERT_OK(vcpu_init(a, KVM_ARM_TARGET_GENERIC_V8, v0_2 | 1U << KVM_ARM_VCPU_POWER_OFF, 0));
	/* Another vCPU of the VM with other features: refused. */
	ASSERT_ERRNO(vcpu_init(b, KVM_ARM_TARGET_GENERIC_V8, 0, 0), EINVAL);
	ASSERT_OK(vcpu_init(b, KVM_ARM_TARGET_GENERIC_V8, v0_2, 0));
}

TEST(vcpu_features_vhv_does_not_offer_are_refused)
{
	int dev, vm, fd;
	unsigned int f;

	vmm_require_vhv();
	dev = vmm_open_dev();
	vm = vmm_create_vm(dev, 0);
	fd = ASSERT_OK(ioctl(vm, KVM_CREATE_VCPU, 0));
	/* No 32-bit EL1, PMU, SVE or pointer authentication for a vhv guest. */
	for (f = KVM_ARM_VCPU_EL1_32BIT; f <= KVM_ARM_VCPU_PTRAUTH_GENERIC; f++)
		if (f != KVM_ARM_VCPU_PSCI_0_2)
			ASSERT_ERRNO(vcpu_init(fd, KVM_ARM_TARGET_GENERIC_V8, 1U << f, 0), EINVAL);
	ASSERT_ERRNO(vcpu_init(fd, KVM_ARM_TARGET_GENERIC_V8,
			       (1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS) |
			       (1U << KVM_ARM_VCPU_PTRAUTH_GENERIC), 0), EINVAL);
}

TEST(mp_state_errors)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, NULL, 0);
	struct kvm_mp_state mp = { .mp_state = 0x77 };

	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp), EINVAL);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_SET_MP_STATE, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_MP_STATE, NULL), EFAULT);
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_RUNNABLE);
}

TEST(unknown_vcpu_ioctls_are_einval)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, NULL, 0);

	ASSERT_ERRNO(ioctl(vcpu->fd, _IO(KVMIO, 0xfe), 0), EINVAL);
	ASSERT_ERRNO(ioctl(vcpu->fd, _IO('x', 1), 0), EINVAL);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_CREATE_VM, 0), EINVAL);
}

static void guest_sync_forever(u64 unused __attribute__((unused)))
{
	for (;;)
		GUEST_SYNC(7);
}

/* A vCPU goes on working whatever was closed before it, and the rest is
 * freed in whatever order its files go. */
TEST(file_descriptors_closed_in_every_order)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *a = vmm_vcpu_new(vm, 0, guest_sync_forever, 0);
	struct vmm_vcpu *b = vmm_vcpu_new(vm, 1, guest_sync_forever, 0);
	struct ucall uc;

	close(vm->dev);
	ASSERT_EQ(vmm_run_ucall(a, &uc), UCALL_SYNC);
	close(vm->fd);
	ASSERT_EQ(vmm_run_ucall(a, &uc), UCALL_SYNC);
	ASSERT_EQ(vmm_run_ucall(b, &uc), UCALL_SYNC);
	close(a->fd);
	ASSERT_EQ(vmm_run_ucall(b, &uc), UCALL_SYNC);
	/* The kvm_run mapping outlives the file; the VM goes with b's. */
	ASSERT_EQ(a->run->exit_reason, KVM_EXIT_MMIO);
	close(b->fd);
	munmap(a->run, vm->run_size);
	munmap(b->run, vm->run_size);
}
