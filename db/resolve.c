/* resolve.c - give records that carry no bias their UTC offset after the
 * fact: the host's --tz override, else the bias that the host's other logs
 * show nearest in time, else the bias learned from the host's event joins,
 * else UTC assumed. Idempotent: the local time is recovered from utc and
 * the effective bias, so a second run changes nothing. The events of
 * re-timed records and the files' time bounds follow.
 *
 * Learning runs after the first pass, when every other host's time is
 * settled: a host without any bias of its own (and no override) has all
 * its records at one bias (the one learned last time, or 0), so its
 * events' local times are utc minus that bias. Joined with events of
 * placed hosts (forwarded -> push_started, push_started -> task_received,
 * same TaskGUID: seconds apart), the median difference is its bias; only
 * hosts whose bias changed are re-timed in a second pass. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blockfmt.h"
#include "schema.h"
#include "../lib/util.h"
#include "../parsers/timeparse.h"

/* The local time span of one block's explicit-bias records. */
struct resolve_seg {
	int64_t host_id;
	int64_t lo, hi;
	int16_t bias;
	size_t best;	/* index of the max-hi segment among this host's
			 * segments up to this one (prefix arg-max) */
};

/* A host's --tz override and learned bias, as hosts holds them. */
struct resolve_override {
	int64_t host_id;
	bool has_ovr, has_joined;
	int32_t bias;		/* of the override */
	int32_t joined;		/* learned from joins */
};

/* An event of the block being resolved. */
struct resolve_event {
	int64_t id;
	int64_t seq;
	int64_t utc;
};

struct resolve_ctx {
	struct store *s;
	struct resolve_event *events;
	size_t events_cap;
	struct resolve_seg *segs;
	size_t nsegs;
	struct resolve_override *ovr;
	size_t novr;
	struct block_entry entries[STORE_BLOCK_RECORDS];
	unsigned char old_meta[STORE_BLOCK_RECORDS * BLOCKFMT_RECORD_BYTES];
	unsigned char new_meta[STORE_BLOCK_RECORDS * BLOCKFMT_RECORD_BYTES];
};

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
/* Only the hosts with unbiased records ask for their segments: reading
 * every block row (each most of a 64 KiB page, for its metadata) cost an
 * append 0.1-0.3 s at 10M records when only the site server's were due. */
static const char SQL_SEGMENTS[] =
	"SELECT f.host_id, b.bias, b.xlocal_min, b.xlocal_max"
	" FROM files f JOIN blocks b ON b.file_id = f.id"
	" WHERE f.host_id IN (SELECT host_id FROM files WHERE n_nobias > 0)"
	" AND b.bias IS NOT NULL ORDER BY f.host_id, b.xlocal_min";
static const char SQL_OVERRIDES[] =
	"SELECT id, tz_override, tz_joined FROM hosts"
	" WHERE tz_override IS NOT NULL OR tz_joined IS NOT NULL ORDER BY id";
static const char SQL_FILES[] =
	"SELECT id, host_id FROM files WHERE n_nobias > 0 ORDER BY id";
static const char SQL_FILE_BLOCKS[] =
	"SELECT id, seq FROM blocks WHERE file_id = ?1 ORDER BY seq";
static const char SQL_BLOCK_EVENTS[] =
	"SELECT id, seq, utc FROM events WHERE file_id = ?1 AND seq >= ?2"
	" AND seq < ?3";
static const char SQL_EVENT_UTC[] = "UPDATE events SET utc = ?2 WHERE id = ?1";
static const char SQL_BLOCK_META[] = "SELECT n, meta FROM blocks WHERE id = ?1";
static const char SQL_BLOCK_UPDATE[] =
	"UPDATE blocks SET meta = ?2, utc_min = ?3, utc_max = ?4, undated = ?5"
	" WHERE id = ?1";
static const char SQL_FILE_SOURCES[] =
	"UPDATE files SET n_explicit = n_explicit + ?2, n_host = n_host + ?3,"
	" n_override = n_override + ?4, n_assumed = n_assumed + ?5,"
	" n_psadt = n_psadt + ?6, n_joined = n_joined + ?7 WHERE id = ?1";

