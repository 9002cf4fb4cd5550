/* tracelist.h - the trace list view and its preview pane.
 *
 * The list never holds the store: it keeps a window of a few hundred
 * rows read through db/pages.h (keyset pages) around the cursor, and
 * counts from the store. Filters: the status cycle (s), the time range
 * (t), one finding's traces (F, Enter), all in SQL; a PCRE2 pattern (/)
 * over each trace's GUID, status, action, hosts and summary, which SQL
 * cannot run: a scan of every trace in slices between keys keeps the
 * matching ids, and the list then reads its rows by id. The sort (o) and
 * its direction (O). Slow work waits for pauses, a slice at a time
 * (tracelist_idle), so a key never waits for more than a slice. */
#ifndef TATRACE_UI_TRACELIST_H
#define TATRACE_UI_TRACELIST_H

#include <stdint.h>
#include "app.h"
#include "lines.h"
#include "../db/store.h"

struct view *tracelist_open(struct app *a, char *err, size_t errlen);
/* Work put off to a pause in typing, a slice at a time (the regex scan
 * of the applied filter, or of the / prompt's pattern while typing; the
 * outcome strip's scan of every trace); true when the screen should be
 * drawn again. */
bool tracelist_idle(struct view *v, bool typing);
/* True while tracelist_idle has work: the main loop then polls keys
 * instead of waiting for them. */
bool tracelist_busy(struct view *v, bool typing);
/* The applied regex is still being matched against every trace (the
 * list shows the matches so far; the title says "N+ searching"). */
bool tracelist_searching(struct view *v);
/* The scroll bar in column x of the list's pane from row y0. */
void tracelist_draw_scrollbar(struct view *v, int y0, int x);
/* The header rows: counts per status, the outcome strip, active filters. */
void tracelist_draw_header(struct view *v, int y, int w);
/* Fill the preview lines for the selected trace. */
void tracelist_preview(struct view *v, struct lines *out);
/* Selected trace: id, GUID or NULL, status, start; false when empty. */
bool tracelist_selected(struct view *v, int64_t *id, const char **guid,
			const char **status, int64_t *first_utc);
int64_t tracelist_position(struct view *v);	/* 1-based, of the cursor */
/* Every trace in the view, in its order (each() non-zero stops). 0 or -1. */
int tracelist_each(struct view *v, int (*each)(void *ctx, const struct trace_row *t), void *ctx);
/* The first and last start time of the traces in the view (its filters:
 * status, time, action, host, finding, the / filter), for E's file name. */
void tracelist_bounds(struct view *v, int64_t *first, int64_t *last);
int64_t tracelist_total(struct view *v);

/* The / prompt's live count: start a scan of pattern (NULL/empty stops
 * it; false with PCRE2's message when it does not compile); it runs in
 * tracelist_idle(v, true) slices. tracelist_probe_count: matches so far
 * under the status filter, done when every trace was read; false when no
 * scan. */
bool tracelist_probe(struct view *v, const char *pattern, char *err, size_t errlen);
bool tracelist_probe_count(struct view *v, int64_t *n, bool *done);
/* Apply pattern as the filter (the probe's scan when it is the same
 * pattern: typing then Enter does not read the traces twice). */
bool tracelist_set_pattern(struct view *v, const char *pattern, char *err, size_t errlen);
/* The t filter: "19:30-19:45", "19:30" (from then on), "-15m" (the last
 * 15 minutes of trace starts; s, m, h, d), full times as for --since
 * ("2026-09-25T19:30"), a range with ".." or "-"; "" clears. Clock times
 * fall on the day of the first trace (an end before its start on the day
 * after). False with a reason in err. */
bool tracelist_set_time(struct view *v, const char *text, char *err, size_t errlen);
/* Jump to a trace number, a GUID prefix or a time (with a colon: "19:35"
 * on the first trace's day, or a full time as for --since: the first
 * trace that starts then or later); false when none. */
bool tracelist_jump(struct view *v, const char *what);
/* Show exactly the traces of finding finding_id (store order: the n-th
 * finding of store_findings has id n), every other filter off; the
 * header says "finding: kind"; x clears it with the others. */
void tracelist_set_finding(struct view *v, int64_t finding_id, const char *kind);

#endif
