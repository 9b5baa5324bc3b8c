/* SPDX-License-Identifier: GPL-2.0 */
/* The host's timer PPIs behind the guest's timers (timer/hw.c). */
#ifndef VHV_TIMER_HW_H
#define VHV_TIMER_HW_H

#include <linux/percpu.h>
#include <linux/types.h>

#include "timer/timer.h"

/*
 * Per CPU: what vhv made each timer PPI's active state, or the firing did;
 * and whether one fired since the last look (vhv_timer_sync's fast path).
 */
struct vhv_timer_cpu {
	bool active[VHV_NR_TIMERS];
	bool fired;
	bool stale;	/* CPU PM since the last load: active[] may be wrong */
};

DECLARE_PER_CPU(struct vhv_timer_cpu, vhv_timer_cpu);

/* Whether vhv holds the PPI this timer raises on the host. */
bool vhv_timer_hw_has_irq(enum vhv_timer_id t);
/* This CPU's PPI active (masked) or not; preemption disabled. */
void vhv_timer_hw_set_active(enum vhv_timer_id t, bool active);
/* The same at a vCPU's load, written whatever the mirror says after CPU PM. */
void vhv_timer_hw_load_active(enum vhv_timer_id t, bool active);
/* After both timers' load_active: the mirror is exact again. */
void vhv_timer_hw_load_done(void);

#endif /* VHV_TIMER_HW_H */
