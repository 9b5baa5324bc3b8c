// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IOEVENTFD: a guest write that matches an ioeventfd signals its
 * eventfd and never reaches the VMM (the eventfd's counter is exact, and
 * the next exit is the guest's ucall); one that does not match (another
 * value, length or address, or a read) exits as KVM_EXIT_MMIO with its
 * exact address, length and data. Lengths 1, 2, 4, 8 and 0 (any), with and
 * without DATAMATCH; deassign; KVM's errnos; the PIO flag as arm64 KVM
 * takes it; an eventfd closed while assigned; assign and deassign racing
 * a guest that writes. KVM ABI only: passes on the KVM oracle too.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

/* In the guest's Device range, outside every memory slot. */
#define IOEV_BASE	0x20000000ULL

static void guest_write(unsigned int len, u64 addr, u64 val)
{
	switch (len) {
	case 1: writeb(val, addr); break;
	case 2: writew(val, addr); break;
	case 4: writel(val, addr); break;
	default: writeq(val, addr); break;
	}
}

/* Three writes of each length at IOEV_BASE + 0x100 * i, then a sync. */
static void guest_each_length(u64 unused)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	unsigned int i, n;

	for (i = 0; i < 4; i++) {
		for (n = 0; n < 3; n++)
			guest_write(lens[i], IOEV_BASE + 0x100 * i, 0x5a5a5a5a5a5a5a5aULL + n);
		GUEST_SYNC(i);
	}
	GUEST_DONE();
}

TEST(matching_writes_of_each_length_signal_and_never_exit)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_each_length, 0);
	int efd[4];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		efd[i] = vmm_eventfd();
		ASSERT_EQ(vmm_ioeventfd(vm, efd[i], IOEV_BASE + 0x100 * i, lens[i], 0, 0), 0);
	}
	for (i = 0; i < 4; i++) {
		vmm_expect_sync(vcpu, i);
		ASSERT_EQ(vmm_eventfd_take(efd[i]), 3);
	}
	vmm_run_to_done(vcpu);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(vmm_eventfd_take(efd[i]), 0);
}

/*
 * At A (len 4, DATAMATCH 0x1234): the value matches, another value exits,
 * another length exits, the next address exits, a read exits. At B (len 1,
 * DATAMATCH 0x101): no byte write can match, as in KVM's comparison.
 */
#define A	(IOEV_BASE + 0x1000)
#define B	(IOEV_BASE + 0x2000)

static void guest_datamatch(u64 unused)
{
	writel(0x1234, A);
	writel(0x1235, A);
	writel(0x1234, A);
	writew(0x1234, A);
	writel(0x1234, A + 4);
	GUEST_SYNC(readl(A));
	writeb(0x01, B);
	GUEST_DONE();
}

TEST(datamatch_signals_only_its_value_length_and_address)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_datamatch, 0);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	u32 answer = 0xcafef00d;
	int efd = vmm_eventfd(), efd_b = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, KVM_IOEVENTFD_FLAG_DATAMATCH, 0x1234), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, efd_b, B, 1, KVM_IOEVENTFD_FLAG_DATAMATCH, 0x101), 0);
	vmm_expect_mmio_write(vcpu, A, 4, 0x1235);
	ASSERT_EQ(vmm_eventfd_take(efd), 1);
	vmm_expect_mmio_write(vcpu, A, 2, 0x1234);
	ASSERT_EQ(vmm_eventfd_take(efd), 1);
	vmm_expect_mmio_write(vcpu, A + 4, 4, 0x1234);
	/* The read exits too, and completes with the VMM's data. */
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, A);
	ASSERT_EQ(run->mmio.is_write, 0);
	ASSERT_EQ(run->mmio.len, 4);
	memcpy(run->mmio.data, &answer, sizeof(answer));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], answer);
	vmm_expect_mmio_write(vcpu, B, 1, 0x01);
	ASSERT_EQ(vmm_eventfd_take(efd_b), 0);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(vmm_eventfd_take(efd), 0);
}

/* Len 0: any length at the address signals; the next byte does not. */
static void guest_any_length(u64 unused)
{
	writeb(1, A);
	writew(2, A);
	writel(3, A);
	writeq(4, A);
	writeb(5, A + 1);
	GUEST_SYNC(0);
	GUEST_DONE();
}

