/* cmd_traces.c - `tatrace traces` (the list, filtered) and `tatrace show`
 * (one trace: summary and every event, as text, JSON, CSV or a Chrome
 * trace for Perfetto). JSON field names are a contract: add, never rename. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "correlate.h"
#include "output.h"
#include "../parsers/timeparse.h"

#define FLUSH_AT 65536

/* --status: names, comma-separated or repeated, and not_complete (every
 * status but complete). Adds to *mask; false on an unknown name. */
static bool status_mask_add(const char *arg, uint32_t *mask)
{
	char *copy = xstrdup(arg), *save = NULL;
	bool ok = true;
	for (char *name = strtok_r(copy, ", ", &save); name && ok;
	     name = strtok_r(NULL, ", ", &save)) {
		enum trace_status st;
		if (!strcmp(name, "not_complete"))
			*mask |= TRACE_STATUS_NOT_COMPLETE;
		else if ((ok = trace_status_parse(name, &st)))
			*mask |= TRACE_STATUS_BIT(st);
	}
	free(copy);
	return ok;
}

/* Every status with its meaning, from the one table (db/trace_status.h). */
static void status_help(FILE *f)
{
	for (size_t i = 0; i < TRACE_STATUS_COUNT; i++)
		fprintf(f, "  %-17s %s\n", trace_statuses[i].name, trace_statuses[i].meaning);
	fprintf(f, "  %-17s every status but complete\n", "not_complete");
}

/* The targets of one trace, read while the trace list is streamed. */
struct target_list {
	struct trace_target *t;
	struct buf strings;
	size_t *offs;
	size_t n;
};

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

static int targets_read(struct store *s, int64_t trace_id, struct target_list *l)
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

static void targets_free(struct target_list *l)
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

