/* cmd_query.c - the read-only commands over the store: files, cat, stats.
 * JSON field names are a contract scripts rely on: add, never rename. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "correlate.h"
#include "output.h"
#include "../db/pages.h"
#include "../parsers/timeparse.h"

#define FLUSH_AT 65536

enum { OPT_HOST = 256 };

static const struct option store_format_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Shared option loop of files/stats/cat: -d, --format, --help, and
 * --host where host is not NULL. */
static int parse_store_format(const char *cmd, const char *help, int argc,
			      char **argv, const char **store, enum out_format *fmt,
			      const char **host)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:f:h", store_format_options, NULL)) != -1) {
		switch (c) {
		case 'd': *store = optarg; break;
		case 'f':
			if (!fmt || !out_format_parse(optarg, 1u << OUT_TABLE | 1u << OUT_JSON, fmt))
				return cli_usage_error(cmd, "--format wants table or json, got '%s'", optarg);
			break;
		case OPT_HOST:
			if (!host)
				return cli_usage_error(cmd, "unknown option '--host'");
			*host = optarg;
			break;
		case 'h': fputs(help, stdout); return 0;
		default:
			return cli_option_error(cmd, argv, "d:f:h", store_format_options);
		}
	}
	return -1;
}

/* ---- files ---- */

static const char files_help[] =
	"usage: tatrace files [-d STORE] [--host H] [--format table|json]\n"
	"\n"
	"List the stored files: id, host, role, format, encoding, records, partial\n"
	"records, decoded bytes, where most of its times' UTC offset came from\n"
	"(explicit, psadt, host, override, joined, assumed; with the bias in minutes\n"
	"when one serves the whole file), DUPOF and the path as found in the\n"
	"bundle. DUPOF (JSON duplicate_of) is the id of the file that holds the\n"
	"same evidence: this file's content equals it or is a prefix of it (the\n"
	"same logs ingested twice, or a copy collected before the log grew). Such a\n"
	"file adds no records, events or traces. JSON adds name, log, size, mtime\n"
	"and first_utc/last_utc (null when untimed); tatrace coverage shows the\n"
	"time each log covers per host and lane.\n"
	"\n"
	"  -d, --store STORE   store file (default $TATRACE_DB or ./tatrace.db)\n"
	"      --host H        only this host's files (case-insensitive)\n"
	"      --format F      table (default) or json\n";

struct files_out {
	struct buf b;
	enum out_format fmt;
	unsigned n;
	const char *host;	/* --host, case-insensitive; NULL = all */
};

static void file_json(struct buf *b, const struct store_file *f)
{
	buf_printf(b, "{\"id\":%lld,\"host\":", (long long)f->id);
	json_cstr(b, f->host);
	buf_puts(b, ",\"path\":");
	json_cstr(b, f->path);
	buf_puts(b, ",\"name\":");
	json_cstr(b, f->name);
	buf_puts(b, ",\"log\":");
	json_cstr(b, f->log_name);
	buf_puts(b, ",\"role\":");
	json_cstr(b, f->role);
	buf_puts(b, ",\"format\":");
	json_cstr(b, f->format);
	buf_puts(b, ",\"encoding\":");
	json_cstr(b, f->encoding);
	buf_printf(b, ",\"records\":%lld,\"partial\":%lld,\"bytes\":%lld,"
		      "\"size\":%lld,\"mtime\":%lld,\"duplicate_of\":",
		   (long long)f->records, (long long)f->partial,
		   (long long)f->bytes, (long long)f->size, (long long)f->mtime);
	if (f->duplicate_of > 0)
		buf_printf(b, "%lld", (long long)f->duplicate_of);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"first_utc\":");
	json_utc(b, f->utc_min);
	buf_puts(b, ",\"last_utc\":");
	json_utc(b, f->utc_max);
	buf_printf(b, ",\"offset_source\":\"%s\"",
		   offset_source_name(f->offset_source));
	if (f->has_bias)
		buf_printf(b, ",\"bias\":%d}", (int)f->bias_min);
	else
		buf_puts(b, ",\"bias\":null}");
}

/* "joined +420", "explicit": the OFFSET column. */
static void file_offset(char *out, size_t len, const struct store_file *f)
{
	if (f->duplicate_of > 0)	/* no records of its own */
		snprintf(out, len, "-");
	else if (f->has_bias)
		snprintf(out, len, "%s %+d", offset_source_name(f->offset_source),
			 (int)f->bias_min);
	else
		snprintf(out, len, "%s", offset_source_name(f->offset_source));
}

