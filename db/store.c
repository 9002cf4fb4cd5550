/* store.c - opening and locking the store, and the shared plumbing of the
 * db/ modules: statement cache, error capture, component interning, plus
 * the small per-file and per-host lookups. */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "schema.h"
#include "../lib/util.h"

/* Bulk-load settings (see performance-floors.md): big pages, a rollback
 * journal so a killed ingest loses only the file in progress, and a page
 * cache small (8 MiB: bulk loads append, so a big cache buys nothing)
 * so that peak RSS stays well under 100 MB. */
static const char PRAGMAS_WRITE[] =
	"PRAGMA page_size=65536;"
	"PRAGMA journal_mode=DELETE;"
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA cache_size=-8192;"
	"PRAGMA temp_store=FILE;";
/* query_only: a reader never writes, though its connection can roll back
 * a hot journal left by a killed ingest. */
static const char PRAGMAS_READ[] =
	"PRAGMA query_only=1;"
	"PRAGMA cache_size=-8192;"
	"PRAGMA temp_store=FILE;";

#define STORE_BUSY_MS 10000

/* How long to wait for another tatrace's lock: $TATRACE_BUSY_MS (0..600000)
 * or STORE_BUSY_MS. */
static int store_busy_ms(void)
{
	const char *v = getenv("TATRACE_BUSY_MS");
	char *end;
	long ms = v && *v ? strtol(v, &end, 10) : -1;
	if (ms < 0 || ms > 600000 || *end)
		return STORE_BUSY_MS;
	return (int)ms;
}

const char *offset_source_name(enum offset_source src)
{
	static const char *const names[] = {
		[OFFSET_EXPLICIT] = "explicit",
		[OFFSET_HOST] = "host",
		[OFFSET_OVERRIDE] = "override",
		[OFFSET_ASSUMED] = "assumed",
		[OFFSET_PSADT] = "psadt",
		[OFFSET_JOINED] = "joined",
	};
	if ((unsigned)src < sizeof(names) / sizeof(names[0]))
		return names[src];
	return "?";
}

static bool store_is_memory(const char *path)
{
	return path[0] == '\0' || strcmp(path, ":memory:") == 0;
}

/* The ingest lock is flock() on a descriptor of our own: SQLite's locks are
 * fcntl() locks, which flock() does not conflict with on Linux, and the
 * descriptor stays open until after sqlite3_close() so closing it cannot
 * drop SQLite's locks. */
static int store_lock(struct store *s, void (*notice)(const char *msg),
		      char *err, size_t errlen)
{
	int fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open the store for writing:"
			 " %s", s->path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		s->lock_fd = fd;
		return 0;
	}
	if (errno == EWOULDBLOCK && notice) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s: another tatrace ingest is using"
			 " this store; waiting for it to finish", s->path);
		notice(msg);
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		snprintf(err, errlen, "%s: cannot lock the store: %s", s->path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	s->lock_fd = fd;
	return 0;
}

/* A version 4 store made before files got its resume columns is read
 * and written as before; its grown files are just read whole again. */
static bool store_has_resume_columns(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT resume_hasher, tail_hash FROM"
				    " files LIMIT 0", -1, &st, NULL);
	sqlite3_finalize(st);
	return rc == SQLITE_OK;
}

