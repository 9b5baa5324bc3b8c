// SPDX-License-Identifier: GPL-2.0
/*
 * What the host keeps in registers a guest could reach without a trap
 * stays the host's: the VMM thread's TLS registers (TPIDR_EL0, and
 * TPIDR2_EL0 on SME hosts) are neither visible to nor changed by the
 * guest; one guest's EL1 state does not show in another's. KVM ABI only.
 */
#include <sys/auxv.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#ifndef HWCAP2_SME
#define HWCAP2_SME	(1UL << 23)
#endif

static void guest_undef_skip(struct guest_regs *regs)
{
	/* Report the UNDEF as the value ~0, and step over it. */
	regs->x[0] = ~0ULL;
	regs->elr += 4;
}

static void guest_tpidr2(u64 unused)
{
	u64 v;

	guest_install_handler(VECTOR_SYNC_CUR, guest_undef_skip);
	asm volatile("mov x0, #0\n mrs x0, s3_3_c13_c0_5\n mov %0, x0" : "=r" (v) : : "x0");
	GUEST_SYNC(v);
	asm volatile("mov x0, #0x6789\n msr s3_3_c13_c0_5, x0" : : : "x0");
}

TEST(guest_does_not_see_or_change_the_vmm_threads_tpidr2)
{
	struct vmm_vcpu *vcpu;
	struct ucall uc;
	u64 mine = 0x7e1d0000aa55ULL, after;

	if (!(getauxval(AT_HWCAP2) & HWCAP2_SME))
		SKIP("no SME on this host: no TPIDR2_EL0");
	asm volatile("msr s3_3_c13_c0_5, %0" : : "r" (mine));
	vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_tpidr2, 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	/* UNDEF (~0) or an empty register, never the host's value. */
	ASSERT_NE(uc.args[0], mine);
	ASSERT_TRUE(uc.args[0] == ~0ULL || uc.args[0] == 0);
	vmm_run_to_done(vcpu);
	asm volatile("mrs %0, s3_3_c13_c0_5" : "=r" (after));
	ASSERT_EQ(after, mine);
}

static void guest_write_el1_regs(u64 unused)
{
	write_sysreg(0x1111, tpidr_el1);
	write_sysreg(0x2222, contextidr_el1);
	write_sysreg(0x3333, tpidrro_el0);
	write_sysreg(0x4444, tpidr_el0);
	GUEST_SYNC(0);
}

static void guest_read_el1_regs(u64 unused)
{
	GUEST_SYNC2(read_sysreg(tpidr_el1), read_sysreg(contextidr_el1));
	GUEST_SYNC2(read_sysreg(tpidrro_el0), read_sysreg(tpidr_el0));
}

TEST(one_guests_registers_do_not_show_in_another)
{
	struct vmm_vcpu *a = vmm_vcpu_new(vmm_vm_new(), 0, guest_write_el1_regs, 0);
	struct vmm_vcpu *b = vmm_vcpu_new(vmm_vm_new(), 0, guest_read_el1_regs, 0);
	struct ucall uc;

	vmm_set_reg(b, REG_SYS(3, 0, 13, 0, 4), 0xb1);	/* TPIDR_EL1 */
	vmm_set_reg(b, REG_SYS(3, 0, 13, 0, 1), 0xb2);	/* CONTEXTIDR_EL1 */
	vmm_set_reg(b, REG_SYS(3, 3, 13, 0, 3), 0xb3);	/* TPIDRRO_EL0 */
	vmm_set_reg(b, REG_SYS(3, 3, 13, 0, 2), 0xb4);	/* TPIDR_EL0 */
	ASSERT_EQ(vmm_run_ucall(a, &uc), UCALL_SYNC);
	ASSERT_EQ(vmm_run_ucall(b, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xb1);
	ASSERT_EQ(uc.args[1], 0xb2);
	ASSERT_EQ(vmm_run_ucall(b, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xb3);
	ASSERT_EQ(uc.args[1], 0xb4);
	/* And a's values are still a's. */
	ASSERT_EQ(vmm_get_reg(a, REG_SYS(3, 0, 13, 0, 4)), 0x1111);
	ASSERT_EQ(vmm_get_reg(a, REG_SYS(3, 3, 13, 0, 2)), 0x4444);
}
