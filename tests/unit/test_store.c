/* test_store.c - the SQLite store: schema and version refusal, the ingest
 * writer (lossless blocks, REPLACE/APPEND, rollback, UTC), offset
 * resolution, the merged log query, stats and the ingest lock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include "../../db/store.h"
#include "../../db/store_internal.h"
#include "store_fixture.h"
#include "../../lib/util.h"

#define MIN_US INT64_C(60000000)
#define HOUR_US (60 * MIN_US)
#define DAY_US (24 * HOUR_US)
/* 2026-07-01 00:00 and 2026-12-01 00:00 as local µs since 1970. */
#define JUL1 (INT64_C(20635) * DAY_US)
#define DEC1 (INT64_C(20788) * DAY_US)

/* ---- fixtures and helpers ---- */


/* A hand-made record: message = text without its terminator, component
 * found by name in the text. */
struct rec {
	const char *text;
	const char *comp;
	bool has_time, has_bias, partial;
	int64_t local_us;
	int32_t bias;
	int8_t type;
};

/* The store of the writer being fed, to report its error on failure. */
static struct store *feeding;

static void put(struct store_writer *w, uint32_t line, const struct rec *r)
{
	struct log_record lr = {0};
	lr.text = r->text;
	lr.len = strlen(r->text);
	lr.line = line;
	size_t msg = lr.len;
	while (msg && (r->text[msg - 1] == '\n' || r->text[msg - 1] == '\r'))
		msg--;
	lr.message = (struct span){0, (uint32_t)msg};
	if (r->comp) {
		const char *at = strstr(r->text, r->comp);
		assert_non_null(at);
		lr.component = (struct span){(uint32_t)(at - r->text),
					     (uint32_t)strlen(r->comp)};
	}
	lr.time_text = (struct span){0, lr.len > 4 ? 4 : 0};
	lr.local_us = r->local_us;
	lr.bias_min = r->bias;
	lr.has_time = r->has_time;
	lr.has_bias = r->has_bias;
	lr.partial = r->partial;
	lr.type = r->type;
	lr.thread = 7;
	const struct record_sink *sink = store_writer_sink(w);
	if (sink->record(sink->ctx, &lr) != 0)
		fail_msg("record(): %s", store_error(feeding));
}

static struct store_file_meta file_meta(const char *source, const char *host)
{
	return (struct store_file_meta){
		.source = source, .path = source, .host = host,
		.name = source, .log_name = source, .rotation = 0,
		.role = ROLE_AGENT, .size = 0, .mtime = 1, .head_hash = 42,
	};
}

static struct store_writer *begin(struct store *s, const char *source,
				  const char *host, enum store_plan plan,
				  struct store_resume *resume)
{
	struct store_file_meta m = file_meta(source, host);
	struct store_resume dummy;
	struct store_writer *w = store_file_begin(s, &m, plan,
						  resume ? resume : &dummy);
	if (!w)
		fail_msg("store_file_begin: %s", store_error(s));
	feeding = s;
	return w;
}

static void commit(struct store_writer *w, const char *format)
{
	struct store_file_final f = {.format = format, .encoding = "utf-8",
				     .content_hash = 99, .size = 1234};
	assert_int_equal(store_file_commit(w, &f), 0);
}

/* Write one file of untimed plain records "PREFIX i\n". */
static void write_plain(struct store *s, const char *source, const char *host,
			const char *prefix, int n, const char *comp)
{
	struct store_writer *w = begin(s, source, host, PLAN_NEW, NULL);
	char line[128];
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s %d%s%s\n", prefix, i,
			 comp ? " " : "", comp ? comp : "");
		put(w, (uint32_t)i + 1, &(struct rec){.text = line,
			.comp = comp, .type = -1});
	}
	commit(w, "plain");
}

static int cat_collect(void *ctx, const char *data, size_t len)
{
	buf_append(ctx, data, len);
	return 0;
}

static void assert_cat(struct store *s, int64_t id, const char *want,
		       size_t len)
{
	struct buf got = {0};
	assert_int_equal(store_cat(s, id, cat_collect, &got), 0);
	assert_int_equal(got.len, len);
	assert_true(len == 0 || memcmp(got.data, want, len) == 0);
	buf_free(&got);
}

struct file_list {
	int n;
	int64_t id[16];
	int64_t records[16];
	int64_t bytes[16];
	char path[16][64];
};

static int files_collect(void *ctx, const struct store_file *f)
{
	struct file_list *l = ctx;
	if (l->n == 16)
		return 1;
	l->id[l->n] = f->id;
	l->records[l->n] = f->records;
	l->bytes[l->n] = f->bytes;
	snprintf(l->path[l->n], sizeof(l->path[0]), "%s", f->path);
	l->n++;
	return 0;
}

static int64_t file_id_of(struct store *s, const char *path)
{
	struct file_list l = {0};
	assert_int_equal(store_files(s, files_collect, &l), 0);
	for (int i = 0; i < l.n; i++)
		if (strcmp(l.path[i], path) == 0)
			return l.id[i];
	return 0;
}

/* Records seen by store_log, copied. */
struct got {
	int64_t file_id;
	uint64_t seq;
	uint32_t line;
	int64_t utc_us;
	int32_t bias;
	enum offset_source src;
	bool timed;
	char comp[32];
	char host[16];
	char text[64];
};

struct got_list {
	size_t n, cap;
	struct got *v;
};

static int log_collect(void *ctx, const struct stored_record *r)
{
	struct got_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct got *g = &l->v[l->n++];
	memset(g, 0, sizeof(*g));	/* compared with memcmp: no stray padding */
	g->file_id = r->file_id;
	g->seq = r->seq;
	g->line = r->line;
	g->utc_us = r->utc_us;
	g->bias = r->bias_min;
	g->src = r->offset_source;
	g->timed = r->timed;
	snprintf(g->comp, sizeof(g->comp), "%s", r->component);
	snprintf(g->host, sizeof(g->host), "%s", r->host);
	size_t len = r->len < sizeof(g->text) - 1 ? r->len : sizeof(g->text) - 1;
	memcpy(g->text, r->text, len);
	g->text[len] = '\0';
	assert_true(r->message.off + r->message.len <= r->len);
	return 0;
}