static int store_open_db(struct store *s, enum store_mode mode,
			 char *err, size_t errlen)
{
	/* tatrace never asks SQLite how much memory it uses, and the
	 * accounting takes a global mutex on every allocation (~15% of a
	 * bulk insert). Only possible before SQLite's first use in the
	 * process; later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* One connection per store, used by one thread. Readers open
	 * read-write too (never creating): an ingest killed mid-file leaves a
	 * hot journal that only a writable connection can roll back, and
	 * SQLite falls back to read-only by itself on a write-protected file. */
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE |
		    (mode == STORE_WRITE ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open the store: %s", s->path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(s->db, store_busy_ms());
	sqlite3_extended_result_codes(s->db, 1);
	/* The check reads only: a database that is not ours (another
	 * application's WAL database, say) is refused before a pragma could
	 * change its journal mode. */
	bool create = mode == STORE_WRITE, empty;
	if (schema_check(s->db, s->path, create, &empty, err, errlen) < 0)
		return -1;
	sqlite3_exec(s->db, create ? PRAGMAS_WRITE : PRAGMAS_READ, NULL, NULL, NULL);
	if (schema_ensure(s->db, s->path, create, empty, err, errlen) < 0)
		return -1;
	s->resume_cols = store_has_resume_columns(s->db);
	return 0;
}

struct store *store_open(const char *path, enum store_mode mode,
			 void (*notice)(const char *msg),
			 char *err, size_t errlen)
{
	bool memory = store_is_memory(path);
	struct stat sb;
	if (mode == STORE_READ && !memory && stat(path, &sb) < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s: no such store (run tatrace"
				 " ingest first)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct store *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->lock_fd = -1;
	s->retimed_min_id = INT64_MAX;
	if ((mode == STORE_WRITE && !memory &&
	     store_lock(s, notice, err, errlen) < 0) ||
	    store_open_db(s, mode, err, errlen) < 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	store_writer_threads(s, 1);	/* joins an ingest's writer thread */
	store_presync_stop(s->presync);
	for (size_t i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].stmt);
	sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);	/* releases the flock */
	store_forget_components(s);
	store_trace_changes_clear(s);
	free(s->comps);
	free(s->path);
	free(s);
}

const char *store_error(const struct store *s)
{
	return s->err[0] ? s->err : "no error";
}

int store_fail(struct store *s)
{
	s->last_busy = (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_BUSY;
	if (s->last_busy) {
		snprintf(s->err, sizeof(s->err), "%s: the store is busy: another"
			 " tatrace is writing it; try again when it is done",
			 s->path);
		return -1;
	}
	snprintf(s->err, sizeof(s->err), "%s: %s", s->path,
		 sqlite3_errmsg(s->db));
	return -1;
}

int store_corrupt_block(struct store *s, int64_t block_id, int64_t file_id,
			const char *why)
{
	snprintf(s->err, sizeof(s->err), "%s: corrupt block %lld (file %lld): %s",
		 s->path, (long long)block_id, (long long)file_id, why);
	return -1;
}

int store_row_exists(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql)
{
	for (size_t i = 0; i < s->nstmts; i++) {
		if (s->stmts[i].sql == sql) {
			sqlite3_reset(s->stmts[i].stmt);
			sqlite3_clear_bindings(s->stmts[i].stmt);
			return s->stmts[i].stmt;
		}
	}
	if (s->nstmts == STORE_MAX_STMTS) {
		snprintf(s->err, sizeof(s->err), "%s: statement cache full"
			 " (raise STORE_MAX_STMTS)", s->path);
		return NULL;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		store_fail(s);
		return NULL;
	}
	s->stmts[s->nstmts].sql = sql;
	s->stmts[s->nstmts].stmt = st;
	s->nstmts++;
	return st;
}

int store_exec(struct store *s, const char *sql)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(s);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	if (!text)
		return sqlite3_bind_null(st, col);
	return sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT);
}

/* ---- component interning ---- */

static const char SQL_COMP_INSERT[] =
	"INSERT OR IGNORE INTO components(name) VALUES(?1)";
static const char SQL_COMP_LOOKUP[] =
	"SELECT id FROM components WHERE name = ?1";

static void comps_put(struct store *s, char *name, size_t len, uint64_t hash,
		      uint32_t id)
{
	size_t mask = s->comps_cap - 1;
	size_t i = hash & mask;
	while (s->comps[i].name)
		i = (i + 1) & mask;
	s->comps[i] = (struct store_comp_slot){name, len, hash, id};
	s->ncomps++;
}

static void comps_grow(struct store *s)
{
	struct store_comp_slot *old = s->comps;
	size_t old_cap = s->comps_cap;
	s->comps_cap = old_cap ? old_cap * 2 : 256;
	s->comps = xcalloc(s->comps_cap, sizeof(*s->comps));
	s->ncomps = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].name)
			comps_put(s, old[i].name, old[i].len, old[i].hash,
				  old[i].id);
	free(old);
}

