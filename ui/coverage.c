/* coverage.c - the coverage screen. First, against the trace selected in
 * the list: each lane and host the trace crosses (the connector and
 * server logs, each client target) and whether a log of it covers the
 * trace's time, so "not collected" (no log: tatrace cannot say) reads
 * apart from "not delivered" (the log was there, no receipt). Then
 * `tatrace coverage`'s table of logs, one line per file in (host, lane,
 * log, rotation) order with its first and last UTC, bias (UTC = local +
 * bias) and where the bias came from, records and error records; then
 * the lanes no log covers. A text-lines view (ui/lines.c): / finds,
 * every string is escaped when drawn. */
#include "coverage.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "glyphs.h"
#include "lines.h"
#include "tracelist.h"
#include "../parsers/events.h"
#include "../parsers/timeparse.h"

/* What a file covers, kept to test the selected trace against. */
struct cfile {
	char *host, *role, *log;
	bool timed;
	int64_t min, max;
};

/* What one row of the trace's section says, in a column of its own so
 * the eye reads down it: ◌ (the log was there and holds no such record:
 * the step failed) and ? (no log: tatrace cannot say) apart at a glance,
 * in their own colours, and apart without colour by glyph and word. */
enum verdict {
	VD_COVERED,
	VD_PARTLY,		/* the log covers part of the trace */
	VD_NO_PUSH,		/* the server's log covers it, no push */
	VD_NOT_DELIVERED,	/* a target's log covers the push, no receipt */
	VD_NO_RESPONSE,		/* ... a receipt, no response */
	VD_NO_RECEIPT,		/* a candidate (HOST?): no receipt, perhaps not a target */
	VD_NOT_COLLECTED,	/* no log covers it */
	VD_NOTHING,		/* nothing was pushed: nothing to deliver */
	VD_COUNT
};

struct cview {
	struct lines lines;	/* first: lines_* read it */
	bool have[TRACE_LANES];
	size_t n_files;
	struct cfile *f;
	bool said[VD_COUNT];	/* the verdicts the trace's rows used */
};

/* To the second (the screen is narrow; tatrace coverage has the ms). */
static void utc_cell(struct buf *b, bool timed, int64_t us)
{
	char t[32];
	if (timed && us != EVENT_NONE) {
		format_utc_ms(us, t);	/* 2026-09-25T19:35:02.412Z */
		t[19] = 'Z';
		t[20] = '\0';
	} else {
		snprintf(t, sizeof(t), "-");
	}
	buf_printf(b, "%-20s", t);
}

/* "09-25 19:35": the 80-column table's times (the header says UTC). */
static void short_cell(struct buf *b, bool timed, int64_t us)
{
	char t[32];
	if (timed && us != EVENT_NONE) {
		format_utc_ms(us, t);
		buf_printf(b, "%.5s %.5s", t + 5, t + 11);
	} else {
		buf_printf(b, "%-11s", "-");
	}
}

/* The source most of the file's records took their bias from; -1 none. */
static int dominant_offset(const struct store_file_coverage *c)
{
	int best = -1;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		if (c->per_offset_source[i] > 0 &&
		    (best < 0 || c->per_offset_source[i] > c->per_offset_source[best]))
			best = i;
	return best;
}

static const char *dominant_source(const struct store_file_coverage *c)
{
	int best = dominant_offset(c);
	return best < 0 ? "-" : offset_source_name((enum offset_source)best);
}

/* A bias tatrace inferred (borrowed from the host's other logs, learned
 * from the joins, or assumed) rather than read from the record or given
 * with --tz: the 80-column table, which has no room for the source,
 * marks it '*'. */
static bool bias_inferred(const struct store_file_coverage *c)
{
	int best = dominant_offset(c);
	return best == OFFSET_HOST || best == OFFSET_JOINED || best == OFFSET_ASSUMED;
}