/* Collect (host_id, x) integer pairs from a two-column query. */
static int resolve_pairs(struct store *s, const char *sql, int64_t **out,
			 size_t *count)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	if (!st)
		return -1;
	size_t n = 0, cap = 0;
	int64_t *v = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * 2 * sizeof(*v));
		}
		v[2 * n] = sqlite3_column_int64(st, 0);
		v[2 * n + 1] = sqlite3_column_int64(st, 1);
		n++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s);
		free(v);
		v = NULL;
		n = 0;
	}
	sqlite3_reset(st);
	*out = v;
	*count = n;
	return rc == SQLITE_DONE ? 0 : -1;
}

static int resolve_load_segments(struct resolve_ctx *c)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_SEGMENTS);
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->nsegs == cap) {
			cap = cap ? cap * 2 : 64;
			c->segs = xrealloc(c->segs, cap * sizeof(*c->segs));
		}
		struct resolve_seg *g = &c->segs[c->nsegs];
		g->host_id = sqlite3_column_int64(st, 0);
		g->bias = (int16_t)sqlite3_column_int(st, 1);
		g->lo = sqlite3_column_int64(st, 2);
		g->hi = sqlite3_column_int64(st, 3);
		size_t prev = c->nsegs - 1;
		g->best = c->nsegs;
		if (c->nsegs && c->segs[prev].host_id == g->host_id &&
		    c->segs[c->segs[prev].best].hi >= g->hi)
			g->best = c->segs[prev].best;
		c->nsegs++;
	}
	if (rc != SQLITE_DONE)
		store_fail(c->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int resolve_load_overrides(struct resolve_ctx *c)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_OVERRIDES);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->ovr = xrealloc(c->ovr, (c->novr + 1) * sizeof(*c->ovr));
		c->ovr[c->novr++] = (struct resolve_override){
			.host_id = sqlite3_column_int64(st, 0),
			.has_ovr = sqlite3_column_type(st, 1) != SQLITE_NULL,
			.bias = sqlite3_column_int(st, 1),
			.has_joined = sqlite3_column_type(st, 2) != SQLITE_NULL,
			.joined = sqlite3_column_int(st, 2),
		};
	}
	if (rc != SQLITE_DONE)
		store_fail(c->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static struct resolve_override *resolve_find_override(
	const struct resolve_ctx *c, int64_t host_id)
{
	for (size_t i = 0; i < c->novr; i++)
		if (c->ovr[i].host_id == host_id)
			return &c->ovr[i];
	return NULL;
}

/* The host's segments: [*first, *first + *count). */
static void resolve_host_segs(const struct resolve_ctx *c, int64_t host_id,
			      size_t *first, size_t *count)
{
	size_t lo = 0, hi = c->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->segs[mid].host_id < host_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < c->nsegs && c->segs[end].host_id == host_id)
		end++;
	*first = lo;
	*count = end - lo;
}

/* The bias of the host's segment nearest to local time t (distance 0 when
 * inside one). Candidates: the segment reaching furthest among those that
 * start at or before t, and the first one starting after t; a tie goes to
 * the earlier. count > 0. */
static int16_t resolve_nearest(const struct resolve_ctx *c, size_t first,
			       size_t count, int64_t t)
{
	const struct resolve_seg *g = c->segs + first;
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g[mid].lo <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return g[0].bias;
	const struct resolve_seg *before = &c->segs[g[lo - 1].best];
	if (before->hi >= t || lo == count)
		return before->bias;
	uint64_t d_before = (uint64_t)t - (uint64_t)before->hi;
	uint64_t d_after = (uint64_t)g[lo].lo - (uint64_t)t;
	return d_after < d_before ? g[lo].bias : before->bias;
}

struct resolve_file {
	int64_t id;
	bool changed;		/* some block was rewritten */
	int32_t bias;		/* of the override or the learned bias */
	enum offset_source source;	/* OFFSET_OVERRIDE, _HOST, _JOINED or
					 * _ASSUMED */
	size_t first, count;	/* the host's segments */
	int64_t delta[OFFSET_SOURCE_COUNT];	/* change of the per-source
						 * counts */
	struct blockfmt_carry carry;
};

