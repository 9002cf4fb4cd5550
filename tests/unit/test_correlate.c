/* test_correlate.c - the trace builder on hand-made events in an in-memory
 * store: the joins and verdicts that the golden bundles do not reach
 * (a client clock ahead of the connector, a retried push, responses that
 * match nothing, reports for unknown pushes, lanes without logs), and the
 * incremental update against the full rebuild. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../db/store.h"
#include "../../src/correlate.h"
#include "store_fixture.h"

#define SEC INT64_C(1000000)
#define T0 (INT64_C(1790000000) * SEC)	/* 2026-09-21 */

struct line {
	int64_t utc;
	int32_t thread;
	struct event ev;
};

static struct event ev_of(enum lane lane, enum event_kind kind)
{
	struct event e;
	memset(&e, 0, sizeof(e));
	e.lane = lane;
	e.kind = kind;
	e.push_id = e.task_id = e.task_type = e.count = e.failed = EVENT_NONE;
	e.return_code = e.http_status = e.stamp_us = EVENT_NONE;
	return e;
}

static struct line connector(int64_t utc, int32_t thread, enum event_kind kind,
			     const char *guid)
{
	struct line l = { utc, thread, ev_of(LANE_CONNECTOR, kind) };
	if (kind == EV_AUTHORIZED || kind == EV_UNAUTHORIZED)
		strcpy(l.ev.name, "RequestMachinePolicy");
	if (guid) {
		strcpy(l.ev.guid, guid);
		l.ev.task_type = 1;
		l.ev.count = 1;
	}
	return l;
}

static struct line server(int64_t utc, enum event_kind kind, const char *guid,
			  int64_t push, int64_t count, int64_t failed)
{
	struct line l = { utc, 7896, ev_of(LANE_SERVER, kind) };
	if (guid)
		strcpy(l.ev.guid, guid);
	l.ev.push_id = l.ev.task_id = push;
	l.ev.task_type = kind == EV_PUSH_STARTED ? 1 : EVENT_NONE;
	l.ev.count = count;
	l.ev.failed = failed;
	return l;
}

static struct line agent(int64_t utc, enum event_kind kind, const char *guid,
			 int64_t push, int64_t rc)
{
	struct line l = { utc, 3720, ev_of(LANE_AGENT, kind) };
	if (guid)
		strcpy(l.ev.guid, guid);
	l.ev.push_id = l.ev.task_id = push;
	l.ev.task_type = kind == EV_TASK_RECEIVED ? 1 : EVENT_NONE;
	l.ev.return_code = rc;
	return l;
}

/* One log file of host/name holding a record per line (plus a first and a
 * last plain record so the log covers [from, to]). */
static void add_log(struct store *s, const char *host, const char *name,
		    const char *role, int64_t from, int64_t to,
		    const struct line *lines, size_t n)
{
	char source[128], path[128];
	snprintf(source, sizeof(source), "/bundle/%s/%s", host, name);
	snprintf(path, sizeof(path), "bundle/%s/%s", host, name);
	struct store_file_meta meta = {
		.source = source, .path = path, .host = host, .name = name,
		.log_name = name, .rotation = 0,
	};
	assert_true(role_parse(role, &meta.role));
	struct store_resume resume;
	struct store_writer *w = store_file_begin(s, &meta, PLAN_NEW, &resume);
	assert_non_null(w);
	const struct record_sink *sink = store_writer_sink(w);
	for (size_t i = 0; i <= n + 1; i++) {
		char text[64];
		int64_t utc = i == 0 ? from : i == n + 1 ? to : lines[i - 1].utc;
		int len = snprintf(text, sizeof(text), "line %zu\n", i);
		struct log_record rec = {
			.text = text, .len = (size_t)len, .line = (uint32_t)i + 1,
			.message = { 0, (uint32_t)len - 1 },
			.local_us = utc, .bias_min = 0,
			.thread = i && i <= n ? lines[i - 1].thread : -1,
			.type = 1, .has_time = true, .has_bias = true,
		};
		assert_int_equal(sink->record(sink->ctx, &rec), 0);
		if (i && i <= n)
			assert_int_equal(store_writer_event(w, &lines[i - 1].ev), 0);
	}
	struct store_file_final fin = { .format = "plain", .encoding = "utf-8" };
	assert_int_equal(store_file_commit(w, &fin), 0);
}

