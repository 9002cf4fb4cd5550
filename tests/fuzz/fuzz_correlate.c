/* fuzz_correlate.c - libFuzzer target: the trace builder on a synthetic
 * bundle. The input is lines; each line's first byte picks one of eight
 * logs (connector, server and agent logs of a few hosts, two pieces of
 * one server log), its second byte moves the clock (back too: skew), its
 * third picks the record's bias, and the rest is the record's message,
 * matched against the event table as ingest does. The logs go into an
 * in-memory store (one for every input, emptied after each); then offsets are resolved, traces and findings built,
 * and every trace exported in each format. Then the traces are rebuilt
 * twice more, streamed with a quiet time of one second (traces written
 * while their steps still come: every late join must be noticed) and
 * holding every trace: their `show --format json` of every trace must be
 * equal. Crashes, sanitizer reports, a failed store step (-1) and a
 * difference are findings. Build and run: make fuzz. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/store.h"
#include "../../db/store_internal.h"
#include "../../parsers/events.h"
#include "../../src/correlate.h"
#include "../../src/export.h"
#include "../../src/findings.h"

#define T0 (INT64_C(1790000000) * 1000000)	/* 2026-09-21, local µs */
#define MAX_LINES 512

static const struct {
	const char *host, *name;
	enum log_role role;
	int64_t rotation;
} logs[8] = {
	{ "SCP01", "CMGatewayNotificationWorker.log", ROLE_CONNECTOR, 1 },
	{ "MP01", "BgbServer.log", ROLE_SERVER, 1 },
	{ "MP01", "BgbServer.lo_", ROLE_SERVER, 0 },
	{ "CL01", "CcmNotificationAgent.log", ROLE_AGENT, 1 },
	{ "CL02", "CcmNotificationAgent.log", ROLE_AGENT, 1 },
	{ "cl02", "CcmNotificationAgent.lo_", ROLE_AGENT, 0 },
	{ "CL03", "CcmNotificationAgent.log", ROLE_AGENT, 1 },
	{ "SCP02", "CMGatewayNotificationWorker.log", ROLE_CONNECTOR, 1 },
};

struct line {
	const uint8_t *msg;
	size_t len;
	int64_t local_us;
	int32_t bias;
	bool has_bias;
};

static int fuzz_store_log(struct store *s, struct event_matcher *m, size_t which,
		     const struct line *lines, size_t n)
{
	char source[96], path[96];
	snprintf(source, sizeof(source), "/f/%zu/%s", which, logs[which].name);
	snprintf(path, sizeof(path), "f/%s/%s", logs[which].host, logs[which].name);
	const char *dot = strrchr(logs[which].name, '.');
	char base[64];
	snprintf(base, sizeof(base), "%.*s", (int)(dot - logs[which].name), logs[which].name);
	struct store_file_meta meta = {
		.source = source, .path = path, .host = logs[which].host,
		.name = logs[which].name, .log_name = base,
		.rotation = logs[which].rotation, .role = logs[which].role,
		.size = -1,
	};
	struct store_resume resume;
	struct store_writer *w = store_file_begin(s, &meta, PLAN_NEW, &resume);
	if (!w)
		return -1;
	const struct record_sink *sink = store_writer_sink(w);
	struct buf text = {0};
	for (size_t i = 0; i < n; i++) {
		buf_reset(&text);
		buf_append(&text, (const char *)lines[i].msg, lines[i].len);
		buf_putc(&text, '\n');
		struct log_record rec = {
			.text = text.data, .len = text.len, .line = (uint32_t)i + 1,
			.message = { 0, (uint32_t)lines[i].len },
			.local_us = lines[i].local_us, .bias_min = lines[i].bias,
			.thread = 42, .type = 1, .has_time = true,
			.has_bias = lines[i].has_bias,
		};
		if (sink->record(sink->ctx, &rec) != 0)
			abort();
		struct event ev;
		if (event_match_role(m, logs[which].role, text.data, lines[i].len, &ev) &&
		    store_writer_event(w, &ev) != 0)
			abort();
	}
	buf_free(&text);
	struct store_file_final fin = { .format = "ccm", .encoding = "utf-8" };
	return store_file_commit(w, &fin);
}

