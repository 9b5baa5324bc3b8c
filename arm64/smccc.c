// SPDX-License-Identifier: GPL-2.0
/*
 * The SMCCC services other than PSCI, in one place so that the firmware
 * bitmap registers (KVM_REG_ARM_STD_HYP_BMAP and kin) can gate them
 * later: the Arm Architecture Service (SMCCC_VERSION,
 * SMCCC_ARCH_FEATURES), the Standard Hypervisor Service's PV time calls
 * (Arm DEN 0057, "Paravirtualized Time for Arm-based Systems"), and the
 * Vendor Specific Hypervisor Service as KVM defines it (its UID and its
 * feature bitmap). Function id in w0, results in x0-x3 (Arm DEN 0028,
 * "SMC Calling Convention").
 */
#include <linux/arm-smccc.h>
#include <linux/bits.h>
#include <linux/errno.h>

#include "arm64/smccc.h"
#include "arm64/pvtime.h"
#include "arm64/spectre.h"
#include "core/vcpu.h"

/*
 * What ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID reports: bit n for the
 * KVM vendor function n that works. Only the features call itself: vhv
 * has no KVM_PTP (ptp_kvm in the guest then finds no clock, as on a KVM
 * whose VMM cleared the bit) and none of the pKVM calls.
 */
#define VHV_VENDOR_HYP_FEATURES	BIT(ARM_SMCCC_KVM_FUNC_FEATURES)

/* SMCCC_ARCH_FEATURES: the workaround calls, and PV time's discovery. */
static long arch_features(u32 fn)
{
	if (fn == ARM_SMCCC_HV_PV_TIME_FEATURES)
		return vhv_pvtime_available() ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED;
	/*
	 * KVM answers NOT_SUPPORTED for SMCCC_VERSION and ARCH_FEATURES
	 * themselves too: only the workarounds are left.
	 */
	return vhv_spectre_features(fn);
}

int vhv_smccc_services(struct vhv_vcpu *vcpu, bool fast)
{
	u32 fn = lower_32_bits(vcpu->regs.regs.regs[0]);
	u32 arg = lower_32_bits(vcpu->regs.regs.regs[1]);

	switch (fn) {
	case ARM_SMCCC_VERSION_FUNC_ID:
		vhv_smccc_set_result(vcpu, ARM_SMCCC_VERSION_1_1, 0, 0, 0);
		return 1;
	case ARM_SMCCC_ARCH_FEATURES_FUNC_ID:
		vhv_smccc_set_result(vcpu, arch_features(arg), 0, 0, 0);
		return 1;
	case ARM_SMCCC_HV_PV_TIME_FEATURES:
		vhv_smccc_set_result(vcpu, vhv_pvtime_features(vcpu, arg), 0, 0, 0);
		return 1;
	case ARM_SMCCC_HV_PV_TIME_ST:
		/* It writes the record into guest memory: not with IRQs masked. */
		if (fast)
			return -EAGAIN;
		vhv_smccc_set_result(vcpu, vhv_pvtime_st(vcpu), 0, 0, 0);
		return 1;
	case ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID:
		/* KVM's UID, 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, in w0-w3. */
		vhv_smccc_set_result(vcpu, ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0,
				     ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_1,
				     ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_2,
				     ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_3);
		return 1;
	case ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID:
		vhv_smccc_set_result(vcpu, VHV_VENDOR_HYP_FEATURES, 0, 0, 0);
		return 1;
	}
	return 0;
}
