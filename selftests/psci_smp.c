// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI as an SMP guest uses it, and its error paths, KVM ABI only:
 * CPU_ON of an online vCPU, of a missing one, with bits outside the
 * affinity fields, twice before the target ran (ALREADY_ON: KVM never
 * answers ON_PENDING), with an entry point outside RAM (SUCCESS: KVM does
 * not check it); AFFINITY_INFO with a bad target; a CPU_OFF / CPU_ON
 * cycle as Linux's CPU hotplug makes it; SYSTEM_SUSPEND with and without
 * KVM_CAP_ARM_SYSTEM_SUSPEND; KVM_MP_STATE_SUSPENDED and its wake-up
 * exit; CPU_SUSPEND in a power-down state woken by another vCPU's SGI.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <linux/psci.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define RET(v)		((u64)(s64)(v))
#define OUTSIDE_RAM	0x40000000ULL	/* Device range, no slot (guest.h) */
#define HWID_BIT31	(1ULL << 31)	/* MPIDR_EL1 bit 31 (RES1): not affinity */

static void guest_nothing(u64 unused)
{
}

/* ---- error paths, vCPU 1 never running ---- */

static void guest_errors(u64 unused)
{
	/* Itself, a vcpu_id that does not exist, and a non-affinity bit. */
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, 0, (u64)guest_nothing, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, 5, (u64)guest_nothing, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, HWID_BIT31 | 1, (u64)guest_nothing, 0));
	/* AFFINITY_INFO: a non-affinity bit at level 1, a missing vCPU. */
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, HWID_BIT31, 1, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 5, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 1, 0, 0));
	/* An entry point outside RAM is the target's problem, not CPU_ON's. */
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, 1, OUTSIDE_RAM, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, 1, (u64)guest_nothing, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 1, 0, 0));
}

static const u64 error_results[] = {
	RET(PSCI_RET_ALREADY_ON),
	RET(PSCI_RET_INVALID_PARAMS),
	RET(PSCI_RET_INVALID_PARAMS),
	RET(PSCI_RET_INVALID_PARAMS),
	RET(PSCI_RET_INVALID_PARAMS),
	PSCI_0_2_AFFINITY_LEVEL_OFF,
	PSCI_RET_SUCCESS,
	RET(PSCI_RET_ALREADY_ON),	/* not ON_PENDING, though it never ran */
	PSCI_0_2_AFFINITY_LEVEL_ON,
};

TEST(cpu_on_and_affinity_info_error_codes)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *boot = vmm_vcpu_new(vm, 0, guest_errors, 0);
	struct vmm_vcpu *second = vmm_vcpu_new(vm, 1, guest_nothing, 0);
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_STOPPED };

	ASSERT_OK(ioctl(second->fd, KVM_SET_MP_STATE, &mp));
	vmm_expect_syncs(boot, error_results, ARRAY_SIZE(error_results), "call");
	/* CPU_ON made it runnable at once. */
	ASSERT_OK(ioctl(second->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_RUNNABLE);
	vmm_run_to_done(boot);
}

/* ---- CPU_OFF and CPU_ON again: Linux's CPU hotplug ---- */

/* A CPU_ON target: reports its x0 by a store next to the ucall, then CPU_OFF. */
void hotplug_entry(u64 context);
asm(".text\n"
    ".global hotplug_entry\n"
    "hotplug_entry:\n"
    "	movz	x1, #0x3000, lsl #16\n"	/* UCALL_MMIO */
    "	str	x0, [x1, #8]\n"
    "	movz	x0, #0x0002\n"
    "	movk	x0, #0x8400, lsl #16\n"	/* PSCI_0_2_FN_CPU_OFF */
    "	hvc	#0\n"
    "1:	b	1b\n");			/* CPU_OFF does not return */

#define HOTPLUG_MMIO	(UCALL_MMIO + 8)
#define HOTPLUG_CYCLES	3
#define POLL_MAX	1000000

/* CPU_ON, then AFFINITY_INFO until the target is OFF again: the polls it took. */
static void guest_hotplug(u64 unused)
{
	u64 cycle, n;

	for (cycle = 0; cycle < HOTPLUG_CYCLES; cycle++) {
		GUEST_ASSERT_EQ(guest_hvc(PSCI_0_2_FN64_CPU_ON, 1, (u64)hotplug_entry,
					  0xc0de0 + cycle), PSCI_RET_SUCCESS);
		for (n = 0; n < POLL_MAX; n++)
			if (guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 1, 0, 0) ==
			    PSCI_0_2_AFFINITY_LEVEL_OFF)
				break;
		GUEST_ASSERT(n < POLL_MAX);
	}
	GUEST_SYNC(cycle);
}

struct hotplug {
	struct vmm_vcpu *vcpu;
	volatile bool stop;
	u64 contexts[HOTPLUG_CYCLES];
	unsigned int nr;
};

static void on_sigusr1(int sig)
{
}

