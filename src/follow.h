/* follow.h - `ingest --follow` and `ui --follow`: keep a live site's logs
 * in the store as ConfigMgr writes them.
 *
 * The watcher's one truth is a snapshot: every log file under the PATHs
 * with its inode, size and times. inotify (or, where it cannot see other
 * machines' writes, a timer) only says when to take the next one; the
 * difference between two snapshots says what happened -- a file grew or
 * was replaced, appeared, vanished, or was renamed (the same inode under
 * a new name: a rotation). Renames re-key the stored file (db/rekey.c),
 * everything else goes to ingest_run() restricted to the files that
 * changed, which stores only the new records and brings the traces and
 * findings up to date. A deleted file's records stay: they are the
 * evidence of earlier traces. */
#ifndef TATRACE_FOLLOW_H
#define TATRACE_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ingest.h"

#define FOLLOW_POLL_MS 250	/* --poll's default interval */

struct follow_options {
	struct ingest_options ingest;	/* want and errors are follow's own */
	bool poll;		/* --poll: stat every file every poll_ms */
	int poll_ms;
	bool quiet;		/* -q: no status lines (problems still) */
	/* Where the status lines and the ingest's problems go, one line at
	 * a time, escaped for a terminal, without a newline. NULL: stderr. */
	void (*message)(void *ctx, const char *line);
	void *message_ctx;
	/* Readable when the follow must end (a thread's stop pipe); -1:
	 * only SIGINT/SIGTERM end it (ingest_install_signal_handlers). */
	int stop_fd;
};

/* NULL when PATH can be followed, else why not (an archive, a pipe, ...).
 * The reason is a static string. */
const char *follow_refusal(const char *path);

/* Ingest PATHs, then keep following them until stopped. The store goes
 * to WAL mode for the time (readers never wait for a commit) and back
 * to DELETE at the end when no other process has it open. Returns 130
 * when stopped by a signal, 0 when stopped through stop_fd, 2 on a
 * store error (the store's own reason was reported). */
int follow_run(struct store *s, char *const paths[], int n_paths,
	       const struct follow_options *opts);

/* ---- the snapshot and its difference (exposed for the unit tests) ---- */

struct fsnap_stat {
	uint64_t dev, ino;
	int64_t size;
	int64_t mtime_ns, ctime_ns;
};

struct fsnap;
struct fsnap *fsnap_new(void);
void fsnap_free(struct fsnap *s);
/* Add a file by its absolute path (copied). */
void fsnap_add(struct fsnap *s, const char *path, const struct fsnap_stat *st);

enum follow_change_kind {
	CHANGE_NEW,		/* a file not seen before */
	CHANGE_MODIFIED,	/* grown, truncated, rewritten or replaced */
	CHANGE_RENAMED,		/* from's inode under path: from was renamed */
	CHANGE_DELETED,
};

struct follow_change {
	enum follow_change_kind kind;
	const char *path;	/* valid while both snapshots live */
	const char *from;	/* CHANGE_RENAMED only */
	bool grown;		/* CHANGE_RENAMED: written to as well */
};

/* What happened between two snapshots, in path order. A rename is an
 * inode that left one path and turned up under another, at least as big
 * as it was (a rotation keeps the content; a smaller file under a reused
 * inode is a new file); a path that lost its inode to a rename and has
 * none now is not reported deleted. *out is malloc'd; returns its count. */
size_t follow_diff(struct fsnap *old, struct fsnap *cur,
		   struct follow_change **out);

#endif
