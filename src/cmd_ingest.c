/* cmd_ingest.c - `tatrace ingest`: options, the store lock, the summary. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "output.h"
#include "follow.h"
#include "ingest.h"
#include "../lib/util.h"
#include "../parsers/timeparse.h"

static const char ingest_help[] =
	"usage: tatrace ingest [-d STORE] [-q] [--host NAME] [--role ROLE] [--tz HOST=BIAS]...\n"
	"                      [--follow [--poll[=MS]]] PATH...\n"
	"\n"
	"Load ConfigMgr logs into the store. PATH is a folder (walked recursively),\n"
	"a log file, a gzip-compressed log (x.log.gz), a .zip/.tar/.tar.gz/.tgz bundle\n"
	"read in-stream, or - for standard input (a pipe).\n"
	"Re-ingesting skips unchanged files and adds only the new records of grown ones\n"
	"(a file whose ctime moved since it was stored is hashed whole to be sure);\n"
	"a grown UTF-8 file is read from its old end on (its first 64 KiB and the\n"
	"64 KiB before its old end checked, not the bytes between).\n"
	"Archive entries of one name (a\\b, a/b, a/./b, a tar append) are all kept,\n"
	"the later ones as path#2, path#3.\n"
	"A file whose content is already stored for the same host and log (equal, or\n"
	"a prefix of it) is recorded as its duplicate and adds nothing; a longer copy\n"
	"of a stored file supersedes it (see tatrace files, DUPOF).\n"
	"\n"
	"  -d, --store STORE       store file (default $TATRACE_DB or ./tatrace.db)\n"
	"  -q, --quiet             no progress bar and no summary line\n"
	"      --host NAME         host name for every file found (default: inferred\n"
	"                          from the nearest non-generic folder name; a pipe's\n"
	"                          host is 'unknown'). Host names are case-insensitive\n"
	"      --role ROLE         connector, server, agent, upload or other: the role of\n"
	"                          a single file or a pipe (default: from the file name,\n"
	"                          else from the component names in its first 64 KiB)\n"
	"      --tz HOST=BIAS      HOST's time zone for its records that carry no\n"
	"                          bias: a Windows bias in minutes (UTC = local + BIAS:\n"
	"                          +240 or 240 for US Eastern summer, -120) or an ISO\n"
	"                          offset (-04:00 is +240); HOST must be in the store\n"
	"                          after this ingest; repeatable; remembered; wins over\n"
	"                          the bias learned from joins\n"
	"      --max-archive-mib N stop reading an archive after N MiB uncompressed\n"
	"                          (default 8192): a guard against decompression bombs\n"
	"      --all-files         in folders and archives, read every file, not only\n"
	"                          *.log, *.lo_ and *.txt\n"
	"      --follow-links      follow symlinks that point out of a folder bundle\n"
	"                          (refused by default: a stranger's bundle must not\n"
	"                          read /etc/shadow into the store)\n"
	"  -f, --follow            after the ingest, keep following the PATHs (folders\n"
	"                          or log files, not archives or pipes): new records,\n"
	"                          rotated (X.log -> X.lo_), new, truncated and replaced\n"
	"                          files are stored as they are written, the traces\n"
	"                          and findings kept up to date; one line per batch on\n"
	"                          stderr. Readers (traces, log, ui) work meanwhile.\n"
	"                          Runs until Ctrl-C or SIGTERM (exit 130)\n"
	"      --poll[=MS]         with --follow: look every MS ms (default 250)\n"
	"                          instead of using inotify (automatic on network\n"
	"                          shares and when inotify fails)\n"
	"  -h, --help              this help\n"
	"\n"
	"Exit status: 0 all stored, 1 some files had errors (named on stderr as\n"
	"file[:line]: reason; the rest was stored; also a --tz HOST not in the store),\n"
	"2 usage or store error, 130 interrupted (also how --follow ends on Ctrl-C).\n"
	"\n"
	"Files are committed in batches (64 MB or 1 s, and each PATH), a savepoint\n"
	"each: a bad file rolls back alone; Ctrl-C commits what was read whole before\n"
	"exit 130. TATRACE_INGEST_THREADS=N (default 4, 2 on one CPU): two parsing\n"
	"workers read a folder's new files ahead while this thread stores them in\n"
	"walk order and another runs SQLite; 2 parses here beside SQLite, 1 runs all\n"
	"on one thread. Every count stores the same, row for row.\n";

enum {
	OPT_HOST = 256,
	OPT_TZ,
	OPT_MAX_ARCHIVE,
	OPT_ALL_FILES,
	OPT_FOLLOW_LINKS,
	OPT_ROLE,
	OPT_POLL,
};

static const struct option ingest_options_long[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "max-archive-mib", required_argument, NULL, OPT_MAX_ARCHIVE },
	{ "all-files", no_argument, NULL, OPT_ALL_FILES },
	{ "follow-links", no_argument, NULL, OPT_FOLLOW_LINKS },
	{ "follow", no_argument, NULL, 'f' },
	{ "poll", optional_argument, NULL, OPT_POLL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "HOST=BIAS", BIAS as parse_tz_bias reads it. */
static bool parse_tz(const char *arg, struct tz_override *out)
{
	const char *eq = strrchr(arg, '=');
	int32_t bias;
	if (!eq || eq == arg || !parse_tz_bias(eq + 1, &bias))
		return false;
	out->host = xstrndup(arg, (size_t)(eq - arg));
	out->bias_min = bias;
	return true;
}

static bool parse_mib(const char *arg, uint64_t *bytes)
{
	char *end;
	errno = 0;
	unsigned long long mib = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || mib == 0 || mib > (1ull << 30))
		return false;
	*bytes = (uint64_t)mib << 20;
	return true;
}

