/* parseahead.c - the parse-ahead pool (parseahead.h): files planned in
 * walk order, claimed by workers in that order, their tapes handed to
 * the caller one segment at a time.
 *
 * One mutex guards the plan and every tape's queue. A worker fills a
 * private segment and publishes it once it holds SEGMENT_BYTES (or the
 * file ended); publishing waits while the queued bytes pass the cap,
 * unless its file is the earliest the caller has still to store -- that
 * one the caller is draining (or will drain next), so the pool cannot
 * stall, whatever the later tapes hold; it only keeps FRONT_AHEAD_BYTES
 * ahead of the caller. */
#include "parseahead.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SEGMENT_BYTES (256u << 10)
/* What the tape being drained may run ahead of the caller. The caller
 * stalls in every batch commit (fdatasync); the front worker, stopped
 * at this bound meanwhile, then has to refill it while the caller waits.
 * At 2 MiB the caller waited 2.5 s for the front tape over the 10M
 * bundle, at 8 MiB 1.3 s (timed around the cond waits), peak RSS the
 * same (45-48 MB). */
#define FRONT_AHEAD_BYTES (8u << 20)
#define SPARE_SEGMENTS 16

struct segment {
	struct segment *next;
	size_t len, cap;
	unsigned char *data;
};

enum plan_state {
	PLAN_FREE,		/* no one has it yet */
	PLAN_WORKER,		/* a worker parses (or parsed) it */
	PLAN_CALLER,		/* reached first by the caller: its own */
	PLAN_DROPPED,		/* passed over, released or stopped */
};

struct parseahead_tape {
	struct parseahead *pa;
	size_t index;			/* in the plan */
	struct segment *head, *tail;	/* published, not yet read */
	struct segment *filling;	/* the worker's */
	struct segment *reading;	/* the caller's */
	size_t read_at;
	size_t queued;			/* bytes in head..tail */
	bool finished;			/* the last segment is published */
	bool dropped;
};

struct plan_file {
	char *source;
	int tag;
	enum plan_state state;
	struct parseahead_tape *tape;
};

struct parseahead {
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* any state change: one cond for all */
	struct plan_file *files;
	size_t n, cap;
	size_t next_claim;		/* first file a worker may claim */
	size_t front;			/* the caller's file (or the next) */
	size_t queued;			/* bytes in published segments */
	size_t cap_bytes;
	/* Read segments kept for reuse: a fresh one of this size is a
	 * mapping of its own, and its pages faulted in again. */
	struct segment *spare;
	size_t n_spare;
	bool stopping;
	unsigned workers;
	pthread_t *threads;
	bool started;
	parseahead_job job;
	void *ctx;
};

struct worker_arg {
	struct parseahead *pa;
	unsigned index;
};

struct parseahead *parseahead_new(unsigned workers, size_t cap_bytes,
				  parseahead_job job, void *ctx)
{
	struct parseahead *pa = xcalloc(1, sizeof(*pa));
	pthread_mutex_init(&pa->lock, NULL);
	pthread_cond_init(&pa->changed, NULL);
	pa->workers = workers;
	pa->cap_bytes = cap_bytes;
	pa->job = job;
	pa->ctx = ctx;
	return pa;
}

void parseahead_add(struct parseahead *pa, const char *source, int tag)
{
	if (pa->n == pa->cap) {
		pa->cap = pa->cap ? pa->cap * 2 : 64;
		pa->files = xrealloc(pa->files, pa->cap * sizeof(*pa->files));
	}
	pa->files[pa->n++] = (struct plan_file){ xstrdup(source), tag,
						 PLAN_FREE, NULL };
}

static void segment_free(struct segment *s)
{
	if (s) {
		free(s->data);
		free(s);
	}
}