static int add_file(void *ctx, const struct store_file_coverage *c)
{
	struct cview *cv = ctx;
	for (int l = 0; l < TRACE_LANES; l++)
		cv->have[l] |= !strcmp(c->role, lane_name((enum lane)l));
	struct buf b = {0};
	buf_printf(&b, "%-10.10s %-9.9s ", c->host, c->role);
	lines_cut(&b, c->name ? c->name : c->log_name, 24);
	buf_putc(&b, ' ');
	utc_cell(&b, c->timed, c->utc_min);
	buf_putc(&b, ' ');
	utc_cell(&b, c->timed, c->utc_max);
	if (c->bias_min == INT32_MIN)
		buf_printf(&b, " %5s", "?");
	else
		buf_printf(&b, " %+5" PRId32, c->bias_min);
	buf_printf(&b, "  %-8s %7" PRId64 " %6" PRId64, dominant_source(c), c->records,
		   c->error_records);
	/* At 80 columns: minutes, the source only as '*' (inferred), the
	 * log name cut. */
	struct buf n = {0};
	lines_cut(&n, c->host, 10);
	buf_putc(&n, ' ');
	lines_cut(&n, c->role, 9);
	buf_putc(&n, ' ');
	/* ".log" goes (most are), a rotated ".lo_" stays: BgbServer.lo_
	 * and BgbServer read apart */
	const char *fname = c->name ? c->name : c->log_name;
	size_t flen = strlen(fname);
	char *shown = flen > 4 && !strcasecmp(fname + flen - 4, ".log") ? xstrndup(fname, flen - 4)
									 : xstrdup(fname);
	lines_cut(&n, shown, 15);
	free(shown);
	buf_putc(&n, ' ');
	short_cell(&n, c->timed, c->utc_min);
	buf_putc(&n, ' ');
	short_cell(&n, c->timed, c->utc_max);
	if (c->bias_min == INT32_MIN)
		buf_printf(&n, " %4s ", "?");
	else
		buf_printf(&n, " %+4" PRId32 "%c", c->bias_min, bias_inferred(c) ? '*' : ' ');
	buf_printf(&n, "%6" PRId64 " %4" PRId64, c->records, c->error_records);
	enum paint role = !c->timed ? PAINT_MISSING : c->bias_min == INT32_MIN ? PAINT_WARN
							    : PAINT_NORMAL;
	lines_add_narrow(&cv->lines, role, b.data, n.data);
	buf_free(&b);
	buf_free(&n);
	cv->f = xrealloc(cv->f, (cv->n_files + 1) * sizeof(*cv->f));
	cv->f[cv->n_files++] = (struct cfile){ xstrdup(c->host), xstrdup(c->role),
					       xstrdup(c->name ? c->name : c->log_name), c->timed, c->utc_min,
					       c->utc_max };
	return 0;
}

/* ---- the selected trace against the logs ---- */

enum cover { COVER_NONE, COVER_OTHER_TIME, COVER_PART, COVER_ALL };

struct trace_span {
	int64_t id, first, last;
	char guid[64], status[32];
	struct cov_target { char host[96]; char status[32]; bool inferred; } *t;
	size_t n;
	int64_t target_count;
	bool agent_unseen;	/* the rebuild found no agent evidence */
	bool no_push;		/* the verdict: no push was ever started */
};

static int take_trace(void *ctx, const struct trace_row *r)
{
	struct trace_span *ts = ctx;
	ts->first = r->first_utc;
	ts->last = r->last_utc;
	snprintf(ts->guid, sizeof(ts->guid), "%s", r->guid ? r->guid : "-");
	snprintf(ts->status, sizeof(ts->status), "%s", r->status);
	ts->target_count = r->target_count;
	/* Stopped before the server pushed: nothing to deliver. */
	ts->no_push = !strcmp(r->status, "unauthorized") || !strcmp(r->status, "not_forwarded") ||
		      !strcmp(r->status, "not_pushed");
	ts->agent_unseen = r->missing && strstr(r->missing, lane_name(LANE_AGENT));
	return 1;
}

static int take_target(void *ctx, const struct trace_target *t)
{
	struct trace_span *ts = ctx;
	ts->t = xrealloc(ts->t, (ts->n + 1) * sizeof(*ts->t));
	struct cov_target *g = &ts->t[ts->n++];
	snprintf(g->host, sizeof(g->host), "%s", t->host);
	snprintf(g->status, sizeof(g->status), "%s", t->status);
	g->inferred = t->inferred;
	return 0;
}

