/* traces.c - the traces table: rebuilt whole in one transaction after an
 * ingest (clear, add each trace with its event links, commit), or updated
 * in place (remove the traces an append touched, add them back), and
 * queried by id, guid, status, action, host and time. */
#include "store_internal.h"

#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/util.h"

struct trace_writer {
	struct store *s;
	bool update;		/* no clear, indexes kept */
	sqlite3_stmt *trace_insert;	/* from the cache, kept for the loop */
	sqlite3_stmt *link_insert;
	sqlite3_stmt *target_insert;
	bool failed;
	/* update: what findings read of each removed trace, to tell whether
	 * the update changed any of it (store_traces_unchanged), and of each
	 * trace added otherwise than it was (store_traces_changes) */
	struct removed_trace *removed;
	size_t n_removed, cap_removed;
	bool removed_sorted;
	bool moved;		/* a trace added or written back changed */
	struct trace_verdict *added;
	size_t n_added, cap_added;
	struct link *links;	/* the trace being added's, by event id */
	size_t cap_links;
};

/* One row of trace_events. A trace lists an event once (its flags ORed),
 * sorted, before it is written: no conflict clause is then needed, and
 * with none SQLite writes no statement journal (an upsert or a multi-row
 * INSERT that can abort copies every 64 KiB page it touches into one,
 * which was 5.7 GB of temp-file writes at 10M records). */
struct link {
	int64_t event_id;
	uint8_t flags;
};

struct removed_trace {
	int64_t id;
	uint64_t digest;
	bool back;		/* added again, the same */
	struct trace_verdict was;
};

/* What findings read of a trace (db/findings.c, src/findings.c). */
static const char SQL_VERDICT_OF[] =
	"SELECT status, first_utc, last_utc, hop_forward_to_push,"
	" hop_push_to_receive, hop_receive_to_response, unmatched, missing,"
	" skew, clients FROM traces WHERE id = ?1";
static const char SQL_LINKS_OF[] =
	"SELECT event_id, flags FROM trace_events WHERE trace_id = ?1";

static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_CLEAR_LINKS[] = "DELETE FROM trace_events";
static const char SQL_CLEAR_TRACES[] = "DELETE FROM traces";
static const char SQL_CLEAR_TARGETS[] = "DELETE FROM trace_targets";
static const char SQL_CLEAR_LEARNED[] =
	"DELETE FROM meta WHERE key GLOB 'learned:*'";
static const char SQL_LEARNED_PUT[] =
	"INSERT OR REPLACE INTO meta(key, value) VALUES('learned:' || ?1, ?2)";
static const char SQL_LEARNED[] =
	"SELECT CAST(substr(key, 9) AS INTEGER), value FROM meta"
	" WHERE key GLOB 'learned:*'";
static const char SQL_REMOVE_LINKS[] = "DELETE FROM trace_events WHERE trace_id = ?1";
static const char SQL_REMOVE_TRACE[] = "DELETE FROM traces WHERE id = ?1";
static const char SQL_REMOVE_TARGETS[] =
	"DELETE FROM trace_targets WHERE trace_id = ?1";
static const char SQL_TRACE_INSERT[] =
	"INSERT INTO traces(id, guid, status, action, task_type, first_utc,"
	" last_utc, clients, hosts, hop_forward_to_push, hop_push_to_receive,"
	" hop_receive_to_response, skew, lanes_connector, lanes_server,"
	" lanes_agent, missing, push_id, task_id, target_count, unmatched,"
	" summary, bts_reported, bts_failed, next_step, candidates) VALUES(?1,"
	" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	" ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)";
static const char SQL_TARGET_INSERT[] =
	"INSERT INTO trace_targets(trace_id, host, status, inferred,"
	" received_utc, response_utc, return_code)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/* OR FAIL, not the default ABORT: a failure rolls the whole rebuild
 * back anyway, and ABORT makes a multi-row statement keep a statement
 * journal (see struct link). */
static const char SQL_LINK_INSERT[] =
	"INSERT OR FAIL INTO trace_events(trace_id, event_id, flags)"
	" VALUES(?1, ?2, ?3)";
/* A trace's links go LINKS_PER_INSERT to a statement (the rest one by
 * one): a statement's fixed work cost more than its 3-column row. */
#define LINKS_PER_INSERT 8
#define LINK_ROWS4 "(?,?,?),(?,?,?),(?,?,?),(?,?,?)"
static const char SQL_LINK_INSERT_MANY[] =
	"INSERT OR FAIL INTO trace_events(trace_id, event_id, flags) VALUES"
	LINK_ROWS4 "," LINK_ROWS4;

/* TRACE_SELECT, STATUS_IN and TRACE_WHERE (store_internal.h) are shared
 * with the pages of db/pages.c. Each query below leads with the one term
 * that an index serves; the rest filter its rows. */
