/* query.c - reading the store back: the file list, a file's text, records
 * and summary statistics (the merged log is db/logcursor.c). Everything
 * streams through callbacks. */
#include "store_internal.h"
#include "blocktext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/util.h"

static const char SQL_FILES[] =
	"SELECT f.id, h.name, f.path, f.name, f.log_name, f.role, f.format,"
	" f.encoding, f.rotation, f.size, f.mtime, f.records, f.partial,"
	" f.bytes, f.n_explicit, f.n_host, f.n_override, f.n_assumed,"
	" f.n_psadt, f.n_joined, h.tz_override, h.tz_joined,"
	" f.duplicate_of, f.utc_min, f.utc_max"
	" FROM files f LEFT JOIN hosts h ON h.id = f.host_id"
	" ORDER BY h.name, f.log_name, f.rotation, f.path";
static const char SQL_FILE_EXISTS[] = "SELECT 1 FROM files WHERE id = ?1";
static const char SQL_FILE_TEXT[] =
	"SELECT t.text, b.id FROM blocks b JOIN block_text t ON t.block_id = b.id"
	" WHERE b.file_id = ?1 ORDER BY b.seq";

struct file_rows {
	int (*each)(void *ctx, const struct store_file *f);
	void *ctx;
};

static int file_row(void *ctx, sqlite3_stmt *st)
{
	struct file_rows *r = ctx;
	struct store_file f = {
		.id = sqlite3_column_int64(st, 0),
		.host = store_column_str(st, 1),
		.path = store_column_str(st, 2),
		.name = store_column_str(st, 3),
		.log_name = store_column_str(st, 4),
		.role = store_column_str(st, 5),
		.format = store_column_str(st, 6),
		.encoding = store_column_str(st, 7),
		.rotation = sqlite3_column_int64(st, 8),
		.size = sqlite3_column_int64(st, 9),
		.mtime = sqlite3_column_int64(st, 10),
		.records = sqlite3_column_int64(st, 11),
		.partial = sqlite3_column_int64(st, 12),
		.bytes = sqlite3_column_int64(st, 13),
		.duplicate_of = sqlite3_column_int64(st, 22),
		.utc_min = store_column_num(st, 23),
		.utc_max = store_column_num(st, 24),
	};
	/* the source most of its timed records have; a tie goes to the
	 * stronger (lower number) */
	int64_t best = 0;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++) {
		int64_t n = sqlite3_column_int64(st, 14 + i);
		if (n > best) {
			best = n;
			f.offset_source = (enum offset_source)i;
		}
	}
	if (!best || f.offset_source == OFFSET_ASSUMED) {
		f.offset_source = OFFSET_ASSUMED;
		f.has_bias = true;	/* UTC */
	}
	int col = f.offset_source == OFFSET_OVERRIDE ? 20 :
		  f.offset_source == OFFSET_JOINED ? 21 : -1;
	if (col > 0 && sqlite3_column_type(st, col) != SQLITE_NULL) {
		f.has_bias = true;
		f.bias_min = sqlite3_column_int(st, col);
	}
	return r->each(r->ctx, &f);
}

int store_files(struct store *s,
		int (*each)(void *ctx, const struct store_file *f), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILES);
	struct file_rows r = { each, ctx };
	return st ? store_rows(s, st, file_row, &r) : -1;
}

/* Two index seeks (files_host: host and log name; files_host_role: host
 * and role) rather than one OR, which would read every file of the host. */
#define TWIN_COLS "SELECT f.id, f.size, f.bytes, f.head_hash, f.content_hash, f.log_name" \
	" FROM files f WHERE f.host_id IN" \
	" (SELECT id FROM hosts WHERE name = ?1 COLLATE NOCASE) AND "
#define TWIN_KEEP " AND f.source <> ?3 AND f.duplicate_of IS NULL" \
	" AND f.size > 0 AND f.content_hash IS NOT NULL"
static const char SQL_TWINS[] =
	TWIN_COLS "f.log_name = ?2 COLLATE NOCASE" TWIN_KEEP
	" UNION " TWIN_COLS "?4 IS NOT NULL AND f.role = ?4" TWIN_KEEP
	" ORDER BY 1";

struct twin_rows {
	int (*each)(void *ctx, const struct store_twin *t);
	void *ctx;
};