static struct got_list run_log(struct store *s, const struct log_query *q)
{
	struct got_list l = {0};
	assert_int_equal(store_log(s, q, log_collect, &l), 0);
	return l;
}

/* ---- schema ---- */

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int rc = sqlite3_step(st);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_schema_and_version(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
				     sizeof(err));
	assert_non_null(s);
	write_plain(s, "/b/a.log", "HOST1", "x", 3, NULL);
	store_close(s);

	assert_int_equal(sql_int(t.path, "SELECT value FROM meta WHERE"
				 " key='schema_version'"), STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(t.path, "PRAGMA page_size"), 65536);
	assert_int_equal(sql_int(t.path, "SELECT records FROM file_summary"
				 " WHERE host='HOST1'"), 3);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM sqlite_master"
				 " WHERE type='index' AND name IN"
				 " ('blocks_file_seq','blocks_utc','files_host')"),
			 3);

	/* Readable again, read-only. */
	s = store_open(t.path, STORE_READ, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(file_id_of(s, "/b/a.log") > 0, 1);
	store_close(s);

	/* Another version's store is refused, whether newer or older (no
	 * migration: the store is rebuilt from the logs). */
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = %d WHERE"
		 " key='schema_version'", STORE_SCHEMA_VERSION + 1);
	sql_exec(t.path, sql);
	char want[256];
	snprintf(want, sizeof(want), "%s: store schema %d is newer than this"
		 " tatrace understands (%d)", t.path, STORE_SCHEMA_VERSION + 1,
		 STORE_SCHEMA_VERSION);
	for (int mode = 0; mode < 2; mode++) {
		err[0] = '\0';
		assert_null(store_open(t.path, (enum store_mode)mode, NULL, err,
				       sizeof(err)));
		assert_string_equal(err, want);
	}
	/* 1, and 4: the last schema whose block text was stored raw; read
	 * as compressed it would be garbage, so it is refused the same way */
	for (int old = 1; old <= 4; old += 3) {
		char set[96];
		snprintf(set, sizeof(set), "UPDATE meta SET value = %d WHERE"
			 " key='schema_version'", old);
		sql_exec(t.path, set);
		snprintf(want, sizeof(want), "%s: store schema %d is older than"
			 " this tatrace (%d): delete it and ingest again", t.path,
			 old, STORE_SCHEMA_VERSION);
		for (int mode = 0; mode < 2; mode++) {
			err[0] = '\0';
			assert_null(store_open(t.path, (enum store_mode)mode, NULL,
					       err, sizeof(err)));
			assert_string_equal(err, want);
		}
	}
	tmp_remove(&t);
}

static void test_open_errors(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256], want[256];
	tmp_make(&t);

	assert_null(store_open(t.path, STORE_READ, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: no such store (run tatrace ingest"
		 " first)", t.path);
	assert_string_equal(err, want);

	FILE *f = fopen(t.path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database at all\n", f);
	fclose(f);
	for (int mode = 0; mode < 2; mode++) {
		err[0] = '\0';
		assert_null(store_open(t.path, (enum store_mode)mode, NULL, err,
				       sizeof(err)));
		assert_non_null(strstr(err, t.path));
		assert_non_null(strstr(err, "not a tatrace store"));
	}

	const char *bad = "/nonexistent-dir-for-tatrace/store.db";
	assert_null(store_open(bad, STORE_WRITE, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, bad));
	tmp_remove(&t);
}

/* ---- the writer ---- */

static char *make_text(int i, size_t *len, char *scratch, size_t cap)
{
	int n = snprintf(scratch, cap, "<![LOG[record %d %.*s]LOG]!>"
			 "<time=\"10:00:00.000+000\" component=\"Comp%d\">\r\n",
			 i, i % 50, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
			 i % 3);
	*len = (size_t)n;
	return scratch;
}

static void test_roundtrip_multiblock(void **state)
{
	struct store *s = *state;
	struct buf all = {0};
	struct store_writer *w = begin(s, "/b/big.log", "H", PLAN_NEW, NULL);
	char scratch[256], comp[8];
	const int n = 3 * STORE_BLOCK_RECORDS + 17;
	const size_t huge_len = 12u * 1024 * 1024;
	char *huge = xmalloc(huge_len + 1);
	for (size_t i = 0; i < huge_len; i++)
		huge[i] = (char)('a' + i % 26);
	huge[huge_len - 1] = '\n';
	huge[huge_len] = '\0';
	uint32_t line = 1;
	for (int i = 0; i < n; i++) {
		size_t len;
		const char *text = i == 1500 ? huge :
				   make_text(i, &len, scratch, sizeof(scratch));
		snprintf(comp, sizeof(comp), "Comp%d", i % 3);
		put(w, line++, &(struct rec){.text = text,
			.comp = i == 1500 ? NULL : comp, .has_time = true,
			.local_us = JUL1 + i * MIN_US, .type = 1});
		buf_append(&all, text, strlen(text));
	}
	assert_int_equal(store_writer_records(w), n);
	commit(w, "ccm");
	int64_t id = file_id_of(s, "/b/big.log");
	assert_cat(s, id, all.data, all.len);
	assert_int_equal(store_cat(s, id + 100, cat_collect, &all), 1);

	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.records, n);
	assert_int_equal(st.bytes, (int64_t)all.len);
	/* 1500 records, the huge one alone, then the rest: 2 + 1 + 2 + ... */
	assert_true(st.blocks >= 5);
	assert_int_equal(st.per_format[FORMAT_CCM], n);

	/* Each record individually, in order, with its line and seq. */
	struct log_query q = {0};
	struct got_list l = run_log(s, &q);
	assert_int_equal(l.n, (size_t)n);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].seq, i);
		assert_int_equal(l.v[i].line, i + 1);
	}
	assert_string_equal(l.v[1500].comp, "");
	assert_string_equal(l.v[1501].comp, "Comp1");
	assert_memory_equal(l.v[1500].text, huge, sizeof(l.v[0].text) - 1);
	free(l.v);
	free(huge);
	buf_free(&all);
}