static void json_utc_or_null(struct buf *b, int64_t us)
{
	char text[32];
	if (us == EVENT_NONE) {
		buf_puts(b, "null");
		return;
	}
	utc_text(us, text);
	buf_printf(b, "\"%s\"", text);
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
		json_utc_or_null(b, t->received_utc);
		buf_puts(b, ",\"response_utc\":");
		json_utc_or_null(b, t->response_utc);
		buf_puts(b, ",\"return_code\":");
		json_number_or_null(b, t->return_code);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void trace_json(struct buf *b, const struct trace_row *t,
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

static void csv_cstr(struct buf *b, const char *s)
{
	if (s)
		csv_field(b, s, strlen(s));
}

static const char trace_csv_header[] =
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
		csv_field(b, cell.data, cell.len);
	buf_free(&cell);
}

static void trace_csv(struct buf *b, const struct trace_row *t,
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

static void trace_table(struct buf *b, const struct trace_row *t)
{
	char first[32];
	utc_text(t->first_utc, first);
	buf_printf(b, "%6" PRId64 "  ", t->id);
	term_field(b, t->status, 16);
	buf_puts(b, "  ");
	term_field(b, t->action ? t->action : "-", 22);
	buf_printf(b, "  %s  ", first);
	term_field(b, t->guid ? t->guid : "-", 36);
	buf_puts(b, "  ");
	term_escape(b, t->clients && *t->clients ? t->clients : "-",
		    strlen(t->clients && *t->clients ? t->clients : "-"));
	buf_putc(b, '\n');
}

/* ---- traces ---- */

static void traces_usage(FILE *f)
{
	fputs("usage: tatrace traces [-d STORE] [--status S] [--action A] [--host H]\n"
	      "                      [--grep PCRE2] [--since T] [--until T]\n"
	      "                      [--format table|json|csv]\n"
	      "\n"
	      "Every device action rebuilt from the logs, one trace per TaskGUID (or per\n"
	      "notification when there is none), with the first stage it did not pass:\n", f);
	status_help(f);
	fputs("\n"
	      "  -d, --store STORE   store file (default $TATRACE_DB or ./tatrace.db)\n"
	      "      --status S      only these statuses: comma-separated or repeated,\n"
	      "                      not_complete for every status but complete\n"
	      "      --action A      only this action: RequestMachinePolicy, a TaskType\n"
	      "                      number or the admin center's name (\"Sync Machine\n"
	      "                      Policy\", \"Sync User Policy\", \"App Evaluation Cycle\")\n"
	      "      --host H        only traces with an event, a target or a candidate\n"
	      "                      on host H (case-insensitive)\n"
	      "      --grep PCRE2    only traces whose GUID, action, summary or any event\n"
	      "                      text matches\n"
	      "  -i, --ignore-case   --grep ignores case\n"
	      "      --since T, --until T   traces overlapping this UTC window\n"
	      "      --format F      table (default), json or csv\n"
	      "  -h, --help          this help\n", f);
}

enum {
	OPT_STATUS = 256,
	OPT_ACTION,
	OPT_HOST,
	OPT_GREP,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FORCE,
};

static const struct option traces_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct traces_out {
	struct store *store;
	struct target_list targets;
	struct buf b;
	enum out_format fmt;
	uint64_t n;
	pcre2_code *re;
	pcre2_match_data *md;
	bool event_hit;
};

static bool re_hit(struct traces_out *o, const char *s, size_t len)
{
	return s && pcre2_match(o->re, (PCRE2_SPTR)s, len, 0, 0, o->md, NULL) >= 0;
}

static int grep_event(void *ctx, const struct stored_event *e, unsigned flags)
{
	struct traces_out *o = ctx;
	(void)flags;
	if (re_hit(o, e->text, e->text_len)) {
		o->event_hit = true;
		return 1;
	}
	return 0;
}

static bool trace_matches(struct traces_out *o, const struct trace_row *t)
{
	if (!o->re)
		return true;
	if ((t->guid && re_hit(o, t->guid, strlen(t->guid))) ||
	    (t->action && re_hit(o, t->action, strlen(t->action))) ||
	    (t->summary && re_hit(o, t->summary, strlen(t->summary))))
		return true;
	o->event_hit = false;
	store_trace_events(o->store, t->id, grep_event, o);
	return o->event_hit;
}

static int trace_row_out(void *ctx, const struct trace_row *t)
{
	struct traces_out *o = ctx;
	if (!trace_matches(o, t))
		return 0;
	if (o->fmt != OUT_TABLE && targets_read(o->store, t->id, &o->targets) < 0)
		return -1;
	switch (o->fmt) {
	case OUT_JSON:
		buf_puts(&o->b, o->n ? ",\n" : "\n");
		trace_json(&o->b, t, &o->targets);
		break;
	case OUT_CSV:
		trace_csv(&o->b, t, &o->targets);
		break;
	default:
		trace_table(&o->b, t);
		break;
	}
	o->n++;
	if (o->b.len > FLUSH_AT) {
		buf_flush_to(&o->b, stdout);
		if (ferror(stdout))
			return 1;
	}
	return 0;
}

int cmd_traces(int argc, char **argv)
{
	const char *store_opt = NULL, *grep = NULL;
	struct trace_query q = {0};
	struct traces_out o = { .fmt = OUT_TABLE };
	bool ignore_case = false;
	int c, rc = 2;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:f:hi", traces_options, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case OPT_STATUS:
			if (!status_mask_add(optarg, &q.statuses))
				return cli_usage_error("traces", "unknown --status '%s' (see --help)", optarg);
			break;
		case OPT_ACTION:
			if (!action_aliases(optarg, q.actions, TRACE_QUERY_ACTIONS))
				q.actions[0] = optarg;
			break;
		case OPT_HOST: q.host = optarg; break;
		case OPT_GREP: grep = optarg; break;
		case OPT_SINCE:
			if (!cli_parse_time("traces", "--since", optarg, &q.since_us))
				return 2;
			q.has_since = true;
			break;
		case OPT_UNTIL:
			if (!cli_parse_time("traces", "--until", optarg, &q.until_us))
				return 2;
			q.has_until = true;
			break;
		case 'f':
			if (!out_format_parse(optarg, 1u << OUT_TABLE | 1u << OUT_JSON | 1u << OUT_CSV, &o.fmt))
				return cli_usage_error("traces", "--format wants table, json or csv, got '%s'", optarg);
			break;
		case 'i': ignore_case = true; break;
		case 'h': traces_usage(stdout); return 0;
		default: return cli_option_error("traces", argv, "d:f:hi", traces_options);
		}
	}
	if (ignore_case && !grep)
		return cli_usage_error("traces", "--ignore-case goes with --grep");
	if (optind < argc)
		return cli_usage_error("traces", "unexpected argument '%s'", argv[optind]);
	if (grep && !cli_compile_grep_case("traces", grep, ignore_case, &o.re, &o.md))
		goto out;
	o.store = cli_open_read(cli_store_path(store_opt));
	if (!o.store)
		goto out;
	if (o.fmt == OUT_JSON)
		buf_putc(&o.b, '[');
	else if (o.fmt == OUT_CSV)
		buf_append(&o.b, trace_csv_header, strlen(trace_csv_header));
	else
		buf_printf(&o.b, "%6s  %-16s  %-22s  %-24s  %-36s  %s\n", "ID", "STATUS",
			   "ACTION", "FIRST UTC", "GUID", "CLIENTS");
	rc = store_traces(o.store, &q, trace_row_out, &o) < 0 ? 2 : 0;
	if (rc)
		fprintf(stderr, "tatrace traces: %s\n", store_error(o.store));
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, o.n ? "\n]\n" : "]\n");
	buf_flush_to(&o.b, stdout);
	store_close(o.store);
out:
	buf_free(&o.b);
	targets_free(&o.targets);
	pcre2_match_data_free(o.md);
	pcre2_code_free(o.re);
	return rc;
}

