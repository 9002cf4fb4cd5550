/* timerange.c - what `t` accepts, in one place (see timerange.h). */
#include "timerange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "../parsers/timeparse.h"

#define DAY_US 86400000000LL

/* "HH:MM[:SS]": seconds into a day, or -1. */
static int64_t clock_of(const char *s)
{
	int h, m, sec = 0, n = 0;
	if ((sscanf(s, "%2d:%2d:%2d%n", &h, &m, &sec, &n) == 3 ||
	     sscanf(s, "%2d:%2d%n", &h, &m, &n) == 2) && !s[n]) {
		if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 59)
			return -1;
		return (int64_t)h * 3600 + m * 60 + sec;
	}
	return -1;
}

/* Midnight UTC of the day holding us (floor, also before 1970). */
static int64_t day_of(int64_t us)
{
	return us - (us % DAY_US + DAY_US) % DAY_US;
}

/* A clock time on the day of base, moved a day forward when it is
 * before after (an end past midnight), or a day back when it is past
 * not_after (the latest occurrence); else a full user time. */
static bool time_part(const char *s, int64_t base, const int64_t *after,
		      const int64_t *not_after, int64_t *out)
{
	int64_t secs = clock_of(s);
	if (secs < 0)
		return parse_user_time(s, out);
	*out = day_of(base) + secs * 1000000LL;
	if (after && *out < *after)
		*out += DAY_US;
	if (not_after && *out > *not_after)
		*out -= DAY_US;
	return true;
}

bool time_point_parse(const char *text, int64_t last, int64_t *out)
{
	return time_part(text, last, NULL, &last, out);
}

/* "15m" after the minus sign. */
static bool relative_span(const char *s, int64_t *us)
{
	static const struct { char unit; int64_t us; } units[] = {
		{ 's', 1000000LL }, { 'm', 60000000LL }, { 'h', 3600000000LL }, { 'd', DAY_US },
	};
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || n <= 0 || n > 100000 || !*end || end[1])
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*end == units[i].unit) {
			*us = n * units[i].us;
			return true;
		}
	return false;
}

bool time_range_parse(const char *text, int64_t last, struct time_range *out)
{
	struct time_range r = {0};
	int64_t span;
	char *copy = xstrdup(text);
	char *a = copy, *b = NULL, *sep = strstr(copy, "..");
	if (sep) {
		*sep = '\0';
		b = sep + 2;
	} else if (*copy != '-') {
		char *colon = strchr(copy, ':');
		if (colon && (sep = strchr(colon, '-'))) {
			*sep = '\0';
			b = sep + 1;
		}
	}
	bool ok = true;
	if (!*copy && !b) {
		/* no bounds */
	} else if (*copy == '-' && !b) {
		ok = relative_span(copy + 1, &span);
		r.from = last - span;
		r.has_from = ok;
	} else {
		if (*a && !(r.has_from = time_point_parse(a, last, &r.from)))
			ok = false;
		/* The end: the first occurrence at or after the start
		 * (23:50-00:10 ends the next day), else as a start. */
		if (ok && b && *b && !(r.has_to = r.has_from
				? time_part(b, r.from, &r.from, NULL, &r.to)
				: time_point_parse(b, last, &r.to)))
			ok = false;
		if (ok && !r.has_from && !r.has_to)
			ok = false;
	}
	free(copy);
	if (ok)
		*out = r;
	return ok;
}
