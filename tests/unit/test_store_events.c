/* test_store_events.c - events and traces in the store: events written with
 * their records and kept consistent through REPLACE, APPEND, abort and
 * offset resolution; file coverage; the trace table's rebuild, filters and
 * event links; the sqlite3 views; and the speed of the trace queries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "../../db/store.h"
#include "store_fixture.h"
#include "../../lib/util.h"

#define SEC_US INT64_C(1000000)
#define MIN_US (60 * SEC_US)
#define HOUR_US (60 * MIN_US)
#define DAY_US (24 * HOUR_US)
/* 2026-07-01 00:00 as local µs since 1970. */
#define JUL1 (INT64_C(20635) * DAY_US)

/* ---- fixtures and helpers ---- */


static struct store *feeding;

/* A record "<msg>  $$<...>\n" whose message is its text up to "  $$". */
struct rec {
	const char *text;
	bool has_time, has_bias;
	int64_t local_us;
	int32_t bias;
	int32_t thread;
};

static void put(struct store_writer *w, uint32_t line, const struct rec *r)
{
	struct log_record lr = {0};
	lr.text = r->text;
	lr.len = strlen(r->text);
	lr.line = line;
	const char *end = strstr(r->text, "  $$");
	size_t msg = end ? (size_t)(end - r->text) : lr.len;
	while (msg && (r->text[msg - 1] == '\n' || r->text[msg - 1] == '\r'))
		msg--;
	lr.message = (struct span){0, (uint32_t)msg};
	lr.local_us = r->local_us;
	lr.bias_min = r->bias;
	lr.has_time = r->has_time;
	lr.has_bias = r->has_bias;
	lr.type = 1;
	lr.thread = r->thread;
	const struct record_sink *sink = store_writer_sink(w);
	if (sink->record(sink->ctx, &lr) != 0)
		fail_msg("record(): %s", store_error(feeding));
}

static struct store_writer *begin(struct store *s, const char *source,
				  const char *host, const char *role,
				  enum store_plan plan, struct store_resume *r)
{
	struct store_file_meta m = {
		.source = source, .path = source, .host = host, .name = source,
		.log_name = source, .mtime = 1, .head_hash = 42,
	};
	assert_true(role_parse(role, &m.role));
	struct store_resume dummy;
	struct store_writer *w = store_file_begin(s, &m, plan, r ? r : &dummy);
	if (!w)
		fail_msg("store_file_begin: %s", store_error(s));
	feeding = s;
	return w;
}

static void commit(struct store_writer *w)
{
	struct store_file_final f = {.format = "sms", .encoding = "utf-8",
				     .content_hash = 99, .size = 1234};
	if (store_file_commit(w, &f) != 0)
		fail_msg("commit: %s", store_error(feeding));
}

/* An event with nothing set but its lane and kind. */
static struct event bare_event(enum lane lane, enum event_kind kind)
{
	return (struct event){
		.lane = lane, .kind = kind, .push_id = EVENT_NONE,
		.task_id = EVENT_NONE, .task_type = EVENT_NONE,
		.count = EVENT_NONE, .failed = EVENT_NONE,
		.return_code = EVENT_NONE, .http_status = EVENT_NONE,
		.stamp_us = EVENT_NONE,
	};
}

/* An event with every field set, the numbers derived from base. */
static struct event full_event(enum lane lane, enum event_kind kind,
			       int64_t base)
{
	struct event ev = {
		.lane = lane, .kind = kind, .push_id = base + 1,
		.task_id = base + 2, .task_type = base + 3, .count = base + 4,
		.failed = base + 5, .return_code = -base - 6,
		.http_status = 401, .stamp_us = JUL1 + base,
	};
	snprintf(ev.guid, sizeof(ev.guid), "0A1B2C3D-0000-4000-8000-%012lld",
		 (long long)base);
	snprintf(ev.name, sizeof(ev.name), "name %lld", (long long)base);
	snprintf(ev.tenant, sizeof(ev.tenant), "tenant");
	snprintf(ev.user, sizeof(ev.user), "user@example.com");
	snprintf(ev.detail, sizeof(ev.detail), "detail %lld", (long long)base);
	return ev;
}

static void add_event(struct store_writer *w, const struct event *ev)
{
	if (store_writer_event(w, ev) != 0)
		fail_msg("store_writer_event: %s", store_error(feeding));
}

/* Events seen by store_events or store_trace_events, copied. */
struct got_event {
	struct stored_event e;	/* its pointers cleared */
	char host[16], path[32], role[16], text[64];
	unsigned flags;
};

struct got_events {
	size_t n, cap;
	struct got_event *v;
};

static void keep_event(struct got_events *l, const struct stored_event *e,
		       unsigned flags)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct got_event *g = &l->v[l->n++];
	memset(g, 0, sizeof(*g));
	g->e = *e;
	g->e.host = g->e.path = g->e.role = g->e.text = NULL;
	snprintf(g->host, sizeof(g->host), "%s", e->host);
	snprintf(g->path, sizeof(g->path), "%s", e->path);
	snprintf(g->role, sizeof(g->role), "%s", e->role);
	assert_int_equal(strlen(e->text), e->text_len);
	snprintf(g->text, sizeof(g->text), "%s", e->text);
	g->flags = flags;
}

static int events_collect(void *ctx, const struct stored_event *e)
{
	keep_event(ctx, e, 0);
	return 0;
}

static struct got_events all_events(struct store *s)
{
	struct got_events l = {0};
	assert_int_equal(store_events(s, events_collect, &l), 0);
	return l;
}

struct file_find {
	const char *path;
	int64_t id;
};

static int file_find(void *ctx, const struct store_file *f)
{
	struct file_find *ff = ctx;
	if (strcmp(f->path, ff->path) == 0)
		ff->id = f->id;
	return 0;
}

static int64_t file_id_of(struct store *s, const char *path)
{
	struct file_find ff = {path, 0};
	assert_int_equal(store_files(s, file_find, &ff), 0);
	return ff.id;
}

static void assert_event_equal(const struct event *got,
			       const struct event *want)
{
	assert_int_equal(got->lane, want->lane);
	assert_int_equal(got->kind, want->kind);
	assert_string_equal(got->guid, want->guid);
	assert_int_equal(got->push_id, want->push_id);
	assert_int_equal(got->task_id, want->task_id);
	assert_int_equal(got->task_type, want->task_type);
	assert_int_equal(got->count, want->count);
	assert_int_equal(got->failed, want->failed);
	assert_int_equal(got->return_code, want->return_code);
	assert_int_equal(got->http_status, want->http_status);
	assert_int_equal(got->stamp_us, want->stamp_us);
	assert_string_equal(got->name, want->name);
	assert_string_equal(got->tenant, want->tenant);
	assert_string_equal(got->user, want->user);
	assert_string_equal(got->detail, want->detail);
}

/* What store_events gives the trace builder: the joining fields of the
 * event, the fields only `show` prints left empty. */
