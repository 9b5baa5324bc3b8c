// SPDX-License-Identifier: GPL-2.0
/*
 * TLB and cache maintenance for guests.
 *
 * Under VHE the host runs with HCR_EL2.{E2H,TGE} = {1,1}, where the EL1
 * TLBI operations act on the EL2&0 regime. To reach the guest's EL1&0
 * entries, TGE is cleared around the operation (Arm ARM D8.13.5, "TLB
 * maintenance instructions", effect of HCR_EL2.TGE), and VTTBR_EL2 names
 * the VMID the operations apply to. Interrupts stay masked meanwhile: a
 * host interrupt must never run with TGE clear.
 */
#include <linux/irqflags.h>
#include <asm/barrier.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/pgtable-hwdef.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>

#include "arm64/hostcpu.h"
#include "arm64/sysreg_enc.h"
#include "core/vm.h"
#include "mmu/tlb.h"

struct tlb_ctx {
	unsigned long flags;
	u64 hcr;
	u64 vttbr;
	u64 vtcr;
	u64 tcr;
	u64 sctlr;
};

/*
 * Cortex-A76 erratum 1165522, Cortex-A55 1530923 (the kernel's
 * ARM64_WORKAROUND_SPECULATIVE_AT): with TGE clear, a speculative AT may
 * walk the EL1&0 stage 1 that is in the registers, here the loaded vCPU's,
 * maybe of another VM, and allocate a corrupt TLB entry tagged with the
 * VMID being maintained. Before TGE is cleared, TCR_EL1.EPD0/EPD1 stop
 * stage-1 walks and SCTLR_EL1.M keeps stage 1 on (no flat IPA walks); both
 * come back once TGE is set again.
 */
static void fence_stage1(struct tlb_ctx *ctx)
{
	ctx->tcr = read_sysreg_s(VHV_TCR_EL12);
	ctx->sctlr = read_sysreg_s(VHV_SCTLR_EL12);
	write_sysreg_s(ctx->tcr | TCR_EPD0_MASK | TCR_EPD1_MASK, VHV_TCR_EL12);
	/*
	 * Walks stopped before stage 1 is forced on: without a context
	 * synchronisation event the two writes may take effect in either
	 * order (D24, "Synchronization requirements for AArch64 System
	 * registers"), and M set first would let a walk use the tables.
	 */
	isb();
	write_sysreg_s(ctx->sctlr | SCTLR_ELx_M, VHV_SCTLR_EL12);
}

/* VTTBR_EL2.VMID (D24.2.205). */
#define VTTBR_VMID		GENMASK_ULL(63, 48)

/*
 * The VM's stage-2 context for EL1&0 TLB maintenance: VTTBR_EL2.VMID names
 * the VMID the operations act on, and VTCR_EL2.VS says whether all 16 bits
 * of it count (D24.2.204): a CPU that has not run this VM may hold another
 * VTCR_EL2, and with VS clear would act on VMID[7:0] only.
 *
 * The VMID is the one the VM last had, current generation or not: a
 * rollover makes it stale before the CPUs running it have left the guest
 * and before its entries are flushed, so only the value says what the
 * hardware may still hold (mmu/vmid.c). False, with nothing to do, if
 * the VM never had a VMID: then no CPU ever cached anything of it.
 */
static bool enter_guest_regime(struct tlb_ctx *ctx, struct vhv_vm *vm)
{
	u64 vttbr = vhv_vm_vttbr(vm);

	if (!(vttbr & VTTBR_VMID))
		return false;
	local_irq_save(ctx->flags);
	ctx->vttbr = read_sysreg_s(VHV_VTTBR_EL2);
	ctx->vtcr = read_sysreg_s(VHV_VTCR_EL2);
	ctx->hcr = read_sysreg(hcr_el2);
	if (vhv_hostcpu_speculative_at())
		fence_stage1(ctx);
	write_sysreg_s(vttbr, VHV_VTTBR_EL2);
	write_sysreg_s(vm->s2.vtcr, VHV_VTCR_EL2);
	/* Both stages in place before TGE is cleared (the erratum above). */
	if (vhv_hostcpu_speculative_at())
		isb();
	vhv_write_hcr(ctx->hcr & ~HCR_TGE);
	/* The TLBI must see the new VMID, VS and TGE: context synchronisation. */
	isb();
	return true;
}

