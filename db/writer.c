/* writer.c - the ingest writer: records buffered into blocks (blockfmt.h)
 * and written a block at a time, so the cost of ingest follows bytes, not
 * rows. Events attached to records wait with their block, so that they are
 * stored with the record's settled time.
 *
 * A commit is a wait for the disk (fdatasync of journal and store), so
 * files are committed in batches: one transaction holds many files, each
 * in its own savepoint, so a file that fails rolls back alone and the
 * batch goes on. The caller decides when a batch is big enough (bytes,
 * time) and commits it; until then its files are not stored. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include "blockfmt.h"
#include "blocktext.h"
#include "eventpack.h"
#include "../lib/util.h"

/* One block: filled by the parsing thread, inserted by whichever thread
 * writes (see struct writer_pipe). It carries everything its insert
 * needs, so the filler can go on with the next block meanwhile. */
struct writer_block {
	int64_t file_id;
	uint64_t seq;		/* file index of the block's first record */
	uint64_t text_off;	/* decoded offset of the block's first byte */
	uint64_t events_kept_below;	/* see store_writer */
	uint32_t n;		/* records in the block */
	struct blockfmt_bounds bounds;	/* set when the block is sealed */
	struct block_entry entries[STORE_BLOCK_RECORDS];
	unsigned char meta[STORE_BLOCK_RECORDS * BLOCKFMT_RECORD_BYTES];
	struct buf text;
	struct buf stored;	/* text as stored (blocktext.h), when inserted */
	/* Its components, each once, for block_components. */
	uint32_t comps[STORE_BLOCK_RECORDS];
	uint32_t ncomps;
	/* Events of the block's records, inserted with it. */
	struct writer_event *events;
	size_t nevents, events_cap;
};

struct store_writer {
	struct store *s;
	struct record_sink sink;
	int64_t file_id;
	uint64_t seq;		/* file index of the next block's first record */
	uint64_t text_off;	/* decoded offset of the next block's first byte */
	struct writer_block *blk;	/* the block being filled */
	/* comp_mark[id] == block_gen: id already listed for this block */
	uint32_t *comp_mark;
	size_t comp_mark_cap;
	uint32_t block_gen;
	struct blockfmt_carry carry;
	struct blockfmt_tally tally;
	uint64_t stored;
	bool failed;
	/* PLAN_APPEND re-parses the last block; the events of its records
	 * before this seq are stored already and keep their rows and ids
	 * (the traces built on them stay valid). */
	uint64_t events_kept_below;
};

struct writer_event {
	uint32_t idx;		/* the record's entry in the block */
	size_t text_at;		/* its text's offset in the block's text */
	struct event ev;
};

/* The writer thread's side (below). */
struct writer_pipe;
static struct writer_block *block_new(void);
static void block_free(struct writer_block *b);
static void writer_pipe_clear(struct writer_pipe *p);
static struct writer_block *writer_pipe_take(struct writer_pipe *p);
static void writer_pipe_give(struct writer_pipe *p, struct writer_block *b);

/* A buffer grown by one huge record is given back rather than kept for
 * the rest of the file. */
#define WRITER_KEEP_TEXT_CAP (4u * STORE_BLOCK_BYTES)

static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_SAVEPOINT[] = "SAVEPOINT file";
static const char SQL_RELEASE[] = "RELEASE file";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO file";
static const char SQL_HOST_INSERT[] =
	"INSERT OR IGNORE INTO hosts(name) VALUES(?1)";
/* Host names are case-insensitive (as Windows has them): "client01" in
 * one bundle and "CLIENT01" in another are one host, spelt as first met. */
static const char SQL_HOST_LOOKUP[] =
	"SELECT id FROM hosts WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1";
static const char SQL_FILE_UPSERT[] =
	"INSERT INTO files(source, path, name, host_id, log_name, rotation,"
	" role, size, mtime, head_hash, ingested_at)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	" ON CONFLICT(source) DO UPDATE SET path = excluded.path,"
	" name = excluded.name, host_id = excluded.host_id,"
	" log_name = excluded.log_name, rotation = excluded.rotation,"
	" role = excluded.role, size = excluded.size, mtime = excluded.mtime,"
	" head_hash = excluded.head_hash, ingested_at = excluded.ingested_at"
	" RETURNING id";
static const char SQL_FILE_COUNTS[] =
	"SELECT records, partial, bytes, n_verbose, n_info, n_warning, n_error,"
	" n_nobias, n_explicit, n_host, n_override, n_assumed, n_psadt,"
	" n_joined FROM files WHERE id = ?1";
static const char SQL_FILE_FINAL[] =
	"UPDATE files SET format = ?2, encoding = ?3, content_hash = ?4,"
	" size = ?5, records = ?6, partial = ?7, bytes = ?8, n_verbose = ?9,"
	" n_info = ?10, n_warning = ?11, n_error = ?12, n_nobias = ?13,"
	" n_explicit = ?14, n_host = ?15, n_override = ?16, n_assumed = ?17,"
	" n_psadt = ?18, n_joined = ?19, duplicate_of = ?20 WHERE id = ?1";
static const char SQL_FILE_RESUME[] =
	"UPDATE files SET resume_hasher = ?2, tail_hash = ?3 WHERE id = ?1";
/* A superseded file keeps its row (and hashes, so that re-ingest skips
 * it) but no records: the file that supersedes it holds them all. */
static const char SQL_FILE_SUPERSEDE[] =
	"UPDATE files SET duplicate_of = ?2, records = 0, partial = 0,"
	" bytes = 0, n_verbose = 0, n_info = 0, n_warning = 0, n_error = 0,"
	" n_nobias = 0, n_explicit = 0, n_host = 0, n_override = 0,"
	" n_assumed = 0, n_psadt = 0, n_joined = 0, utc_min = NULL,"
	" utc_max = NULL WHERE id = ?1";