#define TRACE_FILTERS TRACE_WHERE " ORDER BY first_utc, id"

static const char SQL_TRACES_BY_ID[] =
	TRACE_SELECT " WHERE id = ?1 AND" TRACE_FILTERS;
static const char SQL_TRACES_BY_GUID[] =
	TRACE_SELECT " WHERE guid = ?2 COLLATE NOCASE AND" TRACE_FILTERS;
static const char SQL_TRACES_BY_STATUS[] =
	TRACE_SELECT " WHERE" STATUS_IN " AND" TRACE_FILTERS;
static const char SQL_TRACES_ALL[] = TRACE_SELECT " WHERE" TRACE_FILTERS;

/* ---- writing ---- */

/* Run DDL (several statements, not worth caching). 0 or -1 (recorded). */
static int traces_ddl(struct store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s);
	return 0;
}

struct trace_writer *store_traces_begin(struct store *s)
{
	if (store_begin_write(s) < 0)
		return NULL;
	struct trace_writer *tw = xcalloc(1, sizeof(*tw));
	tw->s = s;
	s->writing = true;
	if (store_exec(s, SQL_CLEAR_LINKS) < 0 ||
	    store_exec(s, SQL_CLEAR_TRACES) < 0 ||
	    store_exec(s, SQL_CLEAR_TARGETS) < 0 ||
	    store_exec(s, SQL_CLEAR_LEARNED) < 0 ||
	    traces_ddl(s, schema_trace_indexes_drop) < 0 ||
	    !(tw->trace_insert = store_stmt(s, SQL_TRACE_INSERT)) ||
	    !(tw->link_insert = store_stmt(s, SQL_LINK_INSERT)) ||
	    !(tw->target_insert = store_stmt(s, SQL_TARGET_INSERT))) {
		store_traces_abort(tw);
		return NULL;
	}
	return tw;
}

static int trace_step(struct store *s, sqlite3_stmt *st);

struct trace_writer *store_traces_begin_update(struct store *s)
{
	if (store_begin_write(s) < 0)
		return NULL;
	struct trace_writer *tw = xcalloc(1, sizeof(*tw));
	tw->s = s;
	tw->update = true;
	s->writing = true;
	if (!(tw->trace_insert = store_stmt(s, SQL_TRACE_INSERT)) ||
	    !(tw->link_insert = store_stmt(s, SQL_LINK_INSERT)) ||
	    !(tw->target_insert = store_stmt(s, SQL_TARGET_INSERT))) {
		store_traces_abort(tw);
		return NULL;
	}
	return tw;
}

/* The digest of a verdict and its links: the links in any order. */
static uint64_t verdict_digest(const char *status, const int64_t num[7],
			       const char *missing, const char *clients,
			       uint64_t links)
{
	struct hasher h;
	hasher_init(&h);
	const char *strs[3] = { status, missing, clients };
	for (int i = 0; i < 3; i++) {
		const char *t = strs[i] ? strs[i] : "";
		hasher_update(&h, t, strlen(t) + 1);
	}
	hasher_update(&h, num, 7 * sizeof(*num));
	hasher_update(&h, &links, sizeof(links));
	return hasher_final(&h);
}

static uint64_t link_hash(int64_t event_id, int64_t flags)
{
	int64_t v[2] = { event_id, flags };
	return hash_bytes(v, sizeof(v));
}

/* A copy of what findings read of a trace (store_traces_changes). */
static void verdict_keep(struct trace_verdict *v, const struct trace_row *t)
{
	*v = (struct trace_verdict){
		.id = t->id, .first_utc = t->first_utc, .last_utc = t->last_utc,
		.hops = { t->hop_forward_to_push, t->hop_push_to_receive,
			  t->hop_receive_to_response },
		.unmatched = t->unmatched, .skew = t->skew,
		.status = xstrdup(t->status ? t->status : ""),
		.missing = xstrdup(t->missing ? t->missing : ""),
		.clients = xstrdup(t->clients ? t->clients : ""),
	};
}

static void verdict_free(struct trace_verdict *v)
{
	free(v->status);
	free(v->missing);
	free(v->clients);
}

static void verdict_row_of(const struct trace_verdict *v, struct trace_row *t)
{
	*t = (struct trace_row){
		.id = v->id, .status = v->status, .first_utc = v->first_utc,
		.last_utc = v->last_utc, .hop_forward_to_push = v->hops[0],
		.hop_push_to_receive = v->hops[1],
		.hop_receive_to_response = v->hops[2], .unmatched = v->unmatched,
		.missing = v->missing, .skew = v->skew, .clients = v->clients,
	};
}

/* The stored trace id as findings read it (kept in *was); 0 and -1 as
 * usual. */
