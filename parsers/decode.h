/* decode.h - bytes on disk to UTF-8, streaming.
 *
 * Detection looks at the first bytes: a BOM decides; otherwise UTF-16 is
 * recognised by its zero-byte pattern; otherwise UTF-8, where every byte
 * that is not part of a valid UTF-8 sequence is read as Windows-1252 (the
 * five bytes Windows-1252 leaves undefined map to the C1 control of the
 * same value). BOMs are dropped from the decoded text. Lone UTF-16
 * surrogates become U+FFFD. */
#ifndef TATRACE_DECODE_H
#define TATRACE_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "../lib/util.h"

enum text_encoding {
	ENC_UTF8 = 0,
	ENC_UTF8_BOM,
	ENC_UTF16LE,
	ENC_UTF16BE,
};

/* Guess the encoding from the first len bytes of a file (len may be 0). */
enum text_encoding encoding_detect(const unsigned char *head, size_t len);
/* "utf-8", "utf-8-bom", "utf-16le", "utf-16be". */
const char *encoding_name(enum text_encoding enc);

struct decoder;

struct decoder *decoder_new(enum text_encoding enc);
void decoder_free(struct decoder *d);
/* Decode n more input bytes, appending UTF-8 to out. An incomplete
 * sequence at the end is held back until the next call; eof flushes it
 * (as Windows-1252 bytes, or U+FFFD for UTF-16). The BOM, if any, is
 * skipped wherever the chunk boundaries fall. */
void decoder_feed(struct decoder *d, const unsigned char *in, size_t n,
		  bool eof, struct buf *out);
/* How many input bytes were read as Windows-1252 so far (UTF-8 only). */
size_t decoder_fallback_bytes(const struct decoder *d);

/* A decoder that starts in the middle of a file, at a point where a
 * decoder reading from byte 0 holds nothing back (see decode_resume_point):
 * it skips no BOM there -- a U+FEFF mid-file is text. */
struct decoder *decoder_new_mid(enum text_encoding enc);

/* Reading a grown file on from its old end. A store keeps decoded
 * offsets; the raw offset of one is found from the end: given the raw
 * bytes [at, at + n) that ended the file when it was decoded (eof at
 * at + n), *start is the raw offset in that window from which the last
 * back decoded bytes came, with no bytes held back there. Any chunking
 * of a decode from 0 had the same state at that point (nothing pending),
 * so decoder_new_mid (decoder_new when at + *start == 0) reads on from it
 * exactly. The window must start early enough: decode_window_bytes(enc,
 * back) bytes before the end, rounded down to a code unit (UTF-16), plus
 * room to find a point where decoding can begin (after an ASCII byte;
 * after a unit that is no high surrogate). False when there is no such
 * point in the window: the decoded offset falls inside a character, the
 * window is too short, or the bytes are not what decoded to back. */
bool decode_resume_point(enum text_encoding enc, const unsigned char *raw,
			 size_t n, uint64_t at, uint64_t back, size_t *start);
/* The most raw bytes that back decoded bytes can come from. */
uint64_t decode_window_bytes(enum text_encoding enc, uint64_t back);

/* The strict UTF-8 rules of the decoder, for other code that must make
 * text of arbitrary bytes (file and entry names): the length of the valid
 * sequence at p (1..4; 0 when invalid or cut off at avail), with its code
 * point in *cp; and the Unicode character a byte stands for in
 * Windows-1252 (the five undefined bytes stand for themselves). */
size_t utf8_char(const unsigned char *p, size_t avail, uint32_t *cp);
uint32_t cp1252_char(unsigned char c);

#endif
