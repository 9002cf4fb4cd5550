/* timeline.c - the three-lane timeline of one trace (see timeline.h).
 *
 * Opening reads the trace row, its targets and its events once; drawing
 * never touches the store. The canvas is a cell array per lane row: each
 * cell keeps its highest-priority mark (failure > missing > stage >
 * several > event), so a coarse scale never hides a failure. Missing
 * stages are items of their own (no record), built from the trace row
 * and its targets and drawn where they were due (after the last event
 * that happened), so the one cursor of both panes walks events, stages
 * and problems alike. The hops are arrows on the tracks under the
 * connector and the server; hundreds of clients fold into density rows.
 * The evidence rows (which log covers each host) are tl_evidence.c's. */
#include "timeline_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "draw.h"
#include "glyphs.h"
#include "pattern.h"
#include "lines.h"
#include "logview.h"
#include "record.h"
#include "tracelist.h"
#include "../parsers/events.h"
#include "../parsers/timeparse.h"

/* ---- the time axis ---- */

#define US_S INT64_C(1000000)
#define US_M (60 * US_S)
#define US_H (60 * US_M)

static const int64_t tick_steps[] = {
	100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000,
	100000, 200000, 500000, US_S, 2 * US_S, 5 * US_S, 10 * US_S, 20 * US_S, 30 * US_S,
	US_M, 2 * US_M, 5 * US_M, 10 * US_M, 15 * US_M, 30 * US_M,
	US_H, 2 * US_H, 3 * US_H, 6 * US_H, 12 * US_H, 24 * US_H,
};
#define N_TICK_STEPS (sizeof(tick_steps) / sizeof(tick_steps[0]))

int64_t timeline_fit_scale(int64_t span_us, int cols)
{
	int64_t usable = cols > 2 ? cols - 2 : 1;
	int64_t s = span_us > 0 ? (span_us + usable - 1) / usable : 0;
	return s < TIMELINE_MIN_SCALE ? TIMELINE_MIN_SCALE : s;
}

int64_t timeline_column(int64_t left, int64_t scale, int64_t t)
{
	int64_t d = t - left;
	/* floor, also for times left of the axis */
	return d >= 0 ? d / scale : -((-d + scale - 1) / scale);
}

int64_t timeline_tick_step(int64_t scale, int gap)
{
	for (size_t i = 0; i < N_TICK_STEPS; i++)
		if (tick_steps[i] >= scale * gap)
			return tick_steps[i];
	return tick_steps[N_TICK_STEPS - 1];
}

/* Rung k of the 1-2-5 ladder: 100, 200, 500, 1000, ... µs. */
static int64_t zoom_rung(int k)
{
	static const int64_t mant[] = { 1, 2, 5 };
	int64_t p = TIMELINE_MIN_SCALE;
	for (int i = 0; i < k / 3; i++)
		p *= 10;
	return p * mant[k % 3];
}

/* In goes one rung below the rung nearest the scale (geometrically: the
 * ladder is a ratio): a fit scale just off a rung, 20.1 ms, is that rung,
 * so + shows 10 ms, not a "zoom" to 20 ms that changes nothing seen. */
int64_t timeline_zoom_in(int64_t scale)
{
	int k = 0;
	while (k + 1 < 45 && zoom_rung(k + 1) <= scale)
		k++;
	double lo = (double)zoom_rung(k), hi = (double)zoom_rung(k + 1);
	if ((double)scale * (double)scale >= lo * hi)
		k++;	/* nearer the rung above */
	return k > 0 ? zoom_rung(k - 1) : TIMELINE_MIN_SCALE;
}

int64_t timeline_zoom_out(int64_t scale, int64_t fit)
{
	for (int k = 0; k < 45; k++) {
		int64_t r = zoom_rung(k);
		if (r > scale)
			return r >= fit ? fit : r;
	}
	return fit;
}

int timeline_axis_breaks(struct timeline_axis *ax, const int64_t *times, size_t n)
{
	ax->n_breaks = 0;
	if (n < 2)
		return 0;
	int64_t span = times[n - 1] - times[0];
	while (ax->n_breaks < TIMELINE_MAX_BREAKS) {
		/* the largest gap not yet taken */
		int64_t best = 0;
		size_t at = 0;
		for (size_t i = 1; i < n; i++) {
			int64_t g = times[i] - times[i - 1];
			bool seen = false;
			for (int b = 0; b < ax->n_breaks; b++)
				seen |= ax->from[b] == times[i - 1];
			if (!seen && g > best) {
				best = g;
				at = i;
			}
		}
		/* the rest is the span without this gap (not without the
		 * gaps already taken): the design's 2 s hop stays drawn */
		int64_t rest = span - best;
		if (best < TIMELINE_BREAK_MIN || best < 3 * rest)
			break;
		ax->from[ax->n_breaks] = times[at - 1];
		ax->to[ax->n_breaks] = times[at];
		ax->n_breaks++;
	}
	/* time order (insertion sort: at most four) */
	for (int i = 1; i < ax->n_breaks; i++)
		for (int j = i; j > 0 && ax->from[j] < ax->from[j - 1]; j--) {
			int64_t f = ax->from[j], t = ax->to[j];
			ax->from[j] = ax->from[j - 1];
			ax->to[j] = ax->to[j - 1];
			ax->from[j - 1] = f;
			ax->to[j - 1] = t;
		}
	return ax->n_breaks;
}

void timeline_axis_fit(struct timeline_axis *ax, int64_t first, int64_t last, int cols)
{
	int64_t collapsed = 0;
	for (int b = 0; b < ax->n_breaks; b++)
		collapsed += ax->to[b] - ax->from[b];
	int usable = cols - ax->n_breaks * TIMELINE_BREAK_COLS;
	if (usable < 12) {
		ax->n_breaks = 0;
		collapsed = 0;
		usable = cols;
	}
	ax->left = first;
	ax->scale = timeline_fit_scale(last - first - collapsed, usable);
}

int64_t timeline_axis_column(const struct timeline_axis *ax, int64_t t)
{
	int64_t skipped = 0, off = 0;
	for (int b = 0; b < ax->n_breaks; b++) {
		if (t >= ax->to[b]) {
			skipped += ax->to[b] - ax->from[b];
			off += TIMELINE_BREAK_COLS;
		} else if (t > ax->from[b]) {
			int64_t c = timeline_column(ax->left + skipped, ax->scale, ax->from[b]) + off;
			return c + 1 + (t - ax->from[b]) * (TIMELINE_BREAK_COLS - 1) /
					       (ax->to[b] - ax->from[b]);
		} else {
			break;
		}
	}
	return timeline_column(ax->left + skipped, ax->scale, t) + off;
}

int timeline_axis_in_break(const struct timeline_axis *ax, int64_t t)
{
	for (int b = 0; b < ax->n_breaks; b++)
		if (t > ax->from[b] && t < ax->to[b])
			return b;
	return -1;
}

bool timeline_hop_place(int64_t from, int64_t to, int n, int cols, struct timeline_hop *h)
{
	int64_t lo = from < to ? from : to, hi = from < to ? to : from;
	if (cols <= 0 || hi < 0 || lo >= cols)
		return false;
	h->back = to < from;
	h->start = (int)(lo < 0 ? 0 : lo);
	h->end = (int)(hi >= cols ? cols - 1 : hi);
	/* inside with two rules each side, else beside it (the label
	 * brings its own blanks) */
	if (h->end - h->start - 1 >= n + 4)
		h->label_at = h->start + (h->end - h->start + 1 - n) / 2;
	else if (h->end + 1 + n <= cols)
		h->label_at = h->end + 1;
	else if (h->start - n >= 0)
		h->label_at = h->start - n;
	else
		h->label_at = -1;
	return true;
}

int timeline_density_level(int count, int max)
{
	if (count <= 0 || max <= 0)
		return 0;
	int l = (int)(((int64_t)count * 8 + max - 1) / max);
	return l < 1 ? 1 : l > 8 ? 8 : l;
}

int timeline_density_bucket(const struct timeline_axis *ax, const int64_t *times, size_t n,
			    int *counts, int cols)
{
	int max = 0;
	memset(counts, 0, (size_t)cols * sizeof(*counts));
	for (size_t i = 0; i < n; i++) {
		int64_t c = timeline_axis_column(ax, times[i]);
		if (c < 0 || c >= cols)
			continue;
		if (++counts[c] > max)
			max = counts[c];
	}
	return max;
}

/* "1.5" from 1500 thousandths: the integer part and trimmed decimals. */
static void format_thousandths(int64_t v, const char *unit, char *out, size_t len)
{
	int64_t whole = v / 1000, frac = v % 1000;
	if (!frac) {
		snprintf(out, len, "%" PRId64 "%s", whole, unit);
		return;
	}
	char f[8];
	snprintf(f, sizeof(f), "%03d", (int)frac);
	for (int i = 2; i > 0 && f[i] == '0'; i--)
		f[i] = '\0';
	snprintf(out, len, "%" PRId64 ".%s%s", whole, f, unit);
}

static void format_span(int64_t us, char *out, size_t len)
{
	if (us < US_S && us % 1000)
		format_thousandths(us, "ms", out, len);
	else if (us < US_S)
		snprintf(out, len, "%" PRId64 "ms", us / 1000);
	else if (us < US_M)
		format_thousandths(us / 1000, "s", out, len);
	else if (us < US_H && us % US_M / US_S)
		snprintf(out, len, "%" PRId64 "m%02" PRId64 "s", us / US_M, us % US_M / US_S);
	else if (us < US_H)
		snprintf(out, len, "%" PRId64 "m", us / US_M);
	else if (us % US_H / US_M)
		snprintf(out, len, "%" PRId64 "h%02" PRId64 "m", us / US_H, us % US_H / US_M);
	else
		snprintf(out, len, "%" PRId64 "h", us / US_H);
}

void timeline_format_offset(int64_t us, char *out, size_t len)
{
	if (us == 0) {
		snprintf(out, len, "0");
		return;
	}
	char body[32];
	format_span(us < 0 ? -us : us, body, sizeof(body));
	snprintf(out, len, "%c%s", us < 0 ? '-' : '+', body);
}