static int stored_digest(struct store *s, int64_t id, uint64_t *out,
			 struct trace_verdict *was)
{
	sqlite3_stmt *st = store_stmt(s, SQL_LINKS_OF);
	uint64_t links = 0;
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		links += link_hash(sqlite3_column_int64(st, 0),
				   sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !(st = store_stmt(s, SQL_VERDICT_OF)))
		return store_fail(s);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*out = 0;
	if (rc == SQLITE_ROW) {
		char *status = xstrdup(store_column_str(st, 0));
		char *missing = xstrdup(store_column_str(st, 7));
		int64_t num[7] = {
			sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			store_column_num(st, 3), store_column_num(st, 4),
			store_column_num(st, 5), sqlite3_column_int64(st, 6),
			sqlite3_column_int64(st, 8) != 0,
		};
		*out = verdict_digest(status, num, missing,
				      store_column_str(st, 9), links);
		struct trace_row t = {
			.id = id, .status = status, .first_utc = num[0],
			.last_utc = num[1], .hop_forward_to_push = num[2],
			.hop_push_to_receive = num[3],
			.hop_receive_to_response = num[4], .unmatched = num[5],
			.skew = num[6] != 0, .missing = missing,
			.clients = store_column_str(st, 9),
		};
		verdict_keep(was, &t);
		free(status);
		free(missing);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(s);
}

static int cmp_removed(const void *a, const void *b)
{
	const struct removed_trace *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* A trace added by an update: the same as the one it replaces? */
static void note_added(struct trace_writer *tw, const struct trace_row *t,
		       size_t n_links)
{
	uint64_t links = 0;
	for (size_t i = 0; i < n_links; i++)
		links += link_hash(tw->links[i].event_id, tw->links[i].flags);
	int64_t num[7] = {
		t->first_utc, t->last_utc, t->hop_forward_to_push,
		t->hop_push_to_receive, t->hop_receive_to_response, t->unmatched,
		t->skew,
	};
	uint64_t d = verdict_digest(t->status, num, t->missing, t->clients, links);
	if (!tw->removed_sorted && tw->n_removed > 1)
		qsort(tw->removed, tw->n_removed, sizeof(*tw->removed), cmp_removed);
	tw->removed_sorted = true;
	struct removed_trace key = { .id = t->id };
	struct removed_trace *r = tw->n_removed ?
		bsearch(&key, tw->removed, tw->n_removed, sizeof(key), cmp_removed) : NULL;
	if (r && !r->back && r->digest == d) {
		r->back = true;
		return;
	}
	tw->moved = true;
	if (tw->n_added == tw->cap_added) {
		tw->cap_added = tw->cap_added ? 2 * tw->cap_added : 16;
		tw->added = xrealloc(tw->added, tw->cap_added * sizeof(*tw->added));
	}
	verdict_keep(&tw->added[tw->n_added++], t);
}

int store_traces_remove(struct trace_writer *tw, int64_t id)
{
	if (tw->update && !tw->failed) {
		if (tw->n_removed == tw->cap_removed) {
			tw->cap_removed = tw->cap_removed ? 2 * tw->cap_removed : 64;
			tw->removed = xrealloc(tw->removed, tw->cap_removed *
					       sizeof(*tw->removed));
		}
		struct removed_trace *r = &tw->removed[tw->n_removed++];
		*r = (struct removed_trace){ .id = id, .was.id = -1 };
		tw->removed_sorted = false;
		if (stored_digest(tw->s, id, &r->digest, &r->was) < 0)
			tw->failed = true;
	}
	static const char *const sqls[] = {
		SQL_REMOVE_LINKS, SQL_REMOVE_TARGETS, SQL_REMOVE_TRACE,
	};
	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]) && !tw->failed; i++) {
		sqlite3_stmt *st = store_stmt(tw->s, sqls[i]);
		if (!st) {
			tw->failed = true;
			break;
		}
		sqlite3_bind_int64(st, 1, id);
		if (trace_step(tw->s, st) < 0)
			tw->failed = true;
	}
	return tw->failed ? -1 : 0;
}

int store_traces_learned_put(struct trace_writer *tw, int64_t task_type,
			     const char *name)
{
	sqlite3_stmt *st = tw->failed ? NULL : store_stmt(tw->s, SQL_LEARNED_PUT);
	if (!st) {
		tw->failed = true;
		return -1;
	}
	sqlite3_bind_int64(st, 1, task_type);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (trace_step(tw->s, st) < 0)
		tw->failed = true;
	return tw->failed ? -1 : 0;
}

struct learned_rows {
	int (*each)(void *ctx, int64_t task_type, const char *name);
	void *ctx;
};

static int learned_row(void *ctx, sqlite3_stmt *st)
{
	struct learned_rows *r = ctx;
	return r->each(r->ctx, sqlite3_column_int64(st, 0), store_column_str(st, 1));
}

