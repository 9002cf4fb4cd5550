/* test_pages.c - keyset pages of the trace list (db/pages.c): every sort
 * order, paged forward and backward in small pages, gives exactly the
 * order a full sort gives, ties and NULL actions included; counts before
 * a key are positions; keep() filters; status counts ignore the status
 * mask. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../db/pages.h"
#include "../../db/store.h"
#include "store_fixture.h"

#define N_TRACES 257

static const char *const actions[] = { "RequestMachinePolicy", "AppEvaluation",
				       NULL, "RequestUserPolicy", "" };
static const char *const statuses[] = { "complete", "failed", "partial",
					"unauthorized", "no_response", "not_pushed" };

struct fixture_row {
	int64_t id, first, last;
	const char *status, *action;
};
static struct fixture_row rows[N_TRACES];

static void fill(struct store *s)
{
	struct trace_writer *tw = store_traces_begin(s);
	assert_non_null(tw);
	for (int i = 0; i < N_TRACES; i++) {
		/* Ties on purpose: first_utc repeats, spans repeat. */
		rows[i] = (struct fixture_row){
			.id = i + 1,
			.first = 1000000 * (int64_t)((i * 7) % 50),
			.last = 1000000 * (int64_t)((i * 7) % 50) + 1000 * (int64_t)(i % 13),
			.status = statuses[(i * 5) % 6],
			.action = actions[i % 5],
		};
		struct trace_row t = {
			.id = rows[i].id, .status = rows[i].status, .action = rows[i].action,
			.first_utc = rows[i].first, .last_utc = rows[i].last,
			.task_type = EVENT_NONE, .hop_forward_to_push = EVENT_NONE,
			.hop_push_to_receive = EVENT_NONE, .hop_receive_to_response = EVENT_NONE,
			.push_id = EVENT_NONE, .task_id = EVENT_NONE, .target_count = EVENT_NONE,
			.bts_reported = EVENT_NONE, .bts_failed = EVENT_NONE,
			.summary = "s", .next_step = "n", .clients = "", .hosts = "", .missing = "",
		};
		assert_int_equal(store_traces_add(tw, &t, NULL, NULL, 0), 0);
	}
	assert_int_equal(store_traces_commit(tw), 0);
}

static enum trace_sort sort_now;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct fixture_row *a = pa, *b = pb;
	int64_t ka = 0, kb = 0;
	int c = 0;
	switch (sort_now) {
	case TRACE_SORT_STATUS:
		ka = trace_status_rank(a->status);
		kb = trace_status_rank(b->status);
		if (ka == kb) {
			ka = a->first;
			kb = b->first;
		}
		break;
	case TRACE_SORT_SPAN:
		ka = a->last - a->first;
		kb = b->last - b->first;
		break;
	case TRACE_SORT_ACTION:
		c = strcmp(a->action ? a->action : "", b->action ? b->action : "");
		ka = a->first;
		kb = b->first;
		break;
	default:
		ka = a->first;
		kb = b->first;
		break;
	}
	if (c)
		return c;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

struct collect {
	int64_t ids[N_TRACES + 1];
	size_t n;
	struct trace_key last;
	enum trace_sort sort;
};

static int take(void *ctx, const struct trace_row *t)
{
	struct collect *c = ctx;
	assert_true(c->n < N_TRACES);
	c->ids[c->n++] = t->id;
	trace_key_of(c->sort, t, &c->last);
	return 0;
}

static bool keep_even(void *ctx, const struct trace_row *t)
{
	(void)ctx;
	return t->id % 2 == 0;
}

