// SPDX-License-Identifier: GPL-2.0
/*
 * The files the calls aim at, by kind and slot. vCPU slot s belongs to
 * VM slot s / FZ_VCPUS_PER_VM, vGIC slot v to VM slot v. A call picks a
 * slot at random and, nine times in ten, moves on to the next open one
 * if that is empty; an empty slot gives fd -1 (EBADF).
 * The world's vCPU threads use their own copies of their files, so a
 * close here never pulls a file from under a thread.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/test.h"
#include "fuzz.h"

const unsigned int fz_nr_slots[FZ_NR_KINDS] = {
	[FZ_DEV] = 2, [FZ_VM] = FZ_NR_VM, [FZ_VCPU] = FZ_NR_VM * FZ_VCPUS_PER_VM,
	[FZ_GIC] = FZ_NR_VM, [FZ_EVENTFD] = 8, [FZ_OTHER] = 4,
};

const char *const fz_kind_name[FZ_NR_KINDS] = {
	[FZ_DEV] = "dev", [FZ_VM] = "vm", [FZ_VCPU] = "vcpu", [FZ_GIC] = "gic",
	[FZ_EVENTFD] = "eventfd", [FZ_OTHER] = "other",
};

static struct fz_obj table[FZ_NR_KINDS][FZ_MAX_SLOTS];

#define MAX_FD		4096
static bool known[MAX_FD];

bool fz_fd_known(int fd)
{
	return fd >= 0 && fd < MAX_FD && known[fd];
}

void fz_fd_mark(int fd, bool k)
{
	if (fd >= 0 && fd < MAX_FD)
		known[fd] = k;
}

struct fz_obj *fz_obj(enum fz_kind kind, unsigned int slot)
{
	return &table[kind][slot % fz_nr_slots[kind]];
}

int fz_obj_fd(enum fz_kind kind, unsigned int slot)
{
	return fz_obj(kind, slot)->fd;
}

unsigned int fz_obj_pick(struct fz_rng *r, enum fz_kind kind)
{
	unsigned int n = fz_nr_slots[kind], slot = fz_below(r, n), i;

	if (fz_percent(r, 10))
		return slot;
	for (i = 0; i < n; i++)
		if (table[kind][(slot + i) % n].fd >= 0)
			return (slot + i) % n;
	return slot;
}

static void obj_unmap(struct fz_obj *o)
{
	if (o->run)
		munmap(o->run, o->run_len);
	o->run = NULL;
	o->run_len = 0;
}

void fz_obj_close(enum fz_kind kind, unsigned int slot)
{
	struct fz_obj *o = fz_obj(kind, slot);

	obj_unmap(o);
	if (o->fd >= 0) {
		close(o->fd);
		fz_fd_mark(o->fd, false);
	}
	o->fd = -1;
}

void fz_obj_set(enum fz_kind kind, unsigned int slot, int fd)
{
	fz_obj_close(kind, slot);
	fz_obj(kind, slot)->fd = fd;
	fz_fd_mark(fd, true);
}

int fz_obj_free_vcpu(unsigned int vm)
{
	unsigned int i;

	for (i = 0; i < FZ_VCPUS_PER_VM; i++)
		if (table[FZ_VCPU][vm * FZ_VCPUS_PER_VM + i].fd < 0)
			return vm * FZ_VCPUS_PER_VM + i;
	for (i = 0; i < fz_nr_slots[FZ_VCPU]; i++)
		if (table[FZ_VCPU][i].fd < 0)
			return i;
	return -1;
}

void fz_obj_adopt(enum fz_kind kind, int fd)
{
	unsigned int i;

	for (i = 0; i < fz_nr_slots[kind]; i++) {
		if (table[kind][i].fd < 0) {
			fz_obj_set(kind, i, fd);
			return;
		}
	}
	if (kind != FZ_OTHER) {
		fz_obj_adopt(FZ_OTHER, fd);
		return;
	}
	close(fd);
}

void fz_objects_init(void)
{
	struct dirent *d;
	unsigned int k, s;
	DIR *dir;

	for (k = 0; k < FZ_NR_KINDS; k++)
		for (s = 0; s < FZ_MAX_SLOTS; s++)
			table[k][s].fd = -1;
	/* What the process had before: the harness's, the test library's. */
	dir = opendir("/proc/self/fd");
	ASSERT_TRUE(dir);
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			fz_fd_mark(atoi(d->d_name), true);
	closedir(dir);
}

void fz_objects_close_all(void)
{
	unsigned int k, s;

	for (k = 0; k < FZ_NR_KINDS; k++)
		for (s = 0; s < fz_nr_slots[k]; s++)
			fz_obj_close(k, s);
}
