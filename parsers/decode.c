/* decode.c - bytes on disk to UTF-8: encoding detection, UTF-16 decoding,
 * and UTF-8 validation with a per-byte Windows-1252 fallback. Streaming:
 * any chunking of the input gives the same output as one call. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

/* Bytes we hold back between calls: an incomplete UTF-8 sequence (at most
 * 3 bytes), or an odd UTF-16 byte plus a high surrogate (at most 3). */
#define DECODE_PENDING_MAX 4

struct decoder {
	enum text_encoding enc;
	unsigned char pending[DECODE_PENDING_MAX];
	size_t npend;
	unsigned bom_seen;	/* BOM bytes matched so far (UTF-8 BOM) */
	bool started;		/* a UTF-16 code unit was seen (BOM check) */
	size_t fallback;
	struct buf scratch;	/* UTF-16 only: pending bytes + new input */
};

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

/* Windows-1252 0x80..0x9F; the five undefined bytes map to themselves. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Enough samples to call a BOM-less file UTF-16 by its zero bytes. */
#define DETECT_MIN_PAIRS 2
#define DETECT_MAX_BYTES 512

enum text_encoding encoding_detect(const unsigned char *head, size_t len)
{
	if (len >= 3 && memcmp(head, utf8_bom, 3) == 0)
		return ENC_UTF8_BOM;
	if (len >= 2 && head[0] == 0xFF && head[1] == 0xFE)
		return ENC_UTF16LE;
	if (len >= 2 && head[0] == 0xFE && head[1] == 0xFF)
		return ENC_UTF16BE;
	size_t n = len < DETECT_MAX_BYTES ? len : DETECT_MAX_BYTES;
	size_t pairs = n / 2, even_zero = 0, odd_zero = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		even_zero += head[i] == 0;
		odd_zero += head[i + 1] == 0;
	}
	if (pairs < DETECT_MIN_PAIRS)
		return ENC_UTF8;
	/* Latin text in UTF-16 has a zero in most units' high byte and
	 * almost never in the low byte. */
	if (odd_zero * 2 > pairs && even_zero * 4 <= odd_zero)
		return ENC_UTF16LE;
	if (even_zero * 2 > pairs && odd_zero * 4 <= even_zero)
		return ENC_UTF16BE;
	return ENC_UTF8;
}

const char *encoding_name(enum text_encoding enc)
{
	switch (enc) {
	case ENC_UTF8:
		return "utf-8";
	case ENC_UTF8_BOM:
		return "utf-8-bom";
	case ENC_UTF16LE:
		return "utf-16le";
	case ENC_UTF16BE:
		return "utf-16be";
	}
	return "unknown";
}

struct decoder *decoder_new(enum text_encoding enc)
{
	struct decoder *d = xcalloc(1, sizeof(*d));
	d->enc = enc;
	if (enc != ENC_UTF8_BOM)
		d->bom_seen = 3;
	return d;
}

struct decoder *decoder_new_mid(enum text_encoding enc)
{
	struct decoder *d = decoder_new(enc);
	d->bom_seen = 3;
	d->started = true;
	return d;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	buf_free(&d->scratch);
	free(d);
}

size_t decoder_fallback_bytes(const struct decoder *d)
{
	return d->fallback;
}

/* Append code point cp (< 0x110000) as UTF-8. */
static void put_utf8(struct buf *out, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_append(out, b, n);
}

static void put_cp1252(struct decoder *d, struct buf *out, unsigned char c)
{
	d->fallback++;
	put_utf8(out, c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c);
}

/* Length of the UTF-8 sequence at p given avail bytes: > 0 when valid,
 * 0 when invalid (the lead byte falls back to cp1252), -1 when the bytes
 * so far are a valid prefix but more are needed. Strict: no overlongs,
 * no surrogates, nothing above U+10FFFF. */
static int utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	int need;
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		need = 2;
	} else if (c < 0xF0) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < 2)
		return -1;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 2; i < need; i++) {
		if ((size_t)i >= avail)
			return -1;
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	}
	return need;
}

size_t utf8_char(const unsigned char *p, size_t avail, uint32_t *cp)
{
	if (avail == 0)
		return 0;
	int n = utf8_seq_len(p, avail);
	if (n <= 0)
		return 0;
	static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	uint32_t v = p[0] & lead_mask[n];
	for (int i = 1; i < n; i++)
		v = (v << 6) | (p[i] & 0x3F);
	*cp = v;
	return (size_t)n;
}

uint32_t cp1252_char(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c;
}

/* Index of the first byte >= 0x80 in p[0..n), or n; word at a time. */
static size_t ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

/* Resolve held-back bytes against the start of the new input. Returns how
 * many input bytes were used; leaves npend > 0 only when still incomplete
 * (then all input was absorbed into pending). */
