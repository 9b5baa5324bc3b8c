// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest (hostile_guest/hostile.h): four vCPUs at once sweep
 * every access form (every size of load and store, sign-extending loads,
 * acquire/release, pairs, pre- and post-index, exclusives, LSE atomics,
 * SIMD multiple-register and q-register pairs, DC ZVA, DC CIVAC) over the
 * edges of their RAM slots and across them, a read-only slot, addresses
 * with no slot (Normal and Device memory), every word of the vGIC's
 * distributor and redistributors and their ends, and the end of the IPA
 * space, data and instruction.
 *
 * The guest checks what it gets back (guest.c says what each access must
 * give, as KVM gives it); the VMM, one thread per vCPU, checks every exit
 * against the access the guest announced: address inside it, length and
 * direction, the data of stores; it answers MMIO loads with known bytes
 * and ARM_NISV exits by stepping over the instruction. Afterwards the
 * read-only slot must hold what it held. KVM ABI only.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"
#include "hostile_guest/hostile.h"

#define ESR_WNR		(1ULL << 6)

struct runner {
	struct vmm_vcpu *vcpu;
	unsigned int idx;
	pthread_t tid;
	u64 mmio, nisv, bad;
	bool done;
	char first_bad[256];
};

static void bad(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(r->first_bad, sizeof(r->first_bad), fmt, ap);
	va_end(ap);
}

static bool writes(u64 kind)
{
	return kind == HG_STORE || kind == HG_OTHER_STORE || kind == HG_ZVA;
}

/* An exit must belong to the access the vCPU announced. */
static void check_exit(struct runner *r, const struct hg_access *cur, struct kvm_run *run)
{
	bool mmio = run->exit_reason == KVM_EXIT_MMIO;
	u64 a = mmio ? run->mmio.phys_addr : run->arm_nisv.fault_ipa;
	const char *what = mmio ? "MMIO" : "ARM_NISV";

	if (!cur->must_exit)
		bad(r, "%s exit at %#llx for an access that must not exit ([%#llx, +%llu) kind %llu)",
		    what, (unsigned long long)a, (unsigned long long)cur->addr,
		    (unsigned long long)cur->size, (unsigned long long)cur->kind);
	if (a < cur->addr || a >= cur->addr + cur->size)
		bad(r, "%s exit at %#llx outside the access [%#llx, +%llu)", what,
		    (unsigned long long)a, (unsigned long long)cur->addr,
		    (unsigned long long)cur->size);
	if (!mmio) {
		if (cur->kind != HG_RMW && cur->kind != HG_SCX &&
		    !!(run->arm_nisv.esr_iss & ESR_WNR) != writes(cur->kind))
			bad(r, "ARM_NISV exit at %#llx: WnR %d for kind %llu", (unsigned long long)a,
			    !!(run->arm_nisv.esr_iss & ESR_WNR), (unsigned long long)cur->kind);
		return;
	}
	if (cur->kind != HG_LOAD && cur->kind != HG_STORE)
		return;
	if (run->mmio.len != cur->size || run->mmio.is_write != (cur->kind == HG_STORE))
		bad(r, "MMIO exit at %#llx: %u bytes, write %u, for [%#llx, +%llu) kind %llu",
		    (unsigned long long)a, run->mmio.len, run->mmio.is_write,
		    (unsigned long long)cur->addr, (unsigned long long)cur->size,
		    (unsigned long long)cur->kind);
	else if (run->mmio.is_write && memcmp(run->mmio.data, &cur->value, run->mmio.len))
		bad(r, "MMIO store at %#llx: data %#llx, the guest stored %#llx",
		    (unsigned long long)a, *(unsigned long long *)run->mmio.data,
		    (unsigned long long)cur->value);
}

/* A ucall: false once the guest is done (or broke). */
static bool ucall_exit(struct runner *r, struct kvm_run *run)
{
	struct ucall uc;
	u64 addr;

	memcpy(&addr, run->mmio.data, sizeof(addr));
	memcpy(&uc, vmm_gpa(r->vcpu->vm, addr), sizeof(uc));
	if (uc.cmd == UCALL_DONE) {
		r->done = true;
		return false;
	}
	bad(r, "guest %s: %#llx %#llx %#llx %#llx", uc.cmd == UCALL_ABORT ? "assertion" :
	    "exception (vector, ESR, ELR, FAR)", (unsigned long long)uc.args[0],
	    (unsigned long long)uc.args[1], (unsigned long long)uc.args[2],
	    (unsigned long long)uc.args[3]);
	return false;
}

static bool one_exit(struct runner *r)
{
	struct kvm_run *run = r->vcpu->run;
	struct hg_cpu *cpu = vmm_gpa(r->vcpu->vm, (uintptr_t)&hg_cpus[r->idx]);
	struct hg_access cur;
	unsigned int i;
	int ret = vmm_run(r->vcpu);

	cur = cpu->cur;
	if (ret) {
		bad(r, "KVM_RUN: %s at access [%#llx, +%llu)", strerrorname_np(-ret) ?: "?",
		    (unsigned long long)cur.addr, (unsigned long long)cur.size);
		return false;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (run->mmio.phys_addr == UCALL_MMIO)
			return ucall_exit(r, run);
		r->mmio++;
		check_exit(r, &cur, run);
		for (i = 0; !run->mmio.is_write && i < run->mmio.len && i < 8; i++)
			run->mmio.data[i] = hg_byte(run->mmio.phys_addr + i);
		break;
	case KVM_EXIT_ARM_NISV:
		r->nisv++;
		check_exit(r, &cur, run);
		/* What a VMM that cannot decode does: step over it. */
		vmm_set_reg(r->vcpu, REG_PC, vmm_get_reg(r->vcpu, REG_PC) + 4);
		break;
	default:
		bad(r, "exit %s (%u) at access [%#llx, +%llu)",
		    vmm_exit_reason_name(run->exit_reason), run->exit_reason,
		    (unsigned long long)cur.addr, (unsigned long long)cur.size);
		return false;
	}
	cpu->exits++;
	cpu->last_exit = run->exit_reason;
	return true;
}

