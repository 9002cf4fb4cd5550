/* ingest.c - bundle walker -> decoder -> parser -> store writer.
 *
 * One savepoint per file: a defect in one file (unreadable, vanished,
 * binary) rolls back that file only, and the walk goes on. Files are
 * committed in batches (INGEST_BATCH_BYTES read or INGEST_BATCH_SECONDS
 * spent, whichever comes first, and at the end of each PATH, Ctrl-C
 * included): a commit waits for the disk, and one per file was a fifth
 * of a big ingest. A file counts as stored once its batch committed. The raw bytes
 * are hashed as they stream past so that a later ingest can tell an
 * unchanged file (skipped after reading its head), a grown one (only the
 * new records parsed) and a replaced one.
 *
 * A grown log costs only its new bytes (issue 8): ConfigMgr logs only
 * grow, so a regular file that grew, whose first 64 KiB and whose 64 KiB
 * before its old end still hash as stored, is read on from its old end
 * with the raw hasher's stored state -- the bytes between are not read
 * again, and a middle edit that also grows the file is not seen. Clean
 * UTF-8 resumes at the raw offset equal to the stored decoded one; UTF-16,
 * a BOM and Windows-1252 find that raw offset by decoding the dropped last
 * block again from the old end backwards (decode_resume_point). Pipes,
 * archive entries and stores without the state re-read the old bytes to
 * verify them, as before. Both paths store the same result. */
#include "ingest.h"
#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "dedup.h"
#include "parseahead.h"
#include "progress.h"
#include "correlate.h"
#include "findings.h"
#include "../lib/util.h"
#include "../parsers/decode.h"
#include "../parsers/events.h"
#include "../parsers/parser.h"

#define READ_CHUNK (1u << 20)
/* A batch ends after this many bytes read or this much time: big enough
 * that commits cost little, small enough that a reader waits at most
 * about a second for the writer. */
#define INGEST_BATCH_BYTES (64u << 20)
#define INGEST_BATCH_SECONDS 1.0
/* Per-file cap on reported problems: a log with a million bad dates should
 * not bury the other files' messages. */
#define MAX_PROBLEMS_PER_FILE 5
/* Parsed text the parse-ahead workers may hold for files the writer has
 * not reached yet (the next file's tape may pass it: it is being
 * drained). */
#define AHEAD_CAP_BYTES (8u << 20)

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void ingest_install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool ingest_interrupted(void)
{
	return interrupted != 0;
}

struct ingest {
	struct store *store;
	const struct ingest_options *opts;
	struct ingest_summary *sum;
	struct progress *progress;
	char *source_prefix;	/* absolute folder the bundle paths hang off */
	bool single_file;	/* PATH is one plain file */
	bool pipe;		/* PATH is a pipe (standard input) */
	char *single_source;
	unsigned char *chunk;	/* READ_CHUNK bytes */
	struct event_matcher *events;
	/* Files released into the open batch: counted in sum once it
	 * commits (records, files_new .. files_resumed only). */
	struct ingest_summary pending;
	uint64_t batch_bytes;	/* raw bytes read since the batch began */
	double batch_start;
	/* Parse-ahead: workers (0: none), their event matchers, and the
	 * pool of the folder PATH being walked. */
	unsigned ahead_workers;
	struct event_matcher **ahead_events;
	struct parseahead *ahead;
};

/* Per-file state: the sink wrapper that forwards records to the store and
 * turns parser problems into "file:line: reason" reports. */
struct file_job {
	struct ingest *ing;
	const struct bundle_entry *entry;
	struct store_writer *writer;
	const struct record_sink *store_sink;
	enum log_role role;	/* ROLE_OTHER: a log whose lines make no events */
	unsigned problems;
	bool store_failed;	/* the writer refused a record or an event */
	bool resumed;		/* read on from its old end */
	struct parseahead_tape *tape;	/* parsed ahead: replay it */
	char last_status[sizeof(((struct event *)0)->detail)];	/* last online_clients detail */
};

static void report(struct ingest *ing, const char *path, const char *what)
{
	progress_clear(ing->progress);
	term_printf(ing->opts->errors, "%s: %s\n", path, what);
	ing->sum->problems++;
}

static int job_record(void *ctx, const struct log_record *rec)
{
	struct file_job *job = ctx;
	progress_add_records(job->ing->progress, 1);
	int rc = job->store_sink->record(job->store_sink->ctx, rec);
	if (rc || job->role == ROLE_OTHER)
		return rc;
	struct event ev;
	if (!event_match_role(job->ing->events, job->role,
			      rec->text + rec->message.off, rec->message.len, &ev))
		return rc;
	/* A status line that repeats all day adds an event only when its
	 * counts change. */
	if (ev.kind == EV_ONLINE_CLIENTS) {
		if (!strcmp(ev.detail, job->last_status))
			return rc;
		snprintf(job->last_status, sizeof(job->last_status), "%s", ev.detail);
	}
	return store_writer_event(job->writer, &ev);
}

/* The sink's verdict, remembered: once the store refuses, the parser stops
 * and reading the rest of the file would only fill memory. */
static int job_record_checked(void *ctx, const struct log_record *rec)
{
	struct file_job *job = ctx;
	int rc = job_record(ctx, rec);
	if (rc)
		job->store_failed = true;
	return rc;
}

static void job_problem(void *ctx, uint32_t line, const char *what)
{
	struct file_job *job = ctx;
	struct ingest *ing = job->ing;

	job->problems++;
	if (job->problems > MAX_PROBLEMS_PER_FILE)
		return;
	progress_clear(ing->progress);
	term_printf(ing->opts->errors, "%s:%u: %s\n", job->entry->path,
		(unsigned)line, what);
	ing->sum->problems++;
}

/* Read until buf holds want bytes or the input ends. */
static ssize_t read_full(struct bundle_input *in, unsigned char *buf,
			 size_t want)
{
	size_t got = 0;
	while (got < want) {
		ssize_t n = bundle_input_read(in, buf + got, want - got);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Hash the first len bytes of a rewindable input. */
static bool hash_prefix(struct ingest *ing, struct bundle_input *in,
			int64_t len, uint64_t *hash)
{
	struct hasher h;
	hasher_init(&h);
	if (!bundle_input_rewind(in))
		return false;
	int64_t left = len;
	while (left > 0) {
		size_t want = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
		ssize_t n = read_full(in, ing->chunk, want);
		if (n <= 0)
			return false;
		hasher_update(&h, ing->chunk, (size_t)n);
		left -= n;
	}
	*hash = hasher_final(&h);
	return true;
}

/* A control character no log is made of (tab, line ends, form feed and
 * ESC do occur). */
static bool is_binary_unit(unsigned c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
	       c != 0x1b;
}

/* A log is text: a head with many NUL or other C0 control characters is
 * not. UTF-16 is judged by its code units (its zero bytes are half of
 * every ASCII character), so a UTF-16 BOM before 20 MB of NULs is binary
 * too. */
static bool looks_binary(const unsigned char *head, size_t len,
			 enum text_encoding enc)
{
	size_t n = len < 4096 ? len : 4096, bad = 0, units = 0;
	if (n < 64)
		return false;
	if (enc == ENC_UTF16LE || enc == ENC_UTF16BE) {
		bool le = enc == ENC_UTF16LE;
		size_t i = (head[0] == 0xFF && head[1] == 0xFE) ||
			   (head[0] == 0xFE && head[1] == 0xFF) ? 2 : 0;
		for (; i + 1 < n; i += 2, units++)
			bad += is_binary_unit(le ? head[i] | head[i + 1] << 8u
						 : head[i] << 8u | head[i + 1]);
		return bad * 20 > units;
	}
	for (size_t i = 0; i < n; i++)
		bad += is_binary_unit(head[i]);
	return bad * 20 > n;
}

/* How a grown file is read on from its old end (resume.fast). */
struct resume_plan {
	bool fast;
	struct hasher raw;		/* stored state after prior size bytes */
	int64_t old_size;
	enum log_format format;		/* as stored: no detection mid-file */
	bool same_offsets;		/* stored as "utf-8": decoded = raw */
	bool fell_back;			/* stored as "windows-1252" */
};

static bool format_of_name(const char *name, enum log_format *out)
{
	static const enum log_format all[] = { FORMAT_PLAIN, FORMAT_CCM,
					       FORMAT_SMS };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, format_name(all[i]))) {
			*out = all[i];
			return true;
		}
	return false;
}

