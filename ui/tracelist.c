/* tracelist.c - the trace list: a window of keyset pages around the
 * cursor (see tracelist.h), one row per trace and one per client when
 * unfolded, and the preview of the selected trace. */
#include "tracelist.h"
#include "timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "columns.h"
#include "draw.h"
#include "glyphs.h"
#include "pattern.h"
#include "timerange.h"
#include "../db/pages.h"
#include "../parsers/timeparse.h"

#define PAGE_ROWS 64
#define WINDOW_MAX 512

struct tl_target {
	char *host, *status;
	bool inferred;
};

struct tl_row {
	struct trace_row row;	/* strings point into pool */
	char *pool;
	struct tl_target *targets;
	size_t n_targets;
	int ok;			/* targets that completed */
};

/* The / filter: compiled once, JIT when available, one match data. */
struct tl_match {
	pcre2_code *re;
	pcre2_match_data *md;
};

/* A regex over every trace, run in slices between keys (SQL cannot run
 * PCRE2, and a walk of 100,000 traces takes a few hundred ms): the ids
 * and statuses of the matching traces in the list's order, and their
 * count per status. The list then reads its rows by id, so a position
 * is an index and a jump costs a page, whatever the filter. 9 bytes a
 * match: 0.9 MB for 100,000. */
struct tl_scan {
	struct tl_match m;
	char *pattern;
	struct trace_pager pager;	/* the list's SQL filters, no status mask */
	struct trace_key at;		/* the last trace read */
	bool started, done;
	int64_t *ids;
	int8_t *st;
	size_t n, cap;
	int64_t counts[TRACE_STATUS_COUNT];
	/* The store whose snapshot the scan holds from its first slice to
	 * its last (NULL: none), so its matches and counts are one
	 * commit's while a writer commits between the slices. */
	struct store *held;
};

struct tl {
	struct app *app;
	struct trace_pager pager;
	char *pattern;
	/* With a regex: the scan, and the matches the status mask lets
	 * through (positions in the list). The probe is the prompt's scan
	 * while typing; Enter adopts it when the pattern is the same. */
	struct tl_scan *scan, *probe;
	/* Live, with a regex: the scan of the changed store, run in slices
	 * behind the one shown and adopted when it ends (no cursor jump). */
	struct tl_scan *rescan;
	int64_t *vis;
	size_t nvis, vcap;
	int64_t want_id;	/* selection to restore when the scan reaches it */
	double shown_at;	/* when a scan's progress was last drawn */
	char *finding_kind;	/* the finding filter's kind, NULL none */
	int status_cycle;	/* -1 all, a status, TRACE_STATUS_COUNT not_complete */
	int64_t counts[TRACE_STATUS_COUNT];
	int64_t total;
	int64_t in_store;	/* every trace, no filter: the header's "of N" */
	struct tl_row *w;	/* the window: positions wbase .. wbase+wn-1 */
	size_t wn;
	int64_t wbase;
	int64_t *unfolded;	/* trace ids whose client rows show */
	size_t n_unfolded;
	/* The selected trace's connector and server hosts, for the preview's
	 * hop chain (read once per selection). */
	int64_t hosts_of;
	char connector[64], server[64];
	/* The outcome strip: the worst status per time bucket of the whole
	 * store (-1: no trace), read again only when the width changes. */
	char *time_label;	/* the t filter as typed, NULL none */
	/* The action sort's groups (value, traces) under the filters, read
	 * a group a pause: a position in that sort then counts one group. */
	char **act;
	int64_t *act_n;
	size_t n_act;
	bool act_done;
	int8_t *strip;
	bool strip_held;	/* its slices read one snapshot (as a scan's) */
	int strip_n;
	int strip_want;		/* width wanted; read at the next pauses */
	int strip_step;		/* slices of time read so far, STRIP_STEPS: done */
	int64_t first_utc, last_utc;
	/* The strip drawn: the last one read whole, so a live update reads
	 * the next one behind it without a frame of "follows". */
	int8_t *shown;
	int shown_n;
	int64_t shown_first, shown_last;
	/* Live: traces that arrived past the cursor since it was last at
	 * the end (the title's "▼ N new"; G goes to them). */
	int64_t fresh;
	int64_t store_counts[TRACE_STATUS_COUNT];	/* every trace's, at the last reread */
	unsigned gen;		/* counts filter and sort changes (tl_reload) */
	struct tl_ticks {	/* the scroll bar's status ticks (see ticks_step) */
		int8_t *worst;	/* per cell of the bar: a status, -1 none */
		int h, want;	/* cells read for; wanted (the bar drawn) */
		int64_t total, pos;	/* the list's length read for; read so far */
		unsigned gen;
		struct trace_key at;	/* the last trace read */
		bool done;
	} ticks;
};

static struct tl *tl_of(struct view *v)
{
	return v->data;
}

/* ---- rows ---- */

static void row_copy(struct tl_row *r, const struct trace_row *t)
{
	const char *src[8] = { t->guid, t->status, t->action, t->clients,
			       t->hosts, t->missing, t->summary, t->next_step };
	size_t len[8], total = 0;
	for (int i = 0; i < 8; i++)
		total += (len[i] = src[i] ? strlen(src[i]) + 1 : 0);
	memset(r, 0, sizeof(*r));
	r->row = *t;
	r->pool = xmalloc(total + 1);
	const char *dst[8];
	char *p = r->pool;
	for (int i = 0; i < 8; i++) {
		dst[i] = src[i] ? memcpy(p, src[i], len[i]) : NULL;
		p += len[i];
	}
	r->row.guid = dst[0];
	r->row.status = dst[1] ? dst[1] : "";
	r->row.action = dst[2];
	r->row.clients = dst[3] ? dst[3] : "";
	r->row.hosts = dst[4] ? dst[4] : "";
	r->row.missing = dst[5] ? dst[5] : "";
	r->row.summary = dst[6] ? dst[6] : "";
	r->row.next_step = dst[7] ? dst[7] : "";
}

static void row_free(struct tl_row *r)
{
	for (size_t i = 0; i < r->n_targets; i++) {
		free(r->targets[i].host);
		free(r->targets[i].status);
	}
	free(r->targets);
	free(r->pool);
}

static int take_target(void *ctx, const struct trace_target *t)
{
	struct tl_row *r = ctx;
	r->targets = xrealloc(r->targets, (r->n_targets + 1) * sizeof(*r->targets));
	r->targets[r->n_targets++] = (struct tl_target){
		xstrdup(t->host), xstrdup(t->status), t->inferred };
	if (!strcmp(t->status, "complete"))
		r->ok++;
	return 0;
}

struct page_buf {
	struct tl_row *rows;
	size_t n;
};

static int take_row(void *ctx, const struct trace_row *t)
{
	struct page_buf *pb = ctx;
	pb->rows = xrealloc(pb->rows, (pb->n + 1) * sizeof(*pb->rows));
	row_copy(&pb->rows[pb->n++], t);
	return 0;
}

/* A page after (or before) key; targets read once the page is done. */
static void page_read(struct tl *t, const struct trace_key *key, bool backward,
		      size_t limit, struct page_buf *pb)
{
	struct store *s = app_store(t->app);
	pb->rows = NULL;
	pb->n = 0;
	if (store_trace_page(s, &t->pager, key, backward, limit, take_row, pb) < 0)
		app_store_failed(t->app, NULL);
	for (size_t i = 0; i < pb->n; i++)
		store_trace_targets(s, pb->rows[i].row.id, take_target, &pb->rows[i]);
}

/* With a regex: the rows at positions from..to-1 read by id (in reverse
 * for window_prepend). */
static void ids_read(struct tl *t, size_t from, size_t to, bool reverse, struct page_buf *pb)
{
	struct store *s = app_store(t->app);
	pb->rows = NULL;
	pb->n = 0;
	for (size_t i = from; i < to; i++) {
		struct trace_query q = { .id = t->vis[reverse ? to - 1 - (i - from) : i] };
		if (store_traces(s, &q, take_row, pb) < 0) {
			app_store_failed(t->app, NULL);
			break;
		}
	}
	for (size_t i = 0; i < pb->n; i++)
		store_trace_targets(s, pb->rows[i].row.id, take_target, &pb->rows[i]);
}

static void window_clear(struct tl *t)
{
	for (size_t i = 0; i < t->wn; i++)
		row_free(&t->w[i]);
	free(t->w);
	t->w = NULL;
	t->wn = 0;
	t->wbase = 0;
}

static void window_append(struct tl *t, struct page_buf *pb)
{
	t->w = xrealloc(t->w, (t->wn + pb->n) * sizeof(*t->w));
	memcpy(t->w + t->wn, pb->rows, pb->n * sizeof(*pb->rows));
	t->wn += pb->n;
	free(pb->rows);
	if (t->wn > WINDOW_MAX) {
		size_t drop = t->wn - WINDOW_MAX;
		for (size_t i = 0; i < drop; i++)
			row_free(&t->w[i]);
		memmove(t->w, t->w + drop, (t->wn - drop) * sizeof(*t->w));
		t->wn -= drop;
		t->wbase += (int64_t)drop;
	}
}

/* pb holds rows in reverse order (a backward page). */
static void window_prepend(struct tl *t, struct page_buf *pb)
{
	t->w = xrealloc(t->w, (t->wn + pb->n) * sizeof(*t->w));
	memmove(t->w + pb->n, t->w, t->wn * sizeof(*t->w));
	for (size_t i = 0; i < pb->n; i++)
		t->w[pb->n - 1 - i] = pb->rows[i];
	t->wn += pb->n;
	t->wbase -= (int64_t)pb->n;
	free(pb->rows);
	if (t->wn > WINDOW_MAX) {
		for (size_t i = WINDOW_MAX; i < t->wn; i++)
			row_free(&t->w[i]);
		t->wn = WINDOW_MAX;
	}
}

static int note_key(void *ctx, const struct trace_row *row)
{
	struct tl *t = ((void **)ctx)[0];
	trace_key_of(t->pager.sort, row, ((void **)ctx)[1]);
	return 0;
}