/* The target's thread: each CPU_ON brings one MMIO store, until told to stop. */
static void *run_hotplugged(void *arg)
{
	struct hotplug *h = arg;
	struct kvm_run *run = h->vcpu->run;

	while (!h->stop) {
		if (vmm_run(h->vcpu))
			continue;	/* EINTR: look at stop */
		if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != HOTPLUG_MMIO ||
		    h->nr >= HOTPLUG_CYCLES)
			return NULL;
		memcpy(&h->contexts[h->nr++], run->mmio.data, sizeof(u64));
	}
	return h;
}

TEST(cpu_off_and_cpu_on_again_cycle_a_vcpu)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *boot = vmm_vcpu_new(vm, 0, guest_hotplug, 0);
	struct hotplug h = { .vcpu = vmm_vcpu_new(vm, 1, guest_nothing, 0) };
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_STOPPED };
	pthread_t thread;
	void *ret;
	unsigned int i;

	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	ASSERT_OK(ioctl(h.vcpu->fd, KVM_SET_MP_STATE, &mp));
	ASSERT_EQ(pthread_create(&thread, NULL, run_hotplugged, &h), 0);
	vmm_expect_sync(boot, HOTPLUG_CYCLES);
	/* The target is off, blocked in KVM_RUN: a signal ends that. */
	h.stop = true;
	while (pthread_tryjoin_np(thread, &ret)) {
		pthread_kill(thread, SIGUSR1);
		usleep(10000);
	}
	ASSERT_TRUE(ret);
	ASSERT_EQ(h.nr, HOTPLUG_CYCLES);
	for (i = 0; i < HOTPLUG_CYCLES; i++)
		ASSERT_EQ(h.contexts[i], 0xc0de0 + i);
	ASSERT_OK(ioctl(h.vcpu->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_STOPPED);
}

/* ---- SYSTEM_SUSPEND ---- */

#define SUSPEND_ENTRY	0x123450ULL
#define SUSPEND_CONTEXT	0xc0c0a

static void guest_system_suspend(u64 fn)
{
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, fn, 0, 0));
	/* Junk in the upper halves: an SMC32 id leaves w1 and w2 for the VMM. */
	GUEST_SYNC(guest_hvc(fn, (0xdeadULL << 32) | SUSPEND_ENTRY,
			     (0xdeadULL << 32) | SUSPEND_CONTEXT, 0));
}

static struct vmm_vcpu *system_suspend_vcpu(u64 fn, bool cap)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct kvm_enable_cap enable = { .cap = KVM_CAP_ARM_SYSTEM_SUSPEND };

	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_ARM_SYSTEM_SUSPEND), 1);
	enable.flags = 1;
	ASSERT_ERRNO(ioctl(vm->fd, KVM_ENABLE_CAP, &enable), EINVAL);
	enable.flags = 0;
	if (cap)
		ASSERT_OK(ioctl(vm->fd, KVM_ENABLE_CAP, &enable));
	return vmm_vcpu_new(vm, 0, guest_system_suspend, fn);
}

TEST(system_suspend_without_the_cap_is_not_supported)
{
	struct vmm_vcpu *vcpu = system_suspend_vcpu(PSCI_1_0_FN64_SYSTEM_SUSPEND, false);

	vmm_expect_sync(vcpu, RET(PSCI_RET_NOT_SUPPORTED));
	vmm_expect_sync(vcpu, RET(PSCI_RET_NOT_SUPPORTED));
	vmm_run_to_done(vcpu);
}

/* The exit leaves the call in the registers; the VMM answers it. */
static void check_system_suspend(u64 fn, u64 upper)
{
	struct vmm_vcpu *vcpu = system_suspend_vcpu(fn, true);
	struct kvm_run *run = vcpu->run;
	struct kvm_mp_state mp;

	vmm_expect_sync(vcpu, PSCI_RET_SUCCESS);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	ASSERT_EQ(run->system_event.type, KVM_SYSTEM_EVENT_SUSPEND);
	ASSERT_EQ(run->system_event.ndata, 0);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(0)), fn);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(1)), upper | SUSPEND_ENTRY);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(2)), upper | SUSPEND_CONTEXT);
	/* The vCPU is not stopped: the VMM decides, here to return DENIED. */
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_RUNNABLE);
	vmm_set_reg(vcpu, REG_X(0), RET(PSCI_RET_DENIED));
	vmm_expect_sync(vcpu, RET(PSCI_RET_DENIED));
	vmm_run_to_done(vcpu);
}

TEST(system_suspend_with_the_cap_exits_with_the_call_in_the_registers)
{
	check_system_suspend(PSCI_1_0_FN64_SYSTEM_SUSPEND, 0xdeadULL << 32);
}

TEST(system_suspend_smc32_id_gives_the_vmm_w1_and_w2)
{
	check_system_suspend(PSCI_1_0_FN_SYSTEM_SUSPEND, 0);
}

/* ---- KVM_MP_STATE_SUSPENDED ---- */

#define WAKE_SPI	40

