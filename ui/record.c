/* record.c - the record detail: a text-lines view (ui/lines.c) built from
 * one record and the store around it (db/records.c, events, findings).
 *
 * Sections: a key/value block (UTC, local time, bias and its source,
 * source file and line, shape, the trace event's fields, its trace, the
 * findings naming its line, the error codes it names), the raw record
 * with a line-number gutter, and the records around it in its file.
 * [ and ] step to the file's previous and next record; t opens the trace
 * the record's event belongs to; L the merged log at the record. Every
 * string goes through draw_text, which escapes what is not printable. */
#include "record.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "glyphs.h"
#include "lines.h"
#include "../src/output.h"
#include "logview.h"
#include "timeline.h"
#include "../db/pages.h"
#include "../parsers/timeparse.h"
#include "../src/errcodes.h"

#define CONTEXT_RECORDS 4	/* before and after */
#define CODES_MAX 8
#define RAW_LINES_MAX 2000	/* of one record; tatrace cat has the rest */

/* Where a record's bias came from, in words (by enum offset_source). */
static const char *const offset_words[OFFSET_SOURCE_COUNT] = {
	[OFFSET_EXPLICIT] = "the record carried its bias",
	[OFFSET_HOST] = "borrowed from the host's nearest record that carried one",
	[OFFSET_OVERRIDE] = "set with --tz HOST=BIAS",
	[OFFSET_ASSUMED] = "nothing known: UTC assumed (a guess)",
	[OFFSET_PSADT] = "the record carried its offset east of UTC (PSADT), read with the sign flipped",
	[OFFSET_JOINED] = "learned from joins of the host's events with other hosts'",
};

struct rview {
	struct lines lines;	/* first: lines_* read it */
	struct app *app;
	int64_t file_id;
	uint64_t seq;
	int64_t utc;
	bool dated;
	int64_t trace_id;
	char *place;		/* "host file.log:line" for the title */
	int64_t *context_seq;	/* per line: the record a context row shows, -1 */
	size_t n_context_seq;
	char *host, *path;
	uint32_t line;
	bool found;
};

static void add(struct rview *rv, enum paint role, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct rview *rv, enum paint role, const char *label, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	lines_add(&rv->lines, role, "  %-9s %s", label, text ? text : "");
	rv->lines.l[rv->lines.n - 1].hang = 12;	/* wrapped under the value */
	free(text);
}

/* "── title ────": 40 cells of rule, or under 120 columns as many as
 * fill 78 (a rule never wraps). */
static void rule(struct rview *rv, const char *title)
{
	struct buf b = {0}, n = {0};
	buf_printf(&b, "%s%s %s ", glyph(G_RULE), glyph(G_RULE), title);
	buf_append(&n, b.data, b.len);
	int fill = 78 - draw_width(b.data);
	for (int i = 0; i < 40; i++)
		buf_puts(&b, glyph(G_RULE));
	for (int i = 0; i < fill; i++)
		buf_puts(&n, glyph(G_RULE));
	lines_add_narrow(&rv->lines, PAINT_QUIET, b.data, n.data);
	buf_free(&b);
	buf_free(&n);
}

/* The raw text's physical lines, SMS "~~" breaks too, under a gutter of
 * line numbers (a ~~ break keeps the number: it is one physical line). */
