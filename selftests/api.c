// SPDX-License-Identifier: GPL-2.0
/*
 * The system and VM ioctls every KVM VMM starts with: API version,
 * capability queries, VM creation with the arm64 IPA size in the machine
 * type, and the answer to ioctls that do not exist. KVM ABI only: passes
 * against vhv and in-kernel KVM.
 */
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

TEST(api_version_is_12)
{
	int fd = vmm_open_dev();

	ASSERT_EQ(ioctl(fd, KVM_GET_API_VERSION, 0), KVM_API_VERSION);
	ASSERT_EQ(KVM_API_VERSION, 12);
}

TEST(api_version_refuses_an_argument)
{
	int fd = vmm_open_dev();

	ASSERT_ERRNO(ioctl(fd, KVM_GET_API_VERSION, 1), EINVAL);
}

TEST(unknown_system_ioctl_is_einval)
{
	int fd = vmm_open_dev();

	/* Past the last KVMIO number, and another driver's type letter. */
	ASSERT_ERRNO(ioctl(fd, _IO(KVMIO, 0xfe), 0), EINVAL);
	ASSERT_ERRNO(ioctl(fd, _IOR('x', 1, int), 0), EINVAL);
	/* A VM ioctl sent to the system fd. */
	ASSERT_ERRNO(ioctl(fd, KVM_CREATE_VCPU, 0), EINVAL);
}

TEST(unknown_capabilities_answer_zero)
{
	int fd = vmm_open_dev();

	ASSERT_EQ(vmm_check_extension(fd, 0x7fffffff), 0);
	ASSERT_EQ(vmm_check_extension(fd, 100000), 0);
	ASSERT_EQ(vmm_check_extension(fd, -1), 0);
}

static long ipa_limit(int fd)
{
	long limit = vmm_check_extension(fd, KVM_CAP_ARM_VM_IPA_SIZE);

	/* KVM's default of 40 bits is always available where this is. */
	ASSERT_GE(limit, 40);
	ASSERT_LE(limit, 52);
	return limit;
}

TEST(create_vm_default_and_every_ipa_size)
{
	int fd = vmm_open_dev();
	long limit = ipa_limit(fd), bits;

	close(vmm_create_vm(fd, 0));
	for (bits = 32; bits <= limit; bits++)
		close(vmm_create_vm(fd, KVM_VM_TYPE_ARM_IPA_SIZE(bits)));
}

TEST(create_vm_bad_types_are_einval)
{
	int fd = vmm_open_dev();
	long limit = ipa_limit(fd), bits;

	for (bits = 1; bits < 32; bits++)
		ASSERT_ERRNO(ioctl(fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(bits)), EINVAL);
	ASSERT_ERRNO(ioctl(fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(limit + 1)), EINVAL);
	ASSERT_ERRNO(ioctl(fd, KVM_CREATE_VM, 0xffUL), EINVAL);
	/* Bits above the IPA size field. */
	ASSERT_ERRNO(ioctl(fd, KVM_CREATE_VM, 0x100UL), EINVAL);
	ASSERT_ERRNO(ioctl(fd, KVM_CREATE_VM, 0x100UL | 40), EINVAL);
}

TEST(vm_fd_answers_check_extension)
{
	int fd = vmm_open_dev();
	int vm = vmm_create_vm(fd, 0);

	ASSERT_EQ(vmm_check_extension(fd, KVM_CAP_CHECK_EXTENSION_VM), 1);
	ASSERT_EQ(vmm_check_extension(vm, KVM_CAP_ARM_VM_IPA_SIZE),
		  vmm_check_extension(fd, KVM_CAP_ARM_VM_IPA_SIZE));
	ASSERT_EQ(vmm_check_extension(vm, 0x7fffffff), 0);
}

TEST(unknown_vm_ioctl_is_einval)
{
	int fd = vmm_open_dev();
	int vm = vmm_create_vm(fd, 0);

	ASSERT_ERRNO(ioctl(vm, _IO(KVMIO, 0xfe), 0), EINVAL);
	/* A system ioctl sent to the VM fd. */
	ASSERT_ERRNO(ioctl(vm, KVM_GET_API_VERSION, 0), EINVAL);
}

TEST(vm_outlives_the_system_fd)
{
	int fd = vmm_open_dev();
	int vm = vmm_create_vm(fd, 0);

	close(fd);
	ASSERT_EQ(vmm_check_extension(vm, KVM_CAP_CHECK_EXTENSION_VM), 1);
}
