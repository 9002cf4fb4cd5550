/* cmd_findings.c - `tatrace findings` (what is wrong, from the stored
 * findings), `tatrace explain` (what an error code means) and `tatrace
 * coverage` (what each log covers, which lanes are missing, which traces
 * each lane covers). JSON field names are a contract: add, never rename. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errcodes.h"
#include "findings.h"
#include "output.h"
#include "../parsers/timeparse.h"

#define FLUSH_AT 65536

/* Events of records with no time carry utc 0 in the store: null here. */
static void utc_json(struct buf *b, int64_t us)
{
	json_utc(b, us == 0 ? EVENT_NONE : us);
}

static void utc_cell(struct buf *b, int64_t us)
{
	char t[32];
	if (us == EVENT_NONE || us == 0)
		snprintf(t, sizeof(t), "-");
	else
		format_utc_ms(us, t);
	buf_printf(b, "%-24s", t);
}

static void escaped(struct buf *b, const char *s)
{
	term_escape(b, s, strlen(s));
}

/* ---- findings ---- */

static const char findings_help_head[] =
	"usage: tatrace findings [-d STORE] [--kind KIND] [--format table|json]\n"
	"\n"
	"What is wrong in the stored logs, most urgent first: each finding has a\n"
	"kind, a severity (error, warning, info), a title, what to do, its first\n"
	"and last time, a count, evidence (host, file, line, UTC of log lines)\n"
	"and the traces it is about. Findings are brought up to date after\n"
	"every ingest: the rules the change reaches run again.\n"
	"\n"
	"  --kind KIND   only findings of this kind, one of:\n";
static const char findings_help_tail[] =
	"  --format      table (default) or json: an array of objects with kind,\n"
	"                severity, title, advice, first_utc, last_utc, count,\n"
	"                evidence [{host, file, line, utc}] and traces [ids]\n"
	"\n"
	"Error codes named in a finding: tatrace explain CODE.\n";

/* The kinds come from the rule table, so --help cannot drift from it. */
static void findings_help(void)
{
	fputs(findings_help_head, stdout);
	size_t col = 0;
	for (size_t i = 0; i < finding_kind_count(); i++) {
		const char *k = finding_kind_name(i);
		if (col && col + 1 + strlen(k) > 58) {
			putchar('\n');
			col = 0;
		}
		printf("%s%s", col ? " " : "                ", k);
		col += strlen(k) + 1;
	}
	putchar('\n');
	fputs(findings_help_tail, stdout);
}

struct findings_out {
	struct buf b;
	enum out_format fmt;
	unsigned n;
};

static void finding_json(struct buf *b, const struct finding *f)
{
	buf_puts(b, "{\"kind\":");
	json_cstr(b, f->kind);
	buf_puts(b, ",\"severity\":");
	json_cstr(b, f->severity);
	buf_puts(b, ",\"title\":");
	json_cstr(b, f->title);
	buf_puts(b, ",\"advice\":");
	json_cstr(b, f->advice);
	buf_puts(b, ",\"first_utc\":");
	utc_json(b, f->first_utc);
	buf_puts(b, ",\"last_utc\":");
	utc_json(b, f->last_utc);
	buf_printf(b, ",\"count\":%" PRId64 ",\"evidence\":[", f->count);
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct finding_evidence *e = &f->evidence[i];
		buf_puts(b, i ? ",{\"host\":" : "{\"host\":");
		json_cstr(b, e->host);
		buf_puts(b, ",\"file\":");
		json_cstr(b, e->file);
		if (e->line > 0)
			buf_printf(b, ",\"line\":%" PRId64, e->line);
		else
			buf_puts(b, ",\"line\":null");
		buf_puts(b, ",\"utc\":");
		utc_json(b, e->utc);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\"traces\":[");
	for (size_t i = 0; i < f->n_traces; i++)
		buf_printf(b, "%s%" PRId64, i ? "," : "", f->traces[i]);
	buf_puts(b, "]}");
}

#define TABLE_TRACES 20
#define WRAP_AT 100
#define INDENT "                   "

/* s escaped, wrapped at blanks to WRAP_AT columns, continuation lines
 * indented like the first (which the caller has started). */
