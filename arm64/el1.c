// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's EL1 context in the hardware: loaded when a vCPU gets a
 * physical CPU, put back to memory when it leaves it.
 *
 * The host at EL2 with E2H = 1 never uses the EL1 registers themselves
 * (its *_EL1 accesses are redirected to EL2), so they can hold a vCPU's
 * state across many entries. With preempt notifiers (lazy_el1=1, the
 * default where the kernel has them) a vCPU stays loaded for a whole
 * KVM_RUN and follows its thread across preemption and migration; without
 * them it is loaded and put around each entry, inside the run window.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <asm/cputype.h>
#include <asm/sysreg.h>

#include "arm64/hostcpu.h"
#include "arm64/switch.h"
#include "arm64/sysreg_enc.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/tlb.h"
#include "timer/timer.h"

static bool lazy_el1 = IS_ENABLED(CONFIG_PREEMPT_NOTIFIERS);
module_param(lazy_el1, bool, 0444);
MODULE_PARM_DESC(lazy_el1, "Keep a vCPU's EL1 state loaded across entries (needs CONFIG_PREEMPT_NOTIFIERS; default: on where available)");

bool vhv_lazy_el1(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_NOTIFIERS) && lazy_el1;
}

/*
 * The lazy registers reached from EL2 through their EL12/EL02 alias, as
 * (storage index, alias encoding). MSR and MRS take the encoding as an
 * immediate, hence a list expanded into code rather than a loop.
 */
#define EL1_ALIASED(X)						\
	X(VHV_SR_SCTLR_EL1, VHV_SCTLR_EL12)			\
	X(VHV_SR_CPACR_EL1, VHV_CPACR_EL12)			\
	X(VHV_SR_TTBR0_EL1, VHV_TTBR0_EL12)			\
	X(VHV_SR_TTBR1_EL1, VHV_TTBR1_EL12)			\
	X(VHV_SR_TCR_EL1, VHV_TCR_EL12)				\
	X(VHV_SR_ESR_EL1, VHV_ESR_EL12)				\
	X(VHV_SR_AFSR0_EL1, VHV_AFSR0_EL12)			\
	X(VHV_SR_AFSR1_EL1, VHV_AFSR1_EL12)			\
	X(VHV_SR_FAR_EL1, VHV_FAR_EL12)				\
	X(VHV_SR_MAIR_EL1, VHV_MAIR_EL12)			\
	X(VHV_SR_AMAIR_EL1, VHV_AMAIR_EL12)			\
	X(VHV_SR_VBAR_EL1, VHV_VBAR_EL12)			\
	X(VHV_SR_CONTEXTIDR_EL1, VHV_CONTEXTIDR_EL12)		\
	X(VHV_SR_CNTKCTL_EL1, VHV_CNTKCTL_EL12)

#define WRITE_ALIAS(sr, enc)	write_sysreg_s(vcpu->sys[sr], enc);
#define READ_ALIAS(sr, enc)	vcpu->sys[sr] = read_sysreg_s(enc);
#define READ_CASE(sr, enc)	case sr: return read_sysreg_s(enc);
#define WRITE_CASE(sr, enc)	case sr: write_sysreg_s(val, enc); return;

static void load_el1(struct vhv_vcpu *vcpu)
{
	EL1_ALIASED(WRITE_ALIAS)
	write_sysreg(vcpu->sys[VHV_SR_TPIDR_EL1], tpidr_el1);
	write_sysreg(vcpu->regs.sp_el1, sp_el1);
	write_sysreg_s(vcpu->regs.elr_el1, VHV_ELR_EL12);
	write_sysreg_s(vcpu->regs.spsr[KVM_SPSR_EL1], VHV_SPSR_EL12);
	/*
	 * With FEAT_RAS the guest's DISR_EL1 is VDISR_EL2 (HCR_EL2.AMO set),
	 * where its own ESB defers a virtual SError: the vCPU's, like its
	 * EL1 registers, and never the host's.
	 */
	if (vhv_hostcpu_has_ras())
		write_sysreg_s(vcpu->vdisr, VHV_VDISR_EL2);
	/* MIDR_EL1 and MPIDR_EL1 as the guest reads them, without traps. */
	write_sysreg_s(read_cpuid_id(), VHV_VPIDR_EL2);
	write_sysreg_s(vcpu->sys[VHV_SR_MPIDR_EL1], VHV_VMPIDR_EL2);
	/* The timers and the virtual counter's offset (timer/timer.c). */
	vhv_timer_load(vcpu);
}

