// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 aborts from the guest (EC 0x20, 0x24): RAM faulted in on demand
 * from the VMM's mapping, everything else triaged as KVM does: MMIO exits
 * (mmu/mmio.c), aborts injected for fetches and table walks outside RAM
 * or addresses beyond the VM's IPA space, a virtual SError for external
 * aborts.
 *
 * Faulting in: read the slot's notifier sequence, pin the page (which may
 * sleep and fault it in the VMM's address space), then under mmu_lock map
 * it unless an invalidation ran in between, in which case start over. The
 * pin is dropped once mapped: from then on the notifier (mmu/memslot.c)
 * unmaps the page from stage 2 before the kernel may free or move it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/ratelimit.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>

#include "arm64/exits.h"
#include "arm64/inject.h"
#include "arm64/switch.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmio.h"
#include "mmu/mmu.h"
#include "vgic/vgic.h"
#include "mmu/tlb.h"

/* DFSC/IFSC groups (Arm ARM D24.2.40): the level is in bits [1:0]. */
#define S2_FSC_TYPE_MASK	0x3c
#define S2_FSC_TRANSLATION	0x04
#define S2_FSC_ACCESS		0x08
#define S2_FSC_PERMISSION	0x0c

static bool fsc_is_fault(unsigned int fsc)
{
	unsigned int type = fsc & S2_FSC_TYPE_MASK;

	return type == S2_FSC_TRANSLATION || type == S2_FSC_ACCESS || type == S2_FSC_PERMISSION;
}

/* Synchronous external aborts and parity errors, on access or walk. */
static bool fsc_is_sea(unsigned int fsc)
{
	return fsc == 0x10 || (fsc >= 0x13 && fsc <= 0x18) || (fsc >= 0x1b && fsc <= 0x1f);
}

/* Maps the page behind gfn; 0, or a negative errno for KVM_RUN. */
static int map_ram(struct vhv_vcpu *vcpu, struct vhv_memslot *slot, u64 gfn)
{
	bool writable = !(slot->flags & KVM_MEM_READONLY);
	unsigned long hva = slot->hva + ((gfn - slot->base_gfn) << PAGE_SHIFT);
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_s2_cache mc = { 0 };
	unsigned long seq;
	struct page *page;
	int ret;

	ret = vhv_s2_cache_topup(&mc);
	if (ret)
		return ret;
	for (;;) {
		seq = mmu_interval_read_begin(&slot->mni);
		ret = pin_user_pages_fast(hva, 1, writable ? FOLL_WRITE : 0, &page);
		if (ret != 1) {
			pr_info_ratelimited("guest RAM at IPA %#llx has no backing at VMM address %#lx\n",
					    gfn << PAGE_SHIFT, hva);
			ret = -EFAULT;
			break;
		}
		vhv_cache_prepare_page(page_address(page), true);
		spin_lock(&vm->mmu_lock);
		if (mmu_interval_read_retry(&slot->mni, seq)) {
			spin_unlock(&vm->mmu_lock);
			unpin_user_page(page);
			continue;
		}
		ret = vhv_s2_map(&vm->s2, gfn << PAGE_SHIFT, page_to_phys(page),
				 VHV_S2_READ | VHV_S2_EXEC | (writable ? VHV_S2_WRITE : 0), &mc);
		spin_unlock(&vm->mmu_lock);
		unpin_user_pages_dirty_lock(&page, 1, writable);
		break;
	}
	vhv_s2_cache_free(&mc);
	return ret;
}

/*
 * Guest fault that is not RAM: what KVM does, in its order (see the
 * Documentation/api.rst notes on KVM_EXIT_MMIO).
 */
static int not_ram(struct vhv_vcpu *vcpu, const struct vhv_dabt *d, bool ifetch)
{
	if (ifetch) {
		vhv_inject_pabt(vcpu, vcpu->exit.far);
		return 1;
	}
	if (d->s1ptw) {
		vhv_inject_dabt(vcpu, vcpu->exit.far);
		return 1;
	}
	if (d->cache_op) {
		/* DC/IC by VA on something that is not memory: nothing to do. */
		vhv_skip_instr(vcpu);
		return 1;
	}
	/* The in-kernel GIC's frames, before the VMM's devices. */
	if (vhv_vgic_mmio(vcpu, d))
		return 1;
	return vhv_mmio_exit(vcpu, d);
}

static bool write_fault(const struct vhv_dabt *d, bool ifetch)
{
	/* A walk writes (hardware AF/dirty updates) only as a permission fault. */
	if (ifetch)
		return false;
	if (d->s1ptw)
		return (d->fsc & S2_FSC_TYPE_MASK) == S2_FSC_PERMISSION;
	return d->is_write;
}

int vhv_mmu_handle_abort(struct vhv_vcpu *vcpu, bool ifetch)
{
	struct vhv_vm *vm = vcpu->vm;
	struct vhv_memslot *slot;
	struct vhv_dabt d;
	int idx, ret;

	vhv_dabt_decode(vcpu->exit.esr, vcpu->exit.far, vcpu->exit.hpfar, &d);
	if ((d.fsc & S2_FSC_TYPE_MASK) == S2_FSC_TRANSLATION && d.ipa >> vhv_vm_ipa_bits(vm)) {
		/* Beyond the VM's IPA space: an external abort, FAR the IPA. */
		if (ifetch)
			vhv_inject_pabt(vcpu, d.ipa);
		else
			vhv_inject_dabt(vcpu, d.ipa);
		return 1;
	}
	if (fsc_is_sea(d.fsc)) {
		vcpu->hcr |= HCR_VSE;
		return 1;
	}
	if (!fsc_is_fault(d.fsc)) {
		pr_info_ratelimited("unsupported stage-2 fault status %#x (ESR_EL2 %#llx)\n",
				    d.fsc, vcpu->exit.esr);
		return -EFAULT;
	}

	idx = srcu_read_lock(&vm->srcu);
	slot = vhv_memslot_find(vm, d.ipa >> PAGE_SHIFT);
	if (!slot || ((slot->flags & KVM_MEM_READONLY) && write_fault(&d, ifetch)))
		ret = not_ram(vcpu, &d, ifetch);
	else
		ret = map_ram(vcpu, slot, d.ipa >> PAGE_SHIFT) ?: 1;
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
}
