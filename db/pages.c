/* pages.c - keyset pages of the trace list (see pages.h).
 *
 * Each sort order is a row value that an index of schema.c serves, the
 * trace id last so that every key is unique:
 *   start   (first_utc, id)                        key (a, id)
 *   status  (rank, first_utc, id)                  key (a = rank, b, id)
 *   span    (last_utc - first_utc, id)             key (a, id)
 *   action  (coalesce(action, ''), first_utc, id)  key (text, a, id)
 * "After key" is a row-value comparison, so SQLite seeks the index and
 * steps it: no OFFSET, no sort, no temporary table. */
#include "pages.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "../lib/util.h"

#define SORT_NAME(id, name) name,
static const char *const sort_names[TRACE_SORT_COUNT] = {
	TRACE_SORT_TABLE(SORT_NAME)
};
#undef SORT_NAME

const char *trace_sort_name(enum trace_sort sort)
{
	return (unsigned)sort < TRACE_SORT_COUNT ? sort_names[sort] : "?";
}

#define RANK TRACE_STATUS_RANK_SQL
/* The list's filters: those of store_traces plus one finding's traces
 * (?15, finding_traces' primary key serves it). */
#define PAGE_WHERE TRACE_WHERE \
	" AND (?15 = 0 OR id IN (SELECT trace_id FROM finding_traces" \
	" WHERE finding_id = ?15))"
/* A page is read in two steps, each a plain index seek: the ties of
 * the key's lead value ("lead = key AND (rest) > (rest of key)"), then
 * the leads beyond it ("lead > key"). One row-value term over all
 * columns cannot seek an expression index, and a seek on the lead alone
 * walks every tie first: 60,000 "complete" traces before the one wanted. */
#define TIE_SQL(lead, rest, lead_key, rest_key, next, next_key, op, order) \
	TRACE_SELECT " WHERE " lead " = " lead_key " AND " next " " op "= " next_key \
	" AND (" rest ") " op " (" rest_key ") AND" PAGE_WHERE " ORDER BY " order
#define REST_SQL(lead, lead_key, op, order) \
	TRACE_SELECT " WHERE " lead " " op " " lead_key " AND" PAGE_WHERE " ORDER BY " order
/* next: the column after the lead, alone, so the tie step seeks too. */
/* The tie step orders by the rest alone (the lead is one value): with
 * the lead in it SQLite sorts the whole tie range in a temporary tree. */
#define PAGE_PAIR(lead, rest, lead_key, rest_key, next, next_key, rest_asc, rest_desc) \
	{ { TIE_SQL(lead, rest, lead_key, rest_key, next, next_key, ">", rest_asc), \
	    REST_SQL(lead, lead_key, ">", lead ", " rest_asc) }, \
	  { TIE_SQL(lead, rest, lead_key, rest_key, next, next_key, "<", rest_desc), \
	    REST_SQL(lead, lead_key, "<", lead " DESC, " rest_desc) } }

/* How many sort before (op "<") or after (">") a key, counted in the
 * index without reading the rows. A row value compared per entry costs
 * five times a plain range, so the count is split into plain ranges:
 * lead before the key's, then lead equal and the next term before, ... */
#define N_(where) "(SELECT count(*) FROM traces WHERE " where ")"
#define COUNT2(l, lk, r, rk, op, w) \
	"SELECT " N_(l " " op " " lk w) " + " N_(l " = " lk " AND " r " " op " " rk w)
#define COUNT3(l, lk, m, mk, r, rk, op, w) \
	"SELECT " N_(l " " op " " lk w) " + " N_(l " = " lk " AND " m " " op " " mk w) \
	" + " N_(l " = " lk " AND " m " = " mk " AND " r " " op " " rk w)
#define UNFILTERED " AND ?1 = 0"
#define FILTERED " AND" PAGE_WHERE
/* [sort][filtered][after]: without filters the count never leaves the
 * index (100k traces: a few ms instead of a row lookup each). */
#define COUNT_SET(X) \
	{ { X("<", UNFILTERED), X(">", UNFILTERED) }, \
	  { X("<", FILTERED), X(">", FILTERED) } }