static const char SQL_REPOINT_DUPLICATES[] =
	"UPDATE files SET duplicate_of = ?2 WHERE duplicate_of = ?1";
/* The duplicates of a file whose content is replaced no longer match it:
 * a size of -1 makes the next ingest read them again. */
static const char SQL_RELEASE_DUPLICATES[] =
	"UPDATE files SET duplicate_of = NULL, size = -1"
	" WHERE duplicate_of = ?1";
static const char SQL_DROP_FILE_COMPS[] =
	"DELETE FROM block_components WHERE block_id IN"
	" (SELECT id FROM blocks WHERE file_id = ?1)";
static const char SQL_DROP_FILE_TEXT[] =
	"DELETE FROM block_text WHERE block_id IN"
	" (SELECT id FROM blocks WHERE file_id = ?1)";
static const char SQL_DROP_FILE_BLOCKS[] =
	"DELETE FROM blocks WHERE file_id = ?1";
static const char SQL_LAST_BLOCK[] =
	"SELECT id, seq, first_line, text_off, n, meta FROM blocks"
	" WHERE file_id = ?1 ORDER BY seq DESC LIMIT 1";
static const char SQL_DROP_BLOCK_COMP[] =
	"DELETE FROM block_components WHERE comp_id = ?1 AND block_id = ?2";
static const char SQL_DROP_BLOCK[] = "DELETE FROM blocks WHERE id = ?1";
static const char SQL_DROP_BLOCK_TEXT[] = "DELETE FROM block_text WHERE block_id = ?1";
static const char SQL_BLOCK_INSERT[] =
	"INSERT INTO blocks(file_id, seq, first_line, n, text_off, utc_min,"
	" utc_max, undated, bias, xlocal_min, xlocal_max, meta)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
/* The text lives apart from the block row: re-timing a block rewrites its
 * row, and SQLite rewrites a row whole, overflow pages and all. */
static const char SQL_BLOCK_TEXT_INSERT[] =
	"INSERT INTO block_text(block_id, text) VALUES(?1, ?2)";
static const char SQL_DROP_FILE_EVENTS[] =
	"DELETE FROM events WHERE file_id = ?1";
static const char SQL_DROP_TAIL_EVENTS[] =
	"DELETE FROM events WHERE file_id = ?1 AND seq >= ?2";
/* Events go in EVENTS_PER_INSERT rows to a statement where a block has
 * that many: a statement's fixed work (its cursors, the AUTOINCREMENT
 * counter read and written back) cost more than its row. The rows get
 * the ids one statement each would give them (VALUES order). OR FAIL,
 * not the default ABORT: the file's savepoint rolls back on any failure
 * anyway, and under ABORT a multi-row statement keeps a statement
 * journal, a copy of each 64 KiB page it touches (11 GB of temp-file
 * writes on the 10M demo bundle). */
#define EVENT_INSERT \
	"INSERT OR FAIL INTO events(file_id, seq, line, utc, thread, lane," \
	" kind, guid," \
	" push_id, task_id, task_type, count, failed, return_code," \
	" http_status, stamp, name, tenant, user, detail, text, packed) VALUES"
#define EVENT_COLUMNS 22
#define EVENT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define EVENT_ROWS4 EVENT_ROW "," EVENT_ROW "," EVENT_ROW "," EVENT_ROW
#define EVENTS_PER_INSERT 16
static const char SQL_EVENT_INSERT[] = EVENT_INSERT EVENT_ROW;
static const char SQL_EVENT_INSERT_MANY[] = EVENT_INSERT
	EVENT_ROWS4 "," EVENT_ROWS4 "," EVENT_ROWS4 "," EVENT_ROWS4;
static const char SQL_HOST_NOBIAS[] =
	"SELECT 1 FROM files a JOIN files b ON b.host_id = a.host_id"
	" WHERE a.id = ?1 AND b.n_nobias > 0 LIMIT 1";
static const char SQL_BLOCK_COMP[] =
	"INSERT OR IGNORE INTO block_components(comp_id, block_id)"
	" VALUES(?1, ?2)";

/* Step a statement that returns no rows we need; 0 or -1 (recorded). */
static int writer_step(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* 1 found, 0 not, -1 error. */
static int writer_host_lookup(struct store *s, const char *host, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, SQL_HOST_LOOKUP);
	if (!st)
		return -1;
	store_bind_text(st, 1, host);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int writer_host_id(struct store *s, const char *host, int64_t *id)
{
	host = host ? host : "";
	int rc = writer_host_lookup(s, host, id);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	sqlite3_stmt *st = store_stmt(s, SQL_HOST_INSERT);
	if (!st)
		return -1;
	store_bind_text(st, 1, host);
	if (writer_step(s, st) < 0)
		return -1;
	return writer_host_lookup(s, host, id) == 1 ? 0 : -1;
}

static int writer_file_row(struct store_writer *w,
			   const struct store_file_meta *m, int64_t host_id)
{
	sqlite3_stmt *st = store_stmt(w->s, SQL_FILE_UPSERT);
	if (!st)
		return -1;
	store_bind_text(st, 1, m->source);
	store_bind_text(st, 2, m->path);
	store_bind_text(st, 3, m->name);
	sqlite3_bind_int64(st, 4, host_id);
	store_bind_text(st, 5, m->log_name);
	sqlite3_bind_int64(st, 6, m->rotation);
	store_bind_text(st, 7, role_name(m->role));
	sqlite3_bind_int64(st, 8, m->size);
	sqlite3_bind_int64(st, 9, m->mtime);
	sqlite3_bind_int64(st, 10, (int64_t)m->head_hash);
	sqlite3_bind_int64(st, 11, (int64_t)time(NULL));
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_fail(w->s);
		sqlite3_reset(st);
		return -1;
	}
	w->file_id = sqlite3_column_int64(st, 0);
	return writer_step(w->s, st);
}

