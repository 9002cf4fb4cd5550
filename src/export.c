/* export.c - the renderers of one trace: text for a ticket, JSON, CSV
 * and Chrome Trace Event JSON for Perfetto (see export.h). Moved out of
 * cmd_traces.c so that `show -o` and the dashboard's export write the
 * same bytes. */
#include "export.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output.h"
#include "../parsers/timeparse.h"

static int take_target(void *ctx, const struct trace_target *t)
{
	struct target_list *l = ctx;
	l->t = xrealloc(l->t, (l->n + 1) * sizeof(*l->t));
	l->offs = xrealloc(l->offs, (l->n + 1) * 2 * sizeof(*l->offs));
	l->t[l->n] = *t;
	l->offs[2 * l->n] = l->strings.len;
	buf_append(&l->strings, t->host, strlen(t->host) + 1);
	l->offs[2 * l->n + 1] = l->strings.len;
	buf_append(&l->strings, t->status, strlen(t->status) + 1);
	l->n++;
	return 0;
}

int targets_read(struct store *s, int64_t trace_id, struct target_list *l)
{
	l->n = 0;
	buf_reset(&l->strings);
	int rc = store_trace_targets(s, trace_id, take_target, l);
	for (size_t i = 0; i < l->n; i++) {
		l->t[i].host = l->strings.data + l->offs[2 * i];
		l->t[i].status = l->strings.data + l->offs[2 * i + 1];
	}
	return rc;
}

void targets_free(struct target_list *l)
{
	free(l->t);
	free(l->offs);
	buf_free(&l->strings);
}

static void json_number_or_null(struct buf *b, int64_t v)
{
	if (v == EVENT_NONE)
		buf_puts(b, "null");
	else
		buf_printf(b, "%" PRId64, v);
}

/* "A,B" -> ["A","B"] */
static void json_list(struct buf *b, const char *csv)
{
	buf_putc(b, '[');
	const char *p = csv ? csv : "";
	bool first = true;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (!first)
			buf_putc(b, ',');
		json_string(b, p, len);
		first = false;
		p += len + (comma ? 1 : 0);
	}
	buf_putc(b, ']');
}

static void utc_text(int64_t us, char out[32])
{
	format_utc_ms(us, out);
}

