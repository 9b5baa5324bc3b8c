// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory backed by the VMM's transparent huge pages, which vhv maps
 * with stage-2 blocks (the host's PMD size: 2 MB with 4K pages, 32 MB with
 * 16K pages), as KVM does: the guest sees the VMM's data in every page of
 * a block and the VMM the guest's; a page the VMM discards inside a block
 * reads as zeroes at once while the rest keeps its data; a slot with
 * blocks deleted and added again elsewhere exits as MMIO at the old IPA
 * and shows its data at the new one; a read-only slot of huge pages reads
 * and its writes exit as MMIO; untouched huge-page memory reads as zeroes
 * and a write to it then lands. A wrong block address, or a block left in
 * place after the VMM changed part of it, shows as wrong data. KVM ABI
 * only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mem.h"
#include "lib/test.h"
#include "lib/vmm.h"

/* Block aligned for 16K pages too, inside the guest's Normal range. */
#define HUGE_GPA	0x10000000ULL
#define MOVED_GPA	0x18000000ULL
/* The test's parameters, for the guest: size, host page, two offsets. */
#define PARAMS		GUEST_SCRATCH
#define STEP		0x1000ULL

static u64 tag(u64 off, u64 gen)
{
	return 0x7a6e000000000000ULL ^ (gen << 40) ^ off;
}

struct params {
	u64 size;
	u64 page;
	u64 discard;	/* a host page the VMM discards */
	u64 rewrite;	/* a word the VMM rewrites */
};

static struct params guest_params(void)
{
	return *(volatile struct params *)PARAMS;
}

static volatile u64 *at(u64 gpa, u64 off)
{
	return (volatile u64 *)(gpa + off);
}

static u64 block_size(void)
{
	u64 page = getpagesize();

	return page * (page / 8);
}

/*
 * Two blocks of huge-page memory, block aligned (a mapping of its own:
 * MADV_HUGEPAGE splits it off), each 4K of it holding tag(off, 0) if
 * fill, which allocates the huge pages.
 */
static u8 *huge_memory(struct vmm_vm *vm, bool fill)
{
	u64 block = block_size(), size = 2 * block, off;
	u8 *raw = mmap(NULL, size + block, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct params p = {
		.size = size,
		.page = getpagesize(),
		.discard = block / 2 + 3 * getpagesize(),
		.rewrite = block + block / 4 + 8,
	};
	u8 *mem;

	ASSERT_TRUE(raw != MAP_FAILED);
	mem = (u8 *)(((unsigned long)raw + block - 1) & ~(block - 1));
	ASSERT_OK(madvise(mem, size, MADV_HUGEPAGE));
	for (off = 0; fill && off < size; off += STEP)
		*(u64 *)(mem + off) = tag(off, 0);
	/* Else the test would not be about blocks. */
	if (fill)
		ASSERT_GE(smaps_kb(mem, "AnonHugePages:"), (long)(block / 1024));
	memcpy(vmm_gpa(vm, PARAMS), &p, sizeof(p));
	return mem;
}

static void guest_check_all(u64 gpa, u64 size, u64 gen)
{
	u64 off;

	for (off = 0; off < size; off += STEP)
		GUEST_ASSERT_EQ(*at(gpa, off), tag(off, gen));
}

static void guest_discard(u64 unused)
{
	struct params p = guest_params();
	u64 off, want;

	guest_check_all(HUGE_GPA, p.size, 0);
	for (off = 0; off < p.size; off += STEP)
		*at(HUGE_GPA, off) = tag(off, 1);
	GUEST_SYNC(1);
	/* The VMM discarded one page and rewrote a word elsewhere. */
	for (off = 0; off < p.size; off += STEP) {
		want = off - p.discard < p.page ? 0 : tag(off, 1);
		GUEST_ASSERT_EQ(*at(HUGE_GPA, off), want);
	}
	GUEST_ASSERT_EQ(*at(HUGE_GPA, p.rewrite), 0x5a5a);
	*at(HUGE_GPA, p.discard) = tag(p.discard, 2);
	*at(HUGE_GPA, p.discard + p.page) = tag(p.discard + p.page, 2);
	GUEST_SYNC(2);
}

TEST(guest_and_vmm_see_each_others_data_in_blocks_and_a_discard_inside_one)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_discard, 0);
	u8 *mem = huge_memory(vm, true);
	struct params p = *(struct params *)vmm_gpa(vm, PARAMS);
	struct ucall uc;
	u64 off;

	vmm_set_memory(vm, 1, 0, HUGE_GPA, p.size, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	for (off = 0; off < p.size; off += STEP)
		ASSERT_EQ(*(u64 *)(mem + off), tag(off, 1));
	ASSERT_OK(madvise(mem + p.discard, p.page, MADV_DONTNEED));
	*(u64 *)(mem + p.rewrite) = 0x5a5a;
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 2);
	ASSERT_EQ(*(u64 *)(mem + p.discard), tag(p.discard, 2));
	ASSERT_EQ(*(u64 *)(mem + p.discard + p.page), tag(p.discard + p.page, 2));
	ASSERT_EQ(*(u64 *)(mem + p.discard + 8), 0);
	vmm_run_to_done(vcpu);
	vmm_vcpu_free(vcpu);
	vmm_vm_free(vm);
}

