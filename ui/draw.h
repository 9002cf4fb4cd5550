/* draw.h - the drawing primitives: the only place that writes cells.
 *
 * Every string goes through draw_text, which measures columns with
 * wcwidth and shows control characters and escape sequences escaped
 * (^[, \x9b) in reverse video: log text never reaches the terminal raw. */
#ifndef TATRACE_UI_DRAW_H
#define TATRACE_UI_DRAW_H

#include <stdbool.h>
#include "glyphs.h"
#include "theme.h"

/* Draw s (UTF-8) at (y, x) in at most w columns, cutting with an
 * ellipsis; pad fills the rest of w with blanks. Returns columns used. */
int draw_text(int y, int x, int w, enum paint role, const char *s, bool pad);
/* Columns [skip, skip + w) of s, for soft-wrapped lines: no ellipsis
 * (the next row goes on). Returns columns drawn. */
int draw_text_skip(int y, int x, int w, enum paint role, const char *s, int skip,
		   bool pad);
/* Columns from skip on of s in w columns, for text scrolled sideways: an
 * ellipsis marks each cut (the left one when skip > 0, taking a column;
 * the right one when the rest does not fit). Returns columns used. */
int draw_text_from(int y, int x, int w, enum paint role, const char *s, int skip, bool pad);
/* Soft wrap s to w columns, breaking after a blank when the row has one:
 * returns how many rows; for row >= 0 also its columns [*start, *end). */
int draw_wrap(const char *s, int w, int row, int *start, int *end);
/* The same with a hanging indent: rows after the first are hang columns
 * narrower (drawn hang columns in), so wrapped text stays in its column. */
int draw_wrap_hang(const char *s, int w, int hang, int row, int *start, int *end);
/* The hanging indent for s in w columns: where its last column of text
 * starts (after two or more blanks) within the first half; 0 if none. */
int draw_hang(const char *s, int w);
/* The same, right-aligned in w columns. */
int draw_text_right(int y, int x, int w, enum paint role, const char *s);
/* Blank w columns at (y, x) in role's attributes. */
void draw_fill(int y, int x, int w, enum paint role);
/* One glyph; returns 1. */
int draw_glyph(int y, int x, enum glyph g, enum paint role);
/* Columns s takes once escaped. */
int draw_width(const char *s);
/* True when terminfo knows $TERM (before the screen starts). */
bool draw_terminal_known(void);
/* A known terminal that cannot move its cursor (TERM=dumb: an editor's
 * shell buffer, a CI log): no screen can be drawn on it. */
bool draw_terminal_dumb(void);
/* Screen size. */
void draw_size(int *rows, int *cols);
void draw_clear(void);
void draw_flush(void);
/* Show the terminal cursor at (y, x), or hide it (y < 0). */
void draw_cursor(int y, int x);

#endif
