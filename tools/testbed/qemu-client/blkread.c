// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side of the virtio-blk benchmark: 4 KiB random reads from a block
 * device with O_DIRECT (each one a request to the device, none from the
 * page cache), timed with the guest's virtual counter (CNTVCT_EL0, the
 * same 62.5 MHz ticks the other benchmarks report).
 *   blkread DEV COUNT
 * First writes every 4 KiB block with its own number, then reads COUNT
 * blocks at random after 100 of warm-up, checking each one's number, and
 * prints "ticks per read: T.TT". Exits non-zero on any error.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#define BLK	4096
#define CHUNK	(64 * BLK)
#define WARMUP	100

static unsigned long long cntvct(void)
{
	unsigned long long v;

	/* ISBs: counter reads may be made out of order (Arm ARM, Generic Timer). */
	asm volatile("isb\n mrs %0, cntvct_el0\n isb" : "=r"(v) :: "memory");
	return v;
}

static unsigned long long xorshift(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int fill(int fd, unsigned long long blocks, unsigned char *buf)
{
	unsigned long long b, i;

	for (b = 0; b < blocks; b += CHUNK / BLK) {
		for (i = 0; i < CHUNK / BLK; i++)
			memcpy(buf + i * BLK, &(unsigned long long){ b + i }, 8);
		if (pwrite(fd, buf, CHUNK, b * BLK) != CHUNK) {
			perror("blkread: pwrite");
			return -1;
		}
	}
	return fsync(fd);
}

static int read_one(int fd, unsigned long long blocks, unsigned long long *seed,
		    unsigned char *buf)
{
	unsigned long long b = xorshift(seed) % blocks, got;

	if (pread(fd, buf, BLK, b * BLK) != BLK) {
		perror("blkread: pread");
		return -1;
	}
	memcpy(&got, buf, 8);
	if (got != b) {
		fprintf(stderr, "blkread: block %llu reads as %llu\n", b, got);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long size, blocks, seed = 88172645463325252ULL, t0, t;
	unsigned char *buf;
	long i, count;
	int fd;

	if (argc != 3 || (count = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: blkread DEV COUNT\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) || posix_memalign((void **)&buf, BLK, CHUNK)) {
		perror("blkread");
		return 1;
	}
	blocks = size / CHUNK * (CHUNK / BLK);
	if (!blocks || fill(fd, blocks, buf))
		return 1;
	for (i = 0; i < WARMUP; i++)
		if (read_one(fd, blocks, &seed, buf))
			return 1;
	t0 = cntvct();
	for (i = 0; i < count; i++)
		if (read_one(fd, blocks, &seed, buf))
			return 1;
	t = (cntvct() - t0) * 100 / count;
	printf("ticks per read: %llu.%02llu\n", t / 100, t % 100);
	return 0;
}
