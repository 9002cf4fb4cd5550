/* record.h - what a parser produces, and the sink it produces it into.
 *
 * A parser turns decoded UTF-8 text into a sequence of log records. Every
 * byte of the input belongs to exactly one record (raw text includes the
 * line terminator), so concatenating the records' text rebuilds the input.
 * Parsers know nothing of storage: the store, the tests and anything else
 * implement struct record_sink (the seam, in the manner of ncdu's dir.h). */
#ifndef TATRACE_RECORD_H
#define TATRACE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum log_format {
	FORMAT_PLAIN = 0,	/* one record per line */
	FORMAT_CCM = 1,		/* <![LOG[...]LOG]!><time=... > (CMTrace) */
	FORMAT_SMS = 2,		/* text  $$<Component><date time+bias><thread=N (0xH)> */
};

/* CMTrace's keyword severity ("error", "fail" but not "failover", "warn"),
 * kept apart from the explicit CCM type because it misfires on text like
 * "FailedClients: 0". */
enum keyword_severity {
	KSEV_NONE = 0,
	KSEV_WARNING = 1,
	KSEV_ERROR = 2,
};

/* Spans are byte offsets into text; a span with len 0 is absent. */
struct span {
	uint32_t off;
	uint32_t len;
};

struct log_record {
	const char *text;	/* raw decoded text, line terminator included */
	size_t len;
	uint32_t line;		/* 1-based line where the record starts */
	struct span message;	/* CCM: inside LOG[...]; SMS: before "  $$<"
				 * without trailing '~'; plain: line without
				 * terminator */
	struct span component;
	struct span time_text;	/* raw time as written, e.g.
				 * 19:35:04.936+240" date="09-25-2026 for CCM,
				 * 09-25-2026 19:35:04.936+240 for SMS */
	int64_t local_us;	/* local wall time, µs since 1970-01-01 as if
				 * it were UTC; valid when has_time */
	int32_t bias_min;	/* Windows bias: UTC = local + bias; valid when
				 * has_bias */
	int32_t thread;		/* -1 when absent or not numeric */
	int8_t type;		/* CCM type attribute 0..9, -1 when absent */
	uint8_t keyword_sev;	/* enum keyword_severity */
	bool has_time;		/* a valid date and time was parsed */
	bool has_bias;		/* an explicit, well-formed bias was present */
	bool psadt;		/* a PSADT log: bias_min was read from its
				 * east-of-UTC offset (see parse_clock_east) */
	bool partial;		/* torn/orphan text, or framing not recognised */
};

/* The sink a parser emits into. Called in input order, from one thread.
 * rec and everything it points to are only valid during the call: copy
 * what you keep. problem() reports a non-fatal defect (bad date, malformed
 * tail, oversized record) at a line; the record is still emitted.
 * record() returns 0 to go on, non-zero to make the parser stop feeding. */
struct record_sink {
	void *ctx;
	int (*record)(void *ctx, const struct log_record *rec);
	void (*problem)(void *ctx, uint32_t line, const char *what);
};

/* Keyword severity of a message, CMTrace's rules. */
enum keyword_severity keyword_severity_of(const char *msg, size_t len);

/* The severity shown to users: the CCM type when there is one (0 verbose,
 * 1 info, 2 warning, 3 error), else the keyword severity. */
enum severity {
	SEV_VERBOSE = 0,
	SEV_INFO = 1,
	SEV_WARNING = 2,
	SEV_ERROR = 3,
};
#define SEV_COUNT 4
enum severity severity_of(int type, enum keyword_severity ksev);
const char *severity_name(enum severity sev);	/* verbose|info|warning|error */

#endif
