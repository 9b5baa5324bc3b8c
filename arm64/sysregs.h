/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's EL1 system registers: where each lives (enum vhv_sr, the
 * index into vcpu->sys) and the descriptor table that serves the guest's
 * trapped accesses and the VMM's ONE_REG accesses (arm64/sysreg_table.c).
 */
#ifndef VHV_ARM64_SYSREGS_H
#define VHV_ARM64_SYSREGS_H

#include <linux/types.h>

struct vhv_vcpu;

/*
 * Where a register lives while the vCPU is loaded:
 *  - lazy: in the EL1 register itself, written at load and read back at
 *    put through the EL12/EL02 aliases; the host (at EL2, E2H = 1) never
 *    touches the EL1 copy.
 *  - shared: the host uses the same register (E2H does not redirect it),
 *    so it is switched on every entry and exit (arm64/switch.c).
 *  - trapped: the guest's accesses trap and are served from vcpu->sys;
 *    the hardware register is never given to the guest.
 */
enum vhv_sr {
	/* lazy */
	VHV_SR_SCTLR_EL1,
	VHV_SR_CPACR_EL1,
	VHV_SR_TTBR0_EL1,
	VHV_SR_TTBR1_EL1,
	VHV_SR_TCR_EL1,
	VHV_SR_ESR_EL1,
	VHV_SR_AFSR0_EL1,
	VHV_SR_AFSR1_EL1,
	VHV_SR_FAR_EL1,
	VHV_SR_MAIR_EL1,
	VHV_SR_AMAIR_EL1,
	VHV_SR_VBAR_EL1,
	VHV_SR_CONTEXTIDR_EL1,
	VHV_SR_CNTKCTL_EL1,
	VHV_SR_TPIDR_EL1,	/* lazy, but not redirected: no alias needed */
	/* shared */
	VHV_SR_TPIDR_EL0,
	VHV_SR_TPIDRRO_EL0,
	VHV_SR_PAR_EL1,
	/* trapped */
	VHV_SR_CSSELR_EL1,	/* HCR_EL2.TID2/TID4 (arm64/cacheid.c) */
	VHV_SR_CLIDR_EL1,
	VHV_SR_ACTLR_EL1,
	VHV_SR_MDSCR_EL1,
	VHV_SR_MDCCINT_EL1,
	VHV_SR_OSLSR_EL1,
	VHV_SR_OSDLR_EL1,
	VHV_SR_DBGCLAIM,
	VHV_SR_DBGBVR0_EL1,
	VHV_SR_DBGBVR1_EL1,
	VHV_SR_DBGBCR0_EL1,
	VHV_SR_DBGBCR1_EL1,
	VHV_SR_DBGWVR0_EL1,
	VHV_SR_DBGWVR1_EL1,
	VHV_SR_DBGWCR0_EL1,
	VHV_SR_DBGWCR1_EL1,
	/* given to the hardware as VMPIDR_EL2 */
	VHV_SR_MPIDR_EL1,
	VHV_NR_SR,
};

#define VHV_SR_FIRST_SHARED	VHV_SR_TPIDR_EL0

/* A trapped MRS/MSR, decoded once from the ESR_EL2 ISS (EC 0x18). */
struct vhv_sys_access {
	u32 enc;		/* sys_reg(op0, op1, CRn, CRm, op2) */
	unsigned int rt;	/* 31 is XZR */
	bool is_read;		/* MRS */
	u64 val;		/* in for writes, out for reads */
};

/*
 * Handles a trapped system register or system instruction access.
 * Returns 1 to re-enter the guest (done, or UNDEF injected), or 0 when
 * the access needs the slow path (only asked with fast set).
 */
int vhv_sysreg_trap(struct vhv_vcpu *vcpu, u64 esr, bool fast);

/* ONE_REG for KVM_REG_ARM64_SYSREG ids; KVM_GET_REG_LIST. */
int vhv_sysreg_get_user(struct vhv_vcpu *vcpu, u64 id, u64 __user *uaddr);
int vhv_sysreg_set_user(struct vhv_vcpu *vcpu, u64 id, const u64 __user *uaddr);
unsigned int vhv_sysreg_count_user(void);
int vhv_sysreg_copy_ids(u64 __user *uids);

void vhv_sysregs_reset(struct vhv_vcpu *vcpu);
int vhv_sysregs_check_table(void);

#endif /* VHV_ARM64_SYSREGS_H */