struct collected {
	struct trace_row rows[16];
	char status[16][24];
	char guid[16][40];
	char missing[16][40];
	char summary[16][512];
	char next[16][256];
	size_t n;
};

static int collect(void *ctx, const struct trace_row *t)
{
	struct collected *c = ctx;
	if (c->n == 16)
		return 1;
	c->rows[c->n] = *t;
	snprintf(c->status[c->n], sizeof(c->status[0]), "%s", t->status);
	snprintf(c->guid[c->n], sizeof(c->guid[0]), "%s", t->guid ? t->guid : "");
	snprintf(c->missing[c->n], sizeof(c->missing[0]), "%s", t->missing);
	snprintf(c->summary[c->n], sizeof(c->summary[0]), "%s", t->summary);
	snprintf(c->next[c->n], sizeof(c->next[0]), "%s", t->next_step);
	c->rows[c->n].summary = c->summary[c->n];
	c->rows[c->n].next_step = c->next[c->n];
	c->n++;
	return 0;
}

static void rebuild(struct store *s, struct collected *c)
{
	struct correlate_stats st;
	struct trace_query all = {0};
	assert_int_equal(store_bulk_end(s), 0);
	assert_int_equal(correlate_rebuild(s, &st), 0);
	memset(c, 0, sizeof(*c));
	assert_int_equal(store_traces(s, &all, collect, c), 0);
	assert_int_equal(st.traces, c->n);
}

#define G1 "11111111-2222-3333-4444-555555555555"
#define G2 "22222222-2222-3333-4444-555555555555"

/* The client's clock runs ahead: its receipt sorts before the connector
 * forwarded the task. Still one trace, complete, with the skew flagged. */
static void test_client_clock_ahead_merges(void **state)
{
	struct store *s = *state;
	struct line scp[] = {
		connector(T0, 11, EV_NOTIFY_RECEIVED, NULL),
		connector(T0 + SEC / 10, 11, EV_AUTHORIZED, NULL),
		connector(T0 + SEC / 5, 11, EV_FORWARDED, G1),
	};
	struct line mp[] = {
		server(T0 + 2 * SEC, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
	};
	struct line cl[] = {
		agent(T0 - 10 * SEC, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 - 9 * SEC, EV_RESPONSE_SENT, NULL, 5, 1),
	};
	add_log(s, "SCP01", "CMGatewayNotificationWorker.log", "connector", T0 - 60 * SEC, T0 + 60 * SEC, scp, 3);
	add_log(s, "MP01", "BgbServer.log", "server", T0 - 60 * SEC, T0 + 60 * SEC, mp, 1);
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - 60 * SEC, T0 + 60 * SEC, cl, 2);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.guid[0], G1);
	assert_string_equal(c.status[0], "complete");
	assert_true(c.rows[0].skew);
	assert_int_equal(c.rows[0].lanes[0], 3);
	assert_int_equal(c.rows[0].lanes[2], 2);
	assert_int_equal(c.rows[0].hop_push_to_receive, -12000);
}

/* A retried push of the same GUID: the second push reaches the client. */
static void test_retried_push(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 0, 1),
		server(T0 + 60 * SEC, EV_PUSH_STARTED, G1, 6, 1, EVENT_NONE),
	};
	struct line cl[] = {
		agent(T0 + 61 * SEC, EV_TASK_RECEIVED, G1, 6, EVENT_NONE),
		agent(T0 + 62 * SEC, EV_RESPONSE_SENT, NULL, 6, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 3);
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 90 * SEC, cl, 2);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 1);
	/* the first push's BTS counted a failed client; the retry reached it
	 * and it answered: the latest push's outcome is the trace's */
	assert_string_equal(c.status[0], "complete");
	assert_int_equal(c.rows[0].lanes[1], 3);
	assert_int_equal(c.rows[0].lanes[2], 2);
}