static void assert_join_equal(const struct event *got,
			      const struct event *want)
{
	struct event lean = *want;
	lean.tenant[0] = lean.user[0] = lean.detail[0] = '\0';
	assert_event_equal(got, &lean);
}

/* One event of a record, whole, as the record detail reads it. */
static struct got_event record_event(struct store *s, int64_t file_id,
				     uint64_t seq, int64_t id)
{
	struct got_events l = {0};
	assert_int_equal(store_record_events(s, file_id, seq, events_collect,
					     &l), 0);
	struct got_event found = {0};
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].e.id == id)
			found = l.v[i];
	free(l.v);
	assert_int_equal(found.e.id, id);
	return found;
}

/* ---- events ---- */

static void test_events_roundtrip(void **state)
{
	struct store *s = *state;
	/* The agent log: an untimed first record (its time comes from the
	 * next one, known only when the block is settled), a block filled
	 * exactly (the event comes after its last record), and an untimed
	 * record in the next block. */
	const int64_t t0 = JUL1 + 10 * MIN_US;
	struct store_writer *w = begin(s, "/b/agent.log", "CLIENT1", "agent",
				       PLAN_NEW, NULL);
	struct event ev_first = full_event(LANE_AGENT, EV_TASK_RECEIVED, 1);
	struct event ev_resp = bare_event(LANE_AGENT, EV_RESPONSE_SENT);
	ev_resp.return_code = 0;
	struct event ev_last = bare_event(LANE_AGENT, EV_NEXT_RUN);
	struct event ev_next = full_event(LANE_AGENT, EV_TASK_RECEIVED, 2);
	put(w, 1, &(struct rec){.text = "Received task  $$<BgbAgent><t>\n",
		.thread = -1});
	add_event(w, &ev_first);
	char text[64];
	for (int i = 1; i < STORE_BLOCK_RECORDS; i++) {
		snprintf(text, sizeof(text), "record %d  $$<BgbAgent><t>\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = text,
			.has_time = true, .has_bias = true, .bias = 0,
			.local_us = t0 + i * SEC_US, .thread = 12});
		if (i == 1)
			add_event(w, &ev_resp);
	}
	add_event(w, &ev_last);		/* record 1023, block full */
	put(w, STORE_BLOCK_RECORDS + 1, &(struct rec){
		.text = "next untimed  $$<BgbAgent><t>\n", .thread = 3});
	add_event(w, &ev_next);
	add_event(w, &ev_resp);		/* two events on one record */
	commit(w);

	/* The server log, with a tie on the agent's second record. */
	w = begin(s, "/b/server.log", "SRV", "server", PLAN_NEW, NULL);
	struct event ev_push = full_event(LANE_SERVER, EV_PUSH_STARTED, 3);
	struct event ev_bts = bare_event(LANE_SERVER, EV_BTS_REPORT);
	ev_bts.count = 1;
	ev_bts.failed = 0;
	put(w, 1, &(struct rec){.text = "push  $$<BgbServer><t>\n",
		.has_time = true, .has_bias = true, .bias = 60,
		.local_us = t0 - 60 * MIN_US - 5 * MIN_US, .thread = 9});
	add_event(w, &ev_push);
	put(w, 2, &(struct rec){.text = "bts\n", .has_time = true,
		.has_bias = true, .bias = 60,
		.local_us = t0 - 60 * MIN_US + SEC_US, .thread = 9});
	add_event(w, &ev_bts);
	commit(w);
	int64_t agent = file_id_of(s, "/b/agent.log");
	int64_t server = file_id_of(s, "/b/server.log");
	assert_true(agent < server);

	struct got_events l = all_events(s);
	assert_int_equal(l.n, 7);
	struct {
		int64_t file_id;
		uint64_t seq;
		uint32_t line;
		int64_t utc;
		int32_t thread;
		const char *text;
		const struct event *ev;
	} want[] = {
		{server, 0, 1, t0 - 5 * MIN_US, 9, "push", &ev_push},
		{agent, 0, 1, t0 + SEC_US, -1, "Received task", &ev_first},
		{agent, 1, 2, t0 + SEC_US, 12, "record 1", &ev_resp},
		{server, 1, 2, t0 + SEC_US, 9, "bts", &ev_bts},
		{agent, 1023, 1024, t0 + 1023 * SEC_US, 12, "record 1023",
		 &ev_last},
		{agent, 1024, 1025, t0 + 1023 * SEC_US, 3, "next untimed",
		 &ev_next},
		{agent, 1024, 1025, t0 + 1023 * SEC_US, 3, "next untimed",
		 &ev_resp},
	};
	for (size_t i = 0; i < l.n; i++) {
		const struct got_event *j = &l.v[i];	/* the builder's read */
		assert_int_equal(j->e.file_id, want[i].file_id);
		assert_int_equal(j->e.seq, want[i].seq);
		assert_int_equal(j->e.utc_us, want[i].utc);
		assert_int_equal(j->e.thread, want[i].thread);
		assert_string_equal(j->host, j->e.file_id == agent ? "CLIENT1" :
				    "SRV");
		assert_join_equal(&j->e.ev, want[i].ev);
		assert_int_equal(j->e.line, 0);
		assert_string_equal(j->text, "");
		assert_string_equal(j->path, "");
		struct got_event whole = record_event(s, j->e.file_id, j->e.seq,
						      j->e.id);
		const struct got_event *g = &whole;
		assert_int_equal(g->e.utc_us, want[i].utc);
		assert_int_equal(g->e.thread, want[i].thread);
		assert_int_equal(g->e.line, want[i].line);
		assert_string_equal(g->text, want[i].text);
		assert_string_equal(g->host, g->e.file_id == agent ? "CLIENT1" :
				    "SRV");
		assert_string_equal(g->role, g->e.file_id == agent ? "agent" :
				    "server");
		assert_string_equal(g->path, g->e.file_id == agent ?
				    "/b/agent.log" : "/b/server.log");
		assert_event_equal(&g->e.ev, want[i].ev);
		assert_true(j->e.id > 0);
	}
	/* Two events of one record keep their insertion order. */
	assert_true(l.v[5].e.id < l.v[6].e.id);
	free(l.v);

	/* A writer without a record has nothing to attach to. */
	w = begin(s, "/b/empty.log", "SRV", "server", PLAN_NEW, NULL);
	assert_int_equal(store_writer_event(w, &ev_bts), -1);
	assert_non_null(strstr(store_error(s), "without a record"));
	store_file_abort(w);
}

/* n records "line i" with an event (kind EV_UPLOAD_BATCH, count = i) on
 * each record whose index is listed in at. */
