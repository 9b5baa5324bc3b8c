// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_ONE_REG, KVM_SET_ONE_REG and KVM_GET_REG_LIST: core registers
 * (KVM_REG_ARM_CORE, offsets in 32-bit words into struct kvm_regs), the
 * firmware registers (PSCI version, Spectre workarounds), the timers (timer/regs.c) and system
 * registers (arm64/sysreg_table.c). Checks and errno as KVM's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/ptrace.h>

#include "arm64/cacheid.h"
#include "arm64/psci.h"
#include "arm64/spectre.h"
#include "arm64/sysregs.h"
#include "core/onereg.h"
#include "core/vcpu.h"
#include "core/vm.h"

#define CORE_WORDS		(sizeof(struct kvm_regs) / sizeof(u32))
#define CORE_OFF(field)		(offsetof(struct kvm_regs, field) / sizeof(u32))

/* The size a core register field has at word offset off, 0 if none starts there. */
static unsigned int core_field_size(unsigned int off)
{
	if (off < CORE_OFF(fp_regs.vregs[0]))
		return off % 2 || off > CORE_OFF(spsr[KVM_NR_SPSR - 1]) ? 0 : 8;
	if (off < CORE_OFF(fp_regs.fpsr))
		return (off - CORE_OFF(fp_regs.vregs[0])) % 4 ? 0 : 16;
	if (off == CORE_OFF(fp_regs.fpsr) || off == CORE_OFF(fp_regs.fpcr))
		return 4;
	return 0;
}

/*
 * PSTATE modes a VMM may set: AArch64 EL0t, EL1t, EL1h, and, as KVM
 * allows, AArch32 User mode if the host runs AArch32 at EL0 (all its
 * CPUs: the sanitised view); never EL2. A vCPU saved while its guest was
 * in AArch32 EL0 can so be restored; the entry checks the CPU it is on
 * (core/run.c).
 */
static bool valid_pstate(u64 val)
{
	if (val & PSR_MODE32_BIT)
		return (val & PSR_AA32_MODE_MASK) == PSR_AA32_MODE_USR &&
		       cpuid_feature_extract_unsigned_field(read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1),
							    ID_AA64PFR0_EL1_EL0_SHIFT) == 2;
	switch (val & PSR_MODE_MASK) {
	case PSR_MODE_EL0t:
	case PSR_MODE_EL1t:
	case PSR_MODE_EL1h:
		return true;
	}
	return false;
}

static int core_reg(struct vhv_vcpu *vcpu, u64 id, bool set, void __user *uaddr)
{
	unsigned int off = id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE);
	unsigned int size = KVM_REG_SIZE(id);
	u8 *field = (u8 *)&vcpu->regs + off * sizeof(u32);
	u64 val;

	if (off >= CORE_WORDS || off + size / sizeof(u32) >= CORE_WORDS)
		return -ENOENT;
	if (core_field_size(off) != size)
		return -EINVAL;
	if (!set)
		return copy_to_user(uaddr, field, size) ? -EFAULT : 0;
	if (off == CORE_OFF(regs.pstate)) {
		if (get_user(val, (u64 __user *)uaddr))
			return -EFAULT;
		if (!valid_pstate(val))
			return -EINVAL;
	}
	return copy_from_user(field, uaddr, size) ? -EFAULT : 0;
}

/* The level bits of a KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_* value. */
#define WA_LEVEL_MASK		0xfULL

/*
 * KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_*: read-only in effect, with KVM's
 * rules for a write (a VMM restoring a vCPU saved elsewhere): accepted,
 * changing nothing, if it promises the guest no more than this host
 * gives. For WORKAROUND_2, UNKNOWN counts as NOT_AVAIL and AVAIL as
 * NOT_REQUIRED, and ENABLED only goes with AVAIL.
 */
static int fw_wa_set(u64 id, int level, u64 val)
{
	u64 want;

	if (id != KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2)
		return (val & ~WA_LEVEL_MASK) || val > level ? -EINVAL : 0;
	if (val & ~(WA_LEVEL_MASK | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED))
		return -EINVAL;
	want = val & WA_LEVEL_MASK;
	if ((val & KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED) &&
	    want != KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL)
		return -EINVAL;
	switch (want) {
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN:
		want = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL;
		break;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED:
		want = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED;
		break;
	default:
		return -EINVAL;
	}
	return want > level ? -EINVAL : 0;
}

