// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded, reproducible ioctl fuzzer (its parts: fuzz_ioctl/fuzz.h).
 * Every kind of file a VMM holds (the device, VMs, vCPUs, the vGIC
 * device, eventfds, kvm_run mappings), every ioctl number vhv serves and
 * KVM's others, random numbers of KVM's type and others; arguments NULL,
 * in the kernel's half, unmapped, read-only, straddling onto a PROT_NONE
 * page, huge, or structured and slightly off; while two VMs' vCPUs run in
 * threads and are kicked, and files close at random.
 *
 * The test passes when every call gave success or an errno it may give
 * (fuzz_ioctl/table.c says which), no call wrote outside its argument,
 * no call or KVM_RUN hung (30 s), the process was not killed, and,
 * afterwards, a new VM still runs a guest and (vhv) every VM was freed:
 * the module's reference count is back to zero. The boot's kernel-log
 * check catches oopses, warnings and lockups. KVM ABI only: it runs on
 * the oracle as it does on vhv.
 *
 * Arguments: --seed S, --calls N (make calls up to N), --from I (start
 * at call I: each call draws from (S, its index) alone, so these are the
 * same calls as in the full run, on a fresh world), -v (print each call
 * before it is made), --kmsg (write it to the kernel log too, so that it
 * lands in the console beside an oops), --stats (how often each ioctl of
 * the table succeeded, and its errnos). VHV_FUZZ_SEED, VHV_FUZZ_CALLS,
 * VHV_FUZZ_FROM, VHV_FUZZ_VERBOSE=1, VHV_FUZZ_KMSG=1 and VHV_FUZZ_STATS=1
 * in the environment, or the same names in lower case on the kernel
 * command line (run-tests --append), do the same.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"
#include "fuzz_ioctl/fuzz.h"

/*
 * In a test run: seed 1 for 3000 calls on vhv-6.12 and the KVM oracle (the
 * same calls on both), and on every other boot 1000 calls with a seed of
 * its own, from its name, so that each run of the matrix covers more
 * (each of those seeds was run against the oracle too).
 */
#define CI_SEED		1
#define CI_CALLS	3000
#define CI_CALLS_OTHER	1000

static bool main_boot(void)
{
	const char *boot = getenv("vhv_boot");

	return !boot || !strcmp(boot, "vhv-6.12") || !strcmp(boot, "kvm-6.12");
}

/* FNV-1a of the boot's name. */
static u64 boot_seed(void)
{
	const char *boot = getenv("vhv_boot");
	u64 h = 0xcbf29ce484222325ULL;

	if (main_boot())
		return CI_SEED;
	while (*boot)
		h = (h ^ (u8)*boot++) * 0x100000001b3ULL;
	return h & 0xffffffff;
}
#define STUCK_MS	30000

struct fz_shared *fz_sh;
bool fz_target_kvm;
static int kmsg_fd = -1;

u64 fz_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

void fz_ring_print(void)
{
	u64 cur = fz_sh->cur, i = cur >= FZ_RING ? cur - FZ_RING + 1 : 0;

	printf("# the last calls (seed %llu):\n", (unsigned long long)fz_sh->seed);
	for (; i <= cur; i++)
		if (fz_sh->ring[i % FZ_RING].index == i && fz_sh->ring[i % FZ_RING].text[0])
			printf("#   %llu: %s\n", (unsigned long long)i, fz_sh->ring[i % FZ_RING].text);
	printf("# replay: fuzz_ioctl --seed %llu --calls %llu --from %llu -v\n",
	       (unsigned long long)fz_sh->seed, (unsigned long long)cur + 1,
	       (unsigned long long)(cur >= FZ_RING ? cur - FZ_RING + 1 : 0));
	fflush(stdout);
}

void fz_record(struct fz_call *c, bool after)
{
	if (!after && fz_sh->verbose)
		printf("# %llu: %s\n", (unsigned long long)c->index, c->desc);
	if (!after && kmsg_fd >= 0)
		dprintf(kmsg_fd, "vhv-fuzz: %llu: %s\n", (unsigned long long)c->index, c->desc);
	snprintf(fz_sh->ring[c->index % FZ_RING].text, FZ_DESC_MAX, "%s", c->desc);
	fz_sh->ring[c->index % FZ_RING].index = c->index;
}