TEST(length_zero_matches_a_write_of_any_length_at_its_address)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_any_length, 0);
	int efd = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 0, 0, 0), 0);
	vmm_expect_mmio_write(vcpu, A + 1, 1, 5);
	ASSERT_EQ(vmm_eventfd_take(efd), 4);
	vmm_expect_sync(vcpu, 0);
	vmm_run_to_done(vcpu);
}

static void guest_twice(u64 unused)
{
	writel(7, A);
	GUEST_SYNC(1);
	writel(7, A);
	GUEST_DONE();
}

TEST(deassigned_ioeventfd_exits_again_and_deassign_matches_exactly)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_twice, 0);
	u32 dm = KVM_IOEVENTFD_FLAG_DATAMATCH, de = KVM_IOEVENTFD_FLAG_DEASSIGN;
	int efd = vmm_eventfd(), other = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, dm, 7), 0);
	vmm_expect_sync(vcpu, 1);
	ASSERT_EQ(vmm_eventfd_take(efd), 1);
	/* Anything but the same eventfd, address, length and value: ENOENT. */
	ASSERT_ERRNO(vmm_ioeventfd(vm, other, A, 4, de | dm, 7), ENOENT);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A + 4, 4, de | dm, 7), ENOENT);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 8, de | dm, 7), ENOENT);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, de | dm, 8), ENOENT);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, de, 7), ENOENT);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, de | dm | KVM_IOEVENTFD_FLAG_PIO, 7), ENOENT);
	ASSERT_ERRNO(vmm_ioeventfd(vm, -1, A, 4, de | dm, 7), EBADF);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, de | dm, 7), 0);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, de | dm, 7), ENOENT);
	vmm_expect_mmio_write(vcpu, A, 4, 7);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(vmm_eventfd_take(efd), 0);
}

TEST(bad_assignments_get_kvm_errnos)
{
	struct vmm_vm *vm = vmm_vm_new();
	u32 dm = KVM_IOEVENTFD_FLAG_DATAMATCH;
	int efd = vmm_eventfd(), devnull;

	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 3, 0, 0), EINVAL);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 16, 0, 0), EINVAL);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 0, dm, 0), EINVAL);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, ~0ULL - 2, 4, 0, 0), EINVAL);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, 1u << 5, 0), EINVAL);
	ASSERT_ERRNO(vmm_ioeventfd(vm, -1, A, 4, 0, 0), EBADF);
	devnull = open("/dev/null", O_RDWR);
	ASSERT_GE(devnull, 0);
	ASSERT_ERRNO(vmm_ioeventfd(vm, devnull, A, 4, 0, 0), EINVAL);
	ASSERT_ERRNO(ioctl(vm->fd, KVM_IOEVENTFD, NULL), EFAULT);
	/* Nothing was assigned by any of them. */
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, KVM_IOEVENTFD_FLAG_DEASSIGN, 0), ENOENT);
}

TEST(an_ioeventfd_that_could_match_the_same_write_is_eexist)
{
	struct vmm_vm *vm = vmm_vm_new();
	u32 dm = KVM_IOEVENTFD_FLAG_DATAMATCH;
	int efd = vmm_eventfd(), e2 = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, dm, 1), 0);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, dm, 1), EEXIST);
	ASSERT_ERRNO(vmm_ioeventfd(vm, e2, A, 4, dm, 1), EEXIST);
	ASSERT_ERRNO(vmm_ioeventfd(vm, e2, A, 4, 0, 0), EEXIST);
	ASSERT_ERRNO(vmm_ioeventfd(vm, e2, A, 0, 0, 0), EEXIST);
	/* Another value, another length, an overlapping address: fine. */
	ASSERT_EQ(vmm_ioeventfd(vm, e2, A, 4, dm, 2), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, e2, A, 8, 0, 0), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, e2, A + 4, 4, 0, 0), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, B, 0, 0, 0), 0);
	ASSERT_ERRNO(vmm_ioeventfd(vm, e2, B, 1, dm, 1), EEXIST);
}

static void guest_pio_addr(u64 unused)
{
	writel(9, A);
	GUEST_DONE();
}