/* Make position pos readable in the window. */
static bool tl_ensure(struct tl *t, int64_t pos)
{
	if (pos < 0 || pos >= t->total)
		return false;
	if (pos >= t->wbase && pos < t->wbase + (int64_t)t->wn)
		return true;
	struct page_buf pb;
	struct trace_key key = {0};
	int64_t end = t->wbase + (int64_t)t->wn;
	if (t->scan) {
		if (t->wn && pos >= end && pos < end + PAGE_ROWS) {
			ids_read(t, (size_t)end, (size_t)(end + PAGE_ROWS < t->total ? end + PAGE_ROWS : t->total),
				 false, &pb);
			window_append(t, &pb);
		} else if (t->wn && pos < t->wbase && pos >= t->wbase - PAGE_ROWS) {
			int64_t from = t->wbase > PAGE_ROWS ? t->wbase - PAGE_ROWS : 0;
			ids_read(t, (size_t)from, (size_t)t->wbase, true, &pb);
			window_prepend(t, &pb);
		} else {
			window_clear(t);
			int64_t from = pos > PAGE_ROWS / 2 ? pos - PAGE_ROWS / 2 : 0;
			int64_t to = from + PAGE_ROWS < t->total ? from + PAGE_ROWS : t->total;
			ids_read(t, (size_t)from, (size_t)to, false, &pb);
			t->wbase = from;
			window_append(t, &pb);
		}
	} else if (t->wn && pos >= end && pos < end + PAGE_ROWS) {
		trace_key_of(t->pager.sort, &t->w[t->wn - 1].row, &key);
		page_read(t, &key, false, PAGE_ROWS, &pb);
		window_append(t, &pb);
	} else if (t->wn && pos < t->wbase && pos >= t->wbase - PAGE_ROWS) {
		trace_key_of(t->pager.sort, &t->w[0].row, &key);
		page_read(t, &key, true, PAGE_ROWS, &pb);
		window_prepend(t, &pb);
	} else if (pos >= t->total - PAGE_ROWS) {
		window_clear(t);
		page_read(t, NULL, true, PAGE_ROWS, &pb);
		t->wbase = t->total;
		window_prepend(t, &pb);
	} else {
		/* Far away: walk to the row before pos (a jump, rare). */
		window_clear(t);
		int64_t skip = pos > PAGE_ROWS / 2 ? pos - PAGE_ROWS / 2 : 0;
		void *ctx[2] = { t, &key };
		bool have = skip > 0 && store_trace_page(app_store(t->app), &t->pager, NULL,
							 false, (size_t)skip, note_key, ctx) == skip;
		page_read(t, have ? &key : NULL, false, PAGE_ROWS, &pb);
		t->wbase = have ? skip : 0;
		window_append(t, &pb);
	}
	trace_key_free(&key);
	return pos >= t->wbase && pos < t->wbase + (int64_t)t->wn;
}

static struct tl_row *tl_row_at(struct tl *t, int64_t pos)
{
	return tl_ensure(t, pos) ? &t->w[pos - t->wbase] : NULL;
}

static bool is_unfolded(struct tl *t, int64_t id)
{
	for (size_t i = 0; i < t->n_unfolded; i++)
		if (t->unfolded[i] == id)
			return true;
	return false;
}

static void set_unfolded(struct tl *t, int64_t id, bool on)
{
	for (size_t i = 0; i < t->n_unfolded; i++)
		if (t->unfolded[i] == id) {
			if (!on)
				t->unfolded[i] = t->unfolded[--t->n_unfolded];
			return;
		}
	if (on) {
		t->unfolded = xrealloc(t->unfolded, (t->n_unfolded + 1) * sizeof(*t->unfolded));
		t->unfolded[t->n_unfolded++] = id;
	}
}

/* ---- filters ---- */

static bool re_hit(const struct tl_match *m, const char *s)
{
	return s && pcre2_match(m->re, (PCRE2_SPTR)s, strlen(s), 0, 0, m->md, NULL) >= 0;
}

static bool keep_match(void *ctx, const struct trace_row *row)
{
	const struct tl_match *m = ctx;
	return re_hit(m, row->guid) || re_hit(m, row->status) || re_hit(m, row->action) ||
	       re_hit(m, row->hosts) || re_hit(m, row->clients) || re_hit(m, row->summary);
}

/* ---- the regex scan ---- */

#define SCAN_CHUNK 128		/* traces per read; the clock is checked between */
#define SCAN_SLICE 0.005	/* seconds of scanning between two looks at the keys */
#define SCAN_SHOW 0.05		/* seconds between two redraws of a scan's progress */

static void scan_free(struct tl_scan *sc)
{
	if (!sc)
		return;
	if (sc->held)
		store_snapshot_end(sc->held);
	pcre2_match_data_free(sc->m.md);
	pcre2_code_free(sc->m.re);
	free(sc->pattern);
	trace_key_free(&sc->at);
	free(sc->ids);
	free(sc->st);
	free(sc);
}

/* A scan of pattern under the list's SQL filters and sort; NULL with
 * PCRE2's message in err. Nothing is read until scan_slice. */
static struct tl_scan *scan_new(const struct tl *t, const char *pattern, char *err, size_t errlen)
{
	pcre2_code *re = ui_pattern_compile(pattern, err, errlen);
	if (!re)
		return NULL;
	struct tl_scan *sc = xcalloc(1, sizeof(*sc));
	sc->m.re = re;
	sc->m.md = pcre2_match_data_create_from_pattern(re, NULL);
	sc->pattern = xstrdup(pattern);
	sc->pager = t->pager;
	sc->pager.keep = NULL;
	sc->pager.keep_ctx = NULL;
	sc->pager.q.statuses = 0;
	return sc;
}

static int scan_row(void *ctx, const struct trace_row *row)
{
	struct tl_scan *sc = ctx;
	trace_key_of(sc->pager.sort, row, &sc->at);
	sc->started = true;
	if (!keep_match(&sc->m, row))
		return 0;
	enum trace_status st;
	int code = trace_status_parse(row->status, &st) ? (int)st : -1;
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 1024;
		sc->ids = xrealloc(sc->ids, sc->cap * sizeof(*sc->ids));
		sc->st = xrealloc(sc->st, sc->cap * sizeof(*sc->st));
	}
	sc->ids[sc->n] = row->id;
	sc->st[sc->n++] = (int8_t)code;
	if (code >= 0)
		sc->counts[code]++;
	return 0;
}

/* Read on for about budget seconds (a chunk at least), in the scan's
 * snapshot: a writer's lock puts the first slice off to a later pause. */
static void scan_slice(struct tl *t, struct tl_scan *sc, double budget)
{
	struct store *s = app_store(t->app);
	if (!sc->held) {
		if (store_snapshot_begin(s) < 0) {
			if (!store_busy(s)) {
				app_store_failed(t->app, NULL);
				sc->done = true;
			}
			return;
		}
		sc->held = s;
	}
	double until = clock_now() + budget;
	do {
		long got = store_trace_page(s, &sc->pager, sc->started ? &sc->at : NULL, false,
					    SCAN_CHUNK, scan_row, sc);
		if (got < 0) {
			app_store_failed(t->app, NULL);
			sc->done = true;
		} else if (got < SCAN_CHUNK) {
			sc->done = true;
		}
	} while (!sc->done && clock_now() < until);
	if (sc->done) {
		store_snapshot_end(sc->held);
		sc->held = NULL;
	}
}

static bool status_shown(const struct tl *t, int st)
{
	uint32_t mask = t->pager.q.statuses;
	return !mask || (st >= 0 && (mask & TRACE_STATUS_BIT(st)));
}

/* Take the scan's new matches that the status filter shows into the
 * list (from: how many of them were looked at before); restore the
 * selection when it comes by and the cursor has not moved since. */
static void scan_take(struct view *v, size_t from)
{
	struct tl *t = tl_of(v);
	struct tl_scan *sc = t->scan;
	for (size_t i = from; i < sc->n; i++) {
		if (!status_shown(t, sc->st[i]))
			continue;
		if (t->nvis == t->vcap) {
			t->vcap = t->vcap ? 2 * t->vcap : 1024;
			t->vis = xrealloc(t->vis, t->vcap * sizeof(*t->vis));
		}
		/* The id goes in before the cursor does: view_goto reads the
		 * rows there, and read before it, that position held the
		 * previous filter's trace (a stale row, kept in the window). */
		t->vis[t->nvis++] = sc->ids[i];
		if (t->want_id && sc->ids[i] == t->want_id) {
			t->want_id = 0;
			t->total = (int64_t)t->nvis;
			view_goto(v, (int64_t)t->nvis - 1);
		}
	}
	t->total = (int64_t)t->nvis;
	memcpy(t->counts, sc->counts, sizeof(t->counts));
}

static void status_mask(struct tl *t)
{
	if (t->status_cycle < 0)
		t->pager.q.statuses = 0;
	else if (t->status_cycle >= TRACE_STATUS_COUNT)
		t->pager.q.statuses = TRACE_STATUS_NOT_COMPLETE;
	else
		t->pager.q.statuses = TRACE_STATUS_BIT(t->status_cycle);
}

static int64_t total_of(struct tl *t)
{
	int64_t n = 0;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		if (!t->pager.q.statuses || (t->pager.q.statuses & TRACE_STATUS_BIT(i)))
			n += t->counts[i];
	return n;
}

struct find {
	struct tl *t;
	int64_t id;
	const char *prefix;
	int64_t seen;
	bool found;
	struct trace_key *key;
};

static int find_row(void *ctx, const struct trace_row *row)
{
	struct find *f = ctx;
	if (f->prefix ? row->guid && !strncasecmp(row->guid, f->prefix, strlen(f->prefix))
		      : row->id == f->id) {
		f->found = true;
		trace_key_of(f->t->pager.sort, row, f->key);
		return 1;
	}
	f->seen++;
	return 0;
}

