/* test_decode.c - encoding detection and the streaming decoders: BOMs,
 * BOM-less UTF-16, strict UTF-8 with the Windows-1252 fallback, and the
 * same output for any chunking of the input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "../../parsers/decode.h"

struct detect_case {
	const char *bytes;
	size_t len;
	enum text_encoding want;
};

static const struct detect_case detect_cases[] = {
	{"", 0, ENC_UTF8},
	{"A", 1, ENC_UTF8},
	{"\xEF\xBB\xBF<![LOG[", 10, ENC_UTF8_BOM},
	{"\xFF\xFE<\0!\0", 6, ENC_UTF16LE},
	{"\xFE\xFF\0<\0!", 6, ENC_UTF16BE},
	{"<\0!\0[\0L\0O\0G\0", 12, ENC_UTF16LE},
	{"\0<\0!\0[\0L\0O\0G", 12, ENC_UTF16BE},
	{"A\0", 2, ENC_UTF8},		/* too few samples to tell */
	{"plain ascii text", 16, ENC_UTF8},
	{"mostly text\0with one zero", 25, ENC_UTF8},
	{"\xC3\xA9t\xC3\xA9", 6, ENC_UTF8},
};

static void test_detect(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(detect_cases) / sizeof(detect_cases[0]); k++)
		assert_int_equal(encoding_detect((const unsigned char *)
						 detect_cases[k].bytes,
						 detect_cases[k].len),
				 detect_cases[k].want);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(encoding_name(ENC_UTF8), "utf-8");
	assert_string_equal(encoding_name(ENC_UTF8_BOM), "utf-8-bom");
	assert_string_equal(encoding_name(ENC_UTF16LE), "utf-16le");
	assert_string_equal(encoding_name(ENC_UTF16BE), "utf-16be");
}

struct decode_case {
	const char *name;
	enum text_encoding enc;
	const char *in;
	size_t inlen;
	const char *out;
	size_t fallback;	/* bytes read as Windows-1252 */
};

static const struct decode_case decode_cases[] = {
	{"ascii", ENC_UTF8, "hello\r\n", 7, "hello\r\n", 0},
	{"valid 2, 3 and 4 byte sequences", ENC_UTF8,
	 "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 11,
	 "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 0},
	{"cp1252 euro and quotes", ENC_UTF8, "\x80 \x93x\x94", 5,
	 "\xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D", 3},
	{"the five undefined cp1252 bytes", ENC_UTF8, "\x81\x8D\x8F\x90\x9D", 5,
	 "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D", 5},
	{"latin-1 range", ENC_UTF8, "caf\xE9 \xFF", 6,
	 "caf\xC3\xA9 \xC3\xBF", 2},
	{"overlong C0 AF", ENC_UTF8, "\xC0\xAF", 2, "\xC3\x80\xC2\xAF", 2},
	{"overlong E0 80 80", ENC_UTF8, "\xE0\x80\x80", 3,
	 "\xC3\xA0\xE2\x82\xAC\xE2\x82\xAC", 3},
	{"surrogate ED A0 80", ENC_UTF8, "\xED\xA0\x80", 3,
	 "\xC3\xAD\xC2\xA0\xE2\x82\xAC", 3},
	{"above U+10FFFF", ENC_UTF8, "\xF4\x90\x80\x80", 4,
	 "\xC3\xB4\xC2\x90\xE2\x82\xAC\xE2\x82\xAC", 4},
	{"truncated sequence before ascii", ENC_UTF8, "\xE2\x82" "A", 3,
	 "\xC3\xA2\xE2\x80\x9A" "A", 2},
	{"truncated sequence at eof", ENC_UTF8, "ok\xF0\x9F\x98", 5,
	 "ok\xC3\xB0\xC5\xB8\xCB\x9C", 3},
	{"utf-8 BOM dropped", ENC_UTF8_BOM, "\xEF\xBB\xBFhi", 5, "hi", 0},
	{"utf-8-bom without a BOM", ENC_UTF8_BOM, "\xEF\xBB" "A", 3,
	 "\xC3\xAF\xC2\xBB" "A", 2},
	{"utf-8 mode keeps a BOM as text", ENC_UTF8, "\xEF\xBB\xBFhi", 5,
	 "\xEF\xBB\xBFhi", 0},
	{"utf-16le with BOM", ENC_UTF16LE, "\xFF\xFEh\0\xE9\0\xAC\x20", 8,
	 "h\xC3\xA9\xE2\x82\xAC", 0},
	{"utf-16be with BOM", ENC_UTF16BE, "\xFE\xFF\0h\0\xE9\x20\xAC", 8,
	 "h\xC3\xA9\xE2\x82\xAC", 0},
	{"utf-16le without BOM", ENC_UTF16LE, "<\0!\0\r\0\n\0", 8, "<!\r\n", 0},
	{"utf-16be without BOM", ENC_UTF16BE, "\0<\0!", 4, "<!", 0},
	{"utf-16le surrogate pair", ENC_UTF16LE, "\x3D\xD8\x00\xDE", 4,
	 "\xF0\x9F\x98\x80", 0},
	{"utf-16le lone high surrogate", ENC_UTF16LE, "\x3D\xD8" "A\0", 4,
	 "\xEF\xBF\xBD" "A", 0},
	{"utf-16le lone low surrogate", ENC_UTF16LE, "\x00\xDE" "A\0", 4,
	 "\xEF\xBF\xBD" "A", 0},
	{"utf-16le high surrogate at eof", ENC_UTF16LE, "A\0\x3D\xD8", 4,
	 "A\xEF\xBF\xBD", 0},
	{"utf-16le odd trailing byte", ENC_UTF16LE, "A\0B", 3,
	 "A\xEF\xBF\xBD", 0},
	{"utf-16 BOM only at the start", ENC_UTF16LE, "\xFF\xFE" "A\0\xFF\xFE", 6,
	 "A\xEF\xBB\xBF", 0},
};

/* Decode in pieces split at the given cut points (ascending). */
static void decode_pieces(const struct decode_case *c, const size_t *cuts,
			  size_t ncuts, struct buf *out, size_t *fallback)
{
	struct decoder *d = decoder_new(c->enc);
	size_t from = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : c->inlen;
		decoder_feed(d, (const unsigned char *)c->in + from, to - from,
			     i == ncuts, out);
		from = to;
	}
	*fallback = decoder_fallback_bytes(d);
	decoder_free(d);
}

