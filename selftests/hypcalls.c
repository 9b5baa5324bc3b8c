// SPDX-License-Identifier: GPL-2.0
/*
 * What a Linux guest probes, answered as KVM answers it (KVM ABI only):
 * ID_AA64PFR0_EL1.GIC with and without a vGICv3, and as the VMM sets it.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

/* ---- ID_AA64PFR0_EL1.GIC ---- */

#define REG_PFR0	REG_SYS(3, 0, 0, 4, 0)
#define PFR0_GIC(v)	(((v) >> 24) & 0xf)

static void guest_pfr0(u64 unused)
{
	GUEST_SYNC(read_sysreg(id_aa64pfr0_el1));
}

static u64 guest_gic_field(bool with_gic, bool vmm_clears)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = with_gic ? vmm_gic_new(vm, 0) : -1;
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_pfr0, 0);
	u64 pfr0;
	struct ucall uc;

	if (gic >= 0)
		vmm_gic_init(gic);
	pfr0 = vmm_get_reg(vcpu, REG_PFR0);
	if (vmm_clears)
		vmm_set_reg(vcpu, REG_PFR0, pfr0 & ~(0xfULL << 24));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	/* The guest's and the VMM's view agree once it ran. */
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PFR0), uc.args[0]);
	/* Final: another value is refused now. */
	pfr0 = uc.args[0] ^ (0x1ULL << 24);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_SET_ONE_REG,
			   &(struct kvm_one_reg){ .id = REG_PFR0, .addr = (u64)&pfr0 }), EBUSY);
	return PFR0_GIC(uc.args[0]);
}

TEST(id_aa64pfr0_gic_is_1_with_a_vgicv3)
{
	ASSERT_EQ(guest_gic_field(true, false), 1);
}

TEST(id_aa64pfr0_gic_is_0_without_a_vgic)
{
	ASSERT_EQ(guest_gic_field(false, false), 0);
}

TEST(id_aa64pfr0_gic_is_0_when_the_vmm_clears_it)
{
	ASSERT_EQ(guest_gic_field(true, true), 0);
}