/* Responses that match nothing: beside a recent receipt they are shown
 * flagged; with no receipt on the host at all they stand alone. Reports
 * for pushes never seen are ignored. */
static void test_unmatched_and_unknown(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G2, 9, 1, EVENT_NONE),
		server(T0 + SEC, EV_PUSH_FINISHED, NULL, 77, 1, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 78, 1, 0),
	};
	struct line cl1[] = {
		agent(T0 + SEC / 20, EV_TASK_RECEIVED, G2, 9, EVENT_NONE),
		agent(T0 + 2 * SEC, EV_RESPONSE_SENT, NULL, 10, 1),
	};
	struct line cl2[] = {
		agent(T0 + 3 * SEC, EV_RESPONSE_SENT, NULL, 40, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 3);
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 90 * SEC, cl1, 2);
	add_log(s, "CL02", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 90 * SEC, cl2, 1);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.guid[0], G2);
	assert_string_equal(c.status[0], "no_response");
	assert_int_equal(c.rows[0].unmatched, 1);
	assert_int_equal(c.rows[0].lanes[1], 1);	/* unknown FINISHED/BTS not attached */
	assert_string_equal(c.status[1], "unmatched");
	assert_string_equal(c.guid[1], "");
}

/* A push no client log covers is missing evidence, not "not delivered";
 * a connector that only logged "Validating" never forwarded. */
static void test_missing_agent_logs(void **state)
{
	struct store *s = *state;
	struct line scp[] = {
		connector(T0, 12, EV_NOTIFY_VALIDATING, NULL),
	};
	struct line mp[] = {
		server(T0 + 100 * SEC, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
	};
	struct line cl[] = {
		agent(T0 - 50 * SEC, EV_TASK_RECEIVED, G2, 4, EVENT_NONE),
	};
	add_log(s, "SCP01", "CMGatewayNotificationWorker.log", "connector", T0 - SEC, T0 + 200 * SEC, scp, 1);
	add_log(s, "MP01", "BgbServer.log", "server", T0 - 60 * SEC, T0 + 200 * SEC, mp, 1);
	/* the only client log ends before the push */
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - 60 * SEC, T0 - 40 * SEC, cl, 1);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 3);
	/* G2: received without a push in the server log, and the client's
	 * log ends 10 s later: too soon to say it never answered */
	assert_string_equal(c.status[0], "missing_evidence");
	assert_string_equal(c.status[1], "not_forwarded");
	assert_string_equal(c.guid[2], G1);
	assert_string_equal(c.status[2], "missing_evidence");
	assert_non_null(strstr(c.missing[2], "agent"));
}

/* The client's log ends with the receipt (a log collected too early):
 * nothing says it did not answer, so the evidence is missing. */
static void test_client_log_ends_at_receipt(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
	};
	struct line cl[] = {
		agent(T0 + SEC / 20, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 1);
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + SEC / 20, cl, 1);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.status[0], "missing_evidence");
	assert_non_null(strstr(c.missing[0], "agent"));
}

/* ---- partial bundles: what the evidence proves ---- */

struct targets_seen {
	size_t n, inferred;
	char text[512];
};

static int target_seen(void *ctx, const struct trace_target *t)
{
	struct targets_seen *seen = ctx;
	size_t len = strlen(seen->text);
	snprintf(seen->text + len, sizeof(seen->text) - len, "%s%s%s:%s",
		 len ? "," : "", t->host, t->inferred ? "?" : "", t->status);
	seen->n++;
	seen->inferred += t->inferred;
	return 0;
}

static struct targets_seen targets_of(struct store *s, int64_t id)
{
	struct targets_seen seen;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_trace_targets(s, id, target_seen, &seen), 0);
	return seen;
}

/* A push whose BTS report says no client answered and one failed, while a
 * collected client log covers the push without a receipt: not delivered,
 * and that client is named only as a candidate. */
