/* store.h - the SQLite store: schema, the ingest writer, and the query API.
 *
 * Physical layout (see db/schema.c, db/blockfmt.h and man tatrace(1) FILES):
 * records are kept in blocks of up to STORE_BLOCK_RECORDS records of one
 * file, each block a row with its time bounds and a packed metadata array,
 * its raw text LZ4-compressed in block_text (db/blocktext.h). Row-per-
 * record would cost ~1 µs per row in SQLite alone; blocks make ingest cost
 * per byte instead. Files, hosts,
 * components, events and traces are ordinary tables. db/ knows nothing of
 * terminals: it returns data, callers present it. */
#ifndef TATRACE_STORE_H
#define TATRACE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "../parsers/record.h"
#include "../parsers/events.h"
#include "trace_status.h"
#include "../parsers/role.h"
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#define STORE_SCHEMA_VERSION 6
#define STORE_BLOCK_RECORDS 1024
#define STORE_BLOCK_BYTES (256u * 1024u)

struct store;

enum store_mode {
	STORE_READ = 0,		/* must exist */
	STORE_WRITE = 1,	/* created when missing; exclusive ingest lock */
};

/* Open (":memory:" works for tests). On failure returns NULL and writes a
 * one-line reason ("store.db: store schema 1 is older than this tatrace
 * (2): delete it and ingest again") into err. STORE_WRITE takes an exclusive lock so that two ingests never
 * interleave: when another holds it, notice() (may be NULL) is called once
 * and the open waits for it. */
struct store *store_open(const char *path, enum store_mode mode,
			 void (*notice)(const char *msg),
			 char *err, size_t errlen);
void store_close(struct store *s);
/* Last SQLite error message, for reports. */
const char *store_error(const struct store *s);

/* ---- live readers (db/live.c): another connection writes meanwhile ---- */

/* How long a read waits for a writer's lock before failing busy (the
 * dashboard: a frame, not the default 10 s). */
void store_set_busy_ms(struct store *s, int ms);
/* True when another connection (another process, or a thread with its
 * own connection) committed since the last call or snapshot; false when
 * not, or when the store is busy right now (ask again later). The first
 * call only takes the baseline. Cheap: no table is read. */
bool store_changed(struct store *s);
/* Read everything of one refresh from one commit: a read transaction
 * until store_snapshot_end. 0, or -1 (store_busy tells a writer's lock
 * from an error; the caller keeps its last good data and tries later).
 * Calls nest: a begin inside an open snapshot joins it (0), and only the
 * outermost end closes it, so a read spread over many pauses can hold
 * one snapshot while refreshes come and go inside it. While one is open
 * store_changed says false. */
int store_snapshot_begin(struct store *s);
void store_snapshot_end(struct store *s);
/* The last failure (of any query, store_changed or
 * store_snapshot_begin) was another connection's lock (SQLITE_BUSY): a
 * reader keeps its last good data and reads again later. */
bool store_busy(const struct store *s);

/* ---- ingest ---- */

enum offset_source {
	OFFSET_EXPLICIT = 0,	/* the record carried its bias */
	OFFSET_HOST = 1,	/* borrowed from another log of the host */
	OFFSET_OVERRIDE = 2,	/* --tz HOST=BIAS */
	OFFSET_ASSUMED = 3,	/* nothing known: UTC assumed */
	/* New values go at the end: the numbers are stored in blocks. */
	OFFSET_PSADT = 4,	/* the record carried its offset the PSADT way
				 * (east of UTC), read with the sign flipped */
	OFFSET_JOINED = 5,	/* the host's bias learned from the joins of
				 * its events with other hosts' (see
				 * store_resolve_offsets) */
};
#define OFFSET_SOURCE_COUNT 6	/* entries of enum offset_source */
const char *offset_source_name(enum offset_source src);

/* What the store remembers of a file, to tell unchanged, grown, replaced. */
struct store_prior {
	bool known;
	int64_t size;
	int64_t mtime;
	uint64_t head_hash;	/* of the first STORE_HEAD_BYTES raw bytes */
	uint64_t content_hash;	/* of all size raw bytes */
	int64_t stored_at;	/* when it was last stored (files.ingested_at) */
	char format[8];		/* as stored: plain|ccm|sms ("" none) */
	char encoding[16];	/* as stored (store_file_final.encoding) */
	/* Set (resume_len > 0) when the file can be read on from its old
	 * end: the raw hasher's state after all size bytes (an opaque blob,
	 * lib/util.h hasher_save) and the hash of its raw bytes
	 * [size - STORE_TAIL_BYTES, size) (from 0 when shorter). */
	unsigned char resume_state[32];
	size_t resume_len;
	uint64_t tail_hash;
};
#define STORE_HEAD_BYTES 65536
#define STORE_TAIL_BYTES 65536
int store_file_prior(struct store *s, const char *source,
		     struct store_prior *out);

enum store_plan {
	PLAN_NEW = 0,		/* never seen: store everything */
	PLAN_REPLACE = 1,	/* changed: drop its records, store everything */
	PLAN_APPEND = 2,	/* grown: keep records, parse from resume point */
};

struct store_file_meta {
	const char *source;	/* unique key: absolute location */
	const char *path;	/* as found in the bundle */
	const char *host;
	const char *name;	/* file name */
	const char *log_name;	/* logical log (rotation base) */
	int64_t rotation;	/* rank within the logical log */
	enum log_role role;	/* stored as its name (role_name) */
	int64_t size;
	int64_t mtime;
	uint64_t head_hash;
};

