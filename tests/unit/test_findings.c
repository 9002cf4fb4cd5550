/* test_findings.c - the findings engine's pure parts and its store: upload
 * gaps only inside what the log covers, promises not kept, the median, the
 * duplicate rule fed by (file, duplicate_of) pairs, the findings tables'
 * round trip, and the error-code table with the forms codes are typed in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/store.h"
#include "store_fixture.h"
#include "../../src/correlate.h"
#include "../../src/errcodes.h"
#include "../../src/findings.h"

#define MIN_US (INT64_C(60) * 1000000)
#define T0 (INT64_C(1790000000) * 1000000)

/* Batches every 15 minutes over [from, to) minutes after T0, except skip. */
static size_t cycle(int64_t *out, int from, int to, int skip_a, int skip_b)
{
	size_t n = 0;
	for (int m = from; m < to; m += 15)
		if (m != skip_a && m != skip_b)
			out[n++] = T0 + m * MIN_US;
	return n;
}

static void test_gap_inside_coverage(void **state)
{
	(void)state;
	int64_t b[32], gaps[8][2];
	size_t n = cycle(b, 0, 180, 60, 75);	/* 60 and 75 never ran */
	const int64_t cov[1][2] = { { T0, T0 + 170 * MIN_US } };
	assert_int_equal(upload_gaps(b, n, NULL, 0, cov, 1, gaps, 8), 1);
	assert_true(gaps[0][0] == T0 + 45 * MIN_US);
	assert_true(gaps[0][1] == T0 + 90 * MIN_US);
}

static void test_regular_cycle_no_gap(void **state)
{
	(void)state;
	int64_t b[32], gaps[8][2];
	size_t n = cycle(b, 0, 180, -1, -1);
	/* A run 4 minutes late is no missed cycle. */
	b[3] += 4 * MIN_US;
	const int64_t cov[1][2] = { { T0, T0 + 170 * MIN_US } };
	assert_int_equal(upload_gaps(b, n, NULL, 0, cov, 1, gaps, 8), 0);
}

static void test_gap_outside_coverage(void **state)
{
	(void)state;
	int64_t b[32], gaps[8][2];
	size_t n = cycle(b, 0, 180, 60, 75);
	/* Two rotated files with the hole between them: not covered. */
	const int64_t cov[2][2] = {
		{ T0, T0 + 45 * MIN_US }, { T0 + 90 * MIN_US, T0 + 170 * MIN_US },
	};
	assert_int_equal(upload_gaps(b, n, NULL, 0, cov, 2, gaps, 8), 0);
	/* The log goes on for an hour after its last batch: a gap to its end. */
	const int64_t longer[1][2] = { { T0, T0 + 240 * MIN_US } };
	n = cycle(b, 0, 180, -1, -1);
	assert_int_equal(upload_gaps(b, n, NULL, 0, longer, 1, gaps, 8), 1);
	assert_true(gaps[0][0] == T0 + 165 * MIN_US);
	assert_true(gaps[0][1] == T0 + 240 * MIN_US);
}

static void test_promise_not_kept(void **state)
{
	(void)state;
	int64_t b[2] = { T0, T0 + 19 * MIN_US }, gaps[8][2];
	const int64_t cov[1][2] = { { T0, T0 + 30 * MIN_US } };
	/* 19 minutes apart is within the cycle and its grace... */
	assert_int_equal(upload_gaps(b, 2, NULL, 0, cov, 1, gaps, 8), 0);
	/* ...but the run promised for T0+10 did not happen near it. */
	int64_t p[1] = { T0 + 10 * MIN_US };
	assert_int_equal(upload_gaps(b, 2, p, 1, cov, 1, gaps, 8), 1);
	assert_true(gaps[0][0] == T0 + 10 * MIN_US);
	assert_true(gaps[0][1] == T0 + 19 * MIN_US);
	/* A promise beyond the log's end cannot be checked. */
	int64_t late[1] = { T0 + 28 * MIN_US };
	assert_int_equal(upload_gaps(b, 2, late, 1, cov, 1, gaps, 8), 0);
}

