/* logview.c - the merged log screen: a window of at most WIN_MAX records
 * around the cursor, read through a store_log cursor (db/logcursor.c)
 * kept open across pages.
 *
 * Paging forward seeks the cursor to just after the window's last key
 * (utc, file id, seq) and takes CHUNK records with next(); paging
 * backward seeks to the first key and takes CHUNK with prev(); a jump
 * reads just JUMP records around its target. A seek is
 * a binary search over block bounds the cursor read when it was opened,
 * and the blocks it holds stay held while paging near them, so a page
 * costs about the records it reads, wherever it is in the store; G and
 * opening at a time cost one block per log covering that moment. Rows
 * that leave the far side are dropped, so the dashboard holds the same
 * few hundred records whether the store has a thousand or ten million.
 * Host, component and time filters and one PCRE2 pattern go to the store
 * (log_query): the & filter in the window's cursor, the / search in a
 * cursor of its own (then the & filter, if any, is matched here, or the
 * other way round when only the filter can be matched block-wise), so the
 * store passes over blocks with no match without decoding them. A filter
 * change reopens the cursors, but for the severity: the cursors test it
 * on each record's packed entry (so blocks without one at that severity
 * are passed over without their text) and read it at every seek, so `s`
 * keeps them and the blocks they hold. The cursor over every record (no
 * filter the store takes at open) is parked, not closed, while one is
 * set, its blocks let go: clearing the filters (x) takes it up again
 * without reading every block's bounds anew. The
 * cursors tick once a block (log_tick: progress on the status line, Esc
 * cancels), also while no record matches, and a record the pattern could
 * not be matched against (a PCRE2 limit) is counted and named on the
 * status line, never taken for "no match". */
#include "logview.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "draw.h"
#include "glyphs.h"
#include "pattern.h"
#include "namematch.h"
#include "record.h"
#include "timerange.h"
#include "../parsers/timeparse.h"

#define CHUNK 256		/* records read per page fetch */
#define JUMP 48			/* records read after a jump (G, g, a time, a
				 * filter): a screen or so, so that a jump reads
				 * the texts of the blocks that screen shows, not
				 * of every log around that moment */
#define WIN_MAX (16 * CHUNK)	/* records held at most */
#define MSG_MAX 1024		/* message bytes kept per row */

