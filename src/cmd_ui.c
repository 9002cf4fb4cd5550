/* cmd_ui.c - `tatrace ui`: options, ingest of PATHs first, then the
 * dashboard (ui/). When stdout is not a terminal it prints the trace
 * list instead, so scripts and the README's first command still work. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/util.h"
#include "../ui/ui.h"

static const char ui_help[] =
	"usage: tatrace ui [-d STORE] [--ascii] [PATH...]\n"
	"\n"
	"The terminal dashboard: the trace list with counts per status, filters\n"
	"and a preview; Enter opens a trace; ? lists every key, the current\n"
	"view's first, and the glyphs (see KEYS in tatrace(1)). L opens the\n"
	"merged log of every record (as tatrace log; H and c take a host or\n"
	"component by any unique part of its name), Enter on a record its\n"
	"detail. With PATHs, ingests them first (as tatrace ingest). When\n"
	"stdout is not a terminal, or one that cannot move its cursor\n"
	"(TERM=dumb), prints the trace list (tatrace traces).\n"
	"\n"
	"  -d, --store STORE   store file (default $TATRACE_DB or ./tatrace.db)\n"
	"      --ascii         ASCII glyphs (also: a non-UTF-8 locale; ~ toggles)\n"
	"  -h, --help          this help\n"
	"NO_COLOR draws without colours.\n";

enum { OPT_ASCII = 256, OPT_KEYS_MAN };

static const struct option ui_options_long[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "keys-man", no_argument, NULL, OPT_KEYS_MAN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Ingest PATHs through `tatrace ingest`, progress bar and all. */
static int ingest_first(const char *store, char **paths, int n)
{
	char **argv = xcalloc((size_t)n + 4, sizeof(*argv));
	argv[0] = "ingest";
	argv[1] = "-d";
	argv[2] = (char *)store;
	for (int i = 0; i < n; i++)
		argv[3 + i] = paths[i];
	int rc = cmd_ingest(n + 3, argv);
	free(argv);
	return rc;
}

int cmd_ui(int argc, char **argv)
{
	const char *store_opt = NULL;
	struct ui_options opt = {0};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", ui_options_long, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case OPT_ASCII: opt.ascii = true; break;
		case OPT_KEYS_MAN: ui_keys_man(stdout); return 0;
		case 'h': fputs(ui_help, stdout); return 0;
		default: return cli_usage_error("ui", "unknown option");
		}
	}
	opt.store_path = cli_store_path(store_opt);
	if (optind < argc) {
		int rc = ingest_first(opt.store_path, argv + optind, argc - optind);
		if (rc == 2 || rc == 130)
			return rc;
	}
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO) || ui_terminal_dumb()) {
		char *targv[] = { "traces", "-d", (char *)opt.store_path, NULL };
		return cmd_traces(3, targv);
	}
	return ui_run(&opt);
}
