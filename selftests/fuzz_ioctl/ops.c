// SPDX-License-Identifier: GPL-2.0
/*
 * One call of the fuzzer: mostly an ioctl (table.c), else one of the
 * other things a VMM does to its files while vCPUs run: eventfds signalled,
 * drained, closed; the kvm_run page mapped at any offset and protection,
 * touched, scribbled on (the world's pages too, between exits) and
 * unmapped; the slot memory protected, replaced or dropped under the
 * guests; files closed, created, duplicated; a forked child poking the
 * parent's VMs (every VM, vCPU and device ioctl of another process must
 * fail with EIO); a VM torn down and built again.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/test.h"
#include "../lib/vmm.h"
#include "fuzz.h"

static void op_eventfd(struct fz_call *c)
{
	unsigned int slot = fz_obj_pick(&c->rng, FZ_EVENTFD);
	int fd = fz_obj_fd(FZ_EVENTFD, slot);
	u64 v = fz_percent(&c->rng, 90) ? 1 : fz_value(&c->rng);
	long r;

	switch (fz_below(&c->rng, 5)) {
	case 0 ... 1:
		fz_say(c, "eventfd[%u]=%d write %#llx", slot, fd, (unsigned long long)v);
		fz_record(c, false);
		r = write(fd, &v, sizeof(v));
		break;
	case 2:
		fz_say(c, "eventfd[%u]=%d read", slot, fd);
		fz_record(c, false);
		r = read(fd, &v, sizeof(v));
		break;
	case 3:
		fz_say(c, "eventfd[%u]=%d close", slot, fd);
		fz_record(c, false);
		fz_obj_close(FZ_EVENTFD, slot);
		r = 0;
		break;
	default:
		fz_say(c, "eventfd[%u] new", slot);
		fz_record(c, false);
		r = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC |
			       (fz_percent(&c->rng, 20) ? EFD_SEMAPHORE : 0));
		if (r >= 0)
			fz_obj_set(FZ_EVENTFD, slot, r);
	}
	fz_say(c, " -> %ld", r);
}

/* A byte of kvm_run the kernel reads or writes, or any of its first page. */
static size_t run_field(struct fz_rng *r)
{
	static const size_t fields[] = {
		offsetof(struct kvm_run, request_interrupt_window),
		offsetof(struct kvm_run, immediate_exit),
		offsetof(struct kvm_run, exit_reason),
		offsetof(struct kvm_run, flags),
		offsetof(struct kvm_run, mmio.phys_addr),
		offsetof(struct kvm_run, mmio.data),
		offsetof(struct kvm_run, mmio.len),
		offsetof(struct kvm_run, mmio.is_write),
		offsetof(struct kvm_run, kvm_valid_regs),
		offsetof(struct kvm_run, kvm_dirty_regs),
	};

	return fz_percent(r, 80) ? FZ_PICK(r, fields) + fz_below(r, 8) :
				   fz_below(r, sizeof(struct kvm_run));
}

static void run_map(struct fz_call *c, struct fz_obj *o, size_t len, off_t off, int prot)
{
	void *p = mmap(NULL, len, prot, fz_percent(&c->rng, 85) ? MAP_SHARED : MAP_PRIVATE,
		       o->fd, off);

	if (p == MAP_FAILED)
		return;
	if (o->run)
		munmap(o->run, o->run_len);
	o->run = p;
	o->run_len = len;
}

