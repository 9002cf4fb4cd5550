/* test_blocktext.c - a block's text as stored: what goes in comes out
 * (empty, repetitive log text compressed, random bytes kept raw), and a
 * stored text that was cut, padded or edited is refused with a reason,
 * never read past (run under ASan: make check-asan). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/blocktext.h"

/* Log-like text: repetitive, as ConfigMgr's logs are. */
static char *log_text(size_t *len, int records)
{
	struct buf b = {0};
	for (int i = 0; i < records; i++) {
		char line[256];
		int n = snprintf(line, sizeof(line),
				 "<![LOG[Successfully sent keep-alive message %d]LOG]!>"
				 "<time=\"10:00:%02d.000+000\" date=\"01-01-2026\""
				 " component=\"BgbAgent\" thread=\"%d\">\r\n",
				 i, i % 60, 1000 + i % 7);
		buf_append(&b, line, (size_t)n);
	}
	*len = b.len;
	return b.data;
}

/* Bytes LZ4 cannot shrink (a fixed generator: the test repeats). */
static char *noise(size_t len)
{
	char *p = malloc(len);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (char)(x >> 24);
	}
	return p;
}

/* Encode, decode both ways, compare; the codec it chose. */
static int round_trip(const char *text, size_t len)
{
	struct buf st = {0};
	assert_int_equal(blocktext_encode(&st, text, len), 0);
	assert_true(st.len >= BLOCKTEXT_HEADER);
	size_t raw = 0;
	const char *why = NULL, *got = NULL;
	assert_int_equal(blocktext_raw_len(st.data, st.len, &raw, &why), 0);
	assert_int_equal(raw, len);
	struct blocktext_scratch z = {0};
	size_t got_len = 1;
	assert_int_equal(blocktext_decode(st.data, st.len, &z, &got, &got_len, &why), 0);
	assert_int_equal(got_len, len);
	if (len)
		assert_memory_equal(got, text, len);
	char *dst = malloc(len + 1);
	assert_int_equal(blocktext_decode_into(st.data, st.len, dst, len, &why), 0);
	if (len)
		assert_memory_equal(dst, text, len);
	int codec = (unsigned char)st.data[0];
	free(dst);
	blocktext_scratch_free(&z);
	buf_free(&st);
	return codec;
}

static void test_round_trips(void **state)
{
	(void)state;
	assert_int_equal(round_trip("", 0), BLOCKTEXT_RAW);
	assert_int_equal(round_trip("x", 1), BLOCKTEXT_RAW);
	size_t len;
	char *text = log_text(&len, 1024);
	assert_int_equal(round_trip(text, len), BLOCKTEXT_LZ4);
	/* the point of it: a block of log lines shrinks several times */
	struct buf st = {0};
	blocktext_encode(&st, text, len);
	assert_true(st.len * 4 < len);
	buf_free(&st);
	free(text);
	char *rnd = noise(100000);
	assert_int_equal(round_trip(rnd, 100000), BLOCKTEXT_RAW);
	free(rnd);
}

/* One scratch buffer for blocks of different sizes, small after large
 * and large after small. */
static void test_scratch_reused(void **state)
{
	(void)state;
	struct blocktext_scratch z = {0};
	for (int records = 1; records <= 2000; records = records * 3 + 1) {
		for (int pass = 0; pass < 2; pass++) {
			size_t len;
			char *text = log_text(&len, pass ? 2000 / records : records);
			struct buf st = {0};
			blocktext_encode(&st, text, len);
			const char *got, *why;
			size_t got_len;
			assert_int_equal(blocktext_decode(st.data, st.len, &z, &got,
							  &got_len, &why), 0);
			assert_int_equal(got_len, len);
			assert_memory_equal(got, text, len);
			buf_free(&st);
			free(text);
		}
	}
	blocktext_scratch_free(&z);
}

/* A copy of stored, changed by edit, must be refused with a reason. The
 * copy is exactly its length, so ASan sees any read past it. */
