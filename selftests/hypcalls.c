// SPDX-License-Identifier: GPL-2.0
/*
 * What a Linux guest probes, answered as KVM answers it (KVM ABI only):
 * the KVM vendor hypervisor service's UID and feature bitmap, PV stolen
 * time (the KVM_ARM_VCPU_PVTIME_IPA attribute and its errnos,
 * PV_TIME_FEATURES, PV_TIME_ST, and the record's stolen time growing
 * while the host runs something else on the vCPU's CPU), and
 * ID_AA64PFR0_EL1.GIC with and without a vGICv3.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define NOT_SUPPORTED		(~0ULL)
#define SMCCC_ARCH_FEATURES	0x80000001ULL
#define VENDOR_HYP_UID		0x8600ff01ULL	/* ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID */
#define VENDOR_HYP_FEATURES	0x86000000ULL	/* ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID */
#define PV_TIME_FEATURES	0xc5000020ULL	/* ARM_SMCCC_HV_PV_TIME_FEATURES */
#define PV_TIME_ST		0xc5000021ULL	/* ARM_SMCCC_HV_PV_TIME_ST */
#define VENDOR_FUNC_FEATURES	(1ULL << 0)
#define VENDOR_FUNC_PTP		(1ULL << 1)

/* HVC with all four results. */
static void hvc4(u64 fn, u64 res[4])
{
	register u64 x0 asm("x0") = fn, x1 asm("x1") = 0, x2 asm("x2") = 0, x3 asm("x3") = 0;

	asm volatile("hvc #0" : "+r" (x0), "+r" (x1), "+r" (x2), "+r" (x3) : : "memory");
	res[0] = x0;
	res[1] = x1;
	res[2] = x2;
	res[3] = x3;
}

/* ---- the KVM vendor hypervisor service ---- */

static void guest_vendor(u64 unused)
{
	u64 r[4];

	hvc4(VENDOR_HYP_UID, r);
	ucall(UCALL_SYNC, r[0], r[1], r[2], r[3]);
	hvc4(VENDOR_HYP_FEATURES, r);
	ucall(UCALL_SYNC, r[0], r[1], r[2], r[3]);
}

TEST(vendor_hyp_service_is_kvms_uid_and_features)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_vendor, 0);
	struct ucall uc;

	/* 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, as Linux's kvm_init_hyp_services() wants it. */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0xb66fb428U);
	ASSERT_EQ(uc.args[1], 0xe911c52eU);
	ASSERT_EQ(uc.args[2], 0x564bcaa9U);
	ASSERT_EQ(uc.args[3], 0x743a004dU);
	/* The features call itself, and at most KVM_PTP besides. */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0] & VENDOR_FUNC_FEATURES, VENDOR_FUNC_FEATURES);
	ASSERT_EQ(uc.args[0] & ~(VENDOR_FUNC_FEATURES | VENDOR_FUNC_PTP), 0);
	ASSERT_EQ(uc.args[1] | uc.args[2] | uc.args[3], 0);
	/* vhv has no KVM_PTP: it must not say so. */
	if (!vmm_target_is_kvm())
		ASSERT_EQ(uc.args[0], VENDOR_FUNC_FEATURES);
}

/* ---- PV time: the attribute ---- */

#define PVTIME_IPA	GUEST_SCRATCH

static int pvtime_attr(struct vmm_vcpu *vcpu, unsigned long ioctl_nr, u64 attr, void *val)
{
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PVTIME_CTRL, .attr = attr, .addr = (u64)val,
	};

	return ioctl(vcpu->fd, ioctl_nr, &a);
}

