// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware calls from the guest, by HVC or SMC (SMC Calling Convention
 * 1.1): PSCI 1.1 (0.2 and 1.0 on request) here, the other SMCCC services
 * in arm64/smccc.c. Function id in w0, arguments in x1-x3, results in
 * x0-x3 (Arm DEN 0028, "SMC Calling Convention"; DEN 0022, "Power State
 * Coordination Interface").
 *
 * Calls that only compute registers are answered in the run window
 * (vhv_smccc_fast, vhv_smccc_workaround); those that stop, start or reset vCPUs, or need the
 * VMM, take the slow path (vhv_smccc_call).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/kvm.h>
#include <linux/psci.h>
#include <uapi/linux/psci.h>

#include "arm64/psci.h"
#include "arm64/smccc.h"
#include "arm64/switch.h"
#include "core/run.h"
#include "core/vcpu.h"
#include "core/vm.h"

/* The PSCI version the guest sees: the VMM's choice, or the latest. */
u32 vhv_psci_version(struct vhv_vcpu *vcpu)
{
	if (!(vcpu->features & BIT(KVM_ARM_VCPU_PSCI_0_2)))
		return KVM_ARM_PSCI_0_1;
	return vcpu->vm->psci_version ?: KVM_ARM_PSCI_1_1;
}

static u32 fn_id(struct vhv_vcpu *vcpu)
{
	return lower_32_bits(vcpu->regs.regs.regs[0]);
}

/*
 * SMC32/HVC32 calls (function id bit 30 clear) pass their arguments in
 * w1-w3: the upper halves of x1-x3 are not the guest's to rely on (SMC
 * Calling Convention, "Argument passing"), so a PSCI function with a
 * 32-bit id sees them cleared, in place, as KVM does. Every such call's
 * results set x1-x3 again, but SYSTEM_RESET2's, which leaves w1 and w2
 * for the VMM to read.
 */
static void psci_args32(struct vhv_vcpu *vcpu, u32 fn)
{
	u64 *x = vcpu->regs.regs.regs;
	unsigned int i;

	if (ARM_SMCCC_IS_64(fn))
		return;
	for (i = 1; i <= 3; i++)
		x[i] = lower_32_bits(x[i]);
}

/* PSCI functions known at this version (0.2 and later ids). */
static bool psci_has(struct vhv_vcpu *vcpu, u32 fn)
{
	u32 ver = vhv_psci_version(vcpu);

	if (ver < KVM_ARM_PSCI_0_2)
		return false;
	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
		return true;
	case PSCI_1_0_FN_PSCI_FEATURES:
		return ver >= KVM_ARM_PSCI_1_0;
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		/* Only for a VMM that handles the exit (KVM_CAP_ARM_SYSTEM_SUSPEND). */
		return ver >= KVM_ARM_PSCI_1_0 &&
		       test_bit(VHV_VM_SYSTEM_SUSPEND, &vcpu->vm->flags);
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		return ver >= KVM_ARM_PSCI_1_1;
	}
	return false;
}

/*
 * A target that sets bits outside MPIDR_EL1's affinity fields names no CPU:
 * INVALID_PARAMS, as KVM answers, for CPU_ON and AFFINITY_INFO alike.
 */
static bool valid_affinity(u64 mpidr)
{
	return !(mpidr & ~MPIDR_HWID_BITMASK);
}

/* The affinity fields at and above level (0-3) of an MPIDR value. */
static u64 affinity_mask(unsigned int level)
{
	return MPIDR_HWID_BITMASK & ~(BIT_ULL(MPIDR_LEVEL_SHIFT(level)) - 1);
}

static u64 power_state(struct vhv_vcpu *t)
{
	return READ_ONCE(t->power_off) ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_0_2_AFFINITY_LEVEL_ON;
}

/*
 * AFFINITY_INFO: ON if any vCPU with that affinity (at the lowest level
 * asked) runs, OFF if all are off, INVALID_PARAMS if there is none. Level
 * 0 names one vCPU, found by the VM's lookup; a higher level names a
 * cluster, which only a walk over every vCPU finds (the slow path: not
 * with interrupts masked).
 */
static u64 affinity_info(struct vhv_vcpu *vcpu)
{
	u64 target = vcpu->regs.regs.regs[1], level = vcpu->regs.regs.regs[2];
	struct vhv_vm *vm = vcpu->vm;
	unsigned int i, nr = vhv_vm_nr_vcpus(vm);
	struct vhv_vcpu *t;
	bool found = false;
	u64 mask;

	if (level > 3 || !valid_affinity(target))
		return PSCI_RET_INVALID_PARAMS;
	if (!level) {
		t = vhv_vcpu_by_mpidr(vm, target);
		return t ? power_state(t) : PSCI_RET_INVALID_PARAMS;
	}
	mask = affinity_mask(level);
	for (i = 0; i < nr; i++) {
		t = READ_ONCE(vm->vcpus[i]);
		if ((t->sys[VHV_SR_MPIDR_EL1] & mask) != (target & mask))
			continue;
		if (power_state(t) == PSCI_0_2_AFFINITY_LEVEL_ON)
			return PSCI_0_2_AFFINITY_LEVEL_ON;
		found = true;
	}
	return found ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_RET_INVALID_PARAMS;
}