static void test_bts_failure_with_candidate(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 0, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 2);
	add_log(s, "PC-0002", "CcmNotificationAgent.log", "agent", T0 - 60 * SEC, T0 + 60 * SEC, NULL, 0);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.status[0], "not_delivered");
	assert_int_equal(c.rows[0].candidates, 1);
	assert_int_equal(c.rows[0].bts_reported, 0);
	assert_int_equal(c.rows[0].bts_failed, 1);
	struct targets_seen t = targets_of(s, c.rows[0].id);
	assert_string_equal(t.text, "PC-0002?:not_delivered");
	assert_non_null(strstr(c.rows[0].summary, "PC-0002?"));
	assert_non_null(strstr(c.rows[0].summary, ". Next: "));
}

/* The same report without any client log: the server's word alone says
 * nobody answered. */
static void test_bts_failure_without_client_logs(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 0, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 2);
	struct collected c;
	rebuild(s, &c);
	assert_string_equal(c.status[0], "not_delivered");
	assert_int_equal(targets_of(s, c.rows[0].id).n, 0);
	assert_non_null(strstr(c.rows[0].next_step, "find the target"));
	assert_null(strstr(c.rows[0].next_step, "candidates"));
}

/* Hostile counts (a report of INT64_MAX failed clients) must not
 * overflow (UB; it wrapped into a huge number of unseen answers, and the
 * trace showed complete): two clients answered, the server says the rest
 * failed. */
static void test_bts_huge_counts(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, INT64_MAX, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 0, INT64_MAX),
	};
	struct line cl[] = {
		agent(T0 + SEC / 20, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 + SEC, EV_RESPONSE_SENT, NULL, 5, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 2);
	add_log(s, "PC-0001", "CcmNotificationAgent.log", "agent", T0 - 60 * SEC, T0 + 60 * SEC, cl, 2);
	add_log(s, "PC-0002", "CcmNotificationAgent.log", "agent", T0 - 60 * SEC, T0 + 60 * SEC, cl, 2);
	struct collected c;
	rebuild(s, &c);
	assert_string_not_equal(c.status[0], "complete");
}

/* The server says its one target answered; the only client log in the
 * bundle covers the push without a receipt. That client was not the
 * target (or its log is another copy): missing evidence, never "not
 * delivered", and the summary weighs the report. */
static void test_bts_answered_target_not_collected(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 1, 0),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 90 * SEC, mp, 2);
	add_log(s, "PC-0002", "CcmNotificationAgent.log", "agent", T0 - 60 * SEC, T0 + 60 * SEC, NULL, 0);
	struct collected c;
	rebuild(s, &c);
	assert_string_equal(c.status[0], "missing_evidence");
	assert_non_null(strstr(c.missing[0], "agent"));
	assert_non_null(strstr(c.rows[0].summary, "counts 1 answered, 0 failed"));
	assert_string_equal(targets_of(s, c.rows[0].id).text, "PC-0002?:not_delivered");
}

/* Two targets, one complete, the other's log not collected: the BTS
 * report decides. One answer of two proves a partial outcome; two
 * answers leave the second target unseen (missing evidence). */
static void test_bts_decides_partial(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 2, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 1, 0),
		server(T0 + 100 * SEC, EV_PUSH_STARTED, G2, 6, 2, EVENT_NONE),
		server(T0 + 130 * SEC, EV_BTS_REPORT, NULL, 6, 2, 0),
	};
	struct line cl[] = {
		agent(T0 + SEC / 20, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 + SEC, EV_RESPONSE_SENT, NULL, 5, 1),
		agent(T0 + 100 * SEC + SEC / 20, EV_TASK_RECEIVED, G2, 6, EVENT_NONE),
		agent(T0 + 101 * SEC, EV_RESPONSE_SENT, NULL, 6, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 200 * SEC, mp, 4);
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 200 * SEC, cl, 4);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.status[0], "partial");
	assert_string_equal(c.status[1], "missing_evidence");
	assert_string_equal(targets_of(s, c.rows[0].id).text, "CL01:complete");
	assert_non_null(strstr(c.rows[1].summary, "completed on 1 of 2"));
}

/* Every target accounted for: other clients' logs are no candidates; a
 * push seen by many client logs keeps 32 candidates and counts them all. */