int store_traces_learned(struct store *s,
			 int (*each)(void *ctx, int64_t task_type, const char *name),
			 void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_LEARNED);
	struct learned_rows r = { each, ctx };
	return st ? store_rows(s, st, learned_row, &r) : -1;
}

/* A number that may be absent (EVENT_NONE): NULL then. */
static void bind_num(sqlite3_stmt *st, int col, int64_t v)
{
	if (v == EVENT_NONE)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, v);
}

/* The caller's strings live until the step below: no copy. */
static void bind_str(sqlite3_stmt *st, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

/* Step an insert and reset it; 0 or -1 (recorded). */
static int trace_step(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_link(const void *a, const void *b)
{
	const struct link *x = a, *y = b;
	return (x->event_id > y->event_id) - (x->event_id < y->event_id);
}

/* A trace's links into tw->links: sorted by event id, an event listed
 * twice once with both flags (a merged trace may list one twice). The
 * builder lists them in time order, so they are mostly sorted already. */
static size_t links_gather(struct trace_writer *tw, const int64_t *event_ids,
			   const uint8_t *event_flags, size_t n_events)
{
	if (n_events > tw->cap_links) {
		tw->cap_links = n_events;
		free(tw->links);
		tw->links = xmalloc(n_events * sizeof(*tw->links));
	}
	bool sorted = true;
	for (size_t i = 0; i < n_events; i++) {
		tw->links[i] = (struct link){ event_ids[i],
					      event_flags ? event_flags[i] : 0 };
		if (i && event_ids[i] <= event_ids[i - 1])
			sorted = false;
	}
	if (sorted)
		return n_events;
	qsort(tw->links, n_events, sizeof(*tw->links), cmp_link);
	size_t n = 0;
	for (size_t i = 0; i < n_events; i++) {
		if (n && tw->links[n - 1].event_id == tw->links[i].event_id)
			tw->links[n - 1].flags |= tw->links[i].flags;
		else
			tw->links[n++] = tw->links[i];
	}
	return n;
}

int store_traces_add(struct trace_writer *tw, const struct trace_row *t,
		     const int64_t *event_ids, const uint8_t *event_flags,
		     size_t n_events)
{
	if (tw->failed)
		return -1;
	size_t n_links = links_gather(tw, event_ids, event_flags, n_events);
	if (tw->update)
		note_added(tw, t, n_links);
	sqlite3_stmt *st = tw->trace_insert;
	sqlite3_bind_int64(st, 1, t->id);
	bind_str(st, 2, t->guid);
	bind_str(st, 3, t->status ? t->status : "");
	bind_str(st, 4, t->action);
	bind_num(st, 5, t->task_type);
	sqlite3_bind_int64(st, 6, t->first_utc);
	sqlite3_bind_int64(st, 7, t->last_utc);
	bind_str(st, 8, t->clients);
	bind_str(st, 9, t->hosts);
	bind_num(st, 10, t->hop_forward_to_push);
	bind_num(st, 11, t->hop_push_to_receive);
	bind_num(st, 12, t->hop_receive_to_response);
	sqlite3_bind_int(st, 13, t->skew);
	for (int i = 0; i < 3; i++)
		sqlite3_bind_int64(st, 14 + i, t->lanes[i]);
	bind_str(st, 17, t->missing);
	bind_num(st, 18, t->push_id);
	bind_num(st, 19, t->task_id);
	bind_num(st, 20, t->target_count);
	sqlite3_bind_int64(st, 21, t->unmatched);
	bind_str(st, 22, t->summary);
	bind_num(st, 23, t->bts_reported);
	bind_num(st, 24, t->bts_failed);
	bind_str(st, 25, t->next_step);
	sqlite3_bind_int64(st, 26, t->candidates);
	if (trace_step(tw->s, st) < 0)
		goto fail;
	st = tw->target_insert;
	sqlite3_bind_int64(st, 1, t->id);
	for (size_t i = 0; i < t->n_targets; i++) {
		const struct trace_target *g = &t->targets[i];
		bind_str(st, 2, g->host);
		bind_str(st, 3, g->status);
		sqlite3_bind_int(st, 4, g->inferred);
		bind_num(st, 5, g->received_utc);
		bind_num(st, 6, g->response_utc);
		bind_num(st, 7, g->return_code);
		if (trace_step(tw->s, st) < 0)
			goto fail;
	}
	const struct link *l = tw->links;
	size_t i = 0;
	for (; i + LINKS_PER_INSERT <= n_links; i += LINKS_PER_INSERT) {
		if (!(st = store_stmt(tw->s, SQL_LINK_INSERT_MANY)))
			goto fail;
		for (int k = 0; k < LINKS_PER_INSERT; k++) {
			sqlite3_bind_int64(st, 3 * k + 1, t->id);
			sqlite3_bind_int64(st, 3 * k + 2, l[i + k].event_id);
			sqlite3_bind_int(st, 3 * k + 3, l[i + k].flags);
		}
		if (trace_step(tw->s, st) < 0)
			goto fail;
	}
	st = tw->link_insert;
	sqlite3_bind_int64(st, 1, t->id);
	for (; i < n_links; i++) {
		sqlite3_bind_int64(st, 2, l[i].event_id);
		sqlite3_bind_int(st, 3, l[i].flags);
		if (trace_step(tw->s, st) < 0)
			goto fail;
	}
	return 0;
fail:
	tw->failed = true;
	return -1;
}

static void trace_writer_free(struct trace_writer *tw)
{
	/* Drop the bindings to the caller's strings. */
	if (tw->trace_insert)
		sqlite3_clear_bindings(tw->trace_insert);
	if (tw->target_insert)
		sqlite3_clear_bindings(tw->target_insert);
	tw->s->writing = false;
	for (size_t i = 0; i < tw->n_removed; i++)
		verdict_free(&tw->removed[i].was);
	free(tw->removed);
	for (size_t i = 0; i < tw->n_added; i++)
		verdict_free(&tw->added[i]);
	free(tw->added);
	free(tw->links);
	free(tw);
}

void store_trace_changes_clear(struct store *s)
{
	for (size_t i = 0; i < s->n_changes; i++) {
		verdict_free(&s->changes[i].was);
		verdict_free(&s->changes[i].now);
	}
	free(s->changes);
	s->changes = NULL;
	s->n_changes = 0;
	s->changes_known = false;
}

static int cmp_verdict(const void *a, const void *b)
{
	const struct trace_verdict *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The committed update's changes, by id: removed traces not written back
 * the same, merged with the traces added otherwise than they were. The
 * writer's copies move to the store (id -1: none). */
static void changes_keep(struct trace_writer *tw)
{
	struct store *s = tw->s;
	if (tw->n_added > 1)
		qsort(tw->added, tw->n_added, sizeof(*tw->added), cmp_verdict);
	s->changes = xcalloc(tw->n_removed + tw->n_added + 1, sizeof(*s->changes));
	size_t i = 0, j = 0, n = 0;
	while (i < tw->n_removed || j < tw->n_added) {
		struct removed_trace *r = i < tw->n_removed ? &tw->removed[i] : NULL;
		if (r && r->back) {
			i++;
			continue;
		}
		struct trace_verdict *a = j < tw->n_added ? &tw->added[j] : NULL;
		struct trace_change *c = &s->changes[n++];
		c->was.id = c->now.id = -1;
		if (r && (!a || r->id <= a->id)) {
			c->was = r->was;
			r->was = (struct trace_verdict){ .id = -1 };
			i++;
		}
		if (a && (!r || a->id <= r->id)) {
			c->now = *a;
			*a = (struct trace_verdict){ .id = -1 };
			j++;
		}
	}
	s->n_changes = n;
	s->changes_known = true;
}

bool store_traces_unchanged(struct store *s)
{
	return s->traces_same;
}

int store_traces_changes(struct store *s,
			 int (*each)(void *ctx, const struct trace_row *was,
				     const struct trace_row *now),
			 void *ctx)
{
	if (!s->changes_known)
		return 1;
	for (size_t i = 0; i < s->n_changes; i++) {
		const struct trace_change *c = &s->changes[i];
		struct trace_row was, now;
		verdict_row_of(&c->was, &was);
		verdict_row_of(&c->now, &now);
		if (each(ctx, c->was.id >= 0 ? &was : NULL,
			 c->now.id >= 0 ? &now : NULL))
			break;
	}
	return 0;
}

static const char SQL_TRACES_FRESH[] =
	"DELETE FROM meta WHERE key = 'traces_stale'";

int store_traces_commit(struct trace_writer *tw)
{
	struct store *s = tw->s;
	if (tw->failed ||
	    (!tw->update && traces_ddl(s, schema_trace_indexes) < 0) ||
	    store_exec(s, SQL_TRACES_FRESH) < 0 ||
	    store_exec(s, SQL_COMMIT) < 0) {
		store_traces_abort(tw);
		return -1;
	}
	bool same = tw->update && !tw->moved;
	for (size_t i = 0; i < tw->n_removed && same; i++)
		same = tw->removed[i].back;
	s->traces_same = same;
	store_trace_changes_clear(s);
	if (tw->update && !tw->failed) {
		if (!tw->removed_sorted && tw->n_removed > 1)
			qsort(tw->removed, tw->n_removed, sizeof(*tw->removed),
			      cmp_removed);
		changes_keep(tw);
	}
	trace_writer_free(tw);
	return 0;
}

/* Dirty pages are never evicted before a spill, which comes only when no
 * clean page is left: between batches they would squeeze out the pages a
 * streamed rebuild reads its events from. BUSY: some stayed; harmless. */
int store_traces_flush(struct trace_writer *tw)
{
	if (tw->failed)
		return -1;
	int rc = sqlite3_db_cacheflush(tw->s->db);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		store_fail(tw->s);
		tw->failed = true;
		return -1;
	}
	return 0;
}

void store_traces_abort(struct trace_writer *tw)
{
	tw->s->traces_same = false;
	store_trace_changes_clear(tw->s);
	store_rollback(tw->s);
	trace_writer_free(tw);
}

/* ---- reading ---- */

void store_trace_fill(sqlite3_stmt *st, struct trace_row *t)
{
	*t = (struct trace_row){
		.id = sqlite3_column_int64(st, 0),
		.guid = (const char *)sqlite3_column_text(st, 1),
		.status = store_column_str(st, 2),
		.action = store_column_str(st, 3),
		.task_type = store_column_num(st, 4),
		.first_utc = sqlite3_column_int64(st, 5),
		.last_utc = sqlite3_column_int64(st, 6),
		.clients = store_column_str(st, 7),
		.hosts = store_column_str(st, 8),
		.hop_forward_to_push = store_column_num(st, 9),
		.hop_push_to_receive = store_column_num(st, 10),
		.hop_receive_to_response = store_column_num(st, 11),
		.skew = sqlite3_column_int(st, 12) != 0,
		.lanes = {sqlite3_column_int64(st, 13),
			  sqlite3_column_int64(st, 14),
			  sqlite3_column_int64(st, 15)},
		.missing = store_column_str(st, 16),
		.push_id = store_column_num(st, 17),
		.task_id = store_column_num(st, 18),
		.target_count = store_column_num(st, 19),
		.unmatched = sqlite3_column_int64(st, 20),
		.summary = store_column_str(st, 21),
		.bts_reported = store_column_num(st, 22),
		.bts_failed = store_column_num(st, 23),
		.next_step = store_column_str(st, 24),
		.candidates = sqlite3_column_int64(st, 25),
	};
}

struct trace_rows {
	int (*each)(void *ctx, const struct trace_row *t);
	void *ctx;
};

static int trace_row_out(void *ctx, sqlite3_stmt *st)
{
	struct trace_rows *r = ctx;
	struct trace_row t;
	store_trace_fill(st, &t);
	return r->each(r->ctx, &t);
}

/* The query whose leading term is the most selective filter given. */
static const char *traces_sql(const struct trace_query *q)
{
	if (q->id)
		return SQL_TRACES_BY_ID;
	if (q->guid)
		return SQL_TRACES_BY_GUID;
	if (q->statuses)
		return SQL_TRACES_BY_STATUS;
	return SQL_TRACES_ALL;
}

void store_trace_bind(sqlite3_stmt *st, const struct trace_query *q)
{
	sqlite3_bind_int64(st, 1, q->id);
	store_bind_text(st, 2, q->guid);
	sqlite3_bind_int64(st, 3, q->statuses);
	store_bind_text(st, 4, q->actions[0]);
	for (int i = 1; i < TRACE_QUERY_ACTIONS; i++)
		store_bind_text(st, 7 + i, q->actions[i]);
	store_bind_text(st, 5, q->host);
	if (q->has_since)
		sqlite3_bind_int64(st, 6, q->since_us);
	else
		sqlite3_bind_null(st, 6);
	if (q->has_until)
		sqlite3_bind_int64(st, 7, q->until_us);
	else
		sqlite3_bind_null(st, 7);
}

int store_traces(struct store *s, const struct trace_query *q,
		 int (*each)(void *ctx, const struct trace_row *t), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, traces_sql(q));
	if (!st)
		return -1;
	store_trace_bind(st, q);
	struct trace_rows r = { each, ctx };
	return store_rows(s, st, trace_row_out, &r);
}

/* ---- what an incremental update reads ---- */

/* No index serves last_utc alone: the traces that end after utc start at
 * most the longest span before it, and (first_utc) serves that range. */
static const char SQL_TRACES_ENDING_AFTER[] =
	"SELECT id, first_utc FROM traces WHERE first_utc >= ?1 -"
	" (SELECT coalesce(max(last_utc - first_utc), 0) FROM traces)"
	" AND last_utc >= ?1";
static const char SQL_TRACES_WITH_GUID[] =
	"SELECT id, first_utc FROM traces WHERE guid = ?1 COLLATE NOCASE";
static const char SQL_TRACE_FIRST_UTC[] = "SELECT first_utc FROM traces WHERE id = ?1";
static const char SQL_TRACE_TIMES[] =
	"SELECT first_utc, last_utc FROM traces WHERE id = ?1";
/* Ids run 1..N (a rebuild numbers them so, an update keeps them so):
 * max(id) is the count without a scan. */
static const char SQL_TRACES_SPAN[] = "SELECT coalesce(max(id), 0) FROM traces";
/* The verdict columns only, in id (= first-event) order: what the
 * findings read of every trace, without the texts. */
static const char SQL_TRACE_VERDICTS[] =
	"SELECT id, status, first_utc, last_utc, hop_forward_to_push,"
	" hop_push_to_receive, hop_receive_to_response, unmatched, missing,"
	" skew, CASE WHEN status = 'missing_evidence' THEN clients END"
	" FROM traces WHERE id > ?1 ORDER BY id LIMIT ?2";

struct key_rows {
	int (*each)(void *ctx, int64_t id, int64_t first_utc);
	void *ctx;
};

static int key_row(void *ctx, sqlite3_stmt *st)
{
	struct key_rows *r = ctx;
	return r->each(r->ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
}

int store_traces_ending_after(struct store *s, int64_t utc,
			      int (*each)(void *ctx, int64_t id, int64_t first_utc),
			      void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACES_ENDING_AFTER);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, utc);
	struct key_rows r = { each, ctx };
	return store_rows(s, st, key_row, &r);
}

