// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO: guest writes inside a registered zone land in the ring
 * (the vCPU mmap's second page) with their exact address, length and
 * data, in order, without an exit; reads, writes outside the zone or
 * across its end exit; a full ring makes the write exit, and a VMM that
 * drains the ring at each exit sees every write once, in order; zones
 * that nest take a write once; unregistering (KVM's rule: every zone
 * holding the range given, at once) makes writes exit again. KVM ABI
 * only: passes on the KVM oracle too.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/mmio.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define ZONE		0x20000000ULL	/* Device range, no slot */
#define ZONE_SIZE	0x1000
/*
 * The first test's zone ends 4 bytes short of the page, so that an
 * aligned doubleword crosses its end: the guest maps the range as Device
 * memory, where an unaligned access is an alignment fault (QEMU 10
 * enforces it) before it could reach stage 2.
 */
#define SHORT_ZONE_SIZE	(ZONE_SIZE - 4)

static unsigned int ring_max(void)
{
	return (getpagesize() - sizeof(struct kvm_coalesced_mmio_ring)) /
	       sizeof(struct kvm_coalesced_mmio);
}

static struct kvm_coalesced_mmio_ring *ring_of(struct vmm_vcpu *vcpu)
{
	ASSERT_EQ(vcpu->vm->run_size, 2 * getpagesize());
	return (void *)((char *)vcpu->run + getpagesize());
}

static int zone_ioctl(struct vmm_vm *vm, unsigned long nr, u64 addr, u32 size, u32 pio)
{
	struct kvm_coalesced_mmio_zone z = { .addr = addr, .size = size, .pio = pio };

	return ioctl(vm->fd, nr, &z);
}

/* The entries between first and last, consumed as a VMM would. */
static unsigned int drain(struct kvm_coalesced_mmio_ring *ring, struct kvm_coalesced_mmio *out,
			  unsigned int max)
{
	unsigned int n = 0, first = ring->first;
	/* Pairs with the kernel's write barrier before it moves last. */
	unsigned int last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);

	while (first != last) {
		ASSERT_LT(n, max);
		out[n++] = ring->coalesced_mmio[first];
		first = (first + 1) % ring_max();
	}
	__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
	return n;
}

TEST(capabilities_and_mmap_size)
{
	struct vmm_vm *vm = vmm_vm_new();
	int fds[2] = { vm->dev, vm->fd };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		/* The ring's page offset in the vCPU mmap. */
		ASSERT_EQ(vmm_check_extension(fds[i], KVM_CAP_COALESCED_MMIO), 1);
		ASSERT_EQ(vmm_check_extension(fds[i], KVM_CAP_COALESCED_PIO), 1);
	}
	ASSERT_EQ(ioctl(vm->dev, KVM_GET_VCPU_MMAP_SIZE, 0), 2 * getpagesize());
}

static void guest_sequence(u64 unused)
{
	writeb(0x11, ZONE + 1);
	writew(0x2233, ZONE + 2);
	writel(0x44556677, ZONE + 4);
	writeq(0x8899aabbccddeeffULL, ZONE + ZONE_SIZE - 16);
	GUEST_SYNC(readl(ZONE + 0x10));
	writeq(0xdead, ZONE + ZONE_SIZE - 8);	/* crosses the end */
	writel(0xbeef, ZONE - 4);		/* before it */
	GUEST_DONE();
}

struct entry {
	u64 addr;
	u32 len;
	u64 data;
};

static const struct entry seq[] = {
	{ ZONE + 1, 1, 0x11 },
	{ ZONE + 2, 2, 0x2233 },
	{ ZONE + 4, 4, 0x44556677 },
	{ ZONE + ZONE_SIZE - 16, 8, 0x8899aabbccddeeffULL },
};

static void check_entry(const struct kvm_coalesced_mmio *e, const struct entry *want)
{
	u64 data = 0;

	ASSERT_EQ(e->phys_addr, want->addr);
	ASSERT_EQ(e->len, want->len);
	ASSERT_EQ(e->pio, 0);
	memcpy(&data, e->data, want->len);
	ASSERT_EQ(data, want->data);
}

TEST(writes_in_the_zone_fill_the_ring_exactly_and_reads_exit)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_sequence, 0);
	struct vmm_vcpu *other = vmm_vcpu_new(vm, 1, guest_sequence, 0);
	struct kvm_coalesced_mmio_ring *ring = ring_of(vcpu);
	struct kvm_coalesced_mmio e[8];
	struct kvm_run *run = vcpu->run;
	u32 answer = 0x600d;
	struct ucall uc;
	unsigned int i;
	u64 data = 0;

	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE, SHORT_ZONE_SIZE, 0), 0);
	/* The read: an exit, after the four writes went to the ring. */
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, ZONE + 0x10);
	ASSERT_EQ(run->mmio.is_write, 0);
	ASSERT_EQ(run->mmio.len, 4);
	/* One ring per VM, the same page through every vCPU's mmap. */
	ASSERT_EQ(ring_of(other)->last, 4);
	ASSERT_EQ(ring->first, 0);
	ASSERT_EQ(drain(ring, e, 8), 4);
	for (i = 0; i < 4; i++)
		check_entry(&e[i], &seq[i]);
	memcpy(run->mmio.data, &answer, sizeof(answer));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], answer);
	/* Across the end and before the zone: exits, nothing in the ring. */
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, ZONE + ZONE_SIZE - 8);
	ASSERT_EQ(run->mmio.is_write, 1);
	ASSERT_EQ(run->mmio.len, 8);
	memcpy(&data, run->mmio.data, 8);
	ASSERT_EQ(data, 0xdead);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, ZONE - 4);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(drain(ring, e, 8), 0);
}

