/* parseahead.h - a parse-ahead pool: worker threads parse the files a
 * walk will reach next, each onto a tape, while the calling thread
 * stores files one by one in walk order and replays a file's tape when
 * it gets there.
 *
 * The tape holds what the parser's sink and the event matcher said, in
 * order (records with their text, events, problems, bytes read) and the
 * file's result; the caller replays it into the store exactly as if it
 * had parsed the file itself, so the store and the messages are the
 * same. Memory stays bounded: tapes waiting for the caller hold at most
 * cap_bytes, except the tape of the earliest file still to be stored,
 * which the caller drains (a file's first segment counts too: many
 * small files are held to the cap as one big one is), plus one segment
 * being filled per worker. A file the caller reaches before any worker
 * took it is the caller's to parse (parseahead_take returns NULL). */
#ifndef TATRACE_PARSEAHEAD_H
#define TATRACE_PARSEAHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../lib/util.h"
#include "../parsers/events.h"
#include "../parsers/record.h"

struct parseahead;
struct parseahead_tape;

/* Parse the file at source (tag: what parseahead_add was given) onto t,
 * on worker thread number worker (0-based). Ends with tape_end or
 * tape_fail, or stops early once tape_record returns non-zero. */
typedef void (*parseahead_job)(void *ctx, unsigned worker, const char *source,
			       int tag, struct parseahead_tape *t);

struct parseahead *parseahead_new(unsigned workers, size_t cap_bytes,
				  parseahead_job job, void *ctx);
/* The files the walk will reach, in walk order; then start the workers. */
void parseahead_add(struct parseahead *pa, const char *source, int tag);
void parseahead_start(struct parseahead *pa);
/* The caller has reached source: its tape, being written or written,
 * or NULL (not planned, or no worker took it yet: it is the caller's).
 * Planned files before it were passed over, and are dropped. */
struct parseahead_tape *parseahead_take(struct parseahead *pa,
					const char *source);
/* Done with a taken tape, read to its end or not. */
void parseahead_release(struct parseahead *pa, struct parseahead_tape *t);
/* Stops the workers (files not reached are dropped) and frees all. */
void parseahead_free(struct parseahead *pa);

/* ---- the worker's side ---- */

/* How a file parsed whole ended (tape_end). */
struct tape_result {
	enum log_format format;
	const char *encoding;		/* a static name */
	struct hasher raw;		/* over every raw byte */
	int64_t size;			/* raw bytes read */
};

/* The hash of the file's head, as first item: the caller compares it
 * with the head it read, so that a file replaced since is parsed again. */
void tape_head(struct parseahead_tape *t, uint64_t head_hash);
/* Non-zero: the caller dropped this file, stop. */
int tape_record(struct parseahead_tape *t, const struct log_record *rec);
void tape_event(struct parseahead_tape *t, const struct event *ev);
void tape_problem(struct parseahead_tape *t, uint32_t line, const char *what);
void tape_bytes(struct parseahead_tape *t, uint64_t n);
void tape_end(struct parseahead_tape *t, const struct tape_result *r);
/* The file could not be parsed whole (why: the reason, for a report). */
void tape_fail(struct parseahead_tape *t, const char *why);

/* ---- the caller's side ---- */

enum tape_kind {
	TAPE_HEAD,
	TAPE_RECORD,
	TAPE_EVENT,
	TAPE_PROBLEM,
	TAPE_BYTES,
	TAPE_END,
	TAPE_FAIL,
};

/* One item; its pointers are valid until the next tape_next. */
struct tape_item {
	enum tape_kind kind;
	uint64_t n;			/* HEAD: hash; BYTES: count */
	struct log_record rec;		/* RECORD */
	struct event ev;		/* EVENT */
	uint32_t line;			/* PROBLEM */
	const char *what;		/* PROBLEM, FAIL */
	struct tape_result result;	/* END */
};

/* The next item, waiting for the worker as needed. After TAPE_END or
 * TAPE_FAIL there is none: do not call again. */
void tape_next(struct parseahead *pa, struct parseahead_tape *t,
	       struct tape_item *it);

#endif
