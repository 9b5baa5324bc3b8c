/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SMCCC services but PSCI (arm64/smccc.c), and the result helper that
 * they share with PSCI (arm64/psci.c).
 */
#ifndef VHV_ARM64_SMCCC_H
#define VHV_ARM64_SMCCC_H

#include <linux/types.h>

#include "core/vcpu.h"

/*
 * A call's results in x0-x3 (Arm DEN 0028, "SMC Calling Convention"):
 * all four written, as KVM does, so that no argument of the guest's is
 * left in a result register.
 */
static inline void vhv_smccc_set_result(struct vhv_vcpu *vcpu, u64 a0, u64 a1, u64 a2, u64 a3)
{
	u64 *x = vcpu->regs.regs.regs;

	x[0] = a0;
	x[1] = a1;
	x[2] = a2;
	x[3] = a3;
}

/*
 * The SMCCC services but PSCI. 1 when answered (x0-x3 set), 0 for another
 * function id, -EAGAIN when the call cannot be answered in the fast tier
 * (fast true).
 */
int vhv_smccc_services(struct vhv_vcpu *vcpu, bool fast);

#endif /* VHV_ARM64_SMCCC_H */
