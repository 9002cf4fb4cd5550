/* test_store_log.c - the merged log's cursor (db/logcursor.c): forward and
 * backward paging from any position give the full merge's order, with
 * ties across and within files, files that go back in time (several
 * runs), blocks whose records go back (late writers), records with no
 * time, filters (time, component, pattern), an empty store and a single
 * file; and the stored-text reading `log`'s second thread decodes from
 * (store_log_next_entry). The reference is store_log's forward order, itself checked
 * against a sort in test_store.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "../../db/store.h"
#include "../../db/blocktext.h"
#include "store_fixture.h"
#include "../../lib/util.h"

#define SEC_US INT64_C(1000000)
#define T0 (INT64_C(1790000000) * SEC_US)

/* ---- a store of hand-made files ---- */

struct gen {
	struct store *s;
	struct store_writer *w;
	uint32_t line;
};

static void gen_begin(struct gen *g, const char *name, const char *host)
{
	struct store_file_meta m = {
		.source = name, .path = name, .host = host, .name = name,
		.log_name = name, .role = ROLE_AGENT, .mtime = 1, .head_hash = 42,
	};
	struct store_resume resume;
	g->w = store_file_begin(g->s, &m, PLAN_NEW, &resume);
	if (!g->w)
		fail_msg("store_file_begin: %s", store_error(g->s));
	g->line = 0;
}

/* One record at t (quarter seconds after T0; < 0: no time of its own),
 * of CCM type (-1: none, then its keywords give its severity). */
static void gen_put_typed(struct gen *g, int64_t t, const char *comp, const char *what,
			  int type)
{
	char text[128];
	int n = snprintf(text, sizeof(text), "%s %s line %u\n", comp, what, g->line + 1);
	struct log_record lr = {0};
	lr.text = text;
	lr.len = (size_t)n;
	lr.line = ++g->line;
	lr.message = (struct span){0, (uint32_t)n - 1};
	lr.component = (struct span){0, (uint32_t)strlen(comp)};
	lr.time_text = (struct span){0, 4};
	lr.has_time = t >= 0;
	lr.local_us = t >= 0 ? T0 + t * (SEC_US / 4) : 0;
	lr.has_bias = true;
	lr.type = (int8_t)type;
	lr.keyword_sev = (uint8_t)keyword_severity_of(text, (size_t)n - 1);
	lr.thread = -1;
	const struct record_sink *sink = store_writer_sink(g->w);
	if (sink->record(sink->ctx, &lr) != 0)
		fail_msg("record(): %s", store_error(g->s));
}

static void gen_put(struct gen *g, int64_t t, const char *comp, const char *what)
{
	gen_put_typed(g, t, comp, what, -1);
}

static void gen_commit(struct gen *g)
{
	struct store_file_final f = {.format = "plain", .encoding = "utf-8",
				     .content_hash = 99, .size = 1234};
	assert_int_equal(store_file_commit(g->w, &f), 0);
}

/* Four files over more than two blocks each: in order with ties inside
 * and across files; a clock set back (two runs); late writers (blocks
 * out of order); untimed records first (no time) and inherited times. */
static void make_store(struct store *s)
{
	struct gen g = { .s = s };
	gen_begin(&g, "a.log", "HOSTA");
	for (int i = 0; i < 2500; i++)
		gen_put(&g, i / 3, i % 2 ? "Alpha" : "Beta", "in order");
	gen_commit(&g);
	gen_begin(&g, "b.log", "HOSTB");
	for (int i = 0; i < 1500; i++)
		gen_put(&g, i / 2, "Alpha", "first pass");
	for (int i = 0; i < 1500; i++)
		gen_put(&g, 100 + i / 2, "Gamma", "clock set back");
	gen_commit(&g);
	gen_begin(&g, "c.log", "HOSTA");
	for (int i = 0; i < 2200; i++)
		gen_put(&g, i % 7 == 3 ? i / 2 - 20 : i / 2, "Beta", "late writer");
	gen_commit(&g);
	gen_begin(&g, "d.log", "HOSTC");
	for (int i = 0; i < 30; i++)
		gen_put(&g, -1, "Delta", "no time yet");
	for (int i = 0; i < 1200; i++)
		gen_put(&g, i % 5 ? -1 : 300 + i, "Delta", "sometimes timed");
	gen_commit(&g);
}

