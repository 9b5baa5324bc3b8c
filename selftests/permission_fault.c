// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 permission faults: writes to a read-only slot exit as MMIO with
 * the exact IPA, however the guest reached it: through a stage-1 alias
 * whose VA differs from the IPA, through the identity map, with its MMU
 * off, at several sizes and page offsets. For such a fault HPFAR_EL2 is
 * UNKNOWN on hardware and the IPA comes from translating FAR_EL2 (AT
 * S1E1R), which these tests drive; the vhv-6.12 boots run them with
 * vhv.hpfar_check=1, which compares that translation with QEMU's HPFAR
 * on every stage-2 abort of the run.
 *
 * KVM ABI only.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define RO_GPA		0x40000000ULL		/* 1 GB: a Device block identity-mapped */
#define RO_SIZE		(4ULL << 20)
#define ALIAS_VA	(5ULL << 30)		/* a Normal 1 GB block onto RO_GPA */
#define PATTERN		0x0123456789abcdefULL

/* Stage-1 level-1 block: Normal memory (MAIR index 1), inner shareable, AF. */
#define PT_BLOCK_NORMAL	(1ULL | (1ULL << 2) | (3ULL << 8) | (1ULL << 10))

enum { SYNC_READ = 1, SYNC_END };

/* Data abort on the store: the MMU off around one STR, nothing else in between. */
static void store_mmu_off(u64 addr, u64 val)
{
	u64 sctlr;

	asm volatile("mrs	%0, sctlr_el1\n"
		     "bic	x9, %0, #1\n"
		     "msr	sctlr_el1, x9\n"
		     "isb\n"
		     "str	%2, [%1]\n"
		     "msr	sctlr_el1, %0\n"
		     "isb\n"
		     : "=&r" (sctlr) : "r" (addr), "r" (val) : "x9", "memory");
}

static void guest_ro_writes(u64 unused)
{
	volatile u64 *alias = (volatile u64 *)(ALIAS_VA + 0x1238);

	GUEST_SYNC2(SYNC_READ, *alias);
	*alias = 0x1111111111111111ULL;
	*(volatile u32 *)(RO_GPA + 0x123454) = 0x22222222;
	*(volatile u8 *)(ALIAS_VA + 0x2001) = 0x33;
	store_mmu_off(RO_GPA + 0x3ff8, 0x4444444444444444ULL);
	GUEST_SYNC2(SYNC_END, *alias);
}

TEST(read_only_slot_writes_exit_with_the_exact_ipa)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_ro_writes, 0);
	u64 *l1 = vmm_gpa(vm, GUEST_PT_BASE);
	u64 *mem;
	struct ucall uc;

	mem = mmap(NULL, RO_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(mem != MAP_FAILED);
	mem[0x1238 / 8] = PATTERN;
	vmm_set_memory(vm, 1, KVM_MEM_READONLY, RO_GPA, RO_SIZE, mem);
	ASSERT_EQ(l1[ALIAS_VA >> 30], 0);
	l1[ALIAS_VA >> 30] = RO_GPA | PT_BLOCK_NORMAL;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], SYNC_READ);
	ASSERT_EQ(uc.args[1], PATTERN);
	vmm_expect_mmio_write(vcpu, RO_GPA + 0x1238, 8, 0x1111111111111111ULL);	/* VA != IPA */
	vmm_expect_mmio_write(vcpu, RO_GPA + 0x123454, 4, 0x22222222);		/* VA == IPA */
	vmm_expect_mmio_write(vcpu, RO_GPA + 0x2001, 1, 0x33);			/* another page */
	vmm_expect_mmio_write(vcpu, RO_GPA + 0x3ff8, 8, 0x4444444444444444ULL);	/* MMU off */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], SYNC_END);
	ASSERT_EQ(uc.args[1], PATTERN);
	/* Not one write reached the memory. */
	ASSERT_EQ(mem[0x123454 / 8], 0);
	ASSERT_EQ(mem[0x2000 / 8], 0);
	ASSERT_EQ(mem[0x3ff8 / 8], 0);
}

/*
 * vhv only: where the testbed asks for it on the command line, the
 * cross-check of HPFAR_EL2 against AT is really on for this run.
 */
TEST(hpfar_check_is_on_where_the_testbed_asks)
{
	char cmdline[4096] = "", val[8] = "";
	FILE *f;

	vmm_require_vhv();
	f = fopen("/proc/cmdline", "r");
	ASSERT_TRUE(f);
	ASSERT_TRUE(fgets(cmdline, sizeof(cmdline), f));
	fclose(f);
	if (!strstr(cmdline, "vhv.hpfar_check=1"))
		SKIP("not asked for on this boot");
	f = fopen("/sys/module/vhv/parameters/hpfar_check", "r");
	ASSERT_TRUE(f);
	ASSERT_TRUE(fgets(val, sizeof(val), f));
	fclose(f);
	ASSERT_EQ(val[0], 'Y');
}
