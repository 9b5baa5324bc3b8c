/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl fuzzer of selftests/fuzz_ioctl.c, its parts:
 *
 *   rng.c      one random stream per call, from (seed, index) alone;
 *              interesting values; the argument areas and pointer classes
 *   objects.c  the table of files the calls aim at, by kind and slot
 *   world.c    two VMs whose vCPUs run in threads, kicked by a third
 *   guest.c    what those vCPUs run
 *   table.c    every ioctl number the fuzzer knows, the errnos each may
 *              give, one call made and checked
 *   gen_*.c    structured arguments per ioctl
 *   ops.c      the other actions: eventfds, kvm_run mappings, the slot
 *              memory, closes, creations, forks, VM restarts
 *
 * Call i draws everything from a stream seeded by (seed, i) only, so
 * "--seed S --from I" makes the same calls from I on (on a fresh world:
 * the objects they aim at may differ), and "-v" prints each call before
 * it is made. The vCPU threads and the kicker are not reproducible.
 */
#ifndef VHV_FUZZ_H
#define VHV_FUZZ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "../lib/guest.h"
#include "../lib/test.h"

/* ---- random numbers ---- */

struct fz_rng {
	u64 s;
};

void fz_rng_init(struct fz_rng *r, u64 seed, u64 index);
u64 fz_u64(struct fz_rng *r);
u64 fz_below(struct fz_rng *r, u64 n);		/* [0, n), n > 0 */
bool fz_percent(struct fz_rng *r, unsigned int p);
u64 fz_value(struct fz_rng *r);			/* 0, -1, 2^n +- 1, small, random */
void fz_fill(struct fz_rng *r, void *buf, size_t len);
#define FZ_PICK(r, arr)	((arr)[fz_below((r), ARRAY_SIZE(arr))])

/* ---- errno sets ---- */

typedef unsigned __int128 fz_errs;
#define E(x)		((fz_errs)1 << (x))
/* Everything an ioctl of KVM's can plausibly give; EINTR only where asked. */
#define FZ_ERRS_ANY	(E(EPERM) | E(ENOENT) | E(EIO) | E(ENXIO) | E(E2BIG) | E(ENOEXEC) | \
			 E(EBADF) | E(EAGAIN) | E(ENOMEM) | E(EACCES) | E(EFAULT) | E(EBUSY) | \
			 E(EEXIST) | E(ENODEV) | E(EINVAL) | E(ENOTTY) | E(ENOSPC) | E(ERANGE) | \
			 E(ENOSYS) | E(EOPNOTSUPP))

/* ---- the files ---- */

enum fz_kind { FZ_DEV, FZ_VM, FZ_VCPU, FZ_GIC, FZ_EVENTFD, FZ_OTHER, FZ_NR_KINDS };

#define FZ_NR_VM		4
#define FZ_VCPUS_PER_VM		3
#define FZ_MAX_SLOTS		(FZ_NR_VM * FZ_VCPUS_PER_VM)

struct fz_obj {
	int fd;			/* -1: empty */
	struct kvm_run *run;	/* a vCPU's page as the fuzzer mapped it, or NULL */
	size_t run_len;
};

extern const unsigned int fz_nr_slots[FZ_NR_KINDS];
extern const char *const fz_kind_name[FZ_NR_KINDS];

int fz_obj_fd(enum fz_kind kind, unsigned int slot);
struct fz_obj *fz_obj(enum fz_kind kind, unsigned int slot);
/* A slot of the kind: an open one mostly, an empty one now and then. */
unsigned int fz_obj_pick(struct fz_rng *r, enum fz_kind kind);
/* Puts fd in the slot, closing what was there. */
void fz_obj_set(enum fz_kind kind, unsigned int slot, int fd);
void fz_obj_close(enum fz_kind kind, unsigned int slot);
/* The first empty vCPU slot of VM slot vm (then of any VM), or -1. */
int fz_obj_free_vcpu(unsigned int vm);
/* A file a call created: into kind's free slot (or OTHER's), else closed. */
void fz_obj_adopt(enum fz_kind kind, int fd);
/* Whether fd is one the fuzzer knows about (it opened or inherited it). */
bool fz_fd_known(int fd);
void fz_fd_mark(int fd, bool known);
void fz_objects_init(void);
void fz_objects_close_all(void);

/* ---- memory the calls point into ---- */