static void guest_moved(u64 unused)
{
	struct params p = guest_params();

	guest_check_all(HUGE_GPA, p.size, 0);
	GUEST_SYNC(1);
	/* Deleted: an MMIO exit, whatever was mapped there before. */
	GUEST_SYNC(*at(HUGE_GPA, p.rewrite));
	guest_check_all(MOVED_GPA, p.size, 0);
	GUEST_SYNC(2);
}

TEST(slot_with_blocks_deleted_and_added_elsewhere)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_moved, 0);
	u8 *mem = huge_memory(vm, true);
	struct params p = *(struct params *)vmm_gpa(vm, PARAMS);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;

	vmm_set_memory(vm, 1, 0, HUGE_GPA, p.size, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	vmm_set_memory(vm, 1, 0, HUGE_GPA, 0, mem);
	vmm_set_memory(vm, 1, 0, MOVED_GPA, p.size, mem);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, HUGE_GPA + p.rewrite);
	ASSERT_EQ(run->mmio.is_write, 0);
	memset(run->mmio.data, 0x77, 8);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0x7777777777777777ULL);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 2);
	vmm_run_to_done(vcpu);
	vmm_vcpu_free(vcpu);
	vmm_vm_free(vm);
}

static void guest_read_only(u64 unused)
{
	struct params p = guest_params();

	guest_check_all(HUGE_GPA, p.size, 0);
	*at(HUGE_GPA, p.rewrite) = 0xfeedface00c0ffeeULL;
	guest_check_all(HUGE_GPA, p.size, 0);
	GUEST_SYNC(1);
}

TEST(read_only_slot_of_huge_pages_reads_and_its_writes_exit_as_mmio)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_only, 0);
	u8 *mem = huge_memory(vm, true);
	struct params p = *(struct params *)vmm_gpa(vm, PARAMS);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	u64 data;

	vmm_set_memory(vm, 1, KVM_MEM_READONLY, HUGE_GPA, p.size, mem);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.is_write, 1);
	ASSERT_EQ(run->mmio.phys_addr, HUGE_GPA + p.rewrite);
	ASSERT_EQ(run->mmio.len, 8);
	memcpy(&data, run->mmio.data, 8);
	ASSERT_EQ(data, 0xfeedface00c0ffeeULL);
	ASSERT_EQ(*(u64 *)(mem + p.rewrite), 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	vmm_run_to_done(vcpu);
	vmm_vcpu_free(vcpu);
	vmm_vm_free(vm);
}

/* Reads all (zero), writes one word, reads all again. */
static void guest_untouched(u64 unused)
{
	struct params p = guest_params();
	u64 off, sum = 0;

	for (off = 0; off < p.size; off += STEP)
		sum |= *at(HUGE_GPA, off);
	GUEST_SYNC(sum);
	*at(HUGE_GPA, p.rewrite) = 0xabcdef;
	for (off = 0; off < p.size; off += STEP)
		GUEST_ASSERT_EQ(*at(HUGE_GPA, off), 0);
	GUEST_ASSERT_EQ(*at(HUGE_GPA, p.rewrite - 8), 0);
	GUEST_ASSERT_EQ(*at(HUGE_GPA, p.rewrite), 0xabcdef);
	GUEST_ASSERT_EQ(*at(HUGE_GPA, p.rewrite + 8), 0);
	GUEST_SYNC(2);
}

TEST(untouched_huge_page_memory_reads_as_zeroes_and_a_write_lands)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_untouched, 0);
	u8 *mem = huge_memory(vm, false);
	struct params p = *(struct params *)vmm_gpa(vm, PARAMS);
	struct ucall uc;

	vmm_set_memory(vm, 1, 0, HUGE_GPA, p.size, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 2);
	ASSERT_EQ(*(u64 *)(mem + p.rewrite), 0xabcdef);
	vmm_run_to_done(vcpu);
	vmm_vcpu_free(vcpu);
	vmm_vm_free(vm);
}
