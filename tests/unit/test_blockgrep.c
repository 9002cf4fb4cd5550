/* test_blockgrep.c - the --grep prefilter over whole blocks: which
 * patterns it accepts, and that for those it never drops an entry whose
 * message matches (checked against record-by-record matching on many
 * generated blocks). An anchored pattern shows why the check exists: over
 * the block it would lose a match. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../db/blockfmt.h"
#include "../../db/blockgrep.h"

static pcre2_code *compile(const char *pattern, uint32_t options)
{
	int err;
	PCRE2_SIZE at;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern,
				       PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | options, &err, &at, NULL);
	if (!re)
		fail_msg("pattern %s does not compile", pattern);
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static bool blockwise(const char *pattern, uint32_t options)
{
	pcre2_code *re = compile(pattern, options);
	bool ok = store_grep_blockwise(re, pattern);
	pcre2_code_free(re);
	return ok;
}

static void test_which_patterns(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"push task", "4CA4E2E5-DB8A-441A-BD8B-C24DFFC89D02",
		"a|b", "[^ ]+x", "[]^$]x", "(?i)keep-alive", "(?:ab)+c",
		"(?<n>x)y\\k<n>", "\\d{3}-\\w+", "a+?b", "\\$x", "\\^x",
		"(?#a comment)x", "\\x{e9}t\\p{L}", "(?P<g>a)(?P=g)",
		"ab{2,}", "(?m)x", "\\\\b",	/* a backslash, then b */
	};
	static const char *const no[] = {
		"^push", "task$", "\\bpush", "\\Bx", "\\Aab", "ab\\z",
		"ab\\Z", "\\Gab", "(?=a)b", "(?!a)b", "(?<=a)b", "(?<!a)b",
		"(?>ab|a)b", "a++b", "a*+b", "a?+b", "a{2}+b", "(*ACCEPT)a",
		"(*UTF)a", "a\\Kb", "(?x)a b", "\\Qa\\E", "[[:<:]]ab",
		"ab[[:>:]]", "\\c[$]", "(?#[)$]x", "(a)(?1)", "(?R)?x",
		"(a)?(?(1)b|c)x", "a\\Rb", "\\Xb", "x*", "a|",
		"\\g<1>(a)", "[\\Q]\\E]$",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!blockwise(yes[i], 0))
			fail_msg("refused: %s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (blockwise(no[i], 0))
			fail_msg("accepted: %s", no[i]);
	/* compile options that look around, or make the scan unreliable */
	assert_false(blockwise("ab", PCRE2_ANCHORED));
	assert_false(blockwise("ab", PCRE2_ENDANCHORED));
	assert_false(blockwise("ab", PCRE2_FIRSTLINE));
	assert_false(blockwise("a b", PCRE2_EXTENDED));
	assert_true(blockwise("^a$", PCRE2_LITERAL));	/* just text */
	assert_true(blockwise("ab", PCRE2_CASELESS | PCRE2_UCP));
	assert_false(store_grep_blockwise(NULL, "ab"));
	pcre2_code *re = compile("ab", 0);
	assert_false(store_grep_blockwise(re, NULL));
	pcre2_code_free(re);
}

/* A generated block: records "<N>message~~\n" of random text from a small
 * alphabet, so that patterns meet often, across records too. */
struct block {
	char text[16384];
	size_t len;
	unsigned char meta[64 * BLOCKFMT_RECORD_BYTES];
	uint32_t n;
	struct block_entry e[64];
};

static uint32_t rng_next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void block_make(struct block *b, uint32_t seed)
{
	static const char *const pieces[] = {
		"a", "b", "ab", " ", "x", "\n", "\xc3\xa9", "push", "task", ":",
		"A", "B",
	};
	uint32_t s = seed;
	b->len = 0;
	b->n = 1 + rng_next(&s) % 64;
	for (uint32_t i = 0; i < b->n; i++) {
		struct block_entry *e = &b->e[i];
		memset(e, 0, sizeof(*e));
		size_t start = b->len;
		b->len += (size_t)sprintf(b->text + b->len, "<%u>", i);
		e->msg_off = (uint32_t)(b->len - start);
		uint32_t pieces_n = rng_next(&s) % 12;	/* empty messages too */
		for (uint32_t k = 0; k < pieces_n; k++) {
			const char *p = pieces[rng_next(&s) % 12];
			memcpy(b->text + b->len, p, strlen(p));
			b->len += strlen(p);
		}
		e->msg_len = (uint32_t)(b->len - start - e->msg_off);
		b->len += (size_t)sprintf(b->text + b->len, "~~\n");
		e->text_len = (uint32_t)(b->len - start);
		blockfmt_pack(b->meta + (size_t)i * BLOCKFMT_RECORD_BYTES, e);
	}
}

