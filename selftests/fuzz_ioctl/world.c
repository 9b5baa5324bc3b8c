// SPDX-License-Identifier: GPL-2.0
/*
 * The world the calls land in: two VMs (world 0 with the vGIC when the
 * target has one, world 1 without) of two vCPUs each, every vCPU running
 * fz_guest() in a thread of its own, as a VMM's would: answering MMIO
 * with random data, stepping over instructions without a syndrome,
 * bringing back vCPUs that were stopped or reset under it. A kicker
 * thread signals them (and the fuzzer thread while it is in KVM_RUN)
 * every millisecond or two, and sets immediate_exit now and then.
 *
 * The threads check what KVM_RUN gives: an errno KVM_RUN can give, an
 * exit reason of <linux/kvm.h>, MMIO of 1, 2, 4 or 8 bytes.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../lib/gic.h"
#include "../lib/test.h"
#include "../lib/vmm.h"
#include "fuzz.h"

#define READ_ONCE(x)	(*(volatile typeof(x) *)&(x))

/* The registers vmm_vcpu_new() sets, saved to reset a vCPU the same way. */
static const u64 reset_regs[] = {
	REG_SYS(3, 0, 10, 2, 0), REG_SYS(3, 0, 2, 0, 2), REG_SYS(3, 0, 2, 0, 0),
	REG_SYS(3, 0, 1, 0, 2), REG_SYS(3, 0, 12, 0, 0), REG_SYS(3, 0, 1, 0, 0),
	REG_SP_EL1, REG_PC, REG_X(0), REG_X(30),
};

struct vthread {
	pthread_t tid;
	int fd;				/* the thread's own copy of the vCPU file */
	struct kvm_run *run;
	volatile bool stop, live;
	volatile u32 scribbles;		/* odd while the fuzzer writes into run */
	unsigned int idx;
	u64 rng;
	u64 regs[ARRAY_SIZE(reset_regs)];
};

struct wvm {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu[FZ_WORLD_VCPUS];
	int gic;
	bool up;
	struct vthread th[FZ_WORLD_VCPUS];
};

static struct wvm world[FZ_WORLD_VMS];
static pthread_mutex_t world_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t kicker, fuzzer;
static volatile bool kicker_stop, fuzzer_in_run;
/*
 * Odd while the fuzzer is in a KVM_RUN of its own: on any vCPU, maybe a
 * world vCPU through a copy of its file, whose kvm_run the kernel then
 * rewrites under the world thread's reading.
 */
static volatile u32 fuzzer_runs;

#define RUN_ERRS	(E(EINTR) | E(EFAULT) | E(ENOEXEC) | E(ENOSYS) | E(EPERM) | E(EINVAL) | \
			 E(ENXIO) | E(EBUSY) | E(EIO) | E(ENOMEM) | E(EAGAIN))

static bool known_exit(u32 reason)
{
	/* Not KVM_EXIT_UNKNOWN: a KVM_RUN that succeeds says why it stopped. */
	switch (reason) {
	case KVM_EXIT_HYPERCALL: case KVM_EXIT_DEBUG:
	case KVM_EXIT_MMIO: case KVM_EXIT_INTR: case KVM_EXIT_FAIL_ENTRY:
	case KVM_EXIT_INTERNAL_ERROR: case KVM_EXIT_SYSTEM_EVENT: case KVM_EXIT_ARM_NISV:
	case KVM_EXIT_MEMORY_FAULT:
		return true;
	}
	return false;
}

static u64 trand(struct vthread *t)
{
	t->rng = t->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return t->rng >> 17;
}

static void vcpu_reg(struct vthread *t, u64 id, u64 *val, bool set)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	ioctl(t->fd, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &reg);
}

static void step_pc(struct vthread *t)
{
	u64 pc = 0;

	vcpu_reg(t, REG_PC, &pc, false);
	pc += 4;
	vcpu_reg(t, REG_PC, &pc, true);
}

/* Back to fz_guest() from the top; failures are the fuzzer's doing. */
static void vcpu_reset(struct vthread *t)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
				      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	unsigned int i;

	ioctl(t->fd, KVM_ARM_VCPU_INIT, &init);
	for (i = 0; i < ARRAY_SIZE(reset_regs); i++)
		vcpu_reg(t, reset_regs[i], &t->regs[i], true);
	ioctl(t->fd, KVM_SET_MP_STATE, &mp);
}

/*
 * What the thread read of kvm_run is what its own KVM_RUN left there: no
 * scribble and no KVM_RUN of the fuzzer's since before it.
 */