static void test_abort_rolls_back_one_file(void **state)
{
	struct store *s = *state;
	write_plain(s, "/b/keep.log", "H", "kept", 10, "Keeper");
	struct store_writer *w = begin(s, "/b/drop.log", "H2", PLAN_NEW, NULL);
	for (int i = 0; i < 2500; i++)
		put(w, (uint32_t)i + 1, &(struct rec){.text = "dropped Ghost\n",
			.comp = "Ghost", .type = -1});
	store_file_abort(w);

	struct file_list l = {0};
	assert_int_equal(store_files(s, files_collect, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.path[0], "/b/keep.log");
	struct buf want = {0};
	for (int i = 0; i < 10; i++)
		buf_printf(&want, "kept %d Keeper\n", i);
	assert_cat(s, l.id[0], want.data, want.len);
	buf_free(&want);
	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.hosts, 1);
	assert_int_equal(st.records, 10);

	/* The rolled-back component is not served from a stale cache. */
	write_plain(s, "/b/again.log", "H", "ghost", 3, "Ghost");
	struct log_query q = {.component = "ghost"};
	struct got_list g = run_log(s, &q);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.v[0].comp, "Ghost");
	free(g.v);
}

static void test_replace_and_append(void **state)
{
	struct store *s = *state;
	struct store_resume r = {99, 99, 99};
	const int n = 2 * STORE_BLOCK_RECORDS + 300;
	struct buf all = {0};
	char line[64];

	struct store_writer *w = begin(s, "/b/grow.log", "H", PLAN_NEW, &r);
	assert_int_equal(r.text_off, 0);
	assert_int_equal(r.first_line, 1);
	assert_int_equal(r.tail_bytes, 0);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = line, .type = -1});
		buf_append(&all, line, strlen(line));
	}
	commit(w, "plain");

	/* APPEND: the last block goes; resume at its first record. */
	size_t off = 0;
	for (int i = 0; i < 2 * STORE_BLOCK_RECORDS; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		off += strlen(line);
	}
	w = begin(s, "/b/grow.log", "H", PLAN_APPEND, &r);
	assert_int_equal(r.text_off, off);
	assert_int_equal(r.first_line, 2 * STORE_BLOCK_RECORDS + 1);
	/* the dropped block's text runs to the old end */
	assert_int_equal(r.tail_bytes, all.len - off);
	for (int i = 2 * STORE_BLOCK_RECORDS; i < n + 100; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = line, .type = -1});
		if (i >= n)
			buf_append(&all, line, strlen(line));
	}
	commit(w, "plain");
	int64_t id = file_id_of(s, "/b/grow.log");
	assert_cat(s, id, all.data, all.len);
	struct file_list l = {0};
	assert_int_equal(store_files(s, files_collect, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.id[0], id);		/* id kept */
	assert_int_equal(l.records[0], n + 100);
	assert_int_equal(l.bytes[0], (int64_t)all.len);
	struct log_query q = {0};
	struct got_list g = run_log(s, &q);
	assert_int_equal(g.n, (size_t)n + 100);
	for (size_t i = 0; i < g.n; i++)
		assert_int_equal(g.v[i].seq, i);
	free(g.v);

	/* REPLACE: everything goes. */
	w = begin(s, "/b/grow.log", "H", PLAN_REPLACE, &r);
	assert_int_equal(r.text_off, 0);
	assert_int_equal(r.first_line, 1);
	put(w, 1, &(struct rec){.text = "fresh\n", .type = -1});
	commit(w, "plain");
	assert_int_equal(file_id_of(s, "/b/grow.log"), id);
	assert_cat(s, id, "fresh\n", 6);
	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.blocks, 1);
	assert_int_equal(st.bytes, 6);

	/* APPEND to a file whose blocks are all gone: from the start. */
	w = begin(s, "/b/empty.log", "H", PLAN_NEW, &r);
	commit(w, "plain");
	w = begin(s, "/b/empty.log", "H", PLAN_APPEND, &r);
	assert_int_equal(r.text_off, 0);
	assert_int_equal(r.first_line, 1);
	store_file_abort(w);

	/* Prior facts of a committed file. */
	struct store_prior p;
	assert_int_equal(store_file_prior(s, "/b/grow.log", &p), 0);
	assert_true(p.known);
	assert_int_equal(p.size, 1234);
	assert_int_equal(p.content_hash, 99);
	assert_int_equal(p.head_hash, 42);
	assert_int_equal(store_file_prior(s, "/b/none.log", &p), 0);
	assert_false(p.known);
	buf_free(&all);
}

