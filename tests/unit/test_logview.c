/* test_logview.c - the pure pieces of the merged log and the record
 * detail: the merge key's order, one-line messages (newlines and SMS ~~
 * as a glyph, cut on UTF-8), the `t` time ranges, the error codes a
 * message names; and the store queries they read: a file's records by
 * seq across blocks, the estimate of records before a time, a record's
 * events and trace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/store.h"
#include "../../db/store_internal.h"
#include "store_fixture.h"
#include "../../lib/util.h"
#include "../../parsers/timeparse.h"
#include "../../src/errcodes.h"
#include "../../ui/logview.h"
#include "../../ui/timerange.h"

#define SEC_US INT64_C(1000000)
#define DAY_US (INT64_C(86400) * SEC_US)
/* 2026-09-25 00:00 UTC */
#define SEP25 (INT64_C(20721) * DAY_US)

/* ---- the merge key ---- */

static void test_key_order(void **state)
{
	(void)state;
	static const struct {
		struct log_key a, b;
		int want;
	} cases[] = {
		{ { 1, 1, 1 }, { 1, 1, 1 }, 0 },
		{ { 1, 9, 9 }, { 2, 0, 0 }, -1 },	/* time first */
		{ { 5, 1, 9 }, { 5, 2, 0 }, -1 },	/* then the file */
		{ { 5, 2, 3 }, { 5, 2, 1 }, 1 },	/* then file order */
		{ { 0, 3, 0 }, { 1, 1, 0 }, -1 },	/* no time comes first */
		{ { INT64_MAX, 1, 0 }, { INT64_MIN, 1, 0 }, 1 },
		{ { 5, 2, UINT64_MAX }, { 5, 2, 0 }, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(log_key_cmp(&cases[i].a, &cases[i].b), cases[i].want);
		assert_int_equal(log_key_cmp(&cases[i].b, &cases[i].a), -cases[i].want);
	}
}

/* ---- one line per record ---- */

static void one_line(const char *in, size_t max, const char *want)
{
	struct buf b = {0};
	log_one_line(&b, in, strlen(in), max, "|");
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void test_one_line(void **state)
{
	(void)state;
	one_line("plain", 100, "plain");
	one_line("", 100, "");
	one_line("a\r\nb\nc\rd", 100, "a|b|c|d");
	one_line("a\n\nb", 100, "a||b");
	one_line("one~~two~~three", 100, "one|two|three");
	one_line("a ~ b ~~~ c", 100, "a ~ b |~ c");	/* one ~ is text */
	one_line("abcdef", 3, "abc");
	/* é is two bytes: a cut inside it keeps the whole of what came before */
	one_line("ab\xc3\xa9z", 3, "ab");
	one_line("ab\xc3\xa9z", 4, "ab\xc3\xa9");
	/* control bytes stay: draw_text escapes them */
	one_line("x\033[2Jy", 100, "x\033[2Jy");
}

/* ---- time ranges ---- */

static void test_time_ranges(void **state)
{
	(void)state;
	int64_t last = SEP25 + DAY_US + 12 * 3600 * SEC_US;	/* data from 09-25 11:00 */
	struct time_range r;
	assert_true(time_range_parse("19:30-19:45", last, &r));
	assert_true(r.has_from && r.has_to);
	assert_int_equal(r.from, SEP25 + (19 * 3600 + 30 * 60) * SEC_US);
	assert_int_equal(r.to, SEP25 + (19 * 3600 + 45 * 60) * SEC_US);
	assert_true(time_range_parse("19:30", last, &r));
	assert_true(r.has_from && !r.has_to);
	assert_true(time_range_parse("-15m", last, &r));
	assert_true(r.has_from && !r.has_to);
	assert_int_equal(r.from, last - 15 * 60 * SEC_US);
	assert_true(time_range_parse("-2h", last, &r));
	assert_int_equal(r.from, last - 2 * 3600 * SEC_US);
	/* past midnight: ends the next day */
	assert_true(time_range_parse("23:50-00:10", last, &r));
	assert_int_equal(r.to - r.from, 20 * 60 * SEC_US);
	assert_true(time_range_parse("2026-09-25T19:30..2026-09-26T01:00", last, &r));
	assert_int_equal(r.from, SEP25 + (19 * 3600 + 30 * 60) * SEC_US);
	assert_int_equal(r.to, SEP25 + DAY_US + 3600 * SEC_US);
	assert_true(time_range_parse("", last, &r));
	assert_false(r.has_from || r.has_to);
	/* a clock time is its last occurrence not after last (12:00 on
	 * the 26th): 00:00-01:00 is the 26th's, 13:00 the 25th's */
	assert_true(time_range_parse("00:00-01:00", last, &r));
	assert_int_equal(r.from, SEP25 + DAY_US);
	assert_int_equal(r.to, SEP25 + DAY_US + 3600 * SEC_US);
	assert_true(time_range_parse("12:00", last, &r));
	assert_int_equal(r.from, last);
	assert_true(time_range_parse("13:00-14:00", last, &r));
	assert_int_equal(r.from, SEP25 + 13 * 3600 * SEC_US);
	assert_true(time_range_parse("..05:00", last, &r));
	assert_true(!r.has_from && r.has_to);
	assert_int_equal(r.to, SEP25 + DAY_US + 5 * 3600 * SEC_US);
	int64_t at;
	assert_true(time_point_parse("05:00", last, &at));
	assert_int_equal(at, SEP25 + DAY_US + 5 * 3600 * SEC_US);
	assert_true(time_point_parse("2026-09-25T05:00", last, &at));
	assert_int_equal(at, SEP25 + 5 * 3600 * SEC_US);
	assert_false(time_point_parse("5", last, &at));
	static const char *const bad[] = { "noon", "25:00", "19:61", "-15", "-15x", "-0m", "19:30-later", "..",
					   "-99999999999999m", "-100001d", "-9223372036854775807s" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(time_range_parse(bad[i], last, &r));
}

/* ---- error codes in a message ---- */

static void test_errcode_scan(void **state)
{
	(void)state;
	struct errcode_hit h[8];
	const char *msg = "The remote server returned an error: (401) Unauthorized. [0x80131509] "
			  "again 0x80131509, status code: 403, HTTP 500";
	size_t n = errcode_scan(msg, strlen(msg), h, 8);
	assert_int_equal(n, 4);
	assert_int_equal(h[0].family, ERRCODE_HTTP);
	assert_int_equal(h[0].code, 401);
	assert_int_equal(h[1].family, ERRCODE_HRESULT);
	assert_int_equal(h[1].code, 0x80131509u);
	assert_int_equal(h[2].code, 403);
	assert_int_equal(h[3].code, 500);
	static const char *const none[] = {
		"0x8013150 seven digits", "0x801315091 nine digits", "abc0x80131509 glued",
		"(1234) four digits", "(99) two", "(600) not http", "statuscode: 4011", "",
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(errcode_scan(none[i], strlen(none[i]), h, 8), 0);
	/* at most max, and never past len */
	assert_int_equal(errcode_scan(msg, strlen(msg), h, 2), 2);
	assert_int_equal(errcode_scan("(401)", 4, h, 8), 0);
}

/* ---- the store queries ---- */

#define N_RECORDS 2500	/* three blocks of STORE_BLOCK_RECORDS */

static struct store_writer *begin(struct store *s, const char *source, const char *host)
{
	struct store_file_meta m = {
		.source = source, .path = source, .host = host, .name = source,
		.log_name = source, .mtime = 1, .head_hash = 42, .role = ROLE_AGENT,
	};
	struct store_resume dummy;
	struct store_writer *w = store_file_begin(s, &m, PLAN_NEW, &dummy);
	assert_non_null(w);
	return w;
}

/* Records "record N  $$<...>" one second apart from SEP25, UTC. */
static void write_file(struct store *s)
{
	struct store_writer *w = begin(s, "a/CcmNotificationAgent.log", "PC1");
	const struct record_sink *sink = store_writer_sink(w);
	char text[64];
	for (int i = 0; i < N_RECORDS; i++) {
		int len = snprintf(text, sizeof(text), "record %d  $$<T><x>\n", i);
		struct log_record lr = {0};
		lr.text = text;
		lr.len = (size_t)len;
		lr.line = (uint32_t)i + 1;
		lr.message = (struct span){ 0, (uint32_t)(strstr(text, "  $$") - text) };
		lr.local_us = SEP25 + i * SEC_US;
		lr.has_time = lr.has_bias = true;
		lr.type = i == 1500 ? 3 : 1;
		lr.thread = 7;
		assert_int_equal(sink->record(sink->ctx, &lr), 0);
	}
	struct store_file_final f = { .format = "sms", .encoding = "utf-8", .content_hash = 1,
				      .size = 100 };
	assert_int_equal(store_file_commit(w, &f), 0);
}

struct seen {
	uint64_t seqs[32];
	char msgs[32][24];
	size_t n;
	int64_t file_id;
};

static int collect(void *ctx, const struct stored_record *r)
{
	struct seen *s = ctx;
	if (s->n < 32) {
		s->seqs[s->n] = r->seq;
		snprintf(s->msgs[s->n], sizeof(s->msgs[0]), "%.*s", (int)r->message.len,
			 r->text + r->message.off);
		s->file_id = r->file_id;
		s->n++;
	}
	return 0;
}

static int first_file(void *ctx, const struct store_file *f)
{
	*(int64_t *)ctx = f->id;
	return 1;
}

static void test_file_records_across_blocks(void **state)
{
	struct store *s = *state;
	write_file(s);
	int64_t id = 0;
	assert_int_equal(store_files(s, first_file, &id), 0);
	assert_true(id > 0);
	struct seen got = {0};
	/* 1020..1030 crosses the first block's end (1024 records) */
	assert_int_equal(store_file_records(s, id, 1020, 1030, collect, &got), 0);
	assert_int_equal(got.n, 11);
	for (size_t i = 0; i < got.n; i++) {
		char want[24];
		snprintf(want, sizeof(want), "record %zu", 1020 + i);
		assert_int_equal(got.seqs[i], 1020 + i);
		assert_string_equal(got.msgs[i], want);
	}
	assert_int_equal(got.file_id, id);
	/* one record; the first; past the end; no such file */
	got.n = 0;
	assert_int_equal(store_file_records(s, id, 2048, 2048, collect, &got), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.msgs[0], "record 2048");
	got.n = 0;
	assert_int_equal(store_file_records(s, id, 0, 0, collect, &got), 0);
	assert_int_equal(got.n, 1);
	got.n = 0;
	assert_int_equal(store_file_records(s, id, N_RECORDS, N_RECORDS + 5, collect, &got), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_file_records(s, id + 99, 0, 5, collect, &got), 1);
}

/* A store is a file anyone can edit: a record whose message offset, or
 * whose text length, runs past the block, or a block text that does not
 * decode, is refused with "corrupt block N (file F)", never read; an
 * intact block still reads. */
static void test_file_records_tampered_block(void **state)
{
	struct store *s = *state;
	write_file(s);
	int64_t id = 0;
	assert_int_equal(store_files(s, first_file, &id), 0);
	static const char *const tamper[] = {
		/* msg_off of every entry of the first block: 0xffffff00 */
		"UPDATE blocks SET meta = substr(meta, 1, 16) || x'00ffffff' ||"
		" substr(meta, 21) WHERE seq = 0",
		/* the first entry's text_len */
		"UPDATE blocks SET meta = substr(meta, 1, 8) || x'ffffff7f' ||"
		" substr(meta, 13) WHERE seq = 0",
		/* the text (db/blocktext.h): an unknown codec */
		"UPDATE block_text SET text = x'09' || substr(text, 2) WHERE block_id ="
		" (SELECT id FROM blocks WHERE seq = 0)",
		/* a header claiming 16 MB, more than LZ4 can make of it */
		"UPDATE block_text SET text = substr(text, 1, 1) ||"
		" x'ffffff00' || substr(text, 6) WHERE block_id ="
		" (SELECT id FROM blocks WHERE seq = 0)",
		/* an LZ4 payload of zeros: a match at offset 0 */
		"UPDATE block_text SET text = substr(text, 1, 5) ||"
		" zeroblob(length(text) - 5) WHERE block_id ="
		" (SELECT id FROM blocks WHERE seq = 0)",
		/* cut in half */
		"UPDATE block_text SET text = substr(text, 1, length(text) / 2)"
		" WHERE block_id = (SELECT id FROM blocks WHERE seq = 0)",
	};
	for (size_t k = 0; k < sizeof(tamper) / sizeof(tamper[0]); k++) {
		assert_int_equal(sqlite3_exec(s->db, "SAVEPOINT t", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(s->db, tamper[k], NULL, NULL, NULL), SQLITE_OK);
		struct seen got = {0};
		assert_int_equal(store_file_records(s, id, 0, 3, collect, &got), -1);
		assert_int_equal(got.n, 0);
		assert_non_null(strstr(store_error(s), "corrupt block "));
		assert_non_null(strstr(store_error(s), "(file "));
		/* the second block is intact */
		assert_int_equal(store_file_records(s, id, 2048, 2048, collect, &got), 0);
		assert_int_equal(got.n, 1);
		assert_int_equal(sqlite3_exec(s->db, "ROLLBACK TO t; RELEASE t", NULL, NULL, NULL),
				 SQLITE_OK);
	}
	struct seen got = {0};
	assert_int_equal(store_file_records(s, id, 0, 3, collect, &got), 0);
	assert_int_equal(got.n, 4);
}

static void test_records_before(void **state)
{
	struct store *s = *state;
	write_file(s);
	int64_t n = -1;
	assert_int_equal(store_records_before(s, SEP25, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_records_before(s, SEP25 + DAY_US, &n), 0);
	assert_int_equal(n, N_RECORDS);
	/* one second a record: about 1500 before 1500 s, within a block */
	assert_int_equal(store_records_before(s, SEP25 + 1500 * SEC_US, &n), 0);
	assert_true(n >= 1500 - STORE_BLOCK_RECORDS / 16 && n <= 1500 + STORE_BLOCK_RECORDS / 16);
}

static void test_record_at_line(void **state)
{
	struct store *s = *state;
	write_file(s);
	int64_t id = 0, fid = 0;
	uint64_t seq = 0;
	assert_int_equal(store_files(s, first_file, &id), 0);
	/* record N is on line N + 1; the third block starts at 2048 */
	static const uint32_t lines[] = { 1, 2, 1024, 1025, 2049, 2500 };
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(store_record_at_line(s, "pc1", "a/CcmNotificationAgent.log", lines[i],
						      &fid, &seq), 0);
		assert_int_equal(fid, id);
		assert_int_equal(seq, lines[i] - 1);
	}
	assert_int_equal(store_record_at_line(s, NULL, "a/CcmNotificationAgent.log", 9999, &fid, &seq), 0);
	assert_int_equal(seq, N_RECORDS - 1);	/* past the end: the last record */
	assert_int_equal(store_record_at_line(s, "PC2", "a/CcmNotificationAgent.log", 5, &fid, &seq), 1);
	assert_int_equal(store_record_at_line(s, "PC1", "b.log", 5, &fid, &seq), 1);
	assert_int_equal(store_record_at_line(s, "PC1", "a/CcmNotificationAgent.log", 0, &fid, &seq), 1);
}

static int count_events(void *ctx, const struct stored_event *e)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

static void test_record_without_event_or_trace(void **state)
{
	struct store *s = *state;
	write_file(s);
	int64_t id = 0, trace = -1;
	assert_int_equal(store_files(s, first_file, &id), 0);
	int n = 0;
	assert_int_equal(store_record_events(s, id, 5, count_events, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_record_trace(s, id, 5, &trace), 0);
	assert_int_equal(trace, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_time_ranges),
		cmocka_unit_test(test_errcode_scan),
		cmocka_unit_test_setup_teardown(test_file_records_across_blocks, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_file_records_tampered_block, setup_memory,
						teardown_store),
		cmocka_unit_test_setup_teardown(test_records_before, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_record_at_line, setup_memory, teardown_store),
		cmocka_unit_test_setup_teardown(test_record_without_event_or_trace, setup_memory,
						teardown_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
