/* cmd_demo.c - `tatrace demo`: options and the summary line; the bundle
 * itself comes from demo.c. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "demo.h"
#include "../lib/util.h"

static const char demo_help[] =
	"usage: tatrace demo [--clients N] [--actions M] [--seed S] [--scale N]\n"
	"                    [--collect HOST,...] [--force] [-q] DIR\n"
	"\n"
	"Write a realistic tenant-attach lab bundle into DIR: a service connection\n"
	"point (SCP01), a management point (MP01, BgbServer.log rotated) and N\n"
	"clients in different time zones, with M device actions of known outcome\n"
	"among background noise. DIR/expected.json holds the truth: every trace's\n"
	"GUID, status, action, clients and the status counts. Same options, same\n"
	"bytes.\n"
	"\n"
	"  -c, --clients N   client hosts CLIENT01.. (default 8, at most 999)\n"
	"  -a, --actions M   device actions over the day (default 60)\n"
	"  -s, --seed S      random seed (default 1)\n"
	"      --scale N     make about N records in all, mostly keep-alive and\n"
	"                    notification-server noise (default 0: a little)\n"
	"      --collect H,.. write only these hosts' logs (e.g. SCP01,MP01,CLIENT01),\n"
	"                    as an admin's partial bundle; expected.json then holds\n"
	"                    what that collection proves (\"status\") beside what\n"
	"                    happened (\"truth\")\n"
	"  -f, --force       write into DIR even when it is not empty\n"
	"  -q, --quiet       no summary line\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit status: 0 written, 2 usage or I/O error (named on stderr).\n";

enum {
	OPT_SCALE = 256,
	OPT_COLLECT,
};

static const struct option demo_options_long[] = {
	{ "clients", required_argument, NULL, 'c' },
	{ "actions", required_argument, NULL, 'a' },
	{ "seed", required_argument, NULL, 's' },
	{ "scale", required_argument, NULL, OPT_SCALE },
	{ "collect", required_argument, NULL, OPT_COLLECT },
	{ "force", no_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A whole decimal number in [lo, hi]. */
static bool parse_count(const char *arg, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	if (*arg < '0' || *arg > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cmd_demo(int argc, char **argv)
{
	struct demo_options opt = { .clients = 8, .actions = 60, .seed = 1 };
	bool quiet = false;
	const char *collect = NULL;
	uint64_t v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:a:s:fqh", demo_options_long, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!parse_count(optarg, 1, DEMO_MAX_CLIENTS, &v))
				return cli_usage_error("demo", "--clients wants 1..%d, got '%s'",
						       DEMO_MAX_CLIENTS, optarg);
			opt.clients = (unsigned)v;
			break;
		case 'a':
			if (!parse_count(optarg, 0, DEMO_MAX_ACTIONS, &v))
				return cli_usage_error("demo", "--actions wants 0..%d, got '%s'",
						       DEMO_MAX_ACTIONS, optarg);
			opt.actions = (unsigned)v;
			break;
		case 's':
			if (!parse_count(optarg, 0, UINT64_MAX, &v))
				return cli_usage_error("demo", "--seed wants a whole number, got '%s'",
						       optarg);
			opt.seed = v;
			break;
		case OPT_SCALE:
			if (!parse_count(optarg, 0, DEMO_MAX_SCALE, &v))
				return cli_usage_error("demo", "--scale wants 0..%llu records, got '%s'",
						       DEMO_MAX_SCALE, optarg);
			opt.scale = v;
			break;
		case OPT_COLLECT: collect = optarg; break;
		case 'f': opt.force = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(demo_help, stdout); return 0;
		default: return cli_option_error("demo", argv, "c:a:s:fqh", demo_options_long);
		}
	}
	if (optind >= argc)
		return cli_usage_error("demo", "no DIR given");
	if (optind + 1 < argc)
		return cli_usage_error("demo", "one DIR only, got '%s' too", argv[optind + 1]);

	char *hosts[DEMO_MAX_CLIENTS + 2];
	char *copy = collect ? xstrdup(collect) : NULL, *save = NULL;
	for (char *h = copy ? strtok_r(copy, ", ", &save) : NULL; h;
	     h = strtok_r(NULL, ", ", &save)) {
		if (!demo_has_host(&opt, h) || opt.n_collect == DEMO_MAX_CLIENTS + 2) {
			int rc = cli_usage_error("demo", "--collect: no host '%s' in this"
						 " bundle (SCP01, MP01, CLIENT01..CLIENT%02u)",
						 h, opt.clients);
			free(copy);	/* h points into it */
			return rc;
		}
		hosts[opt.n_collect++] = h;
	}
	if (copy && !opt.n_collect) {
		free(copy);
		return cli_usage_error("demo", "--collect wants host names, e.g. SCP01,MP01,CLIENT01");
	}
	opt.collect = (const char *const *)hosts;

	const char *dir = argv[optind];
	struct demo_summary sum;
	char err[1024];
	int rc = demo_write(dir, &opt, &sum, err, sizeof(err));
	free(copy);
	if (rc != 0) {
		fprintf(stderr, "tatrace demo: %s\n", err);
		return 2;
	}
	if (!quiet)
		fprintf(stderr, "tatrace: demo wrote %u files, %llu records, %.1f MB "
			"in %.2f s to %s\n", sum.files, (unsigned long long)sum.records,
			(double)sum.bytes / 1e6, sum.seconds, dir);
	return 0;
}