static void raw_lines(struct rview *rv, const struct stored_record *r)
{
	const char *s = r->text, *end = r->text + r->len;
	uint32_t line = r->line;
	bool cont = false;
	for (int shown = 0; s < end; shown++) {
		if (shown == RAW_LINES_MAX) {
			size_t more = 0;
			for (const char *p = s; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
				more++;
			more += end[-1] != '\n';	/* a last line without its newline */
			lines_add(&rv->lines, PAINT_QUIET, "  %7s %s %zu more lines: tatrace cat -d STORE %" PRId64,
				  "", glyph(G_ELLIPSIS), more, r->file_id);
			break;
		}
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *tt = NULL;
		for (const char *p = s; p + 1 < (nl ? nl : end); p++)
			if (p[0] == '~' && p[1] == '~') {
				tt = p;
				break;
			}
		const char *stop = tt ? tt : nl ? nl : end;
		size_t n = (size_t)(stop - s);
		if (n && s[n - 1] == '\r' && stop == nl)
			n--;
		struct buf b = {0};
		if (cont)
			buf_printf(&b, "  %7s %s ", "", glyph(G_WAIT));
		else
			buf_printf(&b, "  %7u %s ", (unsigned)line, glyph(G_VBAR));
		buf_append(&b, s, n);
		lines_add_text(&rv->lines, PAINT_NORMAL, b.data, b.len);
		rv->lines.l[rv->lines.n - 1].hang = 12;	/* wrapped right of the gutter */
		buf_free(&b);
		if (tt) {
			s = tt + 2;
			cont = true;
		} else {
			s = stop + (nl ? 1 : 0);
			line++;
			cont = false;
			if (!nl)
				break;
		}
	}
}

static void codes_lines(struct rview *rv, const char *msg, size_t len)
{
	struct errcode_hit hits[CODES_MAX];
	size_t n = errcode_scan(msg, len, hits, CODES_MAX);
	for (size_t i = 0; i < n; i++) {
		char label[32];
		const struct errcode *ec = errcode_find(hits[i].family, hits[i].code);
		errcode_label(hits[i].family, hits[i].code, label, sizeof(label));
		if (ec)
			add(rv, PAINT_WARN, i ? "" : "Codes", "%s %s (%s): %s", label, ec->name, ec->source,
			    ec->meaning);
		else
			add(rv, PAINT_QUIET, i ? "" : "Codes", "%s: not in tatrace's table (tatrace explain --list)",
			    label);
	}
}

/* The head block of the record itself. */
static int record_head(void *ctx, const struct stored_record *r)
{
	struct rview *rv = ctx;
	char t[32];
	rv->found = true;
	rv->utc = r->utc_us;
	rv->dated = r->dated;
	rv->host = xstrdup(r->host);
	rv->path = xstrdup(r->path);
	rv->line = r->line;
	const char *slash = strrchr(r->path, '/');
	struct buf b = {0};
	buf_printf(&b, "%s %s:%u", r->host, slash ? slash + 1 : r->path, (unsigned)r->line);
	rv->place = b.data;

	format_utc_ms(r->utc_us, t);
	if (!r->dated)
		add(rv, PAINT_NORMAL, "UTC", "none: the record comes before its file's first time");
	else
		add(rv, PAINT_NORMAL, "UTC", "%s%s", t,
		    r->timed ? "" : "  (no time of its own: taken from the record before)");
	if (r->time_text.len) {
		/* CCM's span runs from time="..." into date="...": one space instead */
		struct buf lt = {0};
		const char *p = r->text + r->time_text.off, *end = p + r->time_text.len;
		const char *cut = memmem(p, r->time_text.len, "\" date=\"", 8);
		buf_append(&lt, p, (size_t)((cut ? cut : end) - p));
		if (cut) {
			buf_putc(&lt, ' ');
			buf_append(&lt, cut + 8, (size_t)(end - cut - 8));
		}
		add(rv, PAINT_NORMAL, "Local", "%s  (as written%s)", lt.data,
		    r->timed ? "" : "; not its own: the record before's");
		buf_free(&lt);
	}
	else
		add(rv, PAINT_QUIET, "Local", "the record has no time text");
	enum offset_source src = r->offset_source < OFFSET_SOURCE_COUNT ? r->offset_source : OFFSET_ASSUMED;
	add(rv, src == OFFSET_EXPLICIT || src == OFFSET_OVERRIDE ? PAINT_NORMAL : PAINT_WARN, "Bias",
	    "%+d min (UTC = local + bias), %s: %s", (int)r->bias_min, offset_source_name(src),
	    offset_words[src]);
	/* file:line, one word, as compilers write it: a wrap cannot split it */
	add(rv, PAINT_NORMAL, "Source", "%s  %s:%u  (record %" PRIu64 " of file %" PRId64 ")", r->host,
	    r->path, (unsigned)r->line, r->seq + 1, r->file_id);
	enum severity sev = severity_of(r->type, r->keyword_sev);
	b = (struct buf){0};
	buf_printf(&b, "%zu bytes", r->len);
	if (r->type >= 0)
		buf_printf(&b, " %s type %d", glyph(G_NOT_REACHED), (int)r->type);
	buf_printf(&b, " %s %s", glyph(G_NOT_REACHED), severity_name(sev));
	if (r->thread >= 0)
		buf_printf(&b, " %s thread %d", glyph(G_NOT_REACHED), (int)r->thread);
	if (*r->component)
		buf_printf(&b, " %s component %s", glyph(G_NOT_REACHED), r->component);
	if (r->partial)
		buf_printf(&b, " %s partial (torn or unframed text)", glyph(G_NOT_REACHED));
	add(rv, sev == SEV_ERROR ? PAINT_FAIL : sev == SEV_WARNING ? PAINT_WARN : PAINT_NORMAL, "Record",
	    "%s", b.data);
	buf_free(&b);
	codes_lines(rv, r->text + r->message.off, r->message.len);
	return 0;
}

static int record_raw(void *ctx, const struct stored_record *r)
{
	struct rview *rv = ctx;
	raw_lines(rv, r);
	return 0;
}

/* One field of an event, when it has a value. */
static void field_num(struct buf *b, const char *name, int64_t v)
{
	if (v != EVENT_NONE)
		buf_printf(b, " %s %s %" PRId64, glyph(G_NOT_REACHED), name, v);
}

static void field_str(struct buf *b, const char *name, const char *v)
{
	if (*v)
		buf_printf(b, " %s %s %s", glyph(G_NOT_REACHED), name, v);
}

static int event_fields(void *ctx, const struct stored_event *e)
{
	struct rview *rv = ctx;
	const struct event *ev = &e->ev;
	struct buf b = {0};
	buf_printf(&b, "%s (%s lane)", event_kind_name(ev->kind), lane_name(ev->lane));
	field_str(&b, "GUID", ev->guid);
	field_num(&b, "push id", ev->push_id);
	field_num(&b, "task id", ev->task_id);
	field_num(&b, "task type", ev->task_type);
	field_num(&b, "count", ev->count);
	field_num(&b, "failed", ev->failed);
	field_num(&b, "return code", ev->return_code);
	field_num(&b, "http", ev->http_status);
	field_str(&b, "name", ev->name);
	field_str(&b, "tenant", ev->tenant);
	field_str(&b, "user", ev->user);
	field_str(&b, "detail", ev->detail);
	add(rv, PAINT_ACTIVE, "Event", "%s", b.data);
	buf_free(&b);
	return 0;
}

static int finding_line(void *ctx, const struct finding *f)
{
	struct rview *rv = ctx;
	add(rv, !strcmp(f->severity, "error") ? PAINT_FAIL : PAINT_WARN, "Finding", "%s %s: %s", f->severity,
	    f->kind, f->title);
	add(rv, PAINT_NORMAL, "", "do: %s  (F: all findings)", f->advice);
	return 0;
}

static int context_row(void *ctx, const struct stored_record *r)
{
	struct rview *rv = ctx;
	char t[32], sep[16];
	format_utc_ms(r->utc_us, t);
	snprintf(sep, sizeof(sep), " %s ", glyph(G_NEWLINE));
	struct buf b = {0};
	enum severity sev = severity_of(r->type, r->keyword_sev);
	buf_printf(&b, "%s %7u  %.12s  %c  ", r->seq == rv->seq ? glyph(G_HEAD) : " ", (unsigned)r->line,
		   r->dated ? t + 11 : "(no time)   ", "VIWE"[sev < SEV_COUNT ? sev : 0]);
	log_one_line(&b, r->text + r->message.off, r->message.len, 512, sep);
	lines_add(&rv->lines, sev == SEV_ERROR ? PAINT_FAIL : sev == SEV_WARNING ? PAINT_WARN :
			      r->seq == rv->seq ? PAINT_ACTIVE : PAINT_NORMAL,
		  "%s", b.data);
	buf_free(&b);
	/* Enter on this line retargets: remember which record it shows. */
	rv->context_seq = xrealloc(rv->context_seq, rv->lines.n * sizeof(*rv->context_seq));
	for (size_t i = rv->n_context_seq; i < rv->lines.n; i++)
		rv->context_seq[i] = -1;
	rv->n_context_seq = rv->lines.n;
	rv->context_seq[rv->lines.n - 1] = (int64_t)r->seq;
	return 0;
}

static void rview_reset(struct rview *rv)
{
	lines_clear(&rv->lines);
	free(rv->context_seq);
	rv->context_seq = NULL;
	rv->n_context_seq = 0;
	free(rv->place);
	free(rv->host);
	free(rv->path);
	rv->place = rv->host = rv->path = NULL;
	rv->found = false;
	rv->trace_id = 0;
}

/* (Re)build the lines for rv->file_id, rv->seq. false: no such record. */
static bool record_build(struct rview *rv)
{
	struct store *s = app_store(rv->app);
	rview_reset(rv);
	if (store_file_records(s, rv->file_id, rv->seq, rv->seq, record_head, rv) < 0 || !rv->found)
		return false;
	size_t head_end = rv->lines.n;
	if (store_record_events(s, rv->file_id, rv->seq, event_fields, rv) < 0)
		return false;
	if (rv->lines.n == head_end)
		add(rv, PAINT_QUIET, "Event", "none: no trace pattern matched this record");
	if (store_record_trace(s, rv->file_id, rv->seq, &rv->trace_id) < 0)
		return false;
	if (rv->trace_id)
		add(rv, PAINT_ACTIVE, "Trace", "#%" PRId64 "  (t opens its timeline)", rv->trace_id);
	else
		add(rv, PAINT_QUIET, "Trace", "not part of a trace");
	size_t before_findings = rv->lines.n;
	if (store_record_findings(s, rv->host, rv->path, rv->line, finding_line, rv) < 0)
		return false;
	if (rv->lines.n == before_findings)
		add(rv, PAINT_QUIET, "Finding", "none names this line");
	lines_add(&rv->lines, PAINT_NORMAL, "%s", "");
	rule(rv, "raw record");
	if (store_file_records(s, rv->file_id, rv->seq, rv->seq, record_raw, rv) < 0)
		return false;
	lines_add(&rv->lines, PAINT_NORMAL, "%s", "");
	struct buf b = {0};
	buf_printf(&b, "around it in the file %s [ ] step %s Enter retargets", glyph(G_NOT_REACHED),
		   glyph(G_NOT_REACHED));
	rule(rv, b.data);
	buf_free(&b);
	uint64_t from = rv->seq > CONTEXT_RECORDS ? rv->seq - CONTEXT_RECORDS : 0;
	return store_file_records(s, rv->file_id, from, rv->seq + CONTEXT_RECORDS, context_row, rv) >= 0;
}

static void record_title(struct view *v, struct buf *out)
{
	struct rview *rv = v->data;
	buf_printf(out, "%s %s record %" PRIu64, rv->place ? rv->place : "", glyph(G_DASH), rv->seq + 1);
	if (rv->trace_id)
		buf_printf(out, " %s trace #%" PRId64, glyph(G_DASH), rv->trace_id);
}

/* [ and ] (delta -1, 1) and Enter on a row around it (delta 0, to):
 * show another record of the file; stays put at either end. */
static unsigned record_step(struct view *v, int delta, uint64_t to)
{
	struct rview *rv = v->data;
	uint64_t was = rv->seq;
	if (delta < 0 && rv->seq == 0) {
		app_message(rv->app, PAINT_WARN, "the first record of the file");
		return STALE_SCREEN;
	}
	rv->seq = delta < 0 ? rv->seq - 1 : delta > 0 ? rv->seq + 1 : to;
	if (!record_build(rv)) {
		rv->seq = was;
		record_build(rv);
		app_message(rv->app, PAINT_WARN, "the %s record of the file", delta < 0 ? "first" : "last");
	}
	v->item = v->top_item = 0;
	v->sub = v->top_sub = 0;
	return STALE_SCREEN;
}

static int yank_text(void *ctx, const struct stored_record *r)
{
	term_escape(ctx, r->text, r->len);	/* one line, controls escaped */
	return 0;
}

/* y: the raw record, escaped (\n, \e...), so that pasting it somewhere
 * replays no control sequence. */
static unsigned record_yank(struct rview *rv)
{
	struct buf b = {0};
	if (store_file_records(app_store(rv->app), rv->file_id, rv->seq, rv->seq,
			       yank_text, &b) < 0 || !b.len) {
		app_message(rv->app, PAINT_WARN, "the record could not be read");
	} else {
		char what[64];
		snprintf(what, sizeof(what), "the record (%zu bytes, escaped)", b.len);
		app_copy(rv->app, b.data, what);
	}
	buf_free(&b);
	return STALE_SCREEN;
}

static unsigned record_request(struct view *v, enum action a)
{
	struct rview *rv = v->data;
	switch (a) {
	case ACT_REC_PREV: return record_step(v, -1, 0);
	case ACT_REC_NEXT: return record_step(v, 1, 0);
	case ACT_REC_RETARGET:
		if (v->item < 0 || (size_t)v->item >= rv->n_context_seq || rv->context_seq[v->item] < 0) {
			app_message(rv->app, PAINT_NORMAL, "Enter on a record around it shows that one");
			return STALE_SCREEN;
		}
		return record_step(v, 0, (uint64_t)rv->context_seq[v->item]);
	case ACT_LOG:
		logview_open(rv->app, rv->dated ? rv->utc : 0, rv->file_id, rv->seq);
		return STALE_SCREEN;
	case ACT_YANK:
		return record_yank(rv);
	case ACT_REC_TRACE: {
		if (!rv->trace_id) {
			app_message(rv->app, PAINT_WARN, "not part of a trace");
			return STALE_SCREEN;
		}
		int64_t total = 0;
		struct trace_pager all = {0};
		store_trace_count(app_store(rv->app), &all, NULL, &total);
		struct view *t = timeline_open(rv->app, rv->trace_id, rv->trace_id, total);
		if (t) {
			timeline_select_record(t, rv->file_id, rv->seq);
			app_push(rv->app, t);
		}
		return STALE_SCREEN;
	}
	default:
		return STALE_UNHANDLED;
	}
}

static void record_done(struct view *v)
{
	struct rview *rv = v->data;
	rview_reset(rv);
	free(rv);
}

static const struct view_ops record_ops = {
	.name = "record",
	.mask = V_RECORD,
	.count = lines_count,
	.height = lines_height,
	.draw_line = lines_draw_line,
	.request = record_request,
	.match = lines_match,
	.title = record_title,
	.done = record_done,
};

void record_open(struct app *a, int64_t file_id, uint64_t seq)
{
	struct rview *rv = xcalloc(1, sizeof(*rv));
	rv->app = a;
	rv->file_id = file_id;
	rv->seq = seq;
	if (!record_build(rv)) {
		app_message(a, PAINT_FAIL, "%s no record %" PRIu64 " in file %" PRId64 "%s%s", glyph(G_FAIL),
			    seq + 1, file_id, rv->found ? ": " : "", rv->found ? store_error(app_store(a)) : "");
		rview_reset(rv);
		free(rv);
		return;
	}
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &record_ops;
	v->app = a;
	v->data = rv;
	app_push(a, v);
}