/* Run each statement of sqls with ?1 = a and (when it has one) ?2 = b. */
static int writer_run_each(struct store *s, const char *const *sqls, size_t n,
			   int64_t a, int64_t b)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i]);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, a);
		if (sqlite3_bind_parameter_count(st) > 1)
			sqlite3_bind_int64(st, 2, b);
		if (writer_step(s, st) < 0)
			return -1;
	}
	return 0;
}

static const char SQL_FILE_HAS_BLOCKS[] =
	"SELECT 1 FROM blocks WHERE file_id = ?1 LIMIT 1";

/* 1 when the file has blocks, 0 not, -1 error. */
static int writer_has_blocks(struct store *s, int64_t file_id)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILE_HAS_BLOCKS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	return store_row_exists(s, st);
}

/* Old trace_events rows that point at the dropped events stay until the
 * traces are rebuilt; event ids are never reused, so they match nothing.
 * The component rows are found by block id, the second column of their
 * key: a scan of every block's rows, so a file without blocks (every new
 * file) skips it, or a bundle of many files would cost their square. */
static int store_drop_file_blocks(struct store *s, int64_t file_id)
{
	static const char *const drops[] = {
		SQL_DROP_FILE_EVENTS, SQL_DROP_FILE_COMPS, SQL_DROP_FILE_TEXT,
		SQL_DROP_FILE_BLOCKS,
	};
	int has = writer_has_blocks(s, file_id);
	if (has < 0)
		return -1;
	size_t n = has ? sizeof(drops) / sizeof(drops[0]) : 1;
	return writer_run_each(s, drops, n, file_id, 0);
}

static int writer_drop_blocks(struct store_writer *w)
{
	return store_drop_file_blocks(w->s, w->file_id);
}

/* old's records go; old and its duplicates become duplicates of w's file. */
static int writer_supersede(struct store_writer *w, int64_t old)
{
	static const char *const updates[] = {
		SQL_FILE_SUPERSEDE, SQL_REPOINT_DUPLICATES,
	};
	if (old <= 0 || old == w->file_id)
		return 0;
	if (store_drop_file_blocks(w->s, old) < 0)
		return -1;
	return writer_run_each(w->s, updates,
			       sizeof(updates) / sizeof(updates[0]), old,
			       w->file_id);
}

static int writer_load_counts(struct store_writer *w)
{
	sqlite3_stmt *st = store_stmt(w->s, SQL_FILE_COUNTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->file_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_fail(w->s);
		sqlite3_reset(st);
		return -1;
	}
	struct blockfmt_tally *t = &w->tally;
	int64_t *cols[] = {&t->records, &t->partial, &t->bytes,
			   &t->sev[0], &t->sev[1], &t->sev[2], &t->sev[3],
			   &t->nobias, &t->src[0], &t->src[1], &t->src[2],
			   &t->src[3], &t->src[4], &t->src[5]};
	for (int i = 0; i < (int)(sizeof(cols) / sizeof(cols[0])); i++)
		*cols[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return 0;
}

/* Delete one block and its component rows; its entries are in e. */
static int writer_drop_block(struct store_writer *w, int64_t block_id,
			     const struct block_entry *e, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!e[i].comp_id)
			continue;
		sqlite3_stmt *st = store_stmt(w->s, SQL_DROP_BLOCK_COMP);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, e[i].comp_id);
		sqlite3_bind_int64(st, 2, block_id);
		if (writer_step(w->s, st) < 0)
			return -1;
	}
	sqlite3_stmt *st = store_stmt(w->s, SQL_DROP_BLOCK_TEXT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, block_id);
	if (writer_step(w->s, st) < 0 || !(st = store_stmt(w->s, SQL_DROP_BLOCK)))
		return -1;
	sqlite3_bind_int64(st, 1, block_id);
	return writer_step(w->s, st);
}

/* Unpack a meta blob into w->blk->entries (the block is not being filled yet).
 * Returns the entry count, or -1 when the blob does not match n. */
static int writer_unpack(struct store_writer *w, int64_t block_id,
			 const void *meta, size_t bytes, int64_t n)
{
	if (n < 0 || n > STORE_BLOCK_RECORDS ||
	    bytes != (size_t)n * BLOCKFMT_RECORD_BYTES)
		return store_corrupt_block(w->s, block_id, w->file_id,
			"metadata does not match its record count");
	for (int64_t i = 0; i < n; i++)
		blockfmt_unpack((const unsigned char *)meta +
				i * BLOCKFMT_RECORD_BYTES, &w->blk->entries[i]);
	return (int)n;
}

/* PLAN_APPEND: the last block may end in a record that was still being
 * written, so it goes and parsing resumes at its start. The records kept
 * before it leave their last time for untimed records to inherit. */
