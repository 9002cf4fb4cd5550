/* test_timeparse.c - day arithmetic, the ConfigMgr clock-and-bias strings,
 * the bias sign (UTC = local + bias), ISO output and user time input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include "../../parsers/timeparse.h"

#define US_PER_DAY (86400 * US_PER_SEC)

struct civil_case {
	int y, m, d;
	bool ok;
	int64_t days;
};

static const struct civil_case civil_cases[] = {
	{1970, 1, 1, true, 0},
	{1969, 12, 31, true, -1},
	{2000, 3, 1, true, 11017},
	{2024, 2, 29, true, 19782},
	{1900, 3, 1, true, -25508},
	{1601, 1, 1, true, -134774},
	{9999, 12, 31, true, 2932896},
	{2000, 2, 29, true, 11016},
	{2025, 2, 29, false, 0},
	{1900, 2, 29, false, 0},
	{2026, 4, 31, false, 0},
	{2026, 13, 1, false, 0},
	{2026, 0, 1, false, 0},
	{2026, 1, 0, false, 0},
	{1600, 12, 31, false, 0},
	{10000, 1, 1, false, 0},
};

static void test_civil_to_days(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(civil_cases) / sizeof(civil_cases[0]); k++) {
		const struct civil_case *c = &civil_cases[k];
		int64_t days = 12345;
		assert_int_equal(civil_to_days(c->y, c->m, c->d, &days), c->ok);
		if (c->ok)
			assert_int_equal(days, c->days);
	}
}

/* Every day from 1601 to 9999 converts back to itself, in order. */
static void test_days_round_trip(void **state)
{
	(void)state;
	int64_t first, last;
	assert_true(civil_to_days(1601, 1, 1, &first));
	assert_true(civil_to_days(9999, 12, 31, &last));
	for (int64_t d = first; d <= last; d++) {
		int y, m, day;
		int64_t back;
		days_to_civil(d, &y, &m, &day);
		assert_true(civil_to_days(y, m, day, &back));
		assert_int_equal(back, d);
	}
}

struct mdy_case {
	const char *s;
	bool ok;
	int y, m, d;
};

static const struct mdy_case mdy_cases[] = {
	{"09-25-2026", true, 2026, 9, 25},
	{"1-2-2015", true, 2015, 1, 2},
	{"6-05-2026", true, 2026, 6, 5},
	{"02-29-2024", true, 2024, 2, 29},
	{"02-29-2025", false, 0, 0, 0},
	{"13-45-2026", false, 0, 0, 0},
	{"09-25-26", false, 0, 0, 0},
	{"09/25/2026", false, 0, 0, 0},
	{"09-25-2026x", false, 0, 0, 0},
	{"", false, 0, 0, 0},
};

static void test_parse_mdy(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(mdy_cases) / sizeof(mdy_cases[0]); k++) {
		const struct mdy_case *c = &mdy_cases[k];
		int64_t days, want;
		assert_int_equal(parse_mdy(c->s, strlen(c->s), &days), c->ok);
		if (c->ok) {
			assert_true(civil_to_days(c->y, c->m, c->d, &want));
			assert_int_equal(days, want);
		}
	}
}

struct clock_case {
	const char *s;
	bool ok;
	int64_t us;
	bool has_bias;
	int32_t bias;
};

static const struct clock_case clock_cases[] = {
	{"16:39:05.707+240", true, 0, true, 240},
	{"13:59:35.6721099", true, 1, false, 0},
	{"19:35:04.936-60", true, 2, true, -60},
	{"00:00:00.000+0", true, 3, true, 0},
	{"00:00:00.000+00", true, 3, true, 0},
	{"00:00:00.000+000", true, 3, true, 0},
	{"05:00:00.123-330", true, 4, true, -330},
	{"08:00:01.500+-420", true, 5, false, 0},
	{"08:00:01.517 600", true, 6, false, 0},
	{"08:00:01.935600", true, 7, false, 0},
	{"23:59:59", true, 8, false, 0},
	{"1:02:03.4+1", true, 9, true, 1},
	{"08:00:01.500+12345", true, 5, false, 0},
	{"24:00:00.000+000", false, 0, false, 0},
	{"25:99:00.000+000", false, 0, false, 0},
	{"12:60:00", false, 0, false, 0},
	{"12:00:60", false, 0, false, 0},
	{"12:00", false, 0, false, 0},
	{"", false, 0, false, 0},
};

