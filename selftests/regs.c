// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU registers through ONE_REG and KVM_GET_REG_LIST, and as the guest
 * sees them: every listed register reads and writes back unchanged; ID
 * registers and MPIDR_EL1 read by the guest equal what ONE_REG reports;
 * a register the hypervisor does not handle is UNDEF in the guest; bad
 * ids, sizes and values get KVM's errno. KVM ABI only.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

static struct kvm_reg_list *reg_list(struct vmm_vcpu *vcpu)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;

	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe), E2BIG);
	ASSERT_GT(probe.n, 75);
	list = calloc(1, sizeof(*list) + (probe.n + 1) * sizeof(u64));
	ASSERT_TRUE(list);
	list->n = probe.n + 1;
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_REG_LIST, list));
	ASSERT_EQ(list->n, probe.n);
	return list;
}

static void guest_nothing(u64 unused)
{
}

TEST(reg_list_follows_the_e2big_protocol)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_nothing, 0);
	struct kvm_reg_list *list = reg_list(vcpu);
	struct kvm_reg_list small = { .n = 3 };

	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_REG_LIST, &small), E2BIG);
	ASSERT_EQ(small.n, list->n);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_REG_LIST, NULL), EFAULT);
}

TEST(every_listed_register_reads_and_writes_back_unchanged)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_nothing, 0);
	struct kvm_reg_list *list = reg_list(vcpu);
	u64 i, val[2], again[2];

	for (i = 0; i < list->n; i++) {
		/* The counter registers move by themselves. */
		if (list->reg[i] == KVM_REG_ARM_TIMER_CNT || list->reg[i] == KVM_REG_ARM_PTIMER_CNT)
			continue;
		struct kvm_one_reg reg = { .id = list->reg[i], .addr = (uintptr_t)val };
		struct kvm_one_reg back = { .id = list->reg[i], .addr = (uintptr_t)again };

		if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ||
		    ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ||
		    ioctl(vcpu->fd, KVM_GET_ONE_REG, &back) ||
		    memcmp(val, again, KVM_REG_SIZE(list->reg[i]))) {
			vt_fail(__FILE__, __LINE__, "register %#llx: %s", list->reg[i],
				strerrorname_np(errno) ?: "changed");
		}
	}
}

TEST(core_registers_are_all_listed)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_nothing, 0);
	struct kvm_reg_list *list = reg_list(vcpu);
	u64 want[] = { REG_X(0), REG_X(30), REG_SP_EL0, REG_PC, REG_PSTATE, REG_SP_EL1,
		       REG_CORE(elr_el1) | KVM_REG_SIZE_U64, REG_CORE(spsr[0]) | KVM_REG_SIZE_U64,
		       REG_V(0), REG_V(31), REG_CORE(fp_regs.fpsr) | KVM_REG_SIZE_U32,
		       REG_CORE(fp_regs.fpcr) | KVM_REG_SIZE_U32, KVM_REG_ARM_PSCI_VERSION };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		for (j = 0; j < list->n && list->reg[j] != want[i]; j++)
			;
		if (j == list->n)
			vt_fail(__FILE__, __LINE__, "register %#llx not listed",
				(unsigned long long)want[i]);
	}
}

/* The guest reads the AArch64 ID registers and MPIDR_EL1. */
#define NR_GUEST_IDS	11

static void guest_read_ids(u64 unused)
{
	u64 v[NR_GUEST_IDS] = {
		read_sysreg(id_aa64pfr0_el1), read_sysreg(id_aa64pfr1_el1),
		read_sysreg(id_aa64dfr0_el1), read_sysreg(id_aa64dfr1_el1),
		read_sysreg(id_aa64isar0_el1), read_sysreg(id_aa64isar1_el1),
		read_sysreg(s3_0_c0_c6_2),	/* ID_AA64ISAR2_EL1 */
		read_sysreg(id_aa64mmfr0_el1), read_sysreg(id_aa64mmfr1_el1),
		read_sysreg(id_aa64mmfr2_el1), read_sysreg(mpidr_el1),
	};
	unsigned int i;

	for (i = 0; i < NR_GUEST_IDS; i++)
		GUEST_SYNC2(i, v[i]);
}

static const u64 guest_id_regs[NR_GUEST_IDS] = {
	REG_SYS(3, 0, 0, 4, 0), REG_SYS(3, 0, 0, 4, 1), REG_SYS(3, 0, 0, 5, 0),
	REG_SYS(3, 0, 0, 5, 1), REG_SYS(3, 0, 0, 6, 0), REG_SYS(3, 0, 0, 6, 1),
	REG_SYS(3, 0, 0, 6, 2), REG_SYS(3, 0, 0, 7, 0), REG_SYS(3, 0, 0, 7, 1),
	REG_SYS(3, 0, 0, 7, 2), REG_SYS(3, 0, 0, 0, 5),
};

TEST(id_registers_and_mpidr_in_the_guest_equal_one_reg)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0x123, guest_read_ids, 0);
	struct ucall uc;
	unsigned int i;

	for (i = 0; i < NR_GUEST_IDS; i++) {
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], i);
		if (uc.args[1] != vmm_get_reg(vcpu, guest_id_regs[i]))
			vt_fail(__FILE__, __LINE__, "register %u: guest %#llx, ONE_REG %#llx", i,
				(unsigned long long)uc.args[1],
				(unsigned long long)vmm_get_reg(vcpu, guest_id_regs[i]));
	}
	/* vcpu_id 0x123: Aff0 = 3, Aff1 = 0x12, bit 31 set. */
	ASSERT_EQ(uc.args[1], 0x80001203ULL);
}

