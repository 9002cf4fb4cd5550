/* test_draw.c - the drawing primitives on a real curses screen in memory
 * (newterm over /dev/null, cells read back): log text is drawn escaped,
 * cut with an ellipsis at the column limit, measured in columns (wide
 * characters count two), and soft-wrapped segments line up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../../ui/draw.h"
#include "../../ui/glyphs.h"
#include "../../ui/theme.h"

static SCREEN *scr;
static FILE *out, *in;

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	setenv("LINES", "6", 1);
	setenv("COLUMNS", "40", 1);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", out, in);
	if (!scr)
		return -1;
	theme_init(COLOUR_NONE);
	glyphs_set_ascii(false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return 0;
}

/* Row y as UTF-8, trailing blanks cut. */
static void row(int y, char *buf, size_t len)
{
	wchar_t w[64];
	mvinnwstr(y, 0, w, 40);
	wcstombs(buf, w, len);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
}

static void test_escapes_controls(void **state)
{
	(void)state;
	char buf[256];
	erase();
	/* ESC and BEL of an OSC title sequence, a C1 CSI, an invalid byte. */
	int used = draw_text(0, 0, 40, PAINT_NORMAL, "a\033]0;x\007b\xc2\x9b" "c\xff" "d", false);
	row(0, buf, sizeof(buf));
	assert_string_equal(buf, "a^[]0;x^Gb\\x9bc\\xffd");
	assert_int_equal(used, draw_width("a\033]0;x\007b\xc2\x9b" "c\xff" "d"));
	/* The escaped form is drawn in reverse video. */
	chtype ch = mvinch(0, 1);
	assert_true(ch & A_REVERSE);
	assert_false(mvinch(0, 0) & A_REVERSE);
}

/* A bidi override (U+202E) or isolate (U+2066) would reorder the row on
 * a terminal that does bidi: drawn as its escape, as every output does. */
static void test_escapes_bidi(void **state)
{
	(void)state;
	char buf[256];
	erase();
	draw_text(0, 0, 40, PAINT_NORMAL, "a\xe2\x80\xae" "bc\xe2\x81\xa6" "d", false);
	row(0, buf, sizeof(buf));
	assert_string_equal(buf, "a\\u202ebc\\u2066d");
}

static void test_cut_with_ellipsis(void **state)
{
	(void)state;
	char buf[256];
	erase();
	assert_int_equal(draw_text(1, 0, 5, PAINT_NORMAL, "abcdefgh", false), 5);
	row(1, buf, sizeof(buf));
	assert_string_equal(buf, "abcd\u2026");
	glyphs_set_ascii(true);
	draw_text(1, 0, 5, PAINT_NORMAL, "abcdefgh", true);
	row(1, buf, sizeof(buf));
	assert_string_equal(buf, "abcd~");
	glyphs_set_ascii(false);
	/* Fits exactly: no ellipsis. */
	draw_text(1, 0, 5, PAINT_NORMAL, "abcde", true);
	row(1, buf, sizeof(buf));
	assert_string_equal(buf, "abcde");
}

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(draw_width("\u2713 ok"), 4);
	assert_int_equal(draw_width("\u65e5\u672c"), 4);	/* wide: 2 each */
	assert_int_equal(draw_width("\033"), 2);		/* ^[ */
	char buf[256];
	erase();
	draw_text_right(2, 0, 8, PAINT_NORMAL, "12ms");
	row(2, buf, sizeof(buf));
	assert_string_equal(buf, "    12ms");
}

static void test_wrap_segments(void **state)
{
	(void)state;
	char buf[256];
	erase();
	const char *text = "0123456789abcdefghij";
	draw_text_skip(3, 0, 8, PAINT_NORMAL, text, 0, true);
	draw_text_skip(4, 0, 8, PAINT_NORMAL, text, 8, true);
	draw_text_skip(5, 0, 8, PAINT_NORMAL, text, 16, true);
	row(3, buf, sizeof(buf));
	assert_string_equal(buf, "01234567");
	row(4, buf, sizeof(buf));
	assert_string_equal(buf, "89abcdef");
	row(5, buf, sizeof(buf));
	assert_string_equal(buf, "ghij");
}

static void test_wrap_at_blanks(void **state)
{
	(void)state;
	int a = -1, b = -1;
	const char *s = "the quick brown fox";
	assert_int_equal(draw_wrap(s, 10, -1, NULL, NULL), 2);
	draw_wrap(s, 10, 0, &a, &b);
	assert_int_equal(a, 0);
	assert_int_equal(b, 10);	/* "the quick " */
	draw_wrap(s, 10, 1, &a, &b);
	assert_int_equal(a, 10);
	assert_int_equal(b, 19);	/* "brown fox" */
	/* No blank: a hard break at the width. */
	assert_int_equal(draw_wrap("0123456789abcdefghij", 8, -1, NULL, NULL), 3);
	draw_wrap("0123456789abcdefghij", 8, 2, &a, &b);
	assert_int_equal(a, 16);
	assert_int_equal(b, 20);
	/* Escaped controls take their escaped width. */
	assert_int_equal(draw_wrap("\033\033\033\033", 4, -1, NULL, NULL), 2);
	assert_int_equal(draw_wrap("", 4, -1, NULL, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_controls),
		cmocka_unit_test(test_escapes_bidi),
		cmocka_unit_test(test_cut_with_ellipsis),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_wrap_segments),
		cmocka_unit_test(test_wrap_at_blanks),
	};
	return cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0;
}