static void test_candidates_bounded(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE),
		server(T0 + 100 * SEC, EV_PUSH_STARTED, G2, 6, 1, EVENT_NONE),
	};
	struct line cl[] = {
		agent(T0 + SEC / 20, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 + SEC, EV_RESPONSE_SENT, NULL, 5, 1),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 200 * SEC, mp, 2);
	add_log(s, "CL00", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 200 * SEC, cl, 2);
	for (int i = 1; i <= 40; i++) {
		char host[16];
		snprintf(host, sizeof(host), "CL%02d", i);
		add_log(s, host, "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 200 * SEC, NULL, 0);
	}
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.status[0], "complete");
	assert_int_equal(c.rows[0].candidates, 0);
	assert_string_equal(targets_of(s, c.rows[0].id).text, "CL00:complete");
	assert_string_equal(c.status[1], "missing_evidence");
	assert_int_equal(c.rows[1].candidates, 41);
	struct targets_seen t = targets_of(s, c.rows[1].id);
	assert_int_equal(t.n, 8);
	assert_int_equal(t.inferred, 8);
	assert_non_null(strstr(c.rows[1].summary, "41 client log(s) cover the push"));
	assert_non_null(strstr(c.rows[1].summary, "and 36 more"));
}

/* The admin center's words find the template name, and numbers too. */
static void test_action_aliases(void **state)
{
	(void)state;
	const char *names[TRACE_QUERY_ACTIONS];
	assert_int_equal(action_aliases("Sync Machine Policy", names, TRACE_QUERY_ACTIONS), 1);
	assert_string_equal(names[0], "RequestMachinePolicy");
	assert_int_equal(action_aliases("syncmachinepolicy", names, TRACE_QUERY_ACTIONS), 1);
	assert_int_equal(action_aliases("1", names, TRACE_QUERY_ACTIONS), 2);
	assert_string_equal(names[1], "1");
	assert_true(action_aliases("sync user policy", names, TRACE_QUERY_ACTIONS) >= 1);
	assert_string_equal(names[0], "RequestUserPolicy");
	assert_true(action_aliases("App Evaluation Cycle", names, TRACE_QUERY_ACTIONS) >= 1);
	assert_int_equal(action_aliases("Restart", names, TRACE_QUERY_ACTIONS), 0);
	assert_int_equal(action_aliases("", names, TRACE_QUERY_ACTIONS), 0);
}

/* A log that ends right after a step cannot say the next never came:
 * BgbServer.log ending 0.4 s after Forwarded is no proof of not_pushed. */
static void test_log_ends_too_soon(void **state)
{
	struct store *s = *state;
	struct line scp[] = {
		connector(T0, 11, EV_NOTIFY_RECEIVED, NULL),
		connector(T0 + SEC / 10, 11, EV_AUTHORIZED, NULL),
		connector(T0 + SEC / 5, 11, EV_FORWARDED, G1),
		connector(T0 + 10 * SEC, 12, EV_NOTIFY_RECEIVED, NULL),
		connector(T0 + 10 * SEC + SEC / 10, 12, EV_AUTHORIZED, NULL),
		connector(T0 + 10 * SEC + SEC / 5, 12, EV_FORWARDED, G2),
	};
	add_log(s, "SCP01", "CMGatewayNotificationWorker.log", "connector", T0 - 60 * SEC, T0 + 200 * SEC, scp, 6);
	/* the server's log covers G1's forward by 0.4 s, G2's by minutes */
	add_log(s, "MP01", "BgbServer.log", "server", T0 - 60 * SEC, T0 + 600 * SEC / 1000, NULL, 0);
	add_log(s, "MP02", "BgbServer.log", "server", T0 + 5 * SEC, T0 + 300 * SEC, NULL, 0);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.status[0], "missing_evidence");
	assert_string_equal(c.status[1], "not_pushed");
}

/* Client logs alone say nothing of how many were targeted: a client
 * that completed is no proof the action completed everywhere. */
static void test_unknown_targets(void **state)
{
	struct store *s = *state;
	struct line cl[] = {
		agent(T0, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 + SEC, EV_RESPONSE_SENT, NULL, 5, 1),
	};
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 200 * SEC, cl, 2);
	struct collected c;
	rebuild(s, &c);
	assert_string_equal(c.status[0], "missing_evidence");
	assert_non_null(strstr(c.rows[0].summary, "says how many were targeted"));
	assert_string_equal(targets_of(s, c.rows[0].id).text, "CL01:complete");
}

