// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware calls by HVC and SMC: PSCI_VERSION and PSCI_FEATURES (of
 * SMCCC_VERSION too), the SMCCC version, an unknown function id (NOT_SUPPORTED, -1), SYSTEM_OFF
 * and SYSTEM_RESET as system events, CPU_ON and AFFINITY_INFO with a
 * second vCPU, the same by their SMC32 ids with junk in the upper halves
 * of x1-x3, and CPU_SUSPEND woken by the guest's timer. KVM ABI only.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <linux/psci.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define SMCCC_VERSION		0x80000000ULL
#define SMCCC_ARCH_FEATURES	0x80000001ULL
#define SMCCC_UNKNOWN		0x82000123ULL	/* SiP range, nobody's */
#define NOT_SUPPORTED		(~0ULL)

static void guest_queries(u64 use_smc)
{
	u64 (*call)(u64, u64, u64, u64) = use_smc ? guest_smc : guest_hvc;

	GUEST_SYNC(call(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0));
	GUEST_SYNC(call(PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN64_CPU_ON, 0, 0));
	GUEST_SYNC(call(PSCI_1_0_FN_PSCI_FEATURES, SMCCC_UNKNOWN, 0, 0));
	GUEST_SYNC(call(PSCI_1_0_FN_PSCI_FEATURES, SMCCC_VERSION, 0, 0));
	GUEST_SYNC(call(SMCCC_VERSION, 0, 0, 0));
	GUEST_SYNC(call(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0));
	GUEST_SYNC(call(PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0));
	GUEST_SYNC(call(SMCCC_UNKNOWN, 1, 2, 3));
}

static const u64 query_results[] = {
	0x10001,		/* PSCI 1.1 */
	0,			/* CPU_ON is there */
	NOT_SUPPORTED,		/* an unknown function is not */
	0,			/* SMCCC_VERSION is: Linux then uses SMCCC 1.1 */
	0x10001,		/* SMCCC 1.1 */
	NOT_SUPPORTED,		/* ARCH_FEATURES knows only the workarounds */
	2,			/* no Trusted OS to migrate */
	NOT_SUPPORTED,
};

static void check_queries(u64 use_smc)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_queries, use_smc);

	vmm_expect_syncs(vcpu, query_results, ARRAY_SIZE(query_results), "query");
	vmm_run_to_done(vcpu);
}

TEST(psci_and_smccc_queries_by_hvc)
{
	check_queries(0);
}

TEST(psci_and_smccc_queries_by_smc)
{
	check_queries(1);
}

static void guest_unknown_clears_x1_to_x3(u64 unused)
{
	u64 x0, others;

	/* One statement, so that no compiled code runs between. */
	asm volatile("mov x0, %2\n"
		     "mov x1, #11\n mov x2, #22\n mov x3, #33\n"
		     "hvc #0\n"
		     "mov %0, x0\n"
		     "orr %1, x1, x2\n orr %1, %1, x3\n"
		     : "=&r" (x0), "=&r" (others) : "r" (SMCCC_UNKNOWN)
		     : "x0", "x1", "x2", "x3", "memory");
	GUEST_SYNC(x0);
	GUEST_SYNC(others);
}

TEST(unknown_function_returns_not_supported_and_zeroes_x1_to_x3)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_unknown_clears_x1_to_x3, 0);

	vmm_expect_sync(vcpu, NOT_SUPPORTED);
	vmm_expect_sync(vcpu, 0);
}

static void guest_system_event(u64 fn)
{
	guest_hvc(fn, 0, 0, 0);
	GUEST_SYNC(0xbad);
}

static void check_system_event(u64 fn, u32 type)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_system_event, fn);
	struct kvm_mp_state mp;
	struct kvm_run *run = vcpu->run;

	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	ASSERT_EQ(run->system_event.type, type);
	ASSERT_EQ(run->system_event.ndata, 1);
	ASSERT_EQ(run->system_event.data[0], 0);
	/* Every vCPU is stopped; the VMM decides what comes next. */
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_STOPPED);
	/* Should it resume the vCPU anyway, the call failed. */
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(0)), (u64)(s64)PSCI_RET_INTERNAL_FAILURE);
}

TEST(system_off_is_a_shutdown_event)
{
	check_system_event(PSCI_0_2_FN_SYSTEM_OFF, KVM_SYSTEM_EVENT_SHUTDOWN);
}

TEST(system_reset_is_a_reset_event)
{
	check_system_event(PSCI_0_2_FN_SYSTEM_RESET, KVM_SYSTEM_EVENT_RESET);
}

/*
 * vCPU 1 starts powered off; vCPU 0 asks about it, starts it, asks again.
 * A CPU_ON target starts from reset, MMU off and no stack: its entry
 * reports its x0 by a bare MMIO store next to the ucall address.
 */
