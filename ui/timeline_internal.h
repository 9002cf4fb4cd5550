/* timeline_internal.h - the timeline's state, shared by its modules:
 * timeline.c (reading the trace, the view and its keys, the canvas) and
 * tl_evidence.c (which log covers each host of the trace). Nothing else
 * includes it: other views get timeline.h. */
#ifndef TATRACE_UI_TIMELINE_INTERNAL_H
#define TATRACE_UI_TIMELINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "timeline.h"
#include "../parsers/events.h"

struct tl_event {
	int64_t utc;
	enum lane lane;
	enum event_kind kind;
	int64_t return_code, failed;
	unsigned flags;
	int row;		/* lane row it is drawn on */
	uint32_t line;
	int64_t file_id;
	uint64_t seq;
	/* A missing stage is a cursor stop too: no record, drawn `·?·` one
	 * column after where it was due (utc: the stage before it), what
	 * says what is missing. */
	bool missing;
	const char *what;
	char *host, *path, *text;
};

struct tl_target {
	char *host, *status;
	bool inferred;
	int64_t received, response, return_code;
	int row;		/* lane row (the last one shown carries the rest) */
};

/* A lane row: the connector, the server, then one per agent host. */
struct tl_row {
	enum lane lane;
	int target;		/* index in targets, -1 for none */
	const char *host;
};

#define MAX_ROWS 16

/* Evidence: for one host of the trace, the log of its lane that covers
 * the trace's time (or the one nearest to it), its bias and where the
 * bias came from. This is what tells "not collected" from "not
 * delivered": a missing receipt on a host whose log covers the push is
 * evidence; on a host whose log does not, it is only absence. */
struct tl_evidence {
	char *host;
	enum lane lane;
	char *log;		/* file name; NULL when the host has no log of the lane */
	bool covers;		/* the log covers [first, last] of the trace */
	int64_t from, to;	/* what it covers (µs) */
	int32_t bias;		/* INT32_MIN unknown */
	const char *source;	/* offset source of most of its records */
	int events;		/* the trace's events on this host */
	const char *missing;	/* the stage it lacks, if any */
};

/* Evidence rows at most, below 40 rows and from 40 rows. */
#define EVIDENCE_SMALL 3
#define EVIDENCE_TALL 6

struct timeline {
	int64_t id, pos, total;
	char guid[40], status[32], action[64];
	int64_t first, last, push_id, candidates;
	int64_t row_first;	/* the trace row's start (first is the axis') */
	int lane_events[TRACE_LANES];
	int64_t target_count;
	int64_t hop[3];
	bool skew;
	struct tl_event *ev;
	size_t n_ev, cap_ev;
	struct tl_target *tg;
	size_t n_tg;
	struct tl_row rows[MAX_ROWS];
	int n_rows;
	int hidden_hosts;	/* agent hosts beyond MAX_ROWS */
	/* the axis: ax is what is drawn; brk holds the breaks fit uses */
	bool fit, no_breaks;
	struct timeline_axis ax, brk;
	int64_t last_item;	/* the cursor at the last draw */
	bool lanes_focus;	/* Tab: the lanes take j/k, not the events pane */
	struct tl_evidence *evid;
	size_t n_evid;
	struct tl_evidence **evid_sorted;	/* evid by (lane, host), rebuilt after
						 * evid grew: a push to 500 clients */
	bool evid_stale;
	bool folded;		/* the clients as density rows (Space) */
	/* / marks the items whose text, host or kind matches; hides none */
	char *pattern;
	bool *matched;
	size_t n_matched;
	int evidence_pref;	/* v: -1 by height (shown from 40 rows), 0 off, 1 on */
	bool evidence_shown;	/* at the last layout */
	int evidence_lines;	/* rows it took then */
	int canvas_cols;
};

/* ---- tl_evidence.c ---- */

/* The hosts of the trace (the connector's and the server's from their
 * events, each target), what their logs cover, and what that proves;
 * lanes with no stored log at all. After the missing stages are built. */
void tl_evidence_build(struct timeline *tl, struct app *a);
/* Rows the evidence wants on a screen rows high (0 when hidden). */
int tl_evidence_rows(struct timeline *tl, int rows);
/* Draw it in lines rows from y (the last says how many hosts are left). */
void tl_evidence_draw(struct timeline *tl, int y, int w, int lines);
/* True when no stored log of lane covers the trace's time. */
bool tl_lane_uncollected(const struct timeline *tl, enum lane lane);

#endif