/* ---- the reference and the cursor's view of it ---- */

struct key {
	int64_t utc, file;
	uint64_t seq;
	uint32_t line;
	enum severity sev;
};

struct keys {
	size_t n, cap;
	struct key *v;
};

static void keys_add(struct keys *k, const struct stored_record *r)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 1024;
		k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	k->v[k->n++] = (struct key){ r->utc_us, r->file_id, r->seq, r->line,
				     severity_of(r->type, r->keyword_sev) };
	/* the text is the record's own: its line number is in it */
	char want[32];
	int n = snprintf(want, sizeof(want), "line %u\n", r->line);
	assert_true(r->len >= (size_t)n);
	assert_memory_equal(r->text + r->len - (size_t)n, want, (size_t)n);
}

static int collect(void *ctx, const struct stored_record *r)
{
	keys_add(ctx, r);
	return 0;
}

static struct keys reference(struct store *s, const struct log_query *q)
{
	struct keys k = {0};
	assert_int_equal(store_log(s, q, collect, &k), 0);
	for (size_t i = 1; i < k.n; i++) {	/* strictly increasing keys */
		const struct key *a = &k.v[i - 1], *b = &k.v[i];
		if (a->utc > b->utc) fprintf(stderr, "at %zu: %lld f%lld s%llu > %lld f%lld s%llu\n", i, (long long)(a->utc - T0), (long long)a->file, (unsigned long long)a->seq, (long long)(b->utc - T0), (long long)b->file, (unsigned long long)b->seq);
		assert_true(a->utc < b->utc || (a->utc == b->utc &&
			    (a->file < b->file || (a->file == b->file && a->seq < b->seq))));
	}
	return k;
}

static const char *phase = "";
static void assert_key(const struct key *want, const struct stored_record *r)
{
	if (r->utc_us != want->utc || r->file_id != want->file || r->seq != want->seq)
		fprintf(stderr, "%s: want %lld f%lld s%llu got %lld f%lld s%llu\n", phase,
			(long long)(want->utc - T0), (long long)want->file, (unsigned long long)want->seq,
			(long long)(r->utc_us - T0), (long long)r->file_id, (unsigned long long)r->seq);
	assert_int_equal(r->utc_us, want->utc);
	assert_int_equal(r->file_id, want->file);
	assert_int_equal(r->seq, want->seq);
	assert_int_equal(r->line, want->line);
}

static struct log_pos pos_of(const struct key *k)
{
	return (struct log_pos){ k->utc, k->file, k->seq };
}

/* From a seek to ref[at]: count records backward and forward (and back
 * again) match the reference around it. */
static void check_around(struct log_cursor *c, const struct keys *ref, size_t at, size_t count)
{
	struct stored_record r;
	struct keys scratch = {0};
	if (at < ref->n) {
		struct log_pos p = pos_of(&ref->v[at]);
		store_log_seek(c, &p);
	} else {
		store_log_seek(c, &(struct log_pos){ INT64_MAX, INT64_MAX, UINT64_MAX });
	}
	for (size_t i = 0; i < count; i++) {
		int rc = store_log_prev(c, &r, NULL);
		if (i >= at) {
			assert_int_equal(rc, STORE_LOG_END);
			break;
		}
		assert_int_equal(rc, STORE_LOG_RECORD);
		keys_add(&scratch, &r);
		assert_key(&ref->v[at - 1 - i], &r);
	}
	/* turn round: forward from there passes the seek point */
	size_t from = at > count ? at - count : 0;
	for (size_t i = from; i < at + count; i++) {
		int rc = store_log_next(c, &r, NULL);
		if (i >= ref->n) {
			assert_int_equal(rc, STORE_LOG_END);
			break;
		}
		assert_int_equal(rc, STORE_LOG_RECORD);
		assert_key(&ref->v[i], &r);
	}
	/* and back one: the record just taken */
	size_t last = at + count < ref->n ? at + count : ref->n;
	if (last > 0) {
		assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&ref->v[last - 1], &r);
	}
	free(scratch.v);
}