/* How well the logs of role (and host, NULL any) cover [first, last];
 * *which: the best file. */
static enum cover cover_of(const struct cview *cv, const char *role, const char *host,
			   int64_t first, int64_t last, const struct cfile **which)
{
	enum cover best = COVER_NONE;
	*which = NULL;
	for (size_t i = 0; i < cv->n_files; i++) {
		const struct cfile *f = &cv->f[i];
		if (strcmp(f->role, role) || (host && strcasecmp(f->host, host)))
			continue;
		enum cover c = !f->timed || f->max < first || f->min > last ? COVER_OTHER_TIME
			       : f->min <= first && f->max >= last ? COVER_ALL : COVER_PART;
		if (c > best || !*which) {
			best = c > best ? c : best;
			*which = f;
		}
	}
	return best;
}

/* "09-25 19:35Z": logs often span days. */
static void clock_cell(char out[16], int64_t us)
{
	char t[32];
	format_utc_ms(us, t);	/* 2026-09-25T19:35:02.412Z */
	snprintf(out, 16, "%.5s %.5sZ", t + 5, t + 11);
}

static const struct {
	enum glyph glyph;
	const char *word;
	enum paint role;
} verdicts[VD_COUNT] = {
	[VD_COVERED] = { G_OK, "covered", PAINT_OK },
	[VD_PARTLY] = { G_MIXED, "partly covered", PAINT_OK },
	[VD_NO_PUSH] = { G_MISSING, "no push", PAINT_MISSING },
	[VD_NOT_DELIVERED] = { G_MISSING, "not delivered", PAINT_MISSING },
	[VD_NO_RESPONSE] = { G_MISSING, "no response", PAINT_MISSING },
	[VD_NO_RECEIPT] = { G_MISSING, "no receipt", PAINT_MISSING },
	[VD_NOT_COLLECTED] = { G_UNKNOWN, "not collected", PAINT_WARN },
	[VD_NOTHING] = { G_NOT_REACHED, "nothing to deliver", PAINT_QUIET },
};

/* The section's columns: lane, host, verdict, then what backs it. */
#define W_LANE 10
#define W_HOST 16
#define W_VERDICT 20
#define W_LINE 118	/* the text's width at 120 columns */
#define W_USED (2 + W_LANE + 1 + W_HOST + 1 + W_VERDICT + 1)
#define N_LANE 9
#define N_HOST 10
#define N_VERDICT 17
#define N_LINE 78	/* the text's width at 80 columns */

/* One row, wide and at 80 columns; detail and narrow_detail say what
 * backs the verdict (the narrow one is cut to fit). */
static void verdict_row(struct cview *cv, const char *lane, const char *host, enum verdict vd,
			const char *detail, const char *narrow_detail)
{
	struct buf w = {0}, n = {0}, word = {0};
	buf_printf(&word, "%s %s", glyph(verdicts[vd].glyph), verdicts[vd].word);
	buf_puts(&w, "  ");
	lines_cut(&w, lane, W_LANE);
	buf_putc(&w, ' ');
	lines_cut(&w, host, W_HOST);
	buf_putc(&w, ' ');
	buf_puts(&w, word.data);
	for (int i = (int)strlen(verdicts[vd].word) + 2; i < W_VERDICT; i++)
		buf_putc(&w, ' ');
	buf_putc(&w, ' ');
	if ((int)strlen(detail) > W_LINE - W_USED)
		lines_cut(&w, detail, W_LINE - W_USED);
	else
		buf_puts(&w, detail);
	buf_puts(&n, "  ");
	lines_cut(&n, lane, N_LANE);
	buf_putc(&n, ' ');
	lines_cut(&n, host, N_HOST);
	buf_putc(&n, ' ');
	buf_puts(&n, word.data);
	for (int i = (int)strlen(verdicts[vd].word) + 2; i < N_VERDICT; i++)
		buf_putc(&n, ' ');
	/* cells so far (the glyph is one cell, several bytes) */
	int used = 2 + N_LANE + 1 + N_HOST + 1 + N_VERDICT;
	if ((int)strlen(verdicts[vd].word) + 2 > N_VERDICT)
		used += (int)strlen(verdicts[vd].word) + 2 - N_VERDICT;
	if (*narrow_detail && N_LINE - used - 1 > 4) {
		buf_putc(&n, ' ');
		if ((int)strlen(narrow_detail) > N_LINE - used - 1)
			lines_cut(&n, narrow_detail, N_LINE - used - 1);
		else
			buf_puts(&n, narrow_detail);
	}
	lines_add_narrow(&cv->lines, verdicts[vd].role, w.data, n.data);
	cv->said[vd] = true;
	buf_free(&w);
	buf_free(&n);
	buf_free(&word);
}

