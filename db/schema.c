/* schema.c - the store's tables, and the refusal of stores written by
 * another version of tatrace. The layout below is also what sqlite3 users
 * see. */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include "store_internal.h"
#include "trace_status.h"

/* Layout (schema version 6: 5 with events.packed and the narrow time
 * index over it; 5 was 4 with block_text.text LZ4-compressed behind
 * a header, db/blocktext.h; 4 was 3 plus the indexes that keep ingest
 * linear in the number of files, and blocks_span for the log cursor's
 * seeks):
 *
 * meta(key, value)        key 'schema_version' = STORE_SCHEMA_VERSION.
 * hosts                   one row per machine; tz_override: bias minutes
 *                         given with --tz HOST=BIAS, NULL none;
 *                         tz_joined: bias minutes learned from event
 *                         joins for a host whose logs carry none (NULL
 *                         none), tz_joined_pairs: the joined pairs it
 *                         rests on (see store_resolve_offsets).
 * components              interned component names (case kept).
 * files                   one row per log file, keyed by source (absolute
 *                         location). head_hash/content_hash (64-bit, stored
 *                         as signed integers) tell unchanged, grown and
 *                         replaced files apart. Counters: records, partial,
 *                         bytes (decoded UTF-8), n_verbose..n_error (by
 *                         severity), n_nobias (timed records without an
 *                         explicit bias, which need an offset), n_explicit..
 *                         n_assumed, n_psadt, n_joined (by offset source,
 *                         enum offset_source); utc_min/utc_max
 *                         over the records that carry their own time (NULL
 *                         when none), kept by commit and offset resolution.
 *                         resume_hasher (the raw hasher's state after all
 *                         size bytes, lib/util.h hasher_save) and tail_hash
 *                         (hash of the last 64 KiB raw bytes) let a grown
 *                         file be read from its old end; NULL when it
 *                         cannot be (a pipe, an archive entry). A v4 store
 *                         made before these columns works, unresumable.
 *                         duplicate_of: the id of the file that holds the
 *                         same evidence (same host and log, this file's
 *                         content equal to it or a prefix of it); such a
 *                         file keeps its row and hashes but no records,
 *                         blocks or events. NULL for an original.
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
 *                         48-byte entries per record (db/blockfmt.h).
 *                         Index blocks_span holds every block's bounds
 *                         (file_id, seq, utc_min, utc_max, undated, n):
 *                         the merged log reads them all without touching
 *                         the rows, which are a page each (meta).
 * block_text              block_id = blocks.id, text = the block's records'
 *                         raw text concatenated, stored as db/blocktext.h
 *                         says (a 5-byte header: codec 0 raw or 1 LZ4 and
 *                         the raw length; then the payload), apart from
 *                         blocks so that re-timing a block does not
 *                         rewrite its text.
 * block_components        which components occur in which block (the
 *                         index behind "log by component").
 * events                  trace events found at ingest, one per matching
 *                         record: file_id, seq (the record's index in the
 *                         file), line, utc (the record's, kept in step by
 *                         offset resolution; 0 when no time is known),
 *                         thread (NULL none), lane and kind (integers, see
 *                         parsers/events.h; names in event_list), the
 *                         event's fields (NULL when absent: EVENT_NONE or
 *                         ""), text = the record's message, packed = the
 *                         fields the trace builder reads, in one blob
 *                         (db/eventpack.h). Ids are never
 *                         reused (AUTOINCREMENT), so a trace_events row
 *                         left over from a re-ingested file points at
 *                         nothing rather than at a stranger.
 * traces                  the device actions rebuilt from the events after
 *                         every ingest: id 1.. in first_utc order, guid
 *                         (upper case), status, action, times in UTC µs,
 *                         clients/hosts/missing as comma-separated lists,
 *                         hop_* in ms (NULL when not measurable), skew 0/1,
 *                         lanes_* event counts, summary for humans
 *                         (ending with what to do next), next_step alone,
 *                         bts_reported/bts_failed from the server's BTS
 *                         report (NULL without one).
 * trace_targets           per trace, the clients it reached or may have
 *                         reached: host, status (complete, failed,
 *                         no_response, missing_evidence; not_delivered for
 *                         a candidate), inferred 1 for a candidate (a client
 *                         whose log covers the push without a receipt: it
 *                         may not have been a target at all), times in UTC
 *                         µs and the ReturnCode (NULL when none).
 * lanes, event_kinds,     the vocabularies, written from the tables in
 * trace_statuses          parsers/events.h and db/trace_status.h when the
 *                         store is created: names, meanings, what to do.
 * trace_events            which events make up which trace; flags are
 *                         TRACE_EVENT_* bits (1: unmatched response).
 * file_summary (view)     files with their host name, for a quick look.
 * event_list (view)       events with time as text, host, path, role and
 *                         lane/kind by name, in no particular order (add
 *                         ORDER BY utc).
 * trace_list (view)       traces with their times as text.
 * findings                what is wrong, derived from events, traces and
 *                         files after every trace rebuild (src/findings.c):
 *                         kind, severity (error|warning|info), title,
 *                         advice, first_utc/last_utc (µs, NULL none),
 *                         count; ids in severity order.
 * finding_evidence        up to a few log lines per finding: host, file
 *                         (bundle path), line, utc.
 * finding_traces          which traces a finding is about.
 * finding_list (view)     findings with their times as text.
 */
