/* plain.c - plain-text logs (WindowsUpdate.log exports and the like): one
 * record per line, with a timestamp only where a known prefix matches,
 * "YYYY/MM/DD HH:MM:SS(.f)" or "YYYY-MM-DD HH:MM:SS(.f)". */
#include "parse_internal.h"

#include <string.h>
#include "timeparse.h"

#define CLOCK_MAX 18	/* "HH:MM:SS." and up to 9 fraction digits */

static bool digits_at(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The date and clock at the start of a line, if there is one. */
static void plain_time(const char *t, size_t len, struct log_record *rec)
{
	if (len < 19 || !digits_at(t, 4) || (t[4] != '/' && t[4] != '-') ||
	    t[7] != t[4] || !digits_at(t + 5, 2) || !digits_at(t + 8, 2) ||
	    t[10] != ' ')
		return;
	size_t end = 11;
	while (end < len && end - 11 < CLOCK_MAX &&
	       ((t[end] >= '0' && t[end] <= '9') || t[end] == ':' ||
		t[end] == '.'))
		end++;
	int64_t days, us;
	bool has_bias;
	int32_t bias;
	if (!civil_to_days(num(t, 4), num(t + 5, 2), num(t + 8, 2), &days) ||
	    !parse_clock_bias(t + 11, end - 11, &us, &has_bias, &bias))
		return;
	rec->time_text = (struct span){0, (uint32_t)end};
	rec->local_us = days * 86400 * US_PER_SEC + us;
	rec->has_time = true;
}

size_t plain_next(struct parser *p, const char *t, size_t n, bool eof,
		  struct log_record *rec)
{
	size_t content;
	size_t len = parser_line_split(p, t, n, eof, &content);
	if (!len)
		return 0;
	rec->message.len = (uint32_t)content;
	plain_time(t, content, rec);
	return len;
}
