// SPDX-License-Identifier: GPL-2.0
/*
 * The ITS translation cache: what an irqfd's wake-up (under the eventfd's
 * wait-queue lock, interrupts off) needs to deliver an MSI without the
 * ITS's mutex. KVM has one too (its irqfd injects from the wake-up
 * through it and falls back to a work item on a miss); this one is vhv's.
 *
 * An entry says: (DeviceID, EventID) is translated by an ITE to this LPI,
 * through a collection mapped to this vCPU. It is made by the slow path,
 * with its->lock held, right after that translation delivered an MSI
 * (vgic/msi.c), and it holds a reference on the LPI (vgic/lpi.h), so the
 * LPI outlives its ITE while cached. Everything an entry says changes
 * only under its->lock, and every such change takes the entry out first:
 *   - an ITE freed (DISCARD, MAPD of a mapped device or unmapping it,
 *     CTRL_RESET, a GITS_BASER change, RESTORE_TABLES, the VM's end):
 *     vhv_its_ite_free() forgets it before the LPI is unmapped;
 *   - MOVI (the ITE's collection): forgotten;
 *   - MAPC (a collection mapped, remapped or unmapped): all cleared.
 * MAPTI/MAPI of a mapped EventID change nothing (ignored, as KVM). What
 * the cache does not say is read at every hit, under the cache's lock:
 * GITS_CTLR.Enabled and the vCPU's GICR_CTLR.EnableLPIs (a miss when
 * either is 0, and the slow path answers), and the LPI's own target,
 * priority and enable, which MOVALL, INV and INVALL change in the LPI
 * itself. So no entry can deliver what the slow path would not.
 *
 * The hit makes the LPI pending inside the cache's lock: once an entry is
 * taken out, no MSI reaches its LPI through it, and the DISCARD that
 * follows clears a pending state set before, never one set after.
 *
 * 64 sets of 4 ways, O(1) per look-up, 6 KB per ITS: the MSIs a guest uses
 * often (a device's queues) stay; the rest go the slow way. A full set
 * replaces its ways in turn. Clearing walks 256 entries with interrupts
 * off: bounded, and rare (MAPC, reset).
 */
#include <linux/hash.h>

#include "vgic/its.h"
#include "vgic/its_cache.h"
#include "vgic/lpi.h"

void vhv_its_cache_init(struct vhv_its_cache *c)
{
	raw_spin_lock_init(&c->lock);
}

static u32 set_of(u32 devid, u32 event)
{
	return hash_64((u64)devid << 32 | event, VHV_ITS_CACHE_SET_BITS);
}

static struct vhv_its_cache_entry *find(struct vhv_its_cache *c, u32 devid, u32 event)
{
	struct vhv_its_cache_entry *e = c->e[set_of(devid, event)];
	unsigned int i;

	lockdep_assert_held(&c->lock);
	for (i = 0; i < VHV_ITS_CACHE_WAYS; i++)
		if (e[i].lpi && e[i].devid == devid && e[i].event == event)
			return &e[i];
	return NULL;
}

/* The entry's reference may be the LPI's last: kfree_rcu(), fine here. */
static void drop(struct vhv_its_cache_entry *e)
{
	vhv_lpi_put(e->lpi);
	e->lpi = NULL;
	e->vcpu = NULL;
}

/* A free way of the set, or the next one in turn. */
static struct vhv_its_cache_entry *slot(struct vhv_its_cache *c, u32 devid, u32 event)
{
	u32 set = set_of(devid, event);
	struct vhv_its_cache_entry *e = c->e[set];
	unsigned int i;

	for (i = 0; i < VHV_ITS_CACHE_WAYS; i++)
		if (!e[i].lpi)
			return &e[i];
	i = c->victim[set];
	c->victim[set] = (i + 1) % VHV_ITS_CACHE_WAYS;
	drop(&e[i]);
	return &e[i];
}

void vhv_its_cache_add(struct vhv_its *its, u32 devid, u32 event)
{
	struct vhv_its_cache *c = &its->cache;
	struct vhv_its_cache_entry *e;
	struct its_ite *ite;
	struct vhv_vcpu *vcpu;
	unsigned long flags;

	lockdep_assert_held(&its->lock);
	ite = vhv_its_ite_find(its, devid, event);
	vcpu = ite ? vhv_its_coll_vcpu(its, ite->icid) : NULL;
	if (!vcpu)
		return;
	raw_spin_lock_irqsave(&c->lock, flags);
	e = find(c, devid, event);
	if (!e) {
		e = slot(c, devid, event);
		vhv_lpi_get(ite->lpi);
		*e = (struct vhv_its_cache_entry){
			.devid = devid, .event = event, .lpi = ite->lpi, .vcpu = vcpu,
		};
	}
	raw_spin_unlock_irqrestore(&c->lock, flags);
}

void vhv_its_cache_forget(struct vhv_its *its, u32 devid, u32 event)
{
	struct vhv_its_cache *c = &its->cache;
	struct vhv_its_cache_entry *e;
	unsigned long flags;

	lockdep_assert_held(&its->lock);
	raw_spin_lock_irqsave(&c->lock, flags);
	e = find(c, devid, event);
	if (e)
		drop(e);
	raw_spin_unlock_irqrestore(&c->lock, flags);
}

void vhv_its_cache_clear(struct vhv_its *its)
{
	struct vhv_its_cache *c = &its->cache;
	unsigned long flags;
	unsigned int s, w;

	raw_spin_lock_irqsave(&c->lock, flags);
	for (s = 0; s < VHV_ITS_CACHE_SETS; s++)
		for (w = 0; w < VHV_ITS_CACHE_WAYS; w++)
			if (c->e[s][w].lpi)
				drop(&c->e[s][w]);
	raw_spin_unlock_irqrestore(&c->lock, flags);
}

int vhv_its_cache_inject(struct vhv_its *its, u32 devid, u32 event)
{
	struct vhv_its_cache *c = &its->cache;
	struct vhv_its_cache_entry *e;
	unsigned long flags;
	int ret = -EWOULDBLOCK;

	raw_spin_lock_irqsave(&c->lock, flags);
	e = find(c, devid, event);
	if (e && READ_ONCE(its->enabled) && vhv_lpis_enabled(e->vcpu)) {
		/* vgic->lock inside; the kick neither sleeps nor takes a mutex. */
		vhv_lpi_set_pending(its->vm, e->lpi, true);
		ret = 0;
	}
	raw_spin_unlock_irqrestore(&c->lock, flags);
	return ret;
}