/* Where parsing must resume for PLAN_APPEND: the store dropped the file's
 * last block (its last record may have been incomplete) and expects the
 * records that start at decoded byte offset text_off, line first_line.
 * tail_bytes: the dropped block's decoded text, which ran to the old end
 * (how a reader finds text_off's raw offset from the end, when decoded
 * and raw offsets differ: UTF-16, Windows-1252). */
struct store_resume {
	uint64_t text_off;
	uint32_t first_line;
	uint64_t tail_bytes;
};

struct store_writer;

/* Files are written in batches: the first file of a batch begins one
 * transaction, each file is a savepoint in it (a bad file rolls back
 * alone), and store_batch_commit makes the batch durable with one commit
 * instead of one per file. A file is stored only once its batch commits;
 * closing the store with a batch open rolls the batch back. */
/* Begin one file's savepoint (and the batch's transaction if none is
 * open). Returns NULL on a store error. */
struct store_writer *store_file_begin(struct store *s,
				      const struct store_file_meta *meta,
				      enum store_plan plan,
				      struct store_resume *resume);
/* The sink that the parser feeds. Its problem() is a no-op: the caller
 * reports problems itself by wrapping the sink if it wants them. */
const struct record_sink *store_writer_sink(struct store_writer *w);
/* Records stored through this writer so far. */
uint64_t store_writer_records(const struct store_writer *w);

struct store_file_final {
	const char *format;	/* plain|ccm|sms */
	const char *encoding;	/* utf-8|utf-8-bom|utf-16le|utf-16be|windows-1252 */
	uint64_t content_hash;
	int64_t size;		/* raw bytes read */
	/* > 0: the file holds the same evidence as that stored file (equal,
	 * or a prefix of it): its records and events are dropped and only
	 * its row is kept, with files.duplicate_of set. */
	int64_t duplicate_of;
	/* Stored files whose content is a prefix of this one (collected
	 * earlier, before the log grew): their records and events go, and
	 * they (and their own duplicates) become duplicates of this file. */
	const int64_t *supersedes;
	size_t n_supersedes;
	/* What lets a later ingest read on from this end (see store_prior);
	 * resume_len 0: none (a pipe, an archive entry). */
	const unsigned char *resume_state;
	size_t resume_len;
	uint64_t tail_hash;
};
/* Flush, update the file row and release its savepoint into the batch.
 * Frees w. 0 or -1. */
int store_file_commit(struct store_writer *w, const struct store_file_final *f);
/* Roll back everything of this file (its savepoint). Frees w. */
void store_file_abort(struct store_writer *w);
/* Insert blocks on a thread of their own (threads 2) while the caller
 * parses the next ones, or on the caller's (1, the default). Not while
 * a file is being written. 0, or -1 when no thread could be started
 * (then the caller's thread does it all). */
int store_writer_threads(struct store *s, int threads);
/* Wait until the writer thread stored every block handed to it, so that
 * the caller may use the store (a query) mid-file. 0, or -1 when
 * storing one failed (store_error says why). */
int store_writer_sync(struct store_writer *w);
/* Batching on (ingest) or off (the default: each file commits alone).
 * Turning it off does not commit an open batch. */
void store_batching(struct store *s, bool on);
/* Commit the open batch, if any: 0, or -1 when the commit failed or the
 * batch was lost (an error that rolled back the whole transaction); then
 * none of the batch's files is stored. */
int store_batch_commit(struct store *s);
/* A batch is open (files released into it, not committed yet). */
bool store_batch_open(const struct store *s);

/* Stored files that may hold the same evidence as a file being read:
 * the same host (case-insensitive) and logical log -- or, when role is
 * given, any log of that role (a copy renamed "CcmNotificationAgent (1).log"
 * or a piped log is still the agent's log) -- another source, an original
 * (not a duplicate itself) with content. */
struct store_twin {
	int64_t id;
	int64_t size;		/* raw bytes */
	int64_t bytes;		/* decoded bytes stored */
	uint64_t head_hash;	/* of min(size, STORE_HEAD_BYTES) raw bytes */
	uint64_t content_hash;	/* of all size raw bytes */
	char log_name[256];	/* its logical log ("CcmNotificationAgent-copy") */
};
int store_file_twins(struct store *s, const char *host, const char *log_name,
		     const char *role, const char *source,
		     int (*each)(void *ctx, const struct store_twin *t),
		     void *ctx);
/* hash_bytes() of the first len bytes of a file's stored (decoded) text.
 * 0, 1 when the file holds fewer bytes, -1 on error. */
int store_text_prefix_hash(struct store *s, int64_t file_id, uint64_t len,
			   uint64_t *hash);

/* Following a live site (src/follow.c, db/rekey.c). A file renamed on
 * disk (X.log rotated to X.lo_) keeps its stored records under its new
 * key: the row of source from takes to's source, path, name, log_name
 * and rotation; a stored file already keyed to->source (the X.lo_ the
 * rotation deleted) is retired under "SOURCE#retired-ID" with its
 * records. 0 renamed, 1 when from is not stored, -1 on error. */
int store_file_rename(struct store *s, const char *from,
		      const struct store_file_meta *to);
