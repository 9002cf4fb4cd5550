/* rekey.c - what following a live site asks of the store: a rotated log
 * keeps its records under its new name, and readers read while a writer
 * writes.
 *
 * ConfigMgr rotates X.log by deleting X.lo_ and renaming X.log to X.lo_.
 * Without help the next look would read X.lo_ again as a new file (a
 * duplicate of X.log) and then replace X.log's records with the new
 * X.log's: a rename moves the stored file's key instead, so the renamed
 * file is found unchanged and is not read again. A stored file whose name
 * a rename takes over (the deleted X.lo_) is retired, not dropped: its
 * records are the evidence of earlier traces. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

static const char SQL_KNOWN[] = "SELECT id FROM files WHERE source = ?1";

/* files.id of source, 0 when not stored, -1 on error. */
static int64_t rekey_file_id(struct store *s, const char *source)
{
	sqlite3_stmt *st = store_stmt(s, SQL_KNOWN);
	if (!st)
		return -1;
	store_bind_text(st, 1, source);
	int rc = sqlite3_step(st);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		id = store_fail(s);
	sqlite3_reset(st);
	return id;
}

/* A retired file's key: its old one with its id, which no path ends in
 * ("#" then digits after the name), so it never matches a file again. */
static const char SQL_RETIRE[] =
	"UPDATE files SET source = source || '#retired-' || id WHERE id = ?1";
static const char SQL_REKEY[] =
	"UPDATE files SET source = ?2, path = ?3, name = ?4, log_name = ?5,"
	" rotation = ?6 WHERE id = ?1";

static int rekey_apply(struct store *s, int64_t from_id, int64_t to_id,
		       const struct store_file_meta *to)
{
	sqlite3_stmt *st;
	if (to_id > 0) {
		if (!(st = store_stmt(s, SQL_RETIRE)))
			return -1;
		sqlite3_bind_int64(st, 1, to_id);
		int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s);
		sqlite3_reset(st);
		if (rc)
			return -1;
	}
	if (!(st = store_stmt(s, SQL_REKEY)))
		return -1;
	sqlite3_bind_int64(st, 1, from_id);
	store_bind_text(st, 2, to->source);
	store_bind_text(st, 3, to->path);
	store_bind_text(st, 4, to->name);
	store_bind_text(st, 5, to->log_name);
	sqlite3_bind_int64(st, 6, to->rotation);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s);
	sqlite3_reset(st);
	return rc;
}

int store_file_rename(struct store *s, const char *from,
		      const struct store_file_meta *to)
{
	if (store_begin_write(s) < 0)
		return -1;
	int64_t from_id = rekey_file_id(s, from);
	int64_t to_id = from_id > 0 ? rekey_file_id(s, to->source) : 0;
	int rc = from_id < 0 || to_id < 0 ? -1 : from_id == 0 ? 1 : 0;
	if (rc == 0 && to_id != from_id)
		rc = rekey_apply(s, from_id, to_id, to);
	if (rc < 0) {
		store_rollback(s);
		return -1;
	}
	return store_exec(s, "COMMIT") < 0 ? -1 : rc;
}

/* The busy timeout now in force, to put back after a quick try. */
static int busy_ms(struct store *s)
{
	sqlite3_stmt *st;
	int ms = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA busy_timeout", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ms = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return ms;
}

int store_set_wal(struct store *s, bool wal)
{
	sqlite3_stmt *st;
	/* Leaving WAL needs the store to ourselves: with a reader there,
	 * waiting for it would only delay the end of a follow. */
	int keep_ms = busy_ms(s);
	if (!wal)
		sqlite3_busy_timeout(s->db, 0);
	const char *sql = wal ? "PRAGMA journal_mode=WAL"
			      : "PRAGMA journal_mode=DELETE";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_busy_timeout(s->db, keep_ms);
		return store_fail(s);
	}
	int rc = sqlite3_step(st);
	const char *mode = rc == SQLITE_ROW
		? (const char *)sqlite3_column_text(st, 0) : NULL;
	bool ok = mode && strcmp(mode, wal ? "wal" : "delete") == 0;
	if (!ok && rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY)
		store_fail(s);
	else if (!ok)
		snprintf(s->err, sizeof(s->err), "%s: journal mode stays %s"
			 " (another process has the store open)", s->path,
			 mode ? mode : wal ? "delete" : "wal");
	sqlite3_finalize(st);
	sqlite3_busy_timeout(s->db, keep_ms);
	return ok ? 0 : -1;
}

static const char SQL_RECORDS_TOTAL[] =
	"SELECT total(records) FROM files WHERE duplicate_of IS NULL";

int64_t store_records_total(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, SQL_RECORDS_TOTAL);
	if (!st)
		return -1;
	int64_t n = sqlite3_step(st) == SQLITE_ROW
		? (int64_t)sqlite3_column_double(st, 0) : store_fail(s);
	sqlite3_reset(st);
	return n;
}
