/* store.h - the SQLite store: schema, the ingest writer, and the query API.
 *
 * Physical layout (see db/blockfmt.h and man tatrace(1) STORE): records are
 * kept in blocks of up to STORE_BLOCK_RECORDS records of one file, each
 * block a row with its time bounds, a packed metadata array and the raw
 * text. Row-per-record would cost ~1 µs per row in SQLite alone; blocks make
 * ingest cost per byte instead. Files, hosts and components are ordinary
 * tables. db/ knows nothing of terminals: it returns data, callers present
 * it. */
#ifndef TATRACE_STORE_H
#define TATRACE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "../parsers/record.h"

#define STORE_SCHEMA_VERSION 1
#define STORE_BLOCK_RECORDS 1024
#define STORE_BLOCK_BYTES (256u * 1024u)

struct store;

enum store_mode {
	STORE_READ = 0,		/* must exist */
	STORE_WRITE = 1,	/* created when missing; exclusive ingest lock */
};

/* Open (":memory:" works for tests). On failure returns NULL and writes a
 * one-line reason ("store.db: schema 3 is newer than this tatrace (1)")
 * into err. STORE_WRITE takes an exclusive lock so that two ingests never
 * interleave: when another holds it, notice() (may be NULL) is called once
 * and the open waits for it. */
struct store *store_open(const char *path, enum store_mode mode,
			 void (*notice)(const char *msg),
			 char *err, size_t errlen);
void store_close(struct store *s);
/* Last SQLite error message, for reports. */
const char *store_error(const struct store *s);

/* ---- ingest ---- */

enum offset_source {
	OFFSET_EXPLICIT = 0,	/* the record carried its bias */
	OFFSET_HOST = 1,	/* borrowed from another log of the host */
	OFFSET_OVERRIDE = 2,	/* --tz HOST=BIAS */
	OFFSET_ASSUMED = 3,	/* nothing known: UTC assumed */
};
const char *offset_source_name(enum offset_source src);

/* What the store remembers of a file, to tell unchanged, grown, replaced. */
struct store_prior {
	bool known;
	int64_t size;
	int64_t mtime;
	uint64_t head_hash;	/* of the first STORE_HEAD_BYTES raw bytes */
	uint64_t content_hash;	/* of all size raw bytes */
};
#define STORE_HEAD_BYTES 65536
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
	const char *role;	/* connector|server|agent|other */
	int64_t size;
	int64_t mtime;
	uint64_t head_hash;
};

/* Where parsing must resume for PLAN_APPEND: the store dropped the file's
 * last block (its last record may have been incomplete) and expects the
 * records that start at decoded byte offset text_off, line first_line. */
struct store_resume {
	uint64_t text_off;
	uint32_t first_line;
};

struct store_writer;

/* Begin one file's transaction. Returns NULL on a store error. */
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
};
/* Flush, update the file row and commit. Frees w. 0 or -1. */
int store_file_commit(struct store_writer *w, const struct store_file_final *f);
/* Roll back everything of this file's transaction. Frees w. */
void store_file_abort(struct store_writer *w);

/* Remember --tz HOST=BIAS (persisted: later ingests keep it). */
int store_set_tz_override(struct store *s, const char *host, int32_t bias_min);
/* Give records without an explicit bias their offset: the host override,
 * else the bias of the host's nearest-in-time explicit record, else UTC
 * assumed. Rewrites only blocks that hold such records. 0 or -1. */
int store_resolve_offsets(struct store *s);

/* ---- queries ---- */

struct store_file {
	int64_t id;
	const char *host, *path, *name, *log_name, *role, *format, *encoding;
	int64_t rotation, size, mtime;
	int64_t records, partial, bytes;	/* bytes: decoded UTF-8 */
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
	bool partial;
	int8_t type;		/* -1 none */
	uint8_t keyword_sev;
	int32_t thread;		/* -1 none */
	const char *text;	/* raw, terminator included */
	size_t len;
	struct span message;
	struct span time_text;
	const char *component;	/* "" when none */
	const char *host;
	const char *path;
};

struct log_query {
	const char *host;	/* exact, NULL = any */
	const char *component;	/* exact, case-insensitive, NULL = any */
	int64_t file_id;	/* 0 = any */
	bool has_since, has_until;
	int64_t since_us, until_us;	/* inclusive bounds on utc */
};
/* Records of all matching files merged by UTC (ties: file id, then file
 * order), streamed: memory holds one block per file. */
int store_log(struct store *s, const struct log_query *q,
	      int (*each)(void *ctx, const struct stored_record *r), void *ctx);

struct store_stats {
	int64_t files, records, partial, hosts, bytes, blocks;
	int64_t per_format[3];		/* by enum log_format */
	int64_t per_severity[SEV_COUNT];	/* by enum severity */
	int64_t per_offset_source[4];	/* by enum offset_source */
	int64_t utc_min, utc_max;	/* 0 when no timed records */
};
int store_stats(struct store *s, struct store_stats *out);

#endif