/* What a covering log of a target with this status proves. */
static enum verdict target_miss(const char *status, bool candidate)
{
	if (status && !strcmp(status, "not_delivered"))
		return candidate ? VD_NO_RECEIPT : VD_NOT_DELIVERED;
	if (status && !strcmp(status, "no_response"))
		return VD_NO_RESPONSE;
	return VD_COVERED;
}

/* One lane's row: host (shown as name: "HOST?" for a candidate; NULL:
 * any host of the lane, a file's role being its lane's name) against
 * the logs; miss: what the covering log proves (VD_COVERED: nothing
 * missing). */
static void cover_row(struct cview *cv, const char *lane, const char *host, const char *name,
		      const struct trace_span *ts, enum verdict miss)
{
	const struct cfile *f;
	enum cover c = cover_of(cv, lane, host, ts->first, ts->last, &f);
	char a[16], z[16], span[64] = "", nspan[40] = "";
	if (f && f->timed) {
		clock_cell(a, f->min);
		clock_cell(z, f->max);
		snprintf(span, sizeof(span), "%s .. %s", a, z);
		snprintf(nspan, sizeof(nspan), "%.11s..%.11s", a, z);
	}
	const char *who = name ? name : f ? f->host : "-";
	struct buf d = {0}, nd = {0};
	enum verdict vd;
	switch (c) {
	case COVER_ALL:
	case COVER_PART:
		vd = miss != VD_COVERED ? miss : c == COVER_ALL ? VD_COVERED : VD_PARTLY;
		buf_printf(&d, "%-32s %s", f->log, span);
		if (c == COVER_PART && miss != VD_COVERED)
			buf_puts(&d, " (part of the trace)");
		buf_puts(&nd, f->log);
		break;
	case COVER_OTHER_TIME:
		vd = VD_NOT_COLLECTED;
		buf_printf(&d, "its log covers %s, not the trace", *span ? span : "no time");
		buf_printf(&nd, "its log covers %s", *nspan ? nspan : "no time");
		break;
	default:
		vd = VD_NOT_COLLECTED;
		buf_printf(&d, "no %s log%s", lane, host ? " of this host" : " in the bundle");
		buf_printf(&nd, "no %s log%s", lane, host ? " of it" : " here");
		break;
	}
	verdict_row(cv, lane, who, vd, d.data, nd.data);
	buf_free(&d);
	buf_free(&nd);
}

/* The targets the push counted that no collected client log names
 * (candidates are not proof): their logs are missing, unless every
 * collected client log covers the push without a receipt. */
static void unnamed_row(struct cview *cv, const struct trace_span *ts)
{
	const char *agent = lane_name(LANE_AGENT);
	int64_t named = 0;
	for (size_t i = 0; i < ts->n; i++)
		named += !ts->t[i].inferred;
	if (ts->no_push) {
		verdict_row(cv, agent, "-", VD_NOTHING, "the server never pushed it", "");
		return;
	}
	if (ts->target_count == EVENT_NONE || ts->target_count <= named) {
		if (!ts->n)
			verdict_row(cv, agent, "-", VD_NOT_COLLECTED, "no client target known",
				    "no target known");
		return;
	}
	char who[32], d[160], nd[80];
	int64_t unnamed = ts->target_count - named;
	snprintf(who, sizeof(who), "%" PRId64 " target%s", unnamed, unnamed == 1 ? "" : "s");
	if (ts->agent_unseen) {
		snprintf(d, sizeof(d), "of the push's %" PRId64 ": in no collected client log, "
			 "tatrace cannot say", ts->target_count);
		snprintf(nd, sizeof(nd), "in no client log here");
		verdict_row(cv, agent, who, VD_NOT_COLLECTED, d, nd);
	} else {
		snprintf(d, sizeof(d), "of the push's %" PRId64 ": every client log covers the push, "
			 "no receipt", ts->target_count);
		snprintf(nd, sizeof(nd), "every client log covers it");
		verdict_row(cv, agent, who, VD_NOT_DELIVERED, d, nd);
	}
}