/* WAL (true) while following, so that readers never wait for the
 * writer's commits; DELETE (false) again at the end. -1 (store_error
 * says why) when the mode did not change, e.g. another process has the
 * store open when leaving WAL. */
int store_set_wal(struct store *s, bool wal);
/* Records of every original file (duplicates hold none): a sum over the
 * files table, cheap enough for one status line per follow batch. -1 on
 * error. */
int64_t store_records_total(struct store *s);

/* Bracket a bulk load: begin drops the events' time index (once; later
 * calls do nothing), end rebuilds it. Call end before the queries that
 * read events by time (store_events). Both 0 or -1. */
int store_bulk_begin(struct store *s);
int store_bulk_end(struct store *s);
/* True from store_bulk_begin until a trace rebuild commits (kept in the
 * store, so it survives a failed or killed ingest). */
bool store_traces_stale(struct store *s);

/* Remember --tz HOST=BIAS (persisted: later ingests keep it). HOST must
 * already be in the store (matched case-insensitively). 0, 1 when there
 * is no such host, -1 on a store error. */
int store_set_tz_override(struct store *s, const char *host, int32_t bias_min);
/* Give records without an explicit bias their offset, in this order: the
 * host's --tz override; else the bias of the host's nearest-in-time
 * explicit record (source host); else the bias learned from joins
 * (source joined); else UTC assumed. Rewrites only blocks that change.
 *
 * Learning (recomputed on every call): a host none of whose logs carries a
 * bias (the .NET workers of a service connection point) and that has no
 * override is placed by its events' joins with hosts whose time is known:
 * the connector's forwarded and the server's push_started of one TaskGUID,
 * the push_started and a client's task_received of one TaskGUID, are
 * seconds apart. The median of (known - unknown) over all joined pairs,
 * rounded to the nearest 15 minutes, is the host's bias, kept in
 * hosts.tz_joined (with the pair count in hosts.tz_joined_pairs); when
 * nothing joins the host stays assumed. 0 or -1. */
int store_resolve_offsets(struct store *s);
/* The same after the offsets were settled once: the pass over every
 * unbiased log runs only when this handle stored a file whose host has
 * such records (or set an override) since the last resolve; the learning
 * always runs and re-times only the hosts whose learned bias moved. An
 * append of client records with a push receipt skips the pass over the
 * connector's log (0.15-0.2 s of CPU at 10M). 0 or -1. */
int store_resolve_update(struct store *s);
/* The lowest id of the stored events whose time the last
 * store_resolve_offsets changed; INT64_MAX when it moved none (the trace
 * update is incremental only when no event it already joined moved). */
int64_t store_resolve_retimed_min(const struct store *s);
/* Could store_resolve_offsets change anything after what this handle
 * stored (since its last resolve)? Not when every stored file's host has all its records with a
 * bias of their own and no event that joins hosts was stored: an append
 * of such records skips the pass over the unbiased logs (0.2-0.5 s at
 * 10M). Valid only when the offsets were resolved before this handle
 * began storing. */
bool store_resolve_needed(const struct store *s);

/* What time zone each host's records were placed in. source: override
 * (--tz), explicit or psadt (its logs carry their biases; bias_min is the
 * latest one), joined (learned, see store_resolve_offsets; pairs = joined
 * pairs used), or assumed (nothing known: UTC, bias_min 0). nobias counts
 * the host's timed records without a bias of their own, so assumed with
 * nobias > 0 is a host whose times are a guess (a `timezone` finding). */
struct store_host_offset {
	const char *host;
	int32_t bias_min;
	enum offset_source source;
	int64_t pairs;
	int64_t nobias;
};
/* Every host in name order. each() returns non-zero to stop. 0 or -1. */
int store_host_offsets(struct store *s,
		       int (*each)(void *ctx, const struct store_host_offset *h),
		       void *ctx);

/* ---- queries ---- */

struct store_file {
	int64_t id;
	const char *host, *path, *name, *log_name, *role, *format, *encoding;
	int64_t rotation, size, mtime;
	int64_t records, partial, bytes;	/* bytes: decoded UTF-8 */
	int64_t duplicate_of;	/* id of the original, 0 when an original */
	int64_t utc_min, utc_max;	/* records with their own time; EVENT_NONE
					 * when none */
	/* The offset source of most of the file's timed records, and the
	 * bias it applied when one bias serves the whole file (override,
	 * joined; has_bias false otherwise). */
	enum offset_source offset_source;
	bool has_bias;
	int32_t bias_min;
};
/* Files in (host, log_name, rotation) order. each() returns non-zero to
 * stop. Returns 0, or -1 on a store error. */
int store_files(struct store *s,
		int (*each)(void *ctx, const struct store_file *f), void *ctx);

/* The stored text of a file, exactly as decoded, in write() chunks.
 * Returns 0, 1 when no such file, -1 on error. */
int store_cat(struct store *s, int64_t file_id,
	      int (*write)(void *ctx, const char *data, size_t len), void *ctx);