/* Entries whose message matches, matched alone: the truth. */
static void block_truth(const struct block *b, const pcre2_code *re,
			pcre2_match_data *md, bool *match)
{
	size_t at = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		const char *msg = b->text + at + b->e[i].msg_off;
		match[i] = pcre2_match(re, (PCRE2_SPTR)msg, b->e[i].msg_len, 0,
				       0, md, NULL) >= 0;
		at += b->e[i].text_len;
	}
}

/* How many true matches the block prefilter drops for pattern over many
 * generated blocks; also checks that it does narrow the search. */
static unsigned dropped_matches(const char *pattern, unsigned *narrowed)
{
	pcre2_code *re = compile(pattern, 0);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	static struct block b;
	struct blockgrep_set set;
	bool truth[64];
	unsigned dropped = 0;
	*narrowed = 0;
	for (uint32_t seed = 1; seed <= 400; seed++) {
		block_make(&b, seed);
		block_truth(&b, re, md, truth);
		blockgrep_candidates(re, md, b.meta, b.n, b.text, b.len, &set);
		uint32_t count = 0;
		for (uint32_t i = 0; i < b.n; i++) {
			count += blockgrep_has(&set, i);
			if (truth[i] && !blockgrep_has(&set, i))
				dropped++;
		}
		assert_int_equal(count, set.count);
		*narrowed += set.count < b.n;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return dropped;
}

static void test_prefilter_keeps_every_match(void **state)
{
	(void)state;
	static const char *const patterns[] = {
		"ab", "a b", "push task", "b+a", "[ab]x", "x|task", "a.b",
		"(?s)a.b", "\\s", "push\\s*task", "\xc3\xa9", "(?i)Ab",
		"(a|b)\\1", "~", "a[^~]*b", ":\\w", "\\d", "(?i)PUSH",
	};
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		const char *p = patterns[i];
		if (!blockwise(p, 0))
			fail_msg("refused: %s", p);
		unsigned narrowed;
		unsigned dropped = dropped_matches(p, &narrowed);
		if (dropped)
			fail_msg("%s: %u true matches dropped", p, dropped);
		bool every = !strcmp(p, "~") || !strcmp(p, "\\d") ||
			     !strcmp(p, "\\s");	/* in every header or end */
		if (!every && !narrowed)
			fail_msg("%s: never narrowed a block", p);
	}
}

/* The check is needed: over the whole block, context assertions see the
 * record's header and the next record, and matches are lost. */
static void test_anchored_patterns_would_lose_matches(void **state)
{
	(void)state;
	static const char *const patterns[] = {
		"^a", "b$", "a\\z", "(?<!>)a", "(?>ab~|a)b", "(?:b~)?+b",
	};
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		unsigned narrowed;
		assert_false(blockwise(patterns[i], 0));
		if (!dropped_matches(patterns[i], &narrowed))
			fail_msg("%s: no match lost; pick a better example",
				 patterns[i]);
	}
}

/* A PCRE2 error over the block (a match limit) is no "no match": every
 * entry from there on becomes a candidate. */
static void test_limit_makes_candidates(void **state)
{
	(void)state;
	pcre2_code *re = compile("(a+)+b", 0);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	static struct block b;
	b.len = 0;
	b.n = 3;
	for (uint32_t i = 0; i < 3; i++) {
		struct block_entry *e = &b.e[i];
		memset(e, 0, sizeof(*e));
		size_t start = b.len;
		b.len += (size_t)sprintf(b.text + b.len, "%s\n",
					 i == 1 ? "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b"
						: "no");
		e->msg_len = e->text_len = (uint32_t)(b.len - start);
		blockfmt_pack(b.meta + (size_t)i * BLOCKFMT_RECORD_BYTES, e);
	}
	struct blockgrep_set set;
	blockgrep_candidates(re, md, b.meta, b.n, b.text, b.len, &set);
	/* where the search failed is unknown: every entry from its start */
	assert_int_equal(set.count, 3);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_patterns),
		cmocka_unit_test(test_prefilter_keeps_every_match),
		cmocka_unit_test(test_anchored_patterns_would_lose_matches),
		cmocka_unit_test(test_limit_makes_candidates),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
