/* sms.c - site-server records, one per physical line:
 *   MESSAGE~~  $$<Component><MM-DD-YYYY HH:MM:SS.fff+BIAS><thread=N (0xH)>
 * The tail is anchored at the line end, so the split is the last "$$<"
 * before it; anything that does not fit is kept as a partial record. */
#include "parse_internal.h"

#include <string.h>
#include "timeparse.h"

static const char rotation_marker[] = "<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>";

struct sms_tail {
	size_t split;		/* where "$$<" starts */
	struct span component, date, clock;
	int32_t thread;
};

/* Start of the last occurrence of needle lying wholly in s[0..end), or -1. */
static ptrdiff_t rfind(const char *s, size_t end, const char *needle,
		       size_t nlen)
{
	if (end < nlen)
		return -1;
	size_t room = end - nlen + 1;	/* possible start positions */
	while (room) {
		const char *c = memrchr(s, needle[0], room);
		if (!c)
			return -1;
		if (memcmp(c, needle, nlen) == 0)
			return c - s;
		room = (size_t)(c - s);
	}
	return -1;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* "<thread=N (0xH)>" (the hex part optional) from t to the end. */
static bool thread_tail(const char *t, size_t len, int32_t *thread)
{
	size_t i = 8;	/* after "<thread=" */
	int64_t v = 0;
	while (i < len && t[i] >= '0' && t[i] <= '9' && i < 18)
		v = v * 10 + (t[i++] - '0');
	if (i == 8 || v > INT32_MAX)
		return false;
	*thread = (int32_t)v;
	if (len - i >= 4 && memcmp(t + i, " (0x", 4) == 0) {
		size_t h = i + 4;
		while (h < len && is_hex(t[h]))
			h++;
		if (h == i + 4 || h + 1 >= len || t[h] != ')')
			return false;
		i = h + 1;
	}
	return i + 1 == len && t[i] == '>';
}

/* "<date time>" between d (at its '<') and th (at the "><thread"). */
static bool stamp_shape(const char *line, size_t d, size_t th,
			struct sms_tail *tail)
{
	const char *sp = memchr(line + d + 1, ' ', th - d - 1);
	if (!sp)
		return false;
	size_t s = (size_t)(sp - line);
	tail->date = (struct span){(uint32_t)(d + 1), (uint32_t)(s - d - 1)};
	tail->clock = (struct span){(uint32_t)(s + 1), (uint32_t)(th - s - 1)};
	for (size_t i = d + 1; i < s; i++)
		if ((line[i] < '0' || line[i] > '9') && line[i] != '-')
			return false;
	return tail->date.len > 0 && tail->clock.len > 0 &&
	       !memchr(line + s + 1, '<', tail->clock.len);
}

/* Find the SMS tail at the end of line (terminator already stripped). */
static bool sms_tail_parse(const char *line, size_t len, struct sms_tail *tail)
{
	if (len < 16 || line[len - 1] != '>')
		return false;
	ptrdiff_t th = rfind(line, len, "><thread=", 9);
	if (th < 0 || !thread_tail(line + th + 1, len - (size_t)th - 1,
				   &tail->thread))
		return false;
	/* The component ends at the last "><" before the thread part, and
	 * a component holds no angle brackets, so the split is the last
	 * "$$<" before it. */
	ptrdiff_t d = rfind(line, (size_t)th, "><", 2);
	if (d < 0 || !stamp_shape(line, (size_t)d + 1, (size_t)th, tail))
		return false;
	ptrdiff_t split = rfind(line, (size_t)d, "$$<", 3);
	if (split < 0)
		return false;
	size_t cstart = (size_t)split + 3, clen = (size_t)d - cstart;
	if (memchr(line + cstart, '<', clen) || memchr(line + cstart, '>', clen))
		return false;
	tail->split = (size_t)split;
	tail->component = (struct span){(uint32_t)cstart, (uint32_t)clen};
	return true;
}

bool sms_line_framed(const char *line, size_t len)
{
	struct sms_tail tail;
	return sms_tail_parse(line, len, &tail);
}

/* The message ends before the two separating spaces and the '~' the
 * writer puts in place of a line break. */
static size_t message_end(const char *line, size_t split)
{
	size_t e = split;
	for (int k = 0; k < 2 && e && line[e - 1] == ' '; k++)
		e--;
	for (int k = 0; k < 2 && e && line[e - 1] == '~'; k++)
		e--;
	return e;
}

static void sms_time(struct parser *p, const char *t,
		     const struct sms_tail *tail, struct log_record *rec)
{
	int64_t days, us;
	rec->time_text.off = tail->date.off;
	rec->time_text.len = tail->clock.off + tail->clock.len - tail->date.off;
	if (time_non_ascii(t + rec->time_text.off, rec->time_text.len)) {
		parser_warn_once(p, PARSER_WARN_NON_ASCII, "non-ASCII time,"
				 " records left untimed:",
				 t + rec->time_text.off, rec->time_text.len);
		return;
	}
	if (!parse_mdy(t + tail->date.off, tail->date.len, &days)) {
		parser_problem(p, "invalid date", t + tail->date.off,
			       tail->date.len);
		return;
	}
	if (!parser_clock(p, t + tail->clock.off, tail->clock.len, &us, rec)) {
		parser_problem(p, "invalid time", t + tail->clock.off,
			       tail->clock.len);
		return;
	}
	rec->local_us = days * 86400 * US_PER_SEC + us;
	rec->has_time = true;
}

size_t sms_next(struct parser *p, const char *t, size_t n, bool eof,
		struct log_record *rec)
{
	size_t content, end;
	size_t len = parser_line_split(p, t, n, eof, &content);
	if (!len)
		return 0;
	/* Blank lines after a line are part of it, not records (a line
	 * that is blank itself, at the start of a file, is one). */
	bool capped;
	if (!parser_blank_lines(p, t, len, n, eof, &end, &capped))
		return 0;
	len = end;
	struct sms_tail tail;
	if (!sms_tail_parse(t, content, &tail)) {
		rec->message.len = (uint32_t)content;
		rec->partial = content != sizeof(rotation_marker) - 1 ||
			       memcmp(t, rotation_marker, content) != 0;
	} else {
		rec->message.len = (uint32_t)message_end(t, tail.split);
		rec->component = tail.component;
		rec->thread = tail.thread;
		sms_time(p, t, &tail, rec);
	}
	return len;
}
