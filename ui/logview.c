/* logview.c - the merged log screen: a window of at most WIN_MAX records
 * around the cursor, read with store_log.
 *
 * Paging forward asks store_log for the records after the window's last
 * key (utc, file id, seq) and stops after CHUNK of them; paging backward
 * reads a time window before the first key and keeps its last CHUNK
 * records in a ring, widening the window (x4) until it has them or
 * reaches the start. Rows that leave the far side are dropped, so the
 * dashboard holds the same few hundred records whether the store has a
 * thousand or ten million. Host, component and time filters and one
 * PCRE2 pattern go to the store (log_query): the & filter when reading
 * the window, the / search when searching (then the & filter, if any, is
 * matched here, or the other way round when only the filter can be matched
 * block-wise), so store_log passes over blocks with no match without
 * decoding them. Severity is tested here, in log_keep. Every read goes
 * through log_read: store_log ticks once a block (log_tick: progress on
 * the status line, Esc cancels), also while no record matches, and a
 * record the pattern could not be matched against (a PCRE2 limit) is
 * counted and named on the status line, never taken for "no match". */
#include "logview.h"

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

#define CHUNK 1024		/* records read per fetch: a store_log start costs
				 * about as much as 1,000 records (it reads every
				 * file's block bounds) */
#define WIN_MAX (4 * CHUNK)	/* records held at most */
#define MSG_MAX 1024		/* message bytes kept per row */
#define BACK_SPAN0 (10 * 1000000LL)	/* first backward window: 10 s */

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
};

static struct logview *lv_of(struct view *v)
{
	return v->data;
}

static bool filtered(const struct logview *lv)
{
	return lv->f.host || lv->f.comp || lv->f.min_sev || lv->f.re || lv->f.range.has_from ||
	       lv->f.range.has_to;
}

/* ---- what is matched here, and the reads ---- */

/* What a read keeps beyond the store's filters: a severity, and when the
 * store matches the / search, the & filter. */
struct keep {
	enum severity min_sev;		/* SEV_VERBOSE: all */
	const pcre2_code *re;		/* NULL: none */
};

/* 1 keep, 0 drop, -1 the pattern hit a PCRE2 limit (counted). */
static int log_keep(struct logview *lv, const struct keep *k, const struct stored_record *r)
{
	if (k->min_sev && severity_of(r->type, r->keyword_sev) < k->min_sev)
		return 0;
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

/* One store_log under the running operation: its ticks, its pattern
 * (re, compiled from text; NULL: none) and where a record the pattern
 * could not be matched against goes (grep_error: count it when in range).
 * 0, or -1 on a store error; lv->cancelled after Esc. */
static int log_read(struct logview *lv, struct log_query *q, const pcre2_code *re,
		    const char *text, int (*each)(void *, const struct stored_record *),
		    int (*grep_error)(void *, const struct stored_record *, int), void *ctx)
{
	q->grep = re;
	q->grep_text = text;
	q->grep_error = re ? grep_error : NULL;
	q->tick = log_tick;
	q->tick_ctx = lv;
	int rc = store_log(app_store(lv->app), q, each, ctx);
	lv->seen_before = lv->seen;
	if (rc == 1)
		lv->cancelled = true;
	return rc < 0 ? -1 : 0;
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
	};
}

/* ---- forward: the records after a key ---- */

struct fwd {
	struct logview *lv;
	struct keep keep;
	struct log_key after;
	bool have_after, inclusive;
	size_t want;
	struct lrow *out;
	size_t got;
	bool more;
};

static bool fwd_wanted(const struct fwd *f, const struct stored_record *r)
{
	struct log_key k = { r->utc_us, r->file_id, r->seq };
	int c = f->have_after ? log_key_cmp(&k, &f->after) : 1;
	return c > 0 || (c == 0 && f->inclusive);
}

/* A record the & filter could not be matched against (grep_error). */
static int fwd_limit(void *ctx, const struct stored_record *r, int pcre2_rc)
{
	(void)pcre2_rc;
	struct fwd *f = ctx;
	if (fwd_wanted(f, r) && log_keep(f->lv, &f->keep, r))
		f->lv->limited++;
	return 0;
}