static void write_file(struct store *s, const char *source,
		       enum store_plan plan, int from, int to,
		       const int *at, size_t nat, bool do_commit)
{
	struct store_resume r;
	struct store_writer *w = begin(s, source, "H", "upload", plan, &r);
	if (plan == PLAN_APPEND)
		assert_int_equal(r.first_line, (uint32_t)from + 1);
	char text[64];
	for (int i = from; i < to; i++) {
		snprintf(text, sizeof(text), "line %d\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = text,
			.has_time = true, .has_bias = true,
			.local_us = JUL1 + i * SEC_US, .thread = 1});
		for (size_t k = 0; k < nat; k++) {
			if (at[k] != i)
				continue;
			struct event ev = bare_event(LANE_SITE,
						     EV_UPLOAD_BATCH);
			ev.count = i;
			add_event(w, &ev);
		}
	}
	if (do_commit)
		commit(w);
	else
		store_file_abort(w);
}

/* The counts (record indexes) of the stored events, in order. */
static size_t event_counts(struct store *s, int64_t *out, size_t cap)
{
	struct got_events l = all_events(s);
	assert_true(l.n <= cap);
	for (size_t i = 0; i < l.n; i++)
		out[i] = l.v[i].e.ev.count;
	size_t n = l.n;
	free(l.v);
	return n;
}

static void test_events_replace_append_abort(void **state)
{
	struct store *s = *state;
	const int n = 2 * STORE_BLOCK_RECORDS + 100;	/* last block: 2048.. */
	const int first[] = {10, 1500, 2047, 2048, 2100, n - 1};
	write_file(s, "/b/u.log", PLAN_NEW, 0, n, first, 6, true);
	int64_t got[16];
	assert_int_equal(event_counts(s, got, 16), 6);
	int64_t ids[16];
	struct got_events before = all_events(s);
	for (size_t i = 0; i < before.n; i++)
		ids[i] = before.v[i].e.id;
	free(before.v);

	/* APPEND re-parses the last block but keeps the rows (and ids) of
	 * its events up to its last record, which lines may have continued:
	 * that one's event goes (the record parsed again has none here), the
	 * re-parsed 2100 is not stored twice, 2200 is new. */
	const int second[] = {2100, 2200};
	write_file(s, "/b/u.log", PLAN_APPEND, 2 * STORE_BLOCK_RECORDS, n + 200,
		   second, 2, true);
	assert_int_equal(event_counts(s, got, 16), 6);
	const int64_t want_append[] = {10, 1500, 2047, 2048, 2100, 2200};
	assert_memory_equal(got, want_append, sizeof(want_append));
	struct got_events after = all_events(s);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(after.v[i].e.id, ids[i]);
	free(after.v);

	/* An aborted APPEND or REPLACE changes nothing. */
	write_file(s, "/b/u.log", PLAN_APPEND, 2 * STORE_BLOCK_RECORDS, n + 300,
		   second, 2, false);
	write_file(s, "/b/u.log", PLAN_REPLACE, 0, 50, second, 0, false);
	assert_int_equal(event_counts(s, got, 16), 6);
	assert_memory_equal(got, want_append, sizeof(want_append));

	/* An aborted new file leaves no events. */
	const int one[] = {3};
	write_file(s, "/b/gone.log", PLAN_NEW, 0, 10, one, 1, false);
	assert_int_equal(event_counts(s, got, 16), 6);
	assert_int_equal(file_id_of(s, "/b/gone.log"), 0);

	/* REPLACE drops every old event of the file. */
	const int third[] = {7};
	write_file(s, "/b/u.log", PLAN_REPLACE, 0, 20, third, 1, true);
	assert_int_equal(event_counts(s, got, 16), 1);
	assert_int_equal(got[0], 7);
}

struct cover_list {
	int n;
	struct store_coverage c[8];
	char host[8][16];
	char role[8][16];
};

static int cover_collect(void *ctx, const struct store_coverage *c)
{
	struct cover_list *l = ctx;
	if (l->n == 8)
		return 1;
	l->c[l->n] = *c;
	snprintf(l->host[l->n], sizeof(l->host[0]), "%s", c->host);
	snprintf(l->role[l->n], sizeof(l->role[0]), "%s", c->role);
	l->n++;
	return 0;
}

static void test_events_resolve_and_coverage(void **state)
{
	struct store *s = *state;
	/* SRV's explicit log says bias 240; its other log has no bias, so
	 * resolution moves its records (and events) by 4 hours. */
	struct store_writer *w = begin(s, "/b/explicit.log", "SRV", "server",
				       PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "a\n", .has_time = true,
		.has_bias = true, .bias = 240, .local_us = JUL1});
	put(w, 2, &(struct rec){.text = "b\n", .has_time = true,
		.has_bias = true, .bias = 240, .local_us = JUL1 + HOUR_US});
	commit(w);
	w = begin(s, "/b/nobias.log", "SRV", "connector", PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "untimed\n"});
	add_event(w, &(struct event){.lane = LANE_CONNECTOR,
		.kind = EV_NOTIFY_RECEIVED});
	put(w, 2, &(struct rec){.text = "timed\n", .has_time = true,
		.local_us = JUL1 + 10 * MIN_US});
	add_event(w, &(struct event){.lane = LANE_CONNECTOR,
		.kind = EV_NOTIFY_VALIDATING});
	put(w, 3, &(struct rec){.text = "later\n", .has_time = true,
		.local_us = JUL1 + 20 * MIN_US});
	commit(w);
	w = begin(s, "/b/untimed.log", "SRV", "other", PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "no time at all\n"});
	commit(w);

	int64_t expl = file_id_of(s, "/b/explicit.log");
	int64_t nob = file_id_of(s, "/b/nobias.log");
	struct cover_list c = {0};
	assert_int_equal(store_coverage(s, cover_collect, &c), 0);
	assert_int_equal(c.n, 2);		/* the untimed file has none */
	assert_int_equal(c.c[0].file_id, expl);
	assert_string_equal(c.role[0], "server");
	assert_string_equal(c.host[0], "SRV");
	assert_int_equal(c.c[0].utc_min, JUL1 + 240 * MIN_US);
	assert_int_equal(c.c[0].utc_max, JUL1 + HOUR_US + 240 * MIN_US);
	assert_int_equal(c.c[1].file_id, nob);
	assert_string_equal(c.role[1], "connector");
	assert_int_equal(c.c[1].utc_min, JUL1 + 10 * MIN_US);	/* UTC assumed */
	assert_int_equal(c.c[1].utc_max, JUL1 + 20 * MIN_US);

	struct got_events l = all_events(s);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].e.utc_us, JUL1 + 10 * MIN_US);	/* backfilled */
	assert_int_equal(l.v[1].e.utc_us, JUL1 + 10 * MIN_US);
	free(l.v);

	assert_int_equal(store_resolve_offsets(s), 0);
	l = all_events(s);
	assert_int_equal(l.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(l.v[i].e.file_id, nob);
		assert_int_equal(l.v[i].e.seq, i);
		assert_int_equal(l.v[i].e.utc_us,
				 JUL1 + 10 * MIN_US + 240 * MIN_US);
	}
	free(l.v);
	c = (struct cover_list){0};
	assert_int_equal(store_coverage(s, cover_collect, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.c[1].utc_min, JUL1 + 250 * MIN_US);
	assert_int_equal(c.c[1].utc_max, JUL1 + 260 * MIN_US);

	/* Idempotent. */
	assert_int_equal(store_resolve_offsets(s), 0);
	l = all_events(s);
	assert_int_equal(l.v[0].e.utc_us, JUL1 + 250 * MIN_US);
	free(l.v);
}

