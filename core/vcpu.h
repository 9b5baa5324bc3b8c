/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual CPU. Its state lives here while the vCPU is not loaded; while
 * it is loaded on a physical CPU (between vhv_vcpu_load() and
 * vhv_vcpu_put(), see arm64/el1.c) the EL1 system registers marked lazy
 * in arm64/sysregs.h live in the hardware instead.
 */
#ifndef VHV_CORE_VCPU_H
#define VHV_CORE_VCPU_H

#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcuwait.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "arm64/cacheid.h"
#include "arm64/pvtime.h"
#include "arm64/sysregs.h"
#include "core/mpidr.h"
#include "mmu/mmio.h"
#include "mmu/stage2.h"
#include "timer/timer.h"
#include "vgic/vgic.h"

struct vhv_vm;

/* CPU_ON's request to a powered-off vCPU: where and how to start. */
struct vhv_reset_req {
	bool pending;
	bool big_endian;
	u64 pc;
	u64 x0;
};

/* vcpu->mode: where the vCPU is, for whoever wants to kick it. */
enum vhv_vcpu_mode {
	VHV_MODE_OUTSIDE,	/* in the host, or blocked in WFI */
	VHV_MODE_IN_GUEST,	/* between the last exit check and the exit */
	VHV_MODE_EXITING,	/* IN_GUEST, and kicked: an IPI is on its way */
};

/* The syndrome of the last exit to EL2, read before IRQs are unmasked. */
struct vhv_exit {
	unsigned int code;	/* VHV_EXIT_* of arm64/entry.h */
	u64 esr;
	u64 far;
	u64 hpfar;		/* always valid for a stage-2 abort (arm64/fault_ipa.c) */
	u64 disr;		/* DISR_EL1 of an SError deferred at the exit */
	bool retry;		/* nothing to do: the guest executes the access again */
	bool ipa_mismatch;	/* hpfar_check: HPFAR_EL2 and AT disagreed */
	u64 mismatch_hw, mismatch_at;
};

struct vhv_vcpu {
	struct vhv_vm *vm;
	unsigned int id;		/* the VMM's vcpu_id */
	unsigned int idx;		/* creation order, index in vm->vcpus */
	struct kvm_run *run;		/* one page, mmap()ed by the VMM */
	struct mutex mutex;		/* one ioctl at a time */

	/* Core registers in the KVM_REG_ARM_CORE layout: x0-x30, SP_EL0,
	 * PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1 (+ AArch32 banks), V0-V31,
	 * FPSR, FPCR. The world switch reads and writes it directly.
	 */
	struct kvm_regs regs;
	u64 sys[VHV_NR_SR];		/* EL1 system registers, by enum vhv_sr */
	u64 hcr;			/* HCR_EL2 while this vCPU runs */
	u64 vsesr;			/* VSESR_EL2 for a pending SError (RAS) */
	u64 vdisr;			/* VDISR_EL2: the guest's DISR_EL1 (RAS) */
	u32 ccsidr[VHV_CSSELR_MAX];	/* CCSIDR_EL1 per CSSELR_EL1 (arm64/cacheid.c) */

	bool initialised;		/* KVM_ARM_VCPU_INIT done */
	u32 features;			/* its KVM_ARM_VCPU_* feature bits */

	spinlock_t power_lock;		/* power_off, suspended and reset_req */
	bool power_off;			/* PSCI CPU_OFF, system event, or started off */
	bool suspended;			/* KVM_MP_STATE_SUSPENDED (core/run.c) */
	struct vhv_reset_req reset_req;

	struct vhv_exit exit;
	struct vhv_mmio_pending mmio;	/* a load to complete on the next run */
	struct vhv_s2_cache s2_cache;	/* table pages for its stage-2 faults */
	struct vhv_vgic_cpu vgic;	/* its redistributor and CPU interface */
	struct vhv_vcpu_timer timer;	/* its EL1 virtual and physical timers */
	struct vhv_pvtime pvtime;	/* its stolen-time record (arm64/pvtime.c) */

	/* Loaded state (arm64/el1.c). */
	bool loaded;
	int cpu;			/* where loaded, or -1 */
	struct preempt_notifier pn;

	/* Run state, read by kickers without the mutex (core/kick.c). */
	int mode;			/* enum vhv_vcpu_mode */
	int run_cpu;			/* where it is while not OUTSIDE */
	struct rcuwait wait;		/* the vCPU thread, blocked in WFI */
	bool wakeup;			/* a reason to leave WFI */
	unsigned int poll_ns;		/* halt-polling window (core/halt_poll.c) */
};

int vhv_vcpu_create(struct vhv_vm *vm, unsigned long id);
/* Lock-free lookup among the vCPUs created so far, or NULL (and by
 * MPIDR: core/mpidr.h).
 */
struct vhv_vcpu *vhv_vcpu_by_id(struct vhv_vm *vm, unsigned int id);
/* ONE_REG's MPIDR_EL1 write: the VM's map and the vGIC's routes follow. */
int vhv_vcpu_set_mpidr(struct vhv_vcpu *vcpu, u64 mpidr);
void vhv_vcpu_free(struct vhv_vcpu *vcpu);

/* core/reset.c: the state of KVM_ARM_VCPU_INIT, or of a PSCI CPU_ON. */
void vhv_vcpu_reset(struct vhv_vcpu *vcpu);
void vhv_vcpu_reset_to(struct vhv_vcpu *vcpu, const struct vhv_reset_req *req);

/* Makes the vCPU look at its state again: wakes it, or makes it exit. */
void vhv_vcpu_kick(struct vhv_vcpu *vcpu);

#endif /* VHV_CORE_VCPU_H */
