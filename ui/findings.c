/* findings.c - the findings screen: the stored findings (src/findings.c
 * derives them after every ingest) in the store's order, errors first.
 *
 * It is a text-lines view (ui/lines.c): a finding is a head row (severity
 * word, kind, count, title) and indented rows under it (advice, time
 * range, evidence, traces), so / finds in all of them and every string is
 * escaped when drawn. A map from line to finding tells which finding the
 * cursor is on, wherever in it. Enter on an evidence row opens that
 * record's detail; elsewhere it closes the screen and filters the list to
 * every trace the finding names (a finding that names none: its first
 * evidence record). */
#include "findings.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "glyphs.h"
#include "lines.h"
#include "record.h"
#include "tracelist.h"
#include "../parsers/timeparse.h"

/* Evidence rows shown per finding; tatrace findings --format json has all. */
#define EVIDENCE_SHOWN 5

struct fitem {
	char *kind;
	int64_t *traces;
	size_t n_traces;
};

/* An evidence row's record, as the finding names it. */
struct fevidence {
	size_t line;		/* the row */
	char *host, *file;
	uint32_t at;		/* line in the file */
};

struct fview {
	struct lines lines;	/* first: lines_* read it */
	size_t *finding_of;	/* per line */
	struct fevidence *ev;	/* evidence rows that name a line */
	size_t n_ev;
	struct fitem *f;
	size_t n;
	bool empty;		/* no findings: one line saying so */
};

static const struct {
	const char *word;
	enum paint role;
} severities[] = {
	{ "error", PAINT_FAIL },
	{ "warning", PAINT_WARN },
	{ "info", PAINT_ACTIVE },
};

