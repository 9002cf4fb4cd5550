/* display.c - the layout of every screen and the one function that draws a
 * frame (display_draw): the bar, the list and its preview or the view on
 * top of the stack, title bars, the status line or prompt, the hint bar
 * generated from the action table. Below 80x24 it says so instead.
 * A screen of several panes (the list and its preview; the timeline and
 * its events next) has its layout function here, chosen by the view on
 * top of the stack. */
#include <stdio.h>
#include <string.h>

#include "app_internal.h"
#include "draw.h"
#include "glyphs.h"
#include "timeline.h"
#include "tracelist.h"

static void draw_title(struct view *v, int y, int w, bool focused)
{
	struct buf b = {0};
	buf_printf(&b, "[%s] ", v->ops->name);
	if (v->ops->title)
		v->ops->title(v, &b);
	enum paint role = focused ? PAINT_TITLE_FOCUS : PAINT_TITLE_BLUR;
	draw_text(y, 0, w, role, b.data, true);
	int64_t n = v->ops->count(v);
	char pct[16];
	int at = v->ops->percent ? v->ops->percent(v) : n > 0 ? (int)((v->item + 1) * 100 / n) : 100;
	snprintf(pct, sizeof(pct), "%3d%%", at);
	draw_text(y, w - 5, 5, role, pct, true);
	buf_free(&b);
}

/* The hint bar's first entries, what an admin reaches for first (the
 * design's bar: open, filter, status, findings, coverage, log, help,
 * back); the view's other keys follow in the table's order while they
 * fit. An 80-column bar showed fold-toggle and focus-next instead. */
static const enum action hint_first[] = {
	ACT_OPEN, ACT_LOG_RECORD, ACT_TL_RECORD, ACT_FINDING_TRACES, ACT_FILTER,
	ACT_STATUS_CYCLE, ACT_LOG_SEVERITY, ACT_TL_FLAG_NEXT, ACT_REC_TRACE, ACT_FINDINGS,
	ACT_COVERAGE, ACT_LOG, ACT_HELP, ACT_BACK,
};
#define HINT_FIRST (sizeof(hint_first) / sizeof(hint_first[0]))

/* Not worth a place: the moves everyone knows, each pair's second half. */
static bool hint_skipped(enum action id)
{
	return id == ACT_DOWN || id == ACT_UP || (id >= ACT_FIRST && id <= ACT_HALF_UP) ||
	       id == ACT_MATCH_PREV || id == ACT_REDRAW || id == ACT_FOLD || id == ACT_UNFOLD ||
	       id == ACT_TL_EVENT_PREV || id == ACT_TL_LANE_UP || id == ACT_TL_STAGE_PREV ||
	       id == ACT_TL_FLAG_PREV;
}

static bool hint_is_first(enum action id)
{
	for (size_t i = 0; i < HINT_FIRST; i++)
		if (hint_first[i] == id)
			return true;
	return false;
}

/* One entry, "key name ", when it fits: false when it does not. */
static bool draw_hint(const struct action_info *ai, int y, int *x, int w)
{
	char keys[64];
	action_keys_text(ai, keys, sizeof(keys));
	char *sp = strchr(keys, ' ');
	if (sp)
		*sp = '\0';
	int need = draw_width(keys) + 1 + (int)strlen(ai->name) + 1;
	if (*x + need > w)
		return false;
	*x += draw_text(y, *x, w - *x, PAINT_HINT_KEY, keys, false);
	*x += draw_text(y, *x, 1, PAINT_NORMAL, " ", false);
	*x += draw_text(y, *x, w - *x, PAINT_HINT_LABEL, ai->name, false);
	*x += draw_text(y, *x, 1, PAINT_NORMAL, " ", false);
	return true;
}

static void draw_hints(struct app *a, int y, int w)
{
	unsigned mask = app_top(a)->ops->mask;
	int x = 0;
	draw_fill(y, 0, w, PAINT_NORMAL);
	for (size_t f = 0; f < HINT_FIRST; f++)
		for (size_t i = 0; i < action_info_count; i++) {
			const struct action_info *ai = &action_infos[i];
			if (ai->id == hint_first[f] && (ai->views & mask) && !draw_hint(ai, y, &x, w))
				return;
		}
	for (size_t i = 0; i < action_info_count; i++) {
		const struct action_info *ai = &action_infos[i];
		if (!(ai->views & mask) || hint_skipped(ai->id) || hint_is_first(ai->id))
			continue;
		if (!draw_hint(ai, y, &x, w))
			break;
	}
}