static void resolve_entry(const struct resolve_ctx *c, struct resolve_file *f,
			  struct block_entry *e)
{
	int64_t bias = e->bias_min == BLOCKFMT_NO_BIAS ? 0 : e->bias_min;
	int64_t local = e->utc_us - bias * 60000000;
	int32_t nb = 0;
	enum offset_source src = f->source;
	if (src == OFFSET_OVERRIDE || src == OFFSET_JOINED)
		nb = f->bias;
	else if (src == OFFSET_HOST)
		nb = resolve_nearest(c, f->first, f->count, local);
	e->bias_min = (int16_t)nb;
	e->offset_source = (uint8_t)src;
	e->utc_us = local + (int64_t)nb * 60000000;
}

static int resolve_store_block(struct resolve_ctx *c, int64_t block_id,
			       uint32_t n)
{
	struct blockfmt_bounds b;
	blockfmt_bounds(c->entries, n, &b);
	sqlite3_stmt *st = store_stmt(c->s, SQL_BLOCK_UPDATE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, block_id);
	sqlite3_bind_blob(st, 2, c->new_meta, (int)(n * BLOCKFMT_RECORD_BYTES),
			  SQLITE_STATIC);
	if (b.dated) {
		sqlite3_bind_int64(st, 3, b.utc_min);
		sqlite3_bind_int64(st, 4, b.utc_max);
	}
	sqlite3_bind_int64(st, 5, b.undated);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(c->s);
	sqlite3_reset(st);
	return rc;
}

/* Load a block's entries into c->entries (and its packed form into
 * c->old_meta). Returns the entry count or -1. */
static int resolve_load_block(struct resolve_ctx *c, int64_t block_id)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_BLOCK_META);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, block_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_fail(c->s);
		sqlite3_reset(st);
		return -1;
	}
	int64_t n = sqlite3_column_int64(st, 0);
	size_t bytes = (size_t)sqlite3_column_bytes(st, 1);
	if (n < 0 || n > STORE_BLOCK_RECORDS ||
	    bytes != (size_t)n * BLOCKFMT_RECORD_BYTES) {
		snprintf(c->s->err, sizeof(c->s->err), "%s: corrupt block %lld:"
			 " metadata does not match its record count", c->s->path,
			 (long long)block_id);
		sqlite3_reset(st);
		return -1;
	}
	if (bytes)
		memcpy(c->old_meta, sqlite3_column_blob(st, 1), bytes);
	sqlite3_reset(st);
	for (int64_t i = 0; i < n; i++)
		blockfmt_unpack(c->old_meta + i * BLOCKFMT_RECORD_BYTES,
				&c->entries[i]);
	return (int)n;
}

/* Load the events of records [seq, seq + n) of the file into c->events;
 * returns their count or -1. The updates come after: no table is changed
 * under a running SELECT. */
static int resolve_load_events(struct resolve_ctx *c, int64_t file_id,
			       int64_t seq, uint32_t n)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_BLOCK_EVENTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_int64(st, 3, seq + n);
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == c->events_cap) {
			c->events_cap = c->events_cap ? c->events_cap * 2 : 16;
			c->events = xrealloc(c->events, c->events_cap *
					     sizeof(*c->events));
		}
		c->events[count++] = (struct resolve_event){
			sqlite3_column_int64(st, 0),
			sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2)};
	}
	if (rc != SQLITE_DONE)
		store_fail(c->s);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? (int)count : -1;
}

/* Give the block's events the new times of their records. */
static int resolve_block_events(struct resolve_ctx *c, int64_t file_id,
				int64_t seq, uint32_t n)
{
	int count = resolve_load_events(c, file_id, seq, n);
	for (int i = 0; i < count; i++) {
		const struct resolve_event *ev = &c->events[i];
		int64_t utc = c->entries[ev->seq - seq].utc_us;
		if (utc == ev->utc)
			continue;
		if (ev->id < c->s->retimed_min_id)
			c->s->retimed_min_id = ev->id;
		sqlite3_stmt *st = store_stmt(c->s, SQL_EVENT_UTC);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, ev->id);
		sqlite3_bind_int64(st, 2, utc);
		int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(c->s);
		sqlite3_reset(st);
		if (rc < 0)
			return -1;
	}
	return count < 0 ? -1 : 0;
}

