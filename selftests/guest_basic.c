// SPDX-License-Identifier: GPL-2.0
/*
 * The first guest: code of this test runs at EL1 in a VM, reports values
 * to the host through ucalls, and returns. KVM ABI only.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

static void guest_done(u64 arg)
{
	GUEST_SYNC(arg + 1);
}

TEST(guest_runs_reports_and_returns)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_done, 41);
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 42);
	vmm_run_to_done(vcpu);
}

static void guest_counts(u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		GUEST_SYNC2(i, i * i);
}

TEST(guest_state_survives_many_exits)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_counts, 1000);
	struct ucall uc;
	u64 i;

	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], i);
		ASSERT_EQ(uc.args[1], i * i);
	}
	vmm_run_to_done(vcpu);
}
