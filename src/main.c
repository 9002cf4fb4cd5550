/* main.c - tatrace's entry point: one table of commands, dispatched by
 * name. Each command module parses its own options. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef TATRACE_VERSION
#define TATRACE_VERSION "0.1.0"
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
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("tatrace %s\n", TATRACE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "tatrace: unknown command '%s'\n\n", name);
	usage(stderr);
	return 2;
}
