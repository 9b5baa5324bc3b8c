// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: a virtio block device (VIRTIO 1.2, 5.2) on a file or block
 * device: --device PATH. One request queue; requests are a 16-byte header
 * (struct virtio_blk_outhdr) in the first buffer, data buffers, and a
 * status byte in the last buffer, as Linux's driver lays them out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <sys/ioctl.h>

#include "virtio.h"

#define SECTOR_SIZE	512ULL
#define SEG_MAX		(VIRTQ_MAX_SEGS - 2)
#define BLK_ID		"vhv-run"

struct blk {
	int fd;
	u64 size;
	struct virtio_blk_config config;
	struct virtio_ops ops;
	struct virtq_elem elem;
};

/* Reads or writes the data segments at byte offset pos; bytes done or -1. */
static ssize_t blk_rw(struct blk *b, const struct virtq_elem *e, u32 type, u64 pos)
{
	unsigned int first = 1, nr;
	const struct iovec *iov;
	u64 total = 0;
	unsigned int i;

	if (type == VIRTIO_BLK_T_IN) {		/* data: writable, before the status */
		iov = &e->iov[e->nr_out];
		nr = e->nr_in - 1;
		if (e->nr_out != 1)
			return -1;
	} else {				/* data: readable, after the header */
		iov = &e->iov[first];
		nr = e->nr_out - 1;
	}
	for (i = 0; i < nr; i++)
		total += iov[i].iov_len;
	if (total % SECTOR_SIZE || pos > b->size || total > b->size - pos)
		return -1;
	if (type == VIRTIO_BLK_T_IN)
		return preadv(b->fd, iov, nr, pos) == (ssize_t)total ? (ssize_t)total : -1;
	return pwritev(b->fd, iov, nr, pos) == (ssize_t)total ? 0 : -1;
}

static u8 blk_request(struct blk *b, const struct virtq_elem *e, u32 *written)
{
	struct virtio_blk_outhdr hdr;
	ssize_t n;

	*written = 0;
	memcpy(&hdr, e->iov[0].iov_base, sizeof(hdr));
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (hdr.sector > b->size / SECTOR_SIZE)
			return VIRTIO_BLK_S_IOERR;
		n = blk_rw(b, e, hdr.type, hdr.sector * SECTOR_SIZE);
		if (n < 0)
			return VIRTIO_BLK_S_IOERR;
		*written = n;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		if (e->nr_in < 2)
			return VIRTIO_BLK_S_IOERR;
		*written = e->iov[e->nr_out].iov_len < VIRTIO_BLK_ID_BYTES ?
			   e->iov[e->nr_out].iov_len : VIRTIO_BLK_ID_BYTES;
		memset(e->iov[e->nr_out].iov_base, 0, *written);
		memcpy(e->iov[e->nr_out].iov_base, BLK_ID,
		       *written < sizeof(BLK_ID) ? *written : sizeof(BLK_ID));
		return VIRTIO_BLK_S_OK;
	}
	return VIRTIO_BLK_S_UNSUPP;
}

static void blk_notify(struct virtio_dev *d, unsigned int qi)
{
	struct blk *b = d->priv;
	struct virtq *q = &d->vq[qi];
	struct virtq_elem *e = &b->elem;
	struct iovec *status;
	bool done = false;
	u32 written;
	int ret;

	while ((ret = virtq_pop(d, q, e)) > 0) {
		if (!e->nr_out || !e->nr_in || e->iov[0].iov_len < sizeof(struct virtio_blk_outhdr) ||
		    !e->iov[e->nr_out + e->nr_in - 1].iov_len) {
			virtio_broken(d, "block request without header or status");
			return;
		}
		status = &e->iov[e->nr_out + e->nr_in - 1];
		/* The status byte is the last byte of the last buffer. */
		((u8 *)status->iov_base)[status->iov_len - 1] = blk_request(b, e, &written);
		virtq_push(q, e, written + 1);
		done = true;
	}
	if (done)
		virtio_used_interrupt(d, q);
}

static void blk_destroy(struct virtio_dev *d)
{
	struct blk *b = d->priv;

	close(b->fd);
	free(b);
}

static u64 file_size(int fd, const char *path)
{
	struct stat st;
	u64 size;

	if (fstat(fd, &st))
		die_errno(path);
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size))
			die_errno("BLKGETSIZE64");
		return size;
	}
	return st.st_size;
}

void virtio_blk_create(struct vm *vm, const char *path)
{
	struct blk *b = xzalloc(sizeof(*b));

	b->fd = open(path, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		die_errno(path);
	b->size = ALIGN_DOWN(file_size(b->fd, path), SECTOR_SIZE);
	b->config.capacity = b->size / SECTOR_SIZE;
	b->config.seg_max = SEG_MAX;
	b->ops = (struct virtio_ops){
		.device_id = VIRTIO_ID_BLOCK,
		.features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			    (1ULL << VIRTIO_BLK_F_FLUSH),
		.nr_queues = 1,
		.config = &b->config,
		.config_size = sizeof(b->config),
		.notify = blk_notify,
		.destroy = blk_destroy,
	};
	virtio_mmio_create(vm, &b->ops, b);
}