/* store_log_next_entry over q: the same records as store_log_next, each
 * block's stored text handed out with its run's first record of it, the
 * records' texts the same bytes once that is decoded, and every field
 * the same as in store_log_next's record. */
static void check_stored(struct store *s, const struct log_query *q, const struct keys *ref)
{
	struct log_cursor *plain = store_log_open(s, q), *ent = store_log_open(s, q);
	assert_non_null(plain);
	assert_non_null(ent);
	struct log_entry e;
	struct log_text_ref tr;
	struct blocktext_scratch *runs = NULL;
	const char **text = NULL;	/* each run's decoded text, NULL: none yet */
	int64_t *file = NULL;		/* each run's file, from its last ref */
	size_t nruns = 0;
	struct stored_record want;
	phase = "stored";
	for (size_t i = 0; i < ref->n; i++) {
		assert_int_equal(store_log_next_entry(ent, &e, &tr), STORE_LOG_RECORD);
		assert_int_equal(store_log_next(plain, &want, NULL), STORE_LOG_RECORD);
		assert_key(&ref->v[i], &want);
		assert_int_equal(e.run, tr.run);
		assert_int_equal(e.off, tr.off);
		if (tr.run >= nruns) {
			runs = xrealloc(runs, (tr.run + 1) * sizeof(*runs));
			text = xrealloc(text, (tr.run + 1) * sizeof(*text));
			file = xrealloc(file, (tr.run + 1) * sizeof(*file));
			for (; nruns <= tr.run; nruns++) {
				runs[nruns] = (struct blocktext_scratch){0};
				text[nruns] = NULL;
				file[nruns] = -1;
			}
		}
		if (tr.stored) {
			const char *why;
			size_t len;
			assert_int_equal(blocktext_decode(tr.stored, tr.stored_len, &runs[tr.run],
							  &text[tr.run], &len, &why), 0);
			assert_int_equal(len, tr.raw_len);
			assert_string_equal(tr.host ? tr.host : "", want.host ? want.host : "");
			assert_string_equal(tr.path, want.path);
			file[tr.run] = tr.file_id;
		}
		assert_non_null(text[tr.run]);	/* a run's first record brings its text */
		assert_int_equal(file[tr.run], want.file_id);
		assert_memory_equal(text[tr.run] + tr.off, want.text, want.len);
		assert_int_equal(e.utc_us, want.utc_us);
		assert_string_equal(e.component, want.component);
		assert_int_equal(e.line, want.line);
		assert_int_equal(e.thread, want.thread);
		assert_int_equal(e.message.off, want.message.off);
		assert_int_equal(e.message.len, want.message.len);
		assert_int_equal(e.time_text.off, want.time_text.off);
		assert_int_equal(e.time_text.len, want.time_text.len);
		assert_int_equal(e.bias_min, want.bias_min);
		assert_int_equal(e.type, want.type);
		assert_int_equal(e.keyword_sev, want.keyword_sev);
		assert_int_equal(e.offset_source, want.offset_source);
		assert_int_equal(!!(e.flags & LOG_ENTRY_TIMED), want.timed);
		assert_int_equal(!!(e.flags & LOG_ENTRY_DATED), want.dated);
		assert_int_equal(!!(e.flags & LOG_ENTRY_PARTIAL), want.partial);
	}
	assert_int_equal(store_log_next_entry(ent, &e, &tr), STORE_LOG_END);
	for (size_t i = 0; i < nruns; i++)
		blocktext_scratch_free(&runs[i]);
	free(runs);
	free(text);
	free(file);
	store_log_close(plain);
	store_log_close(ent);
}

/* The cursor over q gives ref (q's records in order) whichever way it
 * goes, from wherever it seeks; without a pattern, store_log_next_entry
 * too. */
