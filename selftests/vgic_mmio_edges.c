// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses at the edges of the vGIC's frames. An access the vGIC
 * takes must lie wholly in one device range, as KVM's MMIO bus asks: the
 * distributor's 64 KB, or one redistributor's RD and SGI frames. Inside,
 * an unaligned access is RAZ/WI; one that starts inside and crosses the
 * end is the VMM's: an MMIO exit for the whole access.
 *
 * The frames are placed where the guest maps Normal memory (no RAM slot
 * there), so that unaligned accesses reach stage 2 instead of faulting
 * at stage 1 as they would on Device memory. KVM ABI only.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define EDGE_DIST	0x10000000ULL	/* in the guest's Normal range, no slot */
#define EDGE_REDIST	0x10100000ULL	/* vCPU 0's RD_base; SGI_base 64 KB on */
#define FRAME		0x10000ULL
#define LOAD_DATA	0x1122334455667788ULL
#define STORE_DATA	0xcafef00d12345678ULL

static u64 load64(u64 addr)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static u64 load32(u64 addr)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static void store64(u64 addr, u64 v)
{
	asm volatile("str %0, [%1]" : : "r" (v), "r" (addr) : "memory");
}

static void guest_edges(u64 unused)
{
	/* Inside the distributor, unaligned, over GICD_CTLR and TYPER: RAZ. */
	GUEST_SYNC(load32(EDGE_DIST + 2));
	/* The last 4 bytes of the distributor and 4 past it: the VMM's. */
	GUEST_SYNC(load64(EDGE_DIST + FRAME - 4));
	store64(EDGE_DIST + FRAME - 4, STORE_DATA);
	/* From vCPU 0's RD frame into its SGI frame: still one device, RAZ. */
	GUEST_SYNC(load64(EDGE_REDIST + FRAME - 4));
	/* Past the end of its SGI frame: the VMM's. */
	GUEST_SYNC(load64(EDGE_REDIST + 2 * FRAME - 4));
}

static void edges_gic(struct vmm_vm *vm)
{
	vmm_gic_init(vmm_gic_new_at(vm, EDGE_DIST, EDGE_REDIST, 0));
}

/* The next exit must be an 8-byte MMIO access at addr; a load gets data. */
static void expect_mmio(struct vmm_vcpu *vcpu, u64 addr, bool write, u64 data)
{
	struct kvm_run *run = vcpu->run;
	u64 v;

	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, addr);
	ASSERT_EQ(run->mmio.len, 8);
	ASSERT_EQ(run->mmio.is_write, write);
	if (write) {
		memcpy(&v, run->mmio.data, sizeof(v));
		ASSERT_EQ(v, data);
	} else {
		memcpy(run->mmio.data, &data, sizeof(data));
	}
}

TEST(accesses_crossing_the_end_of_a_vgic_frame_are_the_vmms)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_edges, 0);
	struct ucall uc;

	edges_gic(vm);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
	expect_mmio(vcpu, EDGE_DIST + FRAME - 4, false, LOAD_DATA);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], LOAD_DATA);
	expect_mmio(vcpu, EDGE_DIST + FRAME - 4, true, STORE_DATA);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 0);
	expect_mmio(vcpu, EDGE_REDIST + 2 * FRAME - 4, false, ~LOAD_DATA);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], ~LOAD_DATA);
	vmm_run_to_done(vcpu);
}
