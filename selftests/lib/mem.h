/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's memory counters, for the tests that look for leaks.
 * Documentation/testing.rst says how noisy each is on the emulated hosts.
 */
#ifndef VHV_SELFTESTS_MEM_H
#define VHV_SELFTESTS_MEM_H

/* A field of /proc/meminfo, in kB. */
long meminfo_kb(const char *field);
/*
 * Pages waiting in the per-CPU free lists (the "count:" of every pageset
 * in /proc/zoneinfo), in kB: freed, but not counted by MemFree.
 */
long pcp_free_kb(void);
/* A field ("Rss:", "AnonHugePages:") of the mapping at addr in /proc/self/smaps, in kB. */
long smaps_kb(void *addr, const char *field);
/*
 * Pages allocated and not freed since boot, from the exact event counters
 * of /proc/vmstat: the sum of pgalloc_* less pgfree.
 */
long pages_in_use_events(void);
/* The same in kB. */
long pages_in_use_kb(void);
/* Pages pinned with FOLL_PIN and not yet unpinned (/proc/vmstat). */
long foll_pins_held(void);
/*
 * Waits (up to TIMEOUT_S) until MemFree stops moving: the kernel goes on
 * handing boot-time memory to the allocator for ~10 s after init starts.
 */
void meminfo_settle(int timeout_s);
/*
 * Lets what was freed through RCU (files, dentries, and whatever the
 * kernel frees after a grace period) really be freed: waits for grace
 * periods (membarrier) until Slab and the pages in use stop moving, up to
 * TIMEOUT_S. Call before reading the counters after a burst of work.
 */
void mem_quiesce(int timeout_s);

#endif /* VHV_SELFTESTS_MEM_H */
