/* glyphs.h - every symbol the dashboard draws, with its ASCII fallback.
 *
 * Drawing code asks for a glyph id, never a literal: `~`, --ascii or a
 * non-UTF-8 locale switch the whole screen to the ASCII column, one cell
 * for one cell, so layouts stay identical. Every UTF-8 glyph here is one
 * column wide under glibc (wcwidth). No curses here: unit-testable. */
#ifndef TATRACE_UI_GLYPHS_H
#define TATRACE_UI_GLYPHS_H

#include <stdbool.h>
#include "../db/trace_status.h"

/* X(id, utf8, ascii, legend) */
#define GLYPH_TABLE(X) \
	X(G_OK, "\u2713", "+", "complete") \
	X(G_MIXED, "\u25d0", "%", "partial, mixed across clients") \
	X(G_FAIL, "\u2717", "X", "a log said no: failed, unauthorized") \
	X(G_MISSING, "\u25cc", "!", "an expected record is absent") \
	X(G_UNKNOWN, "?", "?", "no log covers it; inferred target") \
	X(G_PASSED, "\u25a0", "#", "stage passed") \
	X(G_NOT_REACHED, "\u00b7", ".", "stage not reached") \
	X(G_NA, "-", "-", "stage not applicable (console push)") \
	X(G_CURSOR, "\u25b6", ">", "selection, focused pane") \
	X(G_CURSOR_BLUR, "\u25b7", "-", "selection, other pane") \
	X(G_UNFOLDED, "\u25be", "-", "client rows shown") \
	X(G_FOLDED, "\u25b8", "+", "client rows hidden") \
	X(G_TREE_MID, "\u251c", "|", "") \
	X(G_TREE_END, "\u2514", "`", "") \
	X(G_ELLIPSIS, "\u2026", "~", "text cut") \
	X(G_ARROW, "\u2192", ">", "") \
	X(G_VBAR, "\u2502", "|", "") \
	X(G_THUMB, "\u2503", "#", "list: where the cursor is in the whole list") \
	X(G_DASH, "\u2014", "-", "none") \
	X(G_UP, "\u2191", "^", "") \
	X(G_DOWN, "\u2193", "v", "") \
	X(G_HOP, "\u2501", "=", "a hop") \
	X(G_WAIT, "\u2504", ".", "waiting") \
	X(G_HEAD, "\u25b6", ">", "") \
	X(G_RULE, "\u2500", "-", "outcome strip: no trace started then") \
	X(G_EVENT, "\u25cf", "o", "timeline: an event") \
	X(G_SEVERAL, "\u25c9", "@", "timeline: several events in one cell") \
	X(G_CARET, "\u25b2", "^", "") \
	X(G_BREAK, "\u2248", "~", "timeline: an idle gap collapsed, its length printed") \
	X(G_STAGE, "\u25c6", "*", "timeline: a stage (forwarded, pushed, received, response, BTS)") \
	X(G_NEWLINE, "\u23ce", "|", "log: a line break inside one record (newline, SMS ~~)") \
	X(G_MATCH, "\u2022", "*", "timeline: an event / marked") \
	X(G_HOP_FROM, "\u2517", "+", "timeline: a hop leaves a stage") \
	X(G_HOP_TO, "\u2513", "+", "timeline: a hop reaches the next lane") \
	X(G_HOP_DOWN, "\u2503", "|", "timeline: a hop within one column") \
	X(G_HOP_BACK_FROM, "\u251b", "+", "timeline: a hop that points back (clock skew)") \
	X(G_HOP_BACK_TO, "\u250f", "+", "") \
	X(G_BAR1, "\u2581", ".", "timeline: clients in a cell, folded (1 of 8)") \
	X(G_BAR2, "\u2582", ",", "") \
	X(G_BAR3, "\u2583", ":", "") \
	X(G_BAR4, "\u2584", ";", "") \
	X(G_BAR5, "\u2585", "=", "") \
	X(G_BAR6, "\u2586", "+", "") \
	X(G_BAR7, "\u2587", "*", "") \
	X(G_BAR8, "\u2588", "#", "timeline: the fullest cell, folded") \
	X(G_NEW, "\u25bc", "v", "live: N new traces (or records) past the cursor; G goes to them")

#define GLYPH_ENUM(id, utf8, ascii, legend) id,
enum glyph { GLYPH_TABLE(GLYPH_ENUM) GLYPH_COUNT };
#undef GLYPH_ENUM

struct glyph_info {
	const char *utf8, *ascii, *legend;
};
extern const struct glyph_info glyph_infos[GLYPH_COUNT];

/* Which column glyph() reads; starts from the locale (glyphs_init). */
void glyphs_set_ascii(bool ascii);
bool glyphs_ascii(void);
/* True when the locale's codeset is UTF-8 (setlocale must have run). */
bool glyphs_locale_utf8(void);
const char *glyph(enum glyph g);

/* How a trace or target status looks: glyph and colour role (theme.h). */
struct status_look {
	enum glyph glyph;
	int role;
};
struct status_look status_look(const char *status);

#endif
