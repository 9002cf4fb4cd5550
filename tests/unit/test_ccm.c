/* test_ccm.c - the CMTrace record parser: framing by delimiters, torn and
 * malformed records, attribute values, streaming and size limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <cmocka.h>

#include "fake_sink.h"
#include "../../parsers/timeparse.h"
#include "../../parsers/parse_internal.h"

#define NO_BIAS INT_MIN
/* The attributes most cases share; the rest differ in time and date. */
#define STD "<time=\"16:39:05.707+240\" date=\"09-18-2026\" " \
	"component=\"Comp\" context=\"\" type=\"1\" thread=\"42\" " \
	"file=\"x.cpp:1\">"
#define REST "\" component=\"Comp\" context=\"\" type=\"1\" " \
	"thread=\"42\" file=\"x.cpp:1\">"

/* What one record should look like. local is the local wall time as
 * format_utc_ms prints it, or NULL when has_time is false. */
struct want {
	const char *text;
	const char *message;
	const char *component;
	const char *time_text;
	const char *local;
	int bias;
	int thread;
	int type;
	bool partial;
	uint32_t line;
};

struct ccm_case {
	const char *name;
	const char *input;
	struct want recs[4];
	size_t nrecs;
	const char *problems;	/* expected problem lines, or NULL */
};