static void test_pages_every_sort(void **state)
{
	struct store *s = *state;
	fill(s);
	for (int sort = 0; sort < TRACE_SORT_COUNT; sort++) {
		struct fixture_row want[N_TRACES];
		memcpy(want, rows, sizeof(want));
		sort_now = (enum trace_sort)sort;
		qsort(want, N_TRACES, sizeof(want[0]), cmp_rows);
		struct trace_pager p = { .sort = (enum trace_sort)sort };
		/* Forward, 7 at a time. */
		struct collect c = { .sort = (enum trace_sort)sort };
		long got;
		while ((got = store_trace_page(s, &p, c.n ? &c.last : NULL, false, 7, take, &c)) > 0)
			;
		assert_int_equal(got, 0);
		assert_int_equal(c.n, N_TRACES);
		for (int i = 0; i < N_TRACES; i++)
			assert_int_equal(c.ids[i], want[i].id);
		/* Backward from the end, 5 at a time: the reverse. */
		struct collect b = { .sort = (enum trace_sort)sort };
		while (store_trace_page(s, &p, b.n ? &b.last : NULL, true, 5, take, &b) > 0)
			;
		assert_int_equal(b.n, N_TRACES);
		for (int i = 0; i < N_TRACES; i++)
			assert_int_equal(b.ids[i], want[N_TRACES - 1 - i].id);
		/* The count before a key is its position. */
		for (int i = 0; i < N_TRACES; i += 37) {
			struct trace_row t = { .id = want[i].id, .status = want[i].status,
					       .action = want[i].action, .first_utc = want[i].first,
					       .last_utc = want[i].last };
			struct trace_key k = {0};
			trace_key_of((enum trace_sort)sort, &t, &k);
			int64_t n = -1;
			assert_int_equal(store_trace_count(s, &p, &k, &n), 0);
			assert_int_equal(n, i);
			trace_key_free(&k);
		}
		trace_key_free(&c.last);
		trace_key_free(&b.last);
		/* Descending: forward reads the reverse, backward the order,
		 * and the count before a key is its position from the end. */
		p.desc = true;
		struct collect d = { .sort = (enum trace_sort)sort };
		while (store_trace_page(s, &p, d.n ? &d.last : NULL, false, 6, take, &d) > 0)
			;
		assert_int_equal(d.n, N_TRACES);
		for (int i = 0; i < N_TRACES; i++)
			assert_int_equal(d.ids[i], want[N_TRACES - 1 - i].id);
		struct collect e = { .sort = (enum trace_sort)sort };
		while (store_trace_page(s, &p, e.n ? &e.last : NULL, true, 9, take, &e) > 0)
			;
		assert_int_equal(e.n, N_TRACES);
		for (int i = 0; i < N_TRACES; i++)
			assert_int_equal(e.ids[i], want[i].id);
		for (int i = 0; i < N_TRACES; i += 29) {
			struct trace_row t = { .id = want[i].id, .status = want[i].status,
					       .action = want[i].action, .first_utc = want[i].first,
					       .last_utc = want[i].last };
			struct trace_key k = {0};
			trace_key_of((enum trace_sort)sort, &t, &k);
			int64_t n = -1;
			assert_int_equal(store_trace_count(s, &p, &k, &n), 0);
			assert_int_equal(n, N_TRACES - 1 - i);
			trace_key_free(&k);
		}
		trace_key_free(&d.last);
		trace_key_free(&e.last);
	}
}

/* A finding filter: exactly the finding's traces, in sort order, counted
 * and positioned like any other filter; another finding does not leak. */