static void put_el1(struct vhv_vcpu *vcpu)
{
	EL1_ALIASED(READ_ALIAS)
	vcpu->sys[VHV_SR_TPIDR_EL1] = read_sysreg(tpidr_el1);
	vcpu->regs.sp_el1 = read_sysreg(sp_el1);
	vcpu->regs.elr_el1 = read_sysreg_s(VHV_ELR_EL12);
	vcpu->regs.spsr[KVM_SPSR_EL1] = read_sysreg_s(VHV_SPSR_EL12);
	if (vhv_hostcpu_has_ras())
		vcpu->vdisr = read_sysreg_s(VHV_VDISR_EL2);
	vhv_timer_put(vcpu);
}

static void flush_if_other_vcpu_ran(struct vhv_vcpu *vcpu)
{
	struct vhv_vm *vm = vcpu->vm;
	int *last = this_cpu_ptr(vm->last_vcpu_ran);

	if (*last == vcpu->idx)
		return;
	*last = vcpu->idx;
	/* By the VMID the VM last had, whatever its generation (mmu/tlb.c). */
	vhv_tlb_flush_vm_local(vm);
}

/* With preemption disabled. */
void vhv_vcpu_load(struct vhv_vcpu *vcpu)
{
	load_el1(vcpu);
	flush_if_other_vcpu_ran(vcpu);
	vcpu->cpu = smp_processor_id();
	vcpu->loaded = true;
}

/* With preemption disabled. */
void vhv_vcpu_put(struct vhv_vcpu *vcpu)
{
	put_el1(vcpu);
	vcpu->loaded = false;
	vcpu->cpu = -1;
}

static u64 read_loaded(struct vhv_vcpu *vcpu, unsigned int sr)
{
	switch (sr) {
	EL1_ALIASED(READ_CASE)
	case VHV_SR_TPIDR_EL1:
		return read_sysreg(tpidr_el1);
	}
	return vcpu->sys[sr];
}

static void write_loaded(struct vhv_vcpu *vcpu, unsigned int sr, u64 val)
{
	switch (sr) {
	EL1_ALIASED(WRITE_CASE)
	case VHV_SR_TPIDR_EL1:
		write_sysreg(val, tpidr_el1);
		return;
	}
	vcpu->sys[sr] = val;
}

/*
 * For code that runs with the vCPU loaded or not (exit handlers,
 * injection): the hardware while it is loaded on this CPU, memory
 * otherwise. The shared registers are in memory outside the run window.
 */
u64 vhv_vcpu_read_sr(struct vhv_vcpu *vcpu, unsigned int sr)
{
	u64 val;

	preempt_disable();
	val = vcpu->loaded ? read_loaded(vcpu, sr) : vcpu->sys[sr];
	preempt_enable();
	return val;
}

void vhv_vcpu_write_sr(struct vhv_vcpu *vcpu, unsigned int sr, u64 val)
{
	preempt_disable();
	if (vcpu->loaded)
		write_loaded(vcpu, sr, val);
	else
		vcpu->sys[sr] = val;
	preempt_enable();
}

/* ELR_EL1 and SPSR_EL1 live in struct kvm_regs, and in hardware when loaded. */
u64 vhv_vcpu_read_elr_el1(struct vhv_vcpu *vcpu)
{
	u64 val;

	preempt_disable();
	val = vcpu->loaded ? read_sysreg_s(VHV_ELR_EL12) : vcpu->regs.elr_el1;
	preempt_enable();
	return val;
}

void vhv_vcpu_write_elr_spsr_el1(struct vhv_vcpu *vcpu, u64 elr, u64 spsr)
{
	preempt_disable();
	if (vcpu->loaded) {
		write_sysreg_s(elr, VHV_ELR_EL12);
		write_sysreg_s(spsr, VHV_SPSR_EL12);
	} else {
		vcpu->regs.elr_el1 = elr;
		vcpu->regs.spsr[KVM_SPSR_EL1] = spsr;
	}
	preempt_enable();
}