/* ---- traces ---- */

struct trace_copy {
	struct trace_row t;	/* strings cleared */
	char guid[40], status[24], action[32], clients[64], hosts[64];
	char missing[32], summary[64];
	bool guid_null;
};

struct trace_list {
	size_t n, cap;
	struct trace_copy *v;
};

static int traces_collect(void *ctx, const struct trace_row *t)
{
	struct trace_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct trace_copy *c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->t = *t;
	c->guid_null = t->guid == NULL;
	snprintf(c->guid, sizeof(c->guid), "%s", t->guid ? t->guid : "");
	snprintf(c->status, sizeof(c->status), "%s", t->status);
	snprintf(c->action, sizeof(c->action), "%s", t->action);
	snprintf(c->clients, sizeof(c->clients), "%s", t->clients);
	snprintf(c->hosts, sizeof(c->hosts), "%s", t->hosts);
	snprintf(c->missing, sizeof(c->missing), "%s", t->missing);
	snprintf(c->summary, sizeof(c->summary), "%s", t->summary);
	c->t.guid = c->t.status = c->t.action = c->t.clients = NULL;
	c->t.hosts = c->t.missing = c->t.summary = NULL;
	return 0;
}

static struct trace_list run_traces(struct store *s,
				    const struct trace_query *q)
{
	struct trace_list l = {0};
	assert_int_equal(store_traces(s, q, traces_collect, &l), 0);
	return l;
}

/* The ids of the traces matching q, as a string "1,3,4". */
static void trace_ids(struct store *s, const struct trace_query *q,
		      char *out, size_t cap)
{
	struct trace_list l = run_traces(s, q);
	struct buf b = {0};
	for (size_t i = 0; i < l.n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)l.v[i].t.id);
	snprintf(out, cap, "%s", b.data ? b.data : "");
	buf_free(&b);
	free(l.v);
}

struct target_seen {
	size_t n;
	char text[256];
};

static int target_collect(void *ctx, const struct trace_target *t)
{
	struct target_seen *seen = ctx;
	size_t len = strlen(seen->text);
	char when[24] = "-";
	if (t->received_utc != EVENT_NONE)
		snprintf(when, sizeof(when), "%lld", (long long)t->received_utc);
	snprintf(seen->text + len, sizeof(seen->text) - len, "%s:%s:%d:%s;",
		 t->host, t->status, t->inferred, when);
	seen->n++;
	return 0;
}

static struct trace_row trace(int64_t id, const char *guid,
			      const char *status, const char *action,
			      int64_t first, int64_t last, const char *hosts)
{
	return (struct trace_row){
		.id = id, .guid = guid, .status = status, .action = action,
		.task_type = EVENT_NONE, .first_utc = first, .last_utc = last,
		.clients = "", .hosts = hosts,
		.hop_forward_to_push = EVENT_NONE,
		.hop_push_to_receive = EVENT_NONE,
		.hop_receive_to_response = EVENT_NONE,
		.missing = "", .push_id = EVENT_NONE, .task_id = EVENT_NONE,
		.target_count = EVENT_NONE, .summary = "",
	};
}

static int trace_events_collect(void *ctx, const struct stored_event *e,
				unsigned flags)
{
	keep_event(ctx, e, flags);
	return 0;
}

