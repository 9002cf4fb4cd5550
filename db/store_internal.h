/* store_internal.h - what the db/ modules share behind store.h: the store
 * handle, the prepared-statement cache, error capture and component
 * interning. Not for use outside db/. */
#ifndef TATRACE_STORE_INTERNAL_H
#define TATRACE_STORE_INTERNAL_H

#include <sqlite3.h>
#include "store.h"

#define STORE_MAX_STMTS 96

struct store_stmt_slot {
	const char *sql;	/* identity: the module's static SQL text */
	sqlite3_stmt *stmt;
};

struct store_comp_slot {
	char *name;		/* NULL: empty slot */
	size_t len;
	uint64_t hash;
	uint32_t id;
};

struct store {
	sqlite3 *db;
	char *path;
	int lock_fd;		/* flock()ed ingest lock, -1 none */
	bool writing;		/* a store_writer is active */
	bool bulk;		/* store_bulk_begin dropped the time index */
	char err[512];
	struct store_stmt_slot stmts[STORE_MAX_STMTS];
	size_t nstmts;
	struct store_comp_slot *comps;	/* open addressing, name -> id */
	size_t ncomps, comps_cap;
};

/* The statement for sql (a static string: its address is the cache key),
 * prepared on first use and reset for reuse. NULL on error (recorded). */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);
/* Record SQLite's current error message; returns -1. */
int store_fail(struct store *s);
/* Step st to its end, calling row() for each row; row() returns non-zero
 * to stop early. On an SQLite error the message is recorded. st is reset
 * either way. 0 or -1. */
int store_rows(struct store *s, sqlite3_stmt *st,
	       int (*row)(void *ctx, sqlite3_stmt *st), void *ctx);
/* A text column, "" for NULL; a number column, EVENT_NONE for NULL. */
const char *store_column_str(sqlite3_stmt *st, int col);
int64_t store_column_num(sqlite3_stmt *st, int col);
/* Begin the write transaction of one file or of a trace rebuild; refuses
 * while another writer of this store is active. 0 or -1. */
int store_begin_write(struct store *s);
/* Roll back the open transaction, if any, keeping the message of the error
 * that caused it rather than the rollback's own outcome. */
void store_rollback(struct store *s);
/* Run a parameterless statement (BEGIN, COMMIT...). 0 or -1. */
int store_exec(struct store *s, const char *sql);
/* Bind text of known length, or NULL when text is NULL. */
int store_bind_text(sqlite3_stmt *st, int col, const char *text);
/* components.id of name, inserted when new. 0 or -1. */
int store_intern(struct store *s, const char *name, size_t len, uint32_t *id);
/* Drop the interning cache: after a rollback its ids may be gone. */
void store_forget_components(struct store *s);
/* Set files.utc_min/utc_max of a file from its blocks. 0 or -1. */
int store_file_bounds(struct store *s, int64_t file_id);

#endif
