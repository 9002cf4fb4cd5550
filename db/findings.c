/* findings.c - the findings tables: replaced whole after every trace
 * rebuild (src/findings.c decides what is wrong; this file only keeps it),
 * read back by kind, plus the two inputs only findings need: the few
 * events they read (through a partial index) with their records' biases,
 * and the files recorded as duplicates. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blockfmt.h"
#include "../lib/util.h"

static const char SQL_CLEAR_FINDINGS[] = "DELETE FROM findings";
static const char SQL_CLEAR_EVIDENCE[] = "DELETE FROM finding_evidence";
static const char SQL_CLEAR_FTRACES[] = "DELETE FROM finding_traces";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_FINDING_INSERT[] =
	"INSERT INTO findings(id, kind, severity, title, advice, first_utc,"
	" last_utc, count) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_EVIDENCE_INSERT[] =
	"INSERT INTO finding_evidence(finding_id, seq, host, file, line, utc)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
/* A trace named twice in one finding is kept once. */
static const char SQL_FTRACE_INSERT[] =
	"INSERT OR IGNORE INTO finding_traces(finding_id, trace_id)"
	" VALUES(?1, ?2)";

static const char SQL_FINDINGS[] =
	"SELECT id, kind, severity, title, advice, first_utc, last_utc, count"
	" FROM findings WHERE ?1 IS NULL OR kind = ?1 ORDER BY id";
static const char SQL_EVIDENCE[] =
	"SELECT host, file, line, utc FROM finding_evidence"
	" WHERE finding_id = ?1 ORDER BY seq";
static const char SQL_FTRACES[] =
	"SELECT trace_id FROM finding_traces WHERE finding_id = ?1"
	" ORDER BY trace_id";

/* The event kinds the partial index names by number. */
_Static_assert(LANE_SITE == 3 && EV_UNAUTHORIZED == 3 &&
	       EV_FIREWALL_BLOCKED == 9 && EV_NEXT_RUN == 15 &&
	       EV_ONLINE_CLIENTS == 16,
	       "events_findings (db/schema.c) and SQL_FINDING_EVENTS name these");

/* The WHERE must match the partial index events_findings (db/schema.c)
 * term for term, or SQLite scans every event. For next_run lines (kind
 * 15), whose promised time is local, the block holding the record comes
 * along so that its bias can be read from the packed entry. */
static const char SQL_FINDING_EVENTS[] =
	"SELECT e.id, e.file_id, e.seq, e.line, e.utc, e.thread, h.name,"
	" f.path, f.role, e.text, e.lane, e.kind, e.guid, e.push_id,"
	" e.task_id, e.task_type, e.count, e.failed, e.return_code,"
	" e.http_status, e.stamp, e.name, e.tenant, e.user, e.detail,"
	" CASE WHEN e.kind = 15 THEN (SELECT b.seq FROM blocks b"
	"  WHERE b.file_id = e.file_id AND b.seq <= e.seq"
	"  ORDER BY b.seq DESC LIMIT 1) END AS bseq,"
	" CASE WHEN e.kind = 15 THEN (SELECT b.meta FROM blocks b"
	"  WHERE b.file_id = e.file_id AND b.seq <= e.seq"
	"  ORDER BY b.seq DESC LIMIT 1) END AS bmeta"
	" FROM events e JOIN files f ON f.id = e.file_id"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" WHERE (lane = 3 OR kind IN (3, 9, 16))"
	" ORDER BY e.utc, e.file_id, e.seq";

/* Until files.duplicate_of exists (issue 6, section 2) this returns no
 * rows. When it does, change the one line marked below to
 *	" JOIN files d ON d.id = f.duplicate_of"
 * and the duplicate_evidence finding works. */
static const char SQL_DUPLICATES[] =
	"SELECT h.name, f.path, d.path FROM files f"
	" LEFT JOIN hosts h ON h.id = f.host_id"
	" JOIN files d ON d.id = f.duplicate_of"
	" ORDER BY f.id";

/* ---- writing ---- */

static void bind_num(sqlite3_stmt *st, int col, int64_t v)
{
	if (v == EVENT_NONE)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, v);
}