static void test_utc_computation(void **state)
{
	struct store *s = *state;
	struct store_writer *w = begin(s, "/b/t.log", "H", PLAN_NEW, NULL);
	const struct rec recs[] = {
		{.text = "untimed first\n", .type = -1},
		{.text = "explicit\n", .has_time = true, .has_bias = true,
		 .local_us = JUL1, .bias = 240, .type = 1},
		{.text = "inherits explicit\n", .type = -1},
		{.text = "no bias\n", .has_time = true, .local_us = JUL1 + HOUR_US,
		 .type = 2},
		{.text = "inherits assumed\n", .type = -1},
		{.text = "negative bias\n", .has_time = true, .has_bias = true,
		 .local_us = JUL1, .bias = -330, .type = 3},
	};
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		put(w, (uint32_t)i + 1, &recs[i]);
	commit(w, "ccm");

	struct log_query q = {.file_id = file_id_of(s, "/b/t.log")};
	struct got_list g = run_log(s, &q);
	assert_int_equal(g.n, 6);
	/* The file goes back in time; log gives UTC order all the same,
	 * ties in file order. */
	int64_t expl = JUL1 + 240 * MIN_US;
	struct { const char *text; int64_t utc; int32_t bias;
		 enum offset_source src; bool timed; } want[] = {
		{"negative bias\n", JUL1 - 330 * MIN_US, -330, OFFSET_EXPLICIT, true},
		{"no bias\n", JUL1 + HOUR_US, 0, OFFSET_ASSUMED, true},
		{"inherits assumed\n", JUL1 + HOUR_US, 0, OFFSET_ASSUMED, false},
		{"untimed first\n", expl, 240, OFFSET_EXPLICIT, false},
		{"explicit\n", expl, 240, OFFSET_EXPLICIT, true},
		{"inherits explicit\n", expl, 240, OFFSET_EXPLICIT, false},
	};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(g.v[i].text, want[i].text);
		assert_int_equal(g.v[i].utc_us, want[i].utc);
		assert_int_equal(g.v[i].bias, want[i].bias);
		assert_int_equal(g.v[i].src, want[i].src);
		assert_int_equal(g.v[i].timed, want[i].timed);
	}
	free(g.v);

	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.per_offset_source[OFFSET_EXPLICIT], 4);
	assert_int_equal(st.per_offset_source[OFFSET_ASSUMED], 2);
	assert_int_equal(st.per_severity[SEV_INFO], 4);	/* no type, no keyword: info */
	assert_int_equal(st.per_severity[SEV_WARNING], 1);
	assert_int_equal(st.per_severity[SEV_ERROR], 1);
	assert_int_equal(st.utc_min, JUL1 - 330 * MIN_US);
	assert_int_equal(st.utc_max, expl);

	/* A first timed record beyond the first block: no backfill. */
	w = begin(s, "/b/late.log", "H", PLAN_NEW, NULL);
	for (int i = 0; i < STORE_BLOCK_RECORDS; i++)
		put(w, (uint32_t)i + 1, &(struct rec){.text = "early\n",
			.type = -1});
	put(w, STORE_BLOCK_RECORDS + 1, &(struct rec){.text = "timed\n",
		.has_time = true, .has_bias = true, .local_us = DEC1,
		.bias = 300, .type = 1});
	commit(w, "ccm");
	q.file_id = file_id_of(s, "/b/late.log");
	g = run_log(s, &q);
	assert_int_equal(g.n, STORE_BLOCK_RECORDS + 1);
	assert_int_equal(g.v[0].utc_us, 0);
	assert_int_equal(g.v[STORE_BLOCK_RECORDS].utc_us, DEC1 + 300 * MIN_US);
	free(g.v);
	/* APPEND: untimed records inherit from the records kept before the
	 * resume point. */
	w = begin(s, "/b/app.log", "H", PLAN_NEW, NULL);
	for (int i = 0; i < STORE_BLOCK_RECORDS + 5; i++)
		put(w, (uint32_t)i + 1, &(struct rec){.text = "t\n",
			.has_time = true, .has_bias = true, .bias = 60,
			.local_us = DEC1 + i * MIN_US, .type = 1});
	commit(w, "ccm");
	struct store_resume r;
	w = begin(s, "/b/app.log", "H", PLAN_APPEND, &r);
	assert_int_equal(r.first_line, STORE_BLOCK_RECORDS + 1);
	put(w, r.first_line, &(struct rec){.text = "u\n", .type = -1});
	commit(w, "ccm");
	q.file_id = file_id_of(s, "/b/app.log");
	g = run_log(s, &q);
	assert_int_equal(g.n, STORE_BLOCK_RECORDS + 1);
	assert_false(g.v[STORE_BLOCK_RECORDS].timed);
	assert_int_equal(g.v[STORE_BLOCK_RECORDS].utc_us,
			 DEC1 + (STORE_BLOCK_RECORDS - 1 + 60) * MIN_US);
	assert_int_equal(g.v[STORE_BLOCK_RECORDS].src, OFFSET_EXPLICIT);
	free(g.v);
	q.file_id = file_id_of(s, "/b/late.log");

	/* since > 0 skips the undated block entirely. */
	q.has_since = true;
	q.since_us = 1;
	g = run_log(s, &q);
	assert_int_equal(g.n, 1);
	free(g.v);
}

/* ---- offset resolution ---- */

static void write_timed(struct store *s, const char *source, const char *host,
			int64_t start, int n, bool biased, int32_t bias)
{
	struct store_writer *w = begin(s, source, host, PLAN_NEW, NULL);
	char text[64];
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "%s %d\n", source, i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = text,
			.has_time = true, .has_bias = biased, .bias = bias,
			.local_us = start + i * MIN_US, .type = 1});
	}
	commit(w, "ccm");
}

static struct got_list file_log(struct store *s, const char *path)
{
	struct log_query q = {.file_id = file_id_of(s, path)};
	return run_log(s, &q);
}