/* The stored encoding is what the head says now: the same name, or
 * "windows-1252" for UTF-8 that fell back. */
static bool stored_as(enum text_encoding enc, const char *stored)
{
	return !strcmp(stored, encoding_name(enc)) ||
	       (enc == ENC_UTF8 && !strcmp(stored, "windows-1252"));
}

/* Can a grown file be read on from its old end? A regular file stored
 * with the encoding its head still has, whose old size covered the
 * 64 KiB that format detection reads (so the stored format is what a
 * full read would detect; UTF-16 is checked again by its decoded size),
 * whose hasher state was stored, and whose 64 KiB before the old end
 * still hash as stored. The head was compared already. */
static bool can_resume(struct ingest *ing, struct bundle_input *in,
		       const struct bundle_entry *e,
		       const struct store_prior *prior,
		       const unsigned char *head, size_t head_len,
		       struct resume_plan *rp)
{
	enum text_encoding enc = encoding_detect(head, head_len);
	if (e->in_archive || !bundle_input_seekable(in) ||
	    e->size <= prior->size || prior->size < STORE_HEAD_BYTES + 3 ||
	    !stored_as(enc, prior->encoding) ||
	    !format_of_name(prior->format, &rp->format) ||
	    !hasher_load(&rp->raw, prior->resume_state, prior->resume_len) ||
	    rp->raw.total != (uint64_t)prior->size)
		return false;
	int64_t from = prior->size - STORE_TAIL_BYTES;
	if (!bundle_input_pread(in, ing->chunk, STORE_TAIL_BYTES, (uint64_t)from) ||
	    hash_bytes(ing->chunk, STORE_TAIL_BYTES) != prior->tail_hash)
		return false;
	rp->old_size = prior->size;
	rp->same_offsets = enc == ENC_UTF8 && !strcmp(prior->encoding, "utf-8");
	rp->fell_back = !strcmp(prior->encoding, "windows-1252");
	rp->fast = true;
	return true;
}

enum decision {
	DECIDE_SKIP,
	DECIDE_STORE,
	DECIDE_FAIL,
};

/* Rewind and skip the head again, checking it did not change under us. */
static bool rewind_past_head(struct ingest *ing, struct bundle_input *in,
			     const unsigned char *head, size_t head_len)
{
	if (!bundle_input_rewind(in))
		return false;
	ssize_t n = read_full(in, ing->chunk, head_len);
	return n == (ssize_t)head_len && memcmp(ing->chunk, head, head_len) == 0;
}

/* The old content's hash when the old length fits in the head we hold,
 * else by re-reading that length from the start. */
static bool old_content_hash(struct ingest *ing, struct bundle_input *in,
			     const unsigned char *head, size_t head_len,
			     int64_t old_size, uint64_t *hash, bool *rewound)
{
	*rewound = false;
	if (old_size <= (int64_t)head_len) {
		*hash = hash_bytes(head, (size_t)old_size);
		return true;
	}
	*rewound = true;
	return hash_prefix(ing, in, old_size, hash);
}

/* Size, mtime and head cannot see an edit past the head that keeps the
 * size and resets the mtime (touch -r, a tool that preserves times). Such
 * an edit moves the ctime, which nobody can set: a file (an archive
 * entry: its archive) whose status changed at or after the second it was
 * stored has its whole content hashed (read, not parsed) and compared;
 * one untouched since is skipped after its head. Copied or extracted
 * bundles pay that read once per ingest until they are stored again. */
static bool untouched_since_stored(const struct bundle_entry *e,
				   const struct store_prior *prior)
{
	return e->ctime > 0 && e->ctime < prior->stored_at;
}

/* Compare with what the store remembers: unchanged files are skipped
 * after reading only their head; grown files are verified by hashing the
 * old length before only their tail is parsed. On DECIDE_STORE the input
 * is positioned just after the head. */
static enum decision decide_plan(struct ingest *ing, struct bundle_input *in,
				 const struct bundle_entry *e,
				 const struct store_prior *prior,
				 const unsigned char *head, size_t head_len,
				 enum store_plan *plan, struct resume_plan *rp)
{
	rp->fast = false;
	if (!prior->known) {
		*plan = PLAN_NEW;
		return DECIDE_STORE;
	}
	*plan = PLAN_REPLACE;
	/* The stored head hash covers min(old size, STORE_HEAD_BYTES). */
	size_t old_head = prior->size < (int64_t)head_len ? (size_t)prior->size
							   : head_len;
	if (prior->size < 0 || hash_bytes(head, old_head) != prior->head_hash)
		return DECIDE_STORE;
	if (e->size == prior->size && e->mtime == prior->mtime &&
	    untouched_since_stored(e, prior))
		return DECIDE_SKIP;
	if (e->size < prior->size)
		return DECIDE_STORE;
	if (e->in_archive && prior->size > (int64_t)head_len)
		return DECIDE_STORE;	/* cannot re-read an archive entry */
	if (can_resume(ing, in, e, prior, head, head_len, rp)) {
		*plan = PLAN_APPEND;
		return DECIDE_STORE;
	}
	uint64_t old_hash;
	bool rewound;
	bool ok = old_content_hash(ing, in, head, head_len, prior->size,
				   &old_hash, &rewound);
	if (ok && old_hash == prior->content_hash)
		*plan = e->size == prior->size ? PLAN_REPLACE : PLAN_APPEND;
	if (ok && old_hash == prior->content_hash && e->size == prior->size)
		return DECIDE_SKIP;
	if (!rewound)
		return DECIDE_STORE;
	return rewind_past_head(ing, in, head, head_len) ? DECIDE_STORE
							 : DECIDE_FAIL;
}

/* Format detection, and the parser's per-file choices, read this much
 * decoded text (parsers/parser.c, parsers/ccm.c). */
#define FORMAT_DETECT_TEXT 65536u

