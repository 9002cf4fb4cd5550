/* records.c - single records by place, for the dashboard's record detail
 * and merged log: a file's records in a seq range (the record itself and
 * its neighbours), the findings whose evidence names a record's line, and
 * a cheap estimate of a time's position in the store ("record ~N of M").
 * store_log (query.c) streams by time; these read by (file, seq). */
#include "store_internal.h"
#include "blockfmt.h"
#include "blocktext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"

static const char SQL_REC_FILE[] =
	"SELECT h.name, f.path FROM files f LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE f.id = ?1";
/* Blocks of the file that hold a record in [?2, ?3]; blocks.seq is the
 * seq of the block's first record. */
static const char SQL_REC_BLOCKS[] =
	"SELECT b.seq, b.n, b.meta, t.text, b.id FROM blocks b"
	" JOIN block_text t ON t.block_id = b.id"
	" WHERE b.file_id = ?1 AND b.seq <= ?3 AND b.seq + b.n > ?2"
	" ORDER BY b.seq";
static const char SQL_REC_COMPONENT[] =
	"SELECT name FROM components WHERE id = ?1";

struct rec_range {
	struct store *s;
	int64_t file_id;
	uint64_t from, to;
	char *host, *path;
	int (*each)(void *ctx, const struct stored_record *r);
	void *ctx;
	bool stopped;
	bool corrupt;		/* a block failed blockfmt_check (recorded) */
	struct blocktext_scratch z;	/* a block's decoded text */
};

/* The component's name into out ("" when none or unknown). */
static void rec_component(struct store *s, uint32_t id, char *out, size_t len)
{
	out[0] = '\0';
	sqlite3_stmt *st = id ? store_stmt(s, SQL_REC_COMPONENT) : NULL;
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, len, "%s", store_column_str(st, 0));
	sqlite3_reset(st);
}

void store_record_of_entry(const struct block_entry *e,
			   const struct record_origin *o, uint64_t seq,
			   const char *text, const char *comp,
			   struct stored_record *out)
{
	*out = (struct stored_record){
		.file_id = o->file_id,
		.seq = seq,
		.line = e->line,
		.utc_us = e->utc_us,
		.bias_min = e->bias_min == BLOCKFMT_NO_BIAS ? 0 : e->bias_min,
		.offset_source = (enum offset_source)e->offset_source,
		.timed = (e->flags & BLOCKFMT_TIMED) != 0,
		.dated = (e->flags & BLOCKFMT_DATED) != 0,
		.partial = (e->flags & BLOCKFMT_PARTIAL) != 0,
		.type = e->type,
		.keyword_sev = e->keyword_sev,
		.thread = e->thread,
		.text = text,
		.len = e->text_len,
		.message = {e->msg_off, e->msg_len},
		.time_text = {e->time_off, e->time_len},
		.component = comp,
		.host = o->host,
		.path = o->path,
	};
}

static void rec_fill(const struct rec_range *r, const struct block_entry *e,
		     uint64_t seq, const char *text, const char *comp,
		     struct stored_record *out)
{
	struct record_origin o = { r->file_id, r->host, r->path };
	store_record_of_entry(e, &o, seq, text, comp, out);
}

/* One block: walk its entries, emit those in range. The text is decoded
 * into r->z (or, stored raw, is SQLite's own: valid until this statement
 * steps again; the component lookup steps another one), not copied per
 * record: a record can be megabytes. */
static int rec_block(void *ctx, sqlite3_stmt *st)
{
	struct rec_range *r = ctx;
	uint64_t seq0 = (uint64_t)sqlite3_column_int64(st, 0);
	int64_t rows = sqlite3_column_int64(st, 1);
	const unsigned char *meta = sqlite3_column_blob(st, 2);
	size_t meta_len = (size_t)sqlite3_column_bytes(st, 2);
	const char *text, *why;
	size_t text_len;
	if (blocktext_decode(sqlite3_column_blob(st, 3),
			     (size_t)sqlite3_column_bytes(st, 3), &r->z, &text,
			     &text_len, &why) < 0 ||
	    blockfmt_check(meta, meta_len, rows, STORE_BLOCK_RECORDS, text_len, &why)) {
		store_corrupt_block(r->s, sqlite3_column_int64(st, 4), r->file_id, why);
		r->corrupt = true;
		return 1;
	}
	uint32_t n = (uint32_t)rows;
	size_t at = 0;
	int stop = 0;
	for (uint32_t i = 0; i < n && !stop; i++) {
		struct block_entry e;
		blockfmt_unpack(meta + (size_t)i * BLOCKFMT_RECORD_BYTES, &e);
		uint64_t seq = seq0 + i;
		if (at + e.text_len > text_len)
			break;
		if (seq >= r->from && seq <= r->to) {
			char comp[256];
			struct stored_record out;
			rec_component(r->s, e.comp_id, comp, sizeof(comp));
			rec_fill(r, &e, seq, text + at, comp, &out);
			stop = r->each(r->ctx, &out);
		}
		at += e.text_len;
	}
	r->stopped = stop != 0;
	return stop;
}