/* The selected trace's lanes and hosts against the logs, first. */
static void trace_section(struct cview *cv, struct app *a)
{
	int64_t id, first;
	const char *guid, *status;
	if (!tracelist_selected(app_root(a), &id, &guid, &status, &first))
		return;
	struct trace_span ts = { .id = id };
	struct trace_query q = { .id = id };
	struct store *s = app_store(a);
	if (store_traces(s, &q, take_trace, &ts) < 0 || store_trace_targets(s, id, take_target, &ts) < 0) {
		free(ts.t);
		return;
	}
	char f0[32], f1[32];
	format_utc_ms(ts.first, f0);
	format_utc_ms(ts.last, f1);
	struct buf wide = {0}, n = {0};
	buf_printf(&wide, "trace %" PRId64 " %s %s, %s .. %s: the logs", id, ts.guid,
		   ts.status, f0, f1 + 11);
	buf_printf(&n, "trace %" PRId64 " %.8s%s %s, %.5s %.8s .. %.8s: the logs", id, ts.guid,
		   strlen(ts.guid) > 8 ? glyph(G_ELLIPSIS) : "", ts.status, f0 + 5, f0 + 11, f1 + 11);
	lines_add_narrow(&cv->lines, PAINT_HEADER, wide.data, n.data);
	buf_free(&wide);
	buf_free(&n);
	cover_row(cv, lane_name(LANE_CONNECTOR), NULL, NULL, &ts, VD_COVERED);
	cover_row(cv, lane_name(LANE_SERVER), NULL, NULL, &ts, ts.no_push ? VD_NO_PUSH : VD_COVERED);
	for (size_t i = 0; i < ts.n; i++) {
		char name[100];	/* as the list shows it: HOST? a candidate */
		snprintf(name, sizeof(name), "%s%s", ts.t[i].host, ts.t[i].inferred ? "?" : "");
		cover_row(cv, lane_name(LANE_AGENT), ts.t[i].host, name, &ts,
			  target_miss(ts.t[i].status, ts.t[i].inferred));
	}
	unnamed_row(cv, &ts);
	/* The two words that must not be confused, said once. */
	bool missing = false, unknown = cv->said[VD_NOT_COLLECTED];
	for (int i = 0; i < VD_COUNT; i++)
		missing |= verdicts[i].glyph == G_MISSING && cv->said[i];
	char legend[256], nlegend[160];
	snprintf(legend, sizeof(legend), "  %s its log covers the trace, no such record   "
		 "%s no log covers it: tatrace cannot say",
		 glyph(G_MISSING), glyph(G_UNKNOWN));
	snprintf(nlegend, sizeof(nlegend), "  %s its log covers it, no such record   %s no log: cannot say",
		 glyph(G_MISSING), glyph(G_UNKNOWN));
	if (missing || unknown)
		lines_add_narrow(&cv->lines, PAINT_QUIET, legend, nlegend);
	lines_add(&cv->lines, PAINT_NORMAL, "%s", "");
	free(ts.t);
}

/* A log collected twice (the same bytes under two names): it covers
 * nothing more, so the table leaves it out; said here so an admin who
 * counts the files he sent finds them all. */
static int add_duplicate(void *ctx, const struct store_duplicate *d)
{
	struct cview *cv = ctx;
	const char *a = lines_file_name(d->path), *b = lines_file_name(d->original);
	bool same = !strcmp(a, b);	/* the folders tell them apart then */
	struct buf w = {0};
	buf_puts(&w, "  ");
	lines_cut(&w, d->host ? d->host : "-", 10);
	buf_printf(&w, " %s = %s", same ? d->path : a, same ? d->original : b);
	lines_add(&cv->lines, PAINT_QUIET, "%s", w.data);
	buf_free(&w);
	return 0;
}

