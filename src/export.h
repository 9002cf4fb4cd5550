/* export.h - one trace (or one trace row) as a file: the renderers behind
 * `tatrace show`, `tatrace traces --format json|csv` and the dashboard's
 * export key, so that all three write the same bytes. JSON field names
 * are a contract: add, never rename. */
#ifndef TATRACE_EXPORT_H
#define TATRACE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "../lib/util.h"

/* The targets of one trace, copied out of the store. */
struct target_list {
	struct trace_target *t;
	struct buf strings;
	size_t *offs;
	size_t n;
};
/* Read trace_id's targets into l (reused across calls). 0 or -1. */
int targets_read(struct store *s, int64_t trace_id, struct target_list *l);
void targets_free(struct target_list *l);

/* One trace row as a JSON object (no newline) / a CSV line. */
void trace_json(struct buf *b, const struct trace_row *t,
		const struct target_list *targets);
void trace_csv(struct buf *b, const struct trace_row *t,
	       const struct target_list *targets);
extern const char trace_csv_header[];

/* Trace id, summary and every event, appended to out as OUT_TEXT, OUT_JSON,
 * OUT_CSV or OUT_CHROME: exactly what `tatrace show` prints. Returns 0, 1
 * when there is no such trace, -1 on a store error (store_error). */
int trace_export(struct store *s, int64_t id, enum out_format fmt,
		 struct buf *out);

/* A list of traces as one file, row by row: the bytes of `tatrace traces
 * --format json|csv` for the same traces. begin, row for each trace (in
 * the list's order), end; end returns 0 or -1 (store or write error). */
struct traces_export {
	struct store *store;
	enum out_format fmt;	/* OUT_JSON or OUT_CSV */
	FILE *f;
	struct target_list targets;
	struct buf b;
	uint64_t n;
	bool failed;
};
void traces_export_begin(struct traces_export *x, struct store *s,
			 enum out_format fmt, FILE *f);
int traces_export_row(struct traces_export *x, const struct trace_row *t);
int traces_export_end(struct traces_export *x);

/* The format a file name asks for: .json, .csv, .txt, .chrome.json
 * (case-insensitive). False for any other name. */
bool export_format_of_path(const char *path, enum out_format *fmt);
/* The extension export_format_of_path maps to fmt (".json", ...). */
const char *export_extension(enum out_format fmt);

#endif