static void test_resolve_offsets(void **state)
{
	struct store *s = *state;
	/* SRV: summer logs say 240, winter logs 300 (DST change). */
	write_timed(s, "/b/summer.log", "SRV", JUL1, 10, true, 240);
	write_timed(s, "/b/winter.log", "SRV", DEC1, 10, true, 300);
	struct store_writer *w = begin(s, "/b/nobias.log", "SRV", PLAN_NEW,
				       NULL);
	put(w, 1, &(struct rec){.text = "jul\n", .has_time = true,
		.local_us = JUL1 + 2 * DAY_US, .type = 1});
	put(w, 2, &(struct rec){.text = "jul untimed\n", .type = -1});
	put(w, 3, &(struct rec){.text = "nov 25\n", .has_time = true,
		.local_us = DEC1 - 6 * DAY_US, .type = 1});
	put(w, 4, &(struct rec){.text = "dec\n", .has_time = true,
		.local_us = DEC1 + 5 * MIN_US, .type = 1});
	commit(w, "ccm");
	write_timed(s, "/b/ovr.log", "OVR", JUL1, 3, false, 0);
	write_timed(s, "/b/ovr-explicit.log", "OVR", JUL1, 2, true, 480);
	write_timed(s, "/b/alone.log", "ALONE", JUL1, 3, false, 0);
	assert_int_equal(store_set_tz_override(s, "OVR", 60), 0);

	assert_int_equal(store_resolve_offsets(s), 0);
	struct got_list g = file_log(s, "/b/nobias.log");
	assert_int_equal(g.n, 4);
	assert_string_equal(g.v[0].text, "jul\n");
	assert_int_equal(g.v[0].utc_us, JUL1 + 2 * DAY_US + 240 * MIN_US);
	assert_int_equal(g.v[0].src, OFFSET_HOST);
	assert_string_equal(g.v[1].text, "jul untimed\n");
	assert_int_equal(g.v[1].utc_us, g.v[0].utc_us);
	assert_int_equal(g.v[1].src, OFFSET_HOST);
	assert_false(g.v[1].timed);
	assert_string_equal(g.v[2].text, "nov 25\n");	/* nearer to Dec */
	assert_int_equal(g.v[2].bias, 300);
	assert_string_equal(g.v[3].text, "dec\n");
	assert_int_equal(g.v[3].utc_us, DEC1 + 5 * MIN_US + 300 * MIN_US);
	free(g.v);

	g = file_log(s, "/b/ovr.log");
	assert_int_equal(g.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(g.v[i].src, OFFSET_OVERRIDE);
		assert_int_equal(g.v[i].utc_us, JUL1 + (int64_t)i * MIN_US +
				 60 * MIN_US);
	}
	free(g.v);
	g = file_log(s, "/b/ovr-explicit.log");	/* explicit beats override */
	assert_int_equal(g.v[0].src, OFFSET_EXPLICIT);
	assert_int_equal(g.v[0].bias, 480);
	free(g.v);
	g = file_log(s, "/b/alone.log");
	assert_int_equal(g.v[2].src, OFFSET_ASSUMED);
	assert_int_equal(g.v[2].utc_us, JUL1 + 2 * MIN_US);
	free(g.v);

	struct store_stats before, after;
	assert_int_equal(store_stats(s, &before), 0);
	assert_int_equal(before.per_offset_source[OFFSET_HOST], 4);
	assert_int_equal(before.per_offset_source[OFFSET_OVERRIDE], 3);
	assert_int_equal(before.per_offset_source[OFFSET_ASSUMED], 3);
	assert_int_equal(before.per_offset_source[OFFSET_EXPLICIT], 22);

	/* Idempotent: a second run changes nothing. */
	struct log_query q = {0};
	struct got_list one = run_log(s, &q);
	assert_int_equal(store_resolve_offsets(s), 0);
	struct got_list two = run_log(s, &q);
	assert_int_equal(one.n, two.n);
	assert_memory_equal(one.v, two.v, one.n * sizeof(*one.v));
	assert_int_equal(store_stats(s, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	free(one.v);
	free(two.v);

	/* A changed override is applied on the next run. */
	assert_int_equal(store_set_tz_override(s, "OVR", -120), 0);
	assert_int_equal(store_resolve_offsets(s), 0);
	g = file_log(s, "/b/ovr.log");
	assert_int_equal(g.v[0].utc_us, JUL1 - 120 * MIN_US);
	free(g.v);

	/* A resolve settles what the handle stored before it: a later file
	 * of a host whose records all carry a bias asks for nothing... */
	assert_false(store_resolve_needed(s));
	write_timed(s, "/b/clean.log", "CLEAN", JUL1, 2, true, 60);
	assert_false(store_resolve_needed(s));
	/* ...while an override or a file of an unbiased host does, and the
	 * update (no pass over every log unless so) applies it. */
	assert_int_equal(store_set_tz_override(s, "OVR", 30), 0);
	assert_true(store_resolve_needed(s));
	assert_int_equal(store_resolve_update(s), 0);
	assert_false(store_resolve_needed(s));
	g = file_log(s, "/b/ovr.log");
	assert_int_equal(g.v[0].utc_us, JUL1 + 30 * MIN_US);
	free(g.v);
	write_timed(s, "/b/alone2.log", "ALONE", JUL1, 1, false, 0);
	assert_true(store_resolve_needed(s));
	assert_int_equal(store_resolve_update(s), 0);
	assert_false(store_resolve_needed(s));
}

/* ---- queries ---- */

/* Files whose records go back in time (a clock set back, late writers):
 * blocks that overlap become runs of their own and blocks whose records
 * go back are sorted, so log is in UTC order whatever the file order;
 * every record comes once, ties by file then file order. */
static void test_log_out_of_order(void **state)
{
	struct store *s = *state;
	const int n = 3 * STORE_BLOCK_RECORDS + 7;
	struct store_writer *w = begin(s, "/b/jumpy.log", "A", PLAN_NEW, NULL);
	char text[64];
	for (int i = 0; i < n; i++) {
		/* block 0 in order; block 1 a day earlier; block 2 late
		 * writers (odd records 2 minutes behind); the tail in order */
		int64_t t = JUL1 + (int64_t)i * MIN_US;
		if (i >= STORE_BLOCK_RECORDS && i < 2 * STORE_BLOCK_RECORDS)
			t -= DAY_US;
		if (i >= 2 * STORE_BLOCK_RECORDS && (i & 1))
			t -= 2 * MIN_US;
		snprintf(text, sizeof(text), "j %d\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = text,
			.has_time = true, .has_bias = true, .local_us = t,
			.type = 1});
	}
	commit(w, "ccm");
	write_timed(s, "/b/steady.log", "B", JUL1 - DAY_US, 50, true, 0);

	struct log_query q = {0};
	struct got_list g = run_log(s, &q);
	assert_int_equal(g.n, (size_t)n + 50);
	size_t jumpy = 0;
	for (size_t i = 1; i < g.n; i++) {
		const struct got *a = &g.v[i - 1], *b = &g.v[i];
		assert_true(a->utc_us <= b->utc_us);
		if (a->utc_us == b->utc_us)
			assert_true(a->file_id < b->file_id ||
				    (a->file_id == b->file_id && a->seq < b->seq));
	}
	uint8_t *seen = xcalloc((size_t)n, 1);
	for (size_t i = 0; i < g.n; i++) {
		if (strcmp(g.v[i].host, "A") != 0)
			continue;
		assert_int_equal(seen[g.v[i].seq], 0);
		seen[g.v[i].seq] = 1;
		jumpy++;
	}
	assert_int_equal(jumpy, (size_t)n);
	free(seen);
	free(g.v);

	/* a window: only what lies in it, still in order */
	q.has_since = q.has_until = true;
	q.since_us = JUL1 + 2 * STORE_BLOCK_RECORDS * MIN_US - 10 * MIN_US;
	q.until_us = q.since_us + 20 * MIN_US;
	g = run_log(s, &q);
	assert_int_equal(g.n, 12);	/* block 1 is a day off; block 2 half late */
	for (size_t i = 0; i < g.n; i++) {
		assert_true(g.v[i].utc_us >= q.since_us &&
			    g.v[i].utc_us <= q.until_us);
		if (i)
			assert_true(g.v[i - 1].utc_us <= g.v[i].utc_us);
	}
	free(g.v);
}

static void test_log_merge_and_filters(void **state)
{
	struct store *s = *state;
	/* a: even minutes on host A, b: odd minutes on host B; both long
	 * enough for several blocks, components alternating per block. */
	const int n = 2 * STORE_BLOCK_RECORDS + 10;
	const char *files[2] = {"/b/a.log", "/b/b.log"};
	const char *hosts[2] = {"A", "B"};
	for (int f = 0; f < 2; f++) {
		struct store_writer *w = begin(s, files[f], hosts[f], PLAN_NEW,
					       NULL);
		char text[64];
		for (int i = 0; i < n; i++) {
			const char *comp = i / STORE_BLOCK_RECORDS == 1 ?
					   "CcmExec" : "Other";
			snprintf(text, sizeof(text), "%s %s %d\n", comp,
				 hosts[f], i);
			put(w, (uint32_t)i + 1, &(struct rec){.text = text,
				.comp = comp, .has_time = true, .has_bias = true,
				.bias = 0,
				.local_us = JUL1 + (2 * i + f) * MIN_US,
				.type = 1});
		}
		commit(w, "ccm");
	}
	int64_t id_a = file_id_of(s, files[0]);

	struct log_query q = {0};
	struct got_list g = run_log(s, &q);
	assert_int_equal(g.n, 2 * (size_t)n);
	for (size_t i = 0; i < g.n; i++) {
		assert_int_equal(g.v[i].utc_us, JUL1 + (int64_t)i * MIN_US);
		assert_string_equal(g.v[i].host, i % 2 ? "B" : "A");
	}
	free(g.v);

	q = (struct log_query){.host = "B"};
	g = run_log(s, &q);
	assert_int_equal(g.n, (size_t)n);
	assert_string_equal(g.v[0].host, "B");
	free(g.v);
	q = (struct log_query){.host = "b"};	/* case-insensitive, whole */
	g = run_log(s, &q);
	assert_int_equal(g.n, (size_t)n);
	free(g.v);
	q = (struct log_query){.host = "BB"};
	g = run_log(s, &q);
	assert_int_equal(g.n, 0);
	free(g.v);

	q = (struct log_query){.component = "ccmexec"};
	g = run_log(s, &q);
	assert_int_equal(g.n, 2 * STORE_BLOCK_RECORDS);
	for (size_t i = 0; i < g.n; i++)
		assert_string_equal(g.v[i].comp, "CcmExec");
	free(g.v);
	q = (struct log_query){.component = "nosuch"};
	g = run_log(s, &q);
	assert_int_equal(g.n, 0);
	free(g.v);

	/* since/until inclusive; combined with host and component. */
	q = (struct log_query){.has_since = true, .has_until = true,
		.since_us = JUL1 + 10 * MIN_US, .until_us = JUL1 + 19 * MIN_US};
	g = run_log(s, &q);
	assert_int_equal(g.n, 10);
	assert_int_equal(g.v[0].utc_us, JUL1 + 10 * MIN_US);
	assert_int_equal(g.v[9].utc_us, JUL1 + 19 * MIN_US);
	free(g.v);
	q.host = "A";
	q.component = "OTHER";
	q.since_us = JUL1 + 2040 * MIN_US;
	q.until_us = JUL1 + 2060 * MIN_US;	/* records 1020..1030 of a */
	g = run_log(s, &q);
	assert_int_equal(g.n, 4);		/* 1020..1023: then CcmExec */
	assert_int_equal(g.v[0].seq, 1020);
	assert_int_equal(g.v[0].file_id, id_a);
	free(g.v);

	/* Ties: same utc -> file id, then file order. */
	write_timed(s, "/b/tie1.log", "T", DEC1, 2, true, 0);
	write_timed(s, "/b/tie2.log", "T", DEC1, 2, true, 0);
	q = (struct log_query){.host = "T"};
	g = run_log(s, &q);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.v[0].text, "/b/tie1.log 0\n");
	assert_string_equal(g.v[1].text, "/b/tie2.log 0\n");
	assert_string_equal(g.v[2].text, "/b/tie1.log 1\n");
	free(g.v);
}

