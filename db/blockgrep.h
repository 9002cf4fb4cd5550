/* blockgrep.h - matching a pattern over a block's whole text before
 * splitting it into records (store_log's --grep prefilter). Pure code: no
 * SQLite here.
 *
 * Why it is sound: a block's text is its records' texts end to end, and a
 * record's message is a slice of its text. For a pattern that never looks
 * beyond the characters it consumes and never commits on them (no anchors,
 * word boundaries, lookarounds, atomic groups, possessive quantifiers,
 * verbs...; store_grep_blockwise), a match of the message starting at x is
 * also a match of the block starting at x, so the block's leftmost match
 * from any offset at or before x starts at or before x. Hence entries that
 * end before the leftmost match hold no matching message: only the entry
 * the match starts in is a candidate, and the search goes on after it.
 * Candidates are verified against their message alone by the caller. */
#ifndef TATRACE_BLOCKGREP_H
#define TATRACE_BLOCKGREP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define BLOCKGREP_WORDS ((STORE_BLOCK_RECORDS + 63) / 64)

/* Entries of one block that may hold a match, as a bit set. */
struct blockgrep_set {
	uint64_t bit[BLOCKGREP_WORDS];
	uint32_t count;
};

static inline bool blockgrep_has(const struct blockgrep_set *set, uint32_t i)
{
	return (set->bit[i / 64] >> (i % 64)) & 1;
}

/* Fill set with the entries of the block (n packed entries in meta, text
 * of len bytes) whose text may hold a match of re. md is match data made
 * from re. A PCRE2 error on the block (a match limit reached over the
 * whole text) makes every entry from there on a candidate, so the caller's
 * per-record match meets and reports it. Entries whose lengths run past
 * len (a damaged store) are candidates or not, never read beyond len. */
void blockgrep_candidates(const pcre2_code *re, pcre2_match_data *md,
			  const unsigned char *meta, uint32_t n,
			  const char *text, size_t len,
			  struct blockgrep_set *set);

#endif
