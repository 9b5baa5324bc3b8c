// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the I/O thread. It waits on the eventfds the hypervisor
 * signals when the guest writes a virtqueue's QueueNotify (KVM_IOEVENTFD),
 * and calls the queue's handler: the notification never goes through a
 * vCPU thread. One thread serves every queue; a last eventfd stops it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm.h"

#define MAX_IO_SOURCES	8

struct io_source {
	io_handler fn;
	void *opaque;
};

struct iothread {
	int epfd;
	int stop_fd;
	unsigned int nr;
	struct io_source src[MAX_IO_SOURCES];
	pthread_t thread;
	bool started;
};

struct iothread *iothread_create(void)
{
	struct iothread *io = xzalloc(sizeof(*io));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	io->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (io->epfd < 0)
		die_errno("epoll_create1");
	io->stop_fd = xeventfd(0);
	if (epoll_ctl(io->epfd, EPOLL_CTL_ADD, io->stop_fd, &ev))
		die_errno("epoll_ctl");
	return io;
}

/* Before iothread_start(): fn(opaque) runs each time fd is readable. */
void iothread_add(struct iothread *io, int fd, io_handler fn, void *opaque)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (io->nr == MAX_IO_SOURCES)
		die("too many virtqueues");
	io->src[io->nr] = (struct io_source){ .fn = fn, .opaque = opaque };
	ev.data.ptr = &io->src[io->nr++];
	if (epoll_ctl(io->epfd, EPOLL_CTL_ADD, fd, &ev))
		die_errno("epoll_ctl");
}

static void *io_thread(void *arg)
{
	struct epoll_event evs[MAX_IO_SOURCES + 1];
	struct iothread *io = arg;
	struct io_source *src;
	int n, i;

	for (;;) {
		n = epoll_wait(io->epfd, evs, ARRAY_SIZE(evs), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("epoll_wait");
		for (i = 0; i < n; i++) {
			src = evs[i].data.ptr;
			if (!src)
				return NULL;
			src->fn(src->opaque);
		}
	}
}

void iothread_start(struct iothread *io)
{
	int err = pthread_create(&io->thread, NULL, io_thread, io);

	if (err) {
		errno = err;
		die_errno("pthread_create");
	}
	io->started = true;
}

void iothread_destroy(struct iothread *io)
{
	u64 one = 1;

	if (io->started) {
		if (write(io->stop_fd, &one, sizeof(one)) != sizeof(one))
			die_errno("eventfd write");
		pthread_join(io->thread, NULL);
	}
	close(io->stop_fd);
	close(io->epfd);
	free(io);
}
