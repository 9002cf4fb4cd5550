/* test_timeline.c - the timeline's time axis (ui/timeline.h): the fit
 * scale puts the whole trace in the width, the tick step is round and far
 * enough apart for spans from 100 ms to a day, columns are floors (also
 * left of the axis), the zoom ladder steps 1-2-5 and comes back to fit,
 * and ruler labels and hop durations read as people write them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "../../ui/timeline.h"

#define MS INT64_C(1000)
#define S INT64_C(1000000)
#define M (60 * S)
#define H (60 * M)

/* The canvas of a 120-column screen (24 label columns and a bar). */
#define COLS 95

static void test_tick_step_for_spans(void **state)
{
	(void)state;
	static const struct {
		int64_t span, step;
	} cases[] = {
		{ 100 * MS, 20 * MS },
		{ 1 * S, 200 * MS },
		{ 31400 * MS, 5 * S },
		{ 10 * M, 2 * M },
		{ 1 * H, 10 * M },
		{ 24 * H, 6 * H },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t scale = timeline_fit_scale(cases[i].span, COLS);
		int64_t step = timeline_tick_step(scale, TIMELINE_TICK_GAP);
		assert_int_equal(step, cases[i].step);
	}
}

static void test_ticks_apart_and_few(void **state)
{
	(void)state;
	/* Every span from 100 ms to a day, in 5 % steps. */
	for (int64_t span = 100 * MS; span <= 24 * H; span += span / 20) {
		int64_t scale = timeline_fit_scale(span, COLS);
		int64_t step = timeline_tick_step(scale, TIMELINE_TICK_GAP);
		assert_true(step >= scale * TIMELINE_TICK_GAP);
		/* at least one tick after 0, and no more than fit */
		assert_true(span / step >= 1 || step == 24 * H);
		assert_true(span / step <= COLS / TIMELINE_TICK_GAP);
	}
	/* Past the table: the largest step. */
	assert_int_equal(timeline_tick_step(365 * 24 * H, TIMELINE_TICK_GAP), 24 * H);
	/* The finest. */
	assert_int_equal(timeline_tick_step(1, TIMELINE_TICK_GAP), 100);
}

static void test_fit_scale(void **state)
{
	(void)state;
	assert_int_equal(timeline_fit_scale(0, COLS), TIMELINE_MIN_SCALE);
	assert_int_equal(timeline_fit_scale(1 * MS, COLS), TIMELINE_MIN_SCALE);
	for (int64_t span = 100 * MS; span <= 24 * H; span += span / 7) {
		int64_t scale = timeline_fit_scale(span, COLS);
		int64_t last = timeline_column(0, scale, span);
		/* the last event is on the canvas, the axis not wasted */
		assert_true(last <= COLS - 2);
		assert_true(last >= COLS - 4);
	}
	/* A tiny canvas still gives a usable scale. */
	assert_true(timeline_fit_scale(10 * S, 1) >= 10 * S);
}

static void test_column_placement(void **state)
{
	(void)state;
	int64_t left = 1000 * S, scale = 50 * MS;
	assert_int_equal(timeline_column(left, scale, left), 0);
	assert_int_equal(timeline_column(left, scale, left + scale - 1), 0);
	assert_int_equal(timeline_column(left, scale, left + scale), 1);
	assert_int_equal(timeline_column(left, scale, left + 10 * S), 200);
	/* left of the axis: floors, so off-screen is negative */
	assert_int_equal(timeline_column(left, scale, left - 1), -1);
	assert_int_equal(timeline_column(left, scale, left - scale), -1);
	assert_int_equal(timeline_column(left, scale, left - scale - 1), -2);
}

static void test_zoom_ladder(void **state)
{
	(void)state;
	int64_t fit = 338 * MS;
	/* in: the next finer 1-2-5 rung, fit itself being off the ladder */
	assert_int_equal(timeline_zoom_in(fit), 200 * MS);
	assert_int_equal(timeline_zoom_in(200 * MS), 100 * MS);
	assert_int_equal(timeline_zoom_in(100 * MS), 50 * MS);
	assert_int_equal(timeline_zoom_in(50 * MS), 20 * MS);
	/* a fit just off a rung is on it: in goes a whole rung finer, not
	 * to the rung it nearly is (20.1 ms "zooming" to 20 ms) */
	assert_int_equal(timeline_zoom_in(20100), 10 * MS);
	assert_int_equal(timeline_zoom_in(20 * MS + 499), 10 * MS);
	assert_int_equal(timeline_zoom_in(19 * MS), 10 * MS);
	assert_int_equal(timeline_zoom_in(35 * MS), 20 * MS);
	assert_int_equal(timeline_zoom_in(1400), 500);
	assert_int_equal(timeline_zoom_in(1500), 1 * MS);
	/* the floor */
	assert_int_equal(timeline_zoom_in(200), TIMELINE_MIN_SCALE);
	assert_int_equal(timeline_zoom_in(120), TIMELINE_MIN_SCALE);
	assert_int_equal(timeline_zoom_in(TIMELINE_MIN_SCALE), TIMELINE_MIN_SCALE);
	/* out: the next coarser rung, then fit */
	assert_int_equal(timeline_zoom_out(TIMELINE_MIN_SCALE, fit), 200);
	assert_int_equal(timeline_zoom_out(20 * MS, fit), 50 * MS);
	assert_int_equal(timeline_zoom_out(200 * MS, fit), fit);
	assert_int_equal(timeline_zoom_out(fit, fit), fit);
	/* all the way in and back out lands on fit */
	int64_t s = fit;
	int in = 0;
	while (timeline_zoom_in(s) < s) {
		s = timeline_zoom_in(s);
		in++;
	}
	assert_int_equal(s, TIMELINE_MIN_SCALE);
	assert_int_equal(in, 11);	/* 200, 100, 50 ... 1, 0.5, 0.2, 0.1 ms */
	while (s < fit)
		s = timeline_zoom_out(s, fit);
	assert_int_equal(s, fit);
}

