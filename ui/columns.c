/* columns.c - column dropping and the stage strip. */
#include "columns.h"

#include <string.h>

struct column_info {
	const char *header;
	int width;
	int drop;
};

#define COLUMN_ROW(id, header, width, drop) [id] = { header, width, drop },
static const struct column_info columns[COLUMN_COUNT] = { COLUMN_TABLE(COLUMN_ROW) };
#undef COLUMN_ROW

const char *column_header(enum column c)
{
	return (unsigned)c < COLUMN_COUNT ? columns[c].header : "";
}

bool column_right_aligned(enum column c)
{
	return c == COL_ID || c == COL_PUSH || c == COL_OKN || c == COL_SPAN ||
	       c == COL_HOP_PUSH || c == COL_HOP_RECV || c == COL_HOP_RESP;
}

static int needed(const bool shown[COLUMN_COUNT])
{
	int w = 0, n = 0;
	for (int c = 0; c < COLUMN_COUNT; c++)
		if (shown[c]) {
			w += columns[c].width;
			n++;
		}
	return w + (n > 0 ? n - 1 : 0);
}

void columns_fit(int cols, struct column_layout *out)
{
	memset(out, 0, sizeof(*out));
	for (int c = 0; c < COLUMN_COUNT; c++)
		out->shown[c] = true;
	for (int rank = 1; needed(out->shown) > cols; rank++) {
		bool any = false;
		for (int c = 0; c < COLUMN_COUNT; c++)
			if (columns[c].drop == rank) {
				out->shown[c] = false;
				any = true;
			}
		if (!any && rank > COLUMN_COUNT)
			break;
	}
	int spare = cols - needed(out->shown);
	int x = 0;
	for (int c = 0; c < COLUMN_COUNT; c++) {
		if (!out->shown[c])
			continue;
		int w = columns[c].width, grow = 0;
		/* the spare widens Status to its longest word first, then
		 * Action up to its cap */
		if (c == COL_STATUS)
			grow = STATUS_FULL_WIDTH - w;
		else if (c == COL_ACTION)
			grow = ACTION_MAX_WIDTH - w;
		grow = spare < grow ? spare : grow;
		if (grow > 0) {
			w += grow;
			spare -= grow;
		}
		out->x[c] = x;
		out->width[c] = w;
		x += w + 1;
	}
	out->total = x > 0 ? x - 1 : 0;
}

/* ---- the stage strip ---- */

static void fill(enum glyph out[STAGE_COUNT], int passed, enum glyph at,
		 enum glyph rest)
{
	for (int i = 0; i < STAGE_COUNT; i++)
		out[i] = i < passed ? G_PASSED : i == passed ? at : rest;
}

/* The BTS cell: the server's report, when it was seen. */
static enum glyph bts_cell(const struct trace_row *t)
{
	if (t->bts_reported == EVENT_NONE)
		return G_NOT_REACHED;
	return t->bts_failed > 0 ? G_FAIL : G_PASSED;
}

/* How far the evidence goes, for statuses that name no stage. */
static int stages_seen(const struct trace_row *t)
{
	if (t->hop_receive_to_response != EVENT_NONE)
		return 5;
	if (t->clients && *t->clients)
		return 4;
	if (t->push_id != EVENT_NONE)
		return 3;
	if (t->guid)
		return 2;
	return t->lanes[0] > 0 ? 1 : 0;
}

void stage_strip(const struct trace_row *t, enum glyph out[STAGE_COUNT])
{
	enum trace_status st;
	if (!trace_status_parse(t->status, &st))
		st = TS_MISSING_EVIDENCE;
	switch (st) {
	case TS_UNAUTHORIZED: fill(out, 0, G_FAIL, G_NOT_REACHED); break;
	case TS_NOT_FORWARDED: fill(out, 1, G_MISSING, G_NOT_REACHED); break;
	case TS_NOT_PUSHED: fill(out, 2, G_MISSING, G_NOT_REACHED); break;
	case TS_NOT_DELIVERED: fill(out, 3, G_MISSING, G_NOT_REACHED); break;
	case TS_NO_RESPONSE: fill(out, 4, G_MISSING, G_NOT_REACHED); break;
	case TS_FAILED:
		fill(out, 4, G_FAIL, G_NOT_REACHED);
		if (t->hop_receive_to_response == EVENT_NONE && t->bts_failed > 0)
			out[3] = out[4] = G_MISSING;
		break;
	case TS_PARTIAL:
		fill(out, 3, G_MIXED, G_MIXED);
		break;
	case TS_COMPLETE: fill(out, 5, G_NOT_REACHED, G_NOT_REACHED); break;
	default: fill(out, stages_seen(t), G_UNKNOWN, G_NOT_REACHED); break;
	}
	if (st != TS_UNAUTHORIZED && st != TS_NOT_FORWARDED && st != TS_NOT_PUSHED &&
	    st != TS_PARTIAL)
		out[5] = bts_cell(t);
	else if (st == TS_PARTIAL && t->bts_reported != EVENT_NONE)
		out[5] = bts_cell(t);
	/* A push from the console (CMPivot, scripts) has no connector stages. */
	if (t->lanes[0] == 0 && t->push_id != EVENT_NONE)
		out[0] = out[1] = G_NA;
}

void stage_strip_target(const struct trace_row *t, const char *status,
			enum glyph out[STAGE_COUNT])
{
	enum trace_status st;
	if (!trace_status_parse(status, &st))
		st = TS_MISSING_EVIDENCE;
	switch (st) {
	case TS_COMPLETE: fill(out, 5, G_NOT_REACHED, G_NOT_REACHED); break;
	case TS_FAILED: fill(out, 4, G_FAIL, G_NOT_REACHED); break;
	case TS_NO_RESPONSE: fill(out, 4, G_MISSING, G_NOT_REACHED); break;
	case TS_NOT_DELIVERED: fill(out, 3, G_MISSING, G_NOT_REACHED); break;
	default: fill(out, 4, G_UNKNOWN, G_NOT_REACHED); break;
	}
	if (t->lanes[0] == 0 && t->push_id != EVENT_NONE)
		out[0] = out[1] = G_NA;
}
