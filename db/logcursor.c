/* logcursor.c - the merged log: records of many files in UTC order, as a
 * cursor that moves both ways and seeks, and store_log on top of it.
 *
 * Most files are written in time order, but not all: a clock set back,
 * the end of daylight saving time, threads that write late. So the unit
 * of the merge is a *run*, not a file: consecutive candidate blocks of
 * one file whose UTC ranges do not go back (each block's utc_min >= the
 * largest utc_max before it in the run). Inside a run, then, both bounds
 * of the blocks never decrease, so the block holding a time is found by
 * binary search. A block whose own records go back (late writers) is
 * sorted in memory when loaded: at most STORE_BLOCK_RECORDS entries.
 *
 * Opening reads every candidate block's bounds once (from the covering
 * index blocks_span, never the big block rows) and keeps them: a seek is
 * then a binary search per run, in memory, and loads nothing. A run
 * loads one block (its metadata and its text, whole, with one blob read
 * and one LZ4 decode, db/blocktext.h; records are slices of it) only when its key wins the merge, and
 * keeps it while the position stays in it, so paging back and
 * forth near one place reads nothing again.
 *
 * The position is a gap between two records of the merged order, and
 * each run's position is the gap at the same place in the run: its head
 * is the record after it, its tail the one before. next() takes the
 * least head, prev() the greatest tail (a loser tree ordered either
 * way): no reverse scan of the store, just the same runs read the other
 * way. A run's key is exact once its head (tail) has been looked at,
 * otherwise a bound from its block's bounds (lower for heads, upper for
 * tails) that costs nothing; a bound that wins is made exact (loading
 * the block) and played again. Changing direction or seeking rebuilds
 * the tree from bounds.
 *
 * Filters: host and file select the files; time and component select the
 * candidate blocks and then each record; --grep runs per record on its
 * message, or, when the pattern allows it (db/blockgrep.h), first over
 * the block's whole text, which passes over blocks without a match
 * without looking at their entries. The severity is tested on the packed
 * entry, so a block without a record at it is passed over without its
 * text; a log whose tallies have none makes no key at all, and a block
 * found to have none is remembered (in memory, for the cursor's life) and
 * passed over unread at the next seek.
 *
 * A run that passes over a block without a wanted record (filtered out,
 * or the end of a block reached) does not read on: it takes the next
 * block's bound as its key and plays it, and reads that block only when
 * the bound wins. So a rare match reads only the blocks that overlap the
 * time the merge has reached, not each run's far future.
 *
 * store_log_next_entry leaves the decoding to the caller: a run reads
 * its block's stored text alone and hands it out with the first record
 * it gives of the block, then records as offsets into it, each as a
 * compact log_entry filled in place in `log`'s batch (`log` decodes and
 * formats on a second thread, in the order handed out). */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blockfmt.h"
#include "blockgrep.h"
#include "blocktext.h"
#include "../lib/util.h"

static const char SQL_LC_FILES[] =
	"SELECT f.id, h.name, f.path, f.n_info, f.n_warning, f.n_error FROM files f"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE (?1 IS NULL OR h.name = ?1 COLLATE NOCASE) AND (?2 = 0 OR f.id = ?2)"
	" ORDER BY f.id";
static const char SQL_LC_COMPS[] = "SELECT id, name FROM components";
/* Blocks of a file that can hold a matching record: the dated range meets
 * [since, until], or it has undated records (utc 0) and 0 is inside; and
 * it lists the component. Every column is in blocks_span. */
static const char SQL_LC_BOUNDS[] =
	"SELECT seq, CASE WHEN undated > 0 THEN 0 ELSE utc_min END,"
	" coalesce(utc_max, 0), n FROM blocks b INDEXED BY blocks_span"
	" WHERE file_id = ?1"
	" AND ((utc_min IS NOT NULL AND (?3 IS NULL OR utc_max >= ?3)"
	"      AND (?4 IS NULL OR utc_min <= ?4))"
	"  OR (undated > 0 AND (?3 IS NULL OR ?3 <= 0)"
	"      AND (?4 IS NULL OR ?4 >= 0)))"
	" AND (?5 IS NULL OR EXISTS (SELECT 1 FROM block_components bc"
	"  WHERE bc.block_id = b.id AND bc.comp_id IN"
	"  (SELECT id FROM components WHERE name = ?5 COLLATE NOCASE)))"
	" ORDER BY seq";
/* The text's length is not asked for here: it would read the text's
 * first page for every block a seek looks at, and most of those texts
 * are never read (lc_text checks it). */
static const char SQL_LC_BLOCK[] =
	"SELECT n, meta, id FROM blocks b WHERE file_id = ?1 AND seq = ?2";

struct lc_file {
	int64_t id;
	char *host, *path;
	enum severity top_sev;	/* the worst its tallies count */
};

#define LC_SEV_UNKNOWN 0xff

/* A candidate block's bounds, as the index gives them. */
struct lc_block {
	uint64_t seq;
	int64_t lo, hi;		/* undated entries make lo 0 */
	uint32_t n;
	uint8_t top_sev;	/* its worst entry's; LC_SEV_UNKNOWN until
				 * read under a severity filter */
	bool barren;		/* read, and the block-wise grep found no
				 * candidate in it */
};

enum { FWD, BACK, NODIR };

/* One run: blocks [b0, b0 + nb) of c->blocks, its position and the block
 * it holds. */
struct lc_run {
	const struct lc_file *file;
	size_t b0, nb;
	/* The position: before entry pos (in sorted order) of block bi;
	 * bi == nb: after the run's end. pending: pos is not known yet but
	 * is the first entry at or after c->at. */
	size_t bi;
	uint32_t pos;
	bool pending;
	/* The block held: have (a run index, SIZE_MAX none). */
	size_t have;
	uint32_t n;
	unsigned char *meta;
	size_t meta_cap;
	char *text;		/* read on first use (text_in) */
	struct buf stored;	/* or its stored form (store_log_next_entry) */
	size_t stored_raw;	/* its decoded length */
	bool stored_in, stored_new;	/* read; not yet handed out */
	size_t text_len, text_cap;
	int64_t block_id;
	bool text_in;
	uint16_t *order;	/* entries by (utc, index); NULL: in order */
	uint32_t *offs;		/* text offset of each entry */
	struct blockgrep_set cand;
	/* The entry the key was made exact from (head or tail). */
	struct block_entry ent;
	uint32_t ent_rec;
	int ent_rc;		/* its PCRE2 error, 0 none */
};