static int fwd_row(void *ctx, const struct stored_record *r)
{
	struct fwd *f = ctx;
	if (!fwd_wanted(f, r) || log_keep(f->lv, &f->keep, r) <= 0)
		return 0;
	if (f->got == f->want) {
		f->more = true;
		return 1;
	}
	row_fill(&f->out[f->got++], r);
	return 0;
}

/* Up to want rows after (or at, inclusive) key into out; -1 on error. */
static long fetch_forward(struct logview *lv, const struct log_key *after, bool inclusive,
			  size_t want, struct lrow *out, bool *more)
{
	struct log_query q;
	log_query_of(lv, &q);
	struct fwd f = { .lv = lv, .keep = { lv->f.min_sev, NULL }, .want = want, .out = out,
			 .inclusive = inclusive };
	if (after) {
		f.after = *after;
		f.have_after = true;
		if (!q.has_since || q.since_us < after->utc) {
			q.has_since = true;
			q.since_us = after->utc;
		}
	}
	int rc = log_read(lv, &q, lv->f.re, lv->f.grep, fwd_row, fwd_limit, &f);
	*more = f.more;
	if (rc < 0) {
		rows_free(out, f.got);
		return -1;
	}
	return (long)f.got;
}

/* ---- backward: the last records before a key ---- */

struct back {
	struct logview *lv;
	struct keep keep;
	int64_t limited;	/* in this window (each is read whole) */
	struct log_key before;
	size_t want;
	struct lrow *ring;
	size_t got;		/* kept, at most want */
	size_t next;		/* ring slot written next */
};

static bool back_wanted(const struct back *b, const struct stored_record *r)
{
	struct log_key k = { r->utc_us, r->file_id, r->seq };
	return log_key_cmp(&k, &b->before) < 0;
}

static int back_limit(void *ctx, const struct stored_record *r, int pcre2_rc)
{
	(void)pcre2_rc;
	struct back *b = ctx;
	if (back_wanted(b, r) && log_keep(b->lv, &b->keep, r))
		b->limited++;
	return 0;
}

static int back_row(void *ctx, const struct stored_record *r)
{
	struct back *b = ctx;
	if (!back_wanted(b, r))
		return 1;	/* merged order: nothing later is before it */
	if (log_keep(b->lv, &b->keep, r) <= 0)
		return 0;
	if (b->got == b->want)
		free(b->ring[b->next].text);
	else
		b->got++;
	row_fill(&b->ring[b->next], r);
	b->next = (b->next + 1) % b->want;
	return 0;
}

/* The lower bound of the time filter, or of the store. */
static int64_t lower_bound(const struct logview *lv)
{
	return lv->f.range.has_from && lv->f.range.from > lv->utc_min ? lv->f.range.from
								      : lv->utc_min;
}

/* Up to want rows before key into out, in order; *start when nothing
 * comes before them. -1 on error. */
static long fetch_backward(struct logview *lv, const struct log_key *before, size_t want,
			   struct lrow *out, bool *start)
{
	struct back b = { .lv = lv, .keep = { lv->f.min_sev, NULL }, .before = *before,
			  .want = want };
	b.ring = xcalloc(want, sizeof(*b.ring));
	int64_t span = BACK_SPAN0;
	/* From the end key (G): start at the last time, not at INT64_MAX. */
	int64_t top = before->utc > lv->utc_max ? lv->utc_max : before->utc;
	*start = false;
	for (;;) {
		struct log_query q;
		log_query_of(lv, &q);
		int64_t since = top > INT64_MIN + span ? top - span : INT64_MIN;
		bool from_start = since <= lower_bound(lv) || before->utc <= 0;
		if (!from_start && (!q.has_since || q.since_us < since)) {
			q.has_since = true;
			q.since_us = since;
		}
		if (!q.has_until || q.until_us > before->utc) {
			q.has_until = true;
			q.until_us = before->utc;
		}
		rows_free(b.ring, b.got);
		b.got = b.next = 0;
		b.limited = 0;
		if (log_read(lv, &q, lv->f.re, lv->f.grep, back_row, back_limit, &b) < 0) {
			rows_free(b.ring, b.got);
			free(b.ring);
			return -1;
		}
		if (b.got == want || from_start || lv->cancelled) {
			*start = from_start && b.got < want;
			break;
		}
		span = span > INT64_MAX / 8 ? INT64_MAX / 2 : span * 4;
	}
	lv->limited += b.limited;
	/* The ring's oldest is at next once it is full. */
	size_t first = b.got == want ? b.next : 0;
	for (size_t i = 0; i < b.got; i++)
		out[i] = b.ring[(first + i) % want];
	free(b.ring);
	return (long)b.got;
}