static void targets_json(struct buf *b, const struct target_list *l)
{
	buf_puts(b, ",\"targets\":[");
	for (size_t i = 0; l && i < l->n; i++) {
		const struct trace_target *t = &l->t[i];
		buf_puts(b, i ? ",{\"host\":" : "{\"host\":");
		json_cstr(b, t->host);
		buf_puts(b, ",\"status\":");
		json_cstr(b, t->status);
		buf_printf(b, ",\"inferred\":%s,\"received_utc\":", t->inferred ? "true" : "false");
		json_utc(b, t->received_utc);
		buf_puts(b, ",\"response_utc\":");
		json_utc(b, t->response_utc);
		buf_puts(b, ",\"return_code\":");
		json_number_or_null(b, t->return_code);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

void trace_json(struct buf *b, const struct trace_row *t,
		       const struct target_list *targets)
{
	char first[32], last[32];
	utc_text(t->first_utc, first);
	utc_text(t->last_utc, last);
	buf_printf(b, "{\"id\":%" PRId64 ",\"guid\":", t->id);
	json_cstr(b, t->guid);
	buf_puts(b, ",\"status\":");
	json_cstr(b, t->status);
	buf_puts(b, ",\"action\":");
	json_cstr(b, t->action);
	buf_puts(b, ",\"task_type\":");
	json_number_or_null(b, t->task_type);
	buf_printf(b, ",\"first_utc\":\"%s\",\"last_utc\":\"%s\",\"clients\":", first, last);
	json_list(b, t->clients);
	buf_puts(b, ",\"hops_ms\":{\"forward_to_push\":");
	json_number_or_null(b, t->hop_forward_to_push);
	buf_puts(b, ",\"push_to_receive\":");
	json_number_or_null(b, t->hop_push_to_receive);
	buf_puts(b, ",\"receive_to_response\":");
	json_number_or_null(b, t->hop_receive_to_response);
	buf_printf(b, "},\"skew\":%s,\"lanes\":{\"connector\":%" PRId64
		      ",\"server\":%" PRId64 ",\"agent\":%" PRId64 "},\"missing_lanes\":",
		   t->skew ? "true" : "false", t->lanes[0], t->lanes[1], t->lanes[2]);
	json_list(b, t->missing);
	buf_puts(b, ",\"hosts\":");
	json_list(b, t->hosts);
	buf_puts(b, ",\"push_id\":");
	json_number_or_null(b, t->push_id);
	buf_puts(b, ",\"task_id\":");
	json_number_or_null(b, t->task_id);
	buf_puts(b, ",\"target_count\":");
	json_number_or_null(b, t->target_count);
	buf_printf(b, ",\"unmatched_responses\":%" PRId64 ",\"summary\":", t->unmatched);
	json_cstr(b, t->summary);
	buf_puts(b, ",\"next_step\":");
	json_cstr(b, t->next_step);
	buf_puts(b, ",\"bts\":");
	if (t->bts_reported == EVENT_NONE)
		buf_puts(b, "null");
	else
		buf_printf(b, "{\"reported\":%" PRId64 ",\"failed\":%" PRId64 "}",
			   t->bts_reported, t->bts_failed);
	buf_printf(b, ",\"candidates\":%" PRId64, t->candidates);
	targets_json(b, targets);
	buf_putc(b, '}');
}

static void csv_number(struct buf *b, int64_t v)
{
	if (v != EVENT_NONE)
		buf_printf(b, "%" PRId64, v);
}

/* A spreadsheet takes a cell that starts with = + - @ (or a tab or CR,
 * which it skips) for a formula: =HYPERLINK(...) in a log line would run
 * when the export is opened. Text cells are data, so such a cell starts
 * with a ' that makes it text (OWASP, "CSV injection"); numbers are
 * written by csv_number and stay numbers. */
static void csv_text(struct buf *b, const char *s, size_t len)
{
	if (len == 0 || !memchr("=+-@\t\r", s[0], 6)) {
		csv_field(b, s, len);
		return;
	}
	struct buf cell = {0};
	buf_putc(&cell, '\'');
	buf_append(&cell, s, len);
	csv_field(b, cell.data, cell.len);
	buf_free(&cell);
}

static void csv_cstr(struct buf *b, const char *s)
{
	if (s)
		csv_text(b, s, strlen(s));
}

const char trace_csv_header[] =
	"id,guid,status,action,task_type,first_utc,last_utc,clients,"
	"forward_to_push_ms,push_to_receive_ms,receive_to_response_ms,skew,"
	"connector_events,server_events,agent_events,missing_lanes,push_id,"
	"task_id,target_count,unmatched_responses,summary,next_step,targets\n";

/* "HOST:status;HOST?:not_delivered" */
static void targets_csv(struct buf *b, const struct target_list *l)
{
	struct buf cell = {0};
	for (size_t i = 0; l && i < l->n; i++)
		buf_printf(&cell, "%s%s%s:%s", i ? ";" : "", l->t[i].host,
			   l->t[i].inferred ? "?" : "", l->t[i].status);
	if (cell.len)
		csv_text(b, cell.data, cell.len);
	buf_free(&cell);
}

void trace_csv(struct buf *b, const struct trace_row *t,
		      const struct target_list *targets)
{
	char first[32], last[32];
	utc_text(t->first_utc, first);
	utc_text(t->last_utc, last);
	buf_printf(b, "%" PRId64 ",", t->id);
	csv_cstr(b, t->guid);
	buf_printf(b, ",%s,", t->status);
	csv_cstr(b, t->action);
	buf_putc(b, ',');
	csv_number(b, t->task_type);
	buf_printf(b, ",%s,%s,", first, last);
	csv_cstr(b, t->clients);
	buf_putc(b, ',');
	csv_number(b, t->hop_forward_to_push);
	buf_putc(b, ',');
	csv_number(b, t->hop_push_to_receive);
	buf_putc(b, ',');
	csv_number(b, t->hop_receive_to_response);
	buf_printf(b, ",%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",", t->skew ? "true" : "false",
		   t->lanes[0], t->lanes[1], t->lanes[2]);
	csv_cstr(b, t->missing);
	buf_putc(b, ',');
	csv_number(b, t->push_id);
	buf_putc(b, ',');
	csv_number(b, t->task_id);
	buf_putc(b, ',');
	csv_number(b, t->target_count);
	buf_printf(b, ",%" PRId64 ",", t->unmatched);
	csv_cstr(b, t->summary);
	buf_putc(b, ',');
	csv_cstr(b, t->next_step);
	buf_putc(b, ',');
	targets_csv(b, targets);
	buf_putc(b, '\n');
}

/* A copy of one event, kept while the whole trace is formatted. */
struct shown_event {
	int64_t utc;
	enum lane lane;
	enum event_kind kind;
	char *host, *path, *text;
	uint32_t line;
	bool unmatched;
};

struct shown {
	struct shown_event *ev;
	size_t n;
};

static int collect_event(void *ctx, const struct stored_event *e, unsigned flags)
{
	struct shown *s = ctx;
	s->ev = xrealloc(s->ev, (s->n + 1) * sizeof(*s->ev));
	s->ev[s->n++] = (struct shown_event){
		.utc = e->utc_us, .lane = e->ev.lane, .kind = e->ev.kind,
		.host = xstrdup(e->host), .path = xstrdup(e->path),
		.text = xstrndup(e->text ? e->text : "", e->text ? e->text_len : 0),
		.line = e->line, .unmatched = (flags & TRACE_EVENT_UNMATCHED) != 0,
	};
	return 0;
}

static void shown_free(struct shown *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->ev[i].host);
		free(s->ev[i].path);
		free(s->ev[i].text);
	}
	free(s->ev);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void show_hop(struct buf *b, const char *name, int64_t ms, bool *first)
{
	buf_printf(b, "%s%s ", *first ? "" : ", ", name);
	if (ms == EVENT_NONE)
		buf_puts(b, "-");
	else
		buf_printf(b, "%" PRId64 " ms", ms);
	*first = false;
}

/* One line per target: who finished, who did not, who is only a
 * candidate (marked '?': its log covers the push, nothing says it was a
 * target). */
static void show_targets(struct buf *b, const struct trace_row *t,
			 const struct target_list *l)
{
	buf_puts(b, "Targets   ");
	if (!l->n)
		buf_puts(b, t->target_count != EVENT_NONE ? "none of them logged in the bundle\n"
							  : "-\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct trace_target *g = &l->t[i];
		char host[80];
		snprintf(host, sizeof(host), "%s%s", g->host, g->inferred ? "?" : "");
		if (i)
			buf_puts(b, "          ");
		term_field(b, host, 20);
		buf_printf(b, "  %-16s", g->status);
		if (g->inferred) {
			buf_puts(b, "  candidate: its log covers the push without a receipt\n");
			continue;
		}
		char when[32];
		if (g->received_utc != EVENT_NONE) {
			utc_text(g->received_utc, when);
			buf_printf(b, "  received %s", when);
		}
		if (g->response_utc != EVENT_NONE) {
			utc_text(g->response_utc, when);
			buf_printf(b, ", answered %s ReturnCode %" PRId64, when, g->return_code);
		}
		buf_putc(b, '\n');
	}
	if (t->candidates > (int64_t)l->n)
		buf_printf(b, "          (%" PRId64 " candidates in all)\n", t->candidates);
	if (t->bts_reported != EVENT_NONE)
		buf_printf(b, "BTS       %" PRId64 " client(s) reported, %" PRId64 " failed\n",
			   t->bts_reported, t->bts_failed);
}

static void show_text(struct buf *b, const struct trace_row *t, const struct shown *s,
		      const struct target_list *targets)
{
	char first[32], last[32];
	utc_text(t->first_utc, first);
	utc_text(t->last_utc, last);
	const char *action = t->action ? t->action : "(unknown action)";
	buf_printf(b, "Trace %" PRId64 "   %s   ", t->id, t->status);
	term_escape(b, action, strlen(action));	/* the connector's TemplateID */
	buf_putc(b, '\n');
	buf_puts(b, "GUID      ");
	term_escape(b, t->guid ? t->guid : "-", strlen(t->guid ? t->guid : "-"));
	buf_puts(b, "\nSummary   ");
	term_escape(b, t->summary, strlen(t->summary));
	buf_puts(b, "\nNext      ");
	term_escape(b, t->next_step, strlen(t->next_step));
	buf_printf(b, "\nTime      %s .. %s\nClients   ", first, last);
	term_escape(b, *t->clients ? t->clients : "-", strlen(*t->clients ? t->clients : "-"));
	buf_puts(b, "\nHops      ");
	bool f = true;
	show_hop(b, "forward->push", t->hop_forward_to_push, &f);
	show_hop(b, "push->receive", t->hop_push_to_receive, &f);
	show_hop(b, "receive->response", t->hop_receive_to_response, &f);
	if (t->skew)
		buf_puts(b, "  (negative: clocks disagree)");
	buf_printf(b, "\nLanes     connector %" PRId64 ", server %" PRId64 ", agent %" PRId64
		      " events; no evidence: %s\n",
		   t->lanes[0], t->lanes[1], t->lanes[2], *t->missing ? t->missing : "-");
	show_targets(b, t, targets);
	buf_putc(b, '\n');
	for (size_t i = 0; i < s->n; i++) {
		const struct shown_event *e = &s->ev[i];
		char utc[32], where[96];
		utc_text(e->utc, utc);
		snprintf(where, sizeof(where), "%s:%u", base_name(e->path), (unsigned)e->line);
		buf_printf(b, "%s  %-9s  ", utc, lane_name(e->lane));
		term_field(b, e->host, 12);
		buf_printf(b, "  %-23s  ", event_kind_name(e->kind));
		term_field(b, where, 36);
		buf_puts(b, "  ");
		if (e->unmatched)
			buf_puts(b, "[UNMATCHED] ");
		term_escape(b, e->text, strlen(e->text));
		buf_putc(b, '\n');
	}
}

static void show_json(struct buf *b, const struct trace_row *t, const struct shown *s,
		      const struct target_list *targets)
{
	trace_json(b, t, targets);
	b->len--;	/* reopen the object for "events" */
	buf_puts(b, ",\"events\":[");
	for (size_t i = 0; i < s->n; i++) {
		const struct shown_event *e = &s->ev[i];
		char utc[32];
		utc_text(e->utc, utc);
		buf_printf(b, "%s\n{\"utc\":\"%s\",\"lane\":\"%s\",\"host\":", i ? "," : "",
			   utc, lane_name(e->lane));
		json_cstr(b, e->host);
		buf_printf(b, ",\"kind\":\"%s\",\"file\":", event_kind_name(e->kind));
		json_cstr(b, e->path);
		buf_printf(b, ",\"line\":%u,\"unmatched\":%s,\"text\":", (unsigned)e->line,
			   e->unmatched ? "true" : "false");
		json_cstr(b, e->text);
		buf_putc(b, '}');
	}
	buf_puts(b, "\n]}\n");
}

static void show_csv(struct buf *b, const struct shown *s)
{
	buf_printf(b, "utc,lane,host,kind,file,line,unmatched,text\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct shown_event *e = &s->ev[i];
		char utc[32];
		utc_text(e->utc, utc);
		buf_printf(b, "%s,%s,", utc, lane_name(e->lane));
		csv_cstr(b, e->host);
		buf_printf(b, ",%s,", event_kind_name(e->kind));
		csv_cstr(b, e->path);
		buf_printf(b, ",%u,%s,", (unsigned)e->line, e->unmatched ? "true" : "false");
		csv_cstr(b, e->text);
		buf_putc(b, '\n');
	}
}

/* Chrome Trace Event format: thread 1..3 = lanes; instants for events,
 * complete ("X") spans for the hops between them. */
static void chrome_span(struct buf *b, int tid, const char *name, int64_t from,
			int64_t to, bool *first)
{
	if (from == EVENT_NONE || to == EVENT_NONE)
		return;
	int64_t dur = to - from;
	buf_printf(b, "%s\n{\"ph\":\"X\",\"name\":\"%s\",\"cat\":\"hop\",\"pid\":1,\"tid\":%d,"
		      "\"ts\":%" PRId64 ",\"dur\":%" PRId64 ",\"args\":{\"ms\":%" PRId64
		      ",\"skew\":%s}}",
		   *first ? "" : ",", name, tid, dur >= 0 ? from : to,
		   dur >= 0 ? dur : -dur, dur / 1000, dur < 0 ? "true" : "false");
	*first = false;
}

static void chrome_hops(struct buf *b, const struct shown *s, bool *first)
{
	int64_t forwarded = EVENT_NONE, pushed = EVENT_NONE;
	for (size_t i = 0; i < s->n; i++) {
		const struct shown_event *e = &s->ev[i];
		if (e->kind == EV_FORWARDED)
			forwarded = e->utc;
		else if (e->kind == EV_PUSH_STARTED && pushed == EVENT_NONE) {
			pushed = e->utc;
			chrome_span(b, LANE_SERVER + 1, "forward_to_push", forwarded, pushed, first);
		} else if (e->kind == EV_TASK_RECEIVED) {
			chrome_span(b, LANE_AGENT + 1, "push_to_receive", pushed, e->utc, first);
			for (size_t k = i + 1; k < s->n; k++) {
				if (s->ev[k].kind == EV_RESPONSE_SENT && !s->ev[k].unmatched &&
				    !strcmp(s->ev[k].host, e->host)) {
					chrome_span(b, LANE_AGENT + 1, "receive_to_response",
						    e->utc, s->ev[k].utc, first);
					break;
				}
			}
		}
	}
}

static void show_chrome(struct buf *b, const struct trace_row *t, const struct shown *s)
{
	buf_puts(b, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
	buf_printf(b, "\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":");
	struct buf title = {0};
	buf_printf(&title, "Trace %" PRId64 " %s %s %s", t->id, t->guid ? t->guid : "(no GUID)",
		   t->action ? t->action : "", t->status);
	json_string(b, title.data, title.len);
	buf_free(&title);
	buf_puts(b, "}}");
	for (int l = 0; l < TRACE_LANES; l++)
		buf_printf(b, ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":%d,"
			      "\"args\":{\"name\":\"%s\"}}", l + 1, lane_name((enum lane)l));
	bool first = false;
	for (size_t i = 0; i < s->n; i++) {
		const struct shown_event *e = &s->ev[i];
		buf_printf(b, ",\n{\"ph\":\"i\",\"s\":\"t\",\"name\":\"%s%s\",\"cat\":\"%s\",\"pid\":1,"
			      "\"tid\":%d,\"ts\":%" PRId64 ",\"args\":{\"host\":",
			   event_kind_name(e->kind), e->unmatched ? " (unmatched)" : "",
			   lane_name(e->lane), (int)e->lane + 1, e->utc);
		json_cstr(b, e->host);
		buf_puts(b, ",\"file\":");
		json_cstr(b, base_name(e->path));
		buf_printf(b, ",\"line\":%u,\"text\":", (unsigned)e->line);
		json_cstr(b, e->text);
		buf_puts(b, "}}");
	}
	chrome_hops(b, s, &first);
	buf_puts(b, "\n]}\n");
}

/* The trace row of id, its strings copied (they outlive the query). */
struct export_row {
	struct trace_row row;
	struct buf strings;
	bool found;
};

static void keep(struct buf *pool, size_t *offs, size_t i, const char *s)
{
	offs[i] = pool->len;
	buf_append(pool, s ? s : "", strlen(s ? s : "") + 1);
}

static int take_trace(void *ctx, const struct trace_row *t)
{
	struct export_row *c = ctx;
	size_t offs[8];
	c->row = *t;
	keep(&c->strings, offs, 0, t->guid);
	keep(&c->strings, offs, 1, t->status);
	keep(&c->strings, offs, 2, t->action);
	keep(&c->strings, offs, 3, t->clients);
	keep(&c->strings, offs, 4, t->hosts);
	keep(&c->strings, offs, 5, t->missing);
	keep(&c->strings, offs, 6, t->summary);
	keep(&c->strings, offs, 7, t->next_step);
	const char *p = c->strings.data;
	c->row.guid = t->guid ? p + offs[0] : NULL;
	c->row.status = p + offs[1];
	c->row.action = t->action ? p + offs[2] : NULL;
	c->row.clients = p + offs[3];
	c->row.hosts = p + offs[4];
	c->row.missing = p + offs[5];
	c->row.summary = p + offs[6];
	c->row.next_step = p + offs[7];
	c->found = true;
	return 1;
}

int trace_export(struct store *s, int64_t id, enum out_format fmt,
		 struct buf *b)
{
	struct trace_query q = { .id = id };
	struct export_row c = {0};
	struct shown ev = {0};
	struct target_list targets = {0};
	int rc = -1;
	if (store_traces(s, &q, take_trace, &c) < 0)
		goto out;
	rc = 1;
	if (!c.found)
		goto out;
	rc = -1;
	if (store_trace_events(s, id, collect_event, &ev) != 0 ||
	    targets_read(s, id, &targets) != 0)
		goto out;
	if (fmt == OUT_JSON)
		show_json(b, &c.row, &ev, &targets);
	else if (fmt == OUT_CSV)
		show_csv(b, &ev);
	else if (fmt == OUT_CHROME)
		show_chrome(b, &c.row, &ev);
	else
		show_text(b, &c.row, &ev, &targets);
	rc = 0;
out:
	shown_free(&ev);
	targets_free(&targets);
	buf_free(&c.strings);
	return rc;
}

/* ---- a list of traces ---- */

#define EXPORT_FLUSH_AT 65536

void traces_export_begin(struct traces_export *x, struct store *s,
			 enum out_format fmt, FILE *f)
{
	memset(x, 0, sizeof(*x));
	x->store = s;
	x->fmt = fmt;
	x->f = f;
	if (fmt == OUT_JSON)
		buf_putc(&x->b, '[');
	else
		buf_append(&x->b, trace_csv_header, strlen(trace_csv_header));
}

int traces_export_row(struct traces_export *x, const struct trace_row *t)
{
	if (targets_read(x->store, t->id, &x->targets) < 0) {
		x->failed = true;
		return -1;
	}
	if (x->fmt == OUT_JSON) {
		buf_puts(&x->b, x->n ? ",\n" : "\n");
		trace_json(&x->b, t, &x->targets);
	} else {
		trace_csv(&x->b, t, &x->targets);
	}
	x->n++;
	if (x->b.len > EXPORT_FLUSH_AT) {
		buf_flush_to(&x->b, x->f);
		if (ferror(x->f)) {
			x->failed = true;
			return -1;
		}
	}
	return 0;
}

int traces_export_end(struct traces_export *x)
{
	if (x->fmt == OUT_JSON)
		buf_puts(&x->b, x->n ? "\n]\n" : "]\n");
	buf_flush_to(&x->b, x->f);
	bool failed = x->failed || ferror(x->f);
	buf_free(&x->b);
	targets_free(&x->targets);
	return failed ? -1 : 0;
}

/* Longest suffix first: .chrome.json before .json. */
static const struct {
	const char *ext;
	enum out_format fmt;
} export_exts[] = {
	{ ".chrome.json", OUT_CHROME },
	{ ".json", OUT_JSON },
	{ ".csv", OUT_CSV },
	{ ".txt", OUT_TEXT },
};
#define N_EXPORT_EXTS (sizeof(export_exts) / sizeof(export_exts[0]))

bool export_format_of_path(const char *path, enum out_format *fmt)
{
	size_t len = strlen(path);
	for (size_t i = 0; i < N_EXPORT_EXTS; i++) {
		size_t n = strlen(export_exts[i].ext);
		if (len > n && !strcasecmp(path + len - n, export_exts[i].ext)) {
			*fmt = export_exts[i].fmt;
			return true;
		}
	}
	return false;
}

const char *export_extension(enum out_format fmt)
{
	for (size_t i = 0; i < N_EXPORT_EXTS; i++)
		if (export_exts[i].fmt == fmt)
			return export_exts[i].ext;
	return ".txt";
}
