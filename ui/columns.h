/* columns.h - the trace list's columns and its stage strip: pure layout
 * logic, no curses, so the dropping rules are unit-tested.
 *
 * Narrow terminals drop columns in a fixed order (Push, Span, ->push,
 * GUID, ->resp, ->recv); #, Start, Status, Action, Ok/N and the stage
 * strip always stay, and Action takes what is left (up to a cap). */
#ifndef TATRACE_UI_COLUMNS_H
#define TATRACE_UI_COLUMNS_H

#include <stdbool.h>
#include "glyphs.h"
#include "../db/store.h"

/* X(id, header, width, drop order: 0 never, 1 first) */
#define COLUMN_TABLE(X) \
	X(COL_MARK, "", 2, 0) \
	X(COL_ID, "#", 6, 0) \
	X(COL_START, "Start", 12, 0) \
	X(COL_STATUS, "Status", 16, 0) \
	X(COL_ACTION, "Action", 12, 0) \
	X(COL_GUID, "TaskGUID", 9, 4) \
	X(COL_PUSH, "Push", 7, 1) \
	X(COL_OKN, "Ok/N", 5, 0) \
	X(COL_STAGES, "AFPDRB", 6, 0) \
	X(COL_HOP_PUSH, "\u2192push", 6, 3) \
	X(COL_HOP_RECV, "\u2192recv", 6, 6) \
	X(COL_HOP_RESP, "\u2192resp", 6, 5) \
	X(COL_SPAN, "Span", 7, 2)

#define COLUMN_ENUM(id, header, width, drop) id,
enum column { COLUMN_TABLE(COLUMN_ENUM) COLUMN_COUNT };
#undef COLUMN_ENUM

#define ACTION_MAX_WIDTH 24
/* "? missing_evidence", the longest status with its glyph: where there is
 * room (not at 80 columns) Status grows to it before Action grows. */
#define STATUS_FULL_WIDTH 18

struct column_layout {
	bool shown[COLUMN_COUNT];
	int x[COLUMN_COUNT];		/* start column */
	int width[COLUMN_COUNT];
	int total;
};
/* Fit the columns into cols terminal columns (one blank between). */
void columns_fit(int cols, struct column_layout *out);
const char *column_header(enum column c);
bool column_right_aligned(enum column c);

/* The six stages Authorized Forwarded Pushed Delivered Responded BTS of a
 * trace, from its row, as glyphs (see glyphs.h). */
#define STAGE_COUNT 6
void stage_strip(const struct trace_row *t, enum glyph out[STAGE_COUNT]);
/* The same for one target of a trace (its own status). */
void stage_strip_target(const struct trace_row *t, const char *status,
			enum glyph out[STAGE_COUNT]);

#endif