int log_key_cmp(const struct log_key *a, const struct log_key *b)
{
	if (a->utc != b->utc)
		return a->utc < b->utc ? -1 : 1;
	if (a->file_id != b->file_id)
		return a->file_id < b->file_id ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

size_t log_one_line(struct buf *out, const char *s, size_t len, size_t max, const char *sep)
{
	size_t end = len;
	if (end > max) {
		end = max;
		while (end > 0 && ((unsigned char)s[end] & 0xc0) == 0x80)
			end--;	/* not inside a UTF-8 sequence */
	}
	size_t i = 0;
	while (i < end) {
		if (s[i] == '\r' || s[i] == '\n') {
			i += s[i] == '\r' && i + 1 < end && s[i + 1] == '\n' ? 2 : 1;
			buf_puts(out, sep);
		} else if (s[i] == '~' && i + 1 < end && s[i + 1] == '~') {
			i += 2;
			buf_puts(out, sep);
		} else {
			buf_putc(out, s[i++]);
		}
	}
	if (!out->data)
		buf_puts(out, "");
	return end;
}

/* One record of the window. text holds host, file:line, component and
 * the message's first MSG_MAX bytes, NUL-separated (one allocation). */
struct lrow {
	struct log_key key;
	bool timed, dated;
	uint8_t sev;
	char *text;
	uint16_t where, comp, msg;	/* offsets into text */
};

struct lfilter {
	char *host, *comp;
	enum severity min_sev;		/* SEV_VERBOSE: all */
	char *grep;			/* the pattern, for the title */
	pcre2_code *re;
	struct time_range range;
	char *range_text;
};

struct logview {
	struct app *app;
	struct lrow *rows;
	size_t n;
	bool at_start, at_end;		/* nothing before rows[0] / after rows[n-1] */
	int64_t base;			/* records before rows[0] */
	bool base_exact;
	int64_t total;			/* records in the store */
	int64_t utc_min, utc_max;
	struct lfilter f;
	struct log_query q;		/* the window's: f's store part */
	struct log_cursor *cur;		/* over q, NULL until needed */
	struct log_query plain_q;	/* the window's without such a part */
	struct log_cursor *plain_cur;	/* over plain_q, NULL until needed */
	struct log_query find_q;	/* the / search's */
	struct log_cursor *find_cur;	/* over find_q, NULL until needed */
	pcre2_match_data *md;		/* for f.re and find_re */
	pcre2_code *find_re;		/* the last / */
	char *find_text;
	/* The running operation (op_begin .. op_end), over its reads: */
	const char *what;		/* "reading", "searching": for progress */
	int64_t seen;			/* records of the blocks read or skipped */
	int64_t seen_before;		/* ... by the reads before this one */
	int64_t limited;		/* records the pattern hit a PCRE2 limit on */
	bool cancelled;			/* Esc */
	double op_t0;			/* when it began */
	/* Live (log_reread): records that arrived past the cursor, more
	 * than that when fresh_more; the latest UTC read so far. */
	int64_t fresh;
	bool fresh_more;
	int64_t seen_max;
	/* Sideways: the message column shows its text from column xoff on
	 * (h/l); the component column is hidden (w). */
	int xoff;
	bool comp_hidden;
};

static struct logview *lv_of(struct view *v)
{
	return v->data;
}

/* A filter the store takes when a cursor opens: all but the severity. */
static bool store_side(const struct logview *lv)
{
	return lv->f.host || lv->f.comp || lv->f.re || lv->f.range.has_from || lv->f.range.has_to;
}

static bool filtered(const struct logview *lv)
{
	return store_side(lv) || lv->f.min_sev;
}

/* ---- what is matched here, and the reads ---- */

/* What a read keeps beyond the store's filters: when the store matches
 * the / search, the & filter. */
struct keep {
	const pcre2_code *re;		/* NULL: none */
};

/* 1 keep, 0 drop, -1 the pattern hit a PCRE2 limit (counted). */
static int log_keep(struct logview *lv, const struct keep *k, const struct stored_record *r)
{
	if (!k->re)
		return 1;
	int rc = pcre2_match(k->re, (PCRE2_SPTR)(r->text + r->message.off), r->message.len, 0,
			     0, lv->md, NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	lv->limited++;
	return -1;
}

/* store_log's tick, once a block: progress (after the first 100 ms, see
 * app_progress) and a look for Esc, also while no record matches. */
static int log_tick(void *ctx, int64_t utc_us, uint64_t records_seen)
{
	struct logview *lv = ctx;
	lv->seen = lv->seen_before + (int64_t)records_seen;
	char t[32];
	format_utc_ms(utc_us, t);
	if (app_progress(lv->app, "%s %s: %" PRId64 " records read, at %s (Esc stops)",
			 glyph(G_WAIT), lv->what, lv->seen, t))
		lv->cancelled = true;
	return lv->cancelled;
}

/* The window's cursor, opened on first use after a filter change. NULL
 * on a store error (recorded in the store). */
static struct log_cursor *window_cursor(struct logview *lv);

/* Drop the cursors: the filters they were opened with changed (the
 * plain cursor's are none: it is parked), or with all, the store did. */
static void cursors_close(struct logview *lv, bool all)
{
	store_log_close(lv->cur);
	store_log_close(lv->find_cur);
	lv->cur = lv->find_cur = NULL;
	if (all) {
		store_log_close(lv->plain_cur);
		lv->plain_cur = NULL;
	} else {
		store_log_forget(lv->plain_cur);
	}
}

/* One step of a cursor under the running operation: the record, 0 at the
 * end or after Esc (lv->cancelled), -1 on a store error. A record the
 * pattern could not be matched against is counted when kept (by k) and
 * passed over; k decides the rest. */
static int step(struct logview *lv, struct log_cursor *c, bool backward, const struct keep *k,
		struct stored_record *r)
{
	for (;;) {
		int rc = backward ? store_log_prev(c, r, NULL) : store_log_next(c, r, NULL);
		if (rc == STORE_LOG_END)
			return 0;
		if (rc == STORE_LOG_CANCELLED) {
			lv->cancelled = true;
			return 0;
		}
		if (rc < 0)
			return -1;
		int keep = log_keep(lv, k, r);
		if (rc == STORE_LOG_LIMITED) {
			if (keep > 0)
				lv->limited++;
			continue;
		}
		if (keep > 0)
			return 1;
	}
}

/* Seek c (its ticks count from there) to at. */
static void seek(struct logview *lv, struct log_cursor *c, const struct log_pos *at)
{
	lv->seen_before = lv->seen;
	store_log_seek(c, at);
}

/* Around every operation that reads (a move past the window, a filter,
 * a search): its counters, and after it the status line: the progress
 * cleared, a stop or the records the pattern could not be matched
 * against named. */
static void op_begin(struct logview *lv, const char *what)
{
	lv->what = what;
	lv->op_t0 = clock_now();
	lv->seen = lv->seen_before = lv->limited = 0;
	lv->cancelled = false;
}

static void op_end(struct logview *lv)
{
	if (lv->cancelled)
		app_message(lv->app, PAINT_WARN, "stopped after %" PRId64 " records: the window may be short",
			    lv->seen);
	else if (lv->limited)
		app_message(lv->app, PAINT_WARN,
			    "the pattern hit a PCRE2 limit on %" PRId64 " record%s, not shown: make it simpler (fewer nested or unbounded repeats)",
			    lv->limited, lv->limited == 1 ? "" : "s");
	else if (clock_now() - lv->op_t0 >= 0.1)	/* progress may show */
		app_message(lv->app, PAINT_NORMAL, "%s", "");
}

/* ---- rows ---- */

static void row_fill(struct lrow *row, const struct stored_record *r)
{
	const char *slash = strrchr(r->path, '/');
	struct buf b = {0};
	row->key = (struct log_key){ r->utc_us, r->file_id, r->seq };
	row->timed = r->timed;
	row->dated = r->dated;
	row->sev = (uint8_t)severity_of(r->type, r->keyword_sev);
	buf_append(&b, r->host, strnlen(r->host, 200));
	buf_putc(&b, '\0');
	row->where = (uint16_t)b.len;
	buf_printf(&b, "%.200s:%u", slash ? slash + 1 : r->path, (unsigned)r->line);
	buf_putc(&b, '\0');
	row->comp = (uint16_t)b.len;
	buf_append(&b, r->component, strnlen(r->component, 200));
	buf_putc(&b, '\0');
	row->msg = (uint16_t)b.len;
	size_t n = r->message.len < MSG_MAX ? r->message.len : MSG_MAX;
	while (n > 0 && n < r->message.len && ((unsigned char)r->text[r->message.off + n] & 0xc0) == 0x80)
		n--;
	buf_append(&b, r->text + r->message.off, n);
	buf_putc(&b, '\0');
	row->text = b.data;
}

static void rows_free(struct lrow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].text);
}