/* A run's key in the merge. Records are ordered by (utc, file, seq),
 * and runs by (file, first seq): two runs' records at one utc are thus
 * in run order, and a run has one key, so (utc, run) orders the keys.
 * Both are folded into unsigned values that order the same way in
 * either direction (complemented going back), so that comparing is two
 * unsigned compares without branches. When the store's time span and
 * the run count fit in 63 bits together (nearly always: a span of years
 * in µs and thousands of runs do), both go into utc alone, (utc - the
 * first bound) shifted over the run index, and run is 0: a compare is
 * then one, which is what the merge does most (lc_replay). approx: a
 * bound, not the record's key; a bound is at or before its run's real
 * key, so a real key before it comes out rightly first, also on an
 * equal utc. */
struct lc_key {
	uint64_t utc;		/* utc, sign flipped; complemented going back;
				 * or (utc, run) packed */
	uint32_t run;		/* run index; complemented going back; 0 packed */
	bool approx;
};

/* A node of the loser tree: the loser there, with a copy of its key, so
 * that playing a key up the tree reads each level's key without going
 * through the run's index (the levels' loads do not wait on each other,
 * only the compares do). */
struct lc_node {
	uint64_t utc;		/* as in lc_key; packed: lc_tree_key's */
	uint32_t run;
	uint32_t idx;		/* the run (packed: not kept up, the key
				 * names it) */
};

struct log_cursor {
	struct store *s;
	const struct log_query *q;
	struct lc_file *files;
	size_t nfiles;
	struct lc_block *blocks;
	size_t nblocks, capblocks;
	struct lc_run *runs;
	size_t nruns, capruns;
	struct lc_key *keys;	/* by run; sentinel keys when done */
	struct lc_node *tree;	/* the loser tree over keys ([0] unused) */
	bool packed;		/* keys are packed (see lc_key) from: */
	int64_t utc0, utc1;	/* the least and greatest bound */
	unsigned run_bits;	/* bits of a run index */
	uint32_t top;		/* the winner: a run index */
	uint32_t *win;		/* 2 * nruns: winners, while building it */
	int dir;		/* what the tree is ordered for */
	bool dirty;		/* the top run moved: its key is stale */
	struct log_pos at;	/* the last seek */
	enum severity min_sev;	/* q->min_sev as of the last seek */
	sqlite3_blob *blob;	/* block_text.text, moved from block to block */
	struct buf stored;	/* a compressed text, read before decoding */
	pcre2_match_data *md;	/* for q->grep */
	bool blockwise;		/* q->grep may be matched over whole blocks */
	uint64_t seen;		/* records of the blocks loaded since the seek */
	char **comp_names;	/* by component id */
	size_t ncomp_names;
	uint32_t *want_comps;	/* ids matching q->component */
	size_t nwant;
};

/* ---- opening: components, files, runs ---- */

