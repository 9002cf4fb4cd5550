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

/* text: "19:30-19:45" or "19:30" (clock times on the day of first; a
 * range past midnight ends the next day), "-15m" (the last 15 minutes
 * before last; s m h d), "A..B" with full times (2026-09-25T19:30, see
 * parse_user_time), or "" (no bounds). first, last: the data's time
 * span. false when text is none of these. */
bool time_range_parse(const char *text, int64_t first, int64_t last,
		      struct time_range *out);

#endif
