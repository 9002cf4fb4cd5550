/* view.h - the generic view: a cursor over rows, scrolling, paging and
 * search, shared by every screen (tig's view_ops).
 *
 * A view shows items; an item takes one or more lines (a trace and its
 * unfolded client rows). Each view supplies a small table of callbacks:
 * how many items, how tall one is, how to draw one line, and the actions
 * of its own. Actions change state and return what went stale; the main
 * loop redraws (ui/app.c), never the action. */
#ifndef TATRACE_UI_VIEW_H
#define TATRACE_UI_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include "actions.h"
#include "../lib/util.h"

/* What an action made stale (bits). */
#define STALE_NONE 0u
#define STALE_SCREEN 1u		/* redraw */
#define STALE_DATA 2u		/* re-read the store, then redraw */
#define STALE_QUIT 4u
#define STALE_POP 8u		/* close the view */
#define STALE_UNHANDLED 16u	/* not this view's action */

struct app;
struct view;

struct view_ops {
	const char *name;	/* title bar: [name] */
	unsigned mask;		/* V_LIST, V_DETAIL, V_HELP (actions.h) */
	int64_t (*count)(struct view *v);
	/* Lines item takes (>= 1); may read the store. */
	int (*height)(struct view *v, int64_t item);
	/* Draw line sub of item at screen row y, w columns wide. */
	void (*draw_line)(struct view *v, int64_t item, int sub, int y, int w,
			  bool selected, bool focused);
	/* The view's own actions: STALE_* bits, STALE_UNHANDLED if none. */
	unsigned (*request)(struct view *v, enum action a);
	/* For / in views that find rather than filter, and for n/N. */
	bool (*match)(struct view *v, int64_t item, const char *pattern);
	/* Text after [name] in the title bar. */
	void (*title)(struct view *v, struct buf *out);
	void (*done)(struct view *v);
	/* Optional, for views over more than they hold (the merged log):
	 * find reads the store itself for / (view_find calls it instead of
	 * match); true when it moved or said why not on the status line
	 * (a bad pattern, a cancelled search), false when nothing matched. */
	bool (*find)(struct view *v, const char *pattern, bool backward);
	/* The title bar's percentage, when item/count is not the position. */
	int (*percent)(struct view *v);
	/* Optional, for live updates: another connection committed to the
	 * store (an ingest, the follow thread). Re-read what the view shows,
	 * keeping the cursor on the same thing (a trace by its GUID, an
	 * event by its record), not on the same row number. Called from one
	 * place (app.c) inside one read snapshot, bottom of the stack first,
	 * never while a prompt is open. STALE_SCREEN when something shown
	 * changed; STALE_NONE when nothing did, or when the store could not
	 * be read (the last good data stays). */
	unsigned (*reread)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	struct app *app;
	void *data;
	int64_t item;		/* the cursor: item and line within it */
	int sub;
	int64_t top_item;	/* first line on screen */
	int top_sub;
	int lines;		/* pane height and width, set by the layout */
	int cols;
};

/* Generic actions (moves, paging, n/N); STALE_UNHANDLED for the rest. */
unsigned view_request(struct view *v, enum action a);
/* Move the cursor by delta lines, keeping it on screen. */
unsigned view_move(struct view *v, int delta);
/* Put the cursor on item (line 0) and scroll it into view. */
void view_goto(struct view *v, int64_t item);
/* Scroll so the cursor is on screen (after a resize, say). */
void view_keep_visible(struct view *v);
/* Draw the pane's lines from screen row y0. */
void view_draw(struct view *v, int y0, int w, bool focused);
/* Step to the next item whose match() is true for pattern; false if none. */
bool view_find(struct view *v, const char *pattern, bool backward);

#endif