static void test_format_offset(void **state)
{
	(void)state;
	static const struct {
		int64_t us;
		const char *text;
	} cases[] = {
		{ 0, "0" },
		{ 100, "+0.1ms" },
		{ 1500, "+1.5ms" },
		{ 250 * MS, "+250ms" },
		{ 1 * S, "+1s" },
		{ 1500 * MS, "+1.5s" },
		{ 30 * S, "+30s" },
		{ 2 * M, "+2m" },
		{ 90 * S, "+1m30s" },
		{ 3 * H, "+3h" },
		{ 90 * M, "+1h30m" },
		{ -500 * MS, "-500ms" },
	};
	char out[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		timeline_format_offset(cases[i].us, out, sizeof(out));
		assert_string_equal(out, cases[i].text);
	}
}

static void test_format_ms(void **state)
{
	(void)state;
	char out[32];
	timeline_format_ms(50, out, sizeof(out));
	assert_string_equal(out, "50ms");
	timeline_format_ms(2070, out, sizeof(out));
	assert_string_equal(out, "2.07s");
	timeline_format_ms(-312, out, sizeof(out));
	assert_string_equal(out, "-312ms");
	timeline_format_ms(65000, out, sizeof(out));
	assert_string_equal(out, "1m05s");
	timeline_format_ms(0, out, sizeof(out));
	assert_string_equal(out, "0ms");
}

/* The design's trace: a cluster of 4.7 s, the BTS report 26.8 s later. */
static const int64_t design[] = { 0, 3 * MS, 19 * MS, 454 * MS, 2524 * MS, 2540 * MS,
				  2574 * MS, 4682 * MS, 31465 * MS };

static void test_breaks_collapse_the_idle_wait(void **state)
{
	(void)state;
	struct timeline_axis ax;
	assert_int_equal(timeline_axis_breaks(&ax, design, 9), 1);
	assert_int_equal(ax.from[0], 4682 * MS);
	assert_int_equal(ax.to[0], 31465 * MS);
	/* the 2.07 s forward->push hop is < 3x the rest: not broken */
	timeline_axis_fit(&ax, 0, 31465 * MS, COLS);
	assert_int_equal(ax.n_breaks, 1);
	/* the cluster takes the width but the band and the last column */
	int64_t before = timeline_axis_column(&ax, 4682 * MS);
	int64_t after = timeline_axis_column(&ax, 31465 * MS);
	assert_int_equal(after - before, TIMELINE_BREAK_COLS);
	assert_true(after <= COLS - 2);
	assert_true(after >= COLS - 4);
	/* a time inside the gap falls in the band */
	int64_t mid = timeline_axis_column(&ax, 20 * S);
	assert_true(mid > before && mid < after);
	assert_int_equal(timeline_axis_in_break(&ax, 20 * S), 0);
	assert_int_equal(timeline_axis_in_break(&ax, 4682 * MS), -1);
	assert_int_equal(timeline_axis_in_break(&ax, 31465 * MS), -1);
	/* before the break, the axis is linear */
	assert_int_equal(timeline_axis_column(&ax, 0), 0);
	assert_int_equal(timeline_axis_column(&ax, 2524 * MS), timeline_column(0, ax.scale, 2524 * MS));
}

static void test_breaks_not_taken(void **state)
{
	(void)state;
	struct timeline_axis ax;
	/* evenly spread: no gap is 3x the rest */
	static const int64_t even[] = { 0, 10 * S, 20 * S, 30 * S };
	assert_int_equal(timeline_axis_breaks(&ax, even, 4), 0);
	/* a long gap under 1 s stays drawn */
	static const int64_t short_gap[] = { 0, 10 * MS, 900 * MS };
	assert_int_equal(timeline_axis_breaks(&ax, short_gap, 3), 0);
	/* one event or none */
	assert_int_equal(timeline_axis_breaks(&ax, design, 1), 0);
	assert_int_equal(timeline_axis_breaks(&ax, design, 0), 0);
	/* a canvas too narrow for a band drops it */
	assert_int_equal(timeline_axis_breaks(&ax, design, 9), 1);
	timeline_axis_fit(&ax, 0, 31465 * MS, 16);
	assert_int_equal(ax.n_breaks, 0);
	assert_int_equal(ax.scale, timeline_fit_scale(31465 * MS, 16));
}

