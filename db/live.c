/* live.c - noticing other connections' commits, for a reader that stays
 * open while another process (an ingest, or the follow thread with its
 * own connection) writes the store: the dashboard.
 *
 * PRAGMA data_version changes when any other connection commits; reading
 * it costs a look at the file header (rollback journal) or the WAL index,
 * no table read, so it can be polled a few times a second. A refresh then
 * reads inside one read transaction (store_snapshot_begin): every query of
 * it sees one commit, and a writer's commit can neither slip between them
 * nor fail one half way (in rollback-journal mode the writer waits for the
 * snapshot's end; in WAL mode neither waits). A read done in slices over
 * several pauses (the dashboard's regex scan, its outcome strip) holds
 * one snapshot from its first slice to its last, so what it counts is
 * one commit's too; snapshots nest, the outermost one reads. */
#include "store_internal.h"

static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

/* The connection's data version; -1 when it cannot be read now (busy). */
static int64_t data_version(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, SQL_DATA_VERSION);
	if (!st)
		return -1;
	int64_t v = -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		store_fail(s);
	s->last_busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
	sqlite3_reset(st);
	return v;
}

void store_set_busy_ms(struct store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms < 0 ? 0 : ms);
}

bool store_changed(struct store *s)
{
	if (s->snapshot_depth)
		return false;
	int64_t v = data_version(s);
	if (v < 0)
		return false;	/* busy: the next poll sees it */
	bool changed = s->data_version_known && v != s->data_version;
	s->data_version = v;
	s->data_version_known = true;
	return changed;
}

int store_snapshot_begin(struct store *s)
{
	if (s->snapshot_depth) {
		s->snapshot_depth++;
		return 0;
	}
	if (store_exec(s, "BEGIN") < 0)
		return -1;
	/* BEGIN takes no lock: the first read does. It is this one, and
	 * the version it reads is the snapshot's, so the next poll does not
	 * report what the snapshot already shows. */
	int64_t v = data_version(s);
	if (v < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	s->data_version = v;
	s->data_version_known = true;
	s->snapshot_depth = 1;
	return 0;
}

void store_snapshot_end(struct store *s)
{
	if (!s->snapshot_depth || --s->snapshot_depth)
		return;
	/* A read transaction: ending it only releases the lock. */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

bool store_busy(const struct store *s)
{
	return s->last_busy;
}
