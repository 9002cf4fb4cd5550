/* lines.c - text-line views: the trace detail and the help screen. */
#include "lines.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "glyphs.h"
#include "../src/cli.h"
#include "../src/export.h"

void lines_add(struct lines *ls, enum paint role, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	buf_free(&b);
	ls->l = xrealloc(ls->l, (ls->n + 1) * sizeof(*ls->l));
	ls->l[ls->n++] = (struct line){ text ? text : xstrdup(""), role, 0, NULL };
}

void lines_add_narrow(struct lines *ls, enum paint role, const char *text, const char *narrow)
{
	ls->l = xrealloc(ls->l, (ls->n + 1) * sizeof(*ls->l));
	ls->l[ls->n++] = (struct line){ xstrdup(text), role, 0, narrow ? xstrdup(narrow) : NULL };
}

const char *lines_file_name(const char *path)
{
	const char *b = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	return *b ? b : path;
}

void lines_cut(struct buf *b, const char *s, int w)
{
	size_t len = strlen(s);
	if ((int)len <= w) {
		buf_printf(b, "%-*s", w, s);
		return;
	}
	size_t keep = (size_t)(w > 1 ? w - 1 : 0);
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	buf_append(b, s, keep);
	buf_puts(b, glyph(G_ELLIPSIS));
	for (int i = (int)keep + 1; i < w; i++)
		buf_putc(b, ' ');
}

/* A log line may be megabytes long: a text view keeps its start, and says
 * so (every redraw measures the lines it shows). */
#define LINE_MAX_BYTES 65536

void lines_add_text(struct lines *ls, enum paint role, const char *text, size_t len)
{
	const char *end = text + len;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
		char *copy;
		if (n > LINE_MAX_BYTES) {
			size_t keep = LINE_MAX_BYTES;
			while (keep > 0 && ((unsigned char)text[keep] & 0xc0) == 0x80)
				keep--;	/* not inside a UTF-8 sequence */
			struct buf b = {0};
			buf_append(&b, text, keep);
			buf_printf(&b, " %s (%zu more bytes: tatrace show has them all)",
				   glyph(G_ELLIPSIS), n - keep);
			copy = b.data;
		} else {
			copy = xstrndup(text, n);
		}
		ls->l = xrealloc(ls->l, (ls->n + 1) * sizeof(*ls->l));
		ls->l[ls->n++] = (struct line){ copy, role, 0, NULL };
		text += n + (nl ? 1 : 0);
	}
}

void lines_clear(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->l[i].text);
		free(ls->l[i].narrow);
	}
	free(ls->l);
	ls->l = NULL;
	ls->n = 0;
}

int64_t lines_count(struct view *v)
{
	return (int64_t)((struct lines *)v->data)->n;
}

/* The text column: two cells of marker ("▶ ") before it. */
static int text_width(struct view *v)
{
	return v->cols > 3 ? v->cols - 2 : 1;
}

/* The text to show in w columns: the narrow form when the line has one
 * and the view is under 120 columns (so a table's rows agree), or the
 * text is wider than the view. */
#define LINES_WIDE 118
static const char *line_text(const struct line *l, int w)
{
	return l->narrow && (w < LINES_WIDE || draw_width(l->text) > w) ? l->narrow : l->text;
}

/* Wrapped rows hang under the line's last column ("do:   advice",
 * "  j Down  move-down  next row"), so a column of text stays one. */
static int line_hang(const struct line *l, const char *text, int w)
{
	return l->hang ? l->hang : draw_hang(text, w);
}

int lines_height(struct view *v, int64_t item)
{
	struct lines *ls = v->data;
	int w = text_width(v);
	const char *text = line_text(&ls->l[item], w);
	if (draw_width(text) <= w)
		return 1;
	return draw_wrap_hang(text, w, line_hang(&ls->l[item], text, w), -1, NULL, NULL);
}

void lines_draw_line(struct view *v, int64_t item, int sub, int y, int w,
		     bool selected, bool focused)
{
	struct lines *ls = v->data;
	enum paint role = ls->l[item].role;
	if (selected)
		role = focused ? PAINT_CURSOR_FOCUS : PAINT_CURSOR_BLUR;
	draw_text(y, 0, 2, role, selected && sub == v->sub ? glyph(focused ? G_CURSOR : G_CURSOR_BLUR)
							   : "", true);
	int start = 0, end = 0, tw = text_width(v);
	const char *text = line_text(&ls->l[item], tw);
	int hang = sub ? line_hang(&ls->l[item], text, tw) : 0;
	draw_wrap_hang(text, tw, hang, sub, &start, &end);
	if (hang > tw / 2)
		hang = 0;	/* as draw_wrap_hang does */
	draw_fill(y, 2, hang, role);
	int used = hang + draw_text_skip(y, 2 + hang, end - start, role, text, start, false);
	if (selected)
		draw_fill(y, 2 + used, w - 2 - used, role);
}

bool lines_match(struct view *v, int64_t item, const char *pattern)
{
	struct lines *ls = v->data;
	const struct line *l = &ls->l[item];
	return *pattern && (strcasestr(l->text, pattern) || (l->narrow && strcasestr(l->narrow, pattern)));
}