static int comps_fetch(struct store *s, const char *name, size_t len,
		       uint32_t *id)
{
	sqlite3_stmt *ins = store_stmt(s, SQL_COMP_INSERT);
	if (!ins || sqlite3_bind_text(ins, 1, name, (int)len, SQLITE_STATIC) ||
	    sqlite3_step(ins) != SQLITE_DONE) {
		store_fail(s);
		if (ins)
			sqlite3_reset(ins);
		return -1;
	}
	sqlite3_reset(ins);
	sqlite3_stmt *sel = store_stmt(s, SQL_COMP_LOOKUP);
	if (!sel || sqlite3_bind_text(sel, 1, name, (int)len, SQLITE_STATIC) ||
	    sqlite3_step(sel) != SQLITE_ROW) {
		store_fail(s);
		if (sel)
			sqlite3_reset(sel);
		return -1;
	}
	*id = (uint32_t)sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	return 0;
}

static bool comps_find(const struct store *s, const char *name, size_t len,
		       uint64_t hash, uint32_t *id)
{
	if (!s->comps_cap)
		return false;
	size_t mask = s->comps_cap - 1;
	for (size_t i = hash & mask; s->comps[i].name; i = (i + 1) & mask) {
		const struct store_comp_slot *c = &s->comps[i];
		if (c->hash == hash && c->len == len &&
		    memcmp(c->name, name, len) == 0) {
			*id = c->id;
			return true;
		}
	}
	return false;
}

/* Point the one-name cache at the table's copy of name. */
static void comps_remember(struct store *s, size_t len, uint64_t hash,
			   uint32_t id)
{
	size_t mask = s->comps_cap - 1;
	for (size_t i = hash & mask; s->comps[i].name; i = (i + 1) & mask)
		if (s->comps[i].id == id && s->comps[i].len == len) {
			s->comp_last = s->comps[i].name;
			s->comp_last_len = len;
			s->comp_last_id = id;
			return;
		}
}

bool store_intern_known(const struct store *s, const char *name, size_t len,
			uint32_t *id)
{
	return comps_find(s, name, len, hash_bytes(name, len), id);
}

int store_intern(struct store *s, const char *name, size_t len, uint32_t *id)
{
	if (s->comp_last && len == s->comp_last_len &&
	    memcmp(name, s->comp_last, len) == 0) {
		*id = s->comp_last_id;
		return 0;
	}
	uint64_t hash = hash_bytes(name, len);
	if (!comps_find(s, name, len, hash, id)) {
		if (comps_fetch(s, name, len, id) < 0)
			return -1;
		if ((s->ncomps + 1) * 2 > s->comps_cap)
			comps_grow(s);
		comps_put(s, xstrndup(name, len), len, hash, *id);
	}
	comps_remember(s, len, hash, *id);
	return 0;
}

void store_forget_components(struct store *s)
{
	for (size_t i = 0; i < s->comps_cap; i++) {
		free(s->comps[i].name);
		s->comps[i].name = NULL;
	}
	s->ncomps = 0;
	s->comp_last = NULL;
}

/* ---- per-file and per-host facts ---- */

static const char SQL_PRIOR[] =
	"SELECT size, mtime, head_hash, content_hash, ingested_at, format,"
	" encoding FROM files WHERE source = ?1";
static const char SQL_PRIOR_RESUME[] =
	"SELECT size, mtime, head_hash, content_hash, ingested_at, format,"
	" encoding, resume_hasher, tail_hash FROM files WHERE source = ?1";

static void copy_column_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* The resume columns, when the store has them and they are set. */
static void prior_resume(sqlite3_stmt *st, struct store_prior *out)
{
	int n = sqlite3_column_bytes(st, 7);
	const void *blob = sqlite3_column_blob(st, 7);
	if (blob && n > 0 && (size_t)n <= sizeof(out->resume_state) &&
	    sqlite3_column_type(st, 8) == SQLITE_INTEGER) {
		memcpy(out->resume_state, blob, (size_t)n);
		out->resume_len = (size_t)n;
		out->tail_hash = (uint64_t)sqlite3_column_int64(st, 8);
	}
}