static int64_t hms(int h, int m, int s)
{
	return ((int64_t)h * 3600 + m * 60 + s) * US_PER_SEC;
}

/* The expected clock of each case, by the index in its us field. */
static int64_t clock_want(int64_t k)
{
	const int64_t want[] = {
		hms(16, 39, 5) + 707000, hms(13, 59, 35) + 672109,
		hms(19, 35, 4) + 936000, 0, hms(5, 0, 0) + 123000,
		hms(8, 0, 1) + 500000, hms(8, 0, 1) + 517000,
		hms(8, 0, 1) + 935600, hms(23, 59, 59), hms(1, 2, 3) + 400000,
	};
	return want[k];
}

static void test_parse_clock_bias(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(clock_cases) / sizeof(clock_cases[0]); k++) {
		const struct clock_case *c = &clock_cases[k];
		int64_t us;
		bool has_bias = true;
		int32_t bias = 99;
		print_message("clock: %s\n", c->s);
		assert_int_equal(parse_clock_bias(c->s, strlen(c->s), &us,
						  &has_bias, &bias), c->ok);
		if (!c->ok)
			continue;
		assert_int_equal(us, clock_want(c->us));
		assert_int_equal(has_bias, c->has_bias);
		if (c->has_bias)
			assert_int_equal(bias, c->bias);
	}
}

struct utc_case {
	const char *date, *clock;
	const char *utc;
};

/* UTC = local + bias, across day, month, year and leap-day boundaries. */
static const struct utc_case utc_cases[] = {
	{"09-18-2026", "16:39:05.707+240", "2026-09-18T20:39:05.707Z"},
	{"01-01-2026", "05:00:00.123-330", "2025-12-31T23:30:00.123Z"},
	{"12-31-2025", "22:30:00.000+180", "2026-01-01T01:30:00.000Z"},
	{"02-28-2024", "23:00:00.000+120", "2024-02-29T01:00:00.000Z"},
	{"03-01-2024", "00:30:00.000-60", "2024-02-29T23:30:00.000Z"},
	{"11-30-2022", "01:03:34.174-60", "2022-11-30T00:03:34.174Z"},
	{"1-2-2015", "13:59:35.6721099+0", "2015-01-02T13:59:35.672Z"},
};

static void test_parse_tz_bias(void **state)
{
	(void)state;
	static const struct { const char *in; bool ok; int bias; } c[] = {
		{"+240", true, 240}, {"240", true, 240}, {"-120", true, -120},
		{"0", true, 0}, {"-04:00", true, 240}, {"+05:30", true, -330},
		{"+14:00", true, -840}, {"-12:00", true, 720}, {"+721", false, 0},
		{"-841", false, 0}, {"-0400", false, 0}, {"04:00", false, 0},
		{"+4:00", false, 0}, {"-04:60", false, 0}, {"EST", false, 0},
		{"", false, 0}, {"+240x", false, 0}, {"+15:00", false, 0},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int32_t b = 99999;
		print_message("tz: %s\n", c[i].in);
		assert_int_equal(parse_tz_bias(c[i].in, &b), c[i].ok);
		if (c[i].ok)
			assert_int_equal(b, c[i].bias);
	}
}

static void test_parse_clock_east(void **state)
{
	(void)state;
	int64_t us;
	bool has;
	int32_t b;
	assert_true(parse_clock_east("10:15:30.123600", 15, &us, &has, &b));
	assert_true(has);
	assert_int_equal(b, -600);
	assert_int_equal(us, ((10 * 3600 + 15 * 60 + 30) * INT64_C(1000) + 123) * 1000);
	assert_true(parse_clock_east("10:15:30.123-300", 16, &us, &has, &b));
	assert_int_equal(b, 300);
	assert_true(parse_clock_east("10:15:30.123+0", 14, &us, &has, &b));
	assert_true(has);
	assert_int_equal(b, 0);
	assert_true(parse_clock_east("10:15:30.123", 12, &us, &has, &b));
	assert_false(has);
	assert_true(parse_clock_east("10:15:30.123+-60", 16, &us, &has, &b));
	assert_false(has);
	assert_false(parse_clock_east("10:15:30.12", 11, &us, &has, &b));
	assert_false(parse_clock_east("25:15:30.123", 12, &us, &has, &b));
}

