/* blocktext.c - a block's record text as stored: the header and LZ4 (see
 * blocktext.h). Encoding happens once per block on the writer thread;
 * decoding once per block a reader touches, into a buffer it reuses. */
#include "blocktext.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lz4.h>

/* An LZ4 sequence turns at least one payload byte into at most 255
 * output bytes, so a claim beyond that is false; checked before any
 * buffer is sized by it. */
#define BLOCKTEXT_LZ4_MAX_RATIO 255

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int blocktext_encode(struct buf *out, const char *text, size_t len)
{
	buf_reset(out);
	if (len > BLOCKTEXT_MAX_RAW)
		return -1;
	/* compressBound: LZ4 never needs more, so it never gives up half
	 * way; raw needs len. Room for whichever is larger. */
	size_t bound = (size_t)LZ4_compressBound((int)len);
	buf_reserve(out, BLOCKTEXT_HEADER + (bound > len ? bound : len));
	unsigned char *h = (unsigned char *)out->data;
	int z = len ? LZ4_compress_default(text, out->data + BLOCKTEXT_HEADER,
					   (int)len, (int)bound) : 0;
	if (z > 0 && (size_t)z < len) {
		h[0] = BLOCKTEXT_LZ4;
		out->len = BLOCKTEXT_HEADER + (size_t)z;
	} else {
		h[0] = BLOCKTEXT_RAW;
		if (len)
			memcpy(out->data + BLOCKTEXT_HEADER, text, len);
		out->len = BLOCKTEXT_HEADER + len;
	}
	put_u32(h + 1, (uint32_t)len);
	return 0;
}

int blocktext_raw_len(const void *stored, size_t stored_len, size_t *raw_len,
		      const char **why)
{
	const unsigned char *h = stored;
	if (!h || stored_len < BLOCKTEXT_HEADER) {
		*why = "its text has no header";
		return -1;
	}
	size_t claim = get_u32(h + 1), payload = stored_len - BLOCKTEXT_HEADER;
	switch (h[0]) {
	case BLOCKTEXT_RAW:
		if (claim != payload) {
			*why = "its text is not the length its header says";
			return -1;
		}
		break;
	case BLOCKTEXT_LZ4:
		if (claim > BLOCKTEXT_MAX_RAW || payload == 0 ||
		    claim / BLOCKTEXT_LZ4_MAX_RATIO > payload) {
			*why = "its compressed text cannot have the length its header says";
			return -1;
		}
		break;
	default:
		*why = "its text is in an unknown encoding";
		return -1;
	}
	*raw_len = claim;
	return 0;
}

int blocktext_decode_into(const void *stored, size_t stored_len, char *dst,
			  size_t raw_len, const char **why)
{
	size_t claim;
	if (blocktext_raw_len(stored, stored_len, &claim, why) < 0)
		return -1;
	if (claim != raw_len) {
		*why = "its text is not the length its header says";
		return -1;
	}
	const char *payload = (const char *)stored + BLOCKTEXT_HEADER;
	size_t plen = stored_len - BLOCKTEXT_HEADER;
	if (((const unsigned char *)stored)[0] == BLOCKTEXT_RAW) {
		if (raw_len)
			memcpy(dst, payload, raw_len);
		return 0;
	}
	if (plen > INT_MAX) {
		*why = "its compressed text is too long";
		return -1;
	}
	int got = LZ4_decompress_safe(payload, dst, (int)plen, (int)raw_len);
	if (got < 0 || (size_t)got != raw_len) {
		*why = "its compressed text does not decompress";
		return -1;
	}
	return 0;
}

void blocktext_scratch_free(struct blocktext_scratch *z)
{
	free(z->data);
	z->data = NULL;
	z->cap = 0;
}

int blocktext_decode(const void *stored, size_t stored_len,
		     struct blocktext_scratch *z, const char **text,
		     size_t *text_len, const char **why)
{
	size_t raw_len;
	if (blocktext_raw_len(stored, stored_len, &raw_len, why) < 0)
		return -1;
	*text_len = raw_len;
	if (((const unsigned char *)stored)[0] == BLOCKTEXT_RAW) {
		*text = (const char *)stored + BLOCKTEXT_HEADER;
		return 0;
	}
	if (raw_len + 1 > z->cap) {	/* + 1: never malloc(0) */
		free(z->data);
		z->cap = raw_len + 1;
		z->data = xmalloc(z->cap);
	}
	if (blocktext_decode_into(stored, stored_len, z->data, raw_len, why) < 0)
		return -1;
	z->data[raw_len] = '\0';
	*text = z->data;
	return 0;
}
