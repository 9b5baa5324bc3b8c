// SPDX-License-Identifier: GPL-2.0
/*
 * The TAP harness of test.h: registration, the forked runner and main().
 * A child reports through its exit status: 0 pass, VT_EXIT_SKIP skipped
 * (reason in shared memory), anything else or a signal is a failure.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define VT_EXIT_FAIL	1
#define VT_EXIT_SKIP	4
#define VT_REASON_MAX	256

static struct vt_test *vt_head, **vt_tail = &vt_head;
static bool vt_failed;		/* in the child: an EXPECT failed */
static char *vt_reason;		/* shared with the child: skip reason */
int vt_argc;
char **vt_argv;

void vt_register(struct vt_test *t)
{
	*vt_tail = t;
	vt_tail = &t->next;
}

void vt_note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void vt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	vt_failed = true;
}

void vt_abort(void)
{
	fflush(stdout);
	_exit(VT_EXIT_FAIL);
}

void vt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vt_reason, VT_REASON_MAX, fmt, ap);
	va_end(ap);
	fflush(stdout);
	_exit(VT_EXIT_SKIP);
}

/* 0 pass, 1 fail, 2 skip */
static int vt_run_one(struct vt_test *t)
{
	int status;
	pid_t pid;

	vt_reason[0] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		alarm(t->timeout_s);
		t->fn();
		fflush(stdout);
		_exit(vt_failed ? VT_EXIT_FAIL : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	if (WIFSIGNALED(status)) {
		printf("# %s: %s (signal %d)\n", t->name,
		       WTERMSIG(status) == SIGALRM ? "timed out" : "killed",
		       WTERMSIG(status));
		return 1;
	}
	if (WEXITSTATUS(status) == VT_EXIT_SKIP)
		return 2;
	return WEXITSTATUS(status) ? 1 : 0;
}

static bool vt_selected(const struct vt_test *t, int argc, char **argv)
{
	bool any = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") || i + 1 >= argc)
			continue;
		any = true;
		if (!strcmp(argv[++i], t->name))
			return true;
	}
	return !any;
}

int main(int argc, char **argv)
{
	int n = 0, i = 0, pass = 0, fail = 0, skip = 0;
	struct vt_test *t;

	vt_argc = argc;
	vt_argv = argv;
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		for (t = vt_head; t; t = t->next)
			printf("%s\n", t->name);
		return 0;
	}
	vt_reason = mmap(NULL, VT_REASON_MAX, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vt_reason == MAP_FAILED)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (t = vt_head; t; t = t->next)
		n += vt_selected(t, argc, argv);
	printf("TAP version 13\n1..%d\n", n);
	for (t = vt_head; t; t = t->next) {
		if (!vt_selected(t, argc, argv))
			continue;
		switch (vt_run_one(t)) {
		case 0:
			printf("ok %d %s\n", ++i, t->name);
			pass++;
			break;
		case 2:
			printf("ok %d %s # SKIP %s\n", ++i, t->name, vt_reason);
			skip++;
			break;
		default:
			printf("not ok %d %s\n", ++i, t->name);
			fail++;
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       pass, fail, skip);
	return fail ? 1 : 0;
}
