/* store_internal.h - what the db/ modules share behind store.h: the store
 * handle, the prepared-statement cache, error capture and component
 * interning. Not for use outside db/. */
#ifndef TATRACE_STORE_INTERNAL_H
#define TATRACE_STORE_INTERNAL_H

#include <sqlite3.h>
#include "store.h"

/* Every distinct SQL text of db/ (about 200, the dashboard's paging
 * variants among them) fits, so a long --follow or dashboard session
 * never meets "statement cache full". */
#define STORE_MAX_STMTS 256

/* db/presync.c: a thread that flushes the store file (fd, which it
 * does not own) ahead of the commits while a bulk load runs; NULL when
 * fd is -1 or the thread could not start. */
struct store_presync;
struct store_presync *store_presync_start(int fd);
void store_presync_stop(struct store_presync *p);

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

/* What findings read of one trace, owned (db/traces.c); id -1: none. */
struct trace_verdict {
	int64_t id, first_utc, last_utc, hops[3], unmatched;
	bool skew;
	char *status, *missing, *clients;
};

/* One trace the last update changed: before (was) and after (now). */
struct trace_change {
	struct trace_verdict was, now;
};

struct store {
	sqlite3 *db;
	char *path;
	int lock_fd;		/* flock()ed ingest lock, -1 none */
	bool writing;		/* a store_writer is active */
	bool batching;		/* store_file_commit leaves the commit to the caller */
	bool batch;		/* a batch of files' transaction is open */
	bool batch_lost;	/* an error rolled the open batch back */
	struct writer_pipe *pipe;	/* db/writer.c's writer thread, or NULL */
	bool traces_same;	/* see store_traces_unchanged */
	/* see store_traces_changes: known after an update's commit only */
	struct trace_change *changes;
	size_t n_changes;
	bool changes_known;
	bool bulk;		/* between store_bulk_begin and _end */
	struct store_presync *presync;	/* db/presync.c, while bulk */
	bool index_dropped;	/* the time index is down until _end */
	uint64_t bulk_events;	/* events inserted since store_bulk_begin */
	int64_t retimed_min_id;	/* lowest event id the last resolve moved */
	/* Since this handle's last resolve (or its opening): a file of a host with records without
	 * bias was stored, or an override set; events that join hosts
	 * (forwarded, push_started, task_received) were stored. */
	bool resolve_needed;
	uint64_t join_events;
	/* db/live.c: the data version last seen, and an open snapshot's
	 * holders (a refresh, a scan read in slices, nested) */
	int64_t data_version;
	bool data_version_known;
	int snapshot_depth;
	bool last_busy;		/* the last failure met a writer's lock */
	bool resume_cols;	/* files has resume_hasher and tail_hash */
	char err[512];
	struct store_stmt_slot stmts[STORE_MAX_STMTS];
	size_t nstmts;
	struct store_comp_slot *comps;	/* open addressing, name -> id */
	size_t ncomps, comps_cap;
	/* The last name interned (a name the table owns): a log's records
	 * mostly repeat their neighbour's component, so most lookups end
	 * with one memcmp, without hashing the name. */
	const char *comp_last;
	size_t comp_last_len;
	uint32_t comp_last_id;
};

/* The statement for sql (a static string: its address is the cache key),
 * prepared on first use and reset for reuse. NULL on error (recorded). */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);
/* Forget the last trace update's changes (db/traces.c). */
void store_trace_changes_clear(struct store *s);
/* Record SQLite's current error message; returns -1. */
int store_fail(struct store *s);
/* Step a bound statement once for "is there such a row": 1 yes, 0 no,
 * -1 on an error (recorded). st is reset either way. */
int store_row_exists(struct store *s, sqlite3_stmt *st);
/* Record "STORE: corrupt block N (file F): why" (a block whose offsets
 * or lengths do not fit: a tampered or damaged store); returns -1. */
int store_corrupt_block(struct store *s, int64_t block_id, int64_t file_id,
			const char *why);
/* Which file a record came from, as a stored_record names it. */
struct record_origin {
	int64_t file_id;
	const char *host, *path;
};
struct block_entry;
/* A block's unpacked entry as the record the query API hands out (text:
 * the entry's own, comp its component's name; both borrowed). One place,
 * so every reader (the log cursor, a file's records) gives the same. */
void store_record_of_entry(const struct block_entry *e,
			   const struct record_origin *o, uint64_t seq,
			   const char *text, const char *comp,
			   struct stored_record *out);
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
/* The id of a name interned already, without touching the database (the
 * writer thread may be using it). */
bool store_intern_known(const struct store *s, const char *name, size_t len,
			uint32_t *id);
/* Count n events about to be inserted by a bulk load; drops the time
 * index once the load is big enough to be worth building it afresh. */
int store_bulk_events(struct store *s, size_t n);
/* Drop the interning cache: after a rollback its ids may be gone. */
void store_forget_components(struct store *s);
/* The columns that fill a struct trace_row (store_trace_fill's order) and
 * the filters of struct trace_query as optional terms ?1..?10
 * (store_trace_bind), shared by db/traces.c and db/pages.c. */
#define TRACE_SELECT \
	"SELECT id, guid, status, action, task_type, first_utc, last_utc," \
	" clients, hosts, hop_forward_to_push, hop_push_to_receive," \
	" hop_receive_to_response, skew, lanes_connector, lanes_server," \
	" lanes_agent, missing, push_id, task_id, target_count, unmatched," \
	" summary, bts_reported, bts_failed, next_step, candidates FROM traces"
/* A status mask (?3) picks names from the trace_statuses table, which is
 * written from db/trace_status.h: the SQL shares the C table's ranks. */
#define STATUS_IN \
	" status IN (SELECT name FROM trace_statuses WHERE (?3 >> rank) & 1)"
#define TRACE_WHERE \
	" (?1 = 0 OR id = ?1)" \
	" AND (?2 IS NULL OR guid = ?2 COLLATE NOCASE)" \
	" AND (?3 = 0 OR" STATUS_IN ")" \
	" AND (?4 IS NULL OR action COLLATE NOCASE IN (?4, ?8, ?9, ?10))" \
	" AND (?5 IS NULL OR (instr(?5, ',') = 0" \
	"  AND (instr(upper(',' || hosts || ','), upper(',' || ?5 || ',')) > 0" \
	"   OR EXISTS (SELECT 1 FROM trace_targets tt WHERE tt.trace_id = id" \
	"    AND tt.host = ?5 COLLATE NOCASE))))" \
	" AND (?6 IS NULL OR last_utc >= ?6)" \
	" AND (?7 IS NULL OR first_utc <= ?7)"
/* Statuses in the table's (stage) order as ",a,b,...,": the position of
 * ",status," in it is a sort key an index can hold (db/pages.c). */
#define TRACE_STATUS_ORDER_NAME(id, name, meaning, next) name ","
#define TRACE_STATUS_ORDER "," TRACE_STATUS_TABLE(TRACE_STATUS_ORDER_NAME)
#define TRACE_STATUS_RANK_SQL \
	"instr('" TRACE_STATUS_ORDER "', ',' || status || ',')"
void store_trace_fill(sqlite3_stmt *st, struct trace_row *t);
void store_trace_bind(sqlite3_stmt *st, const struct trace_query *q);

/* Set files.utc_min/utc_max of a file from its blocks. 0 or -1. */
int store_file_bounds(struct store *s, int64_t file_id);

#endif