void timeline_format_ms(int64_t ms, char *out, size_t len)
{
	int64_t a = ms < 0 ? -ms : ms;
	char body[32];
	if (a < 1000)
		snprintf(body, sizeof(body), "%" PRId64 "ms", a);
	else if (a < 60000)
		snprintf(body, sizeof(body), "%.2fs", (double)a / 1000);
	else
		format_span(a * 1000, body, sizeof(body));
	snprintf(out, len, "%s%s", ms < 0 ? "-" : "", body);
}

/* ---- the trace, read once ---- */


static const struct view_ops timeline_ops;

static struct timeline *tl_of(struct view *v)
{
	return v->data;
}

static int read_trace(void *ctx, const struct trace_row *t)
{
	struct timeline *tl = ctx;
	snprintf(tl->guid, sizeof(tl->guid), "%s", t->guid ? t->guid : "");
	snprintf(tl->status, sizeof(tl->status), "%s", t->status ? t->status : "");
	snprintf(tl->action, sizeof(tl->action), "%s", t->action ? t->action : "");
	tl->first = t->first_utc;
	tl->last = t->last_utc;
	tl->push_id = t->push_id;
	tl->target_count = t->target_count;
	tl->candidates = t->candidates;
	tl->hop[0] = t->hop_forward_to_push;
	tl->hop[1] = t->hop_push_to_receive;
	tl->hop[2] = t->hop_receive_to_response;
	tl->skew = t->skew;
	return 1;
}

static int read_target(void *ctx, const struct trace_target *t)
{
	struct timeline *tl = ctx;
	tl->tg = xrealloc(tl->tg, (tl->n_tg + 1) * sizeof(*tl->tg));
	tl->tg[tl->n_tg++] = (struct tl_target){
		.host = xstrdup(t->host ? t->host : ""),
		.status = xstrdup(t->status ? t->status : ""),
		.inferred = t->inferred,
		.received = t->received_utc,
		.response = t->response_utc,
		.return_code = t->return_code,
	};
	return 0;
}

/* Room for one more item (doubling: a 500-client push has 1,000). */
static void grow_events(struct timeline *tl)
{
	if (tl->n_ev < tl->cap_ev)
		return;
	tl->cap_ev = tl->cap_ev ? 2 * tl->cap_ev : 64;
	tl->ev = xrealloc(tl->ev, tl->cap_ev * sizeof(*tl->ev));
}

/* A record may be megabytes long: the timeline keeps its start (the
 * text view, d, and tatrace show have it all); every redraw wraps it. */
#define EVENT_TEXT_MAX 65536

static int read_event(void *ctx, const struct stored_event *e, unsigned flags)
{
	struct timeline *tl = ctx;
	size_t len = e->text ? e->text_len : 0;
	if (len > EVENT_TEXT_MAX) {
		len = EVENT_TEXT_MAX;
		while (len > 0 && ((unsigned char)e->text[len] & 0xc0) == 0x80)
			len--;	/* not inside a UTF-8 sequence */
	}
	grow_events(tl);
	tl->ev[tl->n_ev++] = (struct tl_event){
		.utc = e->utc_us,
		.lane = e->ev.lane,
		.kind = e->ev.kind,
		.return_code = e->ev.return_code,
		.failed = e->ev.failed,
		.flags = flags,
		.line = e->line,
		.file_id = e->file_id,
		.seq = e->seq,
		.host = xstrdup(e->host ? e->host : ""),
		.path = xstrdup(e->path ? e->path : ""),
		.text = xstrndup(e->text ? e->text : "", len),
	};
	return 0;
}

static int add_row(struct timeline *tl, enum lane lane, int target, const char *host)
{
	if (tl->n_rows == MAX_ROWS) {
		tl->hidden_hosts += target >= 0;
		return MAX_ROWS - 1;
	}
	tl->rows[tl->n_rows] = (struct tl_row){ lane, target, host };
	return tl->n_rows++;
}

/* How bad a client's outcome is: a failure, then a missing stage, then
 * the rest; among equals the slowest answer first. */
static int target_rank(const struct tl_target *t)
{
	if (!strcmp(t->status, "failed"))
		return 0;
	if (t->received == EVENT_NONE || t->response == EVENT_NONE)
		return 1;
	return 2;
}

static int worst_first(const void *a, const void *b)
{
	const struct tl_target *x = a, *y = b;
	int rx = target_rank(x), ry = target_rank(y);
	if (rx != ry)
		return rx - ry;
	int64_t dx = rx == 2 ? x->response - x->received : 0;
	int64_t dy = ry == 2 ? y->response - y->received : 0;
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->host, y->host);
}

/* The lane rows: connector, server, each target, then agent hosts that
 * are no target (an unmatched response, say). */
static void build_rows(struct timeline *tl)
{
	add_row(tl, LANE_CONNECTOR, -1, NULL);
	add_row(tl, LANE_SERVER, -1, NULL);
	if (tl->n_tg > TIMELINE_FOLD_CLIENTS) {
		/* hundreds: folded into density rows; unfolded worst first */
		qsort(tl->tg, tl->n_tg, sizeof(*tl->tg), worst_first);
		tl->folded = true;
	}
	size_t kept = 0;
	for (size_t i = 0; i < tl->n_tg; i++) {
		tl->tg[i].row = add_row(tl, LANE_AGENT, (int)i, tl->tg[i].host);
		kept += tl->tg[i].inferred;
	}
	/* The store names at most a few candidates; the others are hosts
	 * too, so "+N more" counts them (198 candidates are not "+8 more"). */
	if (tl->candidates > (int64_t)kept)
		tl->hidden_hosts += (int)(tl->candidates - (int64_t)kept);
	for (size_t i = 0; i < tl->n_ev; i++) {
		struct tl_event *e = &tl->ev[i];
		if (e->lane == LANE_SERVER) {
			e->row = 1;
			continue;
		}
		if (e->lane != LANE_AGENT) {
			e->row = 0;
			continue;
		}
		e->row = -1;
		for (int r = 2; r < tl->n_rows; r++)
			if (tl->rows[r].host && !strcmp(tl->rows[r].host, e->host))
				e->row = r;
		if (e->row < 0)
			e->row = add_row(tl, LANE_AGENT, -1, e->host);
	}
	if (tl->n_rows == 2)
		add_row(tl, LANE_AGENT, -1, NULL);
}

static bool ev_failure(const struct tl_event *e)
{
	return !e->missing && (e->kind == EV_UNAUTHORIZED || e->kind == EV_GATEWAY_ERROR ||
	       (e->kind == EV_RESPONSE_SENT && e->return_code != EVENT_NONE && e->return_code != 1) ||
	       (e->kind == EV_BTS_REPORT && e->failed != EVENT_NONE && e->failed > 0));
}

static bool ev_stage(const struct tl_event *e)
{
	return !e->missing && (e->kind == EV_FORWARDED || e->kind == EV_PUSH_STARTED ||
	       e->kind == EV_TASK_RECEIVED || e->kind == EV_RESPONSE_SENT ||
	       e->kind == EV_BTS_REPORT);
}

static int last_of(const struct timeline *tl, enum event_kind kind)
{
	for (size_t i = tl->n_ev; i-- > 0;)
		if (tl->ev[i].kind == kind && !tl->ev[i].missing)
			return (int)i;
	return -1;
}

/* The last event of kind on host (a record, not a missing stage); -1. */
static int last_on_host(const struct timeline *tl, enum event_kind kind, const char *host)
{
	for (size_t i = tl->n_ev; i-- > 0;)
		if (tl->ev[i].kind == kind && !tl->ev[i].missing && tl->ev[i].host &&
		    !strcmp(tl->ev[i].host, host))
			return (int)i;
	return -1;
}

static int last_in_lane(const struct timeline *tl, enum lane lane)
{
	for (size_t i = tl->n_ev; i-- > 0;)
		if (tl->ev[i].lane == lane && !tl->ev[i].missing)
			return (int)i;
	return -1;
}

/* Put a missing stage among the items, after the events up to its time. */
static void add_missing(struct timeline *tl, int r, const char *host, int anchor, int64_t at,
			enum event_kind kind, const char *what)
{
	int64_t utc = anchor >= 0 ? tl->ev[anchor].utc : at != EVENT_NONE ? at : tl->first;
	host = host ? host : "";
	char text[256];
	snprintf(text, sizeof(text), "MISSING: %s%s%s", what, *host ? " on " : "", host);
	size_t pos = tl->n_ev;
	while (pos > 0 && tl->ev[pos - 1].utc > utc)
		pos--;
	grow_events(tl);
	memmove(tl->ev + pos + 1, tl->ev + pos, (tl->n_ev - pos) * sizeof(*tl->ev));
	tl->n_ev++;
	tl->ev[pos] = (struct tl_event){
		.utc = utc,
		.lane = tl->rows[r].lane,
		.kind = kind,
		.return_code = EVENT_NONE,
		.failed = EVENT_NONE,
		.row = r,
		.missing = true,
		.what = what,
		.host = xstrdup(host),
		.path = xstrdup(""),
		.text = xstrdup(text),
	};
}

/* The stage each lane or target lacks, from the trace's status and its
 * targets (every target: the rows shown are only the first few). */
static void build_missing(struct timeline *tl)
{
	const char *s = tl->status;
	if (!strcmp(s, "not_forwarded"))
		add_missing(tl, 0, NULL, last_in_lane(tl, LANE_CONNECTOR), EVENT_NONE, EV_FORWARDED,
			    "not forwarded");
	if (!strcmp(s, "not_pushed")) {
		int f = last_of(tl, EV_FORWARDED);
		add_missing(tl, 1, NULL, f >= 0 ? f : last_in_lane(tl, LANE_CONNECTOR), EVENT_NONE,
			    EV_PUSH_STARTED, "no push");
	}
	int p = last_of(tl, EV_PUSH_STARTED);
	for (size_t i = 0; i < tl->n_tg; i++) {
		const struct tl_target *tg = &tl->tg[i];
		if (tg->received == EVENT_NONE && p >= 0)
			add_missing(tl, tg->row, tg->host, p, EVENT_NONE, EV_TASK_RECEIVED,
				    tg->inferred ? "no receipt (candidate)" : "no receipt");
		else if (tg->received != EVENT_NONE && tg->response == EVENT_NONE)
			add_missing(tl, tg->row, tg->host, -1, tg->received, EV_RESPONSE_SENT,
				    "no response");
	}
}

