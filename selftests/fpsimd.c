// SPDX-License-Identifier: GPL-2.0
/*
 * FP/SIMD state across exits: the guest fills V0-V31 and FPCR, exits
 * thousands of times while host threads on every CPU compute with their
 * own FP/SIMD registers, and both sides find their values intact. The
 * VMM sees the guest's V registers through ONE_REG. KVM ABI only.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define EXITS		4000
#define FP_MMIO		(UCALL_MMIO + 16)
/* FPCR: round towards zero (RMode 0b11) and flush-to-zero (FZ). */
#define GUEST_FPCR	((3ULL << 22) | (1ULL << 24))

/* V0-V31 after the loop, and FPCR, written by the guest. */
static u64 saved[64 + 1] __attribute__((aligned(16), used));
static const u64 pattern[64] __attribute__((aligned(16), used)) = {
#define P(n) 0x0101010101010101ULL * (n), 0xa5a5a5a5a5a5a5a5ULL ^ (n)
	P(1), P(2), P(3), P(4), P(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12),
	P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21), P(22), P(23),
	P(24), P(25), P(26), P(27), P(28), P(29), P(30), P(31), P(32),
#undef P
};

/* All in assembly: no compiled code may touch the V registers between. */
void guest_fp_loop(u64 exits);
asm(".text\n"
    ".global guest_fp_loop\n"
    "guest_fp_loop:\n"
    "	adrp	x1, pattern\n"
    "	add	x1, x1, :lo12:pattern\n"
    "	ldp	q0, q1, [x1, #0]\n	ldp	q2, q3, [x1, #32]\n"
    "	ldp	q4, q5, [x1, #64]\n	ldp	q6, q7, [x1, #96]\n"
    "	ldp	q8, q9, [x1, #128]\n	ldp	q10, q11, [x1, #160]\n"
    "	ldp	q12, q13, [x1, #192]\n	ldp	q14, q15, [x1, #224]\n"
    "	ldp	q16, q17, [x1, #256]\n	ldp	q18, q19, [x1, #288]\n"
    "	ldp	q20, q21, [x1, #320]\n	ldp	q22, q23, [x1, #352]\n"
    "	ldp	q24, q25, [x1, #384]\n	ldp	q26, q27, [x1, #416]\n"
    "	ldp	q28, q29, [x1, #448]\n	ldp	q30, q31, [x1, #480]\n"
    "	mov	x2, #0x1c00000\n"		/* GUEST_FPCR */
    "	msr	fpcr, x2\n"
    "	movz	x3, #0x3000, lsl #16\n"		/* UCALL_MMIO */
    "1:	str	x0, [x3, #16]\n"		/* FP_MMIO: an exit */
    "	subs	x0, x0, #1\n"
    "	b.ne	1b\n"
    "	adrp	x1, saved\n"
    "	add	x1, x1, :lo12:saved\n"
    "	stp	q0, q1, [x1, #0]\n	stp	q2, q3, [x1, #32]\n"
    "	stp	q4, q5, [x1, #64]\n	stp	q6, q7, [x1, #96]\n"
    "	stp	q8, q9, [x1, #128]\n	stp	q10, q11, [x1, #160]\n"
    "	stp	q12, q13, [x1, #192]\n	stp	q14, q15, [x1, #224]\n"
    "	stp	q16, q17, [x1, #256]\n	stp	q18, q19, [x1, #288]\n"
    "	stp	q20, q21, [x1, #320]\n	stp	q22, q23, [x1, #352]\n"
    "	stp	q24, q25, [x1, #384]\n	stp	q26, q27, [x1, #416]\n"
    "	stp	q28, q29, [x1, #448]\n	stp	q30, q31, [x1, #480]\n"
    "	mrs	x2, fpcr\n"
    "	str	x2, [x1, #512]\n"
    "	b	guest_return\n");

static atomic_bool stop;
static atomic_int host_errors;

typedef double v2d __attribute__((vector_size(16)));

/* A host thread on one CPU: vector arithmetic with known results. */
static void *hammer(void *arg)
{
	long cpu = (long)arg;
	volatile v2d a = { 1.5 + cpu, -2.25 }, b = { 0.5, 4.0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!atomic_load(&stop)) {
		v2d c = a * b + a;

		if (c[0] != (1.5 + cpu) * 1.5 || c[1] != -11.25)
			atomic_fetch_add(&host_errors, 1);
	}
	return NULL;
}

TEST_TIMEOUT(fpsimd_state_survives_exits_and_host_fp_use, 600)
{
	long i, ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_fp_loop, EXITS);
	struct kvm_run *run = vcpu->run;
	pthread_t threads[64];
	u64 v[2] = { 0, 0 };
	struct kvm_one_reg reg = { .id = REG_V(7), .addr = (uintptr_t)v };

	ASSERT_LE(ncpus, 64);
	for (i = 0; i < ncpus; i++)
		ASSERT_EQ(pthread_create(&threads[i], NULL, hammer, (void *)i), 0);
	for (i = 0; i < EXITS; i++) {
		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		ASSERT_EQ(run->mmio.phys_addr, FP_MMIO);
		if (i == EXITS / 2) {
			/* The VMM's view of V7, in the middle of it all. */
			ASSERT_OK(ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg));
			ASSERT_EQ(v[0], pattern[14]);
			ASSERT_EQ(v[1], pattern[15]);
		}
	}
	vmm_run_to_done(vcpu);
	atomic_store(&stop, true);
	for (i = 0; i < ncpus; i++)
		pthread_join(threads[i], NULL);

	vmm_sync_from_guest(vm, saved, sizeof(saved));
	for (i = 0; i < 64; i++)
		if (saved[i] != pattern[i])
			vt_fail(__FILE__, __LINE__, "guest V%ld half %ld: %#llx, want %#llx",
				i / 2, i % 2, (unsigned long long)saved[i],
				(unsigned long long)pattern[i]);
	ASSERT_EQ(saved[64] & GUEST_FPCR, GUEST_FPCR);
	ASSERT_EQ(atomic_load(&host_errors), 0);
}