static int fw_wa_reg(u64 id, bool set, u64 __user *uaddr)
{
	int level = vhv_spectre_fw_level(id);
	u64 val;

	if (level < 0)
		return -ENOENT;
	if (!set)
		return put_user((u64)level, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	return fw_wa_set(id, level, val);
}

/*
 * KVM_REG_ARM_PSCI_VERSION: VM-wide, within what the vCPU's features
 * allow; and the Spectre workaround levels.
 */
static int fw_reg(struct vhv_vcpu *vcpu, u64 id, bool set, u64 __user *uaddr)
{
	bool v0_2 = vcpu->features & BIT(KVM_ARM_VCPU_PSCI_0_2);
	u64 val;

	if (id != KVM_REG_ARM_PSCI_VERSION)
		return fw_wa_reg(id, set, uaddr);
	if (!set)
		return put_user(vhv_psci_version(vcpu), uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	if (v0_2 ? val != KVM_ARM_PSCI_0_2 && val != KVM_ARM_PSCI_1_0 && val != KVM_ARM_PSCI_1_1 :
		   val != KVM_ARM_PSCI_0_1)
		return -EINVAL;
	if (v0_2)
		WRITE_ONCE(vcpu->vm->psci_version, val);
	return 0;
}

long vhv_one_reg(struct vhv_vcpu *vcpu, bool set, void __user *argp)
{
	struct kvm_one_reg reg;
	void __user *uaddr;

	if (!vcpu->initialised)
		return -ENOEXEC;
	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	if (((reg.id & ~KVM_REG_SIZE_MASK) >> 32) != (KVM_REG_ARM64 >> 32))
		return -EINVAL;
	uaddr = u64_to_user_ptr(reg.addr);
	switch (reg.id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_CORE:
		return core_reg(vcpu, reg.id, set, uaddr);
	case KVM_REG_ARM_FW:
		return fw_reg(vcpu, reg.id, set, uaddr);
	case KVM_REG_ARM64_SYSREG:
		if (vhv_timer_is_reg(reg.id))
			return set ? vhv_timer_set_reg(vcpu, reg.id, uaddr) :
				     vhv_timer_get_reg(vcpu, reg.id, uaddr);
		return set ? vhv_sysreg_set_user(vcpu, reg.id, uaddr) :
			     vhv_sysreg_get_user(vcpu, reg.id, uaddr);
	case KVM_REG_ARM_DEMUX:
		return set ? vhv_cacheid_set_user(vcpu, reg.id, uaddr) :
			     vhv_cacheid_get_user(vcpu, reg.id, uaddr);
	}
	return -ENOENT;
}

static u64 core_id(unsigned int off)
{
	unsigned int size = core_field_size(off);
	u64 sz = size == 16 ? KVM_REG_SIZE_U128 : size == 8 ? KVM_REG_SIZE_U64 : KVM_REG_SIZE_U32;

	return KVM_REG_ARM64 | sz | KVM_REG_ARM_CORE | off;
}

static unsigned int core_count(void)
{
	unsigned int off, n = 0;

	for (off = 0; off < CORE_WORDS; off++)
		n += core_field_size(off) != 0;
	return n;
}

/* The firmware pseudo-registers, in KVM's order. */
static const u64 fw_ids[] = {
	KVM_REG_ARM_PSCI_VERSION,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
};

/* n in, n out (always), E2BIG if the VMM's array is too small. */
long vhv_reg_list(struct vhv_vcpu *vcpu, void __user *argp)
{
	struct kvm_reg_list __user *ulist = argp;
	u64 __user *uids = ulist->reg;
	unsigned int off, need, i;
	struct kvm_reg_list list;

	if (!vcpu->initialised)
		return -ENOEXEC;
	if (copy_from_user(&list, ulist, sizeof(list)))
		return -EFAULT;
	need = core_count() + ARRAY_SIZE(fw_ids) + vhv_timer_nr_regs() + vhv_sysreg_count_user() +
	       vhv_cacheid_nr_user();
	if (put_user(need, &ulist->n))
		return -EFAULT;
	if (list.n < need)
		return -E2BIG;
	for (off = 0; off < CORE_WORDS; off++)
		if (core_field_size(off) && put_user(core_id(off), uids++))
			return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(fw_ids); i++)
		if (put_user(fw_ids[i], uids++))
			return -EFAULT;
	if (vhv_timer_copy_ids(uids))
		return -EFAULT;
	uids += vhv_timer_nr_regs();
	if (vhv_sysreg_copy_ids(uids))
		return -EFAULT;
	/* As KVM: the CCSIDR values last. */
	return vhv_cacheid_copy_ids(uids + vhv_sysreg_count_user());
}