struct stored_record {
	int64_t file_id;
	uint64_t seq;		/* 0-based index in the file */
	uint32_t line;
	int64_t utc_us;
	int32_t bias_min;	/* effective bias used for utc */
	enum offset_source offset_source;
	bool timed;		/* false: time inherited from a neighbour */
	bool dated;		/* false: no time at all (records before the
				 * file's first time); utc_us is 0 */
	bool partial;
	int8_t type;		/* -1 none */
	uint8_t keyword_sev;
	int32_t thread;		/* -1 none */
	const char *text;	/* raw, line terminator included; a slice
				 * of its block: NOT NUL-terminated */
	size_t len;
	struct span message;
	struct span time_text;
	const char *component;	/* "" when none */
	const char *host;
	const char *path;
};

struct log_query {
	const char *host;	/* whole name, case-insensitive, NULL = any */
	const char *component;	/* exact, case-insensitive, NULL = any */
	int64_t file_id;	/* 0 = any */
	bool has_since, has_until;
	int64_t since_us, until_us;	/* inclusive bounds on utc */
	/* Only records of this severity or worse (SEV_VERBOSE: all),
	 * tested on the packed entry before its text is read: a log whose
	 * tallies (files.n_*) have none is passed over whole, and a block
	 * found to have none is not read again. A cursor reads it at every
	 * seek, so one kept open follows a change (the dashboard's s key)
	 * without being reopened. */
	enum severity min_sev;
	/* NULL: every record. Else only records whose MESSAGE matches: the
	 * caller compiles it (PCRE2_UTF; JIT-compiled when it can be) and
	 * keeps it for the call. */
	const pcre2_code *grep;
	/* The text grep was compiled from, or NULL. Given it, store_log
	 * matches whole blocks first and skips those without a match
	 * undecoded, when that is sound (store_grep_blockwise); otherwise
	 * every record is matched alone. Same results either way. */
	const char *grep_text;
	/* A record whose match ended in a PCRE2 error (match, depth or heap
	 * limit) rather than a match or none: neither kept nor silently
	 * dropped but reported here with PCRE2's code, ctx being each()'s.
	 * Non-zero stops like each(). NULL: such records are skipped. */
	int (*grep_error)(void *ctx, const struct stored_record *r,
			  int pcre2_rc);
	/* Progress and cancellation (the dashboard's search): called at
	 * least once per block read or skipped, with the block's lower UTC
	 * bound and the records of all blocks read or skipped so far.
	 * Non-zero cancels: store_log returns 1. NULL: none. */
	int (*tick)(void *ctx, int64_t utc_us, uint64_t records_seen);
	void *tick_ctx;
};
/* Records of all matching files merged by UTC (ties: file id, then file
 * order), also when a file's own records go back in time; streamed. Each
 * block's text is read once, whole; a record's text is a slice of it
 * (not NUL-terminated; valid until each() returns). Memory:
 * one block (its text, at most STORE_BLOCK_BYTES or one longer record,
 * and 48 KiB of metadata) per run of blocks being merged, and only runs
 * that overlap in time hold one (see db/logcursor.c), so it is bounded by
 * how many files cover the same moment, never by the store's size.
 * Records with no time (dated false) have utc 0 and come first.
 * Returns 0 (also when each() stopped it), 1 when tick() cancelled it,
 * -1 on a store error (store_error). */
int store_log(struct store *s, const struct log_query *q,
	      int (*each)(void *ctx, const struct stored_record *r), void *ctx);

/* The same merge as a cursor that pages both ways (db/logcursor.c): the
 * dashboard keeps one open across pages. A position is a gap in the
 * merged order (utc, file id, seq); seeking is a binary search per run
 * over block bounds read at open, in memory; a block read for one page is
 * kept while the position stays in it. Memory as store_log's. */
struct log_pos {
	int64_t utc;
	int64_t file_id;
	uint64_t seq;
};
enum {
	STORE_LOG_RECORD = 0,	/* *out is the next record */
	STORE_LOG_END = 1,	/* no more in that direction */
	STORE_LOG_CANCELLED = 2,	/* q->tick said stop; call again to go on */
	STORE_LOG_LIMITED = 3,	/* *out is a record q->grep could not be
				 * matched against: *pcre2_rc has PCRE2's code */
};
struct log_cursor;
/* A cursor over q's records (q, and its pattern, must outlive it; its
 * grep_error is not used: see STORE_LOG_LIMITED), before the first
 * record. NULL on a store error (store_error). */
struct log_cursor *store_log_open(struct store *s, const struct log_query *q);
/* Move to just before the first record at or after at (NULL: the start;
 * {INT64_MAX, ...}: the end). Reads nothing. */
void store_log_seek(struct log_cursor *c, const struct log_pos *at);
/* The record after (next) or before (prev) the position, which moves past
 * it. out's text is valid until the next call on c. pcre2_rc may be NULL.
 * A STORE_LOG_* value, or -1 on a store error. */
int store_log_next(struct log_cursor *c, struct stored_record *out, int *pcre2_rc);
/* How many of c's candidate records come before at (exact when c's query
 * has no time, component or pattern filter: those are tested per record,
 * and not here). Reads the block holding at of each log, the ones a seek
 * there reads. 0, -1, or STORE_LOG_CANCELLED. */
int store_log_rank(struct log_cursor *c, const struct log_pos *at, int64_t *n);
int store_log_prev(struct log_cursor *c, struct stored_record *out, int *pcre2_rc);
/* Let go of what holds the store's read lock between pages (the text
 * blob): a cursor kept open across keystrokes must not keep a writer from
 * committing. The next read takes it again. */
