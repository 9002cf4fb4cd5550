/* test_ui.c - the dashboard's tables and layout rules, without a
 * terminal: column dropping at 80 and 120 columns, glyph fallbacks, the
 * action table (no key bound twice in one view, every key name parses),
 * the colour mode from the environment, and the stage strip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../../ui/actions.h"
#include "../../ui/columns.h"
#include "../../ui/glyphs.h"
#include "../../ui/theme.h"

static void test_columns_120(void **state)
{
	(void)state;
	struct column_layout cl;
	columns_fit(120, &cl);
	for (int c = 0; c < COLUMN_COUNT; c++)
		assert_true(cl.shown[c]);
	assert_true(cl.total <= 120);
	assert_true(cl.width[COL_ACTION] > 12);
	/* room enough: every status word whole, before Action grows */
	assert_int_equal(cl.width[COL_STATUS], STATUS_FULL_WIDTH);
	columns_fit(79, &cl);	/* an 80-column screen, less the scroll bar */
	assert_int_equal(cl.width[COL_STATUS], 16);
	assert_int_equal(cl.width[COL_ACTION], 12);
}

static void test_columns_80_drop_in_order(void **state)
{
	(void)state;
	struct column_layout cl;
	columns_fit(80, &cl);
	assert_true(cl.total <= 80);
	/* Push, Span, ->push, GUID, ->resp go first; the core stays. */
	assert_false(cl.shown[COL_PUSH]);
	assert_false(cl.shown[COL_SPAN]);
	assert_false(cl.shown[COL_HOP_PUSH]);
	assert_false(cl.shown[COL_GUID]);
	enum column keep[] = { COL_MARK, COL_ID, COL_START, COL_STATUS, COL_ACTION,
			       COL_OKN, COL_STAGES };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		assert_true(cl.shown[keep[i]]);
	/* Columns do not overlap and keep their order. */
	int end = -1;
	for (int c = 0; c < COLUMN_COUNT; c++) {
		if (!cl.shown[c])
			continue;
		assert_true(cl.x[c] > end);
		end = cl.x[c] + cl.width[c] - 1;
	}
	/* One column wider than needed keeps one more column than 80. */
	struct column_layout wide;
	columns_fit(100, &wide);
	int n80 = 0, n100 = 0;
	for (int c = 0; c < COLUMN_COUNT; c++) {
		n80 += cl.shown[c];
		n100 += wide.shown[c];
	}
	assert_true(n100 > n80);
}

static void test_glyph_fallbacks(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	for (int g = 0; g < GLYPH_COUNT; g++) {
		/* ASCII: one printable byte; UTF-8: one column. */
		const char *a = glyph_infos[g].ascii;
		assert_int_equal(strlen(a), 1);
		assert_true(a[0] > 32 && a[0] < 127);
		wchar_t wc[4];
		assert_int_equal(mbstowcs(wc, glyph_infos[g].utf8, 4), 1);
		assert_int_equal(wcwidth(wc[0]), 1);
	}
	glyphs_set_ascii(true);
	assert_string_equal(glyph(G_OK), "+");
	assert_string_equal(glyph(G_MISSING), "!");
	glyphs_set_ascii(false);
	assert_string_equal(glyph(G_OK), "\u2713");
	/* Every status has a shape; unknown ones read "?". */
	assert_int_equal(status_look("complete").glyph, G_OK);
	assert_int_equal(status_look("not_delivered").glyph, G_MISSING);
	assert_int_equal(status_look("unauthorized").glyph, G_FAIL);
	assert_int_equal(status_look("bogus").glyph, G_UNKNOWN);
}