static void check_cursor(struct store *s, const struct log_query *q, const struct keys *refp)
{
	struct keys ref = *refp;
	if (!q->grep)
		check_stored(s, q, refp);
	struct log_cursor *c = store_log_open(s, q);
	assert_non_null(c);
	struct stored_record r;
	/* the whole log forward, then the whole log backward */
	phase = "fwd";
	for (size_t i = 0; i < ref.n; i++) {
		assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&ref.v[i], &r);
	}
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	phase = "back";
	for (size_t i = ref.n; i-- > 0;) {
		assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&ref.v[i], &r);
	}
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
	/* pages from positions all over it, the ends included */
	size_t step = ref.n / 37 + 1;
	phase = "around";
	for (size_t at = 0; at <= ref.n; at += step)
		check_around(c, &ref, at, 50);
	check_around(c, &ref, ref.n, 50);
	/* the rank of a record is its index (no per-record filter only) */
	if (!q->grep && !q->component && !q->has_since && !q->has_until && !q->min_sev) {
		for (size_t at = 0; at < ref.n; at += step / 3 + 1) {
			int64_t n = -1;
			struct log_pos p = pos_of(&ref.v[at]);
			assert_int_equal(store_log_rank(c, &p, &n), 0);
			assert_int_equal(n, (int64_t)at);
		}
		int64_t n = -1;
		assert_int_equal(store_log_rank(c, &(struct log_pos){ INT64_MAX, 0, 0 }, &n), 0);
		assert_int_equal(n, (int64_t)ref.n);
	}
	/* a seek between records: a time no record has */
	if (ref.n > 10) {
		struct log_pos p = { ref.v[ref.n / 2].utc, INT64_MIN, 0 };
		store_log_seek(c, &p);
		size_t i = 0;
		while (i < ref.n && ref.v[i].utc < p.utc)
			i++;
		assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&ref.v[i], &r);
	}
	store_log_close(c);
}

static void check_query(struct store *s, const struct log_query *q, size_t expect_min)
{
	struct keys ref = reference(s, q);
	assert_true(ref.n >= expect_min);
	check_cursor(s, q, &ref);
	free(ref.v);
}

/* ---- tests ---- */

static void test_cursor_empty_store(void **state)
{
	struct store *s = *state;
	struct log_query q = {0};
	struct log_cursor *c = store_log_open(s, &q);
	assert_non_null(c);
	struct stored_record r;
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
	store_log_seek(c, &(struct log_pos){ T0, 1, 0 });
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	store_log_close(c);
}

static void test_cursor_single_file(void **state)
{
	struct store *s = *state;
	struct gen g = { .s = s };
	gen_begin(&g, "one.log", "ONE");
	for (int i = 0; i < 2100; i++)
		gen_put(&g, i / 4, "Solo", "alone");
	gen_commit(&g);
	check_query(s, &(struct log_query){0}, 2100);
}

static void test_cursor_merge_order(void **state)
{
	struct store *s = *state;
	make_store(s);
	check_query(s, &(struct log_query){0}, 2500 + 3000 + 2200 + 1230);
}

static void test_cursor_filters(void **state)
{
	struct store *s = *state;
	make_store(s);
	/* the time filter, on both sides */
	struct log_query q = { .has_since = true, .since_us = T0 + 120 * SEC_US,
			       .has_until = true, .until_us = T0 + 300 * SEC_US };
	check_query(s, &q, 100);
	/* a component, a host */
	check_query(s, &(struct log_query){ .component = "gamma" }, 1500);
	check_query(s, &(struct log_query){ .host = "hosta" }, 2500 + 2200);
	/* a component no record has: nothing, both ways */
	check_query(s, &(struct log_query){ .component = "nosuch" }, 0);
	/* a pattern: per record and over whole blocks */
	static const char *const pats[] = { "line 1[0-9]{2}\n?", "(?:set back|late)" };
	for (size_t i = 0; i < 2; i++) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED,
					       PCRE2_UTF, &err, &off, NULL);
		assert_non_null(re);
		q = (struct log_query){ .grep = re, .grep_text = pats[i] };
		check_query(s, &q, 100);
		q.grep_text = NULL;	/* record by record */
		check_query(s, &q, 100);
		pcre2_code_free(re);
	}
}

/* A pattern that matches rarely: the cursor passes over blocks with no
 * match, both ways, and meets the one match from either side. */
static void test_cursor_rare_match(void **state)
{
	struct store *s = *state;
	make_store(s);
	const char *pat = "clock set back line 2999";
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
				       &err, &off, NULL);
	struct log_query q = { .grep = re, .grep_text = pat };
	struct log_cursor *c = store_log_open(s, &q);
	struct stored_record r;
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
	assert_int_equal(r.line, 2999);
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
	assert_int_equal(r.line, 2999);
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
	store_log_close(c);
	pcre2_code_free(re);
}