struct key_of {
	struct tl *t;
	struct trace_key key;
	bool kept;
	char status[32];
	int64_t first_utc;
};

static int take_key(void *ctx, const struct trace_row *row)
{
	struct key_of *k = ctx;
	k->kept = !k->t->pager.keep || k->t->pager.keep(k->t->pager.keep_ctx, row);
	trace_key_of(k->t->pager.sort, row, &k->key);
	snprintf(k->status, sizeof(k->status), "%s", row->status);
	k->first_utc = row->first_utc;
	return 1;
}

/* In the status sort a trace's position is the counts of the statuses
 * before its own (known: the header's) plus its place among its own
 * status, counted from that group's nearer end (guessed from where its
 * start falls in the store's time): a count of up to half a group in the
 * status index, not of every trace before it. False: count as usual. */
static bool position_by_status(struct tl *t, const struct key_of *k, int64_t id, int64_t *pos)
{
	enum trace_status own;
	if (t->pager.sort != TRACE_SORT_STATUS || !trace_status_parse(k->status, &own))
		return false;
	int64_t before = 0, first = 0, last = 0, n;
	for (int i = 0; i < (int)own; i++)
		if (status_shown(t, i))
			before += t->counts[i];
	struct store *s = app_store(t->app);
	store_trace_bounds(s, &first, &last);
	bool from_end = last > first && (k->first_utc - first) > (last - first) / 2;
	if (store_trace_count_in_status(s, &t->pager, k->status, k->first_utc, id, from_end, &n) < 0)
		return false;
	int64_t asc = before + (from_end ? t->counts[own] - 1 - n : n);
	*pos = t->pager.desc ? t->total - 1 - asc : asc;
	return true;
}

static void actions_forget(struct tl *t)
{
	for (size_t i = 0; i < t->n_act; i++)
		free(t->act[i]);
	free(t->act);
	free(t->act_n);
	t->act = NULL;
	t->act_n = NULL;
	t->n_act = 0;
	t->act_done = false;
}

/* One more group of the action sort (a pause's work). */
static void actions_step(struct tl *t)
{
	char *a;
	int64_t n;
	int rc = store_trace_action_group(app_store(t->app), &t->pager,
					  t->n_act ? t->act[t->n_act - 1] : NULL, &a, &n);
	if (rc <= 0) {
		t->act_done = true;
		return;
	}
	t->act = xrealloc(t->act, (t->n_act + 1) * sizeof(*t->act));
	t->act_n = xrealloc(t->act_n, (t->n_act + 1) * sizeof(*t->act_n));
	t->act[t->n_act] = a;
	t->act_n[t->n_act++] = n;
}

/* The same for the action sort, once its groups are read. */
static bool position_by_action(struct tl *t, const struct key_of *k, int64_t id, int64_t *pos)
{
	if (t->pager.sort != TRACE_SORT_ACTION || !t->act_done || !k->key.text)
		return false;
	int64_t before = 0, group = -1, first = 0, last = 0, n;
	for (size_t i = 0; i < t->n_act; i++) {
		int c = strcmp(t->act[i], k->key.text);
		if (c < 0)
			before += t->act_n[i];
		else if (c == 0)
			group = t->act_n[i];
	}
	if (group <= 0)
		return false;
	struct store *s = app_store(t->app);
	store_trace_bounds(s, &first, &last);
	bool from_end = last > first && (k->first_utc - first) > (last - first) / 2;
	if (store_trace_count_in_action(s, &t->pager, k->key.text, k->first_utc, id, from_end, &n) < 0)
		return false;
	int64_t asc = before + (from_end ? group - 1 - n : n);
	*pos = t->pager.desc ? t->total - 1 - asc : asc;
	return true;
}

/* Position of trace id (or the first GUID with prefix) under the current
 * filters and sort, its key in *key; -1 when it is not there. A trace
 * number is counted in the index (its key, then how many sort before
 * it); a GUID prefix and the regex filter walk the rows. */
static int64_t vis_index(const struct tl *t, int64_t id);

static int64_t position_of(struct tl *t, int64_t id, const char *prefix,
			   struct trace_key *key)
{
	if (!prefix && t->scan)
		return vis_index(t, id);
	if (!prefix && !t->pager.keep) {
		struct trace_query q = t->pager.q;
		q.id = id;
		struct key_of k = { .t = t };
		int64_t n = -1;
		/* The finding filter is the pager's, not store_traces'. */
		if (store_traces(app_store(t->app), &q, take_key, &k) == 0 && k.kept &&
		    t->pager.finding && store_trace_passes(app_store(t->app), &t->pager, id) != 1)
			k.kept = false;
		if (k.kept && !position_by_status(t, &k, id, &n) &&
		    !position_by_action(t, &k, id, &n) &&
		    store_trace_count(app_store(t->app), &t->pager, &k.key, &n) < 0)
			n = -1;
		trace_key_free(key);
		*key = k.key;
		return k.kept ? n : -1;
	}
	if (prefix && !t->pager.keep) {	/* the GUID index, then as a number */
		int64_t hit = store_trace_guid_prefix(app_store(t->app), &t->pager, prefix);
		return hit > 0 ? position_of(t, hit, NULL, key) : -1;
	}
	/* A regex filter: only a walk knows what it keeps (a jump, rare). */
	struct find f = { t, id, prefix, 0, false, key };
	store_trace_page(app_store(t->app), &t->pager, NULL, false, SIZE_MAX, find_row, &f);
	return f.found ? f.seen : -1;
}

/* Load the window around the trace at pos whose key is key: back rows
 * before it and fwd from it, the screen's worth; a jump costs two short
 * pages, whatever pos is. */
static void window_around(struct tl *t, const struct trace_key *key, int64_t pos, int back,
			  int fwd)
{
	struct page_buf bk, fw;
	struct trace_key from = {0};
	window_clear(t);
	if (t->scan) {	/* rows by id: the window follows from pos */
		tl_ensure(t, pos);
		return;
	}
	/* The row before pos (at least) gives the key to read pos on. */
	page_read(t, key, true, (size_t)(back > 0 ? back : 1), &bk);
	if (bk.n)
		trace_key_of(t->pager.sort, &bk.rows[0].row, &from);
	page_read(t, bk.n ? &from : NULL, false, (size_t)(fwd > 0 ? fwd : 1) + 1, &fw);
	t->wbase = pos;
	window_prepend(t, &bk);
	window_append(t, &fw);
	trace_key_free(&from);
}

static int64_t vis_index(const struct tl *t, int64_t id)
{
	for (size_t i = 0; i < t->nvis; i++)
		if (t->vis[i] == id)
			return (int64_t)i;
	return -1;
}

/* A new scan of the pattern under the list's filters and sort. */
static void scan_restart(struct tl *t)
{
	char err[200];
	struct tl_scan *sc = scan_new(t, t->pattern, err, sizeof(err));
	if (!sc)	/* compiled before: cannot fail */
		return;
	scan_free(t->scan);
	t->scan = sc;
	t->pager.keep_ctx = &sc->m;
}

/* With a regex: the list is the scan's matches the status filter shows;
 * the selection comes back when the scan reaches it. */
static void scan_reload(struct view *v, bool rescan, int64_t keep_id)
{
	struct tl *t = tl_of(v);
	if (rescan)
		scan_restart(t);
	t->nvis = 0;
	t->want_id = keep_id;
	scan_take(v, 0);
	int64_t pos = keep_id ? vis_index(t, keep_id) : -1;
	if (pos >= 0)
		t->want_id = 0;
	v->top_item = 0;
	v->top_sub = 0;
	view_goto(v, pos > 0 ? pos : 0);
}

/* Re-read counts and the window after a filter or sort change, keeping
 * the selected trace when it still shows. recount: the SQL filters
 * changed (counts per status); rescan: the filters or the sort changed
 * (a regex scan starts over; a status change only re-picks). */
static void tl_reload_keep(struct view *v, bool recount, bool rescan, int64_t keep_id);

/* The cursor's row when the window holds it (it was drawn): no read. */
static struct tl_row *cursor_row(struct view *v)
{
	struct tl *t = tl_of(v);
	bool in = v->item >= t->wbase && v->item < t->wbase + (int64_t)t->wn;
	return in ? &t->w[v->item - t->wbase] : NULL;
}

static void tl_reload(struct view *v, bool recount, bool rescan)
{
	struct tl_row *r = cursor_row(v);
	tl_reload_keep(v, recount, rescan, r ? r->row.id : 0);
}

/* The same, the cursor on trace keep_id (0: the first row). */
static void tl_reload_keep(struct view *v, bool recount, bool rescan, int64_t keep_id)
{
	struct tl *t = tl_of(v);
	t->gen++;	/* the scroll bar's ticks are of another list now */
	scan_free(t->rescan);	/* the filters changed: it is void */
	t->rescan = NULL;
	window_clear(t);
	status_mask(t);
	if (recount || !rescan)	/* the filters changed: the groups did */
		actions_forget(t);
	if (t->scan) {
		scan_reload(v, rescan, keep_id);
		return;
	}
	/* Counts per status ignore the status filter and the sort. */
	if (recount && store_trace_status_counts(app_store(t->app), &t->pager, t->counts) < 0)
		app_store_failed(t->app, NULL);
	t->total = total_of(t);
	struct trace_key key = {0};
	int64_t pos = keep_id ? position_of(t, keep_id, NULL, &key) : -1;
	/* The selected trace keeps its screen row (the others reorder
	 * around it): the window reads that screen's rows, no more. */
	int lines = v->lines > 0 ? v->lines : 1;
	int64_t off = v->item - v->top_item;
	if (off < 0 || off >= lines)
		off = lines / 2;
	if (pos > 0 && off > pos)
		off = pos;
	/* ... unless that leaves the pane's end empty (near the list's end) */
	if (pos > 0 && pos - off + lines > t->total)
		off = pos - (t->total > lines ? t->total - lines : 0);
	if (pos > 0)
		window_around(t, &key, pos, (int)off, lines - (int)off);
	trace_key_free(&key);
	v->top_item = pos > 0 ? pos - off : 0;
	v->top_sub = 0;
	view_goto(v, pos > 0 ? pos : 0);
}