unsigned lines_swap(struct view *v, struct view *fresh)
{
	if (!fresh)
		return STALE_NONE;
	struct lines *was = v->data, *now = fresh->data;
	bool same = was->n == now->n;
	for (size_t i = 0; same && i < now->n; i++)
		same = was->l[i].role == now->l[i].role && !strcmp(was->l[i].text, now->l[i].text);
	if (!same) {
		/* The cursor stays on its line's text when it is still there
		 * (the nearest such line), else on its row number. */
		int64_t at = v->item, best = -1;
		const char *text = at >= 0 && (size_t)at < was->n ? was->l[at].text : NULL;
		for (size_t i = 0; text && i < now->n; i++)
			if (!strcmp(now->l[i].text, text) &&
			    (best < 0 || llabs((int64_t)i - at) < llabs(best - at)))
				best = (int64_t)i;
		void *data = v->data;
		v->data = fresh->data;
		fresh->data = data;
		v->item = best >= 0 ? best : at;
		v->sub = 0;
		view_keep_visible(v);
	}
	fresh->ops->done(fresh);	/* the old data, or the unneeded new one */
	free(fresh);
	return same ? STALE_NONE : STALE_SCREEN;
}

/* ---- the trace detail ---- */

struct detail {
	struct lines lines;	/* first: lines_* read it */
	int64_t id, pos, total;
	char guid[64];
};

static void detail_title(struct view *v, struct buf *out)
{
	struct detail *d = v->data;
	buf_printf(out, "%s %s trace %" PRId64 " of %" PRId64, d->guid,
		   glyph(G_DASH), d->pos, d->total);
}

static unsigned detail_request(struct view *v, enum action a)
{
	(void)v;
	(void)a;
	return STALE_UNHANDLED;
}

static void detail_done(struct view *v)
{
	struct detail *d = v->data;
	lines_clear(&d->lines);
	free(d);
}

static int take_id(void *ctx, const struct trace_row *t)
{
	*(int64_t *)ctx = t->id;
	return 1;
}

/* Live: the trace's text again, found by its GUID (a rebuild numbers
 * traces afresh); one without a GUID keeps its number. */
static unsigned detail_reread(struct view *v)
{
	struct detail *d = v->data;
	int64_t id = d->id;
	if (d->guid[0]) {
		struct trace_query q = { .guid = d->guid };
		id = 0;
		if (store_traces(app_store(v->app), &q, take_id, &id) < 0 || !id)
			return STALE_NONE;	/* gone, or unreadable: as shown */
	}
	struct view *fresh = detail_open(v->app, id, d->pos, d->total);
	if (!fresh)
		return STALE_NONE;
	if (strcmp(((struct detail *)fresh->data)->guid, d->guid)) {
		detail_done(fresh);	/* renumbered: another trace now */
		free(fresh);
		return STALE_NONE;
	}
	d->id = id;
	return lines_swap(v, fresh);
}

static const struct view_ops detail_ops = {
	.name = "trace",
	.mask = V_DETAIL,
	.count = lines_count,
	.height = lines_height,
	.draw_line = lines_draw_line,
	.request = detail_request,
	.match = lines_match,
	.title = detail_title,
	.done = detail_done,
	.reread = detail_reread,
};

struct view *detail_open(struct app *a, int64_t trace_id, int64_t pos, int64_t total)
{
	struct buf b = {0};
	if (trace_export(app_store(a), trace_id, OUT_TEXT, &b) != 0) {
		app_message(a, PAINT_FAIL, "%s trace %" PRId64 ": %s", glyph(G_FAIL),
			    trace_id, store_error(app_store(a)));
		buf_free(&b);
		return NULL;
	}
	struct detail *d = xcalloc(1, sizeof(*d));
	d->id = trace_id;
	d->pos = pos;
	d->total = total;
	lines_add_text(&d->lines, PAINT_NORMAL, b.data ? b.data : "", b.len);
	for (size_t i = 0; i < d->lines.n; i++) {
		const char *t = d->lines.l[i].text;
		if (!strncmp(t, "GUID      ", 10))
			snprintf(d->guid, sizeof(d->guid), "%.40s", t + 10);
		if (!strncmp(t, "Next      ", 10))
			d->lines.l[i].role = PAINT_ACTIVE;
	}
	if (d->lines.n)
		d->lines.l[0].role = PAINT_HEADER;
	buf_free(&b);
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &detail_ops;
	v->app = a;
	v->data = d;
	return v;
}

int64_t detail_trace_id(struct view *v)
{
	return v->ops == &detail_ops ? ((struct detail *)v->data)->id : 0;
}

/* ---- help ---- */

/* The help's lines and whose keys come first (the title says); the
 * legend from line legend on, drawn in ascii's glyphs. */
struct help {
	struct lines lines;	/* first: lines_* read it */
	const char *first;
	size_t legend;
	bool ascii;
};

static void help_legend(struct lines *ls);

/* ~ pressed in the help: the legend again in the other glyphs (as many
 * lines, as wide: the view's place holds). */