static const struct ccm_case cases[] = {
	{"plain record with CRLF",
	 "<![LOG[Hello]LOG]!><time=\"16:39:05.707+240\" date=\"09-18-2026\" "
	 "component=\"BgbAgent\" context=\"\" type=\"1\" thread=\"8540\" "
	 "file=\"bgbconnector.cpp:386\">\r\n",
	 {{"<![LOG[Hello]LOG]!><time=\"16:39:05.707+240\" date=\"09-18-2026\" "
	   "component=\"BgbAgent\" context=\"\" type=\"1\" thread=\"8540\" "
	   "file=\"bgbconnector.cpp:386\">\r\n",
	   "Hello", "BgbAgent", "16:39:05.707+240\" date=\"09-18-2026",
	   "2026-09-18T16:39:05.707Z", 240, 8540, 1, false, 1}}, 1, NULL},
	{"two records with LF",
	 "<![LOG[one]LOG]!>" STD "\n<![LOG[two]LOG]!>" STD "\n",
	 {{"<![LOG[one]LOG]!>" STD "\n", "one", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1},
	  {"<![LOG[two]LOG]!>" STD "\n", "two", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 2}}, 2, NULL},
	{"message spans CRLF, LF and a bare CR",
	 "<![LOG[a\r\n\tb\nc\rd]LOG]!>" STD "\r\n<![LOG[next]LOG]!>" STD "\r\n",
	 {{"<![LOG[a\r\n\tb\nc\rd]LOG]!>" STD "\r\n", "a\r\n\tb\nc\rd", "Comp",
	   NULL, "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1},
	  {"<![LOG[next]LOG]!>" STD "\r\n", "next", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 5}}, 2, NULL},
	{"empty message is a whole record",
	 "<![LOG[]LOG]!>" STD "\r\n",
	 {{"<![LOG[]LOG]!>" STD "\r\n", "", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1}}, 1, NULL},
	{"file starts mid-record",
	 "ding file range 0-455847]LOG]!>" STD "\r\n<![LOG[next]LOG]!>" STD "\r\n",
	 {{"ding file range 0-455847]LOG]!>" STD "\r\n", "ding file range 0-455847",
	   "Comp", NULL, "2026-09-18T16:39:05.707Z", 240, 42, 1, true, 1},
	  {"<![LOG[next]LOG]!>" STD "\r\n", "next", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 2}}, 2, NULL},
	{"opener without closer: an interleaved writer",
	 "<![LOG[Downloading range 0-<![LOG[Other]LOG]!>" STD "\r\n",
	 {{"<![LOG[Downloading range 0-", "Downloading range 0-", "", "", NULL,
	   NO_BIAS, -1, -1, true, 1},
	  {"<![LOG[Other]LOG]!>" STD "\r\n", "Other", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1}}, 2, NULL},
	{"opener without closer at eof",
	 "<![LOG[ok]LOG]!>" STD "\r\n<![LOG[unfinished\r\n",
	 {{"<![LOG[ok]LOG]!>" STD "\r\n", "ok", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1},
	  {"<![LOG[unfinished\r\n", "unfinished", "", "", NULL, NO_BIAS, -1, -1,
	   true, 2}}, 2, NULL},
	{"junk line before a record",
	 "junk line\r\n<![LOG[x]LOG]!>" STD,
	 {{"junk line\r\n", "junk line", "", "", NULL, NO_BIAS, -1, -1, true, 1},
	  {"<![LOG[x]LOG]!>" STD, "x", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 2}}, 2, NULL},
	{"blank lines between records belong to the one before",
	 "<![LOG[a]LOG]!>" STD "\r\n\r\n \t\r\n<![LOG[b]LOG]!>" STD,
	 {{"<![LOG[a]LOG]!>" STD "\r\n\r\n \t\r\n", "a", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1},
	  {"<![LOG[b]LOG]!>" STD, "b", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 4}}, 2, NULL},
	{"blank lines after the last record, the last without a break",
	 "<![LOG[a]LOG]!>" STD "\n\n\n  ",
	 {{"<![LOG[a]LOG]!>" STD "\n\n\n  ", "a", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1}}, 1, NULL},
	{"blank lines before the first record: one partial record",
	 "\r\n\r\n<![LOG[a]LOG]!>" STD "\r\n",
	 {{"\r\n\r\n", "\r\n", "", "", NULL, NO_BIAS, -1, -1, true, 1},
	  {"<![LOG[a]LOG]!>" STD "\r\n", "a", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 3}}, 2, NULL},
	{"a line of text after a record is still a partial record",
	 "<![LOG[a]LOG]!>" STD "\n\n  junk\n",
	 {{"<![LOG[a]LOG]!>" STD "\n\n", "a", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1},
	  {"  junk\n", "  junk", "", "", NULL, NO_BIAS, -1, -1, true, 3}}, 2,
	 NULL},
	{"bias +9999 is malformed: the clock stays, no bias, one warning",
	 "<![LOG[m]LOG]!>" "<time=\"08:00:01.500+9999\" date=\"03-04-2026" REST
	 "\n<![LOG[n]LOG]!>" "<time=\"08:00:02.500-841\" date=\"03-04-2026" REST
	 "\n<![LOG[o]LOG]!>" "<time=\"08:00:03.500-840\" date=\"03-04-2026" REST,
	 {{NULL, "m", "Comp", NULL, "2026-03-04T08:00:01.500Z", NO_BIAS, 42, 1,
	   false, 1},
	  {NULL, "n", "Comp", NULL, "2026-03-04T08:00:02.500Z", NO_BIAS, 42, 1,
	   false, 2},
	  {NULL, "o", "Comp", NULL, "2026-03-04T08:00:03.500Z", -840, 42, 1,
	   false, 3}}, 3,
	 "1: bias outside -840..720, placed without it:"
	 " \"08:00:01.500+9999\"\n"},
	{"bias +720 is the last valid one",
	 "<![LOG[m]LOG]!>" "<time=\"08:00:01.500+720\" date=\"03-04-2026" REST,
	 {{NULL, "m", "Comp", NULL, "2026-03-04T08:00:01.500Z", 720, 42, 1,
	   false, 1}}, 1, NULL},
	{"Arabic-Indic digits: untimed, warned once",
	 "<![LOG[m]LOG]!>" "<time=\"\xd9\xa1\xd9\xa0:00:01.500+240\" date=\"03-04-2026" REST
	 "\n<![LOG[n]LOG]!>" "<time=\"10:00:01.500+\xd9\xa2\xd9\xa4\xd9\xa0\" date=\"03-04-2026" REST
	 "\n<![LOG[o]LOG]!>" "<time=\"10:00:01.\xd9\xa5\" date=\"03-04-2026" REST,
	 {{NULL, "m", "Comp", NULL, NULL, NO_BIAS, 42, 1, false, 1},
	  {NULL, "n", "Comp", NULL, NULL, NO_BIAS, 42, 1, false, 2},
	  {NULL, "o", "Comp", NULL, NULL, NO_BIAS, 42, 1, false, 3}}, 3,
	 "1: non-ASCII time, records left untimed:"
	 " \"\xd9\xa1\xd9\xa0:00:01.500+240\\x22 date=\\x2203-04-2026\"\n"},
	{"two records on one physical line",
	 "<![LOG[a]LOG]!>" STD "<![LOG[b]LOG]!>" STD "\n",
	 {{"<![LOG[a]LOG]!>" STD, "a", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1},
	  {"<![LOG[b]LOG]!>" STD "\n", "b", "Comp", NULL,
	   "2026-09-18T16:39:05.707Z", 240, 42, 1, false, 1}}, 2, NULL},
	{".NET writer: 7 digits, no bias, unpadded date, empty file",
	 "<![LOG[Sync]LOG]!><time=\"13:59:35.6721099\" date=\"1-2-2015\" "
	 "component=\"SMS_SERVICE_CONNECTOR_GenericDownloadWorker\" context=\"\" "
	 "type=\"1\" thread=\"7\" file=\"\">",
	 {{NULL, "Sync", "SMS_SERVICE_CONNECTOR_GenericDownloadWorker",
	   "13:59:35.6721099\" date=\"1-2-2015", "2015-01-02T13:59:35.672Z",
	   NO_BIAS, 7, 1, false, 1}}, 1, NULL},
	{"bias +0",
	 "<![LOG[m]LOG]!>" "<time=\"10:00:00.000+0\" date=\"02-29-2024" REST,
	 {{NULL, "m", "Comp", NULL, "2024-02-29T10:00:00.000Z", 0, 42, 1,
	   false, 1}}, 1, NULL},
	{"bias +00",
	 "<![LOG[m]LOG]!>" "<time=\"10:00:00.000+00\" date=\"12-31-2025" REST,
	 {{NULL, "m", "Comp", NULL, "2025-12-31T10:00:00.000Z", 0, 42, 1,
	   false, 1}}, 1, NULL},
	{"bias +000 (MDT)",
	 "<![LOG[m]LOG]!>" "<time=\"16:52:13.000+000\" date=\"02-20-2024" REST,
	 {{NULL, "m", "Comp", NULL, "2024-02-20T16:52:13.000Z", 0, 42, 1,
	   false, 1}}, 1, NULL},
	{"bias -330 (India)",
	 "<![LOG[m]LOG]!>" "<time=\"05:00:00.123-330\" date=\"01-01-2026" REST,
	 {{NULL, "m", "Comp", NULL, "2026-01-01T05:00:00.123Z", -330, 42, 1,
	   false, 1}}, 1, NULL},
	{"bias -60",
	 "<![LOG[m]LOG]!>" "<time=\"01:03:34.174-60\" date=\"11-30-2022" REST,
	 {{NULL, "m", "Comp", NULL, "2022-11-30T01:03:34.174Z", -60, 42, 1,
	   false, 1}}, 1, NULL},
	{"malformed tail +-420 keeps the clock",
	 "<![LOG[m]LOG]!>" "<time=\"08:00:01.500+-420\" date=\"03-04-2026" REST,
	 {{NULL, "m", "Comp", NULL, "2026-03-04T08:00:01.500Z", NO_BIAS, 42, 1,
	   false, 1}}, 1, NULL},
	{"malformed tail .517 600 keeps the clock",
	 "<![LOG[m]LOG]!>" "<time=\"08:00:01.517 600\" date=\"03-04-2026" REST,
	 {{NULL, "m", "Comp", NULL, "2026-03-04T08:00:01.517Z", NO_BIAS, 42, 1,
	   false, 1}}, 1, NULL},
	{"six-digit fraction without bias",
	 "<![LOG[m]LOG]!>" "<time=\"08:00:01.935600\" date=\"03-04-2026" REST,
	 {{NULL, "m", "Comp", NULL, "2026-03-04T08:00:01.935Z", NO_BIAS, 42, 1,
	   false, 1}}, 1, NULL},
	{"impossible date: complete record, no time, a problem",
	 "<![LOG[m]LOG]!>" "<time=\"10:00:00.000+000\" date=\"13-45-2026" REST "\r\n",
	 {{NULL, "m", "Comp", NULL, NULL, NO_BIAS, 42, 1, false, 1}}, 1,
	 "1: invalid date \"13-45-2026\"\n"},
	{"impossible time",
	 "<![LOG[m]LOG]!>" "<time=\"25:99:00.000+000\" date=\"01-01-2026" REST "\r\n",
	 {{NULL, "m", "Comp", NULL, NULL, NO_BIAS, 42, 1, false, 1}}, 1,
	 "1: invalid time \"25:99:00.000+000\"\n"},
	{"a long bad time is escaped and cut short in the problem",
	 "<![LOG[m]LOG]!><time=\"99:00:00.000+000\tand a long tail of junk "
	 "text\" date=\"01-01-2026\">",
	 {{NULL, "m", "", NULL, NULL, NO_BIAS, -1, -1, false, 1}}, 1,
	 "1: invalid time \"99:00:00.000+000\\x09and a long tail of junk...\"\n"},
	{"February 29 of a common year",
	 "<![LOG[m]LOG]!>" "<time=\"10:00:00.000+000\" date=\"02-29-2025" REST,
	 {{NULL, "m", "Comp", NULL, NULL, NO_BIAS, 42, 1, false, 1}}, 1,
	 "1: invalid date \"02-29-2025\"\n"},
	{"empty thread, non-empty context, no file, attributes reordered",
	 "<![LOG[m]LOG]!><type=\"3\" context=\"WORKSTATION\\user\" thread=\"\" "
	 "component=\"LiteTouch\" date=\"6-05-2026\" time=\"09:08:07.000+600\">",
	 {{NULL, "m", "LiteTouch", "09:08:07.000+600", "2026-06-05T09:08:07.000Z",
	   600, -1, 3, false, 1}}, 1, NULL},
	{"missing time and date",
	 "<![LOG[m]LOG]!><component=\"C\" thread=\"abc\" type=\"x\">\n",
	 {{NULL, "m", "C", "", NULL, NO_BIAS, -1, -1, false, 1}}, 1, NULL},
	{"multi-digit and oversized type",
	 "<![LOG[a]LOG]!><type=\"12\">\n<![LOG[b]LOG]!><type=\"300\">\n",
	 {{NULL, "a", "", "", NULL, NO_BIAS, -1, 12, false, 1},
	  {NULL, "b", "", "", NULL, NO_BIAS, -1, 127, false, 2}}, 2, NULL},
	{"tag cut off at eof",
	 "<![LOG[m]LOG]!><time=\"1",
	 {{"<![LOG[m]LOG]!><time=\"1", "m", "", "", NULL, NO_BIAS, -1, -1, true,
	   1}}, 1, NULL},
	{"unterminated quote before the next opener",
	 "<![LOG[m]LOG]!><time=\"1\r\n<![LOG[n]LOG]!><type=\"2\">\r\n",
	 {{"<![LOG[m]LOG]!><time=\"1\r\n", "m", "", "", NULL, NO_BIAS, -1, -1,
	   true, 1},
	  {"<![LOG[n]LOG]!><type=\"2\">\r\n", "n", "", "", NULL, NO_BIAS, -1, 2,
	   false, 2}}, 2, NULL},
	{"garbage after the closer up to a '>'",
	 "<![LOG[m]LOG]!>garbage>\r\n<![LOG[n]LOG]!><>",
	 {{"<![LOG[m]LOG]!>garbage>\r\n", "m", "", "", NULL, NO_BIAS, -1, -1,
	   true, 1},
	  {"<![LOG[n]LOG]!><>", "n", "", "", NULL, NO_BIAS, -1, -1, false, 2}},
	 2, NULL},
	{"one terminator, then a blank line",
	 "<![LOG[a]LOG]!><>\r\r\n",
	 {{"<![LOG[a]LOG]!><>\r\r\n", "a", "", "", NULL, NO_BIAS, -1, -1,
	   false, 1}}, 1, NULL},
	{"a lone '<' and a truncated opener at eof",
	 "<![LOG[a]LOG]!><>\n<![LO",
	 {{"<![LOG[a]LOG]!><>\n", "a", "", "", NULL, NO_BIAS, -1, -1, false, 1},
	  {"<![LO", "<![LO", "", "", NULL, NO_BIAS, -1, -1, true, 2}}, 2, NULL},
};

static void check_record(const struct ccm_case *c, size_t i,
			 const struct fake_rec *got)
{
	const struct want *w = &c->recs[i];
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
	assert_int_equal(got->type, w->type);
	assert_int_equal(got->partial, w->partial);
	assert_int_equal(got->line, w->line);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct ccm_case *c = &cases[k];
		struct fake_sink f = {0};
		size_t len = strlen(c->input);
		print_message("case: %s\n", c->name);
		assert_int_equal(fake_parse_steps(&f, FORMAT_CCM, c->input, len, 0),
				 len);
		assert_true(fake_lossless(&f, c->input, len));
		assert_int_equal(f.n, c->nrecs);
		for (size_t i = 0; i < f.n; i++)
			check_record(c, i, &f.recs[i]);
		assert_string_equal(f.problems.data ? f.problems.data : "",
				    c->problems ? c->problems : "");
		fake_clear(&f);
	}
}

