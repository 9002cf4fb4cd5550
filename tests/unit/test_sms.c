/* test_sms.c - the site-server line parser: the tail at the last "$$<",
 * message trimming, unframed lines and the rotation marker. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <cmocka.h>

#include "fake_sink.h"
#include "../../parsers/timeparse.h"

#define NO_BIAS INT_MIN

struct want {
	const char *text;
	const char *message;
	const char *component;
	const char *time_text;
	const char *local;	/* local wall time, NULL when !has_time */
	int bias;
	int thread;
	bool partial;
	uint32_t line;
};

struct sms_case {
	const char *name;
	const char *input;
	struct want recs[3];
	size_t nrecs;
	const char *problems;
};

static const struct sms_case cases[] = {
	{"blank lines after a line are part of it",
	 "a~~  $$<C><09-25-2026 19:35:04.936+240><thread=1 (0x1)>\r\n\r\n \r\n"
	 "b~~  $$<C><09-25-2026 19:35:05.936+240><thread=1 (0x1)>\n\n",
	 {{"a~~  $$<C><09-25-2026 19:35:04.936+240><thread=1 (0x1)>\r\n\r\n \r\n",
	   "a", "C", NULL, "2026-09-25T19:35:04.936Z", 240, 1, false, 1},
	  {"b~~  $$<C><09-25-2026 19:35:05.936+240><thread=1 (0x1)>\n\n",
	   "b", "C", NULL, "2026-09-25T19:35:05.936Z", 240, 1, false, 4}}, 2,
	 NULL},
	{"bias out of range and Arabic-Indic digits: warned once each",
	 "a~~  $$<C><09-25-2026 19:35:04.936+9999><thread=1 (0x1)>\n"
	 "b~~  $$<C><09-25-2026 19:35:04.936+1000><thread=1 (0x1)>\n"
	 "c~~  $$<C><09-25-2026 \xd9\xa1\xd9\xa0:35:04.936+240><thread=1 (0x1)>\n",
	 {{NULL, "a", "C", NULL, "2026-09-25T19:35:04.936Z", NO_BIAS, 1, false, 1},
	  {NULL, "b", "C", NULL, "2026-09-25T19:35:04.936Z", NO_BIAS, 1, false, 2},
	  {NULL, "c", "C", NULL, NULL, NO_BIAS, 1, false, 3}}, 3,
	 "1: bias outside -840..720, placed without it: \"19:35:04.936+9999\"\n"
	 "3: non-ASCII time, records left untimed: \"09-25-2026 \xd9\xa1\xd9\xa0:35:04.936+240\"\n"},
	{"two tildes, CRLF",
	 "Get one push message from database.~~  $$<SMS_NOTIFICATION_SERVER>"
	 "<09-25-2026 19:35:04.936+240><thread=7896 (0x1ED8)>\r\n",
	 {{NULL, "Get one push message from database.", "SMS_NOTIFICATION_SERVER",
	   "09-25-2026 19:35:04.936+240", "2026-09-25T19:35:04.936Z", 240, 7896,
	   false, 1}}, 1, NULL},
	{"one tilde, bias -60, LF",
	 "select all order by Name~  $$<SMS_COLLECTION_EVALUATOR>"
	 "<11-30-2022 01:03:34.174-60><thread=4844 (0x12EC)>\n",
	 {{NULL, "select all order by Name", "SMS_COLLECTION_EVALUATOR",
	   "11-30-2022 01:03:34.174-60", "2022-11-30T01:03:34.174Z", -60, 4844,
	   false, 1}}, 1, NULL},
	{"no tilde, component with spaces, leading spaces kept",
	 " *** Failed to connect to the SQL Server.  $$<Configuration Manager "
	 "Setup><08-22-2016 04:15:01.917+420><thread=2868 (0xB34)>\n",
	 {{NULL, " *** Failed to connect to the SQL Server.",
	   "Configuration Manager Setup", "08-22-2016 04:15:01.917+420",
	   "2016-08-22T04:15:01.917Z", 420, 2868, false, 1}}, 1, NULL},
	{"bias +00, no final line break",
	 "CMG started~~  $$<SMS_CLOUD_PROXYCONNECTOR><02-28-2020 16:35:31.120+00>"
	 "<thread=10 (0xA)>",
	 {{NULL, "CMG started", "SMS_CLOUD_PROXYCONNECTOR",
	   "02-28-2020 16:35:31.120+00", "2020-02-28T16:35:31.120Z", 0, 10, false,
	   1}}, 1, NULL},
	{"two $$< on a line: split at the last one that frames the tail",
	 "copied a  $$<X><bad> marker~~  $$<SMS_EXECUTIVE><01-02-2026 "
	 "03:04:05.006+240><thread=1 (0x1)>\n",
	 {{NULL, "copied a  $$<X><bad> marker", "SMS_EXECUTIVE",
	   "01-02-2026 03:04:05.006+240", "2026-01-02T03:04:05.006Z", 240, 1,
	   false, 1}}, 1, NULL},
	{"the rotation marker is a whole record",
	 "last~~  $$<C><01-02-2026 03:04:05.006+240><thread=1 (0x1)>\r\n"
	 "<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>\r\n",
	 {{NULL, "last", "C", NULL, "2026-01-02T03:04:05.006Z", 240, 1, false, 1},
	  {"<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>\r\n",
	   "<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>", "", "", NULL, NO_BIAS,
	   -1, false, 2}}, 2, NULL},
	{"an unframed continuation line is partial",
	 "first part\r\nof a message~~  $$<C><01-02-2026 03:04:05.006+240>"
	 "<thread=1 (0x1)>\r\n",
	 {{"first part\r\n", "first part", "", "", NULL, NO_BIAS, -1, true, 1},
	  {NULL, "of a message", "C", NULL, "2026-01-02T03:04:05.006Z", 240, 1,
	   false, 2}}, 2, NULL},
	{"a tail followed by more text is not a tail",
	 "x  $$<C><01-02-2026 03:04:05.006+240><thread=1 (0x1)> trailing\n",
	 {{NULL, "x  $$<C><01-02-2026 03:04:05.006+240><thread=1 (0x1)> trailing",
	   "", "", NULL, NO_BIAS, -1, true, 1}}, 1, NULL},
	{"one separating space, a bare CR line break",
	 "short $$<C><1-2-2026 03:04:05.006+0><thread=77 (0x4D)>\rnext\r",
	 {{"short $$<C><1-2-2026 03:04:05.006+0><thread=77 (0x4D)>\r", "short", "C",
	   "1-2-2026 03:04:05.006+0", "2026-01-02T03:04:05.006Z", 0, 77, false,
	   1},
	  {"next\r", "next", "", "", NULL, NO_BIAS, -1, true, 2}}, 2, NULL},
	{"malformed bias keeps the clock",
	 "m  $$<C><03-04-2026 08:00:01.500+-420><thread=5 (0x5)>\n",
	 {{NULL, "m", "C", "03-04-2026 08:00:01.500+-420",
	   "2026-03-04T08:00:01.500Z", NO_BIAS, 5, false, 1}}, 1, NULL},
	{"impossible date: framed, no time, a problem",
	 "m  $$<C><13-45-2026 08:00:01.500+000><thread=5 (0x5)>\n",
	 {{NULL, "m", "C", NULL, NULL, NO_BIAS, 5, false, 1}}, 1,
	 "1: invalid date \"13-45-2026\"\n"},
	{"empty lines with nothing before them: one partial record",
	 "\n\r\n",
	 {{"\n\r\n", "", "", "", NULL, NO_BIAS, -1, true, 1}}, 1, NULL},
};

