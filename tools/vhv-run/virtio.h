/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhv-run: virtio 1.x devices on the MMIO transport (Virtual I/O Device
 * (VIRTIO) Version 1.2, 4.2 "Virtio Over MMIO"), with split virtqueues
 * (2.7). The register layout and ring structures are the kernel's UAPI
 * headers'.
 */
#ifndef VHV_RUN_VIRTIO_H
#define VHV_RUN_VIRTIO_H

#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "vmm.h"

#define VIRTQ_MAX_SIZE	256
#define VIRTQ_MAX_SEGS	130	/* a block request: header, 128 data, status */
#define VIRTIO_MAX_QUEUES 2

struct virtq {
	u16 num;
	bool ready;
	u64 desc_gpa, avail_gpa, used_gpa;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	u16 last_avail;
	int notify_fd;
	struct virtio_dev *dev;
	unsigned int index;
};

/* One descriptor chain taken from a queue: the guest's buffers, in order. */
struct virtq_elem {
	u16 head;
	unsigned int nr_out;	/* device-readable segments, first */
	unsigned int nr_in;	/* then device-writable ones */
	struct iovec iov[VIRTQ_MAX_SEGS];
};

struct virtio_dev;

struct virtio_ops {
	u32 device_id;
	u64 features;
	unsigned int nr_queues;
	const void *config;	/* the device's config space, read-only */
	u32 config_size;
	/* A queue was notified; from the I/O thread, with the device locked. */
	void (*notify)(struct virtio_dev *d, unsigned int q);
	void (*destroy)(struct virtio_dev *d);
};

struct virtio_dev {
	struct vm *vm;
	const struct virtio_ops *ops;
	void *priv;
	unsigned int slot;
	pthread_mutex_t lock;
	u64 driver_features;
	u32 device_features_sel, driver_features_sel, queue_sel;
	u32 status, isr;
	int irq_fd;
	struct virtq vq[VIRTIO_MAX_QUEUES];
};

/* virtio_mmio.c */
struct virtio_dev *virtio_mmio_create(struct vm *vm, const struct virtio_ops *ops, void *priv);
void virtio_used_interrupt(struct virtio_dev *d, struct virtq *q);
void virtio_broken(struct virtio_dev *d, const char *why);

/* virtqueue.c */
int virtq_map(struct virtio_dev *d, struct virtq *q);
int virtq_pop(struct virtio_dev *d, struct virtq *q, struct virtq_elem *e);
void virtq_push(struct virtq *q, const struct virtq_elem *e, u32 len);

#endif /* VHV_RUN_VIRTIO_H */
