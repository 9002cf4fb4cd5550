/* view.c - scrolling, selection and search for every view. */
#include "view.h"

static int64_t view_count(struct view *v)
{
	return v->ops->count(v);
}

static int view_height(struct view *v, int64_t item)
{
	int h = v->ops->height ? v->ops->height(v, item) : 1;
	return h < 1 ? 1 : h;
}

static bool line_next(struct view *v, int64_t *item, int *sub)
{
	if (*sub + 1 < view_height(v, *item)) {
		(*sub)++;
		return true;
	}
	if (*item + 1 >= view_count(v))
		return false;
	(*item)++;
	*sub = 0;
	return true;
}

static bool line_prev(struct view *v, int64_t *item, int *sub)
{
	if (*sub > 0) {
		(*sub)--;
		return true;
	}
	if (*item <= 0)
		return false;
	(*item)--;
	*sub = view_height(v, *item) - 1;
	return true;
}

static bool before(int64_t ai, int as, int64_t bi, int bs)
{
	return ai < bi || (ai == bi && as < bs);
}

void view_keep_visible(struct view *v)
{
	int64_t n = view_count(v);
	if (n <= 0) {
		v->item = v->top_item = 0;
		v->sub = v->top_sub = 0;
		return;
	}
	if (v->item >= n)
		v->item = n - 1;
	if (v->sub >= view_height(v, v->item))
		v->sub = 0;
	int lines = v->lines > 0 ? v->lines : 1;
	/* Far away (a jump): start from the cursor and back up a screen. */
	if (before(v->item, v->sub, v->top_item, v->top_sub) ||
	    v->item - v->top_item > lines) {
		bool down = !before(v->item, v->sub, v->top_item, v->top_sub);
		v->top_item = v->item;
		v->top_sub = v->sub;
		for (int i = 0; down && i < lines - 1; i++)
			if (!line_prev(v, &v->top_item, &v->top_sub))
				break;
		return;
	}
	int dist = 0;
	int64_t i = v->top_item;
	int s = v->top_sub;
	while (before(i, s, v->item, v->sub) && line_next(v, &i, &s))
		dist++;
	while (dist >= lines) {
		line_next(v, &v->top_item, &v->top_sub);
		dist--;
	}
}

unsigned view_move(struct view *v, int delta)
{
	for (; delta > 0; delta--)
		if (!line_next(v, &v->item, &v->sub))
			break;
	for (; delta < 0; delta++)
		if (!line_prev(v, &v->item, &v->sub))
			break;
	view_keep_visible(v);
	return STALE_SCREEN;
}

void view_goto(struct view *v, int64_t item)
{
	v->item = item < 0 ? 0 : item;
	v->sub = 0;
	view_keep_visible(v);
}

/* Scroll on until the cursor's item shows whole (a wrapped last line
 * after G), as long as its first line stays on screen. */
static void view_reveal_end(struct view *v)
{
	int lines = v->lines > 0 ? v->lines : 1;
	int h = view_height(v, v->item);
	if (h <= 1 || h > lines)
		return;
	int dist = 0;
	int64_t i = v->top_item;
	int s = v->top_sub;
	while (before(i, s, v->item, h - 1) && line_next(v, &i, &s))
		dist++;
	for (; dist >= lines; dist--)
		line_next(v, &v->top_item, &v->top_sub);
}

/* Page moves scroll the screen with the cursor, as less and tig do. */
static unsigned view_page(struct view *v, int lines)
{
	for (int i = 0; i < (lines > 0 ? lines : -lines); i++) {
		bool moved = lines > 0 ? line_next(v, &v->item, &v->sub)
				       : line_prev(v, &v->item, &v->sub);
		if (!moved)
			break;
		if (lines > 0)
			line_next(v, &v->top_item, &v->top_sub);
		else
			line_prev(v, &v->top_item, &v->top_sub);
	}
	view_keep_visible(v);
	return STALE_SCREEN;
}

unsigned view_request(struct view *v, enum action a)
{
	int page = v->lines > 1 ? v->lines - 1 : 1;
	switch (a) {
	case ACT_DOWN: return view_move(v, 1);
	case ACT_UP: return view_move(v, -1);
	case ACT_FIRST:
		view_goto(v, 0);
		return STALE_SCREEN;
	case ACT_LAST:
		view_goto(v, view_count(v) - 1);
		view_reveal_end(v);
		return STALE_SCREEN;
	case ACT_PAGE_DOWN: return view_page(v, page);
	case ACT_PAGE_UP: return view_page(v, -page);
	case ACT_HALF_DOWN: return view_page(v, (page + 1) / 2);
	case ACT_HALF_UP: return view_page(v, -(page + 1) / 2);
	default: return STALE_UNHANDLED;
	}
}

void view_draw(struct view *v, int y0, int w, bool focused)
{
	v->cols = w;
	int64_t item = v->top_item, n = view_count(v);
	int sub = v->top_sub;
	for (int y = 0; y < v->lines; y++) {
		if (item >= n)
			break;
		bool sel = item == v->item && sub == v->sub;
		v->ops->draw_line(v, item, sub, y0 + y, w, sel, focused);
		if (!line_next(v, &item, &sub))
			break;
	}
}

bool view_find(struct view *v, const char *pattern, bool backward)
{
	if (v->ops->find)
		return v->ops->find(v, pattern, backward);
	if (!v->ops->match)
		return false;
	int64_t n = view_count(v);
	for (int64_t i = v->item + (backward ? -1 : 1); i >= 0 && i < n;
	     i += backward ? -1 : 1) {
		if (v->ops->match(v, i, pattern)) {
			view_goto(v, i);
			return true;
		}
	}
	return false;
}
