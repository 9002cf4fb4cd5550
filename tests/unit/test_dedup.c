/* test_dedup.c - the same evidence twice: a file equal to, or a prefix of,
 * a stored file of the same host and log is its duplicate; a file that a
 * stored file is a prefix of supersedes it; anything else is new. Files
 * are stored through the real writer into an in-memory store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../db/store.h"
#include "../../db/store_internal.h"
#include "store_fixture.h"
#include "../../lib/util.h"
#include "../../src/dedup.h"

/* Plain one-line records of text; every line its own record. */
static void feed_lines(struct store_writer *w, const char *text)
{
	const struct record_sink *sink = store_writer_sink(w);
	uint32_t line = 1;
	for (const char *p = text; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		struct log_record r = { .text = p, .len = len, .line = line,
					.message = { 0, (uint32_t)len },
					.thread = -1, .type = -1 };
		assert_int_equal(sink->record(sink->ctx, &r), 0);
		p += len;
	}
}

/* Store text as SOURCE of HOST's log "Agent" the way ingest does: dedup
 * sees the raw bytes in chunks of chunk bytes (and the text), decides,
 * and the writer commits; twins by log name, or by role when twin_role is
 * set (the agent's log under any name). Returns the decision. */
static struct store_file_final store_role(struct store *s, const char *source,
					  const char *host, const char *log_name,
					  const char *twin_role, const char *text,
					  size_t chunk)
{
	size_t len = strlen(text);
	struct store_file_meta m = {
		.source = source, .path = source, .host = host,
		.name = "Agent.log", .log_name = log_name, .role = ROLE_AGENT,
		.size = (int64_t)len, .mtime = 1,
		.head_hash = hash_bytes(text, len < STORE_HEAD_BYTES ? len :
					STORE_HEAD_BYTES),
	};
	struct store_resume resume;
	struct dedup *d = dedup_new(s, host, log_name, twin_role, source, m.size, true);
	assert_non_null(d);
	struct store_writer *w = store_file_begin(s, &m, PLAN_NEW, &resume);
	assert_non_null(w);
	for (size_t at = 0; at < len; at += chunk)
		dedup_raw(d, text + at, len - at < chunk ? len - at : chunk);
	dedup_text(d, text, len);
	feed_lines(w, text);
	struct store_file_final f = { .format = "plain", .encoding = "utf-8",
				      .content_hash = dedup_content_hash(d),
				      .size = (int64_t)len };
	assert_int_equal(dedup_finish(d, (const unsigned char *)text,
				      len < STORE_HEAD_BYTES ? len :
				      STORE_HEAD_BYTES, &f), 0);
	assert_int_equal(store_file_commit(w, &f), 0);
	struct store_file_final out = f;
	out.supersedes = NULL;	/* owned by d */
	dedup_free(d);
	return out;
}

static struct store_file_final store_as(struct store *s, const char *source,
					const char *host, const char *log_name,
					const char *text, size_t chunk)
{
	return store_role(s, source, host, log_name, NULL, text, chunk);
}

static struct store_file_final store_text(struct store *s, const char *source,
					  const char *host, const char *text,
					  size_t chunk)
{
	return store_as(s, source, host, "Agent", text, chunk);
}

struct file_seen {
	const char *path;
	int64_t id, duplicate_of, records;
};

static int find_file(void *ctx, const struct store_file *f)
{
	struct file_seen *want = ctx;
	if (strcmp(f->path, want->path) == 0) {
		want->id = f->id;
		want->duplicate_of = f->duplicate_of;
		want->records = f->records;
	}
	return 0;
}

static struct file_seen file_of(struct store *s, const char *path)
{
	struct file_seen f = { .path = path };
	assert_int_equal(store_files(s, find_file, &f), 0);
	assert_true(f.id > 0);
	return f;
}

static const char FULL[] = "one\ntwo\nthree\nfour\n";
static const char EARLY[] = "one\ntwo\n";

static void test_equal_content_is_a_duplicate(void **state)
{
	struct store *s = *state;
	store_text(s, "/a/Agent.log", "PC1", FULL, 3);
	struct store_file_final f = store_text(s, "/b.zip/Agent.log", "pc1",
					       FULL, 5);
	struct file_seen a = file_of(s, "/a/Agent.log");
	struct file_seen b = file_of(s, "/b.zip/Agent.log");
	assert_int_equal(f.duplicate_of, a.id);
	assert_int_equal(b.duplicate_of, a.id);
	assert_int_equal(b.records, 0);
	assert_int_equal(a.records, 4);
	assert_int_equal(a.duplicate_of, 0);
}

