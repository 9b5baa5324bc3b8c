// SPDX-License-Identifier: GPL-2.0
/* The tests' VMM library: see vmm.h. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "test.h"
#include "vmm.h"

const char *vmm_dev_path(void)
{
	const char *dev = getenv("VHV_DEV");

	return dev && *dev ? dev : "/dev/vhv";
}

bool vmm_target_is_kvm(void)
{
	const char *target = getenv("VHV_TARGET");

	return target && !strcmp(target, "kvm");
}

void vmm_require_vhv(void)
{
	if (vmm_target_is_kvm())
		SKIP("vhv-only behaviour, target is in-kernel KVM");
}

int vmm_open_dev(void)
{
	return ASSERT_OK(open(vmm_dev_path(), O_RDWR | O_CLOEXEC));
}

int vmm_create_vm(int dev_fd, unsigned long type)
{
	return ASSERT_OK(ioctl(dev_fd, KVM_CREATE_VM, type));
}

long vmm_check_extension(int fd, long cap)
{
	return ASSERT_OK(ioctl(fd, KVM_CHECK_EXTENSION, cap));
}