void store_log_release(struct log_cursor *c);
/* Let go of the blocks c holds (their memory) and its blob, keeping what
 * opening read (the logs and every block's bounds): a cursor parked
 * while another serves costs its bounds alone, and taking it up again
 * costs a seek's reads, not an open's. */
void store_log_forget(struct log_cursor *c);
void store_log_close(struct log_cursor *c);
/* A record whose text is left in its block's stored form (db/blocktext.h)
 * for a caller that decodes blocks elsewhere: `log` decodes and formats
 * on a second thread while this one merges. */
struct log_text_ref {
	uint32_t run;		/* the cursor's run the record is of: a run's
				 * blocks come one after another */
	uint32_t off;		/* the record's text starts at off in its
				 * block's raw text */
	/* Set (non-NULL) on the first record handed out of a block its run
	 * newly read, NULL on the others: the block's stored text (valid
	 * until the next call on the cursor), which every record of the run
	 * from here to the next such block is a slice of once decoded. */
	const void *stored;
	size_t stored_len;
	size_t raw_len;		/* checked against the header and records */
	int64_t block_id, file_id;	/* for store_log_corrupt */
	const char *host, *path;	/* the file's (the cursor's, for its
					 * life) */
};
/* What a formatted row needs of a record, in a third of a stored_record
 * and filled in place: `log` merges millions of them into batches that
 * another thread formats. file_id, host and path are ref's, the text
 * its block's (ref), bias_min 0 when unknown, as in a stored_record. */
struct log_entry {
	int64_t utc_us;
	const char *component;	/* the cursor's, for its life */
	uint32_t run, off;	/* as in log_text_ref */
	uint32_t line;
	int32_t thread;
	struct span message, time_text;
	int32_t bias_min;
	int8_t type;
	uint8_t keyword_sev, offset_source, flags;	/* LOG_ENTRY_* */
};
enum { LOG_ENTRY_TIMED = 1, LOG_ENTRY_DATED = 2, LOG_ENTRY_PARTIAL = 4 };
/* store_log_next, going forward only, for a query without a pattern
 * (q->grep NULL), into a log_entry: *ref says where the text is. A
 * cursor is read with this or with store_log_next/prev, not both. */
int store_log_next_entry(struct log_cursor *c, struct log_entry *out,
			 struct log_text_ref *ref);
/* A stored text that did not decode (why, from blocktext): the store's
 * error says which block; -1. */
int store_log_corrupt(struct log_cursor *c, const struct log_text_ref *ref,
		      const char *why);
/* Whether matching re over a whole block can only find a superset of the
 * blocks whose records' messages match: true when the pattern can match
 * nothing empty and has none of what looks outside or commits on the
 * text around a match (^ $ \b \B \A \z \Z \G \K, lookarounds, atomic
 * groups, possessive quantifiers, (*VERBS), recursion, \Q..\E, \R,
 * \X, \C, extended mode, or such compile options). Read conservatively
 * from the pattern text: false sends store_log record by record. */
bool store_grep_blockwise(const pcre2_code *re, const char *pattern);

/* Every host name, or every component name the records carry, sorted,
 * for the log's host and component filters to match against. each()
 * non-zero stops. 0 or -1 (store_error). */
enum store_names_of { STORE_NAMES_HOSTS, STORE_NAMES_COMPONENTS };
int store_names(struct store *s, enum store_names_of of,
		int (*each)(void *ctx, const char *name), void *ctx);

struct store_stats {
	int64_t files, records, partial, hosts, bytes, blocks;
	int64_t per_format[3];		/* by enum log_format */
	int64_t per_severity[SEV_COUNT];	/* by enum severity */
	int64_t per_offset_source[OFFSET_SOURCE_COUNT];	/* by enum offset_source */
	int64_t utc_min, utc_max;	/* 0 when no timed records */
};
int store_stats(struct store *s, struct store_stats *out);

/* ---- events (filled at ingest) ---- */

/* Attach an event to the record most recently stored through w, in the
 * same transaction: PLAN_REPLACE drops the file's old events, PLAN_APPEND
 * those of the dropped last block, so re-ingest keeps them consistent.
 * The event's utc is the record's, and store_resolve_offsets keeps it in
 * step when it re-times the record. ev is copied; it is stored when the
 * record's block is (so an abort leaves nothing). 0 or -1 (also when no
 * record has been stored through w yet). */
int store_writer_event(struct store_writer *w, const struct event *ev);

struct stored_event {
	int64_t id;
	int64_t file_id;
	uint64_t seq;
	uint32_t line;
	int64_t utc_us;
	int32_t thread;
	const char *host;	/* the file's host */
	const char *path;	/* the file's bundle path */
	const char *role;	/* the file's role */
	const char *text;	/* the record's message */
	size_t text_len;
	struct event ev;
};
/* Every event in (utc, file_id, seq) order, with what joins it to a trace:
 * its line, path, role, text, tenant, user and detail are left empty.
 * each() returns non-zero to stop. 0 or -1. */
int store_events(struct store *s,
		 int (*each)(void *ctx, const struct stored_event *e), void *ctx);

/* Time covered by each stored log file (timed records only), so that a
 * trace never blames a lane whose log does not cover its time. */
struct store_coverage {
	int64_t file_id;
	const char *role;
	const char *host;
	int64_t utc_min, utc_max;
};
int store_coverage(struct store *s,
		   int (*each)(void *ctx, const struct store_coverage *c),
		   void *ctx);