/* Live, with a regex: the finished rescan replaces the scan shown; the
 * cursor stays on its trace and on its screen row. */
static void rescan_adopt(struct view *v)
{
	struct tl *t = tl_of(v);
	struct tl_row *r = cursor_row(v);
	int64_t keep = r ? r->row.id : 0, off = v->item - v->top_item;
	int64_t old_total = t->total, old_pos = v->item;
	bool at_end = old_total > 0 && v->item >= old_total - 1;
	scan_free(t->scan);
	t->scan = t->rescan;
	t->rescan = NULL;
	t->pager.keep_ctx = &t->scan->m;
	window_clear(t);
	t->nvis = 0;
	t->want_id = 0;
	scan_take(v, 0);
	int64_t pos = keep ? vis_index(t, keep) : -1;
	if (pos >= 0 && old_total) {	/* as tl_reread: follow, or count */
		int64_t below = (t->total - old_total) - (pos - old_pos);
		if (below > 0 && at_end)
			pos = t->total - 1;
		else if (below > 0)
			t->fresh += below;
	}
	if (pos < 0)
		pos = v->item < t->total ? v->item : t->total - 1;
	if (pos < 0)
		pos = 0;
	v->top_item = pos - off > 0 ? pos - off : 0;
	v->top_sub = 0;
	view_goto(v, pos);
}

bool tracelist_probe(struct view *v, const char *pattern, char *err, size_t errlen)
{
	struct tl *t = tl_of(v);
	if (!pattern || !*pattern) {
		scan_free(t->probe);
		t->probe = NULL;
		return true;
	}
	if (t->probe && !strcmp(t->probe->pattern, pattern))
		return true;
	struct tl_scan *sc = scan_new(t, pattern, err, errlen);
	if (!sc)
		return false;
	scan_free(t->probe);
	t->probe = sc;
	return true;
}

bool tracelist_probe_count(struct view *v, int64_t *n, bool *done)
{
	struct tl *t = tl_of(v);
	if (!t->probe)
		return false;
	*n = 0;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		if (status_shown(t, i))
			*n += t->probe->counts[i];
	*done = t->probe->done;
	return true;
}

bool tracelist_set_pattern(struct view *v, const char *pattern, char *err, size_t errlen)
{
	struct tl *t = tl_of(v);
	struct tl_scan *sc = NULL;
	if (pattern && *pattern) {
		/* The prompt's scan is this one, already under way. */
		if (t->probe && !strcmp(t->probe->pattern, pattern)) {
			sc = t->probe;
			t->probe = NULL;
		} else if (!(sc = scan_new(t, pattern, err, errlen))) {
			return false;
		}
	}
	scan_free(t->scan);
	scan_free(t->rescan);
	t->rescan = NULL;
	free(t->pattern);
	t->scan = sc;
	t->pattern = sc ? xstrdup(pattern) : NULL;
	t->pager.keep = sc ? keep_match : NULL;
	t->pager.keep_ctx = sc ? &sc->m : NULL;
	t->nvis = 0;
	tl_reload(v, !sc, false);
	return true;
}

bool tracelist_set_time(struct view *v, const char *text, char *err, size_t errlen)
{
	struct tl *t = tl_of(v);
	struct trace_query *q = &t->pager.q;
	int64_t first = 0, last = 0;
	struct time_range r;
	store_trace_bounds(app_store(t->app), &first, &last);
	if (!time_range_parse(text, last, &r)) {
		snprintf(err, errlen, "not a time range: use 19:30-19:45, 19:30, -15m or 2026-09-25T19:30..2026-09-25T20:00");
		return false;
	}
	q->has_since = r.has_from;
	q->since_us = r.from;
	q->has_until = r.has_to;
	q->until_us = r.to;
	free(t->time_label);
	t->time_label = *text ? xstrdup(text) : NULL;
	tl_reload(v, true, true);
	return true;
}

static int take_id(void *ctx, const struct trace_row *row)
{
	*(int64_t *)ctx = row->id;
	return 1;
}

/* The first trace under the filters that starts at or after us; 0. */
static int64_t first_from(struct tl *t, int64_t us)
{
	struct trace_pager p = t->pager;
	p.sort = TRACE_SORT_START;
	p.desc = false;
	struct trace_key after = { .a = us, .b = 0, .id = 0, .text = NULL };
	int64_t id = 0;
	store_trace_page(app_store(t->app), &p, &after, false, 1, take_id, &id);
	return id;
}

bool tracelist_jump(struct view *v, const char *what)
{
	struct tl *t = tl_of(v);
	char *end;
	long long id = strtoll(what, &end, 10);
	const char *g = what[0] == '{' ? what + 1 : what;
	struct trace_key key = {0};
	int64_t pos = -1, first = 0, last = 0, us;
	/* A time (it has a colon: 19:35, 2026-09-25T19:35): the first
	 * trace that starts then or later, wherever the sort puts it. */
	if (strchr(what, ':')) {
		store_trace_bounds(app_store(t->app), &first, &last);
		if (time_point_parse(what, last, &us) && (id = first_from(t, us)) > 0)
			pos = position_of(t, id, NULL, &key);
	} else {
		if (*what && !*end && id > 0)
			pos = position_of(t, id, NULL, &key);
		if (pos < 0 && *g)
			pos = position_of(t, 0, g, &key);
	}
	/* The trace lands on the pane's first row (lower near the list's
	 * end, so the pane stays full): one screen to read. */
	int lines = v->lines > 0 ? v->lines : 1;
	int64_t top = pos;
	if (top > t->total - lines)
		top = t->total > lines ? t->total - lines : 0;
	if (pos >= 0)
		window_around(t, &key, pos, (int)(pos - top), lines);
	trace_key_free(&key);
	if (pos < 0)
		return false;
	v->top_item = top;
	v->top_sub = 0;
	view_goto(v, pos);
	return true;
}

/* Every filter off: status, time, regex, finding. */
static void filters_off(struct tl *t)
{
	t->status_cycle = -1;
	t->pager.q.has_since = t->pager.q.has_until = false;
	free(t->time_label);
	t->time_label = NULL;
	scan_free(t->scan);
	t->scan = NULL;
	scan_free(t->rescan);
	t->rescan = NULL;
	free(t->pattern);
	t->pattern = NULL;
	t->pager.keep = NULL;
	t->pager.keep_ctx = NULL;
	t->pager.finding = 0;
	free(t->finding_kind);
	t->finding_kind = NULL;
}

void tracelist_set_finding(struct view *v, int64_t finding_id, const char *kind)
{
	struct tl *t = tl_of(v);
	filters_off(t);
	t->pager.finding = finding_id;
	t->finding_kind = xstrdup(kind);
	window_clear(t);	/* a new list: from its first trace */
	tl_reload(v, true, true);
}

static bool filters_on(const struct tl *t)
{
	return t->status_cycle >= 0 || t->time_label || t->pattern || t->pager.finding;
}

/* ---- drawing ---- */

static void fmt_ms(int64_t ms, char *out, size_t len)
{
	if (ms == EVENT_NONE)
		snprintf(out, len, "%s", glyph(G_DASH));
	else if (ms > -1000 && ms < 1000)
		snprintf(out, len, "%" PRId64 "ms", ms);
	else if (ms > -60000 && ms < 60000)
		snprintf(out, len, "%.2fs", (double)ms / 1000);
	else if (ms > -3600000 && ms < 3600000)
		snprintf(out, len, "%.1fm", (double)ms / 60000);
	else
		snprintf(out, len, "%.1fh", (double)ms / 3600000);
}

static void clock_of(int64_t us, char out[16])
{
	char full[32];
	format_utc_ms(us, full);	/* 2026-09-25T19:35:02.412Z */
	snprintf(out, 16, "%.12s", full + 11);
}

static void cell(const struct column_layout *cl, enum column c, int y, enum paint role,
		 const char *text)
{
	if (!cl->shown[c])
		return;
	if (column_right_aligned(c))
		draw_text_right(y, cl->x[c], cl->width[c], role, text);
	else
		draw_text(y, cl->x[c], cl->width[c], role, text, true);
}

static enum paint stage_role(enum glyph g)
{
	switch (g) {
	case G_PASSED: return PAINT_OK;
	case G_FAIL: return PAINT_FAIL;
	case G_MISSING: return PAINT_MISSING;
	case G_MIXED:
	case G_UNKNOWN: return PAINT_WARN;
	default: return PAINT_QUIET;
	}
}

static void stages_cell(const struct column_layout *cl, int y, const enum glyph st[STAGE_COUNT],
			enum paint over)
{
	for (int i = 0; i < STAGE_COUNT; i++)
		draw_glyph(y, cl->x[COL_STAGES] + i, st[i], over ? over : stage_role(st[i]));
}

static void status_cell(const struct column_layout *cl, int y, const char *status, enum paint over)
{
	struct status_look look = status_look(status);
	char text[64];
	snprintf(text, sizeof(text), "%s %s", glyph(look.glyph), status);
	cell(cl, COL_STATUS, y, over ? over : (enum paint)look.role, text);
}

/* The regex filter's first match in a visible left-aligned cell, in the
 * match paint (tig's search-result): why the row is here. */
static void mark_match(const struct tl *t, const struct column_layout *cl, enum column c, int y,
		       const char *text)
{
	if (!t->scan || !cl->shown[c] || column_right_aligned(c))
		return;
	const struct tl_match *m = &t->scan->m;
	if (pcre2_match(m->re, (PCRE2_SPTR)text, strlen(text), 0, 0, m->md, NULL) < 0)
		return;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
	if (ov[1] <= ov[0])
		return;
	char *pre = xstrndup(text, ov[0]);
	char *hit = xstrndup(text + ov[0], ov[1] - ov[0]);
	int x = draw_width(pre);
	if (x < cl->width[c])
		draw_text(y, cl->x[c] + x, cl->width[c] - x, PAINT_MATCH, hit, false);
	free(pre);
	free(hit);
}