TEST(pvtime_ipa_attribute_errnos)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_vendor, 0);
	u64 ipa;

	ASSERT_EQ(vmm_check_extension(vcpu->vm->fd, KVM_CAP_STEAL_TIME), 1);
	ASSERT_OK(pvtime_attr(vcpu, KVM_HAS_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, NULL));
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_HAS_DEVICE_ATTR, 1, NULL), ENXIO);
	/* Unset: all ones. */
	ASSERT_OK(pvtime_attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	ASSERT_EQ(ipa, ~0ULL);
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_GET_DEVICE_ATTR, 1, &ipa), ENXIO);
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, 1, &ipa), ENXIO);
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA,
				 (void *)8), EFAULT);
	ipa = PVTIME_IPA + 32;		/* not 64-byte aligned */
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa),
		     EINVAL);
	ipa = UCALL_MMIO;		/* no memory slot there */
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa),
		     EINVAL);
	ASSERT_OK(pvtime_attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	ASSERT_EQ(ipa, ~0ULL);
	ipa = PVTIME_IPA;
	ASSERT_OK(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	/* Once only, even with the same address. */
	ASSERT_ERRNO(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa),
		     EEXIST);
	ipa = 0;
	ASSERT_OK(pvtime_attr(vcpu, KVM_GET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	ASSERT_EQ(ipa, PVTIME_IPA);
}

/* ---- PV time: the calls and the record ---- */

#define STEAL_SPIN_MS	400

struct stolen_time {
	u32 revision;
	u32 attributes;
	u64 stolen_time;	/* little-endian, as is this host */
	u8 padding[48];
};

static void guest_pvtime(u64 unused)
{
	volatile struct stolen_time *st;
	u64 before, end;

	GUEST_SYNC(guest_hvc(SMCCC_ARCH_FEATURES, PV_TIME_FEATURES, 0, 0));
	GUEST_SYNC(guest_hvc(PV_TIME_FEATURES, PV_TIME_ST, 0, 0));
	GUEST_SYNC(guest_hvc(PV_TIME_FEATURES, PV_TIME_FEATURES, 0, 0));
	GUEST_SYNC(guest_hvc(PV_TIME_FEATURES, SMCCC_ARCH_FEATURES, 0, 0));
	st = (void *)guest_hvc(PV_TIME_ST, 0, 0, 0);
	GUEST_SYNC2((u64)st, st->revision | (u64)st->attributes << 32);
	/* The host now runs a busy thread on this vCPU's CPU. */
	before = st->stolen_time;
	end = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) * STEAL_SPIN_MS / 1000;
	while (read_sysreg(cntvct_el0) < end)
		;
	GUEST_SYNC2(before, st->stolen_time);
}

static volatile bool busy_stop;

static void *busy(void *arg)
{
	while (!busy_stop)
		;
	return NULL;
}

static void pin_to_cpu0(pthread_t t)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(pthread_setaffinity_np(t, sizeof(set), &set), 0);
}

TEST_TIMEOUT(pvtime_stolen_time_grows_while_the_host_runs_another_thread, 60)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_pvtime, 0);
	struct stolen_time *host_view = vmm_gpa(vcpu->vm, PVTIME_IPA);
	u64 ipa = PVTIME_IPA;
	struct ucall uc;
	pthread_t t;

	pin_to_cpu0(pthread_self());
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);		/* PV time is there to ask about */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], NOT_SUPPORTED);	/* but no record yet */
	/* Set while the vCPU has already run, as a VMM may. */
	ASSERT_OK(pvtime_attr(vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PVTIME_IPA, &ipa));
	memset(host_view, 0xa5, sizeof(*host_view));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], NOT_SUPPORTED);	/* only the two PV time calls */
	/* PV_TIME_ST: the IPA, and a record started afresh. */
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], PVTIME_IPA);
	ASSERT_EQ(uc.args[1], 0);
	ASSERT_LT(host_view->stolen_time, 1000000000ULL);

	ASSERT_EQ(pthread_create(&t, NULL, busy, NULL), 0);
	pin_to_cpu0(t);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	busy_stop = true;
	ASSERT_EQ(pthread_join(t, NULL), 0);
	vt_note("stolen time over the busy spin: %llu ns",
		(unsigned long long)(uc.args[1] - uc.args[0]));
	/* Sharing the CPU half and half: a good part of the spin was stolen. */
	ASSERT_GT(uc.args[1], uc.args[0] + STEAL_SPIN_MS * 1000000ULL / 10);
	ASSERT_GE(host_view->stolen_time, uc.args[1]);
}

/* ---- ID_AA64PFR0_EL1.GIC ---- */

#define REG_PFR0	REG_SYS(3, 0, 0, 4, 0)
#define PFR0_GIC(v)	(((v) >> 24) & 0xf)

static void guest_pfr0(u64 unused)
{
	GUEST_SYNC(read_sysreg(id_aa64pfr0_el1));
}

static u64 guest_gic_field(bool with_gic, bool vmm_clears)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = with_gic ? vmm_gic_new(vm, 0) : -1;
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_pfr0, 0);
	u64 pfr0;
	struct ucall uc;

	if (gic >= 0)
		vmm_gic_init(gic);
	pfr0 = vmm_get_reg(vcpu, REG_PFR0);
	if (vmm_clears)
		vmm_set_reg(vcpu, REG_PFR0, pfr0 & ~(0xfULL << 24));
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	/* The guest's and the VMM's view agree once it ran. */
	ASSERT_EQ(vmm_get_reg(vcpu, REG_PFR0), uc.args[0]);
	/* Final: another value is refused now. */
	pfr0 = uc.args[0] ^ (0x1ULL << 24);
	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_SET_ONE_REG,
			   &(struct kvm_one_reg){ .id = REG_PFR0, .addr = (u64)&pfr0 }), EBUSY);
	return PFR0_GIC(uc.args[0]);
}

TEST(id_aa64pfr0_gic_is_1_with_a_vgicv3)
{
	ASSERT_EQ(guest_gic_field(true, false), 1);
}

TEST(id_aa64pfr0_gic_is_0_without_a_vgic)
{
	ASSERT_EQ(guest_gic_field(false, false), 0);
}

TEST(id_aa64pfr0_gic_is_0_when_the_vmm_clears_it)
{
	ASSERT_EQ(guest_gic_field(true, true), 0);
}
