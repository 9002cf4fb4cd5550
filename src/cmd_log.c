/* cmd_log.c - `tatrace log`: every stored record merged by UTC, the
 * CMTrace "merge" view, filtered by host, component, time and a PCRE2
 * pattern on the message. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "output.h"
#include "../parsers/timeparse.h"

#define FLUSH_AT 65536

static const char log_help[] =
	"usage: tatrace log [-d STORE] [--host H] [--component C] [--grep PCRE2 [-i]]\n"
	"                   [--severity S] [--since T] [--until T] [--format table|json]\n"
	"\n"
	"All records of all stored files merged by UTC (also when a file goes back\n"
	"in time). A '~' after the time: taken from the record before; no time: the\n"
	"record comes before its file's first time (utc null in JSON).\n"
	"\n"
	"  -d, --store STORE   store file (default $TATRACE_DB or ./tatrace.db)\n"
	"      --host H        only this host (case-insensitive)\n"
	"      --component C   only this component (case-insensitive)\n"
	"      --grep PCRE2    only records whose message matches (PCRE2, UTF-8)\n"
	"  -i, --ignore-case   --grep ignores case\n"
	"      --severity S    only records of severity S or worse: error, warning,\n"
	"                      info or verbose (everything)\n"
	"      --since T       records at or after T (UTC unless T has Z or +HH:MM),\n"
	"      --until T       at or before T; T like 2026-09-18T20:39:05.707Z; a bare\n"
	"                      date (2026-09-18) means the whole day\n"
	"      --format F      table (default) or json\n"
	"  -h, --help          this help\n";

enum {
	OPT_HOST = 256,
	OPT_COMPONENT,
	OPT_GREP,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_SEVERITY,
};

static const struct option log_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "component", required_argument, NULL, OPT_COMPONENT },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "severity", required_argument, NULL, OPT_SEVERITY },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct log_out {
	struct buf b;
	enum out_format fmt;
	unsigned long long n;
	pcre2_code *re;
	pcre2_match_data *md;
	enum severity min_sev;	/* --severity: this or worse */
};