static void test_traces_write_and_filters(void **state)
{
	struct store *s = *state;
	/* Events to link: four on the server, in time order 0..3. */
	struct store_writer *w = begin(s, "/b/srv.log", "SRV", "server",
				       PLAN_NEW, NULL);
	char text[32];
	for (int i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "ev %d\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = text,
			.has_time = true, .has_bias = true,
			.local_us = JUL1 + i * MIN_US, .thread = 1});
		struct event ev = bare_event(LANE_SERVER, EV_PUSH_STARTED);
		ev.push_id = i;
		add_event(w, &ev);
	}
	commit(w);
	struct got_events evs = all_events(s);
	assert_int_equal(evs.n, 4);

	const char *g1 = "11111111-2222-3333-4444-555555555555";
	const char *g2 = "AAAAAAAA-2222-3333-4444-555555555555";
	struct trace_row rows[] = {
		trace(1, g1, "complete", "RequestMachinePolicy", JUL1,
		      JUL1 + 10 * MIN_US, "SRV,CLIENT1"),
		trace(2, g2, "unauthorized", "Restart", JUL1 + HOUR_US,
		      JUL1 + HOUR_US, "CONNECTOR"),
		trace(3, NULL, "not_pushed", "7", JUL1 + 2 * HOUR_US,
		      JUL1 + 3 * HOUR_US, "SRV2,CLIENT10"),
		/* Same first_utc as 1: ordered by id. */
		trace(4, g1, "complete", "requestmachinepolicy", JUL1,
		      JUL1 + MIN_US, "client1"),
	};
	static const struct trace_target targets3[] = {
		{ .host = "CLIENT10", .status = "no_response", .received_utc = 5,
		  .response_utc = EVENT_NONE, .return_code = EVENT_NONE },
		{ .host = "CLIENT7", .status = "not_delivered", .inferred = true,
		  .received_utc = EVENT_NONE, .response_utc = EVENT_NONE,
		  .return_code = EVENT_NONE },
	};
	rows[2].targets = targets3;
	rows[2].n_targets = 2;
	rows[2].candidates = 1;
	rows[0].task_type = 8;
	rows[0].clients = "CLIENT1";
	rows[0].hop_forward_to_push = 1500;
	rows[0].hop_push_to_receive = -20;
	rows[0].hop_receive_to_response = 0;
	rows[0].skew = true;
	rows[0].lanes[0] = 1;
	rows[0].lanes[1] = 2;
	rows[0].lanes[2] = 3;
	rows[0].missing = "agent";
	rows[0].push_id = 16777300;
	rows[0].task_id = 5;
	rows[0].target_count = 1;
	rows[0].unmatched = 1;
	rows[0].summary = "RequestMachinePolicy to CLIENT1: completed";

	/* A first build, then a rebuild that must replace it. */
	struct trace_writer *tw = store_traces_begin(s);
	assert_non_null(tw);
	struct trace_row stale = trace(9, NULL, "stale", "x", 0, 0, "");
	assert_int_equal(store_traces_add(tw, &stale, &evs.v[0].e.id,
					  NULL, 1), 0);
	assert_int_equal(store_traces_commit(tw), 0);

	tw = store_traces_begin(s);
	assert_non_null(tw);
	/* Linked out of time order; trace 1 lists one event twice. */
	int64_t ids1[] = {evs.v[3].e.id, evs.v[0].e.id, evs.v[2].e.id,
			  evs.v[0].e.id};
	uint8_t flags1[] = {TRACE_EVENT_UNMATCHED, 0, 0, 2};
	assert_int_equal(store_traces_add(tw, &rows[0], ids1, flags1, 4), 0);
	for (size_t i = 1; i < 4; i++) {
		int64_t id = evs.v[1].e.id;
		assert_int_equal(store_traces_add(tw, &rows[i], &id, NULL, 1),
				 0);
	}
	assert_int_equal(store_traces_commit(tw), 0);

	/* Everything, in (first_utc, id) order, every field back. */
	struct trace_list l = run_traces(s, &(struct trace_query){0});
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].t.id, 1);
	assert_int_equal(l.v[1].t.id, 4);
	assert_int_equal(l.v[2].t.id, 2);
	assert_int_equal(l.v[3].t.id, 3);
	const struct trace_copy *c = &l.v[0];
	assert_string_equal(c->guid, g1);
	assert_string_equal(c->status, "complete");
	assert_string_equal(c->action, "RequestMachinePolicy");
	assert_int_equal(c->t.task_type, 8);
	assert_int_equal(c->t.first_utc, JUL1);
	assert_int_equal(c->t.last_utc, JUL1 + 10 * MIN_US);
	assert_string_equal(c->clients, "CLIENT1");
	assert_string_equal(c->hosts, "SRV,CLIENT1");
	assert_int_equal(c->t.hop_forward_to_push, 1500);
	assert_int_equal(c->t.hop_push_to_receive, -20);
	assert_int_equal(c->t.hop_receive_to_response, 0);
	assert_true(c->t.skew);
	assert_int_equal(c->t.lanes[0], 1);
	assert_int_equal(c->t.lanes[1], 2);
	assert_int_equal(c->t.lanes[2], 3);
	assert_string_equal(c->missing, "agent");
	assert_int_equal(c->t.push_id, 16777300);
	assert_int_equal(c->t.task_id, 5);
	assert_int_equal(c->t.target_count, 1);
	assert_int_equal(c->t.unmatched, 1);
	assert_string_equal(c->summary,
			    "RequestMachinePolicy to CLIENT1: completed");
	c = &l.v[3];
	assert_true(c->guid_null);
	assert_false(c->t.skew);
	assert_int_equal(c->t.task_type, EVENT_NONE);
	assert_int_equal(c->t.hop_forward_to_push, EVENT_NONE);
	assert_int_equal(c->t.hop_push_to_receive, EVENT_NONE);
	assert_int_equal(c->t.hop_receive_to_response, EVENT_NONE);
	assert_int_equal(c->t.push_id, EVENT_NONE);
	assert_int_equal(c->t.task_id, EVENT_NONE);
	assert_int_equal(c->t.target_count, EVENT_NONE);
	free(l.v);

	/* Each filter, and combinations. */
	static const struct {
		struct trace_query q;
		const char *want;
	} cases[] = {
		{{.id = 2}, "2"},
		{{.id = 99}, ""},
		{{.guid = "11111111-2222-3333-4444-555555555555"}, "1,4"},
		{{.guid = "aaaaaaaa-2222-3333-4444-555555555555"}, "2"},
		{{.guid = "aaaaaaaa"}, ""},
		{{.statuses = TRACE_STATUS_BIT(TS_COMPLETE)}, "1,4"},
		{{.statuses = TRACE_STATUS_BIT(TS_NOT_PUSHED)}, "3"},
		{{.statuses = TRACE_STATUS_BIT(TS_NOT_PUSHED) |
			      TRACE_STATUS_BIT(TS_UNAUTHORIZED)}, "2,3"},
		{{.statuses = TRACE_STATUS_NOT_COMPLETE}, "2,3"},
		{{.statuses = TRACE_STATUS_BIT(TS_FAILED)}, ""},
		{{.actions = {"REQUESTMACHINEPOLICY"}}, "1,4"},
		{{.actions = {"7"}}, "3"},
		{{.actions = {"Nothing", "restart", "7"}}, "2,3"},
		{{.host = "SRV"}, "1"},			/* not SRV2 */
		{{.host = "client1"}, "1,4"},		/* not CLIENT10 */
		{{.host = "CLIENT10"}, "3"},
		{{.host = "client7"}, "3"},		/* a candidate */
		{{.host = "CLIENT"}, ""},
		{{.host = "%"}, ""},
		{{.host = "SRV,CLIENT1"}, ""},		/* one host */
		{{.has_since = true, .since_us = JUL1 + 2 * MIN_US},
		 "1,2,3"},				/* overlap: 1 ends later */
		{{.has_until = true, .until_us = JUL1 + HOUR_US}, "1,4,2"},
		{{.has_since = true, .since_us = JUL1 + 150 * MIN_US,
		  .has_until = true, .until_us = JUL1 + 160 * MIN_US}, "3"},
		{{.has_since = true, .since_us = JUL1 + HOUR_US + 1,
		  .has_until = true, .until_us = JUL1 + 2 * HOUR_US - 1}, ""},
		{{.statuses = TRACE_STATUS_BIT(TS_COMPLETE), .host = "SRV"}, "1"},
		{{.id = 4, .statuses = TRACE_STATUS_BIT(TS_COMPLETE)}, "4"},
		{{.id = 4, .statuses = TRACE_STATUS_BIT(TS_UNAUTHORIZED)}, ""},
		{{.guid = "11111111-2222-3333-4444-555555555555",
		  .has_until = true, .until_us = JUL1 - 1}, ""},
		{{.statuses = TRACE_STATUS_BIT(TS_COMPLETE), .actions = {"requestmachinepolicy"},
		  .has_since = true, .since_us = JUL1 + 5 * MIN_US}, "1"},
	};
	char got[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		trace_ids(s, &cases[i].q, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got,
				 cases[i].want);
	}

	/* Targets come back received first, then candidates. */
	struct target_seen seen = {0};
	assert_int_equal(store_trace_targets(s, 3, target_collect, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.text, "CLIENT10:no_response:0:5;CLIENT7:not_delivered:1:-;");
	seen.n = 0;
	seen.text[0] = '\0';
	assert_int_equal(store_trace_targets(s, 1, target_collect, &seen), 0);
	assert_int_equal(seen.n, 0);

	/* Trace 1's events in time order, with their flags; a duplicate
	 * link keeps both flags. */
	struct got_events te = {0};
	assert_int_equal(store_trace_events(s, 1, trace_events_collect, &te),
			 0);
	assert_int_equal(te.n, 3);
	assert_int_equal(te.v[0].e.id, evs.v[0].e.id);
	assert_int_equal(te.v[0].flags, 2);
	assert_int_equal(te.v[1].e.id, evs.v[2].e.id);
	assert_int_equal(te.v[1].flags, 0);
	assert_int_equal(te.v[2].e.id, evs.v[3].e.id);
	assert_int_equal(te.v[2].flags, TRACE_EVENT_UNMATCHED);
	assert_string_equal(te.v[2].text, "ev 3");
	assert_string_equal(te.v[2].host, "SRV");
	assert_int_equal(te.v[2].e.ev.push_id, 3);
	free(te.v);
	te = (struct got_events){0};
	assert_int_equal(store_trace_events(s, 9, trace_events_collect, &te),
			 0);
	assert_int_equal(te.n, 0);		/* the stale build is gone */

	/* An aborted rebuild keeps the traces. */
	tw = store_traces_begin(s);
	assert_non_null(tw);
	assert_int_equal(store_traces_add(tw, &stale, NULL, NULL, 0), 0);
	store_traces_abort(tw);
	trace_ids(s, &(struct trace_query){0}, got, sizeof(got));
	assert_string_equal(got, "1,4,2,3");

	/* A duplicate trace id fails the add, and the commit. */
	tw = store_traces_begin(s);
	assert_int_equal(store_traces_add(tw, &rows[1], NULL, NULL, 0), 0);
	assert_int_equal(store_traces_add(tw, &rows[1], NULL, NULL, 0), -1);
	assert_int_equal(store_traces_add(tw, &rows[2], NULL, NULL, 0), -1);
	assert_int_equal(store_traces_commit(tw), -1);
	assert_non_null(strstr(store_error(s), "UNIQUE"));
	trace_ids(s, &(struct trace_query){0}, got, sizeof(got));
	assert_string_equal(got, "1,4,2,3");

	/* Re-ingesting the file drops its events: the old links point at
	 * nothing, and the new events do not take the old ids. */
	w = begin(s, "/b/srv.log", "SRV", "server", PLAN_REPLACE, NULL);
	put(w, 1, &(struct rec){.text = "new\n", .has_time = true,
		.has_bias = true, .local_us = JUL1});
	add_event(w, &(struct event){.lane = LANE_SERVER,
		.kind = EV_PUSH_FETCHED});
	commit(w);
	te = (struct got_events){0};
	assert_int_equal(store_trace_events(s, 1, trace_events_collect, &te),
			 0);
	assert_int_equal(te.n, 0);
	struct got_events now = all_events(s);
	assert_int_equal(now.n, 1);
	assert_true(now.v[0].e.id > evs.v[3].e.id);
	free(now.v);
	free(evs.v);

	/* One rebuild at a time, and not during a file's ingest. */
	w = begin(s, "/b/busy.log", "SRV", "server", PLAN_NEW, NULL);
	assert_null(store_traces_begin(s));
	store_file_abort(w);
}