static const char SCHEMA_SQL[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
	"CREATE TABLE hosts(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	" tz_override INTEGER, tz_joined INTEGER, tz_joined_pairs INTEGER);"
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
	" n_psadt INTEGER NOT NULL DEFAULT 0,"
	" n_joined INTEGER NOT NULL DEFAULT 0,"
	" ingested_at INTEGER, utc_min INTEGER, utc_max INTEGER,"
	" duplicate_of INTEGER REFERENCES files(id), resume_hasher BLOB,"
	" tail_hash INTEGER);"
	"CREATE TABLE blocks(id INTEGER PRIMARY KEY,"
	" file_id INTEGER NOT NULL REFERENCES files(id), seq INTEGER NOT NULL,"
	" first_line INTEGER NOT NULL, n INTEGER NOT NULL,"
	" text_off INTEGER NOT NULL, utc_min INTEGER, utc_max INTEGER,"
	" undated INTEGER NOT NULL DEFAULT 0, bias INTEGER,"
	" xlocal_min INTEGER, xlocal_max INTEGER, meta BLOB NOT NULL);"
	"CREATE TABLE block_text(block_id INTEGER PRIMARY KEY, text BLOB NOT NULL);"
	"CREATE TABLE block_components(comp_id INTEGER NOT NULL,"
	" block_id INTEGER NOT NULL, PRIMARY KEY(comp_id, block_id))"
	" WITHOUT ROWID;"
	"CREATE UNIQUE INDEX blocks_file_seq ON blocks(file_id, seq);"
	"CREATE INDEX blocks_utc ON blocks(utc_min);"
	/* Per-file lookups at ingest (host by name, the file's twins, the
	 * duplicates of a file) are index seeks: a scan here costs each file
	 * the number of files already stored, quadratic over a bundle. */
	"CREATE INDEX hosts_name ON hosts(name COLLATE NOCASE);"
	"CREATE INDEX files_host ON files(host_id, log_name COLLATE NOCASE);"
	"CREATE INDEX files_host_role ON files(host_id, role);"
	"CREATE INDEX files_duplicate_of ON files(duplicate_of)"
	" WHERE duplicate_of IS NOT NULL;"
	/* A file's commit asks whether its host has records without a bias
	 * (then the offset pass must run): a seek, not the host's files. */
	"CREATE INDEX files_host_nobias ON files(host_id) WHERE n_nobias > 0;"
	/* The log cursor reads every block's time bounds at open from this
	 * index alone, never from the (64 KiB page) block rows. */
	"CREATE INDEX blocks_span ON blocks(file_id, seq, utc_min, utc_max,"
	" undated, n);"
	"CREATE VIEW file_summary AS SELECT f.id AS id, h.name AS host,"
	" f.path AS path, f.log_name AS log_name, f.rotation AS rotation,"
	" f.role AS role, f.format AS format, f.encoding AS encoding,"
	" f.size AS size, f.records AS records, f.partial AS partial,"
	" f.n_error AS errors, f.n_warning AS warnings,"
	" f.n_nobias AS without_bias, f.bytes AS bytes,"
	" datetime(f.ingested_at, 'unixepoch') AS ingested,"
	" f.duplicate_of AS duplicate_of"
	" FROM files f LEFT JOIN hosts h ON h.id = f.host_id;"
	"CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" file_id INTEGER NOT NULL REFERENCES files(id), seq INTEGER NOT NULL,"
	" line INTEGER NOT NULL, utc INTEGER NOT NULL, thread INTEGER,"
	" lane INTEGER NOT NULL, kind INTEGER NOT NULL, guid TEXT,"
	" push_id INTEGER, task_id INTEGER, task_type INTEGER, count INTEGER,"
	" failed INTEGER, return_code INTEGER, http_status INTEGER,"
	" stamp INTEGER, name TEXT, tenant TEXT, user TEXT, detail TEXT,"
	" text TEXT NOT NULL, packed BLOB NOT NULL);"
	"CREATE INDEX events_file_seq ON events(file_id, seq);"
	"CREATE TABLE traces(id INTEGER PRIMARY KEY, guid TEXT,"
	" status TEXT NOT NULL, action TEXT, task_type INTEGER,"
	" first_utc INTEGER NOT NULL, last_utc INTEGER NOT NULL, clients TEXT,"
	" hosts TEXT, hop_forward_to_push INTEGER, hop_push_to_receive INTEGER,"
	" hop_receive_to_response INTEGER, skew INTEGER NOT NULL DEFAULT 0,"
	" lanes_connector INTEGER NOT NULL DEFAULT 0,"
	" lanes_server INTEGER NOT NULL DEFAULT 0,"
	" lanes_agent INTEGER NOT NULL DEFAULT 0, missing TEXT,"
	" push_id INTEGER, task_id INTEGER, target_count INTEGER,"
	" unmatched INTEGER NOT NULL DEFAULT 0, summary TEXT,"
	" bts_reported INTEGER, bts_failed INTEGER, next_step TEXT,"
	" candidates INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE trace_targets(trace_id INTEGER NOT NULL,"
	" host TEXT NOT NULL, status TEXT NOT NULL, inferred INTEGER NOT NULL,"
	" received_utc INTEGER, response_utc INTEGER, return_code INTEGER);"
	"CREATE TABLE lanes(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" component TEXT NOT NULL);"
	"CREATE TABLE event_kinds(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" fields TEXT NOT NULL);"
	"CREATE TABLE trace_statuses(rank INTEGER PRIMARY KEY,"
	" name TEXT UNIQUE NOT NULL, meaning TEXT NOT NULL,"
	" next_step TEXT NOT NULL);"
	"CREATE TABLE trace_events(trace_id INTEGER NOT NULL,"
	" event_id INTEGER NOT NULL, flags INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(trace_id, event_id)) WITHOUT ROWID;"
	"CREATE VIEW event_list AS SELECT e.id AS id,"
	" CASE WHEN e.utc = 0 THEN NULL ELSE"
	"  strftime('%Y-%m-%d %H:%M:%f', e.utc / 1000000.0, 'unixepoch') END"
	"  AS time,"
	" e.utc AS utc, h.name AS host, f.path AS path, f.role AS role,"
	" e.file_id AS file_id, e.seq AS seq, e.line AS line,"
	" e.thread AS thread,"
	" l.name AS lane, k.name AS kind,"