void fz_fail(const struct fz_call *c, const char *fmt, ...)
{
	u64 n = __atomic_add_fetch(&fz_sh->failures, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (n > 10)
		return;
	printf("# FAIL call %llu: ", (unsigned long long)c->index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n#   %s\n", c->desc);
	if (n == 1)
		fz_ring_print();
	fflush(stdout);
}

void fz_fail_thread(const char *fmt, ...)
{
	u64 n = __atomic_add_fetch(&fz_sh->failures, 1, __ATOMIC_RELAXED);
	va_list ap;

	if (n > 10)
		return;
	printf("# FAIL near call %llu: ", (unsigned long long)fz_sh->cur);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- signals ---- */

/* volatile: set before the access that may fault, as the compiler wrote it. */
static __thread sigjmp_buf *volatile probe_jmp;

static void on_kick(int sig)
{
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	if (probe_jmp)
		siglongjmp(*probe_jmp, 1);
	/* Not a probe: the fuzzer itself is broken; die of it, the parent reports. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void fz_signals_init(void)
{
	struct sigaction kick = { .sa_handler = on_kick, .sa_flags = SA_RESTART };
	struct sigaction fault = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };

	ASSERT_OK(sigaction(SIGUSR1, &kick, NULL));
	ASSERT_OK(sigaction(SIGSEGV, &fault, NULL));
	ASSERT_OK(sigaction(SIGBUS, &fault, NULL));
}

bool fz_probe(volatile u8 *p, int wr)
{
	sigjmp_buf jb;
	u8 v;

	if (sigsetjmp(jb, 1)) {
		probe_jmp = NULL;
		return false;
	}
	probe_jmp = &jb;
	v = *p;
	if (wr >= 0)
		*p = wr;
	probe_jmp = NULL;
	(void)v;
	return true;
}

/* ---- the fuzzing process ---- */

static const char *errname(int err)
{
	return strerrorname_np(err) ?: "?";
}

static void print_counts(const char *what, const u64 *count, unsigned int n, bool errnos)
{
	char line[512];
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (count[i] && len < sizeof(line) - 40)
			len += snprintf(line + len, sizeof(line) - len, " %s %llu",
					errnos ? errname(i) : vmm_exit_reason_name(i),
					(unsigned long long)count[i]);
	line[len] = '\0';
	printf("# %s:%s\n", what, len ? line : " none");
}

static void print_stats(void)
{
	unsigned int i;

	printf("# %llu calls from %llu in %llu s, seed %llu: %llu succeeded, %llu checks failed\n",
	       (unsigned long long)fz_sh->nr_calls, (unsigned long long)fz_sh->from,
	       (unsigned long long)fz_sh->ms / 1000,
	       (unsigned long long)fz_sh->seed, (unsigned long long)fz_sh->nr_ok,
	       (unsigned long long)fz_sh->failures);
	print_counts("ioctl errnos", fz_sh->nr_err, 128, true);
	printf("# world vCPUs: %llu KVM_RUNs, guest progress %llu\n",
	       (unsigned long long)fz_sh->runs, (unsigned long long)fz_sh->guest_progress);
	print_counts("exits", fz_sh->exits, 64, false);
	print_counts("KVM_RUN errnos", fz_sh->run_errs, 128, true);
	if (fz_sh->stats)
		printf("# ms in: ioctls %llu, eventfds %llu, kvm_run pages %llu, slot memory %llu, "
		       "closes %llu, new files %llu, forks %llu, VM rebuilds %llu, dups %llu\n",
		       (unsigned long long)fz_sh->op_ms[0], (unsigned long long)fz_sh->op_ms[1],
		       (unsigned long long)fz_sh->op_ms[2], (unsigned long long)fz_sh->op_ms[3],
		       (unsigned long long)fz_sh->op_ms[4], (unsigned long long)fz_sh->op_ms[5],
		       (unsigned long long)fz_sh->op_ms[6], (unsigned long long)fz_sh->op_ms[7],
		       (unsigned long long)fz_sh->op_ms[8]);
	for (i = 0; fz_sh->stats && i < fz_nr_ioctls; i++) {
		char what[160];

		snprintf(what, sizeof(what), "%s on %s: %llu of %llu succeeded (%llu ms, longest %llu), errnos",
			 fz_ioctls[i].name, fz_kind_name[fz_ioctls[i].kind],
			 (unsigned long long)fz_sh->io_ok[i], (unsigned long long)fz_sh->io_calls[i],
			 (unsigned long long)fz_sh->io_ms[i], (unsigned long long)fz_sh->io_max_ms[i]);
		print_counts(what, fz_sh->io_err[i], 64, true);
	}
	fflush(stdout);
}

static void __attribute__((noreturn)) fuzz(void)
{
	u64 i;

	fz_target_kvm = vmm_target_is_kvm();
	if (fz_sh->kmsg)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	fz_signals_init();
	fz_areas_init();
	fz_objects_init();
	for (i = 0; i < fz_nr_slots[FZ_EVENTFD]; i++)
		fz_obj_set(FZ_EVENTFD, i, ASSERT_OK(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)));
	fz_obj_set(FZ_OTHER, 0, ASSERT_OK(open("/dev/null", O_RDWR | O_CLOEXEC)));
	fz_world_start_all();
	fz_reg_ids_learn(fz_obj_fd(FZ_VCPU, 0));
	fz_sh->ms = fz_now_ms();
	for (i = fz_sh->from; i < fz_sh->calls; i++)
		fz_one(fz_sh->seed, i);
	fz_sh->ms = fz_now_ms() - fz_sh->ms;
	fz_world_stop_all();
	fz_objects_close_all();
	print_stats();
	_exit(fz_sh->failures ? 1 : 0);
}

/* ---- the test process: options, the watchdog, the checks after ---- */

static u64 option(const char *name, const char *env, const char *env_lc, u64 def)
{
	const char *v = getenv(env) ?: getenv(env_lc);
	int i;

	for (i = 1; i < vt_argc - 1; i++)
		if (!strcmp(vt_argv[i], name))
			v = vt_argv[i + 1];
	return v ? strtoull(v, NULL, 0) : def;
}

static bool flag(const char *name)
{
	int i;

	for (i = 1; i < vt_argc; i++)
		if (!strcmp(vt_argv[i], name))
			return true;
	return false;
}

static const char *stuck(u64 now)
{
	static char why[128];
	u64 start = fz_sh->call_start_ms;
	unsigned int t;

	/* A call may have started after now was read: its start is then later. */
	if (fz_sh->in_call && now > start && now - start > STUCK_MS) {
		snprintf(why, sizeof(why), "call %llu has not returned in %d s",
			 (unsigned long long)fz_sh->cur, STUCK_MS / 1000);
		return why;
	}
	for (t = 0; t < FZ_NR_THREADS; t++) {
		u64 since = fz_sh->run_since_ms[t];

		if (since && now > since && now - since > STUCK_MS) {
			snprintf(why, sizeof(why),
				 "vCPU thread %u in one KVM_RUN for %d s, kicked every 2 ms",
				 t, STUCK_MS / 1000);
			return why;
		}
	}
	return NULL;
}

/* Where each thread of a stuck process is in the kernel. */
static void print_stacks(pid_t pid)
{
	char path[300], line[256];
	struct dirent *d;
	FILE *f, *comm;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", pid, d->d_name);
		comm = fopen(path, "r");
		if (!comm || !fgets(line, sizeof(line), comm))
			line[0] = '\0';
		if (comm)
			fclose(comm);
		line[strcspn(line, "\n")] = '\0';
		printf("# thread %s (%s):\n", d->d_name, line);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			printf("#   %s", line);
		fclose(f);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", pid, d->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "State", 5) || !strncmp(line, "Sig", 3) ||
			    !strncmp(line, "ShdPnd", 6))
				printf("#   %s", line);
		if (f)
			fclose(f);
	}
	closedir(dir);
}

/* Waits for the fuzzing process; true if it exited cleanly. */
static bool watch(pid_t pid)
{
	const char *why;
	int status, i;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(100 * 1000);
		why = stuck(fz_now_ms());
		if (!why)
			continue;
		printf("# %s\n", why);
		fz_ring_print();
		print_stacks(pid);
		kill(pid, SIGKILL);
		/* A task stuck in the kernel may not die: do not wait for it forever. */
		for (i = 0; i < 50 && waitpid(pid, &status, WNOHANG) != pid; i++)
			usleep(100 * 1000);
		return false;
	}
	if (WIFSIGNALED(status)) {
		printf("# the fuzzing process died of signal %d\n", WTERMSIG(status));
		fz_ring_print();
		return false;
	}
	return WEXITSTATUS(status) == 0;
}

