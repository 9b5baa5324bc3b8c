// SPDX-License-Identifier: GPL-2.0
/*
 * Unmapping large slots is bounded work: a 64 GB slot of which the guest
 * touched a few pages is deleted, or its memory unmapped, while a vCPU
 * thread keeps entering and leaving the guest. The host must neither
 * stall (its soft-lockup and RCU-stall detectors fail the boot) nor take
 * longer than the test's timeout; before the unmap was done in chunks
 * and invalidated only what it cleared, vhv stalled here for minutes.
 *
 * Parts of a densely touched region discarded while the guest keeps
 * reading them, with no exit, read as zeroes afterwards: on hardware a
 * missing invalidation would show the old pages. TCG forgives it (this
 * passes on the emulated hosts with vhv's unmap TLBIs taken out), so
 * there it checks the data path only. KVM ABI only.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define BIG_GPA		(64ULL << 30)
#define BIG_SIZE	(64ULL << 30)
#define STOP		GUEST_SCRATCH
/* A dense part of the slot: every 4K of 32 MB touched. */
#define DENSE_OFF	(5ULL << 30)
#define DENSE_SIZE	(32ULL << 20)

/* Far apart, each in its own 1 GB (and so its own stage-2 tables), all
 * 64K aligned so that they are pages whatever the host's page size.
 */
static const u64 sparse_off[] = {
	0, (1ULL << 30) + 0x30000, 17ULL << 30, (40ULL << 30) + (3ULL << 20),
	BIG_SIZE - 0x10000,
};

static inline u64 big_tag(u64 off)
{
	return 0xb16b00b500000000ULL ^ off;
}

static void touch_sparse(void)
{
	u64 i;

	for (i = 0; i < ARRAY_SIZE(sparse_off); i++) {
		volatile u64 *p = (volatile u64 *)(BIG_GPA + sparse_off[i]);

		*p = big_tag(sparse_off[i]);
		GUEST_ASSERT_EQ(*p, big_tag(sparse_off[i]));
	}
}

/*
 * Writes and reads back its pages, reports, then keeps exiting to the
 * VMM without touching the slot until told to stop.
 */
static void guest_touch_then_spin(u64 unused)
{
	volatile u64 *stop = (volatile u64 *)STOP;

	touch_sparse();
	GUEST_SYNC(1);
	while (!*stop)
		GUEST_SYNC(2);
}

/* Discarded while the guest reads them: two pages apart (a chunk that
 * invalidates page by page), then 512K (one that invalidates the VMID).
 */
#define FEW_OFF		DENSE_OFF
#define FEW_STRIDE	0x10000ULL
#define MANY_OFF	(DENSE_OFF + (1ULL << 20))
#define MANY_SIZE	0x80000ULL

static bool discarded(u64 off, u64 phase, u64 page)
{
	return (off - FEW_OFF < page || off - (FEW_OFF + FEW_STRIDE) < page) ||
	       (phase > 1 && off >= MANY_OFF && off < MANY_OFF + MANY_SIZE);
}

/* Reads what phase discards, without exits, until the VMM says it did. */
static u64 read_until_discarded(u64 phase)
{
	volatile u64 *stop = (volatile u64 *)STOP;
	u64 off, sum = 0;

	while (*stop < phase) {
		for (off = FEW_OFF; off <= FEW_OFF + FEW_STRIDE; off += FEW_STRIDE)
			sum += *(volatile u64 *)(BIG_GPA + off);
		for (off = MANY_OFF; phase > 1 && off < MANY_OFF + MANY_SIZE; off += 0x4000)
			sum += *(volatile u64 *)(BIG_GPA + off);
	}
	return sum;
}

/*
 * The same, and writes the dense part too; then, twice, reads what the
 * VMM is about to discard in a loop with no exit (so that translations
 * stay in the TLB), and once told, finds exactly that part zero: a stale
 * translation would show the old page.
 */
static void guest_dense_reads(u64 page)
{
	u64 off, phase, sum = 0;

	touch_sparse();
	for (off = DENSE_OFF; off < DENSE_OFF + DENSE_SIZE; off += 0x1000)
		*(volatile u64 *)(BIG_GPA + off) = big_tag(off);
	GUEST_SYNC(1);
	for (phase = 1; phase <= 2; phase++) {
		sum += read_until_discarded(phase);
		for (off = DENSE_OFF; off < DENSE_OFF + DENSE_SIZE; off += 0x1000)
			GUEST_ASSERT_EQ(*(volatile u64 *)(BIG_GPA + off),
					discarded(off, phase, page) ? 0 : big_tag(off));
		*(volatile u64 *)(STOP + 8) = phase;
	}
	GUEST_SYNC(sum);
}

struct big_vm {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu;
	u8 *mem;
	pthread_t thread;
	unsigned long syncs;
};

