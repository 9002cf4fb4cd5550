/* test_lines.c - ui/lines.c's live swap (lines_swap): a view whose lines
 * are read again keeps its data when nothing changed (no redraw), takes
 * the new lines otherwise with its cursor on the same line's text (the
 * nearest one), or on its row number when that text is gone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "../../ui/lines.h"
#include "../../ui/view.h"

static void fake_done(struct view *v)
{
	lines_clear(v->data);
	free(v->data);
}

static const struct view_ops fake_ops = {
	.name = "fake",
	.count = lines_count,
	.done = fake_done,
};

/* A view over the given lines, cursor on item. */
static struct view *fake(const char *const *text, size_t n, int64_t item)
{
	struct lines *ls = calloc(1, sizeof(*ls));
	for (size_t i = 0; i < n; i++)
		lines_add(ls, PAINT_NORMAL, "%s", text[i]);
	struct view *v = calloc(1, sizeof(*v));
	v->ops = &fake_ops;
	v->data = ls;
	v->lines = 10;
	v->item = item;
	return v;
}

static void drop(struct view *v)
{
	fake_done(v);
	free(v);
}

static const char *const before[] = { "a", "b", "c", "d" };

static void test_nothing_changed_keeps_data(void **state)
{
	(void)state;
	struct view *v = fake(before, 4, 2);
	void *data = v->data;
	assert_int_equal(lines_swap(v, fake(before, 4, 0)), STALE_NONE);
	assert_ptr_equal(v->data, data);
	assert_int_equal(v->item, 2);
	drop(v);
}

static void test_cursor_follows_its_text(void **state)
{
	(void)state;
	const char *const after[] = { "new", "a", "b", "c", "d" };
	struct view *v = fake(before, 4, 2);	/* on "c" */
	assert_int_equal(lines_swap(v, fake(after, 5, 0)), STALE_SCREEN);
	assert_int_equal(lines_count(v), 5);
	assert_int_equal(v->item, 3);
	drop(v);
}

static void test_nearest_copy_of_the_text(void **state)
{
	(void)state;
	const char *const after[] = { "c", "x", "x", "c", "y" };
	struct view *v = fake(before, 4, 2);	/* "c" at 0 and 3: 3 is nearer */
	assert_int_equal(lines_swap(v, fake(after, 5, 0)), STALE_SCREEN);
	assert_int_equal(v->item, 3);
	drop(v);
}

static void test_text_gone_keeps_row(void **state)
{
	(void)state;
	const char *const after[] = { "p", "q" };
	struct view *v = fake(before, 4, 3);	/* "d" is gone; row 3 past the end */
	assert_int_equal(lines_swap(v, fake(after, 2, 0)), STALE_SCREEN);
	assert_int_equal(v->item, 1);
	drop(v);
}

static void test_failed_reread_changes_nothing(void **state)
{
	(void)state;
	struct view *v = fake(before, 4, 1);
	assert_int_equal(lines_swap(v, NULL), STALE_NONE);
	assert_int_equal(lines_count(v), 4);
	drop(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_changed_keeps_data),
		cmocka_unit_test(test_cursor_follows_its_text),
		cmocka_unit_test(test_nearest_copy_of_the_text),
		cmocka_unit_test(test_text_gone_keeps_row),
		cmocka_unit_test(test_failed_reread_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
