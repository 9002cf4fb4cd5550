/* parser.h - format detection and the streaming record parsers.
 *
 * A parser is fed contiguous decoded text. It emits every complete record
 * and returns how many bytes it consumed; the caller keeps the rest, appends
 * more text and feeds again. At eof everything is consumed. Records are
 * found by their delimiters (CCM), by physical lines (SMS, plain); torn and
 * unframed text becomes partial records, never dropped. */
#ifndef TATRACE_PARSER_H
#define TATRACE_PARSER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "record.h"

/* Decide the format from the first decoded text of a file. */
enum log_format format_detect(const char *text, size_t len);
/* "plain", "ccm", "sms". */
const char *format_name(enum log_format fmt);

/* Largest record kept whole; longer text is cut into partial records of
 * this size and reported through sink->problem. */
#define PARSER_MAX_RECORD (64u * 1024u * 1024u)

struct parser;

/* first_line: line number of the first byte fed (1 for a whole file). */
struct parser *parser_new(enum log_format fmt, const struct record_sink *sink,
			  uint32_t first_line);
void parser_free(struct parser *p);
/* Returns bytes consumed. With eof, consumes all of len. If the sink asked
 * to stop, returns what was consumed up to and including that record. */
size_t parser_feed(struct parser *p, const char *text, size_t len, bool eof);
/* Lines started so far (the line number the next record would start on). */
uint32_t parser_line(const struct parser *p);
/* A parser fed from the middle of a file (a grown file read on from its
 * old end): what a parser decides once per file from its first text (the
 * CCM flavour: PSADT or not) is decided from head, the file's first
 * decoded text (64 KiB of it, or all of a shorter file), as it would be
 * had the parser been fed from the start. Call before parser_feed. */
void parser_read_head(struct parser *p, const char *head, size_t n);

#endif
