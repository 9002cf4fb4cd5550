/* test_output.c - escaping for JSON and terminals: names that are not
 * UTF-8 still make valid JSON, C1 and bidirectional controls are always
 * escaped, and table cells cut to fit end with an ellipsis. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output.h"

static void json_is(const char *in, size_t len, const char *want)
{
	struct buf b = {0};
	json_string(&b, in, len);
	if (strcmp(b.data, want) != 0)
		fail_msg("json_string: got %s, want %s", b.data, want);
	buf_free(&b);
}

static void term_is(const char *in, const char *want)
{
	struct buf b = {0};
	term_escape(&b, in, strlen(in));
	if (strcmp(b.data ? b.data : "", want) != 0)
		fail_msg("term_escape: got %s, want %s", b.data, want);
	buf_free(&b);
}

static void test_json_valid_utf8_kept(void **state)
{
	(void)state;
	json_is("caf\xc3\xa9 \xe2\x82\xac", 9, "\"caf\xc3\xa9 \xe2\x82\xac\"");
	json_is("a\"b\\c\n\t\x01\x7f", 9, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"");
}

static void test_json_invalid_utf8_as_cp1252(void **state)
{
	(void)state;
	/* A folder "HOST\xe9" (Latin-1 é), a lone 0x80 (cp1252 €), a cut
	 * sequence and an overlong '/' never reach the output raw. */
	json_is("HOST\xe9", 5, "\"HOST\\u00e9\"");
	json_is("\x80", 1, "\"\\u20ac\"");
	json_is("x\xe2\x82", 3, "\"x\\u00e2\\u201a\"");
	json_is("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");
	json_is("\x81", 1, "\"\\u0081\"");	/* undefined in cp1252 */
}

static void test_json_c1_and_bidi_escaped(void **state)
{
	(void)state;
	json_is("a\xc2\x85" "b", 4, "\"a\\u0085b\"");
	json_is("\xe2\x80\xae" "evil", 7, "\"\\u202eevil\"");
	json_is("\xe2\x81\xa6x\xe2\x81\xa9", 7, "\"\\u2066x\\u2069\"");
	json_is("\xe2\x80\xa9", 3, "\"\xe2\x80\xa9\"");	/* U+2029: allowed */
}

static void test_term_escape(void **state)
{
	(void)state;
	term_is("a\x1b[31mb", "a\\e[31mb");
	term_is("HOST\xe9", "HOST\\xe9");
	term_is("\xe2\x80\xae" "x", "\\u202ex");
	term_is("\xc2\x9b" "1m", "\\u009b1m");
	term_is("caf\xc3\xa9", "caf\xc3\xa9");
}

/* Plain text is skipped eight bytes at a time: a byte that needs an
 * escape is found at every position of a word, and in the tail. */
static void test_escape_at_every_offset(void **state)
{
	(void)state;
	static const struct { char c; const char *term, *json; } cases[] = {
		{'\x01', "\\x01", "\\u0001"}, {'\x7f', "\\x7f", "\\u007f"},
		{'\n', "\\n", "\\n"}, {'"', "\"", "\\\""},
		{'\\', "\\", "\\\\"}, {'\x1f', "\\x1f", "\\u001f"},
	};
	const char plain[] = "abcdefghijklmnopqrstuvwxy ~!";	/* 0x20..0x7e */
	size_t n = strlen(plain);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (size_t at = 0; at < n; at++) {
			char in[64], term[64], json[64];
			memcpy(in, plain, n + 1);
			in[at] = cases[k].c;
			snprintf(term, sizeof(term), "%.*s%s%s", (int)at, plain,
				 cases[k].term, plain + at + 1);
			term_is(in, term);
			snprintf(json, sizeof(json), "\"%.*s%s%s\"", (int)at,
				 plain, cases[k].json, plain + at + 1);
			json_is(in, n, json);
		}
	}
	term_is(plain, plain);
}

static void csv_is(const char *in, const char *want)
{
	struct buf b = {0};
	csv_field(&b, in, strlen(in));
	if (strcmp(b.data ? b.data : "", want) != 0)
		fail_msg("csv_field: got %s, want %s", b.data, want);
	buf_free(&b);
}

/* CSV gets the terminal's escapes (a CSV is cat'ed or opened in a
 * spreadsheet) but keeps line breaks and tabs, quoted. */
static void test_csv_escapes(void **state)
{
	(void)state;
	csv_is("plain", "plain");
	csv_is("a,b", "\"a,b\"");
	csv_is("a\"b", "\"a\"\"b\"");
	csv_is("Req\x1b]52;c;eA==\x07", "Req\\e]52;c;eA==\\x07");
	csv_is("\xc2\x9b" "31m\xe2\x80\xae", "\\u009b31m\\u202e");
	csv_is("HOST\x9b", "HOST\\x9b");
	csv_is("two\nlines,\x1b", "\"two\nlines,\\e\"");
	csv_is("tab\there", "tab\there");
	csv_is("caf\xc3\xa9", "caf\xc3\xa9");
}

static void field_is(const char *in, size_t width, const char *want)
{
	struct buf b = {0};
	term_field(&b, in, width);
	if (strcmp(b.data, want) != 0)
		fail_msg("term_field(%s, %zu): got '%s', want '%s'", in, width,
			 b.data, want);
	buf_free(&b);
}

/* The locale is read once per process: one test per setting. */
static void test_term_field_ellipsis_utf8(void **state)
{
	(void)state;
	setenv("LC_ALL", "C.UTF-8", 1);
	field_is("CLIENT01", 10, "CLIENT01  ");
	field_is("CLIENT01", 8, "CLIENT01");
	field_is("VERYLONGHOSTNAME", 8, "VERYLON\xe2\x80\xa6");
	field_is("", 3, "   ");
	field_is("ABC", 0, "ABC");
	field_is("A\x1b", 4, "A\\e ");	/* escaped, then padded */
	field_is("AB\x1b" "CDEF", 5, "AB\\e\xe2\x80\xa6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_valid_utf8_kept),
		cmocka_unit_test(test_json_invalid_utf8_as_cp1252),
		cmocka_unit_test(test_json_c1_and_bidi_escaped),
		cmocka_unit_test(test_term_escape),
		cmocka_unit_test(test_csv_escapes),
		cmocka_unit_test(test_escape_at_every_offset),
		cmocka_unit_test(test_term_field_ellipsis_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