static void draw_top_bar(struct app *a, int w)
{
	struct buf b = {0};
	buf_printf(&b, " tatrace %s %s %s UTC %s ?:help", glyph(G_VBAR), a->store_path,
		   glyph(G_VBAR), glyph(G_VBAR));
	draw_text(0, 0, w, PAINT_BAR, b.data, true);
	buf_free(&b);
}

static void draw_bottom(struct app *a, int rows, int w)
{
	if (a->prompt != PROMPT_NONE && a->prompt != PROMPT_OVERWRITE) {
		draw_text(rows - 2, 0, w, a->info_role, a->info, true);
		const char *label = a->prompt == PROMPT_FILTER ? "/" :
				    a->prompt == PROMPT_GOTO ? ":" :
				    a->prompt == PROMPT_TIME ? "Time range (UTC): " :
				    a->prompt == PROMPT_VIEW ? a->prompt_label : "Export to: ";
		int x = draw_text(rows - 1, 0, w, PAINT_NORMAL, label, false);
		char save = a->input[a->cursor];
		a->input[a->cursor] = '\0';
		int cx = x + draw_width(a->input);
		a->input[a->cursor] = save;
		draw_text(rows - 1, x, w - x, PAINT_NORMAL, a->input, true);
		draw_cursor(rows - 1, cx < w ? cx : w - 1);
		return;
	}
	draw_cursor(-1, 0);
	draw_text(rows - 2, 0, w, a->message_role, a->message, true);
	draw_hints(a, rows - 1, w);
}

static void draw_list_screen(struct app *a, int rows, int w)
{
	struct view *list = a->stack[0];
	draw_top_bar(a, w);
	int head = 5;	/* bar, counts, strip, filters, column headings */
	int avail = rows - head - 4;
	int prev = rows < 30 ? 3 : avail * 2 / 5;
	list->lines = avail - prev;
	a->preview->lines = prev;
	list->cols = a->preview->cols = w;
	view_keep_visible(list);
	tracelist_draw_header(list, 1, w);
	/* The last column is the scroll bar's. */
	view_draw(list, head, w - 1, !a->preview_focus);
	tracelist_draw_scrollbar(list, head, w - 1);
	draw_title(list, head + list->lines, w, !a->preview_focus);
	tracelist_preview(list, &a->preview_lines);
	view_keep_visible(a->preview);
	view_draw(a->preview, head + 1 + list->lines, w, a->preview_focus);
	draw_title(a->preview, head + 1 + list->lines + prev, w, a->preview_focus);
}

static void draw_view_screen(struct app *a, int rows, int w)
{
	struct view *v = app_top(a);
	draw_top_bar(a, w);
	v->lines = rows - 4;
	v->cols = w;
	view_keep_visible(v);
	view_draw(v, 1, w, true);
	draw_title(v, rows - 3, w, true);
}

/* The timeline: its lanes on top, the events pane (the view's own lines)
 * below, one title bar under both. */
static void draw_timeline_screen(struct app *a, int rows, int w)
{
	struct view *v = app_top(a);
	draw_top_bar(a, w);
	int canvas = timeline_canvas_rows(v, rows);
	v->lines = rows - 4 - canvas;
	v->cols = w;
	view_keep_visible(v);
	timeline_draw_canvas(v, 1, w, canvas);
	view_draw(v, 1 + canvas, w, !timeline_lanes_focused(v));
	draw_title(v, rows - 3, w, true);
}

void display_draw(struct app *a)
{
	int rows, cols;
	draw_size(&rows, &cols);
	draw_clear();
	if (cols < MIN_COLS || rows < MIN_ROWS) {
		char text[128];
		snprintf(text, sizeof(text), "tatrace needs %dx%d (now %dx%d) - resize or press q",
			 MIN_COLS, MIN_ROWS, cols, rows);
		int tw = draw_width(text);
		draw_text(rows / 2, tw < cols ? (cols - tw) / 2 : 0, cols, PAINT_NORMAL, text, false);
		draw_cursor(-1, 0);
	} else {
		if (a->depth == 1)
			draw_list_screen(a, rows, cols);
		else if (timeline_trace_id(app_top(a)))
			draw_timeline_screen(a, rows, cols);
		else
			draw_view_screen(a, rows, cols);
		draw_bottom(a, rows, cols);
	}
	draw_flush();
}