static enum paint severity_role(const char *s)
{
	for (size_t i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		if (!strcmp(s, severities[i].word))
			return severities[i].role;
	return PAINT_NORMAL;
}

static void add_line(struct fview *fv, enum paint role, const char *text)
{
	lines_add(&fv->lines, role, "%s", text);
	fv->finding_of = xrealloc(fv->finding_of, fv->lines.n * sizeof(*fv->finding_of));
	fv->finding_of[fv->lines.n - 1] = fv->n - 1;
}

static void when_text(struct buf *b, const struct finding *f)
{
	char a[32], z[32];
	if (f->first_utc == EVENT_NONE) {
		buf_puts(b, glyph(G_DASH));
		return;
	}
	format_utc_ms(f->first_utc, a);
	format_utc_ms(f->last_utc, z);
	buf_puts(b, a);
	if (f->last_utc != f->first_utc)
		buf_printf(b, " .. %s", z);
}

/* An evidence row, time first so the rows read down a column: wide
 * "2026-09-25T19:35:02.412Z  SCP01  X.log:12"; under 120
 * columns "09-25 19:35:02.412Z  SCP01  X.log:12", the host cut to what the
 * file leaves, so a row keeps to 80 columns. Wrapped rows hang under the time. */
#define EVIDENCE_HANG 14	/* "    evidence: " */
#define EVIDENCE_NARROW 78	/* the text's width at 80 columns */
#define EVIDENCE_HOST_MIN 8
#define EVIDENCE_TIME 19	/* "09-25 19:35:02.412Z" */

/* "X.log:12": the file without its folders (the host says whose; the
 * record detail, Enter, has the whole path). */
static void evidence_place(char *out, size_t len, const struct finding_evidence *e)
{
	const char *file = lines_file_name(e->file ? e->file : "-");
	if (e->line > 0)
		snprintf(out, len, "%s:%" PRId64, file, e->line);
	else
		snprintf(out, len, "%s", file);
}

/* room: the host's cells at 80 columns, the same for every row of a
 * finding so its rows keep one column. */
static void add_evidence_line(struct fview *fv, const char *lead, const struct finding_evidence *e,
			      int room)
{
	struct buf wide = {0}, narrow = {0};
	char t[32] = "-";
	if (e->utc != EVENT_NONE)
		format_utc_ms(e->utc, t);	/* 2026-09-25T19:35:02.412Z */
	const char *host = e->host ? e->host : "-";
	char place[300];
	evidence_place(place, sizeof(place), e);
	buf_printf(&wide, "%s%s  %s  %s", lead, t, host, place);
	buf_printf(&narrow, "%s", lead);
	if (e->utc != EVENT_NONE)
		buf_printf(&narrow, "%.5s %s", t + 5, t + 11);
	else
		buf_puts(&narrow, "-");
	buf_puts(&narrow, "  ");
	if ((int)strlen(host) > room)
		lines_cut(&narrow, host, room);
	else
		buf_puts(&narrow, host);
	buf_printf(&narrow, "  %s", place);
	lines_add_narrow(&fv->lines, PAINT_QUIET, wide.data, narrow.data);
	fv->lines.l[fv->lines.n - 1].hang = EVIDENCE_HANG;
	fv->finding_of = xrealloc(fv->finding_of, fv->lines.n * sizeof(*fv->finding_of));
	fv->finding_of[fv->lines.n - 1] = fv->n - 1;
	buf_free(&wide);
	buf_free(&narrow);
}

/* Remember the row just added as e's, when e names a line. */
static void add_evidence(struct fview *fv, const struct finding_evidence *e)
{
	if (e->line <= 0 || e->line > UINT32_MAX || !e->file)
		return;
	fv->ev = xrealloc(fv->ev, (fv->n_ev + 1) * sizeof(*fv->ev));
	fv->ev[fv->n_ev++] = (struct fevidence){
		.line = fv->lines.n - 1,
		.host = e->host ? xstrdup(e->host) : NULL,
		.file = xstrdup(e->file),
		.at = (uint32_t)e->line,
	};
}

static int add_finding(void *ctx, const struct finding *f)
{
	struct fview *fv = ctx;
	fv->f = xrealloc(fv->f, (fv->n + 1) * sizeof(*fv->f));
	struct fitem *it = &fv->f[fv->n++];
	it->kind = xstrdup(f->kind);
	it->n_traces = f->n_traces;
	it->traces = xcalloc(f->n_traces ? f->n_traces : 1, sizeof(*it->traces));
	if (f->n_traces)
		memcpy(it->traces, f->traces, f->n_traces * sizeof(*it->traces));

	struct buf b = {0};
	buf_printf(&b, "%-8s %-26s %6" PRId64 "x  %s", f->severity, f->kind, f->count, f->title);
	add_line(fv, severity_role(f->severity), b.data);
	b.len = 0;
	buf_printf(&b, "    do:       %s", f->advice);
	add_line(fv, PAINT_NORMAL, b.data);
	b.len = 0;
	buf_puts(&b, "    when:     ");
	when_text(&b, f);
	add_line(fv, PAINT_QUIET, b.data);
	/* the host takes what the longest file leaves, a few cells at least */
	int room = EVIDENCE_NARROW;
	for (size_t i = 0; i < f->n_evidence && i < EVIDENCE_SHOWN; i++) {
		char place[300];
		evidence_place(place, sizeof(place), &f->evidence[i]);
		int r = EVIDENCE_NARROW - EVIDENCE_HANG - EVIDENCE_TIME - 4 - (int)strlen(place);
		room = r < room ? r : room;
	}
	if (room < EVIDENCE_HOST_MIN)
		room = EVIDENCE_HOST_MIN;
	for (size_t i = 0; i < f->n_evidence && i < EVIDENCE_SHOWN; i++) {
		add_evidence_line(fv, i ? "              " : "    evidence: ", &f->evidence[i], room);
		add_evidence(fv, &f->evidence[i]);
	}
	if (f->n_evidence > EVIDENCE_SHOWN) {
		b.len = 0;
		buf_printf(&b, "              %s %zu more: tatrace findings --kind %s", glyph(G_ELLIPSIS),
			   f->n_evidence - EVIDENCE_SHOWN, f->kind);
		add_line(fv, PAINT_QUIET, b.data);
	}
	b.len = 0;
	if (f->n_traces)
		buf_printf(&b, "    traces:   %zu (Enter lists them, the first is %" PRId64 ")",
			   f->n_traces, f->traces[0]);
	else
		buf_puts(&b, "    traces:   none");
	add_line(fv, PAINT_QUIET, b.data);
	add_line(fv, PAINT_NORMAL, "");
	buf_free(&b);
	return 0;
}

static struct fitem *selected(struct view *v)
{
	struct fview *fv = v->data;
	if (v->item < 0 || (size_t)v->item >= fv->lines.n)
		return NULL;
	return &fv->f[fv->finding_of[v->item]];
}

static void findings_title(struct view *v, struct buf *out)
{
	struct fview *fv = v->data;
	struct fitem *it = selected(v);
	if (!it || fv->empty) {
		buf_puts(out, "no findings");
		return;
	}
	buf_printf(out, "finding %zu of %zu: %s", fv->finding_of[v->item] + 1, fv->n, it->kind);
}

static void evidence_open(struct view *v, const struct fevidence *e);

/* Enter: back to the list, filtered to every trace the finding names
 * (its other filters off, so none is hidden). Findings are stored in
 * this screen's order with ids 1, 2, ... (store_findings_replace). A
 * finding that names no trace (a gateway error, a firewall) opens its
 * first evidence record instead: Enter always leads to the proof. */
static unsigned findings_enter(struct view *v)
{
	struct fview *fv = v->data;
	struct fitem *it = selected(v);
	if (it && !it->n_traces) {
		for (size_t i = 0; i < fv->n_ev; i++)
			if (fv->finding_of[fv->ev[i].line] == fv->finding_of[v->item]) {
				evidence_open(v, &fv->ev[i]);
				return STALE_SCREEN;
			}
	}
	if (!it || !it->n_traces) {
		app_message(v->app, PAINT_WARN, "this finding names no trace");
		return STALE_SCREEN;
	}
	tracelist_set_finding(app_root(v->app), (int64_t)fv->finding_of[v->item] + 1, it->kind);
	app_message(v->app, PAINT_ACTIVE, "finding: %s: %zu trace%s (x clears the filter)", it->kind,
		    it->n_traces, it->n_traces == 1 ? "" : "s");
	return STALE_POP | STALE_SCREEN;
}

/* Enter on an evidence row: that record's detail. false: not on one. */
static bool findings_evidence(struct view *v, unsigned *stale)
{
	struct fview *fv = v->data;
	for (size_t i = 0; i < fv->n_ev; i++) {
		if (fv->ev[i].line != (size_t)v->item)
			continue;
		evidence_open(v, &fv->ev[i]);
		*stale = STALE_SCREEN;
		return true;
	}
	return false;
}

static void evidence_open(struct view *v, const struct fevidence *e)
{
	int64_t file_id;
	uint64_t seq;
	if (store_record_at_line(app_store(v->app), e->host, e->file, e->at, &file_id, &seq) == 0)
		record_open(v->app, file_id, seq);
	else
		app_message(v->app, PAINT_WARN, "%s:%u is no longer in the store", e->file,
			    (unsigned)e->at);
}

static unsigned findings_request(struct view *v, enum action a)
{
	unsigned stale;
	if (a == ACT_FINDING_TRACES && findings_evidence(v, &stale))
		return stale;
	if (a == ACT_FINDING_TRACES)
		return findings_enter(v);
	return STALE_UNHANDLED;
}

static void findings_done(struct view *v)
{
	struct fview *fv = v->data;
	for (size_t i = 0; i < fv->n; i++) {
		free(fv->f[i].kind);
		free(fv->f[i].traces);
	}
	free(fv->f);
	for (size_t i = 0; i < fv->n_ev; i++) {
		free(fv->ev[i].host);
		free(fv->ev[i].file);
	}
	free(fv->ev);
	free(fv->finding_of);
	lines_clear(&fv->lines);
	free(fv);
}

/* Live: the findings are replaced after every trace rebuild. */
static unsigned findings_reread(struct view *v)
{
	return lines_swap(v, findings_open(v->app));
}

static const struct view_ops findings_ops = {
	.name = "findings",
	.mask = V_FINDINGS,
	.count = lines_count,
	.height = lines_height,
	.draw_line = lines_draw_line,
	.request = findings_request,
	.match = lines_match,
	.title = findings_title,
	.done = findings_done,
	.reread = findings_reread,
};

struct view *findings_open(struct app *a)
{
	struct fview *fv = xcalloc(1, sizeof(*fv));
	if (store_findings(app_store(a), NULL, add_finding, fv) != 0) {
		app_message(a, PAINT_FAIL, "%s findings: %s", glyph(G_FAIL),
			    store_error(app_store(a)));
		struct view tmp = { .data = fv };
		findings_done(&tmp);
		return NULL;
	}
	if (!fv->n) {
		fv->n = 1;	/* the line's owner; Enter finds no trace */
		fv->empty = true;
		fv->f = xcalloc(1, sizeof(*fv->f));
		fv->f[0].kind = xstrdup("none");
		add_line(fv, PAINT_OK, "No findings: nothing wrong was detected in the stored logs.");
	}
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &findings_ops;
	v->app = a;
	v->data = fv;
	return v;
}
