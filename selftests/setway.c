// SPDX-License-Identifier: GPL-2.0
/*
 * Set/way cache maintenance (DC ISW, CSW, CISW) and what its emulation
 * traps: the VM control registers (HCR_EL2.TVM). Firmware issues set/way
 * operations by the thousand; each must not cost a clean of the whole VM.
 * After one, the guest still writes and reads back its VM control
 * registers, and turns its MMU and caches off and on without losing its
 * data. TCG models no cache, so the data checks show the emulation's
 * path, not coherency. KVM ABI only.
 */
#include <sys/mman.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

/* 64 MB of RAM the guest touches, besides slot 0. */
#define TOUCH_GPA	0x10000000ULL
#define TOUCH_SIZE	(64ULL << 20)
#define SET_WAY_OPS	100000

#define isb()		asm volatile("isb" : : : "memory")

/* A set/way operand: level 1 (field 0), some set, some way. */
static inline u64 set_way(u64 i)
{
	return ((i & 0x3f) << 6) | (((i >> 6) & 3) << 30);
}

static void guest_many_set_way(u64 n)
{
	u64 off, i;

	for (off = 0; off < TOUCH_SIZE; off += 0x1000)
		*(volatile u64 *)(TOUCH_GPA + off) = off;
	GUEST_SYNC(1);
	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:
			asm volatile("dc cisw, %0" : : "r" (set_way(i)) : "memory");
			break;
		case 1:
			asm volatile("dc csw, %0" : : "r" (set_way(i)) : "memory");
			break;
		default:
			asm volatile("dc isw, %0" : : "r" (set_way(i)) : "memory");
			break;
		}
	}
	/* DC ISW too: vhv and KVM set HCR_EL2.SWIO, which makes it clean too. */
	for (off = 0; off < TOUCH_SIZE; off += 0x1000)
		GUEST_ASSERT_EQ(*(volatile u64 *)(TOUCH_GPA + off), off);
	GUEST_SYNC(2);
}

TEST_TIMEOUT(set_way_ops_by_the_100000_on_a_vm_with_64m_touched_finish, 150)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_many_set_way, SET_WAY_OPS);
	void *mem = mmap(NULL, TOUCH_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct ucall uc;

	ASSERT_TRUE(mem != MAP_FAILED);
	vmm_set_memory(vm, 1, 0, TOUCH_GPA, TOUCH_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 2);
}

/* The VM control registers HCR_EL2.TVM traps, as the guest wrote them. */
enum { R_SCTLR, R_TTBR0, R_TTBR1, R_TCR, R_ESR, R_FAR, R_AFSR0, R_AFSR1, R_MAIR,
       R_AMAIR, R_CONTEXTIDR, NR_VMREGS };

#define WRITE_READ(reg, v) ({ write_sysreg(v, reg); isb(); read_sysreg(reg); })

/*
 * Writes each one with a value that leaves the guest's translation as it
 * is (an unused ASID, MAIR attribute or TTBR1 while TTBR1 walks are off,
 * TBI1 for the upper half), reads it back, and puts back what it changed.
 */
static void write_read_vmregs(u64 *got)
{
	u64 sctlr = read_sysreg(sctlr_el1), ttbr0 = read_sysreg(ttbr0_el1);
	u64 tcr = read_sysreg(tcr_el1), mair = read_sysreg(mair_el1);

	got[R_SCTLR] = WRITE_READ(sctlr_el1, sctlr);
	got[R_TTBR0] = WRITE_READ(ttbr0_el1, ttbr0 | (0x12ULL << 48));
	write_sysreg(ttbr0, ttbr0_el1);
	got[R_TTBR1] = WRITE_READ(ttbr1_el1, 0x5a000ULL | (0x34ULL << 48));
	got[R_TCR] = WRITE_READ(tcr_el1, tcr ^ (1ULL << 38));
	write_sysreg(tcr, tcr_el1);
	got[R_ESR] = WRITE_READ(esr_el1, 0x96000045ULL);
	got[R_FAR] = WRITE_READ(far_el1, 0xdead0000beefULL);
	got[R_AFSR0] = WRITE_READ(afsr0_el1, 0x1234);
	got[R_AFSR1] = WRITE_READ(afsr1_el1, 0x5678);
	got[R_MAIR] = WRITE_READ(mair_el1, mair | (0x44ULL << 16));
	write_sysreg(mair, mair_el1);
	got[R_AMAIR] = WRITE_READ(amair_el1, 0);
	got[R_CONTEXTIDR] = WRITE_READ(contextidr_el1, 0x5a5a);
	isb();
	GUEST_ASSERT_EQ(got[R_SCTLR], sctlr);
	GUEST_ASSERT_EQ(got[R_TTBR0], ttbr0 | (0x12ULL << 48));
	GUEST_ASSERT_EQ(got[R_TTBR1], 0x5a000ULL | (0x34ULL << 48));
	GUEST_ASSERT_EQ(got[R_TCR], tcr ^ (1ULL << 38));
	GUEST_ASSERT_EQ(got[R_ESR], 0x96000045ULL);
	GUEST_ASSERT_EQ(got[R_FAR], 0xdead0000beefULL);
	GUEST_ASSERT_EQ(got[R_MAIR], mair | (0x44ULL << 16));
	GUEST_ASSERT_EQ(got[R_CONTEXTIDR], 0x5a5a);
}