/* Hops: a forward hop runs left to right with its label inside when it
 * has room, beside it when not; a receipt before its push points back;
 * an arrow is clipped to the canvas and gone when wholly off it. */
static void test_hop_placement(void **state)
{
	(void)state;
	static const struct {
		int64_t from, to;
		int n, cols;
		bool visible, back;
		int start, end, label_at;
	} cases[] = {
		/* room inside: centred */
		{ 6, 45, 16, 95, true, false, 6, 45, 18 },
		/* 2 columns apart: the label right of it */
		{ 46, 47, 16, 95, true, false, 46, 47, 48 },
		/* one column: a straight drop, label beside */
		{ 30, 30, 10, 95, true, false, 30, 30, 31 },
		/* no room right: left of it */
		{ 88, 90, 16, 95, true, false, 88, 90, 72 },
		/* no room anywhere */
		{ 2, 4, 16, 18, true, false, 2, 4, -1 },
		/* skew: the receipt left of the push */
		{ 90, 0, 20, 95, true, true, 0, 90, 35 },
		/* clipped on both sides */
		{ -40, 200, 10, 95, true, false, 0, 94, 42 },
		/* wholly off the canvas */
		{ -9, -2, 10, 95, false, false, 0, 0, 0 },
		{ 95, 120, 10, 95, false, false, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct timeline_hop h;
		bool vis = timeline_hop_place(cases[i].from, cases[i].to, cases[i].n, cases[i].cols, &h);
		assert_int_equal(vis, cases[i].visible);
		if (!vis)
			continue;
		assert_int_equal(h.back, cases[i].back);
		assert_int_equal(h.start, cases[i].start);
		assert_int_equal(h.end, cases[i].end);
		assert_int_equal(h.label_at, cases[i].label_at);
		if (h.label_at >= 0)
			assert_true(h.label_at + cases[i].n <= cases[i].cols);
	}
}

/* Density: any client shows (level >= 1), the fullest cell is 8, levels
 * grow with the count. */
static void test_density_levels(void **state)
{
	(void)state;
	assert_int_equal(timeline_density_level(0, 210), 0);
	assert_int_equal(timeline_density_level(1, 210), 1);
	assert_int_equal(timeline_density_level(210, 210), 8);
	assert_int_equal(timeline_density_level(105, 210), 4);
	assert_int_equal(timeline_density_level(3, 0), 0);
	int prev = 0;
	for (int c = 1; c <= 500; c++) {
		int l = timeline_density_level(c, 500);
		assert_true(l >= prev && l >= 1 && l <= 8);
		prev = l;
	}
}

/* Bucketing 500 receipts: per column of the axis, cells off the canvas
 * not counted, the maximum returned; a break's band takes its times. */
static void test_density_bucket(void **state)
{
	(void)state;
	struct timeline_axis ax = { .left = 0, .scale = 50 * MS };
	int64_t t[500];
	for (int i = 0; i < 500; i++)
		t[i] = i < 210 ? 10 * MS : i < 490 ? 1000 * MS + i * MS : 10 * S;
	int counts[95];
	int max = timeline_density_bucket(&ax, t, 500, counts, 95);
	assert_int_equal(max, 210);
	assert_int_equal(counts[0], 210);
	int sum = 0;
	for (int c = 0; c < 95; c++)
		sum += counts[c];
	/* the last 10 are at 10 s: column 200, off the canvas */
	assert_int_equal(sum, 490);
	/* with a break from 1.49 s to 10 s the late ones land on the canvas */
	ax.n_breaks = 1;
	ax.from[0] = 1489 * MS;
	ax.to[0] = 10 * S;
	max = timeline_density_bucket(&ax, t, 500, counts, 95);
	sum = 0;
	for (int c = 0; c < 95; c++)
		sum += counts[c];
	assert_int_equal(sum, 500);
	assert_int_equal(max, 210);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tick_step_for_spans),
		cmocka_unit_test(test_hop_placement),
		cmocka_unit_test(test_density_levels),
		cmocka_unit_test(test_density_bucket),
		cmocka_unit_test(test_ticks_apart_and_few),
		cmocka_unit_test(test_fit_scale),
		cmocka_unit_test(test_column_placement),
		cmocka_unit_test(test_zoom_ladder),
		cmocka_unit_test(test_format_offset),
		cmocka_unit_test(test_format_ms),
		cmocka_unit_test(test_breaks_collapse_the_idle_wait),
		cmocka_unit_test(test_breaks_not_taken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
