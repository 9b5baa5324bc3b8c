// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the virtio-mmio transport, version 2 (VIRTIO 1.2, 4.2.2).
 *
 * Registers are served from MMIO exits on the vCPU threads, except
 * QueueNotify: the hypervisor signals an eventfd per queue for it
 * (KVM_IOEVENTFD with the queue index as datamatch), which the I/O thread
 * serves. Used-buffer interrupts go out through an irqfd (KVM_IRQFD) on
 * the slot's SPI, an edge per notification (the device tree says so).
 * A device lock orders the vCPUs' register accesses against the I/O
 * thread's queue processing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "virtio.h"

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_VENDOR_ID	0x00766876	/* "vhv" */

static void reset(struct virtio_dev *d)
{
	unsigned int i;

	d->driver_features = 0;
	d->device_features_sel = d->driver_features_sel = d->queue_sel = 0;
	d->status = d->isr = 0;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct virtq *q = &d->vq[i];

		q->num = 0;
		q->ready = false;
		q->desc_gpa = q->avail_gpa = q->used_gpa = 0;
		q->last_avail = 0;
	}
}

/* The guest broke the protocol: stop the device until it resets it. */
void virtio_broken(struct virtio_dev *d, const char *why)
{
	unsigned int i;

	if (!(d->status & VIRTIO_CONFIG_S_NEEDS_RESET))
		fprintf(stderr, "vhv-run: virtio device %u: %s; it needs a reset\n",
			d->ops->device_id, why);
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		d->vq[i].ready = false;
}

/*
 * After used->idx: a full barrier before reading the driver's
 * VRING_AVAIL_F_NO_INTERRUPT, which it clears before re-reading
 * used->idx (2.7.10), so that one side always sees the other's store.
 */
void virtio_used_interrupt(struct virtio_dev *d, struct virtq *q)
{
	u64 one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&q->avail->flags, __ATOMIC_RELAXED) & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	d->isr |= VIRTIO_MMIO_INT_VRING;
	if (write(d->irq_fd, &one, sizeof(one)) != sizeof(one))
		die_errno("irqfd write");
}

static struct virtq *cur_queue(struct virtio_dev *d)
{
	return d->queue_sel < d->ops->nr_queues ? &d->vq[d->queue_sel] : NULL;
}

static u32 read_reg(struct virtio_dev *d, u64 off)
{
	struct virtq *q = cur_queue(d);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:	return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:	return 2;
	case VIRTIO_MMIO_DEVICE_ID:	return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:	return VIRTIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->device_features_sel < 2 ?
			(u32)(d->ops->features >> (32 * d->device_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:	return q ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:	return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return d->isr;
	case VIRTIO_MMIO_STATUS:	return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0;
	}
	return 0;
}

static void queue_ready(struct virtio_dev *d, struct virtq *q, u32 val)
{
	if (!val) {
		q->ready = false;
		return;
	}
	if (!q->num || virtq_map(d, q)) {
		virtio_broken(d, "queue rings outside RAM or misaligned");
		return;
	}
	q->ready = true;
}

static void queue_addr(struct virtq *q, u64 off, u32 val)
{
	u64 *gpa;
	bool high;

	switch (off & ~4ULL) {
	case VIRTIO_MMIO_QUEUE_DESC_LOW:	gpa = &q->desc_gpa; break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:	gpa = &q->avail_gpa; break;
	default:				gpa = &q->used_gpa; break;
	}
	high = off & 4;
	*gpa = high ? (*gpa & 0xffffffffULL) | ((u64)val << 32) : (*gpa & ~0xffffffffULL) | val;
}

static void write_status(struct virtio_dev *d, u32 val)
{
	if (!val) {
		reset(d);
		return;
	}
	/* FEATURES_OK only for a subset of ours that includes VERSION_1. */
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (!(d->driver_features & (1ULL << VIRTIO_F_VERSION_1)) ||
	     (d->driver_features & ~d->ops->features)))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	d->status = val | (d->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void write_reg(struct virtio_dev *d, u64 off, u32 val)
{
	struct virtq *q = cur_queue(d);
	unsigned int shift;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:	d->device_features_sel = val; return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:	d->driver_features_sel = val; return;
	case VIRTIO_MMIO_QUEUE_SEL:		d->queue_sel = val; return;
	case VIRTIO_MMIO_INTERRUPT_ACK:		d->isr &= ~val; return;
	case VIRTIO_MMIO_STATUS:		write_status(d, val); return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->driver_features_sel < 2) {
			shift = 32 * d->driver_features_sel;
			d->driver_features &= ~(0xffffffffULL << shift);
			d->driver_features |= (u64)val << shift;
		}
		return;
	}
	/* The queue registers; a ready queue's layout is fixed (4.2.2.3.2). */
	if (!q)
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		if (!q->ready && val && val <= VIRTQ_MAX_SIZE)
			q->num = val;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		queue_ready(d, q, val);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW ... VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (!q->ready && !(off % 4))
			queue_addr(q, off, val);
		return;
	}
}

