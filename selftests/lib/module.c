// SPDX-License-Identifier: GPL-2.0
/* Loading vhv.ko from a test: see module.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module.h"
#include "test.h"

static const char *vmod_path(void)
{
	const char *ko = getenv("VHV_KO");

	return ko && *ko ? ko : "/lib/modules/vhv.ko";
}

int vmod_load(const char *params)
{
	return vmod_load_flags(params, 0);
}

int vmod_load_flags(const char *params, int flags)
{
	int fd, ret;

	/* No parameters of its own: the boot's (tools/testbed/init). */
	if (!params)
		params = getenv("VHV_PARAMS");
	fd = open(vmod_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", flags);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int vmod_unload(void)
{
	return syscall(SYS_delete_module, "vhv", O_NONBLOCK) ? -errno : 0;
}

bool vmod_loaded(void)
{
	struct stat st;

	return !stat("/sys/module/vhv", &st);
}

int vmod_log_open(void)
{
	int fd = ASSERT_OK(open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC));

	ASSERT_OK(lseek(fd, 0, SEEK_END));
	return fd;
}

int vmod_log_grep(int log_fd, int max_level, const char *needle, char *buf, size_t len)
{
	char rec[2048];
	size_t used = 0;
	int found = 0;
	ssize_t n;

	if (len)
		buf[0] = '\0';
	/* One record per read(); EAGAIN once the cursor is at the end. */
	while ((n = read(log_fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *text, *end;

		if (n < 0)
			continue;	/* overwritten records: go on */
		rec[n] = '\0';
		/* "<prio>,<seq>,<usec>,<flags>;<text>": the level is prio & 7. */
		if ((strtol(rec, NULL, 10) & 7) > max_level)
			continue;
		text = strchr(rec, ';');
		if (!text || !strstr(++text, needle))
			continue;
		end = strchr(text, '\n');
		if (end)
			*end = '\0';
		found++;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s\n", text);
	}
	return found;
}
