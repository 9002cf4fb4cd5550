/* findings.c - the findings tables: brought up to date after every trace
 * update (src/findings.c decides what is wrong; this file only keeps it)
 * by writing only the rows that differ from what is stored, read back by
 * kind, plus the inputs only findings need: the few events they read
 * (through a partial index) with their records' biases, the files
 * recorded as duplicates, and what tells an update what has changed (the
 * files' state, new events, the stamp of the last update). */
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

/* Writing only what differs (store_findings_sync). */
static const char SQL_FINDING_UPDATE[] =
	"UPDATE findings SET kind = ?2, severity = ?3, title = ?4, advice = ?5,"
	" first_utc = ?6, last_utc = ?7, count = ?8 WHERE id = ?1";
static const char SQL_FINDING_DELETE[] = "DELETE FROM findings WHERE id = ?1";
static const char SQL_EVIDENCE_DELETE[] =
	"DELETE FROM finding_evidence WHERE finding_id = ?1";
static const char SQL_FTRACES_DELETE[] =
	"DELETE FROM finding_traces WHERE finding_id = ?1";
static const char SQL_FTRACE_DELETE[] =
	"DELETE FROM finding_traces WHERE finding_id = ?1 AND trace_id = ?2";
static const char SQL_FINDING_IDS[] =
	"SELECT count(*), coalesce(max(id), 0) FROM findings";
static const char SQL_STAMP_SET[] =
	"INSERT OR REPLACE INTO meta(key, value) VALUES('findings_stamp', ?1)";
static const char SQL_STAMP_GET[] =
	"SELECT value FROM meta WHERE key = 'findings_stamp'";

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
	       "events_for_findings (db/schema.c) and SQL_FINDING_EVENTS name these");

/* The WHERE must match the partial index events_for_findings (db/schema.c)
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
	" WHERE (lane = 3 OR kind = 3 OR kind = 9 OR kind = 16)"
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

static int evidence_insert(struct store *s, int64_t id, const struct finding *f)
{
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct finding_evidence *ev = &f->evidence[i];
		sqlite3_stmt *st = store_stmt(s, SQL_EVIDENCE_INSERT);
		if (!st)
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
	return 0;
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
	if (step_done(s, st) < 0 || evidence_insert(s, id, f) < 0)
		return -1;
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

static int exec_id(struct store *s, const char *sql, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st);
}

static int finding_delete(struct store *s, int64_t id)
{
	if (exec_id(s, SQL_FINDING_DELETE, id) < 0 ||
	    exec_id(s, SQL_EVIDENCE_DELETE, id) < 0)
		return -1;
	return exec_id(s, SQL_FTRACES_DELETE, id);
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool same_header(const struct finding *a, const struct finding *b)
{
	return same_str(a->kind, b->kind) && same_str(a->severity, b->severity) &&
	       same_str(a->title, b->title) && same_str(a->advice, b->advice) &&
	       a->first_utc == b->first_utc && a->last_utc == b->last_utc &&
	       a->count == b->count;
}

/* Evidence as stored: a line of 0 reads back as 0, a time of 0 as none. */
static bool same_evidence(const struct finding *a, const struct finding *b)
{
	if (a->n_evidence != b->n_evidence)
		return false;
	for (size_t i = 0; i < a->n_evidence; i++) {
		const struct finding_evidence *x = &a->evidence[i], *y = &b->evidence[i];
		if (!same_str(x->host, y->host) || !same_str(x->file, y->file) ||
		    (x->line > 0 ? x->line : 0) != (y->line > 0 ? y->line : 0) ||
		    x->utc != y->utc)
			return false;
	}
	return true;
}

static int cmp_id(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return (*x > *y) - (*x < *y);
}