static int step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int finding_insert(struct store *s, int64_t id, const struct finding *f)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FINDING_INSERT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, f->kind);
	store_bind_text(st, 3, f->severity);
	store_bind_text(st, 4, f->title ? f->title : "");
	store_bind_text(st, 5, f->advice ? f->advice : "");
	bind_num(st, 6, f->first_utc);
	bind_num(st, 7, f->last_utc);
	sqlite3_bind_int64(st, 8, f->count);
	if (step_done(s, st) < 0)
		return -1;
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct finding_evidence *ev = &f->evidence[i];
		if (!(st = store_stmt(s, SQL_EVIDENCE_INSERT)))
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		store_bind_text(st, 3, ev->host);
		store_bind_text(st, 4, ev->file);
		if (ev->line > 0)
			sqlite3_bind_int64(st, 5, ev->line);
		bind_num(st, 6, ev->utc);
		if (step_done(s, st) < 0)
			return -1;
	}
	for (size_t i = 0; i < f->n_traces; i++) {
		if (!(st = store_stmt(s, SQL_FTRACE_INSERT)))
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, f->traces[i]);
		if (step_done(s, st) < 0)
			return -1;
	}
	return 0;
}

int store_findings_replace(struct store *s, const struct finding *f, size_t n)
{
	if (store_begin_write(s) < 0)
		return -1;
	s->writing = true;
	int rc = 0;
	if (store_exec(s, SQL_CLEAR_FINDINGS) < 0 ||
	    store_exec(s, SQL_CLEAR_EVIDENCE) < 0 ||
	    store_exec(s, SQL_CLEAR_FTRACES) < 0)
		rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = finding_insert(s, (int64_t)i + 1, &f[i]);
	if (rc == 0)
		rc = store_exec(s, SQL_COMMIT);
	if (rc < 0)
		store_rollback(s);
	s->writing = false;
	return rc;
}

/* ---- reading ---- */

/* One finding's own row, copied: its evidence and traces are read with
 * other statements after the findings query has finished. */
struct finding_copy {
	int64_t id;
	char *kind, *severity, *title, *advice;
	int64_t first_utc, last_utc, count;
};

struct finding_list {
	struct finding_copy *v;
	size_t n, cap;
};

static int finding_row(void *ctx, sqlite3_stmt *st)
{
	struct finding_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct finding_copy){
		.id = sqlite3_column_int64(st, 0),
		.kind = xstrdup(store_column_str(st, 1)),
		.severity = xstrdup(store_column_str(st, 2)),
		.title = xstrdup(store_column_str(st, 3)),
		.advice = xstrdup(store_column_str(st, 4)),
		.first_utc = store_column_num(st, 5),
		.last_utc = store_column_num(st, 6),
		.count = sqlite3_column_int64(st, 7),
	};
	return 0;
}

struct evidence_list {
	struct finding_evidence *v;
	char **strs;		/* host, file pairs, owned */
	size_t n, cap;
};

static int evidence_row(void *ctx, sqlite3_stmt *st)
{
	struct evidence_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		l->strs = xrealloc(l->strs, 2 * l->cap * sizeof(*l->strs));
	}
	l->strs[2 * l->n] = xstrdup(store_column_str(st, 0));
	l->strs[2 * l->n + 1] = xstrdup(store_column_str(st, 1));
	l->v[l->n] = (struct finding_evidence){
		.host = l->strs[2 * l->n],
		.file = l->strs[2 * l->n + 1],
		.line = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 :
			sqlite3_column_int64(st, 2),
		.utc = store_column_num(st, 3),
	};
	l->n++;
	return 0;
}

struct id_list {
	int64_t *v;
	size_t n, cap;
};

static int id_row(void *ctx, sqlite3_stmt *st)
{
	struct id_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = sqlite3_column_int64(st, 0);
	return 0;
}

static int finding_emit(struct store *s, const struct finding_copy *c,
			int (*each)(void *ctx, const struct finding *f),
			void *ctx, int *stop)
{
	struct evidence_list ev = { 0 };
	struct id_list ids = { 0 };
	sqlite3_stmt *st = store_stmt(s, SQL_EVIDENCE);
	int rc = -1;
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, c->id);
	if (store_rows(s, st, evidence_row, &ev) < 0 ||
	    !(st = store_stmt(s, SQL_FTRACES)))
		goto out;
	sqlite3_bind_int64(st, 1, c->id);
	if (store_rows(s, st, id_row, &ids) < 0)
		goto out;
	struct finding f = {
		.kind = c->kind, .severity = c->severity, .title = c->title,
		.advice = c->advice, .first_utc = c->first_utc,
		.last_utc = c->last_utc, .count = c->count,
		.evidence = ev.v, .n_evidence = ev.n,
		.traces = ids.v, .n_traces = ids.n,
	};
	*stop = each(ctx, &f);
	rc = 0;
