/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cache identification registers a VM sees (CTR_EL0, CLIDR_EL1,
 * CCSIDR_EL1 per CSSELR_EL1): the VM's values, not the current CPU's.
 */
#ifndef VHV_ARM64_CACHEID_H
#define VHV_ARM64_CACHEID_H

#include <linux/types.h>

struct vhv_vcpu;

/* CSSELR_EL1.{Level, InD} values with a CCSIDR_EL1: levels 1-7. */
#define VHV_CSSELR_MAX		14

/* HCR_EL2.TID2, or TID4 where FEAT_EVT allows it. */
u64 vhv_cacheid_hcr(void);
/* The VM's CTR_EL0: the system-wide sanitised value. */
u64 vhv_cacheid_ctr(void);
/* CLIDR_EL1 out of reset, and whether the VMM may set val (0, -EINVAL). */
u64 vhv_cacheid_clidr_reset(void);
int vhv_cacheid_clidr_check(u64 val);
/* At vCPU creation: the fabricated CCSIDR_EL1 values. */
void vhv_cacheid_vcpu_init(struct vhv_vcpu *vcpu);
/* A trapped CCSIDR_EL1 read, for the vCPU's CSSELR_EL1. */
u64 vhv_cacheid_ccsidr(struct vhv_vcpu *vcpu);

/* ONE_REG: the KVM_REG_ARM_DEMUX CCSIDR registers. */
unsigned int vhv_cacheid_nr_user(void);
int vhv_cacheid_copy_ids(u64 __user *uids);
int vhv_cacheid_get_user(struct vhv_vcpu *vcpu, u64 id, u32 __user *uaddr);
int vhv_cacheid_set_user(struct vhv_vcpu *vcpu, u64 id, const u32 __user *uaddr);

#endif