static void test_every_chunking(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		assert_true(fake_chunking_stable(FORMAT_CCM, cases[k].input,
						 strlen(cases[k].input)));
}

static void test_all_cases_concatenated(void **state)
{
	(void)state;
	struct buf all = {0};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		buf_append(&all, cases[k].input, strlen(cases[k].input));
	assert_true(fake_chunking_stable(FORMAT_CCM, all.data, all.len));
	buf_free(&all);
}

/* Pseudo-random chunk sizes over a mixed input, many seeds. */
static void test_random_chunking(void **state)
{
	(void)state;
	struct buf all = {0};
	size_t ncases = sizeof(cases) / sizeof(cases[0]);
	for (size_t r = 0; r < 20 * ncases; r++) {
		const char *in = cases[(r * 7 + r / ncases) % ncases].input;
		buf_append(&all, in, strlen(in));
	}
	struct fake_sink ref = {0};
	fake_parse_steps(&ref, FORMAT_CCM, all.data, all.len, 0);
	assert_true(fake_lossless(&ref, all.data, all.len));
	for (size_t step = 4; step < 600; step = step * 3 / 2 + 1) {
		struct fake_sink f = {0};
		fake_parse_steps(&f, FORMAT_CCM, all.data, all.len, step);
		assert_true(fake_same(&ref, &f));
		fake_clear(&f);
	}
	fake_clear(&ref);
	buf_free(&all);
}