out:
	for (size_t i = 0; i < 2 * ev.n; i++)
		free(ev.strs[i]);
	free(ev.strs);
	free(ev.v);
	free(ids.v);
	return rc;
}

int store_findings(struct store *s, const char *kind,
		   int (*each)(void *ctx, const struct finding *f), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FINDINGS);
	if (!st)
		return -1;
	store_bind_text(st, 1, kind);
	struct finding_list l = { 0 };
	int rc = store_rows(s, st, finding_row, &l);
	int stop = 0;
	for (size_t i = 0; i < l.n && rc == 0 && !stop; i++)
		rc = finding_emit(s, &l.v[i], each, ctx, &stop);
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].kind);
		free(l.v[i].severity);
		free(l.v[i].title);
		free(l.v[i].advice);
	}
	free(l.v);
	return rc;
}

/* ---- the events findings read ---- */

struct fevent_rows {
	int (*each)(void *ctx, const struct stored_event *e, int32_t bias_min);
	void *ctx;
};

static void copy_field(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
	snprintf(dst, cap, "%s", store_column_str(st, col));
}

/* The effective bias of the record the event was found in: the packed
 * entry at (seq - the block's first seq) of the block's meta; INT32_MIN
 * for events whose block was not asked for. */
static int32_t record_bias(sqlite3_stmt *st, uint64_t seq)
{
	if (sqlite3_column_type(st, 25) == SQLITE_NULL)
		return INT32_MIN;
	uint64_t first = (uint64_t)sqlite3_column_int64(st, 25);
	const unsigned char *meta = sqlite3_column_blob(st, 26);
	size_t len = (size_t)sqlite3_column_bytes(st, 26);
	uint64_t at = (seq - first) * BLOCKFMT_RECORD_BYTES;
	if (!meta || seq < first || at + BLOCKFMT_RECORD_BYTES > len)
		return INT32_MIN;
	struct block_entry e;
	blockfmt_unpack(meta + at, &e);
	if (e.bias_min == BLOCKFMT_NO_BIAS || !(e.flags & BLOCKFMT_DATED))
		return INT32_MIN;
	return e.bias_min;
}

static int fevent_row(void *ctx, sqlite3_stmt *st)
{
	struct fevent_rows *r = ctx;
	struct stored_event e = {
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
		.text = store_column_str(st, 9),
	};
	e.text_len = (size_t)sqlite3_column_bytes(st, 9);
	struct event *ev = &e.ev;
	ev->lane = (enum lane)sqlite3_column_int(st, 10);
	ev->kind = (enum event_kind)sqlite3_column_int(st, 11);
	copy_field(st, 12, ev->guid, sizeof(ev->guid));
	int64_t *nums[] = {&ev->push_id, &ev->task_id, &ev->task_type,
			   &ev->count, &ev->failed, &ev->return_code,
			   &ev->http_status, &ev->stamp_us};
	for (int i = 0; i < (int)(sizeof(nums) / sizeof(nums[0])); i++)
		*nums[i] = store_column_num(st, 13 + i);
	copy_field(st, 21, ev->name, sizeof(ev->name));
	copy_field(st, 22, ev->tenant, sizeof(ev->tenant));
	copy_field(st, 23, ev->user, sizeof(ev->user));
	copy_field(st, 24, ev->detail, sizeof(ev->detail));
	return r->each(r->ctx, &e, record_bias(st, e.seq));
}

int store_finding_events(struct store *s,
			 int (*each)(void *ctx, const struct stored_event *e,
				     int32_t bias_min),
			 void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FINDING_EVENTS);
	struct fevent_rows r = { each, ctx };
	return st ? store_rows(s, st, fevent_row, &r) : -1;
}

/* ---- duplicates ---- */

struct dup_rows {
	int (*each)(void *ctx, const struct store_duplicate *d);
	void *ctx;
};

static int dup_row(void *ctx, sqlite3_stmt *st)
{
	struct dup_rows *r = ctx;
	struct store_duplicate d = {
		.host = store_column_str(st, 0),
		.path = store_column_str(st, 1),
		.original = store_column_str(st, 2),
	};
	return r->each(r->ctx, &d);
}

int store_duplicate_files(struct store *s,
			  int (*each)(void *ctx, const struct store_duplicate *d),
			  void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_DUPLICATES);
	struct dup_rows r = { each, ctx };
	return st ? store_rows(s, st, dup_row, &r) : -1;
}
