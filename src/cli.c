/* cli.c - helpers shared by the command modules. */
#include "cli.h"
#include "output.h"
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
		term_printf(stderr, "tatrace: %s\n", err);
	return s;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tatrace %s: ", cmd);
	va_start(ap, fmt);
	term_vprintf(stderr, fmt, ap);	/* values come from argv */
	va_end(ap);
	fprintf(stderr, "\n(see 'tatrace %s --help')\n", cmd);
	return 2;
}

/* Does the option with this val (a short option's letter, or a long
 * option's val) take a value? 1 yes, 0 no, -1 no such option. */
static int option_takes_value(int val, const char *shortopts,
			      const struct option *longopts)
{
	for (const struct option *o = longopts; o && o->name; o++)
		if (o->val == val)
			return o->has_arg == required_argument;
	const char *p = val > 0 && val < 128 ? strchr(shortopts, val) : NULL;
	if (p && val != ':')
		return p[1] == ':';
	return -1;
}

int cli_option_error(const char *cmd, char **argv, const char *shortopts,
		     const struct option *longopts)
{
	const char *tok = optind > 0 ? argv[optind - 1] : "";
	int known = optopt ? option_takes_value(optopt, shortopts, longopts) : -1;
	if (!tok || tok[0] != '-')
		tok = "";
	if (known == 1 && tok[0])
		return cli_usage_error(cmd, "%s needs a value", tok);
	if (known == 0 && !strncmp(tok, "--", 2) && strchr(tok, '='))
		return cli_usage_error(cmd, "%.*s takes no value",
				       (int)(strchr(tok, '=') - tok), tok);
	if (optopt > 0 && optopt < 128 && optopt != '?' && known < 0)
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return cli_usage_error(cmd, "unknown option '%s'", tok);
}

bool cli_compile_grep(const char *cmd, const char *pattern, pcre2_code **re,
		      pcre2_match_data **md)
{
	return cli_compile_grep_case(cmd, pattern, false, re, md);
}

bool cli_compile_grep_case(const char *cmd, const char *pattern,
			   bool ignore_case, pcre2_code **re,
			   pcre2_match_data **md)
{
	int err;
	PCRE2_SIZE at;
	uint32_t flags = PCRE2_UTF | (ignore_case ? PCRE2_CASELESS | PCRE2_UCP : 0);
	*re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags,
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

/* YYYY-MM-DD with nothing after it but a zone. */
static bool is_bare_date(const char *arg)
{
	return strlen(arg) >= 10 && strchr("Zz+-", arg[10]) != NULL;
}

bool cli_parse_time(const char *cmd, const char *opt, const char *arg,
		    int64_t *utc_us)
{
	if (parse_user_time(arg, utc_us)) {
		if (is_bare_date(arg) && strcmp(opt, "--until") == 0)
			*utc_us += INT64_C(86400000000) - 1;
		return true;
	}
	cli_usage_error(cmd, "%s: cannot read '%s' as a time (e.g. 2026-09-18T20:39:05Z,"
			" or 2026-09-18 for the whole day)",
			opt, arg);
	return false;
}
