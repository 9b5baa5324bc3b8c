/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading vhv.ko from a test, and what the kernel said
 * about it. vhv-only: these tests run on the emulated host as root.
 *   VHV_KO      path of the module (default /lib/modules/vhv.ko)
 *   VHV_PARAMS  the boot's parameters, for a load without its own
 */
#ifndef VHV_SELFTESTS_MODULE_H
#define VHV_SELFTESTS_MODULE_H

#include <stdbool.h>
#include <stddef.h>

/* finit_module() with PARAMS, or VHV_PARAMS if NULL; 0 or -errno. */
int vmod_load(const char *params);
/* The same with finit_module() flags (MODULE_INIT_IGNORE_MODVERSIONS). */
int vmod_load_flags(const char *params, int flags);
/* delete_module("vhv", O_NONBLOCK); 0 or -errno. */
int vmod_unload(void);
bool vmod_loaded(void);

/* A /dev/kmsg cursor: what the kernel logs after vmod_log_open(). */
int vmod_log_open(void);
/*
 * Copies the text of each new line of level MAX_LEVEL or more urgent
 * (LOG_ERR is 3) that contains NEEDLE into BUF, one per '\n', and
 * returns how many there were.
 */
int vmod_log_grep(int log_fd, int max_level, const char *needle, char *buf, size_t len);

#endif /* VHV_SELFTESTS_MODULE_H */
