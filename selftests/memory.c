// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: the guest and the VMM see each other's writes; two VMs
 * at the same IPA see their own memory; a read-only slot reads and its
 * writes exit as MMIO; a deleted slot's IPA exits as MMIO; a page the
 * VMM unmaps or discards is never seen again with its old content; a
 * writable slot over memory the VMM mapped read-only can be read, and a
 * write to it fails KVM_RUN; reading memory nobody wrote allocates none.
 * KVM ABI only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mem.h"
#include "lib/test.h"
#include "lib/vmm.h"

/* A second slot, in the guest's Normal memory range, above slot 0. */
#define EXTRA_GPA	0x08000000ULL
#define EXTRA_SIZE	0x00200000ULL

static void guest_read_write(u64 addr)
{
	volatile u64 *p = (volatile u64 *)addr;

	GUEST_SYNC(p[0]);
	p[1] = 0xfeedface00c0ffeeULL;
	GUEST_SYNC(0);
}

TEST(guest_and_vmm_see_each_others_writes)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_write, GUEST_SCRATCH);
	u64 *host = vmm_gpa(vm, GUEST_SCRATCH);
	struct ucall uc;

	host[0] = 0x0123456789abcdefULL;
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0x0123456789abcdefULL);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(host[1], 0xfeedface00c0ffeeULL);
	vmm_run_to_done(vcpu);
}

TEST(two_vms_at_the_same_ipa_see_their_own_memory)
{
	struct vmm_vm *a = vmm_vm_new(), *b = vmm_vm_new();
	struct vmm_vcpu *va = vmm_vcpu_new(a, 0, guest_read_write, GUEST_SCRATCH);
	struct vmm_vcpu *vb = vmm_vcpu_new(b, 0, guest_read_write, GUEST_SCRATCH);
	struct ucall uc;

	*(u64 *)vmm_gpa(a, GUEST_SCRATCH) = 0xaaaa;
	*(u64 *)vmm_gpa(b, GUEST_SCRATCH) = 0xbbbb;
	ASSERT_EQ(vmm_run_ucall(va, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xaaaa);
	ASSERT_EQ(vmm_run_ucall(vb, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xbbbb);
	/* And again, now that both have their pages mapped. */
	*(u64 *)vmm_gpa(a, GUEST_SCRATCH) = 0xa2;
	ASSERT_EQ(vmm_run_ucall(va, &uc), UCALL_SYNC);
	ASSERT_EQ(vmm_run_ucall(vb, &uc), UCALL_SYNC);
	ASSERT_EQ(*(u64 *)vmm_gpa(b, GUEST_SCRATCH + 8), 0xfeedface00c0ffeeULL);
	ASSERT_EQ(*(u64 *)vmm_gpa(a, GUEST_SCRATCH + 8), 0xfeedface00c0ffeeULL);
}

static void *extra_memory(void)
{
	void *p = mmap(NULL, EXTRA_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	return p;
}

TEST(read_only_slot_reads_and_its_writes_exit_as_mmio)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_write, EXTRA_GPA + 0x1000);
	u64 *mem = extra_memory(), data = 0;
	struct kvm_run *run = vcpu->run;
	struct ucall uc;

	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_READONLY_MEM), 1);
	mem[0x1000 / 8] = 0x5eed;
	vmm_set_memory(vm, 1, KVM_MEM_READONLY, EXTRA_GPA, EXTRA_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0x5eed);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.is_write, 1);
	ASSERT_EQ(run->mmio.phys_addr, EXTRA_GPA + 0x1008);
	ASSERT_EQ(run->mmio.len, 8);
	memcpy(&data, run->mmio.data, 8);
	ASSERT_EQ(data, 0xfeedface00c0ffeeULL);
	/* The write did not reach the memory. */
	ASSERT_EQ(mem[0x1008 / 8], 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
}

static void guest_read_twice(u64 addr)
{
	volatile u64 *p = (volatile u64 *)addr;

	GUEST_SYNC(p[0]);
	GUEST_SYNC(p[0]);
}

TEST(deleted_slot_exits_as_mmio)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_twice, EXTRA_GPA);
	struct kvm_run *run = vcpu->run;
	u64 *mem = extra_memory();
	struct ucall uc;

	mem[0] = 0x1234;
	vmm_set_memory(vm, 1, 0, EXTRA_GPA, EXTRA_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0x1234);
	vmm_set_memory(vm, 1, 0, EXTRA_GPA, 0, mem);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, EXTRA_GPA);
	ASSERT_EQ(run->mmio.is_write, 0);
	memset(run->mmio.data, 0x77, 8);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0x7777777777777777ULL);
}