/* tick() cancels a step; the next call goes on where it was. */
static int cancel_once(void *ctx, int64_t utc_us, uint64_t seen)
{
	(void)utc_us;
	(void)seen;
	int *n = ctx;
	return (*n)++ == 0;
}

static void test_cursor_cancel_resumes(void **state)
{
	struct store *s = *state;
	make_store(s);
	struct keys ref = reference(s, &(struct log_query){0});
	int ticks = 0;
	struct log_query q = { .tick = cancel_once, .tick_ctx = &ticks };
	struct log_cursor *c = store_log_open(s, &q);
	struct stored_record r;
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_CANCELLED);
	for (size_t i = 0; i < 3000; i++) {
		assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&ref.v[i], &r);
	}
	store_log_close(c);
	free(ref.v);
}

/* A file with a gap in time between two blocks, the position in it:
 * going back, the block after the gap is not read (its records all come
 * after the position), only the block that holds the record before. */
static int count_tick(void *ctx, int64_t utc_us, uint64_t seen)
{
	(void)utc_us;
	(void)seen;
	(*(int *)ctx)++;
	return 0;
}

static void test_cursor_gap_between_blocks(void **state)
{
	struct store *s = *state;
	struct gen g = { .s = s };
	gen_begin(&g, "a.log", "HOSTA");
	for (int i = 0; i < 3000; i++)
		gen_put(&g, i, "Alpha", "steady");
	gen_commit(&g);
	gen_begin(&g, "g.log", "HOSTG");
	for (int i = 0; i < 2 * STORE_BLOCK_RECORDS; i++)
		gen_put(&g, i < STORE_BLOCK_RECORDS ? i : 2000 + i, "Gamma", "a gap");
	gen_commit(&g);
	check_query(s, &(struct log_query){0}, 3000 + 2 * STORE_BLOCK_RECORDS);
	int ticks = 0;
	struct log_query q = { .tick = count_tick, .tick_ctx = &ticks };
	struct log_cursor *c = store_log_open(s, &q);
	struct stored_record r;
	/* t = 1500 (quarter seconds): g.log's second block starts at 3024 */
	store_log_seek(c, &(struct log_pos){ T0 + 1500 * SEC_US / 4, INT64_MIN, 0 });
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
	assert_int_equal(r.utc_us, T0 + 1499 * SEC_US / 4);
	assert_int_equal(ticks, 1);	/* a.log's block alone */
	store_log_close(c);
}

/* ---- the severity filter ---- */

/* make_store's shapes with severities: a.log a rare warning and one
 * error; b.log (two runs) nothing worse than info, so its tallies pass it
 * over whole; c.log (late writers) warnings by keyword, in one stretch
 * only; d.log an error among its untimed records and a warning among
 * the timed ones now and then. */
static void make_sev_store(struct store *s)
{
	struct gen g = { .s = s };
	gen_begin(&g, "a.log", "HOSTA");
	for (int i = 0; i < 2500; i++)
		gen_put_typed(&g, i / 3, i % 2 ? "Alpha" : "Beta", "in order",
			      i == 1777 ? 3 : i % 700 == 5 ? 2 : 1);
	gen_commit(&g);
	gen_begin(&g, "b.log", "HOSTB");
	for (int i = 0; i < 1500; i++)
		gen_put_typed(&g, i / 2, "Alpha", "first pass", i % 3 ? 1 : 0);
	for (int i = 0; i < 1500; i++)
		gen_put_typed(&g, 100 + i / 2, "Gamma", "clock set back", 1);
	gen_commit(&g);
	gen_begin(&g, "c.log", "HOSTA");
	for (int i = 0; i < 2200; i++)
		gen_put(&g, i % 7 == 3 ? i / 2 - 20 : i / 2, "Beta",
			i >= 1100 && i < 1300 && i % 50 == 0 ? "late warning" : "late writer");
	gen_commit(&g);
	gen_begin(&g, "d.log", "HOSTC");
	for (int i = 0; i < 30; i++)
		gen_put_typed(&g, -1, "Delta", "no time yet", i == 10 ? 3 : 1);
	for (int i = 0; i < 1200; i++)
		gen_put_typed(&g, i % 5 ? -1 : 300 + i, "Delta", "sometimes timed",
			      i % 300 == 7 ? 2 : 1);
	gen_commit(&g);
}