/* ---- views, on a file store as a sqlite3 user would see it ---- */

static void test_views(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
				     sizeof(err));
	assert_non_null(s);
	struct store_writer *w = begin(s, "/b/ccm.log", "CLIENT1", "agent",
				       PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "task  $$<BgbAgent><t>\n",
		.has_time = true, .has_bias = true,
		.local_us = JUL1 + 90 * SEC_US + 250000, .thread = 5});
	struct event ev = full_event(LANE_AGENT, EV_TASK_RECEIVED, 4);
	add_event(w, &ev);
	ev = bare_event(LANE_SITE, EV_NEXT_RUN);
	add_event(w, &ev);
	commit(w);
	struct trace_writer *tw = store_traces_begin(s);
	struct trace_row row = trace(1, "G", "completed", "Restart", JUL1,
				     JUL1 + 90 * SEC_US, "CLIENT1");
	int64_t id = 1;
	assert_int_equal(store_traces_add(tw, &row, &id, NULL, 1), 0);
	assert_int_equal(store_traces_commit(tw), 0);
	store_close(s);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	struct buf out = {0};
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT time, host, path, role, line, thread, lane, kind, guid,"
		" push_id, stamp IS NOT NULL, user, text FROM event_list"
		" ORDER BY utc, id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			buf_printf(&out, "%s%s", i ? "|" : "",
				   v ? (const char *)v : "NULL");
		}
		buf_printf(&out, "\n");
	}
	sqlite3_finalize(st);
	assert_string_equal(out.data,
		"2026-07-01 00:01:30.250|CLIENT1|/b/ccm.log|agent|1|5|agent|"
		"task_received|0A1B2C3D-0000-4000-8000-000000000004|5|1|"
		"user@example.com|task\n"
		"2026-07-01 00:01:30.250|CLIENT1|/b/ccm.log|agent|1|5|site|"
		"next_run|NULL|NULL|0|NULL|task\n");
	buf_free(&out);
	assert_int_equal(sqlite3_exec(db, "SELECT * FROM trace_list;"
				      " SELECT * FROM event_list;", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT first_time || ' ' || last_time || ' ' || status"
		" FROM trace_list", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "2026-07-01 00:00:00.000 2026-07-01 00:01:30.000"
			    " completed");
	sqlite3_finalize(st);
	/* Every kind and lane has its name. */
	assert_int_equal(sqlite3_exec(db,
		"UPDATE events SET kind = 15, lane = 3", NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT count(*) FROM event_list WHERE kind = 'next_run'"
		" AND lane = 'site'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	sqlite3_close(db);
	tmp_remove(&t);
}

/* ---- speed: 100k traces of 10 events ---- */

struct count_ctx {
	size_t n;
};

static int count_traces(void *ctx, const struct trace_row *t)
{
	(void)t;
	((struct count_ctx *)ctx)->n++;
	return 0;
}

static int count_trace_events(void *ctx, const struct stored_event *e,
			      unsigned flags)
{
	(void)e;
	(void)flags;
	((struct count_ctx *)ctx)->n++;
	return 0;
}

static void test_traces_speed(void **state)
{
	(void)state;
	enum { TRACES = 100000, PER = 10 };
	static const char *const statuses[] = {"completed", "unauthorized",
		"not_forwarded", "not_pushed", "no_response"};
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
				     sizeof(err));
	assert_non_null(s);
	struct store_writer *w = begin(s, "/b/x.log", "SRV", "server",
				       PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "x\n", .has_time = true,
		.has_bias = true, .local_us = JUL1});
	commit(w);
	store_close(s);
	/* A million events, straight into the table. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
		" WHERE i < 1000000) INSERT INTO events(file_id, seq, line, utc,"
		" lane, kind, push_id, text, packed) SELECT 1, i, i,"
		" 1000000000 - i, 1, 6, i, 'push ' || i, x'0101060000' FROM n",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_open(t.path, STORE_WRITE, NULL, err, sizeof(err));
	assert_non_null(s);

	char guid[40], hosts[64], summary[96];
	int64_t ids[PER];
	uint8_t flags[PER] = {0};
	double t0 = clock_now();
	struct trace_writer *tw = store_traces_begin(s);
	assert_non_null(tw);
	for (int i = 0; i < TRACES; i++) {
		snprintf(guid, sizeof(guid), "%08X-2222-3333-4444-555555555555",
			 i);
		snprintf(hosts, sizeof(hosts), "SRV,CLIENT%d", i % 500);
		snprintf(summary, sizeof(summary), "RequestMachinePolicy to"
			 " CLIENT%d: %s", i % 500, statuses[i % 5]);
		struct trace_row row = trace(i + 1, guid, statuses[i % 5],
			"RequestMachinePolicy", JUL1 + i * SEC_US,
			JUL1 + i * SEC_US + 5 * SEC_US, hosts);
		row.summary = summary;
		for (int k = 0; k < PER; k++)
			ids[k] = (int64_t)i * PER + k + 1;
		if (store_traces_add(tw, &row, ids, flags, PER) != 0)
			fail_msg("add: %s", store_error(s));
	}
	assert_int_equal(store_traces_commit(tw), 0);
	double t_write = clock_now() - t0;

	t0 = clock_now();
	struct count_ctx n = {0};
	struct trace_query q = {.statuses = TRACE_STATUS_BIT(TS_UNAUTHORIZED)};
	assert_int_equal(store_traces(s, &q, count_traces, &n), 0);
	double t_status = clock_now() - t0;
	assert_int_equal(n.n, TRACES / 5);

	t0 = clock_now();
	n.n = 0;
	assert_int_equal(store_trace_events(s, TRACES / 2, count_trace_events,
					    &n), 0);
	double t_events = clock_now() - t0;
	assert_int_equal(n.n, PER);

	t0 = clock_now();
	n.n = 0;
	q = (struct trace_query){.guid = "0000c350-2222-3333-4444-555555555555"};
	assert_int_equal(store_traces(s, &q, count_traces, &n), 0);
	double t_guid = clock_now() - t0;
	assert_int_equal(n.n, 1);

	t0 = clock_now();
	n.n = 0;
	q = (struct trace_query){.host = "client7"};
	assert_int_equal(store_traces(s, &q, count_traces, &n), 0);
	double t_host = clock_now() - t0;
	assert_int_equal(n.n, TRACES / 500);

	print_message("traces: write %d x %d events %.0f ms; status query"
		      " %.1f ms; one trace's events %.2f ms; guid %.2f ms;"
		      " host scan %.1f ms\n", TRACES, PER, t_write * 1e3,
		      t_status * 1e3, t_events * 1e3, t_guid * 1e3,
		      t_host * 1e3);
	store_close(s);
	/* No timed asserts (a busy machine is not a bug; `make bench`
	 * measures): what keeps these queries fast is that the rebuilt
	 * indexes are there and used, and that is checked exactly. */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	static const char *const plans[][2] = {
		{ "SELECT id FROM traces WHERE status = 'failed' ORDER BY first_utc", "traces_status" },
		{ "SELECT id FROM traces WHERE guid = 'x' COLLATE NOCASE", "traces_guid" },
		{ "SELECT id FROM traces ORDER BY first_utc", "traces_first_utc" },
	};
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", plans[i][0]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		bool uses = false;
		while (sqlite3_step(st) == SQLITE_ROW)
			uses |= strstr((const char *)sqlite3_column_text(st, 3), plans[i][1]) != NULL;
		sqlite3_finalize(st);
		if (!uses)
			fail_msg("%s does not use %s", plans[i][0], plans[i][1]);
	}
	sqlite3_close(db);
	tmp_remove(&t);
}

