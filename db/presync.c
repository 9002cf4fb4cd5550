/* presync.c - flushing the store file to the disk ahead of the commits.
 *
 * On the machines tatrace was measured on, fdatasync costs about as long
 * as the disk takes to write what was written since the last one (some
 * 1.3 ms per MB): the kernel's background writeback does not help, the
 * device's cache flush is what takes the time. A bulk load commits a
 * batch a second, each fdatasync waiting for the whole batch, while the
 * parse and the writer threads stand still: a fifth of a 10M ingest.
 * This thread calls fdatasync on the store file (through the ingest
 * lock's descriptor, which stays open until after sqlite3_close: closing
 * any descriptor of the file would drop SQLite's POSIX locks) every
 * PRESYNC_PERIOD_MS, so the disk works while the CPUs do and the
 * commit's fdatasync finds little left to flush. Durability is SQLite's
 * as before: it still syncs journal and store at every commit; this only
 * does part of that work earlier, on a thread that would be idle. */
#include "store_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "../lib/util.h"

#define PRESYNC_PERIOD_MS 100

struct store_presync {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool stop;
	int fd;
};

static void deadline_in(struct timespec *at, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, at);
	at->tv_nsec += ms * 1000000L;
	at->tv_sec += at->tv_nsec / 1000000000L;
	at->tv_nsec %= 1000000000L;
}

static void *presync_main(void *arg)
{
	struct store_presync *p = arg;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		struct timespec at;
		deadline_in(&at, PRESYNC_PERIOD_MS);
		/* Until a stop or the period's end; a spurious wakeup only
		 * flushes early. */
		pthread_cond_timedwait(&p->wake, &p->mu, &at);
		if (p->stop)
			break;
		pthread_mutex_unlock(&p->mu);
		fdatasync(p->fd);	/* a failure is SQLite's to meet */
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct store_presync *store_presync_start(int fd)
{
	if (fd < 0)
		return NULL;	/* the commits flush it all, as before */
	struct store_presync *p = xcalloc(1, sizeof(*p));
	p->fd = fd;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->wake, &attr);
	pthread_condattr_destroy(&attr);
	/* Signals stay with the ingest's own thread (Ctrl-C). */
	if (thread_start_unsignalled(&p->thread, presync_main, p) != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

void store_presync_stop(struct store_presync *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
