/* lines.h - views that are a list of text lines: the trace detail, the
 * help screen and the preview pane. Lines hold UTF-8 that draw_text
 * escapes; / finds (case-insensitive), it hides nothing. */
#ifndef TATRACE_UI_LINES_H
#define TATRACE_UI_LINES_H

#include <stddef.h>
#include "app.h"

struct line {
	char *text;
	enum paint role;
	int hang;	/* wrapped rows start here; 0: draw_hang guesses */
	char *narrow;	/* shown instead under 120 columns; NULL */
};

struct lines {
	struct line *l;
	size_t n;
};

void lines_add(struct lines *ls, enum paint role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add a line with a narrower form (both copied), shown under 120
 * columns: a table row keeps its columns rather than wrapping. */
void lines_add_narrow(struct lines *ls, enum paint role, const char *text,
		      const char *narrow);
/* s in at most w columns of b, cut with an ellipsis, padded: a table's
 * cell (names are ASCII mostly; a cut never splits a UTF-8 sequence). */
void lines_cut(struct buf *b, const char *s, int w);
/* The file name of a bundle path, without its folders ('/' or '\\'). */
const char *lines_file_name(const char *path);
/* Add text split at newlines. */
void lines_add_text(struct lines *ls, enum paint role, const char *text, size_t len);
void lines_clear(struct lines *ls);

/* view_ops pieces for views whose data starts with a struct lines. */
int64_t lines_count(struct view *v);
/* Rows a line takes, soft-wrapped to the view's width. */
int lines_height(struct view *v, int64_t item);
void lines_draw_line(struct view *v, int64_t item, int sub, int y, int w,
		     bool selected, bool focused);
bool lines_match(struct view *v, int64_t item, const char *pattern);
/* A live update of a lines view: fresh is the same view opened again
 * (NULL when that failed: nothing changes). When its lines differ, v
 * takes them, its cursor on the same line's text; fresh is freed either
 * way. STALE_SCREEN when v changed. */
unsigned lines_swap(struct view *v, struct view *fresh);

/* The detail of one trace (for now: what `tatrace show` prints); pos and
 * total place it in the list's title ("trace N of M"). NULL on error. */
struct view *detail_open(struct app *a, int64_t trace_id, int64_t pos,
			 int64_t total);
int64_t detail_trace_id(struct view *v);
/* The help screen, the keys of view mask first. */
struct view *help_open(struct app *a, unsigned mask);

#endif