struct stream {
	struct decoder *decoder;
	struct parser *parser;
	struct buf text;	/* decoded, not yet consumed by the parser */
	uint64_t decoded_total;	/* decoded bytes produced so far */
	uint64_t skip_until;	/* APPEND: decoded bytes already stored */
	bool fell_back;		/* read on from an end stored as windows-1252 */
	uint32_t first_line;
	enum log_format format;
	bool format_known;
	const struct record_sink *sink;
	struct dedup *dedup;	/* sees every decoded byte */
};

/* Hand newly decoded text to the parser, once the format is known (it is
 * detected from the first 64 KiB, or less at the end of the file, and the
 * parser reads its per-file choices from the same text, also when the
 * records there are stored already and skipped). */
static void stream_parse(struct stream *st, bool eof)
{
	if (!st->format_known) {
		if (st->text.len < FORMAT_DETECT_TEXT && !eof)
			return;
		st->format = format_detect(st->text.data, st->text.len);
		st->format_known = true;
		st->parser = parser_new(st->format, st->sink, st->first_line);
		if (st->skip_until)
			parser_read_head(st->parser, st->text.data ? st->text.data
						     : "", st->text.len);
	}
	if (st->skip_until) {
		uint64_t before = st->decoded_total - st->text.len;
		if (before < st->skip_until) {
			uint64_t drop = st->skip_until - before;
			if (drop > st->text.len)
				drop = st->text.len;
			buf_consume(&st->text, (size_t)drop);
		}
		if (st->decoded_total < st->skip_until)
			return;
	}
	size_t used = parser_feed(st->parser, st->text.data ? st->text.data : "",
				  st->text.len, eof);
	buf_consume(&st->text, used);
}

static void stream_feed(struct stream *st, const unsigned char *raw, size_t n,
			bool eof)
{
	size_t before = st->text.len;
	decoder_feed(st->decoder, raw, n, eof, &st->text);
	if (st->dedup && dedup_wants_text(st->dedup))
		dedup_text(st->dedup, st->text.data + before,
			   st->text.len - before);
	st->decoded_total += st->text.len - before;
	stream_parse(st, eof);
}

static void stream_free(struct stream *st)
{
	if (st->parser)
		parser_free(st->parser);
	decoder_free(st->decoder);
	buf_free(&st->text);
}

static const char *final_encoding(enum text_encoding enc,
				  const struct stream *st)
{
	if (enc == ENC_UTF8 && (st->fell_back ||
				decoder_fallback_bytes(st->decoder) > 0))
		return "windows-1252";
	return encoding_name(enc);
}

/* Raw bytes at file offset at..at+n, of which those from byte from on
 * are new to the content hash (all of them, unless read on from an old
 * end whose hasher state was seeded). */
static void dedup_raw_from(struct dedup *dd, const unsigned char *p, size_t n,
			   uint64_t at, uint64_t from)
{
	if (at + n <= from)
		return;
	size_t skip = at < from ? (size_t)(from - at) : 0;
	dedup_raw(dd, p + skip, n - skip);
}

/* Raw bytes read before a dropped block's start to find where decoding
 * may begin there, and the most read to find it at all (a block of huge
 * records is re-read whole instead). */
#define RESUME_SLACK 4096u
#define RESUME_WINDOW_MAX (16u << 20)

/* The raw offset of the store's resume point (decoded offset text_off).
 * Text stored as "utf-8" never fell back: the offsets are equal. Other
 * text (UTF-16, a BOM, Windows-1252) is decoded again from a little
 * before the dropped block to the old end, and the point found from the
 * end by the block's decoded length (decode_resume_point). */
static bool resume_offset(struct ingest *ing, struct bundle_input *in,
			  const struct resume_plan *rp,
			  const struct store_resume *resume,
			  enum text_encoding enc, uint64_t *off)
{
	uint64_t old = (uint64_t)rp->old_size;
	if (rp->same_offsets) {
		unsigned char first = 0;
		*off = resume->text_off;
		/* A record cut at PARSER_MAX_RECORD may start inside a
		 * character: a decoder started there would not read what a
		 * whole read does. */
		return *off == old || (*off < old &&
			bundle_input_pread(in, &first, 1, *off) &&
			(first & 0xC0) != 0x80);
	}
	if (resume->text_off + resume->tail_bytes < FORMAT_DETECT_TEXT)
		return false;
	uint64_t span = decode_window_bytes(enc, resume->tail_bytes) +
			RESUME_SLACK;
	if (span > RESUME_WINDOW_MAX)
		return false;
	uint64_t at = span < old ? old - span : 0;
	size_t n = (size_t)(old - at), start = 0;
	unsigned char *win = n <= READ_CHUNK ? ing->chunk : xmalloc(n);
	bool ok = bundle_input_pread(in, win, n, at) &&
		  decode_resume_point(enc, win, n, at, resume->tail_bytes,
				      &start);
	if (win != ing->chunk)
		free(win);
	*off = at + start;
	return ok;
}

/* The file's first decoded text, FORMAT_DETECT_TEXT bytes of it, for
 * the parser's per-file choices (parser_read_head): decoded again from
 * its first raw bytes, which cover that much (a resumed file had more
 * text than that). */
static bool old_head_text(struct ingest *ing, struct bundle_input *in,
			  const struct resume_plan *rp, enum text_encoding enc,
			  struct buf *text)
{
	uint64_t want = decode_window_bytes(enc, FORMAT_DETECT_TEXT) + 16;
	size_t n = (size_t)(want < (uint64_t)rp->old_size ? want
				: (uint64_t)rp->old_size);
	if (!bundle_input_pread(in, ing->chunk, n, 0))
		return false;
	struct decoder *d = decoder_new(enc);
	decoder_feed(d, ing->chunk, n, false, text);
	decoder_free(d);
	if (text->len < FORMAT_DETECT_TEXT)
		return false;
	text->len = FORMAT_DETECT_TEXT;
	return true;
}

/* The stream as if everything before raw offset off (decoded offset
 * resume->text_off) was decoded already: the decoder starts there with
 * nothing held back (mid-file: no BOM), the stored format, the parser's
 * per-file choices made from the file's head, the hasher seeded with the
 * state after the old bytes. */
static void stream_start_at(struct stream *st, const struct resume_plan *rp,
			    const struct store_resume *resume,
			    enum text_encoding enc, struct dedup *dd,
			    uint64_t off, const struct buf *head_text)
{
	decoder_free(st->decoder);
	st->decoder = off ? decoder_new_mid(enc) : decoder_new(enc);
	st->fell_back = rp->fell_back;
	st->decoded_total = resume->text_off;
	st->skip_until = 0;
	st->format = rp->format;
	st->format_known = true;
	st->parser = parser_new(st->format, st->sink, st->first_line);
	parser_read_head(st->parser, head_text->data, head_text->len);
	dedup_seed(dd, &rp->raw);
}

/* The fast path's start: the input at the raw offset of the store's
 * resume point, the stream set up as stream_start_at says. False (input
 * where it was): read the whole file instead. */