static void help_fresh(struct view *v)
{
	struct help *h = v->data;
	if (h->ascii == glyphs_ascii())
		return;
	struct lines legend = {0};
	help_legend(&legend);
	for (size_t i = 0; i < legend.n && h->legend + i < h->lines.n; i++) {
		free(h->lines.l[h->legend + i].text);
		h->lines.l[h->legend + i].text = legend.l[i].text;
		legend.l[i].text = NULL;
	}
	lines_clear(&legend);
	h->ascii = glyphs_ascii();
}

static int help_height(struct view *v, int64_t item)
{
	help_fresh(v);
	return lines_height(v, item);
}

static void help_draw_line(struct view *v, int64_t item, int sub, int y, int w, bool selected,
			   bool focused)
{
	help_fresh(v);
	lines_draw_line(v, item, sub, y, w, selected, focused);
}

static void help_title(struct view *v, struct buf *out)
{
	struct help *h = v->data;
	buf_printf(out, "%s keys first, every view's next, the glyphs last",
		   h->first);
}

static unsigned help_request(struct view *v, enum action a)
{
	(void)v;
	(void)a;
	return STALE_UNHANDLED;
}

static void help_done(struct view *v)
{
	struct help *h = v->data;
	lines_clear(&h->lines);
	free(h);
}

static const struct view_ops help_ops = {
	.name = "help",
	.mask = V_HELP,
	.count = lines_count,
	.height = help_height,
	.draw_line = help_draw_line,
	.request = help_request,
	.match = lines_match,
	.title = help_title,
	.done = help_done,
};

/* One view's keys (the keys everywhere with exact V_ALL), under a title. */
static void help_section(struct lines *ls, const char *title, unsigned views, bool exact)
{
	lines_add(ls, PAINT_HEADER, "%s", title);
	for (size_t i = 0; i < action_info_count; i++) {
		const struct action_info *ai = &action_infos[i];
		if (exact ? ai->views != views : !(ai->views & views) || ai->views == V_ALL)
			continue;
		char keys[64];
		action_keys_text(ai, keys, sizeof(keys));
		lines_add(ls, PAINT_NORMAL, "  %12s  %-16s %s", keys, ai->name, ai->help);
	}
	lines_add(ls, PAINT_NORMAL, "%s", "");
}

static bool view_has_keys(unsigned view)
{
	for (size_t i = 0; i < action_info_count; i++)
		if ((action_infos[i].views & view) && action_infos[i].views != V_ALL)
			return true;
	return false;
}

/* The legend: each glyph with its ASCII fallback in brackets; in ASCII
 * mode the fallback is what the screen draws, shown once (the rows as
 * wide either way). */
static void help_legend(struct lines *ls)
{
	bool ascii = glyphs_ascii();
	lines_add(ls, PAINT_HEADER, "%s", ascii ? "Glyphs (ASCII; ~ shows UTF-8 and ASCII)"
						: "Glyphs (ASCII fallback in brackets; ~ toggles)");
	for (int g = 0; g < GLYPH_COUNT; g++) {
		const struct glyph_info *gi = &glyph_infos[g];
		if (!*gi->legend)
			continue;
		if (ascii)
			lines_add(ls, PAINT_NORMAL, "  %s      %s", gi->ascii, gi->legend);
		else
			lines_add(ls, PAINT_NORMAL, "  %s [%s]  %s", gi->utf8, gi->ascii, gi->legend);
	}
	lines_add(ls, PAINT_NORMAL, "  AFPDRB = Authorized Forwarded Pushed Delivered Responded BTS-reported");
	lines_add(ls, PAINT_NORMAL, "  HOST? = a candidate: its log covers the push and shows no receipt");
	lines_add(ls, PAINT_NORMAL, "Colour never carries meaning alone. NO_COLOR and --ascii work; TERM=dumb prints the list.");
}

struct view *help_open(struct app *a, unsigned mask)
{
	struct help *h = xcalloc(1, sizeof(*h));
	struct lines *ls = &h->lines;
	char title[96];
	unsigned current = 0;
	/* The current view's keys, the keys everywhere, then every other
	 * view's keys in the man page's order, then the legend. */
	h->first = "everywhere";
	for (size_t i = 0; i < action_view_count; i++) {
		const struct action_view *av = &action_views[i];
		if (!(mask & av->view) || av->view == V_HELP)
			continue;
		current = av->view;
		h->first = av->name;
		snprintf(title, sizeof(title), "%c%s (this view)", av->name[0] - 'a' + 'A', av->name + 1);
		if (view_has_keys(av->view))
			help_section(ls, title, av->view, false);
		break;
	}
	help_section(ls, "Everywhere", V_ALL, true);
	for (size_t i = 0; i < action_view_count; i++) {
		const struct action_view *av = &action_views[i];
		if (av->view == current || av->view == V_HELP || !view_has_keys(av->view))
			continue;
		snprintf(title, sizeof(title), "%c%s", av->name[0] - 'a' + 'A', av->name + 1);
		help_section(ls, title, av->view, false);
	}
	h->legend = ls->n;
	h->ascii = glyphs_ascii();
	help_legend(ls);
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &help_ops;
	v->app = a;
	v->data = h;
	return v;
}