/* "ok/N": N is the push's target count (candidates, `HOST?`, are not
 * targets), `?` when no log gave it. */
static void okn_text(const struct tl_row *r, char *text, size_t len)
{
	if (r->row.target_count == EVENT_NONE)
		snprintf(text, len, "%d/?", r->ok);
	else
		snprintf(text, len, "%d/%" PRId64, r->ok, r->row.target_count);
}

static void draw_trace(struct tl *t, struct tl_row *r, int y, int w, bool sel, bool focused)
{
	struct column_layout cl;
	columns_fit(w, &cl);
	const struct trace_row *row = &r->row;
	enum paint over = sel ? (focused ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR) : PAINT_NORMAL;
	if (sel)
		draw_fill(y, 0, w, over);
	char text[96], a[24], b[24];
	draw_text(y, 0, 1, over, sel ? glyph(focused ? G_CURSOR : G_CURSOR_BLUR) : " ", true);
	draw_text(y, 1, 1, over ? over : PAINT_QUIET,
		  r->n_targets ? glyph(is_unfolded(t, row->id) ? G_UNFOLDED : G_FOLDED) : " ", true);
	snprintf(text, sizeof(text), "%" PRId64, row->id);
	cell(&cl, COL_ID, y, over, text);
	clock_of(row->first_utc, text);
	cell(&cl, COL_START, y, over, text);
	status_cell(&cl, y, row->status, over);
	if (!sel) {
		struct status_look look = status_look(row->status);
		snprintf(text, sizeof(text), "%s %s", glyph(look.glyph), row->status);
		mark_match(t, &cl, COL_STATUS, y, text);
	}
	cell(&cl, COL_ACTION, y, over, row->action ? row->action : glyph(G_DASH));
	if (!sel && row->action)
		mark_match(t, &cl, COL_ACTION, y, row->action);
	if (row->guid)
		snprintf(text, sizeof(text), "%.8s%s", row->guid, glyph(G_ELLIPSIS));
	else
		snprintf(text, sizeof(text), "%s", glyph(G_DASH));
	cell(&cl, COL_GUID, y, over, text);
	if (!sel && row->guid)
		mark_match(t, &cl, COL_GUID, y, text);
	if (row->push_id != EVENT_NONE)
		snprintf(text, sizeof(text), "%" PRId64 "/%" PRId64, row->push_id,
			 row->task_id == EVENT_NONE ? row->push_id : row->task_id);
	else
		snprintf(text, sizeof(text), "%s", glyph(G_DASH));
	cell(&cl, COL_PUSH, y, over, text);
	okn_text(r, text, sizeof(text));
	cell(&cl, COL_OKN, y, over, text);
	enum glyph st[STAGE_COUNT];
	stage_strip(row, st);
	stages_cell(&cl, y, st, over);
	fmt_ms(row->hop_forward_to_push, a, sizeof(a));
	cell(&cl, COL_HOP_PUSH, y, over, a);
	fmt_ms(row->hop_push_to_receive, a, sizeof(a));
	cell(&cl, COL_HOP_RECV, y, over, a);
	fmt_ms(row->hop_receive_to_response, a, sizeof(a));
	cell(&cl, COL_HOP_RESP, y, over, a);
	fmt_ms((row->last_utc - row->first_utc) / 1000, b, sizeof(b));
	cell(&cl, COL_SPAN, y, over, b);
}

static void draw_target(struct tl_row *r, size_t i, int y, int w, bool sel, bool focused)
{
	struct column_layout cl;
	columns_fit(w, &cl);
	const struct tl_target *g = &r->targets[i];
	enum paint over = sel ? (focused ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR) : PAINT_NORMAL;
	if (sel)
		draw_fill(y, 0, w, over);
	draw_text(y, 0, 1, over, sel ? glyph(focused ? G_CURSOR : G_CURSOR_BLUR) : " ", true);
	draw_text(y, cl.x[COL_ID] + cl.width[COL_ID] - 1, 1, over ? over : PAINT_QUIET,
		  glyph(i + 1 == r->n_targets ? G_TREE_END : G_TREE_MID), false);
	char host[96];
	snprintf(host, sizeof(host), "%s%s", g->host, g->inferred ? "?" : "");
	cell(&cl, COL_START, y, over ? over : (g->inferred ? PAINT_MISSING : PAINT_NORMAL), host);
	status_cell(&cl, y, g->status, over);
	cell(&cl, COL_OKN, y, over, strcmp(g->status, "complete") ? "0/1" : "1/1");
	enum glyph st[STAGE_COUNT];
	stage_strip_target(&r->row, g->status, st);
	stages_cell(&cl, y, st, over);
}

static void tl_draw_line(struct view *v, int64_t item, int sub, int y, int w,
			 bool selected, bool focused)
{
	struct tl *t = tl_of(v);
	struct tl_row *r = tl_row_at(t, item);
	if (!r)
		return;
	if (sub == 0)
		draw_trace(t, r, y, w, selected, focused);
	else if ((size_t)sub <= r->n_targets)
		draw_target(r, (size_t)sub - 1, y, w, selected, focused);
}

/* How bad a status looks in the strip: a log said no > a record is
 * absent > no response > mixed > cannot say > complete. */
static int severity(int st)
{
	switch (st) {
	case TS_FAILED:
	case TS_UNAUTHORIZED: return 5;
	case TS_NOT_FORWARDED:
	case TS_NOT_PUSHED:
	case TS_NOT_DELIVERED: return 4;
	case TS_NO_RESPONSE: return 3;
	case TS_PARTIAL: return 2;
	case TS_COMPLETE: return 0;
	default: return 1;
	}
}

static int take_bucket(void *ctx, int bucket, const char *status, int64_t count)
{
	struct tl *t = ctx;
	enum trace_status st;
	(void)count;
	if (!trace_status_parse(status, &st))
		st = TS_MISSING_EVIDENCE;
	if (t->strip[bucket] < 0 || severity(st) > severity(t->strip[bucket]))
		t->strip[bucket] = (int8_t)st;
	return 0;
}

#define STRIP_STEPS 16	/* the strip is read a sixteenth of the time a pause */

/* One slice of time of the strip (the first sets it up for width n):
 * a scan of every trace in one go took 70-140 ms at 100,000 traces. */
static void strip_release(struct tl *t)
{
	if (t->strip_held)
		store_snapshot_end(app_store(t->app));
	t->strip_held = false;
}

static void strip_step(struct tl *t, int n)
{
	struct store *s = app_store(t->app);
	if (n != t->strip_n)
		strip_release(t);	/* a new width: read afresh */
	if (!t->strip_held) {
		/* Its slices read one snapshot: the strip is one commit's,
		 * as the counts beside it are. */
		if (store_snapshot_begin(s) < 0) {
			if (!store_busy(s)) {
				app_store_failed(t->app, NULL);
				t->strip_n = n;
				t->strip_step = STRIP_STEPS;
			}
			return;
		}
		t->strip_held = true;
		t->strip_n = 0;		/* (re)start in this snapshot */
	}
	if (n != t->strip_n) {
		free(t->strip);
		t->strip = xmalloc((size_t)n);
		memset(t->strip, -1, (size_t)n);
		t->strip_n = n;
		t->strip_step = 0;
		if (store_trace_bounds(s, &t->first_utc, &t->last_utc) < 0) {
			app_store_failed(t->app, NULL);
			t->strip_step = STRIP_STEPS;
			strip_release(t);
			return;
		}
	}
	int64_t span = t->last_utc - t->first_utc + 1;
	int64_t from = t->first_utc + span * t->strip_step / STRIP_STEPS;
	int64_t to = t->first_utc + span * (t->strip_step + 1) / STRIP_STEPS;
	if (store_trace_buckets(s, t->first_utc, t->last_utc, n, from, to, take_bucket, t) < 0)
		app_store_failed(t->app, NULL);
	if (++t->strip_step < STRIP_STEPS)
		return;
	strip_release(t);
	free(t->shown);
	t->shown = xmalloc((size_t)n);
	memcpy(t->shown, t->strip, (size_t)n);
	t->shown_n = n;
	t->shown_first = t->first_utc;
	t->shown_last = t->last_utc;
}

static bool strip_ready(const struct tl *t, int n)
{
	return n == t->strip_n && t->strip_step >= STRIP_STEPS;
}

/* "12:07Z ──✓──✗──◌── 10:40Z · 1 col = 17m": where the failures cluster
 * in time; the selected trace's cell in reverse. */
static void draw_strip(struct view *v, int y, int w)
{
	struct tl *t = tl_of(v);
	char from[16], to[16], col[24], right[64];
	if (!t->in_store) {
		draw_text(y, 1, w - 1, PAINT_QUIET, "", true);
		return;
	}
	int n = w - 1 - 7 - 1 - 40;
	if (n < 10)
		return;
	if (!strip_ready(t, n))
		t->strip_want = n;	/* read at the next pauses */
	if (t->shown_n != n) {
		/* A scan of every trace: not on the first screen's path. */
		draw_text(y, 1, w - 1, PAINT_QUIET, "outcome strip follows", false);
		return;
	}
	clock_of(t->shown_first, from);
	clock_of(t->shown_last, to);
	from[5] = to[5] = '\0';	/* HH:MM */
	fmt_ms((t->shown_last - t->shown_first) / 1000 / n, col, sizeof(col));
	snprintf(right, sizeof(right), " %sZ  %s  1 col = %s", to, glyph(G_NOT_REACHED), col);
	int x = 1 + draw_text(y, 1, 8, PAINT_NORMAL, from, false);
	x += draw_text(y, x, 2, PAINT_NORMAL, "Z ", false);
	struct tl_row *sel = tl_row_at(t, v->item);
	int64_t span = t->shown_last - t->shown_first + 1;
	int mark = sel ? (int)((sel->row.first_utc - t->shown_first) * n / span) : -1;
	for (int i = 0; i < n; i++) {
		int st = t->shown[i];
		if (st < 0) {
			draw_glyph(y, x + i, G_RULE, i == mark ? PAINT_CURSOR_FOCUS : PAINT_QUIET);
			continue;
		}
		struct status_look look = status_look(trace_statuses[st].name);
		draw_glyph(y, x + i, look.glyph, i == mark ? PAINT_CURSOR_FOCUS : (enum paint)look.role);
	}
	draw_text(y, x + n, w - x - n, PAINT_NORMAL, right, false);
}