static int twin_row(void *ctx, sqlite3_stmt *st)
{
	struct twin_rows *r = ctx;
	struct store_twin t = {
		.id = sqlite3_column_int64(st, 0),
		.size = sqlite3_column_int64(st, 1),
		.bytes = sqlite3_column_int64(st, 2),
		.head_hash = (uint64_t)sqlite3_column_int64(st, 3),
		.content_hash = (uint64_t)sqlite3_column_int64(st, 4),
	};
	const char *name = store_column_str(st, 5);
	snprintf(t.log_name, sizeof(t.log_name), "%s", name ? name : "");
	return r->each(r->ctx, &t);
}

int store_file_twins(struct store *s, const char *host, const char *log_name,
		     const char *role, const char *source,
		     int (*each)(void *ctx, const struct store_twin *t),
		     void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TWINS);
	if (!st)
		return -1;
	store_bind_text(st, 1, host ? host : "");
	store_bind_text(st, 2, log_name ? log_name : "");
	store_bind_text(st, 3, source ? source : "");
	store_bind_text(st, 4, role);
	struct twin_rows r = { each, ctx };
	return store_rows(s, st, twin_row, &r);
}

struct prefix_hash {
	struct hasher h;
	uint64_t left;		/* bytes still to hash */
};

static int prefix_write(void *ctx, const char *data, size_t len)
{
	struct prefix_hash *p = ctx;
	size_t take = len < p->left ? len : (size_t)p->left;
	hasher_update(&p->h, data, take);
	p->left -= take;
	return p->left == 0;	/* enough: stop reading */
}

int store_text_prefix_hash(struct store *s, int64_t file_id, uint64_t len,
			   uint64_t *hash)
{
	struct prefix_hash p = { .left = len };
	hasher_init(&p.h);
	int rc = len ? store_cat(s, file_id, prefix_write, &p) : 0;
	if (rc != 0)
		return rc;
	if (p.left)
		return 1;
	*hash = hasher_final(&p.h);
	return 0;
}

struct text_rows {
	struct store *s;
	int64_t file_id;
	int (*write)(void *ctx, const char *data, size_t len);
	void *ctx;
	struct blocktext_scratch z;	/* a block's decoded text */
	bool corrupt;		/* a block's text did not decode (recorded) */
};

static int text_row(void *ctx, sqlite3_stmt *st)
{
	struct text_rows *r = ctx;
	const char *data, *why;
	size_t len;
	if (blocktext_decode(sqlite3_column_blob(st, 0),
			     (size_t)sqlite3_column_bytes(st, 0), &r->z, &data,
			     &len, &why) < 0) {
		store_corrupt_block(r->s, sqlite3_column_int64(st, 1), r->file_id, why);
		r->corrupt = true;
		return 1;
	}
	return len ? r->write(r->ctx, data, len) : 0;
}

int store_cat(struct store *s, int64_t file_id,
	      int (*write)(void *ctx, const char *data, size_t len), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILE_EXISTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	int exists = store_row_exists(s, st);
	if (exists <= 0)
		return exists == 0 ? 1 : -1;
	if (!(st = store_stmt(s, SQL_FILE_TEXT)))
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	struct text_rows r = { .s = s, .file_id = file_id, .write = write, .ctx = ctx };
	int rc = store_rows(s, st, text_row, &r);
	blocktext_scratch_free(&r.z);
	return r.corrupt ? -1 : rc;
}

/* ---- store_stats ---- */

static const char SQL_STATS_FILES[] =
	"SELECT count(*), sum(records), sum(partial), sum(bytes),"
	" count(DISTINCT host_id), sum(n_verbose), sum(n_info),"
	" sum(n_warning), sum(n_error), sum(n_explicit), sum(n_host),"
	" sum(n_override), sum(n_assumed), sum(n_psadt), sum(n_joined)"
	" FROM files";
static const char SQL_STATS_FORMATS[] =
	"SELECT format, sum(records) FROM files GROUP BY format";
/* The time span from the files' bounds (set at commit and when offsets
 * move): max(utc_max) over the blocks read every block row, 0.2-0.3 s at
 * 10M records. count(*) walks the smallest index only. */
static const char SQL_STATS_BLOCKS[] =
	"SELECT (SELECT count(*) FROM blocks), min(utc_min), max(utc_max)"
	" FROM files WHERE duplicate_of IS NULL";

