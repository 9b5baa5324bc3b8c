/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhv core: what the module-level pieces (probe, device nodes, VM objects)
 * share with each other.
 */
#ifndef VHV_CORE_VHV_H
#define VHV_CORE_VHV_H

#include <linux/types.h>

struct file;

/* Host properties found once at load by vhv_probe_host(). */
struct vhv_host {
	/* Largest guest IPA size vhv's stage-2 can offer, in bits. */
	unsigned int ipa_limit;
	/* FEAT_HCX: HCRX_EL2 exists and must be switched. */
	bool has_hcx;
	/* FEAT_SME: TPIDR2_EL0 exists and must be switched. */
	bool has_sme;
	/* FEAT_RAS: VSESR_EL2 gives a virtual SError its syndrome. */
	bool has_ras;
};

extern struct vhv_host vhv_host;

int vhv_probe_host(void);

int vhv_dev_init(void);
void vhv_dev_exit(void);

long vhv_check_extension(long cap);
/* On a VM's file: the same, but for what depends on the VM (core/caps.c). */
struct vhv_vm;
long vhv_check_extension_vm(struct vhv_vm *vm, long cap);
int vhv_vm_create(unsigned long type);

#endif /* VHV_CORE_VHV_H */
