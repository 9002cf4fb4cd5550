/* bundle.h - walking what an administrator collected: a folder, a single
 * log file, or a .zip / .tar / .tar.gz archive read in-stream.
 *
 * Nothing is ever extracted to disk. Archive entry names are normalised so
 * that "../x" and "/x" can never name anything outside the bundle (such
 * entries are reported and skipped). The walker calls visit() once per log
 * file with a readable input; errors that concern one entry go to
 * report() and the walk goes on. */
#ifndef TATRACE_BUNDLE_H
#define TATRACE_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include "../parsers/role.h"

/* Lane/role of a log, from its file name (the enum: parsers/role.h). */
enum log_role role_of_name(const char *file_name);
/* True when a logical log name (a file name's rotation base) is exactly
 * one of those role_of_name knows, any case: "CcmNotificationAgent", not
 * "CcmNotificationAgent-copy" (which role_of_name takes as the agent's). */
bool role_log_name_exact(const char *log_name);

/* Rotation: X.log, X.lo_, X-YYYYMMDD-HHMMSS.log (any case) are one logical
 * log "X". rank orders the pieces oldest first: stamped files by stamp
 * (rank 0..), then .lo_, then .log. Returns false for names that are not
 * .log/.lo_ (base is then the whole name, rank the .log rank). */
struct rotation {
	char base[256];		/* logical name, e.g. "BgbServer" */
	int64_t rank;
};
bool rotation_of_name(const char *file_name, struct rotation *out);
#define ROTATION_RANK_LO_ INT64_C(900000000000000)
#define ROTATION_RANK_LOG INT64_C(900000000000001)

/* Host of a file: the nearest folder above it whose name is not a generic
 * log folder (Logs, SMS_CCM, CCM, Windows, ...). path is the bundle path
 * with '/' separators, the bundle root's own name first. Writes "" when no
 * folder qualifies. */
void host_of_path(const char *bundle_path, char *host, size_t host_len);
bool is_generic_folder(const char *name);

struct bundle_input;	/* opaque readable stream */

/* Read up to cap bytes: >0 bytes read, 0 at end, -1 on error (message in
 * bundle_input_error). */
ssize_t bundle_input_read(struct bundle_input *in, void *buf, size_t cap);
/* Start again from byte 0. Works for plain files only (returns false for
 * archive entries). */
bool bundle_input_rewind(struct bundle_input *in);
/* A plain regular file (not a pipe, not an archive entry): one that
 * bundle_input_seek and bundle_input_pread work on. */
bool bundle_input_seekable(const struct bundle_input *in);
/* Go on reading from byte off. False (error set) when not seekable. */
bool bundle_input_seek(struct bundle_input *in, uint64_t off);
/* Read exactly len bytes at off without moving the read position.
 * False when not seekable, on an error or when the file is shorter. */
bool bundle_input_pread(struct bundle_input *in, void *buf, size_t len,
			uint64_t off);
const char *bundle_input_error(const struct bundle_input *in);

/* For tests' deterministic pauses (the TATRACE_DEBUG_*_PAUSE hooks):
 * write a line to the FIFO, then read it to its end, so that the test
 * holds this thread at that point until it closes the FIFO. */
void debug_fifo_pause(const char *fifo);

/* Strings are valid during the visit() call only. */
struct bundle_entry {
	const char *path;	/* as found: "bundle.zip/MP01/Logs/BgbServer.log" */
	const char *name;	/* last component */
	const char *host;	/* inferred (or the --host override) */
	int64_t size;		/* bytes, -1 if unknown */
	int64_t mtime;		/* seconds since 1970, 0 if unknown */
	int64_t ctime;		/* last status change (an archive entry: its
				 * archive's), seconds; 0 if unknown. Any
				 * write, and any reset of mtime, moves it. */
	bool in_archive;
};

struct bundle_options {
	const char *host_override;	/* --host: for every file found */
	uint64_t max_archive_bytes;	/* uncompressed cap per archive */
	bool all_files;			/* ingest every file, not just .log/.lo_/.txt */
	bool follow_links;		/* follow symlinks that leave a folder bundle */
	/* Folders: visit the plain files only, passing archives by
	 * unread (a quick look at what a walk will reach). */
	bool plain_only;
	/* Set by a signal handler: a read blocked on an idle pipe or FIFO
	 * gives up (error "interrupted") instead of waiting on. */
	const volatile sig_atomic_t *stop;
};
#define BUNDLE_DEFAULT_MAX_ARCHIVE_BYTES (UINT64_C(8) << 30)	/* 8 GiB */

struct bundle_visitor {
	void *ctx;
	/* Return 0 to go on, non-zero to stop the walk (e.g. Ctrl-C). */
	int (*visit)(void *ctx, const struct bundle_entry *e,
		     struct bundle_input *in);
	/* path[:line]: what - one entry could not be read; the walk goes on. */
	void (*report)(void *ctx, const char *path, const char *what);
	/* path: what - a remark that is no error (may be NULL): an archive
	 * entry kept under "path#2" because an earlier one had its name. */
	void (*note)(void *ctx, const char *path, const char *what);
};

/* Walk one command-line PATH. Returns 0 when the walk completed (entries
 * may have been reported), -1 when PATH itself cannot be opened (reported),
 * 1 when visit() asked to stop. Folders are walked recursively in name
 * order, symlink loops ignored; .zip/.tar/.tar.gz/.tgz files met in a
 * folder are walked as archives. A single file given directly is always
 * visited whatever its extension.
 *
 * Archives: once their entries' bytes pass opts->max_archive_bytes in total,
 * reads return -1 (bundle_input_error says why) and the walker reports that
 * once against the archive and moves on past it. Absolute and ".." entry
 * names, nested archives and non-regular entries with log names are
 * reported and skipped. A file reached twice (symlinks) is visited once. */
int bundle_walk(const char *path, const struct bundle_options *opts,
		const struct bundle_visitor *v);

/* The archive reader alone, on bytes in memory (a .zip, .tar or .tar.gz
 * named name, e.g. "x.zip"): the same entry rules, caps and reports as
 * an archive met by bundle_walk. For the fuzz target and tests. */
int bundle_walk_archive_memory(const void *data, size_t len, const char *name,
			       const struct bundle_options *opts,
			       const struct bundle_visitor *v);

#endif
