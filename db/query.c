/* query.c - reading the store back: the file list, a file's text, records
 * merged by UTC across files, and summary statistics. Everything streams
 * through callbacks; at most one block per run of a file is held in
 * memory. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blockfmt.h"
#include "blockgrep.h"
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

static const char SQL_TWINS[] =
	"SELECT f.id, f.size, f.bytes, f.head_hash, f.content_hash FROM files f"
	" JOIN hosts h ON h.id = f.host_id"
	" WHERE h.name = ?1 COLLATE NOCASE AND (f.log_name = ?2 COLLATE NOCASE"
	"  OR (?4 IS NOT NULL AND f.role = ?4))"
	" AND f.source <> ?3 AND f.duplicate_of IS NULL AND f.size > 0"
	" AND f.content_hash IS NOT NULL ORDER BY f.id";

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

/* ---- store_log: a k-way merge over sorted runs of blocks ----
 *
 * Most files are written in time order, but not all: a clock set back,
 * the end of daylight saving time, threads that write late. So the unit
 * of the merge is a *run*, not a file: consecutive blocks of one file
 * whose UTC ranges do not go back (each block's utc_min >= the largest
 * utc_max before it in the run). An in-order file is one run and costs
 * what it always did: one row of block bounds per block up front, then
 * one block at a time. A file that goes back in time becomes several
 * runs, each its own cursor in the heap. A block whose own records go
 * back (late writers) is sorted in memory when loaded: at most
 * STORE_BLOCK_RECORDS entries, so memory stays bounded by the blocks
 * being merged at once, never by the size of a file.
 *
 * A run enters the heap with its first block's lower bound as its key,
 * without loading anything; it is loaded when that key reaches the top
 * (its first wanted record can only be later, so it sifts down from
 * there). Runs that have not started or have finished hold no block, so
 * only runs that overlap in time hold one each.
 *
 * A loaded run holds its block whole: the metadata and the text, read
 * with one blob read (records are slices of it, never read alone). So
 * memory is one block (STORE_BLOCK_BYTES of text, or one longer record,
 * plus 48 KiB of metadata) per run that overlaps the moment being
 * merged -- as many as there are logs covering the same time, however big
 * the store.
 *
 * --grep runs here, so that each() sees only matching records: per
 * record against its message, or, when the pattern allows it
 * (db/blockgrep.h), first over the block's whole text, which passes over
 * blocks without a match without looking at their entries and narrows
 * the rest to the entries a match starts in. */

static const char SQL_LOG_FILES[] =
	"SELECT f.id, h.name, f.path FROM files f"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE (?1 IS NULL OR h.name = ?1 COLLATE NOCASE) AND (?2 = 0 OR f.id = ?2)"
	" ORDER BY f.id";
static const char SQL_LOG_COMPS[] = "SELECT id, name FROM components";
/* Blocks of a file that can hold a matching record: the dated range meets
 * [since, until], or it has undated records (utc 0) and 0 is inside; and
 * it lists the component. */
#define LOG_BLOCK_FILTER \
	" AND ((utc_min IS NOT NULL AND (?3 IS NULL OR utc_max >= ?3)" \
	"      AND (?4 IS NULL OR utc_min <= ?4))" \
	"  OR (undated > 0 AND (?3 IS NULL OR ?3 <= 0)" \
	"      AND (?4 IS NULL OR ?4 >= 0)))" \
	" AND (?5 IS NULL OR EXISTS (SELECT 1 FROM block_components bc" \
	"  WHERE bc.block_id = b.id AND bc.comp_id IN" \
	"  (SELECT id FROM components WHERE name = ?5 COLLATE NOCASE)))"
static const char SQL_LOG_BOUNDS[] =
	"SELECT seq, CASE WHEN undated > 0 THEN 0 ELSE utc_min END,"
	" coalesce(utc_max, 0) FROM blocks b WHERE file_id = ?1 AND ?2 = ?2"
	LOG_BLOCK_FILTER " ORDER BY seq";
/* The next block of a run: at or after seq ?2, at most ?6. */
static const char SQL_LOG_NEXT_BLOCK[] =
	"SELECT seq, n, meta, id,"
	" (SELECT length(text) FROM block_text t WHERE t.block_id = b.id),"
	" CASE WHEN undated > 0 THEN 0 ELSE utc_min END FROM blocks b"
	" WHERE file_id = ?1 AND seq >= ?2 AND seq <= ?6" LOG_BLOCK_FILTER
	" ORDER BY seq LIMIT 1";