/* ---- the window ---- */

static void window_clear(struct logview *lv)
{
	rows_free(lv->rows, lv->n);
	lv->n = 0;
}

static void store_failed(struct logview *lv)
{
	app_message(lv->app, PAINT_FAIL, "%s log: %s", glyph(G_FAIL), store_error(app_store(lv->app)));
}

/* Estimate records before the window (exact only when paged to). */
static void window_base(struct logview *lv)
{
	int64_t n = 0;
	lv->base_exact = lv->at_start || (lv->at_end && !filtered(lv));
	if (lv->at_start)
		lv->base = 0;
	else if (lv->at_end && !filtered(lv))
		lv->base = lv->total - (int64_t)lv->n;
	else if (!filtered(lv) && lv->n && store_records_before(app_store(lv->app), lv->rows[0].key.utc, &n) == 0)
		lv->base = n;
	else
		lv->base = -1;	/* unknown */
}

/* Fill the window around key: some records before it, the rest from it
 * on; returns the index of the first row at or after key (n when none).
 * Under a filter the records before are read only when the cursor goes
 * up: a rare match would make every filter change read the store back to
 * its start. */
static size_t window_at(struct logview *lv, const struct log_key *key)
{
	window_clear(lv);
	bool start = !key, more = false;
	long nb = key && !filtered(lv) ? fetch_backward(lv, key, CHUNK / 2, lv->rows, &start) : 0;
	if (nb < 0) {
		store_failed(lv);
		nb = 0;
	}
	/* A screen or two under a filter: paging reads on when needed. */
	long nf = fetch_forward(lv, key, true, filtered(lv) ? CHUNK / 8 : CHUNK, lv->rows + nb, &more);
	if (nf < 0) {
		store_failed(lv);
		nf = 0;
	}
	lv->n = (size_t)(nb + nf);
	lv->at_start = start;
	lv->at_end = !more;
	/* Nothing from key on: show the last records before it. */
	size_t at = (size_t)nb;
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
	bool start = false;
	long nb = fetch_backward(lv, &end, CHUNK, lv->rows, &start);
	if (nb < 0) {
		store_failed(lv);
		nb = 0;
	}
	lv->n = (size_t)nb;
	lv->at_start = start;
	lv->at_end = true;
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

/* Reload the window around the cursor's key (after a filter change). */
static void reload_here(struct view *v)
{
	struct logview *lv = lv_of(v);
	struct log_key key = { lower_bound(lv), 0, 0 };
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

static void log_draw_line(struct view *v, int64_t item, int sub, int y, int w, bool selected,
			  bool focused)
{
	(void)sub;
	struct lrow *row = &lv_of(v)->rows[item];
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
	int hw = w >= 120 ? 14 : 10, cw = w >= 120 ? 24 : 14;
	x += draw_text(y, x + 1, hw, role, row->text, true) + 1;
	if (w >= 150)
		x += draw_text(y, x + 1, 30, quiet, row->text + row->where, true) + 1;
	x += draw_text(y, x + 1, cw, quiet, row->text[row->comp] ? row->text + row->comp : "-", true) + 1;
	x += draw_text(y, x + 1, 1, role, sev_tag[row->sev < SEV_COUNT ? row->sev : 0], false) + 2;
	struct buf b = {0};
	const char *msg = row->text + row->msg;
	char sep[16];
	snprintf(sep, sizeof(sep), " %s ", glyph(G_NEWLINE));
	log_one_line(&b, msg, strlen(msg), MSG_MAX, sep);
	if (x < w)
		draw_text(y, x, w - x, role, b.data, true);
	buf_free(&b);
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
	reload_here(v);
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
	reload_here(v);
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
	reload_here(v);
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
	f->keep = (struct keep){ lv->f.min_sev, lv->f.re };
	if (lv->f.re && !store_grep_blockwise(lv->find_re, lv->find_text) &&
	    store_grep_blockwise(lv->f.re, lv->f.grep)) {
		f->store_re = lv->f.re;
		f->store_text = lv->f.grep;
		f->keep.re = lv->find_re;
	}
}

/* Past the cursor, in the search's direction. */
static bool find_wanted(const struct finder *f, const struct stored_record *r)
{
	struct log_key k = { r->utc_us, r->file_id, r->seq };
	int c = log_key_cmp(&k, &f->from);
	return f->backward ? c < 0 : c > 0;
}

/* A record store_re could not be matched against (grep_error): counted
 * once, also when the other pattern hit a limit on it too; not when the
 * other one says no (no hit either way). */
static int find_limit(void *ctx, const struct stored_record *r, int pcre2_rc)
{
	(void)pcre2_rc;
	struct finder *f = ctx;
	if (find_wanted(f, r) && log_keep(f->lv, &f->keep, r) > 0)
		f->lv->limited++;
	return 0;
}

/* Only records store_re matches come here (q.grep). */
static int find_row(void *ctx, const struct stored_record *r)
{
	struct finder *f = ctx;
	if (!find_wanted(f, r))
		return f->backward;	/* backward: past the start point */
	if (log_keep(f->lv, &f->keep, r) <= 0)
		return 0;
	f->found = true;
	f->at = (struct log_key){ r->utc_us, r->file_id, r->seq };
	return !f->backward;	/* backward: keep the last one */
}

/* Forward: one read from the cursor on. Backward: time windows before
 * it, each read once, widening, until one holds a match. */
static int find_run(struct logview *lv, struct finder *f)
{
	struct log_query q;
	log_query_of(lv, &q);
	if (!f->backward) {
		if (!q.has_since || q.since_us < f->from.utc) {
			q.has_since = true;
			q.since_us = f->from.utc;
		}
		return log_read(lv, &q, f->store_re, f->store_text, find_row, find_limit, f);
	}
	int64_t until = f->from.utc, span = BACK_SPAN0;
	for (;;) {
		struct log_query w = q;
		int64_t since = until > INT64_MIN + span ? until - span : INT64_MIN;
		bool from_start = since <= lower_bound(lv) || until <= 0;
		if (!from_start && (!w.has_since || w.since_us < since)) {
			w.has_since = true;
			w.since_us = since;
		}
		if (!w.has_until || w.until_us > until) {
			w.has_until = true;
			w.until_us = until;
		}
		if (log_read(lv, &w, f->store_re, f->store_text, find_row, find_limit, f) < 0)
			return -1;
		if (f->found || from_start || lv->cancelled)
			return 0;
		f->from = (struct log_key){ since, 0, 0 };	/* the next window ends here */
		until = since;
		span = span > INT64_MAX / 8 ? INT64_MAX / 2 : span * 4;
	}
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
	reload_here(v);
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
	case ACT_CLEAR_FILTERS:
		filters_free(&lv->f);
		reload_here(v);
		app_message(lv->app, PAINT_NORMAL, "filters cleared");
		return STALE_SCREEN;
	default:
		return STALE_UNHANDLED;
	}
	return STALE_UNHANDLED;	/* the generic view moves */
}

static void log_done(struct view *v)
{
	struct logview *lv = lv_of(v);
	window_clear(lv);
	free(lv->rows);
	filters_free(&lv->f);
	pcre2_code_free(lv->find_re);
	pcre2_match_data_free(lv->md);
	free(lv->find_text);
	free(lv);
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
	lv->utc_max = st.utc_max;
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
