/* actions.h - every key of the dashboard, in one table.
 *
 * The table yields the enum, the default key bindings that dispatch keys,
 * the help screen (`?`) and the KEYS section of tatrace(1) (`tatrace ui
 * --keys-man`; a test fails when the man page differs), so keys, help and
 * manual cannot drift. Rows are in help order; the first row whose views
 * include the current view and whose keys include the pressed key wins. */
#ifndef TATRACE_UI_ACTIONS_H
#define TATRACE_UI_ACTIONS_H

#include <stdbool.h>
#include <stdio.h>

/* Views an action applies in (bits). */
#define V_LIST 1u
#define V_DETAIL 2u
#define V_HELP 4u
#define V_TIMELINE 8u
#define V_FINDINGS 16u
#define V_COVERAGE 32u
#define V_LOG 64u
#define V_RECORD 128u
#define V_ALL (V_LIST | V_DETAIL | V_HELP | V_TIMELINE | V_FINDINGS | V_COVERAGE | V_LOG | \
	       V_RECORD)

/* X(enum, keys, name, views, help). keys: single characters, C-x for
 * control keys, <Name> for special keys (Up Down Left Right PgUp PgDn Home
 * End Enter Esc Tab Space F1), separated by spaces. */
#define ACTION_TABLE(X) \
	X(ACT_OPEN, "<Enter>", "open", V_LIST, "open the trace's timeline, its cursor on the problem") \
	X(ACT_UNFOLD, "l <Right>", "unfold", V_LIST, "show the trace's client rows") \
	X(ACT_FOLD, "h <Left>", "fold", V_LIST, "hide the trace's client rows") \
	X(ACT_FOLD_TOGGLE, "<Space>", "fold-toggle", V_LIST | V_TIMELINE, "fold or unfold the client rows (in a timeline: density rows, unfolded worst first)") \
	X(ACT_FOCUS, "<Tab>", "focus-next", V_LIST | V_TIMELINE, "move focus between the list and the preview, the lanes and the events") \
	X(ACT_STATUS_CYCLE, "s", "status-cycle", V_LIST, "status filter: all, each status, not_complete") \
	X(ACT_SORT_CYCLE, "o", "sort-cycle", V_LIST, "sort by start, status, span, action") \
	X(ACT_SORT_REVERSE, "O", "sort-reverse", V_LIST, "reverse the sort order (the title shows the arrow)") \
	X(ACT_CLEAR_FILTERS, "x", "clear-filters", V_LIST | V_LOG, "every filter off (the list: status, time, regex, finding; the log: the cursor's time kept)") \
	X(ACT_TIME_RANGE, "t", "time-range", V_LIST, "only traces in a UTC range: 19:30-19:45, 19:30 (its last occurrence), -15m; empty clears") \
	X(ACT_GOTO, ":", "goto", V_LIST, "jump to a trace number, GUID prefix or UTC time (19:35)") \
	X(ACT_FINDINGS, "F", "findings", V_LIST, "what is wrong: the findings, errors first, with advice and evidence") \
	X(ACT_COVERAGE, "C", "coverage", V_LIST, "what the logs cover: the selected trace's lanes and hosts first (not collected or not delivered), then each log") \
	X(ACT_LOG, "L", "log", V_LIST | V_RECORD | V_TIMELINE, "the merged log of every record, at the trace's start, the timeline's event or the record") \
	X(ACT_LOG_RECORD, "<Enter>", "record", V_LOG, "the record's detail: raw text, place, bias, fields, finding, neighbours") \
	X(ACT_LOG_SEVERITY, "s", "severity-cycle", V_LOG, "severity filter: all, warning and worse, errors only") \
	X(ACT_LOG_HOST, "H", "host", V_LOG, "only one host's records: any case, a unique prefix or part of its name; empty clears") \
	X(ACT_LOG_COMPONENT, "c", "component", V_LOG, "only one component's records: any case, a unique prefix or part of its name; empty clears") \
	X(ACT_LOG_GREP, "&", "grep", V_LOG, "PCRE2 on the message: hide the records that do not match; empty clears") \
	X(ACT_LOG_TIME, "t", "log-time", V_LOG, "only records in a UTC range: 19:30-19:45, 19:30 (its last occurrence), -15m; empty clears") \
	X(ACT_LOG_SCROLL_LEFT, "h <Left>", "scroll-left", V_LOG, "the messages half a screen back to the left (the title shows how far they are scrolled)") \
	X(ACT_LOG_SCROLL_RIGHT, "l <Right>", "scroll-right", V_LOG, "the messages half a screen to the right, while a row on screen goes on past the edge; the cursor row stays") \
	X(ACT_LOG_WIDE, "w", "wide", V_LOG, "hide or show the component column: the message gets its width") \
	X(ACT_REC_PREV, "[", "record-prev", V_RECORD, "the record before it in the same file") \
	X(ACT_REC_NEXT, "]", "record-next", V_RECORD, "the record after it in the same file") \
	X(ACT_REC_TRACE, "t", "trace", V_RECORD, "the timeline of the trace the record belongs to, on its event") \
	X(ACT_REC_RETARGET, "<Enter>", "retarget", V_RECORD, "on a record around it: show that one instead") \
	X(ACT_FINDING_TRACES, "<Enter>", "finding-traces", V_FINDINGS, "on an evidence row: that record's detail; elsewhere: back to the list, filtered to every trace the finding names (none: its first evidence record)") \
	X(ACT_TL_ZOOM_IN, "+ z", "zoom-in", V_TIMELINE, "zoom in: the next finer ms/col (1-2-5), the selected event kept in place") \
	X(ACT_TL_ZOOM_OUT, "- Z", "zoom-out", V_TIMELINE, "zoom out; back to fit past the fit scale") \
	X(ACT_TL_FIT, "=", "fit", V_TIMELINE, "the whole trace in the width") \
	X(ACT_TL_BREAKS, "b", "breaks", V_TIMELINE, "collapse idle gaps at fit scale, or not (the axis linear)") \
	X(ACT_TL_PAN_LEFT, "<", "pan-left", V_TIMELINE, "move the time axis a quarter of the width earlier") \
	X(ACT_TL_PAN_RIGHT, ">", "pan-right", V_TIMELINE, "move the time axis a quarter of the width later") \
	X(ACT_TL_EVENT_PREV, "h <Left>", "event-prev", V_TIMELINE, "the previous event in time, across the lanes (each one under a several mark)") \
	X(ACT_TL_EVENT_NEXT, "l <Right>", "event-next", V_TIMELINE, "the next event in time, across the lanes") \
	X(ACT_TL_LANE_DOWN, "j <Down>", "lane-down", V_TIMELINE, "lanes focused: the row below, onto its event nearest in time; events focused: the next event") \
	X(ACT_TL_LANE_UP, "k <Up>", "lane-up", V_TIMELINE, "lanes focused: the row above; events focused: the previous event") \
	X(ACT_TL_STAGE_NEXT, "}", "stage-next", V_TIMELINE, "the next stage: walk the hops") \
	X(ACT_TL_STAGE_PREV, "{", "stage-prev", V_TIMELINE, "the previous stage") \
	X(ACT_TL_FLAG_NEXT, "]", "flag-next", V_TIMELINE, "the next problem: a missing stage, a failure, an unmatched record, a receipt before its push") \
	X(ACT_TL_FLAG_PREV, "[", "flag-prev", V_TIMELINE, "the previous problem") \
	X(ACT_TL_EVIDENCE, "v", "evidence", V_TIMELINE, "show or hide the evidence rows: per host, the log that covers the trace, its bias and source, or not collected") \
	X(ACT_TL_RECORD, "<Enter>", "event-record", V_TIMELINE, "the detail of the record under the cursor: raw text, place, bias, fields, finding") \
	X(ACT_TL_DETAIL, "d", "detail", V_TIMELINE, "the trace's text detail: summary, targets and events") \
	X(ACT_EXPORT, "e", "export", V_LIST | V_DETAIL | V_TIMELINE, "write the trace to a file; the extension picks the format") \
	X(ACT_EXPORT_VIEW, "E", "export-view", V_LIST, "write every trace in the view to one file: .csv or .json, named after their first and last start") \
	X(ACT_YANK, "y", "yank", V_LIST | V_DETAIL | V_TIMELINE | V_RECORD, "copy the trace's GUID, or in a record's detail the record (escaped), to the clipboard (OSC 52: over SSH, in tmux)") \
	X(ACT_DOWN, "j <Down>", "move-down", V_ALL, "next row") \
	X(ACT_UP, "k <Up>", "move-up", V_ALL, "previous row") \
	X(ACT_FIRST, "g <Home>", "first", V_ALL, "first row") \
	X(ACT_LAST, "G <End>", "last", V_ALL, "last row") \
	X(ACT_PAGE_DOWN, "<PgDn> C-f", "page-down", V_ALL, "one screen down") \
	X(ACT_PAGE_UP, "<PgUp> C-b", "page-up", V_ALL, "one screen up") \
	X(ACT_HALF_DOWN, "C-d", "half-page-down", V_ALL, "half a screen down") \
	X(ACT_HALF_UP, "C-u", "half-page-up", V_ALL, "half a screen up") \
	X(ACT_FILTER, "/", "filter", V_ALL, "PCRE2: the list hides what does not match; the timeline marks matches and hides nothing; other views find") \
	X(ACT_MATCH_NEXT, "n", "match-next", V_ALL, "next match") \
	X(ACT_MATCH_PREV, "N", "match-prev", V_ALL, "previous match") \
	X(ACT_HELP, "? <F1>", "help", V_ALL, "this help, the current view's keys first") \
	X(ACT_BACK, "q <Esc>", "back", V_ALL, "back one view; quits from the list") \
	X(ACT_QUIT, "Q", "quit", V_ALL, "quit from anywhere") \
	X(ACT_GRAPHICS, "~", "toggle-graphics", V_ALL, "UTF-8 or ASCII glyphs") \
	X(ACT_REDRAW, "C-l", "redraw", V_ALL, "repaint the screen")

#define ACTION_ENUM(id, keys, name, views, help) id,
enum action { ACT_NONE = 0, ACTION_TABLE(ACTION_ENUM) ACT_COUNT };
#undef ACTION_ENUM

struct action_info {
	enum action id;
	const char *keys;
	const char *name;
	unsigned views;
	const char *help;
};
extern const struct action_info action_infos[];
extern const size_t action_info_count;

/* Every view with its name ("trace list"), in the man page's order; the
 * help screen lists the other views' keys in it. */
struct action_view {
	unsigned view;
	const char *name;
};
extern const struct action_view action_views[];
extern const size_t action_view_count;

/* The action bound to key (a curses key code) in view; ACT_NONE. */
enum action action_for_key(unsigned view, int key);
/* Parse one key name ("j", "C-d", "<PgDn>") into a curses key code; -1. */
int action_key_code(const char *name, size_t len);
/* Keys as shown to people: "j Down", "PgDn C-f". */
void action_keys_text(const struct action_info *a, char *out, size_t len);
/* The mdoc KEYS section of tatrace(1). */
void actions_man(FILE *f);

#endif