static int resolve_block(struct resolve_ctx *c, struct resolve_file *f,
			 int64_t block_id, int64_t seq)
{
	int n = resolve_load_block(c, block_id);
	if (n < 0)
		return -1;
	struct blockfmt_tally before = {0}, after = {0};
	blockfmt_tally(&before, c->entries, (uint32_t)n, 1);
	for (int i = 0; i < n; i++) {
		struct block_entry *e = &c->entries[i];
		if ((e->flags & BLOCKFMT_TIMED) &&
		    !(e->flags & BLOCKFMT_EXPLICIT))
			resolve_entry(c, f, e);
	}
	blockfmt_settle(c->entries, (uint32_t)n, &f->carry);
	blockfmt_tally(&after, c->entries, (uint32_t)n, 1);
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		f->delta[i] += after.src[i] - before.src[i];
	for (int i = 0; i < n; i++)
		blockfmt_pack(c->new_meta + (size_t)i * BLOCKFMT_RECORD_BYTES,
			      &c->entries[i]);
	size_t bytes = (size_t)n * BLOCKFMT_RECORD_BYTES;
	if (bytes == 0 || memcmp(c->old_meta, c->new_meta, bytes) == 0)
		return 0;
	f->changed = true;
	if (resolve_store_block(c, block_id, (uint32_t)n) < 0)
		return -1;
	return resolve_block_events(c, f->id, seq, (uint32_t)n);
}

static int resolve_file_counts(struct resolve_ctx *c,
			       const struct resolve_file *f)
{
	if (f->changed && store_file_bounds(c->s, f->id) < 0)
		return -1;
	bool any = false;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		any |= f->delta[i] != 0;
	if (!any)
		return 0;
	sqlite3_stmt *st = store_stmt(c->s, SQL_FILE_SOURCES);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, f->id);
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		sqlite3_bind_int64(st, 2 + i, f->delta[i]);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(c->s);
	sqlite3_reset(st);
	return rc;
}

static int resolve_file(struct resolve_ctx *c, int64_t file_id,
			int64_t host_id)
{
	struct resolve_file f = {.id = file_id, .source = OFFSET_ASSUMED};
	const struct resolve_override *o = resolve_find_override(c, host_id);
	resolve_host_segs(c, host_id, &f.first, &f.count);
	if (o && o->has_ovr) {
		f.source = OFFSET_OVERRIDE;
		f.bias = o->bias;
	} else if (f.count) {
		f.source = OFFSET_HOST;
	} else if (o && o->has_joined) {
		f.source = OFFSET_JOINED;
		f.bias = o->joined;
	}
	/* The block ids and seqs first: the blocks are updated while we
	 * go. */
	int64_t *ids;
	size_t n;
	sqlite3_stmt *st = store_stmt(c->s, SQL_FILE_BLOCKS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, file_id);
	size_t cap = 0;
	int rc;
	ids = NULL;
	n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * 2 * sizeof(*ids));
		}
		ids[2 * n] = sqlite3_column_int64(st, 0);
		ids[2 * n + 1] = sqlite3_column_int64(st, 1);
		n++;
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(c->s);
	sqlite3_reset(st);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = resolve_block(c, &f, ids[2 * i], ids[2 * i + 1]);
	free(ids);
	return rc < 0 ? -1 : resolve_file_counts(c, &f);
}

/* ---- learning a host's bias from joins ---- */

/* A host whose logs carry no bias and that has no override. */
struct learn_host {
	int64_t host_id;
	int32_t cur;		/* the bias its records carry now */
	bool had;		/* hosts.tz_joined was set */
	int64_t *delta;		/* (placed time) - (its time taken as UTC) */
	size_t n, cap;
};

#define LEARN_MAX_PAIRS (1u << 20)	/* per host: plenty for a median */

/* The joins: (earlier kind, later kind) of one TaskGUID on two hosts,
 * each its own statement with the kinds written in: only literal kinds
 * let SQLite use the partial index events_learn (db/schema.c), whose
 * WHERE names the same three kinds. With it each join is two index
 * searches per pair; without it, a scan of every event row and an
 * automatic index built on the fly, for each join (1 s at 10M records). */
_Static_assert(EV_FORWARDED == 4 && EV_PUSH_STARTED == 6 &&
	       EV_TASK_RECEIVED == 10, "events_learn and the joins name kinds");