static int stop_after_two(void *ctx, const struct stored_record *r)
{
	(void)r;
	return ++*(int *)ctx == 2;
}

static int stop_files(void *ctx, const struct store_file *f)
{
	(void)f;
	return ++*(int *)ctx == 1;
}

static void test_stats_and_listing(void **state)
{
	struct store *s = *state;
	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.files, 0);
	assert_int_equal(st.utc_min, 0);

	write_plain(s, "/b/z.log", "ZED", "z", 5, NULL);
	write_plain(s, "/b/y.log", "ALPHA", "y", 7, "Comp");
	struct store_writer *w = begin(s, "/b/s.log", "ALPHA", PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "torn", .partial = true, .type = 3});
	put(w, 2, &(struct rec){.text = "warn\n", .type = 2});
	commit(w, "sms");

	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.hosts, 2);
	assert_int_equal(st.records, 14);
	assert_int_equal(st.partial, 1);
	assert_int_equal(st.per_format[FORMAT_PLAIN], 12);
	assert_int_equal(st.per_format[FORMAT_SMS], 2);
	assert_int_equal(st.per_format[FORMAT_CCM], 0);
	assert_int_equal(st.per_severity[SEV_ERROR], 1);
	assert_int_equal(st.per_severity[SEV_WARNING], 1);
	assert_int_equal(st.per_severity[SEV_INFO], 12);
	assert_int_equal(st.per_offset_source[OFFSET_ASSUMED], 14);
	assert_int_equal(st.blocks, 3);
	assert_int_equal(st.bytes, 5 * 4 + 7 * 9 + 4 + 5);

	/* Ordered by host, then log name. */
	struct file_list l = {0};
	assert_int_equal(store_files(s, files_collect, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.path[0], "/b/s.log");
	assert_string_equal(l.path[1], "/b/y.log");
	assert_string_equal(l.path[2], "/b/z.log");

	int count = 0;
	assert_int_equal(store_files(s, stop_files, &count), 0);
	assert_int_equal(count, 1);
	count = 0;
	struct log_query q = {0};
	assert_int_equal(store_log(s, &q, stop_after_two, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(offset_source_name(OFFSET_HOST), "host");
}

/* ---- locking ---- */

static int notices;

static void count_notice(const char *msg)
{
	assert_non_null(strstr(msg, "another tatrace ingest is using this"
			       " store; waiting for it to finish"));
	notices++;
}

static void test_ingest_lock(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
					     sizeof(err));
		char c = s ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(3);
		usleep(200 * 1000);
		store_close(s);
		_exit(s ? 0 : 1);
	}
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	double t0 = clock_now();
	notices = 0;
	struct store *s = store_open(t.path, STORE_WRITE, count_notice, err,
				     sizeof(err));
	assert_non_null(s);
	assert_int_equal(notices, 1);
	assert_true(clock_now() - t0 > 0.05);	/* it waited */
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Readers take no ingest lock. */
	struct store *r = store_open(t.path, STORE_READ, count_notice, err,
				     sizeof(err));
	assert_non_null(r);
	assert_int_equal(notices, 1);
	store_close(r);
	store_close(s);
	close(ready[0]);
	close(ready[1]);
	tmp_remove(&t);
}