static void test_no_batches_no_gap(void **state)
{
	(void)state;
	int64_t gaps[8][2];
	const int64_t cov[1][2] = { { T0, T0 + 600 * MIN_US } };
	assert_int_equal(upload_gaps(NULL, 0, NULL, 0, cov, 1, gaps, 8), 0);
}

static void test_median(void **state)
{
	(void)state;
	int64_t odd[] = { 900, 3, 1, 2, 50 };
	assert_int_equal(findings_median(odd, 5), 3);
	int64_t even[] = { 10, 2, 4, 8 };
	assert_int_equal(findings_median(even, 4), 6);
	assert_int_equal(findings_median(NULL, 0), 0);
}

static void test_duplicates(void **state)
{
	(void)state;
	struct finding_set *fs = finding_set_new();
	findings_duplicates(fs, NULL, 0);
	assert_int_equal(finding_set_count(fs), 0);
	const struct dup_pair pairs[] = {
		{ "MP01", "case1.zip/MP01/BgbServer.log", "case1/MP01/BgbServer.log" },
		{ "SCP01", "case1.zip/SCP01/x.log", "case1/SCP01/x.log" },
	};
	findings_duplicates(fs, pairs, 2);
	assert_int_equal(finding_set_count(fs), 1);
	struct finding f;
	finding_set_get(fs, 0, &f);
	assert_string_equal(f.kind, "duplicate_evidence");
	assert_string_equal(f.severity, "info");
	assert_int_equal(f.count, 2);
	assert_int_equal(f.n_evidence, 2);
	assert_string_equal(f.evidence[0].file, "case1.zip/MP01/BgbServer.log");
	assert_non_null(strstr(f.title, "case1/MP01/BgbServer.log"));
	finding_set_free(fs);
}