static void test_line_numbers(void **state)
{
	(void)state;
	/* MDT's BDD.log: console progress with bare CRs inside messages */
	const char *in = "<![LOG[10%\r20%\r30%]LOG]!><>\r\n"
			 "<![LOG[x\n\n]LOG]!><>\n"
			 "<![LOG[y]LOG]!><>\r"
			 "<![LOG[z]LOG]!><>";
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_CCM, in, strlen(in), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.recs[0].line, 1);
	assert_int_equal(f.recs[1].line, 4);
	assert_int_equal(f.recs[2].line, 7);
	assert_int_equal(f.recs[3].line, 8);
	assert_int_equal(f.last_line, 8);
	fake_clear(&f);
}

static void test_first_line_and_stop(void **state)
{
	(void)state;
	const char *in = "<![LOG[a]LOG]!><>\n<![LOG[b]LOG]!><>\n";
	struct fake_sink f = {0};
	struct record_sink sink = {&f, fake_on_record, fake_on_problem};
	struct parser *p = parser_new(FORMAT_CCM, &sink, 100);
	f.stop_after = 1;
	assert_int_equal(parser_feed(p, in, strlen(in), true), 18);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.recs[0].line, 100);
	assert_int_equal(parser_line(p), 101);
	parser_free(p);
	fake_clear(&f);
}