/* A finding's trace ids sorted, each once (as finding_traces keeps them). */
static size_t sorted_ids(const struct finding *f, int64_t **out)
{
	int64_t *v = xmalloc((f->n_traces + 1) * sizeof(*v));
	if (f->n_traces)
		memcpy(v, f->traces, f->n_traces * sizeof(*v));
	bool sorted = true;	/* as read back, and as findings.c builds them */
	for (size_t i = 1; i < f->n_traces && sorted; i++)
		sorted = v[i - 1] <= v[i];
	if (!sorted)
		qsort(v, f->n_traces, sizeof(*v), cmp_id);
	size_t n = 0;
	for (size_t i = 0; i < f->n_traces; i++)
		if (!n || v[n - 1] != v[i])
			v[n++] = v[i];
	*out = v;
	return n;
}

static int ftrace_put(struct store *s, const char *sql, int64_t id, int64_t trace)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, trace);
	return step_done(s, st);
}

/* Bring finding id's traces from was to now: delete and insert only the
 * ids that differ (a stage finding of thousands of traces gains one). */
static int traces_sync(struct store *s, int64_t id, const struct finding *was,
		       const struct finding *now)
{
	int64_t *a, *b;
	size_t na = sorted_ids(was, &a), nb = sorted_ids(now, &b), i = 0, j = 0;
	int rc = 0;
	while (rc == 0 && (i < na || j < nb)) {
		if (j == nb || (i < na && a[i] < b[j]))
			rc = ftrace_put(s, SQL_FTRACE_DELETE, id, a[i++]);
		else if (i == na || b[j] < a[i])
			rc = ftrace_put(s, SQL_FTRACE_INSERT, id, b[j++]);
		else
			i++, j++;
	}
	free(a);
	free(b);
	return rc;
}

/* Rewrite stored finding id (which was) as now, touching only what differs. */
static int finding_sync(struct store *s, int64_t id, const struct finding *was,
			const struct finding *now)
{
	if (!same_header(was, now)) {
		sqlite3_stmt *st = store_stmt(s, SQL_FINDING_UPDATE);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		store_bind_text(st, 2, now->kind);
		store_bind_text(st, 3, now->severity);
		store_bind_text(st, 4, now->title ? now->title : "");
		store_bind_text(st, 5, now->advice ? now->advice : "");
		bind_num(st, 6, now->first_utc);
		bind_num(st, 7, now->last_utc);
		sqlite3_bind_int64(st, 8, now->count);
		if (step_done(s, st) < 0)
			return -1;
	}
	if (!same_evidence(was, now) &&
	    (exec_id(s, SQL_EVIDENCE_DELETE, id) < 0 || evidence_insert(s, id, now) < 0))
		return -1;
	return traces_sync(s, id, was, now);
}

static int stamp_set(struct store *s, const char *stamp)
{
	sqlite3_stmt *st = store_stmt(s, SQL_STAMP_SET);
	if (!st)
		return -1;
	store_bind_text(st, 1, stamp);
	return step_done(s, st);
}

/* Whether the stored findings are numbered 1..n (n = SIZE_MAX: any n),
 * as was assumes: 1 yes, 0 no (a store written otherwise: then
 * everything is rewritten), -1 on an error. */
static int ids_dense(struct store *s, size_t n)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FINDING_IDS);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int64_t count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	bool dense = rc == SQLITE_ROW && sqlite3_column_int64(st, 1) == count &&
		     (n == SIZE_MAX || count == (int64_t)n);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? dense : store_fail(s);
}

int store_findings_numbered(struct store *s)
{
	return ids_dense(s, SIZE_MAX);
}