void secondary_entry(u64 context);
asm(".text\n"
    ".global secondary_entry\n"
    "secondary_entry:\n"
    "	movz	x1, #0x3000, lsl #16\n"	/* UCALL_MMIO */
    "	str	x0, [x1, #8]\n"
    "1:	wfi\n"
    "	b	1b\n");

#define SECONDARY_MMIO	(UCALL_MMIO + 8)

static void guest_nothing_fn(u64 unused)
{
}

static void guest_boot_cpu(u64 unused)
{
	u64 mpidr1 = 1;	/* Aff0 of vcpu_id 1 */

	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, mpidr1, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, mpidr1, (u64)secondary_entry, 0xc0ffee));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, mpidr1, (u64)secondary_entry, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 0, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, 0x77, (u64)secondary_entry, 0));
}

/* The secondary's thread: its KVM_RUN blocks until CPU_ON. */
static void *run_secondary(void *arg)
{
	struct vmm_vcpu *vcpu = arg;
	static u64 context;

	if (vmm_run(vcpu) || vcpu->run->exit_reason != KVM_EXIT_MMIO ||
	    vcpu->run->mmio.phys_addr != SECONDARY_MMIO)
		return NULL;
	memcpy(&context, vcpu->run->mmio.data, sizeof(context));
	return &context;
}

/*
 * The boot vCPU asks AFFINITY_INFO of the stopped second one (OFF), then
 * CPU_ON with its entry and context 0xc0ffee (SUCCESS); the second one
 * runs until its store of the context, the second instruction of its
 * entry.
 */
static void start_secondary(struct vmm_vcpu *boot, struct vmm_vcpu *second)
{
	struct kvm_mp_state stopped = { .mp_state = KVM_MP_STATE_STOPPED }, mp;
	u64 *context;
	pthread_t thread;

	ASSERT_OK(ioctl(second->fd, KVM_SET_MP_STATE, &stopped));
	ASSERT_OK(ioctl(second->fd, KVM_GET_MP_STATE, &mp));
	ASSERT_EQ(mp.mp_state, KVM_MP_STATE_STOPPED);
	ASSERT_EQ(pthread_create(&thread, NULL, run_secondary, second), 0);

	vmm_expect_sync(boot, PSCI_0_2_AFFINITY_LEVEL_OFF);
	vmm_expect_sync(boot, PSCI_RET_SUCCESS);
	ASSERT_EQ(pthread_join(thread, (void **)&context), 0);
	ASSERT_TRUE(context);
	ASSERT_EQ(*context, 0xc0ffee);
	ASSERT_EQ(vmm_get_reg(second, REG_PC), (u64)secondary_entry + 4);
}

TEST(cpu_on_starts_a_stopped_vcpu_at_its_entry_with_its_context)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *boot = vmm_vcpu_new(vm, 0, guest_boot_cpu, 0);
	struct vmm_vcpu *second = vmm_vcpu_new(vm, 1, guest_nothing_fn, 0);

	start_secondary(boot, second);
	vmm_expect_sync(boot, (u64)(s64)PSCI_RET_ALREADY_ON);
	vmm_expect_sync(boot, PSCI_0_2_AFFINITY_LEVEL_ON);
	vmm_expect_sync(boot, (u64)(s64)PSCI_RET_INVALID_PARAMS);
}

static void guest_odd_calls(u64 unused)
{
	u64 x0, x1;

	/* SMC #1: a reserved immediate. x0 becomes -1, x1 stays. */
	asm volatile("mov x0, %2\n mov x1, #0x55\n smc #1\n mov %0, x0\n mov %1, x1"
		     : "=&r" (x0), "=&r" (x1) : "r" ((u64)PSCI_0_2_FN_PSCI_VERSION)
		     : "x0", "x1", "x2", "x3", "memory");
	GUEST_SYNC2(x0, x1);
	/* CPU_ON with bits outside the affinity fields. */
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_CPU_ON, 1ULL << 60, 0, 0));
	/* AFFINITY_INFO at level 1 (all of Aff1 0), and at a level past 3. */
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 0, 1, 0));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN64_AFFINITY_INFO, 0, 4, 0));
	/* SYSTEM_RESET2 with a reserved reset type. */
	GUEST_SYNC(guest_hvc(PSCI_1_1_FN64_SYSTEM_RESET2, 1, 0, 0));
	/* A warm SYSTEM_RESET2: x1 and x2 stay for the VMM. */
	guest_hvc(PSCI_1_1_FN64_SYSTEM_RESET2, 0, 0xc00c1e, 0);
}

