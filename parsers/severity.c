/* severity.c - CMTrace's keyword severity and the severity shown to users.
 * The keyword scan runs over every message, so on x86-64 it looks for
 * rare anchor bytes sixteen at a time. */
#include "record.h"

#include <stdbool.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* Does msg[i..] start with the lower-case word w (case-insensitively)? */
static bool word_at(const unsigned char *msg, size_t len, size_t i,
		    const char *w, size_t wlen)
{
	if (len - i < wlen)
		return false;
	for (size_t k = 0; k < wlen; k++)
		if (fold(msg[i + k]) != (unsigned char)w[k])
			return false;
	return true;
}

static bool is_letter(unsigned char c)
{
	c = fold(c);
	return c >= 'a' && c <= 'z';
}

/* "FailedClients: 0", "failures=0", "Failed : 0": a counter that says
 * nothing failed. CMTrace calls these errors; we do not, because the BTS
 * report line that carries one is the normal, healthy outcome. */
static bool is_zero_counter(const unsigned char *msg, size_t len, size_t i)
{
	while (i < len && is_letter(msg[i]))
		i++;
	while (i < len && msg[i] == ' ')
		i++;
	if (i >= len || (msg[i] != ':' && msg[i] != '='))
		return false;
	i++;
	while (i < len && msg[i] == ' ')
		i++;
	if (i >= len || msg[i] != '0')
		return false;
	/* "0" alone: not "05", not the HRESULT "0x80070005" */
	return i + 1 >= len ||
	       !(is_letter(msg[i + 1]) || (msg[i + 1] >= '0' && msg[i + 1] <= '9'));
}

/* Is a keyword anchored at i? Anchors: 'f' (fail), 'w' (warn) and the
 * "rr" of "error", which are rarer than the keywords' other letters. */
static enum keyword_severity keyword_at(const unsigned char *msg, size_t len,
					size_t i)
{
	switch (fold(msg[i])) {
	case 'r':
		if (i && word_at(msg, len, i - 1, "error", 5))
			return KSEV_ERROR;
		break;
	case 'f':
		if (word_at(msg, len, i, "fail", 4) &&
		    !word_at(msg, len, i, "failover", 8) &&
		    !is_zero_counter(msg, len, i))
			return KSEV_ERROR;
		break;
	case 'w':
		if (word_at(msg, len, i, "warn", 4))
			return KSEV_WARNING;
		break;
	}
	return KSEV_NONE;
}

#ifdef __SSE2__
/* Bit k set when msg[k] may anchor a keyword; reads msg[0..16]. */
static unsigned anchor_mask(const unsigned char *msg)
{
	__m128i lower = _mm_set1_epi8(0x20);
	__m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)msg), lower);
	__m128i b = _mm_or_si128(_mm_loadu_si128((const __m128i *)(msg + 1)),
				 lower);
	__m128i rr = _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('r')),
				   _mm_cmpeq_epi8(b, _mm_set1_epi8('r')));
	__m128i fw = _mm_or_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('f')),
				  _mm_cmpeq_epi8(a, _mm_set1_epi8('w')));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(rr, fw));
}
#endif

enum keyword_severity keyword_severity_of(const char *text, size_t len)
{
	const unsigned char *msg = (const unsigned char *)text;
	enum keyword_severity found = KSEV_NONE, k;
	size_t i = 0;
#ifdef __SSE2__
	/* Every message is scanned, so look at 16 bytes per step. */
	for (; i + 17 <= len; i += 16) {
		for (unsigned m = anchor_mask(msg + i); m; m &= m - 1) {
			k = keyword_at(msg, len, i + (size_t)__builtin_ctz(m));
			if (k == KSEV_ERROR)
				return k;
			if (k)
				found = k;
		}
	}
#endif
	for (; i < len; i++) {
		k = keyword_at(msg, len, i);
		if (k == KSEV_ERROR)
			return k;
		if (k)
			found = k;
	}
	return found;
}

enum severity severity_of(int type, enum keyword_severity ksev)
{
	if (type >= 0) {
		switch (type) {
		case 0:
			return SEV_VERBOSE;
		case 2:
			return SEV_WARNING;
		case 3:
			return SEV_ERROR;
		default:
			return SEV_INFO;
		}
	}
	switch (ksev) {
	case KSEV_ERROR:
		return SEV_ERROR;
	case KSEV_WARNING:
		return SEV_WARNING;
	default:
		return SEV_INFO;
	}
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_VERBOSE:
		return "verbose";
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_ERROR:
		return "error";
	}
	return "info";
}