static void op_run_page(struct fz_call *c)
{
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ,
				     PROT_WRITE, PROT_READ | PROT_EXEC, PROT_NONE };
	unsigned int slot = fz_obj_pick(&c->rng, FZ_VCPU), i;
	struct fz_obj *o = fz_obj(FZ_VCPU, slot);
	size_t len = (1 + fz_below(&c->rng, 3)) * fz_page;
	off_t off = fz_percent(&c->rng, 70) ? 0 : fz_below(&c->rng, 4) * fz_page;
	int prot = FZ_PICK(&c->rng, prots), n = 0;

	switch (fz_below(&c->rng, 5)) {
	case 0:
		fz_say(c, "vcpu[%u]=%d mmap len=%#zx off=%#lx prot=%d", slot, o->fd, len,
		       (long)off, prot);
		fz_record(c, false);
		run_map(c, o, len, off, prot);
		break;
	case 1:
		fz_say(c, "vcpu[%u]=%d touch %p+%#zx", slot, o->fd, (void *)o->run, o->run_len);
		fz_record(c, false);
		fz_world_scribbling(slot);
		for (i = 0; o->run && i < o->run_len / fz_page; i++)
			n += fz_probe((u8 *)o->run + i * fz_page + fz_below(&c->rng, fz_page),
				      fz_percent(&c->rng, 50) ? 0 : -1);
		fz_world_scribbling(slot);
		break;
	case 2 ... 3:
		/* The world's page while its thread runs, or the fuzzer's own mapping. */
		i = run_field(&c->rng);
		n = fz_value(&c->rng) & 0xff;
		fz_say(c, "vcpu[%u] scribble run+%#x = %#x", slot, i, n);
		fz_record(c, false);
		if (fz_percent(&c->rng, 60) && fz_world_scribble(slot, i, n)) {
			n = 2;
		} else {
			fz_world_scribbling(slot);
			n = o->run ? fz_probe((u8 *)o->run + i, n) : -1;
			fz_world_scribbling(slot);
		}
		break;
	default:
		fz_say(c, "vcpu[%u] munmap run", slot);
		fz_record(c, false);
		if (o->run)
			munmap(o->run, o->run_len);
		o->run = NULL;
		break;
	}
	fz_say(c, " -> %d", n);
}

static void op_arena(struct fz_call *c)
{
	size_t pages = FZ_ARENA_SIZE / fz_page, first = fz_below(&c->rng, pages);
	size_t nr = 1 + fz_below(&c->rng, 64), i;
	u8 *p = fz_arena + first * fz_page;
	long r = 0;

	if (first + nr > pages)
		nr = pages - first;
	fz_say(c, "arena +%#zx %zu pages ", first * fz_page, nr);
	switch (fz_below(&c->rng, 6)) {
	case 0:
		fz_say(c, "PROT_NONE");
		fz_record(c, false);
		r = mprotect(p, nr * fz_page, PROT_NONE);
		break;
	case 1:
		fz_say(c, "PROT_READ");
		fz_record(c, false);
		r = mprotect(p, nr * fz_page, PROT_READ);
		break;
	case 2:
		fz_say(c, "PROT_READ|WRITE");
		fz_record(c, false);
		r = mprotect(p, nr * fz_page, PROT_READ | PROT_WRITE);
		break;
	case 3:
		/* Replaced in place: never a hole some other mapping could fill. */
		fz_say(c, "new mapping");
		fz_record(c, false);
		r = mmap(p, nr * fz_page, PROT_READ | PROT_WRITE,
			 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == p ? 0 : -1;
		break;
	case 4:
		fz_say(c, "MADV_DONTNEED");
		fz_record(c, false);
		r = madvise(p, nr * fz_page, MADV_DONTNEED);
		break;
	default:
		fz_say(c, "touch");
		fz_record(c, false);
		for (i = 0; i < nr; i++)
			r += fz_probe(p + i * fz_page, fz_u64(&c->rng) & 0xff);
		break;
	}
	fz_say(c, " -> %ld", r);
}

static enum fz_kind pick_kind(struct fz_rng *r)
{
	static const enum fz_kind kinds[] = { FZ_DEV, FZ_VM, FZ_VM, FZ_VM, FZ_VCPU, FZ_VCPU,
					      FZ_VCPU, FZ_GIC, FZ_GIC, FZ_EVENTFD, FZ_OTHER };

	return FZ_PICK(r, kinds);
}

static int create(struct fz_call *c, enum fz_kind k, unsigned int slot)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	unsigned int vm = k == FZ_VCPU ? slot / FZ_VCPUS_PER_VM : slot;

	switch (k) {
	case FZ_DEV:
		return open(vmm_dev_path(), O_RDWR | O_CLOEXEC);
	case FZ_VM:
		return ioctl(fz_obj_fd(FZ_DEV, slot), KVM_CREATE_VM, 0);
	case FZ_VCPU:
		return ioctl(fz_obj_fd(FZ_VM, vm), KVM_CREATE_VCPU, fz_below(&c->rng, 4));
	case FZ_GIC:
		if (ioctl(fz_obj_fd(FZ_VM, vm), KVM_CREATE_DEVICE, &cd))
			return -1;
		return cd.fd;
	case FZ_EVENTFD:
		return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	default:
		return fz_percent(&c->rng, 50) ? open("/dev/null", O_RDWR | O_CLOEXEC) :
		       dup(fz_obj_fd(pick_kind(&c->rng), fz_below(&c->rng, FZ_MAX_SLOTS)));
	}
}