static bool stream_resume(struct ingest *ing, struct stream *st,
			  struct bundle_input *in,
			  const struct resume_plan *rp,
			  const struct store_resume *resume,
			  enum text_encoding enc, struct dedup *dd,
			  uint64_t *pos)
{
	uint64_t off;
	struct buf head_text = {0};
	bool ok = rp->fast && resume_offset(ing, in, rp, resume, enc, &off) &&
		  old_head_text(ing, in, rp, enc, &head_text) &&
		  bundle_input_seek(in, off);
	if (ok) {
		stream_start_at(st, rp, resume, enc, dd, off, &head_text);
		*pos = off;
	}
	buf_free(&head_text);
	return ok;
}

enum replay {
	REPLAY_DONE,		/* stored whole from the tape */
	REPLAY_FAILED,		/* reported (or interrupted): not stored */
	REPLAY_AGAIN,		/* nothing used: read the file here instead */
};

/* Raw bytes read past the head, counted as pump_file counts them. */
static void count_bytes(struct ingest *ing, uint64_t n)
{
	ing->sum->raw_bytes += n;
	ing->batch_bytes += n;
	progress_add_bytes(ing->progress, n);
}

/* The file as a parse-ahead worker parsed it: its records, events and
 * problems handed to the writer and the reports in the order pump_file
 * would, its hash seeded into dd. A tape of another head (the file was
 * replaced since it was planned), or one that failed before anything
 * was handed on, is not used. */
static enum replay replay_tape(struct ingest *ing, struct file_job *job,
			       const unsigned char *head, size_t head_len,
			       struct dedup *dd, struct store_file_final *fin)
{
	struct tape_item it;
	bool fed = false;
	for (;;) {
		if (interrupted || job->store_failed)
			return REPLAY_FAILED;
		tape_next(ing->ahead, job->tape, &it);
		switch (it.kind) {
		case TAPE_HEAD:
			if (it.n != hash_bytes(head, head_len))
				return REPLAY_AGAIN;
			break;
		case TAPE_RECORD:
			fed = true;
			progress_add_records(ing->progress, 1);
			if (job->store_sink->record(job->store_sink->ctx, &it.rec))
				job->store_failed = true;
			break;
		case TAPE_EVENT:
			if (store_writer_event(job->writer, &it.ev))
				job->store_failed = true;
			break;
		case TAPE_PROBLEM:
			fed = true;
			job_problem(job, it.line, it.what);
			break;
		case TAPE_BYTES:
			count_bytes(ing, it.n);
			break;
		case TAPE_FAIL:
			if (!fed)
				return REPLAY_AGAIN;
			char what[512];
			snprintf(what, sizeof(what), "%s (file not stored)", it.what);
			report(ing, job->entry->path, what);
			return REPLAY_FAILED;
		case TAPE_END:
			dedup_seed(dd, &it.result.raw);
			fin->format = format_name(it.result.format);
			fin->encoding = it.result.encoding;
			fin->content_hash = dedup_content_hash(dd);
			fin->size = it.result.size;
			return job->store_failed ? REPLAY_FAILED : REPLAY_DONE;
		}
	}
}

/* Stream the input through decoder and parser into the writer: the
 * whole of it, or (rp->fast) from the store's resume point on. head
 * already holds the first head_len bytes. Returns false (reported) on a
 * read error, an interrupt or a store failure. */
static bool pump_file(struct ingest *ing, struct file_job *job,
		      struct bundle_input *in, const struct store_resume *resume,
		      const struct resume_plan *rp,
		      const unsigned char *head, size_t head_len,
		      struct dedup *dd, struct store_file_final *fin)
{
	const struct bundle_entry *e = job->entry;
	enum text_encoding enc = encoding_detect(head, head_len);
	struct record_sink sink = { job, job_record_checked, job_problem };
	struct stream st = {
		.decoder = decoder_new(enc),
		.skip_until = resume->text_off,
		.first_line = resume->first_line,
		.sink = &sink,
		.dedup = dd,
	};
	bool ok = true;

	if (looks_binary(head, head_len, enc)) {
		report(ing, e->path, "binary file (control bytes in its head), not stored");
		stream_free(&st);
		return false;
	}
	enum replay replayed = job->tape ? replay_tape(ing, job, head, head_len,
						       dd, fin) : REPLAY_AGAIN;
	if (replayed != REPLAY_AGAIN) {
		stream_free(&st);
		return replayed == REPLAY_DONE;
	}
	uint64_t pos = head_len, hash_from = 0;
	if (stream_resume(ing, &st, in, rp, resume, enc, dd, &pos)) {
		hash_from = (uint64_t)rp->old_size;
		job->resumed = true;
	} else {
		dedup_raw(dd, head, head_len);
		stream_feed(&st, head, head_len, false);
	}
	for (;;) {
		if (interrupted || job->store_failed) {
			ok = false;
			break;
		}
		ssize_t n = bundle_input_read(in, ing->chunk, READ_CHUNK);
		if (n < 0) {
			char what[512];
			snprintf(what, sizeof(what), "%s (file not stored)",
				 bundle_input_error(in));
			report(ing, e->path, what);
			ok = false;
			break;
		}
		dedup_raw_from(dd, ing->chunk, (size_t)n, pos, hash_from);
		pos += (uint64_t)n;
		ing->sum->raw_bytes += (uint64_t)n;
		ing->batch_bytes += (uint64_t)n;
		progress_add_bytes(ing->progress, (uint64_t)n);
		stream_feed(&st, ing->chunk, (size_t)n, n == 0);
		if (n == 0)
			break;
	}
	if (job->store_failed)
		ok = false;
	if (ok) {
		fin->format = format_name(st.format);
		fin->encoding = final_encoding(enc, &st);
		fin->content_hash = dedup_content_hash(dd);
		fin->size = (int64_t)pos;
	}
	stream_free(&st);
	return ok;
}

/* What lets the next ingest read on from this end: the raw hasher's
 * state and the hash of the last STORE_TAIL_BYTES (read again with
 * pread, or from the head when the file is that short). None for a
 * pipe or an archive entry, which cannot be read from the middle. */
static void resume_state_of(struct ingest *ing, struct bundle_input *in,
			    struct dedup *dd, const unsigned char *head,
			    size_t head_len, struct store_file_final *fin,
			    unsigned char blob[HASHER_BLOB_BYTES])
{
	struct hasher raw;
	dedup_raw_state(dd, &raw);
	fin->resume_len = 0;
	if (!bundle_input_seekable(in) || raw.total != (uint64_t)fin->size)
		return;
	uint64_t size = (uint64_t)fin->size;
	uint64_t from = size > STORE_TAIL_BYTES ? size - STORE_TAIL_BYTES : 0;
	size_t len = (size_t)(size - from);
	if (size <= head_len)
		fin->tail_hash = hash_bytes(head, (size_t)size);
	else if (bundle_input_pread(in, ing->chunk, len, from))
		fin->tail_hash = hash_bytes(ing->chunk, len);
	else
		return;
	hasher_save(&raw, blob);
	fin->resume_state = blob;
	fin->resume_len = HASHER_BLOB_BYTES;
}

/* Bytes of a pipe's head that name it: a log that grew keeps them, so
 * piping it again finds the stored copy (and stores only what was added);
 * other content under the same host and log is another file. */
#define PIPE_KEY_BYTES 4096