/*
 * PSCI_FEATURES: the PSCI functions of this version, and SMCCC_VERSION,
 * which a guest asks here before it relies on SMCCC 1.1 (Linux's
 * psci_init_smccc()), as KVM answers.
 */
static u64 psci_features(struct vhv_vcpu *vcpu, u32 fn)
{
	if (fn == ARM_SMCCC_VERSION_FUNC_ID || psci_has(vcpu, fn))
		return PSCI_RET_SUCCESS;
	return PSCI_RET_NOT_SUPPORTED;
}

bool vhv_smccc_fast(struct vhv_vcpu *vcpu)
{
	u32 fn = fn_id(vcpu);
	u64 ret;
	int done;

	done = vhv_smccc_services(vcpu, true);
	if (done)
		return done > 0;
	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
		if (!psci_has(vcpu, fn))
			goto unknown;
		ret = vhv_psci_version(vcpu);
		break;
	case PSCI_1_0_FN_PSCI_FEATURES:
		if (!psci_has(vcpu, fn))
			goto unknown;
		ret = psci_features(vcpu, lower_32_bits(vcpu->regs.regs.regs[1]));
		break;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		if (!psci_has(vcpu, fn))
			goto unknown;
		ret = PSCI_0_2_TOS_MP;
		break;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		if (!psci_has(vcpu, fn))
			goto unknown;
		psci_args32(vcpu, fn);
		/* A cluster's walk takes the slow path (affinity_info()). */
		if (vcpu->regs.regs.regs[2])
			return false;
		ret = affinity_info(vcpu);
		break;
	default:
		/* The rest either needs the slow path or is not known. */
		if (psci_has(vcpu, fn) || vhv_psci_version(vcpu) == KVM_ARM_PSCI_0_1)
			return false;
unknown:
		ret = SMCCC_RET_NOT_SUPPORTED;
	}
	vhv_smccc_set_result(vcpu, ret, 0, 0, 0);
	return true;
}

/*
 * SMCCC_ARCH_WORKAROUND_1, 2 and 3 by HVC: already done. The exit that
 * brought the call here ran this CPU's Spectre-v2/BHB mitigation
 * (arm64/entry.S), and v4's stays on while the guest runs. x0 = 0, as
 * KVM answers these calls; nothing else changes. By SMC they are not
 * known, as in KVM.
 */
bool vhv_smccc_workaround(struct vhv_vcpu *vcpu)
{
	/* All three are fast SMC32 calls of the Arm Architecture Service. */
	if (fn_id(vcpu) >> 16 != ARM_SMCCC_ARCH_WORKAROUND_1 >> 16)
		return false;
	switch (fn_id(vcpu)) {
	case ARM_SMCCC_ARCH_WORKAROUND_1:
	case ARM_SMCCC_ARCH_WORKAROUND_2:
	case ARM_SMCCC_ARCH_WORKAROUND_3:
		vcpu->regs.regs.regs[0] = 0;
		return true;
	}
	return false;
}

/* ---- the slow path: vCPU power, system events ---- */

/* CPU_ON: the target starts at x2 with x3 in its x0, in the caller's endianness. */
static u64 cpu_on(struct vhv_vcpu *vcpu)
{
	u64 *x = vcpu->regs.regs.regs;
	struct vhv_vcpu *t = valid_affinity(x[1]) ? vhv_vcpu_by_mpidr(vcpu->vm, x[1]) : NULL;
	u64 ret;

	/*
	 * No check of the entry point, as in KVM: a bad one makes the target
	 * take its exception at reset state, which is the guest's business
	 * (PSCI's INVALID_ADDRESS is not given). Nor ON_PENDING: the target
	 * is on from here, and a second CPU_ON is ALREADY_ON.
	 */
	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	spin_lock(&t->power_lock);
	if (!t->power_off) {
		ret = vhv_psci_version(vcpu) == KVM_ARM_PSCI_0_1 ?
		      PSCI_RET_INVALID_PARAMS : PSCI_RET_ALREADY_ON;
	} else {
		t->reset_req.pending = true;
		t->reset_req.pc = x[2];
		t->reset_req.x0 = x[3];
		t->reset_req.big_endian = vhv_vcpu_read_sr(vcpu, VHV_SR_SCTLR_EL1) & SCTLR_ELx_EE;
		WRITE_ONCE(t->power_off, false);
		ret = PSCI_RET_SUCCESS;
	}
	spin_unlock(&t->power_lock);
	if (ret == PSCI_RET_SUCCESS)
		vhv_vcpu_kick(t);
	return ret;
}

