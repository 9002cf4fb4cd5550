/* events.c - reading the stored events back: all of them in time order, a
 * trace's own, and the time each log file covers. The events themselves
 * are written by the ingest writer (writer.c). */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>
#include "eventpack.h"

/* The columns that fill a struct stored_event, in event_fill's order. */
#define EVENT_COLUMNS \
	"e.id, e.file_id, e.seq, e.line, e.utc, e.thread, h.name, f.path," \
	" f.role, e.text, e.lane, e.kind, e.guid, e.push_id, e.task_id," \
	" e.task_type, e.count, e.failed, e.return_code, e.http_status," \
	" e.stamp, e.name, e.tenant, e.user, e.detail"
#define EVENT_FROM \
	" FROM events e JOIN files f ON f.id = e.file_id" \
	" LEFT JOIN hosts h ON h.id = f.host_id"

/* The trace builder's read: only what events_utc covers, its fields
 * packed (db/eventpack.h), so that it scans that index and never the
 * rows. In join_fill's order. */
#define JOIN_COLUMNS "e.id, e.file_id, e.seq, e.utc, h.name, e.packed"
static const char SQL_EVENTS[] =
	"SELECT " JOIN_COLUMNS EVENT_FROM
	" ORDER BY e.utc, e.file_id, e.seq, e.id";
/* Rows of trace_events whose event is gone (its file was re-ingested
 * since the traces were built) drop out of the join. */
static const char SQL_TRACE_EVENTS[] =
	"SELECT " EVENT_COLUMNS ", te.flags FROM trace_events te"
	" JOIN events e ON e.id = te.event_id"
	" JOIN files f ON f.id = e.file_id"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE te.trace_id = ?1 ORDER BY e.utc, e.file_id, e.seq, e.id";
static const char SQL_COVERAGE[] =
	"SELECT f.id, f.role, h.name, f.utc_min, f.utc_max FROM files f"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE f.utc_min IS NOT NULL ORDER BY f.id";

/* Copy a text column into a fixed field of struct event, cut to fit
 * (as snprintf's "%s" would, at a fifth of its cost: it ran for five
 * fields of every event a rebuild reads). */
static void column_field(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
	const char *src = store_column_str(st, col);
	size_t len = strnlen(src, cap - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void event_fill(sqlite3_stmt *st, struct stored_event *out)
{
	const char *text = store_column_str(st, 9);	/* before its length */
	size_t text_len = (size_t)sqlite3_column_bytes(st, 9);
	*out = (struct stored_event){
		.id = sqlite3_column_int64(st, 0),
		.file_id = sqlite3_column_int64(st, 1),
		.seq = (uint64_t)sqlite3_column_int64(st, 2),
		.line = (uint32_t)sqlite3_column_int64(st, 3),
		.utc_us = sqlite3_column_int64(st, 4),
		.thread = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
			  sqlite3_column_int(st, 5),
		.host = store_column_str(st, 6),
		.path = store_column_str(st, 7),
		.role = store_column_str(st, 8),
		.text = text,
		.text_len = text_len,
	};
	struct event *ev = &out->ev;
	ev->lane = (enum lane)sqlite3_column_int(st, 10);
	ev->kind = (enum event_kind)sqlite3_column_int(st, 11);
	column_field(st, 12, ev->guid, sizeof(ev->guid));
	int64_t *nums[] = {&ev->push_id, &ev->task_id, &ev->task_type,
			   &ev->count, &ev->failed, &ev->return_code,
			   &ev->http_status, &ev->stamp_us};
	for (int i = 0; i < (int)(sizeof(nums) / sizeof(nums[0])); i++)
		*nums[i] = store_column_num(st, 13 + i);
	column_field(st, 21, ev->name, sizeof(ev->name));
	column_field(st, 22, ev->tenant, sizeof(ev->tenant));
	column_field(st, 23, ev->user, sizeof(ev->user));
	column_field(st, 24, ev->detail, sizeof(ev->detail));
}

struct event_rows {
	int (*each)(void *ctx, const struct stored_event *e);
	int (*each_flagged)(void *ctx, const struct stored_event *e,
			    unsigned flags);
	void *ctx;
	struct store *s;	/* join_row's, for a corrupt event's error */
	bool corrupt;
};

/* An event as the trace builder reads it (JOIN_COLUMNS): the line, path,
 * role, text, tenant, user and detail come back empty. -1 when its
 * packed fields do not decode. */
static int join_fill(sqlite3_stmt *st, struct stored_event *out)
{
	*out = (struct stored_event){
		.id = sqlite3_column_int64(st, 0),
		.file_id = sqlite3_column_int64(st, 1),
		.seq = (uint64_t)sqlite3_column_int64(st, 2),
		.utc_us = sqlite3_column_int64(st, 3),
		.host = store_column_str(st, 4),
		.path = "",
		.role = "",
		.text = "",
	};
	return eventpack_decode(sqlite3_column_blob(st, 5),
				(size_t)sqlite3_column_bytes(st, 5),
				&out->thread, &out->ev);
}

static int join_row(void *ctx, sqlite3_stmt *st)
{
	struct event_rows *r = ctx;
	struct stored_event e;
	if (join_fill(st, &e) < 0) {
		snprintf(r->s->err, sizeof(r->s->err), "%s: corrupt event %lld"
			 " (file %lld): its packed fields do not decode",
			 r->s->path, (long long)e.id, (long long)e.file_id);
		r->corrupt = true;
		return 1;
	}
	return r->each(r->ctx, &e);
}

/* The builder's read of st's rows: 0, or -1 (a failed step, a corrupt
 * event). */
static int join_rows(struct store *s, sqlite3_stmt *st,
		     int (*each)(void *ctx, const struct stored_event *e),
		     void *ctx)
{
	struct event_rows r = { .each = each, .ctx = ctx, .s = s };
	int rc = store_rows(s, st, join_row, &r);
	return r.corrupt ? -1 : rc;
}

static int event_row(void *ctx, sqlite3_stmt *st)
{
	struct event_rows *r = ctx;
	struct stored_event e;
	event_fill(st, &e);
	if (r->each_flagged)
		return r->each_flagged(r->ctx, &e,
				       (unsigned)sqlite3_column_int(st, 25));
	return r->each(r->ctx, &e);
}

int store_events(struct store *s,
		 int (*each)(void *ctx, const struct stored_event *e), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EVENTS);
	return st ? join_rows(s, st, each, ctx) : -1;
}

int store_trace_events(struct store *s, int64_t trace_id,
		       int (*each)(void *ctx, const struct stored_event *e,
				   unsigned flags),
		       void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACE_EVENTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, trace_id);
	struct event_rows r = { .each_flagged = each, .ctx = ctx };
	return store_rows(s, st, event_row, &r);
}