/* ---- a host's bias learned from joins ---- */

struct host_list {
	size_t n;
	char name[8][16];
	struct store_host_offset v[8];
};

static int keep_host(void *ctx, const struct store_host_offset *h)
{
	struct host_list *l = ctx;
	if (l->n == 8)
		return 1;
	snprintf(l->name[l->n], sizeof(l->name[0]), "%s", h->host);
	l->v[l->n] = *h;
	l->v[l->n++].host = NULL;
	return 0;
}

static const struct store_host_offset *host_of(struct host_list *l,
					       const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return &l->v[i];
	fail_msg("no host %s", name);
	return NULL;
}

static struct host_list hosts_now(struct store *s)
{
	struct host_list l = {0};
	assert_int_equal(store_host_offsets(s, keep_host, &l), 0);
	return l;
}

static struct event guid_event(enum lane lane, enum event_kind kind, int i)
{
	struct event ev = bare_event(lane, kind);
	snprintf(ev.guid, sizeof(ev.guid), "0A1B2C3D-0000-4000-8000-%012d", i);
	return ev;
}

static int64_t event_utc(struct store *s, enum event_kind kind, int nth)
{
	struct got_events l = all_events(s);
	int64_t utc = -1;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].e.ev.kind == kind && nth-- == 0) {
			utc = l.v[i].e.utc_us;
			break;
		}
	free(l.v);
	return utc;
}

/* SCP writes no bias (its zone: UTC-7, bias +420); MP says 240. Each
 * forward is followed 3 s later by the push (one SCP clock reading is 7
 * hours off: the median ignores it): the SCP's bias is learned, shown,
 * and its records and events re-timed. The same for a client from its
 * receipts. ALONE joins nothing: assumed. */
