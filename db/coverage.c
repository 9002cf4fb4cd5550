/* coverage.c - what each stored log covers: its time range, its records,
 * how its times were placed (offset sources) and its bias. The coverage
 * command and the findings (evidence gaps, time zones, upload gaps) read
 * the bundle's shape from here. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* The bias shown for a file: its own first explicit one, else the host's
 * --tz override when its records use it, else (records that borrowed the
 * host's bias) the first explicit bias of another log of the host - the
 * one lent when the host has a single bias. Only blocks holding a record
 * with an explicit bias (counted in n_explicit or n_psadt) have a bias:
 * the other files' blocks are not read, which a big log without biases
 * (a site server's) would cost every findings update tens of ms. */
static const char SQL_FILE_COVERAGE[] =
	"SELECT f.id, h.name, f.role, f.log_name, f.name, f.path, f.utc_min,"
	" f.utc_max, f.records, f.partial, f.n_error, f.n_explicit, f.n_host,"
	" f.n_override, f.n_assumed, f.n_psadt, f.n_joined,"
	" CASE WHEN f.n_explicit + f.n_psadt > 0 THEN (SELECT b.bias FROM blocks b"
	"  WHERE b.file_id = f.id AND b.bias IS NOT NULL ORDER BY b.seq LIMIT 1) END,"
	" CASE WHEN f.n_override > 0 THEN h.tz_override END,"
	" CASE WHEN f.n_host > 0 THEN (SELECT b.bias FROM files o"
	"  JOIN blocks b ON b.file_id = o.id WHERE o.host_id = f.host_id"
	"  AND o.id <> f.id AND o.n_explicit + o.n_psadt > 0"
	"  AND b.bias IS NOT NULL LIMIT 1) END,"
	" CASE WHEN f.n_joined > 0 THEN h.tz_joined END"
	" FROM files f LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE f.duplicate_of IS NULL"	/* a duplicate covers nothing more */
	" ORDER BY h.name, f.role, f.log_name, f.rotation, f.path";

struct coverage_rows {
	int (*each)(void *ctx, const struct store_file_coverage *c);
	void *ctx;
};

static int coverage_row(void *ctx, sqlite3_stmt *st)
{
	struct coverage_rows *r = ctx;
	struct store_file_coverage c = {
		.file_id = sqlite3_column_int64(st, 0),
		.host = store_column_str(st, 1),
		.role = store_column_str(st, 2),
		.log_name = store_column_str(st, 3),
		.name = store_column_str(st, 4),
		.path = store_column_str(st, 5),
		.timed = sqlite3_column_type(st, 6) != SQLITE_NULL,
		.utc_min = sqlite3_column_int64(st, 6),
		.utc_max = sqlite3_column_int64(st, 7),
		.records = sqlite3_column_int64(st, 8),
		.partial = sqlite3_column_int64(st, 9),
		.error_records = sqlite3_column_int64(st, 10),
		.bias_min = INT32_MIN,
	};
	/* The n_explicit..n_joined columns, in enum offset_source order. */
	_Static_assert(OFFSET_SOURCE_COUNT == 6, "one column per offset source");
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		c.per_offset_source[i] = sqlite3_column_int64(st, 11 + i);
	/* Its own bias, else the override, else the learned one, else the
	 * one borrowed from the host's other logs. */
	static const int bias_cols[] = { 17, 18, 20, 19 };
	for (size_t i = 0; i < 4 && c.bias_min == INT32_MIN; i++)
		if (sqlite3_column_type(st, bias_cols[i]) != SQLITE_NULL)
			c.bias_min = sqlite3_column_int(st, bias_cols[i]);
	return r->each(r->ctx, &c);
}

int store_file_coverage(struct store *s,
			int (*each)(void *ctx,
				    const struct store_file_coverage *c),
			void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILE_COVERAGE);
	struct coverage_rows r = { each, ctx };
	return st ? store_rows(s, st, coverage_row, &r) : -1;
}