#define C_START(op, w) COUNT2("first_utc", "?11", "id", "?13", op, w)
#define C_STATUS(op, w) COUNT3(RANK, "?11", "first_utc", "?12", "id", "?13", op, w)
#define C_SPAN(op, w) COUNT2("last_utc - first_utc", "?11", "id", "?13", op, w)
#define C_ACTION(op, w) \
	COUNT3("coalesce(action, '')", "?14", "first_utc", "?11", "id", "?13", op, w)
static const char *const count_sql[TRACE_SORT_COUNT][2][2] = {
	COUNT_SET(C_START), COUNT_SET(C_STATUS), COUNT_SET(C_SPAN), COUNT_SET(C_ACTION),
};

/* [sort][backward][ties, beyond] */
static const char *const page_sql[TRACE_SORT_COUNT][2][2] = {
	PAGE_PAIR("first_utc", "id", "?11", "?13", "id", "?13", "id", "id DESC"),
	PAGE_PAIR(RANK, "first_utc, id", "?11", "?12, ?13", "first_utc", "?12",
		  "first_utc, id", "first_utc DESC, id DESC"),
	PAGE_PAIR("last_utc - first_utc", "id", "?11", "?13", "id", "?13", "id", "id DESC"),
	PAGE_PAIR("coalesce(action, '')", "first_utc, id", "?14", "?11, ?13", "first_utc", "?11",
		  "first_utc, id", "first_utc DESC, id DESC"),
};

/* One status in start order (the s cycle's common case): the status
 * index (status, first_utc) seeks it. Through the start index a rare
 * status (1 trace in 100,000) is a walk of every trace. ?17 the status. */
#define ONE_STATUS " status = ?17 AND "
static const char *const one_status_page_sql[2][2] = {
	{ TRACE_SELECT " WHERE" ONE_STATUS "first_utc = ?11 AND id > ?13 AND" PAGE_WHERE
	  " ORDER BY id",
	  TRACE_SELECT " WHERE" ONE_STATUS "first_utc > ?11 AND" PAGE_WHERE
	  " ORDER BY first_utc, id" },
	{ TRACE_SELECT " WHERE" ONE_STATUS "first_utc = ?11 AND id < ?13 AND" PAGE_WHERE
	  " ORDER BY id DESC",
	  TRACE_SELECT " WHERE" ONE_STATUS "first_utc < ?11 AND" PAGE_WHERE
	  " ORDER BY first_utc DESC, id DESC" },
};
/* [after]: a status mask in start order counted in the status index
 * (status IN ... seeks each status's range; no row is read). */
#define MASK_IN " status IN (SELECT name FROM trace_statuses WHERE (?3 >> rank) & 1) AND "
#define MASK_COUNT(op, w) \
	"SELECT " N_(MASK_IN "first_utc " op " ?11" w) " + " \
	N_(MASK_IN "first_utc = ?11 AND id " op " ?13" w)
/* [other filters][after]: with the mask alone the count never leaves
 * the index (another filter's column would read each row). */
static const char *const mask_count_sql[2][2] = {
	{ MASK_COUNT("<", UNFILTERED), MASK_COUNT(">", UNFILTERED) },
	{ MASK_COUNT("<", FILTERED), MASK_COUNT(">", FILTERED) },
};

/* The status name when p shows exactly one status in start order. */
static const char *one_status(const struct trace_pager *p)
{
	uint32_t m = p->q.statuses;
	if (p->sort != TRACE_SORT_START || !m || (m & (m - 1)))
		return NULL;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		if (m == TRACE_STATUS_BIT(i))
			return trace_statuses[i].name;
	return NULL;
}

/* [other filters][after]: the traces of one status (?17) before or after
 * a key in start order within it: the status sort's tie group, counted
 * in the status index (status, first_utc). */
#define TIE_COUNT(op, w) \
	"SELECT " N_("status = ?17 AND first_utc " op " ?12" w) " + " \
	N_("status = ?17 AND first_utc = ?12 AND id " op " ?13" w)
static const char *const tie_count_sql[2][2] = {
	{ TIE_COUNT("<", UNFILTERED), TIE_COUNT(">", UNFILTERED) },
	{ TIE_COUNT("<", FILTERED), TIE_COUNT(">", FILTERED) },
};