static u64 scribble_seq(struct vthread *t)
{
	return (u64)READ_ONCE(fuzzer_runs) << 32 | READ_ONCE(t->scribbles);
}

static bool unscribbled(struct vthread *t, u64 before)
{
	return !(before & (1ULL << 32 | 1)) && scribble_seq(t) == before;
}

static void run_exit(struct vthread *t, u64 scribbles)
{
	struct kvm_run *run = t->run;
	u32 reason = READ_ONCE(run->exit_reason), len = READ_ONCE(run->mmio.len);

	/* What was read is what the kernel wrote, or the thread goes on without it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (!unscribbled(t, scribbles))
		return;
	__atomic_add_fetch(&fz_sh->exits[reason < 64 ? reason : 63], 1, __ATOMIC_RELAXED);
	if (!known_exit(reason))
		fz_fail_thread("vCPU thread %u: KVM_RUN gave exit reason %u", t->idx, reason);
	switch (reason) {
	case KVM_EXIT_MMIO: {
		u64 data = trand(t) << 20 | trand(t);

		if (len != 1 && len != 2 && len != 4 && len != 8)
			fz_fail_thread("vCPU thread %u: MMIO exit of %u bytes at %#llx", t->idx,
				       len, (unsigned long long)run->mmio.phys_addr);
		if (run->mmio.phys_addr == FZ_MMIO_GPA && run->mmio.is_write)
			__atomic_add_fetch(&fz_sh->guest_progress, 1, __ATOMIC_RELAXED);
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &data, sizeof(data));
		break;
	}
	case KVM_EXIT_ARM_NISV:
		step_pc(t);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		vcpu_reset(t);
		break;
	}
}

static void run_error(struct vthread *t, int err)
{
	__atomic_add_fetch(&fz_sh->run_errs[err & 127], 1, __ATOMIC_RELAXED);
	if (err >= 128 || !(RUN_ERRS & E(err)))
		fz_fail_thread("vCPU thread %u: KVM_RUN failed with errno %d (%s)", t->idx, err,
			       strerrorname_np(err) ?: "?");
	if (err == ENOSYS) {
		step_pc(t);
		return;
	}
	/* A stopped or reset vCPU (PSCI, or the fuzzer's doing) comes back now and then. */
	if (err == EINTR ? !(trand(t) % 64) : !(trand(t) % 8))
		vcpu_reset(t);
	/*
	 * A VMM handles the signal before it runs again: without a pause
	 * here the thread takes the vCPU's mutex back at once, every time,
	 * and the fuzzer's own ioctls on the vCPU wait their turn for long.
	 */
	if (err == EINTR)
		sched_yield();
	else
		usleep(err == EIO ? 5000 : 200);
}

static void *vthread_fn(void *p)
{
	struct vthread *t = p;
	u64 scribbles;
	int ret, err;

	while (!t->stop) {
		scribbles = scribble_seq(t);
		fz_sh->run_since_ms[t->idx] = fz_now_ms();
		ret = ioctl(t->fd, KVM_RUN, 0);
		err = errno;
		fz_sh->run_since_ms[t->idx] = 0;
		t->run->immediate_exit = 0;
		__atomic_add_fetch(&fz_sh->runs, 1, __ATOMIC_RELAXED);
		if (ret)
			run_error(t, err);
		else
			run_exit(t, scribbles);
	}
	return NULL;
}

static void thread_start(struct wvm *w, unsigned int i, unsigned int idx)
{
	struct vthread *t = &w->th[i];
	struct vmm_vcpu *vcpu = w->vcpu[i];
	unsigned int r;
	char name[16];

	t->fd = ASSERT_OK(dup(vcpu->fd));
	fz_fd_mark(t->fd, true);
	t->run = vcpu->run;
	t->idx = idx;
	t->rng = fz_sh->seed + idx;
	t->stop = false;
	for (r = 0; r < ARRAY_SIZE(reset_regs); r++)
		vcpu_reg(t, reset_regs[r], &t->regs[r], false);
	pthread_mutex_lock(&world_lock);
	ASSERT_EQ(pthread_create(&t->tid, NULL, vthread_fn, t), 0);
	t->live = true;
	pthread_mutex_unlock(&world_lock);
	snprintf(name, sizeof(name), "fz-vcpu%u", idx);
	pthread_setname_np(t->tid, name);
}