/* A flag: what ] and [ stop on (a missing stage, a refusal or failure,
 * an unmatched record, a receipt before its push). */
static bool ev_flag(const struct timeline *tl, const struct tl_event *e)
{
	if (e->missing || ev_failure(e) || (e->flags & TRACE_EVENT_UNMATCHED))
		return true;
	return e->kind == EV_TASK_RECEIVED && tl->hop[1] != EVENT_NONE && tl->hop[1] < 0;
}

/* A candidate's (HOST?) row: its missing receipt proves nothing, it may
 * never have been a target. */
static bool candidate_event(const struct timeline *tl, const struct tl_event *e)
{
	for (size_t i = 0; e->host && *e->host && i < tl->n_tg; i++)
		if (!strcmp(tl->tg[i].host, e->host))
			return tl->tg[i].inferred;
	return false;
}

/* Missing evidence: the first missing stage (a receipt or response no
 * collected log shows) of a target, never a candidate's; with none, the
 * last event before the step no log shows: the push to the target whose
 * log was not collected (the forward when no server log has the push). */
static int missing_evidence_at(const struct timeline *tl)
{
	for (size_t i = 0; i < tl->n_ev; i++)
		if (tl->ev[i].missing && !candidate_event(tl, &tl->ev[i]))
			return (int)i;
	if (last_of(tl, EV_PUSH_STARTED) < 0 && last_of(tl, EV_TASK_RECEIVED) < 0)
		return last_of(tl, EV_FORWARDED) >= 0 ? last_of(tl, EV_FORWARDED)
						      : last_in_lane(tl, LANE_CONNECTOR);
	return last_of(tl, EV_PUSH_STARTED);
}

/* Where the cursor starts: on what went wrong. An unmatched record or a
 * refusal or failing response first; else the last event before the
 * first missing stage (missing evidence: that stage itself); else a
 * failed BTS count (a consequence). */
static int64_t problem_event(const struct timeline *tl)
{
	for (size_t i = 0; i < tl->n_ev; i++)
		if (tl->ev[i].flags & TRACE_EVENT_UNMATCHED)
			return (int64_t)i;
	for (size_t i = 0; i < tl->n_ev; i++)
		if (ev_failure(&tl->ev[i]) && tl->ev[i].kind != EV_BTS_REPORT)
			return (int64_t)i;
	int at = -1;
	const char *s = tl->status;
	if (!strcmp(s, "not_forwarded"))
		at = last_in_lane(tl, LANE_CONNECTOR);
	else if (!strcmp(s, "not_pushed"))
		at = last_of(tl, EV_FORWARDED) >= 0 ? last_of(tl, EV_FORWARDED)
						    : last_in_lane(tl, LANE_CONNECTOR);
	else if (!strcmp(s, "not_delivered"))
		at = last_of(tl, EV_PUSH_STARTED);
	else if (!strcmp(s, "no_response"))
		at = last_of(tl, EV_TASK_RECEIVED);
	else if (!strcmp(s, "missing_evidence"))
		at = missing_evidence_at(tl);
	/* Partial: the target that did not complete, its own receipt when it
	 * has one (the last receipt of all was another client's, one that
	 * answered); a target before a candidate, which proves nothing. */
	for (int pass = 0; pass < 2 && at < 0 && !strcmp(s, "partial"); pass++)
		for (size_t i = 0; at < 0 && i < tl->n_tg; i++) {
			const struct tl_target *tg = &tl->tg[i];
			if (tg->inferred != (pass == 1))
				continue;
			if (tg->received == EVENT_NONE)
				at = last_of(tl, EV_PUSH_STARTED);
			else if (tg->response == EVENT_NONE)
				at = last_on_host(tl, EV_TASK_RECEIVED, tg->host) >= 0
					     ? last_on_host(tl, EV_TASK_RECEIVED, tg->host)
					     : last_of(tl, EV_TASK_RECEIVED);
		}
	/* a negative hop: the record that came "before" its cause */
	if (at < 0 && tl->hop[1] != EVENT_NONE && tl->hop[1] < 0)
		at = last_of(tl, EV_TASK_RECEIVED);
	if (at < 0 && tl->hop[2] != EVENT_NONE && tl->hop[2] < 0)
		at = last_of(tl, EV_RESPONSE_SENT);
	if (at < 0 && tl->hop[0] != EVENT_NONE && tl->hop[0] < 0)
		at = last_of(tl, EV_PUSH_STARTED);
	for (size_t i = 0; at < 0 && i < tl->n_ev; i++)
		if (ev_failure(&tl->ev[i]))
			at = (int)i;
	return at >= 0 ? at : 0;
}

/* ---- view_ops: the events pane ---- */

static int64_t tl_count(struct view *v)
{
	return (int64_t)tl_of(v)->n_ev;
}

static int tl_height(struct view *v, int64_t item)
{
	(void)v;
	(void)item;
	return 1;
}

static enum glyph ev_glyph(const struct tl_event *e)
{
	if (e->missing)
		return G_MISSING;
	if (e->flags & TRACE_EVENT_UNMATCHED)
		return G_UNKNOWN;
	if (ev_failure(e))
		return G_FAIL;
	return ev_stage(e) ? G_STAGE : G_EVENT;
}

static enum paint ev_paint(const struct tl_event *e)
{
	if (e->missing)
		return PAINT_MISSING;
	if (e->flags & TRACE_EVENT_UNMATCHED)
		return PAINT_WARN;
	if (ev_failure(e))
		return PAINT_FAIL;
	return ev_stage(e) ? PAINT_HINT_KEY : PAINT_NORMAL;
}

static void hms_ms(int64_t utc, char out[16])
{
	char iso[32];
	format_utc_ms(utc, iso);
	snprintf(out, 16, "%.12s", iso + 11);
}

/* +2.524: an event's offset from t0, in seconds to the millisecond. */
static void format_seconds(int64_t d, char *out, size_t len)
{
	int64_t a = d < 0 ? -d : d;
	snprintf(out, len, "%c%" PRId64 ".%03" PRId64, d < 0 ? '-' : '+', a / US_S,
		 a % US_S / 1000);
}

static void tl_draw_line(struct view *v, int64_t item, int sub, int y, int w, bool selected,
			 bool focused)
{
	(void)sub;
	struct timeline *tl = tl_of(v);
	const struct tl_event *e = &tl->ev[item];
	enum paint base = selected ? (focused ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR)
				   : PAINT_NORMAL;
	char t[16], off[32], head[160];
	hms_ms(e->utc, t);
	format_seconds(e->utc - tl->first, off, sizeof(off));
	if (e->missing) {	/* no record: no time of its own */
		snprintf(t, sizeof(t), "%12s", glyph(G_DASH));
		snprintf(off, sizeof(off), "%s", glyph(G_DASH));
	}
	bool wide = w >= 100;
	bool hit = tl->matched && tl->matched[item];
	snprintf(head, sizeof(head), "%s %s %8s %-*.*s %-10.10s ",
		 selected ? glyph(focused ? G_CURSOR : G_CURSOR_BLUR) : hit ? glyph(G_MATCH) : " ", t, off,
		 wide ? 9 : 1, wide ? 9 : 1, lane_name(e->lane), e->host);
	int x = draw_text(y, 0, w, base, head, false);
	x += draw_glyph(y, x, ev_glyph(e), selected ? base : ev_paint(e));
	char kind[48];
	snprintf(kind, sizeof(kind), " %-*s ", wide ? 17 : 13, event_kind_name(e->kind));
	if (x < w)
		x += draw_text(y, x, w - x, hit && !selected ? PAINT_MATCH : base, kind, false);
	if ((e->flags & TRACE_EVENT_UNMATCHED) && x < w)
		x += draw_text(y, x, w - x, selected ? base : PAINT_WARN, "unmatched ", false);
	if (x < w)
		draw_text(y, x, w - x, e->missing && !selected ? PAINT_MISSING : base, e->text, true);
}

/* n/N: the items / marked (the pattern is the one marked with). */
static bool tl_match(struct view *v, int64_t item, const char *pattern)
{
	(void)pattern;
	struct timeline *tl = tl_of(v);
	return tl->matched && tl->matched[item];
}

static bool re_hit(pcre2_code *re, pcre2_match_data *md, const char *s)
{
	return pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) >= 0;
}

/* Match every item; marks[] (when not NULL) gets which. The count, or -1
 * with PCRE2's message and offset in err. */
static int64_t match_items(struct timeline *tl, const char *pattern, bool *marks, char *err,
			   size_t errlen)
{
	pcre2_code *re = ui_pattern_compile(pattern, err, errlen);
	if (!re)
		return -1;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int64_t n = 0;
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *e = &tl->ev[i];
		bool hit = re_hit(re, md, e->text) || re_hit(re, md, e->host) ||
			   re_hit(re, md, event_kind_name(e->kind));
		if (marks)
			marks[i] = hit;
		n += hit;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return n;
}

int64_t timeline_count_matches(struct view *v, const char *pattern, char *err, size_t errlen)
{
	if (v->ops != &timeline_ops)
		return -1;
	return match_items(tl_of(v), pattern, NULL, err, errlen);
}

static bool timeline_set_pattern_data(struct timeline *tl, const char *pattern, char *err,
				      size_t errlen)
{
	if (!pattern || !*pattern) {
		free(tl->pattern);
		free(tl->matched);
		tl->pattern = NULL;
		tl->matched = NULL;
		tl->n_matched = 0;
		return true;
	}
	bool *marks = xcalloc(tl->n_ev + 1, sizeof(*marks));
	int64_t n = match_items(tl, pattern, marks, err, errlen);
	if (n < 0) {
		free(marks);
		return false;
	}
	free(tl->pattern);
	free(tl->matched);
	tl->pattern = xstrdup(pattern);
	tl->matched = marks;
	tl->n_matched = (size_t)n;
	return true;
}

