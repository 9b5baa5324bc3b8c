// SPDX-License-Identifier: GPL-2.0
/*
 * SGIs: the virtual CPU interface cannot send them, so the guest's writes
 * to ICC_SGI1R_EL1, ICC_ASGI1R_EL1 and ICC_SGI0R_EL1 trap to EL2
 * (HCR_EL2.IMO/FMO set) and are routed here by affinity, as a GIC
 * distributor with ARE = 1 would (Arm GIC architecture specification,
 * ICC_SGI1R_EL1): the SGI becomes pending in each target's redistributor
 * and each target is kicked. As in KVM, ICC_SGI1R_EL1 reaches an SGI of
 * either group, ICC_ASGI1R_EL1 and ICC_SGI0R_EL1 only Group 0 ones.
 */
#include <linux/kernel.h>
#include <asm/cputype.h>

#include "arm64/sysregs.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "vgic/irq.h"
#include "vgic/vgic.h"

/* ICC_SGI1R_EL1 fields. */
#define SGIR_TARGETS(v)		((v) & 0xffff)
#define SGIR_AFF1(v)		(((v) >> 16) & 0xff)
#define SGIR_INTID(v)		(((v) >> 24) & 0xf)
#define SGIR_AFF2(v)		(((v) >> 32) & 0xff)
#define SGIR_IRM		BIT_ULL(40)
#define SGIR_RS(v)		(((v) >> 44) & 0xf)
#define SGIR_AFF3(v)		(((v) >> 48) & 0xff)

/* Makes SGI intid pending for one target, if its group may be sent to. */
static void sgi_one(struct vhv_vgic *gic, struct vhv_vcpu *t, u32 intid, bool group1,
		    struct vgic_kicks *k)
{
	struct vhv_irq *irq = &t->vgic.priv[intid];
	unsigned long flags;

	raw_spin_lock_irqsave(&gic->lock, flags);
	/* SGI1R reaches either group; ASGI1R and SGI0R only Group 0. */
	if (group1 || !irq->group1) {
		irq->latch = true;
		vhv_vgic_irq_update(gic, irq, k);
	}
	raw_spin_unlock_irqrestore(&gic->lock, flags);
}

/*
 * The lock is taken per target, so that a broadcast to every vCPU is a
 * run of short sections with interrupts masked, not one long one; a
 * target list names at most 16 vCPUs, each found by affinity.
 */
int vhv_vgic_sgi(struct vhv_vcpu *vcpu, struct vhv_sys_access *p, bool group1)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_vgic *gic = vm->vgic;
	struct vgic_kicks k = { };
	unsigned int i, nr, intid;
	unsigned long targets;
	struct vhv_vcpu *t;
	u64 v = p->val, aff;

	/* Write-only registers, and only with a vGIC to send through. */
	if (p->is_read || !vhv_vgic_ready(vm))
		return -1;
	intid = SGIR_INTID(v);
	if (v & SGIR_IRM) {
		/* Broadcast: every PE but the sender. */
		nr = vhv_vm_nr_vcpus(vm);
		for (i = 0; i < nr; i++)
			if (vm->vcpus[i] != vcpu)
				sgi_one(gic, vm->vcpus[i], intid, group1, &k);
	} else {
		/* RS selects the block of 16 Aff0 values TargetList covers. */
		aff = ((u64)SGIR_AFF3(v) << MPIDR_LEVEL_SHIFT(3)) |
		      ((u64)SGIR_AFF2(v) << MPIDR_LEVEL_SHIFT(2)) |
		      ((u64)SGIR_AFF1(v) << MPIDR_LEVEL_SHIFT(1)) | SGIR_RS(v) * 16;
		targets = SGIR_TARGETS(v);
		for_each_set_bit(i, &targets, 16) {
			t = vhv_vcpu_by_mpidr(vm, aff + i);
			if (t)
				sgi_one(gic, t, intid, group1, &k);
		}
	}
	/* The sender looks at its own list before it enters again. */
	__clear_bit(vcpu->idx, k.mask);
	vhv_vgic_kick(vm, &k);
	return 0;
}
