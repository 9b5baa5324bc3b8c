// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: a virtio console (VIRTIO 1.2, 5.3), the guest's hvc0, without
 * VIRTIO_CONSOLE_F_MULTIPORT: queue 0 receives (host to guest), queue 1
 * transmits. What the guest transmits goes to stdout beside the PL011's
 * output; the guest's input comes through the PL011, so the receive
 * queue's buffers stay with the device.
 */
#include <stdlib.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "virtio.h"

#define CONSOLE_RX	0
#define CONSOLE_TX	1

struct console {
	struct virtio_console_config config;
	struct virtio_ops ops;
	struct virtq_elem elem;
};

static void console_notify(struct virtio_dev *d, unsigned int qi)
{
	struct console *c = d->priv;
	struct virtq *q = &d->vq[qi];
	struct virtq_elem *e = &c->elem;
	bool done = false;
	unsigned int i;

	if (qi != CONSOLE_TX)
		return;
	while (virtq_pop(d, q, e) > 0) {
		for (i = 0; i < e->nr_out; i++)
			console_out(d->vm, e->iov[i].iov_base, e->iov[i].iov_len);
		virtq_push(q, e, 0);
		done = true;
	}
	if (done)
		virtio_used_interrupt(d, q);
}

static void console_destroy(struct virtio_dev *d)
{
	free(d->priv);
}

static const struct virtio_ops console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.features = 1ULL << VIRTIO_F_VERSION_1,
	.nr_queues = 2,
	.config_size = sizeof(struct virtio_console_config),
	.notify = console_notify,
	.destroy = console_destroy,
};

void virtio_console_create(struct vm *vm)
{
	struct console *c = xzalloc(sizeof(*c));

	c->ops = console_ops;
	c->ops.config = &c->config;
	virtio_mmio_create(vm, &c->ops, c);
}