static int lc_load_components(struct log_cursor *c)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_LC_COMPS);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = store_column_str(st, 1);
		if (id <= 0 || id > UINT32_MAX)
			continue;
		if ((size_t)id >= c->ncomp_names) {
			size_t cap = (size_t)id * 2;
			c->comp_names = xrealloc(c->comp_names, cap * sizeof(char *));
			memset(c->comp_names + c->ncomp_names, 0,
			       (cap - c->ncomp_names) * sizeof(char *));
			c->ncomp_names = cap;
		}
		free(c->comp_names[id]);
		c->comp_names[id] = xstrdup(name);
		if (c->q->component && sqlite3_stricmp(name, c->q->component) == 0) {
			c->want_comps = xrealloc(c->want_comps,
						 (c->nwant + 1) * sizeof(uint32_t));
			c->want_comps[c->nwant++] = (uint32_t)id;
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(c->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int lc_load_files(struct log_cursor *c)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_LC_FILES);
	if (!st)
		return -1;
	store_bind_text(st, 1, c->q->host);
	sqlite3_bind_int64(st, 2, c->q->file_id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->nfiles == cap) {
			cap = cap ? cap * 2 : 16;
			c->files = xrealloc(c->files, cap * sizeof(*c->files));
		}
		struct lc_file *f = &c->files[c->nfiles++];
		f->id = sqlite3_column_int64(st, 0);
		f->host = xstrdup(store_column_str(st, 1));
		f->path = xstrdup(store_column_str(st, 2));
		f->top_sev = sqlite3_column_int64(st, 5) > 0 ? SEV_ERROR :
			     sqlite3_column_int64(st, 4) > 0 ? SEV_WARNING :
			     sqlite3_column_int64(st, 3) > 0 ? SEV_INFO : SEV_VERBOSE;
	}
	if (rc != SQLITE_DONE)
		store_fail(c->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void lc_add_run(struct log_cursor *c, size_t f, size_t b0, size_t b1)
{
	if (c->nruns == c->capruns) {
		c->capruns = c->capruns ? c->capruns * 2 : 16;
		c->runs = xrealloc(c->runs, c->capruns * sizeof(*c->runs));
	}
	/* files[f], not a pointer: files is complete before runs are cut */
	c->runs[c->nruns++] = (struct lc_run){
		.file = &c->files[f], .b0 = b0, .nb = b1 - b0, .have = SIZE_MAX,
	};
}

/* Read a file's candidate blocks' bounds and cut them into runs that never
 * go back in time. */
static int lc_file_runs(struct log_cursor *c, size_t f)
{
	const struct log_query *q = c->q;
	sqlite3_stmt *st = store_stmt(c->s, SQL_LC_BOUNDS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, c->files[f].id);
	if (q->has_since)
		sqlite3_bind_int64(st, 3, q->since_us);
	if (q->has_until)
		sqlite3_bind_int64(st, 4, q->until_us);
	store_bind_text(st, 5, q->component);
	size_t first = c->nblocks;
	int64_t top = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lc_block b = {
			.seq = (uint64_t)sqlite3_column_int64(st, 0),
			.lo = sqlite3_column_int64(st, 1),
			.hi = sqlite3_column_int64(st, 2),
			.n = (uint32_t)sqlite3_column_int64(st, 3),
			.top_sev = LC_SEV_UNKNOWN,
		};
		if (b.hi < b.lo)
			b.hi = b.lo;	/* only undated: [0, 0] */
		if (c->nblocks > first && b.lo < top) {
			lc_add_run(c, f, first, c->nblocks);
			first = c->nblocks;
		}
		if (c->nblocks == first || b.hi > top)
			top = b.hi;
		if (c->nblocks == c->capblocks) {
			c->capblocks = c->capblocks ? c->capblocks * 2 : 256;
			c->blocks = xrealloc(c->blocks, c->capblocks * sizeof(*c->blocks));
		}
		c->blocks[c->nblocks++] = b;
	}
	if (rc != SQLITE_DONE)
		store_fail(c->s);
	sqlite3_reset(st);
	if (c->nblocks > first)
		lc_add_run(c, f, first, c->nblocks);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- a run's block ---- */

static const struct lc_block *lc_blk(const struct log_cursor *c,
				     const struct lc_run *r, size_t bi)
{
	return &c->blocks[r->b0 + bi];
}

static int lc_corrupt(struct log_cursor *c, const struct lc_run *r,
		      const char *what)
{
	return store_corrupt_block(c->s, r->block_id, r->file->id, what);
}

struct lc_sort_key {
	int64_t utc;
	uint32_t idx;
};

static int lc_sort_cmp(const void *a, const void *b)
{
	const struct lc_sort_key *x = a, *y = b;
	if (x->utc != y->utc)
		return x->utc < y->utc ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The entries' text offsets and the text's length they need (checked
 * against the text when it is read), and their order when they go back
 * in time; an in-order block costs one pass. */
static int lc_order_block(struct lc_run *r)
{
	int64_t prev = INT64_MIN;
	bool sorted = true;
	size_t off = 0;
	for (uint32_t i = 0; i < r->n; i++) {
		const unsigned char *m = r->meta + (size_t)i * BLOCKFMT_RECORD_BYTES;
		int64_t utc = (int64_t)blockfmt_utc(m);
		sorted = sorted && utc >= prev;
		prev = utc;
		r->offs[i] = (uint32_t)off;
		off += blockfmt_text_len(m);
	}
	free(r->order);
	r->order = NULL;
	r->text_len = off;
	if (sorted)
		return 0;
	struct lc_sort_key *k = xmalloc(r->n * sizeof(*k));
	r->order = xmalloc(r->n * sizeof(*r->order));
	for (uint32_t i = 0; i < r->n; i++)
		k[i] = (struct lc_sort_key){
			(int64_t)blockfmt_utc(r->meta + (size_t)i * BLOCKFMT_RECORD_BYTES), i};
	qsort(k, r->n, sizeof(*k), lc_sort_cmp);
	for (uint32_t i = 0; i < r->n; i++)
		r->order[i] = (uint16_t)k[i].idx;
	free(k);
	return 0;
}

/* Read len bytes at off of the open blob into dst; on failure the blob
 * is closed (unusable after one). */
static int lc_blob_read(struct log_cursor *c, void *dst, size_t len, size_t off)
{
	if (sqlite3_blob_read(c->blob, dst, (int)len, (int)off) == SQLITE_OK)
		return 0;
	store_fail(c->s);
	sqlite3_blob_close(c->blob);
	c->blob = NULL;
	return -1;
}

/* The open blob moved to the held block's text; its stored length, or
 * -1. */
static long long lc_blob_at(struct log_cursor *c, const struct lc_run *r)
{
	int rc = c->blob ? sqlite3_blob_reopen(c->blob, r->block_id) :
		 sqlite3_blob_open(c->s->db, "main", "block_text", "text",
				   r->block_id, 0, &c->blob);
	if (rc != SQLITE_OK) {
		store_fail(c->s);
		sqlite3_blob_close(c->blob);	/* unusable after a failure */
		c->blob = NULL;
		return -1;
	}
	return sqlite3_blob_bytes(c->blob);
}

/* The held block's text, whole, into r->text: one read per block, when
 * a record of it is first handed out (or matched), not when the block is
 * loaded: a seek loads one block per run to find the runs' heads, and
 * most of those texts are never needed. A raw text is read straight into
 * r->text; a compressed one into c->stored, then decoded (blocktext.h). */
static int lc_text(struct log_cursor *c, struct lc_run *r)
{
	if (r->text_in)
		return 0;
	long long at = lc_blob_at(c, r);
	if (at < 0)
		return -1;
	size_t stored_len = (size_t)at, raw;
	unsigned char head[BLOCKTEXT_HEADER];
	const char *why;
	if (stored_len >= sizeof(head) && lc_blob_read(c, head, sizeof(head), 0) < 0)
		return -1;
	if (blocktext_raw_len(head, stored_len, &raw, &why) < 0)
		return lc_corrupt(c, r, why);
	if (raw < r->text_len)
		return lc_corrupt(c, r, "a record's text runs past the block's");
	if (raw + 1 > r->text_cap) {	/* + 1: never malloc(0) */
		r->text_cap = raw + 1;
		free(r->text);
		r->text = xmalloc(r->text_cap);
	}
	if (head[0] == BLOCKTEXT_RAW) {
		if (raw && lc_blob_read(c, r->text, raw, BLOCKTEXT_HEADER) < 0)
			return -1;
	} else {
		buf_reset(&c->stored);
		buf_reserve(&c->stored, stored_len);
		if (lc_blob_read(c, c->stored.data, stored_len, 0) < 0)
			return -1;
		c->stored.len = stored_len;
		if (blocktext_decode_into(c->stored.data, stored_len, r->text, raw,
					  &why) < 0)
			return lc_corrupt(c, r, why);
	}
	r->text_in = true;
	return 0;
}

/* The held block's text in its stored form, whole, into r->stored, its
 * header checked (store_log_next_entry: decoded by the caller). */
static int lc_stored(struct log_cursor *c, struct lc_run *r)
{
	if (r->stored_in)
		return 0;
	long long at = lc_blob_at(c, r);
	if (at < 0)
		return -1;
	size_t stored_len = (size_t)at;
	const char *why;
	buf_reset(&r->stored);
	buf_reserve(&r->stored, stored_len);
	if (lc_blob_read(c, r->stored.data, stored_len, 0) < 0)
		return -1;
	r->stored.len = stored_len;
	if (blocktext_raw_len(r->stored.data, stored_len, &r->stored_raw, &why) < 0)
		return lc_corrupt(c, r, why);
	if (r->stored_raw < r->text_len)
		return lc_corrupt(c, r, "a record's text runs past the block's");
	r->stored_in = r->stored_new = true;
	return 0;
}

static void lc_release(struct lc_run *r)
{
	free(r->meta);
	free(r->text);
	free(r->order);
	free(r->offs);
	buf_free(&r->stored);
	r->stored_in = false;
	r->meta = NULL;
	r->text = NULL;
	r->order = NULL;
	r->offs = NULL;
	r->meta_cap = r->text_cap = r->text_len = 0;
	r->have = SIZE_MAX;
}

/* A block read or passed over: progress, and a chance to cancel (then
 * nothing moved). */
static bool lc_tick(struct log_cursor *c, const struct lc_block *b)
{
	const struct log_query *q = c->q;
	if (q->tick && q->tick(q->tick_ctx, b->lo, c->seen + b->n))
		return true;
	c->seen += b->n;
	return false;
}

/* The worst severity of n packed entries. */
static uint8_t lc_top_sev(const unsigned char *meta, uint32_t n)
{
	enum severity top = SEV_VERBOSE;
	for (uint32_t i = 0; i < n && top < SEV_ERROR; i++) {
		enum severity sev = blockfmt_severity(meta + (size_t)i * BLOCKFMT_RECORD_BYTES);
		if (sev > top)
			top = sev;
	}
	return (uint8_t)top;
}

/* Whether the cursor passes over block b unread: it was read before and
 * has no entry at the filter's severity, or no candidate for the grep. */
static bool lc_passes_over(const struct log_cursor *c, const struct lc_block *b)
{
	return (c->min_sev && b->top_sev != LC_SEV_UNKNOWN && b->top_sev < c->min_sev) ||
	       b->barren;
}

/* Hold block bi of the run (a no-op when it does already). tick() comes
 * first, so a cancel leaves the run as it was. 0, -1, or
 * STORE_LOG_CANCELLED. */
static int lc_load(struct log_cursor *c, struct lc_run *r, size_t bi)
{
	if (r->have == bi)
		return 0;
	const struct log_query *q = c->q;
	struct lc_block *b = &c->blocks[r->b0 + bi];
	if (lc_tick(c, b))
		return STORE_LOG_CANCELLED;
	r->have = SIZE_MAX;
	sqlite3_stmt *st = store_stmt(c->s, SQL_LC_BLOCK);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->file->id);
	sqlite3_bind_int64(st, 2, (int64_t)b->seq);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return lc_corrupt(c, r, "it vanished from the block list");
		return store_fail(c->s);
	}
	int64_t n = sqlite3_column_int64(st, 0);
	size_t bytes = (size_t)sqlite3_column_bytes(st, 1);
	r->block_id = sqlite3_column_int64(st, 2);
	if (n < 0 || n > STORE_BLOCK_RECORDS || (uint64_t)n != b->n ||
	    bytes != (size_t)n * BLOCKFMT_RECORD_BYTES) {
		sqlite3_reset(st);
		return lc_corrupt(c, r, "metadata does not match its record count");
	}
	if (bytes + 1 > r->meta_cap) {
		free(r->meta);
		free(r->offs);
		r->meta_cap = bytes + 1;
		r->meta = xmalloc(r->meta_cap);
		r->offs = xmalloc(((size_t)n + 1) * sizeof(*r->offs));
	}
	if (bytes)
		memcpy(r->meta, sqlite3_column_blob(st, 1), bytes);
	sqlite3_reset(st);
	r->n = (uint32_t)n;
	/* Every span of every entry, before a blockwise grep may skip the
	 * entries it never looks at: a tampered block is named, not read.
	 * The texts' total is checked against the text when it is read. */
	const char *why;
	if (blockfmt_check(r->meta, bytes, n, STORE_BLOCK_RECORDS, INT32_MAX - 1,
			   &why))
		return lc_corrupt(c, r, why);
	if (c->min_sev && b->top_sev == LC_SEV_UNKNOWN)
		b->top_sev = lc_top_sev(r->meta, r->n);
	r->text_in = r->stored_in = false;
	if (lc_order_block(r) < 0 || (q->grep && lc_text(c, r) < 0))
		return -1;
	if (c->blockwise) {
		blockgrep_candidates(q->grep, c->md, r->meta, r->n, r->text,
				     r->text_len, &r->cand);
		/* a search passes over most blocks: none holds their text */
		b->barren = !r->cand.count;
		if (b->barren) {
			free(r->text);
			r->text = NULL;
			r->text_cap = 0;
			r->text_in = false;
		}
	}
	r->have = bi;
	return 0;
}

