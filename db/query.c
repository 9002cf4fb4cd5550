/* query.c - reading the store back: the file list, a file's text, records
 * merged by UTC across files, and summary statistics. Everything streams
 * through callbacks; at most one block per file is held in memory. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blockfmt.h"
#include "../lib/util.h"

static const char SQL_FILES[] =
	"SELECT f.id, h.name, f.path, f.name, f.log_name, f.role, f.format,"
	" f.encoding, f.rotation, f.size, f.mtime, f.records, f.partial,"
	" f.bytes, f.n_explicit, f.n_host, f.n_override, f.n_assumed,"
	" f.n_psadt, f.n_joined, h.tz_override, h.tz_joined"
	" FROM files f LEFT JOIN hosts h ON h.id = f.host_id"
	" ORDER BY h.name, f.log_name, f.rotation, f.path";
static const char SQL_FILE_EXISTS[] = "SELECT 1 FROM files WHERE id = ?1";
static const char SQL_FILE_TEXT[] =
	"SELECT t.text FROM blocks b JOIN block_text t ON t.block_id = b.id"
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

struct text_rows {
	int (*write)(void *ctx, const char *data, size_t len);
	void *ctx;
};

static int text_row(void *ctx, sqlite3_stmt *st)
{
	struct text_rows *r = ctx;
	size_t len = (size_t)sqlite3_column_bytes(st, 0);
	const char *data = sqlite3_column_blob(st, 0);
	return len ? r->write(r->ctx, data, len) : 0;
}

int store_cat(struct store *s, int64_t file_id,
	      int (*write)(void *ctx, const char *data, size_t len), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILE_EXISTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 1 : -1;
	if (!(st = store_stmt(s, SQL_FILE_TEXT)))
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	struct text_rows r = { write, ctx };
	return store_rows(s, st, text_row, &r);
}

/* ---- store_log: a k-way merge over per-file block cursors ---- */

static const char SQL_LOG_FILES[] =
	"SELECT f.id, h.name, f.path FROM files f"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE (?1 IS NULL OR h.name = ?1) AND (?2 = 0 OR f.id = ?2)"
	" ORDER BY f.id";
static const char SQL_LOG_COMPS[] = "SELECT id, name FROM components";
/* The next block of a file at or after seq ?2 that can hold a matching
 * record: its dated range meets [since, until], or it has undated records
 * (utc 0) and 0 is inside; and it lists the component. */
static const char SQL_LOG_NEXT_BLOCK[] =
	"SELECT seq, n, meta, id,"
	" (SELECT length(text) FROM block_text t WHERE t.block_id = b.id)"
	" FROM blocks b"
	" WHERE file_id = ?1 AND seq >= ?2"
	" AND ((utc_min IS NOT NULL AND (?3 IS NULL OR utc_max >= ?3)"
	"      AND (?4 IS NULL OR utc_min <= ?4))"
	"  OR (undated > 0 AND (?3 IS NULL OR ?3 <= 0)"
	"      AND (?4 IS NULL OR ?4 >= 0)))"
	" AND (?5 IS NULL OR EXISTS (SELECT 1 FROM block_components bc"
	"  WHERE bc.block_id = b.id AND bc.comp_id IN"
	"  (SELECT id FROM components WHERE name = ?5 COLLATE NOCASE)))"
	" ORDER BY seq LIMIT 1";

/* A cursor holds its block's metadata only (48 KiB at most); the text of
 * the record being emitted is read through an incremental blob handle, so
 * a merge over a thousand files stays small. */
struct log_cursor {
	int64_t file_id;
	char *host, *path;
	uint64_t next_seq;	/* where the next block fetch starts */
	uint64_t seq;		/* file index of entries[0] */
	uint32_t n, idx;	/* entries in the block, current entry */
	size_t text_at;		/* offset of the current entry's text */
	size_t text_len;	/* the block's text length */
	int64_t block_id;
	unsigned char *meta;	/* packed entries of the current block */
	sqlite3_blob *blob;	/* block_text.text of blob_block */
	int64_t blob_block;
	struct block_entry cur;
	bool done;
};

struct log_run {
	struct store *s;
	const struct log_query *q;
	struct log_cursor *cur;
	size_t ncur;
	struct log_cursor **heap;
	size_t nheap;
	struct buf text;	/* the emitted record's text */
	char **comp_names;	/* by component id */
	size_t ncomp_names;
	uint32_t *want_comps;	/* ids matching q->component */
	size_t nwant;
};

