/* parser.c - format detection and the feed loop shared by every format:
 * it asks the format for the next record, counts lines, cuts records that
 * outgrow PARSER_MAX_RECORD, and hands each record to the sink. */
#include "parse_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/util.h"
#include "timeparse.h"

#define DETECT_BYTES (64u * 1024u)
#define DETECT_LINES 200
#define PROBLEM_TEXT_MAX 40

enum log_format format_detect(const char *text, size_t len)
{
	if (len > DETECT_BYTES)
		len = DETECT_BYTES;
	if (memmem(text, len, "<![LOG[", 7) ||
	    memmem(text, len, "]LOG]!><time=", 13))
		return FORMAT_CCM;
	size_t pos = 0;
	for (int i = 0; i < DETECT_LINES && pos < len; i++) {
		const char *lf = memchr(text + pos, '\n', len - pos);
		size_t end = lf ? (size_t)(lf - text) + 1 : len;
		if (sms_line_framed(text + pos,
				    parser_strip_eol(text + pos, end - pos)))
			return FORMAT_SMS;
		pos = end;
	}
	return FORMAT_PLAIN;
}

const char *format_name(enum log_format fmt)
{
	switch (fmt) {
	case FORMAT_PLAIN:
		return "plain";
	case FORMAT_CCM:
		return "ccm";
	case FORMAT_SMS:
		return "sms";
	}
	return "plain";
}

struct parser *parser_new(enum log_format fmt, const struct record_sink *sink,
			  uint32_t first_line)
{
	struct parser *p = xcalloc(1, sizeof(*p));
	p->fmt = fmt;
	p->sink = *sink;
	p->line = first_line;
	return p;
}

void parser_free(struct parser *p)
{
	free(p);
}

uint32_t parser_line(const struct parser *p)
{
	return p->line;
}

void parser_read_head(struct parser *p, const char *head, size_t n)
{
	if (p->fmt == FORMAT_CCM)
		ccm_read_head(p, head, n);
}

size_t parser_strip_eol(const char *t, size_t len)
{
	if (len && t[len - 1] == '\n')
		len--;
	if (len && t[len - 1] == '\r')
		len--;
	return len;
}

size_t parser_line_split(struct parser *p, const char *t, size_t n, bool eof,
			 size_t *content)
{
	size_t from = p->hint_eol <= n ? p->hint_eol : 0;
	const char *lf = memchr(t + from, '\n', n - from);
	size_t stop = lf ? (size_t)(lf - t) : n;
	const char *cr = memchr(t + from, '\r', stop - from);
	if (cr) {
		size_t c = (size_t)(cr - t);
		*content = c;
		if (c + 1 < n)
			return c + 1 + (t[c + 1] == '\n');
		if (eof)
			return c + 1;
		p->hint_eol = c;	/* the LF may come next */
		return 0;
	}
	if (lf) {
		*content = stop;
		return stop + 1;
	}
	if (!eof) {
		p->hint_eol = n;
		return 0;
	}
	*content = n;
	return n;
}

void parser_problem(struct parser *p, const char *what, const char *text,
		    size_t len)
{
	if (!p->sink.problem)
		return;
	/* prefix, up to 4 bytes per shown byte, "...", '"', NUL */
	char msg[64 + PROBLEM_TEXT_MAX * 4 + 8];
	size_t m = (size_t)snprintf(msg, 64, "%s \"", what);
	if (m > 63)
		m = 63;
	size_t shown = len < PROBLEM_TEXT_MAX ? len : PROBLEM_TEXT_MAX;
	/* do not cut a UTF-8 sequence in two */
	while (shown < len && shown && ((unsigned char)text[shown] & 0xC0) == 0x80)
		shown--;
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7F || c == '"' || c == '\\')
			m += (size_t)snprintf(msg + m, 5, "\\x%02X", c);
		else
			msg[m++] = (char)c;
	}
	if (shown < len) {
		memcpy(msg + m, "...", 3);
		m += 3;
	}
	msg[m++] = '"';
	msg[m] = '\0';
	p->sink.problem(p->sink.ctx, p->line, msg);
}

void parser_warn_once(struct parser *p, unsigned which, const char *what,
		      const char *text, size_t len)
{
	if (p->warned & which)
		return;
	p->warned |= which;
	parser_problem(p, what, text, len);
}

bool parser_clock(struct parser *p, const char *s, size_t len,
		  int64_t *us_of_day, struct log_record *rec)
{
	bool ok = p->psadt ?
		  parse_clock_east(s, len, us_of_day, &rec->has_bias,
				   &rec->bias_min) :
		  parse_clock_bias(s, len, us_of_day, &rec->has_bias,
				   &rec->bias_min);
	if (ok && rec->has_bias && !bias_valid(rec->bias_min)) {
		parser_warn_once(p, PARSER_WARN_BIAS, "bias outside -840..720,"
				 " placed without it:",
				 s, len);
		rec->has_bias = false;
		rec->bias_min = 0;
	}
	rec->psadt = ok && rec->has_bias && p->psadt;
	return ok;
}

