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
/* Records named one by one when the pattern hits a PCRE2 limit on them;
 * past that only the total is given. */
#define LIMIT_LINES 10

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
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 done; 1 the pattern hit a PCRE2 limit (match, depth, heap)\n"
	"on some records, named on stderr and not shown; 2 usage or store error.\n";

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
	unsigned long long limited;	/* records the pattern failed on */
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

/* Decimal digits of v into b: the per-record numbers without printf. */
static void put_uint(struct buf *b, unsigned long long v)
{
	char digits[24], *p = digits + sizeof(digits);
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	buf_append(b, p, (size_t)(digits + sizeof(digits) - p));
}

static void put_int(struct buf *b, long long v)
{
	if (v < 0) {
		buf_append(b, "-", 1);
		put_uint(b, 0ull - (unsigned long long)v);
	} else {
		put_uint(b, (unsigned long long)v);
	}
}

#define PUT_LIT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

static void record_json(struct buf *b, const struct stored_record *r)
{
	if (r->dated) {
		char utc[32];
		format_utc_ms(r->utc_us, utc);
		PUT_LIT(b, "{\"utc\":\"");
		buf_puts(b, utc);
		PUT_LIT(b, "\",\"host\":");
	} else {	/* before the file's first time: no time at all */
		PUT_LIT(b, "{\"utc\":null,\"host\":");
	}
	json_cstr(b, r->host);
	PUT_LIT(b, ",\"file\":");
	json_cstr(b, r->path);
	PUT_LIT(b, ",\"file_id\":");
	put_int(b, (long long)r->file_id);
	PUT_LIT(b, ",\"line\":");
	put_uint(b, r->line);
	PUT_LIT(b, ",\"component\":");
	json_string(b, r->component, strlen(r->component));
	PUT_LIT(b, ",\"thread\":");
	if (r->thread >= 0)
		put_int(b, r->thread);
	else
		PUT_LIT(b, "null");
	PUT_LIT(b, ",\"type\":");
	if (r->type >= 0)
		put_int(b, r->type);
	else
		PUT_LIT(b, "null");
	PUT_LIT(b, ",\"severity\":\"");
	buf_puts(b, severity_name(severity_of(r->type, r->keyword_sev)));
	PUT_LIT(b, "\",\"message\":");
	json_string(b, r->text + r->message.off, r->message.len);
	PUT_LIT(b, ",\"offset_source\":\"");
	buf_puts(b, offset_source_name(r->offset_source));
	PUT_LIT(b, "\",\"bias\":");
	put_int(b, r->bias_min);
	PUT_LIT(b, ",\"timed\":");
	if (r->timed)
		PUT_LIT(b, "true,\"partial\":");
	else
		PUT_LIT(b, "false,\"partial\":");
	if (r->partial)
		PUT_LIT(b, "true,\"time_text\":");
	else
		PUT_LIT(b, "false,\"time_text\":");
	json_string(b, r->text + r->time_text.off, r->time_text.len);
	PUT_LIT(b, "}");
}

/* "name:line" as snprintf into where[64] would write it (cut at 63
 * bytes), without printf. */
static void format_where(char where[64], const char *path, uint32_t line)
{
	const char *name = base_name(path);
	char digits[12], *d = digits + sizeof(digits);
	do
		*--d = (char)('0' + line % 10);
	while (line /= 10);
	size_t nlen = strlen(name), dlen = (size_t)(digits + sizeof(digits) - d);
	size_t len = nlen + 1 + dlen < 63 ? nlen + 1 + dlen : 63;
	char *o = where;
	memcpy(o, name, nlen < len ? nlen : len);
	if (nlen < len) {
		o[nlen] = ':';
		memcpy(o + nlen + 1, d, len - nlen - 1);
	}
	where[len] = '\0';
}

static void record_table(struct buf *b, const struct stored_record *r)
{
	static const char sev_tag[SEV_COUNT] = { 'V', 'I', 'W', 'E' };
	char utc[32], where[64];
	format_utc_ms(r->utc_us, utc);
	if (!r->dated)
		memset(utc, ' ', 24);
	buf_append(b, utc, 24);
	buf_append(b, r->timed || !r->dated ? "  " : "~ ", 2);
	term_field(b, r->host, 14);
	PUT_LIT(b, " ");
	format_where(where, r->path, r->line);
	term_field(b, where, 34);
	PUT_LIT(b, " ");
	term_field(b, r->component[0] ? r->component : "-", 24);
	char tag[3] = { ' ', sev_tag[severity_of(r->type, r->keyword_sev)], ' ' };
	buf_append(b, tag, 3);
	term_escape(b, r->text + r->message.off, r->message.len);
	PUT_LIT(b, "\n");
}

static int log_row(void *ctx, const struct stored_record *r)
{
	struct log_out *o = ctx;
	if (o->min_sev && severity_of(r->type, r->keyword_sev) < o->min_sev)
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

static const char *limit_name(int pcre2_rc, char *msg, size_t len)
{
	switch (pcre2_rc) {
	case PCRE2_ERROR_MATCHLIMIT: return "match limit";
	case PCRE2_ERROR_DEPTHLIMIT: return "depth limit";
	case PCRE2_ERROR_HEAPLIMIT: return "heap limit";
	case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack limit";
	}
	pcre2_get_error_message(pcre2_rc, (PCRE2_UCHAR *)msg, len);
	return msg;
}

/* A record the pattern could not be matched against: not a non-match.
 * Named (the first LIMIT_LINES), counted, and the exit status says so. */
static int log_limit(void *ctx, const struct stored_record *r, int pcre2_rc)
{
	struct log_out *o = ctx;
	if (o->min_sev && severity_of(r->type, r->keyword_sev) < o->min_sev)
		return 0;
	if (o->limited++ >= LIMIT_LINES)
		return 0;
	char msg[128];
	struct buf line = {0};
	term_escape(&line, r->path, strlen(r->path));
	buf_printf(&line, ":%u: pattern hit the PCRE2 %s\n", (unsigned)r->line,
		   limit_name(pcre2_rc, msg, sizeof(msg)));
	buf_flush_to(&line, stderr);
	buf_free(&line);
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
	q.grep = o.re;
	q.grep_text = grep;
	q.grep_error = log_limit;
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		goto out;
	if (o.fmt == OUT_JSON)
		buf_putc(&o.b, '[');
	rc = store_log(s, &q, log_row, &o) < 0 ? 2 : 0;
	if (rc)
		fprintf(stderr, "tatrace log: %s\n", store_error(s));
	else if (o.limited) {
		fprintf(stderr, "tatrace log: the pattern hit a PCRE2 limit on"
			" %llu record%s, not shown: make it simpler (fewer"
			" nested or unbounded repeats)\n", o.limited,
			o.limited == 1 ? "" : "s");
		rc = 1;
	}
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
