/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ID registers a VM's guest reads (op0 3, op1 0, CRn 0, CRm 1-7: the
 * space HCR_EL2.TID3 traps), computed once per VM from the host's
 * sanitised values with every feature vhv does not virtualize hidden.
 */
#ifndef VHV_ARM64_IDREGS_H
#define VHV_ARM64_IDREGS_H

#include <linux/types.h>

#define VHV_NR_IDREGS	56	/* CRm 1..7, op2 0..7 */

struct vhv_idregs {
	u64 val[VHV_NR_IDREGS];
};

struct vhv_vm;

void vhv_idregs_init(struct vhv_idregs *id, unsigned int ipa_bits);
/* With vm->lock, at the VM's first KVM_RUN: what depends on its devices. */
void vhv_idregs_first_run(struct vhv_vm *vm);
/* KVM_SET_ONE_REG of an ID register: 0 or -EINVAL/-EBUSY. */
int vhv_idreg_set(struct vhv_vm *vm, u32 enc, u64 val);
/* The index of an ID space encoding, or -1 outside the space. */
int vhv_idreg_index(u32 enc);

#endif /* VHV_ARM64_IDREGS_H */