struct log_file {
	int64_t id;
	char *host, *path;
};

/* What the steps of the merge return besides 0 (go on) and -1 (a store
 * error, in s->err). */
enum {
	LOG_CANCELLED = 1,	/* tick() said stop: store_log returns 1 */
	LOG_STOPPED = 2,	/* each() or grep_error() said stop: 0 */
};

/* A cursor over one run. While loaded it holds its block whole: the
 * metadata (48 KiB at most) and the text, read once; records are slices
 * of it. */
struct log_cursor {
	const struct log_file *file;
	int64_t key;		/* not loaded: the run's lower bound */
	uint64_t first_seq;	/* the run's first block */
	uint64_t last_seq;	/* the run's last block */
	uint64_t next_seq;	/* where the next block fetch starts */
	uint64_t seq;		/* file index of entries[0] */
	uint32_t n, pos;	/* entries in the block, position in it */
	uint32_t rec;		/* the current entry: order[pos] or pos */
	size_t text_at;		/* offset of the current entry's text */
	unsigned char *meta;	/* packed entries of the current block */
	char *text;		/* its text, read whole */
	size_t text_len, text_cap;
	uint16_t *order;	/* entries by (utc, index) when the block is
				 * not in order; NULL when it is */
	uint32_t *offs;		/* text offset of each entry (with order) */
	struct blockgrep_set cand;	/* entries a blockwise grep may match */
	struct block_entry cur;
	bool loaded, done;
};

/* A heap entry: the run's sort key, copied so that sifting compares
 * without reaching into the cursors. */
struct log_slot {
	int64_t key;		/* utc of its current record, or lower bound */
	int64_t file;
	uint64_t seq;
	struct log_cursor *c;
};

struct log_run {
	struct store *s;
	const struct log_query *q;
	int (*each)(void *ctx, const struct stored_record *rec);
	void *ctx;
	struct log_file *files;
	size_t nfiles;
	struct log_cursor *cur;
	size_t ncur, capcur;
	struct log_slot *heap;	/* a min-heap of the runs not done */
	size_t nheap;
	sqlite3_blob *blob;	/* block_text.text, moved from block to block */
	pcre2_match_data *md;	/* for q->grep */
	bool blockwise;		/* q->grep may be matched over whole blocks */
	uint64_t seen;		/* records of the blocks read or skipped */
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
		if (r->nfiles == cap) {
			cap = cap ? cap * 2 : 16;
			r->files = xrealloc(r->files, cap * sizeof(*r->files));
		}
		struct log_file *f = &r->files[r->nfiles++];
		f->id = sqlite3_column_int64(st, 0);
		f->host = xstrdup(store_column_str(st, 1));
		f->path = xstrdup(store_column_str(st, 2));
	}
	if (rc != SQLITE_DONE)
		store_fail(r->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void log_bind_filter(const struct log_run *r, sqlite3_stmt *st)
{
	const struct log_query *q = r->q;
	if (q->has_since)
		sqlite3_bind_int64(st, 3, q->since_us);
	if (q->has_until)
		sqlite3_bind_int64(st, 4, q->until_us);
	store_bind_text(st, 5, q->component);
}

static void log_add_run(struct log_run *r, const struct log_file *f,
			uint64_t first, uint64_t last, int64_t key)
{
	if (r->ncur == r->capcur) {
		r->capcur = r->capcur ? r->capcur * 2 : 16;
		r->cur = xrealloc(r->cur, r->capcur * sizeof(*r->cur));
	}
	r->cur[r->ncur++] = (struct log_cursor){
		.file = f, .key = key, .first_seq = first, .last_seq = last,
		.next_seq = first,
	};
}

/* Cut a file's candidate blocks into runs that never go back in time. */
static int log_file_runs(struct log_run *r, const struct log_file *f)
{
	sqlite3_stmt *st = store_stmt(r->s, SQL_LOG_BOUNDS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, 0);
	log_bind_filter(r, st);
	bool open = false;
	uint64_t first = 0, last = 0;
	int64_t key = 0, top = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		int64_t lo = sqlite3_column_int64(st, 1);
		int64_t hi = sqlite3_column_int64(st, 2);
		if (open && lo < top) {
			log_add_run(r, f, first, last, key);
			open = false;
		}
		if (!open) {
			open = true;
			first = seq;
			key = lo;
			top = hi;
		}
		last = seq;
		if (hi > top)
			top = hi;
	}
	if (rc != SQLITE_DONE)
		store_fail(r->s);
	sqlite3_reset(st);
	if (open)
		log_add_run(r, f, first, last, key);
	return rc == SQLITE_DONE ? 0 : -1;
}