bool timeline_set_pattern(struct view *v, const char *pattern, char *err, size_t errlen)
{
	return timeline_set_pattern_data(tl_of(v), pattern, err, errlen);
}

static void tl_title(struct view *v, struct buf *out)
{
	struct timeline *tl = tl_of(v);
	char s[32];
	timeline_format_ms((tl->ax.scale + 500) / 1000, s, sizeof(s));
	buf_printf(out, "trace %" PRId64 " of %" PRId64 ", event %" PRId64 " of %zu, %s%s ",
		   tl->pos, tl->total,
		   tl->n_ev ? v->item + 1 : 0, tl->n_ev, tl->lanes_focus ? "lanes focused (Tab), " : "",
		   !tl->fit ? "zoom" : tl->no_breaks && tl->brk.n_breaks ? "fit, breaks off (b)" : "fit");
	if (tl->ax.scale < 1000)
		buf_printf(out, "%.1fms/col", (double)tl->ax.scale / 1000);
	else
		buf_printf(out, "%s/col", s);
	if (tl->pattern)
		buf_printf(out, ", /%s/ marks %zu (n/N)", tl->pattern, tl->n_matched);
}

/* Keep the cursor's event on the canvas (after a move, not after a pan). */
static void follow_cursor(struct timeline *tl, int64_t item)
{
	if (tl->fit || !tl->n_ev || tl->canvas_cols <= 0)
		return;
	int64_t c = timeline_axis_column(&tl->ax, tl->ev[item].utc);
	if (c < 0 || c >= tl->canvas_cols)
		tl->ax.left = tl->ev[item].utc - tl->canvas_cols / 2 * tl->ax.scale;
}

/* Lane rows drawn: connector, server, then a row per client, or the two
 * density rows (receipts, responses) when the clients are folded. */
static int lane_rows(const struct timeline *tl)
{
	return tl->folded ? 4 : tl->n_rows;
}

/* The lane row an item is drawn on. */
static int disp_row(const struct timeline *tl, const struct tl_event *e)
{
	if (!tl->folded || e->lane != LANE_AGENT)
		return e->row;
	return e->kind == EV_TASK_RECEIVED ? 2 : 3;
}

/* The next item after (or before) the cursor that pred holds for. */
static unsigned step_to(struct view *v, bool backward,
			bool (*pred)(const struct timeline *, const struct tl_event *), const char *what)
{
	struct timeline *tl = tl_of(v);
	for (int64_t i = v->item + (backward ? -1 : 1); i >= 0 && i < (int64_t)tl->n_ev;
	     i += backward ? -1 : 1)
		if (pred(tl, &tl->ev[i])) {
			view_goto(v, i);
			return STALE_SCREEN;
		}
	app_message(v->app, PAINT_WARN, "no %s %s", backward ? "earlier" : "later", what);
	return STALE_SCREEN;
}

static bool is_stage(const struct timeline *tl, const struct tl_event *e)
{
	(void)tl;
	return ev_stage(e);
}

/* j/k with the lanes focused: the nearest row below (above) that has
 * items, onto its item nearest in time to the cursor. */
static unsigned lane_step(struct view *v, int dir)
{
	struct timeline *tl = tl_of(v);
	if (!tl->n_ev)
		return STALE_SCREEN;
	const struct tl_event *cur = &tl->ev[v->item];
	for (int r = disp_row(tl, cur) + dir; r >= 0 && r < lane_rows(tl); r += dir) {
		int64_t best = -1, dist = 0;
		for (size_t i = 0; i < tl->n_ev; i++) {
			if (disp_row(tl, &tl->ev[i]) != r)
				continue;
			int64_t d = tl->ev[i].utc - cur->utc;
			d = d < 0 ? -d : d;
			if (best < 0 || d < dist) {
				best = (int64_t)i;
				dist = d;
			}
		}
		if (best >= 0) {
			view_goto(v, best);
			return STALE_SCREEN;
		}
	}
	app_message(v->app, PAINT_WARN, "no lane %s", dir > 0 ? "below" : "above");
	return STALE_SCREEN;
}

/* L: the merged log at the cursor's record (a missing stage: at its due
 * time); Enter: that record's detail. */
static unsigned open_record(struct view *v, bool log, int64_t cur)
{
	int64_t file_id, utc;
	uint64_t seq;
	bool on_record = timeline_cursor_record(v, &file_id, &seq, &utc);
	if (log)
		logview_open(v->app, on_record ? utc : cur, on_record ? file_id : 0,
			     on_record ? seq : 0);
	else if (on_record)
		record_open(v->app, file_id, seq);
	else
		app_message(v->app, PAINT_WARN, "a missing stage has no record;"
			    " L opens the log at its time");
	return STALE_SCREEN;
}

static unsigned tl_request(struct view *v, enum action a)
{
	struct timeline *tl = tl_of(v);
	int64_t cur = tl->n_ev ? tl->ev[v->item].utc : tl->first;
	int64_t col = timeline_axis_column(&tl->ax, cur);
	switch (a) {
	case ACT_LOG:
	case ACT_TL_RECORD:
		return open_record(v, a == ACT_LOG, cur);
	case ACT_YANK:	/* this trace's, which need not be the list's */
		if (!tl->guid[0]) {
			app_message(v->app, PAINT_WARN, "no GUID to copy");
			return STALE_SCREEN;
		}
		app_copy(v->app, tl->guid, tl->guid);
		return STALE_SCREEN;
	case ACT_FOCUS:
		tl->lanes_focus = !tl->lanes_focus;
		return STALE_SCREEN;
	case ACT_FOLD_TOGGLE:
		if (tl->n_tg < 2) {
			app_message(v->app, PAINT_WARN, "one client: nothing to fold");
			return STALE_SCREEN;
		}
		tl->folded = !tl->folded;
		return STALE_SCREEN;
	case ACT_TL_EVIDENCE:
		tl->evidence_pref = !tl->evidence_shown;
		return STALE_SCREEN;
	case ACT_TL_EVENT_PREV:
	case ACT_TL_EVENT_NEXT:
		return view_move(v, a == ACT_TL_EVENT_NEXT ? 1 : -1);
	case ACT_TL_LANE_DOWN:
	case ACT_TL_LANE_UP:
		if (!tl->lanes_focus)
			return view_move(v, a == ACT_TL_LANE_DOWN ? 1 : -1);
		return lane_step(v, a == ACT_TL_LANE_DOWN ? 1 : -1);
	case ACT_TL_STAGE_NEXT:
	case ACT_TL_STAGE_PREV:
		return step_to(v, a == ACT_TL_STAGE_PREV, is_stage, "stage");
	case ACT_TL_FLAG_NEXT:
	case ACT_TL_FLAG_PREV:
		return step_to(v, a == ACT_TL_FLAG_PREV, ev_flag, "problem");
	case ACT_TL_ZOOM_IN:
	case ACT_TL_ZOOM_OUT: {
		int64_t fit = timeline_fit_scale(tl->last - tl->first, tl->canvas_cols);
		int64_t s = a == ACT_TL_ZOOM_IN ? timeline_zoom_in(tl->ax.scale)
						: timeline_zoom_out(tl->ax.scale, fit);
		if (a == ACT_TL_ZOOM_IN && s >= tl->ax.scale) {
			app_message(v->app, PAINT_WARN, "zoom: %.1f ms/col is the finest",
				    TIMELINE_MIN_SCALE / 1000.0);
			return STALE_SCREEN;
		}
		tl->fit = s >= fit;
		tl->ax.n_breaks = 0;
		tl->ax.scale = s;
		tl->ax.left = tl->fit ? tl->first : cur - col * s;
		return STALE_SCREEN;
	}
	case ACT_TL_FIT:
		tl->fit = true;
		return STALE_SCREEN;
	case ACT_TL_BREAKS:
		tl->no_breaks = !tl->no_breaks;
		tl->fit = true;
		return STALE_SCREEN;
	case ACT_TL_PAN_LEFT:
	case ACT_TL_PAN_RIGHT: {
		if (tl->fit)	/* pan from fit: linear at the fit scale */
			tl->ax = (struct timeline_axis){ .left = tl->first,
				.scale = timeline_fit_scale(tl->last - tl->first, tl->canvas_cols) };
		int64_t step = (tl->canvas_cols > 4 ? tl->canvas_cols / 4 : 1) * tl->ax.scale;
		tl->fit = false;
		tl->ax.left += a == ACT_TL_PAN_LEFT ? -step : step;
		return STALE_SCREEN;
	}
	case ACT_TL_DETAIL: {
		struct view *d = detail_open(v->app, tl->id, tl->pos, tl->total);
		if (d)
			app_push(v->app, d);
		return STALE_SCREEN;
	}
	default:
		return STALE_UNHANDLED;
	}
}

static void tl_free(struct timeline *tl)
{
	for (size_t i = 0; i < tl->n_ev; i++) {
		free(tl->ev[i].host);
		free(tl->ev[i].path);
		free(tl->ev[i].text);
	}
	for (size_t i = 0; i < tl->n_tg; i++) {
		free(tl->tg[i].host);
		free(tl->tg[i].status);
	}
	for (size_t i = 0; i < tl->n_evid; i++) {
		free(tl->evid[i].host);
		free(tl->evid[i].log);
	}
	free(tl->evid);
	free(tl->evid_sorted);
	free(tl->pattern);
	free(tl->matched);
	free(tl->ev);
	free(tl->tg);
	free(tl);
}

static void tl_done(struct view *v)
{
	tl_free(tl_of(v));
}

static unsigned tl_reread(struct view *v);

static const struct view_ops timeline_ops = {
	.name = "timeline",
	.mask = V_TIMELINE,
	.count = tl_count,
	.height = tl_height,
	.draw_line = tl_draw_line,
	.request = tl_request,
	.match = tl_match,
	.title = tl_title,
	.done = tl_done,
	.reread = tl_reread,
};

/* Read trace_id whole: its row, targets and events, the lane rows, the
 * missing stages, the evidence. NULL on a store error or when the trace
 * is not there (*gone then true). */
