// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: errors, ioctls by name, the counter, and the console stream.
 *
 * Every failure ends the run with one line naming what failed and why
 * ("vhv-run: KVM_IOEVENTFD: Invalid argument") and status 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "vhv-run: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

void die_errno(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

int kvm_ioctl_named(int fd, unsigned long req, void *arg, const char *name)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		die_errno(name);
	return ret;
}

void *xzalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p)
		die("out of memory");
	return p;
}

int xeventfd(int flags)
{
	int fd = eventfd(0, EFD_CLOEXEC | flags);

	if (fd < 0)
		die_errno("eventfd");
	return fd;
}

/*
 * CNTVCT_EL0, readable at EL0 as Linux sets CNTKCTL_EL1.EL0VCTEN for the
 * vDSO. The ISB keeps the read from being taken early (Arm ARM D12.1.2,
 * "reads of CNTVCT_EL0 can occur speculatively and out of order").
 */
u64 read_cntvct(void)
{
	u64 val;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(val) :: "memory");
	return val;
}

/* --mark: note when the text first appears in the guest's console. */
static void console_mark(struct vm *vm, const u8 *buf, size_t len)
{
	const char *mark = vm->cfg->mark;
	size_t i;

	for (i = 0; i < len && !vm->mark_seen; i++) {
		if (buf[i] != (u8)mark[vm->mark_pos])
			vm->mark_pos = buf[i] == (u8)mark[0];
		else
			vm->mark_pos++;
		if (!mark[vm->mark_pos]) {
			vm->mark_seen = true;
			fprintf(stderr, "vhv-run: mark '%s' after %llu ticks\n", mark,
				(unsigned long long)(read_cntvct() - vm->start_ticks));
		}
	}
}

/*
 * Guest console output (the PL011's and hvc0's) goes to stdout: as it
 * comes to a terminal, by lines to a file or pipe (stdout_setup()), so
 * that a byte the guest writes costs an exit but not a system call.
 */
void console_out(struct vm *vm, const u8 *buf, size_t len)
{
	pthread_mutex_lock(&vm->lock);
	if (vm->cfg->mark)
		console_mark(vm, buf, len);
	fwrite(buf, 1, len, stdout);
	pthread_mutex_unlock(&vm->lock);
}

void stdout_setup(void)
{
	setvbuf(stdout, NULL, isatty(STDOUT_FILENO) ? _IONBF : _IOLBF, 0);
}