static void big_vm_start(struct big_vm *b, void (*guest)(u64), u64 arg)
{
	struct ucall uc;
	u64 i;

	b->vm = vmm_vm_new();
	b->mem = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_TRUE(b->mem != MAP_FAILED);
	vmm_set_memory(b->vm, 1, 0, BIG_GPA, BIG_SIZE, b->mem);
	vmm_map_normal_gb(b->vm, BIG_GPA, BIG_SIZE);
	b->vcpu = vmm_vcpu_new(b->vm, 0, guest, arg);
	vmm_vcpu_set_ips40(b->vcpu);
	ASSERT_EQ(vmm_run_ucall(b->vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	for (i = 0; i < ARRAY_SIZE(sparse_off); i++)
		ASSERT_EQ(*(u64 *)(b->mem + sparse_off[i]), big_tag(sparse_off[i]));
}

/* The vCPU thread: in and out of the guest until it is done. */
static void *big_vm_run(void *arg)
{
	struct big_vm *b = arg;
	struct ucall uc;

	while (vmm_run_ucall(b->vcpu, &uc) == UCALL_SYNC) {
		ASSERT_EQ(uc.args[0], 2);
		__atomic_add_fetch(&b->syncs, 1, __ATOMIC_RELAXED);
	}
	ASSERT_EQ(uc.cmd, UCALL_DONE);
	return NULL;
}

static void wait_syncs(struct big_vm *b, unsigned long n)
{
	while (__atomic_load_n(&b->syncs, __ATOMIC_RELAXED) < n)
		usleep(1000);
}

static void big_vm_spin(struct big_vm *b)
{
	ASSERT_EQ(pthread_create(&b->thread, NULL, big_vm_run, b), 0);
	wait_syncs(b, 10);
}

/* Lets the guest finish, after it has run some more, and frees the VM. */
static void big_vm_stop(struct big_vm *b)
{
	wait_syncs(b, __atomic_load_n(&b->syncs, __ATOMIC_RELAXED) + 10);
	*(volatile u64 *)vmm_gpa(b->vm, STOP) = 1;
	ASSERT_EQ(pthread_join(b->thread, NULL), 0);
	vmm_vcpu_free(b->vcpu);
	vmm_vm_free(b->vm);
}

TEST(sparse_64g_slot_deleted_while_a_vcpu_runs)
{
	struct big_vm b = { 0 };

	big_vm_start(&b, guest_touch_then_spin, 0);
	big_vm_spin(&b);
	vmm_set_memory(b.vm, 1, 0, BIG_GPA, 0, b.mem);
	big_vm_stop(&b);
	ASSERT_OK(munmap(b.mem, BIG_SIZE));
}

TEST(sparse_64g_slot_memory_unmapped_while_a_vcpu_runs)
{
	struct big_vm b = { 0 };

	big_vm_start(&b, guest_touch_then_spin, 0);
	big_vm_spin(&b);
	ASSERT_OK(munmap(b.mem, BIG_SIZE));
	big_vm_stop(&b);
}

static void *run_to_sync(void *arg)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(arg, &uc), UCALL_SYNC);
	return NULL;
}

/* Discards [off, off + size) of the slot, then tells the guest phase. */
static void discard(struct big_vm *b, u64 off, u64 size, u64 phase)
{
	volatile u64 *ack = vmm_gpa(b->vm, STOP + 8);

	ASSERT_OK(madvise(b->mem + off, size, MADV_DONTNEED));
	*(volatile u64 *)vmm_gpa(b->vm, STOP) = phase;
	while (*ack < phase)
		usleep(1000);
}

TEST(parts_of_a_64g_slot_discarded_while_the_guest_reads_them_read_as_zeroes)
{
	struct big_vm b = { 0 };
	long page = getpagesize();
	pthread_t thread;

	big_vm_start(&b, guest_dense_reads, page);
	ASSERT_EQ(*(u64 *)(b.mem + DENSE_OFF + DENSE_SIZE - 0x1000),
		  big_tag(DENSE_OFF + DENSE_SIZE - 0x1000));
	ASSERT_EQ(pthread_create(&thread, NULL, run_to_sync, b.vcpu), 0);
	usleep(50 * 1000);
	ASSERT_OK(madvise(b.mem + FEW_OFF + FEW_STRIDE, page, MADV_DONTNEED));
	discard(&b, FEW_OFF, page, 1);
	usleep(50 * 1000);
	discard(&b, MANY_OFF, MANY_SIZE, 2);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	vmm_vcpu_free(b.vcpu);
	vmm_vm_free(b.vm);
	ASSERT_OK(munmap(b.mem, BIG_SIZE));
}

TEST(vm_with_a_touched_64g_slot_closed)
{
	struct big_vm b = { 0 };

	big_vm_start(&b, guest_dense_reads, getpagesize());
	vmm_vcpu_free(b.vcpu);
	vmm_vm_free(b.vm);
	ASSERT_OK(munmap(b.mem, BIG_SIZE));
}