static struct timeline *tl_load(struct app *a, int64_t trace_id, bool *gone)
{
	struct store *s = app_store(a);
	struct timeline *tl = xcalloc(1, sizeof(*tl));
	tl->id = trace_id;
	tl->first = EVENT_NONE;
	struct trace_query q = { .id = trace_id };
	*gone = false;
	if (store_traces(s, &q, read_trace, tl) != 0 || tl->first == EVENT_NONE ||
	    store_trace_targets(s, trace_id, read_target, tl) != 0 ||
	    store_trace_events(s, trace_id, read_event, tl) != 0) {
		*gone = tl->first == EVENT_NONE;
		tl_free(tl);
		return NULL;
	}
	tl->row_first = tl->first;
	/* The axis spans the events; the trace row's bounds when none. */
	for (size_t i = 0; i < tl->n_ev; i++) {
		if (tl->ev[i].utc < tl->first)
			tl->first = tl->ev[i].utc;
		if (tl->ev[i].utc > tl->last)
			tl->last = tl->ev[i].utc;
	}
	if (tl->last < tl->first)
		tl->last = tl->first;
	build_rows(tl);
	int64_t *times = xcalloc(tl->n_ev + 1, sizeof(*times));
	for (size_t i = 0; i < tl->n_ev; i++)
		times[i] = tl->ev[i].utc;
	timeline_axis_breaks(&tl->brk, times, tl->n_ev);
	free(times);
	build_missing(tl);
	tl_evidence_build(tl, a);
	tl->evidence_pref = -1;
	tl->fit = true;
	tl->ax.scale = TIMELINE_MIN_SCALE;
	tl->ax.left = tl->first;
	return tl;
}

struct view *timeline_open(struct app *a, int64_t trace_id, int64_t pos, int64_t total)
{
	bool gone;
	struct timeline *tl = tl_load(a, trace_id, &gone);
	if (!tl) {
		app_message(a, PAINT_FAIL, "%s trace %" PRId64 ": %s", glyph(G_FAIL), trace_id,
			    gone ? "not found" : store_error(app_store(a)));
		return NULL;
	}
	tl->pos = pos;
	tl->total = total;
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &timeline_ops;
	v->app = a;
	v->data = tl;
	v->item = problem_event(tl);
	tl->last_item = v->item;
	return v;
}

/* ---- live: the trace grows while it is open ---- */

static int take_first_id(void *ctx, const struct trace_row *t)
{
	*(int64_t *)ctx = t->id;
	return 1;
}

static int take_guidless(void *ctx, const struct trace_row *t)
{
	int64_t *want = ctx;
	if (t->guid || t->first_utc != want[0])
		return 0;
	want[1] = t->id;
	return 1;
}

/* The id the trace has now (a rebuild numbers traces afresh): by its
 * GUID, or by its start when it has none; 0 when it is gone. */
static int64_t id_now(struct app *a, const struct timeline *tl)
{
	struct trace_query q = {0};
	int64_t want[2] = { tl->row_first, 0 };
	if (tl->guid[0]) {
		q.guid = tl->guid;
		store_traces(app_store(a), &q, take_first_id, &want[1]);
	} else {
		q.has_since = q.has_until = true;
		q.since_us = q.until_us = tl->row_first;
		store_traces(app_store(a), &q, take_guidless, want);
	}
	return want[1];
}

/* The same item in another reading of the trace: the event of the same
 * record and kind, the missing stage of the same row and kind; else the
 * item nearest in time. */
static int64_t same_item(const struct timeline *old, int64_t item, const struct timeline *tl)
{
	if (!tl->n_ev)
		return 0;
	if (item < 0 || item >= (int64_t)old->n_ev)
		return problem_event(tl);
	const struct tl_event *e = &old->ev[item];
	int64_t near = 0, best = INT64_MAX;
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *f = &tl->ev[i];
		if (f->missing == e->missing && f->kind == e->kind &&
		    (e->missing ? !strcmp(f->what, e->what) && !strcmp(f->host, e->host)
				: f->file_id == e->file_id && f->seq == e->seq))
			return (int64_t)i;
		int64_t d = f->utc > e->utc ? f->utc - e->utc : e->utc - f->utc;
		if (d < best) {
			best = d;
			near = (int64_t)i;
		}
	}
	return near;
}

/* What the trace shows, to redraw only when a reading differs. */
static bool same_trace(const struct timeline *a, const struct timeline *b)
{
	if (a->n_ev != b->n_ev || a->n_tg != b->n_tg || strcmp(a->status, b->status) ||
	    a->last != b->last || a->first != b->first || a->target_count != b->target_count)
		return false;
	for (size_t i = 0; i < a->n_ev; i++)
		if (a->ev[i].file_id != b->ev[i].file_id || a->ev[i].seq != b->ev[i].seq ||
		    a->ev[i].kind != b->ev[i].kind || a->ev[i].missing != b->ev[i].missing ||
		    a->ev[i].utc != b->ev[i].utc)
			return false;
	for (size_t i = 0; i < a->n_tg; i++)
		if (strcmp(a->tg[i].status, b->tg[i].status) || strcmp(a->tg[i].host, b->tg[i].host))
			return false;
	return true;
}

/* The store changed: read the trace again (found by its GUID), keep the
 * cursor's event, the zoom, the focus, the folding and the / marks. A
 * trace that is gone or cannot be read now stays as it was shown. */
static unsigned tl_reread(struct view *v)
{
	struct timeline *old = tl_of(v);
	int64_t id = id_now(v->app, old);
	bool gone;
	struct timeline *tl = id ? tl_load(v->app, id, &gone) : NULL;
	if (!tl)
		return STALE_NONE;
	old->id = id;
	if (same_trace(old, tl)) {
		tl_free(tl);
		return STALE_NONE;
	}
	/* "trace N of M": the list's, when the list's cursor is on it. */
	struct view *list = app_root(v->app);
	int64_t sel, first;
	const char *guid, *status;
	tl->pos = old->pos;
	tl->total = old->total;
	if (tracelist_selected(list, &sel, &guid, &status, &first) && sel == id) {
		tl->pos = tracelist_position(list);
		tl->total = tracelist_total(list);
	}
	tl->lanes_focus = old->lanes_focus;
	tl->evidence_pref = old->evidence_pref;
	tl->no_breaks = old->no_breaks;
	tl->canvas_cols = old->canvas_cols;
	if (old->n_tg > TIMELINE_FOLD_CLIENTS && tl->n_tg > TIMELINE_FOLD_CLIENTS)
		tl->folded = old->folded;
	if (!old->fit) {	/* zoomed: the same scale and place */
		tl->fit = false;
		tl->ax = old->ax;
	}
	v->item = same_item(old, v->item, tl);
	v->sub = 0;
	tl->last_item = v->item;
	char err[200];
	if (old->pattern)
		timeline_set_pattern_data(tl, old->pattern, err, sizeof(err));
	v->data = tl;
	tl_free(old);
	view_keep_visible(v);
	return STALE_SCREEN;
}

bool timeline_lanes_focused(struct view *v)
{
	return v->ops == &timeline_ops && tl_of(v)->lanes_focus;
}

bool timeline_cursor_record(struct view *v, int64_t *file_id, uint64_t *seq, int64_t *utc_us)
{
	if (v->ops != &timeline_ops)
		return false;
	struct timeline *tl = tl_of(v);
	if (!tl->n_ev || v->item < 0 || v->item >= (int64_t)tl->n_ev || tl->ev[v->item].missing)
		return false;
	const struct tl_event *e = &tl->ev[v->item];
	*file_id = e->file_id;
	*seq = e->seq;
	*utc_us = e->utc;
	return true;
}

bool timeline_select_record(struct view *v, int64_t file_id, uint64_t seq)
{
	if (v->ops != &timeline_ops)
		return false;
	struct timeline *tl = tl_of(v);
	for (size_t i = 0; i < tl->n_ev; i++)
		if (!tl->ev[i].missing && tl->ev[i].file_id == file_id &&
		    tl->ev[i].seq == seq) {
			v->item = (int64_t)i;
			return true;
		}
	return false;
}

int64_t timeline_trace_id(struct view *v)
{
	return v->ops == &timeline_ops ? tl_of(v)->id : 0;
}

/* ---- the canvas ---- */

/* Unasked, the evidence never squeezes the events pane below EVENTS_MIN
 * rows (a push to 14 clients unfolded): it says "N more hosts" instead. */
#define EVENTS_MIN 8

static int evidence_layout(struct timeline *tl, int rows, int room)
{
	int want = tl_evidence_rows(tl, rows);
	tl->evidence_lines = want < room ? want : room > 0 ? room : 0;
	return tl->evidence_lines;
}

/* The tracks under the connector and the server lanes carry the hops. */
#define TRACKS 2

/* summary, hops, ruler, lanes and tracks, readout, the event's text (2 rows) */
int timeline_canvas_rows(struct view *v, int rows)
{
	struct timeline *tl = tl_of(v);
	int lanes = lane_rows(tl);
	int max_lanes = rows >= 40 ? MAX_ROWS : 5;
	if (lanes > max_lanes)
		lanes = max_lanes;
	int base = 3 + lanes + TRACKS + 3;
	/* the screen keeps 4 rows: the bar, the title, status and hints */
	/* asked for with v: the events pane may shrink to 3 rows */
	int keep = tl->evidence_pref == 1 ? 3 : EVENTS_MIN;
	return base + evidence_layout(tl, rows, rows - 4 - base - keep);
}

static int label_width(int w)
{
	return w >= 100 ? 24 : 16;
}

static void hop_text(struct buf *b, const char *name, int64_t ms)
{
	char d[32];
	if (ms == EVENT_NONE)
		snprintf(d, sizeof(d), "%s", glyph(G_DASH));
	else
		timeline_format_ms(ms, d, sizeof(d));
	buf_printf(b, "%s %s%s  ", name, d, ms != EVENT_NONE && ms < 0 ? " skew!" : "");
}