static void test_kinds(void **state)
{
	(void)state;
	static const char *const want[] = {
		"unauthorized_action", "gateway_error", "mfa_forbidden",
		"notification_port", "upload_gap", "not_forwarded", "not_pushed",
		"not_delivered", "no_response", "failed", "slow_hop", "clock_skew",
		"timezone", "evidence_gap", "unmatched_response",
		"duplicate_evidence",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_true(finding_kind_known(want[i]));
	assert_int_equal(finding_kind_count(), sizeof(want) / sizeof(want[0]));
	assert_false(finding_kind_known("partial"));
	/* The stage kinds are trace statuses, read from the traces table. */
	static const char *const stages[] = {
		"not_forwarded", "not_pushed", "not_delivered", "no_response",
		"failed",
	};
	for (size_t i = 0; i < 5; i++) {
		bool known = false;
		for (size_t k = 0; k < TRACE_STATUS_COUNT; k++)
			known |= !strcmp(stages[i], trace_statuses[k].name);
		assert_true(known);
	}
	assert_null(finding_kind_name(finding_kind_count()));
}

static int count_row(void *ctx, const struct finding *f)
{
	struct finding *copy = ctx;
	if (!strcmp(f->kind, "gateway_error")) {
		assert_int_equal(f->n_evidence, 1);
		assert_string_equal(f->evidence[0].host, "SCP01");
		assert_int_equal(f->evidence[0].line, 7);
		assert_int_equal(f->n_traces, 2);
		assert_true(f->traces[0] == 3 && f->traces[1] == 9);
	}
	copy->count++;
	return 0;
}

static void test_store_roundtrip(void **state)
{
	struct store *s = *state;
	const struct finding_evidence ev = { "SCP01", "Logs/x.log", 7, T0 };
	const int64_t traces[] = { 9, 3, 9 };	/* a repeat is kept once */
	const struct finding rows[] = {
		{ .kind = "gateway_error", .severity = "error", .title = "t",
		  .advice = "a", .first_utc = T0, .last_utc = T0, .count = 1,
		  .evidence = &ev, .n_evidence = 1, .traces = traces,
		  .n_traces = 3 },
		{ .kind = "timezone", .severity = "warning", .title = "t2",
		  .advice = "a2", .first_utc = EVENT_NONE,
		  .last_utc = EVENT_NONE, .count = 5 },
	};
	assert_int_equal(store_findings_replace(s, rows, 2), 0);
	struct finding seen = { 0 };
	assert_int_equal(store_findings(s, NULL, count_row, &seen), 0);
	assert_int_equal(seen.count, 2);
	seen.count = 0;
	assert_int_equal(store_findings(s, "timezone", count_row, &seen), 0);
	assert_int_equal(seen.count, 1);
	/* Replaced whole. */
	assert_int_equal(store_findings_replace(s, rows + 1, 1), 0);
	seen.count = 0;
	assert_int_equal(store_findings(s, "gateway_error", count_row, &seen), 0);
	assert_int_equal(seen.count, 0);
}

static void test_errcode_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum errcode_family family;
		uint32_t code;
	} ok[] = {
		{ "0x80131509", ERRCODE_HRESULT, 0x80131509u },
		{ "0X80070005", ERRCODE_HRESULT, 0x80070005u },
		{ "80070005", ERRCODE_HRESULT, 0x80070005u },
		{ "87d00215h", ERRCODE_HRESULT, 0x87D00215u },
		{ "-2147024891", ERRCODE_HRESULT, 0x80070005u },
		{ "2147942405", ERRCODE_HRESULT, 0x80070005u },
		{ " HTTP 401 ", ERRCODE_HTTP, 401 },
		{ "http:403", ERRCODE_HTTP, 403 },
		{ "404", ERRCODE_HTTP, 404 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		enum errcode_family fam;
		uint32_t code;
		assert_true(errcode_parse(ok[i].text, &fam, &code));
		assert_int_equal(fam, ok[i].family);
		assert_int_equal(code, ok[i].code);
	}
	static const char *const bad[] = {
		"", "banana", "0x", "0x1234567890", "-0", "-99999999999",
		"HTTP 99", "HTTP 0x191", "12x",
	};
	enum errcode_family fam;
	uint32_t code;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(errcode_parse(bad[i], &fam, &code));
}

static void test_errcode_table(void **state)
{
	(void)state;
	const struct errcode *e = errcode_find(ERRCODE_HRESULT, 0x80131509u);
	assert_non_null(e);
	assert_string_equal(e->name, "COR_E_INVALIDOPERATION");
	e = errcode_find(ERRCODE_HRESULT, 0x80070005u);
	assert_string_equal(e->name, "E_ACCESSDENIED");
	e = errcode_find(ERRCODE_HTTP, 401);
	assert_string_equal(e->name, "Unauthorized");
	assert_null(errcode_find(ERRCODE_HTTP, 0x80070005u));
	assert_null(errcode_find(ERRCODE_HRESULT, 401));
	/* One row per code. */
	size_t n;
	const struct errcode *t = errcode_table(&n);
	for (size_t i = 0; i < n; i++) {
		assert_true(t[i].meaning[0] != '\0');
		for (size_t j = i + 1; j < n; j++)
			assert_false(t[i].family == t[j].family && t[i].code == t[j].code);
	}
	char buf[24];
	assert_string_equal(errcode_label(ERRCODE_HRESULT, 0x87D00215u, buf,
					  sizeof(buf)), "0x87D00215");
	assert_string_equal(errcode_label(ERRCODE_HTTP, 503, buf, sizeof(buf)),
			    "HTTP 503");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gap_inside_coverage),
		cmocka_unit_test(test_regular_cycle_no_gap),
		cmocka_unit_test(test_gap_outside_coverage),
		cmocka_unit_test(test_promise_not_kept),
		cmocka_unit_test(test_no_batches_no_gap),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test_setup_teardown(test_store_roundtrip, setup_memory,
						teardown_store),
		cmocka_unit_test(test_errcode_parse),
		cmocka_unit_test(test_errcode_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