int store_findings_sync(struct store *s, const struct finding *was, size_t n_was,
			const struct finding *now, size_t n_now, const char *stamp)
{
	if (store_begin_write(s) < 0)
		return -1;
	s->writing = true;
	int dense = ids_dense(s, n_was), rc = dense < 0 ? -1 : 0;
	if (dense == 0) {	/* start from nothing */
		n_was = 0;
		if (store_exec(s, SQL_CLEAR_FINDINGS) < 0 ||
		    store_exec(s, SQL_CLEAR_EVIDENCE) < 0 ||
		    store_exec(s, SQL_CLEAR_FTRACES) < 0)
			rc = -1;
	}
	for (size_t i = 0; i < n_now && rc == 0; i++)
		rc = i < n_was ? finding_sync(s, (int64_t)i + 1, &was[i], &now[i])
			       : finding_insert(s, (int64_t)i + 1, &now[i]);
	for (size_t i = n_now; i < n_was && rc == 0; i++)
		rc = finding_delete(s, (int64_t)i + 1);
	if (rc == 0 && stamp)
		rc = stamp_set(s, stamp);
	if (rc == 0)
		rc = store_exec(s, SQL_COMMIT);
	if (rc < 0)
		store_rollback(s);
	s->writing = false;
	return rc;
}

int store_findings_stamp(struct store *s, char *out, size_t cap)
{
	sqlite3_stmt *st = store_stmt(s, SQL_STAMP_GET);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	out[0] = '\0';
	if (rc == SQLITE_ROW)
		snprintf(out, cap, "%s", store_column_str(st, 0));
	else if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
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

/* ---- what an update compares ---- */

/* Everything findings read of a file (its coverage row, its host's time
 * zone settings, whether it duplicates another): a change to any of it
 * changes the digest. */
static const char SQL_FILE_STATES[] =
	"SELECT f.id, f.role = 'upload', f.duplicate_of, f.role, f.path,"
	" f.log_name, f.name, f.rotation, f.host_id, f.size, f.records,"
	" f.partial, f.n_error, f.utc_min, f.utc_max, f.n_explicit, f.n_host,"
	" f.n_override, f.n_assumed, f.n_psadt, f.n_joined, h.name,"
	" h.tz_override, h.tz_joined"
	" FROM files f LEFT JOIN hosts h ON h.id = f.host_id ORDER BY f.id";

/* A range of the partial index events_for_findings (spelled as its WHERE
 * is, so that the planner takes it: see db/schema.c). */
static const char SQL_FINDING_EVENT_BETWEEN[] =
	"SELECT 1 FROM events WHERE (lane = 3 OR kind = 3 OR kind = 9 OR kind = 16)"
	" AND utc >= ?2 AND utc < ?3 AND kind = ?1 LIMIT 1";

static const char SQL_FINDING_EVENTS_AFTER[] =
	"SELECT 1 FROM events WHERE id > ?1"
	" AND (lane = 3 OR kind = 3 OR kind = 9 OR kind = 16) LIMIT 1";

struct state_rows {
	int (*each)(void *ctx, const struct store_file_state *f);
	void *ctx;
};

static int state_row(void *ctx, sqlite3_stmt *st)
{
	struct state_rows *r = ctx;
	struct hasher h;
	hasher_init(&h);
	for (int col = 3; col < sqlite3_column_count(st); col++) {
		if (sqlite3_column_type(st, col) == SQLITE_TEXT) {
			const char *t = store_column_str(st, col);
			hasher_update(&h, t, strlen(t) + 1);
		} else {
			int64_t v = store_column_num(st, col);
			hasher_update(&h, &v, sizeof(v));
		}
	}
	struct store_file_state f = {
		.file_id = sqlite3_column_int64(st, 0),
		.upload = sqlite3_column_int(st, 1) != 0,
		.duplicate_of = store_column_num(st, 2),
		.digest = hasher_final(&h),
	};
	return r->each(r->ctx, &f);
}

int store_file_states(struct store *s,
		      int (*each)(void *ctx, const struct store_file_state *f),
		      void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FILE_STATES);
	struct state_rows r = { each, ctx };
	return st ? store_rows(s, st, state_row, &r) : -1;
}

int store_finding_events_after(struct store *s, int64_t watermark)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FINDING_EVENTS_AFTER);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, watermark);
	return store_row_exists(s, st);
}

int store_finding_event_between(struct store *s, int kind, int64_t from,
				int64_t to)
{
	sqlite3_stmt *st = store_stmt(s, SQL_FINDING_EVENT_BETWEEN);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	return store_row_exists(s, st);
}