int store_traces_with_guid(struct store *s, const char *guid,
			   int (*each)(void *ctx, int64_t id, int64_t first_utc),
			   void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACES_WITH_GUID);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, guid, -1, SQLITE_STATIC);
	struct key_rows r = { each, ctx };
	return store_rows(s, st, key_row, &r);
}

int store_trace_first_utc(struct store *s, int64_t id, int64_t *first_utc)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACE_FIRST_UTC);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*first_utc = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		store_fail(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_trace_times(struct store *s, int64_t id, int64_t *first_utc,
		      int64_t *last_utc)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACE_TIMES);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*first_utc = sqlite3_column_int64(st, 0);
		*last_utc = sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		store_fail(s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_traces_span(struct store *s, int64_t *max_id, int64_t *count)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACES_SPAN);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*max_id = sqlite3_column_int64(st, 0);
		*count = *max_id;
	} else {
		store_fail(s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int verdict_row(void *ctx, sqlite3_stmt *st)
{
	struct trace_rows *r = ctx;
	struct trace_row t = {
		.id = sqlite3_column_int64(st, 0),
		.status = store_column_str(st, 1),
		.first_utc = sqlite3_column_int64(st, 2),
		.last_utc = sqlite3_column_int64(st, 3),
		.hop_forward_to_push = store_column_num(st, 4),
		.hop_push_to_receive = store_column_num(st, 5),
		.hop_receive_to_response = store_column_num(st, 6),
		.unmatched = sqlite3_column_int64(st, 7),
		.missing = store_column_str(st, 8),
		.skew = sqlite3_column_int(st, 9) != 0,
		.clients = store_column_str(st, 10),
	};
	return r->each(r->ctx, &t);
}

/* Verdicts are read in pages of this many, each from where the last
 * ended (by id): no statement stays open while the caller works. */
#define VERDICT_PAGE 4096

struct verdict_page {
	struct trace_rows r;
	int64_t last;
	size_t n;
	bool stop;
};

static int verdict_paged(void *ctx, sqlite3_stmt *st)
{
	struct verdict_page *p = ctx;
	p->last = sqlite3_column_int64(st, 0);
	p->n++;
	p->stop = verdict_row(&p->r, st) != 0;
	return p->stop;
}

int store_trace_verdicts(struct store *s,
			 int (*each)(void *ctx, const struct trace_row *t),
			 void *ctx)
{
	struct verdict_page p = { .r = { each, ctx } };
	do {
		sqlite3_stmt *st = store_stmt(s, SQL_TRACE_VERDICTS);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, p.last);
		sqlite3_bind_int64(st, 2, VERDICT_PAGE);
		p.n = 0;
		if (store_rows(s, st, verdict_paged, &p) < 0)
			return -1;
	} while (p.n == VERDICT_PAGE && !p.stop);
	return 0;
}

/* ---- what the findings' trace rules ask of the store ---- */

/* The columns of SQL_TRACE_VERDICTS, for verdict_row. */
#define VERDICT_COLS "id, status, first_utc, last_utc, hop_forward_to_push," \
	" hop_push_to_receive, hop_receive_to_response, unmatched, missing," \
	" skew, CASE WHEN status = 'missing_evidence' THEN clients END"

/* Per hop: the count and the middle values of its non-negative hops, and
 * the traces above a limit (>= 0), as ranges of the index traces_<hop>
 * (db/schema.c). */
#define HOP_SQL(col) { \
	"SELECT count(*) FROM traces WHERE " col " >= 0", \
	"SELECT " col " FROM traces WHERE " col " >= 0 ORDER BY " col \
	" LIMIT 2 OFFSET ?1", \
	"SELECT " VERDICT_COLS " FROM traces WHERE " col " > ?1" }