/* Three targets; the one collected received and never answered, while
 * the server counts one answer without failure from a target whose log
 * is missing: partial, not no_response. A collected client that shows no
 * answer is never overruled by the server's count. */
static void test_server_count_proves_partial(void **state)
{
	struct store *s = *state;
	struct line mp[] = {
		server(T0, EV_PUSH_STARTED, G1, 5, 3, EVENT_NONE),
		server(T0 + 30 * SEC, EV_BTS_REPORT, NULL, 5, 1, 0),
		server(T0 + 100 * SEC, EV_PUSH_STARTED, G2, 6, 1, EVENT_NONE),
		server(T0 + 130 * SEC, EV_BTS_REPORT, NULL, 6, 1, 0),
	};
	struct line cl[] = {
		agent(T0 + SEC / 20, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 + 100 * SEC + SEC / 20, EV_TASK_RECEIVED, G2, 6, EVENT_NONE),
	};
	add_log(s, "MP01", "BgbServer.log", "server", T0 - SEC, T0 + 300 * SEC, mp, 4);
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + 300 * SEC, cl, 2);
	struct collected c;
	rebuild(s, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.status[0], "partial");
	assert_non_null(strstr(c.rows[0].summary, "1 by the server's count"));
	assert_string_equal(c.status[1], "no_response");
}

/* ---- the incremental update ---- */

/* The traces as read back, with the stats of the update that built them. */
static void update(struct store *s, const struct correlate_base *base,
		   struct collected *c, struct correlate_stats *st)
{
	struct trace_query all = {0};
	assert_int_equal(correlate_update(s, base, st), 0);
	memset(c, 0, sizeof(*c));
	assert_int_equal(store_traces(s, &all, collect, c), 0);
}

static void one_action(struct store *s, const char *suffix, int64_t at,
		       const char *guid, int64_t push)
{
	char scp[64], mp[64], cl[64];
	snprintf(scp, sizeof(scp), "CMGatewayNotificationWorker%s.log", suffix);
	snprintf(mp, sizeof(mp), "BgbServer%s.log", suffix);
	snprintf(cl, sizeof(cl), "CcmNotificationAgent%s.log", suffix);
	struct line c[] = {
		connector(at, 11, EV_NOTIFY_RECEIVED, NULL),
		connector(at + SEC / 10, 11, EV_AUTHORIZED, NULL),
		connector(at + SEC / 5, 11, EV_FORWARDED, guid),
	};
	struct line m[] = { server(at + 2 * SEC, EV_PUSH_STARTED, guid, push, 1, EVENT_NONE) };
	struct line a[] = {
		agent(at + 3 * SEC, EV_TASK_RECEIVED, guid, push, EVENT_NONE),
		agent(at + 4 * SEC, EV_RESPONSE_SENT, NULL, push, 1),
	};
	add_log(s, "SCP01", scp, "connector", at - 60 * SEC, at + 90 * SEC, c, 3);
	add_log(s, "MP01", mp, "server", at - 60 * SEC, at + 90 * SEC, m, 1);
	add_log(s, "CL01", cl, "agent", at - 60 * SEC, at + 90 * SEC, a, 2);
}

/* Logs of a later action: only its trace is built, after the kept one,
 * and the result is the full rebuild's. */
static void test_update_adds_only_the_new_trace(void **state)
{
	struct store *s = *state;
	struct collected c, full;
	struct correlate_stats st;
	one_action(s, "", T0, G1, 5);
	rebuild(s, &c);
	struct correlate_base *base = correlate_base_take(s);
	assert_non_null(base);
	one_action(s, "-2", T0 + 5 * 3600 * SEC, G2, 6);
	update(s, base, &c, &st);
	correlate_base_free(base);
	assert_true(st.incremental);
	assert_null(st.fallback);
	assert_int_equal(st.rebuilt, 1);
	assert_int_equal(st.traces, 2);
	rebuild(s, &full);
	assert_int_equal(c.n, 2);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.rows[i].id, full.rows[i].id);
		assert_string_equal(c.guid[i], full.guid[i]);
		assert_string_equal(c.status[i], full.status[i]);
		assert_string_equal(c.summary[i], full.summary[i]);
	}
	assert_string_equal(c.guid[1], G2);
}

