// SPDX-License-Identifier: GPL-2.0
/*
 * The cache identification registers are the VM's, not the CPU's: the
 * guest's CTR_EL0, CLIDR_EL1 and CCSIDR_EL1 (for each CSSELR_EL1 value)
 * equal what ONE_REG reports, and are what KVM 6.12 fabricates from the
 * system's CTR_EL0 (a hierarchy that asks for the maintenance CTR_EL0
 * requires, one set of one way of the smallest line); FEAT_CCIDX is
 * hidden. The VMM can set CLIDR_EL1 and the CCSIDR_EL1 values
 * (KVM_REG_ARM_DEMUX_ID_CCSIDR) within KVM's rules, and the guest then
 * reads them; bad ids and values get KVM's errno. KVM ABI only.
 *
 * Read natively the guest would see the emulated CPU's real caches
 * (several ways and sets, CCIDX where QEMU has it): this is what fails
 * without the traps.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define NR_CSSELR	14
#define DEMUX_CCSIDR	(KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | \
			 KVM_REG_ARM_DEMUX_ID_CCSIDR)
#define REG_CTR		REG_SYS(3, 3, 0, 0, 1)
#define REG_CLIDR	REG_SYS(3, 1, 0, 0, 1)
#define REG_CCSIDR	REG_SYS(3, 1, 0, 0, 0)

#define CTR_IDC		(1ULL << 28)
#define CTR_DIC		(1ULL << 29)
#define CLIDR_LOUIS(v)	((u64)(v) << 21)
#define CLIDR_LOC(v)	((u64)(v) << 24)
#define CLIDR_LOUU(v)	((u64)(v) << 27)
#define CLIDR_LOC_MASK	CLIDR_LOC(7)
#define CTYPE(level, t)	((u64)(t) << (3 * ((level) - 1)))

/* What the guest read. */
struct seen {
	u64 ctr, clidr, mmfr2;
	u64 csselr[NR_CSSELR], ccsidr[NR_CSSELR];
};

static struct seen seen;

static void guest_read(u64 rounds)
{
	u64 r, i;

	for (r = 0; r < rounds; r++) {
		seen.ctr = read_sysreg(ctr_el0);
		seen.clidr = read_sysreg(clidr_el1);
		seen.mmfr2 = read_sysreg(s3_0_c0_c7_2);
		for (i = 0; i < NR_CSSELR; i++) {
			write_sysreg(i, csselr_el1);
			asm volatile("isb" : : : "memory");
			seen.csselr[i] = read_sysreg(csselr_el1);
			seen.ccsidr[i] = read_sysreg(ccsidr_el1);
		}
		GUEST_SYNC(r);
	}
	GUEST_DONE();
}

/* KVM 6.12's CLIDR_EL1 out of reset, from CTR_EL0 (no MTE). */
static u64 fabricated_clidr(u64 ctr)
{
	u64 clidr;
	int loc;

	if (ctr & CTR_IDC) {
		loc = ctr & CTR_DIC ? 1 : 2;
		clidr = CTYPE(loc, 4);
	} else {
		loc = 1;
		clidr = CLIDR_LOUU(1) | CLIDR_LOUIS(1) | CTYPE(1, 2);
	}
	if (!(ctr & CTR_DIC))
		clidr |= CTYPE(1, 1);
	return clidr | CLIDR_LOC(loc);
}

/* LineSize: the smallest line of that kind, log2(bytes) - 4; 1 set, 1 way. */
static u64 fabricated_ccsidr(u64 ctr, unsigned int csselr)
{
	u64 words = csselr & 1 ? ctr & 0xf : (ctr >> 16) & 0xf;

	return words + 2 - 4;
}

static int one_reg(struct vmm_vcpu *vcpu, unsigned long op, u64 id, u64 *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, op, &reg);
}

static void run_round(struct vmm_vcpu *vcpu, u64 round)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], round);
	vmm_sync_from_guest(vcpu->vm, &seen, sizeof(seen));
}

/* The guest's view equals ONE_REG's. */
static void expect_onereg_view(struct vmm_vcpu *vcpu)
{
	unsigned int i;

	ASSERT_EQ(seen.ctr, vmm_get_reg(vcpu, REG_CTR));
	ASSERT_EQ(seen.clidr, vmm_get_reg(vcpu, REG_CLIDR));
	for (i = 0; i < NR_CSSELR; i++) {
		ASSERT_EQ(seen.csselr[i], i);
		ASSERT_EQ(seen.ccsidr[i], vmm_get_reg(vcpu, DEMUX_CCSIDR | i));
	}
}

TEST(guest_reads_the_fabricated_cache_hierarchy)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read, 1);
	unsigned int i;

	run_round(vcpu, 0);
	vt_note("CTR_EL0 %#llx CLIDR_EL1 %#llx CCSIDR_EL1[0] %#llx",
		(unsigned long long)seen.ctr, (unsigned long long)seen.clidr,
		(unsigned long long)seen.ccsidr[0]);
	expect_onereg_view(vcpu);
	ASSERT_EQ(seen.clidr, fabricated_clidr(seen.ctr));
	/* ID_AA64MMFR2_EL1.CCIDX [23:20]: CCSIDR_EL1 in its 32-bit format. */
	ASSERT_EQ((seen.mmfr2 >> 20) & 0xf, 0);
	for (i = 0; i < NR_CSSELR; i++)
		ASSERT_EQ(seen.ccsidr[i], fabricated_ccsidr(seen.ctr, i));
	vmm_run_to_done(vcpu);
}