static void test_earlier_copy_is_a_duplicate(void **state)
{
	struct store *s = *state;
	store_text(s, "/late/Agent.log", "PC1", FULL, 64);
	store_text(s, "/early/Agent.log", "PC1", EARLY, 1);
	assert_int_equal(file_of(s, "/early/Agent.log").duplicate_of,
			 file_of(s, "/late/Agent.log").id);
	assert_int_equal(file_of(s, "/early/Agent.log").records, 0);
}

static void test_grown_copy_supersedes(void **state)
{
	struct store *s = *state;
	store_text(s, "/early/Agent.log", "PC1", EARLY, 2);
	store_text(s, "/dup/Agent.log", "PC1", EARLY, 7);
	struct store_file_final f = store_text(s, "/late/Agent.log", "PC1",
					       FULL, 3);
	assert_int_equal(f.duplicate_of, 0);
	assert_int_equal(f.n_supersedes, 1);
	struct file_seen late = file_of(s, "/late/Agent.log");
	assert_int_equal(late.records, 4);
	/* The earlier copy and its own duplicate now point at the grown one. */
	assert_int_equal(file_of(s, "/early/Agent.log").duplicate_of, late.id);
	assert_int_equal(file_of(s, "/early/Agent.log").records, 0);
	assert_int_equal(file_of(s, "/dup/Agent.log").duplicate_of, late.id);
	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.records, 4);
}

/* A copy stored first under a name that sorts before the log's own
 * (CcmNotificationAgent-copy.log): the real log, the same bytes, is
 * stored and the copy becomes its duplicate; a second copy under another
 * name is a duplicate of the real log. */
static void test_real_name_supersedes_a_copy(void **state)
{
	struct store *s = *state;
	store_role(s, "/b/CcmNotificationAgent-copy.log", "PC1", "CcmNotificationAgent-copy",
		   "agent", FULL, 3);
	struct store_file_final f = store_role(s, "/b/CcmNotificationAgent.log", "PC1",
					       "CcmNotificationAgent", "agent", FULL, 5);
	assert_int_equal(f.duplicate_of, 0);
	assert_int_equal(f.n_supersedes, 1);
	struct file_seen real = file_of(s, "/b/CcmNotificationAgent.log");
	assert_int_equal(real.records, 4);
	assert_int_equal(file_of(s, "/b/CcmNotificationAgent-copy.log").duplicate_of, real.id);
	assert_int_equal(file_of(s, "/b/CcmNotificationAgent-copy.log").records, 0);
	f = store_role(s, "/b/CcmNotificationAgent (1).log", "PC1", "CcmNotificationAgent (1)",
		       "agent", FULL, 4);
	assert_int_equal(f.duplicate_of, real.id);
	struct store_stats st;
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.records, 4);
}

static void test_not_duplicates(void **state)
{
	struct store *s = *state;
	store_text(s, "/a/Agent.log", "PC1", FULL, 4);
	/* Another host, a differing line, an empty file. */
	assert_int_equal(store_text(s, "/b/Agent.log", "PC2", FULL, 4).duplicate_of, 0);
	assert_int_equal(store_text(s, "/c/Agent.log", "PC1",
				    "one\ntwo\nthreX\n", 4).duplicate_of, 0);
	assert_int_equal(store_text(s, "/d/Agent.log", "PC1", "", 4).duplicate_of, 0);
	assert_int_equal(file_of(s, "/c/Agent.log").records, 3);
}

/* SQLite's virtual-machine steps over every statement of the connection
 * since the last call: the work of the SQL, whatever the machine's load. */
static uint64_t vm_steps(struct store *s)
{
	uint64_t n = 0;
	for (sqlite3_stmt *st = sqlite3_next_stmt(s->db, NULL); st;
	     st = sqlite3_next_stmt(s->db, st))
		n += (uint64_t)sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
	return n;
}

/* Store the files first..last-1 (one record each) on their own host
 * (hosts) or all on one host under their own log names; the steps the
 * last of them took. */