static void coverage_title(struct view *v, struct buf *out)
{
	struct cview *cv = v->data;
	buf_printf(out, "%zu logs; bias: UTC = local + bias (minutes)%s", cv->n_files,
		   v->cols < 118 ? ", * inferred" : "");
}

static unsigned coverage_request(struct view *v, enum action a)
{
	(void)v;
	(void)a;
	return STALE_UNHANDLED;
}

static void files_free(struct cview *cv)
{
	for (size_t i = 0; i < cv->n_files; i++) {
		free(cv->f[i].host);
		free(cv->f[i].role);
		free(cv->f[i].log);
	}
	free(cv->f);
}

static void coverage_done(struct view *v)
{
	struct cview *cv = v->data;
	lines_clear(&cv->lines);
	files_free(cv);
	free(cv);
}

/* Live: logs grow, new ones and new hosts appear. */
static unsigned coverage_reread(struct view *v)
{
	return lines_swap(v, coverage_open(v->app));
}

static const struct view_ops coverage_ops = {
	.name = "coverage",
	.mask = V_COVERAGE,
	.count = lines_count,
	.height = lines_height,
	.draw_line = lines_draw_line,
	.request = coverage_request,
	.match = lines_match,
	.title = coverage_title,
	.done = coverage_done,
	.reread = coverage_reread,
};

struct view *coverage_open(struct app *a)
{
	struct cview *cv = xcalloc(1, sizeof(*cv));
	struct lines table = {0};
	/* The files first (the trace's rows test against them), shown after. */
	struct cview files = {0};
	char wide[160], narrow[96];
	snprintf(wide, sizeof(wide), "%-10s %-9s %-24s %-20s %-20s %5s  %-8s %7s %6s", "HOST",
		 "LANE", "LOG", "FIRST UTC", "LAST UTC", "BIAS", "SOURCE", "RECORDS", "ERRORS");
	snprintf(narrow, sizeof(narrow), "%-10s %-9s %-15s %-11s %-11s %4s %6s %4s", "HOST", "LANE",
		 "LOG", "FIRST UTC", "LAST UTC", "BIAS", "RECS", "ERRS");
	lines_add_narrow(&files.lines, PAINT_HEADER, wide, narrow);
	if (store_file_coverage(app_store(a), add_file, &files) != 0) {
		app_message(a, PAINT_FAIL, "%s coverage: %s", glyph(G_FAIL),
			    store_error(app_store(a)));
		lines_clear(&files.lines);
		files_free(&files);
		free(cv);
		return NULL;
	}
	table = files.lines;
	memcpy(cv->have, files.have, sizeof(cv->have));
	cv->n_files = files.n_files;
	cv->f = files.f;
	trace_section(cv, a);
	for (size_t i = 0; i < table.n; i++)
		lines_add_narrow(&cv->lines, table.l[i].role, table.l[i].text, table.l[i].narrow);
	lines_clear(&table);
	lines_add(&cv->lines, PAINT_NORMAL, "%s", "");
	bool all = true;
	for (int l = 0; l < TRACE_LANES; l++)
		if (!cv->have[l]) {
			lines_add(&cv->lines, PAINT_MISSING, "%s no %s log: traces cannot show that lane",
				  glyph(G_MISSING), lane_name((enum lane)l));
			all = false;
		}
	if (all)
		lines_add(&cv->lines, PAINT_OK, "%s every lane (connector, server, agent) has a log",
			  glyph(G_OK));
	size_t before = cv->lines.n;
	lines_add(&cv->lines, PAINT_NORMAL, "%s", "");
	lines_add(&cv->lines, PAINT_HEADER, "%s", "Read once: the same bytes as a log above, under another name");
	if (store_duplicate_files(app_store(a), add_duplicate, cv) != 0 || cv->lines.n == before + 2) {
		while (cv->lines.n > before) {	/* none (or unreadable): no heading */
			cv->lines.n--;
			free(cv->lines.l[cv->lines.n].text);
			free(cv->lines.l[cv->lines.n].narrow);
		}
	}
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &coverage_ops;
	v->app = a;
	v->data = cv;
	return v;
}