struct coverage_rows {
	int (*each)(void *ctx, const struct store_coverage *c);
	void *ctx;
};

static int coverage_row(void *ctx, sqlite3_stmt *st)
{
	struct coverage_rows *r = ctx;
	struct store_coverage c = {
		.file_id = sqlite3_column_int64(st, 0),
		.role = store_column_str(st, 1),
		.host = store_column_str(st, 2),
		.utc_min = sqlite3_column_int64(st, 3),
		.utc_max = sqlite3_column_int64(st, 4),
	};
	return r->each(r->ctx, &c);
}

int store_coverage(struct store *s,
		   int (*each)(void *ctx, const struct store_coverage *c),
		   void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_COVERAGE);
	struct coverage_rows r = { each, ctx };
	return st ? store_rows(s, st, coverage_row, &r) : -1;
}

/* ---- what an incremental trace update reads ---- */

static const char SQL_WATERMARK[] = "SELECT coalesce(max(id), 0) FROM events";
static const char SQL_SINCE[] =
	"SELECT count(*), min(utc) FROM events WHERE id > ?1";
static const char SQL_SINCE_GUIDS[] =
	"SELECT guid FROM events WHERE id > ?1 AND guid IS NOT NULL AND guid <> ''";
/* The subset's trace ids go through a temporary table (a connection's
 * own, never in the store file); CROSS JOIN keeps it the outer loop, else
 * the planner may scan every link to find the few it names. */
static const char SQL_SUBSET_TABLE[] =
	"CREATE TEMP TABLE IF NOT EXISTS subset_traces(id INTEGER PRIMARY KEY)";
static const char SQL_SUBSET_CLEAR[] = "DELETE FROM temp.subset_traces";
static const char SQL_SUBSET_ADD[] =
	"INSERT OR IGNORE INTO temp.subset_traces(id) VALUES(?1)";
static const char SQL_SUBSET_EVENTS[] =
	"SELECT " JOIN_COLUMNS EVENT_FROM " WHERE e.utc >= ?1"
	" UNION SELECT " JOIN_COLUMNS " FROM temp.subset_traces t"
	" CROSS JOIN trace_events te ON te.trace_id = t.id"
	" JOIN events e ON e.id = te.event_id"
	" JOIN files f ON f.id = e.file_id"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" ORDER BY 4, 2, 3, 1";

/* One host's logs, then their events by file (+utc: not by time). */
static const char SQL_EVENT_BEFORE[] =
	"SELECT 1 FROM hosts h CROSS JOIN files f CROSS JOIN events e"
	" WHERE h.name = ?1 AND f.host_id = h.id AND e.file_id = f.id"
	" AND e.kind = ?2 AND e.push_id = ?3 AND e.task_id = ?4 AND +e.utc < ?5"
	" LIMIT 1";