static void guest_vmregs_after_set_way(u64 unused)
{
	u64 direct[NR_VMREGS], trapped[NR_VMREGS], i;

	/* Before any set/way operation: the registers are the guest's own. */
	write_read_vmregs(direct);
	asm volatile("dc cisw, %0" : : "r" (set_way(0)) : "memory");
	/* After one: the same, through the hypervisor if it traps them. */
	write_read_vmregs(trapped);
	for (i = 0; i < NR_VMREGS; i++)
		GUEST_ASSERT_EQ(trapped[i], direct[i]);
	asm volatile("dc csw, %0" : : "r" (set_way(1)) : "memory");
	write_read_vmregs(trapped);
	for (i = 0; i < NR_VMREGS; i++)
		GUEST_ASSERT_EQ(trapped[i], direct[i]);
}

/* SCTLR_EL1.M (bit 0) and C (bit 2). */
#define SCTLR_M		(1ULL << 0)
#define SCTLR_C		(1ULL << 2)

/*
 * With the MMU off (data accesses Device-nGnRnE, identity addresses):
 * reads p[0] and SCTLR_EL1, writes v to p[1], and turns the MMU on again.
 * Plain aligned loads and stores only, hence assembly.
 */
static u64 mmu_off_access(u64 sctlr, volatile u64 *p, u64 v, u64 *sctlr_off)
{
	u64 old, seen;

	asm volatile("msr sctlr_el1, %[off]\n"
		     "isb\n"
		     "mrs %[seen], sctlr_el1\n"
		     "ldr %[old], [%[p]]\n"
		     "str %[v], [%[p], #8]\n"
		     "msr sctlr_el1, %[on]\n"
		     "isb\n"
		     : [old] "=&r" (old), [seen] "=&r" (seen)
		     : [off] "r" (sctlr & ~SCTLR_M), [on] "r" (sctlr), [p] "r" (p), [v] "r" (v)
		     : "memory");
	*sctlr_off = seen;
	return old;
}

static void guest_caches_toggled(u64 round)
{
	volatile u64 *buf = (volatile u64 *)(GUEST_SCRATCH + 0x10000);
	u64 sctlr = read_sysreg(sctlr_el1), seen;

	GUEST_ASSERT_EQ(sctlr & (SCTLR_M | SCTLR_C), SCTLR_M | SCTLR_C);
	/* As firmware does before its caches go off: clean them by set/way. */
	buf[0] = 0x1111 + round;
	asm volatile("dc cisw, %0" : : "r" (set_way(round)) : "memory");
	/* Data cache off: reads and writes go to memory. */
	write_sysreg(sctlr & ~SCTLR_C, sctlr_el1);
	isb();
	GUEST_ASSERT_EQ(read_sysreg(sctlr_el1), sctlr & ~SCTLR_C);
	GUEST_ASSERT_EQ(buf[0], 0x1111 + round);
	buf[1] = 0x2222 + round;
	/* On again: no line from before may hide what was written. */
	write_sysreg(sctlr, sctlr_el1);
	isb();
	GUEST_ASSERT_EQ(read_sysreg(sctlr_el1), sctlr);
	GUEST_ASSERT_EQ(buf[1], 0x2222 + round);
	/* The MMU off and on again, around an access each way. */
	buf[2] = 0x3333 + round;
	asm volatile("dc csw, %0" : : "r" (set_way(round)) : "memory");
	GUEST_ASSERT_EQ(mmu_off_access(sctlr, buf + 2, 0x4444 + round, &seen), 0x3333 + round);
	GUEST_ASSERT_EQ(seen, sctlr & ~SCTLR_M);
	GUEST_ASSERT_EQ(read_sysreg(sctlr_el1), sctlr);
	GUEST_ASSERT_EQ(buf[3], 0x4444 + round);
	GUEST_SYNC(round);
}

TEST(vm_control_registers_written_after_set_way_ops_read_back)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_vmregs_after_set_way, 0);

	vmm_run_to_done(vcpu);
}

TEST(caches_and_mmu_turned_off_and_on_after_set_way_ops_keep_the_data)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu;
	struct ucall uc;
	u64 round;

	for (round = 0; round < 4; round++) {
		vcpu = vmm_vcpu_new(vm, round, guest_caches_toggled, round);
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], round);
		ASSERT_EQ(*(u64 *)vmm_gpa(vm, GUEST_SCRATCH + 0x10000 + 24), 0x4444 + round);
	}
}