/* ---- the scroll bar's status ticks ---- */

/* Where the problems sit in the whole list, as lnav and htop mark their
 * scroll bars: each cell of the bar stands for a share of the list and
 * shows the worst problem in it, a failure (✗) over a missing stage or
 * missing evidence (◌ ?). Read in pages of the list's own order at the
 * pauses, as the outcome strip is, and again after a filter or sort
 * change, a new bar height or a new count (live traces). */
#define TICKS_CHUNK 512

/* 2 a failure, 1 something missing, 0 no tick. */
static int tick_rank(int st)
{
	switch (st) {
	case TS_FAILED:
	case TS_UNAUTHORIZED: return 2;
	case TS_NOT_FORWARDED:
	case TS_NOT_PUSHED:
	case TS_NOT_DELIVERED:
	case TS_NO_RESPONSE:
	case TS_MISSING_EVIDENCE: return 1;
	default: return 0;
	}
}

static bool ticks_current(const struct tl *t, int h)
{
	const struct tl_ticks *k = &t->ticks;
	return k->worst && k->h == h && k->total == t->total && k->gen == t->gen;
}

/* Work left for the pauses: a bar is drawn and its ticks are not read. */
static bool ticks_pending(const struct tl *t)
{
	int h = t->ticks.want;
	return h >= 2 && t->total > h && !(t->scan && !t->scan->done) &&
	       !(ticks_current(t, h) && t->ticks.done);
}

static int tick_row(void *ctx, const struct trace_row *row)
{
	struct tl *t = ctx;
	struct tl_ticks *k = &t->ticks;
	enum trace_status st;
	int cell = (int)(k->pos * k->h / k->total);
	if (cell >= k->h)
		cell = k->h - 1;
	if (trace_status_parse(row->status, &st) &&
	    (k->worst[cell] < 0 || tick_rank(st) > tick_rank(k->worst[cell])))
		k->worst[cell] = (int8_t)st;
	trace_key_of(t->pager.sort, row, &k->at);
	k->pos++;
	return 0;
}

/* Read on for a slice of time (a chunk at least); from the start when
 * the list or the bar changed. */
static void ticks_step(struct tl *t)
{
	struct tl_ticks *k = &t->ticks;
	int h = k->want;
	if (!ticks_current(t, h)) {
		k->worst = xrealloc(k->worst, (size_t)h);
		memset(k->worst, -1, (size_t)h);
		k->h = h;
		k->total = t->total;
		k->gen = t->gen;
		k->pos = 0;
		k->done = false;
	}
	struct store *s = app_store(t->app);
	double until = clock_now() + SCAN_SLICE;
	do {
		long got = store_trace_page(s, &t->pager, k->pos ? &k->at : NULL, false, TICKS_CHUNK,
					    tick_row, t);
		if (got < 0)
			app_message(t->app, PAINT_FAIL, "%s %s", glyph(G_FAIL), store_error(s));
		if (got < TICKS_CHUNK)
			k->done = true;
	} while (!k->done && clock_now() < until);
}

bool tracelist_idle(struct view *v, bool typing)
{
	struct tl *t = tl_of(v);
	if (!typing && t->probe) {	/* the prompt closed without it */
		scan_free(t->probe);
		t->probe = NULL;
	}
	/* A slice, then a look at the keys; the progress is drawn now and
	 * then (a redraw per slice would double what a key waits). */
	struct tl_scan *sc = typing && t->probe && !t->probe->done ? t->probe
			     : t->scan && !t->scan->done ? t->scan : NULL;
	if (sc) {
		size_t from = sc->n;
		scan_slice(t, sc, SCAN_SLICE);
		if (sc == t->scan)
			scan_take(v, from);
		if (!sc->done && clock_now() - t->shown_at < SCAN_SHOW)
			return false;
		t->shown_at = clock_now();
		return true;
	}
	if (t->rescan) {
		scan_slice(t, t->rescan, SCAN_SLICE);
		if (!t->rescan->done)
			return false;
		rescan_adopt(v);
		return true;
	}
	if (t->strip_want && !strip_ready(t, t->strip_want)) {
		strip_step(t, t->strip_want);
		return strip_ready(t, t->strip_want);
	}
	if (!t->act_done && !t->scan) {
		actions_step(t);
		return t->act_done;	/* one frame at the end: "idle" in the timing */
	}
	if (ticks_pending(t)) {
		ticks_step(t);
		return t->ticks.done;
	}
	return false;
}

bool tracelist_busy(struct view *v, bool typing)
{
	struct tl *t = tl_of(v);
	return (typing && t->probe && !t->probe->done) || (t->scan && !t->scan->done) || t->rescan ||
	       (t->strip_want && !strip_ready(t, t->strip_want)) || (!t->act_done && !t->scan) ||
	       ticks_pending(t);
}

bool tracelist_searching(struct view *v)
{
	struct tl *t = tl_of(v);
	return t->scan && !t->scan->done;
}

/* Where the cursor is in the whole list, in the pane's last column: a
 * thumb as tall as the share of the list on screen (one cell at least),
 * over the status ticks. */
void tracelist_draw_scrollbar(struct view *v, int y0, int x)
{
	struct tl *t = tl_of(v);
	int h = v->lines;
	t->ticks.want = h;
	if (h < 2 || t->total <= h)
		return;
	int thumb = (int)((int64_t)h * h / t->total);
	if (thumb < 1)
		thumb = 1;
	int at = (int)(v->item * (h - thumb) / (t->total - 1));
	bool ticks = ticks_current(t, h);
	for (int i = 0; i < h; i++) {
		int st = ticks ? t->ticks.worst[i] : -1;
		if (i >= at && i < at + thumb) {
			draw_glyph(y0 + i, x, G_THUMB, PAINT_ACTIVE);
		} else if (st >= 0 && tick_rank(st)) {
			struct status_look look = status_look(trace_statuses[st].name);
			draw_glyph(y0 + i, x, look.glyph, (enum paint)look.role);
		} else {
			draw_glyph(y0 + i, x, G_VBAR, PAINT_QUIET);
		}
	}
}

/* The header's short words, by status, for when the names do not fit. */
static const char *const status_short[TRACE_STATUS_COUNT] = {
	[TS_UNAUTHORIZED] = "unauth", [TS_NOT_FORWARDED] = "no_fwd",
	[TS_NOT_PUSHED] = "no_push", [TS_NOT_DELIVERED] = "no_dlv",
	[TS_NO_RESPONSE] = "no_resp", [TS_FAILED] = "failed",
	[TS_PARTIAL] = "partial", [TS_COMPLETE] = "ok",
	[TS_MISSING_EVIDENCE] = "no_evid", [TS_UNMATCHED] = "unmatch",
};

/* One status count at a level of detail: 0 glyph, count and name; 1 the
 * short word; 2 glyph and count. */
static int count_cell(char *out, size_t len, int i, int64_t count, int level)
{
	struct status_look look = status_look(trace_statuses[i].name);
	const char *word = level == 0 ? trace_statuses[i].name : level == 1 ? status_short[i] : "";
	snprintf(out, len, "%s%" PRId64 "%s%s", glyph(look.glyph), count, *word ? " " : "", word);
	return draw_width(out);
}

/* The status counts: counts are never cut; the words shorten first,
 * then go (the biggest count of 100,000 traces stays whole). */
static void draw_counts(struct tl *t, int y, int w)
{
	char text[64];
	/* Levels with their gaps, widest first; the last one always. */
	static const int levels[][2] = { { 0, 2 }, { 1, 2 }, { 1, 1 }, { 2, 1 } };
	int level = 2, gap = 1;
	for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		int need = 0, n = 0;
		level = levels[l][0];
		gap = levels[l][1];
		for (int i = 0; i < TRACE_STATUS_COUNT; i++)
			if (t->counts[i]) {
				need += count_cell(text, sizeof(text), i, t->counts[i], level) + (n ? gap : 0);
				n++;
			}
		if (1 + need <= w)
			break;
	}
	int x = 1;
	for (int i = 0; i < TRACE_STATUS_COUNT && x < w; i++) {
		if (!t->counts[i])
			continue;
		count_cell(text, sizeof(text), i, t->counts[i], level);
		struct status_look look = status_look(trace_statuses[i].name);
		x += draw_text(y, x, w - x, (enum paint)look.role, text, false) + gap;
	}
	if (x == 1)
		draw_text(y, 1, w - 1, PAINT_QUIET, "no traces", false);
}