static int file_row(void *ctx, const struct store_file *f)
{
	struct files_out *o = ctx;
	if (o->host && strcasecmp(o->host, f->host) != 0)
		return 0;
	if (o->fmt == OUT_JSON) {
		buf_puts(&o->b, o->n ? ",\n" : "\n");
		file_json(&o->b, f);
	} else {
		buf_printf(&o->b, "%4lld  ", (long long)f->id);
		term_field(&o->b, f->host, 20);
		buf_puts(&o->b, "  ");
		term_field(&o->b, f->role, 9);
		char offset[48];
		file_offset(offset, sizeof(offset), f);
		buf_printf(&o->b, " %-5s %-12s %9lld %7lld %11lld  %-14s ",
			   f->format, f->encoding, (long long)f->records,
			   (long long)f->partial, (long long)f->bytes, offset);
		if (f->duplicate_of > 0)
			buf_printf(&o->b, "%5lld  ", (long long)f->duplicate_of);
		else
			buf_printf(&o->b, "%5s  ", "-");
		term_escape(&o->b, f->path, strlen(f->path));
		buf_putc(&o->b, '\n');
	}
	o->n++;
	if (o->b.len > FLUSH_AT)
		buf_flush_to(&o->b, stdout);
	return 0;
}

int cmd_files(int argc, char **argv)
{
	const char *store_opt = NULL;
	struct files_out o = { .fmt = OUT_TABLE };
	int rc = parse_store_format("files", files_help, argc, argv, &store_opt, &o.fmt,
				    &o.host);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("files", "unexpected argument '%s'", argv[optind]);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	if (o.fmt == OUT_JSON)
		buf_putc(&o.b, '[');
	else
		buf_printf(&o.b, "%4s  %-20s  %-9s %-5s %-12s %9s %7s %11s  %-14s %5s  %s\n",
			   "ID", "HOST", "ROLE", "FMT", "ENCODING", "RECORDS",
			   "PARTIAL", "BYTES", "OFFSET", "DUPOF", "PATH");
	rc = store_files(s, file_row, &o);
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, o.n ? "\n]\n" : "]\n");
	buf_flush_to(&o.b, stdout);
	buf_free(&o.b);
	if (rc != 0)
		term_printf(stderr, "tatrace files: %s\n", store_error(s));
	store_close(s);
	return rc ? 2 : 0;
}

/* ---- cat ---- */

static const char cat_help[] =
	"usage: tatrace cat [-d STORE] FILE_ID\n"
	"\n"
	"Print the stored text of a file exactly as decoded (UTF-8, BOM dropped).\n"
	"On a terminal, control characters are shown escaped.\n";

struct cat_out {
	bool tty;
};

static int cat_write(void *ctx, const char *data, size_t len)
{
	struct cat_out *o = ctx;
	write_text(stdout, data, len, o->tty);
	return ferror(stdout) ? -1 : 0;
}