static uint64_t steps_of_last(struct store *s, int first, int last, bool hosts)
{
	uint64_t steps = 0;
	for (int i = first; i < last; i++) {
		char source[64], host[32], log[32], text[32];
		snprintf(source, sizeof(source), "/b/%d/app%d.log", i, i);
		snprintf(host, sizeof(host), "PC%d", hosts ? i : 0);
		snprintf(log, sizeof(log), "app%d", i);
		snprintf(text, sizeof(text), "record %d\n", i);
		vm_steps(s);
		store_as(s, source, host, log, text, 64);
		steps = vm_steps(s);
	}
	return steps;
}

/* Ingest must cost per file, not per file already stored: every per-file
 * lookup (host, twins, duplicates, old blocks) is an index seek. A scan
 * would make the 801st file cost about 40 times the 21st. */
static void test_file_cost_does_not_grow(void **state)
{
	struct store *s = *state;
	for (int hosts = 0; hosts < 2; hosts++) {
		int base = hosts * 1000;
		uint64_t early = steps_of_last(s, base, base + 21, hosts);
		uint64_t late = steps_of_last(s, base + 21, base + 801, hosts);
		assert_true(early > 0);
		if (late > early + early / 2)
			fail_msg("file 801 took %llu SQLite steps, file 21 %llu",
				 (unsigned long long)late,
				 (unsigned long long)early);
	}
}

/* A grown file read on from its old end: a dedup seeded with the raw
 * hasher's state after the old bytes, fed only the new ones, ends at the
 * hash and state of one fed every byte; the state goes through the store
 * (files.resume_hasher, tail_hash) and comes back by store_file_prior. */
static void test_seeded_hash_and_stored_state(void **state)
{
	struct store *s = *state;
	size_t len = strlen(FULL);
	for (size_t cut = 0; cut <= len; cut++) {
		struct dedup *whole = dedup_new(s, "h", "Agent", NULL, "w", -1, false);
		struct dedup *seeded = dedup_new(s, "h", "Agent", NULL, "w", -1, false);
		struct hasher old, a, b;
		hasher_init(&old);
		hasher_update(&old, FULL, cut);
		dedup_raw(whole, FULL, len);
		dedup_seed(seeded, &old);
		dedup_raw(seeded, FULL + cut, len - cut);
		assert_int_equal(dedup_content_hash(seeded), dedup_content_hash(whole));
		dedup_raw_state(whole, &a);
		dedup_raw_state(seeded, &b);
		assert_int_equal(hasher_final(&a), hasher_final(&b));
		assert_int_equal(a.total, len);
		dedup_free(whole);
		dedup_free(seeded);
	}
	struct store_file_meta m = { .source = "/r/Agent.log", .path = "r",
				     .host = "h", .name = "Agent.log",
				     .log_name = "Agent", .role = ROLE_AGENT,
				     .size = (int64_t)len, .mtime = 1 };
	struct store_resume resume;
	struct store_writer *w = store_file_begin(s, &m, PLAN_NEW, &resume);
	assert_non_null(w);
	feed_lines(w, FULL);
	unsigned char blob[HASHER_BLOB_BYTES];
	struct hasher h;
	hasher_init(&h);
	hasher_update(&h, FULL, len);
	hasher_save(&h, blob);
	struct store_file_final f = { .format = "plain", .encoding = "utf-8",
				      .content_hash = hasher_final(&h),
				      .size = (int64_t)len, .resume_state = blob,
				      .resume_len = sizeof(blob), .tail_hash = 42 };
	assert_int_equal(store_file_commit(w, &f), 0);
	struct store_prior p;
	assert_int_equal(store_file_prior(s, "/r/Agent.log", &p), 0);
	assert_true(p.known);
	assert_int_equal(p.resume_len, sizeof(blob));
	assert_memory_equal(p.resume_state, blob, sizeof(blob));
	assert_int_equal(p.tail_hash, 42);
	assert_string_equal(p.format, "plain");
	assert_string_equal(p.encoding, "utf-8");
	/* Stored again without a state (a pipe): none comes back. */
	w = store_file_begin(s, &m, PLAN_REPLACE, &resume);
	assert_non_null(w);
	f.resume_len = 0;
	assert_int_equal(store_file_commit(w, &f), 0);
	assert_int_equal(store_file_prior(s, "/r/Agent.log", &p), 0);
	assert_int_equal(p.resume_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal_content_is_a_duplicate,
						setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_earlier_copy_is_a_duplicate,
						setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_grown_copy_supersedes,
						setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_real_name_supersedes_a_copy,
						setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_not_duplicates,
						setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_file_cost_does_not_grow,
						setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_seeded_hash_and_stored_state,
						setup_memory, teardown_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