/* A response hours after its receipt: the join reaches before the
 * update's window, so every trace is rebuilt, and the stats say why. */
static void test_update_falls_back_for_an_old_join(void **state)
{
	struct store *s = *state;
	struct collected c, full;
	struct correlate_stats st;
	struct line a[] = { agent(T0 + 3 * SEC, EV_TASK_RECEIVED, G1, 5, EVENT_NONE) };
	add_log(s, "CL01", "CcmNotificationAgent.lo_", "agent", T0 - SEC, T0 + 10 * SEC, a, 1);
	rebuild(s, &c);
	assert_string_equal(c.status[0], "missing_evidence");
	struct correlate_base *base = correlate_base_take(s);
	struct line late[] = { agent(T0 + 3 * 3600 * SEC, EV_RESPONSE_SENT, NULL, 5, 1) };
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 + 3 * 3600 * SEC - SEC,
		T0 + 3 * 3600 * SEC + SEC, late, 1);
	update(s, base, &c, &st);
	correlate_base_free(base);
	assert_false(st.incremental);
	assert_non_null(st.fallback);
	assert_string_equal(st.fallback, "a response to a receipt before the window");
	rebuild(s, &full);
	assert_int_equal(c.n, full.n);
	assert_string_equal(c.status[0], full.status[0]);
	assert_int_equal(c.n, 1);		/* the response joined its receipt */
	assert_int_equal(c.rows[0].lanes[2], 2);
}

/* ---- the streamed rebuild against holding every trace ---- */

static void rebuild_quiet(struct store *s, int64_t quiet_us, struct collected *c,
			  struct correlate_stats *st)
{
	struct trace_query all = {0};
	assert_int_equal(store_bulk_end(s), 0);
	memset(st, 0, sizeof(*st));
	assert_int_equal(correlate_rebuild_quiet(s, quiet_us, st), 0);
	memset(c, 0, sizeof(*c));
	assert_int_equal(store_traces(s, &all, collect, c), 0);
	assert_int_equal(st->traces, c->n);
}

static void assert_same_traces(const struct collected *a, const struct collected *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->rows[i].id, b->rows[i].id);
		assert_int_equal(a->rows[i].first_utc, b->rows[i].first_utc);
		assert_int_equal(a->rows[i].lanes[2], b->rows[i].lanes[2]);
		assert_string_equal(a->guid[i], b->guid[i]);
		assert_string_equal(a->status[i], b->status[i]);
		assert_string_equal(a->summary[i], b->summary[i]);
		assert_string_equal(a->next[i], b->next[i]);
	}
}

/* Actions an hour apart: each trace is written and forgotten before the
 * next begins (one held at a time), with the held build's result. */
static void test_stream_holds_one_at_a_time(void **state)
{
	struct store *s = *state;
	struct collected held, streamed;
	struct correlate_stats st;
	static const char *const guids[] = { G1, G2,
		"33333333-2222-3333-4444-555555555555",
		"44444444-2222-3333-4444-555555555555" };
	for (int i = 0; i < 4; i++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), "-%d", i);
		one_action(s, suffix, T0 + i * 3600 * SEC, guids[i], 5 + i);
	}
	rebuild_quiet(s, 0, &held, &st);
	assert_string_equal(st.held_all, "asked to");
	assert_int_equal(st.live_peak, 4);
	rebuild_quiet(s, 600 * SEC, &streamed, &st);
	assert_null(st.held_all);
	assert_int_equal(st.live_peak, 1);
	assert_int_equal(streamed.n, 4);
	assert_same_traces(&held, &streamed);
}

/* A response three hours after its receipt joins a trace the stream has
 * written: noticed, and the traces are those of the held build. */