/* With the lock held. */
static void segment_recycle(struct parseahead *pa, struct segment *s)
{
	if (!s)
		return;
	if (pa->n_spare >= SPARE_SEGMENTS || s->cap != SEGMENT_BYTES + 4096) {
		segment_free(s);
		return;
	}
	s->len = 0;
	s->next = pa->spare;
	pa->spare = s;
	pa->n_spare++;
}

static struct segment *segment_get(struct parseahead *pa)
{
	pthread_mutex_lock(&pa->lock);
	struct segment *s = pa->spare;
	if (s) {
		pa->spare = s->next;
		pa->n_spare--;
		s->next = NULL;
	}
	pthread_mutex_unlock(&pa->lock);
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->cap = SEGMENT_BYTES + 4096;
		s->data = xmalloc(s->cap);
	}
	return s;
}

static void tape_free(struct parseahead_tape *t)
{
	struct segment *s = t->head;
	while (s) {
		struct segment *next = s->next;
		segment_free(s);
		s = next;
	}
	segment_free(t->filling);
	segment_free(t->reading);
	free(t);
}

/* The next file for a worker, claimed; false when none is left. */
static bool claim(struct parseahead *pa, size_t *index)
{
	pthread_mutex_lock(&pa->lock);
	while (pa->next_claim < pa->n &&
	       (pa->next_claim < pa->front ||
		pa->files[pa->next_claim].state != PLAN_FREE))
		pa->next_claim++;
	bool got = !pa->stopping && pa->next_claim < pa->n;
	if (got) {
		*index = pa->next_claim++;
		struct plan_file *f = &pa->files[*index];
		f->state = PLAN_WORKER;
		f->tape = xcalloc(1, sizeof(*f->tape));
		f->tape->pa = pa;
		f->tape->index = *index;
	}
	pthread_mutex_unlock(&pa->lock);
	return got;
}

static void *worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct parseahead *pa = wa->pa;
	size_t index;
	while (claim(pa, &index)) {
		struct plan_file *f = &pa->files[index];
		pa->job(pa->ctx, wa->index, f->source, f->tag, f->tape);
	}
	free(wa);
	return NULL;
}

void parseahead_start(struct parseahead *pa)
{
	pa->threads = xcalloc(pa->workers ? pa->workers : 1, sizeof(*pa->threads));
	for (unsigned i = 0; i < pa->workers; i++) {
		struct worker_arg *wa = xmalloc(sizeof(*wa));
		wa->pa = pa;
		wa->index = i;
		if (pthread_create(&pa->threads[i], NULL, worker_main, wa) != 0)
			die("cannot start a parsing thread");
	}
	pa->started = true;
}

/* Drop a tape the caller will not read (with the lock held). Its worker
 * sees dropped at its next record and stops; the tape is freed by
 * whichever side lets go of it last. */
static void drop_locked(struct parseahead *pa, struct plan_file *f)
{
	f->state = PLAN_DROPPED;
	if (f->tape) {
		struct parseahead_tape *t = f->tape;
		__atomic_store_n(&t->dropped, true, __ATOMIC_RELAXED);
		pa->queued -= t->queued;
		t->queued = 0;
		while (t->head) {
			struct segment *next = t->head->next;
			segment_free(t->head);
			t->head = next;
		}
		t->tail = NULL;
		if (t->finished) {
			tape_free(t);
			f->tape = NULL;
		}
	}
	pthread_cond_broadcast(&pa->changed);
}

struct parseahead_tape *parseahead_take(struct parseahead *pa,
					const char *source)
{
	struct parseahead_tape *t = NULL;
	pthread_mutex_lock(&pa->lock);
	size_t i = pa->front;
	while (i < pa->n && strcmp(pa->files[i].source, source))
		i++;
	if (i < pa->n) {
		for (size_t j = pa->front; j < i; j++)
			if (pa->files[j].state != PLAN_DROPPED)
				drop_locked(pa, &pa->files[j]);
		pa->front = i;
		struct plan_file *f = &pa->files[i];
		if (f->state == PLAN_FREE)
			f->state = PLAN_CALLER;
		else if (f->state == PLAN_WORKER)
			t = f->tape;
		pthread_cond_broadcast(&pa->changed);
	}
	pthread_mutex_unlock(&pa->lock);
	return t;
}

