/* cli.c - helpers shared by the command modules. */
#include "cli.h"
#include "../parsers/timeparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {
	[OUT_TABLE] = "table",
	[OUT_JSON] = "json",
	[OUT_CSV] = "csv",
	[OUT_TEXT] = "text",
	[OUT_CHROME] = "chrome",
};

bool out_format_parse(const char *s, unsigned allowed, enum out_format *out)
{
	for (unsigned i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if ((allowed & (1u << i)) && !strcmp(s, format_names[i])) {
			*out = (enum out_format)i;
			return true;
		}
	}
	return false;
}

const char *cli_store_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("TATRACE_DB");
	return env && *env ? env : DEFAULT_STORE;
}

struct store *cli_open_read(const char *path)
{
	char err[512];
	struct store *s = store_open(path, STORE_READ, NULL, err, sizeof(err));
	if (!s)
		fprintf(stderr, "tatrace: %s\n", err);
	return s;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tatrace %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'tatrace %s --help')\n", cmd);
	return 2;
}

bool cli_compile_grep(const char *cmd, const char *pattern, pcre2_code **re,
		      pcre2_match_data **md)
{
	int err;
	PCRE2_SIZE at;
	*re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
			    &err, &at, NULL);
	if (!*re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		cli_usage_error(cmd, "--grep: %s at offset %zu", (char *)msg, (size_t)at);
		return false;
	}
	pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE);
	*md = pcre2_match_data_create_from_pattern(*re, NULL);
	return true;
}

bool cli_parse_time(const char *cmd, const char *opt, const char *arg,
		    int64_t *utc_us)
{
	if (parse_user_time(arg, utc_us))
		return true;
	cli_usage_error(cmd, "%s: cannot read '%s' as a time (e.g. 2026-09-18T20:39:05Z)",
			opt, arg);
	return false;
}