static void log_query_of(const struct logview *lv, struct log_query *q)
{
	*q = (struct log_query){
		.host = lv->f.host,
		.component = lv->f.comp,
		.has_since = lv->f.range.has_from,
		.since_us = lv->f.range.from,
		.has_until = lv->f.range.has_to,
		.until_us = lv->f.range.to,
		.min_sev = lv->f.min_sev,
	};
}

/* ---- the window's reads ---- */

static struct log_cursor *window_cursor(struct logview *lv)
{
	if (!store_side(lv)) {
		if (!lv->plain_cur) {
			lv->plain_q = (struct log_query){
				.min_sev = lv->f.min_sev, .tick = log_tick, .tick_ctx = lv,
			};
			lv->plain_cur = store_log_open(app_store(lv->app), &lv->plain_q);
		}
		return lv->plain_cur;
	}
	if (!lv->cur) {
		log_query_of(lv, &lv->q);
		lv->q.grep = lv->f.re;
		lv->q.grep_text = lv->f.grep;
		lv->q.tick = log_tick;
		lv->q.tick_ctx = lv;
		lv->cur = store_log_open(app_store(lv->app), &lv->q);
	}
	return lv->cur;
}

static struct log_pos pos_of(const struct log_key *k)
{
	return (struct log_pos){ k->utc, k->file_id, k->seq };
}

/* Up to want rows after (or at, inclusive) key (NULL: from the start)
 * into out; *more when there are others after them. -1 on error. */
static long fetch_forward(struct logview *lv, const struct log_key *after, bool inclusive,
			  size_t want, struct lrow *out, bool *more)
{
	struct log_cursor *c = window_cursor(lv);
	*more = false;
	if (!c)
		return -1;
	struct log_pos p = after ? pos_of(after) : (struct log_pos){ INT64_MIN, INT64_MIN, 0 };
	if (after && !inclusive)
		p.seq++;	/* just after it: (utc, file, seq + 1) */
	seek(lv, c, &p);
	struct keep k = { NULL };
	struct stored_record r;
	size_t got = 0;
	int rc;
	while ((rc = step(lv, c, false, &k, &r)) > 0) {
		if (got == want) {
			*more = true;
			break;
		}
		row_fill(&out[got++], &r);
	}
	store_log_release(c);
	if (rc < 0) {
		rows_free(out, got);
		return -1;
	}
	return (long)got;
}

/* Up to want rows before key into out, in order; *start when nothing
 * comes before them. -1 on error. */
static long fetch_backward(struct logview *lv, const struct log_key *before, size_t want,
			   struct lrow *out, bool *start)
{
	struct log_cursor *c = window_cursor(lv);
	*start = false;
	if (!c)
		return -1;
	struct log_pos p = pos_of(before);
	seek(lv, c, &p);
	struct keep k = { NULL };
	struct stored_record r;
	size_t got = 0;
	int rc = 0;
	while (got < want && (rc = step(lv, c, true, &k, &r)) > 0)
		row_fill(&out[want - 1 - got++], &r);	/* filled from the end */
	store_log_release(c);
	if (rc < 0) {
		rows_free(out + want - got, got);
		return -1;
	}
	*start = rc == 0 && !lv->cancelled;
	if (got < want)
		memmove(out, out + want - got, got * sizeof(*out));
	return (long)got;
}

/* ---- the window ---- */

static void window_clear(struct logview *lv)
{
	rows_free(lv->rows, lv->n);
	lv->n = 0;
}

static void store_failed(struct logview *lv)
{
	app_store_failed(lv->app, "log");
}

/* Records before the window: counted by the cursor's block bounds and
 * the blocks it holds there when unfiltered, unknown under a filter. */
static void window_base(struct logview *lv)
{
	int64_t n = 0;
	struct log_pos p = lv->n ? pos_of(&lv->rows[0].key) : (struct log_pos){ 0, 0, 0 };
	lv->base_exact = true;
	if (lv->at_start)
		lv->base = 0;
	else if (lv->at_end && !filtered(lv))
		lv->base = lv->total - (int64_t)lv->n;
	else if (!filtered(lv) && lv->n && lv->plain_cur &&
		 store_log_rank(lv->plain_cur, &p, &n) == 0)
		lv->base = n;
	else
		lv->base = -1;	/* unknown */
}

/* An empty window filled with the last records before key: the window
 * ends there, the end of what the filters let through. */
static void window_fill_back(struct logview *lv, const struct log_key *key)
{
	bool start = false;
	long nb = fetch_backward(lv, key, JUMP, lv->rows, &start);
	if (nb < 0) {
		store_failed(lv);
		nb = 0;
	}
	lv->n = (size_t)nb;
	lv->at_start = start;
	lv->at_end = true;
}

/* Fill the window around key: some records before it, the rest from it
 * on; returns the index of the first row at or after key (n when none).
 * Under a filter the records before are read only when the cursor goes
 * up (a rare match would make every filter change read the store back to
 * its start), or when nothing matches from key on. */
static size_t window_at(struct logview *lv, const struct log_key *key)
{
	window_clear(lv);
	bool start = !key, more = false;
	long nb = key && !filtered(lv) ? fetch_backward(lv, key, JUMP / 2, lv->rows, &start) : 0;
	if (nb < 0) {
		store_failed(lv);
		nb = 0;
	}
	/* A screen or two under a filter: paging reads on when needed. */
	long nf = fetch_forward(lv, key, true, JUMP, lv->rows + nb, &more);
	if (nf < 0) {
		store_failed(lv);
		nf = 0;
	}
	lv->n = (size_t)(nb + nf);
	lv->at_start = start;
	lv->at_end = !more;
	size_t at = (size_t)nb;
	/* Nothing from key on: show the last records before it. Under a
	 * filter none were read, and `s` at the end of the log (or a jump
	 * past the last match) said "no record matches" over forty that
	 * did, then took the next filter from the start of the store. */
	if (key && !lv->n && !lv->cancelled) {
		window_fill_back(lv, key);
		at = lv->n;	/* none at or after key: the caller takes the last */
	}
	window_base(lv);
	return at;
}

