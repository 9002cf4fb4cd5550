/* pattern.c - see pattern.h. */
#include "pattern.h"

#include <stdio.h>

pcre2_code *ui_pattern_compile(const char *pattern, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF,
				       &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "%s at offset %zu", (const char *)msg, (size_t)off);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

bool ui_pattern_check(const char *pattern, char *err, size_t errlen)
{
	if (!pattern || !*pattern)
		return true;
	pcre2_code *re = ui_pattern_compile(pattern, err, errlen);
	pcre2_code_free(re);
	return re != NULL;
}