int store_event_before(struct store *s, const char *host, int kind,
		       int64_t push_id, int64_t task_id, int64_t utc)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EVENT_BEFORE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, push_id);
	sqlite3_bind_int64(st, 4, task_id);
	sqlite3_bind_int64(st, 5, utc);
	return store_row_exists(s, st);
}

/* Backwards through the time index from utc: the nearest such event. */
static const char SQL_EVENT_LATEST[] =
	"SELECT e.kind FROM events e JOIN files f ON f.id = e.file_id"
	" JOIN hosts h ON h.id = f.host_id"
	" WHERE e.utc < ?5 AND h.name = ?1 AND e.thread = ?2"
	" AND e.kind IN (?3, ?4)"
	" ORDER BY e.utc DESC, e.file_id DESC, e.seq DESC, e.id DESC LIMIT 1";

int store_event_latest(struct store *s, const char *host, int32_t thread,
		       int kind_a, int kind_b, int64_t utc)
{
	sqlite3_stmt *st = store_stmt(s, SQL_EVENT_LATEST);
	if (!st)
		return -2;
	sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, thread);
	sqlite3_bind_int(st, 3, kind_a);
	sqlite3_bind_int(st, 4, kind_b);
	sqlite3_bind_int64(st, 5, utc);
	int rc = sqlite3_step(st), kind = -1;
	if (rc == SQLITE_ROW)
		kind = sqlite3_column_int(st, 0);
	else if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? kind : rc == SQLITE_DONE ? -1 : -2;
}

static int64_t single_int(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int64_t store_events_watermark(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, SQL_WATERMARK);
	int64_t id = -1;
	if (!st || single_int(s, st, &id) < 0)
		return -1;
	return id;
}

struct guid_rows {
	int (*each)(void *ctx, const char *guid);
	void *ctx;
};

static int guid_row(void *ctx, sqlite3_stmt *st)
{
	struct guid_rows *r = ctx;
	return r->each(r->ctx, store_column_str(st, 0));
}

int store_events_since(struct store *s, int64_t above_id, int64_t *count,
		       int64_t *min_utc,
		       int (*guid)(void *ctx, const char *guid), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_SINCE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, above_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*min_utc = store_column_num(st, 1);
	} else {
		store_fail(s);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW || !(st = store_stmt(s, SQL_SINCE_GUIDS)))
		return -1;
	sqlite3_bind_int64(st, 1, above_id);
	struct guid_rows r = { guid, ctx };
	return store_rows(s, st, guid_row, &r);
}

int store_events_subset(struct store *s, int64_t utc, const int64_t *trace_ids,
			size_t n_ids,
			int (*each)(void *ctx, const struct stored_event *e),
			void *ctx)
{
	if (store_exec(s, SQL_SUBSET_TABLE) < 0 || store_exec(s, SQL_SUBSET_CLEAR) < 0)
		return -1;
	sqlite3_stmt *st = store_stmt(s, SQL_SUBSET_ADD);
	for (size_t i = 0; st && i < n_ids; i++) {
		sqlite3_bind_int64(st, 1, trace_ids[i]);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s);
	}
	if (!st || !(st = store_stmt(s, SQL_SUBSET_EVENTS)))
		return -1;
	sqlite3_bind_int64(st, 1, utc);
	int rc = join_rows(s, st, each, ctx);
	if (store_exec(s, SQL_SUBSET_CLEAR) < 0)
		rc = -1;
	return rc;
}

/* ---- the events of one record, and its trace (the record detail) ---- */

static const char SQL_RECORD_EVENTS[] =
	"SELECT " EVENT_COLUMNS EVENT_FROM
	" WHERE e.file_id = ?1 AND e.seq = ?2 ORDER BY e.id";
/* trace_events is keyed by trace: finding an event's trace reads it
 * whole, once per Enter, which costs less than an index every rebuild
 * would have to write. */
static const char SQL_RECORD_TRACE[] =
	"SELECT min(te.trace_id) FROM trace_events te WHERE te.event_id IN"
	" (SELECT id FROM events WHERE file_id = ?1 AND seq = ?2)";

int store_record_events(struct store *s, int64_t file_id, uint64_t seq,
			int (*each)(void *ctx, const struct stored_event *e),
			void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_RECORD_EVENTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	struct event_rows r = { .each = each, .ctx = ctx };
	return store_rows(s, st, event_row, &r);
}

int store_record_trace(struct store *s, int64_t file_id, uint64_t seq,
		       int64_t *trace_id)
{
	sqlite3_stmt *st = store_stmt(s, SQL_RECORD_TRACE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	int rc = sqlite3_step(st);
	*trace_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(s);
}