/* The window at the end of the log (G). */
static void window_at_end(struct logview *lv)
{
	window_clear(lv);
	struct log_key end = { INT64_MAX, INT64_MAX, UINT64_MAX };
	if (lv->f.range.has_to)
		end.utc = lv->f.range.to + 1;
	window_fill_back(lv, &end);
	window_base(lv);
}

/* Drop k rows from the front (after reading forward). */
static void drop_front(struct view *v, size_t k)
{
	struct logview *lv = lv_of(v);
	rows_free(lv->rows, k);
	memmove(lv->rows, lv->rows + k, (lv->n - k) * sizeof(*lv->rows));
	lv->n -= k;
	v->item -= (int64_t)k;
	v->top_item -= (int64_t)k;
	if (v->top_item < 0)
		v->top_item = v->top_sub = 0;
	if (lv->base >= 0)
		lv->base += (int64_t)k;
	lv->at_start = false;
}

static void drop_back(struct logview *lv, size_t k)
{
	rows_free(lv->rows + lv->n - k, k);
	lv->n -= k;
	lv->at_end = false;
}

static void extend_forward(struct view *v)
{
	struct logview *lv = lv_of(v);
	if (lv->at_end || !lv->n)
		return;
	if (lv->n + CHUNK > WIN_MAX)
		drop_front(v, lv->n + CHUNK - WIN_MAX);
	bool more = false;
	long got = fetch_forward(lv, &lv->rows[lv->n - 1].key, false, CHUNK, lv->rows + lv->n, &more);
	if (got < 0) {
		store_failed(lv);
		return;
	}
	lv->n += (size_t)got;
	lv->at_end = !more;
}

static void extend_backward(struct view *v)
{
	struct logview *lv = lv_of(v);
	if (lv->at_start || !lv->n)
		return;
	if (lv->n + CHUNK > WIN_MAX)
		drop_back(lv, lv->n + CHUNK - WIN_MAX);
	struct lrow *tmp = xcalloc(CHUNK, sizeof(*tmp));
	bool start = false;
	long got = fetch_backward(lv, &lv->rows[0].key, CHUNK, tmp, &start);
	if (got < 0) {
		store_failed(lv);
		free(tmp);
		return;
	}
	memmove(lv->rows + got, lv->rows, lv->n * sizeof(*lv->rows));
	memcpy(lv->rows, tmp, (size_t)got * sizeof(*tmp));
	free(tmp);
	lv->n += (size_t)got;
	v->item += got;
	v->top_item += got;
	if (lv->base >= 0)
		lv->base = lv->base >= got ? lv->base - got : 0;
	lv->at_start = start;
	if (start)
		lv->base = 0, lv->base_exact = true;
}

/* Make room for a move of delta rows before the generic view moves. */
static void ensure_room(struct view *v, int delta)
{
	struct logview *lv = lv_of(v);
	op_begin(lv, "reading");
	if (delta > 0 && v->item + delta >= (int64_t)lv->n - 1)
		extend_forward(v);
	else if (delta < 0 && v->item + delta < 0)
		extend_backward(v);
	op_end(lv);
}

/* Put the cursor on row at, a third of the pane down, so the records
 * after it (a trace's own, after its start) are on screen too. */
static void place_cursor(struct view *v, size_t at)
{
	int pane = v->lines > 0 ? v->lines : 30;	/* not laid out yet: a guess */
	size_t above = pane > 3 ? (size_t)pane / 3 : 0;
	v->top_item = (int64_t)(at > above ? at - above : 0);
	v->top_sub = 0;
	view_goto(v, (int64_t)at);
}

/* Reload the window around the cursor's key after a filter change;
 * reopen: the change is one the cursors take only when opened (all but
 * the severity, which they read at every seek). */
static void reload_here(struct view *v, bool reopen)
{
	struct logview *lv = lv_of(v);
	struct log_key key = { INT64_MIN, 0, 0 };	/* the start */
	if (reopen)
		cursors_close(lv, false);	/* opened with the filters before */
	lv->q.min_sev = lv->find_q.min_sev = lv->plain_q.min_sev = lv->f.min_sev;
	if (v->item >= 0 && (size_t)v->item < lv->n)
		key = lv->rows[v->item].key;
	op_begin(lv, "reading");
	size_t at = window_at(lv, &key);
	op_end(lv);
	if (at >= lv->n && lv->n)
		at = lv->n - 1;
	place_cursor(v, at);
}

/* ---- drawing ---- */

static enum paint severity_paint(uint8_t sev)
{
	return sev == SEV_ERROR ? PAINT_FAIL : sev == SEV_WARNING ? PAINT_WARN : PAINT_NORMAL;
}

static int64_t log_count(struct view *v)
{
	return (int64_t)lv_of(v)->n;
}

/* A component that does not fit its column loses its upper-case lead
 * segments first: SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker shows
 * as CMGatewayNoti... at 80 columns, not SMS_SERVICE_C..., which every
 * connector worker shares. */
static const char *component_shown(const char *name, int width)
{
	if ((int)strlen(name) <= width)
		return name;
	/* The first segment with a lower-case letter: the worker's name. */
	for (const char *seg = name, *us; (us = strchr(seg, '_')) != NULL; seg = us + 1) {
		for (const char *c = us + 1; *c && *c != '_'; c++)
			if (islower((unsigned char)*c))
				return us + 1;
	}
	return name;
}