static void check_record(const struct want *w, const struct fake_rec *got)
{
	if (w->text)
		assert_string_equal(got->text, w->text);
	assert_string_equal(got->message, w->message);
	assert_string_equal(got->component, w->component);
	if (w->time_text)
		assert_string_equal(got->time_text, w->time_text);
	assert_int_equal(got->has_time, w->local != NULL);
	if (w->local) {
		char out[32];
		format_utc_ms(got->local_us, out);
		assert_string_equal(out, w->local);
	}
	assert_int_equal(got->has_bias, w->bias != NO_BIAS);
	if (w->bias != NO_BIAS)
		assert_int_equal(got->bias_min, w->bias);
	assert_int_equal(got->thread, w->thread);
	assert_int_equal(got->type, -1);
	assert_int_equal(got->partial, w->partial);
	assert_int_equal(got->line, w->line);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct sms_case *c = &cases[k];
		struct fake_sink f = {0};
		size_t len = strlen(c->input);
		print_message("case: %s\n", c->name);
		assert_int_equal(fake_parse_steps(&f, FORMAT_SMS, c->input, len, 0),
				 len);
		assert_true(fake_lossless(&f, c->input, len));
		assert_int_equal(f.n, c->nrecs);
		for (size_t i = 0; i < f.n; i++)
			check_record(&c->recs[i], &f.recs[i]);
		assert_string_equal(f.problems.data ? f.problems.data : "",
				    c->problems ? c->problems : "");
		fake_clear(&f);
	}
}

static void test_every_chunking(void **state)
{
	(void)state;
	struct buf all = {0};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		assert_true(fake_chunking_stable(FORMAT_SMS, cases[k].input,
						 strlen(cases[k].input)));
		buf_append(&all, cases[k].input, strlen(cases[k].input));
	}
	assert_true(fake_chunking_stable(FORMAT_SMS, all.data, all.len));
	buf_free(&all);
}

static void test_keyword_severity_on_trimmed_message(void **state)
{
	(void)state;
	const char *in =
		"WARNING: port 10123 is NOT allowed~~  $$<S><01-02-2026 "
		"03:04:05.006+240><thread=1 (0x1)>\n"
		"(PushID: 13 ReportedClients: 1 FailedClients: 0)~~  $$<S>"
		"<01-02-2026 03:04:05.006+240><thread=1 (0x1)>\n";
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_SMS, in, strlen(in), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.recs[0].keyword_sev, KSEV_WARNING);
	/* CMTrace's rule would call this an error; a zero counter is not */
	assert_int_equal(f.recs[1].keyword_sev, KSEV_NONE);
	fake_clear(&f);
}

static void test_huge_line(void **state)
{
	(void)state;
	size_t body = 12u * 1024 * 1024;
	const char *tail = "~~  $$<C><01-02-2026 03:04:05.006+240><thread=1 (0x1)>\r\n";
	struct buf in = {0};
	buf_reserve(&in, body);
	memset(in.data, 'x', body);
	in.len = body;
	buf_append(&in, tail, strlen(tail));
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_SMS, in.data, in.len, 65536);
	assert_int_equal(f.n, 1);
	assert_false(f.recs[0].partial);
	assert_int_equal(strlen(f.recs[0].message), body);
	assert_true(f.recs[0].has_time);
	fake_clear(&f);
	buf_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_every_chunking),
		cmocka_unit_test(test_keyword_severity_on_trimmed_message),
		cmocka_unit_test(test_huge_line),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
