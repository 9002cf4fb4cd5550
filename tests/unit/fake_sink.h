/* fake_sink.h - an in-memory record sink for the parser tests: it copies
 * every record, and drives a parser the way the ingest loop does (append a
 * chunk to the unconsumed tail, feed, drop what was consumed). */
#ifndef TATRACE_FAKE_SINK_H
#define TATRACE_FAKE_SINK_H

#include <stdlib.h>
#include <string.h>
#include "../../parsers/parser.h"
#include "../../lib/util.h"

struct fake_rec {
	char *text;
	size_t len;
	uint32_t line;
	char *message;
	char *component;
	char *time_text;
	int64_t local_us;
	int32_t bias_min;
	int32_t thread;
	int8_t type;
	uint8_t keyword_sev;
	bool has_time;
	bool has_bias;
	bool partial;
	bool psadt;
};

struct fake_sink {
	struct fake_rec *recs;
	size_t n, cap;
	struct buf problems;	/* "line: what\n" for each problem */
	size_t nproblems;
	size_t stop_after;	/* ask the parser to stop after this many */
	uint32_t last_line;	/* parser_line() after the run */
};

static inline char *fake_span(const struct log_record *r, struct span s)
{
	return xstrndup(r->text + s.off, s.len);
}

static inline int fake_on_record(void *ctx, const struct log_record *r)
{
	struct fake_sink *f = ctx;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->recs = xrealloc(f->recs, f->cap * sizeof(*f->recs));
	}
	struct fake_rec *c = &f->recs[f->n++];
	c->text = xstrndup(r->text, r->len);
	c->len = r->len;
	c->line = r->line;
	c->message = fake_span(r, r->message);
	c->component = fake_span(r, r->component);
	c->time_text = fake_span(r, r->time_text);
	c->local_us = r->has_time ? r->local_us : 0;
	c->bias_min = r->has_bias ? r->bias_min : 0;
	c->thread = r->thread;
	c->type = r->type;
	c->keyword_sev = r->keyword_sev;
	c->has_time = r->has_time;
	c->has_bias = r->has_bias;
	c->partial = r->partial;
	c->psadt = r->psadt;
	return f->stop_after && f->n >= f->stop_after;
}

static inline void fake_on_problem(void *ctx, uint32_t line, const char *what)
{
	struct fake_sink *f = ctx;
	buf_printf(&f->problems, "%u: %s\n", line, what);
	f->nproblems++;
}

static inline void fake_clear(struct fake_sink *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->recs[i].text);
		free(f->recs[i].message);
		free(f->recs[i].component);
		free(f->recs[i].time_text);
	}
	free(f->recs);
	buf_free(&f->problems);
	memset(f, 0, sizeof(*f));
}

/* Parse text fed in chunks of `step` bytes (0: all at once). Returns the
 * total consumed. */
static inline size_t fake_parse_steps(struct fake_sink *f, enum log_format fmt,
				      const char *text, size_t len, size_t step)
{
	struct record_sink sink = {f, fake_on_record, fake_on_problem};
	struct parser *p = parser_new(fmt, &sink, 1);
	struct buf tail = {0};
	size_t off = 0, consumed = 0;
	do {
		size_t c = step && step < len - off ? step : len - off;
		buf_append(&tail, text + off, c);
		off += c;
		size_t used = parser_feed(p, tail.data, tail.len, off == len);
		consumed += used;
		buf_consume(&tail, used);
		if (f->stop_after && f->n >= f->stop_after)
			break;
	} while (off < len);
	f->last_line = parser_line(p);
	buf_free(&tail);
	parser_free(p);
	return consumed;
}

/* Parse text fed as two pieces split at `at`. */
static inline void fake_parse_split(struct fake_sink *f, enum log_format fmt,
				    const char *text, size_t len, size_t at)
{
	struct record_sink sink = {f, fake_on_record, fake_on_problem};
	struct parser *p = parser_new(fmt, &sink, 1);
	struct buf tail = {0};
	buf_append(&tail, text, at);
	buf_consume(&tail, parser_feed(p, tail.data, tail.len, at == len));
	if (at < len) {
		buf_append(&tail, text + at, len - at);
		buf_consume(&tail, parser_feed(p, tail.data, tail.len, true));
	}
	f->last_line = parser_line(p);
	buf_free(&tail);
	parser_free(p);
}

static inline bool fake_str_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Same records, field by field. */
static inline bool fake_same(const struct fake_sink *a, const struct fake_sink *b)
{
	if (a->n != b->n || a->nproblems != b->nproblems ||
	    a->last_line != b->last_line)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct fake_rec *x = &a->recs[i], *y = &b->recs[i];
		if (x->len != y->len || memcmp(x->text, y->text, x->len) ||
		    x->line != y->line || !fake_str_eq(x->message, y->message) ||
		    !fake_str_eq(x->component, y->component) ||
		    !fake_str_eq(x->time_text, y->time_text) ||
		    x->local_us != y->local_us || x->bias_min != y->bias_min ||
		    x->thread != y->thread || x->type != y->type ||
		    x->keyword_sev != y->keyword_sev ||
		    x->has_time != y->has_time || x->has_bias != y->has_bias ||
		    x->partial != y->partial || x->psadt != y->psadt)
			return false;
	}
	return true;
}

/* Concatenated record text equals the input. */
static inline bool fake_lossless(const struct fake_sink *f, const char *text,
				 size_t len)
{
	size_t off = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->recs[i].len > len - off ||
		    memcmp(f->recs[i].text, text + off, f->recs[i].len))
			return false;
		off += f->recs[i].len;
	}
	return off == len;
}

/* One-shot, byte-by-byte, and every two-piece split give the same
 * records, and all of them are lossless. Returns false on any mismatch. */
static inline bool fake_chunking_stable(enum log_format fmt, const char *text,
					size_t len)
{
	struct fake_sink ref = {0}, other = {0};
	bool ok = true;
	fake_parse_steps(&ref, fmt, text, len, 0);
	ok = fake_lossless(&ref, text, len);
	for (size_t step = 1; ok && step <= 3; step++) {
		fake_parse_steps(&other, fmt, text, len, step);
		ok = fake_same(&ref, &other);
		fake_clear(&other);
	}
	for (size_t at = 0; ok && at <= len; at++) {
		fake_parse_split(&other, fmt, text, len, at);
		ok = fake_same(&ref, &other);
		fake_clear(&other);
	}
	fake_clear(&ref);
	return ok;
}

#endif