static int export_each(void *ctx, const struct trace_row *t)
{
	struct store *s = ctx;
	static const enum out_format fmts[] = { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_CHROME };
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct buf b = {0};
		if (trace_export(s, t->id, fmts[i], &b) != 0)
			abort();
		buf_free(&b);
	}
	return 0;
}

struct dump {
	struct store *s;
	struct buf out;
};

static int json_each(void *ctx, const struct trace_row *t)
{
	struct dump *d = ctx;
	if (trace_export(d->s, t->id, OUT_JSON, &d->out) != 0)
		abort();
	return 0;
}

/* Every trace's JSON after a rebuild with this quiet time. */
static void dump_rebuilt(struct store *s, int64_t quiet_us, struct dump *d)
{
	struct correlate_stats st;
	struct trace_query all = {0};
	d->s = s;
	if (correlate_rebuild_quiet(s, quiet_us, &st) != 0 ||
	    store_traces(s, &all, json_each, d) != 0)
		abort();
}

/* Opening a store (schema, prepared statements) costs more than an
 * input: one store serves every input and is emptied after each. The
 * reference tables (lanes, event kinds, statuses) stay. */
static void fuzz_empty(struct store *s)
{
	if (sqlite3_exec(s->db, "DELETE FROM finding_traces; DELETE FROM finding_evidence;"
			 " DELETE FROM findings; DELETE FROM trace_events;"
			 " DELETE FROM trace_targets; DELETE FROM traces;"
			 " DELETE FROM events; DELETE FROM block_components;"
			 " DELETE FROM block_text; DELETE FROM blocks; DELETE FROM files;"
			 " DELETE FROM components; DELETE FROM hosts;",
			 NULL, NULL, NULL) != SQLITE_OK)
		abort();
	store_forget_components(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_matcher *m;
	if (!m)
		m = event_matcher_new();
	static struct line lines[8][MAX_LINES];
	size_t count[8] = {0}, total = 0;
	int64_t clock = T0;
	const uint8_t *p = data, *end = data + size;
	while (p < end && total < MAX_LINES) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *stop = nl ? nl : end;
		if (stop - p >= 3) {
			size_t which = p[0] % 8;
			clock += (int64_t)(int8_t)p[1] * 100000;	/* ±12.8 s */
			struct line *l = &lines[which][count[which]++];
			*l = (struct line){
				.msg = p + 3, .len = (size_t)(stop - p - 3),
				.local_us = clock, .bias = (int32_t)(int8_t)p[2] * 15,
				.has_bias = (p[2] & 1) != 0,
			};
			total++;
		}
		p = nl ? nl + 1 : end;
	}
	static struct store *s;
	char err[256];
	if (!s && !(s = store_open(":memory:", STORE_WRITE, NULL, err, sizeof(err))))
		abort();
	for (size_t i = 0; i < 8; i++)
		if (count[i] && fuzz_store_log(s, m, i, lines[i], count[i]) != 0)
			abort();
	struct correlate_stats st;
	size_t nf;
	struct trace_query all = {0};
	if (store_resolve_offsets(s) != 0 || store_bulk_end(s) != 0 ||
	    correlate_rebuild(s, &st) != 0 || findings_rebuild(s, &nf) != 0 ||
	    store_traces(s, &all, export_each, s) != 0)
		abort();
	struct dump streamed = {0}, held = {0};
	dump_rebuilt(s, 1000000, &streamed);
	dump_rebuilt(s, 0, &held);
	if (streamed.out.len != held.out.len ||
	    (held.out.len && memcmp(streamed.out.data, held.out.data, held.out.len)))
		abort();	/* the stream changed a trace */
	buf_free(&streamed.out);
	buf_free(&held.out);
	if (getenv("FUZZ_VERBOSE"))	/* what a seed reaches */
		fprintf(stderr, "%zu lines, %llu events, %llu traces, %zu findings\n",
			total, (unsigned long long)st.events,
			(unsigned long long)st.traces, nf);
	fuzz_empty(s);
	return 0;
}
