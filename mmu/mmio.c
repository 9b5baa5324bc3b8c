// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits to the VMM and their completion. A data abort with a valid
 * syndrome becomes KVM_EXIT_MMIO; without one (ISV = 0: load/store pair,
 * writeback, SIMD...) it becomes KVM_EXIT_ARM_NISV when the VMM enabled
 * KVM_CAP_ARM_NISV_TO_USER, else KVM_RUN fails with ENOSYS, as in KVM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/ratelimit.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "arm64/exits.h"
#include "arm64/switch.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmio.h"
#include "mmu/mmu.h"

/* ESR bits KVM_EXIT_ARM_NISV reports: CM [8], WnR [6], DFSC [5:0]. */
#define NISV_ISS_MASK	0x17fULL

/* Data accesses are big-endian under SCTLR_EL1.EE at EL1, .E0E at EL0. */
bool vhv_mmio_guest_be(struct vhv_vcpu *vcpu)
{
	u64 sctlr = vhv_vcpu_read_sr(vcpu, VHV_SR_SCTLR_EL1);
	u64 pstate = vcpu->regs.regs.pstate;
	bool el0 = (pstate & PSR_MODE32_BIT) || (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;

	return sctlr & (el0 ? SCTLR_EL1_E0E : SCTLR_ELx_EE);
}

int vhv_mmio_exit(struct vhv_vcpu *vcpu, const struct vhv_dabt *d)
{
	struct kvm_run *run = vcpu->run;

	if (!d->isv) {
		if (!test_bit(VHV_VM_NISV_TO_USER, &vcpu->vm->flags))
			return -ENOSYS;
		run->exit_reason = KVM_EXIT_ARM_NISV;
		run->arm_nisv.esr_iss = vcpu->exit.esr & NISV_ISS_MASK;
		run->arm_nisv.fault_ipa = d->ipa;
		return 0;
	}
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = d->ipa;
	run->mmio.len = d->len;
	run->mmio.is_write = d->is_write;
	if (d->is_write) {
		u64 val = d->rt == 31 ? 0 : vcpu->regs.regs.regs[d->rt];

		vhv_mmio_store_data(d, val, vhv_mmio_guest_be(vcpu), run->mmio.data);
	} else {
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	}
	vcpu->mmio.dabt = *d;
	vcpu->mmio.pending = true;
	return 0;
}

void vhv_mmio_complete(struct vhv_vcpu *vcpu)
{
	const struct vhv_dabt *d = &vcpu->mmio.dabt;

	if (!d->is_write && d->rt != 31)
		vcpu->regs.regs.regs[d->rt] =
			vhv_mmio_load_value(d, vcpu->run->mmio.data, vhv_mmio_guest_be(vcpu));
	vcpu->mmio.pending = false;
	vhv_skip_instr(vcpu);
}