/* The same within one action (?14), in the action index. */
#define ACT_TIE_COUNT(op, w) \
	"SELECT " N_("coalesce(action, '') = ?14 AND first_utc " op " ?11" w) " + " \
	N_("coalesce(action, '') = ?14 AND first_utc = ?11 AND id " op " ?13" w)
static const char *const action_tie_count_sql[2][2] = {
	{ ACT_TIE_COUNT("<", UNFILTERED), ACT_TIE_COUNT(">", UNFILTERED) },
	{ ACT_TIE_COUNT("<", FILTERED), ACT_TIE_COUNT(">", FILTERED) },
};
/* The action sort's groups one at a time: the first action value, or
 * the next after ?16, then how many traces have it. Index seeks and one
 * range (an OR of the two would scan the index). */
static const char *const next_action_sql[2] = {
	"SELECT coalesce(action, '') FROM traces WHERE" PAGE_WHERE
	" ORDER BY coalesce(action, '') LIMIT 1",
	"SELECT coalesce(action, '') FROM traces WHERE coalesce(action, '') > ?16 AND" PAGE_WHERE
	" ORDER BY coalesce(action, '') LIMIT 1",
};
static const char SQL_ACTION_COUNT[] =
	"SELECT count(*) FROM traces WHERE coalesce(action, '') = ?14 AND" PAGE_WHERE;

static const char SQL_PASSES[] =
	"SELECT 1 FROM traces WHERE id = ?16 AND" PAGE_WHERE;

/* The GUID index (COLLATE NOCASE) seeks a prefix as a range: every GUID
 * character sorts before 0xff. */
static const char SQL_GUID_PREFIX[] =
	"SELECT id FROM traces WHERE guid >= ?16 COLLATE NOCASE"
	" AND guid < ?17 COLLATE NOCASE AND" PAGE_WHERE
	" ORDER BY guid COLLATE NOCASE, id LIMIT 1";

static const char SQL_STATUS_COUNTS_ALL[] =
	"SELECT status, count(*) FROM traces GROUP BY status";
static const char SQL_STATUS_COUNTS[] =
	"SELECT status, count(*) FROM traces WHERE" PAGE_WHERE
	" GROUP BY status";

int64_t trace_status_rank(const char *status)
{
	static const char order[] = TRACE_STATUS_ORDER;
	size_t len = strlen(status);
	for (const char *p = order; (p = strstr(p, status)); p++) {
		if (p[-1] == ',' && p[len] == ',')
			return (int64_t)(p - 1 - order);	/* instr() - 1 */
	}
	return -1;	/* instr() gives 0: sorts first */
}

void trace_key_of(enum trace_sort sort, const struct trace_row *t,
		  struct trace_key *k)
{
	free(k->text);
	*k = (struct trace_key){ .id = t->id };
	switch (sort) {
	case TRACE_SORT_STATUS:
		k->a = trace_status_rank(t->status) + 1;
		k->b = t->first_utc;
		break;
	case TRACE_SORT_SPAN:
		k->a = t->last_utc - t->first_utc;
		break;
	case TRACE_SORT_ACTION:
		k->text = xstrdup(t->action ? t->action : "");
		k->a = t->first_utc;
		break;
	default:
		k->a = t->first_utc;
		break;
	}
}

void trace_key_free(struct trace_key *k)
{
	free(k->text);
	k->text = NULL;
}

struct page_ctx {
	const struct trace_pager *p;
	bool stop;
	size_t limit, n;
	int (*each)(void *ctx, const struct trace_row *t);
	void *ctx;
};

static int page_row(void *ctx, sqlite3_stmt *st)
{
	struct page_ctx *c = ctx;
	struct trace_row t;
	store_trace_fill(st, &t);
	if (c->p->keep && !c->p->keep(c->p->keep_ctx, &t))
		return 0;
	c->n++;
	c->stop = c->each(c->ctx, &t) || c->n >= c->limit;
	return c->stop;
}

/* The filters and the key; no key: a bound beyond every trace on the
 * side we start from. */
static void bind_filters(sqlite3_stmt *st, const struct trace_pager *p)
{
	store_trace_bind(st, &p->q);
	sqlite3_bind_int64(st, 15, p->finding);
}