static void guest_suspended(u64 unused)
{
	gic_dist_init();
	gic_cpu_init();
	gic_spi_setup(WAKE_SPI, 0x80, true);
	GUEST_SYNC(0);
	/* Resumed by the VMM after the wake-up exit: the SPI is taken. */
	gic_wait_irqs(1);
	GUEST_SYNC(gic_my_log()->intid[0]);
}

struct runner {
	struct vmm_vcpu *vcpu;
	volatile bool done;
	int ret;
};

static void *run_once(void *arg)
{
	struct runner *r = arg;

	r->ret = vmm_run(r->vcpu);
	r->done = true;
	return NULL;
}

static void expect_wakeup(struct vmm_vcpu *vcpu)
{
	struct kvm_mp_state mp;

	ASSERT_EQ(vcpu->run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	ASSERT_EQ(vcpu->run->system_event.type, KVM_SYSTEM_EVENT_WAKEUP);
	/* Still suspended: only the VMM ends that. */
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_SUSPENDED);
}

TEST(mp_state_suspended_sleeps_until_an_interrupt_then_exits_with_wakeup)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct runner r = { .vcpu = vmm_vcpu_new(vm, 0, guest_suspended, 0) };
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_SUSPENDED };
	struct ucall uc;
	pthread_t thread;

	vmm_gic_init(gic);
	ASSERT_EQ(vmm_run_ucall(r.vcpu, &uc), UCALL_SYNC);
	ASSERT_OK(ioctl(r.vcpu->fd, KVM_SET_MP_STATE, &mp));
	ASSERT_OK(ioctl(r.vcpu->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_SUSPENDED);
	ASSERT_EQ(pthread_create(&thread, NULL, run_once, &r), 0);
	usleep(200000);
	ASSERT_FALSE(r.done);
	/* An edge: pending from here until the guest takes it. */
	vmm_spi_line(vm, WAKE_SPI, 1);
	vmm_spi_line(vm, WAKE_SPI, 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	ASSERT_EQ(r.ret, 0);
	expect_wakeup(r.vcpu);
	/* Again at once while the interrupt is pending. */
	ASSERT_EQ(vmm_run(r.vcpu), 0);
	expect_wakeup(r.vcpu);
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	ASSERT_OK(ioctl(r.vcpu->fd, KVM_SET_MP_STATE, &mp));
	ASSERT_EQ(vmm_run_ucall(r.vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], WAKE_SPI);
}

/* ---- CPU_SUSPEND woken by an SGI ---- */

#define WAKE_SGI	3
#define SGI_DELAY_MS	300
#define SUSPEND_CALLS_MAX	100000
/* PSCI power_state, extended format: StateType [30] = 1, power down. */
#define POWER_DOWN	(1ULL << 30)

static volatile u64 suspend_calls;

static void guest_cpu_suspend_sgi(u64 unused)
{
	if (gic_cpu_index() == 0) {
		gic_dist_init();
		gic_cpu_init();
		gic_irq_enable(WAKE_SGI);
		gic_barrier(2, 1);
		/*
		 * IRQs masked, as an idle loop calls it. A power-down request
		 * returns SUCCESS in place, as a standby (PSCI lets it; KVM
		 * does it), never at the entry point given.
		 */
		while (!gic_nr_irqs_taken() && suspend_calls < SUSPEND_CALLS_MAX) {
			GUEST_ASSERT_EQ(guest_hvc(PSCI_0_2_FN64_CPU_SUSPEND, POWER_DOWN,
						  OUTSIDE_RAM, 0), PSCI_RET_SUCCESS);
			suspend_calls++;
			local_irq_enable();
			local_irq_disable();
		}
		GUEST_SYNC2(gic_my_log()->intid[0], suspend_calls);
	} else {
		gic_cpu_init();
		gic_barrier(2, 1);
		gic_spin_ms(SGI_DELAY_MS);
		gic_send_sgi(WAKE_SGI, 0);
		GUEST_SYNC(1);
	}
}

static void *run_to_sync(void *arg)
{
	struct ucall uc;

	return (void *)vmm_run_ucall(arg, &uc);
}

TEST_TIMEOUT(cpu_suspend_power_down_wakes_on_another_vcpus_sgi, 60)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *v0 = vmm_vcpu_new(vm, 0, guest_cpu_suspend_sgi, 0);
	struct vmm_vcpu *v1 = vmm_vcpu_new(vm, 1, guest_cpu_suspend_sgi, 0);
	struct ucall uc;
	pthread_t thread;
	void *ret;

	vmm_gic_init(gic);
	ASSERT_EQ(pthread_create(&thread, NULL, run_to_sync, v1), 0);
	ASSERT_EQ(vmm_run_ucall(v0, &uc), UCALL_SYNC);
	ASSERT_EQ(pthread_join(thread, &ret), 0);
	ASSERT_EQ((u64)ret, UCALL_SYNC);
	ASSERT_EQ(uc.args[0], WAKE_SGI);
	/* It slept: a CPU_SUSPEND that returned at once would spin thousands of times. */
	vt_note("CPU_SUSPEND calls until the SGI: %llu", (unsigned long long)uc.args[1]);
	ASSERT_LT(uc.args[1], 100);
}