static void leave_guest_regime(struct tlb_ctx *ctx)
{
	vhv_write_hcr(ctx->hcr);
	/* TGE set before the stage-1 and stage-2 context changes back. */
	if (vhv_hostcpu_speculative_at())
		isb();
	write_sysreg_s(ctx->vttbr, VHV_VTTBR_EL2);
	write_sysreg_s(ctx->vtcr, VHV_VTCR_EL2);
	if (vhv_hostcpu_speculative_at()) {
		write_sysreg_s(ctx->tcr, VHV_TCR_EL12);
		write_sysreg_s(ctx->sctlr, VHV_SCTLR_EL12);
	}
	/* The host must run with TGE set again before anything else. */
	isb();
	local_irq_restore(ctx->flags);
}

void vhv_tlb_flush_vm_ipas(struct vhv_vm *vm, const u64 *ipa, unsigned int nr)
{
	struct tlb_ctx ctx;
	unsigned int i;

	if (!enter_guest_regime(&ctx, vm))
		return;
	/*
	 * IPAS2E1IS removes stage-2-only entries for the IPA, but entries
	 * that combine stage 1 and stage 2 are not tagged by IPA: they go
	 * with VMALLE1IS, after the first ones complete (D8.13.6, "TLB
	 * maintenance of stage 2 translations"). The address operand is
	 * IPA[55:12] whatever the granule.
	 */
	for (i = 0; i < nr; i++)
		__tlbi(ipas2e1is, ipa[i] >> 12);
	dsb(ish);
	__tlbi(vmalle1is);
	dsb(ish);
	isb();
	leave_guest_regime(&ctx);
}

void vhv_tlb_flush_vm(struct vhv_vm *vm)
{
	struct tlb_ctx ctx;

	if (!enter_guest_regime(&ctx, vm))
		return;
	/* All stage 1 and stage 2 entries of the VMID, Inner Shareable (D8.13). */
	__tlbi(vmalls12e1is);
	dsb(ish);
	isb();
	leave_guest_regime(&ctx);
}

void vhv_tlb_flush_vm_local(struct vhv_vm *vm)
{
	struct tlb_ctx ctx;

	if (!enter_guest_regime(&ctx, vm))
		return;
	/*
	 * Another vCPU of the VM ran here last: its stage-1 entries (same
	 * VMID, maybe same ASIDs) are not this vCPU's. Local invalidation,
	 * and the I-cache too, as the guest's local IC IALLU never reached
	 * this CPU (D8.13, D7.5.9 "Instruction cache maintenance").
	 */
	__tlbi(vmalle1);
	asm volatile("ic iallu");
	dsb(nsh);
	isb();
	leave_guest_regime(&ctx);
}

void vhv_tlb_flush_all_vmids(void)
{
	/* Previous table writes visible before the invalidation (D8.16). */
	dsb(ishst);
	/* ALLE1IS names the EL1&0 regime itself, so TGE does not matter:
	 * every entry of every VMID, Inner Shareable (D8.13).
	 */
	__tlbi(alle1is);
	dsb(ish);
	isb();
}

/*
 * DC CIVAC over [va, va + size): clean and invalidate to the Point of
 * Coherency by VA (D7.5.8, "Data cache maintenance instructions"), with
 * the smallest D-cache line of the system (CTR_EL0.DminLine, sanitised).
 */
static void poc_clean_inval(unsigned long va, unsigned long size)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	unsigned long line = 4UL << cpuid_feature_extract_unsigned_field(ctr, CTR_EL0_DminLine_SHIFT);
	unsigned long end = va + size;

	for (va &= ~(line - 1); va < end; va += line)
		asm volatile("dc civac, %0" : : "r" (va) : "memory");
	/* Complete the maintenance to the PoC before the guest's accesses,
	 * whatever their shareability (D7.5.10, DSB SY as the PoC is system-wide).
	 */
	dsb(sy);
}

void vhv_cache_prepare(void *va, unsigned long size, bool exec)
{
	/*
	 * A guest with its MMU or caches off reads memory as Non-cacheable
	 * and would miss what the host left dirty in the caches: clean the
	 * page or block to the PoC before mapping it. Stage-2 attributes do not
	 * force cacheability here (no FEAT_S2FWB use).
	 */
	poc_clean_inval((unsigned long)va, size);
	/* Instructions fetched from the page must see its data (D7.5.9);
	 * caches_clean_inval_pou() honours CTR_EL0.IDC and DIC.
	 */
	if (exec)
		caches_clean_inval_pou((unsigned long)va, (unsigned long)va + size);
}

void vhv_cache_clean_page(phys_addr_t pa)
{
	poc_clean_inval((unsigned long)phys_to_virt(pa), PAGE_SIZE);
}