static size_t utf8_drain_pending(struct decoder *d, const unsigned char *in,
				 size_t n, bool eof, struct buf *out)
{
	size_t used = 0;
	while (d->npend) {
		unsigned char tmp[8];
		size_t extra = n - used < 4 ? n - used : 4;
		memcpy(tmp, d->pending, d->npend);
		if (extra)
			memcpy(tmp + d->npend, in + used, extra);
		int len = utf8_seq_len(tmp, d->npend + extra);
		if (len < 0 && !eof) {
			memcpy(d->pending + d->npend, in + used, extra);
			d->npend += extra;
			return n;
		}
		if (len > 0) {
			/* valid: the sequence needed more than the pending */
			buf_append(out, tmp, (size_t)len);
			used += (size_t)len - d->npend;
			d->npend = 0;
		} else {
			put_cp1252(d, out, tmp[0]);
			memmove(d->pending, d->pending + 1, --d->npend);
		}
	}
	return used;
}

static void utf8_feed(struct decoder *d, const unsigned char *in, size_t n,
		      bool eof, struct buf *out)
{
	size_t i = utf8_drain_pending(d, in, n, eof, out);
	if (d->npend)
		return;
	buf_reserve(out, n - i);
	size_t run = i;
	while (i < n) {
		i += ascii_run(in + i, n - i);
		if (i >= n)
			break;
		int len = utf8_seq_len(in + i, n - i);
		if (len > 0) {
			i += (size_t)len;
			continue;
		}
		buf_append(out, in + run, i - run);
		if (len < 0 && !eof) {
			d->npend = n - i;
			memcpy(d->pending, in + i, d->npend);
			return;
		}
		put_cp1252(d, out, in[i]);
		run = ++i;
	}
	buf_append(out, in + run, n - run);
}

/* Match the UTF-8 BOM across chunk boundaries; a partial match that turns
 * out not to be a BOM is a valid UTF-8 prefix, so it becomes pending. */
static size_t utf8_skip_bom(struct decoder *d, const unsigned char *in,
			    size_t n)
{
	size_t i = 0;
	while (d->bom_seen < 3 && i < n) {
		if (in[i] != utf8_bom[d->bom_seen]) {
			memcpy(d->pending, utf8_bom, d->bom_seen);
			d->npend = d->bom_seen;
			d->bom_seen = 3;
			return i;
		}
		d->bom_seen++;
		i++;
	}
	return i;
}

static unsigned utf16_unit(const unsigned char *p, bool be)
{
	return be ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

/* Units of p[0..n) that are ASCII, four at a time, copied to out as
 * bytes; returns the raw bytes taken (a multiple of 8). Most of a log is
 * ASCII: one test per four units instead of a branchy step per unit. */
static size_t utf16_ascii_run(const unsigned char *p, size_t n, bool be,
			      char *out)
{
	/* As loaded little-endian: each unit's high byte zero, its low
	 * byte under 0x80. */
	const uint64_t mask = be ? UINT64_C(0x80FF80FF80FF80FF)
				 : UINT64_C(0xFF80FF80FF80FF80);
	size_t lo = be ? 1 : 0, i = 0;
	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, p + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		if (w & mask)
			break;
		for (size_t k = 0; k < 4; k++)
			*out++ = (char)p[i + lo + 2 * k];
		i += 8;
	}
	return i;
}

/* Decode whole units of p[0..n); returns bytes used (the rest is an odd
 * byte or a high surrogate waiting for its pair). */
static size_t utf16_units(struct decoder *d, const unsigned char *p, size_t n,
			  bool eof, struct buf *out)
{
	bool be = d->enc == ENC_UTF16BE;
	size_t i = 0;
	buf_reserve(out, n / 2 * 3 + 4);
	while (i + 2 <= n) {
		if (d->started) {
			size_t run = utf16_ascii_run(p + i, n - i, be,
						     out->data + out->len);
			out->len += run / 2;
			i += run;
			if (i + 2 > n)
				break;
		}
		unsigned u = utf16_unit(p + i, be);
		if (!d->started) {
			d->started = true;
			if (u == 0xFEFF) {
				i += 2;
				continue;
			}
		}
		if (u < 0x80) {
			/* room was reserved above: ASCII never grows */
			out->data[out->len++] = (char)u;
			i += 2;
			continue;
		}
		if (u >= 0xD800 && u < 0xDC00) {
			if (i + 4 > n && !eof)
				break;
			unsigned v = i + 4 <= n ? utf16_unit(p + i + 2, be) : 0;
			if (v >= 0xDC00 && v < 0xE000) {
				put_utf8(out, 0x10000 + ((u - 0xD800) << 10) +
					 (v - 0xDC00));
				i += 4;
				continue;
			}
			put_utf8(out, 0xFFFD);
		} else if (u >= 0xDC00 && u < 0xE000) {
			put_utf8(out, 0xFFFD);
		} else {
			put_utf8(out, u);
		}
		i += 2;
	}
	out->data[out->len] = '\0';
	return i;
}

