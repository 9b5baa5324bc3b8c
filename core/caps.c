// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_CHECK_EXTENSION: what vhv advertises. A capability appears here in
 * the change that makes it work, never before; everything else answers
 * 0, as KVM does for a capability it does not know. The list is mirrored
 * in Documentation/api.rst and asserted by selftests/caps.c.
 */
#include <linux/cpumask.h>
#include <linux/kvm.h>
#include <linux/minmax.h>

#include "arm64/pvtime.h"
#include "core/compat.h"
#include "core/vhv.h"
#include "core/vm.h"
#include "mmu/coalesced.h"
#include "mmu/mmu.h"
#include "vgic/irqfd.h"
#include "vgic/vgic.h"

long vhv_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_USER_MEMORY2:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_SYNC_MMU:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_ARM_NISV_TO_USER:
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_ARM_IRQ_LINE_LAYOUT_2:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_ARM_INJECT_EXT_DABT:
	case KVM_CAP_COUNTER_OFFSET:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_COALESCED_PIO:
	case KVM_CAP_SIGNAL_MSI:
		return 1;
	case KVM_CAP_COALESCED_MMIO:
		/* Where the ring is in the vCPU mmap, in pages. */
		return VHV_COALESCED_MMIO_PAGE_OFFSET;
	case KVM_CAP_ARM_SYSTEM_SUSPEND:
		return 1;
	case KVM_CAP_STEAL_TIME:
		return vhv_pvtime_available();
	case KVM_CAP_ARM_INJECT_SERROR_ESR:
		return vhv_host.has_ras;
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
		return vhv_vgic_available();
	case KVM_CAP_IRQ_ROUTING:
		return vhv_vgic_available() ? VHV_MAX_IRQ_ROUTES : 0;
	case KVM_CAP_NR_MEMSLOTS:
		return VHV_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(), VHV_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return VHV_MAX_VCPUS;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return vhv_host.ipa_limit;
	}
	return 0;
}

/*
 * KVM_CAP_MSI_DEVID, as arm64 KVM answers it on a VM: whether this VM's
 * MSIs need a DeviceID, i.e. whether it has an ITS. KVM answers EINVAL on
 * the system file, vhv 0 (no VM, no ITS), so that a scan of every
 * capability there sees no error. Every other capability is answered the
 * same on both files.
 */
long vhv_check_extension_vm(struct vhv_vm *vm, long cap)
{
	if (cap == KVM_CAP_MSI_DEVID)
		return READ_ONCE(vm->has_its);
	return vhv_check_extension(cap);
}