static void draw_summary(struct timeline *tl, int y, int w)
{
	struct status_look look = status_look(tl->status);
	int x = draw_glyph(y, 0, look.glyph, (enum paint)look.role);
	struct buf b = {0};
	buf_printf(&b, " %s", tl->status);
	x += draw_text(y, x, w - x, (enum paint)look.role, b.data, false);
	b.len = 0;
	buf_printf(&b, "  %s", tl->action);
	if (tl->push_id != EVENT_NONE)
		buf_printf(&b, "  PushID %" PRId64, tl->push_id);
	/* The push's own count: candidates (HOST?) are not targets. */
	size_t ok = 0;
	for (size_t i = 0; i < tl->n_tg; i++)
		ok += !strcmp(tl->tg[i].status, "complete");
	if (tl->target_count == EVENT_NONE)
		buf_printf(&b, "  targets ?: %zu complete", ok);
	else
		buf_printf(&b, "  targets %" PRId64 ": %zu complete", tl->target_count, ok);
	if (tl->candidates > 0)
		buf_printf(&b, " (+%" PRId64 " candidate%s)", tl->candidates,
			   tl->candidates == 1 ? "" : "s");
	if (*tl->guid)
		buf_printf(&b, "  %s", tl->guid);
	draw_text(y, x, w - x, PAINT_NORMAL, b.data, true);
	/* the hops, from the trace row */
	b.len = 0;
	char fp[64], pr[64], rr[64];
	snprintf(fp, sizeof(fp), "fwd%spush", glyph(G_ARROW));
	snprintf(pr, sizeof(pr), "push%srecv", glyph(G_ARROW));
	snprintf(rr, sizeof(rr), "recv%sresp", glyph(G_ARROW));
	hop_text(&b, fp, tl->hop[0]);
	hop_text(&b, pr, tl->hop[1]);
	hop_text(&b, rr, tl->hop[2]);
	char span[32];
	timeline_format_ms((tl->last - tl->first) / 1000, span, sizeof(span));
	buf_printf(&b, "span %s", span);
	bool skew = tl->skew || (tl->hop[0] != EVENT_NONE && tl->hop[0] < 0) ||
		    (tl->hop[1] != EVENT_NONE && tl->hop[1] < 0) ||
		    (tl->hop[2] != EVENT_NONE && tl->hop[2] < 0);
	if (skew)
		buf_puts(&b, "  skew: a negative hop, the hosts' clocks disagree");
	draw_text(y + 1, 0, w, skew ? PAINT_WARN : PAINT_HINT_KEY, b.data, true);
	buf_free(&b);
}

/* The first column of break b's band. */
static int64_t band_col(const struct timeline *tl, int b)
{
	return timeline_axis_column(&tl->ax, tl->ax.from[b]) + 1;
}

static bool in_band(const struct timeline *tl, int64_t c)
{
	for (int b = 0; b < tl->ax.n_breaks; b++)
		if (c >= band_col(tl, b) && c < band_col(tl, b) + TIMELINE_BREAK_COLS - 1)
			return true;
	return false;
}

/* "≈26.8s≈" on the band, then the offset where the axis resumes; the
 * first free column after them. */
static int draw_break_label(struct timeline *tl, int b, int y, int x0, int cw)
{
	int64_t gap = tl->ax.to[b] - tl->ax.from[b];
	char d[16];
	if (gap < 100 * US_S)
		snprintf(d, sizeof(d), "%.1fs", (double)gap / US_S);
	else if (gap < 100 * US_M)
		snprintf(d, sizeof(d), "%" PRId64 "m", gap / US_M);
	else
		snprintf(d, sizeof(d), "%" PRId64 "h", gap / US_H);
	struct buf lab = {0};
	buf_puts(&lab, glyph(G_BREAK));
	buf_puts(&lab, d);
	for (int i = 1 + (int)strlen(d); i < TIMELINE_BREAK_COLS - 1; i++)
		buf_puts(&lab, glyph(G_BREAK));
	int64_t c = band_col(tl, b);
	if (c >= 0 && c < cw)
		draw_text(y, x0 + (int)c, cw - (int)c, PAINT_QUIET, lab.data, false);
	buf_free(&lab);
	int64_t free_col = c + TIMELINE_BREAK_COLS;
	char off[40];
	timeline_format_offset(tl->ax.to[b] - tl->first, off, sizeof(off));
	int64_t at = c + TIMELINE_BREAK_COLS - 1;
	int n = (int)strlen(off);
	if (at >= 0 && at + n <= cw) {
		draw_text(y, x0 + (int)at, n, PAINT_HEADER, off, false);
		free_col = at + n + 1;
	}
	return (int)free_col;
}

static void draw_ruler(struct timeline *tl, int y, int w)
{
	int lw = label_width(w), cw = w - lw - 1;
	char t[16], lab[40];
	hms_ms(tl->first, t);
	snprintf(lab, sizeof(lab), " t0 %s", t);
	draw_text(y, 0, lw, PAINT_HEADER, lab, true);
	draw_glyph(y, lw, G_VBAR, PAINT_QUIET);
	draw_fill(y, lw + 1, cw, PAINT_HEADER);
	int64_t step = timeline_tick_step(tl->ax.scale, TIMELINE_TICK_GAP);
	int64_t rel = tl->ax.left - tl->first;
	int64_t k = rel >= 0 ? (rel + step - 1) / step : -(-rel / step);
	int next_free = 0, b = 0;
	for (;;) {
		int64_t at = tl->first + k * step;
		if (b < tl->ax.n_breaks && at > tl->ax.from[b]) {
			next_free = draw_break_label(tl, b, y, lw + 1, cw);
			int64_t after = tl->ax.to[b] - tl->first;
			k = (after + step - 1) / step;
			b++;
			continue;
		}
		int64_t c = timeline_axis_column(&tl->ax, at);
		if (c >= cw)
			break;
		if (c < next_free) {
			k++;
			continue;
		}
		timeline_format_offset(k * step, lab, sizeof(lab));
		int n = (int)strlen(lab);
		if (c + n > cw)
			break;
		if (b < tl->ax.n_breaks && c + n >= band_col(tl, b)) {
			k++;	/* it would run into the band's label */
			continue;
		}
		draw_text(y, lw + 1 + (int)c, n, PAINT_HEADER, lab, false);
		next_free = (int)c + n + 1;
		k++;
	}
}

enum { MARK_NONE, MARK_EVENT, MARK_STAGE, MARK_FAIL };

static int ev_mark(const struct tl_event *e)
{
	if ((e->flags & TRACE_EVENT_UNMATCHED) || ev_failure(e))
		return MARK_FAIL;
	return ev_stage(e) ? MARK_STAGE : MARK_EVENT;
}

static void draw_row_label(struct timeline *tl, int r, int y, int lw, bool last_shown)
{
	const struct tl_row *row = &tl->rows[r];
	bool wide = lw >= 24;
	char lab[96];
	if (row->lane != LANE_AGENT) {
		snprintf(lab, sizeof(lab), " %s", wide ? lane_component(row->lane)
						       : row->lane == LANE_CONNECTOR ? "CONNECTOR"
										  : "SERVER");
		draw_text(y, 0, lw, PAINT_HINT_KEY, lab, true);
		return;
	}
	bool first = r == 2;
	int x = draw_text(y, 0, wide ? 10 : 2, PAINT_HINT_KEY, first && wide ? " BgbAgent" : " ", true);
	if (!row->host) {
		draw_text(y, x, lw - x, PAINT_QUIET, wide ? "no client" : "BgbAgent", true);
		return;
	}
	int cut = last_shown ? tl->n_rows - r - 1 + tl->hidden_hosts : 0;
	x += draw_glyph(y, x, r + 1 >= tl->n_rows || cut ? G_TREE_END : G_TREE_MID, PAINT_QUIET);
	x += draw_text(y, x, 1, PAINT_NORMAL, " ", false);
	const struct tl_target *tg = row->target >= 0 && !cut ? &tl->tg[row->target] : NULL;
	snprintf(lab, sizeof(lab), "%s%s", row->host, tg && tg->inferred ? "?" : "");
	if (cut)
		snprintf(lab, sizeof(lab), "+%d more", cut + 1);
	x += draw_text(y, x, lw - x - 2, tg && tg->inferred ? PAINT_MISSING : PAINT_NORMAL, lab, true);
	if (tg) {
		struct status_look look = status_look(tg->status);
		draw_glyph(y, lw - 2, look.glyph, (enum paint)look.role);
	}
}

/* Blank cells from column c on, stepping dir, before a mark or the edge:
 * a label drawn there is not cut up by the marks drawn after it. A run
 * that ends at a mark keeps one blank before it. */
static int free_run(const unsigned char *mark, int cw, int c, int dir)
{
	int n = 0;
	for (; c >= 0 && c < cw && !mark[c]; c += dir)
		n++;
	return c >= 0 && c < cw && n > 0 ? n - 1 : n;
}

/* A missing stage: `·?·` where it was due and what is missing, the words
 * only in the free cells beside it (a row that carries the rows cut off
 * below it is dense with their marks). */
static void draw_missing(int y, int x0, int cw, int64_t col, const char *what, bool selected,
			 const unsigned char *mark)
{
	if (col < 0)
		col = 0;
	if (col + 3 > cw)
		col = cw > 3 ? cw - 3 : 0;
	int x = x0 + (int)col;
	x += draw_glyph(y, x, G_NOT_REACHED, PAINT_QUIET);
	x += draw_text(y, x, 1, selected ? PAINT_CURSOR_FOCUS : PAINT_MISSING, "?", false);
	x += draw_glyph(y, x, G_NOT_REACHED, PAINT_QUIET);
	/* the words right of the mark, or left of it when they fit only
	 * there; each side a blank from the mark */
	int n = draw_width(what);
	int right = free_run(mark, cw, (int)col + 3, 1) - 1;
	int left = free_run(mark, cw, (int)col - 1, -1) - 1;
	if (n > right && left >= n)
		draw_text(y, x0 + (int)col - 1 - n, n, PAINT_MISSING, what, false);
	else if (right > 0)
		draw_text(y, x + 1, right, PAINT_MISSING, what, false);
}

static int64_t event_col(struct timeline *tl, int i)
{
	return i < 0 ? -1 : timeline_axis_column(&tl->ax, tl->ev[i].utc);
}

