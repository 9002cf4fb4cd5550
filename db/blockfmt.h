/* blockfmt.h - the packed per-record metadata stored in blocks.meta, and the
 * arithmetic shared by the writer and offset resolution (time inheritance,
 * block bounds, per-file tallies). Pure code: no SQLite here.
 *
 * blocks.meta is an array of BLOCKFMT_RECORD_BYTES-byte little-endian
 * entries, one per record, in file order; block_text.text holds the records'
 * raw text concatenated in the same order (entry i's text starts at the sum
 * of the text_len of entries 0..i-1), compressed as db/blocktext.h says.
 *
 *   off size  field
 *    0  i64   utc_us       UTC µs since 1970 (0: no time known)
 *    8  u32   text_len     raw text bytes, terminator included
 *   12  u32   line         1-based line where the record starts
 *   16  u32   msg_off      message span, relative to the record's text
 *   20  u32   msg_len
 *   24  u32   comp_id      components.id, 0 none
 *   28  i32   thread       -1 none
 *   32  u32   time_off     raw time text span, relative to the record's text
 *   36  u16   time_len
 *   38  i16   bias_min     effective bias used for utc; INT16_MIN none
 *   40  i8    type         CCM type, -1 none
 *   41  u8    keyword_sev  enum keyword_severity
 *   42  u8    offset_source enum offset_source
 *   43  u8    flags        BLOCKFMT_*
 *   44  u32   reserved     0
 */
#ifndef TATRACE_BLOCKFMT_H
#define TATRACE_BLOCKFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "../parsers/record.h"

#define BLOCKFMT_RECORD_BYTES 48
#define BLOCKFMT_NO_BIAS INT16_MIN

enum blockfmt_flag {
	BLOCKFMT_PARTIAL = 1,	/* torn or unframed text */
	BLOCKFMT_TIMED = 2,	/* the record carried its own time */
	BLOCKFMT_EXPLICIT = 4,	/* ... and its own bias */
	BLOCKFMT_DATED = 8,	/* utc_us is meaningful (own or inherited) */
};

struct block_entry {
	int64_t utc_us;
	uint32_t text_len, line, msg_off, msg_len, comp_id;
	int32_t thread;
	uint32_t time_off;
	uint16_t time_len;
	int16_t bias_min;
	int8_t type;
	uint8_t keyword_sev, offset_source, flags;
};

void blockfmt_pack(unsigned char *dst, const struct block_entry *e);
void blockfmt_unpack(const unsigned char *src, struct block_entry *e);
/* Just the utc_us of a packed entry. */
uint64_t blockfmt_utc(const unsigned char *src);
/* Just the text_len of a packed entry. */
uint32_t blockfmt_text_len(const unsigned char *src);
/* Just the severity (severity_of its type and keyword_sev) of a packed
 * entry: the merged log's severity filter tests it before decoding. */
enum severity blockfmt_severity(const unsigned char *src);

/* A store is a file anyone can edit: every offset and length read from a
 * block is checked before it is used. blockfmt_check is 0 when the meta
 * blob holds exactly n entries (n at most max_n), their texts fit in the
 * block's text_len bytes, and each entry's message and time spans lie
 * inside its own text; otherwise -1, with why (a short phrase) set. */
int blockfmt_check(const unsigned char *meta, size_t meta_len, int64_t n,
		   int64_t max_n, size_t text_len, const char **why);
/* One unpacked entry's spans lie inside its text. */
bool blockfmt_entry_fits(const struct block_entry *e);

/* Time of the last timed record seen in a file, which untimed records
 * inherit. */
struct blockfmt_carry {
	bool have;
	int64_t utc_us;
	int16_t bias_min;
	uint8_t offset_source;
};

/* Give the untimed entries of a block their inherited time: that of the
 * previous timed entry (carry, updated across calls), or for entries before
 * the file's first timed one, that of the block's first timed entry. Entries
 * with nothing to inherit get utc 0 and lose BLOCKFMT_DATED. */
void blockfmt_settle(struct block_entry *e, uint32_t n,
		     struct blockfmt_carry *carry);

/* What the blocks row stores besides meta and text. */
struct blockfmt_bounds {
	bool dated;			/* some entry has a utc */
	int64_t utc_min, utc_max;	/* over dated entries */
	uint32_t undated;		/* entries with utc 0, no time */
	bool has_bias;			/* some entry carried its bias */
	int16_t bias;			/* the first explicit bias */
	int64_t xlocal_min, xlocal_max;	/* local time range of the entries
					 * whose explicit bias is that one */
};
void blockfmt_bounds(const struct block_entry *e, uint32_t n,
		     struct blockfmt_bounds *out);

/* Per-file counters kept in the files row. */
struct blockfmt_tally {
	int64_t records, partial, bytes, nobias;
	int64_t sev[4];		/* by enum severity */
	int64_t src[6];		/* by enum offset_source (OFFSET_SOURCE_COUNT) */
};
/* Add (sign 1) or remove (sign -1) entries' contributions. */
void blockfmt_tally(struct blockfmt_tally *t, const struct block_entry *e,
		    uint32_t n, int sign);

#endif