static void bind_key(sqlite3_stmt *st, const struct trace_pager *p,
		     const struct trace_key *key, bool backward)
{
	bind_filters(st, p);
	int64_t edge = backward ? INT64_MAX : INT64_MIN;
	sqlite3_bind_int64(st, 11, key ? key->a : edge);
	sqlite3_bind_int64(st, 12, key ? key->b : edge);
	sqlite3_bind_int64(st, 13, key ? key->id : edge);
	/* Stored text is UTF-8, so no action sorts after a 0xff byte. */
	const char *text = key && key->text ? key->text : (backward ? "\xff" : "");
	sqlite3_bind_text(st, 14, text, -1, SQLITE_TRANSIENT);
}

long store_trace_page(struct store *s, const struct trace_pager *p,
		      const struct trace_key *key, bool backward, size_t limit,
		      int (*each)(void *ctx, const struct trace_row *t),
		      void *ctx)
{
	if ((unsigned)p->sort >= TRACE_SORT_COUNT || !limit)
		return 0;
	/* Descending is ascending read the other way. */
	backward ^= p->desc;
	struct page_ctx c = { p, false, limit, 0, each, ctx };
	const char *only = one_status(p);
	for (int step = 0; step < 2 && !c.stop; step++) {
		sqlite3_stmt *st = store_stmt(s, only ? one_status_page_sql[backward][step]
						      : page_sql[p->sort][backward][step]);
		if (!st)
			return -1;
		bind_key(st, p, key, backward);
		if (only)
			sqlite3_bind_text(st, 17, only, -1, SQLITE_STATIC);
		if (store_rows(s, st, page_row, &c) < 0)
			return -1;
	}
	return (long)c.n;
}

static int one_row(void *ctx, sqlite3_stmt *st)
{
	(void)st;
	*(int *)ctx = 1;
	return 1;
}

int store_trace_passes(struct store *s, const struct trace_pager *p, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, SQL_PASSES);
	if (!st)
		return -1;
	bind_filters(st, p);
	sqlite3_bind_int64(st, 16, id);
	int found = 0;
	if (store_rows(s, st, one_row, &found) < 0)
		return -1;
	return found;
}

static int id_row(void *ctx, sqlite3_stmt *st)
{
	*(int64_t *)ctx = sqlite3_column_int64(st, 0);
	return 1;
}

int64_t store_trace_guid_prefix(struct store *s, const struct trace_pager *p, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!n)
		return 0;
	sqlite3_stmt *st = store_stmt(s, SQL_GUID_PREFIX);
	if (!st)
		return -1;
	char *upper = xmalloc(n + 2);
	memcpy(upper, prefix, n);
	upper[n] = '\xff';
	upper[n + 1] = '\0';
	bind_filters(st, p);
	sqlite3_bind_text(st, 16, prefix, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 17, upper, (int)n + 1, SQLITE_TRANSIENT);
	free(upper);
	int64_t id = 0;
	if (store_rows(s, st, id_row, &id) < 0)
		return -1;
	return id;
}

static int count_one(void *ctx, const struct trace_row *t)
{
	(void)ctx;
	(void)t;
	return 0;
}

static int count_row(void *ctx, sqlite3_stmt *st)
{
	*(int64_t *)ctx = sqlite3_column_int64(st, 0);
	return 1;
}

int store_trace_count(struct store *s, const struct trace_pager *p,
		      const struct trace_key *key, int64_t *out)
{
	if (!key) {
		int64_t counts[TRACE_STATUS_COUNT];
		if (store_trace_status_counts(s, p, counts) < 0)
			return -1;
		*out = 0;
		for (int i = 0; i < TRACE_STATUS_COUNT; i++)
			if (!p->q.statuses || (p->q.statuses & TRACE_STATUS_BIT(i)))
				*out += counts[i];
		return 0;
	}
	if (!p->keep && (unsigned)p->sort < TRACE_SORT_COUNT) {
		const struct trace_query *q = &p->q;
		bool filtered = q->id || q->guid || q->statuses || q->actions[0] ||
				q->host || q->has_since || q->has_until || p->finding;
		bool mask = q->statuses && p->sort == TRACE_SORT_START;
		bool others = q->id || q->guid || q->actions[0] || q->host || q->has_since ||
			      q->has_until || p->finding;
		sqlite3_stmt *st = store_stmt(s, mask ? mask_count_sql[others][p->desc]
						      : count_sql[p->sort][filtered][p->desc]);
		if (!st)
			return -1;
		bind_key(st, p, key, true);
		return store_rows(s, st, count_row, out);
	}
	long n = store_trace_page(s, p, key, true, SIZE_MAX, count_one, NULL);
	if (n < 0)
		return -1;
	*out = n;
	return 0;
}