static void test_bias_from_deltas(void **state)
{
	(void)state;
	const int64_t min = 60 * INT64_C(1000000), sec = INT64_C(1000000);
	int64_t d[7] = {420 * min + 3 * sec, 420 * min + 2 * sec,
			-7 * 60 * min, 420 * min + 4 * sec, 420 * min + 9 * sec,
			-7 * 60 * min, 420 * min + 1 * sec};
	int32_t b = 1;
	assert_true(bias_from_deltas(d, 7, &b));
	assert_int_equal(b, 420);	/* the median ignores the outliers */
	int64_t r1[1] = {427 * min}, r2[1] = {428 * min};
	assert_true(bias_from_deltas(r1, 1, &b));
	assert_int_equal(b, 420);
	assert_true(bias_from_deltas(r2, 1, &b));
	assert_int_equal(b, 435);	/* nearest quarter hour */
	int64_t neg[2] = {-330 * min - 5 * sec, -330 * min - 8 * sec};
	assert_true(bias_from_deltas(neg, 2, &b));
	assert_int_equal(b, -330);
	int64_t far[1] = {800 * min};
	assert_false(bias_from_deltas(far, 1, &b));
	assert_false(bias_from_deltas(d, 0, &b));
}

static void test_bias_arithmetic(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(utc_cases) / sizeof(utc_cases[0]); k++) {
		const struct utc_case *c = &utc_cases[k];
		int64_t days, us;
		bool has_bias;
		int32_t bias;
		char out[32];
		assert_true(parse_mdy(c->date, strlen(c->date), &days));
		assert_true(parse_clock_bias(c->clock, strlen(c->clock), &us,
					     &has_bias, &bias));
		assert_true(has_bias);
		format_utc_ms(utc_from_local(days * US_PER_DAY + us, bias), out);
		assert_string_equal(out, c->utc);
	}
}

static void test_format_utc_ms(void **state)
{
	(void)state;
	char out[32];
	format_utc_ms(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	format_utc_ms(-1, out);		/* floor, not truncation */
	assert_string_equal(out, "1969-12-31T23:59:59.999Z");
	format_utc_ms(-US_PER_DAY - 500, out);
	assert_string_equal(out, "1969-12-30T23:59:59.999Z");
	format_utc_ms(1999, out);
	assert_string_equal(out, "1970-01-01T00:00:00.001Z");
	int64_t days;
	assert_true(civil_to_days(1601, 1, 1, &days));
	format_utc_ms(days * US_PER_DAY, out);
	assert_string_equal(out, "1601-01-01T00:00:00.000Z");
	assert_int_equal(strlen(out), 24);
}

struct user_case {
	const char *s;
	bool ok;
	const char *utc;
};

static const struct user_case user_cases[] = {
	{"2026-09-18", true, "2026-09-18T00:00:00.000Z"},
	{"2026-09-18T20:39", true, "2026-09-18T20:39:00.000Z"},
	{"2026-09-18 20:39:05.707", true, "2026-09-18T20:39:05.707Z"},
	{"2026-09-18T20:39:05Z", true, "2026-09-18T20:39:05.000Z"},
	{"2026-09-18T20:39:05+02:00", true, "2026-09-18T18:39:05.000Z"},
	{"2026-09-18T01:00-0500", true, "2026-09-18T06:00:00.000Z"},
	{"2026-01-01T00:30+01", true, "2025-12-31T23:30:00.000Z"},
	{"2026-02-30", false, NULL},
	{"2026-9-18", false, NULL},
	{"2026-09-18T25:00", false, NULL},
	{"2026-09-18T20:39:05+2", false, NULL},
	{"2026-09-18 junk", false, NULL},
	{"yesterday", false, NULL},
	{"", false, NULL},
};

static void test_parse_user_time(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(user_cases) / sizeof(user_cases[0]); k++) {
		const struct user_case *c = &user_cases[k];
		int64_t utc;
		print_message("user time: %s\n", c->s);
		assert_int_equal(parse_user_time(c->s, &utc), c->ok);
		if (c->ok) {
			char out[32];
			format_utc_ms(utc, out);
			assert_string_equal(out, c->utc);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_to_days),
		cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_parse_mdy),
		cmocka_unit_test(test_parse_clock_bias),
		cmocka_unit_test(test_bias_arithmetic),
		cmocka_unit_test(test_parse_tz_bias),
		cmocka_unit_test(test_bias_from_deltas),
		cmocka_unit_test(test_parse_clock_east),
		cmocka_unit_test(test_format_utc_ms),
		cmocka_unit_test(test_parse_user_time),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
