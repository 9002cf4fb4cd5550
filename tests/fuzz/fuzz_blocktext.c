/* fuzz_blocktext.c - libFuzzer target: a block's text as stored
 * (db/blocktext.h). The first byte picks what the rest is:
 *   even: a stored text, from a store anyone may have edited: decoded
 *         both ways (into the scratch buffer, into an exact-size one),
 *         which must agree, each read and write inside its buffer;
 *   odd:  a block's raw text: encoded, decoded back (it must come back
 *         the same), then the stored form with one byte changed (the
 *         second input byte says which and how) decoded like an edited
 *         store's: refused or decoded, never read past.
 * Crashes, sanitizer reports and a difference are findings. The kept
 * inputs of tests/fixtures/fuzz/blocktext/ hold compressed texts to start
 * from. Build and run: make fuzz. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/blocktext.h"

/* Decode a stored text both ways; they must agree. Copies it to a buffer
 * of exactly its length first, so that ASan sees a read past it. */
static void decode_stored(const uint8_t *stored, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, stored, len);
	struct blocktext_scratch z = {0};
	const char *text, *why;
	size_t text_len, raw;
	int a = blocktext_decode(copy, len, &z, &text, &text_len, &why);
	int claim = blocktext_raw_len(copy, len, &raw, &why);
	if (claim == 0) {
		char *dst = malloc(raw ? raw : 1);
		int b = blocktext_decode_into(copy, len, dst, raw, &why);
		if (a != b || (a == 0 && (text_len != raw || memcmp(text, dst, raw))))
			abort();
		free(dst);
	} else if (a == 0) {
		abort();	/* decoded what its header refuses */
	}
	blocktext_scratch_free(&z);
	free(copy);
}

static void round_trip(const uint8_t *data, size_t len, uint8_t edit)
{
	struct buf st = {0};
	if (blocktext_encode(&st, (const char *)data, len) < 0)
		abort();
	struct blocktext_scratch z = {0};
	const char *text, *why;
	size_t text_len;
	if (blocktext_decode(st.data, st.len, &z, &text, &text_len, &why) < 0 ||
	    text_len != len || (len && memcmp(text, data, len)))
		abort();
	blocktext_scratch_free(&z);
	/* one byte changed: at a place from the edit byte's high bits, its
	 * low bits xor'd in (never 0: the text must change) */
	size_t at = ((size_t)edit * 131) % st.len;
	st.data[at] ^= (char)((edit & 0x0f) | 1);
	decode_stored((const uint8_t *)st.data, st.len);
	buf_free(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!(data[0] & 1))
		decode_stored(data + 1, size - 1);
	else if (size >= 2)
		round_trip(data + 2, size - 2, data[1]);
	return 0;
}