/* The widths of a row's columns in w columns, blanks between them
 * included: wide screens show the date (and at 150 the file), narrow ones
 * the clock only; the message takes what is left from msg_x. */
struct log_layout {
	int time, host, where, comp, msg_x;
};

static struct log_layout log_layout_of(int w, bool comp_shown)
{
	struct log_layout l = {
		.time = w >= 120 ? 24 : 13,	/* "2026-09-25 19:35:02.412 " */
		.host = w >= 120 ? 14 : 10,
		.where = w >= 150 ? 30 : 0,
		.comp = !comp_shown ? 0 : w >= 120 ? 24 : 14,
	};
	l.msg_x = 2 + l.time + 1 + l.host + (l.where ? 1 + l.where : 0) +
		  (l.comp ? 1 + l.comp : 0) + 3;	/* the cursor; " V  " */
	return l;
}

/* The message as a row shows it: on one line, newlines as a glyph. */
static void row_message(const struct lrow *row, struct buf *out)
{
	const char *msg = row->text + row->msg;
	char sep[16];
	snprintf(sep, sizeof(sep), " %s ", glyph(G_NEWLINE));
	log_one_line(out, msg, strlen(msg), MSG_MAX, sep);
}

static void log_draw_line(struct view *v, int64_t item, int sub, int y, int w, bool selected,
			  bool focused)
{
	(void)sub;
	struct logview *lv = lv_of(v);
	struct lrow *row = &lv->rows[item];
	struct log_layout l = log_layout_of(w, !lv->comp_hidden);
	enum paint role = severity_paint(row->sev);
	enum paint quiet = PAINT_QUIET;
	if (selected)
		role = quiet = focused ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR;
	static const char sev_tag[SEV_COUNT][2] = { "V", "I", "W", "E" };
	char t[32];
	int x = draw_text(y, 0, 2, role, selected ? glyph(focused ? G_CURSOR : G_CURSOR_BLUR) : "", true);
	format_utc_ms(row->key.utc, t);	/* 2026-09-25T19:35:02.412Z */
	t[10] = ' ';
	t[23] = row->timed || !row->dated ? ' ' : '~';
	const char *shown = w >= 120 ? t : t + 11;
	if (!row->dated)
		shown = w >= 120 ? "(no time)               " : "(no time)    ";
	x += draw_text(y, x, w - x, quiet, shown, false);
	x += draw_text(y, x + 1, l.host, role, row->text, true) + 1;
	if (l.where)
		x += draw_text(y, x + 1, l.where, quiet, row->text + row->where, true) + 1;
	if (l.comp)
		x += draw_text(y, x + 1, l.comp, quiet,
			       row->text[row->comp] ? component_shown(row->text + row->comp, l.comp) : "-",
			       true) + 1;
	x += draw_text(y, x + 1, 1, role, sev_tag[row->sev < SEV_COUNT ? row->sev : 0], false) + 2;
	struct buf b = {0};
	row_message(row, &b);
	if (x < w)
		draw_text_from(y, x, w - x, role, b.data, lv->xoff, true);
	buf_free(&b);
}

/* ---- sideways ---- */

/* Columns the message column has at the view's width. */
static int msg_width(const struct view *v)
{
	const struct logview *lv = v->data;
	int w = v->cols > 0 ? v->cols : 80;	/* not laid out yet: a guess */
	int mw = w - log_layout_of(w, !lv->comp_hidden).msg_x;
	return mw > 2 ? mw : 2;
}

/* The widest message among the rows on screen, in columns. */
static int widest_on_screen(const struct view *v)
{
	const struct logview *lv = v->data;
	int widest = 0, lines = v->lines > 0 ? v->lines : 1;
	for (int64_t i = v->top_item < 0 ? 0 : v->top_item;
	     i < (int64_t)lv->n && i < v->top_item + lines; i++) {
		struct buf b = {0};
		row_message(&lv->rows[i], &b);
		int cw = draw_width(b.data);
		buf_free(&b);
		if (cw > widest)
			widest = cw;
	}
	return widest;
}

/* h/l: half the message column at a time, as less and lnav do. Right
 * stops once every row on screen ends inside the column; the rows and
 * the cursor stay where they are. */
static unsigned scroll_x(struct view *v, int dir)
{
	struct logview *lv = lv_of(v);
	int mw = msg_width(v), step = mw / 2 > 0 ? mw / 2 : 1;
	if (dir < 0) {
		if (!lv->xoff)
			return STALE_NONE;
		lv->xoff = lv->xoff > step ? lv->xoff - step : 0;
		return STALE_SCREEN;
	}
	/* From xoff on, one column goes to the left cut mark. */
	if (widest_on_screen(v) <= lv->xoff + mw - (lv->xoff ? 1 : 0)) {
		app_message(lv->app, PAINT_NORMAL, "the messages on screen end here (h scrolls back)");
		return STALE_SCREEN;
	}
	lv->xoff += step;
	return STALE_SCREEN;
}

static unsigned toggle_wide(struct view *v)
{
	struct logview *lv = lv_of(v);
	lv->comp_hidden = !lv->comp_hidden;
	app_message(lv->app, PAINT_NORMAL, lv->comp_hidden ? "component column hidden (w shows it)"
							   : "component column shown");
	return STALE_SCREEN;
}

static int log_percent(struct view *v)
{
	struct logview *lv = lv_of(v);
	if (!lv->n)
		return 100;
	if (lv->base >= 0 && !filtered(lv) && lv->total > 0) {
		int64_t at = lv->base + v->item + 1;
		return at >= lv->total ? 100 : (int)(at * 100 / lv->total);
	}
	int64_t span = lv->utc_max - lv->utc_min;
	int64_t t = lv->rows[v->item].key.utc - lv->utc_min;
	return span <= 0 || t <= 0 ? 0 : t >= span ? 100 : (int)(t * 100 / span);
}

