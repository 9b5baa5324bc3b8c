// SPDX-License-Identifier: GPL-2.0
/*
 * The vGIC against the first KVM_RUN: a vGIC may only be created before
 * any vCPU has run, and not while a vCPU is inside an ioctl (KVM takes
 * every vCPU's mutex by trylock: EBUSY); a KVM_RUN that only honours
 * immediate_exit counts as a run; CTRL_INIT after the first run is a
 * no-op; and a vGIC created while a vCPU's first KVM_RUN is under way
 * never ends with both succeeding, a guest run without the vGIC that
 * then exists.
 *
 * KVM ABI only. Skips without an in-kernel vGICv3.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define RACE_ROUNDS	200

static void guest_done(u64 unused)
{
}

static volatile u32 wfi_running;

static void guest_wfi_forever(u64 unused)
{
	__atomic_store_n(&wfi_running, 1, __ATOMIC_RELEASE);
	for (;;)
		asm volatile("wfi" : : : "memory");
}

static void require_vgic(struct vmm_vm *vm)
{
	int err = vmm_gic_probe(vm);

	if (!err)
		return;
	/* The oracle runs on a GICv3 host: there it must work. */
	ASSERT_FALSE(vmm_target_is_kvm());
	SKIP("no in-kernel vGICv3 (KVM_CREATE_DEVICE_TEST: %s)", strerrorname_np(err) ?: "?");
}

static int create_vgic(struct vmm_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3, .fd = -1 };

	return ioctl(vm->fd, KVM_CREATE_DEVICE, &cd) ? -1 : (int)cd.fd;
}

TEST(vgic_after_a_run_that_only_honoured_immediate_exit_is_ebusy)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_done, 0);

	require_vgic(vm);
	vcpu->run->immediate_exit = 1;
	ASSERT_EQ(vmm_run(vcpu), -EINTR);
	vcpu->run->immediate_exit = 0;
	ASSERT_ERRNO(create_vgic(vm), EBUSY);
	/* The VM lives on, without a vGIC. */
	vmm_run_to_done(vcpu);
}

static void on_sigusr1(int sig)
{
}

static void *run_until_signalled(void *arg)
{
	struct vmm_vcpu *vcpu = arg;

	return (void *)(long)vmm_run(vcpu);
}

/*
 * A second vCPU that never ran, and a first one asleep in WFI inside
 * KVM_RUN: EBUSY, whichever rule says it (the mutex or the run).
 */
TEST(vgic_while_a_vcpu_is_in_kvm_run_is_ebusy)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_wfi_forever, 0);
	u32 *running = vmm_gpa(vm, (uintptr_t)&wfi_running);
	pthread_t thread;
	void *ret;
	int i;

	vmm_vcpu_new(vm, 1, guest_done, 0);
	require_vgic(vm);
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(pthread_create(&thread, NULL, run_until_signalled, vcpu), 0);
	for (i = 0; i < 10000 && !__atomic_load_n(running, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	ASSERT_EQ(__atomic_load_n(running, __ATOMIC_ACQUIRE), 1);
	ASSERT_ERRNO(create_vgic(vm), EBUSY);
	ASSERT_EQ(pthread_kill(thread, SIGUSR1), 0);
	ASSERT_EQ(pthread_join(thread, &ret), 0);
	ASSERT_EQ((long)ret, -EINTR);
	ASSERT_ERRNO(create_vgic(vm), EBUSY);
}

/* Initialised before the first run, as KVM requires: CTRL_INIT is 0 after it. */
TEST(ctrl_init_after_the_first_run_is_a_no_op)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_done, 0);

	vmm_gic_init(gic);
	vmm_run_to_done(vcpu);
	vmm_gic_init(gic);
	ASSERT_ERRNO(create_vgic(vm), EEXIST);
}

struct race {
	struct vmm_vcpu *vcpu;
	pthread_barrier_t start;
	int run_ret;
};

static void *first_run(void *arg)
{
	struct race *r = arg;

	pthread_barrier_wait(&r->start);
	r->run_ret = vmm_run(r->vcpu);
	return NULL;
}

/*
 * The first KVM_RUN of a VM without a vGIC and KVM_CREATE_DEVICE at the
 * same moment, RACE_ROUNDS times: either the run came first (the
 * creation is EBUSY) or the creation did (the run finds the vGIC's
 * frames unset: ENXIO); never both.
 */
TEST_TIMEOUT(vgic_racing_the_first_run_never_both_succeed, 300)
{
	unsigned int i, created = 0, ran = 0;
	struct race r;
	pthread_t thread;
	int fd;

	for (i = 0; i < RACE_ROUNDS; i++) {
		struct vmm_vm *vm = vmm_vm_new();

		r.vcpu = vmm_vcpu_new(vm, 0, guest_done, 0);
		if (!i)
			require_vgic(vm);
		ASSERT_EQ(pthread_barrier_init(&r.start, NULL, 2), 0);
		ASSERT_EQ(pthread_create(&thread, NULL, first_run, &r), 0);
		pthread_barrier_wait(&r.start);
		fd = create_vgic(vm);
		if (fd < 0)
			ASSERT_EQ(errno, EBUSY);
		ASSERT_EQ(pthread_join(thread, NULL), 0);
		pthread_barrier_destroy(&r.start);
		if (fd >= 0) {
			created++;
			ASSERT_EQ(r.run_ret, -ENXIO);
			close(fd);
		} else {
			ran++;
			ASSERT_EQ(r.run_ret, 0);
			ASSERT_EQ(r.vcpu->run->exit_reason, KVM_EXIT_MMIO);
		}
		vmm_vcpu_free(r.vcpu);
		vmm_vm_free(vm);
	}
	vt_note("%u rounds: the vGIC first %u times, the run first %u times", RACE_ROUNDS,
		created, ran);
}
