/* output.c - JSON, CSV and terminal-safe escaping of log text. */
#include "output.h"

#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

/* Length of a C1 control (U+0080..U+009F, UTF-8 C2 80..C2 9F) at s, or 0. */
static size_t c1_control_at(const unsigned char *s, size_t left)
{
	return left >= 2 && s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F ? 2 : 0;
}

void json_string(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_reserve(out, len + 2);
	buf_putc(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		buf_append(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_append(out, "\\\"", 2); break;
		case '\\': buf_append(out, "\\\\", 2); break;
		case '\n': buf_append(out, "\\n", 2); break;
		case '\r': buf_append(out, "\\r", 2); break;
		case '\t': buf_append(out, "\\t", 2); break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0', hex_digits[c >> 4],
					hex_digits[c & 15] };
			buf_append(out, esc, 6);
		}
		}
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

void term_escape(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;
	buf_reserve(out, len);
	for (size_t i = 0; i < len; i++) {
		size_t c1 = c1_control_at(p + i, len - i);
		if (!c1 && p[i] >= 0x20 && p[i] != 0x7f)
			continue;
		buf_append(out, s + run, i - run);
		if (c1) {
			char esc[6] = { '\\', 'u', '0', '0', hex_digits[p[i + 1] >> 4],
					hex_digits[p[i + 1] & 15] };
			buf_append(out, esc, 6);
			i++;
		} else {
			term_escape_byte(out, p[i]);
		}
		run = i + 1;
	}
	buf_append(out, s + run, len - run);
}

/* Display columns are approximated by code points: the table columns are
 * host names, components and file names, which are ASCII in practice. */
void term_field(struct buf *out, const char *s, size_t width)
{
	struct buf tmp = {0};
	term_escape(&tmp, s, strlen(s));
	size_t cols = 0, i = 0;
	while (i < tmp.len && cols < width) {
		i++;
		while (i < tmp.len && ((unsigned char)tmp.data[i] & 0xC0) == 0x80)
			i++;
		cols++;
	}
	buf_append(out, tmp.data, i);
	for (; cols < width; cols++)
		buf_putc(out, ' ');
	buf_free(&tmp);
}

void csv_field(struct buf *out, const char *s, size_t len)
{
	bool quote = false;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		buf_append(out, s, len);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

void write_text(FILE *f, const char *s, size_t len, bool to_terminal)
{
	if (!to_terminal) {
		fwrite(s, 1, len, f);
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
	fwrite(b.data ? b.data : "", 1, b.len, f);
	buf_free(&b);
}

void buf_flush_to(struct buf *b, FILE *f)
{
	if (b->len)
		fwrite(b->data, 1, b->len, f);
	buf_reset(b);
}