/* The store key of a file: its absolute location; for a pipe, which has
 * none, its host, logical log and the hash of its first bytes, so that
 * logs piped for two hosts, two logs of one host, or two pieces of one
 * log (BgbServer.lo_, then BgbServer.log) are all kept, while piping the
 * same log again is recognised. */
static char *source_of(struct ingest *ing, const struct bundle_entry *e,
		       const struct rotation *rot, const unsigned char *head,
		       size_t head_len)
{
	if (ing->pipe) {
		struct buf b = {0};
		size_t key_len = head_len < PIPE_KEY_BYTES ? head_len : PIPE_KEY_BYTES;
		buf_printf(&b, "stdin:%s/%s#%016llx", e->host, rot->base,
			   (unsigned long long)hash_bytes(head, key_len));
		for (size_t i = 6; i < b.len; i++)	/* hosts: any case */
			b.data[i] = (char)tolower((unsigned char)b.data[i]);
		return b.data;
	}
	if (ing->single_file)
		return xstrdup(ing->single_source);
	struct buf b = {0};
	buf_printf(&b, "%s/%s", ing->source_prefix, e->path);
	return b.data;
}

static void fill_meta(struct store_file_meta *m, const struct bundle_entry *e,
		      const char *source, const struct rotation *rot,
		      enum log_role role, uint64_t head_hash)
{
	memset(m, 0, sizeof(*m));
	m->source = source;
	m->path = e->path;
	m->host = e->host;
	m->name = e->name;
	m->log_name = rot->base;
	m->rotation = rot->rank;
	m->role = role;
	m->size = e->size;
	m->mtime = e->mtime;
	m->head_hash = head_hash;
}

/* The role of a file: --role, else its name; a single file or a pipe
 * whose name says nothing ("stdin", "case.txt") by the component names in
 * its head (decoded, so that UTF-16 logs are read too). Files met in
 * folders and archives go by their names only: a bundle's other logs
 * mention the lanes' components without being them. */
static enum log_role entry_role(struct ingest *ing, const struct bundle_entry *e,
				const unsigned char *head, size_t head_len)
{
	if (ing->single_file && ing->opts->role_given)
		return ing->opts->role;
	enum log_role role = role_of_name(e->name);
	if (role != ROLE_OTHER || !ing->single_file)
		return role;
	struct decoder *d = decoder_new(encoding_detect(head, head_len));
	struct buf text = {0};
	decoder_feed(d, head, head_len, true, &text);
	role = role_of_content((const unsigned char *)(text.data ? text.data : ""),
			       text.len);
	buf_free(&text);
	decoder_free(d);
	return role;
}

/* The logical log: from the file name, but a pipe's ("stdin") is its
 * role's usual log, so that it joins (and is told apart from) that log's
 * other copies. */
static void entry_rotation(struct ingest *ing, const struct bundle_entry *e,
			   enum log_role role, struct rotation *rot)
{
	rotation_of_name(e->name, rot);
	const char *log = role_log_name(role);
	if (ing->pipe && log)
		snprintf(rot->base, sizeof(rot->base), "%s", log);
}

/* What a file is: its role and logical log, and what the store
 * remembers of it. */
struct entry_kind {
	enum log_role role;
	struct rotation rot;
	struct store_prior prior;
};

/* A pipe or a .gz has no size to compare before reading: once read whole,
 * the same bytes as stored are an unchanged file after all. */
static bool same_as_stored(const struct store_prior *prior,
			   const struct store_file_final *fin)
{
	return prior->known && prior->size == fin->size &&
	       prior->content_hash == fin->content_hash;
}

/* ---- parse-ahead: a planned file parsed on a worker thread ---------- */

/* What job_record does, minus the store: the record and its event go
 * onto the tape, for replay_tape to hand to the writer. */
struct ahead_job {
	struct parseahead_tape *t;
	enum log_role role;
	struct event_matcher *events;
	bool dropped;		/* the writer will not use this tape */
	char last_status[sizeof(((struct event *)0)->detail)];
};

static int ahead_record(void *ctx, const struct log_record *rec)
{
	struct ahead_job *aj = ctx;
	if (tape_record(aj->t, rec)) {
		aj->dropped = true;
		return 1;
	}
	struct event ev;
	if (aj->role == ROLE_OTHER ||
	    !event_match_role(aj->events, aj->role,
			      rec->text + rec->message.off, rec->message.len, &ev))
		return 0;
	if (ev.kind == EV_ONLINE_CLIENTS) {
		if (!strcmp(ev.detail, aj->last_status))
			return 0;
		snprintf(aj->last_status, sizeof(aj->last_status), "%s", ev.detail);
	}
	tape_event(aj->t, &ev);
	return 0;
}

static void ahead_problem(void *ctx, uint32_t line, const char *what)
{
	struct ahead_job *aj = ctx;
	tape_problem(aj->t, line, what);
}

