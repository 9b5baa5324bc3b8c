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
 * Lock: vmid_lock (a spinlock taken with IRQs enabled: the rollover waits
 * for the other CPUs' IPI handlers, and they may be spinning here).
 */
#include <linux/bitmap.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/cpufeature.h>

#include "mmu/tlb.h"
#include "mmu/vmid.h"

#define VMID_SHIFT		16
#define VMID_MASK		((1ULL << VMID_SHIFT) - 1)

static DEFINE_SPINLOCK(vmid_lock);
static atomic64_t vmid_generation;	/* in units of 1 << VMID_SHIFT */
static unsigned long *vmid_map;		/* VMIDs used in this generation */
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

bool vhv_vmid_16bit(void)
{
	return vmid_bits == 16;
}

int vhv_vmid_init(void)
{
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);

	/* ID_AA64MMFR1_EL1.VMIDBits: 0b0010 is 16 bits, 0b0000 is 8. */
	vmid_bits = cpuid_feature_extract_unsigned_field(mmfr1, ID_AA64MMFR1_EL1_VMIDBits_SHIFT) == 2 ?
		    16 : 8;
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