#define LEARN_PAIRS(ka, kb)						\
	"WITH cand(id) AS (SELECT value FROM json_each(?1))"		\
	" SELECT fa.host_id, a.utc, fb.host_id, b.utc FROM events a"	\
	" JOIN files fa ON fa.id = a.file_id"				\
	" JOIN events b ON b.guid = a.guid AND b.kind = " kb		\
	" JOIN files fb ON fb.id = b.file_id"				\
	" WHERE a.kind = " ka " AND a.utc <> 0"				\
	" AND b.utc <> 0 AND fa.host_id <> fb.host_id"			\
	" AND (fa.host_id IN cand OR fb.host_id IN cand)"
static const char *const learn_joins[] = {
	LEARN_PAIRS("4", "6"),		/* forwarded, push started */
	LEARN_PAIRS("6", "10"),		/* push started, task received */
};
static const char SQL_LEARN_SET[] =
	"UPDATE hosts SET tz_joined = ?2, tz_joined_pairs = ?3 WHERE id = ?1";
static const char SQL_LEARN_CLEAR[] =
	"UPDATE hosts SET tz_joined = NULL, tz_joined_pairs = NULL"
	" WHERE tz_joined IS NOT NULL AND id NOT IN"
	" (SELECT value FROM json_each(?1))";

static struct learn_host *learn_find(struct learn_host *h, size_t n,
				     int64_t host_id)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].host_id == host_id)
			return &h[i];
	return NULL;
}

/* Hosts of the files needing an offset that have neither segments nor an
 * override. files: (file_id, host_id) pairs. */
static struct learn_host *learn_candidates(const struct resolve_ctx *c,
					   const int64_t *files, size_t nfiles,
					   size_t *count)
{
	struct learn_host *h = NULL;
	size_t n = 0;
	for (size_t i = 0; i < nfiles; i++) {
		int64_t host = files[2 * i + 1];
		size_t first, nseg;
		resolve_host_segs(c, host, &first, &nseg);
		const struct resolve_override *o = resolve_find_override(c, host);
		if (nseg || (o && o->has_ovr) || learn_find(h, n, host))
			continue;
		h = xrealloc(h, (n + 1) * sizeof(*h));
		h[n++] = (struct learn_host){
			.host_id = host,
			.had = o && o->has_joined,
			.cur = o && o->has_joined ? o->joined : 0,
		};
	}
	*count = n;
	return h;
}

static void learn_add(struct learn_host *h, int64_t delta)
{
	if (h->n == LEARN_MAX_PAIRS)
		return;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->delta = xrealloc(h->delta, h->cap * sizeof(*h->delta));
	}
	h->delta[h->n++] = delta;
}

/* "[id,id,...]" of the candidates, for json_each. */
static char *learn_ids(const struct learn_host *h, size_t n)
{
	struct buf b = {0};
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)h[i].host_id);
	buf_putc(&b, ']');
	return b.data;
}

static int learn_pairs(struct resolve_ctx *c, struct learn_host *h, size_t n,
		       const char *ids)
{
	/* IF NOT EXISTS: built once, then kept up to date by appends; a
	 * bulk load drops it with the time index. */
	if (sqlite3_exec(c->s->db, schema_learn_index, NULL, NULL, NULL) !=
	    SQLITE_OK)
		return store_fail(c->s);
	for (size_t k = 0; k < sizeof(learn_joins) / sizeof(learn_joins[0]); k++) {
		sqlite3_stmt *st = store_stmt(c->s, learn_joins[k]);
		if (!st)
			return -1;
		store_bind_text(st, 1, ids);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t ha = sqlite3_column_int64(st, 0);
			int64_t ua = sqlite3_column_int64(st, 1);
			int64_t hb = sqlite3_column_int64(st, 2);
			int64_t ub = sqlite3_column_int64(st, 3);
			struct learn_host *la = learn_find(h, n, ha);
			struct learn_host *lb = learn_find(h, n, hb);
			if (la && !lb)	/* a came first: a's UTC ~ ub */
				learn_add(la, ub - (ua - (int64_t)la->cur *
						    US_PER_MIN));
			else if (lb && !la)
				learn_add(lb, ua - (ub - (int64_t)lb->cur *
						    US_PER_MIN));
		}
		if (rc != SQLITE_DONE)
			store_fail(c->s);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* Record the learned bias (or its absence) and put it where resolve_file
 * finds it. Returns 1 when the host's files must be re-timed. */
static int learn_settle(struct resolve_ctx *c, struct learn_host *h)
{
	int32_t bias = 0;
	bool ok = bias_from_deltas(h->delta, h->n, &bias);
	sqlite3_stmt *st = store_stmt(c->s, SQL_LEARN_SET);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, h->host_id);
	if (ok) {
		sqlite3_bind_int(st, 2, bias);
		sqlite3_bind_int64(st, 3, (int64_t)h->n);
	}
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(c->s);
	sqlite3_reset(st);
	if (rc < 0 || (ok == h->had && (!ok || bias == h->cur)))
		return rc;
	struct resolve_override *o = resolve_find_override(c, h->host_id);
	if (!o) {
		c->ovr = xrealloc(c->ovr, (c->novr + 1) * sizeof(*c->ovr));
		o = &c->ovr[c->novr++];
		*o = (struct resolve_override){.host_id = h->host_id};
	}
	o->has_joined = ok;
	o->joined = ok ? bias : 0;
	return 1;
}