/* ---- traces (rebuilt from the events after every ingest) ---- */

#define TRACE_EVENT_UNMATCHED 1	/* shown with the trace, joined to nothing */

/* One client a trace reached, or may have reached. */
struct trace_target {
	const char *host;
	const char *status;	/* complete|failed|no_response|missing_evidence,
				 * not_delivered for a candidate */
	bool inferred;		/* a candidate: its log covers the push and
				 * shows no receipt, but nothing says it was
				 * a target; never counted as proof */
	int64_t received_utc, response_utc;	/* EVENT_NONE when none */
	int64_t return_code;			/* EVENT_NONE when none */
};

struct trace_row {
	int64_t id;		/* 1.. in first_utc order */
	const char *guid;	/* upper case, NULL when none */
	const char *status;	/* unauthorized|not_forwarded|not_pushed|... */
	const char *action;	/* RequestMachinePolicy, ..., or the number */
	int64_t task_type;	/* EVENT_NONE when unknown */
	int64_t first_utc, last_utc;
	const char *clients;	/* comma-separated hosts that received it */
	const char *hosts;	/* every host with an event in the trace */
	int64_t hop_forward_to_push;	/* ms; EVENT_NONE when not measurable */
	int64_t hop_push_to_receive;
	int64_t hop_receive_to_response;
	bool skew;		/* a negative hop: clocks disagree */
	int64_t lanes[3];	/* event counts: connector, server, agent */
	const char *missing;	/* comma-separated lanes without evidence */
	int64_t push_id, task_id;	/* EVENT_NONE when not pushed */
	int64_t target_count;	/* clients the push was sent to */
	int64_t unmatched;	/* responses shown but joined to nothing */
	const char *summary;	/* one line for humans, ending with what to do */
	const char *next_step;	/* what to do, alone */
	int64_t bts_reported, bts_failed;	/* the BTS report; EVENT_NONE */
	int64_t candidates;	/* candidate clients seen (targets keeps at
				 * most 8 of them) */
	/* Written with the trace; store_traces leaves them NULL/0: read them
	 * with store_trace_targets. */
	const struct trace_target *targets;
	size_t n_targets;
};

struct trace_writer;
/* BEGIN and clear the traces; add every trace; commit (or abort). */
struct trace_writer *store_traces_begin(struct store *s);
int store_traces_add(struct trace_writer *tw, const struct trace_row *t,
		     const int64_t *event_ids, const uint8_t *event_flags,
		     size_t n_events);
int store_traces_commit(struct trace_writer *tw);	/* frees tw */
void store_traces_abort(struct trace_writer *tw);	/* frees tw */
/* Write the changed pages out, still uncommitted, so that the page cache
 * goes back to readers (between the batches of a streamed rebuild). */
int store_traces_flush(struct trace_writer *tw);

/* ---- the incremental trace update (src/correlate.c) ----
 * store_traces_begin_update opens the same writer without clearing: the
 * caller removes the traces it rebuilds (store_traces_remove: the row,
 * its targets and event links) and adds them back, with the indexes kept
 * up to date row by row. */
struct trace_writer *store_traces_begin_update(struct store *s);
int store_traces_remove(struct trace_writer *tw, int64_t id);
/* Whether the last committed trace update wrote back every trace it
 * removed the same as findings read it (status, times, hops, unmatched
 * responses, lanes missing, clients, linked events) and added none: then
 * the findings about traces still hold. False after a full rebuild, an
 * abort, or before any trace write. */
bool store_traces_unchanged(struct store *s);
/* The traces the last committed update of this handle changed as findings
 * read them, each once in id order: was its row before (NULL: new), now
 * after (NULL: removed), with only the fields store_trace_verdicts fills
 * (clients of every status). Unchanged rewrites are left out. 1 when
 * unknown (no update since opening, a full rebuild or an abort since),
 * else 0 once each has seen every change (or returned nonzero). */
int store_traces_changes(struct store *s,
			 int (*each)(void *ctx, const struct trace_row *was,
				     const struct trace_row *now),
			 void *ctx);
/* The action name learned for a TaskType number from the bundle (meta
 * rows 'learned:N'), written with the traces built from it. */
int store_traces_learned_put(struct trace_writer *tw, int64_t task_type,
			     const char *name);
int store_traces_learned(struct store *s,
			 int (*each)(void *ctx, int64_t task_type, const char *name),
			 void *ctx);
/* The highest event id (0 when none): what the traces were built from. */
int64_t store_events_watermark(struct store *s);
/* The events above an id: their count and lowest time; each GUID they
 * carry (each may be called twice for one GUID). 0 or -1. */
int store_events_since(struct store *s, int64_t above_id, int64_t *count,
		       int64_t *min_utc,
		       int (*guid)(void *ctx, const char *guid), void *ctx);
/* The ids and first times of traces that end at or after utc, and of
 * those with a GUID; the (first_utc) of one trace (0 found, 1 none, -1).
 * The highest trace id (0 none) and the count. */
int store_traces_ending_after(struct store *s, int64_t utc,
			      int (*each)(void *ctx, int64_t id, int64_t first_utc),
			      void *ctx);
int store_traces_with_guid(struct store *s, const char *guid,
			   int (*each)(void *ctx, int64_t id, int64_t first_utc),
			   void *ctx);
