// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_ARM_VCPU_INIT and the reset state of a vCPU, also used for a PSCI
 * CPU_ON. Feature checks and errno as KVM's: unknown feature bits are
 * ENOENT, known ones vhv does not implement (EL1_32BIT, PMU_V3, SVE,
 * PTRAUTH_*) EINVAL, so that no VMM believes in them; all vCPUs of a VM
 * share their features (POWER_OFF aside).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/preempt.h>
#include <linux/uaccess.h>
#include <asm/cputype.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "arm64/cacheid.h"
#include "arm64/switch.h"
#include "arm64/sysregs.h"
#include "core/onereg.h"
#include "core/vcpu.h"
#include "core/vm.h"

/* KVM_VCPU_MAX_FEATURES is 7: bits 0-6 are known. */
#define KNOWN_FEATURES		0x7fU
#define VHV_FEATURES		(BIT(KVM_ARM_VCPU_POWER_OFF) | BIT(KVM_ARM_VCPU_PSCI_0_2))

/*
 * HCR_EL2 while the guest runs: stage 2 (VM), physical interrupts and
 * SErrors to EL2 (IMO, FMO, AMO), set/way invalidation upgraded (SWIO),
 * walks to device memory faulted (PTW), broadcast of the guest's TLB and
 * I-cache maintenance (FB, BSU_IS); traps of WFI/WFE, SMC, ID registers
 * (TID3; TID2 or TID4 from arm64/cacheid.c for the cache identification
 * registers), IMPDEF registers (TIDCP), ACTLR_EL1 (TACR), set/way cache
 * operations (TSW), LOR, RAS error registers and external aborts
 * (TLOR, TERR, TEA); AArch64 EL1 (RW), and E2H kept (D24.2.48).
 * API and APK stay clear: pointer authentication traps and is UNDEF;
 * so does EnSCXT: SCXTNUM_EL0/EL1 trap and are UNDEF (no FEAT_CSV2_2 for
 * the guest, arm64/idregs.c).
 */
#define GUEST_HCR	(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | HCR_AMO | \
			 HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TID3 | HCR_TSC | \
			 HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW | HCR_E2H | HCR_TLOR | \
			 HCR_TERR | HCR_TEA)

/* With the vCPU not loaded (between ioctls, or put by the caller). */
void vhv_vcpu_reset(struct vhv_vcpu *vcpu)
{
	/*
	 * MPIDR_EL1 is set when the vCPU is created and changed only by the
	 * VMM (core/mpidr.c keeps the VM's map of them): what it wrote
	 * survives a re-init, as in KVM.
	 */
	u64 mpidr = vcpu->sys[VHV_SR_MPIDR_EL1];

	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs.regs.pstate = PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
	vhv_sysregs_reset(vcpu);
	vcpu->sys[VHV_SR_MPIDR_EL1] = mpidr;
	vcpu->sys[VHV_SR_CLIDR_EL1] = vhv_cacheid_clidr_reset();
	vcpu->hcr = GUEST_HCR | vhv_cacheid_hcr();
	vcpu->vdisr = 0;
	vcpu->mmio.pending = false;
	vhv_timer_vcpu_reset(vcpu);
}

void vhv_vcpu_reset_to(struct vhv_vcpu *vcpu, const struct vhv_reset_req *req)
{
	bool loaded;

	preempt_disable();
	loaded = vcpu->loaded;
	if (loaded)
		vhv_vcpu_put(vcpu);
	vhv_vcpu_reset(vcpu);
	vcpu->regs.regs.pc = req->pc;
	vcpu->regs.regs.regs[0] = req->x0;
	if (req->big_endian)
		vcpu->sys[VHV_SR_SCTLR_EL1] |= SCTLR_ELx_EE;
	if (loaded)
		vhv_vcpu_load(vcpu);
	preempt_enable();
}

static int check_features(struct vhv_vm *vm, const struct kvm_vcpu_init *init, u32 *features)
{
	unsigned int i;

	if (init->target != KVM_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	if (init->features[0] & ~KNOWN_FEATURES)
		return -ENOENT;
	for (i = 1; i < ARRAY_SIZE(init->features); i++)
		if (init->features[i])
			return -ENOENT;
	if (init->features[0] & ~VHV_FEATURES)
		return -EINVAL;
	*features = init->features[0] & ~BIT(KVM_ARM_VCPU_POWER_OFF);
	return 0;
}

long vhv_vcpu_init(struct vhv_vcpu *vcpu, void __user *argp)
{
	struct vhv_vm *vm = vcpu->vm;
	struct kvm_vcpu_init init;
	u32 features;
	int ret;

	if (copy_from_user(&init, argp, sizeof(init)))
		return -EFAULT;
	ret = check_features(vm, &init, &features);
	if (ret)
		return ret;
	mutex_lock(&vm->lock);
	if ((vm->vcpu_features_set && features != vm->vcpu_features) ||
	    (vcpu->initialised && features != vcpu->features)) {
		mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	vm->vcpu_features = features;
	vm->vcpu_features_set = true;
	mutex_unlock(&vm->lock);

	vcpu->features = features;
	vhv_vcpu_reset(vcpu);
	vcpu->initialised = true;
	spin_lock(&vcpu->power_lock);
	vcpu->reset_req.pending = false;
	WRITE_ONCE(vcpu->power_off, init.features[0] & BIT(KVM_ARM_VCPU_POWER_OFF));
	WRITE_ONCE(vcpu->suspended, false);
	spin_unlock(&vcpu->power_lock);
	return 0;
}
