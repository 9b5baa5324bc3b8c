/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's generic timers: the EL1 virtual timer (CNTV_*, against
 * CNTVCT = physical count - the VM's virtual offset, CNTVOFF_EL2) and the
 * EL1 physical timer (CNTP_*, against CNTPCT = physical count - the VM's
 * physical offset). Both are the hardware's while the vCPU is loaded,
 * except the physical timer of a VM whose physical offset is not zero:
 * without FEAT_ECV nothing can offset the hardware's physical counter, so
 * then its registers and CNTPCT_EL0 trap (CNTHCTL_EL2) and vhv emulates
 * them (timer/regs.c), an hrtimer standing in for the comparator.
 *
 * A timer's output is a level PPI of the vGIC (27 and 30 unless the VMM
 * chose others), reevaluated before every entry, after the exit that may
 * have changed it. Locking: the per-vCPU state belongs to the vCPU's
 * thread (its mutex); the VM's offsets and PPIs change under vm->lock
 * with every vCPU's mutex held (SET_COUNTER_OFFSET), or under the vCPU's
 * mutex alone (ONE_REG writes of a counter, which KVM allows too: the
 * other vCPUs see the new offset the next time they are loaded).
 */
#ifndef VHV_TIMER_TIMER_H
#define VHV_TIMER_TIMER_H

#include <linux/hrtimer.h>
#include <linux/types.h>

struct kvm_device_attr;
struct vhv_sys_access;
struct vhv_vcpu;
struct vhv_vm;

enum vhv_timer_id { VHV_VTIMER, VHV_PTIMER, VHV_NR_TIMERS };

/* CNTx_CTL_EL0: ENABLE [0], IMASK [1], ISTATUS [2] (read-only). */
#define VHV_TIMER_ENABLE	BIT(0)
#define VHV_TIMER_IMASK		BIT(1)
#define VHV_TIMER_ISTATUS	BIT(2)

#define VHV_TIMER_DEFAULT_VPPI	27
#define VHV_TIMER_DEFAULT_PPPI	30

struct vhv_timer_regs {
	u64 ctl;
	u64 cval;
};

struct vhv_vcpu_timer {
	/* The registers while not in the hardware (not loaded, or emulated). */
	struct vhv_timer_regs regs[VHV_NR_TIMERS];
	/* Each output as last given to the vGIC. */
	bool level[VHV_NR_TIMERS];
	/* Decided when loaded: the physical timer is vhv's, not the hardware's. */
	bool ptimer_emulated;
	/*
	 * Loaded here, both timers the hardware's with their host PPIs, both
	 * outputs low at the last look: only a PPI firing can change that.
	 */
	bool quiet;
	/* The PPIs have been checked at this vCPU's first KVM_RUN. */
	bool enabled;
	/* Kicks the vCPU at a deadline the hardware will not signal. */
	struct hrtimer hrt;
	ktime_t hrt_expires;		/* armed for, or 0 */
};

struct vhv_vm_timer {
	u64 offset[VHV_NR_TIMERS];	/* guest count = physical count - offset */
	bool offset_fixed;		/* KVM_ARM_SET_COUNTER_OFFSET: counter writes ignored */
	u32 ppi[VHV_NR_TIMERS];
	bool ppis_fixed;		/* a vCPU ran: TIMER_CTRL is EBUSY */
};

/* Module load and unload (timer/hw.c): the host's timer PPIs. */
int vhv_timer_hw_init(void);
void vhv_timer_hw_exit(void);

/* Object lifetimes (timer/timer.c). */
void vhv_timer_vm_init(struct vhv_vm *vm);
void vhv_timer_vcpu_init(struct vhv_vcpu *vcpu);
void vhv_timer_vcpu_reset(struct vhv_vcpu *vcpu);
void vhv_timer_vcpu_destroy(struct vhv_vcpu *vcpu);

/* KVM_RUN: the first run's checks; the outputs before each entry (IRQs masked). */
int vhv_timer_first_run(struct vhv_vcpu *vcpu);
void vhv_timer_sync(struct vhv_vcpu *vcpu);
/* The same from anywhere in the vCPU's thread. */
void vhv_timer_refresh(struct vhv_vcpu *vcpu);
/* WFI: arm for the earliest deadline, then disarm after the wait. */
void vhv_timer_block_begin(struct vhv_vcpu *vcpu);
void vhv_timer_block_end(struct vhv_vcpu *vcpu);

/* Load and put, with preemption disabled (arm64/el1.c). */
void vhv_timer_load(struct vhv_vcpu *vcpu);
void vhv_timer_put(struct vhv_vcpu *vcpu);
/* CNTHCTL_EL2 for the guest, from the host's value. */
u64 vhv_timer_cnthctl(struct vhv_vcpu *vcpu, u64 host);

/* The guest's count of a timer, now. */
u64 vhv_timer_count(struct vhv_vcpu *vcpu, enum vhv_timer_id t);
/* A timer's registers wherever they are (the hardware if loaded). */
void vhv_timer_read(struct vhv_vcpu *vcpu, enum vhv_timer_id t, struct vhv_timer_regs *r);
void vhv_timer_write(struct vhv_vcpu *vcpu, enum vhv_timer_id t, const struct vhv_timer_regs *r);

/* ONE_REG and REG_LIST (timer/regs.c). */
bool vhv_timer_is_reg(u64 id);
int vhv_timer_get_reg(struct vhv_vcpu *vcpu, u64 id, u64 __user *uaddr);
int vhv_timer_set_reg(struct vhv_vcpu *vcpu, u64 id, const u64 __user *uaddr);
unsigned int vhv_timer_nr_regs(void);
int vhv_timer_copy_ids(u64 __user *uids);
/* KVM_ARM_SET_COUNTER_OFFSET. */
int vhv_timer_set_counter_offset(struct vhv_vm *vm, void __user *argp);
/* The vCPU attribute group KVM_ARM_VCPU_TIMER_CTRL. */
int vhv_timer_attr(struct vhv_vcpu *vcpu, const struct kvm_device_attr *attr, bool set);
int vhv_timer_has_attr(const struct kvm_device_attr *attr);
/* The emulated physical timer's trapped registers: 0 done, -1 UNDEF. */
int vhv_timer_trap_ptimer(struct vhv_vcpu *vcpu, struct vhv_sys_access *p);
/* Whether KVM_IRQ_LINE must leave this PPI alone: a timer drives it. */
bool vhv_timer_owns_ppi(struct vhv_vm *vm, u32 intid);

#endif /* VHV_TIMER_TIMER_H */