static void op_files(struct fz_call *c, bool close_it)
{
	enum fz_kind k = pick_kind(&c->rng);
	unsigned int slot = fz_below(&c->rng, fz_nr_slots[k]);
	int fd;

	fz_say(c, "%s[%u]=%d %s", fz_kind_name[k], slot, fz_obj_fd(k, slot),
	       close_it ? "close" : "new");
	fz_record(c, false);
	if (close_it) {
		fz_obj_close(k, slot);
		return;
	}
	fd = create(c, k, slot);
	fz_say(c, " -> %d", fd);
	if (fd >= 0)
		fz_obj_set(k, slot, fd);
}

/* In the child: every VM, vCPU and vGIC ioctl must fail with EIO. */
static int child_pokes(struct fz_call *c)
{
	static const enum fz_kind kinds[] = { FZ_VM, FZ_VCPU, FZ_GIC };
	unsigned int i, j, bad = 0;

	for (i = 0; i < 8; i++) {
		enum fz_kind k = FZ_PICK(&c->rng, kinds);
		int fd = fz_obj_fd(k, fz_below(&c->rng, fz_nr_slots[k]));
		const struct fz_ioctl *io;
		long r;

		do
			io = &fz_ioctls[fz_below(&c->rng, fz_nr_ioctls)];
		while (io->kind != k || (io->flags & FZ_KVM));
		errno = 0;
		r = ioctl(fd, io->nr, 0);
		if (fd >= 0 && (r != -1 || errno != EIO)) {
			j = bad++ ? 0 : snprintf(fz_sh->ring[c->index % FZ_RING].text, FZ_DESC_MAX,
						  "child: %s on %s fd %d: %ld errno %d", io->name,
						  fz_kind_name[k], fd, r, errno);
			(void)j;
		}
	}
	return bad;
}

static void op_fork(struct fz_call *c)
{
	int status = 0, i;
	pid_t pid;

	fz_say(c, "fork and poke");
	fz_record(c, false);
	pid = fork();
	if (pid == 0)
		_exit(child_pokes(c));
	for (i = 0; pid > 0 && i < 1000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	if (pid < 0 || i == 1000 || !WIFEXITED(status) || WEXITSTATUS(status))
		fz_fail(c, "a forked child's ioctls on this process's files (%s)",
			fz_sh->ring[c->index % FZ_RING].text);
}

static void op_dup(struct fz_call *c)
{
	enum fz_kind k = pick_kind(&c->rng);
	int fd = fz_obj_fd(k, fz_below(&c->rng, fz_nr_slots[k])), r;

	fz_say(c, "dup %s fd %d", fz_kind_name[k], fd);
	fz_record(c, false);
	r = dup(fd);
	fz_say(c, " -> %d", r);
	if (r >= 0)
		fz_obj_adopt(FZ_OTHER, r);
}

static void op_world(struct fz_call *c)
{
	unsigned int w = fz_below(&c->rng, FZ_NR_VM);

	fz_say(c, "VM %u rebuilt", w);
	fz_record(c, false);
	if (w >= FZ_WORLD_VMS) {
		fz_bare_vm_build(w);
		return;
	}
	fz_world_stop(w, &c->rng);
	fz_world_start(w);
}

void fz_one(u64 seed, u64 index)
{
	static struct fz_call call;
	struct fz_call *c = &call;
	unsigned int x, op;
	u64 t;

	memset(c, 0, sizeof(*c));
	c->index = index;
	fz_rng_init(&c->rng, seed, index);
	x = fz_below(&c->rng, 1000);
	fz_sh->cur = index;
	t = fz_now_ms();
	fz_sh->call_start_ms = t;
	fz_sh->in_call = 1;
	op = x < 840 ? 0 : x < 870 ? 1 : x < 900 ? 2 : x < 930 ? 3 : x < 950 ? 4 :
	     x < 980 ? 5 : x < 993 ? 6 : x < 996 ? 7 : 8;
	switch (op) {
	case 0: fz_op_ioctl(c); break;
	case 1: op_eventfd(c); break;
	case 2: op_run_page(c); break;
	case 3: op_arena(c); break;
	case 4: op_files(c, true); break;
	case 5: op_files(c, false); break;
	case 6: op_fork(c); break;
	case 7: op_world(c); break;
	default: op_dup(c); break;
	}
	if (op)
		fz_record(c, true);
	fz_sh->op_ms[op] += fz_now_ms() - t;
	fz_sh->in_call = 0;
	fz_sh->nr_calls++;
}
