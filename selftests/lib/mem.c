// SPDX-License-Identifier: GPL-2.0
/* The kernel's memory counters, for leak tests: see mem.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/membarrier.h>

#include "mem.h"
#include "test.h"

/*
 * Most /proc/meminfo fields (Slab among them) are vmstat counters with
 * per-CPU deltas folded in once a second; a read of vm/stat_refresh
 * folds them now, so that two readings differ only by what changed.
 */
static void vmstat_refresh(void)
{
	char c;
	int fd;

	fd = open("/proc/sys/vm/stat_refresh", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	/* EINVAL only says some counter went negative for a moment. */
	if (read(fd, &c, 1) < 0 && errno != EINVAL)
		ASSERT_OK(-1);
	close(fd);
}

long meminfo_kb(const char *field)
{
	char line[256];
	size_t flen = strlen(field);
	long kb = -1;
	FILE *f;

	vmstat_refresh();
	f = fopen("/proc/meminfo", "r");
	ASSERT_TRUE(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			kb = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	ASSERT_GE(kb, 0);
	return kb;
}

long pcp_free_kb(void)
{
	char line[256];
	long pages = 0;
	FILE *f;

	vmstat_refresh();
	f = fopen("/proc/zoneinfo", "r");
	ASSERT_TRUE(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " ");

		if (!strncmp(p, "count:", 6))
			pages += strtol(p + 6, NULL, 10);
	}
	fclose(f);
	return pages * (getpagesize() / 1024);
}

long pages_in_use_events(void)
{
	char name[64];
	long val, net = 0;
	FILE *f;

	f = fopen("/proc/vmstat", "r");
	ASSERT_TRUE(f);
	while (fscanf(f, "%63s %ld", name, &val) == 2) {
		if (!strncmp(name, "pgalloc_", 8))
			net += val;
		else if (!strcmp(name, "pgfree"))
			net -= val;
	}
	fclose(f);
	return net;
}

static long vmstat(const char *field)
{
	char name[64];
	long val;
	FILE *f;

	f = fopen("/proc/vmstat", "r");
	ASSERT_TRUE(f);
	while (fscanf(f, "%63s %ld", name, &val) == 2) {
		if (!strcmp(name, field)) {
			fclose(f);
			return val;
		}
	}
	fclose(f);
	vt_fail(__FILE__, __LINE__, "no %s in /proc/vmstat", field);
	vt_abort();
}

long foll_pins_held(void)
{
	return vmstat("nr_foll_pin_acquired") - vmstat("nr_foll_pin_released");
}

long pages_in_use_kb(void)
{
	return pages_in_use_events() * (sysconf(_SC_PAGESIZE) / 1024);
}

void meminfo_settle(int timeout_s)
{
	long prev = meminfo_kb("MemFree"), now;
	int i;

	for (i = 0; i < timeout_s; i++) {
		sleep(1);
		now = meminfo_kb("MemFree");
		if (labs(now - prev) <= 64)
			return;
		prev = now;
	}
	vt_note("MemFree still moving after %d s", timeout_s);
}


void mem_quiesce(int timeout_s)
{
	long slab = -1, pages = -1, s, p;
	int i;

	for (i = 0; i < timeout_s * 4; i++) {
		/* MEMBARRIER_CMD_GLOBAL waits for an RCU grace period. */
		ASSERT_OK(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0));
		usleep(250 * 1000);
		s = meminfo_kb("Slab");
		p = pages_in_use_events();
		if (s == slab && labs(p - pages) <= 2)
			return;
		slab = s;
		pages = p;
	}
	vt_note("Slab still moving after %d s", timeout_s);
}

long smaps_kb(void *addr, const char *field)
{
	char line[256], want[32];
	bool in = false;
	long kb = -1;
	FILE *f;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	f = fopen("/proc/self/smaps", "r");
	ASSERT_TRUE(f);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' '))
			in = !strncmp(line, want, strlen(want));
		else if (in && !strncmp(line, field, strlen(field)))
			kb = strtol(line + strlen(field), NULL, 10);
	}
	fclose(f);
	ASSERT_GE(kb, 0);
	return kb;
}
