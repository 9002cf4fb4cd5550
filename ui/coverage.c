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

struct cview {
	struct lines lines;	/* first: lines_* read it */
	bool have[TRACE_LANES];
	size_t n_files;
	struct cfile *f;
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

/* s in at most w columns, cut with an ellipsis, padded (names are ASCII
 * mostly; a cut never splits a UTF-8 sequence). */
static void cut_cell(struct buf *b, const char *s, int w)
{
	size_t len = strlen(s);
	if ((int)len <= w) {
		buf_printf(b, "%-*s", w, s);
		return;
	}
	size_t keep = (size_t)(w > 1 ? w - 1 : 0);
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	buf_append(b, s, keep);
	buf_puts(b, glyph(G_ELLIPSIS));
	for (int i = (int)keep + 1; i < w; i++)
		buf_putc(b, ' ');
}

/* The source most of the file's records took their bias from. */
static const char *dominant_source(const struct store_file_coverage *c)
{
	int best = -1;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		if (c->per_offset_source[i] > 0 &&
		    (best < 0 || c->per_offset_source[i] > c->per_offset_source[best]))
			best = i;
	return best < 0 ? "-" : offset_source_name((enum offset_source)best);
}

static int add_file(void *ctx, const struct store_file_coverage *c)
{
	struct cview *cv = ctx;
	for (int l = 0; l < TRACE_LANES; l++)
		cv->have[l] |= !strcmp(c->role, lane_name((enum lane)l));
	struct buf b = {0};
	buf_printf(&b, "%-10.10s %-9.9s %-20.20s ", c->host, c->role, c->log_name);
	utc_cell(&b, c->timed, c->utc_min);
	buf_putc(&b, ' ');
	utc_cell(&b, c->timed, c->utc_max);
	if (c->bias_min == INT32_MIN)
		buf_printf(&b, " %5s", "?");
	else
		buf_printf(&b, " %+5" PRId32, c->bias_min);
	buf_printf(&b, "  %-8s %7" PRId64 " %6" PRId64, dominant_source(c), c->records,
		   c->error_records);
	/* At 80 columns: minutes, no source, the log name cut. */
	struct buf n = {0};
	cut_cell(&n, c->host, 10);
	buf_putc(&n, ' ');
	cut_cell(&n, c->role, 9);
	buf_putc(&n, ' ');
	cut_cell(&n, c->log_name, 16);
	buf_putc(&n, ' ');
	short_cell(&n, c->timed, c->utc_min);
	buf_putc(&n, ' ');
	short_cell(&n, c->timed, c->utc_max);
	if (c->bias_min == INT32_MIN)
		buf_printf(&n, " %4s", "?");
	else
		buf_printf(&n, " %+4" PRId32, c->bias_min);
	buf_printf(&n, " %6" PRId64 " %4" PRId64, c->records, c->error_records);
	enum paint role = !c->timed ? PAINT_MISSING : c->bias_min == INT32_MIN ? PAINT_WARN
							    : PAINT_NORMAL;
	lines_add_narrow(&cv->lines, role, b.data, n.data);
	buf_free(&b);
	buf_free(&n);
	cv->f = xrealloc(cv->f, (cv->n_files + 1) * sizeof(*cv->f));
	cv->f[cv->n_files++] = (struct cfile){ xstrdup(c->host), xstrdup(c->role),
					       xstrdup(c->log_name), c->timed, c->utc_min,
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

/* What a covering log of a target with this status proves ("" none). */
static const char *target_miss(const char *status)
{
	if (!status)
		return "";
	if (!strcmp(status, "not_delivered"))
		return " not delivered";
	if (!strcmp(status, "no_response"))
		return " no response";
	return "";
}

/* One row: lane, host (shown as name: "HOST?" for a candidate), the
 * verdict and the log that gave it, then miss (" not delivered", " no
 * push", "": none) when the log covers the trace. host NULL: any host
 * of the lane (a file's role is its lane's name). */
static void cover_row(struct cview *cv, const char *lane, const char *host, const char *name,
		      const struct trace_span *ts, const char *miss)
{
	const struct cfile *f;
	enum cover c = cover_of(cv, lane, host, ts->first, ts->last, &f);
	char a[16], z[16], span[64] = "";
	if (f && f->timed) {
		clock_cell(a, f->min);
		clock_cell(z, f->max);
		snprintf(span, sizeof(span), "%s .. %s", a, z);
	}
	bool missed = *miss;
	/* The 80-column form: minutes, the verdict before the log name. */
	struct buf wide = {0}, n = {0};
	char sa[16], sz[16];
	buf_puts(&n, "  ");
	cut_cell(&n, lane, 9);
	buf_putc(&n, ' ');
	cut_cell(&n, name ? name : f ? f->host : "-", 10);
	buf_putc(&n, ' ');
	if (f && f->timed) {
		snprintf(sa, sizeof(sa), "%.11s", a);
		snprintf(sz, sizeof(sz), "%.11s", z);
	}
	switch (c) {
	case COVER_ALL:
	case COVER_PART:
		/* covered and still missed: the log was there, so it is
		 * the delivery (or the answer) that failed */
		buf_printf(&wide, "  %-10s %-16.16s %s %-8s %-27s %-24.24s%s", lane,
			   name ? name : f->host, glyph(c == COVER_ALL ? G_OK : G_MIXED),
			   c == COVER_ALL ? "covered" : "partly", span, f->log, miss);
		buf_printf(&n, "%s %-7s ", glyph(c == COVER_ALL ? G_OK : G_MIXED),
			   c == COVER_ALL ? "covered" : "partly");
		if (f->timed)
			buf_printf(&n, "%s..%s", sa, sz);
		buf_puts(&n, miss);
		if (78 - (int)n.len > 6) {
			buf_putc(&n, ' ');
			cut_cell(&n, f->log, 78 - (int)n.len);
		}
		lines_add_narrow(&cv->lines, missed ? PAINT_MISSING : PAINT_OK, wide.data, n.data);
		break;
	case COVER_OTHER_TIME:
		buf_printf(&wide, "  %-10s %-16.16s %s not collected: %s covers %s, not the trace",
			   lane, name ? name : f->host, glyph(G_UNKNOWN), f->log, *span ? span : "no time");
		buf_printf(&n, "%s not collected: its log covers ", glyph(G_UNKNOWN));
		if (f->timed)
			buf_printf(&n, "%s..%s", sa, sz);
		else
			buf_puts(&n, "no time");
		lines_add_narrow(&cv->lines, PAINT_WARN, wide.data, n.data);
		break;
	default:
		lines_add(&cv->lines, PAINT_WARN, "  %-10s %-16.16s %s not collected: no %s log%s",
			  lane, name ? name : "-", glyph(G_UNKNOWN), lane,
			  host ? " of this host" : " in the bundle");
		break;
	}
	buf_free(&wide);
	buf_free(&n);
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
	cover_row(cv, lane_name(LANE_CONNECTOR), NULL, NULL, &ts, "");
	cover_row(cv, lane_name(LANE_SERVER), NULL, NULL, &ts, ts.no_push ? " no push" : "");
	for (size_t i = 0; i < ts.n; i++) {
		char name[100];	/* as the list shows it: HOST? a candidate */
		snprintf(name, sizeof(name), "%s%s", ts.t[i].host, ts.t[i].inferred ? "?" : "");
		cover_row(cv, lane_name(LANE_AGENT), ts.t[i].host, name, &ts, target_miss(ts.t[i].status));
	}
	/* Targets the push counted but no collected client log names
	 * (candidates are not proof): their logs are missing. */
	int64_t named = 0;
	for (size_t i = 0; i < ts.n; i++)
		named += !ts.t[i].inferred;
	/* Each row also in the 80-column form of the rows above it. */
	char row[256], narrow[160];
	const char *agent = lane_name(LANE_AGENT);
	int64_t unnamed = ts.target_count - named;
	if (ts.no_push) {
		snprintf(row, sizeof(row), "  %-10s %-16s %s no push: nothing to deliver", agent, "-",
			 glyph(G_NOT_REACHED));
		snprintf(narrow, sizeof(narrow), "  %-9s %-10s %s no push: nothing to deliver", agent,
			 "-", glyph(G_NOT_REACHED));
		lines_add_narrow(&cv->lines, PAINT_QUIET, row, narrow);
	} else if (ts.target_count != EVENT_NONE && ts.target_count > named && ts.agent_unseen) {
		snprintf(row, sizeof(row), "  %-10s %-16s %s not collected: %" PRId64 " of %" PRId64
			 " target(s) in no collected client log, no proof they missed it",
			 agent, "?", glyph(G_UNKNOWN), unnamed, ts.target_count);
		snprintf(narrow, sizeof(narrow), "  %-9s %-10s %s not collected: %" PRId64 " of %" PRId64
			 " target(s) in no client log here", agent, "?", glyph(G_UNKNOWN), unnamed,
			 ts.target_count);
		lines_add_narrow(&cv->lines, PAINT_WARN, row, narrow);
	} else if (ts.target_count != EVENT_NONE && ts.target_count > named) {
		snprintf(row, sizeof(row), "  %-10s %-16s %s %" PRId64 " of %" PRId64
			 " target(s) unnamed; every collected client log covers the push: not delivered",
			 agent, "?", glyph(G_MISSING), unnamed, ts.target_count);
		snprintf(narrow, sizeof(narrow), "  %-9s %-10s %s %" PRId64 " of %" PRId64
			 " target(s) unnamed, every client log covers it: not delivered", agent, "?",
			 glyph(G_MISSING), unnamed, ts.target_count);
		lines_add_narrow(&cv->lines, PAINT_MISSING, row, narrow);
	}
	else if (!ts.n)
		lines_add(&cv->lines, PAINT_QUIET, "  %-10s no client target known", lane_name(LANE_AGENT));
	lines_add(&cv->lines, PAINT_NORMAL, "%s", "");
	free(ts.t);
}

static void coverage_title(struct view *v, struct buf *out)
{
	struct cview *cv = v->data;
	buf_printf(out, "%zu logs; bias: UTC = local + bias (minutes)", cv->n_files);
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
	snprintf(wide, sizeof(wide), "%-10s %-9s %-20s %-20s %-20s %5s  %-8s %7s %6s", "HOST",
		 "LANE", "LOG", "FIRST UTC", "LAST UTC", "BIAS", "SOURCE", "RECORDS", "ERRORS");
	snprintf(narrow, sizeof(narrow), "%-10s %-9s %-16s %-11s %-11s %4s %6s %4s", "HOST", "LANE",
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
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &coverage_ops;
	v->app = a;
	v->data = cv;
	return v;
}