/* ---- keys ---- */

static uint32_t lc_rec(const struct lc_run *r, uint32_t pos)
{
	return r->order ? r->order[pos] : pos;
}

/* (utc, file, seq) of an entry against a position. */
static int lc_cmp_at(const struct log_pos *a, int64_t utc, int64_t file,
		     uint64_t seq)
{
	if (utc != a->utc)
		return utc < a->utc ? -1 : 1;
	if (file != a->file_id)
		return file < a->file_id ? -1 : 1;
	return (seq > a->seq) - (seq < a->seq);
}

/* The first entry (in sorted order) of the held block at or after at. */
static uint32_t lc_lower_bound(const struct log_cursor *c, const struct lc_run *r,
			       const struct log_pos *at)
{
	uint64_t seq0 = lc_blk(c, r, r->have)->seq;
	uint32_t lo = 0, hi = r->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, rec = lc_rec(r, mid);
		int64_t utc = (int64_t)blockfmt_utc(r->meta + (size_t)rec * BLOCKFMT_RECORD_BYTES);
		if (lc_cmp_at(at, utc, r->file->id, seq0 + rec) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether entry pos of the held block is wanted: 1 yes, 2 its grep ended
 * in a PCRE2 error (ent_rc), 0 no, -1 corrupt. Decodes it into r->ent. */
static int lc_want(struct log_cursor *c, struct lc_run *r, uint32_t pos)
{
	const struct log_query *q = c->q;
	uint32_t rec = lc_rec(r, pos);
	struct block_entry *e = &r->ent;
	if (c->blockwise && !blockgrep_has(&r->cand, rec))
		return 0;
	const unsigned char *m = r->meta + (size_t)rec * BLOCKFMT_RECORD_BYTES;
	if (c->min_sev && blockfmt_severity(m) < c->min_sev)
		return 0;
	blockfmt_unpack(m, e);
	r->ent_rec = rec;
	r->ent_rc = 0;
	if ((uint64_t)r->offs[rec] + e->text_len > r->text_len ||
	    (uint64_t)e->msg_off + e->msg_len > e->text_len ||
	    (uint64_t)e->time_off + e->time_len > e->text_len)
		return lc_corrupt(c, r, "a record lies outside the block's text");
	if ((q->has_since && e->utc_us < q->since_us) ||
	    (q->has_until && e->utc_us > q->until_us))
		return 0;
	if (q->component) {
		size_t i = 0;
		while (i < c->nwant && c->want_comps[i] != e->comp_id)
			i++;
		if (i == c->nwant)
			return 0;
	}
	if (!q->grep)
		return 1;
	const char *msg = r->text + r->offs[rec] + e->msg_off;
	int rc = pcre2_match(q->grep, (PCRE2_SPTR)msg, e->msg_len, 0,
			     PCRE2_NO_UTF_CHECK, c->md, NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	r->ent_rc = rc;
	return 2;
}

/* The head (tail) just found comes out when its run next reaches the
 * top, after about one record of every other run: its message is fetched
 * into the cache now, so that formatting it does not wait for memory (the
 * runs' texts together are far larger than the cache, and interleaved).
 * always_inline: GCC 12 finds a function of nothing but prefetches free
 * of effects and drops its calls. */
static inline __attribute__((always_inline)) void lc_prefetch(const struct lc_run *r,
								int dir)
{
	/* and the entry looked at next, for the same reason */
	uint32_t next = dir == FWD ? r->ent_rec + 1 : r->ent_rec - 1;
	if (next < r->n) {
		const unsigned char *e = r->meta + (size_t)next * BLOCKFMT_RECORD_BYTES;
		__builtin_prefetch(e);
		__builtin_prefetch(e + BLOCKFMT_RECORD_BYTES - 1);
	}
	if (!r->text_in)
		return;
	const char *m = r->text + r->offs[r->ent_rec] + r->ent.msg_off;
	size_t len = r->ent.msg_len < 256 ? r->ent.msg_len : 256;
	for (size_t i = 0; i < len; i += 64)
		__builtin_prefetch(m + i);
	__builtin_prefetch(m + len);
}

/* What lc_head and lc_tail found: a wanted entry (in r->ent), none left,
 * or none in the block they looked at, and they moved to the next block
 * (its bound is the run's key, see the file's head). */
enum lc_found { LC_FOUND, LC_NONE, LC_MOVED };

/* Move the run's position to the start of its next block (FWD) or the
 * end of the one before (BACK): LC_MOVED, or LC_NONE past its last. */
static enum lc_found lc_next_block(const struct log_cursor *c, struct lc_run *r,
				   int dir)
{
	r->pending = false;
	if (dir == FWD && r->bi + 1 < r->nb) {
		r->bi++;
		r->pos = 0;
		return LC_MOVED;
	}
	if (dir == BACK && r->bi > 0) {
		r->bi--;
		r->pos = lc_blk(c, r, r->bi)->n;
		return LC_MOVED;
	}
	lc_release(r);
	if (dir == FWD)
		r->bi = r->nb;
	else
		r->pos = 0;
	return LC_NONE;
}

/* Make the run's head exact: the first wanted entry at or after its
 * position in the block it is in, loading it. 0 (and *found), -1 or
 * STORE_LOG_CANCELLED. */
static int lc_head(struct log_cursor *c, struct lc_run *r, enum lc_found *found)
{
	if (r->bi >= r->nb) {
		lc_release(r);
		*found = LC_NONE;
		return 0;
	}
	if (lc_passes_over(c, lc_blk(c, r, r->bi))) {
		if (lc_tick(c, lc_blk(c, r, r->bi)))
			return STORE_LOG_CANCELLED;
		*found = lc_next_block(c, r, FWD);
		return 0;
	}
	int rc = lc_load(c, r, r->bi);
	if (rc)
		return rc;
	if (r->pending) {
		r->pos = lc_lower_bound(c, r, &c->at);
		r->pending = false;
	}
	if (c->blockwise && !r->cand.count)
		r->pos = r->n;
	for (; r->pos < r->n; r->pos++) {
		int w = lc_want(c, r, r->pos);
		if (w < 0)
			return -1;
		if (w) {
			*found = LC_FOUND;
			lc_prefetch(r, FWD);
			return 0;
		}
	}
	*found = lc_next_block(c, r, FWD);
	return 0;
}

/* The same backward: the last wanted entry before the position. */
static int lc_tail(struct log_cursor *c, struct lc_run *r, enum lc_found *found)
{
	if (!r->nb || (r->bi == 0 && r->pos == 0 && !r->pending)) {
		lc_release(r);
		*found = LC_NONE;
		return 0;
	}
	if (r->bi >= r->nb) {
		r->bi = r->nb - 1;
		r->pos = lc_blk(c, r, r->bi)->n;
		r->pending = false;
	}
	const struct lc_block *b = lc_blk(c, r, r->bi);
	if (r->pending && b->lo > c->at.utc) {
		/* all of the block comes after the position: the tail is
		 * before it, and it need not be read */
		*found = lc_next_block(c, r, BACK);
		return 0;
	}
	if (lc_passes_over(c, b)) {
		if (lc_tick(c, b))
			return STORE_LOG_CANCELLED;
		*found = lc_next_block(c, r, BACK);
		return 0;
	}
	int rc = lc_load(c, r, r->bi);
	if (rc)
		return rc;
	if (r->pending) {
		r->pos = lc_lower_bound(c, r, &c->at);
		r->pending = false;
	}
	if (c->blockwise && !r->cand.count)
		r->pos = 0;
	for (; r->pos > 0; r->pos--) {
		int w = lc_want(c, r, r->pos - 1);
		if (w < 0)
			return -1;
		if (w) {
			*found = LC_FOUND;
			lc_prefetch(r, BACK);
			return 0;
		}
	}
	*found = lc_next_block(c, r, BACK);
	return 0;
}

/* The key past every record: the run is done. */
static void lc_end_key(struct lc_key *k)
{
	k->utc = UINT64_MAX;
	k->run = UINT32_MAX;
	k->approx = false;
}

static bool lc_is_end(const struct lc_key *k)
{
	return k->utc == UINT64_MAX && k->run == UINT32_MAX;
}

static void lc_key_set(struct log_cursor *c, const struct lc_run *r, int64_t utc,
		       bool approx)
{
	struct lc_key *k = &c->keys[r - c->runs];
	uint32_t i = (uint32_t)(r - c->runs);
	k->approx = approx;
	if (c->packed) {
		/* a tampered entry may lie outside its block's bounds */
		utc = utc < c->utc0 ? c->utc0 : utc > c->utc1 ? c->utc1 : utc;
		uint64_t x = (uint64_t)(utc - c->utc0) << c->run_bits | i;
		k->utc = c->dir == FWD ? x : (UINT64_C(1) << 63) - 1 - x;
		k->run = 0;	/* never the end key's */
		return;
	}
	uint64_t u = (uint64_t)utc ^ (UINT64_C(1) << 63);
	k->utc = c->dir == FWD ? u : ~u;
	k->run = c->dir == FWD ? i : ~i;
}

/* Set the run's key to a bound that costs nothing: the lower bound of its
 * head (FWD) or the upper bound of its tail (BACK), from block bounds. */
static void lc_bound(struct log_cursor *c, struct lc_run *r)
{
	if (c->min_sev > r->file->top_sev) {
		/* its log has no record at that severity */
		lc_end_key(&c->keys[r - c->runs]);
		return;
	}
	if (c->dir == FWD) {
		if (r->bi >= r->nb)
			lc_end_key(&c->keys[r - c->runs]);
		else
			lc_key_set(c, r, lc_blk(c, r, r->bi)->lo, true);
		return;
	}
	size_t bi = r->bi < r->nb ? r->bi : r->nb - 1;
	/* a pending block that starts after the position: the tail is in
	 * the block before (see lc_tail) */
	bool after = r->pending && r->nb && lc_blk(c, r, bi)->lo > c->at.utc;
	if (!r->nb || (r->bi == 0 && r->pos == 0 && !r->pending) || (after && bi == 0))
		lc_end_key(&c->keys[r - c->runs]);
	else
		lc_key_set(c, r, lc_blk(c, r, after ? bi - 1 : bi)->hi, true);
}

/* The run's exact key, after lc_head/lc_tail. */
static void lc_exact(struct log_cursor *c, struct lc_run *r, bool none)
{
	if (none)
		lc_end_key(&c->keys[r - c->runs]);
	else
		lc_key_set(c, r, r->ent.utc_us, false);
}

/* ---- the loser tree ----
 *
 * Most records come from another run than the one before (the logs of
 * a bundle interleave), so every record moves its run's key far from the
 * top: a loser tree replays it against one stored loser per level
 * (log2 runs comparisons), where a heap's sift compares two children a
 * level. Run i is leaf k + i (k runs), node p's children are 2p and
 * 2p + 1, and tree[p] holds the loser there, top the winner. */

/* Packed keys hold their run in their low bits (run_bits: the run
 * index, complemented going back), but for the end key, which the tree
 * holds as all ones over the run's bits instead: past every real key,
 * and each run's its own. So a packed tree's keys are all distinct and
 * name their runs: a node needs no run index, and playing a key up is a
 * min and a max a level (lc_replay_packed). */
static uint64_t lc_run_mask(const struct log_cursor *c)
{
	return ((uint64_t)1 << c->run_bits) - 1;
}

static uint64_t lc_tree_key(const struct log_cursor *c, uint32_t i)
{
	uint64_t u = c->keys[i].utc, mask = lc_run_mask(c);
	if (u != UINT64_MAX)	/* a real key: its top bit is clear */
		return u;
	return ~mask | (c->dir == FWD ? i : mask - i);
}

/* The run a packed tree key names. */
static uint32_t lc_tree_run(const struct log_cursor *c, uint64_t key)
{
	uint64_t mask = lc_run_mask(c), low = key & mask;
	return (uint32_t)(c->dir == FWD ? low : mask - low);
}

/* Whether run a's key comes out before run b's. */
static bool lc_before(const struct log_cursor *c, uint32_t a, uint32_t b)
{
	if (c->packed)
		return lc_tree_key(c, a) < lc_tree_key(c, b);
	const struct lc_key *x = &c->keys[a], *y = &c->keys[b];
	unsigned lt = x->utc < y->utc, eq = x->utc == y->utc, rl = x->run < y->run;
	return lt | (eq & rl);
}

/* lc_replay on packed keys (lc_tree_key): the greater stays at each
 * level, the less goes up, and the key that comes out names its run. */
static void lc_replay_packed(struct log_cursor *c, uint32_t i)
{
	struct lc_node *t = c->tree;
	uint64_t wu = lc_tree_key(c, i);
	for (size_t p = (c->nruns + i) / 2; p > 0; p /= 2) {
		uint64_t lu = t[p].utc;
		t[p].utc = lu > wu ? lu : wu;
		wu = lu < wu ? lu : wu;
	}
	c->top = lc_tree_run(c, wu);
}

/* Run i's key changed: play it up from its leaf to the root. */
static void lc_replay(struct log_cursor *c, uint32_t i)
{
	if (c->packed) {
		lc_replay_packed(c, i);
		return;
	}
	struct lc_node *t = c->tree;
	uint64_t wu = c->keys[i].utc;
	uint32_t wr = c->keys[i].run, wi = i;
	for (size_t p = (c->nruns + i) / 2; p > 0; p /= 2) {
		/* the loser there wins: swap them; by mask, as the outcome
		 * is a coin toss a branch would guess wrong half the time */
		uint64_t lu = t[p].utc;
		uint32_t lr = t[p].run, li = t[p].idx;
		uint64_t m = 0 - (uint64_t)((lu < wu) | ((lu == wu) & (lr < wr)));
		uint32_t m32 = (uint32_t)m;
		uint64_t xu = (wu ^ lu) & m;
		uint32_t xr = (wr ^ lr) & m32, xi = (wi ^ li) & m32;
		t[p] = (struct lc_node){ lu ^ xu, lr ^ xr, li ^ xi };
		wu ^= xu;
		wr ^= xr;
		wi ^= xi;
	}
	c->top = wi;
}

static void lc_rebuild(struct log_cursor *c, int dir)
{
	size_t k = c->nruns;
	c->dir = dir;
	c->dirty = false;
	for (size_t i = 0; i < k; i++) {
		lc_bound(c, &c->runs[i]);
		c->win[k + i] = (uint32_t)i;
	}
	for (size_t p = k; p-- > 1;) {
		uint32_t a = c->win[2 * p], b = c->win[2 * p + 1];
		bool b_first = lc_before(c, b, a);
		uint32_t l = b_first ? a : b;
		c->win[p] = b_first ? b : a;
		c->tree[p] = (struct lc_node){ c->packed ? lc_tree_key(c, l) :
					       c->keys[l].utc, c->keys[l].run, l };
	}
	c->top = k > 1 ? c->win[1] : 0;
}

/* Run i's key is a bound: look in the block it stands for, and play
 * what that gives (the exact key, the end, or the next block's bound). */
static int lc_advance(struct log_cursor *c, uint32_t i)
{
	struct lc_run *r = &c->runs[i];
	enum lc_found found;
	int rc = c->dir == FWD ? lc_head(c, r, &found) : lc_tail(c, r, &found);
	if (rc)
		return rc;
	if (found == LC_MOVED)
		lc_bound(c, r);
	else
		lc_exact(c, r, found == LC_NONE);
	lc_replay(c, i);
	return 0;
}

/* Until the winner is exact: make its key exact and play it again. */
static int lc_settle(struct log_cursor *c)
{
	while (c->nruns && c->keys[c->top].approx) {
		int rc = lc_advance(c, c->top);
		if (rc)
			return rc;
	}
	return 0;
}

/* The name of an entry's component, "" when none or unknown. */
static const char *lc_comp_name(const struct log_cursor *c,
				const struct block_entry *e)
{
	if (e->comp_id && e->comp_id < c->ncomp_names && c->comp_names[e->comp_id])
		return c->comp_names[e->comp_id];
	return "";
}

static void lc_fill(const struct log_cursor *c, const struct lc_run *r,
		    const char *text, struct stored_record *out)
{
	const struct block_entry *e = &r->ent;
	const char *comp = lc_comp_name(c, e);
	struct record_origin o = { r->file->id, r->file->host, r->file->path };
	store_record_of_entry(e, &o, lc_blk(c, r, r->bi)->seq + r->ent_rec,
			      text, comp, out);
}

/* Where the record just filled from r is; its block's stored text too,
 * the first time. */
static void lc_ref(const struct log_cursor *c, struct lc_run *r,
		   struct log_text_ref *ref)
{
	ref->run = (uint32_t)(r - c->runs);
	ref->off = r->offs[r->ent_rec];
	ref->stored = NULL;
	if (r->stored_new) {
		ref->stored = r->stored.data;
		ref->stored_len = r->stored.len;
		ref->raw_len = r->stored_raw;
		ref->block_id = r->block_id;
		ref->file_id = r->file->id;
		ref->host = r->file->host;
		ref->path = r->file->path;
		r->stored_new = false;
	}
}

/* The run whose record comes next (dir), its entry in r->ent: 0, or
 * STORE_LOG_END, -1 or STORE_LOG_CANCELLED. */
static int lc_win(struct log_cursor *c, int dir, struct lc_run **won)
{
	int rc;
	if (c->dir != dir)
		lc_rebuild(c, dir);
	else if (c->dirty && c->nruns) {
		/* the run of the record just taken: its next key at once (a
		 * bound of it would stay the winner and be made exact next) */
		uint32_t i = c->top;
		struct lc_run *r = &c->runs[i];
		if (dir == FWD && r->bi < r->nb && c->min_sev <= r->file->top_sev) {
			/* its bound (lc_bound) would only be made exact */
			if ((rc = lc_advance(c, i)) != 0) {
				lc_bound(c, r);
				return rc;	/* dirty: the bound stays */
			}
		} else {
			lc_bound(c, r);
			if (!c->keys[i].approx)
				lc_replay(c, i);
			else if ((rc = lc_advance(c, i)) != 0)
				return rc;	/* dirty: the bound stays */
		}
	}
	c->dirty = false;
	rc = lc_settle(c);
	if (rc)
		return rc;
	if (!c->nruns || lc_is_end(&c->keys[c->top]))
		return STORE_LOG_END;
	*won = &c->runs[c->top];
	return 0;
}

/* Past the record of r just handed out; its block stays held, so the
 * record's text stays valid. */
static int lc_took(struct log_cursor *c, struct lc_run *r, int dir)
{
	if (dir == FWD)
		r->pos++;
	else
		r->pos--;
	c->dirty = true;
	return r->ent_rc ? STORE_LOG_LIMITED : STORE_LOG_RECORD;
}

static int lc_step(struct log_cursor *c, int dir, struct stored_record *out,
		   int *pcre2_rc)
{
	struct lc_run *r;
	int rc = lc_win(c, dir, &r);
	if (rc)
		return rc;
	if (lc_text(c, r) < 0)
		return -1;
	lc_fill(c, r, r->text + r->offs[r->ent_rec], out);
	if (pcre2_rc)
		*pcre2_rc = r->ent_rc;
	return lc_took(c, r, dir);
}

/* store_record_of_entry's fields, as a log_entry. */
static void lc_entry(const struct log_cursor *c, const struct lc_run *r,
		     struct log_entry *out)
{
	const struct block_entry *e = &r->ent;
	out->utc_us = e->utc_us;
	out->component = lc_comp_name(c, e);
	out->line = e->line;
	out->thread = e->thread;
	out->message = (struct span){ e->msg_off, e->msg_len };
	out->time_text = (struct span){ e->time_off, e->time_len };
	out->bias_min = e->bias_min == BLOCKFMT_NO_BIAS ? 0 : e->bias_min;
	out->type = e->type;
	out->keyword_sev = e->keyword_sev;
	out->offset_source = e->offset_source;
	out->flags = (uint8_t)((e->flags & BLOCKFMT_TIMED ? LOG_ENTRY_TIMED : 0) |
			       (e->flags & BLOCKFMT_DATED ? LOG_ENTRY_DATED : 0) |
			       (e->flags & BLOCKFMT_PARTIAL ? LOG_ENTRY_PARTIAL : 0));
}

/* ---- the API ---- */

void store_log_release(struct log_cursor *c)
{
	if (c && c->blob) {
		sqlite3_blob_close(c->blob);
		c->blob = NULL;
	}
}

void store_log_forget(struct log_cursor *c)
{
	if (!c)
		return;
	store_log_release(c);
	for (size_t i = 0; i < c->nruns; i++)
		lc_release(&c->runs[i]);
	store_log_seek(c, &c->at);	/* the runs' positions, from bounds */
}

void store_log_close(struct log_cursor *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nruns; i++)
		lc_release(&c->runs[i]);
	for (size_t i = 0; i < c->nfiles; i++) {
		free(c->files[i].host);
		free(c->files[i].path);
	}
	sqlite3_blob_close(c->blob);
	buf_free(&c->stored);
	pcre2_match_data_free(c->md);
	for (size_t i = 0; i < c->ncomp_names; i++)
		free(c->comp_names[i]);
	free(c->comp_names);
	free(c->want_comps);
	free(c->files);
	free(c->blocks);
	free(c->runs);
	free(c->keys);
	free(c->tree);
	free(c->win);
	free(c);
}

/* Whether keys can be packed: the bounds' span and the run indexes in 63
 * bits (the end key, all ones, stays above every other either way). */
static void lc_packing(struct log_cursor *c)
{
	if (!c->nblocks)
		return;
	c->utc0 = c->blocks[0].lo;
	c->utc1 = c->blocks[0].hi;
	for (size_t b = 1; b < c->nblocks; b++) {
		if (c->blocks[b].lo < c->utc0)
			c->utc0 = c->blocks[b].lo;
		if (c->blocks[b].hi > c->utc1)
			c->utc1 = c->blocks[b].hi;
	}
	uint64_t span = (uint64_t)c->utc1 - (uint64_t)c->utc0;
	unsigned span_bits = 0, run_bits = 0;
	while (span_bits < 64 && span >> span_bits)
		span_bits++;
	while (((size_t)1 << run_bits) < c->nruns)
		run_bits++;
	c->run_bits = run_bits;
	c->packed = span_bits + run_bits <= 63;
}

struct log_cursor *store_log_open(struct store *s, const struct log_query *q)
{
	struct log_cursor *c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->q = q;
	c->dir = NODIR;
	if (q->grep) {
		c->md = pcre2_match_data_create_from_pattern(q->grep, NULL);
		if (!c->md)
			die("out of memory");
		c->blockwise = store_grep_blockwise(q->grep, q->grep_text);
	}
	int rc = lc_load_components(c);
	/* no such component: nothing matches, no run */
	if (rc == 0 && !(q->component && c->nwant == 0)) {
		rc = lc_load_files(c);
		for (size_t i = 0; rc == 0 && i < c->nfiles; i++)
			rc = lc_file_runs(c, i);
	}
	if (rc) {
		store_log_close(c);
		return NULL;
	}
	lc_packing(c);
	c->keys = xcalloc(c->nruns + 1, sizeof(*c->keys));
	c->tree = xcalloc(c->nruns + 1, sizeof(*c->tree));
	c->win = xcalloc(2 * c->nruns + 2, sizeof(*c->win));
	store_log_seek(c, NULL);
	return c;
}

/* The first block of the run whose upper bound reaches utc: both bounds
 * never decrease along a run. */
static size_t lc_find_block(const struct log_cursor *c, const struct lc_run *r,
			    int64_t utc)
{
	size_t lo = 0, hi = r->nb;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lc_blk(c, r, mid)->hi < utc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void store_log_seek(struct log_cursor *c, const struct log_pos *at)
{
	c->at = at ? *at : (struct log_pos){ INT64_MIN, INT64_MIN, 0 };
	c->min_sev = c->q->min_sev;
	c->seen = 0;
	for (size_t i = 0; i < c->nruns; i++) {
		struct lc_run *r = &c->runs[i];
		r->bi = lc_find_block(c, r, c->at.utc);
		r->pos = 0;
		r->pending = r->bi < r->nb;
	}
	c->dir = NODIR;
	c->dirty = false;
}

int store_log_rank(struct log_cursor *c, const struct log_pos *at, int64_t *n)
{
	int64_t sum = 0;
	for (size_t i = 0; i < c->nruns; i++) {
		struct lc_run *r = &c->runs[i];
		size_t bi = lc_find_block(c, r, at->utc);
		for (size_t b = 0; b < bi; b++)
			sum += lc_blk(c, r, b)->n;
		if (bi == r->nb || lc_blk(c, r, bi)->lo > at->utc)
			continue;
		int rc = lc_load(c, r, bi);
		if (rc)
			return rc < 0 ? -1 : rc;
		sum += lc_lower_bound(c, r, at);
	}
	*n = sum;
	return 0;
}

int store_log_next(struct log_cursor *c, struct stored_record *out, int *pcre2_rc)
{
	return lc_step(c, FWD, out, pcre2_rc);
}

int store_log_next_entry(struct log_cursor *c, struct log_entry *out,
			 struct log_text_ref *ref)
{
	struct lc_run *r;
	int rc = lc_win(c, FWD, &r);
	if (rc)
		return rc;
	if (lc_stored(c, r) < 0)
		return -1;
	lc_entry(c, r, out);
	lc_ref(c, r, ref);
	out->run = ref->run;
	out->off = ref->off;
	return lc_took(c, r, FWD);
}

int store_log_corrupt(struct log_cursor *c, const struct log_text_ref *ref,
		      const char *why)
{
	return store_corrupt_block(c->s, ref->block_id, ref->file_id, why);
}

int store_log_prev(struct log_cursor *c, struct stored_record *out, int *pcre2_rc)
{
	return lc_step(c, BACK, out, pcre2_rc);
}

int store_log(struct store *s, const struct log_query *q,
	      int (*each)(void *ctx, const struct stored_record *r), void *ctx)
{
	struct log_cursor *c = store_log_open(s, q);
	if (!c)
		return -1;
	struct stored_record rec;
	int prc = 0, rc;
	for (;;) {
		rc = store_log_next(c, &rec, &prc);
		if (rc == STORE_LOG_RECORD && each(ctx, &rec))
			rc = STORE_LOG_END;
		else if (rc == STORE_LOG_LIMITED && q->grep_error &&
			 q->grep_error(ctx, &rec, prc))
			rc = STORE_LOG_END;
		if (rc != STORE_LOG_RECORD && rc != STORE_LOG_LIMITED)
			break;
	}
	store_log_close(c);
	return rc == STORE_LOG_END ? 0 : rc == STORE_LOG_CANCELLED ? 1 : -1;
}