int store_trace_first_utc(struct store *s, int64_t id, int64_t *first_utc);
/* A trace's first and last times: 0 found, 1 none, -1 error. */
int store_trace_times(struct store *s, int64_t id, int64_t *first_utc,
		      int64_t *last_utc);
int store_traces_span(struct store *s, int64_t *max_id, int64_t *count);
/* Is there an event of this kind and (push_id, task_id) in a log of host,
 * earlier than utc? 1 yes, 0 no, -1 error. (Proves that a join an update
 * could not make inside its window would not be made by a full rebuild.) */
int store_event_before(struct store *s, const char *host, int kind,
		       int64_t push_id, int64_t task_id, int64_t utc);
/* The kind of the latest event of one of two kinds on host's thread
 * earlier than utc, in the order of store_events; -1 none, -2 error. */
int store_event_latest(struct store *s, const char *host, int32_t thread,
		       int kind_a, int kind_b, int64_t utc);
/* The events at or after utc and those of the given traces, in the order
 * and with the fields of store_events (the input of a partial rebuild).
 * 0 or -1. */
int store_events_subset(struct store *s, int64_t utc, const int64_t *trace_ids,
			size_t n_ids,
			int (*each)(void *ctx, const struct stored_event *e),
			void *ctx);

#define TRACE_QUERY_ACTIONS 4
struct trace_query {
	int64_t id;		/* 0 = any */
	const char *guid;	/* case-insensitive, NULL = any */
	uint32_t statuses;	/* TRACE_STATUS_BIT()s (trace_status.h); 0 = any */
	/* Any of these action names, case-insensitive; all NULL = any. */
	const char *actions[TRACE_QUERY_ACTIONS];
	const char *host;	/* one of the trace's hosts, targets or
				 * candidates, whole name, case-insensitive;
				 * NULL = any */
	bool has_since, has_until;
	int64_t since_us, until_us;	/* overlap with [first_utc, last_utc] */
};
/* Matching traces in (first_utc, id) order. 0 or -1. */
int store_traces(struct store *s, const struct trace_query *q,
		 int (*each)(void *ctx, const struct trace_row *t), void *ctx);
/* Every trace in id order with only id, status, first/last_utc, the hops,
 * unmatched, missing, skew and (missing_evidence only, else "") clients
 * filled: the findings' input, without reading the texts. Read in keyset
 * pages: memory does not grow with the traces, and each may use the
 * store. 0 or -1. */
int store_trace_verdicts(struct store *s,
			 int (*each)(void *ctx, const struct trace_row *t),
			 void *ctx);
/* The findings' hop statistics, hop 0..2 (forward_to_push,
 * push_to_receive, receive_to_response), from an index: the number of
 * traces with that hop >= 0 and their median (the mean of the middle two
 * for an even count; 0 for none); and the traces whose hop is above limit
 * (>= 0), as store_trace_verdicts gives them, in id order. 0 or -1. */
int store_trace_hop_median(struct store *s, int hop, int64_t *n, int64_t *median);
int store_trace_hop_above(struct store *s, int hop, int64_t limit,
			  int (*each)(void *ctx, const struct trace_row *t),
			  void *ctx);
/* The traces of one status as store_trace_verdicts gives them, in id
 * order, through the status index. 0 or -1. */
int store_trace_verdicts_status(struct store *s, const char *status,
				int (*each)(void *ctx, const struct trace_row *t),
				void *ctx);
/* The trace of this status around utc: among the 64 traces ending with
 * the last that starts at or before utc (id order), the latest whose
 * span reaches utc. 1 found (id and times set), 0 none, -1 error. */
int store_trace_around(struct store *s, const char *status, int64_t utc,
		       int64_t *id, int64_t *first_utc, int64_t *last_utc);
/* A trace's targets and candidates: received ones first (by time), then
 * candidates (by host). 0 or -1. */
int store_trace_targets(struct store *s, int64_t trace_id,
			int (*each)(void *ctx, const struct trace_target *t),
			void *ctx);
/* A trace's events in time order, with their TRACE_EVENT_* flags. */
int store_trace_events(struct store *s, int64_t trace_id,
		       int (*each)(void *ctx, const struct stored_event *e,
				   unsigned flags),
		       void *ctx);

/* ---- findings (derived after every trace rebuild; src/findings.c) ---- */

struct finding_evidence {
	const char *host;
	const char *file;	/* bundle path */
	int64_t line;		/* 0 when none */
	int64_t utc;		/* µs; EVENT_NONE when none */
};

struct finding {
	const char *kind;	/* unauthorized_action, gateway_error, ... */
	const char *severity;	/* error|warning|info */
	const char *title;	/* one line */
	const char *advice;	/* what to do, in plain words */
	int64_t first_utc, last_utc;	/* µs; EVENT_NONE when none */
	int64_t count;		/* occurrences (lines, traces, gaps...) */
	const struct finding_evidence *evidence;
	size_t n_evidence;
	const int64_t *traces;	/* trace ids */
	size_t n_traces;
};

/* Replace every stored finding with f[0..n) in one transaction; ids are
 * given in array order (the caller sorts by severity). 0 or -1. */
int store_findings_replace(struct store *s, const struct finding *f,
			   size_t n);
