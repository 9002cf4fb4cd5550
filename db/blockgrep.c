/* blockgrep.c - when a pattern may be matched over a whole block, and which
 * entries of a block its matches fall in. See blockgrep.h for why this is
 * sound; the pattern check below errs on the side of "no": a pattern it
 * refuses is matched record by record, with the same results. */
#include "blockgrep.h"

#include <string.h>
#include "blockfmt.h"

/* Compile options under which a match depends on where the subject starts
 * or ends, or under which the text scan below would misread the pattern. */
static const uint32_t CONTEXT_OPTIONS = PCRE2_ANCHORED | PCRE2_ENDANCHORED |
	PCRE2_FIRSTLINE | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE |
	PCRE2_ALLOW_EMPTY_CLASS | PCRE2_AUTO_CALLOUT;
static const uint32_t CONTEXT_EXTRA = PCRE2_EXTRA_MATCH_LINE |
	PCRE2_EXTRA_MATCH_WORD;

/* Escapes that assert on the surroundings (\b \B \A \z \Z \G), move the
 * match start (\K), quote text the scan would misread (\Q), or consume an
 * atomic unit whose extent depends on what follows (\R \X \C). */
static const char CONTEXT_ESCAPES[] = "bBAzZGKQRXC";

/* After "(?": the group kinds that neither assert, commit nor recurse:
 * non-capturing, branch reset, named capture, named back reference, and
 * inline options other than x (extended mode). NULL when refused, else
 * where scanning goes on. */
static const char *group_ok(const char *p)
{
	if (*p == ':' || *p == '|' || *p == '\'')
		return p + 1;
	if (*p == '<')
		return (p[1] == '_' || (unsigned)((p[1] | 0x20) - 'a') < 26u) ? p + 1 : NULL;
	if (*p == 'P')
		return p[1] == '<' || p[1] == '=' ? p + 2 : NULL;
	if (*p == '#') {	/* a comment ends at the first ')' */
		const char *end = strchr(p, ')');
		return end ? end + 1 : NULL;
	}
	const char *q = p;
	while (*q && strchr("imnsJUaDSWPTr^-", *q))
		q++;
	return q > p && (*q == ')' || *q == ':') ? q + 1 : NULL;
}

/* An escape at p ("\\" and what follows): NULL when refused, else where
 * scanning goes on. \cX takes the character after it, whatever it is. */
static const char *escape_ok(const char *p)
{
	char c = p[1];
	if (!c || strchr(CONTEXT_ESCAPES, c))
		return NULL;
	if (c == 'g' && (p[2] == '<' || p[2] == '\''))
		return NULL;	/* a subroutine call */
	if (c == 'c')
		return p[2] ? p + 3 : NULL;
	return p + 2;
}

/* A character class from just after its '['. Ending it too early is safe
 * (more of the pattern is scanned as if outside), too late is not, so a
 * ']' right after '[' or '[^' is a member, as PCRE2 reads it. */
static const char *class_ok(const char *p)
{
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\') {
			if (p[1] == 'Q' || !(p = escape_ok(p)))
				return NULL;
			continue;
		}
		p++;
	}
	return *p ? p + 1 : NULL;
}

static bool pattern_text_ok(const char *p)
{
	/* Spencer's word boundaries look like classes */
	if (strstr(p, "[:<:]") || strstr(p, "[:>:]"))
		return false;
	bool after_quantifier = false;
	while (p && *p) {
		char c = *p;
		bool quantifier = false;
		if (c == '^' || c == '$')
			return false;
		if (c == '\\') {
			p = escape_ok(p);
		} else if (c == '[') {
			p = class_ok(p + 1);
		} else if (c == '(') {
			p = p[1] == '*' ? NULL : p[1] == '?' ? group_ok(p + 2)
						   : p + 1;
		} else {
			/* a '+' after a quantifier makes it possessive */
			if (c == '+' && after_quantifier)
				return false;
			quantifier = c == '*' || c == '+' || c == '?' || c == '}';
			p++;
		}
		after_quantifier = quantifier;
	}
	return p != NULL;
}

bool store_grep_blockwise(const pcre2_code *re, const char *pattern)
{
	uint32_t empty = 1, args = 0, extra = 0;
	if (!re || !pattern ||
	    pcre2_pattern_info(re, PCRE2_INFO_MATCHEMPTY, &empty) != 0 ||
	    pcre2_pattern_info(re, PCRE2_INFO_ARGOPTIONS, &args) != 0 ||
	    pcre2_pattern_info(re, PCRE2_INFO_EXTRAOPTIONS, &extra) != 0)
		return false;
	/* A pattern that matches the empty string matches every message:
	 * nothing to skip, and an empty entry would hold no block match. */
	if (empty || (args & CONTEXT_OPTIONS) || (extra & CONTEXT_EXTRA))
		return false;
	return (args & PCRE2_LITERAL) || pattern_text_ok(pattern);
}

static void set_add(struct blockgrep_set *set, uint32_t i)
{
	set->bit[i / 64] |= UINT64_C(1) << (i % 64);
	set->count++;
}

void blockgrep_candidates(const pcre2_code *re, pcre2_match_data *md,
			  const unsigned char *meta, uint32_t n,
			  const char *text, size_t len,
			  struct blockgrep_set *set)
{
	memset(set, 0, sizeof(*set));
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t at = 0;		/* where entry i's text starts */
	uint32_t i = 0;
	while (i < n) {
		int rc = pcre2_match(re, (PCRE2_SPTR)text, len, at,
				     PCRE2_NO_UTF_CHECK, md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			return;
		if (rc < 0) {	/* a limit: let each record meet it */
			while (i < n)
				set_add(set, i++);
			return;
		}
		size_t hit = ov[0];
		size_t elen = blockfmt_text_len(meta + (size_t)i *
						BLOCKFMT_RECORD_BYTES);
		while (at + elen <= hit && ++i < n) {
			at += elen;
			elen = blockfmt_text_len(meta + (size_t)i *
						 BLOCKFMT_RECORD_BYTES);
		}
		if (i == n)
			return;
		set_add(set, i++);
		at += elen;
	}
}