static void wrapped(struct buf *b, const char *s)
{
	struct buf e = { 0 };
	term_escape(&e, s, strlen(s));
	size_t width = WRAP_AT - strlen(INDENT), col = 0, i = 0;
	while (i < e.len) {
		size_t w = i;
		while (w < e.len && e.data[w] != ' ')
			w++;
		size_t word = w - i;
		if (col && col + 1 + word > width) {
			buf_puts(b, "\n" INDENT);
			col = 0;
		} else if (col) {
			buf_putc(b, ' ');
			col++;
		}
		buf_append(b, e.data + i, word);
		col += word;
		i = w;
		while (i < e.len && e.data[i] == ' ')
			i++;
	}
	buf_free(&e);
}

static void finding_table(struct buf *b, const struct finding *f)
{
	buf_printf(b, "%-8s ", f->severity);
	escaped(b, f->kind);
	buf_puts(b, ": ");
	escaped(b, f->title);
	buf_putc(b, '\n');
	buf_puts(b, "         when:     ");
	if (f->first_utc != EVENT_NONE) {
		char a[32], z[32];
		format_utc_ms(f->first_utc, a);
		format_utc_ms(f->last_utc, z);
		if (f->first_utc == f->last_utc)
			buf_printf(b, "%s", a);
		else
			buf_printf(b, "%s .. %s", a, z);
	} else {
		buf_puts(b, "-");
	}
	buf_printf(b, "   count: %" PRId64 "\n", f->count);
	buf_puts(b, "         do:       ");
	wrapped(b, f->advice);
	buf_putc(b, '\n');
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct finding_evidence *e = &f->evidence[i];
		buf_puts(b, i ? "                   " : "         evidence: ");
		escaped(b, e->host);
		buf_puts(b, "  ");
		escaped(b, e->file);
		if (e->line > 0)
			buf_printf(b, ":%" PRId64, e->line);
		if (e->utc != EVENT_NONE) {
			char t[32];
			format_utc_ms(e->utc, t);
			buf_printf(b, "  %s", t);
		}
		buf_putc(b, '\n');
	}
	if (f->n_traces) {
		buf_puts(b, "         traces:   ");
		for (size_t i = 0; i < f->n_traces && i < TABLE_TRACES; i++)
			buf_printf(b, "%s%" PRId64, i ? " " : "", f->traces[i]);
		if (f->n_traces > TABLE_TRACES)
			buf_printf(b, " ... (%zu in all)", f->n_traces);
		buf_putc(b, '\n');
	}
	buf_putc(b, '\n');
}

static int finding_out(void *ctx, const struct finding *f)
{
	struct findings_out *o = ctx;
	if (o->fmt == OUT_JSON) {
		buf_puts(&o->b, o->n ? ",\n" : "\n");
		finding_json(&o->b, f);
	} else {
		finding_table(&o->b, f);
	}
	o->n++;
	if (o->b.len > FLUSH_AT)
		buf_flush_to(&o->b, stdout);
	return 0;
}

enum { OPT_KIND = 256, OPT_LIST };

static const struct option findings_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_findings(int argc, char **argv)
{
	const char *store_opt = NULL, *kind = NULL;
	struct findings_out o = { .fmt = OUT_TABLE };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:h", findings_options, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case OPT_KIND:
			if (!finding_kind_known(optarg))
				return cli_usage_error("findings", "unknown --kind '%s' (see --help)", optarg);
			kind = optarg;
			break;
		case 'f':
			if (!out_format_parse(optarg, 1u << OUT_TABLE | 1u << OUT_JSON, &o.fmt))
				return cli_usage_error("findings", "--format wants table or json, got '%s'", optarg);
			break;
		case 'h': findings_help(); return 0;
		default: return cli_usage_error("findings", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("findings", "unexpected argument '%s'", argv[optind]);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	if (o.fmt == OUT_JSON)
		buf_putc(&o.b, '[');
	int rc = store_findings(s, kind, finding_out, &o) < 0 ? 2 : 0;
	if (rc)
		term_printf(stderr, "tatrace findings: %s\n", store_error(s));
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, o.n ? "\n]\n" : "]\n");
	else if (!rc && !o.n)
		buf_puts(&o.b, "No findings.\n");
	buf_flush_to(&o.b, stdout);
	buf_free(&o.b);
	store_close(s);
	return rc;
}

/* ---- explain ---- */

