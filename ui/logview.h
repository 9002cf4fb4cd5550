/* logview.h - the merged log screen (L): every record of the store in UTC
 * order, as `tatrace log` prints it, with CMTrace's severity colours,
 * filters (host, component, severity, PCRE2, time range) and / search
 * through the whole store. It holds a window of records around the
 * cursor, never the log: memory stays bounded at any store size. */
#ifndef TATRACE_UI_LOGVIEW_H
#define TATRACE_UI_LOGVIEW_H

#include <stdint.h>
#include "app.h"

/* Open the merged log on top of the stack, its cursor on the record
 * (file_id, seq) at utc_us, or the first record at or after utc_us when
 * that one is not there (file_id 0: the first record at or after it).
 * Says why on the status line when the store cannot be read. */
void logview_open(struct app *a, int64_t utc_us, int64_t file_id, uint64_t seq);

/* ---- the window's arithmetic (pure; unit-tested) ---- */

/* Where a record sits in the merged order: (utc, file id, seq). */
struct log_key {
	int64_t utc;
	int64_t file_id;
	uint64_t seq;
};
int log_key_cmp(const struct log_key *a, const struct log_key *b);

/* The bytes of a message shown on one row: its first max bytes (cut on a
 * UTF-8 boundary), newlines (CRLF, LF, CR) and SMS "~~" marks replaced by
 * sep. Returns how many input bytes were used. */
size_t log_one_line(struct buf *out, const char *s, size_t len, size_t max, const char *sep);

#endif
