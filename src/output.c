/* output.c - JSON, CSV and terminal-safe escaping of log text. */
#include "output.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../parsers/decode.h"
#include "../parsers/events.h"
#include "../parsers/timeparse.h"

static const char hex_digits[] = "0123456789abcdef";

/* Characters that are escaped although JSON and terminals take them raw:
 * C1 controls, and the bidirectional embeddings, overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069), which make a terminal or an editor
 * show text in another order than it has. */
bool output_hidden_char(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Log text is mostly printable ASCII, which needs no escape: find the end
 * of such a run eight bytes at a time (a word with no byte below 0x20,
 * equal to 0x7f or at or above 0x80 is all plain), then byte by byte. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static uint64_t has_zero_byte(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

static uint64_t has_byte_below(uint64_t w, unsigned char n)
{
	return (w - ONES * n) & ~w & HIGHS;
}

static size_t term_plain_run(const unsigned char *p, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if ((w & HIGHS) | has_byte_below(w, 0x20) |
		    has_zero_byte(w ^ (ONES * 0x7f)))
			break;
	}
	while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
		i++;
	return i;
}

/* The same for JSON, where '"' and '\\' need escapes too. */
static size_t json_plain_run(const unsigned char *p, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if ((w & HIGHS) | has_byte_below(w, 0x20) |
		    has_zero_byte(w ^ (ONES * 0x7f)) |
		    has_zero_byte(w ^ (ONES * '"')) |
		    has_zero_byte(w ^ (ONES * '\\')))
			break;
	}
	while (i < len && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
	       p[i] != '\\')
		i++;
	return i;
}

/* \uXXXX of a character of the Basic Multilingual Plane. */
static void put_u_escape(struct buf *out, uint32_t cp)
{
	char esc[6] = { '\\', 'u', hex_digits[(cp >> 12) & 15],
			hex_digits[(cp >> 8) & 15], hex_digits[(cp >> 4) & 15],
			hex_digits[cp & 15] };
	buf_append(out, esc, 6);
}

/* Names from disks and archives need not be UTF-8: a byte that does not
 * start a valid sequence is read as Windows-1252, as in log text (the
 * decoder's rule), and written as its \uXXXX escape. */
void json_string(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_reserve(out, len + 2);
	buf_putc(out, '"');
	size_t run = 0, i = 0;
	while ((i += json_plain_run(p + i, len - i)) < len) {
		unsigned char c = p[i];
		uint32_t cp = c;
		size_t n = 1;
		if (c >= 0x80) {
			n = utf8_char(p + i, len - i, &cp);
			if (n && !output_hidden_char(cp)) {
				i += n;
				continue;
			}
			if (!n) {
				n = 1;
				cp = cp1252_char(c);
			}
		}
		buf_append(out, s + run, i - run);
		switch (cp) {
		case '"': buf_append(out, "\\\"", 2); break;
		case '\\': buf_append(out, "\\\\", 2); break;
		case '\n': buf_append(out, "\\n", 2); break;
		case '\r': buf_append(out, "\\r", 2); break;
		case '\t': buf_append(out, "\\t", 2); break;
		default: put_u_escape(out, cp);
		}
		i += n;
		run = i;
	}
	buf_append(out, s + run, len - run);
	buf_putc(out, '"');
}

void json_cstr(struct buf *out, const char *s)
{
	if (!s)
		buf_append(out, "null", 4);
	else
		json_string(out, s, strlen(s));
}

static void term_escape_byte(struct buf *out, unsigned char c)
{
	switch (c) {
	case '\n': buf_append(out, "\\n", 2); return;
	case '\r': buf_append(out, "\\r", 2); return;
	case '\t': buf_append(out, "\\t", 2); return;
	case 0x1b: buf_append(out, "\\e", 2); return;
	default: {
		char esc[4] = { '\\', 'x', hex_digits[c >> 4], hex_digits[c & 15] };
		buf_append(out, esc, 4);
	}
	}
}

/* Invalid UTF-8 (names from disks and archives) is shown as \xHH. With
 * keep_lines, \n, \r and \t stay raw (CSV quotes them). */
static void escape_into(struct buf *out, const char *s, size_t len,
			bool keep_lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	buf_reserve(out, len);
	while ((i += term_plain_run(p + i, len - i)) < len) {
		unsigned char c = p[i];
		uint32_t cp = c;
		size_t n = 1;
		if (c >= 0x80) {
			n = utf8_char(p + i, len - i, &cp);
			if (n && !output_hidden_char(cp)) {
				i += n;
				continue;
			}
		}
		if (keep_lines && (c == '\n' || c == '\r' || c == '\t')) {
			i++;
			continue;
		}
		buf_append(out, s + run, i - run);
		if (n > 1)
			put_u_escape(out, cp);
		else
			term_escape_byte(out, c);
		i += n ? n : 1;
		run = i;
	}
	buf_append(out, s + run, len - run);
}

void term_escape(struct buf *out, const char *s, size_t len)
{
	escape_into(out, s, len, false);
}

/* The locale's character set, from the environment as setlocale() would
 * read it (tatrace never calls setlocale: C's own functions stay in the
 * "C" locale). */