void parseahead_release(struct parseahead *pa, struct parseahead_tape *t)
{
	pthread_mutex_lock(&pa->lock);
	size_t index = t->index;	/* drop_locked may free t */
	segment_recycle(pa, t->reading);
	t->reading = NULL;
	drop_locked(pa, &pa->files[index]);
	if (pa->front == index)
		pa->front++;
	pthread_mutex_unlock(&pa->lock);
}

void parseahead_free(struct parseahead *pa)
{
	if (!pa)
		return;
	pthread_mutex_lock(&pa->lock);
	pa->stopping = true;
	for (size_t i = 0; i < pa->n; i++)
		if (pa->files[i].state != PLAN_DROPPED)
			drop_locked(pa, &pa->files[i]);
	pthread_mutex_unlock(&pa->lock);
	for (unsigned i = 0; pa->started && i < pa->workers; i++)
		pthread_join(pa->threads[i], NULL);
	for (size_t i = 0; i < pa->n; i++) {
		if (pa->files[i].tape)
			tape_free(pa->files[i].tape);
		free(pa->files[i].source);
	}
	while (pa->spare) {
		struct segment *next = pa->spare->next;
		segment_free(pa->spare);
		pa->spare = next;
	}
	free(pa->files);
	free(pa->threads);
	pthread_cond_destroy(&pa->changed);
	pthread_mutex_destroy(&pa->lock);
	free(pa);
}

/* ---- the worker's side ---- */

/* Hand the filling segment to the caller, waiting while the queue is
 * over its cap and this file is not the caller's next. The last one
 * (finished) marks the tape done; a dropped tape is freed here. A
 * file's first segment waits too: a folder of logs under a segment each
 * (ConfigMgr rotates most at 250 KB) would otherwise all be parsed
 * ahead, the cap never met. The front tape's first one never waits, so
 * the caller always has one to drain. */
static void publish(struct parseahead_tape *t, bool finished)
{
	struct parseahead *pa = t->pa;
	struct segment *s = t->filling;
	t->filling = NULL;
	pthread_mutex_lock(&pa->lock);
	while (!t->dropped && s &&
	       (t->index != pa->front ? pa->queued + s->len > pa->cap_bytes
				      : t->queued &&
					t->queued + s->len > FRONT_AHEAD_BYTES))
		pthread_cond_wait(&pa->changed, &pa->lock);
	if (t->dropped) {
		segment_free(s);
	} else if (s) {
		if (t->tail)
			t->tail->next = s;
		else
			t->head = s;
		t->tail = s;
		t->queued += s->len;
		pa->queued += s->len;
	}
	t->finished = finished;
	if (finished && t->dropped) {
		pa->files[t->index].tape = NULL;
		tape_free(t);
	}
	pthread_cond_broadcast(&pa->changed);
	pthread_mutex_unlock(&pa->lock);
}

/* Room for n more bytes in the filling segment; publishes a full one. */
static unsigned char *tape_room(struct parseahead_tape *t, size_t n)
{
	struct segment *s = t->filling;
	if (s && s->len >= SEGMENT_BYTES) {
		publish(t, false);
		s = NULL;
	}
	if (!s)
		s = t->filling = segment_get(t->pa);
	if (s->len + n > s->cap) {
		while (s->len + n > s->cap)
			s->cap *= 2;
		s->data = xrealloc(s->data, s->cap);
	}
	unsigned char *p = s->data + s->len;
	s->len += n;
	return p;
}

static void put(struct parseahead_tape *t, enum tape_kind kind,
		const void *a, size_t alen, const void *b, size_t blen)
{
	unsigned char *p = tape_room(t, 1 + alen + blen);
	*p = (unsigned char)kind;
	memcpy(p + 1, a, alen);
	if (blen)
		memcpy(p + 1 + alen, b, blen);
}