bool parser_blank_lines(struct parser *p, const char *t, size_t at, size_t n,
			bool eof, size_t *end, bool *capped)
{
	size_t i = p->hint_blank > at && p->hint_blank <= n ? p->hint_blank : at;
	*capped = false;
	for (;;) {
		size_t j = i, next;
		while (j < n && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j < n && t[j] == '\n')
			next = j + 1;
		else if (j < n && t[j] == '\r' && j + 1 < n)
			next = j + 1 + (t[j + 1] == '\n');
		else if (j < n && t[j] != '\r')
			next = 0;	/* a line with text starts at i */
		else if (eof)
			next = n;	/* blanks (and a lone CR) up to eof */
		else if (j - at <= PARSER_BLANK_MAX) {
			p->hint_blank = i;
			return false;
		} else {
			next = j;	/* past the cap already */
		}
		if (next && next - at > PARSER_BLANK_MAX)
			*capped = true;
		if (!next || *capped) {
			*end = i;
			return true;
		}
		i = next;
		if (i == n && eof) {
			*end = n;
			return true;
		}
	}
}

/* Line breaks in a record: LF, CRLF, or a lone CR. */
static uint32_t count_breaks(struct parser *p, const char *t, size_t n)
{
	uint32_t breaks = 0;
	size_t i = p->prev_cr && n && t[0] == '\n' ? 1 : 0;
	const char *s = t + i, *end = t + n;
	while ((s = memchr(s, '\n', (size_t)(end - s)))) {
		breaks++;
		s++;
	}
	for (s = t + i; (s = memchr(s, '\r', (size_t)(end - s))); s++)
		if (s + 1 == end || s[1] != '\n')
			breaks++;
	p->prev_cr = n && t[n - 1] == '\r';
	return breaks;
}

/* Where to cut an oversized record: at the limit, but not inside a UTF-8
 * sequence or between CR and LF. n > PARSER_MAX_RECORD. */
static size_t cut_length(const char *t, size_t n)
{
	size_t cut = PARSER_MAX_RECORD;
	for (int k = 0; k < 3 && ((unsigned char)t[cut] & 0xC0) == 0x80; k++)
		cut--;
	if (t[cut - 1] == '\r' && t[cut] == '\n' && cut + 1 <= n)
		cut++;
	return cut;
}

static size_t format_next(struct parser *p, const char *t, size_t n, bool eof,
			  struct log_record *rec)
{
	switch (p->fmt) {
	case FORMAT_CCM:
		return ccm_next(p, t, n, eof, rec);
	case FORMAT_SMS:
		return sms_next(p, t, n, eof, rec);
	case FORMAT_PLAIN:
		break;
	}
	return plain_next(p, t, n, eof, rec);
}

static void record_init(struct log_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->thread = -1;
	rec->type = -1;
}

/* Returns false when the sink asked to stop. */
static bool emit(struct parser *p, const char *t, size_t n,
		 struct log_record *rec)
{
	rec->text = t;
	rec->len = n;
	rec->line = p->line;
	rec->keyword_sev = (uint8_t)keyword_severity_of(t + rec->message.off,
							rec->message.len);
	p->line += count_breaks(p, t, n);
	p->hint_opener = p->hint_closer = p->hint_eol = p->hint_len = 0;
	p->hint_blank = 0;
	return p->sink.record(p->sink.ctx, rec) == 0;
}

size_t parser_feed(struct parser *p, const char *text, size_t len, bool eof)
{
	size_t pos = 0;
	if (p->stopped || !text)
		return 0;
	if (len < p->hint_len)
		p->hint_opener = p->hint_closer = p->hint_eol =
			p->hint_blank = 0;
	while (pos < len) {
		struct log_record rec;
		record_init(&rec);
		size_t n = format_next(p, text + pos, len - pos, eof, &rec);
		if (n == 0 && len - pos <= PARSER_MAX_RECORD) {
			p->hint_len = len - pos;
			break;
		}
		if (n == 0 || n > PARSER_MAX_RECORD) {
			/* The rest is parsed again from the cut, as torn text. */
			n = cut_length(text + pos, len - pos);
			record_init(&rec);
			rec.partial = true;
			rec.message.len = (uint32_t)parser_strip_eol(text + pos, n);
			parser_problem(p, "record too long, cut at", text + pos,
				       n);
		}
		bool go = emit(p, text + pos, n, &rec);
		pos += n;
		if (!go) {
			p->stopped = true;
			break;
		}
	}
	return pos;
}