static int learn_clear_others(struct resolve_ctx *c, const char *ids)
{
	sqlite3_stmt *st = store_stmt(c->s, SQL_LEARN_CLEAR);
	if (!st)
		return -1;
	store_bind_text(st, 1, ids);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(c->s);
	sqlite3_reset(st);
	return rc;
}

/* Learn the candidates' biases; re-time the files of those that changed. */
static int resolve_learn(struct resolve_ctx *c, const int64_t *files,
			 size_t nfiles)
{
	size_t n;
	struct learn_host *h = learn_candidates(c, files, nfiles, &n);
	char *ids = learn_ids(h, n);
	int rc = learn_clear_others(c, ids);
	if (rc == 0 && n)
		rc = learn_pairs(c, h, n, ids);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int again = learn_settle(c, &h[i]);
		if (again < 0)
			rc = -1;
		for (size_t j = 0; again > 0 && rc == 0 && j < nfiles; j++)
			if (files[2 * j + 1] == h[i].host_id)
				rc = resolve_file(c, files[2 * j], h[i].host_id);
	}
	for (size_t i = 0; i < n; i++)
		free(h[i].delta);
	free(h);
	free(ids);
	return rc;
}

/* all: re-time every unbiased log (the first pass), else only when this
 * handle stored a file that can move them (resolve_needed); the learning
 * runs either way and re-times only the hosts whose learned bias moved. */
static int resolve_all(struct resolve_ctx *c, bool all)
{
	int64_t *files;
	size_t nfiles;
	if (resolve_pairs(c->s, SQL_FILES, &files, &nfiles) < 0)
		return -1;
	/* Most bundles are all explicit: skip the segment scan then. */
	if (nfiles && (resolve_load_segments(c) < 0 || resolve_load_overrides(c) < 0)) {
		free(files);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; (all || c->s->resolve_needed) && rc == 0 && i < nfiles; i++)
		rc = resolve_file(c, files[2 * i], files[2 * i + 1]);
	if (rc == 0)
		rc = resolve_learn(c, files, nfiles);
	free(files);
	return rc;
}

bool store_resolve_needed(const struct store *s)
{
	return s->resolve_needed || s->join_events;
}

int64_t store_resolve_retimed_min(const struct store *s)
{
	return s->retimed_min_id;
}

static int resolve_run(struct store *s, bool all)
{
	s->retimed_min_id = INT64_MAX;
	if (store_exec(s, SQL_BEGIN) < 0)
		return -1;
	struct resolve_ctx *c = xcalloc(1, sizeof(*c));
	c->s = s;
	int rc = resolve_all(c, all);
	free(c->segs);
	free(c->ovr);
	free(c->events);
	free(c);
	if (rc == 0 && store_exec(s, SQL_COMMIT) == 0) {
		/* Settled: what this handle stores from now on is what the
		 * next update looks at (a --follow handle lives for hours). */
		s->resolve_needed = false;
		s->join_events = 0;
		return 0;
	}
	store_rollback(s);
	return -1;
}

int store_resolve_offsets(struct store *s)
{
	return resolve_run(s, true);
}

int store_resolve_update(struct store *s)
{
	return resolve_run(s, false);
}
