/* test_export.c - the CSV rows of src/export.c: a text cell that a
 * spreadsheet would take for a formula (= + - @, a leading tab or CR)
 * starts with a ' (OWASP "CSV injection"); other cells and numbers,
 * negative ones too, are written as they are. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include "../../src/export.h"
#include "../../db/store.h"
#include "../../parsers/events.h"

/* One trace row whose action is action, as CSV; the cell after id,
 * guid and status is the action. */
static void row_with_action(const char *action, struct buf *b)
{
	struct trace_row t = {
		.id = 1,
		.guid = "G",
		.status = "complete",
		.action = action,
		.task_type = EVENT_NONE,
		.clients = "C1",
		.hop_forward_to_push = -5,
		.hop_push_to_receive = EVENT_NONE,
		.hop_receive_to_response = EVENT_NONE,
		.push_id = EVENT_NONE,
		.task_id = EVENT_NONE,
		.target_count = EVENT_NONE,
		.summary = "@summary",
		.next_step = "plain",
	};
	buf_reset(b);
	trace_csv(b, &t, NULL);
}

struct cell_case {
	const char *action;
	const char *want;	/* the action's cell as written */
};

static const struct cell_case cases[] = {
	{"RequestMachinePolicy", ",RequestMachinePolicy,"},
	{"=1+2", ",'=1+2,"},
	{"+1", ",'+1,"},
	{"-2", ",'-2,"},
	{"@SUM(A1)", ",'@SUM(A1),"},
	{"\t=1", ",'\t=1,"},
	{"\r=1", ",\"'\r=1\","},
	{"=HYPERLINK(\"x\",\"y\")", ",\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\","},
	{"a=b", ",a=b,"},
	{"", ",,"},
};

static void test_formula_cells(void **state)
{
	(void)state;
	struct buf b = {0};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		row_with_action(cases[i].action, &b);
		const char *cell = strstr(b.data, ",complete") + strlen(",complete");
		assert_memory_equal(cell, cases[i].want, strlen(cases[i].want));
	}
	buf_free(&b);
}

static void test_numbers_and_other_text_cells(void **state)
{
	(void)state;
	struct buf b = {0};
	row_with_action("X", &b);
	assert_non_null(strstr(b.data, ",C1,-5,"));	/* a number stays one */
	assert_non_null(strstr(b.data, ",'@summary,plain,"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formula_cells),
		cmocka_unit_test(test_numbers_and_other_text_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