/* Bring the stored findings from was[0..n_was) (what store_findings
 * read: ids 1..n_was) to now[0..n_now) (ids in array order) in one
 * transaction, writing only the rows that differ, and keep stamp (what
 * they were computed from; NULL: leave it) in meta 'findings_stamp'. */
int store_findings_sync(struct store *s, const struct finding *was,
			size_t n_was, const struct finding *now, size_t n_now,
			const char *stamp);
/* The stamp the last store_findings_sync kept ("" when none). 0 or -1. */
int store_findings_stamp(struct store *s, char *out, size_t cap);
/* Whether the stored findings are numbered 1..n as store_findings_sync
 * writes them: 1 yes, 0 no, -1 on an error. */
int store_findings_numbered(struct store *s);

/* One file as a findings update compares it: whether it is an upload
 * log, what it duplicates (EVENT_NONE: nothing) and a digest of
 * everything else findings read of it (coverage, offsets, host's zone). */
struct store_file_state {
	int64_t file_id;
	bool upload;
	int64_t duplicate_of;
	uint64_t digest;
};
/* Every file's state, in id order. 0 or -1. */
int store_file_states(struct store *s,
		      int (*each)(void *ctx, const struct store_file_state *f),
		      void *ctx);
/* Whether an event that findings read has an id above watermark:
 * 1 yes, 0 no, -1 on an error. */
int store_finding_events_after(struct store *s, int64_t watermark);
/* Whether an event of kind (one of those findings read: site lane, 3, 9,
 * 16) lies in [from, to): 1 yes, 0 no, -1 on an error. */
int store_finding_event_between(struct store *s, int kind, int64_t from,
				int64_t to);
/* Stored findings in id order, kind NULL = all. The finding and its
 * arrays live until each() returns. 0 or -1. */
int store_findings(struct store *s, const char *kind,
		   int (*each)(void *ctx, const struct finding *f), void *ctx);

/* The events findings read (unauthorized, site-lane, firewall and
 * online-client lines; a partial index keeps this cheap on big stores),
 * in UTC order. next_run events come with the effective bias of their
 * record (minutes; INT32_MIN when the record had no time, and for every
 * other kind). 0 or -1. */
int store_finding_events(struct store *s,
			 int (*each)(void *ctx, const struct stored_event *e,
				     int32_t bias_min),
			 void *ctx);

/* Files recorded as duplicates of another (files.duplicate_of, issue 6
 * section 2). Returns no rows until that column exists: see db/findings.c
 * for the one line to change. */
struct store_duplicate {
	const char *host;
	const char *path;	/* the duplicate */
	const char *original;	/* the path it duplicates */
};
int store_duplicate_files(struct store *s,
			  int (*each)(void *ctx, const struct store_duplicate *d),
			  void *ctx);

/* ---- coverage: what each stored log covers (db/coverage.c) ---- */

struct store_file_coverage {
	int64_t file_id;
	const char *host, *role, *log_name, *name, *path;
	bool timed;			/* utc_min/utc_max are meaningful */
	int64_t utc_min, utc_max;	/* µs, over records with a time */
	int64_t records, partial, error_records;
	int64_t per_offset_source[OFFSET_SOURCE_COUNT];	/* records by source */
	int32_t bias_min;		/* first explicit bias of the file,
					 * else the host's --tz override,
					 * else INT32_MIN (unknown) */
};
/* Every file in (host, role, log_name, rotation) order. 0 or -1. */
int store_file_coverage(struct store *s,
			int (*each)(void *ctx,
				    const struct store_file_coverage *c),
			void *ctx);

/* ---- single records by place (db/records.c; events in db/events.c) ---- */

/* Records of one file with seq in [from, to], in file order (the record
 * detail and its neighbours). r and its strings live until each()
 * returns; r->text is SQLite's, not NUL-terminated (r->len bytes).
 * each() returns non-zero to stop. 0, 1 when there is no such file, -1. */
int store_file_records(struct store *s, int64_t file_id, uint64_t from,
		       uint64_t to,
		       int (*each)(void *ctx, const struct stored_record *r),
		       void *ctx);
/* The events parsed from record (file_id, seq). 0 or -1. */
int store_record_events(struct store *s, int64_t file_id, uint64_t seq,
			int (*each)(void *ctx, const struct stored_event *e),
			void *ctx);
/* The first trace holding an event of record (file_id, seq): its id, or
 * 0 when the record is in no trace. 0 or -1. */
int store_record_trace(struct store *s, int64_t file_id, uint64_t seq,
		       int64_t *trace_id);
/* Findings whose evidence names this line of this file (host, bundle
 * path, line), without their arrays (evidence and traces are empty).
 * 0 or -1. */
int store_record_findings(struct store *s, const char *host, const char *path,
			  uint32_t line,
			  int (*each)(void *ctx, const struct finding *f),
			  void *ctx);
/* The record holding line (the last to start at or before it) of the file
 * at bundle path on host (NULL: any host): a finding's evidence names its
 * record this way. 0, 1 when there is no such file or line, -1. */
int store_record_at_line(struct store *s, const char *host, const char *path,
			 uint32_t line, int64_t *file_id, uint64_t *seq);
/* About how many records come before utc_us (block bounds only, no text:
 * for "record ~N of M"). 0 or -1. */
int store_records_before(struct store *s, int64_t utc_us, int64_t *n);

#endif
