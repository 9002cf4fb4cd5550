/* schema.c - the store's tables, and the refusal of stores written by a
 * newer tatrace. The layout below is also what sqlite3 users see. */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include "store.h"

/* Layout (schema version 1):
 *
 * meta(key, value)        key 'schema_version' = STORE_SCHEMA_VERSION.
 * hosts                   one row per machine; tz_override: bias minutes
 *                         given with --tz HOST=BIAS, NULL none.
 * components              interned component names (case kept).
 * files                   one row per log file, keyed by source (absolute
 *                         location). head_hash/content_hash (64-bit, stored
 *                         as signed integers) tell unchanged, grown and
 *                         replaced files apart. Counters: records, partial,
 *                         bytes (decoded UTF-8), n_verbose..n_error (by
 *                         severity), n_nobias (timed records without an
 *                         explicit bias, which need an offset), n_explicit..
 *                         n_assumed (by offset source).
 * blocks                  the records, up to STORE_BLOCK_RECORDS of one
 *                         file per row: seq = index of its first record in
 *                         the file, first_line, n, text_off = decoded byte
 *                         offset of its first record in the file; utc_min/
 *                         utc_max over records whose time is known (NULL
 *                         when none), undated = records with no time known
 *                         (utc 0); bias = first explicit bias (NULL none)
 *                         and xlocal_min/xlocal_max = the local time range
 *                         of the records carrying that bias (used to lend
 *                         the bias to logs that lack one); meta = packed
 *                         48-byte entries per record (db/blockfmt.h);
 *                         text = the records' raw text concatenated.
 * block_components        which components occur in which block (the
 *                         index behind "log by component").
 * file_summary (view)     files with their host name, for a quick look.
 */
static const char SCHEMA_SQL[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
	"CREATE TABLE hosts(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	" tz_override INTEGER);"
	"CREATE TABLE components(id INTEGER PRIMARY KEY,"
	" name TEXT UNIQUE NOT NULL);"
	"CREATE TABLE files(id INTEGER PRIMARY KEY, source TEXT UNIQUE NOT NULL,"
	" path TEXT, name TEXT, host_id INTEGER REFERENCES hosts(id),"
	" log_name TEXT, rotation INTEGER, role TEXT, format TEXT,"
	" encoding TEXT, size INTEGER, mtime INTEGER, head_hash INTEGER,"
	" content_hash INTEGER, records INTEGER NOT NULL DEFAULT 0,"
	" partial INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,"
	" n_verbose INTEGER NOT NULL DEFAULT 0,"
	" n_info INTEGER NOT NULL DEFAULT 0,"
	" n_warning INTEGER NOT NULL DEFAULT 0,"
	" n_error INTEGER NOT NULL DEFAULT 0,"
	" n_nobias INTEGER NOT NULL DEFAULT 0,"
	" n_explicit INTEGER NOT NULL DEFAULT 0,"
	" n_host INTEGER NOT NULL DEFAULT 0,"
	" n_override INTEGER NOT NULL DEFAULT 0,"
	" n_assumed INTEGER NOT NULL DEFAULT 0,"
	" ingested_at INTEGER);"
	"CREATE TABLE blocks(id INTEGER PRIMARY KEY,"
	" file_id INTEGER NOT NULL REFERENCES files(id), seq INTEGER NOT NULL,"
	" first_line INTEGER NOT NULL, n INTEGER NOT NULL,"
	" text_off INTEGER NOT NULL, utc_min INTEGER, utc_max INTEGER,"
	" undated INTEGER NOT NULL DEFAULT 0, bias INTEGER,"
	" xlocal_min INTEGER, xlocal_max INTEGER, meta BLOB NOT NULL,"
	" text BLOB NOT NULL);"
	"CREATE TABLE block_components(comp_id INTEGER NOT NULL,"
	" block_id INTEGER NOT NULL, PRIMARY KEY(comp_id, block_id))"
	" WITHOUT ROWID;"
	"CREATE UNIQUE INDEX blocks_file_seq ON blocks(file_id, seq);"
	"CREATE INDEX blocks_utc ON blocks(utc_min);"
	"CREATE INDEX files_host ON files(host_id);"
	"CREATE VIEW file_summary AS SELECT f.id AS id, h.name AS host,"
	" f.path AS path, f.log_name AS log_name, f.rotation AS rotation,"
	" f.role AS role, f.format AS format, f.encoding AS encoding,"
	" f.size AS size, f.records AS records, f.partial AS partial,"
	" f.n_error AS errors, f.n_warning AS warnings,"
	" f.n_nobias AS without_bias, f.bytes AS bytes,"
	" datetime(f.ingested_at, 'unixepoch') AS ingested"
	" FROM files f LEFT JOIN hosts h ON h.id = f.host_id;";

static int schema_version(sqlite3 *db, const char *path, int64_t *version,
			  char *err, size_t errlen)
{
	sqlite3_stmt *st;
	*version = 0;
	int rc = sqlite3_prepare_v2(db,
		"SELECT (SELECT count(*) FROM sqlite_master WHERE type='table'"
		" AND name='meta'), (SELECT count(*) FROM sqlite_master)",
		-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s: not a tatrace store (%s)", path,
			 sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	int has_meta = sqlite3_column_int(st, 0);
	int objects = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	if (!has_meta) {
		if (objects == 0)
			return 0;	/* empty: ours to create */
		snprintf(err, errlen, "%s: not a tatrace store (an SQLite"
			 " database of something else)", path);
		return -1;
	}
	rc = sqlite3_prepare_v2(db, "SELECT value FROM meta"
				" WHERE key = 'schema_version'", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (*version <= 0) {
		snprintf(err, errlen, "%s: not a tatrace store (no schema"
			 " version)", path);
		return -1;
	}
	return 0;
}

static int schema_create(sqlite3 *db, const char *path, char *err,
			 size_t errlen)
{
	char *msg = NULL;
	char sql[96];
	snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES('schema_version',"
		 " %d);COMMIT;", STORE_SCHEMA_VERSION);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE;", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, SCHEMA_SQL, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot create the store: %s", path,
			 msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int schema_ensure(sqlite3 *db, const char *path, bool create,
		  char *err, size_t errlen)
{
	int64_t version;
	if (schema_version(db, path, &version, err, errlen) < 0)
		return -1;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: store schema %lld is newer than this"
			 " tatrace understands (%d)", path, (long long)version,
			 STORE_SCHEMA_VERSION);
		return -1;
	}
	if (version > 0)
		return 0;
	if (!create) {
		snprintf(err, errlen, "%s: empty store (run tatrace ingest"
			 " first)", path);
		return -1;
	}
	return schema_create(db, path, err, errlen);
}
