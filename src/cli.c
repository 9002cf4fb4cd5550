/* cli.c - helpers shared by the command modules. */
#include "cli.h"

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