static void test_resolve_joined(void **state)
{
	struct store *s = *state;
	const int n = 9;
	int64_t utc0 = JUL1 + 12 * HOUR_US;
	struct store_writer *w = begin(s, "/scp/conn.log", "SCP", "connector",
				       PLAN_NEW, NULL);
	for (int i = 0; i < n; i++) {
		put(w, (uint32_t)i + 1, &(struct rec){.text = "fwd\n",
			.has_time = true, .local_us = utc0 + i * MIN_US -
			420 * MIN_US + (i == 4 ? 7 * HOUR_US : 0)});
		struct event ev = guid_event(LANE_CONNECTOR, EV_FORWARDED, i);
		add_event(w, &ev);
	}
	commit(w);
	w = begin(s, "/mp/bgb.log", "MP", "server", PLAN_NEW, NULL);
	for (int i = 0; i < n; i++) {
		put(w, (uint32_t)i + 1, &(struct rec){.text = "push\n",
			.has_time = true, .has_bias = true, .bias = 240,
			.local_us = utc0 + i * MIN_US + 3 * SEC_US -
			240 * MIN_US});
		struct event ev = guid_event(LANE_SERVER, EV_PUSH_STARTED, i);
		add_event(w, &ev);
	}
	commit(w);
	/* CL (India, bias -330) writes no bias either: its receipts come 5 s
	 * after the pushes. */
	w = begin(s, "/cl/agent.log", "CL", "agent", PLAN_NEW, NULL);
	for (int i = 0; i < n; i++) {
		put(w, (uint32_t)i + 1, &(struct rec){.text = "got\n",
			.has_time = true, .local_us = utc0 + i * MIN_US +
			8 * SEC_US + 330 * MIN_US});
		struct event ev = guid_event(LANE_AGENT, EV_TASK_RECEIVED, i);
		add_event(w, &ev);
	}
	commit(w);
	w = begin(s, "/alone/x.log", "ALONE", "connector", PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "x\n", .has_time = true,
		.local_us = utc0});
	commit(w);

	for (int round = 0; round < 2; round++) {	/* idempotent */
		assert_int_equal(store_resolve_offsets(s), 0);
		struct host_list l = hosts_now(s);
		assert_int_equal(l.n, 4);
		assert_int_equal(host_of(&l, "CL")->source, OFFSET_JOINED);
		assert_int_equal(host_of(&l, "CL")->bias_min, -330);
		assert_int_equal(event_utc(s, EV_TASK_RECEIVED, 0),
				 utc0 + 8 * SEC_US);
		const struct store_host_offset *h = host_of(&l, "SCP");
		assert_int_equal(h->source, OFFSET_JOINED);
		assert_int_equal(h->bias_min, 420);	/* one outlier */
		assert_int_equal(h->pairs, n);
		h = host_of(&l, "MP");
		assert_int_equal(h->source, OFFSET_EXPLICIT);
		assert_int_equal(h->bias_min, 240);
		h = host_of(&l, "ALONE");
		assert_int_equal(h->source, OFFSET_ASSUMED);
		assert_int_equal(h->nobias, 1);
		assert_int_equal(event_utc(s, EV_FORWARDED, 0), utc0);
		assert_int_equal(event_utc(s, EV_PUSH_STARTED, 0),
				 utc0 + 3 * SEC_US);
	}
	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.per_offset_source[OFFSET_JOINED], 2 * n);

	/* --tz wins over what the joins say; and when it goes, joins again */
	assert_int_equal(store_set_tz_override(s, "scp", 300), 0);
	assert_int_equal(store_set_tz_override(s, "NOPE", 300), 1);
	assert_int_equal(store_resolve_offsets(s), 0);
	struct host_list l = hosts_now(s);
	assert_int_equal(host_of(&l, "SCP")->source, OFFSET_OVERRIDE);
	assert_int_equal(host_of(&l, "SCP")->bias_min, 300);
	assert_int_equal(event_utc(s, EV_FORWARDED, 0),
			 utc0 - 120 * MIN_US);
}

/* What the findings ask of the traces: a hop's count and median and the
 * traces above a limit (hop indexes), the trace of a status around a
 * moment, and what an update changed. */
struct change_seen {
	int n;
	int64_t id;
	char was[32], now[32];
};

static int change_keep(void *ctx, const struct trace_row *was,
		       const struct trace_row *now)
{
	struct change_seen *c = ctx;
	c->n++;
	c->id = now ? now->id : was->id;
	snprintf(c->was, sizeof(c->was), "%s", was ? was->status : "-");
	snprintf(c->now, sizeof(c->now), "%s", now ? now->status : "-");
	return 0;
}

static int count_row(void *ctx, const struct trace_row *t)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static void test_trace_findings_queries(void **state)
{
	struct store *s = *state;
	static const char *const status[7] = {
		"complete", "unauthorized", "failed", "complete",
		"unauthorized", "complete", "failed",
	};
	static const int64_t last[7] = { 1500, 2500, 3500, 4500, 9000, 6500, 7500 };
	static const int64_t hop1[7] = { 5, 1, 3, EVENT_NONE, -2, 9, 7 };
	struct trace_row rows[7];
	struct trace_writer *tw = store_traces_begin(s);
	assert_non_null(tw);
	for (int i = 0; i < 7; i++) {
		rows[i] = trace(i + 1, NULL, status[i], "x", 1000 * (i + 1),
				last[i], "");
		rows[i].hop_push_to_receive = hop1[i];
		rows[i].hop_forward_to_push = i < 2 ? 10 * (i + 1) : EVENT_NONE;
		assert_int_equal(store_traces_add(tw, &rows[i], NULL, NULL, 0), 0);
	}
	assert_int_equal(store_traces_commit(tw), 0);
	struct change_seen seen = { 0 };
	assert_int_equal(store_traces_changes(s, change_keep, &seen), 1);

	int64_t n, median;
	assert_int_equal(store_trace_hop_median(s, 1, &n, &median), 0);
	assert_int_equal(n, 5);		/* 1 3 5 7 9: NULL and -2 left out */
	assert_int_equal(median, 5);
	assert_int_equal(store_trace_hop_median(s, 0, &n, &median), 0);
	assert_int_equal(n, 2);
	assert_int_equal(median, 15);	/* the mean of the middle two */
	assert_int_equal(store_trace_hop_median(s, 2, &n, &median), 0);
	assert_int_equal(n, 0);
	int above = 0;
	assert_int_equal(store_trace_hop_above(s, 1, 6, count_row, &above), 0);
	assert_int_equal(above, 2);

	int64_t id, first, end;
	assert_int_equal(store_trace_around(s, "unauthorized", 5500, &id, &first,
					    &end), 1);
	assert_int_equal(id, 5);
	assert_int_equal(end, 9000);
	/* trace 2 ended before 2600; trace 5 starts after it */
	assert_int_equal(store_trace_around(s, "unauthorized", 2600, &id, &first,
					    &end), 0);
	assert_int_equal(store_trace_around(s, "unauthorized", 2400, &id, &first,
					    &end), 1);
	assert_int_equal(id, 2);
	assert_int_equal(store_trace_around(s, "unauthorized", 500, &id, &first,
					    &end), 0);

	/* An update rewrites 3 (now complete) and 4 (the same): one change. */
	tw = store_traces_begin_update(s);
	assert_non_null(tw);
	assert_int_equal(store_traces_remove(tw, 3), 0);
	assert_int_equal(store_traces_remove(tw, 4), 0);
	rows[2].status = "complete";
	assert_int_equal(store_traces_add(tw, &rows[2], NULL, NULL, 0), 0);
	assert_int_equal(store_traces_add(tw, &rows[3], NULL, NULL, 0), 0);
	assert_int_equal(store_traces_commit(tw), 0);
	assert_int_equal(store_traces_changes(s, change_keep, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.id, 3);
	assert_string_equal(seen.was, "failed");
	assert_string_equal(seen.now, "complete");
	/* a new trace has no verdict before */
	tw = store_traces_begin_update(s);
	struct trace_row eighth = trace(8, NULL, "failed", "x", 8000, 8500, "");
	assert_int_equal(store_traces_add(tw, &eighth, NULL, NULL, 0), 0);
	assert_int_equal(store_traces_commit(tw), 0);
	seen = (struct change_seen){ 0 };
	assert_int_equal(store_traces_changes(s, change_keep, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.id, 8);
	assert_string_equal(seen.was, "-");
	assert_string_equal(seen.now, "failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_roundtrip,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(
			test_events_replace_append_abort, setup_memory,
			teardown_store),
		cmocka_unit_test_setup_teardown(
			test_events_resolve_and_coverage, setup_memory,
			teardown_store),
		cmocka_unit_test_setup_teardown(test_traces_write_and_filters,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_resolve_joined,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_trace_findings_queries,
			setup_memory, teardown_store),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_traces_speed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