static int key_cmp(const struct key *a, const struct key *b)
{
	if (a->utc != b->utc)
		return a->utc < b->utc ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* The records of all at sev or worse. */
static struct keys keys_at_least(const struct keys *all, enum severity sev)
{
	struct keys k = {0};
	k.v = xmalloc((all->n + 1) * sizeof(*k.v));
	for (size_t i = 0; i < all->n; i++)
		if (all->v[i].sev >= sev)
			k.v[k.n++] = all->v[i];
	return k;
}

/* Seeks to records the filter drops: next() gives the first kept record
 * after, prev() the last before. */
static void check_seek_between(struct log_cursor *c, const struct keys *all,
			       const struct keys *kept)
{
	struct stored_record r;
	for (size_t at = 0; at < all->n; at += all->n / 53 + 1) {
		size_t i = 0;
		while (i < kept->n && key_cmp(&kept->v[i], &all->v[at]) < 0)
			i++;
		struct log_pos p = pos_of(&all->v[at]);
		store_log_seek(c, &p);
		if (i < kept->n) {
			assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
			assert_key(&kept->v[i], &r);
		} else {
			assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
		}
		store_log_seek(c, &p);
		if (i > 0) {
			assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
			assert_key(&kept->v[i - 1], &r);
		} else {
			assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
		}
	}
}

/* Each severity: the cursor both ways and from seeks gives the records
 * at it or worse, in the unfiltered merge's order; so does store_log. */
static void test_cursor_severity(void **state)
{
	struct store *s = *state;
	make_sev_store(s);
	struct keys all = reference(s, &(struct log_query){0});
	static const size_t expect[] = { [SEV_INFO] = 8000, [SEV_WARNING] = 8,
					 [SEV_ERROR] = 2 };
	for (enum severity sev = SEV_INFO; sev <= SEV_ERROR; sev++) {
		struct keys kept = keys_at_least(&all, sev);
		assert_true(kept.n >= expect[sev]);
		assert_true(kept.n < all.n);
		struct log_query q = { .min_sev = sev };
		struct keys got = reference(s, &q);
		assert_int_equal(got.n, kept.n);
		for (size_t i = 0; i < kept.n; i++)
			assert_int_equal(key_cmp(&got.v[i], &kept.v[i]), 0);
		free(got.v);
		check_cursor(s, &q, &kept);
		struct log_cursor *c = store_log_open(s, &q);
		assert_non_null(c);
		check_seek_between(c, &all, &kept);
		store_log_close(c);
		/* with a pattern as well, block-wise: the warnings by keyword */
		const char *pat = "late";
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
					       &err, &off, NULL);
		q.grep = re;
		q.grep_text = pat;
		struct keys late = {0};
		assert_int_equal(store_log(s, &q, collect, &late), 0);
		size_t want = 0;
		for (size_t i = 0; i < kept.n; i++)
			want += kept.v[i].file == 3;	/* c.log */
		assert_int_equal(late.n, want);
		free(late.v);
		pcre2_code_free(re);
		free(kept.v);
	}
	free(all.v);
}

/* Nothing at the severity: no record either way, and no block read (the
 * logs' tallies say so). */
static void test_cursor_severity_empty(void **state)
{
	struct store *s = *state;
	make_store(s);	/* keywords only: nothing worse than info */
	int ticks = 0;
	struct log_query q = { .min_sev = SEV_WARNING, .tick = count_tick, .tick_ctx = &ticks };
	struct log_cursor *c = store_log_open(s, &q);
	assert_non_null(c);
	struct stored_record r;
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
	store_log_seek(c, &(struct log_pos){ T0 + 400 * SEC_US, 0, 0 });
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_END);
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	assert_int_equal(ticks, 0);
	store_log_close(c);
}

/* A cursor kept open follows a change of q's severity at its next seek,
 * both ways, also back to every record; and after it forgot its blocks. */
