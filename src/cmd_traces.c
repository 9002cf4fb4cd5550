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
#include "export.h"
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

static void trace_table(struct buf *b, const struct trace_row *t)
{
	char first[32];
	format_utc_ms(t->first_utc, first);
	buf_printf(b, "%6" PRId64 "  ", t->id);
	term_field(b, t->status, 16);
	buf_puts(b, "  ");
	term_field(b, t->action ? t->action : "-", 22);
	buf_printf(b, "  %s  ", first);
	term_field(b, t->guid ? t->guid : "-", 36);
	buf_puts(b, "  ");
	term_escape(b, t->clients && *t->clients ? t->clients : "-",
		    strlen(t->clients && *t->clients ? t->clients : "-"));
	/* Why --host may list a trace no client received: its candidates. */
	if (t->candidates)
		buf_printf(b, "  (%" PRId64 " candidate%s: tatrace show %" PRId64 ")",
			   t->candidates, t->candidates == 1 ? "" : "s", t->id);
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
	      "      --format F      table (default), json or csv (text cells that\n"
	      "                      start with = + - @ get a leading ')\n"
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
		term_printf(stderr, "tatrace traces: %s\n", store_error(o.store));
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
	"  csv      one row per event (a text cell starting with = + - @ gets a\n"
	"           leading ' so that a spreadsheet runs no formula)\n"
	"  chrome   Chrome Trace Event JSON, one row per lane with spans for the\n"
	"           hops: open it in Perfetto (ui.perfetto.dev) or chrome://tracing\n"
	"\n"
	"  -o, --output FILE   write to FILE (never overwrites it without --force);\n"
	"                      without --format its extension picks the format, as\n"
	"                      the dashboard's export does: .json, .csv, .txt,\n"
	"                      .chrome.json (any other: text)\n"
	"      --force         overwrite FILE\n";

static const struct option show_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int take_id(void *ctx, const struct trace_row *t)
{
	*(int64_t *)ctx = t->id;
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
			term_printf(stderr, "tatrace show: %s exists; use --force to overwrite it\n", path);
		else
			term_printf(stderr, "tatrace show: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	return fdopen(fd, "w");
}

static int show_render(struct store *s, int64_t id, enum out_format fmt,
		       const char *out_path, bool force)
{
	struct buf b = {0};
	if (trace_export(s, id, fmt, &b) != 0) {
		term_printf(stderr, "tatrace show: %s\n", store_error(s));
		buf_free(&b);
		return 2;
	}
	int rc = 0;
	FILE *f = out_path ? open_output(out_path, force) : stdout;
	if (!f) {
		rc = 2;
	} else {
		bool wrote = fwrite(b.data, 1, b.len, f) == b.len;
		int err = errno;
		if (f != stdout) {
			if (fclose(f) != 0 || !wrote) {
				term_printf(stderr, "tatrace show: %s: %s\n", out_path,
					    strerror(wrote ? errno : err));
				rc = 2;
			}
		}	/* stdout: main() checks it */
	}
	buf_free(&b);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	const char *store_opt = NULL, *out_path = NULL;
	enum out_format fmt = OUT_TEXT;
	bool force = false, fmt_given = false;
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
			fmt_given = true;
			break;
		case 'h': fputs(show_help, stdout); return 0;
		default: return cli_option_error("show", argv, "d:f:o:h", show_options);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("show", "want exactly one trace ID or GUID");
	/* `show -o trace.json` wrote text into a .json file, while the
	 * dashboard's export (which promises the same files) reads the
	 * format from the name: the name decides unless --format does. */
	if (out_path && !fmt_given)
		(void)export_format_of_path(out_path, &fmt);
	struct trace_query q;
	char guid[40];
	trace_query_of(argv[optind], &q, guid);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	int64_t id = 0;
	int rc = store_traces(s, &q, take_id, &id) < 0 ? 2 : 0;
	if (rc)
		term_printf(stderr, "tatrace show: %s\n", store_error(s));
	else if (!id) {
		term_printf(stderr, "tatrace show: no trace '%s' (see tatrace traces)\n", argv[optind]);
		rc = 1;
	} else {
		rc = show_render(s, id, fmt, out_path, force);
	}
	store_close(s);
	return rc;
}
