/* parse_internal.h - what the format parsers (ccm.c, sms.c, plain.c) share
 * with the dispatcher in parser.c. Not part of the public API.
 *
 * Each format supplies a "next record" function: given text starting at a
 * record boundary, it fills rec (spans relative to text) and returns the
 * record's length, or 0 when the end cannot be known without more text
 * (never 0 with eof). parser.c does line counting, oversize cuts and the
 * sink calls, so the format code stays about framing only. */
#ifndef TATRACE_PARSE_INTERNAL_H
#define TATRACE_PARSE_INTERNAL_H

#include "parser.h"

struct parser {
	enum log_format fmt;
	struct record_sink sink;
	uint32_t line;		/* line the next record starts on */
	bool prev_cr;		/* last record ended in CR: a leading LF of
				 * the next one is the same line break */
	bool stopped;		/* the sink asked us to stop */
	/* Scan hints for the record at offset 0 of the next feed, set when a
	 * feed ends waiting for more text. The caller re-feeds that record
	 * from its start, so these offsets stay valid and a huge record is
	 * scanned once rather than once per feed. 0 = nothing known. */
	size_t hint_opener;	/* CCM: no "<![LOG[" starts before this */
	size_t hint_closer;	/* CCM: no "]LOG]!>" starts before this */
	size_t hint_eol;	/* SMS, plain: no CR or LF before this */
	size_t hint_blank;	/* CCM, SMS: the blank lines after the record
				 * reach at least this far */
	size_t hint_len;	/* the text they describe was this long; a
				 * shorter next feed cannot be that text */
	/* Per-file state. */
	unsigned warned;	/* PARSER_WARN_* already reported once */
	bool flavor_known;	/* CCM: PSADT detection done */
	bool psadt;		/* CCM: a PSADT log (parse_clock_east) */
};

/* Defects reported once per file rather than once per record. */
enum parser_warn {
	PARSER_WARN_BIAS = 1,		/* bias outside -840..720 */
	PARSER_WARN_NON_ASCII = 2,	/* non-ASCII characters in a time */
};

size_t ccm_next(struct parser *p, const char *t, size_t n, bool eof,
		struct log_record *rec);
/* parser_read_head for CCM: the flavour from a file's first text. */
void ccm_read_head(struct parser *p, const char *t, size_t n);
size_t sms_next(struct parser *p, const char *t, size_t n, bool eof,
		struct log_record *rec);
size_t plain_next(struct parser *p, const char *t, size_t n, bool eof,
		  struct log_record *rec);

/* The line at t: returns its length with the terminator (LF, CRLF or a
 * lone CR) and sets *content to its length without; 0 when more text is
 * needed. Uses and sets p->hint_eol. */
size_t parser_line_split(struct parser *p, const char *t, size_t n, bool eof,
			 size_t *content);

/* Blank lines (nothing but spaces and tabs before their terminator) from
 * t[at]: they belong to the record before them, never make one. Sets *end
 * to where the first non-blank line starts and returns true, or returns
 * false when only more text can tell (uses and sets p->hint_blank). At
 * most PARSER_BLANK_MAX bytes of them are taken (*capped set when more
 * follow), so that a flood of empty lines cannot make a record of any
 * size: memory stays bounded. */
#define PARSER_BLANK_MAX (64u * 1024u)
bool parser_blank_lines(struct parser *p, const char *t, size_t at, size_t n,
			bool eof, size_t *end, bool *capped);

/* Report a once-per-file defect (enum parser_warn) at the current line. */
void parser_warn_once(struct parser *p, unsigned which, const char *what,
		      const char *text, size_t len);

/* The clock-and-bias field of a record, with the checks every format
 * shares: non-ASCII characters make it no time (warned once), a bias out
 * of range is dropped (warned once), PSADT files read their offset the
 * other way round. Returns false when the clock is malformed. */
bool parser_clock(struct parser *p, const char *s, size_t len,
		  int64_t *us_of_day, struct log_record *rec);

/* Report "what \"text\"" at the current line, text escaped and cut short. */
void parser_problem(struct parser *p, const char *what, const char *text,
		    size_t len);

/* Length of line without a trailing LF, CRLF or CR. */
size_t parser_strip_eol(const char *t, size_t len);

/* Does the first text of a CMTrace file come from PSADT (see ccm.c)? */
bool ccm_is_psadt(const char *t, size_t n);

/* Does line (without terminator) end in a well-formed SMS tail? Used by
 * format detection; sms.c does the full parse. */
bool sms_line_framed(const char *line, size_t len);

#endif