static const char explain_help[] =
	"usage: tatrace explain CODE...\n"
	"       tatrace explain --list\n"
	"\n"
	"What an error code from the logs means. CODE is an HRESULT in hex\n"
	"(0x80070005, 80070005, 80070005h), in decimal (2147942405) or as a\n"
	"negative number (-2147024891), or an HTTP status (\"HTTP 401\", 401).\n"
	"Exit status 1 when a code is not in tatrace's table.\n";

static void explain_one(struct buf *b, const struct errcode *ec)
{
	char label[24];
	errcode_label(ec->family, ec->code, label, sizeof(label));
	buf_puts(b, label);
	if (ec->family == ERRCODE_HRESULT)
		buf_printf(b, " (%" PRId32 ")", (int32_t)ec->code);
	if (ec->family == ERRCODE_HTTP)
		buf_printf(b, "  %s: %s\n", ec->name, ec->meaning);
	else
		buf_printf(b, "  %s%s%s: %s\n", ec->name, ec->name[0] ? ", " : "",
			   ec->source, ec->meaning);
}

int cmd_explain(int argc, char **argv)
{
	/* By hand rather than getopt: a negative HRESULT (-2147024891) is
	 * a code, not an option. */
	bool list = false;
	int first = argc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			first = i + 1;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(explain_help, stdout);
			return 0;
		}
		if (!strcmp(a, "--list")) {
			list = true;
			continue;
		}
		if (a[0] == '-' && !(a[1] >= '0' && a[1] <= '9'))
			return cli_usage_error("explain", "unknown option '%s'", a);
		first = i;
		break;
	}
	int optind_codes = first;
	struct buf b = { 0 };
	if (list) {
		size_t n;
		const struct errcode *t = errcode_table(&n);
		for (size_t i = 0; i < n; i++)
			explain_one(&b, &t[i]);
		buf_flush_to(&b, stdout);
		buf_free(&b);
		return 0;
	}
	if (optind_codes >= argc)
		return cli_usage_error("explain", "which code? e.g. tatrace explain 0x80070005");
	int rc = 0;
	for (int i = optind_codes; i < argc; i++) {
		enum errcode_family fam;
		uint32_t code;
		if (!errcode_parse(argv[i], &fam, &code)) {
			buf_free(&b);
			struct buf e = { 0 };
			term_escape(&e, argv[i], strlen(argv[i]));
			buf_putc(&e, '\0');
			rc = cli_usage_error("explain", "'%s' is not a code (hex like"
					     " 0x80070005, decimal, or HTTP 401)", e.data);
			buf_free(&e);
			return rc;
		}
		const struct errcode *ec = errcode_find(fam, code);
		if (ec) {
			explain_one(&b, ec);
			continue;
		}
		char label[24];
		errcode_label(fam, code, label, sizeof(label));
		buf_flush_to(&b, stdout);
		fprintf(stderr, "tatrace explain: %s is not in tatrace's table of"
			" codes (tatrace explain --list shows them)\n", label);
		rc = 1;
	}
	buf_flush_to(&b, stdout);
	buf_free(&b);
	return rc;
}

/* ---- coverage ---- */

static const char coverage_help[] =
	"usage: tatrace coverage [-d STORE] [--format table|json]\n"
	"\n"
	"What the bundle covers. Per host and lane (role): each log with its first\n"
	"and last UTC, its bias (minutes; UTC = local + bias) and where the bias\n"
	"came from (explicit, host, override, assumed), its records, partial\n"
	"records and error records. Then the lanes with no log at all, and per\n"
	"trace which of its lanes (connector, server, agent) have a log covering\n"
	"its time (or events of it).\n"
	"\n"
	"JSON: {\"hosts\": [{\"host\", \"lanes\": [{\"lane\", \"logs\": [{\"file_id\",\n"
	"\"path\", \"log\", \"first_utc\", \"last_utc\", \"bias_min\", \"offset_source\",\n"
	"\"offset_sources\": {...}, \"records\", \"partial\", \"error_records\"}]}]}],\n"
	"\"missing_lanes\": [...], \"traces\": [{\"id\", \"guid\", \"status\",\n"
	"\"covered\": {\"connector\": bool, \"server\": bool, \"agent\": bool}}]}\n";


struct cov_out {
	struct buf b;
	enum out_format fmt;
	char *host, *role;	/* the group being written */
	bool have[TRACE_LANES];
	unsigned n_files;
	unsigned n_traces, uncovered[TRACE_LANES], n_partly;
};