enum fz_ptr {
	FZ_PTR_OK,		/* aligned, mapped read-write */
	FZ_PTR_UNALIGNED,	/* mapped, at an odd address */
	FZ_PTR_END,		/* ends on the last byte before a PROT_NONE page */
	FZ_PTR_RO,		/* a read-only page: reads work, writes fault */
	FZ_PTR_STRADDLE,	/* starts mapped, ends on the PROT_NONE page */
	FZ_PTR_PROTNONE,	/* on the PROT_NONE page */
	FZ_PTR_NULL,
	FZ_PTR_LOW,		/* below mmap_min_addr */
	FZ_PTR_KERNEL,		/* the kernel's half */
	FZ_PTR_NONCANON,	/* past the user address space */
	FZ_NR_PTR,
};

/* Whether the kernel can read all of a buffer of this class. */
static inline bool fz_ptr_readable(enum fz_ptr p)
{
	return p <= FZ_PTR_RO;
}

/* A: the call's own argument (checked for writes outside it); B: what it points to. */
enum fz_area_id { FZ_AREA_A, FZ_AREA_B };

void fz_areas_init(void);
/* Fills area A with the canary before a call. */
void fz_area_a_reset(void);
/* The first byte of area A outside [off, off + len) that lost its canary, or -1. */
long fz_area_a_check(size_t off, size_t len);

/* The slot memory: user addresses the memory-region calls hand out. */
#define FZ_ARENA_SIZE	(32UL << 20)
extern u8 *fz_arena;
extern long fz_page;

/* ---- one call ---- */

#define FZ_DESC_MAX	320
#define FZ_BUF_MAX	4096

struct fz_ioctl;

struct fz_call {
	u64 index;
	struct fz_rng rng;
	char desc[FZ_DESC_MAX];
	size_t len;
	/* the target */
	enum fz_kind kind;
	unsigned int slot;
	int fd;
	/* the ioctl */
	const struct fz_ioctl *io;
	unsigned long nr;
	unsigned long arg;
	u8 buf[FZ_BUF_MAX];	/* the argument as generated, before it is placed */
	size_t size;		/* its size */
	bool in_a;		/* arg points into area A: check the canary */
	size_t a_off, a_len;	/* where, and how much the kernel may write */
	bool bad_ptr;		/* some pointer is not plain read-write memory: EFAULT is fine */
	enum fz_ptr arg_cls;	/* where arg points (FZ_PTR_OK for a value) */
	enum fz_ptr last_cls;	/* what fz_place() chose last */
	size_t last_mapped;	/* and how many bytes of it the kernel can reach */
	fz_errs ok;		/* errnos it may give */
	long ret;
	int err;
};

