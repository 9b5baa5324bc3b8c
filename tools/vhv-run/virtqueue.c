// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: split virtqueues (VIRTIO 1.2, 2.7), from the device's side.
 *
 * Everything in the rings is the guest's and may change under us: each
 * index is read once, checked against the queue size, and every buffer
 * must lie wholly in RAM. A chain longer than the queue (a loop) or than
 * VIRTQ_MAX_SEGS, an indirect descriptor (VIRTIO_F_INDIRECT_DESC is not
 * offered), or a buffer outside RAM breaks the device (DEVICE_NEEDS_RESET)
 * rather than the VMM.
 *
 * Ordering (2.7.13, 2.7.8): the driver makes descriptors and ring entries
 * visible before avail->idx, so avail->idx is read with acquire; the
 * device makes buffers and used ring entries visible before used->idx,
 * which is stored with release.
 */
#include <stdio.h>

#include "virtio.h"

/* The three rings of a queue the driver made ready, if all in RAM. */
int virtq_map(struct virtio_dev *d, struct virtq *q)
{
	struct vm *vm = d->vm;

	q->desc = gpa_to_hva(vm, q->desc_gpa, sizeof(struct vring_desc) * q->num);
	q->avail = gpa_to_hva(vm, q->avail_gpa, sizeof(struct vring_avail) + 2 * q->num + 2);
	q->used = gpa_to_hva(vm, q->used_gpa,
			     sizeof(struct vring_used) + sizeof(struct vring_used_elem) * q->num + 2);
	if (!q->desc || !q->avail || !q->used || q->desc_gpa % 16 || q->avail_gpa % 2 ||
	    q->used_gpa % 4)
		return -1;
	return 0;
}

static int add_segment(struct virtio_dev *d, struct virtq_elem *e, const struct vring_desc *desc)
{
	bool writable = desc->flags & VRING_DESC_F_WRITE;
	unsigned int n = e->nr_out + e->nr_in;
	void *hva;

	if (desc->flags & VRING_DESC_F_INDIRECT) {
		virtio_broken(d, "indirect descriptor (not offered)");
		return -1;
	}
	if (n == VIRTQ_MAX_SEGS) {
		virtio_broken(d, "descriptor chain too long");
		return -1;
	}
	if (!writable && e->nr_in) {
		virtio_broken(d, "device-readable buffer after a writable one");
		return -1;
	}
	hva = gpa_to_hva(d->vm, desc->addr, desc->len);
	if (!hva) {
		virtio_broken(d, "buffer outside RAM");
		return -1;
	}
	e->iov[n].iov_base = hva;
	e->iov[n].iov_len = desc->len;
	if (writable)
		e->nr_in++;
	else
		e->nr_out++;
	return 0;
}

/* Takes the next available chain: 1, or 0 if none, or -1 (device broken). */
int virtq_pop(struct virtio_dev *d, struct virtq *q, struct virtq_elem *e)
{
	u16 avail_idx = __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE);
	struct vring_desc desc;
	unsigned int i, count;

	if (q->last_avail == avail_idx)
		return 0;
	if ((u16)(avail_idx - q->last_avail) > q->num) {
		virtio_broken(d, "avail index ahead of the ring");
		return -1;
	}
	e->head = __atomic_load_n(&q->avail->ring[q->last_avail % q->num], __ATOMIC_RELAXED);
	e->nr_out = e->nr_in = 0;
	q->last_avail++;
	i = e->head;
	for (count = 0;; count++) {
		if (i >= q->num || count >= q->num) {
			virtio_broken(d, "descriptor index out of range or a loop");
			return -1;
		}
		desc = q->desc[i];	/* one copy: the guest may rewrite it */
		if (add_segment(d, e, &desc))
			return -1;
		if (!(desc.flags & VRING_DESC_F_NEXT))
			return 1;
		i = desc.next;
	}
}

/* Returns a chain to the driver, len bytes written into its buffers. */
void virtq_push(struct virtq *q, const struct virtq_elem *e, u32 len)
{
	u16 idx = q->used->idx;
	struct vring_used_elem *u = &q->used->ring[idx % q->num];

	u->id = e->head;
	u->len = len;
	__atomic_store_n(&q->used->idx, (u16)(idx + 1), __ATOMIC_RELEASE);
}
