// SPDX-License-Identifier: GPL-2.0
/*
 * VMIDs: more VMs alive and running at once than 8 bits of VMID can tell
 * apart, each seeing only its own memory. On a CPU with 16-bit VMIDs whose
 * hypervisor left VTCR_EL2.VS clear, VM n and VM n + 256 would share TLB
 * entries; with max_vmids=4 (the vhv-6.12-eager boot) the same run makes
 * VMID generations roll over hundreds of times. TCG tags no TLB entry by
 * VMID, so on the emulated hosts this shows the allocator and rollovers
 * right, not the VS bit itself: vhv checks that at load (mmu/vmid.c).
 * KVM ABI only.
 */
#include <sys/resource.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define NR_VMS		300
#define ROUNDS		6
/* Pages of its own each VM reads and writes, 64K apart: distinct pages
 * whatever the host's page size.
 */
#define OWN_PAGES	4
#define OWN_STRIDE	0x10000ULL

/* What VM id finds at the start of its page p in round r. */
static inline u64 own_tag(u64 id, u64 round, u64 p)
{
	return 0x5a00000000000000ULL | id << 24 | round << 8 | p;
}

static void guest_own_memory(u64 id)
{
	u64 round, p;

	for (round = 0;; round++) {
		for (p = 0; p < OWN_PAGES; p++) {
			volatile u64 *m = (volatile u64 *)(GUEST_SCRATCH + p * OWN_STRIDE);

			GUEST_ASSERT_EQ(m[0], own_tag(id, round, p));
			m[1] = ~own_tag(id, round, p);
			GUEST_ASSERT_EQ(m[1], ~own_tag(id, round, p));
		}
		GUEST_SYNC2(id, round);
	}
}

struct own_vm {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu;
	u64 id;
	u64 round;
};

static void own_vm_start(struct own_vm *o, u64 id)
{
	o->vm = vmm_vm_new_cow();
	o->vcpu = vmm_vcpu_new(o->vm, 0, guest_own_memory, id);
	o->id = id;
	o->round = 0;
}

static void own_vm_stop(struct own_vm *o)
{
	vmm_vcpu_free(o->vcpu);
	vmm_vm_free(o->vm);
}

/* One round of one VM: new values in, the guest's checks, its writes out. */
static void own_vm_round(struct own_vm *o)
{
	struct ucall uc;
	u64 p;

	for (p = 0; p < OWN_PAGES; p++) {
		u64 *m = vmm_gpa(o->vm, GUEST_SCRATCH + p * OWN_STRIDE);

		*m = own_tag(o->id, o->round, p);
	}
	ASSERT_EQ(vmm_run_ucall(o->vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], o->id);
	ASSERT_EQ(uc.args[1], o->round);
	for (p = 0; p < OWN_PAGES; p++)
		ASSERT_EQ(*(u64 *)vmm_gpa(o->vm, GUEST_SCRATCH + p * OWN_STRIDE + 8),
			  ~own_tag(o->id, o->round, p));
	o->round++;
}

/* Three fds a VM (device, VM, vCPU): more than the default 1024 in all. */
static void raise_fd_limit(void)
{
	struct rlimit r;

	ASSERT_OK(getrlimit(RLIMIT_NOFILE, &r));
	r.rlim_cur = r.rlim_max;
	ASSERT_OK(setrlimit(RLIMIT_NOFILE, &r));
	ASSERT_GE(r.rlim_cur, 3 * NR_VMS + 64);
}

TEST_TIMEOUT(vms_beyond_256_alive_at_once_see_only_their_own_memory, 300)
{
	static struct own_vm vms[NR_VMS];
	u64 next_id = 0;
	int i, r;

	raise_fd_limit();
	for (i = 0; i < NR_VMS; i++)
		own_vm_start(&vms[i], next_id++);
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < NR_VMS; i++)
			own_vm_round(&vms[i]);
		/* Halfway, every third VM goes and a new one takes its place:
		 * its VMID is freed and handed out again among live VMs.
		 */
		if (r != ROUNDS / 2)
			continue;
		for (i = 0; i < NR_VMS; i += 3) {
			own_vm_stop(&vms[i]);
			own_vm_start(&vms[i], next_id++);
		}
	}
	for (i = 0; i < NR_VMS; i++)
		own_vm_stop(&vms[i]);
}
