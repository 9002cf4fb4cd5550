/* pages.h - the trace list a page at a time, for the dashboard.
 *
 * Keyset paging: a page is "the N traces after (or before) this key" in
 * one of four sort orders, each served by an index, so a screen costs the
 * same at trace 1 and at trace 100,000 and nothing ever holds the whole
 * list. A key is the sort value of a trace plus its id (ties). An
 * optional keep() predicate (the dashboard's regex filter, which SQL
 * cannot run) filters rows as they stream; counts then walk the rows. */
#ifndef TATRACE_PAGES_H
#define TATRACE_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store.h"

/* X(enum constant, name) in the order the dashboard cycles them. */
#define TRACE_SORT_TABLE(X) \
	X(TRACE_SORT_START, "start") \
	X(TRACE_SORT_STATUS, "status") \
	X(TRACE_SORT_SPAN, "span") \
	X(TRACE_SORT_ACTION, "action")
#define TRACE_SORT_ENUM(id, name) id,
enum trace_sort { TRACE_SORT_TABLE(TRACE_SORT_ENUM) TRACE_SORT_COUNT };
#undef TRACE_SORT_ENUM
const char *trace_sort_name(enum trace_sort sort);

/* Where a trace sits in a sort order. text is owned (action order only). */
struct trace_key {
	int64_t a, b;		/* sort value(s): see pages.c */
	int64_t id;
	char *text;
};
/* The key of row t in sort (replaces what *k held; free with
 * trace_key_free). */
void trace_key_of(enum trace_sort sort, const struct trace_row *t,
		  struct trace_key *k);
void trace_key_free(struct trace_key *k);
/* Status rank in the status order: the table's stage order. */
int64_t trace_status_rank(const char *status);

struct trace_pager {
	struct trace_query q;	/* the filters of store_traces */
	enum trace_sort sort;
	bool desc;		/* the sort order reversed (ties too) */
	int64_t finding;	/* 0, or only the traces of this finding id */
	/* NULL, or true for the rows to keep (called on every row read) */
	bool (*keep)(void *ctx, const struct trace_row *t);
	void *keep_ctx;
};

/* Up to limit traces strictly after key in sort order (p->desc: in the
 * reverse order, "after" meaning after in that order) (key NULL: from
 * the first), or with backward strictly before it in reverse order (key
 * NULL: from the last), handed to each() (strings valid during the call;
 * non-zero stops). Returns how many were handed over, or -1. */
long store_trace_page(struct store *s, const struct trace_pager *p,
		      const struct trace_key *key, bool backward, size_t limit,
		      int (*each)(void *ctx, const struct trace_row *t),
		      void *ctx);
/* How many traces sort strictly before key in p's order (key NULL: how
 * many in all). */
int store_trace_count(struct store *s, const struct trace_pager *p,
		      const struct trace_key *key, int64_t *out);
/* The first trace in GUID order whose GUID starts with prefix (case-
 * insensitive) under p's SQL filters (not keep()), through the GUID
 * index; 0 when none, -1 on error. */
int64_t store_trace_guid_prefix(struct store *s, const struct trace_pager *p,
				const char *prefix);
/* 1 when trace id passes p's SQL filters (not keep()), 0 when not, -1. */
int store_trace_passes(struct store *s, const struct trace_pager *p, int64_t id);
/* How many traces of one status start before (after: after) the trace
 * (first_utc, id) under p's SQL filters (not keep(), not the status
 * mask): a trace's place within its status, through the status index, so
 * the status sort's position of a trace is the counts of the statuses
 * before it plus this, counted from the nearer end. 0 or -1. */
int store_trace_count_in_status(struct store *s, const struct trace_pager *p,
				const char *status, int64_t first_utc, int64_t id, bool after,
				int64_t *out);
/* The same within one action (coalesce(action, ''), the action sort's
 * lead), under every filter of p but keep(). 0 or -1. */
int store_trace_count_in_action(struct store *s, const struct trace_pager *p,
				const char *action, int64_t first_utc, int64_t id, bool after,
				int64_t *out);
/* The action sort's groups, one per call, in its order: the first action
 * value after prev (NULL: the first of all; "" is the traces without
 * one) under p's filters but keep(), in *action (owned by the caller),
 * and how many traces have it. 1, 0 when no more, -1. */
int store_trace_action_group(struct store *s, const struct trace_pager *p, const char *prev,
			     char **action, int64_t *count);
/* Traces per status (by enum trace_status) under every filter of p but
 * its status mask, for the header's counts. 0 or -1. */
int store_trace_status_counts(struct store *s, const struct trace_pager *p,
			      int64_t counts[TRACE_STATUS_COUNT]);

/* The first and last start time of all traces (0, 0 when none). */
int store_trace_bounds(struct store *s, int64_t *first, int64_t *last);
/* The same for the traces p shows (its SQL filters and keep()): the
 * first and last start time among them, 0, 0 when none. 0 or -1. */
int store_trace_view_bounds(struct store *s, const struct trace_pager *p, int64_t *first,
			    int64_t *last);
/* Traces per (time bucket, status): n equal buckets of start times from
 * first to last, for the dashboard's outcome strip, counting the traces
 * that start in [from, to) (a slice of the time at a time: the caller
 * reads the whole in steps). each() gets bucket 0..n-1, a status name and
 * a count. 0 or -1. */
int store_trace_buckets(struct store *s, int64_t first, int64_t last, int n,
			int64_t from, int64_t to,
			int (*each)(void *ctx, int bucket, const char *status,
				    int64_t count),
			void *ctx);

#endif