/* --poll=MS: 10 ms .. 1 hour. */
static bool parse_poll(const char *arg, int *ms)
{
	if (!arg) {
		*ms = FOLLOW_POLL_MS;
		return true;
	}
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 10 || v > 3600000)
		return false;
	*ms = (int)v;
	return true;
}

static void store_notice(const char *msg)
{
	term_printf(stderr, "tatrace: %s\n", msg);
}

static void print_summary(const struct ingest_summary *s)
{
	double rate = s->seconds > 0 ? (double)s->records / s->seconds : 0;
	char traces[256] = "", how[96] = "", resumed[64] = "";
	if (s->traces_updated)
		snprintf(how, sizeof(how), " (%llu updated)",
			 (unsigned long long)s->traces_rewritten);
	else if (s->full_rebuild_why)
		snprintf(how, sizeof(how), " (rebuilt: %s)", s->full_rebuild_why);
	if (s->files_resumed)
		snprintf(resumed, sizeof(resumed), "; %llu grown read from their"
			 " old end", (unsigned long long)s->files_resumed);
	if (s->traces_rebuilt)
		snprintf(traces, sizeof(traces), "; %llu traces in %.2f s%s"
			 "; %llu findings (tatrace findings)",
			 (unsigned long long)s->traces, s->trace_seconds, how,
			 (unsigned long long)s->findings);
	fprintf(stderr,
		"tatrace: %llu files (%llu new, %llu grown, %llu replaced, "
		"%llu unchanged, %llu duplicate, %llu failed), %llu records, %.1f MB in %.2f s "
		"(%.0f records/s)%s%s%s\n",
		(unsigned long long)s->files_seen,
		(unsigned long long)s->files_new,
		(unsigned long long)s->files_grown,
		(unsigned long long)s->files_replaced,
		(unsigned long long)s->files_unchanged,
		(unsigned long long)s->files_duplicate,
		(unsigned long long)s->files_failed,
		(unsigned long long)s->records, (double)s->raw_bytes / 1e6,
		s->seconds, rate, resumed, traces,
		s->interrupted ? "; interrupted" : "");
}

int cmd_ingest(int argc, char **argv)
{
	const char *store_opt = NULL;
	bool quiet = false;
	struct tz_override *tz = NULL;
	size_t n_tz = 0;
	struct ingest_options opts = {
		.max_archive_bytes = BUNDLE_DEFAULT_MAX_ARCHIVE_BYTES,
		.errors = stderr,
	};
	int c, rc = 2, poll_ms = FOLLOW_POLL_MS;
	bool follow = false, poll = false;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:qfh", ingest_options_long, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case 'f': follow = true; break;
		case OPT_POLL:
			if (!parse_poll(optarg, &poll_ms)) {
				rc = cli_usage_error("ingest", "--poll wants a number of"
						     " milliseconds (10..3600000), got '%s'", optarg);
				goto out;
			}
			poll = true;
			break;
		case 'q': quiet = true; break;
		case OPT_HOST: opts.host_override = optarg; break;
		case OPT_TZ:
			tz = xrealloc(tz, (n_tz + 1) * sizeof(*tz));
			if (!parse_tz(optarg, &tz[n_tz])) {
				rc = cli_usage_error("ingest", "--tz wants HOST=BIAS, BIAS a Windows"
						     " bias in minutes (UTC = local + BIAS, -840..+720: +240 is"
						     " US Eastern summer) or an offset like -04:00; got '%s'", optarg);
				goto out;
			}
			n_tz++;
			break;
		case OPT_MAX_ARCHIVE:
			if (!parse_mib(optarg, &opts.max_archive_bytes)) {
				rc = cli_usage_error("ingest", "--max-archive-mib wants a positive number, got '%s'", optarg);
				goto out;
			}
			break;
		case OPT_ALL_FILES: opts.all_files = true; break;
		case OPT_FOLLOW_LINKS: opts.follow_links = true; break;
		case 'h': fputs(ingest_help, stdout); rc = 0; goto out;
		case OPT_ROLE:
			if (!role_parse(optarg, &opts.role)) {
				rc = cli_usage_error("ingest", "--role wants connector, server, agent, upload or other, got '%s'", optarg);
				goto out;
			}
			opts.role_given = true;
			break;
		default:
			rc = cli_option_error("ingest", argv, "d:qfh", ingest_options_long);
			goto out;
		}
	}
	if (optind >= argc) {
		rc = cli_usage_error("ingest", "no PATH given");
		goto out;
	}
	if (poll && !follow) {
		rc = cli_usage_error("ingest", "--poll goes with --follow");
		goto out;
	}
	opts.tz = tz;
	opts.n_tz = n_tz;
	opts.progress = !quiet && isatty(STDERR_FILENO);

	const char *path = cli_store_path(store_opt);
	char err[512];
	struct store *s = store_open(path, STORE_WRITE, store_notice, err, sizeof(err));
	if (!s) {
		term_printf(stderr, "tatrace: %s\n", err);
		goto out;
	}
	ingest_install_signal_handlers();
	if (follow) {
		struct follow_options fo = {
			.ingest = opts, .poll = poll, .poll_ms = poll_ms,
			.quiet = quiet, .stop_fd = -1,
		};
		rc = follow_run(s, argv + optind, argc - optind, &fo);
		store_close(s);
		goto out;
	}
	struct ingest_summary sum;
	rc = ingest_run(s, argv + optind, argc - optind, &opts, &sum);
	store_close(s);
	if (!quiet)
		print_summary(&sum);
out:
	for (size_t i = 0; i < n_tz; i++)
		free((char *)tz[i].host);
	free(tz);
	return rc;
}
