// SPDX-License-Identifier: GPL-2.0
/*
 * vhv's device nodes: /dev/vhv (a misc device with a dynamic minor) and
 * /dev/kvm (the KVM misc minor, registered because in-kernel KVM is off
 * on this host), both serving the same system ioctls. vhv-only.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/major.h>

#include "lib/test.h"
#include "lib/vmm.h"

/* <linux/miscdevice.h> is not UAPI; the number is fixed in devices.txt. */
#define KVM_MINOR	232

TEST(dev_vhv_is_a_misc_char_device)
{
	struct stat st;

	vmm_require_vhv();
	ASSERT_OK(stat("/dev/vhv", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(major(st.st_rdev), MISC_MAJOR);
	ASSERT_NE(minor(st.st_rdev), KVM_MINOR);
}

TEST(dev_kvm_is_vhv_on_the_kvm_minor)
{
	struct stat st;

	vmm_require_vhv();
	ASSERT_OK(stat("/dev/kvm", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(major(st.st_rdev), MISC_MAJOR);
	ASSERT_EQ(minor(st.st_rdev), KVM_MINOR);
}

TEST(both_nodes_serve_the_same_api)
{
	int vhv, kvm;

	vmm_require_vhv();
	vhv = ASSERT_OK(open("/dev/vhv", O_RDWR));
	kvm = ASSERT_OK(open("/dev/kvm", O_RDWR));
	ASSERT_EQ(ioctl(kvm, KVM_GET_API_VERSION, 0), 12);
	ASSERT_EQ(ioctl(vhv, KVM_GET_API_VERSION, 0), 12);
	ASSERT_EQ(ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE),
		  ioctl(vhv, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE));
	close(ASSERT_OK(ioctl(kvm, KVM_CREATE_VM, 0)));
}
