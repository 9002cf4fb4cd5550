/* timeparse.c - civil dates to day numbers and back, the clock-and-bias
 * strings of ConfigMgr logs, ISO 8601 output and --since/--until input.
 * Day arithmetic uses 400-year eras so it is exact without a table. */
#include "timeparse.h"

#include <stdlib.h>
#include <string.h>

#define DAYS_PER_ERA 146097
/* Days from 0000-03-01 to 1970-01-01 in the March-based calendar. */
#define EPOCH_SHIFT 719468
#define US_PER_DAY (86400 * US_PER_SEC)

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool civil_to_days(int year, int month, int day, int64_t *days)
{
	if (year < 1601 || year > 9999 || month < 1 || month > 12 ||
	    day < 1 || day > days_in_month(year, month))
		return false;
	/* Count years from March so the leap day is the last of the year. */
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;		/* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
	return true;
}

void days_to_civil(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + EPOCH_SHIFT;
	int64_t era = floor_div(z, DAYS_PER_ERA);
	int64_t doe = z - era * DAYS_PER_ERA;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

/* Read 1..maxd digits at s[*i]; false when there are none. */
static bool read_num(const char *s, size_t len, size_t *i, int maxd, int *v)
{
	int n = 0, d = 0;
	while (*i < len && d < maxd && s[*i] >= '0' && s[*i] <= '9') {
		n = n * 10 + (s[*i] - '0');
		(*i)++;
		d++;
	}
	*v = n;
	return d > 0;
}

static bool read_char(const char *s, size_t len, size_t *i, char c)
{
	if (*i < len && s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

bool parse_mdy(const char *s, size_t len, int64_t *days)
{
	size_t i = 0;
	int m, d, y;
	if (!read_num(s, len, &i, 2, &m) || !read_char(s, len, &i, '-') ||
	    !read_num(s, len, &i, 2, &d) || !read_char(s, len, &i, '-'))
		return false;
	size_t ystart = i;
	if (!read_num(s, len, &i, 4, &y) || i - ystart != 4 || i != len)
		return false;
	return civil_to_days(y, m, d, days);
}

/* ".f{1,}" -> µs, digits past the sixth truncated. */
static int64_t read_fraction(const char *s, size_t len, size_t *i)
{
	int64_t us = 0, scale = 100000;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		us += (s[*i] - '0') * scale;
		scale /= 10;
		(*i)++;
	}
	return us;
}

/* "HH:MM:SS[.f]" at s[*i]; false when malformed or out of range. */
static bool read_clock(const char *s, size_t len, size_t *i, int64_t *us)
{
	int h, m, sec;
	if (!read_num(s, len, i, 2, &h) || !read_char(s, len, i, ':'))
		return false;
	size_t at = *i;
	if (!read_num(s, len, i, 2, &m) || *i - at != 2 ||
	    !read_char(s, len, i, ':'))
		return false;
	at = *i;
	if (!read_num(s, len, i, 2, &sec) || *i - at != 2)
		return false;
	if (h > 23 || m > 59 || sec > 59)
		return false;
	int64_t frac = 0;
	if (*i + 1 < len && s[*i] == '.' && s[*i + 1] >= '0' && s[*i + 1] <= '9') {
		(*i)++;
		frac = read_fraction(s, len, i);
	}
	*us = ((int64_t)h * 3600 + m * 60 + sec) * US_PER_SEC + frac;
	return true;
}

bool parse_clock_bias(const char *s, size_t len, int64_t *us_of_day,
		      bool *has_bias, int32_t *bias_min)
{
	size_t i = 0;
	*has_bias = false;
	*bias_min = 0;
	if (!read_clock(s, len, &i, us_of_day))
		return false;
	if (i == len || (s[i] != '+' && s[i] != '-'))
		return true;
	/* Only a sign and 1..4 digits to the end count as a bias; anything
	 * else ("+-420", " 600") is a malformed tail we do not guess at. */
	bool neg = s[i] == '-';
	size_t at = ++i;
	int v;
	if (!read_num(s, len, &i, 4, &v) || i != len || i - at > 4)
		return true;
	*has_bias = true;
	*bias_min = neg ? -v : v;
	return true;
}

bool parse_clock_east(const char *s, size_t len, int64_t *us_of_day,
		      bool *has_bias, int32_t *bias_min)
{
	size_t i = 0;
	int h, m, sec;
	*has_bias = false;
	*bias_min = 0;
	if (!read_num(s, len, &i, 2, &h) || !read_char(s, len, &i, ':'))
		return false;
	size_t at = i;
	if (!read_num(s, len, &i, 2, &m) || i - at != 2 ||
	    !read_char(s, len, &i, ':'))
		return false;
	at = i;
	if (!read_num(s, len, &i, 2, &sec) || i - at != 2 || h > 23 ||
	    m > 59 || sec > 59)
		return false;
	int frac = 0;
	if (read_char(s, len, &i, '.')) {
		/* exactly "fff": what follows is the offset, even unsigned */
		at = i;
		if (!read_num(s, len, &i, 3, &frac) || i - at != 3)
			return false;
	}
	*us_of_day = ((int64_t)h * 3600 + m * 60 + sec) * US_PER_SEC +
		     (int64_t)frac * 1000;
	if (i == len)
		return true;
	bool neg = s[i] == '-';
	if (s[i] == '+' || s[i] == '-')
		i++;
	at = i;
	int v;
	if (!read_num(s, len, &i, 4, &v) || i != len || i - at > 4)
		return true;
	*has_bias = true;
	*bias_min = neg ? v : -v;
	return true;
}

bool time_non_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

bool parse_tz_bias(const char *s, int32_t *bias_min)
{
	size_t len = strlen(s), i = 0;
	if (!len)
		return false;
	bool neg = s[0] == '-';
	if (s[0] == '+' || s[0] == '-')
		i++;
	size_t at = i;
	int v;
	if (!read_num(s, len, &i, 4, &v))
		return false;
	if (i == len) {			/* a Windows bias in minutes */
		if (i - at > 1 && s[at] == '0')
			return false;	/* "-0400": ISO or minutes? */
		*bias_min = neg ? -v : v;
		return bias_valid(*bias_min);
	}
	/* "+HH:MM" / "-HH:MM": an offset east of UTC, sign required */
	int m;
	if (at == 0 || i - at != 2 || !read_char(s, len, &i, ':'))
		return false;
	size_t mat = i;
	if (!read_num(s, len, &i, 2, &m) || i - mat != 2 || i != len ||
	    m > 59)
		return false;
	int east = v * 60 + m;
	*bias_min = neg ? east : -east;
	return bias_valid(*bias_min);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

bool bias_from_deltas(int64_t *delta_us, size_t n, int32_t *bias_min)
{
	if (!n)
		return false;
	qsort(delta_us, n, sizeof(*delta_us), cmp_i64);
	/* the lower median: an even count does not average two zones */
	int64_t med = delta_us[(n - 1) / 2];
	const int64_t quarter = 15 * US_PER_MIN;
	int64_t q = med >= 0 ? (med + quarter / 2) / quarter :
			       -((-med + quarter / 2) / quarter);
	if (q < BIAS_MIN_VALID / 15 || q > BIAS_MAX_VALID / 15)
		return false;
	*bias_min = (int32_t)(q * 15);
	return true;
}

/* Write v as exactly width digits (v >= 0) at out. */
static char *put_digits(char *out, int64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return out + width;
}

void format_utc_ms(int64_t utc_us, char out[32])
{
	int64_t days = floor_div(utc_us, US_PER_DAY);
	int64_t ms = (utc_us - days * US_PER_DAY) / 1000;
	int y, mo, d;
	days_to_civil(days, &y, &mo, &d);
	char *o = out;
	if (y < 0) {
		*o++ = '-';
		y = -y;
	}
	/* years past 9999 only come from nonsense input; keep them whole */
	o = put_digits(o, y, y > 9999 ? (y > 99999 ? 6 : 5) : 4);
	*o++ = '-';
	o = put_digits(o, mo, 2);
	*o++ = '-';
	o = put_digits(o, d, 2);
	*o++ = 'T';
	o = put_digits(o, ms / 3600000, 2);
	*o++ = ':';
	o = put_digits(o, ms / 60000 % 60, 2);
	*o++ = ':';
	o = put_digits(o, ms / 1000 % 60, 2);
	*o++ = '.';
	o = put_digits(o, ms % 1000, 3);
	*o++ = 'Z';
	*o = '\0';
}

/* "Z", "+HH:MM", "+HHMM", "+HH" (or '-') to the end; offset east of UTC. */
static bool read_zone(const char *s, size_t len, size_t *i, int *off_min)
{
	*off_min = 0;
	if (*i == len)
		return true;
	if (s[*i] == 'Z' || s[*i] == 'z')
		return ++(*i) == len;
	if (s[*i] != '+' && s[*i] != '-')
		return false;
	int sign = s[*i] == '-' ? -1 : 1, h, m = 0;
	(*i)++;
	size_t at = *i;
	if (!read_num(s, len, i, 2, &h) || *i - at != 2)
		return false;
	read_char(s, len, i, ':');
	if (*i < len) {
		at = *i;
		if (!read_num(s, len, i, 2, &m) || *i - at != 2)
			return false;
	}
	if (*i != len || h > 23 || m > 59)
		return false;
	*off_min = sign * (h * 60 + m);
	return true;
}

/* "HH:MM[:SS[.f]]" for user input, seconds optional. */
static bool read_user_clock(const char *s, size_t len, size_t *i, int64_t *us)
{
	int h, m, sec = 0;
	size_t at = *i;
	if (!read_num(s, len, i, 2, &h) || *i - at != 2 ||
	    !read_char(s, len, i, ':'))
		return false;
	at = *i;
	if (!read_num(s, len, i, 2, &m) || *i - at != 2)
		return false;
	int64_t frac = 0;
	if (read_char(s, len, i, ':')) {
		at = *i;
		if (!read_num(s, len, i, 2, &sec) || *i - at != 2)
			return false;
		if (read_char(s, len, i, '.'))
			frac = read_fraction(s, len, i);
	}
	if (h > 23 || m > 59 || sec > 59)
		return false;
	*us = ((int64_t)h * 3600 + m * 60 + sec) * US_PER_SEC + frac;
	return true;
}

bool parse_user_time(const char *s, int64_t *utc_us)
{
	size_t len = strlen(s), i = 0;
	int y, mo, d, off;
	size_t at = i;
	if (!read_num(s, len, &i, 4, &y) || i - at != 4 ||
	    !read_char(s, len, &i, '-'))
		return false;
	at = i;
	if (!read_num(s, len, &i, 2, &mo) || i - at != 2 ||
	    !read_char(s, len, &i, '-'))
		return false;
	at = i;
	if (!read_num(s, len, &i, 2, &d) || i - at != 2)
		return false;
	int64_t days, us = 0;
	if (!civil_to_days(y, mo, d, &days))
		return false;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (!read_user_clock(s, len, &i, &us))
			return false;
	}
	if (!read_zone(s, len, &i, &off))
		return false;
	*utc_us = days * US_PER_DAY + us - (int64_t)off * US_PER_MIN;
	return true;
}