TEST(reserved_smc_immediates_bad_affinities_and_reset2)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_odd_calls, 0);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], NOT_SUPPORTED);
	ASSERT_EQ(uc.args[1], 0x55);
	vmm_expect_sync(vcpu, (u64)(s64)PSCI_RET_INVALID_PARAMS);
	vmm_expect_sync(vcpu, PSCI_0_2_AFFINITY_LEVEL_ON);
	vmm_expect_sync(vcpu, (u64)(s64)PSCI_RET_INVALID_PARAMS);
	vmm_expect_sync(vcpu, (u64)(s64)PSCI_RET_INVALID_PARAMS);
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	ASSERT_EQ(run->system_event.type, KVM_SYSTEM_EVENT_RESET);
	ASSERT_EQ(run->system_event.ndata, 1);
	ASSERT_EQ(run->system_event.data[0], KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(0)), (u64)(s64)PSCI_RET_INTERNAL_FAILURE);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_X(2)), 0xc00c1e);
}

/* ---- SMC32 ids: 32-bit arguments ---- */

#define JUNK(v)		(0xdead000000000000ULL | (u64)(v))

static void guest_boot_cpu32(u64 unused)
{
	/* vcpu_id 1 is Aff0 1; the entry is in the image, below 4 GB. */
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN_AFFINITY_INFO, JUNK(1), JUNK(0), JUNK(0)));
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN_CPU_ON, JUNK(1), JUNK((u64)secondary_entry),
			     JUNK(0xc0ffee)));
	GUEST_SYNC(guest_smc(PSCI_0_2_FN_AFFINITY_INFO, JUNK(1), JUNK(0), JUNK(0)));
	/* A warm reset, the cookie's upper half dropped for the VMM too. */
	guest_hvc(PSCI_1_1_FN_SYSTEM_RESET2, JUNK(0), JUNK(0xc00c1e), 0);
}

TEST(smc32_psci_calls_ignore_the_upper_halves_of_x1_to_x3)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *boot = vmm_vcpu_new(vm, 0, guest_boot_cpu32, 0);
	struct vmm_vcpu *second = vmm_vcpu_new(vm, 1, guest_nothing_fn, 0);

	start_secondary(boot, second);
	vmm_expect_sync(boot, PSCI_0_2_AFFINITY_LEVEL_ON);
	ASSERT_EQ(vmm_run(boot), 0);
	ASSERT_EQ(boot->run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	ASSERT_EQ(boot->run->system_event.type, KVM_SYSTEM_EVENT_RESET);
	ASSERT_EQ(vmm_get_reg(boot, REG_X(1)), 0);
	ASSERT_EQ(vmm_get_reg(boot, REG_X(2)), 0xc00c1e);
}

/* ---- CPU_SUSPEND: a WFI ---- */

#define VTIMER_PPI	27
#define ICC_IAR1_EL1	"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1	"s3_0_c12_c12_1"
#define SUSPEND_MAX	1000

static volatile u32 suspend_irqs;

static void suspend_irq(struct guest_regs *regs)
{
	u64 intid;

	asm volatile("mrs %0, " ICC_IAR1_EL1 : "=r" (intid));
	intid &= 0xffffff;
	if (intid == VTIMER_PPI) {
		/* A level line: quietened before the EOI. */
		write_sysreg(0, cntv_ctl_el0);
		suspend_irqs++;
	}
	asm volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" : : "r" (intid) : "memory");
}

/*
 * The timer armed 20 ms ahead, interrupts masked (as a kernel's idle
 * loop calls it), CPU_SUSPEND until the interrupt is taken: each call
 * must return SUCCESS, and one must return once the deadline passed,
 * with the timer's interrupt pending.
 */
static void guest_suspend(u64 fn)
{
	u64 deadline, ret, n = 0;

	gic_dist_init();
	gic_cpu_init_handler(suspend_irq);
	gic_irq_set_priority(VTIMER_PPI, 0x80);
	deadline = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) / 50;
	write_sysreg(deadline, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	asm volatile("isb");
	while (!suspend_irqs && n++ < SUSPEND_MAX) {
		ret = guest_hvc(fn, 0, 0, 0);
		GUEST_ASSERT_EQ(ret, PSCI_RET_SUCCESS);
		local_irq_enable();
		local_irq_disable();
	}
	GUEST_SYNC2(suspend_irqs, read_sysreg(cntvct_el0) >= deadline);
}

static void check_suspend(u64 fn)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, 64);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_suspend, fn);
	struct ucall uc;

	vmm_gic_init(gic);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 1);
	ASSERT_EQ(uc.args[1], 1);
}

TEST_TIMEOUT(cpu_suspend_wakes_on_the_timer_and_takes_its_interrupt, 30)
{
	check_suspend(PSCI_0_2_FN64_CPU_SUSPEND);
}

TEST_TIMEOUT(cpu_suspend_smc32_wakes_on_the_timer_too, 30)
{
	check_suspend(PSCI_0_2_FN_CPU_SUSPEND);
}