static long module_refs(void)
{
	FILE *f = fopen("/sys/module/vhv/refcnt", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static void guest_done(u64 unused)
{
}

TEST_TIMEOUT(every_file_every_ioctl_with_vcpus_running, 3600)
{
	struct vmm_vcpu *vcpu;
	struct vmm_vm *vm;
	long refs = -1;
	pid_t pid;
	int i;

	fz_sh = mmap(NULL, sizeof(*fz_sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_TRUE(fz_sh != MAP_FAILED);
	fz_sh->seed = option("--seed", "VHV_FUZZ_SEED", "vhv_fuzz_seed", boot_seed());
	fz_sh->calls = option("--calls", "VHV_FUZZ_CALLS", "vhv_fuzz_calls",
			      main_boot() ? CI_CALLS : CI_CALLS_OTHER);
	fz_sh->from = option("--from", "VHV_FUZZ_FROM", "vhv_fuzz_from", 0);
	fz_sh->verbose = flag("-v") || option("", "VHV_FUZZ_VERBOSE", "vhv_fuzz_verbose", 0);
	fz_sh->kmsg = flag("--kmsg") || option("", "VHV_FUZZ_KMSG", "vhv_fuzz_kmsg", 0);
	fz_sh->stats = flag("--stats") || option("", "VHV_FUZZ_STATS", "vhv_fuzz_stats", 0);
	vt_note("seed %llu, calls %llu to %llu", (unsigned long long)fz_sh->seed,
		(unsigned long long)fz_sh->from, (unsigned long long)fz_sh->calls);
	/* The watchdog bounds each call; the run as a whole is as long as asked. */
	alarm(0);
	fflush(stdout);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		fuzz();
	ASSERT_TRUE(watch(pid));
	ASSERT_EQ(fz_sh->failures, 0);

	/* Still a working hypervisor, and nothing of the fuzzer's VMs left. */
	vm = vmm_vm_new();
	vcpu = vmm_vcpu_new(vm, 0, guest_done, 0);
	vmm_run_to_done(vcpu);
	vmm_vcpu_free(vcpu);
	vmm_vm_free(vm);
	if (vmm_target_is_kvm())
		return;
	for (i = 0; i < 100; i++) {
		refs = module_refs();
		if (refs <= 0)
			break;
		usleep(100 * 1000);
	}
	EXPECT_LE(refs, 0);
}