void tracelist_draw_header(struct view *v, int y, int w)
{
	struct tl *t = tl_of(v);
	int x = 1;
	draw_strip(v, y + 1, w);
	draw_counts(t, y, w);
	y++;	/* below the strip */
	/* The filter row: active values bold, inactive ones quiet. */
	char text[256];
	x = 1;
	x += draw_text(y + 1, x, w - x, PAINT_NORMAL, "filter  time ", false);
	x += draw_text(y + 1, x, w - x > 24 ? 24 : w - x, t->time_label ? PAINT_ACTIVE : PAINT_QUIET,
		       t->time_label ? t->time_label : glyph(G_DASH), false);
	x += draw_text(y + 1, x, w - x, PAINT_QUIET, " (t)   ", false);
	x += draw_text(y + 1, x, w - x, PAINT_NORMAL, "regex ", false);
	if (t->pattern)
		snprintf(text, sizeof(text), "/%s/", t->pattern);
	else
		snprintf(text, sizeof(text), "%s", glyph(G_DASH));
	x += draw_text(y + 1, x, w - x > 40 ? 40 : w - x, t->pattern ? PAINT_ACTIVE : PAINT_QUIET, text, false);
	x += draw_text(y + 1, x, w - x, PAINT_QUIET, " (/)   ", false);
	x += draw_text(y + 1, x, w - x, PAINT_NORMAL, "status ", false);
	const char *st = t->status_cycle < 0 ? "any" : t->status_cycle >= TRACE_STATUS_COUNT
			 ? "not_complete" : trace_statuses[t->status_cycle].name;
	x += draw_text(y + 1, x, w - x, t->status_cycle < 0 ? PAINT_QUIET : PAINT_ACTIVE, st, false);
	x += draw_text(y + 1, x, w - x, PAINT_QUIET, " (s)   ", false);
	if (t->finding_kind) {
		x += draw_text(y + 1, x, w - x, PAINT_NORMAL, "finding: ", false);
		x += draw_text(y + 1, x, w - x > 28 ? 28 : w - x, PAINT_ACTIVE, t->finding_kind, false);
		x += draw_text(y + 1, x, w - x, PAINT_QUIET, " (x)   ", false);
	}
	snprintf(text, sizeof(text), "sort %s %s", trace_sort_name(t->pager.sort),
		 glyph(t->pager.desc ? G_DOWN : G_UP));
	x += draw_text(y + 1, x, w - x, PAINT_NORMAL, text, false);
	x += draw_text(y + 1, x, w - x, PAINT_QUIET, " (o O)", false);
	snprintf(text, sizeof(text), "%" PRId64 "%s of %" PRId64 " traces%s", t->total,
		 tracelist_searching(v) ? "+" : "", t->in_store,
		 tracelist_searching(v) ? ", searching" : "");
	int tw = draw_width(text);
	if (x + 3 + tw <= w)
		draw_text(y + 1, w - tw - 1, tw, PAINT_HINT_KEY, text, false);
	/* Column headings, over the rows (the last column is the scroll
	 * bar's). */
	struct column_layout cl;
	columns_fit(w - 1, &cl);
	draw_fill(y + 2, 0, w, PAINT_HEADER);
	for (int c = 0; c < COLUMN_COUNT; c++) {
		if (!cl.shown[c])
			continue;
		/* "→push": the arrow follows the glyph mode like every symbol. */
		const char *h = column_header((enum column)c), *arrow = glyph_infos[G_ARROW].utf8;
		size_t n = strlen(arrow);
		if (!strncmp(h, arrow, n))
			snprintf(text, sizeof(text), "%s%s", glyph(G_ARROW), h + n);
		else
			snprintf(text, sizeof(text), "%s", h);
		cell(&cl, (enum column)c, y + 2, PAINT_HEADER, text);
	}
}

static int lane_host(void *ctx, const struct stored_event *e, unsigned flags)
{
	struct tl *t = ctx;
	(void)flags;
	char *slot = e->ev.lane == LANE_CONNECTOR ? t->connector
		     : e->ev.lane == LANE_SERVER ? t->server : NULL;
	if (slot && !*slot)
		snprintf(slot, sizeof(t->connector), "%s", e->host);
	return *t->connector && *t->server;
}

static void read_lane_hosts(struct tl *t, int64_t id)
{
	if (t->hosts_of == id)
		return;
	t->hosts_of = id;
	t->connector[0] = t->server[0] = '\0';
	store_trace_events(app_store(t->app), id, lane_host, t);
	if (!*t->connector)
		snprintf(t->connector, sizeof(t->connector), "connector");
	if (!*t->server)
		snprintf(t->server, sizeof(t->server), "server");
}

void tracelist_preview(struct view *v, struct lines *out)
{
	struct tl *t = tl_of(v);
	lines_clear(out);
	struct tl_row *r = tl_row_at(t, v->item);
	if (!r) {
		lines_add(out, PAINT_QUIET, "%s", t->total ? "" : tracelist_searching(v) ?
			  "searching every trace for the pattern..." :
			  "No trace matches the filters: s cycles the status, / with an empty pattern clears the regex, x clears every filter.");
		return;
	}
	const struct trace_row *row = &r->row;
	struct status_look look = status_look(row->status);
	char start[32], span[24], a[24], b[24], c[24];
	format_utc_ms(row->first_utc, start);
	fmt_ms((row->last_utc - row->first_utc) / 1000, span, sizeof(span));
	struct buf ids = {0};
	if (row->push_id != EVENT_NONE)
		buf_printf(&ids, " %s PushID %" PRId64 " TaskID %" PRId64, glyph(G_NOT_REACHED),
			   row->push_id, row->task_id);
	lines_add(out, (enum paint)look.role, "%s %s %s %s%s %s start %s %s span %s %s %" PRId64 " events",
		  glyph(look.glyph), row->status, glyph(G_NOT_REACHED),
		  row->action ? row->action : "(unknown action)", ids.data ? ids.data : "",
		  glyph(G_NOT_REACHED), start, glyph(G_NOT_REACHED), span, glyph(G_NOT_REACHED),
		  row->lanes[0] + row->lanes[1] + row->lanes[2]);
	buf_free(&ids);
	/* The summary ends "Next: <step>." when it has one: said once, on
	 * the next: row below, in its own colour. */
	const char *sum = row->summary ? row->summary : "";
	const char *next = row->next_step && *row->next_step ? row->next_step : NULL;
	const char *cut = next ? strstr(sum, " Next: ") : NULL;
	if (cut && strncmp(cut + 7, next, strlen(next)))
		cut = NULL;
	lines_add(out, PAINT_NORMAL, "%.*s", (int)(cut ? (size_t)(cut - sum) : strlen(sum)), sum);
	if (next)
		lines_add(out, PAINT_ACTIVE, "next: %s", next);
	fmt_ms(row->hop_forward_to_push, a, sizeof(a));
	fmt_ms(row->hop_push_to_receive, b, sizeof(b));
	fmt_ms(row->hop_receive_to_response, c, sizeof(c));
	const char *hop = glyph(G_HOP), *head = glyph(G_HEAD), *ar = glyph(G_ARROW);
	read_lane_hosts(t, row->id);
	if (row->lanes[0] == 0 && row->push_id != EVENT_NONE)	/* CMPivot, scripts */
		snprintf(t->connector, sizeof(t->connector), "console");
	char clients[96];
	if (r->n_targets == 1)
		snprintf(clients, sizeof(clients), "%s%s", r->targets[0].host,
			 r->targets[0].inferred ? "?" : "");
	else {
		size_t cand = 0;
		for (size_t i = 0; i < r->n_targets; i++)
			cand += r->targets[i].inferred;
		if (!cand)
			snprintf(clients, sizeof(clients), "%zu clients", r->n_targets);
		else if (cand == r->n_targets)
			snprintf(clients, sizeof(clients), "%zu candidates", cand);
		else
			snprintf(clients, sizeof(clients), "%zu clients + %zu candidates",
				 r->n_targets - cand, cand);
	}
	char okn[48];
	okn_text(r, okn, sizeof(okn));
	lines_add(out, PAINT_NORMAL, "  %s %s%s fwd%spush %s %s%s%s %s %s%s push%srecv %s %s%s%s %s %s%s recv%sresp %s %s%s%s %s ok%s",
		  t->connector, hop, hop, ar, a, hop, hop, head, t->server, hop, hop, ar, b, hop, hop,
		  head, clients, hop, hop, ar, c, hop, hop, head, okn,
		  row->skew ? "  (negative hop: clocks disagree)" : "");
	for (size_t i = 0; i < r->n_targets; i++) {
		const struct tl_target *g = &r->targets[i];
		struct status_look gl = status_look(g->status);
		lines_add(out, g->inferred ? PAINT_MISSING : (enum paint)gl.role, "  %s %s%s  %s%s",
			  glyph(gl.glyph), g->host, g->inferred ? "?" : "", g->status,
			  g->inferred ? "  (candidate: its log covers the push, no receipt)" : "");
	}
	if (row->bts_reported != EVENT_NONE)
		lines_add(out, PAINT_NORMAL, "  BTS report: %" PRId64 " client(s) reported, %" PRId64 " failed",
			  row->bts_reported, row->bts_failed);
	if (*row->missing)
		lines_add(out, PAINT_WARN, "  %s no evidence from: %s", glyph(G_UNKNOWN), row->missing);
}

bool tracelist_selected(struct view *v, int64_t *id, const char **guid,
			const char **status, int64_t *first_utc)
{
	struct tl_row *r = tl_row_at(tl_of(v), v->item);
	if (!r)
		return false;
	*id = r->row.id;
	*guid = r->row.guid;
	*status = r->row.status;
	*first_utc = r->row.first_utc;
	return true;
}

int64_t tracelist_position(struct view *v)
{
	return tl_of(v)->total ? v->item + 1 : 0;
}

int tracelist_each(struct view *v, int (*each)(void *ctx, const struct trace_row *t), void *ctx)
{
	struct tl *t = tl_of(v);
	return store_trace_page(app_store(t->app), &t->pager, NULL, false, SIZE_MAX, each, ctx) < 0
		       ? -1 : 0;
}

void tracelist_bounds(struct view *v, int64_t *first, int64_t *last)
{
	struct tl *t = tl_of(v);
	*first = *last = 0;
	store_trace_view_bounds(app_store(t->app), &t->pager, first, last);
}

int64_t tracelist_total(struct view *v)
{
	return tl_of(v)->total;
}

/* ---- view_ops ---- */

static int64_t tl_count(struct view *v)
{
	return tl_of(v)->total;
}

static int tl_height(struct view *v, int64_t item)
{
	struct tl *t = tl_of(v);
	struct tl_row *r = tl_row_at(t, item);
	return r && is_unfolded(t, r->row.id) ? 1 + (int)r->n_targets : 1;
}