static void test_cursor_severity_change(void **state)
{
	struct store *s = *state;
	make_sev_store(s);
	struct keys all = reference(s, &(struct log_query){0});
	struct keys kept = keys_at_least(&all, SEV_WARNING);
	struct log_query q = {0};
	struct log_cursor *c = store_log_open(s, &q);
	struct stored_record r;
	for (size_t i = 0; i < 100; i++) {
		assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&all.v[i], &r);
	}
	q.min_sev = SEV_WARNING;
	store_log_seek(c, NULL);
	for (size_t i = 0; i < kept.n; i++) {
		assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&kept.v[i], &r);
	}
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	check_seek_between(c, &all, &kept);
	/* parked (its blocks let go) and taken up again, then unfiltered */
	store_log_forget(c);
	check_seek_between(c, &all, &kept);
	q.min_sev = SEV_VERBOSE;
	store_log_forget(c);
	store_log_seek(c, &(struct log_pos){ INT64_MAX, INT64_MAX, UINT64_MAX });
	for (size_t i = all.n; i-- > all.n - 100;) {
		assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
		assert_key(&all.v[i], &r);
	}
	store_log_close(c);
	free(kept.v);
	free(all.v);
}

/* A rare severity reads only the blocks the merge reaches: from the
 * start, a.log's early warning comes out after one block of each log,
 * although b.log's first warning is three blocks on; from the end, the
 * same the other way. */
static void test_cursor_severity_lazy(void **state)
{
	struct store *s = *state;
	struct gen g = { .s = s };
	int n = 4 * STORE_BLOCK_RECORDS;
	gen_begin(&g, "a.log", "HOSTA");
	for (int i = 0; i < n; i++)
		gen_put_typed(&g, i, "Alpha", "early", i == 5 ? 2 : 1);
	gen_commit(&g);
	gen_begin(&g, "b.log", "HOSTB");
	for (int i = 0; i < n; i++)
		gen_put_typed(&g, i, "Beta", "late", i == n - 10 ? 2 : 1);
	gen_commit(&g);
	int ticks = 0;
	struct log_query q = { .min_sev = SEV_WARNING, .tick = count_tick, .tick_ctx = &ticks };
	struct log_cursor *c = store_log_open(s, &q);
	struct stored_record r;
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
	assert_int_equal(r.line, 6);
	assert_int_equal(ticks, 2);
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_RECORD);
	assert_int_equal(r.line, (unsigned)n - 9);
	assert_int_equal(store_log_next(c, &r, NULL), STORE_LOG_END);
	ticks = 0;
	store_log_seek(c, &(struct log_pos){ INT64_MAX, INT64_MAX, UINT64_MAX });
	assert_int_equal(store_log_prev(c, &r, NULL), STORE_LOG_RECORD);
	assert_int_equal(r.line, (unsigned)n - 9);
	assert_int_equal(ticks, 2);
	store_log_close(c);
}

/* Keys are packed (time span and run index in 63 bits) nearly always; a
 * span too wide for that (a record in a far future, others with no time)
 * takes the two-part keys: the same order both ways. */
static void test_cursor_wide_span(void **state)
{
	struct store *s = *state;
	struct gen g = { .s = s };
	gen_begin(&g, "a.log", "HOSTA");
	for (int i = 0; i < 1500; i++)
		gen_put(&g, i % 300 == 7 ? -1 : i, "Alpha", "near");
	gen_commit(&g);
	gen_begin(&g, "z.log", "HOSTZ");
	for (int i = 0; i < 1200; i++)	/* about 2^62 us on */
		gen_put(&g, i < 600 ? i / 2 : INT64_C(18446744073709) + i, "Zeta", "far");
	gen_commit(&g);
	gen_begin(&g, "b.log", "HOSTB");
	for (int i = 0; i < 1300; i++)
		gen_put(&g, i % 5 ? -1 : i, "Beta", "sometimes");
	gen_commit(&g);
	check_query(s, &(struct log_query){0}, 4000);
	check_query(s, &(struct log_query){ .min_sev = SEV_INFO }, 4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cursor_empty_store, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_single_file, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_merge_order, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_filters, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_rare_match, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_cancel_resumes, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_gap_between_blocks, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_severity, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_severity_empty, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_severity_change, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_severity_lazy, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_cursor_wide_span, setup_memory,
						teardown_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