struct log_sort_key {
	int64_t utc;
	uint32_t idx;
};

static int log_sort_cmp(const void *a, const void *b)
{
	const struct log_sort_key *x = a, *y = b;
	if (x->utc != y->utc)
		return x->utc < y->utc ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int log_corrupt(struct log_run *r, const struct log_cursor *c,
		       const char *what)
{
	snprintf(r->s->err, sizeof(r->s->err), "%s: corrupt block %s in"
		 " file %lld", r->s->path, what, (long long)c->file->id);
	return -1;
}

/* Check that the entries' texts fit in the block's, and put entries that
 * go back in time in (utc, index) order; an in-order block costs one pass
 * over its times. */
static int log_order_block(struct log_run *r, struct log_cursor *c)
{
	int64_t prev = INT64_MIN;
	bool sorted = true;
	size_t total = 0;
	for (uint32_t i = 0; i < c->n; i++) {
		const unsigned char *m = c->meta +
					 (size_t)i * BLOCKFMT_RECORD_BYTES;
		int64_t utc = (int64_t)blockfmt_utc(m);
		sorted = sorted && utc >= prev;
		prev = utc;
		total += blockfmt_text_len(m);
	}
	free(c->order);
	free(c->offs);
	c->order = NULL;
	c->offs = NULL;
	if (total > c->text_len)
		return log_corrupt(r, c, "text");
	if (sorted)
		return 0;
	struct log_sort_key *k = xmalloc(c->n * sizeof(*k));
	c->order = xmalloc(c->n * sizeof(*c->order));
	c->offs = xmalloc(c->n * sizeof(*c->offs));
	size_t off = 0;
	for (uint32_t i = 0; i < c->n; i++) {
		const unsigned char *m = c->meta +
					 (size_t)i * BLOCKFMT_RECORD_BYTES;
		k[i] = (struct log_sort_key){(int64_t)blockfmt_utc(m), i};
		c->offs[i] = (uint32_t)off;
		off += blockfmt_text_len(m);
	}
	qsort(k, c->n, sizeof(*k), log_sort_cmp);
	for (uint32_t i = 0; i < c->n; i++)
		c->order[i] = (uint16_t)k[i].idx;
	free(k);
	return 0;
}

/* The block's text, whole, into c->text: one read per block. */
static int log_read_text(struct log_run *r, struct log_cursor *c,
			 int64_t block_id, int64_t len)
{
	if (len < 0 || len >= INT32_MAX)
		return log_corrupt(r, c, "text");
	if ((size_t)len + 1 > c->text_cap) {	/* + 1: never malloc(0) */
		c->text_cap = (size_t)len + 1;
		free(c->text);
		c->text = xmalloc(c->text_cap);
	}
	int rc = SQLITE_OK;
	if (len && !r->blob)
		rc = sqlite3_blob_open(r->s->db, "main", "block_text", "text",
				       block_id, 0, &r->blob);
	else if (len)
		rc = sqlite3_blob_reopen(r->blob, block_id);
	if (rc == SQLITE_OK && len)
		rc = sqlite3_blob_read(r->blob, c->text, (int)len, 0);
	if (rc != SQLITE_OK) {
		store_fail(r->s);
		sqlite3_blob_close(r->blob);	/* unusable after a failure */
		r->blob = NULL;
		return -1;
	}
	c->text_len = (size_t)len;
	return 0;
}

/* The next candidate block's row: its entries into c->meta. 1 when the
 * run has no more, 0, or -1. */
static int log_next_row(struct log_run *r, struct log_cursor *c,
			int64_t *block_id, int64_t *text_len, int64_t *lo)
{
	sqlite3_stmt *st = store_stmt(r->s, SQL_LOG_NEXT_BLOCK);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, c->file->id);
	sqlite3_bind_int64(st, 2, (int64_t)c->next_seq);
	sqlite3_bind_int64(st, 6, (int64_t)c->last_seq);
	log_bind_filter(r, st);
	int rc = sqlite3_step(st), ret = 0;
	if (rc == SQLITE_ROW) {
		c->seq = (uint64_t)sqlite3_column_int64(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		size_t bytes = (size_t)sqlite3_column_bytes(st, 2);
		if (n < 0 || n > STORE_BLOCK_RECORDS ||
		    bytes != (size_t)n * BLOCKFMT_RECORD_BYTES) {
			sqlite3_reset(st);
			return log_corrupt(r, c, "metadata");
		}
		if (!c->meta)
			c->meta = xmalloc(STORE_BLOCK_RECORDS *
					  BLOCKFMT_RECORD_BYTES);
		if (bytes)
			memcpy(c->meta, sqlite3_column_blob(st, 2), bytes);
		*block_id = sqlite3_column_int64(st, 3);
		*text_len = sqlite3_column_int64(st, 4);
		*lo = sqlite3_column_int64(st, 5);
		c->n = (uint32_t)n;
		c->next_seq = c->seq + (uint64_t)n;
	} else if (rc == SQLITE_DONE) {
		ret = 1;
	} else {
		ret = store_fail(r->s);
	}
	sqlite3_reset(st);
	return ret;
}

/* Load the run's next block that can hold a wanted record; c->done when
 * there is none. With a blockwise grep, blocks whose text holds no match
 * are passed over without looking at their entries. */
static int log_fetch_block(struct log_run *r, struct log_cursor *c)
{
	const struct log_query *q = r->q;
	for (;;) {
		int64_t block_id = 0, text_len = 0, lo = 0;
		int rc = log_next_row(r, c, &block_id, &text_len, &lo);
		if (rc) {
			c->done = rc > 0;
			return rc > 0 ? 0 : -1;
		}
		r->seen += c->n;
		if (q->tick && q->tick(q->tick_ctx, lo, r->seen))
			return LOG_CANCELLED;
		if (log_read_text(r, c, block_id, text_len) < 0)
			return -1;
		if (r->blockwise) {
			blockgrep_candidates(q->grep, r->md, c->meta, c->n,
					     c->text, c->text_len, &c->cand);
			if (!c->cand.count)
				continue;
		}
		c->pos = 0;
		c->text_at = 0;
		return log_order_block(r, c);
	}
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

/* Make the entry at c->pos current. */
static int log_entry(struct log_run *r, struct log_cursor *c)
{
	c->rec = c->order ? c->order[c->pos] : c->pos;
	blockfmt_unpack(c->meta + (size_t)c->rec * BLOCKFMT_RECORD_BYTES,
			&c->cur);
	if (c->offs)
		c->text_at = c->offs[c->rec];
	const struct block_entry *e = &c->cur;
	if (c->text_at + e->text_len > c->text_len ||
	    (uint64_t)e->msg_off + e->msg_len > e->text_len ||
	    (uint64_t)e->time_off + e->time_len > e->text_len)
		return log_corrupt(r, c, "text");
	return 0;
}

static void log_cursor_release(struct log_cursor *c)
{
	free(c->meta);
	free(c->text);
	free(c->order);
	free(c->offs);
	c->meta = NULL;
	c->text = NULL;
	c->text_cap = c->text_len = 0;
	c->order = NULL;
	c->offs = NULL;
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
		.file_id = c->file->id,
		.seq = c->seq + c->rec,
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
		.text = c->text + c->text_at,
		.len = e->text_len,
		.message = {e->msg_off, e->msg_len},
		.time_text = {e->time_off, e->time_len},
		.component = comp,
		.host = c->file->host,
		.path = c->file->path,
	};
}

/* Hand the current record to each(), or with a PCRE2 error code to
 * grep_error(). 0 or LOG_STOPPED. */
static int log_hand(struct log_run *r, struct log_cursor *c, int pcre2_rc)
{
	struct stored_record rec;
	log_emit_fill(r, c, &rec);
	int stop = pcre2_rc ? r->q->grep_error(r->ctx, &rec, pcre2_rc) :
			      r->each(r->ctx, &rec);
	return stop ? LOG_STOPPED : 0;
}

/* The current entry against q->grep: 1 keep, 0 pass over, LOG_STOPPED
 * when grep_error() said stop. */
static int log_grep(struct log_run *r, struct log_cursor *c)
{
	const struct log_query *q = r->q;
	if (!q->grep)
		return 1;
	if (r->blockwise && !blockgrep_has(&c->cand, c->rec))
		return 0;
	const char *msg = c->text + c->text_at + c->cur.msg_off;
	int rc = pcre2_match(q->grep, (PCRE2_SPTR)msg, c->cur.msg_len, 0,
			     PCRE2_NO_UTF_CHECK, r->md, NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH || !q->grep_error)
		return 0;
	return log_hand(r, c, rc);
}

/* Move to the next wanted record (the current one is consumed when
 * consume is set). On exhaustion c->done is set and its buffers freed.
 * 0, -1, LOG_CANCELLED or LOG_STOPPED. */
static int log_advance(struct log_run *r, struct log_cursor *c, bool consume)
{
	c->loaded = true;
	if (consume) {
		c->text_at += c->cur.text_len;
		c->pos++;
	}
	for (;;) {
		while (c->pos < c->n) {
			if (log_entry(r, c) < 0)
				return -1;
			if (log_wanted(r, &c->cur)) {
				int rc = log_grep(r, c);
				if (rc)
					return rc == 1 ? 0 : rc;
			}
			c->text_at += c->cur.text_len;
			c->pos++;
		}
		int rc = log_fetch_block(r, c);
		if (rc)
			return rc;
		if (c->done) {
			log_cursor_release(c);
			return 0;
		}
	}
}

/* The slot of c as it stands now (after a load or an advance). */
static struct log_slot log_slot_of(struct log_cursor *c)
{
	return (struct log_slot){
		.key = c->loaded ? c->cur.utc_us : c->key,
		.file = c->file->id,
		.seq = c->loaded ? c->seq + c->rec : c->first_seq,
		.c = c,
	};
}

static bool log_before(const struct log_slot *a, const struct log_slot *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->file != b->file)
		return a->file < b->file;
	return a->seq < b->seq;
}

