/* tl_evidence.c - the timeline's evidence rows: for each host of a trace
 * (the connector's, the server's, every target), the stored log of its
 * lane that covers the trace's time, that log's bias and where the bias
 * came from, and what the log proves: the trace's events, a stage it
 * lacks (not delivered: the log covers the push and holds no receipt) or
 * nothing at all (not collected). A push to 500 clients reads 500 logs,
 * so hosts are found by binary search, not by scanning. */
#include "timeline_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw.h"
#include "glyphs.h"
#include "../parsers/timeparse.h"

/* The lookup is a binary search over an index sorted by (lane, host),
 * rebuilt after hosts were added: a 500-client push reads 500 logs. */
static int evid_cmp(const struct tl_evidence *a, enum lane lane, const char *host)
{
	if (a->lane != lane)
		return a->lane < lane ? -1 : 1;
	return strcasecmp(a->host, host);
}


static int evid_order(const void *x, const void *y)
{
	const struct tl_evidence *a = *(struct tl_evidence *const *)x;
	const struct tl_evidence *b = *(struct tl_evidence *const *)y;
	return evid_cmp(a, b->lane, b->host);
}


static struct tl_evidence *evidence_find(struct timeline *tl, const char *host, enum lane lane)
{
	if (tl->evid_stale) {
		tl->evid_sorted = xrealloc(tl->evid_sorted,
					   (tl->n_evid + 1) * sizeof(*tl->evid_sorted));
		for (size_t i = 0; i < tl->n_evid; i++)
			tl->evid_sorted[i] = &tl->evid[i];
		qsort(tl->evid_sorted, tl->n_evid, sizeof(*tl->evid_sorted), evid_order);
		tl->evid_stale = false;
	}
	size_t lo = 0, hi = tl->n_evid;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = evid_cmp(tl->evid_sorted[mid], lane, host);
		if (!c)
			return tl->evid_sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}


/* A host's evidence, new (the index is rebuilt at the next lookup). */
static struct tl_evidence *evidence_add(struct timeline *tl, const char *host, enum lane lane)
{
	tl->evid_stale = true;
	tl->evid = xrealloc(tl->evid, (tl->n_evid + 1) * sizeof(*tl->evid));
	tl->evid[tl->n_evid] = (struct tl_evidence){
		.host = xstrdup(host), .lane = lane, .bias = INT32_MIN, .source = "-",
	};
	return &tl->evid[tl->n_evid++];
}


static const char *dominant_source(const struct store_file_coverage *c)
{
	int best = -1;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		if (c->per_offset_source[i] > 0 &&
		    (best < 0 || c->per_offset_source[i] > c->per_offset_source[best]))
			best = i;
	return best < 0 ? "-" : offset_source_name((enum offset_source)best);
}


/* Distance from a file's range to the trace's: 0 when they overlap. */
static int64_t range_gap(const struct timeline *tl, int64_t from, int64_t to)
{
	return to < tl->first ? tl->first - to : from > tl->last ? from - tl->last : 0;
}


static bool lane_of_role(const char *role, enum lane *lane)
{
	for (int l = 0; l < TRACE_LANES; l++)
		if (!strcmp(role, lane_name((enum lane)l))) {
			*lane = (enum lane)l;
			return true;
		}
	return false;
}


/* One stored log: the evidence of its host, when the host is one of the
 * trace's or the lane has no event to name one (then every host with a
 * log of that lane is evidence: its log shows the stage did not happen,
 * or that nobody collected it). */
static int read_coverage(void *ctx, const struct store_file_coverage *c)
{
	struct timeline *tl = ctx;
	enum lane lane;
	if (!c->host || !c->role || !c->timed || !lane_of_role(c->role, &lane))
		return 0;
	struct tl_evidence *ev = evidence_find(tl, c->host, lane);
	if (!ev && lane != LANE_AGENT && !tl->lane_events[lane])
		ev = evidence_add(tl, c->host, lane);
	if (!ev)
		return 0;
	bool covers = c->utc_min <= tl->last && c->utc_max >= tl->first;
	/* the covering log wins; else the one nearest the trace's time */
	if (ev->log && (ev->covers || (!covers && range_gap(tl, c->utc_min, c->utc_max) >=
						       range_gap(tl, ev->from, ev->to))))
		return 0;
	free(ev->log);
	ev->log = xstrdup(c->name ? c->name : "");
	ev->covers = covers;
	ev->from = c->utc_min;
	ev->to = c->utc_max;
	ev->bias = c->bias_min;
	ev->source = dominant_source(c);
	return 0;
}