static void test_write_errors(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
				     sizeof(err));
	assert_non_null(s);
	write_plain(s, "/b/a.log", "H", "a", 2, NULL);
	write_timed(s, "/b/t.log", "H", JUL1, 2, false, 0);
	assert_int_equal(store_set_tz_override(s, "H", 60), 0);
	store_close(s);
	/* The tz override persists across opens. */
	assert_int_equal(sql_int(t.path, "SELECT tz_override FROM hosts"
				 " WHERE name='H'"), 60);

	s = store_open(t.path, STORE_READ, NULL, err, sizeof(err));
	assert_non_null(s);
	struct store_file_meta m = file_meta("/b/b.log", "H");
	struct store_resume r;
	assert_null(store_file_begin(s, &m, PLAN_NEW, &r));
	assert_non_null(strstr(store_error(s), "readonly"));
	assert_int_equal(store_set_tz_override(s, "H", 60), -1);
	assert_int_equal(store_resolve_offsets(s), -1);	/* has work */
	assert_non_null(strstr(store_error(s), "readonly"));
	store_close(s);
	tmp_remove(&t);
}

/* Batching: files released into one transaction, a failed file rolled
 * back alone, nothing durable before the batch commits. */
static void test_batch_commits_files_together(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
				     sizeof(err));
	assert_non_null(s);
	store_batching(s, true);
	assert_false(store_batch_open(s));
	write_plain(s, "/b/a.log", "H", "a", 2, "CompA");
	write_plain(s, "/b/b.log", "H", "b", 3, NULL);
	struct store_writer *w = begin(s, "/b/c.log", "H", PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "dropped Ghost\n", .comp = "Ghost",
		.type = -1});
	store_file_abort(w);
	assert_true(store_batch_open(s));
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM files"), 0);
	assert_int_equal(store_batch_commit(s), 0);
	assert_false(store_batch_open(s));
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM files"), 2);
	/* An open batch at close is rolled back: d.log never happened. */
	write_plain(s, "/b/d.log", "H", "d", 1, "CompA");
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM files"), 2);
	assert_int_equal(sql_int(t.path, "SELECT sum(records) FROM files"), 5);
	/* Without batching each file commits alone. */
	s = store_open(t.path, STORE_WRITE, NULL, err, sizeof(err));
	assert_non_null(s);
	write_plain(s, "/b/e.log", "H", "e", 1, NULL);
	assert_false(store_batch_open(s));
	assert_int_equal(sql_int(t.path, "SELECT count(*) FROM files"), 3);
	store_close(s);
	tmp_remove(&t);
}

/* ---- store_log --grep: matching in the store ---- */

static pcre2_code *grep_compile(const char *pattern)
{
	int err;
	PCRE2_SIZE at;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern,
				       PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
				       &at, NULL);
	assert_non_null(re);
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* Records whose message matches pattern, by store_log with the block
 * prefilter (when the pattern allows it) and without: both must be the
 * records a per-record filter over every record keeps. */
static size_t grep_both_ways(struct store *s, const char *pattern)
{
	pcre2_code *re = grep_compile(pattern);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	struct log_query q = {0};
	struct got_list all = run_log(s, &q);
	q.grep = re;
	struct got_list alone = run_log(s, &q);
	q.grep_text = pattern;
	struct got_list blocks = run_log(s, &q);
	size_t want = 0;
	for (size_t i = 0; i < all.n; i++) {
		/* the test's messages are their text less the newline */
		const char *t = all.v[i].text;
		if (pcre2_match(re, (PCRE2_SPTR)t, strcspn(t, "\n"), 0, 0, md,
				NULL) < 0)
			continue;
		assert_true(want < alone.n && want < blocks.n);
		assert_memory_equal(&all.v[i], &alone.v[want], sizeof(all.v[i]));
		assert_memory_equal(&all.v[i], &blocks.v[want],
				    sizeof(all.v[i]));
		want++;
	}
	assert_int_equal(alone.n, want);
	assert_int_equal(blocks.n, want);
	free(all.v);
	free(alone.v);
	free(blocks.v);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return want;
}

struct ticks {
	unsigned calls, stop_at;
	uint64_t seen;
};

static int count_tick(void *ctx, int64_t utc_us, uint64_t seen)
{
	struct ticks *t = ctx;
	assert_true(seen >= t->seen && utc_us >= JUL1);
	t->seen = seen;
	return ++t->calls == t->stop_at;
}

/* What each() and grep_error() saw (they share the ctx). */
struct grep_seen {
	unsigned records, limits;
	uint32_t limit_line;
	int limit_rc;
};