int store_file_records(struct store *s, int64_t file_id, uint64_t from,
		       uint64_t to,
		       int (*each)(void *ctx, const struct stored_record *r),
		       void *ctx)
{
	struct rec_range r = { .s = s, .file_id = file_id, .from = from, .to = to, .each = each,
			       .ctx = ctx };
	sqlite3_stmt *st = store_stmt(s, SQL_REC_FILE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r.host = xstrdup(store_column_str(st, 0));
		r.path = xstrdup(store_column_str(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 1 : store_fail(s);
	st = store_stmt(s, SQL_REC_BLOCKS);
	int out = -1;
	if (st) {
		sqlite3_bind_int64(st, 1, file_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(from > INT64_MAX ? INT64_MAX : from));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)(to > INT64_MAX ? INT64_MAX : to));
		out = store_rows(s, st, rec_block, &r);
		if (r.corrupt)
			out = -1;
	}
	free(r.host);
	free(r.path);
	blocktext_scratch_free(&r.z);
	return out;
}

/* ---- findings that name a record ---- */

static const char SQL_REC_FINDINGS[] =
	"SELECT f.kind, f.severity, f.title, f.advice, f.first_utc, f.last_utc,"
	" f.count FROM findings f WHERE f.id IN (SELECT e.finding_id"
	"  FROM finding_evidence e WHERE e.file = ?2 AND e.line = ?3"
	"  AND e.host = ?1 COLLATE NOCASE) ORDER BY f.id";

struct rec_findings {
	int (*each)(void *ctx, const struct finding *f);
	void *ctx;
};

static int rec_finding_row(void *ctx, sqlite3_stmt *st)
{
	struct rec_findings *r = ctx;
	struct finding f = {
		.kind = store_column_str(st, 0),
		.severity = store_column_str(st, 1),
		.title = store_column_str(st, 2),
		.advice = store_column_str(st, 3),
		.first_utc = store_column_num(st, 4),
		.last_utc = store_column_num(st, 5),
		.count = sqlite3_column_int64(st, 6),
	};
	return r->each(r->ctx, &f);
}

int store_record_findings(struct store *s, const char *host, const char *path,
			  uint32_t line,
			  int (*each)(void *ctx, const struct finding *f),
			  void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_REC_FINDINGS);
	if (!st)
		return -1;
	store_bind_text(st, 1, host);
	store_bind_text(st, 2, path);
	sqlite3_bind_int64(st, 3, line);
	struct rec_findings r = { each, ctx };
	return store_rows(s, st, rec_finding_row, &r);
}

/* ---- where a time falls ---- */

/* Records of blocks that end before the time, plus those of blocks that
 * straddle it in proportion to the time inside (a guess: records spread
 * evenly): one pass over the blocks' bounds, no text. */
static const char SQL_REC_BEFORE[] =
	"SELECT coalesce(sum(CASE WHEN utc_max < ?1 THEN n"
	"  WHEN utc_min < ?1 THEN n * (?1 - utc_min) / (utc_max - utc_min + 1)"
	"  ELSE 0 END), 0),"
	" coalesce(sum(undated), 0) FROM blocks";

int store_records_before(struct store *s, int64_t utc_us, int64_t *n)
{
	sqlite3_stmt *st = store_stmt(s, SQL_REC_BEFORE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, utc_us);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0) +
		     (utc_us > 0 ? sqlite3_column_int64(st, 1) : 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s);
}

/* ---- a record by its line (findings' evidence names file and line) ---- */

static const char SQL_REC_FILE_OF[] =
	"SELECT f.id FROM files f LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE f.path = ?2 AND (?1 IS NULL OR h.name = ?1 COLLATE NOCASE)"
	" ORDER BY f.id LIMIT 1";
/* The last block starting at or before the line: it holds the record. */
static const char SQL_REC_BLOCK_OF_LINE[] =
	"SELECT seq, n, meta FROM blocks WHERE file_id = ?1 AND first_line <= ?2"
	" ORDER BY seq DESC LIMIT 1";

int store_record_at_line(struct store *s, const char *host, const char *path,
			 uint32_t line, int64_t *file_id, uint64_t *seq)
{
	sqlite3_stmt *st = store_stmt(s, SQL_REC_FILE_OF);
	if (!st)
		return -1;
	store_bind_text(st, 1, host);
	store_bind_text(st, 2, path);
	int rc = sqlite3_step(st);
	*file_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 1 : store_fail(s);
	st = store_stmt(s, SQL_REC_BLOCK_OF_LINE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, *file_id);
	sqlite3_bind_int64(st, 2, line);
	rc = sqlite3_step(st);
	int out = rc == SQLITE_DONE ? 1 : rc == SQLITE_ROW ? 0 : store_fail(s);
	if (rc == SQLITE_ROW) {
		uint64_t seq0 = (uint64_t)sqlite3_column_int64(st, 0);
		uint32_t n = (uint32_t)sqlite3_column_int64(st, 1);
		const unsigned char *meta = sqlite3_column_blob(st, 2);
		size_t meta_len = (size_t)sqlite3_column_bytes(st, 2);
		*seq = seq0;
		/* The last record that starts at or before the line. */
		for (uint32_t i = 0; meta && i < n && (size_t)(i + 1) * BLOCKFMT_RECORD_BYTES <= meta_len; i++) {
			struct block_entry e;
			blockfmt_unpack(meta + (size_t)i * BLOCKFMT_RECORD_BYTES, &e);
			if (e.line > line)
				break;
			*seq = seq0 + i;
		}
	}
	sqlite3_reset(st);
	return out;
}
