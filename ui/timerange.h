/* timerange.h - the time ranges people type at the dashboard's `t`
 * prompts (the trace list's and the merged log's): pure parsing, no
 * store, no terminal. */
#ifndef TATRACE_UI_TIMERANGE_H
#define TATRACE_UI_TIMERANGE_H

#include <stdbool.h>
#include <stdint.h>

struct time_range {
	bool has_from, has_to;
	int64_t from, to;	/* UTC µs, inclusive */
};

/* A clock time without a date ("19:30", "05:00:10") means its LAST
 * occurrence not after last (the data's last time): with data from
 * 09-25 12:07 to 09-26 10:40, 00:05 is 09-26 00:05 and 19:30 is 09-25
 * 19:30. A range's end is the first occurrence at or after its start
 * (23:50-00:10 ends the next day). Else a full user time (see
 * parse_user_time). false when text is neither. */
bool time_point_parse(const char *text, int64_t last, int64_t *out);

/* text: "19:30-19:45" or "19:30" (clock times as above), "-15m" (the
 * last 15 minutes before last; s m h d, at most 100000 of them),
 * "A..B" with full times (2026-09-25T19:30) or clock times, or ""
 * (no bounds). false when text is none of these. */
bool time_range_parse(const char *text, int64_t last, struct time_range *out);

#endif
