/* output.h - writing log text safely: JSON strings, CSV fields, and
 * terminal-safe escapes.
 *
 * Log text is hostile: it may hold escape sequences that would reprogram
 * the terminal. Table output therefore escapes every C0/C1 control and DEL
 * (\n, \r, \t, \e and \xHH / \u00HH forms) so one record stays one line,
 * and the bidirectional controls that reorder text (U+202A..U+202E,
 * U+2066..U+2069) as \uXXXX; JSON escapes those too. Names need not be
 * UTF-8: invalid bytes become \xHH on terminals and, in JSON, the
 * \uXXXX escape of their Windows-1252 reading. */
#ifndef TATRACE_OUTPUT_H
#define TATRACE_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/util.h"

/* The one rule of what is never shown raw, for every output path (tables,
 * text, CSV, JSON, the dashboard), beyond C0 and DEL that all of them
 * escape anyway: C1 controls and the bidi controls that reorder text,
 * which JSON and terminals would otherwise take raw. */
bool output_hidden_char(uint32_t cp);

/* Append s as a quoted JSON string (valid UTF-8 in, valid JSON out). */
void json_string(struct buf *out, const char *s, size_t len);
/* Append a quoted JSON string of a C string, or null when s is NULL. */
void json_cstr(struct buf *out, const char *s);
/* Append a UTC time (µs) as a quoted ISO 8601 string with milliseconds,
 * or null for EVENT_NONE (no time known). */
void json_utc(struct buf *out, int64_t utc_us);

/* Append s with control characters escaped for a terminal. */
void term_escape(struct buf *out, const char *s, size_t len);
/* Append s padded/truncated to exactly width display columns, escaped;
 * a value cut to fit ends with "…" (or "..." when the locale is not
 * UTF-8: output_utf8_locale). */
void term_field(struct buf *out, const char *s, size_t width);
/* LC_ALL, else LC_CTYPE, else LANG names a UTF-8 character set. */
bool output_utf8_locale(void);

/* Append s as a CSV field (RFC 4180 quoting when needed), controls
 * escaped as term_escape does but for \n, \r and \t, which are quoted. */
void csv_field(struct buf *out, const char *s, size_t len);

/* Write raw text; when to_terminal, escape controls other than \n and
 * \t so that nothing from a log reaches the terminal raw. */
void write_text(FILE *f, const char *s, size_t len, bool to_terminal);

/* fprintf for messages that may carry hostile names (file and folder
 * names, archive entries, option values): the formatted text is escaped
 * as term_escape does, but for a final newline, then written at once.
 * Every message that names something from a bundle goes through here. */
void term_printf(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void term_vprintf(FILE *f, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The errno of the first failed buf_flush_to (0: none), for the one
 * message main() prints when standard output failed. */
extern int output_errno;

/* Write and empty the buffer. */
void buf_flush_to(struct buf *b, FILE *f);

#endif