/* ---- show ---- */

static const char show_help[] =
	"usage: tatrace show [-d STORE] ID|GUID [--format text|json|csv|chrome]\n"
	"                    [-o FILE] [--force]\n"
	"\n"
	"One trace: its summary and every event in time order.\n"
	"  text     for pasting into a ticket (default)\n"
	"  json     the summary fields of `tatrace traces` plus \"events\"\n"
	"  csv      one row per event\n"
	"  chrome   Chrome Trace Event JSON, one row per lane with spans for the\n"
	"           hops: open it in Perfetto (ui.perfetto.dev) or chrome://tracing\n"
	"\n"
	"  -o, --output FILE   write to FILE (never overwrites it without --force)\n"
	"      --force         overwrite FILE\n";

static const struct option show_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

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
	buf_printf(b, "Trace %" PRId64 "   %s   %s\n", t->id, t->status,
		   t->action ? t->action : "(unknown action)");
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

struct show_ctx {
	struct trace_row row;
	struct buf strings;	/* the row's strings, copied */
	bool found;
};

static const char *keep(struct buf *pool, size_t *offs, size_t i, const char *s)
{
	offs[i] = pool->len;
	buf_append(pool, s ? s : "", strlen(s ? s : "") + 1);
	return s;
}

static int take_trace(void *ctx, const struct trace_row *t)
{
	struct show_ctx *c = ctx;
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

/* ID is a trace number or a TaskGUID (braces and case do not matter). */
static void trace_query_of(const char *arg, struct trace_query *q, char guid[40])
{
	char *end;
	errno = 0;
	long long id = strtoll(arg, &end, 10);
	memset(q, 0, sizeof(*q));
	if (!errno && *arg && !*end && id > 0) {
		q->id = id;
		return;
	}
	const char *g = arg[0] == '{' ? arg + 1 : arg;
	snprintf(guid, 40, "%.36s", g);
	q->guid = guid;
}

static FILE *open_output(const char *path, bool force)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "tatrace show: %s exists; use --force to overwrite it\n", path);
		else
			fprintf(stderr, "tatrace show: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	return fdopen(fd, "w");
}

static int show_render(struct store *s, struct show_ctx *c, enum out_format fmt,
		       const char *out_path, bool force)
{
	struct shown ev = {0};
	struct target_list targets = {0};
	struct buf b = {0};
	if (store_trace_events(s, c->row.id, collect_event, &ev) != 0 ||
	    targets_read(s, c->row.id, &targets) != 0) {
		fprintf(stderr, "tatrace show: %s\n", store_error(s));
		shown_free(&ev);
		targets_free(&targets);
		return 2;
	}
	if (fmt == OUT_JSON)
		show_json(&b, &c->row, &ev, &targets);
	else if (fmt == OUT_CSV)
		show_csv(&b, &ev);
	else if (fmt == OUT_CHROME)
		show_chrome(&b, &c->row, &ev);
	else
		show_text(&b, &c->row, &ev, &targets);
	shown_free(&ev);
	targets_free(&targets);
	int rc = 0;
	FILE *f = out_path ? open_output(out_path, force) : stdout;
	if (!f) {
		rc = 2;
	} else {
		fwrite(b.data, 1, b.len, f);
		if ((f != stdout && fclose(f) != 0) || (f == stdout && fflush(f) != 0)) {
			fprintf(stderr, "tatrace show: %s: %s\n", out_path ? out_path : "stdout", strerror(errno));
			rc = 2;
		}
	}
	buf_free(&b);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	const char *store_opt = NULL, *out_path = NULL;
	enum out_format fmt = OUT_TEXT;
	bool force = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:f:o:h", show_options, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case 'o': out_path = optarg; break;
		case OPT_FORCE: force = true; break;
		case 'f':
			if (!out_format_parse(optarg, 1u << OUT_TEXT | 1u << OUT_JSON |
						      1u << OUT_CSV | 1u << OUT_CHROME, &fmt))
				return cli_usage_error("show", "--format wants text, json, csv or chrome, got '%s'", optarg);
			break;
		case 'h': fputs(show_help, stdout); return 0;
		default: return cli_option_error("show", argv, "d:f:o:h", show_options);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("show", "want exactly one trace ID or GUID");
	struct trace_query q;
	char guid[40];
	trace_query_of(argv[optind], &q, guid);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	struct show_ctx ctx = {0};
	int rc = store_traces(s, &q, take_trace, &ctx) < 0 ? 2 : 0;
	if (rc)
		fprintf(stderr, "tatrace show: %s\n", store_error(s));
	else if (!ctx.found) {
		fprintf(stderr, "tatrace show: no trace '%s' (see tatrace traces)\n", argv[optind]);
		rc = 1;
	} else {
		rc = show_render(s, &ctx, fmt, out_path, force);
	}
	buf_free(&ctx.strings);
	store_close(s);
	return rc;
}