static void log_title(struct view *v, struct buf *out)
{
	struct logview *lv = lv_of(v);
	if (!lv->n) {
		buf_puts(out, filtered(lv) ? "no record matches the filters (x clears them)"
					   : "the store holds no record");
	} else {
		struct lrow *row = &lv->rows[v->item];
		char t[32];
		format_utc_ms(row->key.utc, t);
		buf_printf(out, "%s ", row->dated ? t : "(no time)");
		if (lv->base >= 0 && !filtered(lv))
			buf_printf(out, "record %s%" PRId64 " of %" PRId64, lv->base_exact ? "" : "~",
				   lv->base + v->item + 1, lv->total);
		else if (lv->base >= 0)
			buf_printf(out, "match %" PRId64, lv->base + v->item + 1);
		else
			buf_printf(out, "%d%% of the time span", log_percent(v));
	}
	if (lv->f.host)
		buf_printf(out, " %s host %s", glyph(G_VBAR), lv->f.host);
	if (lv->f.comp)
		buf_printf(out, " %s component %s", glyph(G_VBAR), lv->f.comp);
	if (lv->f.min_sev)
		buf_printf(out, " %s %s+", glyph(G_VBAR), severity_name(lv->f.min_sev));
	if (lv->f.grep)
		buf_printf(out, " %s &/%s/", glyph(G_VBAR), lv->f.grep);
	if (lv->f.range_text)
		buf_printf(out, " %s time %s", glyph(G_VBAR), lv->f.range_text);
	if (lv->xoff)
		buf_printf(out, " %s scrolled +%d", glyph(G_VBAR), lv->xoff);
	if (lv->fresh)
		buf_printf(out, "  %s %" PRId64 "%s new (G)", glyph(G_NEW), lv->fresh,
			   lv->fresh_more ? "+" : "");
}

/* ---- filters ---- */

/* Set *field to text (NULL when empty). */
static void set_text(char **field, const char *text)
{
	free(*field);
	*field = *text ? xstrdup(text) : NULL;
}

/* Host and component: any case, a unique prefix or substring (namematch.c). */
static bool accept_name(struct view *v, enum store_names_of of, const char *what,
			const char *text, char **field, char *err, size_t errlen)
{
	char *name;
	if (!name_resolve(lv_of(v)->app, of, what, text, &name, err, errlen))
		return false;
	free(*field);
	*field = name;
	reload_here(v, true);
	return true;
}

static bool accept_host(struct view *v, const char *text, char *err, size_t errlen)
{
	return accept_name(v, STORE_NAMES_HOSTS, "host", text, &lv_of(v)->f.host, err, errlen);
}

static bool accept_component(struct view *v, const char *text, char *err, size_t errlen)
{
	return accept_name(v, STORE_NAMES_COMPONENTS, "component", text, &lv_of(v)->f.comp, err,
			   errlen);
}

static bool accept_grep(struct view *v, const char *text, char *err, size_t errlen)
{
	struct logview *lv = lv_of(v);
	pcre2_code *re = NULL;
	if (*text && !(re = ui_pattern_compile(text, err, errlen)))
		return false;
	pcre2_code_free(lv->f.re);
	lv->f.re = re;
	set_text(&lv->f.grep, text);
	reload_here(v, true);
	return true;
}

static bool accept_time(struct view *v, const char *text, char *err, size_t errlen)
{
	struct logview *lv = lv_of(v);
	struct time_range r;
	if (!time_range_parse(text, lv->utc_max, &r)) {
		snprintf(err, errlen, "not a time range: use 19:30-19:45, 19:30, -15m or 2026-09-25T19:30..2026-09-25T20:00");
		return false;
	}
	lv->f.range = r;
	set_text(&lv->f.range_text, text);
	reload_here(v, true);
	return true;
}

static void filters_free(struct lfilter *f)
{
	free(f->host);
	free(f->comp);
	free(f->grep);
	free(f->range_text);
	pcre2_code_free(f->re);
	*f = (struct lfilter){0};
}

/* ---- / search through the store ---- */

struct finder {
	struct logview *lv;
	const pcre2_code *store_re;	/* the pattern store_log matches */
	const char *store_text;
	struct keep keep;	/* the other one, when & and / are both set */
	struct log_key from;
	bool backward;
	bool found;
	struct log_key at;
};

/* store_log takes one pattern: the search, unless only the & filter can
 * be matched over whole blocks (then it skips blocks, the search not). */
static void finder_split(const struct logview *lv, struct finder *f)
{
	f->store_re = lv->find_re;
	f->store_text = lv->find_text;
	f->keep = (struct keep){ lv->f.re };
	if (lv->f.re && !store_grep_blockwise(lv->find_re, lv->find_text) &&
	    store_grep_blockwise(lv->f.re, lv->f.grep)) {
		f->store_re = lv->f.re;
		f->store_text = lv->f.grep;
		f->keep.re = lv->find_re;
	}
}

/* The search's cursor: store_re in the store, the rest here. Opened on
 * the first search after a change of the pattern or the filters. */
static struct log_cursor *find_cursor(struct logview *lv, const struct finder *f)
{
	if (!lv->find_cur) {
		log_query_of(lv, &lv->find_q);
		lv->find_q.grep = f->store_re;
		lv->find_q.grep_text = f->store_text;
		lv->find_q.tick = log_tick;
		lv->find_q.tick_ctx = lv;
		lv->find_cur = store_log_open(app_store(lv->app), &lv->find_q);
	}
	return lv->find_cur;
}