/* read(2) until want bytes or the end; -1 on an error (errno). */
static ssize_t fd_read_full(int fd, unsigned char *buf, size_t want)
{
	size_t got = 0;
	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Tests (tests/e2e/test_ingest_threads.sh): with
 * TATRACE_DEBUG_AHEAD_PAUSE=FIFO, the first worker to read a file's end
 * stops there, before the parser's last flush: it writes a line to the
 * FIFO, then reads it to its end, so that a test can have the writer
 * drop that tape at this point without racing the worker. */
static void ahead_debug_pause(void)
{
	static atomic_flag paused = ATOMIC_FLAG_INIT;
	const char *fifo = getenv("TATRACE_DEBUG_AHEAD_PAUSE");
	if (!fifo || !*fifo || atomic_flag_test_and_set(&paused))
		return;
	debug_fifo_pause(fifo);
}

/* Stream an open file after its head through decoder and parser onto
 * the tape, as pump_file streams a new file. False: stopped (why says). */
static bool ahead_stream(int fd, struct ahead_job *aj, struct stream *st,
			 unsigned char *chunk, struct hasher *raw,
			 uint64_t *pos, const char **why)
{
	for (;;) {
		if (interrupted || aj->dropped) {
			*why = "interrupted";
			return false;
		}
		ssize_t n = read(fd, chunk, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = strerror(errno);
			return false;
		}
		if (n == 0)
			ahead_debug_pause();
		hasher_update(raw, chunk, (size_t)n);
		*pos += (uint64_t)n;
		tape_bytes(aj->t, (uint64_t)n);
		stream_feed(st, chunk, (size_t)n, n == 0);
		if (n == 0 && aj->dropped) {	/* dropped while the last read ran */
			*why = "interrupted";
			return false;
		}
		if (n == 0)
			return true;
	}
}

/* parseahead_job: the file at source, whole, onto t. */
static void ahead_parse(void *ctx, unsigned worker, const char *source,
			int tag, struct parseahead_tape *t)
{
	struct ingest *ing = ctx;
	int fd = open(source, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		tape_fail(t, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return;
	}
	unsigned char *head = xmalloc(STORE_HEAD_BYTES);
	ssize_t head_len = fd_read_full(fd, head, STORE_HEAD_BYTES);
	enum text_encoding enc = head_len < 0 ? ENC_UTF8
				 : encoding_detect(head, (size_t)head_len);
	if (head_len < 0 || looks_binary(head, (size_t)head_len, enc)) {
		tape_fail(t, head_len < 0 ? strerror(errno) : "binary");
		free(head);
		close(fd);
		return;
	}
	tape_head(t, hash_bytes(head, (size_t)head_len));
	struct ahead_job aj = { t, (enum log_role)tag, ing->ahead_events[worker],
				false, "" };
	struct record_sink sink = { &aj, ahead_record, ahead_problem };
	struct stream st = { .decoder = decoder_new(enc), .first_line = 1,
			     .sink = &sink };
	struct tape_result res = { .raw = { 0 } };
	hasher_init(&res.raw);
	hasher_update(&res.raw, head, (size_t)head_len);
	stream_feed(&st, head, (size_t)head_len, false);
	uint64_t pos = (uint64_t)head_len;
	unsigned char *chunk = xmalloc(READ_CHUNK);
	const char *why = NULL;
	if (ahead_stream(fd, &aj, &st, chunk, &res.raw, &pos, &why)) {
		res.format = st.format;
		res.encoding = final_encoding(enc, &st);
		res.size = (int64_t)pos;
		tape_end(t, &res);
	} else {
		tape_fail(t, why);
	}
	stream_free(&st);
	free(chunk);
	free(head);
	close(fd);
}

/* A quick walk of a folder PATH's plain files: those the store does not
 * know yet are planned for the workers (a known one may be unchanged,
 * and is read only to its head). Reports wait for the real walk. */
static int plan_visit(void *ctx, const struct bundle_entry *e,
		      struct bundle_input *in)
{
	struct ingest *ing = ctx;
	(void)in;
	if (interrupted)
		return 1;
	struct buf b = {0};
	buf_printf(&b, "%s/%s", ing->source_prefix, e->path);
	struct store_prior prior;
	int rc = store_file_prior(ing->store, b.data, &prior);
	if (rc == 0 && !prior.known)
		parseahead_add(ing->ahead, b.data, (int)role_of_name(e->name));
	buf_free(&b);
	return rc ? 1 : 0;
}

static void plan_quiet(void *ctx, const char *path, const char *what)
{
	(void)ctx;
	(void)path;
	(void)what;
}

/* Start the workers on a folder PATH (not on archives, single files,
 * pipes or --follow's few changed files). */
static void ahead_begin(struct ingest *ing, const char *path,
			const struct bundle_options *bopts)
{
	struct stat st;
	if (!ing->ahead_workers || ing->single_file || ing->opts->want ||
	    stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	ing->ahead = parseahead_new(ing->ahead_workers, AHEAD_CAP_BYTES,
				    ahead_parse, ing);
	struct bundle_options plan = *bopts;
	plan.plain_only = true;
	struct bundle_visitor v = { ing, plan_visit, plan_quiet, plan_quiet };
	bundle_walk(path, &plan, &v);
	parseahead_start(ing->ahead);
}

static void ahead_end(struct ingest *ing)
{
	parseahead_free(ing->ahead);
	ing->ahead = NULL;
}

/* Commit the open batch; its files count as stored only now. A failed
 * commit loses them all: each is a failed file, the store a failure. */
static int batch_commit(struct ingest *ing)
{
	struct ingest_summary *p = &ing->pending, *sum = ing->sum;
	bool open = store_batch_open(ing->store);
	int rc = open ? store_batch_commit(ing->store) : 0;
	if (rc == 0) {
		sum->records += p->records;
		sum->files_new += p->files_new;
		sum->files_grown += p->files_grown;
		sum->files_replaced += p->files_replaced;
		sum->files_duplicate += p->files_duplicate;
		sum->files_resumed += p->files_resumed;
	} else if (p->files_seen) {
		/* The file that failed said why; these went down with it. */
		char what[700];
		snprintf(what, sizeof(what), "%s (earlier files of its batch"
			 " not stored: %llu)", store_error(ing->store),
			 (unsigned long long)p->files_seen);
		report(ing, "store", what);
		sum->files_failed += p->files_seen;
		sum->store_failed = true;
	} else {
		sum->store_failed = true;
	}
	memset(p, 0, sizeof(*p));
	ing->batch_bytes = 0;
	ing->batch_start = clock_now();
	return rc ? 1 : 0;
}

static int batch_maybe_commit(struct ingest *ing)
{
	if (ing->batch_bytes < INGEST_BATCH_BYTES &&
	    clock_now() - ing->batch_start < INGEST_BATCH_SECONDS)
		return 0;
	return batch_commit(ing);
}

static int store_entry(struct ingest *ing, const struct bundle_entry *e,
		       struct bundle_input *in, const char *source,
		       const unsigned char *head, size_t head_len,
		       const struct entry_kind *kind, enum store_plan plan,
		       const struct resume_plan *rp)
{
	struct store_file_meta meta;
	struct store_resume resume = { 0, 1, 0 };
	struct store_file_final fin = {0};
	enum log_role role = kind->role;
	const struct rotation *rot = &kind->rot;

	fill_meta(&meta, e, source, rot, role,
		  hash_bytes(head, head_len));
	struct store_writer *w = store_bulk_begin(ing->store) == 0
		? store_file_begin(ing->store, &meta, plan, &resume) : NULL;
	if (!w) {
		report(ing, e->path, store_error(ing->store));
		ing->sum->store_failed = true;
		return 1;
	}
	struct file_job job = {
		.ing = ing,
		.entry = e,
		.writer = w,
		.store_sink = store_writer_sink(w),
		.role = role,
	};
	/* Logs of the three lanes and the upload workers are one log per
	 * host whatever their file is called; "other" logs only by name. */
	const char *twin_role = role == ROLE_OTHER ? NULL : role_name(role);
	struct dedup *dd = dedup_new(ing->store, e->host, rot->base, twin_role,
				     source, e->size, plan != PLAN_APPEND);
	if (!dd) {
		report(ing, e->path, store_error(ing->store));
		ing->sum->store_failed = true;
		store_file_abort(w);
		return 1;
	}
	/* A planned file is replayed from its tape when it is read whole
	 * as a new file with no twin to compare its bytes with. */
	job.tape = ing->ahead ? parseahead_take(ing->ahead, source) : NULL;
	if (job.tape && (plan != PLAN_NEW || !dedup_alone(dd))) {
		parseahead_release(ing->ahead, job.tape);
		job.tape = NULL;
	}
	bool ok = pump_file(ing, &job, in, &resume, rp, head, head_len, dd,
			    &fin);
	if (job.tape)
		parseahead_release(ing->ahead, job.tape);
	unsigned char blob[HASHER_BLOB_BYTES];
	if (ok)
		resume_state_of(ing, in, dd, head, head_len, &fin, blob);
	/* dedup reads stored text: the writer thread must be done. */
	if (ok && store_writer_sync(w) < 0) {
		job.store_failed = true;	/* reported just below */
		ok = false;
	}
	if (ok && dedup_finish(dd, head, head_len, &fin) != 0) {
		job.store_failed = true;	/* reported just below */
		ok = false;
	}
	if (job.store_failed) {
		report(ing, e->path, store_error(ing->store));
		ing->sum->store_failed = true;
	}
	if (job.problems > MAX_PROBLEMS_PER_FILE) {
		char what[96];
		snprintf(what, sizeof(what), "%u more problems not shown",
			 job.problems - MAX_PROBLEMS_PER_FILE);
		report(ing, e->path, what);
	}
	if (!ok) {
		store_file_abort(w);
		dedup_free(dd);
		ing->sum->files_failed++;
		return interrupted || job.store_failed ? 1 : 0;
	}
	if (plan == PLAN_REPLACE && same_as_stored(&kind->prior, &fin)) {
		store_file_abort(w);
		dedup_free(dd);
		ing->sum->files_unchanged++;
		return 0;
	}
	uint64_t stored = fin.duplicate_of ? 0 : store_writer_records(w);
	int rc = store_file_commit(w, &fin);
	dedup_free(dd);
	if (rc != 0) {
		report(ing, e->path, store_error(ing->store));
		ing->sum->files_failed++;
		ing->sum->store_failed = true;
		return 1;
	}
	struct ingest_summary *p = &ing->pending;
	p->records += stored;
	if (fin.duplicate_of)
		p->files_duplicate++;
	else if (plan == PLAN_NEW)
		p->files_new++;
	else if (plan == PLAN_APPEND)
		p->files_grown++;
	else
		p->files_replaced++;
	if (job.resumed)
		p->files_resumed++;
	p->files_seen++;	/* files in the batch, for a failed commit */
	return batch_maybe_commit(ing);
}

/* --follow: is this one of the files that changed? */
static bool wanted(struct ingest *ing, const struct bundle_entry *e)
{
	if (ing->single_file)
		return ing->opts->want(ing->opts->want_ctx, ing->single_source);
	struct buf b = {0};
	buf_printf(&b, "%s/%s", ing->source_prefix, e->path);
	bool yes = ing->opts->want(ing->opts->want_ctx, b.data);
	buf_free(&b);
	return yes;
}

static int visit_entry(void *ctx, const struct bundle_entry *e,
		       struct bundle_input *in)
{
	struct ingest *ing = ctx;
	unsigned char *head = xmalloc(STORE_HEAD_BYTES);
	char *source = NULL;
	int rc = 0;

	if (interrupted)
		goto out_stop;
	if (ing->opts->want && !ing->pipe && !wanted(ing, e))
		goto out;
	ing->sum->files_seen++;
	progress_next_file(ing->progress, e->path, e->size);
	ssize_t head_len = read_full(in, head, STORE_HEAD_BYTES);
	if (head_len < 0) {
		char what[512];
		snprintf(what, sizeof(what), "%s (file not stored)",
			 bundle_input_error(in));
		report(ing, e->path, what);
		ing->sum->files_failed++;
		goto out;
	}
	progress_add_bytes(ing->progress, (uint64_t)head_len);
	ing->sum->raw_bytes += (uint64_t)head_len;
	/* A compressed stream would be read as text of one odd record. */
	if (ing->pipe && head_len >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
		report(ing, e->path, "gzip-compressed input on a pipe, not stored:"
		       " pipe it through zcat, or give the .gz file itself");
		ing->sum->files_failed++;
		goto out;
	}
	struct entry_kind kind;
	kind.role = entry_role(ing, e, head, (size_t)head_len);
	entry_rotation(ing, e, kind.role, &kind.rot);
	source = source_of(ing, e, &kind.rot, head, (size_t)head_len);
	struct store_prior *prior = &kind.prior;
	if (store_file_prior(ing->store, source, prior) != 0) {
		report(ing, e->path, store_error(ing->store));
		ing->sum->store_failed = true;
		goto out_stop;
	}
	enum store_plan plan;
	struct resume_plan rp;
	switch (decide_plan(ing, in, e, prior, head, (size_t)head_len, &plan,
			    &rp)) {
	case DECIDE_SKIP:
		ing->sum->files_unchanged++;
		goto out;
	case DECIDE_FAIL:
		report(ing, e->path, "file changed while it was read, not stored");
		ing->sum->files_failed++;
		goto out;
	case DECIDE_STORE:
		break;
	}
	rc = store_entry(ing, e, in, source, head, (size_t)head_len, &kind,
			 plan, &rp);
	goto out;
out_stop:
	rc = 1;
out:
	free(head);
	free(source);
	return rc;
}

static void visit_report(void *ctx, const char *path, const char *what)
{
	struct ingest *ing = ctx;
	report(ing, path, what);
	ing->sum->files_failed++;
}

/* A remark, not a problem: the exit status stays 0. */
static void visit_note(void *ctx, const char *path, const char *what)
{
	struct ingest *ing = ctx;
	progress_clear(ing->progress);
	term_printf(ing->opts->errors, "%s: %s\n", path, what);
}

/* The absolute folder that a PATH's bundle paths hang off: bundle paths
 * start with the PATH's own name, so that is its parent folder. A PATH
 * with no real location (/dev/stdin on a pipe) is keyed as written. */
static void prepare_sources(struct ingest *ing, const char *path)
{
	char *abs = realpath(path, NULL);
	free(ing->source_prefix);
	free(ing->single_source);
	if (!abs)
		abs = xstrdup(path);
	char *slash = strrchr(abs, '/');
	ing->source_prefix = slash && slash != abs ? xstrndup(abs, (size_t)(slash - abs))
						   : xstrdup("");
	ing->single_source = abs;
}

static bool is_archive_name(const char *path)
{
	static const char *const exts[] = { ".zip", ".tar", ".tar.gz", ".tgz" };
	size_t len = strlen(path);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t el = strlen(exts[i]);
		if (len >= el && strcasecmp(path + len - el, exts[i]) == 0)
			return true;
	}
	return false;
}

static int walk_one(struct ingest *ing, const char *path)
{
	struct bundle_options bopts = {
		.host_override = ing->opts->host_override,
		.max_archive_bytes = ing->opts->max_archive_bytes,
		.all_files = ing->opts->all_files,
		.follow_links = ing->opts->follow_links,
		.stop = &interrupted,
	};
	struct bundle_visitor v = { ing, visit_entry, visit_report, visit_note };
	struct stat st;

	if (!strcmp(path, "-")) {
		if (isatty(STDIN_FILENO)) {
			report(ing, "-", "standard input is a terminal; pipe a log"
			       " into it (zcat x.log.gz | tatrace ingest --host H -)");
			ing->sum->files_failed++;
			return -1;
		}
		path = "/dev/stdin";
	}
	/* "- < file" is that file, by its own name and folder. */
	char *real = NULL;
	if (!strcmp(path, "/dev/stdin") && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode) && (real = realpath(path, NULL)) != NULL)
		path = real;
	ing->single_file = stat(path, &st) == 0 &&
			   (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) &&
			   !is_archive_name(path);
	ing->pipe = ing->single_file && S_ISFIFO(st.st_mode);
	if (ing->pipe && !ing->opts->host_override) {
		/* A note, not a failure: a pipe has no folder to name its
		 * host, and two such clients would read as one. */
		progress_clear(ing->progress);
		term_printf(ing->opts->errors, "%s: no --host: stored as host"
			" 'unknown' (a pipe has no folder naming its host)\n",
			strcmp(path, "/dev/stdin") ? path : "-");
	}
	if (ing->opts->role_given && !ing->single_file) {
		/* A note, not a failure: the walk goes on by file names. */
		progress_clear(ing->progress);
		term_printf(ing->opts->errors, "%s: --role applies to single files"
			" and pipes; the files here go by their names\n", path);
	}
	prepare_sources(ing, path);
	ahead_begin(ing, path, &bopts);
	int rc = bundle_walk(path, &bopts, &v);
	ahead_end(ing);
	free(real);
	return rc;
}

static uint64_t planned_bytes(char *const paths[], int n_paths)
{
	uint64_t total = 0;
	for (int i = 0; i < n_paths; i++)
		total += progress_estimate_bytes(paths[i]);
	return total;
}

/* Threads that store a file (TATRACE_INGEST_THREADS): 1 does all on
 * this one; 2 parses here and runs SQLite on another; N >= 3 adds N - 2
 * parse-ahead workers, this thread then mostly replaying their tapes
 * into the writer. All store the same, byte for byte. The default is 4
 * (two workers: the walk's work spreads over two cores), 2 on a single
 * CPU, where the tapes would only cost. */
#define INGEST_THREADS_DEFAULT 4
#define INGEST_THREADS_ONE_CPU 2
#define INGEST_THREADS_MAX 64

static int ingest_threads(void)
{
	const char *v = getenv("TATRACE_INGEST_THREADS");
	char *end;
	long n = v && *v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < 1)
		return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? INGEST_THREADS_DEFAULT
							 : INGEST_THREADS_ONE_CPU;
	return n > INGEST_THREADS_MAX ? INGEST_THREADS_MAX : (int)n;
}