static void mmio_read(void *opaque, u64 off, u8 *data, u32 len)
{
	struct virtio_dev *d = opaque;
	u32 val;

	memset(data, 0, len);
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (off < d->ops->config_size && len <= d->ops->config_size - off)
			memcpy(data, (const u8 *)d->ops->config + off, len);
		return;
	}
	if (len != 4)
		return;
	pthread_mutex_lock(&d->lock);
	val = read_reg(d, off);
	pthread_mutex_unlock(&d->lock);
	memcpy(data, &val, sizeof(val));
}

/* Config space is read-only here; registers are 32-bit (4.2.2). */
static void mmio_write(void *opaque, u64 off, const u8 *data, u32 len)
{
	struct virtio_dev *d = opaque;
	u32 val;

	if (off >= VIRTIO_MMIO_CONFIG || len != 4)
		return;
	memcpy(&val, data, sizeof(val));
	pthread_mutex_lock(&d->lock);
	write_reg(d, off, val);
	pthread_mutex_unlock(&d->lock);
}

/* From the I/O thread: the guest wrote the queue's index to QueueNotify. */
static void queue_notified(void *opaque)
{
	struct virtq *q = opaque;
	struct virtio_dev *d = q->dev;
	u64 count;

	if (read(q->notify_fd, &count, sizeof(count)) != sizeof(count))
		return;
	pthread_mutex_lock(&d->lock);
	if (q->ready)
		d->ops->notify(d, q->index);
	pthread_mutex_unlock(&d->lock);
}

static void mmio_destroy(void *opaque)
{
	struct virtio_dev *d = opaque;
	unsigned int i;

	if (d->ops->destroy)
		d->ops->destroy(d);
	for (i = 0; i < d->ops->nr_queues; i++)
		close(d->vq[i].notify_fd);
	close(d->irq_fd);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static void add_queue(struct virtio_dev *d, unsigned int i, u64 base)
{
	struct virtq *q = &d->vq[i];
	struct kvm_ioeventfd ev = {
		.datamatch = i,
		.addr = base + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	q->dev = d;
	q->index = i;
	q->notify_fd = xeventfd(EFD_NONBLOCK);
	ev.fd = q->notify_fd;
	kvm_ioctl(d->vm->fd, KVM_IOEVENTFD, &ev);
	iothread_add(d->vm->io, q->notify_fd, queue_notified, q);
}

static const struct mmio_ops virtio_mmio_ops = {
	.read = mmio_read, .write = mmio_write, .destroy = mmio_destroy,
};

/* The next virtio-mmio slot, its irqfd and one ioeventfd per queue. */
struct virtio_dev *virtio_mmio_create(struct vm *vm, const struct virtio_ops *ops, void *priv)
{
	struct virtio_dev *d = xzalloc(sizeof(*d));
	struct kvm_irqfd irqfd = { 0 };
	u64 base;
	unsigned int i;

	d->vm = vm;
	d->ops = ops;
	d->priv = priv;
	d->slot = vm->nr_virtio++;
	base = VIRTIO_BASE + d->slot * VIRTIO_SLOT_SIZE;
	pthread_mutex_init(&d->lock, NULL);
	reset(d);

	d->irq_fd = xeventfd(0);
	irqfd.fd = d->irq_fd;
	irqfd.gsi = VIRTIO_SPI_BASE + d->slot;
	kvm_ioctl(vm->fd, KVM_IRQFD, &irqfd);
	for (i = 0; i < ops->nr_queues; i++)
		add_queue(d, i, base);
	vm_add_mmio(vm, base, VIRTIO_SLOT_SIZE, d, &virtio_mmio_ops);
	return d;
}
