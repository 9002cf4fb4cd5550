/* test_detect.c - choosing the format from the first decoded text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include "../../parsers/parser.h"
#include "../../lib/util.h"

struct detect_case {
	const char *text;
	enum log_format want;
};

static const struct detect_case cases[] = {
	{"<![LOG[hello]LOG]!><time=\"1:00:00.000+0\" date=\"1-1-2020\">\r\n",
	 FORMAT_CCM},
	/* a file that starts mid-record still has the closer */
	{"torn tail]LOG]!><time=\"1:00:00.000+0\" date=\"1-1-2020\">\r\n",
	 FORMAT_CCM},
	{"Get one push message from database.~~  $$<SMS_NOTIFICATION_SERVER>"
	 "<09-25-2026 19:35:04.936+240><thread=7896 (0x1ED8)>\r\n", FORMAT_SMS},
	{"unframed first line\n"
	 " *** x  $$<Configuration Manager Setup><08-22-2016 04:15:01.917+420>"
	 "<thread=2868 (0xB34)>\n", FORMAT_SMS},
	{"no tail  $$<C><not a date><thread=1 (0x1)>\n", FORMAT_PLAIN},
	{"2021/07/13 10:22:58.9553434 3696  8172  Shared  InitializeSus\r\n",
	 FORMAT_PLAIN},
	{"", FORMAT_PLAIN},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		assert_int_equal(format_detect(cases[k].text,
					       strlen(cases[k].text)),
				 cases[k].want);
}

/* Only the first 64 KiB count. */
static void test_looks_at_the_head_only(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < 8000; i++)
		buf_append(&b, "plain line\n", 11);
	buf_append(&b, "<![LOG[late]LOG]!><>\n", 21);
	assert_int_equal(format_detect(b.data, b.len), FORMAT_PLAIN);
	assert_int_equal(format_detect(b.data + b.len - 21, 21), FORMAT_CCM);
	buf_free(&b);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(format_name(FORMAT_PLAIN), "plain");
	assert_string_equal(format_name(FORMAT_CCM), "ccm");
	assert_string_equal(format_name(FORMAT_SMS), "sms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_looks_at_the_head_only),
		cmocka_unit_test(test_names),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