static bool parse_severity(const char *arg, enum severity *out)
{
	for (int sev = SEV_VERBOSE; sev < SEV_COUNT; sev++) {
		if (!strcasecmp(arg, severity_name((enum severity)sev))) {
			*out = (enum severity)sev;
			return true;
		}
	}
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void record_json(struct buf *b, const struct stored_record *r)
{
	char utc[32];
	format_utc_ms(r->utc_us, utc);
	if (r->dated)
		buf_printf(b, "{\"utc\":\"%s\",\"host\":", utc);
	else	/* before the file's first time: no time at all */
		buf_puts(b, "{\"utc\":null,\"host\":");
	json_cstr(b, r->host);
	buf_puts(b, ",\"file\":");
	json_cstr(b, r->path);
	buf_printf(b, ",\"file_id\":%lld,\"line\":%u,\"component\":",
		   (long long)r->file_id, (unsigned)r->line);
	json_string(b, r->component, strlen(r->component));
	if (r->thread >= 0)
		buf_printf(b, ",\"thread\":%d", (int)r->thread);
	else
		buf_puts(b, ",\"thread\":null");
	if (r->type >= 0)
		buf_printf(b, ",\"type\":%d", (int)r->type);
	else
		buf_puts(b, ",\"type\":null");
	buf_printf(b, ",\"severity\":\"%s\",\"message\":",
		   severity_name(severity_of(r->type, r->keyword_sev)));
	json_string(b, r->text + r->message.off, r->message.len);
	buf_printf(b, ",\"offset_source\":\"%s\",\"bias\":%d,\"timed\":%s,"
		      "\"partial\":%s,\"time_text\":",
		   offset_source_name(r->offset_source), (int)r->bias_min,
		   r->timed ? "true" : "false", r->partial ? "true" : "false");
	json_string(b, r->text + r->time_text.off, r->time_text.len);
	buf_putc(b, '}');
}

static void record_table(struct buf *b, const struct stored_record *r)
{
	char utc[32], where[64];
	format_utc_ms(r->utc_us, utc);
	if (!r->dated)
		memset(utc, ' ', 24);
	buf_append(b, utc, 24);
	buf_append(b, r->timed || !r->dated ? "  " : "~ ", 2);
	term_field(b, r->host, 14);
	buf_putc(b, ' ');
	snprintf(where, sizeof(where), "%s:%u", base_name(r->path), (unsigned)r->line);
	term_field(b, where, 34);
	buf_putc(b, ' ');
	term_field(b, r->component[0] ? r->component : "-", 24);
	static const char sev_tag[SEV_COUNT] = { 'V', 'I', 'W', 'E' };
	buf_putc(b, ' ');
	buf_putc(b, sev_tag[severity_of(r->type, r->keyword_sev)]);
	buf_putc(b, ' ');
	term_escape(b, r->text + r->message.off, r->message.len);
	buf_putc(b, '\n');
}

static int log_row(void *ctx, const struct stored_record *r)
{
	struct log_out *o = ctx;
	if (o->min_sev && severity_of(r->type, r->keyword_sev) < o->min_sev)
		return 0;
	if (o->re && pcre2_match(o->re, (PCRE2_SPTR)(r->text + r->message.off),
				 r->message.len, 0, PCRE2_NO_UTF_CHECK, o->md, NULL) < 0)
		return 0;
	if (o->fmt == OUT_JSON) {
		buf_puts(&o->b, o->n ? ",\n" : "\n");
		record_json(&o->b, r);
	} else {
		record_table(&o->b, r);
	}
	o->n++;
	if (o->b.len > FLUSH_AT) {
		buf_flush_to(&o->b, stdout);
		if (ferror(stdout))
			return 1;	/* reader went away (e.g. | head) */
	}
	return 0;
}

int cmd_log(int argc, char **argv)
{
	const char *store_opt = NULL, *grep = NULL;
	struct log_query q = {0};
	struct log_out o = { .fmt = OUT_TABLE };
	bool ignore_case = false;
	int c, rc = 2;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:f:hi", log_options, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case OPT_HOST: q.host = optarg; break;
		case OPT_COMPONENT: q.component = optarg; break;
		case OPT_GREP: grep = optarg; break;
		case OPT_SINCE:
			if (!cli_parse_time("log", "--since", optarg, &q.since_us))
				return 2;
			q.has_since = true;
			break;
		case OPT_UNTIL:
			if (!cli_parse_time("log", "--until", optarg, &q.until_us))
				return 2;
			q.has_until = true;
			break;
		case 'f':
			if (!out_format_parse(optarg, 1u << OUT_TABLE | 1u << OUT_JSON, &o.fmt))
				return cli_usage_error("log", "--format wants table or json, got '%s'", optarg);
			break;
		case OPT_SEVERITY:
			if (!parse_severity(optarg, &o.min_sev))
				return cli_usage_error("log", "--severity wants error, warning, info or verbose, got '%s'", optarg);
			break;
		case 'i': ignore_case = true; break;
		case 'h': fputs(log_help, stdout); return 0;
		default: return cli_option_error("log", argv, "d:f:hi", log_options);
		}
	}
	if (optind < argc)
		return cli_usage_error("log", "unexpected argument '%s'", argv[optind]);
	if (ignore_case && !grep)
		return cli_usage_error("log", "--ignore-case goes with --grep");
	if (grep && !cli_compile_grep_case("log", grep, ignore_case, &o.re, &o.md))
		goto out;
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		goto out;
	if (o.fmt == OUT_JSON)
		buf_putc(&o.b, '[');
	rc = store_log(s, &q, log_row, &o) < 0 ? 2 : 0;
	if (rc)
		fprintf(stderr, "tatrace log: %s\n", store_error(s));
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, o.n ? "\n]\n" : "]\n");
	buf_flush_to(&o.b, stdout);
	store_close(s);
out:
	buf_free(&o.b);
	pcre2_match_data_free(o.md);
	pcre2_code_free(o.re);
	return rc;
}