static const char *const SQL_HOPS[TRACE_LANES][3] = {
	HOP_SQL("hop_forward_to_push"),
	HOP_SQL("hop_push_to_receive"),
	HOP_SQL("hop_receive_to_response"),
};

int store_trace_hop_median(struct store *s, int hop, int64_t *n, int64_t *median)
{
	sqlite3_stmt *st = store_stmt(s, SQL_HOPS[hop][0]);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	*median = 0;
	if (rc != SQLITE_ROW)
		return store_fail(s);
	if (*n == 0)
		return 0;
	if (!(st = store_stmt(s, SQL_HOPS[hop][1])))
		return -1;
	sqlite3_bind_int64(st, 1, (*n - 1) / 2);
	int64_t v[2] = { 0, 0 };
	int got = 0;
	while (got < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		v[got++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s);
	*median = *n % 2 || got < 2 ? v[0] : (v[0] + v[1]) / 2;
	return 0;
}

int store_trace_hop_above(struct store *s, int hop, int64_t limit,
			  int (*each)(void *ctx, const struct trace_row *t),
			  void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_HOPS[hop][2]);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, limit);
	struct trace_rows r = { each, ctx };
	return store_rows(s, st, verdict_row, &r);
}

/* The 64 traces (by id, which is first_utc order) ending with the last
 * that starts at or before utc, from the time index alone: the last and
 * the first of them. */