int store_trace_count_in_status(struct store *s, const struct trace_pager *p,
				const char *status, int64_t first_utc, int64_t id, bool after,
				int64_t *out)
{
	const struct trace_query *q = &p->q;
	bool others = q->id || q->guid || q->actions[0] || q->host || q->has_since ||
		      q->has_until || p->finding;
	sqlite3_stmt *st = store_stmt(s, tie_count_sql[others][after]);
	if (!st)
		return -1;
	bind_filters(st, p);
	sqlite3_bind_text(st, 17, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 12, first_utc);
	sqlite3_bind_int64(st, 13, id);
	return store_rows(s, st, count_row, out);
}

int store_trace_count_in_action(struct store *s, const struct trace_pager *p,
				const char *action, int64_t first_utc, int64_t id, bool after,
				int64_t *out)
{
	const struct trace_query *q = &p->q;
	bool filtered = q->id || q->guid || q->statuses || q->actions[0] || q->host ||
			q->has_since || q->has_until || p->finding;
	sqlite3_stmt *st = store_stmt(s, action_tie_count_sql[filtered][after]);
	if (!st)
		return -1;
	bind_filters(st, p);
	sqlite3_bind_text(st, 14, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 11, first_utc);
	sqlite3_bind_int64(st, 13, id);
	return store_rows(s, st, count_row, out);
}

struct next_action {
	char *action;
};

static int next_action_row(void *ctx, sqlite3_stmt *st)
{
	struct next_action *n = ctx;
	n->action = xstrdup(store_column_str(st, 0) ? store_column_str(st, 0) : "");
	return 1;
}

int store_trace_action_group(struct store *s, const struct trace_pager *p, const char *prev,
			     char **action, int64_t *count)
{
	*action = NULL;
	*count = 0;
	sqlite3_stmt *st = store_stmt(s, next_action_sql[prev != NULL]);
	if (!st)
		return -1;
	bind_filters(st, p);
	if (prev)
		sqlite3_bind_text(st, 16, prev, -1, SQLITE_TRANSIENT);
	struct next_action n = { NULL };
	if (store_rows(s, st, next_action_row, &n) < 0)
		return -1;
	if (!n.action)
		return 0;
	if (!(st = store_stmt(s, SQL_ACTION_COUNT))) {
		free(n.action);
		return -1;
	}
	bind_filters(st, p);
	sqlite3_bind_text(st, 14, n.action, -1, SQLITE_TRANSIENT);
	if (store_rows(s, st, count_row, count) < 0) {
		free(n.action);
		return -1;
	}
	*action = n.action;
	return 1;
}

static void count_status(int64_t counts[TRACE_STATUS_COUNT], const char *name,
			 int64_t n)
{
	enum trace_status st;
	if (trace_status_parse(name, &st))
		counts[st] += n;
}

static int status_row(void *ctx, sqlite3_stmt *st)
{
	count_status(ctx, store_column_str(st, 0), sqlite3_column_int64(st, 1));
	return 0;
}

static int status_kept(void *ctx, const struct trace_row *t)
{
	count_status(ctx, t->status, 1);
	return 0;
}

int store_trace_status_counts(struct store *s, const struct trace_pager *p,
			      int64_t counts[TRACE_STATUS_COUNT])
{
	memset(counts, 0, TRACE_STATUS_COUNT * sizeof(*counts));
	struct trace_pager all = *p;
	all.q.statuses = 0;
	if (p->keep) {
		all.sort = TRACE_SORT_START;
		return store_trace_page(s, &all, NULL, false, SIZE_MAX,
					status_kept, counts) < 0 ? -1 : 0;
	}
	/* No filter (the first screen): the status index alone. */
	const struct trace_query *q = &all.q;
	bool filtered = q->id || q->guid || q->actions[0] || q->host || q->has_since ||
			q->has_until || all.finding;
	sqlite3_stmt *st = store_stmt(s, filtered ? SQL_STATUS_COUNTS : SQL_STATUS_COUNTS_ALL);
	if (!st)
		return -1;
	if (filtered)
		bind_filters(st, &all);
	return store_rows(s, st, status_row, counts);
}