" e.guid AS guid, e.push_id AS push_id, e.task_id AS task_id,"
	" e.task_type AS task_type, e.count AS count, e.failed AS failed,"
	" e.return_code AS return_code, e.http_status AS http_status,"
	" e.stamp AS stamp, e.name AS name, e.tenant AS tenant,"
	" e.user AS user, e.detail AS detail, e.text AS text"
	" FROM events e JOIN files f ON f.id = e.file_id"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" LEFT JOIN lanes l ON l.id = e.lane"
	" LEFT JOIN event_kinds k ON k.id = e.kind;"
	"CREATE VIEW trace_list AS SELECT id,"
	" strftime('%Y-%m-%d %H:%M:%f', first_utc / 1000000.0, 'unixepoch')"
	"  AS first_time,"
	" strftime('%Y-%m-%d %H:%M:%f', last_utc / 1000000.0, 'unixepoch')"
	"  AS last_time,"
	" guid, status, action, task_type, first_utc, last_utc, clients, hosts,"
	" hop_forward_to_push, hop_push_to_receive, hop_receive_to_response,"
	" skew, lanes_connector, lanes_server, lanes_agent, missing, push_id,"
	" task_id, target_count, unmatched, summary, bts_reported, bts_failed,"
	" next_step, candidates FROM traces;"
	"CREATE TABLE findings(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
	" severity TEXT NOT NULL, title TEXT NOT NULL, advice TEXT NOT NULL,"
	" first_utc INTEGER, last_utc INTEGER, count INTEGER NOT NULL);"
	"CREATE TABLE finding_evidence(finding_id INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, host TEXT, file TEXT, line INTEGER,"
	" utc INTEGER, PRIMARY KEY(finding_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE finding_traces(finding_id INTEGER NOT NULL,"
	" trace_id INTEGER NOT NULL, PRIMARY KEY(finding_id, trace_id))"
	" WITHOUT ROWID;"
	"CREATE VIEW finding_list AS SELECT id, kind, severity, title,"
	" strftime('%Y-%m-%d %H:%M:%f', first_utc / 1000000.0, 'unixepoch')"
	"  AS first_time,"
	" strftime('%Y-%m-%d %H:%M:%f', last_utc / 1000000.0, 'unixepoch')"
	"  AS last_time, count, advice FROM findings;";