static void test_pages_finding_filter(void **state)
{
	struct store *s = *state;
	fill(s);
	int64_t mine[] = { 5, 17, 60, 61, 200, 257 }, other[] = { 1, 2, 3 };
	struct finding f[2] = {
		{ .kind = "other", .severity = "info", .title = "t", .advice = "a",
		  .first_utc = EVENT_NONE, .last_utc = EVENT_NONE, .traces = other, .n_traces = 3 },
		{ .kind = "mine", .severity = "error", .title = "t", .advice = "a",
		  .first_utc = EVENT_NONE, .last_utc = EVENT_NONE, .traces = mine, .n_traces = 6 },
	};
	assert_int_equal(store_findings_replace(s, f, 2), 0);
	struct trace_pager p = { .sort = TRACE_SORT_START, .finding = 2 };
	struct collect c = { .sort = TRACE_SORT_START };
	while (store_trace_page(s, &p, c.n ? &c.last : NULL, false, 4, take, &c) > 0)
		;
	assert_int_equal(c.n, 6);
	int64_t seen = 0;
	for (size_t i = 0; i < c.n; i++)
		for (size_t j = 0; j < 6; j++)
			seen += c.ids[i] == mine[j];
	assert_int_equal(seen, 6);
	int64_t n = -1, counts[TRACE_STATUS_COUNT], sum = 0;
	assert_int_equal(store_trace_count(s, &p, NULL, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(store_trace_status_counts(s, &p, counts), 0);
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		sum += counts[i];
	assert_int_equal(sum, 6);
	assert_int_equal(store_trace_count(s, &p, &c.last, &n), 0);
	assert_int_equal(n, 5);	/* the last of six */
	assert_int_equal(store_trace_passes(s, &p, 60), 1);
	assert_int_equal(store_trace_passes(s, &p, 59), 0);
	assert_int_equal(store_trace_passes(s, &p, 1), 0);	/* the other finding's */
	trace_key_free(&c.last);
}

static void test_pages_filters_and_counts(void **state)
{
	struct store *s = *state;
	fill(s);
	struct trace_pager p = { .sort = TRACE_SORT_STATUS };
	p.q.statuses = TRACE_STATUS_BIT(TS_FAILED);
	int64_t counts[TRACE_STATUS_COUNT], n;
	assert_int_equal(store_trace_status_counts(s, &p, counts), 0);
	int64_t want_failed = 0, want_all = 0;
	for (int i = 0; i < N_TRACES; i++) {
		want_failed += !strcmp(rows[i].status, "failed");
		want_all++;
	}
	assert_int_equal(counts[TS_FAILED], want_failed);
	int64_t sum = 0;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		sum += counts[i];
	assert_int_equal(sum, want_all);	/* the mask does not apply */
	assert_int_equal(store_trace_count(s, &p, NULL, &n), 0);
	assert_int_equal(n, want_failed);
	/* keep(): only even ids, in pages. */
	p.q.statuses = 0;
	p.keep = keep_even;
	struct collect c = { .sort = TRACE_SORT_STATUS };
	while (store_trace_page(s, &p, c.n ? &c.last : NULL, false, 4, take, &c) > 0)
		;
	assert_int_equal(c.n, N_TRACES / 2);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.ids[i] % 2, 0);
	assert_int_equal(store_trace_count(s, &p, NULL, &n), 0);
	assert_int_equal(n, N_TRACES / 2);
	trace_key_free(&c.last);
}

/* One status in start order reads through the status index: the same
 * rows, order and positions as a full sort of that status's traces. */
static void test_pages_one_status(void **state)
{
	struct store *s = *state;
	fill(s);
	sort_now = TRACE_SORT_START;
	for (size_t k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++) {
		enum trace_status st;
		assert_true(trace_status_parse(statuses[k], &st));
		struct fixture_row want[N_TRACES];
		size_t n = 0;
		for (int i = 0; i < N_TRACES; i++)
			if (!strcmp(rows[i].status, statuses[k]))
				want[n++] = rows[i];
		qsort(want, n, sizeof(want[0]), cmp_rows);
		for (int desc = 0; desc < 2; desc++) {
			struct trace_pager p = { .sort = TRACE_SORT_START, .desc = desc };
			p.q.statuses = TRACE_STATUS_BIT(st);
			struct collect c = { .sort = TRACE_SORT_START };
			while (store_trace_page(s, &p, c.n ? &c.last : NULL, false, 3, take, &c) > 0)
				;
			assert_int_equal(c.n, n);
			for (size_t i = 0; i < n; i++) {
				assert_int_equal(c.ids[i], want[desc ? n - 1 - i : i].id);
				struct trace_row t = { .id = want[i].id, .status = want[i].status,
						       .first_utc = want[i].first, .last_utc = want[i].last };
				struct trace_key key = {0};
				trace_key_of(TRACE_SORT_START, &t, &key);
				int64_t pos = -1;
				assert_int_equal(store_trace_count(s, &p, &key, &pos), 0);
				assert_int_equal(pos, desc ? (int64_t)(n - 1 - i) : (int64_t)i);
			}
			trace_key_free(&c.last);
		}
		/* Its place within the status from either end. */
		struct trace_pager all = { .sort = TRACE_SORT_STATUS };
		for (size_t i = 0; i < n; i++) {
			int64_t before = -1, after = -1;
			assert_int_equal(store_trace_count_in_status(s, &all, statuses[k], want[i].first,
								     want[i].id, false, &before), 0);
			assert_int_equal(store_trace_count_in_status(s, &all, statuses[k], want[i].first,
								     want[i].id, true, &after), 0);
			assert_int_equal(before, (int64_t)i);
			assert_int_equal(after, (int64_t)(n - 1 - i));
		}
	}
}

/* A GUID prefix through the index: case-insensitive, the first in GUID
 * order, none when no GUID starts so; the filters apply. */
static void test_pages_guid_prefix(void **state)
{
	struct store *s = *state;
	struct trace_writer *tw = store_traces_begin(s);
	assert_non_null(tw);
	const char *guids[] = { "AB12-0001", "ab12-0000", "AC00-0000", NULL, "0000-FFFF" };
	const char *sts[] = { "complete", "failed", "complete", "unauthorized", "complete" };
	for (int i = 0; i < 5; i++) {
		struct trace_row t = {
			.id = i + 1, .guid = guids[i], .status = sts[i], .first_utc = i, .last_utc = i,
			.task_type = EVENT_NONE, .hop_forward_to_push = EVENT_NONE,
			.hop_push_to_receive = EVENT_NONE, .hop_receive_to_response = EVENT_NONE,
			.push_id = EVENT_NONE, .task_id = EVENT_NONE, .target_count = EVENT_NONE,
			.bts_reported = EVENT_NONE, .bts_failed = EVENT_NONE,
			.summary = "s", .next_step = "n", .clients = "", .hosts = "", .missing = "",
		};
		assert_int_equal(store_traces_add(tw, &t, NULL, NULL, 0), 0);
	}
	assert_int_equal(store_traces_commit(tw), 0);
	struct trace_pager p = { .sort = TRACE_SORT_START };
	assert_int_equal(store_trace_guid_prefix(s, &p, "ab12"), 2);	/* -0000 first */
	assert_int_equal(store_trace_guid_prefix(s, &p, "AB12-0001"), 1);
	assert_int_equal(store_trace_guid_prefix(s, &p, "ac"), 3);
	assert_int_equal(store_trace_guid_prefix(s, &p, "ad"), 0);
	assert_int_equal(store_trace_guid_prefix(s, &p, "0000-ffff"), 5);
	assert_int_equal(store_trace_guid_prefix(s, &p, ""), 0);
	p.q.statuses = TRACE_STATUS_BIT(TS_COMPLETE);
	assert_int_equal(store_trace_guid_prefix(s, &p, "ab12"), 1);	/* 2 failed */
}

/* The action sort's groups in its order with their sizes, and a trace's
 * place within its action from either end. */
static void test_pages_action_groups(void **state)
{
	struct store *s = *state;
	fill(s);
	struct trace_pager p = { .sort = TRACE_SORT_ACTION };
	char *prev = NULL, *a;
	int64_t n, total = 0;
	size_t groups = 0;
	while (store_trace_action_group(s, &p, prev, &a, &n) == 1) {
		if (prev)
			assert_true(strcmp(prev, a) < 0);
		int64_t want = 0;
		for (int i = 0; i < N_TRACES; i++)
			want += !strcmp(rows[i].action ? rows[i].action : "", a);
		assert_int_equal(n, want);
		total += n;
		groups++;
		free(prev);
		prev = a;
	}
	free(prev);
	assert_int_equal(total, N_TRACES);
	assert_int_equal(groups, 4);	/* NULL and "" are one group */
	sort_now = TRACE_SORT_ACTION;
	struct fixture_row want[N_TRACES];
	memcpy(want, rows, sizeof(want));
	qsort(want, N_TRACES, sizeof(want[0]), cmp_rows);
	for (int i = 0; i < N_TRACES; i += 11) {
		const char *act = want[i].action ? want[i].action : "";
		int64_t in = 0, size = 0, before = -1, after = -1;
		for (int j = 0; j < N_TRACES; j++)
			if (!strcmp(want[j].action ? want[j].action : "", act)) {
				in += j < i;
				size++;
			}
		assert_int_equal(store_trace_count_in_action(s, &p, act, want[i].first, want[i].id,
							     false, &before), 0);
		assert_int_equal(store_trace_count_in_action(s, &p, act, want[i].first, want[i].id,
							     true, &after), 0);
		assert_int_equal(before, in);
		assert_int_equal(after, size - 1 - in);
	}
}

static void test_status_rank_is_table_order(void **state)
{
	(void)state;
	int64_t prev = -1;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++) {
		int64_t r = trace_status_rank(trace_statuses[i].name);
		assert_true(r > prev);
		prev = r;
	}
	/* "failed" must not match inside another name. */
	assert_int_equal(trace_status_rank("nope"), -1);
	assert_string_equal(trace_sort_name(TRACE_SORT_SPAN), "span");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages_every_sort, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_pages_filters_and_counts, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_pages_finding_filter, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_pages_one_status, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_pages_guid_prefix, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_pages_action_groups, setup_memory, teardown_store),
		cmocka_unit_test(test_status_rank_is_table_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
