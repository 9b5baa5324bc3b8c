/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vGIC's frames in the guest's address space (vgic/layout.c): the
 * distributor, the redistributor regions, which vCPU has which
 * redistributor. Callers that change the layout hold vm->lock.
 */
#ifndef VHV_VGIC_LAYOUT_H
#define VHV_VGIC_LAYOUT_H

#include <linux/sizes.h>
#include <linux/types.h>

struct kvm_device_attr;
struct vhv_vcpu;
struct vhv_vgic;
struct vhv_vm;

#define VGIC_DIST_SIZE		SZ_64K
#define VGIC_REDIST_FRAME	SZ_64K
#define VGIC_REDIST_SIZE	(2 * VGIC_REDIST_FRAME)	/* RD_base, SGI_base */
/* One region per possible vCPU is as many as can hold anything. */
#define VGIC_MAX_RDREGS		512

/* KVM_DEV_ARM_VGIC_GRP_ADDR: DIST, REDIST, REDIST_REGION. */
int vhv_vgic_addr_attr(struct vhv_vm *vm, struct kvm_device_attr *attr, bool write);

/* Every region inside the IPA space, none over the distributor. */
bool vhv_vgic_frames_ok(struct vhv_vm *vm);
/* Whether a vCPU created now would get a redistributor. */
bool vhv_vgic_new_vcpu_placed(struct vhv_vm *vm);
/* Whether every vCPU has one. */
bool vhv_vgic_all_placed(struct vhv_vm *vm);

/* Where the redistributor of the vCPU created idx-th is, if it has one. */
bool vhv_vgic_rd_base(struct vhv_vgic *gic, unsigned int idx, u64 *base);
/* GICR_TYPER.Last of vcpu's redistributor. */
bool vhv_vgic_rd_is_last(struct vhv_vgic *gic, const struct vhv_vcpu *vcpu);

#endif /* VHV_VGIC_LAYOUT_H */