static int stats_files(struct store *s, struct store_stats *out)
{
	sqlite3_stmt *st = store_stmt(s, SQL_STATS_FILES);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t *cols[] = {&out->files, &out->records, &out->partial,
			&out->bytes, &out->hosts, &out->per_severity[0],
			&out->per_severity[1], &out->per_severity[2],
			&out->per_severity[3], &out->per_offset_source[0],
			&out->per_offset_source[1], &out->per_offset_source[2],
			&out->per_offset_source[3], &out->per_offset_source[4],
			&out->per_offset_source[5]};
		for (int i = 0; i < (int)(sizeof(cols) / sizeof(cols[0])); i++)
			*cols[i] = sqlite3_column_int64(st, i);
	} else {
		store_fail(s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int stats_formats(struct store *s, struct store_stats *out)
{
	static const char *const names[] = {"plain", "ccm", "sms"};
	sqlite3_stmt *st = store_stmt(s, SQL_STATS_FORMATS);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *fmt = store_column_str(st, 0);
		for (int i = 0; i < 3; i++)
			if (strcmp(fmt, names[i]) == 0)
				out->per_format[i] = sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int stats_blocks(struct store *s, struct store_stats *out)
{
	sqlite3_stmt *st = store_stmt(s, SQL_STATS_BLOCKS);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->blocks = sqlite3_column_int64(st, 0);
		out->utc_min = sqlite3_column_int64(st, 1);	/* NULL -> 0 */
		out->utc_max = sqlite3_column_int64(st, 2);
	} else {
		store_fail(s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int store_stats(struct store *s, struct store_stats *out)
{
	*out = (struct store_stats){0};
	if (stats_files(s, out) < 0 || stats_formats(s, out) < 0 ||
	    stats_blocks(s, out) < 0)
		return -1;
	return 0;
}

/* ---- store_host_offsets ---- */

/* The latest explicit bias of the host: the block whose explicit records
 * reach furthest in local time. */
static const char SQL_HOST_OFFSETS[] =
	"SELECT h.name, h.tz_override, h.tz_joined, h.tz_joined_pairs,"
	" (SELECT b.bias FROM blocks b JOIN files f ON f.id = b.file_id"
	"  WHERE f.host_id = h.id AND b.bias IS NOT NULL"
	"  ORDER BY b.xlocal_max DESC LIMIT 1),"
	" (SELECT sum(n_nobias) FROM files WHERE host_id = h.id),"
	" (SELECT sum(n_explicit) FROM files WHERE host_id = h.id)"
	" FROM hosts h ORDER BY h.name";

struct host_rows {
	int (*each)(void *ctx, const struct store_host_offset *h);
	void *ctx;
};

static int host_offset_row(void *ctx, sqlite3_stmt *st)
{
	struct host_rows *r = ctx;
	struct store_host_offset h = {
		.host = store_column_str(st, 0),
		.source = OFFSET_ASSUMED,
		.nobias = sqlite3_column_int64(st, 5),
	};
	if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		h.source = OFFSET_OVERRIDE;
		h.bias_min = sqlite3_column_int(st, 1);
	} else if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		h.source = sqlite3_column_int64(st, 6) ? OFFSET_EXPLICIT :
							 OFFSET_PSADT;
		h.bias_min = sqlite3_column_int(st, 4);
	} else if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
		h.source = OFFSET_JOINED;
		h.bias_min = sqlite3_column_int(st, 2);
		h.pairs = sqlite3_column_int64(st, 3);
	}
	return r->each(r->ctx, &h);
}

int store_host_offsets(struct store *s,
		       int (*each)(void *ctx, const struct store_host_offset *h),
		       void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_HOST_OFFSETS);
	struct host_rows r = { each, ctx };
	return st ? store_rows(s, st, host_offset_row, &r) : -1;
}

/* ---- store_names ---- */

/* Names the log's filters choose among, sorted. Components that no block
 * lists any more (a file re-ingested) are left out. */
static const char SQL_HOST_NAMES[] = "SELECT name FROM hosts ORDER BY name";
static const char SQL_COMP_NAMES[] =
	"SELECT name FROM components c"
	" WHERE EXISTS (SELECT 1 FROM block_components bc WHERE bc.comp_id = c.id)"
	" ORDER BY name";

struct name_rows {
	int (*each)(void *ctx, const char *name);
	void *ctx;
};

static int name_row(void *ctx, sqlite3_stmt *st)
{
	struct name_rows *r = ctx;
	return r->each(r->ctx, store_column_str(st, 0));
}

int store_names(struct store *s, enum store_names_of of,
		int (*each)(void *ctx, const char *name), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, of == STORE_NAMES_HOSTS ? SQL_HOST_NAMES : SQL_COMP_NAMES);
	struct name_rows r = { each, ctx };
	return st ? store_rows(s, st, name_row, &r) : -1;
}
