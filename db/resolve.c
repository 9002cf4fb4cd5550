/* resolve.c - give records that carry no bias their UTC offset after the
 * fact: the host's --tz override, else the bias that the host's other logs
 * show nearest in time, else UTC assumed. Idempotent: the local time is
 * recovered from utc and the effective bias, so a second run changes
 * nothing. The events of re-timed records and the files' time bounds
 * follow. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blockfmt.h"
#include "../lib/util.h"

/* The local time span of one block's explicit-bias records. */
struct resolve_seg {
	int64_t host_id;
	int64_t lo, hi;
	int16_t bias;
	size_t best;	/* index of the max-hi segment among this host's
			 * segments up to this one (prefix arg-max) */
};

struct resolve_override {
	int64_t host_id;
	int32_t bias;
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
static const char SQL_SEGMENTS[] =
	"SELECT f.host_id, b.bias, b.xlocal_min, b.xlocal_max"
	" FROM blocks b JOIN files f ON f.id = b.file_id"
	" WHERE b.bias IS NOT NULL ORDER BY f.host_id, b.xlocal_min";
static const char SQL_OVERRIDES[] =
	"SELECT id, tz_override FROM hosts WHERE tz_override IS NOT NULL"
	" ORDER BY id";
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
	" n_override = n_override + ?4, n_assumed = n_assumed + ?5"
	" WHERE id = ?1";

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
	int64_t *v;
	size_t n;
	if (resolve_pairs(c->s, SQL_OVERRIDES, &v, &n) < 0)
		return -1;
	c->ovr = xcalloc(n, sizeof(*c->ovr));
	for (size_t i = 0; i < n; i++)
		c->ovr[i] = (struct resolve_override){v[2 * i],
						      (int32_t)v[2 * i + 1]};
	c->novr = n;
	free(v);
	return 0;
}

static const struct resolve_override *resolve_find_override(
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
	int32_t bias;		/* of the override */
	enum offset_source source;	/* OFFSET_OVERRIDE, _HOST or _ASSUMED */
	size_t first, count;	/* the host's segments */
	int64_t delta[4];	/* change of the per-source counts */
	struct blockfmt_carry carry;
};

static void resolve_entry(const struct resolve_ctx *c, struct resolve_file *f,
			  struct block_entry *e)
{
	int64_t bias = e->bias_min == BLOCKFMT_NO_BIAS ? 0 : e->bias_min;
	int64_t local = e->utc_us - bias * 60000000;
	int32_t nb = 0;
	enum offset_source src = f->source;
	if (src == OFFSET_OVERRIDE)
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
		snprintf(c->s->err, sizeof(c->s->err), "%s: corrupt block"
			 " metadata in block %lld", c->s->path,
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
	for (int i = 0; i < 4; i++)
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
	if (!f->delta[0] && !f->delta[1] && !f->delta[2] && !f->delta[3])
		return 0;
	sqlite3_stmt *st = store_stmt(c->s, SQL_FILE_SOURCES);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, f->id);
	for (int i = 0; i < 4; i++)
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
	if (o) {
		f.source = OFFSET_OVERRIDE;
		f.bias = o->bias;
	} else if (f.count) {
		f.source = OFFSET_HOST;
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

static int resolve_all(struct resolve_ctx *c)
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
	for (size_t i = 0; rc == 0 && i < nfiles; i++)
		rc = resolve_file(c, files[2 * i], files[2 * i + 1]);
	free(files);
	return rc;
}

int store_resolve_offsets(struct store *s)
{
	if (store_exec(s, SQL_BEGIN) < 0)
		return -1;
	struct resolve_ctx *c = xcalloc(1, sizeof(*c));
	c->s = s;
	int rc = resolve_all(c);
	free(c->segs);
	free(c->ovr);
	free(c->events);
	free(c);
	if (rc == 0 && store_exec(s, SQL_COMMIT) == 0)
		return 0;
	store_rollback(s);
	return -1;
}
