/* test_cli.c - the option helpers the commands share: --since/--until
 * with a bare date span the whole day, and case-insensitive --grep. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/cli.h"

#define DAY_US INT64_C(86400000000)
#define SEP25 (INT64_C(20721) * DAY_US)	/* 2026-09-25 00:00 UTC */

static int64_t when(const char *opt, const char *arg)
{
	int64_t us = -1;
	assert_true(cli_parse_time("log", opt, arg, &us));
	return us;
}

static void test_bare_date_is_the_whole_day(void **state)
{
	(void)state;
	assert_int_equal(when("--since", "2026-09-25"), SEP25);
	assert_int_equal(when("--until", "2026-09-25"), SEP25 + DAY_US - 1);
	assert_int_equal(when("--until", "2026-09-25Z"), SEP25 + DAY_US - 1);
	/* A zone moves the day; the span stays a day. */
	assert_int_equal(when("--until", "2026-09-25+02:00"),
			 SEP25 - 2 * 3600 * INT64_C(1000000) + DAY_US - 1);
	/* With a clock it is that instant, for either bound. */
	assert_int_equal(when("--until", "2026-09-25T00:00:00Z"), SEP25);
	assert_int_equal(when("--until", "2026-09-25 10:00"),
			 SEP25 + 10 * 3600 * INT64_C(1000000));
}

static void test_grep_ignore_case(void **state)
{
	(void)state;
	pcre2_code *re;
	pcre2_match_data *md;
	const char *msg = "Sending PUSH task to clients";
	assert_true(cli_compile_grep_case("log", "push Task", true, &re, &md));
	assert_true(pcre2_match(re, (PCRE2_SPTR)msg, PCRE2_ZERO_TERMINATED, 0,
				0, md, NULL) > 0);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	assert_true(cli_compile_grep("log", "push Task", &re, &md));
	assert_true(pcre2_match(re, (PCRE2_SPTR)msg, PCRE2_ZERO_TERMINATED, 0,
				0, md, NULL) < 0);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_date_is_the_whole_day),
		cmocka_unit_test(test_grep_ignore_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