/* The first match past the cursor, either way: one seek, then steps. */
static int find_run(struct logview *lv, struct finder *f)
{
	struct log_cursor *c = find_cursor(lv, f);
	if (!c)
		return -1;
	struct log_pos p = { f->from.utc, f->from.file_id, f->from.seq };
	if (!f->backward)
		p.seq++;	/* past it */
	seek(lv, c, &p);
	struct stored_record r;
	int rc = step(lv, c, f->backward, &f->keep, &r);
	if (rc > 0) {
		f->found = true;
		f->at = (struct log_key){ r.utc_us, r.file_id, r.seq };
	}
	store_log_release(c);
	return rc < 0 ? -1 : 0;
}

static bool log_find_from_cursor(struct view *v, bool backward)
{
	struct logview *lv = lv_of(v);
	if (!lv->find_re) {
		app_message(lv->app, PAINT_WARN, "no search yet: / first");
		return true;
	}
	if (!lv->n)
		return false;
	struct finder f = { .lv = lv, .from = lv->rows[v->item].key, .backward = backward };
	finder_split(lv, &f);
	op_begin(lv, "searching");
	/* In the window first: no store read for a near match. */
	for (int64_t i = v->item + (backward ? -1 : 1); i >= 0 && i < (int64_t)lv->n;
	     i += backward ? -1 : 1) {
		const char *msg = lv->rows[i].text + lv->rows[i].msg;
		size_t len = strlen(msg);
		if (len >= MSG_MAX)
			continue;	/* cut: the store has it whole */
		int rc = pcre2_match(lv->find_re, (PCRE2_SPTR)msg, len, 0, 0, lv->md, NULL);
		if (rc >= 0) {
			op_end(lv);
			view_goto(v, i);
			return true;
		}
		if (rc != PCRE2_ERROR_NOMATCH)
			lv->limited++;
	}
	lv->limited = 0;	/* the store reads those rows again, and counts */
	if (find_run(lv, &f) < 0) {
		store_failed(lv);
		return true;
	}
	if (lv->cancelled) {
		app_message(lv->app, PAINT_WARN, "search stopped after %" PRId64 " records", lv->seen);
		return true;
	}
	if (!f.found && lv->limited) {
		app_message(lv->app, PAINT_WARN,
			    "no more matches for '%s', but the pattern hit a PCRE2 limit on %" PRId64 " record%s: make it simpler",
			    lv->find_text, lv->limited, lv->limited == 1 ? "" : "s");
		return true;
	}
	op_end(lv);
	if (!f.found)
		return false;
	lv->what = "reading";
	size_t at = window_at(lv, &f.at);
	if (lv->cancelled)
		op_end(lv);
	place_cursor(v, at < lv->n ? at : lv->n - 1);
	return true;
}

static bool log_find(struct view *v, const char *pattern, bool backward)
{
	struct logview *lv = lv_of(v);
	char err[200];
	pcre2_code *re = *pattern ? ui_pattern_compile(pattern, err, sizeof(err)) : NULL;
	if (!re) {
		if (*pattern)
			app_message(lv->app, PAINT_FAIL, "%s %s", glyph(G_FAIL), err);
		else
			app_message(lv->app, PAINT_WARN, "empty search");
		return true;
	}
	store_log_close(lv->find_cur);	/* opened with the pattern before */
	lv->find_cur = NULL;
	pcre2_code_free(lv->find_re);
	lv->find_re = re;
	set_text(&lv->find_text, pattern);
	if (!log_find_from_cursor(v, backward))
		app_message(lv->app, PAINT_WARN, "no more matches for '%s'", pattern);
	return true;
}

/* ---- actions ---- */

static unsigned severity_cycle(struct view *v)
{
	struct logview *lv = lv_of(v);
	lv->f.min_sev = lv->f.min_sev == SEV_VERBOSE ? SEV_WARNING :
			lv->f.min_sev == SEV_WARNING ? SEV_ERROR : SEV_VERBOSE;
	reload_here(v, false);	/* the cursors read it at their next seek */
	return STALE_SCREEN;
}