/* The stage a missing item stands for, in a word or two. */
static const char *missing_word(enum event_kind kind)
{
	switch (kind) {
	case EV_FORWARDED: return "not forwarded";
	case EV_PUSH_STARTED: return "no push";
	case EV_TASK_RECEIVED: return "no receipt";
	default: return "no response";
	}
}


/* The hosts of the trace (the connector's and the server's from their
 * events, each client row), then what their logs cover. */
void tl_evidence_build(struct timeline *tl, struct app *a)
{
	struct store *s = app_store(a);
	/* the connector's and the server's hosts first: a few, found by a
	 * scan; then each client once (targets name each host once) */
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *e = &tl->ev[i];
		if (e->missing)
			continue;
		tl->lane_events[e->lane]++;
		bool seen = e->lane == LANE_AGENT;
		for (size_t k = 0; !seen && k < tl->n_evid; k++)
			seen = tl->evid[k].lane == e->lane && !strcasecmp(tl->evid[k].host, e->host);
		if (!seen)
			evidence_add(tl, e->host, e->lane);
	}
	for (size_t i = 0; i < tl->n_tg; i++)
		evidence_add(tl, tl->tg[i].host, LANE_AGENT);
	if (store_file_coverage(s, read_coverage, tl) != 0)
		app_message(a, PAINT_FAIL, "%s coverage: %s", glyph(G_FAIL), store_error(s));
	/* a lane nobody collected: said, not left out */
	for (int l = LANE_CONNECTOR; l <= LANE_SERVER; l++) {
		bool have = false;
		for (size_t k = 0; k < tl->n_evid && !have; k++)
			have = tl->evid[k].lane == (enum lane)l;
		if (!have && strcmp(tl->status, "unauthorized") && strcmp(tl->status, "not_forwarded"))
			evidence_add(tl, "", (enum lane)l);
	}
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *e = &tl->ev[i];
		struct tl_evidence *ev = evidence_find(tl, e->host, e->lane);
		if (ev && e->missing)
			ev->missing = missing_word(e->kind);
		else if (ev)
			ev->events++;
		/* a lane-wide missing stage (no push) is each host's of that lane */
		if (e->missing && !*e->host)
			for (size_t k = 0; k < tl->n_evid; k++)
				if (tl->evid[k].lane == e->lane)
					tl->evid[k].missing = missing_word(e->kind);
	}
}


/* Targets of the push that no stored log names: when the trace lacks
 * evidence (missing_evidence), their logs were not collected. */
static int64_t unnamed_targets(const struct timeline *tl)
{
	if (strcmp(tl->status, "missing_evidence") || tl->target_count == EVENT_NONE)
		return 0;
	int64_t named = 0;
	for (size_t i = 0; i < tl->n_tg; i++)
		named += !tl->tg[i].inferred;
	return tl->target_count > named ? tl->target_count - named : 0;
}


/* Rows the evidence takes: from 40 rows (or when v asked), one per host
 * up to a cap, and a line saying how many more. */
int tl_evidence_rows(struct timeline *tl, int rows)
{
	tl->evidence_shown = tl->evidence_pref < 0 ? rows >= 40 : tl->evidence_pref;
	if (!tl->evidence_shown || (!tl->n_evid && !unnamed_targets(tl)))
		return 0;
	int cap = rows >= 40 ? EVIDENCE_TALL : EVIDENCE_SMALL;
	return ((int)tl->n_evid > cap ? cap + 1 : (int)tl->n_evid) + (unnamed_targets(tl) > 0);
}


/* True when no stored log of lane covers the trace's time: the lane is
 * shown as not collected, never blamed. */
bool tl_lane_uncollected(const struct timeline *tl, enum lane lane)
{
	for (size_t k = 0; k < tl->n_evid; k++)
		if (tl->evid[k].lane == lane && tl->evid[k].covers)
			return false;
	return true;
}


/* "18:50:33-20:14:40", or "09-25 11:42-09-26 12:14" when the log runs
 * over another day than the trace's. */