static int writer_reopen_tail(struct store_writer *w,
			      struct store_resume *resume)
{
	sqlite3_stmt *st = store_stmt(w->s, SQL_LAST_BLOCK);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->file_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return writer_drop_blocks(w);	/* a row without blocks */
	}
	if (rc != SQLITE_ROW) {
		store_fail(w->s);
		sqlite3_reset(st);
		return -1;
	}
	int64_t block_id = sqlite3_column_int64(st, 0);
	w->seq = (uint64_t)sqlite3_column_int64(st, 1);
	resume->first_line = (uint32_t)sqlite3_column_int64(st, 2);
	w->text_off = resume->text_off = (uint64_t)sqlite3_column_int64(st, 3);
	int n = writer_unpack(w, block_id, sqlite3_column_blob(st, 5),
			      (size_t)sqlite3_column_bytes(st, 5),
			      sqlite3_column_int64(st, 4));
	sqlite3_reset(st);
	if (n < 0 || writer_load_counts(w) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		resume->tail_bytes += w->blk->entries[i].text_len;
	blockfmt_tally(&w->tally, w->blk->entries, (uint32_t)n, -1);
	/* Only the block's last record can change (lines that continue it
	 * may have been appended): the events before it stay. */
	w->events_kept_below = w->seq + (uint64_t)(n > 0 ? n - 1 : 0);
	if (writer_drop_block(w, block_id, w->blk->entries, (uint32_t)n) < 0 ||
	    !(st = store_stmt(w->s, SQL_DROP_TAIL_EVENTS)))
		return -1;
	sqlite3_bind_int64(st, 1, w->file_id);
	sqlite3_bind_int64(st, 2, (int64_t)w->events_kept_below);
	if (writer_step(w->s, st) < 0 ||
	    !(st = store_stmt(w->s, SQL_LAST_BLOCK)))
		return -1;
	sqlite3_bind_int64(st, 1, w->file_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		n = writer_unpack(w, sqlite3_column_int64(st, 0),
				  sqlite3_column_blob(st, 5),
				  (size_t)sqlite3_column_bytes(st, 5),
				  sqlite3_column_int64(st, 4));
		const struct block_entry *last = n > 0 ? &w->blk->entries[n - 1] :
						 NULL;
		if (last && (last->flags & BLOCKFMT_DATED))
			w->carry = (struct blockfmt_carry){true, last->utc_us,
				last->bias_min, last->offset_source};
	} else if (rc != SQLITE_DONE) {
		store_fail(w->s);
		n = -1;
	}
	sqlite3_reset(st);
	return n < 0 ? -1 : 0;
}

static int writer_record(void *ctx, const struct log_record *rec);
static void writer_problem(void *ctx, uint32_t line, const char *what);

static void writer_free(struct store_writer *w)
{
	w->s->writing = false;
	if (w->s->pipe)
		writer_pipe_give(w->s->pipe, w->blk);
	else
		block_free(w->blk);
	free(w->comp_mark);
	free(w);
}

/* An error that rolled back the whole transaction took the batch's
 * earlier files with it: store_batch_commit says so. */
static void writer_batch_check(struct store *s)
{
	if (s->batch && sqlite3_get_autocommit(s->db)) {
		s->batch = false;
		s->batch_lost = true;
	}
}

/* The batch's transaction (begun with the first file), then the file's
 * savepoint in it. */
static int writer_batch_begin(struct store *s)
{
	if (s->writing || !s->batch) {
		if (store_begin_write(s) < 0)
			return -1;
		s->batch = true;
		s->batch_lost = false;
	}
	if (store_exec(s, SQL_SAVEPOINT) == 0)
		return 0;
	if (!s->batching) {
		store_rollback(s);
		s->batch = false;
	}
	writer_batch_check(s);
	return -1;
}

bool store_batch_open(const struct store *s)
{
	return s->batch || s->batch_lost;
}

void store_batching(struct store *s, bool on)
{
	s->batching = on;
}

int store_batch_commit(struct store *s)
{
	if (s->batch_lost) {
		s->batch_lost = false;
		return -1;	/* s->err says what rolled it back */
	}
	if (!s->batch)
		return 0;
	s->batch = false;
	if (store_exec(s, SQL_COMMIT) == 0)
		return 0;
	store_rollback(s);
	store_forget_components(s);
	return -1;
}

struct store_writer *store_file_begin(struct store *s,
				      const struct store_file_meta *meta,
				      enum store_plan plan,
				      struct store_resume *resume)
{
	if (s->pipe)
		writer_pipe_clear(s->pipe);
	if (writer_batch_begin(s) < 0)
		return NULL;
	struct store_writer *w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->blk = s->pipe ? writer_pipe_take(s->pipe) : block_new();
	s->writing = true;
	w->sink = (struct record_sink){w, writer_record, writer_problem};
	struct store_resume none = {0, 1, 0};
	*resume = none;
	int64_t host_id;
	int rc = writer_host_id(s, meta->host, &host_id);
	if (rc == 0)
		rc = writer_file_row(w, meta, host_id);
	static const char *const release[] = { SQL_RELEASE_DUPLICATES };
	if (rc == 0 && plan != PLAN_APPEND)
		rc = writer_run_each(s, release, 1, w->file_id, 0);
	if (rc == 0)
		rc = plan == PLAN_APPEND ? writer_reopen_tail(w, resume) :
					   writer_drop_blocks(w);
	if (rc < 0) {
		*resume = none;
		store_file_abort(w);
		return NULL;
	}
	return w;
}

const struct record_sink *store_writer_sink(struct store_writer *w)
{
	return &w->sink;
}

uint64_t store_writer_records(const struct store_writer *w)
{
	return w->stored;
}

static void writer_problem(void *ctx, uint32_t line, const char *what)
{
	(void)ctx;
	(void)line;
	(void)what;
}

static void writer_mark_grow(struct store_writer *w, uint32_t id)
{
	size_t cap = w->comp_mark_cap ? w->comp_mark_cap : 256;
	while (cap <= id)
		cap *= 2;
	w->comp_mark = xrealloc(w->comp_mark, cap * sizeof(*w->comp_mark));
	memset(w->comp_mark + w->comp_mark_cap, 0,
	       (cap - w->comp_mark_cap) * sizeof(*w->comp_mark));
	w->comp_mark_cap = cap;
}