void fz_world_start(unsigned int n)
{
	struct wvm *w = &world[n];
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER };
	unsigned int i;

	w->vm = vmm_vm_new();
	w->gic = -1;
	if (n == 0 && vmm_gic_probe(w->vm) == 0)
		w->gic = vmm_gic_new(w->vm, 128);
	for (i = 0; i < FZ_WORLD_VCPUS; i++)
		w->vcpu[i] = vmm_vcpu_new(w->vm, i, fz_guest,
					  (fz_sh->seed << 16) | (w->gic >= 0) << 8 | i);
	if (w->gic >= 0)
		vmm_gic_init(w->gic);
	/* World 0 takes instructions without a syndrome to the VMM, world 1 fails them. */
	if (n == 0)
		ASSERT_OK(ioctl(w->vm->fd, KVM_ENABLE_CAP, &cap));
	for (i = 0; i < FZ_WORLD_VCPUS; i++)
		fz_fd_mark(w->vcpu[i]->fd, true);
	fz_fd_mark(w->vm->fd, true);
	fz_fd_mark(w->vm->dev, true);
	fz_fd_mark(w->gic, true);
	/* The fuzzer's slots get copies; the world keeps its own. */
	fz_obj_set(FZ_DEV, n, ASSERT_OK(dup(w->vm->dev)));
	fz_obj_set(FZ_VM, n, ASSERT_OK(dup(w->vm->fd)));
	fz_obj_set(FZ_GIC, n, w->gic >= 0 ? ASSERT_OK(dup(w->gic)) : -1);
	for (i = 0; i < FZ_WORLD_VCPUS; i++) {
		fz_obj_set(FZ_VCPU, n * FZ_VCPUS_PER_VM + i, ASSERT_OK(dup(w->vcpu[i]->fd)));
		thread_start(w, i, n * FZ_WORLD_VCPUS + i);
	}
	w->up = true;
}

static void thread_stop(struct vthread *t)
{
	t->stop = true;
	while (!__atomic_load_n(&t->live, __ATOMIC_ACQUIRE))
		;
	/* Kick until it is out of KVM_RUN and gone. */
	for (;;) {
		pthread_mutex_lock(&world_lock);
		if (pthread_tryjoin_np(t->tid, NULL) == 0) {
			t->live = false;
			pthread_mutex_unlock(&world_lock);
			break;
		}
		pthread_kill(t->tid, SIGUSR1);
		pthread_mutex_unlock(&world_lock);
		usleep(1000);
	}
}

/*
 * The world's RAM is not unmapped but made PROT_NONE and kept: a copy of
 * the VM's files may survive in the fuzzer's slots, and its slot 0 must
 * never come to point at a mapping made later (a thread's stack).
 */
static void retire_ram(struct vmm_vm *vm)
{
	mmap(vm->ram, vm->ram_size, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS |
	     MAP_NORESERVE, -1, 0);
}

/* Closes the world's files in a random order, its memory before or after. */
void fz_world_stop(unsigned int n, struct fz_rng *r)
{
	struct wvm *w = &world[n];
	int fds[2 * FZ_WORLD_VCPUS + 3], nr = 0, i, j, tmp;
	bool ram_first = fz_percent(r, 30);

	if (!w->up)
		return;
	if (ram_first)
		retire_ram(w->vm);
	for (i = 0; i < FZ_WORLD_VCPUS; i++) {
		thread_stop(&w->th[i]);
		fds[nr++] = w->th[i].fd;
		fds[nr++] = w->vcpu[i]->fd;
	}
	fds[nr++] = w->vm->fd;
	fds[nr++] = w->vm->dev;
	if (w->gic >= 0)
		fds[nr++] = w->gic;
	for (i = nr - 1; i > 0; i--) {
		j = fz_below(r, i + 1);
		tmp = fds[i];
		fds[i] = fds[j];
		fds[j] = tmp;
	}
	for (i = 0; i < nr; i++) {
		close(fds[i]);
		fz_fd_mark(fds[i], false);
	}
	for (i = 0; i < FZ_WORLD_VCPUS; i++) {
		munmap(w->vcpu[i]->run, w->vm->run_size);
		free(w->vcpu[i]);
	}
	if (!ram_first)
		retire_ram(w->vm);
	free(w->vm);
	w->up = false;
}

static struct vthread *world_thread(unsigned int vcpu_slot)
{
	unsigned int n = vcpu_slot / FZ_VCPUS_PER_VM, i = vcpu_slot % FZ_VCPUS_PER_VM;

