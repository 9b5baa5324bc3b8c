/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine: its vCPUs, its memory slots, its stage-2 tables and
 * VMID. Owned by the VM file; every vCPU file holds a reference too.
 *
 * Lock order (outermost first):
 *   vcpu->mutex         one ioctl at a time on a vCPU
 *   vm->lock            vCPU creation, features, the vGIC's and timers'
 *                       configuration (taken inside vCPU ioctls too)
 *   vm->slots_lock      memory slot changes (mmu/memslot.c)
 *   vm->ioeventfds.lock ioeventfd assignment (mmu/ioeventfd.c), and
 *   vm->coalesced.lock  coalesced MMIO zones (mmu/coalesced.c), never nested
 *   vm->iobus.lock      MMIO bus changes (mmu/iobus.c), not nested with
 *                       slots_lock; its holder waits for vm->srcu readers
 *   its->cmd_lock > its->lock > gic->lpi_lock   the ITS and LPIs (vgic/its.h)
 *   vm->mmu_lock        stage-2 tables (spinlock, mmu/stage2.c)
 *   its->cache.lock     the ITS's translation cache (raw spinlock,
 *                       vgic/its_cache.h; inside its->lock, and taken by
 *                       an irqfd's wake-up under the eventfd's lock)
 *   vgic->lock          interrupt state (raw spinlock, vgic/vgic.h)
 * vm->srcu readers (the abort path and the MMIO bus's device callbacks)
 * take none of the mutexes above vm->iobus.lock nor that lock itself.
 * No lock is held across guest entry. Whoever must stop every vCPU (the
 * vGIC's creation and state, the counter offset) holds vm->lock and takes
 * each vcpu->mutex by trylock only (vhv_vm_trylock_vcpus): a vCPU busy in
 * an ioctl makes it EBUSY, as in KVM, and the order above never inverts.
 */
#ifndef VHV_CORE_VM_H
#define VHV_CORE_VM_H

#include <linux/kref.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <asm/memory.h>

#include "arm64/idregs.h"
#include "mmu/coalesced.h"
#include "mmu/iobus.h"
#include "mmu/ioeventfd.h"
#include "mmu/stage2.h"
#include "mmu/vmid.h"
#include "timer/timer.h"
#include "vgic/irqfd.h"

struct mm_struct;
struct vhv_vcpu;
struct vhv_memslots;
struct vhv_mpidr_map;
struct vhv_vgic;

/* As KVM on arm64 answers KVM_CAP_MAX_VCPUS and KVM_CAP_MAX_VCPU_ID. */
#define VHV_MAX_VCPUS		512

/* vm->flags */
#define VHV_VM_NISV_TO_USER	0	/* KVM_CAP_ARM_NISV_TO_USER enabled */
#define VHV_VM_RAN		1	/* a vCPU passed its first KVM_RUN checks */
#define VHV_VM_DEAD		2	/* set up wrong beyond repair: all ioctls EIO */
#define VHV_VM_SYSTEM_SUSPEND	3	/* KVM_CAP_ARM_SYSTEM_SUSPEND enabled */

struct vhv_vm {
	struct kref ref;
	struct mm_struct *mm;		/* the VMM's; ioctls from others: EIO */
	unsigned long flags;

	struct mutex lock;
	struct vhv_vcpu *vcpus[VHV_MAX_VCPUS];	/* by creation order */
	unsigned int nr_vcpus;
	/* Features of the first KVM_ARM_VCPU_INIT; all vCPUs must match. */
	u32 vcpu_features;
	bool vcpu_features_set;
	/* Guest ID register values (arm64/idregs.c). */
	struct vhv_idregs idregs;
	/* KVM_REG_ARM_PSCI_VERSION as the VMM set it, or 0: the default. */
	u32 psci_version;
	/* MPIDR_EL1 affinity to vCPU (core/mpidr.c), read under RCU. */
	struct vhv_mpidr_map __rcu *mpidr_map;
	/* The in-kernel GIC (vgic/), set once by KVM_CREATE_DEVICE. */
	struct vhv_vgic *vgic;
	/* Counter offsets and timer PPIs (timer/). */
	struct vhv_vm_timer timer;
	/* GSI routing and irqfds (vgic/irqfd.h). */
	struct vhv_irqfds irqfds;
	/* ITSes (vgic/its.h): added under vm->lock, read under RCU, freed
	 * with the VM; has_its once the first is created, as KVM's.
	 */
	struct list_head its_list;
	bool has_its;

	struct mutex slots_lock;
	struct vhv_memslots __rcu *slots;
	struct srcu_struct srcu;	/* readers of slots and of the bus that may sleep */
	/* In-kernel MMIO devices (mmu/iobus.h), read under srcu. */
	struct vhv_iobus iobus;
	/* KVM_IOEVENTFD (mmu/ioeventfd.c), devices on the bus. */
	struct vhv_ioeventfds ioeventfds;
	/* Coalesced MMIO zones and their ring (mmu/coalesced.c). */
	struct vhv_coalesced coalesced;

	spinlock_t mmu_lock;
	struct vhv_stage2 s2;
	struct vhv_vmid vmid;
	/* Which vCPU last ran on each physical CPU: another vCPU of this
	 * VM arriving there must not use that one's local TLB entries.
	 */
	int __percpu *last_vcpu_ran;
};

static inline unsigned int vhv_vm_ipa_bits(const struct vhv_vm *vm)
{
	return vm->s2.ipa_bits;
}

/* VTTBR_EL2: the stage-2 tables and the VMID (D24.2.205, VTTBR_EL2). */
static inline u64 vhv_vm_vttbr(struct vhv_vm *vm)
{
	return virt_to_phys(vm->s2.pgd) | ((u64)vhv_vmid_value(&vm->vmid) << 48);
}

/*
 * Whether an ioctl on the VM or one of its files may proceed: only from
 * the VMM's process, and not once the VM is dead (EIO for both, as KVM).
 */
static inline bool vhv_vm_usable(struct vhv_vm *vm)
{
	return vm->mm == current->mm && !test_bit(VHV_VM_DEAD, &vm->flags);
}

/* The vCPUs created so far: vcpus[i] for i below this are complete. */
static inline unsigned int vhv_vm_nr_vcpus(struct vhv_vm *vm)
{
	/* Pairs with the release in vhv_vcpu_create(). */
	return smp_load_acquire(&vm->nr_vcpus);
}

/* With vm->lock: every vCPU's mutex, or none and false (one is busy). */
bool vhv_vm_trylock_vcpus(struct vhv_vm *vm);
void vhv_vm_unlock_vcpus(struct vhv_vm *vm);

void vhv_vm_get(struct vhv_vm *vm);
void vhv_vm_put(struct vhv_vm *vm);
void vhv_vm_mark_ran(struct vhv_vm *vm);

#endif /* VHV_CORE_VM_H */