static void log_sift_down(struct log_run *r, size_t i)
{
	struct log_slot *h = r->heap;
	struct log_slot moving = h[i];
	for (;;) {
		size_t l = 2 * i + 1, m = l;
		if (l >= r->nheap)
			break;
		if (l + 1 < r->nheap && log_before(&h[l + 1], &h[l]))
			m = l + 1;
		if (!log_before(&h[m], &moving))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = moving;
}

/* The top's cursor moved: put its new key in, or drop it when done. */
static void log_reheap_top(struct log_run *r)
{
	struct log_cursor *c = r->heap[0].c;
	if (c->done)
		r->heap[0] = r->heap[--r->nheap];
	else
		r->heap[0] = log_slot_of(c);
	if (r->nheap)
		log_sift_down(r, 0);
}

/* Load runs whose lower bound reached the top until a loaded one is
 * there (or none is left). */
static int log_settle_top(struct log_run *r)
{
	while (r->nheap && !r->heap[0].c->loaded) {
		int rc = log_advance(r, r->heap[0].c, false);
		if (rc)
			return rc;
		log_reheap_top(r);
	}
	return 0;
}

static int log_merge(struct log_run *r)
{
	r->heap = xcalloc(r->ncur ? r->ncur : 1, sizeof(*r->heap));
	for (size_t i = 0; i < r->ncur; i++)
		r->heap[r->nheap++] = log_slot_of(&r->cur[i]);
	for (size_t i = r->nheap; i-- > 0;)
		log_sift_down(r, i);
	for (;;) {
		int rc = log_settle_top(r);
		if (rc || !r->nheap)
			return rc;
		struct log_cursor *c = r->heap[0].c;
		if ((rc = log_hand(r, c, 0)) != 0 ||
		    (rc = log_advance(r, c, true)) != 0)
			return rc;
		log_reheap_top(r);
	}
}

static void log_run_free(struct log_run *r)
{
	for (size_t i = 0; i < r->ncur; i++)
		log_cursor_release(&r->cur[i]);
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].host);
		free(r->files[i].path);
	}
	sqlite3_blob_close(r->blob);
	pcre2_match_data_free(r->md);
	for (size_t i = 0; i < r->ncomp_names; i++)
		free(r->comp_names[i]);
	free(r->comp_names);
	free(r->want_comps);
	free(r->files);
	free(r->cur);
	free(r->heap);
}

int store_log(struct store *s, const struct log_query *q,
	      int (*each)(void *ctx, const struct stored_record *r), void *ctx)
{
	struct log_run r = {.s = s, .q = q, .each = each, .ctx = ctx};
	int rc = 0;
	if (q->grep) {
		r.md = pcre2_match_data_create_from_pattern(q->grep, NULL);
		if (!r.md)
			die("out of memory");
		r.blockwise = store_grep_blockwise(q->grep, q->grep_text);
	}
	rc = log_load_components(&r);
	if (rc == 0 && q->component && r.nwant == 0) {
		log_run_free(&r);
		return 0;	/* no such component: nothing matches */
	}
	if (rc == 0)
		rc = log_load_files(&r);
	for (size_t i = 0; rc == 0 && i < r.nfiles; i++)
		rc = log_file_runs(&r, &r.files[i]);
	if (rc == 0)
		rc = log_merge(&r);
	log_run_free(&r);
	return rc == LOG_STOPPED ? 0 : rc;
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
