/* blocktext.h - how a block's raw record text is kept in block_text.text:
 * LZ4-compressed behind a small header, so the writer pays for a fifth of
 * the bytes and every reader of a block's text (merged log, cat, record
 * detail, --grep) decodes it through this one module. Pure code: no SQLite.
 *
 * A stored text is a BLOCKTEXT_HEADER-byte header, then the payload:
 *
 *   off size  field
 *    0  u8    codec      enum blocktext_codec
 *    1  u32   raw_len    the text's length once decoded (little-endian)
 *    5  ...   payload    BLOCKTEXT_RAW: the raw_len bytes themselves;
 *                        BLOCKTEXT_LZ4: one LZ4 block (no frame) that
 *                        decodes to exactly raw_len bytes
 *
 * The writer stores raw when LZ4 would not make it smaller (already
 * compressed or random text), so a stored text is never much longer than
 * its records. A store is a file anyone can edit: decoding checks the
 * header against the payload's size, and LZ4_decompress_safe never writes
 * or reads outside its buffers; a text that does not decode is reported
 * with a short phrase for the "corrupt block" error. */
#ifndef TATRACE_BLOCKTEXT_H
#define TATRACE_BLOCKTEXT_H

#include <stddef.h>

#include "../lib/util.h"

#define BLOCKTEXT_HEADER 5

enum blocktext_codec {
	BLOCKTEXT_RAW = 0,
	BLOCKTEXT_LZ4 = 1,
};

/* The largest text a header may claim: more than any block the writer
 * makes (STORE_BLOCK_BYTES, or one record of at most PARSER_MAX_RECORD),
 * and what LZ4 takes in one call (LZ4_MAX_INPUT_SIZE). */
#define BLOCKTEXT_MAX_RAW ((size_t)0x7E000000)

/* The stored form of text[0..len) into out (emptied first): LZ4 when that
 * is shorter, else raw. 0, or -1 when len exceeds BLOCKTEXT_MAX_RAW. */
int blocktext_encode(struct buf *out, const char *text, size_t len);

/* The decoded length a stored text claims, after checking that the
 * header is whole, the codec known and the claim possible for the
 * payload's size. 0, or -1 with why set. */
int blocktext_raw_len(const void *stored, size_t stored_len, size_t *raw_len,
		      const char **why);

/* A reusable buffer for decoded texts; zero-initialise, free with
 * blocktext_scratch_free. */
struct blocktext_scratch {
	char *data;
	size_t cap;
};
void blocktext_scratch_free(struct blocktext_scratch *z);

/* The raw text of a stored one: *text points into stored itself for a raw
 * payload (no copy), or into z's buffer (valid until z is used again) for
 * a compressed one; *text_len is its length. 0, or -1 with why set. */
int blocktext_decode(const void *stored, size_t stored_len,
		     struct blocktext_scratch *z, const char **text,
		     size_t *text_len, const char **why);

/* Decode into dst, which has room for exactly raw_len bytes (from
 * blocktext_raw_len): for callers that keep the text in their own
 * buffer. 0, or -1 with why set. */
int blocktext_decode_into(const void *stored, size_t stored_len, char *dst,
			  size_t raw_len, const char **why);

#endif
