/* main.c - tatrace's entry point: one table of commands, dispatched by
 * name. Each command module parses its own options. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

#ifndef TATRACE_VERSION	/* the Makefile passes the file VERSION's */
#define TATRACE_VERSION "unknown"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "ingest", cmd_ingest,
	  "load log folders, files and .zip/.tar/.tar.gz bundles into the store" },
	{ "files", cmd_files,
	  "list the stored files" },
	{ "cat", cmd_cat,
	  "print a stored file's text exactly as decoded" },
	{ "log", cmd_log,
	  "all records merged by UTC (the CMTrace merge view)" },
	{ "stats", cmd_stats,
	  "counts of files, records, hosts, formats and severities" },
	{ "traces", cmd_traces,
	  "device actions rebuilt across the three lanes, with where they stopped" },
	{ "show", cmd_show,
	  "one trace: summary and every event" },
	{ "findings", cmd_findings,
	  "what is wrong, most urgent first, with evidence and what to do" },
	{ "explain", cmd_explain,
	  "what an error code from the logs means (0x80070005, HTTP 401)" },
	{ "coverage", cmd_coverage,
	  "what each log covers, missing lanes, lanes covered per trace" },
	{ "ui", cmd_ui,
	  "the terminal dashboard (the default when a store exists)" },
	{ "demo", cmd_demo,
	  "write a realistic lab bundle with known traces (and expected.json)" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: tatrace COMMAND [OPTIONS]\n\n"
		   "Trace Intune device actions through ConfigMgr logs.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nThe store is -d STORE, else $TATRACE_DB, else ./%s.\n"
		   "Run 'tatrace COMMAND --help' for a command's options; "
		   "man tatrace for everything.\n", DEFAULT_STORE);
}

/* Edit distance (insertions, deletions, substitutions, and swaps of two
 * neighbours: "tarces"), case-insensitive, of short words. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 32 };
	size_t n = strlen(a), m = strlen(b);
	if (n >= MAX || m >= MAX)
		return MAX;
	size_t d[MAX][MAX];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

/* The command a mistyped name most likely meant: the nearest within two
 * edits (one for names of three letters or fewer), or NULL. */
static const char *nearest_command(const char *name)
{
	const char *best = NULL;
	size_t best_d = strlen(name) <= 3 ? 2 : 3;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		size_t d = edit_distance(name, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	return best;
}

/* A full disk or `> /dev/full` must not end in exit 0 with output cut
 * short: every command's standard output is checked once, here. */
static int finish_stdout(int rc)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	int err = output_errno ? output_errno : errno;
	term_printf(stderr, "tatrace: standard output: %s\n",
		    err ? strerror(err) : "write error");
	return rc ? rc : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		/* Bare `tatrace` in a terminal opens the dashboard on the
		 * default store when there is one. */
		if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) &&
		    access(cli_store_path(NULL), F_OK) == 0) {
			char *uiv[] = { "ui", NULL };
			return cmd_ui(1, uiv);
		}
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return finish_stdout(0);
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("tatrace %s\n", TATRACE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (!strcmp(name, commands[i].name))
			return finish_stdout(commands[i].run(argc - 1, argv + 1));
	}
	const char *near = nearest_command(name);
	if (near) {
		term_printf(stderr, "tatrace: unknown command '%s'; did you mean"
			" '%s'?\n", name, near);
		fputs("(see 'tatrace --help')\n", stderr);
		return 2;
	}
	term_printf(stderr, "tatrace: unknown command '%s'\n", name);
	fputc('\n', stderr);
	usage(stderr);
	return 2;
}