/* PSADT writes its offset east of UTC: 3.x appends GetUtcOffset() to a
 * three-digit fraction without a '+', 4.x signs it. Every chunking reads
 * the file the same way. */
#define PSADT3 "\" date=\"03-12-2026\" component=\"Execute-Process\" " \
	"context=\"CORP\\svc\" type=\"1\" thread=\"4242\" " \
	"file=\"Deploy-Application.ps1\">\r\n"
#define PSADT4 "\" date=\"3-12-2026\" component=\"Start-ADTProcess\" " \
	"context=\"NT AUTHORITY\\SYSTEM\" type=\"1\" thread=\"7\" " \
	"file=\"C:\\Temp\\App\\Invoke-AppDeployToolkit.ps1\">\r\n"

static void check_psadt(const char *in, const int *bias, const bool *psadt,
			size_t n)
{
	size_t len = strlen(in);
	struct fake_sink ref = {0};
	fake_parse_steps(&ref, FORMAT_CCM, in, len, 0);
	assert_int_equal(ref.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_true(ref.recs[i].has_time);
		assert_int_equal(ref.recs[i].has_bias, bias[i] != NO_BIAS);
		if (bias[i] != NO_BIAS)
			assert_int_equal(ref.recs[i].bias_min, bias[i]);
		assert_int_equal(ref.recs[i].psadt, psadt[i]);
		char out[32];
		format_utc_ms(ref.recs[i].local_us, out);
		assert_memory_equal(out, "2026-03-12T10:15:30.123Z", 24);
	}
	assert_true(fake_chunking_stable(FORMAT_CCM, in, len));
	fake_clear(&ref);
}