/* The missing stages of a row, `·?·` one column after where they were due. */
static void draw_row_missing(struct timeline *tl, int r, int y, int x0, int cw, int64_t cursor,
			     const unsigned char *mark)
{
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *e = &tl->ev[i];
		if (!e->missing || e->row != r)
			continue;
		int64_t col = timeline_axis_column(&tl->ax, e->utc) + 1;
		draw_missing(y, x0, cw, col, e->what, (int64_t)i == cursor, mark);
	}
}

/* The hop that stays on a client's row, right of its last mark when the
 * cells are free: "recv→resp 2.89s RC=1" (its own times, not the trace's
 * slowest). The hops between lanes are drawn on the tracks. */
static void draw_hop_label(struct timeline *tl, int r, int y, int x0, int cw,
			   const unsigned char *mark, int last_col)
{
	const struct tl_row *row = &tl->rows[r];
	char text[96];
	int64_t ms = EVENT_NONE, rc = EVENT_NONE;
	const char *name;
	if (row->lane == LANE_AGENT && row->target >= 0) {
		const struct tl_target *tg = &tl->tg[row->target];
		name = "recv";
		if (tg->received != EVENT_NONE && tg->response != EVENT_NONE)
			ms = (tg->response - tg->received) / 1000;
		rc = tg->return_code;
	} else {
		return;
	}
	if (ms == EVENT_NONE || last_col < 0)
		return;
	char d[32];
	timeline_format_ms(ms, d, sizeof(d));
	snprintf(text, sizeof(text), "%s%sresp %s%s", name, glyph(G_ARROW), d,
		 ms < 0 ? " skew!" : "");
	if (rc != EVENT_NONE)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " RC=%" PRId64, rc);
	int start = last_col + 2, n = draw_width(text);
	/* on the critical path itself when it has room, as the tracks do */
	const struct tl_target *tg = &tl->tg[row->target];
	struct timeline_hop h;
	int64_t rcol = timeline_axis_column(&tl->ax, tg->received);
	int64_t scol = timeline_axis_column(&tl->ax, tg->response);
	if (timeline_hop_place(rcol, scol, n + 2, cw, &h) && h.label_at > h.start &&
	    h.label_at + n + 2 <= h.end) {
		start = h.label_at + 1;
		n += 2;
		memmove(text + 1, text, strlen(text) + 1);
		text[0] = ' ';
		strcat(text, " ");
		start--;
	}
	if (start + n > cw)
		return;
	for (int c = start; c < start + n; c++)
		if (mark[c] || in_band(tl, c))
			return;
	draw_text(y, x0 + start, n, ms < 0 ? PAINT_WARN : PAINT_HINT_KEY, text, false);
}

static int first_of(const struct timeline *tl, enum event_kind kind)
{
	for (size_t i = 0; i < tl->n_ev; i++)
		if (tl->ev[i].kind == kind && !tl->ev[i].missing)
			return (int)i;
	return -1;
}

/* The lane's host and how many events it has, under its name. */
static void draw_track_label(struct timeline *tl, enum lane lane, int y, int lw)
{
	const char *host = NULL;
	int n = 0;
	for (size_t i = 0; i < tl->n_ev; i++)
		if (tl->ev[i].lane == lane && !tl->ev[i].missing) {
			host = host ? host : tl->ev[i].host;
			n++;
		}
	char lab[96];
	if (lw >= 24)
		snprintf(lab, sizeof(lab), "   %-10.10s %2d event%s", host ? host : "", n,
			 n == 1 ? "" : "s");
	else
		snprintf(lab, sizeof(lab), "   %-.12s", host ? host : "");
	draw_text(y, 0, lw, PAINT_QUIET, lab, true);
}

/* A hop drawn on the track under a lane: from the stage that sent (at
 * from) to the one that received (at to), its latency on it; a receipt
 * before its cause points back and says skew. */
static void draw_hop(int y, int x0, int cw, int64_t from, int64_t to, const char *name,
		     int64_t ms)
{
	char d[32], text[96];
	timeline_format_ms(ms, d, sizeof(d));
	snprintf(text, sizeof(text), " %s %s%s ", name, d, ms < 0 ? " skew!" : "");
	struct timeline_hop h;
	if (!timeline_hop_place(from, to, draw_width(text), cw, &h))
		return;
	enum paint p = h.back ? PAINT_WARN : PAINT_HINT_KEY;
	for (int c = h.start; c <= h.end; c++) {
		enum glyph g = G_HOP;
		if (h.start == h.end)
			g = G_HOP_DOWN;
		else if (c == h.start && c == (h.back ? to : from))
			g = h.back ? G_HOP_BACK_TO : G_HOP_FROM;
		else if (c == h.end && c == (h.back ? from : to))
			g = h.back ? G_HOP_BACK_FROM : G_HOP_TO;
		draw_glyph(y, x0 + c, g, p);
	}
	if (h.label_at >= 0)
		draw_text(y, x0 + h.label_at, cw - h.label_at, p, text, false);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* "push→recv p50 48ms · max" and the slowest hop in *ms. */
static void receipt_spread(const struct timeline *tl, int64_t push, char *name, size_t len,
			   int64_t *ms)
{
	int64_t *d = xcalloc(tl->n_tg + 1, sizeof(*d));
	size_t n = 0;
	for (size_t i = 0; i < tl->n_tg; i++)
		if (tl->tg[i].received != EVENT_NONE)
			d[n++] = (tl->tg[i].received - push) / 1000;
	if (n > 1) {
		qsort(d, n, sizeof(*d), cmp_i64);
		char p50[32];
		timeline_format_ms(d[n / 2], p50, sizeof(p50));
		size_t at = strlen(name);
		snprintf(name + at, len - at, " p50 %s %s max", p50, glyph(G_NOT_REACHED));
		*ms = d[n - 1];
	}
	free(d);
}

/* The track under the connector (forward -> push) or the server (push ->
 * the first receipt). */
static void draw_track(struct timeline *tl, enum lane lane, int y, int w)
{
	int lw = label_width(w), cw = w - lw - 1, x0 = lw + 1;
	draw_track_label(tl, lane, y, lw);
	draw_glyph(y, lw, G_VBAR, PAINT_QUIET);
	draw_fill(y, x0, cw, PAINT_NORMAL);
	int p = first_of(tl, EV_PUSH_STARTED);
	char name[96];
	if (lane == LANE_CONNECTOR) {
		int f = last_of(tl, EV_FORWARDED);
		if (f < 0 || p < 0)
			return;
		int64_t ms = tl->hop[0] != EVENT_NONE ? tl->hop[0]
						      : (tl->ev[p].utc - tl->ev[f].utc) / 1000;
		snprintf(name, sizeof(name), "fwd%spush", glyph(G_ARROW));
		draw_hop(y, x0, cw, event_col(tl, f), event_col(tl, p), name, ms);
		return;
	}
	int64_t recv = EVENT_NONE;
	for (size_t i = 0; i < tl->n_tg; i++)
		if (tl->tg[i].received != EVENT_NONE && (recv == EVENT_NONE || tl->tg[i].received < recv))
			recv = tl->tg[i].received;
	if (p < 0 || recv == EVENT_NONE)
		return;
	int64_t ms = tl->hop[1] != EVENT_NONE ? tl->hop[1] : (recv - tl->ev[p].utc) / 1000;
	snprintf(name, sizeof(name), "push%srecv", glyph(G_ARROW));
	if (tl->folded)	/* many clients: the typical hop and the slowest */
		receipt_spread(tl, tl->ev[p].utc, name, sizeof(name), &ms);
	draw_hop(y, x0, cw, event_col(tl, p), timeline_axis_column(&tl->ax, recv), name, ms);
}

static void draw_lane(struct timeline *tl, int r, int y, int w, int64_t cursor, bool last_shown)
{
	int lw = label_width(w), cw = w - lw - 1, x0 = lw + 1;
	draw_row_label(tl, r, y, lw, last_shown);
	draw_glyph(y, lw, G_VBAR, PAINT_QUIET);
	draw_fill(y, x0, cw, PAINT_NORMAL);
	unsigned char *mark = xcalloc((size_t)cw, 1);
	int *who = xcalloc((size_t)cw, sizeof(int));
	int *n = xcalloc((size_t)cw, sizeof(int));
	bool *hit = xcalloc((size_t)cw, sizeof(bool));
	int first_col = cw, last_col = -1, cursor_col = -1;
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *e = &tl->ev[i];
		/* the last row shown also carries the rows cut off below it */
		if (e->missing || (e->row != r && !(last_shown && e->row > r)))
			continue;
		int64_t c = timeline_axis_column(&tl->ax, e->utc);
		if (c < 0 || c >= cw)
			continue;
		int m = ev_mark(e);
		n[c]++;
		hit[c] |= tl->matched && tl->matched[i];
		if (m > mark[c]) {
			mark[c] = (unsigned char)m;
			who[c] = (int)i;
		}
		if ((int64_t)i == cursor)
			cursor_col = (int)c;
		first_col = (int)c < first_col ? (int)c : first_col;
		last_col = (int)c > last_col ? (int)c : last_col;
	}
	/* activity between a row's first and last event; a client's receipt
	 * to its response is the critical path */
	int64_t rc = -1, sc = -1;
	if (tl->rows[r].lane == LANE_AGENT && tl->rows[r].target >= 0) {
		const struct tl_target *tg = &tl->tg[tl->rows[r].target];
		if (tg->received != EVENT_NONE && tg->response != EVENT_NONE) {
			rc = timeline_axis_column(&tl->ax, tg->received);
			sc = timeline_axis_column(&tl->ax, tg->response);
		}
	}
	for (int c = first_col + 1; c < last_col; c++) {
		if (mark[c])
			continue;
		if (in_band(tl, c))
			draw_glyph(y, x0 + c, G_BREAK, PAINT_QUIET);
		else if (c > rc && c < sc)
			draw_glyph(y, x0 + c, G_HOP, PAINT_HINT_KEY);
		else
			draw_glyph(y, x0 + c, G_RULE, PAINT_QUIET);
	}
	draw_row_missing(tl, r, y, x0, cw, cursor, mark);
	if (tl->rows[r].lane != LANE_AGENT && !tl->lane_events[tl->rows[r].lane] &&
	    strcmp(tl->status, "unauthorized") && strcmp(tl->status, "not_forwarded") &&
	    tl_lane_uncollected(tl, tl->rows[r].lane)) {
		char text[96];
		snprintf(text, sizeof(text), "%s not collected: no %s log covers the trace", glyph(G_UNKNOWN),
			 lane_name(tl->rows[r].lane));
		draw_text(y, x0, cw, PAINT_WARN, text, false);
	}
	draw_hop_label(tl, r, y, x0, cw, mark, last_col);
	for (int c = 0; c < cw; c++) {
		if (!mark[c])
			continue;
		const struct tl_event *e = &tl->ev[who[c]];
		enum glyph g = mark[c] == MARK_EVENT && n[c] > 1 ? G_SEVERAL : ev_glyph(e);
		enum paint p = c == cursor_col ? (tl->lanes_focus ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR)
			       : hit[c] ? PAINT_MATCH : ev_paint(e);
		draw_glyph(y, x0 + c, g, p);
	}
	free(mark);
	free(who);
	free(n);
	free(hit);
}