static void *run_vcpu(void *p)
{
	struct runner *r = p;

	while (one_exit(r))
		;
	return NULL;
}

static const char *const fail_names[] = {
	[HG_OK] = "ok", [HG_EXITS] = "exits", [HG_EXCEPTION] = "exception",
	[HG_VALUE] = "loaded value", [HG_MEMORY] = "memory",
};

static void report_guest(const struct hg_cpu *c, unsigned int i)
{
	unsigned int n;

	vt_note("vCPU %u: %llu accesses, %llu exits, %llu external aborts, %llu alignment faults, "
		"%llu values checked", i, (unsigned long long)c->accesses,
		(unsigned long long)c->exits_seen, (unsigned long long)c->aborts,
		(unsigned long long)c->align_faults, (unsigned long long)c->values_checked);
	if (c->zero_extended)
		vt_note("vCPU %u: sign-extending MMIO loads of negative values: %llu sign-extended, "
			"%llu zero-extended", i, (unsigned long long)c->sign_extended,
			(unsigned long long)c->zero_extended);
	if (c->failures)
		vt_fail(__FILE__, __LINE__, "vCPU %u: %llu accesses failed, the first ones:", i,
			(unsigned long long)c->failures);
	for (n = 0; n < c->failures && n < HG_FAILS; n++)
		vt_note("  %s at IPA %#llx, form %llu: got %#llx, want %#llx",
			fail_names[c->fail[n].what < ARRAY_SIZE(fail_names) ? c->fail[n].what : 0],
			(unsigned long long)c->fail[n].addr, (unsigned long long)c->fail[n].form,
			(unsigned long long)c->fail[n].got, (unsigned long long)c->fail[n].want);
}

/* Per vCPU: a read-write and a read-only slot of two pages each, both of known bytes. */
static u8 *slots(struct vmm_vm *vm, unsigned int i, long page)
{
	u8 *mem = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long k;

	ASSERT_TRUE(mem != MAP_FAILED);
	for (k = 0; k < 4 * page; k++)
		mem[k] = hg_byte(HG_BASE(i) + k);
	vmm_set_memory(vm, 1 + 2 * i, 0, HG_BASE(i), 2 * page, mem);
	vmm_set_memory(vm, 2 + 2 * i, KVM_MEM_READONLY, HG_BASE(i) + 2 * page, 2 * page,
		       mem + 2 * page);
	return mem;
}

TEST_TIMEOUT(every_form_over_every_edge_on_four_vcpus, 300)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER };
	struct vmm_vm *vm = vmm_vm_new();
	struct runner r[HG_VCPUS] = { 0 };
	u64 accesses = 0, mmio = 0, nisv = 0;
	long page = getpagesize(), k;
	u8 *mem[HG_VCPUS];
	unsigned int i;
	int gic;

	gic = vmm_gic_new(vm, 0);
	ASSERT_OK(ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	for (i = 0; i < HG_VCPUS; i++) {
		mem[i] = slots(vm, i, page);
		r[i].vcpu = vmm_vcpu_new(vm, i, hg_guest,
					 page | (vmm_target_is_kvm() ? HG_ORACLE : 0));
		r[i].idx = i;
	}
	vmm_gic_init(gic);
	for (i = 0; i < HG_VCPUS; i++)
		ASSERT_EQ(pthread_create(&r[i].tid, NULL, run_vcpu, &r[i]), 0);
	for (i = 0; i < HG_VCPUS; i++)
		pthread_join(r[i].tid, NULL);

	vmm_sync_from_guest(vm, hg_cpus, sizeof(hg_cpus));
	for (i = 0; i < HG_VCPUS; i++) {
		if (r[i].bad)
			vt_fail(__FILE__, __LINE__, "vCPU %u: %llu bad exits; the first: %s", i,
				(unsigned long long)r[i].bad, r[i].first_bad);
		EXPECT_EQ(r[i].done, true);
		report_guest(&hg_cpus[i], i);
		EXPECT_EQ(hg_cpus[i].failures, 0);
		accesses += hg_cpus[i].accesses;
		mmio += r[i].mmio;
		nisv += r[i].nisv;
		/* Nothing wrote to read-only memory. */
		for (k = 2 * page; k < 4 * page; k++)
			if (mem[i][k] != hg_byte(HG_BASE(i) + k))
				break;
		EXPECT_EQ(k, 4 * page);
	}
	vt_note("%llu accesses, %llu MMIO and %llu ARM_NISV exits", (unsigned long long)accesses,
		(unsigned long long)mmio, (unsigned long long)nisv);
}