static const char SQL_TRACE_WINDOW[] =
	"SELECT id, first_utc FROM traces WHERE first_utc <= ?1"
	" ORDER BY first_utc DESC, id DESC LIMIT 64";
/* Then the latest of the window with the status whose span reaches
 * utc, through (status, first_utc): the few of that status in it. */
static const char SQL_TRACE_AROUND[] =
	"SELECT id, first_utc, last_utc FROM traces WHERE status = ?1"
	" AND first_utc BETWEEN ?2 AND ?3 AND id BETWEEN ?4 AND ?5"
	" AND last_utc >= ?3 ORDER BY first_utc DESC, id DESC LIMIT 1";

int store_trace_around(struct store *s, const char *status, int64_t utc,
		       int64_t *id, int64_t *first_utc, int64_t *last_utc)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TRACE_WINDOW);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, utc);
	int64_t lo = 0, low_id = 0, low_first = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		low_id = sqlite3_column_int64(st, 0);
		low_first = sqlite3_column_int64(st, 1);
		if (!lo)
			lo = low_id;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s);
	if (!lo)
		return 0;
	if (!(st = store_stmt(s, SQL_TRACE_AROUND)))
		return -1;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, low_first);
	sqlite3_bind_int64(st, 3, utc);
	sqlite3_bind_int64(st, 4, low_id);
	sqlite3_bind_int64(st, 5, lo);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*first_utc = sqlite3_column_int64(st, 1);
		*last_utc = sqlite3_column_int64(st, 2);
	} else if (rc != SQLITE_DONE) {
		store_fail(s);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_VERDICTS_OF_STATUS[] =
	"SELECT " VERDICT_COLS " FROM traces WHERE status = ?1"
	" ORDER BY first_utc, id";

int store_trace_verdicts_status(struct store *s, const char *status,
				int (*each)(void *ctx, const struct trace_row *t),
				void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_VERDICTS_OF_STATUS);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	struct trace_rows r = { each, ctx };
	int rc = store_rows(s, st, verdict_row, &r);
	sqlite3_clear_bindings(st);
	return rc;
}

/* ---- targets ---- */

static const char SQL_TARGETS_OF[] =
	"SELECT host, status, inferred, received_utc, response_utc, return_code"
	" FROM trace_targets WHERE trace_id = ?1"
	" ORDER BY inferred, coalesce(received_utc, 0), host, rowid";

struct target_rows {
	int (*each)(void *ctx, const struct trace_target *t);
	void *ctx;
};

static int target_row_out(void *ctx, sqlite3_stmt *st)
{
	struct target_rows *r = ctx;
	struct trace_target t = {
		.host = store_column_str(st, 0),
		.status = store_column_str(st, 1),
		.inferred = sqlite3_column_int(st, 2) != 0,
		.received_utc = store_column_num(st, 3),
		.response_utc = store_column_num(st, 4),
		.return_code = store_column_num(st, 5),
	};
	return r->each(r->ctx, &t);
}

int store_trace_targets(struct store *s, int64_t trace_id,
			int (*each)(void *ctx, const struct trace_target *t),
			void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, SQL_TARGETS_OF);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, trace_id);
	struct target_rows r = { each, ctx };
	return store_rows(s, st, target_row_out, &r);
}