/* The traces' indexes stand apart: a rebuild drops them and creates them
 * after its bulk insert, which costs half of keeping them up to date row
 * by row. (status, first_utc) and (first_utc) serve "WHERE status = ?
 * ORDER BY first_utc, id" without a sort: the rowid ends every index
 * entry. */
/* The events' time index is dropped while an ingest loads files and
 * built once at its end: rows arrive in file order, so keeping a time
 * index up to date would touch (and journal) random pages for every file.
 * IF NOT EXISTS lets a writer heal a store whose ingest died in between. */
/* events_for_findings: findings read only these events; a partial index,
 * dropped and built with the time index. Its WHERE must stay identical
 * to the one in db/findings.c. It spells out kind = 3 OR ... rather than
 * kind IN (3, 9, 16): SQLite evaluates such an IN list through a fresh
 * ephemeral table, and with the store's 64 KiB pages that zeroes 64 KiB
 * for every event inserted or indexed (4% of a dense bundle's ingest).
 * The old events_findings (with the IN list) is dropped when found. */
/* events_utc carries, besides the builder's order (utc, file_id, seq,
 * id), the fields it reads packed in one column (db/eventpack.h): a
 * rebuild then scans the index alone, never the rows, which lie in file
 * order, a page per event in time order (a third of a trace-dense
 * rebuild, when they were read that way). One packed column rather than
 * the fields themselves: SQLite's cost to build and scan an index grows
 * with its columns. */
const char schema_event_index[] =
	"CREATE INDEX IF NOT EXISTS events_utc ON events(utc, file_id, seq, id,"
	" packed);"
	"DROP INDEX IF EXISTS events_findings;"
	"CREATE INDEX IF NOT EXISTS events_for_findings"
	" ON events(utc, file_id, seq)"
	" WHERE lane = 3 OR kind = 3 OR kind = 9 OR kind = 16;";
const char schema_event_index_drop[] =
	"DROP INDEX IF EXISTS events_utc; DROP INDEX IF EXISTS events_findings;"
	" DROP INDEX IF EXISTS events_for_findings;"
	" DROP INDEX IF EXISTS events_learn;";
/* events_learn: the events a host's bias is learned from when its logs
 * carry none (db/resolve.c, which names the same kinds: forwarded, push
 * started, task received). Built only when such a host is found. */
const char schema_learn_index[] =
	"CREATE INDEX IF NOT EXISTS events_learn ON events(kind, guid, utc,"
	" file_id) WHERE kind = 4 OR kind = 6 OR kind = 10;";

#define TRACE_HOP_INDEX(ine, col) \
	"CREATE INDEX " ine "traces_" col " ON traces(" col ");"
#define TRACE_HOP_INDEXES(ine) \
	TRACE_HOP_INDEX(ine, "hop_forward_to_push") \
	TRACE_HOP_INDEX(ine, "hop_push_to_receive") \
	TRACE_HOP_INDEX(ine, "hop_receive_to_response")
const char schema_trace_indexes[] =
	"CREATE INDEX traces_status ON traces(status, first_utc);"
	"CREATE INDEX traces_guid ON traces(guid COLLATE NOCASE);"
	"CREATE INDEX traces_first_utc ON traces(first_utc);"
	/* the dashboard's other sort orders (db/pages.c) */
	"CREATE INDEX traces_by_status ON traces(" TRACE_STATUS_RANK_SQL ", first_utc);"
	"CREATE INDEX traces_by_span ON traces(last_utc - first_utc);"
	"CREATE INDEX traces_by_action ON traces(coalesce(action, ''), first_utc);"
	/* targets and candidates, by trace and by host (traces --host) */
	"CREATE INDEX trace_targets_trace ON trace_targets(trace_id);"
	"CREATE INDEX trace_targets_host ON trace_targets(host COLLATE NOCASE);"
	TRACE_HOP_INDEXES("");
