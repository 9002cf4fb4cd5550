/* test_plain.c - the plain-text line parser: one record per line and the
 * two known timestamp prefixes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fake_sink.h"
#include "../../parsers/timeparse.h"

struct plain_case {
	const char *line;
	const char *message;
	const char *time_text;
	const char *local;	/* NULL when no timestamp is recognised */
};

static const struct plain_case cases[] = {
	{"2021/07/13 10:22:58.9553434 3696  8172  Shared  InitializeSus\r\n",
	 "2021/07/13 10:22:58.9553434 3696  8172  Shared  InitializeSus",
	 "2021/07/13 10:22:58.9553434", "2021-07-13T10:22:58.955Z"},
	{"2026-09-18 20:39:05 started\n", "2026-09-18 20:39:05 started",
	 "2026-09-18 20:39:05", "2026-09-18T20:39:05.000Z"},
	{"2024-02-29 23:59:59.5\n", "2024-02-29 23:59:59.5",
	 "2024-02-29 23:59:59.5", "2024-02-29T23:59:59.500Z"},
	{"2026-09-18T20:39:05 iso is not a known prefix\n",
	 "2026-09-18T20:39:05 iso is not a known prefix", "", NULL},
	{"2026/09-18 20:39:05 mixed separators\n",
	 "2026/09-18 20:39:05 mixed separators", "", NULL},
	{"2026/13/01 00:00:00 impossible\n", "2026/13/01 00:00:00 impossible", "",
	 NULL},
	{"2026-09-18 20:39 no seconds\n", "2026-09-18 20:39 no seconds", "", NULL},
	{"just text\r\n", "just text", "", NULL},
	{"\n", "", "", NULL},
	{"no final break", "no final break", "", NULL},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct plain_case *c = &cases[k];
		struct fake_sink f = {0};
		size_t len = strlen(c->line);
		fake_parse_steps(&f, FORMAT_PLAIN, c->line, len, 0);
		assert_int_equal(f.n, 1);
		struct fake_rec *r = &f.recs[0];
		assert_string_equal(r->text, c->line);
		assert_string_equal(r->message, c->message);
		assert_string_equal(r->time_text, c->time_text);
		assert_string_equal(r->component, "");
		assert_int_equal(r->has_time, c->local != NULL);
		if (c->local) {
			char out[32];
			format_utc_ms(r->local_us, out);
			assert_string_equal(out, c->local);
		}
		assert_false(r->has_bias);
		assert_false(r->partial);
		assert_int_equal(r->thread, -1);
		assert_int_equal(r->type, -1);
		assert_int_equal(f.nproblems, 0);
		fake_clear(&f);
	}
}

static void test_lines_and_chunking(void **state)
{
	(void)state;
	const char *in = "a\r\nb\nc\rd\r\r\ne\n\nError: x\rwarn";
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_PLAIN, in, strlen(in), 0);
	const char *msgs[] = {"a", "b", "c", "d", "", "e", "", "Error: x", "warn"};
	assert_int_equal(f.n, 9);
	for (size_t i = 0; i < f.n; i++) {
		assert_string_equal(f.recs[i].message, msgs[i]);
		assert_int_equal(f.recs[i].line, i + 1);
	}
	assert_int_equal(f.recs[7].keyword_sev, KSEV_ERROR);
	assert_int_equal(f.recs[8].keyword_sev, KSEV_WARNING);
	assert_int_equal(f.last_line, 9);
	fake_clear(&f);
	assert_true(fake_chunking_stable(FORMAT_PLAIN, in, strlen(in)));
	struct buf all = {0};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		buf_append(&all, cases[k].line, strlen(cases[k].line));
	assert_true(fake_chunking_stable(FORMAT_PLAIN, all.data, all.len));
	buf_free(&all);
}

static void test_huge_line(void **state)
{
	(void)state;
	size_t body = 12u * 1024 * 1024;
	struct buf in = {0};
	buf_reserve(&in, body + 2);
	memset(in.data, 'x', body);
	in.len = body;
	buf_append(&in, "\r\nz", 3);
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_PLAIN, in.data, in.len, 65536);
	assert_int_equal(f.n, 2);
	assert_int_equal(strlen(f.recs[0].message), body);
	assert_string_equal(f.recs[1].message, "z");
	assert_int_equal(f.recs[1].line, 2);
	fake_clear(&f);
	buf_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_lines_and_chunking),
		cmocka_unit_test(test_huge_line),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