TEST(discarded_page_is_not_seen_with_its_old_content)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_twice, EXTRA_GPA);
	u64 *mem = extra_memory();
	struct ucall uc;

	mem[0] = 0xdead;
	vmm_set_memory(vm, 1, 0, EXTRA_GPA, EXTRA_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xdead);
	ASSERT_OK(madvise(mem, getpagesize(), MADV_DONTNEED));
	ASSERT_EQ(mem[0], 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
}

TEST(unmapped_then_remapped_page_shows_the_new_content)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_twice, EXTRA_GPA);
	u64 *mem = extra_memory();
	long page = getpagesize();
	struct ucall uc;

	mem[0] = 0xdead;
	vmm_set_memory(vm, 1, 0, EXTRA_GPA, EXTRA_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xdead);
	ASSERT_OK(munmap(mem, page));
	ASSERT_TRUE(mmap(mem, page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem);
	mem[0] = 0xbeef;
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xbeef);
}

TEST(access_to_a_slot_whose_memory_is_gone_fails_the_run_with_efault)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_twice, EXTRA_GPA);
	u64 *mem = extra_memory();
	struct ucall uc;

	mem[0] = 0xdead;
	vmm_set_memory(vm, 1, 0, EXTRA_GPA, EXTRA_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_OK(munmap(mem, EXTRA_SIZE));
	ASSERT_EQ(vmm_run(vcpu), -EFAULT);
}

TEST(writable_slot_over_read_only_memory_reads_and_its_writes_fail_the_run)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_write, EXTRA_GPA + 0x1000);
	u64 *mem = extra_memory();
	struct ucall uc;

	mem[0x1000 / 8] = 0x5eed;
	ASSERT_OK(mprotect(mem, EXTRA_SIZE, PROT_READ));
	vmm_set_memory(vm, 1, 0, EXTRA_GPA, EXTRA_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0x5eed);
	/* KVM: the write's page cannot be had writable, KVM_RUN fails. */
	ASSERT_EQ(vmm_run(vcpu), -EFAULT);
	ASSERT_EQ(vcpu->run->exit_reason, KVM_EXIT_UNKNOWN);
	ASSERT_EQ(mem[0x1008 / 8], 0);
	/* Once the VMM makes it writable, the same write goes through. */
	ASSERT_OK(mprotect(mem, EXTRA_SIZE, PROT_READ | PROT_WRITE));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(mem[0x1008 / 8], 0xfeedface00c0ffeeULL);
}

#define UNTOUCHED_GPA	0x0c000000ULL
#define UNTOUCHED_SIZE	(16ULL << 20)

/* Reads every 4K of the region (all zero), then writes one word. */
static void guest_read_all_then_write(u64 off)
{
	u64 a, sum = 0;

	for (a = UNTOUCHED_GPA; a < UNTOUCHED_GPA + UNTOUCHED_SIZE; a += 0x1000)
		sum |= *(volatile u64 *)a;
	GUEST_SYNC(sum);
	*(volatile u64 *)(UNTOUCHED_GPA + off) = 0xabcdef;
	GUEST_SYNC(*(volatile u64 *)(UNTOUCHED_GPA + off));
}

TEST(guest_reads_of_untouched_memory_allocate_none_and_a_write_lands)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_read_all_then_write, 0x5008);
	u64 *mem = mmap(NULL, UNTOUCHED_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct ucall uc;

	ASSERT_TRUE(mem != MAP_FAILED);
	/* A VMA of its own, not merged with the VM's RAM: its Rss alone. */
	ASSERT_OK(madvise(mem, UNTOUCHED_SIZE, MADV_DONTDUMP));
	vmm_set_memory(vm, 1, 0, UNTOUCHED_GPA, UNTOUCHED_SIZE, mem);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
	/* 16 MB read: at most a few pages of it may have been allocated. */
	ASSERT_LE(smaps_kb(mem, "Rss:"), 256);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xabcdef);
	ASSERT_EQ(mem[0x5008 / 8], 0xabcdef);
	ASSERT_GE(smaps_kb(mem, "Rss:"), getpagesize() / 1024);
	ASSERT_LE(smaps_kb(mem, "Rss:"), 256);
}