/* List each component of the block once, for block_components. */
static void writer_block_comps(struct store_writer *w, struct writer_block *b)
{
	if (++w->block_gen == 0) {	/* wrapped: old marks would match */
		if (w->comp_mark)
			memset(w->comp_mark, 0,
			       w->comp_mark_cap * sizeof(uint32_t));
		w->block_gen = 1;
	}
	b->ncomps = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		uint32_t id = b->entries[i].comp_id;
		if (!id)
			continue;
		if (id >= w->comp_mark_cap)
			writer_mark_grow(w, id);
		if (w->comp_mark[id] == w->block_gen)
			continue;
		w->comp_mark[id] = w->block_gen;
		b->comps[b->ncomps++] = id;
	}
}

static void bind_opt(sqlite3_stmt *st, int col, bool have, int64_t v)
{
	if (have)
		sqlite3_bind_int64(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

/* A fixed-size string field of struct event: NULL when empty. */
static void bind_field(sqlite3_stmt *st, int col, const char *text,
		       size_t cap)
{
	size_t len = strnlen(text, cap);
	if (len)
		sqlite3_bind_text(st, col, text, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

/* Bind one event as the row whose first parameter follows at; packed
 * (room for its join fields, eventpack.h) must outlive the step. */
static void bind_event(sqlite3_stmt *st, int at, const struct writer_block *b,
		       const struct writer_event *we,
		       unsigned char packed[EVENTPACK_MAX])
{
	const struct block_entry *e = &b->entries[we->idx];
	const struct event *ev = &we->ev;
	sqlite3_bind_int64(st, at + 1, b->file_id);
	sqlite3_bind_int64(st, at + 2, (int64_t)(b->seq + we->idx));
	sqlite3_bind_int64(st, at + 3, e->line);
	sqlite3_bind_int64(st, at + 4, e->utc_us);
	bind_opt(st, at + 5, e->thread >= 0, e->thread);
	sqlite3_bind_int(st, at + 6, (int)ev->lane);
	sqlite3_bind_int(st, at + 7, (int)ev->kind);
	bind_field(st, at + 8, ev->guid, sizeof(ev->guid));
	const int64_t nums[] = {ev->push_id, ev->task_id, ev->task_type,
				ev->count, ev->failed, ev->return_code,
				ev->http_status, ev->stamp_us};
	for (int i = 0; i < (int)(sizeof(nums) / sizeof(nums[0])); i++)
		bind_opt(st, at + 9 + i, nums[i] != EVENT_NONE, nums[i]);
	bind_field(st, at + 17, ev->name, sizeof(ev->name));
	bind_field(st, at + 18, ev->tenant, sizeof(ev->tenant));
	bind_field(st, at + 19, ev->user, sizeof(ev->user));
	bind_field(st, at + 20, ev->detail, sizeof(ev->detail));
	sqlite3_bind_text64(st, at + 21, b->text.data ? b->text.data +
			    we->text_at + e->msg_off : "", e->msg_len,
			    SQLITE_STATIC, SQLITE_UTF8);
	sqlite3_bind_blob(st, at + 22, packed,
			  (int)eventpack_encode(packed, e->thread, ev),
			  SQLITE_STATIC);
}

/* Insert n events of b (n is 1 or EVENTS_PER_INSERT) in one statement. */
static int block_insert_events(struct store *s, const struct writer_block *b,
			       const struct writer_event *const *we, size_t n)
{
	sqlite3_stmt *st = store_stmt(s, n == 1 ? SQL_EVENT_INSERT :
				      SQL_EVENT_INSERT_MANY);
	if (!st)
		return -1;
	unsigned char packed[EVENTS_PER_INSERT][EVENTPACK_MAX];
	for (size_t i = 0; i < n; i++)
		bind_event(st, (int)i * EVENT_COLUMNS, b, we[i], packed[i]);
	return writer_step(s, st);
}

/* The block's events, but those of a re-read tail that are kept: full
 * statements of EVENTS_PER_INSERT, the rest one by one. */
static int block_insert_all_events(struct store *s, const struct writer_block *b)
{
	const struct writer_event *batch[EVENTS_PER_INSERT];
	size_t n = 0;
	for (size_t i = 0; i < b->nevents; i++) {
		if (b->seq + b->events[i].idx < b->events_kept_below)
			continue;
		batch[n++] = &b->events[i];
		if (n == EVENTS_PER_INSERT) {
			if (block_insert_events(s, b, batch, n) < 0)
				return -1;
			n = 0;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (block_insert_events(s, b, &batch[i], 1) < 0)
			return -1;
	return 0;
}

/* Insert a sealed block: its row, text (compressed when sealed),
 * components and events. Touches only the connection
 * and b, so it may run on the writer thread. */
static int block_insert(struct store *s, struct writer_block *b)
{
	const struct blockfmt_bounds *bd = &b->bounds;
	sqlite3_stmt *st = store_stmt(s, SQL_BLOCK_INSERT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, b->file_id);
	sqlite3_bind_int64(st, 2, (int64_t)b->seq);
	sqlite3_bind_int64(st, 3, b->entries[0].line);
	sqlite3_bind_int64(st, 4, b->n);
	sqlite3_bind_int64(st, 5, (int64_t)b->text_off);
	bind_opt(st, 6, bd->dated, bd->utc_min);
	bind_opt(st, 7, bd->dated, bd->utc_max);
	sqlite3_bind_int64(st, 8, bd->undated);
	bind_opt(st, 9, bd->has_bias, bd->bias);
	bind_opt(st, 10, bd->has_bias, bd->xlocal_min);
	bind_opt(st, 11, bd->has_bias, bd->xlocal_max);
	sqlite3_bind_blob(st, 12, b->meta, (int)(b->n * BLOCKFMT_RECORD_BYTES),
			  SQLITE_STATIC);
	if (writer_step(s, st) < 0)
		return -1;
	int64_t block_id = sqlite3_last_insert_rowid(s->db);
	if (!(st = store_stmt(s, SQL_BLOCK_TEXT_INSERT)))
		return -1;
	sqlite3_bind_int64(st, 1, block_id);
	sqlite3_bind_blob64(st, 2, b->stored.data, b->stored.len, SQLITE_STATIC);
	if (writer_step(s, st) < 0)
		return -1;
	for (uint32_t i = 0; i < b->ncomps; i++) {
		if (!(st = store_stmt(s, SQL_BLOCK_COMP)))
			return -1;
		sqlite3_bind_int64(st, 1, b->comps[i]);
		sqlite3_bind_int64(st, 2, block_id);
		if (writer_step(s, st) < 0)
			return -1;
	}
	if (b->nevents && store_bulk_events(s, b->nevents) < 0)
		return -1;
	return block_insert_all_events(s, b);
}

/* ---- the writer thread ----
 *
 * Parsing a block's records and inserting it take about as long as each
 * other, so with two cores the parsing thread seals blocks and hands
 * them to a writer thread through a small pool: a block waits in the
 * queue while the next is filled, and the filler waits when every block
 * is queued, so memory stays at WRITER_PIPE_BLOCKS blocks whatever the
 * input. The connection is the writer thread's while blocks are queued:
 * every other use of it (a file's begin, a new component, the commit)
 * waits until the queue is empty (writer_sync). One thread inserts the
 * blocks in the order they were sealed, so the store gets the rows and
 * ids a single thread gives. */
#define WRITER_PIPE_BLOCKS 4

struct writer_pipe {
	struct store *s;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;	/* queued blocks, or quit */
	pthread_cond_t done;	/* a block came back to the pool */
	struct writer_block *queue[WRITER_PIPE_BLOCKS];
	size_t head, count;	/* ring of sealed blocks */
	struct writer_block *pool[WRITER_PIPE_BLOCKS];
	size_t nfree;
	bool busy;		/* the thread is inserting a block */
	bool failed;		/* an insert failed: s->err says why */
	bool quit;
};

static struct writer_block *block_new(void)
{
	return xcalloc(1, sizeof(struct writer_block));
}

static void block_free(struct writer_block *b)
{
	if (!b)
		return;
	buf_free(&b->text);
	buf_free(&b->stored);
	free(b->events);
	free(b);
}

/* Empty a block for filling again; a buffer grown by one huge record is
 * given back rather than kept. */
static void block_reset(struct writer_block *b)
{
	b->n = 0;
	b->nevents = 0;
	b->ncomps = 0;
	if (b->text.cap > WRITER_KEEP_TEXT_CAP)
		buf_free(&b->text);
	else
		buf_reset(&b->text);
	if (b->stored.cap > WRITER_KEEP_TEXT_CAP)
		buf_free(&b->stored);
}

static void *pipe_main(void *arg)
{
	struct writer_pipe *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->count && !p->quit)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->count)
			break;
		struct writer_block *b = p->queue[p->head];
		p->head = (p->head + 1) % WRITER_PIPE_BLOCKS;
		p->count--;
		bool skip = p->failed;
		p->busy = true;
		pthread_mutex_unlock(&p->mu);
		int rc = skip ? 0 : block_insert(p->s, b);
		pthread_mutex_lock(&p->mu);
		if (rc < 0)
			p->failed = true;
		p->busy = false;
		p->pool[p->nfree++] = b;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Wait until every handed-over block is stored: the connection is this
 * thread's again. -1 when an insert failed (s->err says why); the flag
 * stays until writer_pipe_clear. */
static int writer_pipe_sync(struct writer_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count || p->busy)
		pthread_cond_wait(&p->done, &p->mu);
	bool failed = p->failed;
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

static void writer_pipe_clear(struct writer_pipe *p)
{
	writer_pipe_sync(p);
	p->failed = false;	/* the thread is idle: no lock needed */
}

/* An empty block to fill (waiting for one); *failed (when asked) says
 * whether the writer thread has failed meanwhile. */
static struct writer_block *writer_pipe_take_failed(struct writer_pipe *p, bool *failed)
{
	pthread_mutex_lock(&p->mu);
	while (!p->nfree)
		pthread_cond_wait(&p->done, &p->mu);
	struct writer_block *b = p->pool[--p->nfree];
	if (failed)
		*failed = p->failed;
	pthread_mutex_unlock(&p->mu);
	block_reset(b);
	return b;
}

static struct writer_block *writer_pipe_take(struct writer_pipe *p)
{
	return writer_pipe_take_failed(p, NULL);
}

/* Queue b; return an empty block to fill next (waiting for one). */
static struct writer_block *writer_pipe_swap(struct writer_pipe *p,
					     struct writer_block *b, bool *failed)
{
	pthread_mutex_lock(&p->mu);
	p->queue[(p->head + p->count) % WRITER_PIPE_BLOCKS] = b;
	p->count++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return writer_pipe_take_failed(p, failed);
}

static void writer_pipe_give(struct writer_pipe *p, struct writer_block *b)
{
	pthread_mutex_lock(&p->mu);
	p->pool[p->nfree++] = b;
	pthread_cond_signal(&p->done);
	pthread_mutex_unlock(&p->mu);
}

int store_writer_threads(struct store *s, int threads)
{
	if (s->writing)
		return -1;
	struct writer_pipe *p = s->pipe;
	if (p && threads <= 1) {
		pthread_mutex_lock(&p->mu);
		p->quit = true;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		for (size_t i = 0; i < p->nfree; i++)
			block_free(p->pool[i]);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		free(p);
		s->pipe = NULL;
	}
	if (s->pipe || threads <= 1)
		return 0;
	p = xcalloc(1, sizeof(*p));
	p->s = s;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (size_t i = 0; i < WRITER_PIPE_BLOCKS; i++)
		p->pool[p->nfree++] = block_new();
	/* Signals go to the caller's thread: Ctrl-C must interrupt its
	 * read() of an idle pipe, not wake the writer thread. */
	if (thread_start_unsignalled(&p->thread, pipe_main, p) != 0) {
		for (size_t i = 0; i < p->nfree; i++)
			block_free(p->pool[i]);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		free(p);
		return -1;	/* one thread does it all, as before */
	}
	s->pipe = p;
	return 0;
}

/* The connection is this thread's: the blocks handed over are stored.
 * 0, or -1 (w->failed) when storing one failed. */
static int writer_sync(struct store_writer *w)
{
	if (w->s->pipe && writer_pipe_sync(w->s->pipe) < 0)
		w->failed = true;
	return w->failed ? -1 : 0;
}

int store_writer_sync(struct store_writer *w)
{
	return writer_sync(w);
}

/* Seal the block being filled (settle its times, pack its entries, list
 * its components) and store it: here, or by the writer thread while
 * the next one is filled. */
static int writer_flush(struct store_writer *w)
{
	struct writer_block *b = w->blk;
	if (!b->n)
		return 0;
	blockfmt_settle(b->entries, b->n, &w->carry);
	blockfmt_bounds(b->entries, b->n, &b->bounds);
	blockfmt_tally(&w->tally, b->entries, b->n, 1);
	for (uint32_t i = 0; i < b->n; i++)
		blockfmt_pack(b->meta + (size_t)i * BLOCKFMT_RECORD_BYTES,
			      &b->entries[i]);
	writer_block_comps(w, b);
	b->file_id = w->file_id;
	b->seq = w->seq;
	b->text_off = w->text_off;
	b->events_kept_below = w->events_kept_below;
	for (size_t i = 0; i < b->nevents; i++) {
		enum event_kind k = b->events[i].ev.kind;
		if (b->seq + b->events[i].idx >= b->events_kept_below &&
		    (k == EV_FORWARDED || k == EV_PUSH_STARTED ||
		     k == EV_TASK_RECEIVED))
			w->s->join_events++;
	}
	w->seq += b->n;
	w->text_off += b->text.len;
	/* Compressed here, on the filling thread: the writer thread's
	 * inserts and page writes are the longer half of the pipe. */
	if (blocktext_encode(&b->stored, b->text.data, b->text.len) < 0) {
		/* unreachable: a record is at most PARSER_MAX_RECORD */
		snprintf(w->s->err, sizeof(w->s->err), "%s: a block's text is"
			 " too long to store", w->s->path);
		w->failed = true;
		return -1;
	}
	if (w->s->pipe) {
		bool failed;
		w->blk = writer_pipe_swap(w->s->pipe, b, &failed);
		return failed ? -1 : 0;
	}
	int rc = block_insert(w->s, b);
	block_reset(b);
	return rc;
}

static bool span_ok(struct span sp, size_t len)
{
	return sp.off <= len && sp.len <= len - sp.off;
}

/* The record's own time; untimed entries get theirs at flush, when the
 * block's first timed record is known (blockfmt_settle). */
static void writer_time(struct block_entry *e, const struct log_record *rec)
{
	e->bias_min = BLOCKFMT_NO_BIAS;
	e->offset_source = OFFSET_ASSUMED;
	if (!rec->has_time)
		return;
	e->flags |= BLOCKFMT_TIMED | BLOCKFMT_DATED;
	e->utc_us = rec->local_us;
	e->bias_min = 0;
	if (rec->has_bias && rec->bias_min > INT16_MIN &&
	    rec->bias_min <= INT16_MAX) {
		e->utc_us += (int64_t)rec->bias_min * 60000000;
		e->bias_min = (int16_t)rec->bias_min;
		e->offset_source = rec->psadt ? OFFSET_PSADT : OFFSET_EXPLICIT;
		e->flags |= BLOCKFMT_EXPLICIT;
	}
}

static int writer_fill(struct store_writer *w, struct block_entry *e,
		       const struct log_record *rec)
{
	*e = (struct block_entry){0};
	e->text_len = (uint32_t)rec->len;
	e->line = rec->line;
	if (span_ok(rec->message, rec->len)) {
		e->msg_off = rec->message.off;
		e->msg_len = rec->message.len;
	}
	if (span_ok(rec->time_text, rec->len)) {
		e->time_off = rec->time_text.off;
		e->time_len = rec->time_text.len > UINT16_MAX ? UINT16_MAX :
			      (uint16_t)rec->time_text.len;
	}
	e->thread = rec->thread;
	e->type = rec->type;
	e->keyword_sev = rec->keyword_sev;
	if (rec->partial)
		e->flags |= BLOCKFMT_PARTIAL;
	writer_time(e, rec);
	if (!rec->component.len || !span_ok(rec->component, rec->len))
		return 0;
	const char *comp = rec->text + rec->component.off;
	/* A new name is inserted: the connection must be ours first. */
	if (w->s->pipe &&
	    !store_intern_known(w->s, comp, rec->component.len, &e->comp_id) &&
	    writer_sync(w) < 0)
		return -1;
	return store_intern(w->s, comp, rec->component.len, &e->comp_id);
}

static int writer_record(void *ctx, const struct log_record *rec)
{
	struct store_writer *w = ctx;
	if (w->failed)
		return -1;
	if (rec->len > UINT32_MAX) {
		snprintf(w->s->err, sizeof(w->s->err), "%s: record at line %u"
			 " too long to store", w->s->path, rec->line);
		w->failed = true;
		return -1;
	}
	/* A full block is flushed only when the next record comes (or at
	 * commit): until then the last record stays in it, for
	 * store_writer_event. */
	if (w->blk->n && (w->blk->n == STORE_BLOCK_RECORDS ||
		     w->blk->text.len >= STORE_BLOCK_BYTES ||
		     w->blk->text.len + rec->len > STORE_BLOCK_BYTES) &&
	    writer_flush(w) < 0)
		goto fail;
	if (writer_fill(w, &w->blk->entries[w->blk->n], rec) < 0)
		goto fail;
	buf_append(&w->blk->text, rec->text, rec->len);
	w->blk->n++;
	w->stored++;
	return 0;
fail:
	w->failed = true;
	return -1;
}

int store_writer_event(struct store_writer *w, const struct event *ev)
{
	if (w->failed)
		return -1;
	if (!w->blk->n) {
		snprintf(w->s->err, sizeof(w->s->err), "%s: an event without a"
			 " record to attach it to", w->s->path);
		return -1;
	}
	if (w->blk->nevents == w->blk->events_cap) {
		w->blk->events_cap = w->blk->events_cap ? w->blk->events_cap * 2 : 16;
		w->blk->events = xrealloc(w->blk->events,
				     w->blk->events_cap * sizeof(*w->blk->events));
	}
	const struct block_entry *last = &w->blk->entries[w->blk->n - 1];
	w->blk->events[w->blk->nevents++] = (struct writer_event){
		.idx = w->blk->n - 1,
		.text_at = w->blk->text.len - last->text_len,
		.ev = *ev,
	};
	return 0;
}

/* Set or clear the resume columns (a store made before them has none). */
static int writer_resume_row(struct store_writer *w,
			     const struct store_file_final *f)
{
	if (!w->s->resume_cols)
		return 0;
	sqlite3_stmt *st = store_stmt(w->s, SQL_FILE_RESUME);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->file_id);
	if (f->resume_len) {
		sqlite3_bind_blob(st, 2, f->resume_state, (int)f->resume_len,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)f->tail_hash);
	} else {
		sqlite3_bind_null(st, 2);
		sqlite3_bind_null(st, 3);
	}
	return writer_step(w->s, st);
}

static int writer_final_row(struct store_writer *w,
			    const struct store_file_final *f)
{
	sqlite3_stmt *st = store_stmt(w->s, SQL_FILE_FINAL);
	if (!st)
		return -1;
	const struct blockfmt_tally *t = &w->tally;
	int64_t counts[] = {t->records, t->partial, t->bytes, t->sev[0],
			    t->sev[1], t->sev[2], t->sev[3], t->nobias,
			    t->src[0], t->src[1], t->src[2], t->src[3],
			    t->src[4], t->src[5]};
	sqlite3_bind_int64(st, 1, w->file_id);
	store_bind_text(st, 2, f->format);
	store_bind_text(st, 3, f->encoding);
	sqlite3_bind_int64(st, 4, (int64_t)f->content_hash);
	sqlite3_bind_int64(st, 5, f->size);
	for (int i = 0; i < (int)(sizeof(counts) / sizeof(counts[0])); i++)
		sqlite3_bind_int64(st, 6 + i, counts[i]);
	bind_opt(st, 20, f->duplicate_of > 0, f->duplicate_of);
	if (writer_step(w->s, st) < 0 || writer_resume_row(w, f) < 0)
		return -1;
	return store_file_bounds(w->s, w->file_id);
}

/* A duplicate keeps nothing of what was parsed: the block being filled
 * and its events are forgotten, the blocks already written dropped. */
static int writer_discard(struct store_writer *w)
{
	w->events_kept_below = 0;
	block_reset(w->blk);
	w->stored = 0;
	memset(&w->tally, 0, sizeof(w->tally));
	if (writer_sync(w) < 0)
		return -1;
	return writer_drop_blocks(w);
}

static int writer_settle(struct store_writer *w,
			 const struct store_file_final *f)
{
	if (f->duplicate_of > 0)
		return writer_discard(w);
	if (writer_flush(w) < 0 || writer_sync(w) < 0)
		return -1;
	for (size_t i = 0; i < f->n_supersedes; i++)
		if (writer_supersede(w, f->supersedes[i]) < 0)
			return -1;
	return 0;
}

/* Does the file's host have records whose offset store_resolve_offsets
 * gives (then this file's biases may move them)? */
static int writer_note_resolve(struct store_writer *w)
{
	if (w->s->resolve_needed)
		return 0;	/* known already: no question per file */
	sqlite3_stmt *st = store_stmt(w->s, SQL_HOST_NOBIAS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->file_id);
	int has = store_row_exists(w->s, st);
	if (has > 0)
		w->s->resolve_needed = true;
	return has < 0 ? -1 : 0;
}

int store_file_commit(struct store_writer *w, const struct store_file_final *f)
{
	struct store *s = w->s;
	if (w->failed || writer_settle(w, f) < 0 || writer_final_row(w, f) < 0 ||
	    writer_note_resolve(w) < 0 || store_exec(s, SQL_RELEASE) < 0) {
		store_file_abort(w);	/* keeps the cause's message */
		return -1;
	}
	writer_free(w);
	return s->batching ? 0 : store_batch_commit(s);
}

/* Back to the file's savepoint; an error that already rolled back the
 * whole transaction (SQLite does on a full disk, say) took the batch's
 * earlier files with it, which store_batch_commit then says. */
void store_file_abort(struct store_writer *w)
{
	struct store *s = w->s;
	if (s->pipe)
		writer_pipe_clear(s->pipe);	/* the connection is ours */
	if (!s->batching) {
		store_rollback(s);
		s->batch = false;
	} else if (!sqlite3_get_autocommit(s->db)) {
		char keep[sizeof(s->err)];
		memcpy(keep, s->err, sizeof(keep));
		if (store_exec(s, SQL_ROLLBACK_TO) < 0 ||
		    store_exec(s, SQL_RELEASE) < 0)
			store_rollback(s);
		memcpy(s->err, keep, sizeof(keep));
	}
	writer_batch_check(s);
	/* Components interned in this transaction are gone again. */
	store_forget_components(s);
	writer_free(w);
}