/* ---- the outcome strip ---- */

/* One min() or max() per SELECT: SQLite reads either from the index's
 * end only then; both in one (or inside coalesce) scan every trace. */
static const char SQL_BOUNDS[] =
	"SELECT coalesce((SELECT min(first_utc) FROM traces), 0),"
	" coalesce((SELECT max(first_utc) FROM traces), 0)";
/* A slice of time at a time, from the status index alone (status IN
 * every status name, then the time range: no row is read). */
static const char SQL_BUCKETS[] =
	"SELECT (first_utc - ?1) * ?3 / (?2 - ?1 + 1), status, count(*)"
	" FROM traces WHERE status IN (SELECT name FROM trace_statuses)"
	" AND first_utc >= ?4 AND first_utc < ?5 GROUP BY 1, 2";

static int bounds_row(void *ctx, sqlite3_stmt *st)
{
	int64_t *out = ctx;
	out[0] = sqlite3_column_int64(st, 0);
	out[1] = sqlite3_column_int64(st, 1);
	return 1;
}

int store_trace_bounds(struct store *s, int64_t *first, int64_t *last)
{
	int64_t out[2] = { 0, 0 };
	sqlite3_stmt *st = store_stmt(s, SQL_BOUNDS);
	if (!st || store_rows(s, st, bounds_row, out) < 0)
		return -1;
	*first = out[0];
	*last = out[1];
	return 0;
}

/* The same under the list's filters: one pass over the rows they pass
 * (an index serves the status and the time range). */
static const char SQL_VIEW_BOUNDS[] =
	"SELECT coalesce(min(first_utc), 0), coalesce(max(first_utc), 0) FROM traces WHERE"
	PAGE_WHERE;

static int bounds_kept(void *ctx, const struct trace_row *t)
{
	int64_t *out = ctx;
	if (!out[2] || t->first_utc < out[0])
		out[0] = t->first_utc;
	if (!out[2] || t->first_utc > out[1])
		out[1] = t->first_utc;
	out[2] = 1;
	return 0;
}

int store_trace_view_bounds(struct store *s, const struct trace_pager *p, int64_t *first,
			    int64_t *last)
{
	int64_t out[3] = { 0, 0, 0 };	/* first, last, any */
	if (p->keep) {
		/* keep() is C: every row passing the SQL filters is read. */
		if (store_trace_page(s, p, NULL, false, SIZE_MAX, bounds_kept, out) < 0)
			return -1;
	} else {
		sqlite3_stmt *st = store_stmt(s, SQL_VIEW_BOUNDS);
		if (!st)
			return -1;
		bind_filters(st, p);
		if (store_rows(s, st, bounds_row, out) < 0)
			return -1;
	}
	*first = out[0];
	*last = out[1];
	return 0;
}

struct bucket_rows {
	int n;
	int (*each)(void *ctx, int bucket, const char *status, int64_t count);
	void *ctx;
};

static int bucket_row(void *ctx, sqlite3_stmt *st)
{
	struct bucket_rows *b = ctx;
	int64_t i = sqlite3_column_int64(st, 0);
	if (i < 0 || i >= b->n)
		return 0;
	return b->each(b->ctx, (int)i, store_column_str(st, 1), sqlite3_column_int64(st, 2));
}

int store_trace_buckets(struct store *s, int64_t first, int64_t last, int n,
			int64_t from, int64_t to,
			int (*each)(void *ctx, int bucket, const char *status,
				    int64_t count),
			void *ctx)
{
	if (n <= 0 || last < first || to <= from)
		return 0;
	sqlite3_stmt *st = store_stmt(s, SQL_BUCKETS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	sqlite3_bind_int64(st, 3, n);
	sqlite3_bind_int64(st, 4, from);
	sqlite3_bind_int64(st, 5, to);
	struct bucket_rows b = { n, each, ctx };
	return store_rows(s, st, bucket_row, &b);
}
