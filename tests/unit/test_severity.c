/* test_severity.c - CMTrace's keyword severity and the severity shown to
 * users (explicit CCM type first, keywords otherwise). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include "../../parsers/record.h"

struct keyword_case {
	const char *msg;
	enum keyword_severity want;
};

static const struct keyword_case keyword_cases[] = {
	{"", KSEV_NONE},
	{"all good", KSEV_NONE},
	{"error", KSEV_ERROR},
	{"An ERROR occurred", KSEV_ERROR},
	{"Errors: 0", KSEV_ERROR},
	{"Failed to connect", KSEV_ERROR},
	{"FAIL", KSEV_ERROR},
	{"fai", KSEV_NONE},
	{"failover complete", KSEV_NONE},
	{"FailOver then fail", KSEV_ERROR},
	{"failove", KSEV_ERROR},	/* not "failover": an ordinary fail */
	{"Warning: disk low", KSEV_WARNING},
	{"WARN", KSEV_WARNING},
	{"war", KSEV_NONE},
	{"warning and error", KSEV_ERROR},
	{"a warning before a failure", KSEV_ERROR},
	/* zero counters say nothing failed (the healthy BTS report line) */
	{"FailedClients: 0", KSEV_NONE},
	{"(PushID: 13 ReportedClients: 1 FailedClients: 0)", KSEV_NONE},
	{"failures=0 retries=2", KSEV_NONE},
	{"Failed : 0", KSEV_NONE},
	{"FailedClients: 1", KSEV_ERROR},
	{"FailedClients: 0 but Failed to send", KSEV_ERROR},
	{"FailedClients: 05", KSEV_ERROR},
	{"FailedClients: 10", KSEV_ERROR},
	{"Failed: 0x80070005", KSEV_ERROR},
	{"terror", KSEV_ERROR},
	{"erro r", KSEV_NONE},
	{"err", KSEV_NONE},
	{"rr", KSEV_NONE},
	{"ferry sorrow and arrow", KSEV_NONE},
};

static void test_keyword_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(keyword_cases) / sizeof(keyword_cases[0]); k++) {
		const struct keyword_case *c = &keyword_cases[k];
		print_message("keyword: %s\n", c->msg);
		assert_int_equal(keyword_severity_of(c->msg, strlen(c->msg)),
				 c->want);
	}
}

/* Keywords at every offset of a longer message, so every lane of a wide
 * scan and the tail after it are covered; the length is exact (no NUL
 * terminator is relied on). */
static void test_keyword_at_every_offset(void **state)
{
	(void)state;
	static const struct keyword_case words[] = {
		{"ERROR", KSEV_ERROR}, {"fail", KSEV_ERROR},
		{"failover", KSEV_NONE}, {"Warn", KSEV_WARNING},
	};
	char msg[80];
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t wl = strlen(words[w].msg);
		for (size_t len = wl; len <= sizeof(msg); len++) {
			for (size_t at = 0; at + wl <= len; at++) {
				memset(msg, 'o', sizeof(msg));
				memcpy(msg + at, words[w].msg, wl);
				assert_int_equal(keyword_severity_of(msg, len),
						 words[w].want);
				/* cut one short: no keyword at all (but
				 * "failove" is an ordinary fail) */
				if (at + wl == len && words[w].want)
					assert_int_equal(keyword_severity_of(msg, len - 1),
							 KSEV_NONE);
			}
		}
	}
}

struct severity_case {
	int type;
	enum keyword_severity ksev;
	enum severity want;
};

static const struct severity_case severity_cases[] = {
	{0, KSEV_ERROR, SEV_VERBOSE},	/* type 0 is detail, not an error */
	{1, KSEV_ERROR, SEV_INFO},
	{2, KSEV_NONE, SEV_WARNING},
	{3, KSEV_NONE, SEV_ERROR},
	{4, KSEV_ERROR, SEV_INFO},
	{12, KSEV_NONE, SEV_INFO},
	{-1, KSEV_ERROR, SEV_ERROR},
	{-1, KSEV_WARNING, SEV_WARNING},
	{-1, KSEV_NONE, SEV_INFO},
};

static void test_severity_of(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(severity_cases) / sizeof(severity_cases[0]); k++)
		assert_int_equal(severity_of(severity_cases[k].type,
					     severity_cases[k].ksev),
				 severity_cases[k].want);
}

static void test_severity_name(void **state)
{
	(void)state;
	assert_string_equal(severity_name(SEV_VERBOSE), "verbose");
	assert_string_equal(severity_name(SEV_INFO), "info");
	assert_string_equal(severity_name(SEV_WARNING), "warning");
	assert_string_equal(severity_name(SEV_ERROR), "error");
	assert_int_equal(SEV_COUNT, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyword_cases),
		cmocka_unit_test(test_keyword_at_every_offset),
		cmocka_unit_test(test_severity_of),
		cmocka_unit_test(test_severity_name),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
