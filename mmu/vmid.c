// SPDX-License-Identifier: GPL-2.0
/*
 * VMID allocation by generations.
 *
 * A VM's VMID is valid while its generation is the current one. When the
 * VMIDs of a generation run out, the allocator starts the next one: it
 * bumps the generation, makes every CPU leave its guest (an IPI, which a
 * guest takes as an exit, and whose handler runs only outside the guest),
 * then flushes every EL1&0 TLB entry. A vCPU checks its VM's generation
 * with IRQs masked just before entering, so after the IPIs no CPU can run
 * a guest with a VMID of the old generation, and none can be handed out
 * again before the flush.
 *
 * TLB maintenance for one VM (unmapping, teardown, mmu/tlb.c) acts on the
 * VMID value the VM holds, valid in this generation or not, and never
 * skips because the generation is stale: between the generation bump and
 * the IPIs a CPU may still run the guest with that value, and an entry
 * cleared then must leave its TLBs now, not at the later flush (the page
 * may be freed in between). Why the value read is the right one: a VM's
 * value changes only in vhv_vmid_refresh(), after any rollover's flush
 * has completed (vmid_lock is held across it), and the unmapper reads it
 * after clearing the entries, with a DSB ISH in between (the clears are
 * complete and no later instruction executes before the DSB completes:
 * Arm ARM B2.3, "Data Synchronization Barrier"). So the unmapper sees
 * either the value a CPU may still run with, and invalidates it, or a
 * newer one: then the old value's entries were flushed by the rollover
 * before the new value was handed out, walks under the new value that
 * began after the clear cannot see the old entry, and those before it
 * are covered by invalidating the new value. Invalidating a value another
 * VM holds by now only costs that VM some refills.
 *
 * Lock: vmid_lock (a spinlock taken with IRQs enabled: the rollover waits
 * for the other CPUs' IPI handlers, and they may be spinning here).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>

#include "arm64/sysreg_enc.h"
#include "core/vhv.h"
#include "mmu/stage2.h"
#include "mmu/tlb.h"
#include "mmu/vmid.h"

#define VMID_SHIFT		16
#define VMID_MASK		((1ULL << VMID_SHIFT) - 1)

static DEFINE_SPINLOCK(vmid_lock);
static atomic64_t vmid_generation;	/* in units of 1 << VMID_SHIFT */
static unsigned long *vmid_map;		/* VMIDs used in this generation */
/* 8 or 16: set once at load, before any VM exists, and never changed. */
static unsigned int vmid_bits;

/* Test aid: fewer VMIDs than the hardware has, so that tests can make the
 * generations roll over with a handful of VMs.
 */
static unsigned int max_vmids;
module_param(max_vmids, uint, 0444);
MODULE_PARM_DESC(max_vmids, "Use at most this many VMIDs (default 0: all the hardware has)");

static unsigned long nr_vmids(void)
{
	unsigned long nr = 1UL << vmid_bits;

	/* VMID 0 is reserved, so 2 is the least that works. */
	return max_vmids ? clamp_t(unsigned long, max_vmids, 2, nr) : nr;
}

/*
 * The width of the VMIDs handed out is also how many VMID bits the
 * hardware compares: VTCR_EL2.VS = 0 makes it ignore VTTBR_EL2.VMID[15:8]
 * (Arm ARM D24.2.204, VTCR_EL2.VS), and VMs n and n + 256 would share TLB
 * entries. Every VTCR_EL2 vhv writes takes VS from here.
 */
u64 vhv_vmid_vtcr_vs(void)
{
	return vmid_bits == 16 ? VTCR_EL2_VS_16BIT : VTCR_EL2_VS_8BIT;
}

/*
 * On each CPU: does VTCR_EL2.VS hold a 1? It is RES0 without 16-bit VMID
 * support (FEAT_VMID16). Writing VTCR_EL2 here is harmless: the host runs
 * with HCR_EL2.TGE set, under which HCR_EL2.VM behaves as 0 and no
 * EL1&0 stage 2 translation or walk uses VTCR_EL2 (D24.2.48, HCR_EL2.TGE).
 * Runs as an IPI handler, interrupts masked; the old value goes back.
 */
static void probe_vs(void *failed)
{
	u64 old = read_sysreg_s(VHV_VTCR_EL2);

	write_sysreg_s(old | VTCR_EL2_VS_16BIT, VHV_VTCR_EL2);
	/*
	 * A direct read after a direct write of the same register sees it
	 * without an ISB (D24, "Synchronization requirements for AArch64
	 * System registers"); the ISB below puts the old value back in
	 * effect before anything else.
	 */
	if (!(read_sysreg_s(VHV_VTCR_EL2) & VTCR_EL2_VS_16BIT))
		atomic_set(failed, smp_processor_id() + 1);
	write_sysreg_s(old, VHV_VTCR_EL2);
	isb();
}