static void test_stream_notices_a_late_response(void **state)
{
	struct store *s = *state;
	struct collected held, streamed;
	struct correlate_stats st;
	struct line a[] = {
		agent(T0 + 3 * SEC, EV_TASK_RECEIVED, G1, 5, EVENT_NONE),
		agent(T0 + 3 * 3600 * SEC, EV_RESPONSE_SENT, NULL, 5, 1),
	};
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC,
		T0 + 4 * 3600 * SEC, a, 2);
	rebuild_quiet(s, 0, &held, &st);
	rebuild_quiet(s, 600 * SEC, &streamed, &st);
	assert_non_null(st.held_all);
	assert_string_equal(st.held_all, "a response came after its receipt's"
			    " trace was written");
	assert_int_equal(streamed.n, 1);
	assert_int_equal(streamed.rows[0].lanes[2], 2);
	assert_same_traces(&held, &streamed);
}

/* The server pushes a GUID two hours after a client logged it (a clock
 * set wrong): one trace, noticed as a GUID that came back. */
static void test_stream_notices_a_guid_coming_back(void **state)
{
	struct store *s = *state;
	struct collected held, streamed;
	struct correlate_stats st;
	struct line a[] = { agent(T0, EV_TASK_RECEIVED, G1, 5, EVENT_NONE) };
	struct line m[] = { server(T0 + 2 * 3600 * SEC, EV_PUSH_STARTED, G1, 5, 1, EVENT_NONE) };
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + SEC, a, 1);
	add_log(s, "MP01", "BgbServer.log", "server", T0 + 2 * 3600 * SEC - SEC,
		T0 + 2 * 3600 * SEC + SEC, m, 1);
	rebuild_quiet(s, 0, &held, &st);
	rebuild_quiet(s, 600 * SEC, &streamed, &st);
	assert_non_null(st.held_all);
	assert_string_equal(st.held_all, "a GUID came back after its trace was written");
	assert_int_equal(streamed.n, 1);
	assert_same_traces(&held, &streamed);
}

/* A client-only trace names its action by a number that a connector line
 * an hour later teaches: the written trace would have said the number. */
static void test_stream_notices_a_name_learned_late(void **state)
{
	struct store *s = *state;
	struct collected held, streamed;
	struct correlate_stats st;
	struct line a[] = { agent(T0, EV_TASK_RECEIVED, G1, 5, EVENT_NONE) };
	a[0].ev.task_type = 7;
	int64_t at = T0 + 3600 * SEC;
	struct line c[] = {
		connector(at, 11, EV_NOTIFY_RECEIVED, NULL),
		connector(at + SEC, 11, EV_AUTHORIZED, NULL),
		connector(at + 2 * SEC, 11, EV_FORWARDED, G2),
	};
	c[2].ev.task_type = 7;
	add_log(s, "CL01", "CcmNotificationAgent.log", "agent", T0 - SEC, T0 + SEC, a, 1);
	add_log(s, "SCP01", "CMGatewayNotificationWorker.log", "connector", at - SEC,
		at + 10 * SEC, c, 3);
	rebuild_quiet(s, 0, &held, &st);
	assert_non_null(strstr(held.summary[0], "RequestMachinePolicy"));
	rebuild_quiet(s, 600 * SEC, &streamed, &st);
	assert_non_null(st.held_all);
	assert_string_equal(st.held_all, "an action name learned after a trace that"
			    " needed it was written");
	assert_same_traces(&held, &streamed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_client_clock_ahead_merges, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_retried_push, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_unmatched_and_unknown, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_missing_agent_logs, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_client_log_ends_at_receipt, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_bts_failure_with_candidate, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_bts_failure_without_client_logs, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_bts_huge_counts, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_bts_answered_target_not_collected, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_bts_decides_partial, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_candidates_bounded, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_log_ends_too_soon, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_unknown_targets, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_server_count_proves_partial, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_update_adds_only_the_new_trace, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_update_falls_back_for_an_old_join, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_stream_holds_one_at_a_time, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_stream_notices_a_late_response, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_stream_notices_a_guid_coming_back, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_stream_notices_a_name_learned_late, setup_memory, teardown_store),
		cmocka_unit_test(test_action_aliases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