/* Folded clients: one row of receipts, one of responses, a bar per
 * column as high as the clients in it (lnav's sparkline); a cell with a
 * failing response is drawn as a failure. The labels count the clients
 * by outcome; the right end says how many of each. */
static void draw_density(struct timeline *tl, bool responses, int y, int w, int64_t cursor)
{
	int lw = label_width(w), cw = w - lw - 1, x0 = lw + 1;
	size_t ok = 0, fail = 0, miss = 0;
	for (size_t i = 0; i < tl->n_tg; i++)
		if (!strcmp(tl->tg[i].status, "complete"))
			ok++;
		else if (!strcmp(tl->tg[i].status, "failed"))
			fail++;
		else
			miss++;
	char lab[96];
	if (!responses) {
		snprintf(lab, sizeof(lab), " BgbAgent %s %zu clients", glyph(G_FOLDED), tl->n_tg);
		draw_text(y, 0, lw, PAINT_HINT_KEY, lab, true);
	} else {
		struct buf b = {0};
		buf_printf(&b, "   %s%zu %s%zu %s%zu", glyph(G_OK), ok, glyph(G_MISSING), miss,
			   glyph(G_FAIL), fail);
		draw_text(y, 0, lw, PAINT_NORMAL, b.data, true);
		buf_free(&b);
	}
	draw_glyph(y, lw, G_VBAR, PAINT_QUIET);
	draw_fill(y, x0, cw, PAINT_NORMAL);
	enum event_kind kind = responses ? EV_RESPONSE_SENT : EV_TASK_RECEIVED;
	int64_t *times = xcalloc(tl->n_ev + 1, sizeof(*times)), *bad = xcalloc(tl->n_ev + 1, sizeof(*bad));
	size_t n = 0, n_bad = 0;
	for (size_t i = 0; i < tl->n_ev; i++) {
		const struct tl_event *e = &tl->ev[i];
		if (e->missing || e->lane != LANE_AGENT || e->kind != kind)
			continue;
		times[n++] = e->utc;
		if (ev_failure(e))
			bad[n_bad++] = e->utc;
	}
	int *counts = xcalloc((size_t)cw, sizeof(int)), *fails = xcalloc((size_t)cw, sizeof(int));
	int max = timeline_density_bucket(&tl->ax, times, n, counts, cw);
	timeline_density_bucket(&tl->ax, bad, n_bad, fails, cw);
	int64_t cur_col = -1;
	if (cursor >= 0 && disp_row(tl, &tl->ev[cursor]) == (responses ? 3 : 2))
		cur_col = timeline_axis_column(&tl->ax, tl->ev[cursor].utc) +
			  (tl->ev[cursor].missing ? 2 : 0);
	int last = -1;
	for (int c = 0; c < cw; c++) {
		int l = timeline_density_level(counts[c], max);
		if (!l)
			continue;
		enum paint p = c == cur_col ? (tl->lanes_focus ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR)
			       : fails[c] ? PAINT_FAIL : responses ? PAINT_NORMAL : PAINT_OK;
		draw_glyph(y, x0 + c, (enum glyph)(G_BAR1 + l - 1), p);
		last = c;
	}
	struct buf b = {0};
	if (!responses)
		buf_printf(&b, " receipts %zu", n);
	else
		buf_printf(&b, " responses %zu, %zu failed", n, n_bad);
	if (!responses && tl->n_tg > n)
		buf_printf(&b, " %s %zu no receipt", glyph(G_MISSING), tl->n_tg - n);
	int tw = draw_width(b.data), at = last + 1;
	if (at + tw > cw)
		at = cw - tw;
	if (at >= 0)
		draw_text(y, x0 + at, tw, n_bad && responses ? PAINT_FAIL : PAINT_HINT_KEY, b.data, false);
	buf_free(&b);
	free(times);
	free(bad);
	free(counts);
	free(fails);
}

/* The record's text soft-wrapped on two rows: each row ends at its own
 * wrap (a row drawn to the full width would repeat the next row's start);
 * the second row, when more follows, runs to the edge and ends in …. */
static void draw_record_text(const char *text, int y, int w)
{
	int tw = w - 2, s = 0, e = 0;
	if (tw < 2)
		return;
	int rows = draw_wrap(text, tw, -1, NULL, NULL);
	draw_wrap(text, tw, 0, &s, &e);
	draw_text_skip(y, 2, e - s, PAINT_NORMAL, text, s, false);
	if (rows < 2)
		return;
	draw_wrap(text, tw, 1, &s, &e);
	if (rows == 2) {
		draw_text_skip(y + 1, 2, e - s, PAINT_NORMAL, text, s, false);
		return;
	}
	int used = draw_text_skip(y + 1, 2, tw - 1, PAINT_NORMAL, text, s, false);
	draw_text(y + 1, 2 + used, 1, PAINT_QUIET, glyph(G_ELLIPSIS), false);
}

/* ▲ under the cursor's column, then what it is; the text below. */
static void draw_readout(struct timeline *tl, int64_t item, int y, int w)
{
	int lw = label_width(w), cw = w - lw - 1, x0 = lw + 1;
	draw_fill(y, 0, w, PAINT_NORMAL);
	draw_fill(y + 1, 0, w, PAINT_NORMAL);
	draw_fill(y + 2, 0, w, PAINT_NORMAL);
	draw_glyph(y, lw, G_VBAR, PAINT_QUIET);
	if (!tl->n_ev) {
		draw_text(y, x0, cw, PAINT_QUIET, "no event of this trace is stored", false);
		return;
	}
	const struct tl_event *e = &tl->ev[item];
	/* a missing stage's `?` is two cells after where it was due */
	int64_t c = timeline_axis_column(&tl->ax, e->utc) + (e->missing ? 2 : 0);
	struct buf b = {0};
	char t[16], off[32];
	hms_ms(e->utc, t);
	format_seconds(e->utc - tl->first, off, sizeof(off));
	if (e->missing)
		buf_printf(&b, " %s due after %ss %s %s %s %s", glyph(G_MISSING), off,
			   glyph(G_NOT_REACHED), e->what, glyph(G_NOT_REACHED),
			   *e->host ? e->host : lane_name(e->lane));
	else
		/* file:line without its folders and before the times (the
		 * events pane has them), so a narrow row cuts the times, not
		 * the line number (Enter shows the path) */
		buf_printf(&b, " %s %s %s %s %s:%u %s %ss %s %s", event_kind_name(e->kind),
			   glyph(G_NOT_REACHED), e->host, glyph(G_NOT_REACHED),
			   lines_file_name(e->path), e->line, glyph(G_NOT_REACHED), off,
			   glyph(G_NOT_REACHED), t);
	int x = x0;
	if (c < 0)
		x += draw_text(y, x, cw, PAINT_QUIET, "< cursor left of the window:", false);
	else if (c >= cw)
		x += draw_text(y, x, cw, PAINT_QUIET, "cursor right of the window >:", false);
	else {
		draw_glyph(y, x0 + (int)c, G_CARET, PAINT_HINT_KEY);
		x = x0 + (int)c + 1;
	}
	/* the readout goes on the side with more room (Jaeger's hintSide) */
	int need = draw_width(b.data), right = w - x, left = x - 1 - x0;
	if (c >= 0 && c < cw && need > right && left > right) {
		int start = x - 1 - need > x0 ? x - 1 - need : x0;
		draw_text(y, start, x - 1 - start, PAINT_HINT_KEY, b.data, false);
	} else if (x < w) {
		draw_text(y, x, w - x, PAINT_HINT_KEY, b.data, false);
	}
	buf_free(&b);
	draw_record_text(e->text, y + 1, w);
}

void timeline_draw_canvas(struct view *v, int y0, int w, int rows)
{
	struct timeline *tl = tl_of(v);
	int lw = label_width(w);
	tl->canvas_cols = w - lw - 1;
	if (tl->fit) {
		tl->ax = tl->brk;
		if (tl->no_breaks)
			tl->ax.n_breaks = 0;
		timeline_axis_fit(&tl->ax, tl->first, tl->last, tl->canvas_cols);
	}
	if (v->item != tl->last_item) {
		follow_cursor(tl, v->item);
		tl->last_item = v->item;
	}
	int64_t cursor = tl->n_ev ? v->item : -1;
	draw_summary(tl, y0, w);
	draw_ruler(tl, y0 + 2, w);
	int lanes = rows - 6 - TRACKS - tl->evidence_lines, y = y0 + 3;
	for (int r = 0; r < lanes && r < lane_rows(tl); r++) {
		if (tl->folded && r >= 2)
			draw_density(tl, r == 3, y++, w, cursor);
		else
			draw_lane(tl, r, y++, w, cursor, r == lanes - 1);
		if (r < TRACKS)
			draw_track(tl, r == 0 ? LANE_CONNECTOR : LANE_SERVER, y++, w);
	}
	draw_readout(tl, cursor < 0 ? 0 : cursor, y0 + 3 + lanes + TRACKS, w);
	tl_evidence_draw(tl, y0 + 3 + lanes + TRACKS + 3, w, tl->evidence_lines);
}