	if (n >= FZ_WORLD_VMS || i >= FZ_WORLD_VCPUS || !world[n].up)
		return NULL;
	return &world[n].th[i];
}

void fz_world_scribbling(unsigned int vcpu_slot)
{
	struct vthread *t = world_thread(vcpu_slot);

	if (t)
		__atomic_add_fetch(&t->scribbles, 1, __ATOMIC_SEQ_CST);
}

bool fz_world_scribble(unsigned int vcpu_slot, size_t off, u8 val)
{
	struct vthread *t = world_thread(vcpu_slot);

	if (!t)
		return false;
	fz_world_scribbling(vcpu_slot);
	((volatile u8 *)t->run)[off] = val;
	fz_world_scribbling(vcpu_slot);
	return true;
}

void fz_kick_me(bool on)
{
	__atomic_add_fetch(&fuzzer_runs, 1, __ATOMIC_SEQ_CST);
	fuzzer_in_run = on;
}

static void *kicker_fn(void *unused)
{
	u64 x = fz_sh->seed ^ 0x6b69636bULL;
	struct timespec ts = { 0 };
	unsigned int n, i;

	while (!kicker_stop) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		ts.tv_nsec = 1000000 + (x >> 40) % 2000000;
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&world_lock);
		for (n = 0; n < FZ_WORLD_VMS; n++) {
			for (i = 0; i < FZ_WORLD_VCPUS; i++) {
				struct vthread *t = &world[n].th[i];

				if (!t->live || t->stop)
					continue;
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				if ((x >> 33) & 1)
					pthread_kill(t->tid, SIGUSR1);
				else if (!((x >> 34) % 8))
					t->run->immediate_exit = 1;
			}
		}
		pthread_mutex_unlock(&world_lock);
		if (fuzzer_in_run)
			pthread_kill(fuzzer, SIGUSR1);
	}
	return NULL;
}

/*
 * The VMs besides the world's, none running: VM 2 with three vCPUs (one
 * initialised) and a vGIC not initialised; VM 3 with one vCPU and a vGIC
 * placed and initialised, whose state attributes work since no vCPU is
 * ever in KVM_RUN there for long. Built again now and then: a KVM_RUN
 * with the vGIC half set up kills a VM (every ioctl then EIO).
 */
void fz_bare_vm_build(unsigned int i)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
				      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	u64 dist = GIC_DIST_BASE, redist = GIC_REDIST_BASE;
	unsigned int n;
	int vm, fd;

	for (n = 0; n < FZ_VCPUS_PER_VM; n++)
		fz_obj_close(FZ_VCPU, i * FZ_VCPUS_PER_VM + n);
	fz_obj_close(FZ_GIC, i);
	vm = ASSERT_OK(ioctl(world[0].vm->dev, KVM_CREATE_VM, 0));
	fz_obj_set(FZ_VM, i, vm);
	for (n = 0; n < (i == 2 ? 3 : 1); n++) {
		fd = ASSERT_OK(ioctl(vm, KVM_CREATE_VCPU, n));
		fz_obj_set(FZ_VCPU, i * FZ_VCPUS_PER_VM + n, fd);
		if (n == 0)
			ASSERT_OK(ioctl(fd, KVM_ARM_VCPU_INIT, &init));
	}
	if (ioctl(vm, KVM_CREATE_DEVICE, &cd))
		return;
	fz_obj_set(FZ_GIC, i, cd.fd);
	if (i != 3)
		return;
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_V3_ADDR_TYPE_DIST, &dist));
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
				  KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist));
	ASSERT_OK(vmm_device_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
				  KVM_DEV_ARM_VGIC_CTRL_INIT, NULL));
}



void fz_world_start_all(void)
{
	unsigned int n;

	fuzzer = pthread_self();
	for (n = 0; n < FZ_WORLD_VMS; n++)
		fz_world_start(n);
	for (n = FZ_WORLD_VMS; n < FZ_NR_VM; n++)
		fz_bare_vm_build(n);
	ASSERT_EQ(pthread_create(&kicker, NULL, kicker_fn, NULL), 0);
	pthread_setname_np(kicker, "fz-kicker");
}

void fz_world_stop_all(void)
{
	struct fz_rng r;
	unsigned int n;

	kicker_stop = true;
	pthread_join(kicker, NULL);
	fz_rng_init(&r, fz_sh->seed, -1ULL);
	for (n = 0; n < FZ_WORLD_VMS; n++)
		fz_world_stop(n, &r);
}