static int exit_status(const struct ingest_summary *sum)
{
	if (sum->interrupted)
		return 130;
	if (sum->store_failed)
		return 2;
	return sum->problems || sum->files_failed ? 1 : 0;
}

static void set_overrides(struct ingest *ing)
{
	const struct ingest_options *opts = ing->opts;
	for (size_t i = 0; i < opts->n_tz && !ing->sum->store_failed; i++) {
		int rc = store_set_tz_override(ing->store, opts->tz[i].host,
					       opts->tz[i].bias_min);
		if (rc < 0) {
			report(ing, "--tz", store_error(ing->store));
			ing->sum->store_failed = true;
		} else if (rc > 0) {
			char what[300];
			snprintf(what, sizeof(what), "no host '%.200s' in the store"
				 " (see tatrace files), override not set",
				 opts->tz[i].host);
			report(ing, "--tz", what);
		}
	}
}

/* Update the traces in place when the run only added to what they were
 * built from; else rebuild them, remembering why. */
static int update_traces(struct store *s, const struct correlate_base *base,
			 const struct ingest_options *opts,
			 const struct ingest_summary *sum, struct correlate_stats *cst)
{
	const char *why = opts->n_tz ? "--tz changed the time offsets"
			: sum->files_replaced ? "a replaced log"
			: NULL;
	if (!why)
		return correlate_update(s, base, cst);
	int rc = correlate_rebuild(s, cst);
	cst->fallback = why;
	return rc;
}

