/* cli.h - what the command modules share: their entry points, the store
 * location rules, output-format parsing and the --grep/--since options. */
#ifndef TATRACE_CLI_H
#define TATRACE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <getopt.h>
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include "../db/store.h"

#define DEFAULT_STORE "tatrace.db"

enum out_format {
	OUT_TABLE,
	OUT_JSON,
	OUT_CSV,
	OUT_TEXT,
	OUT_CHROME,
};

/* "table", "json", ... -> format; false when not one of allowed (a mask
 * of 1 << enum out_format). */
bool out_format_parse(const char *s, unsigned allowed, enum out_format *out);

/* -d STORE, else $TATRACE_DB, else ./tatrace.db */
const char *cli_store_path(const char *opt);

/* Open for reading; prints "tatrace: reason" and returns NULL on failure. */
struct store *cli_open_read(const char *path);

/* "tatrace CMD: message" + hint to --help on stderr; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* After getopt_long() returned '?' (set opterr = 0 before the loop so
 * that getopt says nothing itself): one usage error naming the option,
 * "--host needs a value" or "unknown option '--hots'". Returns 2. */
int cli_option_error(const char *cmd, char **argv, const char *shortopts,
		     const struct option *longopts);

/* --grep: compile PATTERN (UTF-8, JIT when available) with match data.
 * On a bad pattern prints a usage error naming cmd and returns false. */
bool cli_compile_grep(const char *cmd, const char *pattern, pcre2_code **re,
		      pcre2_match_data **md);
/* The same, case-insensitive (Unicode case folding) when ignore_case:
 * --grep with -i/--ignore-case. */
bool cli_compile_grep_case(const char *cmd, const char *pattern,
			   bool ignore_case, pcre2_code **re,
			   pcre2_match_data **md);

/* --since/--until: parse_user_time, or a usage error naming cmd and opt.
 * A bare date (2026-09-25, with or without a zone) means the whole day:
 * its start for --since, its last microsecond for --until (opt names
 * which). */
bool cli_parse_time(const char *cmd, const char *opt, const char *arg,
		    int64_t *utc_us);

int cmd_ingest(int argc, char **argv);
int cmd_files(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_traces(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_ui(int argc, char **argv);

#endif