/*
 * Load-time check that VMs get the VMID width the allocator assumes: a
 * VTCR_EL2 built by the code every VM uses has VS exactly when VMIDs are
 * 16 bits (today both sides read vmid_bits: the first check guards
 * against a change to either), and then every CPU keeps VS set (the
 * check that looks at hardware). TCG has no TLB tagged by VMID, so no
 * test could see a mismatch: this refuses to load instead.
 */
static int check_vtcr_vs(void)
{
	bool vs = vhv_s2_vtcr(vhv_host.ipa_limit) & VTCR_EL2_VS_16BIT;
	atomic_t failed = ATOMIC_INIT(0);

	if (vs != (vmid_bits == 16)) {
		pr_err("VMIDs of %u bits but VMs' VTCR_EL2.VS = %d: refusing to load (a vhv bug)\n",
		       vmid_bits, vs);
		return -ENODEV;
	}
	if (!vs)
		return 0;
	on_each_cpu(probe_vs, &failed, 1);
	if (atomic_read(&failed)) {
		pr_err("16-bit VMIDs (ID_AA64MMFR1_EL1) but VTCR_EL2.VS stays 0 on CPU %d: refusing to load\n",
		       atomic_read(&failed) - 1);
		return -ENODEV;
	}
	return 0;
}

int vhv_vmid_init(void)
{
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	int ret;

	/*
	 * ID_AA64MMFR1_EL1.VMIDBits: 0b0010 is 16 bits, 0b0000 is 8. The
	 * sanitised value is the smallest of all CPUs.
	 */
	vmid_bits = cpuid_feature_extract_unsigned_field(mmfr1, ID_AA64MMFR1_EL1_VMIDBits_SHIFT) == 2 ?
		    16 : 8;
	ret = check_vtcr_vs();
	if (ret)
		return ret;
	vmid_map = bitmap_zalloc(1U << vmid_bits, GFP_KERNEL);
	if (!vmid_map)
		return -ENOMEM;
	/* VMID 0 is never handed out: 0 in vhv_vmid.id means "none yet". */
	__set_bit(0, vmid_map);
	atomic64_set(&vmid_generation, 1ULL << VMID_SHIFT);
	return 0;
}

void vhv_vmid_exit(void)
{
	bitmap_free(vmid_map);
}

bool vhv_vmid_valid(struct vhv_vmid *vmid)
{
	u64 id = atomic64_read(&vmid->id);

	return id && !((id ^ atomic64_read(&vmid_generation)) >> VMID_SHIFT);
}

u16 vhv_vmid_value(struct vhv_vmid *vmid)
{
	return atomic64_read(&vmid->id) & VMID_MASK;
}

static void leave_guest(void *unused)
{
	/* Nothing: running this handler means the CPU is out of its guest. */
}

static void rollover_locked(void)
{
	atomic64_add(1ULL << VMID_SHIFT, &vmid_generation);
	bitmap_zero(vmid_map, 1U << vmid_bits);
	__set_bit(0, vmid_map);
	/* Wait until no CPU still runs a guest of the old generation... */
	on_each_cpu(leave_guest, NULL, 1);
	/* ...then forget all their translations, everywhere. */
	vhv_tlb_flush_all_vmids();
}

void vhv_vmid_refresh(struct vhv_vmid *vmid)
{
	unsigned long nr = nr_vmids(), bit;

	spin_lock(&vmid_lock);
	if (vhv_vmid_valid(vmid))
		goto out;
	bit = find_first_zero_bit(vmid_map, nr);
	if (bit == nr) {
		rollover_locked();
		bit = find_first_zero_bit(vmid_map, nr);
	}
	__set_bit(bit, vmid_map);
	atomic64_set(&vmid->id, atomic64_read(&vmid_generation) | bit);
out:
	spin_unlock(&vmid_lock);
}

/* A dying VM gives its VMID back; the caller has flushed its TLB entries. */
void vhv_vmid_release(struct vhv_vmid *vmid)
{
	spin_lock(&vmid_lock);
	if (vhv_vmid_valid(vmid))
		__clear_bit(vhv_vmid_value(vmid), vmid_map);
	atomic64_set(&vmid->id, 0);
	spin_unlock(&vmid_lock);
}