static void expect_refused(const unsigned char *stored, size_t len,
			   size_t raw_len, const char *what)
{
	unsigned char *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, stored, len);
	struct blocktext_scratch z = {0};
	const char *got, *why = NULL;
	size_t got_len;
	if (blocktext_decode(copy, len, &z, &got, &got_len, &why) == 0)
		fail_msg("%s: decoded", what);
	assert_non_null(why);
	char *dst = malloc(raw_len + 1);
	why = NULL;
	if (blocktext_decode_into(copy, len, dst, raw_len, &why) == 0)
		fail_msg("%s: decoded into", what);
	assert_non_null(why);
	free(dst);
	free(copy);
	blocktext_scratch_free(&z);
}

static void test_damage_refused(void **state)
{
	(void)state;
	size_t len;
	char *text = log_text(&len, 1024);
	struct buf st = {0};
	blocktext_encode(&st, text, len);
	assert_int_equal((unsigned char)st.data[0], BLOCKTEXT_LZ4);
	unsigned char *s = (unsigned char *)st.data;

	expect_refused(NULL, 0, len, "no text at all");
	expect_refused(s, 0, len, "empty");
	expect_refused(s, BLOCKTEXT_HEADER - 1, len, "a header cut short");
	expect_refused(s, BLOCKTEXT_HEADER, len, "a header without payload");
	expect_refused(s, st.len - 1, len, "payload cut by one byte");
	expect_refused(s, st.len / 2, len, "payload cut in half");

	unsigned char *c = malloc(st.len + 16);
	memcpy(c, s, st.len);
	c[0] = 7;
	expect_refused(c, st.len, len, "unknown codec");
	memcpy(c, s, st.len);
	c[1]++;			/* raw_len one more than the payload gives */
	expect_refused(c, st.len, len + 1, "raw length one too long");
	memcpy(c, s, st.len);
	c[1]--;
	expect_refused(c, st.len, len - 1, "raw length one too short");
	memcpy(c, s, st.len);
	c[4] = 0x7f;		/* claims ~2 GB from a few KB */
	expect_refused(c, st.len, len, "raw length past LZ4's ratio");
	memcpy(c, s, st.len);
	memset(c + st.len, 0, 16);
	expect_refused(c, st.len + 16, len, "trailing bytes after the payload");
	/* a match offset pointing before the start of the output: the first
	 * sequence's token says 0 literals and a match, at offset 0xffff */
	memcpy(c, s, st.len);
	c[BLOCKTEXT_HEADER] = 0x0f;
	c[BLOCKTEXT_HEADER + 1] = 0xff;
	c[BLOCKTEXT_HEADER + 2] = 0xff;
	expect_refused(c, st.len, len, "a match before the text's start");
	free(c);

	/* raw: the header must say the payload's length */
	struct buf raw = {0};
	blocktext_encode(&raw, "abc", 3);
	assert_int_equal((unsigned char)raw.data[0], BLOCKTEXT_RAW);
	raw.data[1] = 4;
	expect_refused((unsigned char *)raw.data, raw.len, 4, "raw, one too long");
	raw.data[1] = 3;
	expect_refused((unsigned char *)raw.data, raw.len - 1, 3, "raw, cut");
	/* decode_into checks the caller's length too */
	const char *why;
	char dst[8];
	raw.data[1] = 3;
	assert_int_equal(blocktext_decode_into(raw.data, raw.len, dst, 2, &why), -1);
	buf_free(&raw);
	buf_free(&st);
	free(text);
}

/* Every single-byte change of a compressed block either decodes (to some
 * text of the length claimed) or is refused: never a crash or a read past
 * the buffer. */
static void test_every_byte_flipped(void **state)
{
	(void)state;
	size_t len;
	char *text = log_text(&len, 64);
	struct buf st = {0};
	blocktext_encode(&st, text, len);
	unsigned char *c = malloc(st.len);
	struct blocktext_scratch z = {0};
	for (size_t i = 0; i < st.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(c, st.data, st.len);
			c[i] ^= (unsigned char)(1u << bit);
			const char *got, *why = NULL;
			size_t got_len;
			size_t claim = 0;
			int rc = blocktext_decode(c, st.len, &z, &got, &got_len, &why);
			if (rc == 0) {
				assert_int_equal(blocktext_raw_len(c, st.len, &claim, &why), 0);
				assert_int_equal(got_len, claim);
			} else {
				assert_non_null(why);
			}
		}
	}
	blocktext_scratch_free(&z);
	free(c);
	buf_free(&st);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_scratch_reused),
		cmocka_unit_test(test_damage_refused),
		cmocka_unit_test(test_every_byte_flipped),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
