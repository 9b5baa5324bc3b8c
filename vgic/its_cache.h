/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ITS translation cache (vgic/its_cache.c): (DeviceID, EventID) ->
 * (LPI, the collection's vCPU) for the MSIs an ITS translated, so that an
 * irqfd's wake-up and KVM_SIGNAL_MSI make an LPI pending without its->lock
 * (a mutex) and the xarray walk. A fixed table per ITS, 4-way set
 * associative, under a raw spinlock.
 *
 * Lock order: its->lock > cache->lock > vgic->lock; an eventfd's
 * wait-queue lock is above cache->lock (the irqfd wake-up runs under it).
 */
#ifndef VHV_VGIC_ITS_CACHE_H
#define VHV_VGIC_ITS_CACHE_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct vhv_its;
struct vhv_lpi;
struct vhv_vcpu;

#define VHV_ITS_CACHE_SET_BITS	6
#define VHV_ITS_CACHE_SETS	(1U << VHV_ITS_CACHE_SET_BITS)
#define VHV_ITS_CACHE_WAYS	4

struct vhv_its_cache_entry {
	u32 devid;
	u32 event;
	struct vhv_lpi *lpi;		/* NULL: free; else holds a reference */
	struct vhv_vcpu *vcpu;		/* the ITE's collection's, when cached */
};

struct vhv_its_cache {
	raw_spinlock_t lock;
	u8 victim[VHV_ITS_CACHE_SETS];	/* the next way to replace, per set */
	struct vhv_its_cache_entry e[VHV_ITS_CACHE_SETS][VHV_ITS_CACHE_WAYS];
};

void vhv_its_cache_init(struct vhv_its_cache *c);
/* An MSI of (devid, event) was just delivered (its->lock held): cache it. */
void vhv_its_cache_add(struct vhv_its *its, u32 devid, u32 event);
/* The ITE of (devid, event) changes or goes (its->lock held). */
void vhv_its_cache_forget(struct vhv_its *its, u32 devid, u32 event);
/* Every entry goes: collections changed, the ITS is reset or freed. */
void vhv_its_cache_clear(struct vhv_its *its);
/*
 * Any context, interrupts off too: the LPI made pending from the cache
 * (0), or -EWOULDBLOCK: not cached, or the ITS or the target's LPIs
 * disabled; the caller translates the slow way, which gives the answer.
 */
int vhv_its_cache_inject(struct vhv_its *its, u32 devid, u32 event);

#endif /* VHV_VGIC_ITS_CACHE_H */