static const u64 written_mpidr = 0x80000000ULL | 0x0a0b0cULL;

static void guest_mpidr(u64 unused)
{
	GUEST_SYNC(read_sysreg(mpidr_el1));
}

TEST(mpidr_written_through_one_reg_is_what_the_guest_reads)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_mpidr, 0);
	struct ucall uc;

	vmm_set_reg(vcpu, REG_SYS(3, 0, 0, 0, 5), written_mpidr);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], written_mpidr);
}

/* An UNDEF handler: report the syndrome and skip the instruction. */
static void guest_undef_handler(struct guest_regs *regs)
{
	GUEST_SYNC2(ESR_EC(regs->esr), regs->elr);
	regs->elr += 4;
}

static void guest_unhandled_sysregs(u64 unused)
{
	guest_install_handler(VECTOR_SYNC_CUR, guest_undef_handler);
	/* PMCR_EL0: the PMU is hidden. */
	asm volatile("mrs x0, pmcr_el0" : : : "x0");
	/* A write to a read-only ID register. */
	asm volatile("msr s3_0_c0_c4_0, xzr");
	GUEST_SYNC2(0xd0e, 0);
}

TEST(guest_access_to_an_unhandled_register_is_undef)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_unhandled_sysregs, 0);
	struct ucall uc;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], 0);	/* EC 0: unknown reason (UNDEF) */
	}
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xd0e);
}

static int one_reg(int fd, unsigned long ioctl_nr, u64 id, void *buf)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)buf };

	return ioctl(fd, ioctl_nr, &reg);
}

TEST(one_reg_errors_are_kvms)
{
	struct vmm_vm *vm = vmm_vm_new();
	int fd = ASSERT_OK(ioctl(vm->fd, KVM_CREATE_VCPU, 1));
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_nothing, 0);
	u64 val = 0, buf[2] = { 0, 0 };

	/* Before KVM_ARM_VCPU_INIT. */
	ASSERT_ERRNO(one_reg(fd, KVM_GET_ONE_REG, REG_PC, &val), ENOEXEC);
	/* Not an arm64 register id. */
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG, 0x1234, &val), EINVAL);
	/* A core offset past struct kvm_regs. */
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG,
			     KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | 0x1000, &val), ENOENT);
	/* A core register with the wrong size, or in the middle of one. */
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG,
			     (REG_PC & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U32, &val), EINVAL);
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG, REG_PC + 1, &val), EINVAL);
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG,
			     (REG_V(0) & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U64, buf), EINVAL);
	/* An unknown system register. */
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG, REG_SYS(3, 7, 15, 15, 7), &val), ENOENT);
	/* A bad user pointer. */
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_GET_ONE_REG, REG_PC, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_ONE_REG, NULL), EFAULT);
	/* PSTATE in EL2h: no nested virtualization here. */
	val = 0x3c9;
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_SET_ONE_REG, REG_PSTATE, &val), EINVAL);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PSTATE), 0x3c5);
	/* MIDR_EL1 is the host's and stays so. */
	val = vmm_get_reg(vcpu, REG_SYS(3, 0, 0, 0, 0)) ^ 1;
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_SET_ONE_REG, REG_SYS(3, 0, 0, 0, 0), &val), EINVAL);
	/* PSCI version: 1.1 by default, 0.2 and 1.0 accepted, 0.1 not with PSCI_0_2. */
	ASSERT_EQ(vmm_get_reg(vcpu, KVM_REG_ARM_PSCI_VERSION), 0x10001);
	val = 1;
	ASSERT_ERRNO(one_reg(vcpu->fd, KVM_SET_ONE_REG, KVM_REG_ARM_PSCI_VERSION, &val), EINVAL);
	vmm_set_reg(vcpu, KVM_REG_ARM_PSCI_VERSION, 0x2);
	ASSERT_EQ(vmm_get_reg(vcpu, KVM_REG_ARM_PSCI_VERSION), 0x2);
}

TEST(reset_state_is_el1h_with_daif_masked_and_zeroed_registers)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	int fd = ASSERT_OK(ioctl(vm->fd, KVM_CREATE_VCPU, 0));
	struct vmm_vcpu vcpu = { .vm = vm, .fd = fd };

	ASSERT_OK(ioctl(fd, KVM_ARM_VCPU_INIT, &init));
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_PSTATE), 0x3c5);
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_PC), 0);
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_X(0)), 0);
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_SYS(3, 0, 1, 0, 0)), 0x00c50078);	/* SCTLR_EL1 */
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_SYS(2, 0, 1, 1, 4)), 0x8);	/* OSLSR_EL1 */
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_SYS(3, 0, 0, 0, 5)), 0x80000000);	/* MPIDR_EL1 */
	/* PSCI 0.1 without the PSCI_0_2 feature. */
	ASSERT_EQ(vmm_get_reg(&vcpu, KVM_REG_ARM_PSCI_VERSION), 0x1);
	/* Registers written, then re-init: back to reset. */
	vmm_set_reg(&vcpu, REG_X(5), 55);
	vmm_set_reg(&vcpu, REG_SYS(3, 0, 1, 0, 0), 0x30d00801);
	ASSERT_OK(ioctl(fd, KVM_ARM_VCPU_INIT, &init));
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_X(5)), 0);
	ASSERT_EQ(vmm_get_reg(&vcpu, REG_SYS(3, 0, 1, 0, 0)), 0x00c50078);
}