static const char *dominant_source(const struct store_file_coverage *c)
{
	int best = -1;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		if (c->per_offset_source[i] > 0 &&
		    (best < 0 || c->per_offset_source[i] > c->per_offset_source[best]))
			best = i;
	return best < 0 ? NULL : offset_source_name((enum offset_source)best);
}

static void cov_json(struct cov_out *o, const struct store_file_coverage *c)
{
	struct buf *b = &o->b;
	bool new_host = !o->host || strcmp(o->host, c->host);
	bool new_role = new_host || strcmp(o->role, c->role);
	if (new_host) {
		if (o->host)
			buf_puts(b, "]}]},\n");
		buf_puts(b, "{\"host\":");
		json_cstr(b, c->host);
		buf_puts(b, ",\"lanes\":[");
	} else if (new_role) {
		buf_puts(b, "]},");
	}
	if (new_role) {
		buf_puts(b, "{\"lane\":");
		json_cstr(b, c->role);
		buf_puts(b, ",\"logs\":[");
	} else {
		buf_putc(b, ',');
	}
	buf_printf(b, "{\"file_id\":%" PRId64 ",\"path\":", c->file_id);
	json_cstr(b, c->path);
	buf_puts(b, ",\"log\":");
	json_cstr(b, c->log_name);
	buf_puts(b, ",\"first_utc\":");
	utc_json(b, c->timed ? c->utc_min : EVENT_NONE);
	buf_puts(b, ",\"last_utc\":");
	utc_json(b, c->timed ? c->utc_max : EVENT_NONE);
	if (c->bias_min == INT32_MIN)
		buf_puts(b, ",\"bias_min\":null");
	else
		buf_printf(b, ",\"bias_min\":%" PRId32, c->bias_min);
	buf_puts(b, ",\"offset_source\":");
	json_cstr(b, dominant_source(c));
	buf_puts(b, ",\"offset_sources\":{");
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		buf_printf(b, "%s\"%s\":%" PRId64, i ? "," : "",
			   offset_source_name((enum offset_source)i),
			   c->per_offset_source[i]);
	buf_printf(b, "},\"records\":%" PRId64 ",\"partial\":%" PRId64
		   ",\"error_records\":%" PRId64 "}", c->records, c->partial,
		   c->error_records);
}

static void cov_table(struct cov_out *o, const struct store_file_coverage *c)
{
	struct buf *b = &o->b;
	term_field(b, c->host, 16);
	buf_puts(b, "  ");
	term_field(b, c->role, 9);
	buf_puts(b, "  ");
	utc_cell(b, c->timed ? c->utc_min : EVENT_NONE);
	buf_puts(b, "  ");
	utc_cell(b, c->timed ? c->utc_max : EVENT_NONE);
	if (c->bias_min == INT32_MIN)
		buf_printf(b, "  %5s", "?");
	else
		buf_printf(b, "  %+5" PRId32, c->bias_min);
	const char *src = dominant_source(c);
	buf_printf(b, "  %-8s %8" PRId64 " %7" PRId64 " %6" PRId64 "  ",
		   src ? src : "-", c->records, c->partial, c->error_records);
	escaped(b, c->path);
	buf_putc(b, '\n');
}

static int cov_row(void *ctx, const struct store_file_coverage *c)
{
	struct cov_out *o = ctx;
	for (int l = 0; l < TRACE_LANES; l++)
		o->have[l] |= !strcmp(c->role, lane_name((enum lane)l));
	if (o->fmt == OUT_JSON)
		cov_json(o, c);
	else
		cov_table(o, c);
	if (!o->host || strcmp(o->host, c->host)) {
		free(o->host);
		o->host = xstrdup(c->host);
	}
	free(o->role);
	o->role = xstrdup(c->role);
	o->n_files++;
	if (o->b.len > FLUSH_AT)
		buf_flush_to(&o->b, stdout);
	return 0;
}

/* A lane is covered unless the trace lists it as missing (correlate's
 * verdict: no events of that lane and no log of it covering the time). */
