/* timeline.h - the timeline of one trace: three lanes on one UTC axis.
 *
 * The lanes are the three components of a device action
 * (SMS_SERVICE_CONNECTOR, SMS_NOTIFICATION_SERVER, BgbAgent with one row
 * per client target, candidates marked '?'). Each event of the trace is a
 * glyph at its column; missing stages are drawn where they were due. The
 * view's items are the trace's events in time order: j/k walk them, the
 * events pane under the lanes lists them, and the cursor starts on the
 * trace's problem (the last event before a missing stage, the unmatched
 * or failing record). +/- zoom along a 1-2-5 ladder, h/l pan.
 *
 * The axis arithmetic below is pure (no curses, no store): unit-tested in
 * tests/unit/test_timeline.c. */
#ifndef TATRACE_UI_TIMELINE_H
#define TATRACE_UI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "app.h"

/* ---- the time axis (µs everywhere) ---- */

/* The finest zoom: 0.1 ms per column. */
#define TIMELINE_MIN_SCALE 100
/* Ticks are at least this many columns apart. */
#define TIMELINE_TICK_GAP 12

/* µs per column that shows span_us (>= 0) in cols columns (>= 2), the last
 * event one column short of the edge; at least TIMELINE_MIN_SCALE. */
int64_t timeline_fit_scale(int64_t span_us, int cols);
/* The column of time t on an axis starting at left (may be < 0 or past
 * the edge: the caller clips). */
int64_t timeline_column(int64_t left, int64_t scale, int64_t t);
/* The tick step for a scale: the smallest round step (1-2-5 below 10 s,
 * then 20 s, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1 day) at
 * least gap columns wide; the largest when none is. */
int64_t timeline_tick_step(int64_t scale, int gap);
/* The zoom ladder: 1-2-5 µs per column from TIMELINE_MIN_SCALE up. In:
 * the rung below the one nearest the scale (a fit just off a rung counts
 * as on it), never below the minimum. Out: the next coarser rung; fit
 * (returned as is) when that rung reaches it. */
int64_t timeline_zoom_in(int64_t scale);
int64_t timeline_zoom_out(int64_t scale, int64_t fit);
/* An offset from t0 as a ruler label: "0", "+250ms", "+1.5s", "+2m",
 * "+1m30s", "+3h", "-500ms", "+0.1ms". */
void timeline_format_offset(int64_t us, char *out, size_t len);
/* A duration in ms as a hop: "50ms", "2.07s", "1m05s"; "-312ms". */
void timeline_format_ms(int64_t ms, char *out, size_t len);

/* Idle gaps. At fit scale an interval with no event is collapsed into a
 * band when it is >= TIMELINE_BREAK_MIN and >= 3 times the rest of the
 * trace (largest first; Jaeger's proposal for sparse traces): the ~30 s
 * wait for the BTS report no longer takes the width. A break takes
 * TIMELINE_BREAK_COLS columns: the last column before it, then a band
 * that the ruler labels with the gap's length. */
#define TIMELINE_MAX_BREAKS 4
#define TIMELINE_BREAK_COLS 8
#define TIMELINE_BREAK_MIN INT64_C(1000000)

struct timeline_axis {
	int64_t left, scale;	/* µs at column 0, µs per column */
	int n_breaks;
	int64_t from[TIMELINE_MAX_BREAKS], to[TIMELINE_MAX_BREAKS];	/* time order */
};
/* Find the breaks among times[0..n) (sorted); returns how many. */
int timeline_axis_breaks(struct timeline_axis *ax, const int64_t *times, size_t n);
/* Fit [first, last] in cols columns, keeping the breaks when the rest
 * still has room (dropping them otherwise). */
void timeline_axis_fit(struct timeline_axis *ax, int64_t first, int64_t last, int cols);
/* The column of t; a time inside a break falls in its band. */
int64_t timeline_axis_column(const struct timeline_axis *ax, int64_t t);
/* The break whose open interval holds t, or -1. */
int timeline_axis_in_break(const struct timeline_axis *ax, int64_t t);

/* ---- hops: the arrows between lanes ---- */

/* Where a hop from column from (the stage that sent) to column to (the
 * stage that received) is drawn in a track of cols columns, with a label
 * n columns wide: cells [start, end] (clipped; end >= start), back when
 * the receipt is left of its cause (clock skew: the arrow points back),
 * label_at the label's first column (inside the arrow when it has two
 * cells each side to spare, else right of it, else left of it; the label
 * brings its own blanks) or -1 when it fits nowhere. False
 * when the hop is wholly off the canvas. */
struct timeline_hop {
	int start, end, label_at;
	bool back;
};
bool timeline_hop_place(int64_t from, int64_t to, int n, int cols, struct timeline_hop *h);

/* ---- density: hundreds of clients folded into two rows ---- */

/* Clients above this many fold the BgbAgent lane into density rows. */
#define TIMELINE_FOLD_CLIENTS 12
/* The bar height (1..8, 0 for none) of a cell holding count events when
 * the fullest cell holds max: any event shows, the fullest is 8. */
int timeline_density_level(int count, int max);
/* Count times[0..n) per column of ax into counts[0..cols) (cells left or
 * right of the canvas are not counted); returns the largest count. */
int timeline_density_bucket(const struct timeline_axis *ax, const int64_t *times, size_t n,
			    int *counts, int cols);

/* ---- the view ---- */

/* Open trace_id's timeline; pos and total place it in the list ("trace N
 * of M"). NULL (with the reason on the status line) on a store error. */
struct view *timeline_open(struct app *a, int64_t trace_id, int64_t pos,
			   int64_t total);
/* Put the cursor of timeline v on the event of record (file_id, seq):
 * the record detail's "jump to its trace" lands where it came from, not
 * on the trace's problem. False (the cursor unmoved) when no event of
 * the trace is that record. */
bool timeline_select_record(struct view *v, int64_t file_id, uint64_t seq);
/* The record under the cursor of a timeline: its file, its sequence in
 * that file and its UTC (for the record detail and the merged log).
 * False for other views, an empty trace and a missing stage (no record). */
bool timeline_cursor_record(struct view *v, int64_t *file_id, uint64_t *seq, int64_t *utc_us);
/* True when Tab gave the lanes the focus (the events pane shows the
 * selection unfocused, ▷). */
bool timeline_lanes_focused(struct view *v);
/* / in a timeline marks, and hides nothing: the items whose text, host or
 * kind match pattern (PCRE2, caseless) are marked in both panes and n/N
 * step through them; empty clears. False with PCRE2's message and offset
 * in err ("missing closing parenthesis at offset 17"). */
bool timeline_set_pattern(struct view *v, const char *pattern, char *err, size_t errlen);
/* How many items pattern would mark (the prompt's live count); -1 with
 * the message in err, or for other views. */
int64_t timeline_count_matches(struct view *v, const char *pattern, char *err, size_t errlen);
/* The trace a timeline shows; 0 for other views. */
int64_t timeline_trace_id(struct view *v);
/* Rows the lanes take above the events pane on a screen rows high. */
int timeline_canvas_rows(struct view *v, int rows);
/* Draw the summary, ruler, lanes and the selected event from row y0, w
 * columns wide, in the rows timeline_canvas_rows gave. */
void timeline_draw_canvas(struct view *v, int y0, int w, int rows);

#endif