static void utf16_feed(struct decoder *d, const unsigned char *in, size_t n,
		       bool eof, struct buf *out)
{
	const unsigned char *p = in;
	size_t len = n;
	if (d->npend) {
		buf_reset(&d->scratch);
		buf_append(&d->scratch, d->pending, d->npend);
		buf_append(&d->scratch, in, n);
		p = (const unsigned char *)d->scratch.data;
		len = d->scratch.len;
		d->npend = 0;
	}
	size_t used = utf16_units(d, p, len, eof, out);
	if (used < len && eof) {
		put_utf8(out, 0xFFFD);
		used = len;
	}
	d->npend = len - used;
	memcpy(d->pending, p + used, d->npend);
}

void decoder_feed(struct decoder *d, const unsigned char *in, size_t n,
		  bool eof, struct buf *out)
{
	/* make out->data valid even when nothing is produced */
	buf_reserve(out, 0);
	out->data[out->len] = '\0';
	if (!in) {
		in = (const unsigned char *)"";
		n = 0;
	}
	if (d->enc == ENC_UTF16LE || d->enc == ENC_UTF16BE) {
		utf16_feed(d, in, n, eof, out);
		return;
	}
	size_t skip = utf8_skip_bom(d, in, n);
	utf8_feed(d, in + skip, n - skip, eof, out);
}

/* ---- resuming: the raw offset of a decoded offset, from the end ---- */

static bool is_utf16(enum text_encoding enc)
{
	return enc == ENC_UTF16LE || enc == ENC_UTF16BE;
}

/* Each raw byte of UTF-8 decodes to at least one byte (a BOM, 3 bytes, to
 * none); each UTF-16 unit to at least one (a BOM to none), an odd last
 * byte to three. */
uint64_t decode_window_bytes(enum text_encoding enc, uint64_t back)
{
	if (is_utf16(enc))
		return 2 * back + 2;
	return back + 3;
}

/* The first offset s in raw[0..n) (file offset at + s) where a decoder
 * reading from byte 0 holds nothing back whatever follows: the file's
 * start, a point just after an ASCII byte (UTF-8: never part of a
 * sequence), or just after a UTF-16 unit that is no high surrogate. */
static bool decode_sync_point(enum text_encoding enc, const unsigned char *raw,
			      size_t n, uint64_t at, size_t *s)
{
	if (at == 0) {
		*s = 0;
		return true;
	}
	if (is_utf16(enc)) {
		bool be = enc == ENC_UTF16BE;
		for (size_t i = (at & 1) + 2; i <= n; i += 2) {
			unsigned u = utf16_unit(raw + i - 2, be);
			if (u < 0xD800 || u >= 0xDC00) {
				*s = i;
				return true;
			}
		}
		return false;
	}
	for (size_t i = 1; i <= n; i++)
		if (raw[i - 1] < 0x80) {
			*s = i;
			return true;
		}
	return false;
}

static struct decoder *decoder_at(enum text_encoding enc, uint64_t off)
{
	return off == 0 ? decoder_new(enc) : decoder_new_mid(enc);
}

/* Feed raw[s..) until exactly want bytes came out with nothing held
 * back; the offset reached, or SIZE_MAX when want falls inside a
 * character. Big steps first: k raw bytes (plus what was held back) make
 * at most 3k + 9 bytes, so k = (left - 9) / 3 never overshoots. */
static size_t decode_walk_to(struct decoder *d, const unsigned char *raw,
			     size_t n, size_t s, size_t want)
{
	struct buf out = {0};
	size_t unit = is_utf16(d->enc) ? 2 : 1, i = s, at = SIZE_MAX;
	for (;;) {
		if (out.len == want && d->npend == 0) {
			at = i;
			break;
		}
		if (out.len > want || i >= n)
			break;
		size_t left = want - out.len;
		size_t k = left > 9 + 3 * unit ? (left - 9) / 3 / unit * unit : unit;
		if (k > n - i)
			k = n - i;
		decoder_feed(d, raw + i, k, false, &out);
		i += k;
	}
	buf_free(&out);
	return at;
}

bool decode_resume_point(enum text_encoding enc, const unsigned char *raw,
			 size_t n, uint64_t at, uint64_t back, size_t *start)
{
	size_t s;
	if (!decode_sync_point(enc, raw, n, at, &s))
		return false;
	struct buf out = {0};
	struct decoder *d = decoder_at(enc, at + s);
	decoder_feed(d, raw + s, n - s, true, &out);
	decoder_free(d);
	size_t total = out.len;
	buf_free(&out);
	if (total < back)
		return false;
	d = decoder_at(enc, at + s);
	size_t found = decode_walk_to(d, raw, n, s, total - (size_t)back);
	decoder_free(d);
	if (found == SIZE_MAX)
		return false;
	*start = found;
	return true;
}