static bool lane_missing(const char *missing, const char *lane)
{
	size_t n = strlen(lane);
	for (const char *p = missing; (p = strstr(p, lane)) != NULL; p += n)
		if ((p == missing || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

static int cov_trace(void *ctx, const struct trace_row *t)
{
	struct cov_out *o = ctx;
	bool covered[TRACE_LANES], all = true;
	for (int l = 0; l < TRACE_LANES; l++) {
		covered[l] = !lane_missing(t->missing, lane_name((enum lane)l));
		all &= covered[l];
		if (!covered[l])
			o->uncovered[l]++;
	}
	if (o->fmt == OUT_JSON) {
		buf_puts(&o->b, o->n_traces ? ",\n" : "\n");
		buf_printf(&o->b, "{\"id\":%" PRId64 ",\"guid\":", t->id);
		json_cstr(&o->b, t->guid);
		buf_puts(&o->b, ",\"status\":");
		json_cstr(&o->b, t->status);
		buf_printf(&o->b, ",\"covered\":{\"connector\":%s,\"server\":%s,"
			   "\"agent\":%s}}", covered[0] ? "true" : "false",
			   covered[1] ? "true" : "false",
			   covered[2] ? "true" : "false");
	} else if (!all) {
		if (!o->n_partly)
			buf_printf(&o->b, "\nTraces whose lanes are not all covered:\n"
				   "%6s  %-16s  %-36s  %s\n", "ID", "STATUS", "GUID",
				   "NOT COVERED");
		buf_printf(&o->b, "%6" PRId64 "  ", t->id);
		term_field(&o->b, t->status, 16);
		buf_puts(&o->b, "  ");
		term_field(&o->b, t->guid ? t->guid : "-", 36);
		buf_puts(&o->b, "  ");
		escaped(&o->b, t->missing);
		buf_putc(&o->b, '\n');
		o->n_partly++;
	}
	o->n_traces++;
	if (o->b.len > FLUSH_AT)
		buf_flush_to(&o->b, stdout);
	return 0;
}

int cmd_coverage(int argc, char **argv)
{
	const char *store_opt = NULL;
	struct cov_out o = { .fmt = OUT_TABLE };
	int c;
	optind = 1;
	static const struct option coverage_options[] = {
		{ "store", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	while ((c = getopt_long(argc, argv, "d:f:h", coverage_options, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case 'f':
			if (!out_format_parse(optarg, 1u << OUT_TABLE | 1u << OUT_JSON, &o.fmt))
				return cli_usage_error("coverage", "--format wants table or json, got '%s'", optarg);
			break;
		case 'h': fputs(coverage_help, stdout); return 0;
		default: return cli_usage_error("coverage", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("coverage", "unexpected argument '%s'", argv[optind]);
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		return 2;
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, "{\"hosts\":[\n");
	else
		buf_printf(&o.b, "%-16s  %-9s  %-24s  %-24s  %5s  %-8s %8s %7s %6s  %s\n",
			   "HOST", "LANE", "FIRST UTC", "LAST UTC", "BIAS", "SOURCE",
			   "RECORDS", "PARTIAL", "ERRORS", "PATH");
	int rc = store_file_coverage(s, cov_row, &o) < 0 ? 2 : 0;
	if (o.fmt == OUT_JSON) {
		buf_puts(&o.b, o.n_files ? "]}]}\n],\n\"missing_lanes\":[" :
			 "],\n\"missing_lanes\":[");
		for (int l = 0, k = 0; l < TRACE_LANES; l++)
			if (!o.have[l])
				buf_printf(&o.b, "%s\"%s\"", k++ ? "," : "", lane_name((enum lane)l));
		buf_puts(&o.b, "],\n\"traces\":[");
	} else {
		buf_puts(&o.b, "\nLanes with no log at all: ");
		int k = 0;
		for (int l = 0; l < TRACE_LANES; l++)
			if (!o.have[l])
				buf_printf(&o.b, "%s%s", k++ ? ", " : "", lane_name((enum lane)l));
		buf_puts(&o.b, k ? "\n" : "none\n");
	}
	struct trace_query all = { 0 };
	if (!rc && store_traces(s, &all, cov_trace, &o) < 0)
		rc = 2;
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, o.n_traces ? "\n]}\n" : "]}\n");
	else
		buf_printf(&o.b, "\n%u traces; lanes not covered: connector %u,"
			   " server %u, agent %u\n", o.n_traces, o.uncovered[0],
			   o.uncovered[1], o.uncovered[2]);
	if (rc)
		term_printf(stderr, "tatrace coverage: %s\n", store_error(s));
	buf_flush_to(&o.b, stdout);
	buf_free(&o.b);
	free(o.host);
	free(o.role);
	store_close(s);
	return rc;
}
