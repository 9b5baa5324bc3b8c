// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_CHECK_EXTENSION: what vhv advertises. A capability appears here in
 * the change that makes it work, never before; everything else answers
 * 0, as KVM does for a capability it does not know. The list of what is
 * advertised is mirrored in Documentation/api.rst and asserted by
 * selftests/caps.c.
 */
#include <linux/kvm.h>

#include "core/vhv.h"

long vhv_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_CHECK_EXTENSION_VM:
		return 1;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return vhv_host.ipa_limit;
	}
	return 0;
}