static void test_psadt3(void **state)
{
	(void)state;
	const char *in =
		"<![LOG[Sydney]LOG]!><time=\"10:15:30.123600" PSADT3
		"<![LOG[New York]LOG]!><time=\"10:15:30.123-300" PSADT3
		"<![LOG[UTC]LOG]!><time=\"10:15:30.1230" PSADT3
		"<![LOG[India]LOG]!><time=\"10:15:30.123330" PSADT3
		"<![LOG[none]LOG]!><time=\"10:15:30.123" PSADT3;
	const int bias[] = {-600, 300, 0, -330, NO_BIAS};
	const bool psadt[] = {true, true, true, true, false};
	check_psadt(in, bias, psadt, 5);
}

static void test_psadt4(void **state)
{
	(void)state;
	const char *in =
		"<![LOG[Sydney]LOG]!><time=\"10:15:30.123+600" PSADT4
		"<![LOG[New York]LOG]!><time=\"10:15:30.123-300" PSADT4
		"<![LOG[UTC]LOG]!><time=\"10:15:30.123+0" PSADT4
		"<![LOG[bad]LOG]!><time=\"10:15:30.123+9999" PSADT4;
	const int bias[] = {-600, 300, 0, NO_BIAS};
	const bool psadt[] = {true, true, true, false};
	check_psadt(in, bias, psadt, 4);
}