static void guest_count(u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		writel(i, ZONE + 4 * (i % 16));
	GUEST_DONE();
}

/*
 * A full ring makes the write exit; a VMM draining the ring at each exit,
 * then handling the exit, sees every write once and in order.
 */
TEST(full_ring_exits_and_every_write_is_seen_once_in_order)
{
	unsigned int max = ring_max(), n = 3 * max + 7, next = 0, i, got, exits = 0;
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_count, n);
	struct kvm_coalesced_mmio_ring *ring = ring_of(vcpu);
	struct kvm_coalesced_mmio *e = calloc(max, sizeof(*e));
	struct kvm_run *run = vcpu->run;
	int first_batch = -1;
	u32 data;

	ASSERT_TRUE(e);
	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 0), 0);
	for (;;) {
		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		got = drain(ring, e, max);
		if (first_batch < 0)
			first_batch = got;
		for (i = 0; i < got; i++, next++) {
			ASSERT_EQ(e[i].phys_addr, ZONE + 4 * (next % 16));
			ASSERT_EQ(e[i].len, 4);
			memcpy(&data, e[i].data, 4);
			ASSERT_EQ(data, next);
		}
		if (run->mmio.phys_addr == UCALL_MMIO)
			break;
		/* The write that found the ring full. */
		ASSERT_EQ(run->mmio.phys_addr, ZONE + 4 * (next % 16));
		memcpy(&data, run->mmio.data, 4);
		ASSERT_EQ(data, next);
		next++;
		exits++;
	}
	ASSERT_EQ(next, n);
	ASSERT_GT(exits, 0);
	vt_note("ring of %u entries: %d before the first exit, %u exits", max, first_batch,
		exits);
	/* Every entry but the one kept free, as KVM. */
	ASSERT_EQ(first_batch, max - 1);
	free(e);
}

static void guest_two_writes(u64 unused)
{
	writel(1, ZONE + 0x100);
	GUEST_SYNC(0);
	writel(2, ZONE + 0x100);
	GUEST_DONE();
}

TEST(unregister_removes_the_zones_holding_the_range)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_two_writes, 0);
	struct kvm_coalesced_mmio_ring *ring = ring_of(vcpu);
	struct kvm_coalesced_mmio e[4];
	struct kvm_run *run = vcpu->run;
	struct ucall uc;

	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 0), 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(drain(ring, e, 4), 1);
	/* A range the zone does not hold, or of the other kind: nothing goes. */
	ASSERT_EQ(zone_ioctl(vm, KVM_UNREGISTER_COALESCED_MMIO, ZONE - 8, 16, 0), 0);
	ASSERT_EQ(zone_ioctl(vm, KVM_UNREGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 1), 0);
	ASSERT_ERRNO(zone_ioctl(vm, KVM_UNREGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 2), EINVAL);
	/* Eight bytes inside it: the whole zone goes. */
	ASSERT_EQ(zone_ioctl(vm, KVM_UNREGISTER_COALESCED_MMIO, ZONE + 0x100, 8, 0), 0);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, ZONE + 0x100);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(drain(ring, e, 4), 0);
}

static void guest_nested(u64 unused)
{
	writel(1, ZONE + 0x100);
	writel(2, ZONE + 0x200);
	GUEST_SYNC(0);
	writel(3, ZONE + 0x100);
	writel(4, ZONE + 0x200);
	GUEST_DONE();
}

/*
 * Zones may nest, as on KVM: a write lands in the ring once. Unregistering
 * a range takes every zone holding it at once, and only those.
 */
TEST(nested_zones_take_a_write_once_and_unregister_together)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_nested, 0);
	struct kvm_coalesced_mmio_ring *ring = ring_of(vcpu);
	struct kvm_coalesced_mmio e[4];

	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 0), 0);
	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE + 0x100, 8, 0), 0);
	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE + 0x200, 4, 0), 0);
	vmm_expect_sync(vcpu, 0);
	ASSERT_EQ(drain(ring, e, 4), 2);
	ASSERT_EQ(e[0].phys_addr, ZONE + 0x100);
	ASSERT_EQ(e[1].phys_addr, ZONE + 0x200);
	/* Held by the first two zones, not by the third. */
	ASSERT_EQ(zone_ioctl(vm, KVM_UNREGISTER_COALESCED_MMIO, ZONE + 0x100, 4, 0), 0);
	vmm_expect_mmio_write(vcpu, ZONE + 0x100, 4, 3);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(drain(ring, e, 4), 1);
	ASSERT_EQ(e[0].phys_addr, ZONE + 0x200);
	ASSERT_EQ(e[0].data[0], 4);
}

static void guest_one_write(u64 unused)
{
	writel(3, ZONE);
	GUEST_DONE();
}

TEST(pio_zones_are_taken_and_never_fill_the_ring)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_one_write, 0);
	struct kvm_coalesced_mmio_ring *ring = ring_of(vcpu);
	struct kvm_run *run = vcpu->run;

	ASSERT_ERRNO(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 2), EINVAL);
	ASSERT_ERRNO(ioctl(vm->fd, KVM_REGISTER_COALESCED_MMIO, NULL), EFAULT);
	ASSERT_EQ(zone_ioctl(vm, KVM_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 1), 0);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, ZONE);
	ASSERT_EQ(ring->last, 0);
	vmm_run_to_done(vcpu);
	ASSERT_EQ(zone_ioctl(vm, KVM_UNREGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE, 1), 0);
}