int cmd_cat(int argc, char **argv)
{
	const char *store_opt = NULL;
	int rc = parse_store_format("cat", cat_help, argc, argv, &store_opt, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("cat", "want exactly one FILE_ID");
	char *end;
	errno = 0;
	long long id = strtoll(argv[optind], &end, 10);
	if (errno || *end || end == argv[optind] || id <= 0)
		return cli_usage_error("cat", "FILE_ID must be a positive number, got '%s'", argv[optind]);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	struct cat_out o = { isatty(STDOUT_FILENO) != 0 };
	rc = store_cat(s, id, cat_write, &o);
	bool out_failed = ferror(stdout) != 0;	/* main() says so */
	if (rc == 1)
		fprintf(stderr, "tatrace cat: no file with id %lld (see tatrace files)\n", id);
	else if (rc != 0 && !out_failed)
		term_printf(stderr, "tatrace cat: %s\n", store_error(s));
	store_close(s);
	return rc == 0 || out_failed ? 0 : rc == 1 ? 1 : 2;
}

/* ---- stats ---- */

static const char stats_help[] =
	"usage: tatrace stats [-d STORE] [--format table|json]\n"
	"\n"
	"Counts of files, records, partial records, hosts, and records per format,\n"
	"severity and time-offset source; traces per status.\n";

struct trace_counts {
	int64_t total;
	int64_t by_status[TRACE_STATUS_COUNT];
};

/* Counted through the status index (no trace row is read): stats at
 * 100,000 traces costs milliseconds, not a walk of every trace. */
static int count_traces(struct store *s, struct trace_counts *c)
{
	struct trace_pager all = {0};
	if (store_trace_status_counts(s, &all, c->by_status) < 0)
		return -1;
	c->total = 0;
	for (size_t i = 0; i < TRACE_STATUS_COUNT; i++)
		c->total += c->by_status[i];
	return 0;
}

static void traces_json(struct buf *b, const struct trace_counts *c)
{
	buf_printf(b, ",\"traces\":{\"total\":%lld,\"by_status\":{", (long long)c->total);
	for (size_t i = 0; i < TRACE_STATUS_COUNT; i++)
		buf_printf(b, "%s\"%s\":%lld", i ? "," : "", trace_statuses[i].name,
			   (long long)c->by_status[i]);
	buf_puts(b, "}}");
}

static void traces_table(struct buf *b, const struct trace_counts *c)
{
	buf_printf(b, "traces     %lld", (long long)c->total);
	const char *sep = ": ";
	for (size_t i = 0; i < TRACE_STATUS_COUNT; i++) {
		if (!c->by_status[i])
			continue;
		buf_printf(b, "%s%s %lld", sep, trace_statuses[i].name,
			   (long long)c->by_status[i]);
		sep = ", ";
	}
	buf_putc(b, '\n');
}

static void stats_json(struct buf *b, const struct store_stats *st,
		       const struct trace_counts *tc)
{
	char first[32], last[32];
	format_utc_ms(st->utc_min, first);
	format_utc_ms(st->utc_max, last);
	buf_printf(b,
		   "{\"files\":%lld,\"records\":%lld,\"partial\":%lld,\"hosts\":%lld,"
		   "\"bytes\":%lld,\"blocks\":%lld,"
		   "\"formats\":{\"plain\":%lld,\"ccm\":%lld,\"sms\":%lld},"
		   "\"severity\":{\"verbose\":%lld,\"info\":%lld,\"warning\":%lld,\"error\":%lld},"
		   "\"offset_source\":{\"explicit\":%lld,\"host\":%lld,\"override\":%lld,\"assumed\":%lld,"
		   "\"psadt\":%lld,\"joined\":%lld},",
		   (long long)st->files, (long long)st->records,
		   (long long)st->partial, (long long)st->hosts,
		   (long long)st->bytes, (long long)st->blocks,
		   (long long)st->per_format[FORMAT_PLAIN],
		   (long long)st->per_format[FORMAT_CCM],
		   (long long)st->per_format[FORMAT_SMS],
		   (long long)st->per_severity[SEV_VERBOSE],
		   (long long)st->per_severity[SEV_INFO],
		   (long long)st->per_severity[SEV_WARNING],
		   (long long)st->per_severity[SEV_ERROR],
		   (long long)st->per_offset_source[OFFSET_EXPLICIT],
		   (long long)st->per_offset_source[OFFSET_HOST],
		   (long long)st->per_offset_source[OFFSET_OVERRIDE],
		   (long long)st->per_offset_source[OFFSET_ASSUMED],
		   (long long)st->per_offset_source[OFFSET_PSADT],
		   (long long)st->per_offset_source[OFFSET_JOINED]);
	if (st->records && (st->utc_min || st->utc_max))
		buf_printf(b, "\"first_utc\":\"%s\",\"last_utc\":\"%s\"", first, last);
	else
		buf_printf(b, "\"first_utc\":null,\"last_utc\":null");
	traces_json(b, tc);
	buf_puts(b, "}\n");
}

static void stats_table(struct buf *b, const struct store_stats *st,
			const struct trace_counts *tc)
{
	char first[32], last[32];
	format_utc_ms(st->utc_min, first);
	format_utc_ms(st->utc_max, last);
	buf_printf(b, "files      %lld\nhosts      %lld\nrecords    %lld\n"
		      "partial    %lld\nbytes      %lld\n",
		   (long long)st->files, (long long)st->hosts,
		   (long long)st->records, (long long)st->partial,
		   (long long)st->bytes);
	buf_printf(b, "formats    ccm %lld, sms %lld, plain %lld\n",
		   (long long)st->per_format[FORMAT_CCM],
		   (long long)st->per_format[FORMAT_SMS],
		   (long long)st->per_format[FORMAT_PLAIN]);
	buf_printf(b, "severity   error %lld, warning %lld, info %lld, verbose %lld\n",
		   (long long)st->per_severity[SEV_ERROR],
		   (long long)st->per_severity[SEV_WARNING],
		   (long long)st->per_severity[SEV_INFO],
		   (long long)st->per_severity[SEV_VERBOSE]);
	buf_printf(b, "offsets    explicit %lld, host %lld, override %lld, assumed %lld,"
		      " psadt %lld, joined %lld\n",
		   (long long)st->per_offset_source[OFFSET_EXPLICIT],
		   (long long)st->per_offset_source[OFFSET_HOST],
		   (long long)st->per_offset_source[OFFSET_OVERRIDE],
		   (long long)st->per_offset_source[OFFSET_ASSUMED],
		   (long long)st->per_offset_source[OFFSET_PSADT],
		   (long long)st->per_offset_source[OFFSET_JOINED]);
	if (st->records && (st->utc_min || st->utc_max))
		buf_printf(b, "time span  %s .. %s\n", first, last);
	traces_table(b, tc);
}

int cmd_stats(int argc, char **argv)
{
	const char *store_opt = NULL;
	enum out_format fmt = OUT_TABLE;
	int rc = parse_store_format("stats", stats_help, argc, argv, &store_opt, &fmt, NULL);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	struct store_stats st;
	struct trace_counts tc = {0};
	rc = store_stats(s, &st);
	if (rc == 0)
		rc = count_traces(s, &tc);
	if (rc == 0) {
		struct buf b = {0};
		if (fmt == OUT_JSON)
			stats_json(&b, &st, &tc);
		else
			stats_table(&b, &st, &tc);
		buf_flush_to(&b, stdout);
		buf_free(&b);
	} else {
		term_printf(stderr, "tatrace stats: %s\n", store_error(s));
	}
	store_close(s);
	return rc ? 2 : 0;
}