static unsigned tl_request(struct view *v, enum action a)
{
	struct tl *t = tl_of(v);
	struct tl_row *r = tl_row_at(t, v->item);
	switch (a) {
	case ACT_OPEN: {
		if (!r)
			return STALE_NONE;
		struct view *d = timeline_open(t->app, r->row.id, v->item + 1, t->total);
		if (d)
			app_push(t->app, d);
		return STALE_SCREEN;
	}
	case ACT_UNFOLD:
	case ACT_FOLD:
	case ACT_FOLD_TOGGLE:
		if (!r || !r->n_targets)
			return STALE_NONE;
		set_unfolded(t, r->row.id, a == ACT_UNFOLD ? true : a == ACT_FOLD ? false
							: !is_unfolded(t, r->row.id));
		v->sub = 0;
		view_keep_visible(v);
		return STALE_SCREEN;
	case ACT_STATUS_CYCLE:
		/* Statuses no trace has are skipped (their count says 0). */
		do
			t->status_cycle = t->status_cycle >= TRACE_STATUS_COUNT ? -1
									 : t->status_cycle + 1;
		while (t->status_cycle >= 0 && t->status_cycle < TRACE_STATUS_COUNT &&
		       !t->counts[t->status_cycle]);
		tl_reload(v, false, false);
		return STALE_SCREEN;
	case ACT_SORT_CYCLE:
		t->pager.sort = (enum trace_sort)((t->pager.sort + 1) % TRACE_SORT_COUNT);
		tl_reload(v, false, true);
		return STALE_SCREEN;
	case ACT_SORT_REVERSE:
		t->pager.desc = !t->pager.desc;
		tl_reload(v, false, true);
		return STALE_SCREEN;
	case ACT_CLEAR_FILTERS:
		if (!filters_on(t)) {
			app_message(t->app, PAINT_NORMAL, "no filter to clear");
			return STALE_SCREEN;
		}
		filters_off(t);
		tl_reload(v, true, true);
		app_message(t->app, PAINT_NORMAL, "every filter cleared");
		return STALE_SCREEN;
	case ACT_MATCH_NEXT: return view_move(v, 1);
	case ACT_MATCH_PREV: return view_move(v, -1);
	case ACT_LAST:
		t->fresh = 0;	/* G goes to the new traces */
		t->want_id = 0;
		return STALE_UNHANDLED;
	default:
		t->want_id = 0;	/* the cursor moves: the scan leaves it */
		return STALE_UNHANDLED;
	}
}

static void tl_title(struct view *v, struct buf *out)
{
	struct tl *t = tl_of(v);
	struct tl_row *r = tl_row_at(t, v->item);
	if (r && r->row.guid)
		buf_printf(out, "%s %s ", r->row.guid, glyph(G_DASH));
	buf_printf(out, "trace %" PRId64 " of %" PRId64 "%s %s %s %s", tracelist_position(v), t->total,
		   tracelist_searching(v) ? "+ searching" : "", glyph(G_NOT_REACHED),
		   trace_sort_name(t->pager.sort), glyph(t->pager.desc ? G_DOWN : G_UP));
	if (t->fresh > 0 && v->item < t->total - 1)
		buf_printf(out, "  %s %" PRId64 " new (G)", glyph(G_NEW), t->fresh);
}

static void tl_done(struct view *v)
{
	struct tl *t = tl_of(v);
	window_clear(t);
	strip_release(t);
	scan_free(t->scan);
	scan_free(t->rescan);
	scan_free(t->probe);
	actions_forget(t);
	free(t->vis);
	free(t->finding_kind);
	free(t->pattern);
	free(t->unfolded);
	free(t->strip);
	free(t->shown);
	free(t->ticks.worst);
	trace_key_free(&t->ticks.at);
	free(t->time_label);
	free(t);
}

/* ---- live: another connection committed ---- */

/* What the list's screen shows (header counts, cursor, the rows on
 * screen that the window holds): a refresh redraws only when it differs. */
static void tl_shown(struct view *v, struct buf *b)
{
	struct tl *t = tl_of(v);
	buf_printf(b, "%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "|", t->total,
		   t->in_store, t->fresh, v->item, v->top_item);
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		buf_printf(b, "%" PRId64 ",", t->counts[i]);
	int64_t end = v->top_item + (v->lines > 0 ? v->lines : 1);
	for (int64_t p = v->top_item; p < end; p++) {
		if (p < t->wbase || p >= t->wbase + (int64_t)t->wn)
			continue;
		const struct tl_row *r = &t->w[p - t->wbase];
		const struct trace_row *x = &r->row;
		buf_printf(b, "\n%" PRId64 " %s %s %s %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
			   " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %d %zu %" PRId64
			   " %" PRId64 " %s", x->id, x->guid ? x->guid : "", x->status,
			   x->action ? x->action : "", x->first_utc, x->last_utc, x->push_id,
			   x->target_count, x->hop_forward_to_push, x->hop_push_to_receive,
			   x->hop_receive_to_response, x->lanes[0] + x->lanes[1] + x->lanes[2], r->ok,
			   r->n_targets, x->bts_reported, x->bts_failed, x->summary);
	}
}

struct pick {
	int64_t first_utc, id;
};

static int pick_guidless(void *ctx, const struct trace_row *row)
{
	struct pick *p = ctx;
	if (row->guid || row->first_utc != p->first_utc)
		return 0;
	p->id = row->id;
	return 1;
}

/* The id trace r has now: a rebuild numbers traces afresh, so it is
 * found by its GUID, or without one (a notification never forwarded) by
 * its start. 0 when it is gone. */
static int64_t id_now(struct tl *t, const struct tl_row *r)
{
	struct trace_query q = {0};
	struct pick p = { r->row.first_utc, 0 };
	if (r->row.guid) {
		q.guid = r->row.guid;
		store_traces(app_store(t->app), &q, take_id, &p.id);
		return p.id;
	}
	q.has_since = q.has_until = true;
	q.since_us = q.until_us = r->row.first_utc;
	store_traces(app_store(t->app), &q, pick_guidless, &p);
	return p.id;
}

/* The store changed: counts, the rows and the strip again, the cursor on
 * its trace (found by GUID) and on its screen row. Traces that arrive
 * past the cursor add to the title's "N new", unless the cursor was on
 * the last row: then it follows them, as tail -f does. */
static unsigned tl_reread(struct view *v)
{
	struct tl *t = tl_of(v);
	struct store *s = app_store(t->app);
	struct trace_pager all = {0};
	int64_t counts[TRACE_STATUS_COUNT], in_store = 0;
	if (store_trace_status_counts(s, &all, counts) < 0)
		return STALE_NONE;	/* the last good rows stay */
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		in_store += counts[i];
	struct buf before = {0}, after = {0};
	tl_shown(v, &before);
	struct tl_row *r = cursor_row(v);
	int64_t old_id = r ? r->row.id : 0, keep = r ? id_now(t, r) : 0;
	int64_t old_pos = v->item, old_total = t->total;
	bool at_end = old_total > 0 && v->item >= old_total - 1;
	if (keep != old_id) {	/* renumbered: only the cursor's fold is known */
		bool unfolded = old_id && is_unfolded(t, old_id);
		t->n_unfolded = 0;
		if (unfolded && keep)
			set_unfolded(t, keep, true);
	}
	t->in_store = in_store;
	t->hosts_of = 0;	/* the preview's hop chain: read again */
	/* The strip (16 slices of every trace's time) is read again, behind
	 * the one shown, only when the traces' counts moved: most commits
	 * (records without events) leave them. */
	if (memcmp(t->store_counts, counts, sizeof(counts))) {
		strip_release(t);
		t->strip_n = 0;
	}
	memcpy(t->store_counts, counts, sizeof(counts));
	/* Without SQL filters the list's counts are the store's: one count
	 * of every trace (the reread's biggest read) serves both. */
	const struct trace_query *q = &t->pager.q;
	bool sql_filtered = q->actions[0] || q->host || q->has_since || q->has_until ||
			    t->pager.finding;
	if (t->scan) {
		/* A regex: the matches so far stay (their rows read again
		 * by id) while a scan of the changed store runs behind them,
		 * adopted when it ends (tracelist_idle). */
		char err[200];
		struct tl_scan *sc = scan_new(t, t->pattern, err, sizeof(err));
		scan_free(t->rescan);
		t->rescan = sc;
		window_clear(t);
		buf_free(&before);
		return STALE_SCREEN;
	}
	if (!sql_filtered)
		memcpy(t->counts, counts, sizeof(counts));
	actions_forget(t);	/* the action sort's groups: read again */
	tl_reload_keep(v, sql_filtered, true, keep);
	if (!keep && r && !t->scan)	/* it is gone: the same row number */
		view_goto(v, old_pos < t->total ? old_pos : t->total - 1);
	if (at_end)
		t->fresh = 0;
	if (!t->scan && keep && old_total) {
		int64_t below = (t->total - old_total) - (v->item - old_pos);
		if (below > 0 && at_end)
			view_goto(v, t->total - 1);
		else if (below > 0)
			t->fresh += below;
	}
	tl_shown(v, &after);
	bool same = before.len == after.len && !memcmp(before.data, after.data, before.len);
	buf_free(&before);
	buf_free(&after);
	return same ? STALE_NONE : STALE_SCREEN;
}

static const struct view_ops tracelist_ops = {
	.name = "traces",
	.mask = V_LIST,
	.count = tl_count,
	.height = tl_height,
	.draw_line = tl_draw_line,
	.request = tl_request,
	.title = tl_title,
	.done = tl_done,
	.reread = tl_reread,
};

struct view *tracelist_open(struct app *a, char *err, size_t errlen)
{
	struct tl *t = xcalloc(1, sizeof(*t));
	t->app = a;
	t->status_cycle = -1;
	if (store_trace_status_counts(app_store(a), &t->pager, t->counts) < 0) {
		snprintf(err, errlen, "%s", store_error(app_store(a)));
		free(t);
		return NULL;
	}
	t->total = t->in_store = total_of(t);
	memcpy(t->store_counts, t->counts, sizeof(t->counts));
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &tracelist_ops;
	v->app = a;
	v->data = t;
	return v;
}