static void assert_decoded(const struct decode_case *c, const struct buf *out,
			   size_t fallback)
{
	size_t want = strlen(c->out);
	assert_int_equal(out->len, want);
	assert_memory_equal(out->data, c->out, want);
	assert_int_equal(out->data[out->len], '\0');
	if (c->enc == ENC_UTF8 || c->enc == ENC_UTF8_BOM)
		assert_int_equal(fallback, c->fallback);
}

static void test_decode_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(decode_cases) / sizeof(decode_cases[0]); k++) {
		const struct decode_case *c = &decode_cases[k];
		print_message("case: %s\n", c->name);
		struct buf out = {0};
		size_t fb;
		decode_pieces(c, NULL, 0, &out, &fb);
		assert_decoded(c, &out, fb);
		buf_free(&out);
	}
}

/* Every two- and three-piece split, and byte by byte, decode the same. */
static void test_decode_any_split(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(decode_cases) / sizeof(decode_cases[0]); k++) {
		const struct decode_case *c = &decode_cases[k];
		size_t fb;
		for (size_t a = 0; a <= c->inlen; a++) {
			for (size_t b = a; b <= c->inlen; b++) {
				size_t cuts[2] = {a, b};
				struct buf out = {0};
				decode_pieces(c, cuts, 2, &out, &fb);
				assert_decoded(c, &out, fb);
				buf_free(&out);
			}
		}
		size_t cuts[16];
		for (size_t i = 0; i < c->inlen && i < 16; i++)
			cuts[i] = i;
		struct buf out = {0};
		decode_pieces(c, cuts, c->inlen < 16 ? c->inlen : 16, &out, &fb);
		assert_decoded(c, &out, fb);
		buf_free(&out);
	}
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t need = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 :
			      c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
		if (!need || i + need > n)
			return false;
		for (size_t k = 1; k < need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
		    (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
			return false;
		i += need;
	}
	return true;
}

/* Random bytes (biased towards UTF-8 lead and continuation bytes) in
 * random chunks: output is valid UTF-8 and identical to one-shot. */
