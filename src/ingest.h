/* ingest.h - the ingest pipeline: bundle walker -> decoder -> parser ->
 * store writer, one transaction per file.
 *
 * Decides per file whether it is new, unchanged (skipped without reading
 * past its head), grown (only the new records are parsed) or replaced, and
 * reports every defect as "file[:line]: reason" while the rest of the
 * bundle goes on loading. */
#ifndef TATRACE_INGEST_H
#define TATRACE_INGEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../db/store.h"
#include "../parsers/role.h"

struct tz_override {
	const char *host;
	int32_t bias_min;
};

struct ingest_options {
	const char *host_override;	/* --host */
	/* --role for single files and pipes; without it the role comes
	 * from the file name, else (single files, pipes) the content */
	bool role_given;
	enum log_role role;
	const struct tz_override *tz;	/* --tz HOST=BIAS ... */
	size_t n_tz;
	uint64_t max_archive_bytes;
	bool all_files;
	bool follow_links;		/* --follow-links */
	bool progress;			/* draw the progress bar on stderr */
	FILE *errors;			/* where "file:line: reason" lines go */
	/* --follow: visit only the files want() says yes to, by store key
	 * (the file's absolute path); NULL visits every file. */
	bool (*want)(void *ctx, const char *source);
	void *want_ctx;
};

struct ingest_summary {
	uint64_t files_seen;
	uint64_t files_new;
	uint64_t files_replaced;
	uint64_t files_grown;
	uint64_t files_resumed;		/* grown, read on from their old end */
	uint64_t files_unchanged;
	uint64_t files_duplicate;	/* same evidence as a stored file */
	uint64_t files_failed;		/* could not be stored */
	uint64_t problems;		/* reported lines, incl. failures */
	uint64_t records;		/* records stored by this run */
	uint64_t raw_bytes;		/* bytes read from files */
	double seconds;
	uint64_t traces;		/* traces after the rebuild */
	double trace_seconds;		/* time the rebuild took */
	uint64_t findings;		/* findings after the rebuild */
	bool traces_rebuilt;
	bool traces_updated;		/* only the touched ones rewritten */
	uint64_t traces_rewritten;	/* how many, when updated */
	const char *full_rebuild_why;	/* an update was not possible: why */
	bool interrupted;
	bool store_failed;		/* the store itself failed */
};

/* Ingest every PATH. Returns the process exit status the issue defines:
 * 0 all good, 1 some files had errors, 2 store errors; 130 on Ctrl-C. */
int ingest_run(struct store *s, char *const paths[], int n_paths,
	       const struct ingest_options *opts, struct ingest_summary *sum);

/* Install the SIGINT/SIGTERM handler that makes ingest_run stop after
 * rolling back the file in progress. */
void ingest_install_signal_handlers(void);
/* True once SIGINT or SIGTERM arrived (after the handlers were
 * installed): a follow loop between two ingests stops too. */
bool ingest_interrupted(void);

#endif