TEST(vmm_sets_clidr_and_ccsidr_and_the_guest_reads_them)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read, 2);
	u64 ctr = vmm_get_reg(vcpu, REG_CTR);
	u64 clidr = vmm_get_reg(vcpu, REG_CLIDR);
	/* A unified level 3 as the level of coherence: valid whatever IDC is. */
	u64 alt = (clidr & ~CLIDR_LOC_MASK) | CTYPE(3, 4) | CLIDR_LOC(3) |
		  (ctr & CTR_IDC ? 0 : CLIDR_LOUU(1) | CLIDR_LOUIS(1));
	/* Level 2 data: a longer line, 8 ways, 256 sets. */
	u64 l2 = (fabricated_ccsidr(ctr, 2) + 1) | 7 << 3 | 255 << 13;

	run_round(vcpu, 0);
	expect_onereg_view(vcpu);
	ASSERT_OK(one_reg(vcpu, KVM_SET_ONE_REG, REG_CLIDR, &alt));
	ASSERT_OK(one_reg(vcpu, KVM_SET_ONE_REG, DEMUX_CCSIDR | 2, &l2));
	ASSERT_EQ(vmm_get_reg(vcpu, REG_CLIDR), alt);
	ASSERT_EQ(vmm_get_reg(vcpu, DEMUX_CCSIDR | 2), l2);
	run_round(vcpu, 1);
	expect_onereg_view(vcpu);
	ASSERT_EQ(seen.clidr, alt);
	ASSERT_EQ(seen.ccsidr[2], l2);
	ASSERT_EQ(seen.ccsidr[0], fabricated_ccsidr(ctr, 0));
	vmm_run_to_done(vcpu);
}

TEST(bad_cache_ids_and_values_get_kvms_errno)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_read, 0);
	u64 ctr = vmm_get_reg(vcpu, REG_CTR);
	u64 clidr = vmm_get_reg(vcpu, REG_CLIDR);
	u64 val = 0, bad;

	/* CSSELR values 14 and 15 (level 8), another size, another demux id. */
	ASSERT_ERRNO(one_reg(vcpu, KVM_GET_ONE_REG, DEMUX_CCSIDR | 14, &val), ENOENT);
	ASSERT_ERRNO(one_reg(vcpu, KVM_GET_ONE_REG, DEMUX_CCSIDR | 15, &val), ENOENT);
	ASSERT_ERRNO(one_reg(vcpu, KVM_GET_ONE_REG, (DEMUX_CCSIDR & ~KVM_REG_SIZE_MASK) |
			     KVM_REG_SIZE_U64, &val), ENOENT);
	ASSERT_ERRNO(one_reg(vcpu, KVM_GET_ONE_REG, (DEMUX_CCSIDR & ~KVM_REG_ARM_DEMUX_ID_MASK) |
			     (1 << KVM_REG_ARM_DEMUX_ID_SHIFT), &val), ENOENT);
	/* CCSIDR_EL1 is not a system register of ONE_REG. */
	ASSERT_ERRNO(one_reg(vcpu, KVM_GET_ONE_REG, REG_CCSIDR, &val), ENOENT);
	/* A line smaller than CTR_EL0's. */
	if (fabricated_ccsidr(ctr, 0)) {
		bad = fabricated_ccsidr(ctr, 0) - 1;
		ASSERT_ERRNO(one_reg(vcpu, KVM_SET_ONE_REG, DEMUX_CCSIDR | 0, &bad), EINVAL);
		ASSERT_EQ(vmm_get_reg(vcpu, DEMUX_CCSIDR | 0), fabricated_ccsidr(ctr, 0));
	}
	/* CLIDR_EL1: a RES0 bit; without IDC, no level to clean to the PoU. */
	bad = clidr | 1ULL << 47;
	ASSERT_ERRNO(one_reg(vcpu, KVM_SET_ONE_REG, REG_CLIDR, &bad), EINVAL);
	if (!(ctr & CTR_IDC)) {
		bad = clidr & ~CLIDR_LOC_MASK;
		ASSERT_ERRNO(one_reg(vcpu, KVM_SET_ONE_REG, REG_CLIDR, &bad), EINVAL);
		bad = clidr & ~(CLIDR_LOUU(7) | CLIDR_LOUIS(7));
		ASSERT_ERRNO(one_reg(vcpu, KVM_SET_ONE_REG, REG_CLIDR, &bad), EINVAL);
	}
	ASSERT_EQ(vmm_get_reg(vcpu, REG_CLIDR), clidr);
	/* CTR_EL0: its own value back is fine. */
	ASSERT_OK(one_reg(vcpu, KVM_SET_ONE_REG, REG_CTR, &ctr));
}

TEST(reg_list_has_the_fourteen_ccsidr_values_last)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_read, 0);
	struct kvm_reg_list probe = { .n = 0 }, *list;
	unsigned int i, clidr = 0, ctr = 0;

	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe), E2BIG);
	list = calloc(1, sizeof(*list) + probe.n * sizeof(u64));
	ASSERT_TRUE(list);
	list->n = probe.n;
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_REG_LIST, list));
	ASSERT_GT(list->n, NR_CSSELR);
	for (i = 0; i < NR_CSSELR; i++)
		ASSERT_EQ(list->reg[list->n - NR_CSSELR + i], DEMUX_CCSIDR | i);
	for (i = 0; i < list->n; i++) {
		ASSERT_NE(list->reg[i], REG_CCSIDR);
		clidr += list->reg[i] == REG_CLIDR;
		ctr += list->reg[i] == REG_CTR;
	}
	ASSERT_EQ(clidr, 1);
	ASSERT_EQ(ctr, 1);
	free(list);
}