static void test_action_keys_unique_per_view(void **state)
{
	(void)state;
	unsigned views[] = { V_LIST, V_DETAIL, V_HELP };
	for (size_t v = 0; v < 3; v++) {
		int seen[512] = {0};
		for (size_t i = 0; i < action_info_count; i++) {
			const struct action_info *a = &action_infos[i];
			assert_non_null(a->help);
			assert_true(*a->name);
			if (!(a->views & views[v]))
				continue;
			const char *p = a->keys;
			while (*p) {
				size_t len = strcspn(p, " ");
				int code = action_key_code(p, len);
				assert_true(code >= 0);	/* every name parses */
				int slot = code < 256 ? code : 256 + (code & 255);
				if (seen[slot])
					fail_msg("key '%.*s' bound twice in view %u", (int)len, p,
						 views[v]);
				seen[slot] = 1;
				/* Dispatch finds this action for the key. */
				assert_int_equal(action_for_key(views[v], code), a->id);
				p += len;
				while (*p == ' ')
					p++;
			}
		}
	}
	assert_int_equal(action_key_code("C-d", 3), 4);
	assert_int_equal(action_key_code("<PgDn>", 6), KEY_NPAGE);
	assert_int_equal(action_key_code("<Nope>", 6), -1);
	assert_int_equal(action_for_key(V_LIST, '\r'), ACT_OPEN);
	assert_int_equal(action_for_key(V_DETAIL, 's'), ACT_NONE);
}

static void test_keys_man(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	actions_man(f);
	fclose(f);
	assert_true(!strncmp(text, ".Sh KEYS\n", 9));
	for (size_t i = 0; i < action_info_count; i++)
		assert_non_null(strstr(text, action_infos[i].name));
	free(text);
}

static void test_colour_mode(void **state)
{
	(void)state;
	assert_int_equal(theme_mode_for("1", "xterm-256color", 256), COLOUR_NONE);
	assert_int_equal(theme_mode_for("", "xterm-256color", 256), COLOUR_256);
	assert_int_equal(theme_mode_for(NULL, "dumb", 8), COLOUR_NONE);
	assert_int_equal(theme_mode_for(NULL, NULL, 8), COLOUR_NONE);
	assert_int_equal(theme_mode_for(NULL, "xterm", 8), COLOUR_8);
	assert_int_equal(theme_mode_for(NULL, "vt100", 0), COLOUR_NONE);
}

static struct trace_row row_of(const char *status)
{
	return (struct trace_row){
		.status = status, .guid = "G", .lanes = { 4, 4, 2 }, .push_id = 5,
		.task_id = 5, .clients = "PC1", .hop_forward_to_push = 1,
		.hop_push_to_receive = 1, .hop_receive_to_response = 1,
		.bts_reported = 1, .bts_failed = 0, .target_count = 1,
	};
}

static void test_stage_strip(void **state)
{
	(void)state;
	enum glyph st[STAGE_COUNT];
	struct trace_row t = row_of("complete");
	stage_strip(&t, st);
	for (int i = 0; i < STAGE_COUNT; i++)
		assert_int_equal(st[i], G_PASSED);
	t = row_of("unauthorized");
	stage_strip(&t, st);
	assert_int_equal(st[0], G_FAIL);
	assert_int_equal(st[1], G_NOT_REACHED);
	t = row_of("not_pushed");
	stage_strip(&t, st);
	assert_int_equal(st[1], G_PASSED);
	assert_int_equal(st[2], G_MISSING);
	t = row_of("partial");
	stage_strip(&t, st);
	assert_int_equal(st[3], G_MIXED);
	/* A console push has no connector stages. */
	t = row_of("complete");
	t.lanes[0] = 0;
	stage_strip(&t, st);
	assert_int_equal(st[0], G_NA);
	assert_int_equal(st[1], G_NA);
	stage_strip_target(&t, "not_delivered", st);
	assert_int_equal(st[3], G_MISSING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_120),
		cmocka_unit_test(test_columns_80_drop_in_order),
		cmocka_unit_test(test_glyph_fallbacks),
		cmocka_unit_test(test_action_keys_unique_per_view),
		cmocka_unit_test(test_keys_man),
		cmocka_unit_test(test_colour_mode),
		cmocka_unit_test(test_stage_strip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