static void test_random_bytes_any_chunking(void **state)
{
	(void)state;
	static const unsigned char alphabet[] = {
		'a', 'b', '\n', 0x00, 0x80, 0x81, 0xBF, 0xC2, 0xC3, 0xDF, 0xE0,
		0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0xD8,
		0xDC, 0xFE, 0xBB};
	unsigned seed = 1;
	size_t n = 20000;
	unsigned char *in = malloc(n);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		in[i] = alphabet[(seed >> 16) % sizeof(alphabet)];
	}
	for (int e = ENC_UTF8; e <= ENC_UTF16BE; e++) {
		struct buf ref = {0}, got = {0};
		struct decoder *d = decoder_new((enum text_encoding)e);
		decoder_feed(d, in, n, true, &ref);
		decoder_free(d);
		assert_true(valid_utf8((unsigned char *)ref.data, ref.len));
		d = decoder_new((enum text_encoding)e);
		for (size_t off = 0; off < n;) {
			seed = seed * 1103515245u + 12345u;
			size_t c = 1 + (seed >> 16) % 9;
			if (c > n - off)
				c = n - off;
			decoder_feed(d, in + off, c, off + c == n, &got);
			off += c;
		}
		decoder_free(d);
		assert_int_equal(got.len, ref.len);
		assert_memory_equal(got.data, ref.data, ref.len);
		buf_free(&ref);
		buf_free(&got);
	}
	free(in);
}

