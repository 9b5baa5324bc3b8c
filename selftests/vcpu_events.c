// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_VCPU_EVENTS and KVM_GET_VCPU_EVENTS: an SError made pending by
 * the VMM is reported pending, stays so while the guest masks SErrors
 * (PSTATE.A), and is taken by the guest's EL1 SError vector once unmasked,
 * with KVM's default syndrome or, under KVM_CAP_ARM_INJECT_SERROR_ESR,
 * the one the VMM gave; what KVM refuses (reserved fields, a syndrome
 * outside the ISS, events before KVM_ARM_VCPU_INIT).
 *
 * KVM ABI only. Skips without KVM_CAP_VCPU_EVENTS.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define SETTLE_MS	20

enum {
	SYNC_READY = 1,
	SYNC_TAKEN,	/* args[1]: ESR_EL1 */
	SYNC_CHECK,
};

/* ESR_EL1 of an SError: EC 0x2f, IL (RES1 for SErrors), the ISS. */
#define ESR_SERROR(iss)		(0x2fULL << 26 | 1ULL << 25 | (iss))
#define ESR_ISS_MASK		0x1ffffffULL
#define ESR_ISS_IDS		(1ULL << 24)	/* implementation-defined syndrome */

static u32 serrors_taken;

static void serror_handler(struct guest_regs *regs)
{
	__atomic_fetch_add(&serrors_taken, 1, __ATOMIC_RELAXED);
	GUEST_SYNC2(SYNC_TAKEN, regs->esr);
}

/* SErrors masked as at reset until the host has looked. */
static void guest_serror(u64 unused)
{
	guest_install_handler(VECTOR_ERR_CUR, serror_handler);
	GUEST_SYNC(SYNC_READY);
	asm volatile("msr daifclr, #4\n isb" : : : "memory");
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, __atomic_load_n(&serrors_taken, __ATOMIC_RELAXED));
}

static struct vmm_vcpu *events_vcpu(void (*fn)(u64))
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, fn, 0);

	if (!vmm_check_extension(vcpu->vm->fd, KVM_CAP_VCPU_EVENTS)) {
		ASSERT_FALSE(vmm_target_is_kvm());
		SKIP("no KVM_CAP_VCPU_EVENTS");
	}
	return vcpu;
}

static struct kvm_vcpu_events get_events(struct vmm_vcpu *vcpu)
{
	struct kvm_vcpu_events ev;

	memset(&ev, 0xa5, sizeof(ev));
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	return ev;
}

static int set_events(struct vmm_vcpu *vcpu, struct kvm_vcpu_events *ev)
{
	return ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, ev);
}

static bool has_serror_esr(struct vmm_vcpu *vcpu)
{
	return vmm_check_extension(vcpu->vm->fd, KVM_CAP_ARM_INJECT_SERROR_ESR);
}

/* The pending SError, its syndrome reported as KVM_GET_VCPU_EVENTS does. */
static void expect_pending(struct vmm_vcpu *vcpu, bool pending, u64 esr)
{
	struct kvm_vcpu_events ev = get_events(vcpu);

	ASSERT_EQ(ev.exception.serror_pending, pending);
	/* serror_has_esr says whether syndromes are supported at all. */
	ASSERT_EQ(ev.exception.serror_has_esr, has_serror_esr(vcpu));
	if (pending && ev.exception.serror_has_esr)
		ASSERT_EQ(ev.exception.serror_esr, esr);
}

static struct ucall expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
	return uc;
}

static void check_serror(bool with_esr, u64 iss)
{
	struct vmm_vcpu *vcpu = events_vcpu(guest_serror);
	struct kvm_vcpu_events ev = { .exception.serror_pending = 1 };
	u64 esr;

	if (with_esr && !has_serror_esr(vcpu))
		SKIP("no KVM_CAP_ARM_INJECT_SERROR_ESR");
	expect_pending(vcpu, false, 0);
	if (with_esr) {
		ev.exception.serror_has_esr = 1;
		ev.exception.serror_esr = iss;
	}
	ASSERT_OK(set_events(vcpu, &ev));
	expect_pending(vcpu, true, iss);
	/* Masked in the guest: still pending after it ran. */
	expect_sync(vcpu, SYNC_READY);
	expect_pending(vcpu, true, iss);
	esr = expect_sync(vcpu, SYNC_TAKEN).args[1];
	expect_pending(vcpu, false, 0);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 1);
	/* Without RAS the syndrome of a virtual SError is the CPU's choice. */
	if (has_serror_esr(vcpu))
		ASSERT_EQ(esr, ESR_SERROR(iss));
	else
		ASSERT_EQ(esr >> 26, 0x2f);
	vmm_run_to_done(vcpu);
}

/* KVM's own syndrome for an SError without one: IDS, nothing else. */
TEST(serror_made_pending_is_reported_and_taken_once_unmasked)
{
	check_serror(false, ESR_ISS_IDS);
}

TEST(serror_with_a_syndrome_reaches_esr_el1)
{
	check_serror(true, 0x1234);
}

TEST(serror_syndrome_outside_the_iss_or_reserved_fields_are_einval)
{
	struct vmm_vcpu *vcpu = events_vcpu(guest_serror);
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.reserved[0] = 1;
	ASSERT_ERRNO(set_events(vcpu, &ev), EINVAL);
	memset(&ev, 0, sizeof(ev));
	ev.exception.pad[0] = 1;
	ASSERT_ERRNO(set_events(vcpu, &ev), EINVAL);
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = 1;
	ev.exception.serror_has_esr = 1;
	ev.exception.serror_esr = ESR_ISS_MASK + 1;
	ASSERT_ERRNO(set_events(vcpu, &ev), EINVAL);
	/* Nothing of it stuck. */
	expect_pending(vcpu, false, 0);
}

TEST(vcpu_events_before_vcpu_init_are_enoexec)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct kvm_vcpu_events ev;
	int fd;

	if (!vmm_check_extension(vm->fd, KVM_CAP_VCPU_EVENTS)) {
		ASSERT_FALSE(vmm_target_is_kvm());
		SKIP("no KVM_CAP_VCPU_EVENTS");
	}
	fd = ASSERT_OK(ioctl(vm->fd, KVM_CREATE_VCPU, 0));
	memset(&ev, 0, sizeof(ev));
	ASSERT_ERRNO(ioctl(fd, KVM_GET_VCPU_EVENTS, &ev), ENOEXEC);
	ASSERT_ERRNO(ioctl(fd, KVM_SET_VCPU_EVENTS, &ev), ENOEXEC);
}