bool output_utf8_locale(void)
{
	static int known = -1;
	if (known < 0) {
		const char *v = getenv("LC_ALL");
		if (!v || !*v)
			v = getenv("LC_CTYPE");
		if (!v || !*v)
			v = getenv("LANG");
		known = v && (strcasestr(v, "utf-8") || strcasestr(v, "utf8"));
	}
	return known != 0;
}

/* Bytes of the first cols code points of s (at most len). */
static size_t cols_prefix(const char *s, size_t len, size_t cols)
{
	size_t i = 0;
	for (size_t c = 0; i < len && c < cols; c++) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Display columns are approximated by code points: the table columns are
 * host names, components and file names, which are ASCII in practice. A
 * value cut to fit ends with an ellipsis, so that a cut name is never
 * taken for a whole one. */
static void term_field_cut(struct buf *out, const char *s, size_t len,
			   size_t width)
{
	bool utf8 = output_utf8_locale();
	size_t mark = utf8 || width < 4 ? 1 : 3;
	buf_append(out, s, cols_prefix(s, len, width - mark));
	if (utf8)
		buf_puts(out, "\xe2\x80\xa6");	/* U+2026 … */
	else
		buf_append(out, "...", mark);
}

static void term_pad(struct buf *out, size_t cols, size_t width)
{
	if (cols >= width)
		return;
	buf_reserve(out, width - cols);
	memset(out->data + out->len, ' ', width - cols);
	out->len += width - cols;
	out->data[out->len] = '\0';
}

void term_field(struct buf *out, const char *s, size_t width)
{
	/* plain ASCII, the usual case, is its own escape: one column a byte */
	size_t len = strlen(s);
	if (term_plain_run((const unsigned char *)s, len) == len) {
		if (len > width && width > 0) {
			term_field_cut(out, s, len, width);
			return;
		}
		buf_append(out, s, len);
		term_pad(out, len, width);
		return;
	}
	struct buf tmp = {0};
	term_escape(&tmp, s, len);
	size_t all = cols_prefix(tmp.data ? tmp.data : "", tmp.len, width);
	size_t cols = width;
	if (all < tmp.len && width > 0) {
		term_field_cut(out, tmp.data, tmp.len, width);
	} else {
		buf_append(out, tmp.data ? tmp.data : "", tmp.len);
		cols = 0;
		for (size_t i = 0; i < tmp.len; i++)
			cols += ((unsigned char)tmp.data[i] & 0xC0) != 0x80;
	}
	term_pad(out, cols, width);
	buf_free(&tmp);
}

/* A CSV file is opened in a spreadsheet or printed with cat: controls,
 * C1, bidi controls and invalid UTF-8 are escaped as on a terminal (\e,
 * \x07, \u009b, \u202e, \x9b); line breaks and tabs stay, quoted. */
void csv_field(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool plain = term_plain_run(p, len) == len;
	bool quote = false;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (plain && !quote) {
		buf_append(out, s, len);
		return;
	}
	struct buf tmp = {0};
	if (!plain) {
		escape_into(&tmp, s, len, true);
		s = tmp.data ? tmp.data : "";
		len = tmp.len;
	}
	if (!quote) {
		buf_append(out, s, len);
	} else {
		buf_putc(out, '"');
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '"')
				buf_putc(out, '"');
			buf_putc(out, s[i]);
		}
		buf_putc(out, '"');
	}
	buf_free(&tmp);
}

int output_errno;

void write_text(FILE *f, const char *s, size_t len, bool to_terminal)
{
	if (!to_terminal) {
		if (fwrite(s, 1, len, f) != len && !output_errno)
			output_errno = errno;
		return;
	}
	struct buf b = {0};
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		bool crlf = i + 1 < len && s[i] == '\r' && s[i + 1] == '\n';
		if (i < len && s[i] != '\n' && s[i] != '\t' && !crlf)
			continue;
		term_escape(&b, s + start, i - start);
		if (crlf)
			buf_putc(&b, s[i++]);
		if (i < len)
			buf_putc(&b, s[i]);
		start = i + 1;
	}
	if (fwrite(b.data ? b.data : "", 1, b.len, f) != b.len && !output_errno)
		output_errno = errno;
	buf_free(&b);
}
void buf_flush_to(struct buf *b, FILE *f)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len && !output_errno)
		output_errno = errno;	/* what main() reports */
	buf_reset(b);
}

void json_utc(struct buf *out, int64_t utc_us)
{
	char text[32];
	if (utc_us == EVENT_NONE) {
		buf_puts(out, "null");
		return;
	}
	format_utc_ms(utc_us, text);
	buf_printf(out, "\"%s\"", text);
}

void term_vprintf(FILE *f, const char *fmt, va_list ap)
{
	struct buf raw = { 0 }, out = { 0 };
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	buf_reserve(&raw, (size_t)n + 1);
	vsnprintf(raw.data, (size_t)n + 1, fmt, ap);
	raw.len = (size_t)n;
	bool newline = raw.len && raw.data[raw.len - 1] == '\n';
	term_escape(&out, raw.data, raw.len - newline);
	if (newline)
		buf_putc(&out, '\n');
	fwrite(out.data, 1, out.len, f);
	buf_free(&raw);
	buf_free(&out);
}

void term_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	term_vprintf(f, fmt, ap);
	va_end(ap);
}