/* The findings' hop statistics (slow_hop's median and the hops above its
 * threshold) read these: a seek and a walk over one small index, not every
 * trace. Created on a writable open of a store made before them too
 * (schema_heal), so no schema bump: such a store works as it is. */
static const char schema_trace_hop_indexes[] = TRACE_HOP_INDEXES("IF NOT EXISTS ");
const char schema_trace_indexes_drop[] =
	"DROP INDEX traces_status;"
	"DROP INDEX traces_guid;"
	"DROP INDEX traces_first_utc;"
	"DROP INDEX IF EXISTS traces_by_status;"
	"DROP INDEX IF EXISTS traces_by_span;"
	"DROP INDEX IF EXISTS traces_by_action;"
	"DROP INDEX IF EXISTS trace_targets_trace;"
	"DROP INDEX IF EXISTS trace_targets_host;"
	"DROP INDEX IF EXISTS traces_hop_forward_to_push;"
	"DROP INDEX IF EXISTS traces_hop_push_to_receive;"
	"DROP INDEX IF EXISTS traces_hop_receive_to_response;";

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
	if ((rc & 0xff) == SQLITE_BUSY) {
		/* Not "not a store": that would invite deleting a healthy one. */
		snprintf(err, errlen, "%s: the store is busy: another tatrace is"
			 " writing it; try again when it is done", path);
		sqlite3_finalize(st);
		return -1;
	}
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

/* One row of a vocabulary table: (number, two or three texts). */
static int vocab_row(sqlite3 *db, const char *sql, int id, const char *a,
		     const char *b, const char *c)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, id);
	sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(st, 4, c, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The lanes, event kinds and trace statuses, from their C tables, so that
 * sqlite3 users read names where the store keeps numbers. */
static int schema_fill_vocab(sqlite3 *db)
{
	for (int l = 0; l < LANE_COUNT; l++)
		if (vocab_row(db, "INSERT INTO lanes VALUES(?1, ?2, ?3)", l,
			      lane_name((enum lane)l),
			      lane_component((enum lane)l), NULL) < 0)
			return -1;
	for (int k = 0; k < EV_KIND_COUNT; k++)
		if (vocab_row(db, "INSERT INTO event_kinds VALUES(?1, ?2, ?3)", k,
			      event_kind_name((enum event_kind)k),
			      event_kind_fields((enum event_kind)k), NULL) < 0)
			return -1;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		if (vocab_row(db, "INSERT INTO trace_statuses VALUES(?1, ?2, ?3, ?4)",
			      i, trace_statuses[i].name, trace_statuses[i].meaning,
			      trace_statuses[i].next_step) < 0)
			return -1;
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
	    sqlite3_exec(db, schema_trace_indexes, NULL, NULL, &msg) !=
	    SQLITE_OK ||
	    sqlite3_exec(db, schema_event_index, NULL, NULL, &msg) != SQLITE_OK ||
	    schema_fill_vocab(db) < 0 ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot create the store: %s", path,
			 msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static int schema_heal(sqlite3 *db, const char *path, char *err,
		       size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, schema_event_index, NULL, NULL, &msg) == SQLITE_OK &&
	    sqlite3_exec(db, schema_trace_hop_indexes, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: cannot index the store: %s", path,
		 msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

int schema_check(sqlite3 *db, const char *path, bool create, bool *empty,
		 char *err, size_t errlen)
{
	int64_t version;
	*empty = false;
	if (schema_version(db, path, &version, err, errlen) < 0)
		return -1;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: store schema %lld is newer than this"
			 " tatrace understands (%d)", path, (long long)version,
			 STORE_SCHEMA_VERSION);
		return -1;
	}
	/* No migration: a store is a cache of the logs, rebuilt by ingest. */
	if (version > 0 && version < STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: store schema %lld is older than this"
			 " tatrace (%d): delete it and ingest again", path,
			 (long long)version, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (version == 0 && !create) {
		snprintf(err, errlen, "%s: empty store (run tatrace ingest"
			 " first)", path);
		return -1;
	}
	*empty = version == 0;
	return 0;
}

int schema_ensure(sqlite3 *db, const char *path, bool create, bool empty,
		  char *err, size_t errlen)
{
	if (empty)
		return schema_create(db, path, err, errlen);
	return create ? schema_heal(db, path, err, errlen) : 0;
}