void tape_head(struct parseahead_tape *t, uint64_t head_hash)
{
	put(t, TAPE_HEAD, &head_hash, sizeof(head_hash), NULL, 0);
}

int tape_record(struct parseahead_tape *t, const struct log_record *rec)
{
	struct log_record copy = *rec;
	copy.text = NULL;
	put(t, TAPE_RECORD, &copy, sizeof(copy), rec->text, rec->len);
	/* Read without the lock: a stale false costs one more record. */
	return __atomic_load_n(&t->dropped, __ATOMIC_RELAXED) ? 1 : 0;
}

void tape_event(struct parseahead_tape *t, const struct event *ev)
{
	put(t, TAPE_EVENT, ev, sizeof(*ev), NULL, 0);
}

void tape_problem(struct parseahead_tape *t, uint32_t line, const char *what)
{
	uint32_t len = (uint32_t)strlen(what) + 1;
	uint32_t hdr[2] = { line, len };
	put(t, TAPE_PROBLEM, hdr, sizeof(hdr), what, len);
}

void tape_bytes(struct parseahead_tape *t, uint64_t n)
{
	put(t, TAPE_BYTES, &n, sizeof(n), NULL, 0);
}

void tape_end(struct parseahead_tape *t, const struct tape_result *r)
{
	put(t, TAPE_END, r, sizeof(*r), NULL, 0);
	publish(t, true);
}

void tape_fail(struct parseahead_tape *t, const char *why)
{
	uint32_t len = (uint32_t)strlen(why) + 1;
	uint32_t hdr[2] = { 0, len };
	put(t, TAPE_FAIL, hdr, sizeof(hdr), why, len);
	publish(t, true);
}

/* ---- the caller's side ---- */

/* The next published segment, waiting for it; the one read is freed. */
static void next_segment(struct parseahead *pa, struct parseahead_tape *t)
{
	pthread_mutex_lock(&pa->lock);
	segment_recycle(pa, t->reading);
	t->reading = NULL;
	while (!t->head)
		pthread_cond_wait(&pa->changed, &pa->lock);
	struct segment *s = t->head;
	t->head = s->next;
	if (!t->head)
		t->tail = NULL;
	t->queued -= s->len;
	pa->queued -= s->len;
	pthread_cond_broadcast(&pa->changed);
	pthread_mutex_unlock(&pa->lock);
	s->next = NULL;
	t->reading = s;
	t->read_at = 0;
}

static void take_bytes(struct parseahead_tape *t, void *out, size_t n)
{
	memcpy(out, t->reading->data + t->read_at, n);
	t->read_at += n;
}

void tape_next(struct parseahead *pa, struct parseahead_tape *t,
	       struct tape_item *it)
{
	if (!t->reading || t->read_at >= t->reading->len)
		next_segment(pa, t);
	const unsigned char *p = t->reading->data + t->read_at++;
	uint32_t hdr[2];
	it->kind = (enum tape_kind)*p;
	switch (it->kind) {
	case TAPE_HEAD:
	case TAPE_BYTES:
		take_bytes(t, &it->n, sizeof(it->n));
		break;
	case TAPE_RECORD:
		take_bytes(t, &it->rec, sizeof(it->rec));
		it->rec.text = (const char *)t->reading->data + t->read_at;
		t->read_at += it->rec.len;
		break;
	case TAPE_EVENT:
		take_bytes(t, &it->ev, sizeof(it->ev));
		break;
	case TAPE_PROBLEM:
	case TAPE_FAIL:
		take_bytes(t, hdr, sizeof(hdr));
		it->line = hdr[0];
		it->what = (const char *)t->reading->data + t->read_at;
		t->read_at += hdr[1];
		break;
	case TAPE_END:
		take_bytes(t, &it->result, sizeof(it->result));
		break;
	}
}