static size_t put_utf8_ref(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* UTF-16 of long ASCII runs (taken four units at a time) broken by
 * units that only look ASCII in one byte (0x7F00, 0x00FF, 0x0180) and a
 * surrogate pair, at every alignment, in both byte orders and random
 * chunks: the code points come out, whichever way the input was cut. */
static void test_utf16_ascii_runs(void **state)
{
	(void)state;
	static const uint32_t odd[] = { 0x7F00, 0x00FF, 0x0180, 0x0080,
					0x20AC, 0x1F600, 0x7F };
	enum { UNITS = 6000 };
	unsigned seed = 7;
	unsigned char *le = malloc(UNITS * 4), *be = malloc(UNITS * 4);
	unsigned char *want = malloc(UNITS * 4);
	size_t n = 0, w = 0;
	for (size_t k = 0; k < UNITS; k++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t cp = (seed >> 16) % 23 ? 'a' + (seed >> 20) % 26
						: odd[(seed >> 18) % 7];
		uint16_t u[2] = { (uint16_t)cp, 0 };
		size_t nu = 1;
		if (cp >= 0x10000) {
			u[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
			u[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
			nu = 2;
		}
		for (size_t j = 0; j < nu; j++, n += 2) {
			le[n] = (unsigned char)u[j];
			le[n + 1] = (unsigned char)(u[j] >> 8);
			be[n] = le[n + 1];
			be[n + 1] = le[n];
		}
		w += put_utf8_ref(want + w, cp);
	}
	for (int e = ENC_UTF16LE; e <= ENC_UTF16BE; e++) {
		const unsigned char *in = e == ENC_UTF16LE ? le : be;
		struct buf got = {0};
		struct decoder *d = decoder_new((enum text_encoding)e);
		for (size_t off = 0; off < n;) {
			seed = seed * 1103515245u + 12345u;
			size_t c = 1 + (seed >> 16) % 41;
			if (c > n - off)
				c = n - off;
			decoder_feed(d, in + off, c, off + c == n, &got);
			off += c;
		}
		decoder_free(d);
		assert_int_equal(got.len, w);
		assert_memory_equal(got.data, want, w);
		buf_free(&got);
	}
	free(le);
	free(be);
	free(want);
}

/* Long valid runs are copied, not re-encoded: a round trip is exact. */
static void test_long_valid_text_round_trips(void **state)
{
	(void)state;
	struct buf in = {0}, out = {0};
	for (int i = 0; i < 5000; i++)
		buf_append(&in, "<![LOG[caf\xC3\xA9 \xE2\x82\xAC]LOG]!>\r\n", 21);
	struct decoder *d = decoder_new(ENC_UTF8);
	decoder_feed(d, (unsigned char *)in.data, in.len / 2, false, &out);
	decoder_feed(d, (unsigned char *)in.data + in.len / 2,
		     in.len - in.len / 2, true, &out);
	assert_int_equal(decoder_fallback_bytes(d), 0);
	decoder_free(d);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	buf_free(&in);
	buf_free(&out);
}

static void test_nul_passes_through(void **state)
{
	(void)state;
	struct buf out = {0};
	struct decoder *d = decoder_new(ENC_UTF8);
	decoder_feed(d, (const unsigned char *)"a\0b", 3, true, &out);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "a\0b", 3);
	decoder_free(d);
	buf_free(&out);
}

static void test_empty_feed(void **state)
{
	(void)state;
	struct buf out = {0};
	struct decoder *d = decoder_new(ENC_UTF16LE);
	decoder_feed(d, (const unsigned char *)"", 0, true, &out);
	assert_int_equal(out.len, 0);
	assert_non_null(out.data);
	decoder_free(d);
	decoder_free(NULL);
	buf_free(&out);
}

/* Decode raw[from..to) with a decoder that starts there. */
static void decode_span(enum text_encoding enc, const unsigned char *raw,
			size_t from, size_t to, struct buf *out)
{
	struct decoder *d = from ? decoder_new_mid(enc) : decoder_new(enc);
	decoder_feed(d, raw + from, to - from, true, out);
	decoder_free(d);
}

/* A grown file read on from the raw offset of a decoded offset: for an
 * old end at every few bytes (cutting units and sequences) and every
 * decoded offset T of the old text, decode_resume_point either declines
 * or finds R such that decoding the grown file from R gives exactly what
 * a whole decode gives from T on. It never declines at a line start. */
static void test_resume_point(void **state)
{
	(void)state;
	static const unsigned char alphabet[] = {
		'a', '\n', '\n', 'z', 0x00, 0x80, 0x9F, 0xC3, 0xA9, 0xE2, 0x82,
		0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xD8, 0x3D, 0xDE, 0x00, 0xFF,
		0xFE, 0xDC, 0x0A};
	unsigned seed = 7;
	size_t n = 1500;
	unsigned char *raw = malloc(n);
	for (int e = ENC_UTF8; e <= ENC_UTF16BE; e++) {
		enum text_encoding enc = (enum text_encoding)e;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			raw[i] = alphabet[(seed >> 16) % sizeof(alphabet)];
		}
		if (enc == ENC_UTF8_BOM)
			memcpy(raw, "\xEF\xBB\xBF", 3);
		if (enc == ENC_UTF16LE)
			memcpy(raw, "\xFF\xFE", 2);
		if (enc == ENC_UTF16BE)
			memcpy(raw, "\xFE\xFF", 2);
		struct buf full = {0};
		decode_span(enc, raw, 0, n, &full);
		size_t lines = 0, found_lines = 0;
		for (size_t old = 1; old < n; old += 1 + old / 50) {
			struct buf prev = {0};
			decode_span(enc, raw, 0, old, &prev);
			for (size_t t = 0; t <= prev.len; t++) {
				uint64_t back = prev.len - t;
				uint64_t want = decode_window_bytes(enc, back) + 64;
				size_t at = want < old ? old - (size_t)want : 0;
				size_t start;
				bool line = t > 0 && prev.data[t - 1] == '\n' &&
					    t + 3 < prev.len;
				lines += line;
				if (!decode_resume_point(enc, raw + at, old - at,
							 at, back, &start))
					continue;
				found_lines += line;
				struct buf tail = {0};
				decode_span(enc, raw, at + start, n, &tail);
				assert_int_equal(tail.len, full.len - t);
				assert_memory_equal(tail.data, full.data + t, tail.len);
				buf_free(&tail);
			}
			buf_free(&prev);
		}
		assert_true(lines > 100);
		assert_int_equal(found_lines, lines);
		buf_free(&full);
	}
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_decode_cases),
		cmocka_unit_test(test_decode_any_split),
		cmocka_unit_test(test_random_bytes_any_chunking),
		cmocka_unit_test(test_utf16_ascii_runs),
		cmocka_unit_test(test_long_valid_text_round_trips),
		cmocka_unit_test(test_nul_passes_through),
		cmocka_unit_test(test_empty_feed),
		cmocka_unit_test(test_resume_point),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
