/* pattern.h - the dashboard's PCRE2 patterns: one set of compile flags for
 * every / and & (the list's filter, the timeline's marks, the log's filter
 * and search), so a pattern means the same on every screen: UTF-8,
 * caseless, invalid UTF-8 in log text matched rather than refused, JIT
 * when it can. */
#ifndef TATRACE_UI_PATTERN_H
#define TATRACE_UI_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/* The compiled pattern, or NULL with "PCRE2's message at offset N" in
 * err. */
pcre2_code *ui_pattern_compile(const char *pattern, char *err, size_t errlen);
/* Does pattern compile? An empty or NULL one does (it clears). */
bool ui_pattern_check(const char *pattern, char *err, size_t errlen);

#endif