int ingest_run(struct store *s, char *const paths[], int n_paths,
	       const struct ingest_options *opts, struct ingest_summary *sum)
{
	struct ingest ing = {
		.store = s,
		.opts = opts,
		.sum = sum,
		.chunk = xmalloc(READ_CHUNK),
		.events = event_matcher_new(),
	};
	double start = clock_now();
	ing.batch_start = start;
	store_batching(s, true);
	int threads = ingest_threads();
	store_writer_threads(s, threads >= 2 ? 2 : 1);
	ing.ahead_workers = threads >= 3 ? (unsigned)threads - 2 : 0;
	ing.ahead_events = xcalloc(ing.ahead_workers + 1, sizeof(*ing.ahead_events));
	for (unsigned i = 0; i < ing.ahead_workers; i++)
		ing.ahead_events[i] = event_matcher_new();
	/* What the traces stand on now, so that they can be updated. */
	struct correlate_base *base = correlate_base_take(s);
	struct findings_base *fbase = findings_base_take(s);

	memset(sum, 0, sizeof(*sum));
	ing.progress = progress_new(opts->progress,
				    opts->progress ? planned_bytes(paths, n_paths) : 0);
	for (int i = 0; i < n_paths && !interrupted && !sum->store_failed; i++) {
		uint64_t seen = sum->files_seen, failed = sum->files_failed;
		walk_one(&ing, paths[i]);
		/* Each PATH its own batch: one PATH's failure (a full disk
		 * rolls back the whole open batch) leaves the others stored. */
		batch_commit(&ing);
		if (sum->files_seen == seen && sum->files_failed == failed &&
		    !opts->want) {
			/* Not an error, but almost always the wrong folder. */
			progress_clear(ing.progress);
			fprintf(opts->errors, "%s: no log files found (*.log, *.lo_, *.txt;"
				" --all-files reads every file)\n", paths[i]);
		}
	}
	/* Ctrl-C too: what the walk released is stored before exit 130. */
	batch_commit(&ing);
	store_batching(s, false);
	store_writer_threads(s, 1);
	/* After the walk: --tz may name a host this run brought. */
	set_overrides(&ing);
	bool changed = opts->n_tz || sum->files_new || sum->files_grown ||
		       sum->files_replaced || store_traces_stale(s);
	/* With the offsets settled before (base) and nothing stored that
	 * moves them, the pass over the unbiased logs is skipped. */
	bool resolve = changed && (!base || opts->n_tz || sum->files_replaced ||
				   store_resolve_needed(s));
	bool settled = base && !opts->n_tz && !sum->files_replaced;
	if (resolve && !sum->store_failed &&
	    (settled ? store_resolve_update(s) : store_resolve_offsets(s)) != 0) {
		report(&ing, "time offsets", store_error(s));
		sum->store_failed = true;
	}
	if (!sum->store_failed && store_bulk_end(s) != 0) {
		report(&ing, "event index", store_error(s));
		sum->store_failed = true;
	}
	struct correlate_stats cst = {0};
	if (changed && !sum->store_failed && update_traces(s, base, opts, sum, &cst) != 0) {
		report(&ing, "traces", store_error(s));
		sum->store_failed = true;
	}
	correlate_base_free(base);
	size_t n_findings = 0;
	if (changed && !sum->store_failed &&
	    findings_update(s, fbase, !cst.incremental, cst.rebuilt > 0, &n_findings) != 0) {
		report(&ing, "findings", store_error(s));
		sum->store_failed = true;
	}
	findings_base_free(fbase);
	sum->traces = cst.traces;
	sum->findings = n_findings;
	sum->trace_seconds = cst.seconds;
	sum->traces_updated = cst.incremental;
	sum->traces_rewritten = cst.rebuilt;
	sum->full_rebuild_why = cst.fallback;
	sum->traces_rebuilt = changed;
	sum->interrupted = interrupted != 0;
	sum->seconds = clock_now() - start;
	progress_free(ing.progress);
	free(ing.chunk);
	event_matcher_free(ing.events);
	for (unsigned i = 0; i < ing.ahead_workers; i++)
		event_matcher_free(ing.ahead_events[i]);
	free(ing.ahead_events);
	free(ing.source_prefix);
	free(ing.single_source);
	return exit_status(sum);
}