static void covers_text(const struct timeline *tl, int64_t from, int64_t to, char *out,
			size_t len)
{
	char a[32], b[32], t[32];
	format_utc_ms(from, a);	/* 2026-09-25T19:35:02.412Z */
	format_utc_ms(to, b);
	format_utc_ms(tl->first, t);
	if (!memcmp(a, t, 10) && !memcmp(b, t, 10))
		snprintf(out, len, "%.8s%s%.8s", a + 11, glyph(G_DASH), b + 11);
	else
		snprintf(out, len, "%.5s %.5s%s%.5s %.5s", a + 5, a + 11, glyph(G_DASH), b + 5,
			 b + 11);
}


/* One host's evidence: its log, bias and source, what it covers, and
 * what that proves: events, a missing stage the log should have shown,
 * or nothing collected for the trace's time. */
static void draw_evidence_row(const struct timeline *tl, const struct tl_evidence *ev, int y, int w,
			      bool first)
{
	struct buf b = {0};
	char cov[48], bias[16];
	buf_printf(&b, " %-9s %-10.10s ", first ? "evidence" : "",
		   *ev->host ? ev->host : lane_name(ev->lane));
	int x = draw_text(y, 0, w, PAINT_QUIET, b.data, false);
	b.len = 0;
	if (!ev->log) {
		if (*ev->host)
			buf_printf(&b, "%s not collected: no %s log from %s", glyph(G_UNKNOWN),
				   lane_name(ev->lane), ev->host);
		else
			buf_printf(&b, "%s not collected: no %s log in the store", glyph(G_UNKNOWN),
				   lane_name(ev->lane));
		draw_text(y, x, w - x, PAINT_WARN, b.data, true);
		buf_free(&b);
		return;
	}
	if (ev->bias == INT32_MIN)
		snprintf(bias, sizeof(bias), "?");
	else
		snprintf(bias, sizeof(bias), "%+d", (int)ev->bias);
	covers_text(tl, ev->from, ev->to, cov, sizeof(cov));
	if (w >= 118)
		buf_printf(&b, "%-31.31s bias %-4s %-8s covers %s ", ev->log, bias, ev->source, cov);
	else	/* narrow: what it proves before where it came from */
		buf_printf(&b, "%-24.24s %-4s %-8s ", ev->log, bias, ev->source);
	x += draw_text(y, x, w - x, ev->bias == INT32_MIN ? PAINT_WARN : PAINT_NORMAL, b.data, false);
	b.len = 0;
	enum paint p;
	if (!ev->covers) {
		buf_printf(&b, "%s not collected", glyph(G_UNKNOWN));
		p = PAINT_WARN;
	} else if (ev->missing) {
		buf_printf(&b, "%s %s", glyph(G_MISSING), ev->missing);
		p = PAINT_MISSING;
	} else if (ev->events) {
		buf_printf(&b, "%s %d event%s", glyph(G_OK), ev->events, ev->events == 1 ? "" : "s");
		p = PAINT_OK;
	} else {
		buf_printf(&b, "%s no event", glyph(G_NOT_REACHED));
		p = PAINT_QUIET;
	}
	if (x < w)
		draw_text(y, x, w - x, p, b.data, true);
	buf_free(&b);
}


void tl_evidence_draw(struct timeline *tl, int y, int w, int lines)
{
	int64_t unnamed = unnamed_targets(tl);
	if (unnamed && lines > 0) {
		/* last: what no log can say */
		char text[200];
		snprintf(text, sizeof(text), " %-9s %-10s %s not collected: the push went to %" PRId64
			 " client%s, %" PRId64 " of them named by no stored log",
			 tl->n_evid ? "" : "evidence", "targets", glyph(G_UNKNOWN), tl->target_count,
			 tl->target_count == 1 ? "" : "s", unnamed);
		draw_text(y + lines - 1, 0, w, PAINT_WARN, text, true);
		lines--;
	}
	int shown = lines < (int)tl->n_evid ? lines - 1 : (int)tl->n_evid;
	for (int i = 0; i < shown; i++)
		draw_evidence_row(tl, &tl->evid[i], y + i, w, i == 0);
	if (shown < (int)tl->n_evid && shown >= 0) {
		char more[96];
		snprintf(more, sizeof(more), " %-9s %zu more host%s: C shows every log's coverage",
			 shown ? "" : "evidence", tl->n_evid - (size_t)shown,
			 tl->n_evid - (size_t)shown == 1 ? "" : "s");
		draw_text(y + shown, 0, w, PAINT_QUIET, more, true);
	}
}