/*
 * arm64 KVM takes a PIO ioeventfd (and VIRTIO_CCW_NOTIFY) onto a bus its
 * vCPUs never use: assigned, refused as a duplicate, deassigned, never
 * signalled by an MMIO write at the same address.
 */
TEST(pio_and_ccw_ioeventfds_are_taken_and_never_fire)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_pio_addr, 0);
	u32 pio = KVM_IOEVENTFD_FLAG_PIO, ccw = KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY;
	int efd = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, pio, 0), 0);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, pio, 0), EEXIST);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 0, pio, 0), EEXIST);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, ccw, 0), 0);
	vmm_expect_mmio_write(vcpu, A, 4, 9);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(vmm_eventfd_take(efd), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, pio | KVM_IOEVENTFD_FLAG_DEASSIGN, 0), 0);
	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, ccw | KVM_IOEVENTFD_FLAG_DEASSIGN, 0), 0);
}

static void guest_after_close(u64 unused)
{
	writel(1, A);
	writel(2, A);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/*
 * KVM holds its own reference on the eventfd: closing the file leaves the
 * ioeventfd in place, writes go on signalling (nobody reads) without an
 * exit, and it cannot be deassigned by that fd any more (EBADF).
 */
TEST(eventfd_closed_while_assigned_still_takes_writes_without_exit)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_after_close, 0);
	int efd = vmm_eventfd();

	ASSERT_EQ(vmm_ioeventfd(vm, efd, A, 4, 0, 0), 0);
	ASSERT_EQ(close(efd), 0);
	vmm_expect_sync(vcpu, 3);
	ASSERT_ERRNO(vmm_ioeventfd(vm, efd, A, 4, KVM_IOEVENTFD_FLAG_DEASSIGN, 0), EBADF);
	vmm_run_to_done(vcpu);
}

TEST(capabilities_on_system_and_vm_fd)
{
	struct vmm_vm *vm = vmm_vm_new();
	int fds[2] = { vm->dev, vm->fd };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(vmm_check_extension(fds[i], KVM_CAP_IOEVENTFD), 1);
		ASSERT_EQ(vmm_check_extension(fds[i], KVM_CAP_IOEVENTFD_ANY_LENGTH), 1);
		/* x86 only in KVM (its fast MMIO bus): 0 on arm64. */
		ASSERT_EQ(vmm_check_extension(fds[i], KVM_CAP_IOEVENTFD_NO_LENGTH), 0);
	}
}

/*
 * Assign and deassign racing a guest that writes: every write is either
 * signalled or seen by the VMM, never both, never lost.
 */
#define RACE_WRITES	4000

static void guest_writes(u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		writel(0x77, A);
	GUEST_DONE();
}

struct race {
	struct vmm_vm *vm;
	int efd;
	volatile bool stop;
};

static void *toggle(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		if (vmm_ioeventfd(r->vm, r->efd, A, 4, 0, 0))
			return (void *)1;
		if (vmm_ioeventfd(r->vm, r->efd, A, 4, KVM_IOEVENTFD_FLAG_DEASSIGN, 0))
			return (void *)2;
	}
	return NULL;
}

TEST(assign_and_deassign_while_the_guest_writes_lose_no_write)
{
	struct race r = { .vm = vmm_vm_new(), .efd = vmm_eventfd() };
	struct vmm_vcpu *vcpu = vmm_vcpu_new(r.vm, 0, guest_writes, RACE_WRITES);
	struct kvm_run *run = vcpu->run;
	u64 exits = 0, signalled;
	pthread_t t;
	void *res;

	ASSERT_EQ(pthread_create(&t, NULL, toggle, &r), 0);
	for (;;) {
		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		if (run->mmio.phys_addr == UCALL_MMIO)
			break;
		ASSERT_EQ(run->mmio.phys_addr, A);
		exits++;
	}
	r.stop = true;
	ASSERT_EQ(pthread_join(t, &res), 0);
	ASSERT_EQ((long)res, 0);
	signalled = vmm_eventfd_take(r.efd);
	vt_note("%llu signalled, %llu exits", (unsigned long long)signalled,
		(unsigned long long)exits);
	ASSERT_EQ(signalled + exits, RACE_WRITES);
}