/* The same times from ConfigMgr's own writers keep Windows' sign. */
static void test_not_psadt(void **state)
{
	(void)state;
	const char *in =
		"<![LOG[m]LOG]!><time=\"10:15:30.123+600\" date=\"03-12-2026\" "
		"component=\"ccmexec\" context=\"\" type=\"1\" thread=\"1\" "
		"file=\"deploy-app.cpp:12\">\r\n";
	const int bias[] = {600};
	const bool psadt[] = {false};
	check_psadt(in, bias, psadt, 1);
	static const char *const yes[] = {
		"<![LOG[m]LOG]!><time=\"1\" component=\"Open-ADTSession\">",
		"<![LOG[m]LOG]!><time=\"1\" file=\"AppDeployToolkitMain.ps1\">",
		("<![LOG[a]LOG]!><>\n<![LOG[m]LOG]!><x=\"\" file=\"c:\\x\\"
		 "deploy-application.ps1\">"),
	};
	static const char *const no[] = {
		"<![LOG[m]LOG]!><time=\"1\" component=\"ADTSession\">",
		/* in the message, not the tag: AppEnforce.log */
		("<![LOG[run file=\"Deploy-Application.exe\"]LOG]!><time=\"1\""
		 " component=\"AppEnforce\" file=\"appexcnlib.cpp:1\">"),
		"<![LOG[m]LOG]!><file=\"x.cpp\">Deploy-Application",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(ccm_is_psadt(yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(ccm_is_psadt(no[i], strlen(no[i])));
}

/* A flood of blank lines is cut into pieces of at most PARSER_BLANK_MAX:
 * no record grows without bound, and the text is all there. */
static void test_blank_flood(void **state)
{
	(void)state;
	struct buf in = {0};
	const char *rec = "<![LOG[a]LOG]!><>\r\n";
	buf_puts(&in, rec);
	for (int i = 0; i < 100000; i++)
		buf_puts(&in, "\r\n");
	buf_puts(&in, rec);
	struct fake_sink f = {0};
	assert_int_equal(fake_parse_steps(&f, FORMAT_CCM, in.data, in.len, 0),
			 in.len);
	assert_true(fake_lossless(&f, in.data, in.len));
	assert_true(f.n >= 4);
	for (size_t i = 0; i < f.n; i++)
		assert_true(f.recs[i].len <= PARSER_BLANK_MAX + strlen(rec));
	assert_false(f.recs[0].partial);
	assert_true(f.recs[1].partial);
	assert_string_equal(f.recs[f.n - 1].message, "a");
	assert_int_equal(f.recs[f.n - 1].line, 100002);
	assert_true(f.recs[f.n - 2].partial);
	struct fake_sink g = {0};
	fake_parse_steps(&g, FORMAT_CCM, in.data, in.len, 4096);
	assert_true(fake_same(&f, &g));
	fake_clear(&f);
	fake_clear(&g);
	buf_free(&in);
}

/* A CR right at the end of a feed must wait: the LF may follow. */
static void test_cr_at_buffer_end(void **state)
{
	(void)state;
	const char *in = "<![LOG[a]LOG]!><>\r";
	struct fake_sink f = {0};
	struct record_sink sink = {&f, fake_on_record, fake_on_problem};
	struct parser *p = parser_new(FORMAT_CCM, &sink, 1);
	assert_int_equal(parser_feed(p, in, strlen(in), false), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(parser_feed(p, "<![LOG[a]LOG]!><>\r\n", 19, true), 19);
	assert_int_equal(f.n, 1);
	assert_int_equal(parser_line(p), 2);
	parser_free(p);
	fake_clear(&f);
}

static void test_keyword_severity(void **state)
{
	(void)state;
	const char *in = "<![LOG[Failed to connect]LOG]!><type=\"1\">\n"
			 "<![LOG[failover done]LOG]!><>\n"
			 "<![LOG[Warning: low disk]LOG]!><>\n";
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_CCM, in, strlen(in), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.recs[0].keyword_sev, KSEV_ERROR);
	assert_int_equal(f.recs[0].type, 1);
	assert_int_equal(f.recs[1].keyword_sev, KSEV_NONE);
	assert_int_equal(f.recs[2].keyword_sev, KSEV_WARNING);
	fake_clear(&f);
}

/* A 12 MB single-line message fed in 64 KiB chunks: one record, and the
 * parser must not rescan the growing prefix on every feed (its speed is
 * measured by make bench, not here). */
static void test_huge_line(void **state)
{
	(void)state;
	size_t body = 12u * 1024 * 1024;
	struct buf in = {0};
	buf_append(&in, "<![LOG[", 7);
	buf_reserve(&in, body);
	memset(in.data + in.len, 'a', body);
	in.len += body;
	buf_append(&in, "]LOG]!>" STD "\r\n", strlen("]LOG]!>" STD "\r\n"));
	struct fake_sink f = {0};
	assert_int_equal(fake_parse_steps(&f, FORMAT_CCM, in.data, in.len, 65536),
			 in.len);
	assert_int_equal(f.n, 1);
	assert_false(f.recs[0].partial);
	assert_int_equal(strlen(f.recs[0].message), body);
	assert_true(f.recs[0].has_time);
	fake_clear(&f);

	/* the same size of junk with no delimiter at all */
	memset(in.data, 'b', in.len);
	fake_parse_steps(&f, FORMAT_CCM, in.data, in.len, 65536);
	assert_int_equal(f.n, 1);
	assert_true(f.recs[0].partial);
	fake_clear(&f);
	buf_free(&in);
}

static void test_too_long_record_is_cut(void **state)
{
	(void)state;
	size_t body = PARSER_MAX_RECORD + 1000;
	struct buf in = {0};
	buf_append(&in, "<![LOG[", 7);
	buf_reserve(&in, body);
	memset(in.data + in.len, 'a', body);
	in.len += body;
	buf_append(&in, "]LOG]!><>\n<![LOG[b]LOG]!><>\n", 28);
	struct fake_sink f = {0};
	fake_parse_steps(&f, FORMAT_CCM, in.data, in.len, 1u << 20);
	assert_true(fake_lossless(&f, in.data, in.len));
	assert_int_equal(f.n, 3);
	assert_int_equal(f.recs[0].len, PARSER_MAX_RECORD);
	assert_true(f.recs[0].partial);
	assert_true(f.recs[1].partial);		/* the tail, closer and tag */
	assert_false(f.recs[2].partial);
	assert_int_equal(f.nproblems, 1);
	assert_non_null(strstr(f.problems.data, "record too long"));
	fake_clear(&f);
	buf_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_every_chunking),
		cmocka_unit_test(test_all_cases_concatenated),
		cmocka_unit_test(test_random_chunking),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_first_line_and_stop),
		cmocka_unit_test(test_cr_at_buffer_end),
		cmocka_unit_test(test_blank_flood),
		cmocka_unit_test(test_psadt3),
		cmocka_unit_test(test_psadt4),
		cmocka_unit_test(test_not_psadt),
		cmocka_unit_test(test_keyword_severity),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_too_long_record_is_cut),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
