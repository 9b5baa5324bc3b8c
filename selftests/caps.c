// SPDX-License-Identifier: GPL-2.0
/*
 * vhv advertises exactly what works (Documentation/api.rst lists it):
 * every capability number answers 0 except these, on the system fd and
 * on a VM fd alike. vhv-only: in-kernel KVM advertises far more.
 */
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

/* Capability numbers beyond the highest KVM defines today, to be sure. */
#define CAP_SCAN_END	1024

static const long advertised[] = {
	KVM_CAP_USER_MEMORY,
	KVM_CAP_USER_MEMORY2,
	KVM_CAP_DESTROY_MEMORY_REGION_WORKS,
	KVM_CAP_JOIN_MEMORY_REGIONS_WORKS,
	KVM_CAP_READONLY_MEM,
	KVM_CAP_SYNC_MMU,
	KVM_CAP_ONE_REG,
	KVM_CAP_MP_STATE,
	KVM_CAP_IMMEDIATE_EXIT,
	KVM_CAP_CHECK_EXTENSION_VM,
	KVM_CAP_ARM_PSCI,
	KVM_CAP_ARM_PSCI_0_2,
	KVM_CAP_ARM_NISV_TO_USER,
	KVM_CAP_NR_MEMSLOTS,
	KVM_CAP_NR_VCPUS,
	KVM_CAP_MAX_VCPUS,
	KVM_CAP_MAX_VCPU_ID,
	KVM_CAP_ARM_VM_IPA_SIZE,
	KVM_CAP_DEVICE_CTRL,
	KVM_CAP_ARM_IRQ_LINE_LAYOUT_2,
	KVM_CAP_IRQCHIP,	/* the emulated hosts have a maintenance interrupt */
	KVM_CAP_VCPU_EVENTS,
	KVM_CAP_ARM_INJECT_EXT_DABT,
	KVM_CAP_ARM_INJECT_SERROR_ESR,	/* the emulated CPUs have FEAT_RAS */
	KVM_CAP_IRQFD,
	KVM_CAP_IRQFD_RESAMPLE,
	KVM_CAP_IRQ_ROUTING,
	KVM_CAP_COUNTER_OFFSET,
	KVM_CAP_IOEVENTFD,
	KVM_CAP_IOEVENTFD_ANY_LENGTH,
	KVM_CAP_COALESCED_MMIO,
	KVM_CAP_COALESCED_PIO,
	KVM_CAP_ARM_SYSTEM_SUSPEND,
	KVM_CAP_STEAL_TIME,	/* Debian's kernels count run delays (CONFIG_SCHED_INFO) */
	KVM_CAP_SIGNAL_MSI,
};

static bool is_advertised(long cap)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(advertised); i++)
		if (advertised[i] == cap)
			return true;
	return false;
}

static void check_exact_set(int fd)
{
	long cap, val;

	for (cap = 0; cap < CAP_SCAN_END; cap++) {
		val = vmm_check_extension(fd, cap);
		if (is_advertised(cap))
			EXPECT_GE(val, 1);
		else if (val)
			vt_fail(__FILE__, __LINE__, "capability %ld answers %ld, not advertised by vhv",
				cap, val);
	}
}

TEST(system_fd_advertises_exactly_the_implemented_set)
{
	vmm_require_vhv();
	check_exact_set(vmm_open_dev());
}

TEST(vm_fd_advertises_exactly_the_implemented_set)
{
	int fd;

	vmm_require_vhv();
	fd = vmm_open_dev();
	check_exact_set(vmm_create_vm(fd, 0));
}

/*
 * Value for value, not just the same set: a VMM may ask either fd. (KVM
 * answers a few differently on a VM, KVM_CAP_MAX_VCPUS after a vGIC for
 * one: vhv has no such case today, and says so here.)
 */
TEST(system_fd_and_vm_fd_answer_every_capability_alike)
{
	int dev, vm;
	long cap;

	vmm_require_vhv();
	dev = vmm_open_dev();
	vm = vmm_create_vm(dev, 0);
	for (cap = 0; cap < CAP_SCAN_END; cap++)
		if (vmm_check_extension(dev, cap) != vmm_check_extension(vm, cap))
			vt_fail(__FILE__, __LINE__, "capability %ld: %ld on the system fd, %ld on a VM",
				cap, vmm_check_extension(dev, cap), vmm_check_extension(vm, cap));
}

/* vhv's stage-2 reaches 48 bits at most (it does not use FEAT_LPA2). */
TEST(ipa_limit_is_parange_capped_at_48)
{
	long limit;

	vmm_require_vhv();
	limit = vmm_check_extension(vmm_open_dev(), KVM_CAP_ARM_VM_IPA_SIZE);
	ASSERT_GE(limit, 40);
	ASSERT_LE(limit, 48);
}