static int seen_record(void *ctx, const struct stored_record *r)
{
	(void)r;
	((struct grep_seen *)ctx)->records++;
	return 0;
}

static int seen_limit(void *ctx, const struct stored_record *r, int rc)
{
	struct grep_seen *g = ctx;
	g->limits++;
	g->limit_line = r->line;
	g->limit_rc = rc;
	return 0;
}

static void test_log_grep(void **state)
{
	struct store *s = *state;
	/* three blocks of "item N", and a rare line in the last one */
	const int n = 2 * STORE_BLOCK_RECORDS + 10;
	struct store_writer *w = begin(s, "/b/g.log", "G", PLAN_NEW, NULL);
	char text[64];
	for (int i = 0; i < n; i++) {
		if (i == n - 3)
			snprintf(text, sizeof(text), "rare %d thing\n", i);
		else
			snprintf(text, sizeof(text), "item %d\n", i);
		put(w, (uint32_t)i + 1, &(struct rec){.text = text,
			.has_time = true, .local_us = JUL1 + i * MIN_US,
			.type = 1});
	}
	commit(w, "ccm");

	/* unanchored: the prefilter skips blocks and narrows the rest */
	assert_int_equal(grep_both_ways(s, "rare"), 1);
	assert_int_equal(grep_both_ways(s, "item 1\\d"), 10 + 100 + 1000);
	/* anchored: the block's text would mislead it, so it is not used */
	assert_int_equal(grep_both_ways(s, "^item 1"), 1 + 10 + 100 + 1000);
	assert_int_equal(grep_both_ways(s, "\\d$"), (size_t)n - 1);
	assert_int_equal(grep_both_ways(s, "^rare"), 1);
	assert_int_equal(grep_both_ways(s, "(?<=e)m 7\\b"), 1);
	assert_int_equal(grep_both_ways(s, "nothing"), 0);

	/* progress: once per block, skipped ones too; non-zero cancels */
	pcre2_code *re = grep_compile("rare");
	struct ticks t = {0};
	struct grep_seen g = {0};
	struct log_query q = {.grep = re, .grep_text = "rare",
			      .tick = count_tick, .tick_ctx = &t};
	assert_int_equal(store_log(s, &q, seen_record, &g), 0);
	assert_int_equal(g.records, 1);
	assert_int_equal(t.calls, 3);
	assert_int_equal(t.seen, (uint64_t)n);
	t = (struct ticks){.stop_at = 2};
	g = (struct grep_seen){0};
	assert_int_equal(store_log(s, &q, seen_record, &g), 1);
	assert_int_equal(t.calls, 2);
	assert_int_equal(g.records, 0);
	pcre2_code_free(re);
}

static void test_log_grep_limit(void **state)
{
	struct store *s = *state;
	struct store_writer *w = begin(s, "/b/l.log", "L", PLAN_NEW, NULL);
	put(w, 1, &(struct rec){.text = "ok b\n", .type = -1});
	put(w, 2, &(struct rec){.text = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b\n",
		.type = -1});
	put(w, 3, &(struct rec){.text = "aab\n", .type = -1});
	commit(w, "plain");
	/* Exponential backtracking ends in PCRE2's match limit: that is not
	 * "no match". Record by record (anchored) and over the block. */
	static const char *const patterns[] = {"(a+)+b$", "(a+)+b"};
	for (int i = 0; i < 2; i++) {
		pcre2_code *re = grep_compile(patterns[i]);
		struct grep_seen g = {0};
		struct log_query q = {.grep = re, .grep_text = patterns[i],
				      .grep_error = seen_limit};
		assert_int_equal(store_log(s, &q, seen_record, &g), 0);
		assert_int_equal(g.records, 1);	/* "aab" */
		assert_int_equal(g.limits, 1);
		assert_int_equal(g.limit_line, 2);
		assert_int_equal(g.limit_rc, PCRE2_ERROR_MATCHLIMIT);
		/* without grep_error the record is only left out */
		q.grep_error = NULL;
		g = (struct grep_seen){0};
		assert_int_equal(store_log(s, &q, seen_record, &g), 0);
		assert_int_equal(g.records, 1);
		assert_int_equal(g.limits, 0);
		pcre2_code_free(re);
	}
}

/* The flush-ahead thread of a bulk load (db/presync.c): none without a
 * descriptor (the commits flush everything, as before); for a
 * store, it runs beside the writer and stops with the load or the store,
 * the rows written meanwhile intact (ASan: nothing leaks, no race). */
static void test_presync(void **state)
{
	(void)state;
	assert_null(store_presync_start(-1));
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	/* Any file will do; not an open store: closing a descriptor of it
	 * would drop SQLite's locks (see store_lock). */
	char other[160];
	snprintf(other, sizeof(other), "%s/other", t.dir);
	int fd = open(other, O_RDWR | O_CREAT, 0600);
	struct store_presync *p = store_presync_start(fd);
	assert_non_null(p);
	store_presync_stop(p);
	close(fd);
	store_presync_stop(NULL);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err,
				     sizeof(err));
	assert_non_null(s);
	/* A bulk load left open at close: store_close stops the thread. */
	assert_int_equal(store_bulk_begin(s), 0);
	write_plain(s, "/b/a.log", "H", "a", 2000, "CompA");
	usleep(250 * 1000);	/* past a period: one flush at least */
	write_plain(s, "/b/b.log", "H", "b", 3, NULL);
	store_close(s);
	assert_int_equal(sql_int(t.path, "SELECT sum(records) FROM files"),
			 2003);
	s = store_open(t.path, STORE_WRITE, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_bulk_begin(s), 0);
	assert_int_equal(store_bulk_end(s), 0);
	store_close(s);
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_and_version),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test_setup_teardown(test_roundtrip_multiblock,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_abort_rolls_back_one_file,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_replace_and_append,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_utc_computation,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_resolve_offsets,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_log_out_of_order,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_log_merge_and_filters,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_stats_and_listing,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_log_grep,
			setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_log_grep_limit,
			setup_memory, teardown_store),
		cmocka_unit_test(test_ingest_lock),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_batch_commits_files_together),
		cmocka_unit_test(test_presync),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
