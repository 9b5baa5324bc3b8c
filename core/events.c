// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_VCPU_EVENTS and KVM_SET_VCPU_EVENTS: a pending virtual SError
 * (HCR_EL2.VSE, with its syndrome in VSESR_EL2 when the host has RAS) and
 * the injection of an external data abort, with KVM's rules.
 */
#include <linux/kvm.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>

#include "arm64/inject.h"
#include "core/events.h"
#include "core/vcpu.h"
#include "core/vhv.h"

/* A syndrome VSESR_EL2 can carry: ESR_ELx.ISS [24:0] (IDS and ISS). */
#define SERROR_ESR_MASK		GENMASK_ULL(24, 0)

int vhv_vcpu_get_events(struct vhv_vcpu *vcpu, void __user *argp)
{
	struct kvm_vcpu_events ev;

	if (!vcpu->initialised)
		return -ENOEXEC;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = !!(vcpu->hcr & HCR_VSE);
	ev.exception.serror_has_esr = vhv_host.has_ras;
	if (ev.exception.serror_pending && vhv_host.has_ras)
		ev.exception.serror_esr = vcpu->vsesr;
	return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
}

static bool all_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

int vhv_vcpu_set_events(struct vhv_vcpu *vcpu, void __user *argp)
{
	struct kvm_vcpu_events ev;
	bool serror, has_esr;

	if (!vcpu->initialised)
		return -ENOEXEC;
	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (!all_zero(ev.reserved, sizeof(ev.reserved)) ||
	    !all_zero(ev.exception.pad, sizeof(ev.exception.pad)))
		return -EINVAL;
	serror = ev.exception.serror_pending;
	has_esr = ev.exception.serror_has_esr;
	if (serror && has_esr &&
	    (!vhv_host.has_ras || (ev.exception.serror_esr & ~SERROR_ESR_MASK)))
		return -EINVAL;
	if (serror) {
		/* Without a syndrome: IDS, an implementation-defined SError. */
		vcpu->vsesr = has_esr ? ev.exception.serror_esr : ESR_ELx_ISV;
		vcpu->hcr |= HCR_VSE;
	}
	/* Taken at once, at the address of the last exit, as in KVM. */
	if (ev.exception.ext_dabt_pending)
		vhv_inject_dabt(vcpu, vcpu->exit.far);
	return 0;
}