/* SYSTEM_OFF and the resets stop every vCPU and hand the event to the VMM. */
static int system_event(struct vhv_vcpu *vcpu, u32 type, u64 flags)
{
	struct vhv_vm *vm = vcpu->vm;
	unsigned int i, nr = vhv_vm_nr_vcpus(vm);

	for (i = 0; i < nr; i++) {
		struct vhv_vcpu *t = READ_ONCE(vm->vcpus[i]);

		spin_lock(&t->power_lock);
		WRITE_ONCE(t->power_off, true);
		WRITE_ONCE(t->suspended, false);
		spin_unlock(&t->power_lock);
		if (t != vcpu)
			vhv_vcpu_kick(t);
	}
	/* If the VMM resumes the vCPU anyway, the call failed. RESET2
	 * leaves x1 (type) and x2 (cookie) for the VMM to read.
	 */
	if (flags & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2)
		vcpu->regs.regs.regs[0] = PSCI_RET_INTERNAL_FAILURE;
	else
		vhv_smccc_set_result(vcpu, PSCI_RET_INTERNAL_FAILURE, 0, 0, 0);
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	vcpu->run->system_event.type = type;
	vcpu->run->system_event.ndata = 1;
	vcpu->run->system_event.data[0] = flags;
	return 0;
}

/*
 * SYSTEM_SUSPEND, with KVM_CAP_ARM_SYSTEM_SUSPEND: the VMM does the
 * suspend (typically KVM_SET_MP_STATE to SUSPENDED, then reset at the
 * entry point on the wake-up exit). It reads the call from the vCPU's
 * registers, left as the guest made the call (w0 the function, x1 the
 * entry point, x2 the context id), and the other vCPUs keep running: it
 * is the VMM's to check they are off (PSCI's DENIED), as with KVM.
 */
static int system_suspend(struct vhv_vcpu *vcpu)
{
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	vcpu->run->system_event.type = KVM_SYSTEM_EVENT_SUSPEND;
	return 0;
}

static int psci_call(struct vhv_vcpu *vcpu, u32 fn)
{
	switch (fn) {
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		/*
		 * Any power state as a standby state: WFI, woken by what wakes
		 * a WFI (a pending interrupt, the timers' deadlines), as KVM
		 * does. PSCI lets a powerdown request return as a standby one.
		 */
		vhv_smccc_set_result(vcpu, PSCI_RET_SUCCESS, 0, 0, 0);
		return vhv_vcpu_wfi(vcpu);
	case PSCI_0_2_FN_CPU_OFF:
		spin_lock(&vcpu->power_lock);
		WRITE_ONCE(vcpu->power_off, true);
		spin_unlock(&vcpu->power_lock);
		return 1;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		vhv_smccc_set_result(vcpu, cpu_on(vcpu), 0, 0, 0);
		return 1;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		vhv_smccc_set_result(vcpu, affinity_info(vcpu), 0, 0, 0);
		return 1;
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		return system_suspend(vcpu);
	case PSCI_0_2_FN_SYSTEM_OFF:
		return system_event(vcpu, KVM_SYSTEM_EVENT_SHUTDOWN, 0);
	case PSCI_0_2_FN_SYSTEM_RESET:
		return system_event(vcpu, KVM_SYSTEM_EVENT_RESET, 0);
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		/* Warm reset (0) or a vendor type (bit 31); the rest is reserved. */
		if (lower_32_bits(vcpu->regs.regs.regs[1]) &&
		    !(vcpu->regs.regs.regs[1] & PSCI_1_1_RESET_TYPE_VENDOR_START)) {
			vhv_smccc_set_result(vcpu, PSCI_RET_INVALID_PARAMS, 0, 0, 0);
			return 1;
		}
		return system_event(vcpu, KVM_SYSTEM_EVENT_RESET,
				    KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
	}
	vhv_smccc_set_result(vcpu, SMCCC_RET_NOT_SUPPORTED, 0, 0, 0);
	return 1;
}

/* PSCI 0.1 (vCPUs without KVM_ARM_VCPU_PSCI_0_2): KVM's own function ids. */
static int psci_0_1_call(struct vhv_vcpu *vcpu, u32 fn)
{
	switch (fn) {
	case KVM_PSCI_FN_CPU_OFF:
		return psci_call(vcpu, PSCI_0_2_FN_CPU_OFF);
	case KVM_PSCI_FN_CPU_ON:
		return psci_call(vcpu, PSCI_0_2_FN64_CPU_ON);
	}
	vhv_smccc_set_result(vcpu, SMCCC_RET_NOT_SUPPORTED, 0, 0, 0);
	return 1;
}

int vhv_smccc_call(struct vhv_vcpu *vcpu)
{
	u32 fn = fn_id(vcpu);

	if (vhv_smccc_services(vcpu, false))
		return 1;
	if (vhv_psci_version(vcpu) == KVM_ARM_PSCI_0_1)
		return psci_0_1_call(vcpu, fn);
	if (psci_has(vcpu, fn)) {
		psci_args32(vcpu, fn);
		return psci_call(vcpu, fn);
	}
	vhv_smccc_fast(vcpu);
	return 1;
}