void fz_say(struct fz_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A user address of size bytes in an area, with bytes src copied there as far as
 * mapped; says where in the description and notes an unreadable one. */
u64 fz_place(struct fz_call *c, enum fz_area_id area, const void *src, size_t size);
/* c->buf as the call's argument, in area A. */
void fz_place_arg(struct fz_call *c);
/* A pointer for a value the kernel reads or writes (ONE_REG, attrs). */
u64 fz_ind(struct fz_call *c, size_t size);

/* ---- the ioctls ---- */

enum {
	FZ_IN = 1,		/* the kernel reads the struct at arg */
	FZ_OUT = 2,		/* it writes it */
	FZ_INT = 4,		/* arg is a value, not a pointer */
	FZ_VAR = 8,		/* it may write past _IOC_SIZE (a variable array) */
	FZ_KVM = 16,		/* KVM's, vhv has not got it */
	FZ_RETFD = 32,		/* success gives a new file descriptor */
};

typedef void fz_gen_fn(struct fz_call *c);

struct fz_ioctl {
	const char *name;
	unsigned long nr;
	enum fz_kind kind;
	unsigned int flags;
	fz_errs errs;
	fz_gen_fn *gen;		/* NULL: random bytes of _IOC_SIZE */
};

extern const struct fz_ioctl fz_ioctls[];
extern const unsigned int fz_nr_ioctls;

void fz_op_ioctl(struct fz_call *c);

/* Generators (gen_*.c). */
fz_gen_fn fz_gen_api_version, fz_gen_check_ext, fz_gen_create_vm, fz_gen_int0;
fz_gen_fn fz_gen_create_vcpu, fz_gen_memory, fz_gen_memory2, fz_gen_enable_cap;
fz_gen_fn fz_gen_create_device, fz_gen_counter_offset, fz_gen_irq_line, fz_gen_irqfd;
fz_gen_fn fz_gen_gsi_routing, fz_gen_ioeventfd, fz_gen_coalesced, fz_gen_signal_mask, fz_gen_dirty_log;
fz_gen_fn fz_gen_vcpu_init, fz_gen_one_reg, fz_gen_reg_list, fz_gen_mp_state;
fz_gen_fn fz_gen_vcpu_events, fz_gen_vcpu_attr, fz_gen_gic_attr, fz_gen_finalize;
fz_gen_fn fz_gen_vm_attr, fz_gen_guest_debug;

/* ONE_REG ids the target listed, for generators. */
void fz_reg_ids_learn(int vcpu_fd);
u64 fz_reg_id(struct fz_rng *r);
/* A vCPU id in use, mostly; MPIDR affinity of one for the vGIC attrs. */
u32 fz_vcpu_id(struct fz_rng *r);

/* ---- other actions (ops.c) ---- */

void fz_one(u64 seed, u64 index);

/* ---- the world (world.c) ---- */

#define FZ_WORLD_VMS		2
#define FZ_WORLD_VCPUS		2
#define FZ_NR_THREADS		(FZ_WORLD_VMS * FZ_WORLD_VCPUS)
/* Where the world's guests look for memory the fuzzer gives them. */
#define FZ_WINDOW_GPA		0x08000000ULL
#define FZ_WINDOW_SIZE		(32ULL << 20)
#define FZ_MMIO_GPA		0x30010000ULL

void fz_world_start(unsigned int w);
void fz_world_stop(unsigned int w, struct fz_rng *r);
void fz_world_start_all(void);
void fz_bare_vm_build(unsigned int vm_slot);
void fz_world_stop_all(void);
/* Writes val at off into the kvm_run page of the world vCPU of this slot
 * while its thread runs; false if the slot is not a world vCPU's. */
bool fz_world_scribble(unsigned int vcpu_slot, size_t off, u8 val);
/*
 * Around any other write into a page that may be that vCPU's kvm_run (the
 * fuzzer's own mapping of it): its thread then ignores what it reads there.
 */
void fz_world_scribbling(unsigned int vcpu_slot);
/* The fuzzer thread is in KVM_RUN: the kicker signals it too. */
void fz_kick_me(bool on);

/* Guest side (guest.c). */
void fz_guest(u64 arg);
void fz_guest_parked(u64 unused);

/* ---- what the parent process sees (shared memory) ---- */

#define FZ_RING		16

struct fz_shared {
	u64 seed, calls, from;
	bool verbose, kmsg, stats;
	/* the call in progress */
	volatile u64 cur;
	volatile int in_call;
	volatile u64 call_start_ms;
	/* each vCPU thread: in KVM_RUN since (ms), 0 when out */
	volatile u64 run_since_ms[FZ_NR_THREADS];
	struct {
		u64 index;
		char text[FZ_DESC_MAX];
	} ring[FZ_RING];
	/* results */
	u64 failures;
	u64 ms;				/* how long the calls took */
	u64 io_ok[128], io_calls[128];	/* per fz_ioctls[] entry */
	u64 io_err[128][64];
	u64 io_ms[128], io_max_ms[128], op_ms[16];	/* time in calls, longest call */
	u64 nr_ok, nr_err[128], nr_calls;
	u64 runs, exits[64], run_errs[128];
	u64 guest_progress;
};

extern struct fz_shared *fz_sh;
extern bool fz_target_kvm;

u64 fz_now_ms(void);
/* A check that failed: counted, printed (the first ones), with the call. */
void fz_fail(const struct fz_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same from a vCPU thread, async-signal-safe enough: no call attached. */
void fz_fail_thread(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fz_ring_print(void);
/* The call's text into the ring (and printed, with -v; to /dev/kmsg, with --kmsg)
 * before it is made, so that a host that dies in it still says what it was. */
void fz_record(struct fz_call *c, bool after);
/* Sets up the SIGUSR1 (kick) and SIGSEGV/SIGBUS (probe) handlers. */
void fz_signals_init(void);
/* Reads a byte (and writes wr there unless it is -1); false if that faulted. */
bool fz_probe(volatile u8 *p, int wr);

#endif /* VHV_FUZZ_H */