static int log_load_components(struct log_run *r)
{
	sqlite3_stmt *st = store_stmt(r->s, SQL_LOG_COMPS);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = store_column_str(st, 1);
		if (id <= 0 || id > UINT32_MAX)
			continue;
		if ((size_t)id >= r->ncomp_names) {
			size_t cap = (size_t)id * 2;
			r->comp_names = xrealloc(r->comp_names,
						 cap * sizeof(char *));
			memset(r->comp_names + r->ncomp_names, 0,
			       (cap - r->ncomp_names) * sizeof(char *));
			r->ncomp_names = cap;
		}
		r->comp_names[id] = xstrdup(name);
		if (r->q->component &&
		    sqlite3_stricmp(name, r->q->component) == 0) {
			r->want_comps = xrealloc(r->want_comps,
				(r->nwant + 1) * sizeof(uint32_t));
			r->want_comps[r->nwant++] = (uint32_t)id;
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(r->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int log_load_files(struct log_run *r)
{
	sqlite3_stmt *st = store_stmt(r->s, SQL_LOG_FILES);
	if (!st)
		return -1;
	store_bind_text(st, 1, r->q->host);
	sqlite3_bind_int64(st, 2, r->q->file_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->ncur == cap) {
			cap = cap ? cap * 2 : 16;
			r->cur = xrealloc(r->cur, cap * sizeof(*r->cur));
		}
		struct log_cursor *c = &r->cur[r->ncur++];
		*c = (struct log_cursor){0};
		c->file_id = sqlite3_column_int64(st, 0);
		c->host = xstrdup(store_column_str(st, 1));
		c->path = xstrdup(store_column_str(st, 2));
	}
	if (rc != SQLITE_DONE)
		store_fail(r->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Load the cursor's next candidate block; c->done when there is none. */
static int log_fetch_block(struct log_run *r, struct log_cursor *c)
{
	sqlite3_stmt *st = store_stmt(r->s, SQL_LOG_NEXT_BLOCK);
	if (!st)
		return -1;
	const struct log_query *q = r->q;
	sqlite3_bind_int64(st, 1, c->file_id);
	sqlite3_bind_int64(st, 2, (int64_t)c->next_seq);
	if (q->has_since)
		sqlite3_bind_int64(st, 3, q->since_us);
	if (q->has_until)
		sqlite3_bind_int64(st, 4, q->until_us);
	store_bind_text(st, 5, q->component);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->seq = (uint64_t)sqlite3_column_int64(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		size_t bytes = (size_t)sqlite3_column_bytes(st, 2);
		if (n < 0 || n > STORE_BLOCK_RECORDS ||
		    bytes != (size_t)n * BLOCKFMT_RECORD_BYTES) {
			snprintf(r->s->err, sizeof(r->s->err), "%s: corrupt"
				 " block metadata in file %lld", r->s->path,
				 (long long)c->file_id);
			sqlite3_reset(st);
			return -1;
		}
		if (!c->meta)
			c->meta = xmalloc(STORE_BLOCK_RECORDS *
					  BLOCKFMT_RECORD_BYTES);
		if (bytes)
			memcpy(c->meta, sqlite3_column_blob(st, 2), bytes);
		c->block_id = sqlite3_column_int64(st, 3);
		c->text_len = (size_t)sqlite3_column_int64(st, 4);
		c->n = (uint32_t)n;
		c->idx = 0;
		c->text_at = 0;
		c->next_seq = c->seq + (uint64_t)n;
	} else if (rc == SQLITE_DONE) {
		c->done = true;
	} else {
		store_fail(r->s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static bool log_wanted(const struct log_run *r, const struct block_entry *e)
{
	const struct log_query *q = r->q;
	if (q->has_since && e->utc_us < q->since_us)
		return false;
	if (q->has_until && e->utc_us > q->until_us)
		return false;
	if (!q->component)
		return true;
	for (size_t i = 0; i < r->nwant; i++)
		if (r->want_comps[i] == e->comp_id)
			return true;
	return false;
}

/* Move to the next wanted record (the current one is consumed when
 * consume is set). On exhaustion c->done is set and its buffers freed. */
static int log_advance(struct log_run *r, struct log_cursor *c, bool consume)
{
	if (consume) {
		c->text_at += c->cur.text_len;
		c->idx++;
	}
	for (;;) {
		while (c->idx < c->n) {
			blockfmt_unpack(c->meta + (size_t)c->idx *
					BLOCKFMT_RECORD_BYTES, &c->cur);
			if (c->text_at + c->cur.text_len > c->text_len) {
				snprintf(r->s->err, sizeof(r->s->err), "%s:"
					 " corrupt block text in file %lld",
					 r->s->path, (long long)c->file_id);
				return -1;
			}
			if (log_wanted(r, &c->cur))
				return 0;
			c->text_at += c->cur.text_len;
			c->idx++;
		}
		if (log_fetch_block(r, c) < 0)
			return -1;
		if (c->done) {
			free(c->meta);
			c->meta = NULL;
			return 0;
		}
	}
}

static bool log_before(const struct log_cursor *a, const struct log_cursor *b)
{
	if (a->cur.utc_us != b->cur.utc_us)
		return a->cur.utc_us < b->cur.utc_us;
	if (a->file_id != b->file_id)
		return a->file_id < b->file_id;
	return a->idx + a->seq < b->idx + b->seq;
}

static void log_sift_down(struct log_run *r, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < r->nheap && log_before(r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->nheap && log_before(r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct log_cursor *t = r->heap[i];
		r->heap[i] = r->heap[m];
		r->heap[m] = t;
		i = m;
	}
}

/* The current record's text, into r->text. */
static int log_read_text(struct log_run *r, struct log_cursor *c)
{
	int rc = SQLITE_OK;
	if (!c->blob)
		rc = sqlite3_blob_open(r->s->db, "main", "block_text", "text",
				       c->block_id, 0, &c->blob);
	else if (c->blob_block != c->block_id)
		rc = sqlite3_blob_reopen(c->blob, c->block_id);
	c->blob_block = c->block_id;
	buf_reset(&r->text);
	buf_reserve(&r->text, c->cur.text_len);
	if (rc == SQLITE_OK && c->cur.text_len)
		rc = sqlite3_blob_read(c->blob, r->text.data, (int)c->cur.text_len,
				       (int)c->text_at);
	if (rc != SQLITE_OK)
		return store_fail(r->s);
	r->text.len = c->cur.text_len;
	r->text.data[r->text.len] = '\0';
	return 0;
}

static void log_emit_fill(const struct log_run *r, const struct log_cursor *c,
			  struct stored_record *out)
{
	const struct block_entry *e = &c->cur;
	const char *comp = "";
	if (e->comp_id && e->comp_id < r->ncomp_names &&
	    r->comp_names[e->comp_id])
		comp = r->comp_names[e->comp_id];
	*out = (struct stored_record){
		.file_id = c->file_id,
		.seq = c->seq + c->idx,
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
		.text = r->text.data,
		.len = e->text_len,
		.message = {e->msg_off, e->msg_len},
		.time_text = {e->time_off, e->time_len},
		.component = comp,
		.host = c->host,
		.path = c->path,
	};
}

static int log_merge(struct log_run *r,
		     int (*each)(void *ctx, const struct stored_record *rec),
		     void *ctx)
{
	r->heap = xcalloc(r->ncur, sizeof(*r->heap));
	for (size_t i = 0; i < r->ncur; i++) {
		if (log_advance(r, &r->cur[i], false) < 0)
			return -1;
		if (!r->cur[i].done)
			r->heap[r->nheap++] = &r->cur[i];
	}
	for (size_t i = r->nheap; i-- > 0;)
		log_sift_down(r, i);
	while (r->nheap) {
		struct log_cursor *c = r->heap[0];
		struct stored_record rec;
		if (log_read_text(r, c) < 0)
			return -1;
		log_emit_fill(r, c, &rec);
		if (each(ctx, &rec))
			return 0;
		if (log_advance(r, c, true) < 0)
			return -1;
		if (c->done)
			r->heap[0] = r->heap[--r->nheap];
		log_sift_down(r, 0);
	}
	return 0;
}

static void log_run_free(struct log_run *r)
{
	for (size_t i = 0; i < r->ncur; i++) {
		free(r->cur[i].host);
		free(r->cur[i].path);
		free(r->cur[i].meta);
		sqlite3_blob_close(r->cur[i].blob);
	}
	buf_free(&r->text);
	for (size_t i = 0; i < r->ncomp_names; i++)
		free(r->comp_names[i]);
	free(r->comp_names);
	free(r->want_comps);
	free(r->cur);
	free(r->heap);
}

int store_log(struct store *s, const struct log_query *q,
	      int (*each)(void *ctx, const struct stored_record *r), void *ctx)
{
	struct log_run r = {.s = s, .q = q};
	int rc = log_load_components(&r);
	if (rc == 0 && q->component && r.nwant == 0) {
		log_run_free(&r);
		return 0;	/* no such component: nothing matches */
	}
	if (rc == 0)
		rc = log_load_files(&r);
	if (rc == 0)
		rc = log_merge(&r, each, ctx);
	log_run_free(&r);
	return rc;
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
static const char SQL_STATS_BLOCKS[] =
	"SELECT count(*), min(utc_min), max(utc_max) FROM blocks";

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
