/* timeparse.h - the date and time arithmetic of ConfigMgr logs.
 *
 * Windows writes the time-zone *bias*: minutes to add to local time to get
 * UTC (US Eastern summer +240, India -330). So UTC = local + bias. Times
 * here are microseconds since 1970-01-01 with no zone attached. */
#ifndef TATRACE_TIMEPARSE_H
#define TATRACE_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_MIN (60 * US_PER_SEC)

/* Days since 1970-01-01 of a proleptic Gregorian date; false if the date
 * does not exist (month 13, February 30, year outside 1601..9999). */
bool civil_to_days(int year, int month, int day, int64_t *days);
void days_to_civil(int64_t days, int *year, int *month, int *day);

/* "MM-DD-YYYY" (M and D may be unpadded). */
bool parse_mdy(const char *s, size_t len, int64_t *days);

/* "HH:MM:SS[.f{1,9}][+-BIAS]" - the fraction is truncated to µs; the bias
 * is taken only when it is a sign followed by 1..4 digits and nothing else
 * (so "+-420" and ".517 600" leave *has_bias false). Returns false when the
 * clock part itself is malformed. */
bool parse_clock_bias(const char *s, size_t len, int64_t *us_of_day,
		      bool *has_bias, int32_t *bias_min);

/* Windows biases lie in -840 (UTC+14, Kiribati) .. +720 (UTC-12); any
 * other value is malformed and placed as if the record had no bias. */
#define BIAS_MIN_VALID (-840)
#define BIAS_MAX_VALID 720
static inline bool bias_valid(int32_t bias_min)
{
	return bias_min >= BIAS_MIN_VALID && bias_min <= BIAS_MAX_VALID;
}

/* PSADT's clock (PowerShell App Deployment Toolkit, CMTrace style):
 * "HH:MM:SS.fff" with exactly three fraction digits, then the offset EAST
 * of UTC in minutes - the opposite of a Windows bias: 4.x writes "+600"
 * for Sydney and "-300" for New York; 3.x appends GetUtcOffset() without a
 * '+', so Sydney reads "10:15:30.123600". *bias_min is the Windows bias
 * (the offset negated); *has_bias is false when no well-formed offset
 * follows. Returns false when the clock part is malformed. */
bool parse_clock_east(const char *s, size_t len, int64_t *us_of_day,
		      bool *has_bias, int32_t *bias_min);

/* True when s holds a byte outside ASCII: a time written with
 * Arabic-Indic, fullwidth or other non-ASCII digits is not a time. */
bool time_non_ascii(const char *s, size_t len);

/* Parse "--tz" style offsets for HOST=BIAS: a Windows bias in minutes
 * ("+240", "-120", "0") or an ISO offset east of UTC ("-04:00", "+05:30",
 * converted: -04:00 is bias +240). False when neither, or out of
 * BIAS_MIN_VALID..BIAS_MAX_VALID. */
bool parse_tz_bias(const char *s, int32_t *bias_min);

/* The bias that joined pairs of events imply: delta_us[i] is (time on a
 * host whose clock is placed right) - (the same moment as an unplaced
 * host wrote it, taken as UTC), a few seconds of hop included. The median,
 * rounded to the nearest 15 minutes (all zones are whole quarters).
 * Sorts delta_us. False when n is 0 or the result is no valid bias. */
bool bias_from_deltas(int64_t *delta_us, size_t n, int32_t *bias_min);

/* local + bias minutes. */
static inline int64_t utc_from_local(int64_t local_us, int32_t bias_min)
{
	return local_us + (int64_t)bias_min * US_PER_MIN;
}

/* Format as ISO 8601 UTC with milliseconds: 2026-09-18T20:39:05.707Z
 * (24 chars + NUL). */
void format_utc_ms(int64_t utc_us, char out[32]);

/* Parse a user time for --since/--until: "2026-09-18", "2026-09-18T20:39",
 * "2026-09-18 20:39:05.707", optional trailing Z or +HH:MM/-HH:MM (UTC when
 * absent). */
bool parse_user_time(const char *s, int64_t *utc_us);

#endif
