// SPDX-License-Identifier: GPL-2.0
/*
 * A multi-threaded workload for the Linux guest that checks its own
 * results: THREADS threads (pinned round-robin to the online CPUs) each
 * add to one shared counter with atomics and to another under a mutex,
 * ITERS times, and fold a private pseudo-random sequence. Afterwards both
 * counters must be THREADS * ITERS, and each thread's fold must equal the
 * main thread's recomputation of it.
 *   mtwork THREADS ITERS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

static unsigned long long atomic_count, locked_count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;
static long iters;

struct worker {
	pthread_t thread;
	long id;
	unsigned long long fold;
};

static unsigned long long fold(long id)
{
	unsigned long long s = 0x9e3779b97f4a7c15ULL * (id + 1), f = 0;
	long i;

	for (i = 0; i < iters; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		f = f * 31 + s;
	}
	return f;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned long long s = 0x9e3779b97f4a7c15ULL * (w->id + 1), f = 0;
	long i;

	pthread_barrier_wait(&start);
	for (i = 0; i < iters; i++) {
		__atomic_fetch_add(&atomic_count, 1, __ATOMIC_RELAXED);
		pthread_mutex_lock(&lock);
		locked_count++;
		pthread_mutex_unlock(&lock);
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		f = f * 31 + s;
	}
	w->fold = f;
	return NULL;
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	long n, i, cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long want;
	int bad = 0;

	if (argc != 3 || (n = atol(argv[1])) <= 0 || n > MAX_THREADS ||
	    (iters = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: mtwork THREADS(1-%d) ITERS\n", MAX_THREADS);
		return 2;
	}
	pthread_barrier_init(&start, NULL, n);
	for (i = 0; i < n; i++) {
		pthread_attr_t attr;
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(i % cpus, &set);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		w[i].id = i;
		if (pthread_create(&w[i].thread, &attr, work, &w[i])) {
			perror("mtwork: pthread_create");
			return 1;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	want = (unsigned long long)n * iters;
	if (atomic_count != want || locked_count != want) {
		printf("mtwork: counters %llu (atomic) and %llu (mutex), want %llu\n",
		       atomic_count, locked_count, want);
		bad = 1;
	}
	for (i = 0; i < n; i++) {
		if (w[i].fold != fold(i)) {
			printf("mtwork: thread %ld folded %#llx, want %#llx\n", i, w[i].fold,
			       fold(i));
			bad = 1;
		}
	}
	if (!bad)
		printf("mtwork: %ld threads on %ld CPUs, %llu additions each way: ok\n", n, cpus,
		       want);
	return bad;
}
