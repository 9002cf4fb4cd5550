/* cmd_ui.c - `tatrace ui`: options, ingest of PATHs first, then the
 * dashboard (ui/). When stdout is not a terminal it prints the trace
 * list instead, so scripts and the README's first command still work. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "follow.h"
#include "output.h"
#include "../lib/util.h"
#include "../ui/ui.h"

static const char ui_help[] =
	"usage: tatrace ui [-d STORE] [--ascii] [--follow [--poll[=MS]]] [PATH...]\n"
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
	"  -f, --follow        keep following the PATHs while the dashboard runs\n"
	"                      (as tatrace ingest --follow; its latest line shows\n"
	"                      in the status line); ends when the dashboard does\n"
	"      --poll[=MS]     with --follow: poll every MS ms (default 250)\n"
	"                      instead of inotify\n"
	"  -h, --help          this help\n"
	"NO_COLOR draws without colours.\n";

enum { OPT_ASCII = 256, OPT_KEYS_MAN, OPT_POLL };

static const struct option ui_options_long[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "keys-man", no_argument, NULL, OPT_KEYS_MAN },
	{ "follow", no_argument, NULL, 'f' },
	{ "poll", optional_argument, NULL, OPT_POLL },
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

/* ---- --follow: the follow loop on a thread of its own ---- */

struct follower_thread {
	pthread_t thread;
	struct store *store;	/* the writer's own connection */
	char **paths;
	int n_paths;
	struct follow_options fo;
	int stop[2];		/* a pipe: written to when the dashboard ends */
	bool running;
};

static void *follow_thread(void *arg)
{
	struct follower_thread *ft = arg;
	follow_run(ft->store, ft->paths, ft->n_paths, &ft->fo);
	return NULL;
}

static void post_status(void *ctx, const char *line)
{
	(void)ctx;
	ui_post_status(line);
}

/* Start following. Signals stay with the dashboard's thread: the
 * follower is blocked from them and stopped through its pipe. */
static bool follow_start(struct follower_thread *ft, const char *store_path)
{
	char err[512];
	ft->store = store_open(store_path, STORE_WRITE, NULL, err, sizeof(err));
	if (!ft->store) {
		term_printf(stderr, "tatrace: %s\n", err);
		return false;
	}
	/* WAL before the dashboard opens its connection: the switch wants
	 * the store to itself. */
	if (store_set_wal(ft->store, true) < 0) {
		term_printf(stderr, "tatrace: %s\n", store_error(ft->store));
		store_close(ft->store);
		return false;
	}
	if (pipe(ft->stop) < 0) {
		fprintf(stderr, "tatrace: %s\n", strerror(errno));
		store_close(ft->store);
		return false;
	}
	ft->fo.message = post_status;
	ft->fo.stop_fd = ft->stop[0];
	ft->running = thread_start_unsignalled(&ft->thread, follow_thread,
					       ft) == 0;
	if (!ft->running) {
		fprintf(stderr, "tatrace: cannot start following\n");
		close(ft->stop[0]);
		close(ft->stop[1]);
		store_close(ft->store);
	}
	return ft->running;
}

/* The follower finishes its batch (its file commits or rolls back
 * whole), puts the store back to DELETE mode and ends. */
static void follow_stop(struct follower_thread *ft)
{
	if (!ft->running)
		return;
	if (write(ft->stop[1], "x", 1) < 0)
		fprintf(stderr, "tatrace: %s\n", strerror(errno));
	pthread_join(ft->thread, NULL);
	close(ft->stop[0]);
	close(ft->stop[1]);
	store_close(ft->store);
	ft->running = false;
}

static bool parse_poll_ms(const char *arg, int *ms)
{
	char *end;
	long v = arg ? strtol(arg, &end, 10) : FOLLOW_POLL_MS;
	if (arg && (end == arg || *end || v < 10 || v > 3600000))
		return false;
	*ms = (int)v;
	return true;
}

int cmd_ui(int argc, char **argv)
{
	struct follower_thread ft = { .fo = { .poll_ms = FOLLOW_POLL_MS,
		.ingest = { .max_archive_bytes = BUNDLE_DEFAULT_MAX_ARCHIVE_BYTES } } };
	bool follow = false;
	const char *store_opt = NULL;
	struct ui_options opt = {0};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:fh", ui_options_long, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case 'f': follow = true; break;
		case OPT_POLL:
			if (!parse_poll_ms(optarg, &ft.fo.poll_ms))
				return cli_usage_error("ui", "--poll wants a number of"
						       " milliseconds (10..3600000), got '%s'", optarg);
			ft.fo.poll = true;
			break;
		case OPT_ASCII: opt.ascii = true; break;
		case OPT_KEYS_MAN: ui_keys_man(stdout); return 0;
		case 'h': fputs(ui_help, stdout); return 0;
		default: return cli_usage_error("ui", "unknown option");
		}
	}
	opt.store_path = cli_store_path(store_opt);
	if (ft.fo.poll && !follow)
		return cli_usage_error("ui", "--poll goes with --follow");
	if (follow && optind >= argc)
		return cli_usage_error("ui", "--follow wants the PATHs to follow");
	for (int i = optind; follow && i < argc; i++) {
		const char *why = follow_refusal(argv[i]);
		if (why) {
			term_printf(stderr, "%s: %s\n", argv[i], why);
			return 2;
		}
	}
	/* ingest_first parses options again: optind is not ours after it. */
	int first = optind;
	ft.paths = argv + first;
	ft.n_paths = argc - first;
	if (first < argc) {
		int rc = ingest_first(opt.store_path, argv + first, argc - first);
		if (rc == 2 || rc == 130)
			return rc;
	}
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO) || ui_terminal_dumb()) {
		char *targv[] = { "traces", "-d", (char *)opt.store_path, NULL };
		return cmd_traces(3, targv);
	}
	if (!follow)
		return ui_run(&opt);
	if (!follow_start(&ft, opt.store_path))
		return 2;
	int rc = ui_run(&opt);
	follow_stop(&ft);
	return rc;
}