int store_file_prior(struct store *s, const char *source,
		     struct store_prior *out)
{
	*out = (struct store_prior){0};
	sqlite3_stmt *st = store_stmt(s, s->resume_cols ? SQL_PRIOR_RESUME
							: SQL_PRIOR);
	if (!st)
		return -1;
	store_bind_text(st, 1, source);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->known = true;
		out->size = sqlite3_column_int64(st, 0);
		out->mtime = sqlite3_column_int64(st, 1);
		out->head_hash = (uint64_t)sqlite3_column_int64(st, 2);
		out->content_hash = (uint64_t)sqlite3_column_int64(st, 3);
		out->stored_at = sqlite3_column_int64(st, 4);
		copy_column_text(st, 5, out->format, sizeof(out->format));
		copy_column_text(st, 6, out->encoding, sizeof(out->encoding));
		if (s->resume_cols)
			prior_resume(st, out);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_TZ_OVERRIDE[] =
	"UPDATE hosts SET tz_override = ?2 WHERE name = ?1 COLLATE NOCASE";

int store_set_tz_override(struct store *s, const char *host, int32_t bias_min)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TZ_OVERRIDE);
	if (!st)
		return -1;
	s->resolve_needed = true;
	store_bind_text(st, 1, host);
	sqlite3_bind_int(st, 2, bias_min);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s);
	sqlite3_reset(st);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return 1;
	return rc;
}

/* Inherited times are copies of the file's own timed records, so the
 * blocks' bounds over dated records are the bounds of the timed ones. */
static const char SQL_FILE_BOUNDS[] =
	"UPDATE files SET"
	" utc_min = (SELECT min(utc_min) FROM blocks WHERE file_id = ?1),"
	" utc_max = (SELECT max(utc_max) FROM blocks WHERE file_id = ?1)"
	" WHERE id = ?1";

int store_file_bounds(struct store *s, int64_t file_id)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILE_BOUNDS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s);
	sqlite3_reset(st);
	return rc;
}

/* Until the next trace rebuild commits, the traces may not match the
 * events: remembered in the store, so that an ingest that dies (or fails)
 * after loading files still gets its traces rebuilt by the next one. */
static const char SQL_TRACES_STALE[] =
	"INSERT OR REPLACE INTO meta(key, value) VALUES('traces_stale', 1)";
static const char SQL_TRACES_STALE_GET[] =
	"SELECT 1 FROM meta WHERE key = 'traces_stale'";

int store_bulk_begin(struct store *s)
{
	if (s->bulk)
		return 0;
	if (store_exec(s, SQL_TRACES_STALE) < 0)
		return -1;
	s->bulk = true;
	s->bulk_events = 0;
	/* lock_fd: a descriptor of the store file that stays open until
	 * after sqlite3_close (see store_lock); -1 for a memory store. */
	s->presync = store_presync_start(s->lock_fd);
	return 0;
}

/* Dropping the index and building it again costs a pass over every stored
 * event (a second at 10M records): worth it for a big load, not for the
 * few events of an appended tail, which the index takes row by row. */
#define BULK_INDEX_DROP_EVENTS 20000

int store_bulk_events(struct store *s, size_t n)
{
	s->bulk_events += n;
	if (!s->bulk || s->index_dropped || s->bulk_events < BULK_INDEX_DROP_EVENTS)
		return 0;
	if (sqlite3_exec(s->db, schema_event_index_drop, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s);
	s->index_dropped = true;
	return 0;
}

bool store_traces_stale(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACES_STALE_GET);
	if (!st)
		return true;
	bool stale = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return stale;
}

int store_bulk_end(struct store *s)
{
	if (!s->bulk)
		return 0;
	store_presync_stop(s->presync);
	s->presync = NULL;
	/* IF NOT EXISTS: also heals a store whose big load died. */
	if (sqlite3_exec(s->db, schema_event_index, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s);
	s->bulk = false;
	s->index_dropped = false;
	return 0;
}

int store_rows(struct store *s, sqlite3_stmt *st,
	       int (*row)(void *ctx, sqlite3_stmt *st), void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row(ctx, st)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

const char *store_column_str(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	return v ? (const char *)v : "";
}

int64_t store_column_num(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return EVENT_NONE;
	return sqlite3_column_int64(st, col);
}

void store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	char keep[sizeof(s->err)];
	memcpy(keep, s->err, sizeof(keep));
	store_exec(s, "ROLLBACK");
	memcpy(s->err, keep, sizeof(keep));
}

int store_begin_write(struct store *s)
{
	if (s->writing || s->batch) {
		snprintf(s->err, sizeof(s->err), "%s: a file is already being"
			 " written", s->path);
		return -1;
	}
	return store_exec(s, "BEGIN IMMEDIATE");
}