static unsigned log_request(struct view *v, enum action a)
{
	struct logview *lv = lv_of(v);
	int page = v->lines > 1 ? v->lines - 1 : 1;
	switch (a) {
	case ACT_DOWN: ensure_room(v, 1); break;
	case ACT_UP: ensure_room(v, -1); break;
	case ACT_PAGE_DOWN: ensure_room(v, page); break;
	case ACT_PAGE_UP: ensure_room(v, -page); break;
	case ACT_HALF_DOWN: ensure_room(v, (page + 1) / 2); break;
	case ACT_HALF_UP: ensure_room(v, -(page + 1) / 2); break;
	case ACT_FIRST:
		op_begin(lv, "reading");
		window_at(lv, NULL);
		op_end(lv);
		v->top_item = v->top_sub = 0;
		view_goto(v, 0);
		return STALE_SCREEN;
	case ACT_LAST:
		lv->fresh = 0;	/* G goes to the new records */
		lv->fresh_more = false;
		op_begin(lv, "reading");
		window_at_end(lv);
		op_end(lv);
		v->top_item = v->top_sub = 0;
		view_goto(v, (int64_t)lv->n - 1);
		return STALE_SCREEN;
	case ACT_MATCH_NEXT:
	case ACT_MATCH_PREV:
		if (!log_find_from_cursor(v, a == ACT_MATCH_PREV))
			app_message(lv->app, PAINT_WARN, "no more matches for '%s'", lv->find_text);
		return STALE_SCREEN;
	case ACT_LOG_RECORD:
		if (lv->n)
			record_open(lv->app, lv->rows[v->item].key.file_id, lv->rows[v->item].key.seq);
		return STALE_SCREEN;
	case ACT_LOG_SEVERITY:
		return severity_cycle(v);
	case ACT_LOG_SCROLL_LEFT:
	case ACT_LOG_SCROLL_RIGHT:
		return scroll_x(v, a == ACT_LOG_SCROLL_LEFT ? -1 : 1);
	case ACT_LOG_WIDE:
		return toggle_wide(v);
	case ACT_LOG_HOST:
		app_prompt(lv->app, "Host: ", "only this host's records (any case, a unique prefix or part); empty clears",
			   lv->f.host ? lv->f.host : "", accept_host);
		return STALE_SCREEN;
	case ACT_LOG_COMPONENT:
		app_prompt(lv->app, "Component: ", "only this component's records (any case, a unique prefix or part); empty clears",
			   lv->f.comp ? lv->f.comp : "", accept_component);
		return STALE_SCREEN;
	case ACT_LOG_GREP:
		app_prompt(lv->app, "&", "PCRE2 on the message, case-insensitive: hides what does not match; empty clears",
			   lv->f.grep ? lv->f.grep : "", accept_grep);
		return STALE_SCREEN;
	case ACT_LOG_TIME:
		app_prompt(lv->app, "Time range (UTC): ",
			   "19:30-19:45, 19:30 (from then on), -15m (the last 15 minutes), empty clears",
			   lv->f.range_text ? lv->f.range_text : "", accept_time);
		return STALE_SCREEN;
	case ACT_CLEAR_FILTERS: {
		/* the severity alone: the cursors stay */
		bool reopen = store_side(lv);
		filters_free(&lv->f);
		reload_here(v, reopen);
		app_message(lv->app, PAINT_NORMAL, "filters cleared");
		return STALE_SCREEN;
	}
	default:
		return STALE_UNHANDLED;
	}
	return STALE_UNHANDLED;	/* the generic view moves */
}

static void log_done(struct view *v)
{
	struct logview *lv = lv_of(v);
	window_clear(lv);
	cursors_close(lv, true);
	free(lv->rows);
	filters_free(&lv->f);
	pcre2_code_free(lv->find_re);
	pcre2_match_data_free(lv->md);
	free(lv->find_text);
	free(lv);
}

/* ---- live: records arrive while the log is open ---- */

/* The store changed: the records after the window's last one (when the
 * window holds the log's end) or after the latest UTC seen (when it does
 * not) are read, a chunk at most. A cursor on the last row follows them,
 * as tail -f does; elsewhere the title counts them ("▼ N new"; G goes to
 * them). */
static unsigned log_reread(struct view *v)
{
	struct logview *lv = lv_of(v);
	/* A cursor knows the blocks that existed when it opened: the new
	 * ones are only seen by cursors opened from now on. */
	cursors_close(lv, true);
	struct lrow *got = xcalloc(CHUNK, sizeof(*got));
	struct log_key after = { lv->seen_max, INT64_MAX, UINT64_MAX };
	bool window = lv->at_end && lv->n, tail = window && v->item == (int64_t)lv->n - 1;
	if (window)
		after = lv->rows[lv->n - 1].key;
	bool more = false;
	op_begin(lv, "reading");
	long n = fetch_forward(lv, lv->n ? &after : NULL, false, CHUNK, got, &more);
	op_end(lv);
	if (n <= 0) {
		free(got);
		return STALE_NONE;
	}
	for (long i = 0; i < n; i++)
		if (got[i].key.utc > lv->seen_max)
			lv->seen_max = got[i].key.utc;
	if (lv->seen_max > lv->utc_max)
		lv->utc_max = lv->seen_max;
	if (!filtered(lv))
		lv->total += n;
	bool empty = !lv->n;
	if (window || empty) {	/* onto the window's end */
		if (lv->n + (size_t)n > WIN_MAX)
			drop_front(v, lv->n + (size_t)n - WIN_MAX);
		memcpy(lv->rows + lv->n, got, (size_t)n * sizeof(*got));
		lv->n += (size_t)n;
		lv->at_end = !more;
		window_base(lv);
	} else {
		rows_free(got, (size_t)n);
	}
	free(got);
	if (tail || empty) {
		view_goto(v, (int64_t)lv->n - 1);
	} else {
		lv->fresh += n;
		lv->fresh_more |= more;
	}
	return STALE_SCREEN;
}

static const struct view_ops log_ops = {
	.name = "log",
	.mask = V_LOG,
	.count = log_count,
	.draw_line = log_draw_line,
	.request = log_request,
	.title = log_title,
	.done = log_done,
	.find = log_find,
	.percent = log_percent,
	.reread = log_reread,
};

void logview_open(struct app *a, int64_t utc_us, int64_t file_id, uint64_t seq)
{
	struct store_stats st;
	if (store_stats(app_store(a), &st) != 0) {
		app_message(a, PAINT_FAIL, "%s log: %s", glyph(G_FAIL), store_error(app_store(a)));
		return;
	}
	struct logview *lv = xcalloc(1, sizeof(*lv));
	lv->app = a;
	lv->rows = xcalloc(WIN_MAX, sizeof(*lv->rows));
	lv->total = st.records;
	lv->utc_min = st.utc_min;
	lv->utc_max = lv->seen_max = st.utc_max;
	/* One match block serves every pattern: ovector pairs are enough. */
	lv->md = pcre2_match_data_create(16, NULL);
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &log_ops;
	v->app = a;
	v->data = lv;
	struct log_key key = { utc_us, file_id, seq };
	size_t at = utc_us <= 0 && !file_id ? (window_at(lv, NULL), 0) : window_at(lv, &key);
	if (at >= lv->n && lv->n)
		at = lv->n - 1;
	place_cursor(v, at);
	app_push(a, v);
}
