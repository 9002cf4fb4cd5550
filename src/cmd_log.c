/* cmd_log.c - `tatrace log`: every stored record merged by UTC, the
 * CMTrace "merge" view, filtered by host, component, time and a PCRE2
 * pattern on the message. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cli.h"
#include "output.h"
#include "../db/blocktext.h"
#include "../parsers/timeparse.h"

/* Rows are written out in ~1 MiB writes: into a pipe, 64 KiB ones cost
 * a wake-up of the reader each (| cat: 0.42 s -> 0.26 s for 2M rows). */
#define FLUSH_AT (1 << 20)
/* Records named one by one when the pattern hits a PCRE2 limit on them;
 * past that only the total is given. */
#define LIMIT_LINES 10

static const char log_help[] =
	"usage: tatrace log [-d STORE] [--host H] [--component C] [--grep PCRE2 [-i]]\n"
	"                   [--severity S] [--since T] [--until T] [--format table|json]\n"
	"\n"
	"All records of all stored files merged by UTC (also when a file goes back\n"
	"in time). A '~' after the time: taken from the record before; no time: the\n"
	"record comes before its file's first time (utc null in JSON).\n"
	"\n"
	"  -d, --store STORE   store file (default $TATRACE_DB or ./tatrace.db)\n"
	"      --host H        only this host (case-insensitive)\n"
	"      --component C   only this component (case-insensitive)\n"
	"      --grep PCRE2    only records whose message matches (PCRE2, UTF-8)\n"
	"  -i, --ignore-case   --grep ignores case\n"
	"      --severity S    only records of severity S or worse: error, warning,\n"
	"                      info or verbose (everything)\n"
	"      --since T       records at or after T (UTC unless T has Z or +HH:MM),\n"
	"      --until T       at or before T; T like 2026-09-18T20:39:05.707Z; a bare\n"
	"                      date (2026-09-18) means the whole day\n"
	"      --format F      table (default) or json\n"
	"  -h, --help          this help\n"
	"\n"
	"Without --grep, the merge runs on one thread and the rows are decoded and\n"
	"formatted on another, in the same order; TATRACE_LOG_THREADS=1 does all on\n"
	"one (the same output).\n"
	"\n"
	"Exit status: 0 done; 1 the pattern hit a PCRE2 limit (match, depth, heap)\n"
	"on some records, named on stderr and not shown; 2 usage or store error.\n";

enum {
	OPT_HOST = 256,
	OPT_COMPONENT,
	OPT_GREP,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_SEVERITY,
};

static const struct option log_options[] = {
	{ "store", required_argument, NULL, 'd' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "component", required_argument, NULL, OPT_COMPONENT },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "severity", required_argument, NULL, OPT_SEVERITY },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool parse_severity(const char *arg, enum severity *out)
{
	for (int sev = SEV_VERBOSE; sev < SEV_COUNT; sev++) {
		if (!strcasecmp(arg, severity_name((enum severity)sev))) {
			*out = (enum severity)sev;
			return true;
		}
	}
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* ---- rows ----
 *
 * A full log is millions of rows, so a row is built with one reservation
 * and plain copies: what a row repeats from its file (host, file name,
 * component) is formatted once per file and kept in a small cache keyed
 * by file id, and the time text is formatted once per second. The bytes
 * are those of the generic path (term_field, json_string, format_utc_ms),
 * which the cache calls to fill itself. */

#define CELL_SLOTS 256	/* direct-mapped by file id */

struct file_cells {
	int64_t file_id;	/* 0: empty */
	struct buf head;	/* table: host cell and ' '; json: "host" to
				 * "line":, all but the line number */
	char *name;		/* table: the file name when plain ASCII, so
				 * "name:line" is one byte a column; else NULL */
	size_t name_len;
	char *comp;		/* the component the cell below is for */
	const char *comp_at;	/* where the store's text of it was: the
				 * same pointer is the same name (the
				 * store interns them for the whole log) */
	struct buf comp_cell;	/* table: its cell and ' '; json: from
				 * ,"component": to "thread": */
};

struct utc_text {
	bool set;
	int64_t sec_us;		/* the second the text is of, in µs */
	int64_t day;		/* and its day (UTC) */
	char text[32];
	size_t len;
};

/* Decimal digits of v ending at end; returns where they start. */
static char *digits_of(char *end, unsigned long long v)
{
	/* two digits a division: line numbers have five or six */
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	while (v >= 100) {
		end -= 2;
		memcpy(end, pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, pairs + v * 2, 2);
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

/* v in decimal at p: at most 20 bytes, and up to 24 bytes after them
 * written over (a copy of a fixed size, as a variable one is a call to
 * memcpy, and there are several a row): the room must have them. */
#define DEC_SLACK 24

static char *put_dec(char *p, long long v)
{
	unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v :
				 (unsigned long long)v;
	if (v < 0)
		*p++ = '-';
	char d[2 * DEC_SLACK], *num = digits_of(d + DEC_SLACK, mag);
	memcpy(p, num, DEC_SLACK);
	return p + (d + DEC_SLACK - num);
}

/* Room for n more bytes; where they go. */
static char *room(struct buf *b, size_t n)
{
	if (b->len + n >= b->cap)	/* buf_reserve's test, not its call */
		buf_reserve(b, n);
	return b->data + b->len;
}

static void commit_to(struct buf *b, char *end)
{
	b->len = (size_t)(end - b->data);
	b->data[b->len] = '\0';
}

static void put_int(struct buf *b, long long v)
{
	commit_to(b, put_dec(room(b, 21 + DEC_SLACK), v));
}

/* A literal (its strlen folds away once inlined). */
static void put_lit(struct buf *b, const char *lit)
{
	buf_append(b, lit, strlen(lit));
}

/* Copies of a row's cached cells go in whole CHUNK-byte pieces: a copy
 * of a fixed size is a few vector moves, one of a variable size a call
 * to memcpy, several a row. So the cells keep CHUNK bytes readable past
 * their ends (cell_slack) and a row's room has ROW_SLACK bytes more than
 * it uses: what a piece writes past its cell, the row's next bytes write
 * over, or it lies past the buffer's end. */
#define CHUNK 16
#define ROW_SLACK 64

static char *put_chunks(char *o, const char *s, size_t n)
{
	for (size_t k = 0; k < n; k += CHUNK)
		memcpy(o + k, s + k, CHUNK);
	return o + n;
}

static void cell_slack(struct buf *cell)
{
	buf_reserve(cell, CHUNK);
}

/* Two digits of v (< 100) at p. */
static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

#define SEC_PER_DAY 86400

/* The text with its milliseconds set to ms. */
static const char *utc_ms(struct utc_text *u, int ms)
{
	u->text[u->len - 4] = (char)('0' + ms / 100);
	u->text[u->len - 3] = (char)('0' + ms / 10 % 10);
	u->text[u->len - 2] = (char)('0' + ms % 10);
	return u->text;
}

/* format_utc_ms of utc_us, whose date is formatted anew once a day and
 * its "HH:MM:SS" once a second: interleaved logs change second every
 * few records (format_utc_ms each time was 5% of a JSON log), and within
 * a second only the milliseconds before the final 'Z' change. */
static const char *utc_text(struct utc_text *u, int64_t utc_us)
{
	/* the same second: no division (wraps to large when before) */
	uint64_t in_sec = (uint64_t)utc_us - (uint64_t)u->sec_us;
	if (u->set && in_sec < (uint64_t)US_PER_SEC)
		return utc_ms(u, (int)(in_sec / 1000));
	int64_t sec = utc_us / US_PER_SEC - (utc_us % US_PER_SEC < 0);
	int64_t day = sec / SEC_PER_DAY - (sec % SEC_PER_DAY < 0);
	if (!u->set || day != u->day) {
		format_utc_ms(utc_us, u->text);
		u->len = strlen(u->text);
		u->day = day;
		u->set = true;
	} else {	/* ...THH:MM:SS.mmmZ */
		int in_day = (int)(sec - day * SEC_PER_DAY);
		char *t = u->text + u->len - 13;
		put2(t, in_day / 3600);
		put2(t + 3, in_day / 60 % 60);
		put2(t + 6, in_day % 60);
	}
	u->sec_us = sec * US_PER_SEC;
	return utc_ms(u, (int)((utc_us - u->sec_us) / 1000));
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void cells_fill(struct file_cells *fc, enum out_format fmt,
		       const struct stored_record *r)
{
	fc->file_id = r->file_id;
	buf_reset(&fc->head);
	free(fc->name);
	fc->name = NULL;
	free(fc->comp);
	fc->comp = NULL;
	if (fmt == OUT_JSON) {
		json_cstr(&fc->head, r->host);
		put_lit(&fc->head, ",\"file\":");
		json_cstr(&fc->head, r->path);
		put_lit(&fc->head, ",\"file_id\":");
		put_int(&fc->head, (long long)r->file_id);
		put_lit(&fc->head, ",\"line\":");
		cell_slack(&fc->head);
		return;
	}
	term_field(&fc->head, r->host, 14);
	put_lit(&fc->head, " ");
	const char *name = base_name(r->path);
	if (plain_ascii(name)) {
		fc->name_len = strlen(name);
		fc->name = xcalloc(1, fc->name_len + CHUNK);	/* put_chunks */
		memcpy(fc->name, name, fc->name_len);
	}
	cell_slack(&fc->head);
}

static void cells_component(struct file_cells *fc, enum out_format fmt,
			    const char *comp)
{
	if (fc->comp && (fc->comp_at == comp || strcmp(fc->comp, comp) == 0)) {
		fc->comp_at = comp;
		return;
	}
	fc->comp_at = comp;
	free(fc->comp);
	fc->comp = xstrdup(comp);
	buf_reset(&fc->comp_cell);
	if (fmt == OUT_JSON) {
		put_lit(&fc->comp_cell, ",\"component\":");
		json_string(&fc->comp_cell, comp, strlen(comp));
		put_lit(&fc->comp_cell, ",\"thread\":");
		cell_slack(&fc->comp_cell);
		return;
	}
	term_field(&fc->comp_cell, comp[0] ? comp : "-", 24);
	put_lit(&fc->comp_cell, " ");
	cell_slack(&fc->comp_cell);
}

static struct file_cells *cells_of(struct file_cells *cache,
				   enum out_format fmt,
				   const struct stored_record *r)
{
	struct file_cells *fc = &cache[(uint64_t)r->file_id % CELL_SLOTS];
	if (fc->file_id != r->file_id || r->file_id == 0)
		cells_fill(fc, fmt, r);
	cells_component(fc, fmt, r->component);
	return fc;
}

static void cells_free(struct file_cells *cache)
{
	for (size_t i = 0; i < CELL_SLOTS; i++) {
		buf_free(&cache[i].head);
		buf_free(&cache[i].comp_cell);
		free(cache[i].name);
		free(cache[i].comp);
	}
}

static char *put(char *o, const void *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

/* A literal (strlen folds away once inlined). */
static char *put_s(char *o, const char *lit)
{
	return put(o, lit, strlen(lit));
}

/* ---- messages ----
 *
 * Nearly every message is plain printable ASCII, which is its own escape
 * (term_escape, and json_string but for '"' and '\\'): it is scanned and
 * copied in one pass, 16 bytes at a time, into room reserved for it plus
 * PLAIN_SLACK (a 16-byte store may pass its end). Any other byte sends
 * the whole message to the generic escapes, so the bytes are the same. */

#define PLAIN_SLACK 16

#ifdef __SSE2__
/* Which of the 16 bytes at v (a bit each) are printable ASCII (and, for
 * JSON, no quote or backslash). Signed compares: bytes >= 0x80 are
 * negative. */
static unsigned plain16_mask(__m128i v, bool json)
{
	__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x1f)),
				   _mm_cmplt_epi8(v, _mm_set1_epi8(0x7f)));
	if (json) {
		__m128i bad = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					   _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
		ok = _mm_andnot_si128(bad, ok);
	}
	return (unsigned)_mm_movemask_epi8(ok);
}

static bool plain16(__m128i v, bool json)
{
	return plain16_mask(v, json) == 0xffff;
}
#endif

static bool plain_byte(unsigned char c, bool json)
{
	return c >= 0x20 && c < 0x7f && !(json && (c == '"' || c == '\\'));
}

/* Copy s to dst when it is all plain (true); else false, dst[0, len +
 * PLAIN_SLACK) clobbered. */
static bool plain_copy(char *dst, const char *s, size_t len, bool json)
{
	size_t i = 0;
#ifdef __SSE2__
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		if (!plain16(v, json))
			return false;
		_mm_storeu_si128((__m128i *)(void *)(dst + i), v);
	}
	if (i < len && len >= 16) {
		/* the rest as the 16 bytes ending the message, some copied
		 * again: one check instead of a byte loop (messages are
		 * nearly all 16 bytes or longer) */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
		if (!plain16(v, json))
			return false;
		_mm_storeu_si128((__m128i *)(void *)(dst + len - 16), v);
		return true;
	}
#endif
	for (; i < len; i++) {
		if (!plain_byte((unsigned char)s[i], json))
			return false;
		dst[i] = s[i];
	}
	return true;
}

/* s as the inside of a JSON string at dst when it is all printable
 * ASCII, with its quotes and backslashes escaped as json_string escapes
 * them (a CMTrace time text has quotes: time="..." date="..."); the end,
 * or NULL (dst[0, 2 * len + PLAIN_SLACK) clobbered) for any other byte,
 * which the generic json_string then writes. 16 bytes at a time, also
 * across an escape: the bytes before it are stored as a chunk, the rest
 * over-written from after it; the last partial chunk is the 16 bytes
 * ending s, merged over the bytes already at dst. */
static char *json_copy(char *dst, const char *s, size_t len)
{
	size_t i = 0;
#ifdef __SSE2__
	/* tail_keep + r: 16 - r bytes of 0, then r of 0xff */
	static const unsigned char tail_keep[32] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	while (len >= 16) {
		unsigned bad;
		size_t take;
		if (i + 16 <= len) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			bad = ~plain16_mask(v, true) & 0xffffu;
			_mm_storeu_si128((__m128i *)(void *)dst, v);
			take = bad ? (size_t)__builtin_ctz(bad) : 16;
		} else {
			if (i == len)
				return dst;
			size_t r = len - i, sh = 16 - r;
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
			bad = (~plain16_mask(v, true) & 0xffffu) >> sh;
			__m128i keep = _mm_loadu_si128((const __m128i *)(const void *)(tail_keep + r));
			__m128i prev = _mm_loadu_si128((const __m128i *)(void *)(dst - sh));
			_mm_storeu_si128((__m128i *)(void *)(dst - sh),
					 _mm_or_si128(_mm_andnot_si128(keep, prev),
						      _mm_and_si128(keep, v)));
			take = bad ? (size_t)__builtin_ctz(bad) : r;
		}
		dst += take;
		i += take;
		if (!bad)
			continue;
		unsigned char c = (unsigned char)s[i++];
		if (c != '"' && c != '\\')
			return NULL;
		*dst++ = '\\';
		*dst++ = (char)c;
	}
#endif
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			*dst++ = '\\';
		else if (c < 0x20 || c >= 0x7f)
			return NULL;
		*dst++ = (char)c;
	}
	return dst;
}

/* The message escaped for a terminal after the row's cells. */
static void put_message(struct buf *b, const char *s, size_t len)
{
	char *p = room(b, len + PLAIN_SLACK + 1);
	if (plain_copy(p, s, len, false)) {
		p[len] = '\n';
		commit_to(b, p + len + 1);
		return;
	}
	term_escape(b, s, len);
	buf_putc(b, '\n');
}

/* The same as a JSON string. */
static void put_json_message(struct buf *b, const char *s, size_t len)
{
	char *p = room(b, 2 * len + PLAIN_SLACK + 2);
	*p = '"';
	char *end = json_copy(p + 1, s, len);
	if (end) {
		*end = '"';
		commit_to(b, end + 1);
		return;
	}
	json_string(b, s, len);
}

/* A JSON row's text around a name (its severity, its offset source),
 * made once per name: no strlen and copy of the name per row. */
struct name_frag {
	char text[48];		/* whole CHUNKs: put_chunks */
	size_t len;		/* 0: not made yet */
};

#define SOURCES 256	/* offset sources are stored in a byte */

struct log_out {
	struct buf b;
	struct name_frag sev_frag[SEV_COUNT];	/* ,"severity":"S","message": */
	struct name_frag src_frag[SOURCES];	/* ,"offset_source":"S","bias": */
	enum out_format fmt;
	unsigned long long n;
	pcre2_code *re;
	pcre2_match_data *md;
	unsigned long long limited;	/* records the pattern failed on */
	struct file_cells *cells;	/* CELL_SLOTS, see "rows" */
	struct utc_text utc;
};

/* A JSON number (or null when !known) at p; at most 21 bytes, and
 * DEC_SLACK more written over (put_dec). */
static char *put_num(char *p, bool known, long long v)
{
	if (!known)
		return put_s(p, "null");
	return put_dec(p, v);
}

static void frag_make(struct name_frag *f, const char *pre, const char *name,
		      const char *post)
{
	f->len = (size_t)snprintf(f->text, sizeof(f->text), "%s%s%s", pre, name,
				  post);
	if (f->len >= sizeof(f->text))
		die("a JSON name fragment is too long");
}

/* One record as a JSON object, after the separator from the one before
 * (the array's first: none). */
static void record_json(struct log_out *o, const struct stored_record *r)
{
	struct buf *b = &o->b;
	struct file_cells *fc = cells_of(o->cells, OUT_JSON, r);
	char *p = room(b, 162 + fc->head.len + fc->comp_cell.len + ROW_SLACK);
	p = o->n ? put_s(p, ",\n") : put_s(p, "\n");
	if (r->dated) {	/* else before the file's first time: no time */
		const char *utc = utc_text(&o->utc, r->utc_us);
		p = put_s(p, "{\"utc\":\"");
		p = put_chunks(p, utc, o->utc.len);	/* text[32] */
		p = put_s(p, "\",\"host\":");
	} else {
		p = put_s(p, "{\"utc\":null,\"host\":");
	}
	p = put_chunks(p, fc->head.data, fc->head.len);
	p = put_dec(p, r->line);
	p = put_chunks(p, fc->comp_cell.data, fc->comp_cell.len);
	p = put_num(p, r->thread >= 0, r->thread);
	p = put_s(p, ",\"type\":");
	p = put_num(p, r->type >= 0, r->type);
	enum severity sev = severity_of(r->type, r->keyword_sev);
	struct name_frag *f = &o->sev_frag[sev];
	if (!f->len)
		frag_make(f, ",\"severity\":\"", severity_name(sev), "\",\"message\":");
	p = put_chunks(p, f->text, f->len);
	commit_to(b, p);
	put_json_message(b, r->text + r->message.off, r->message.len);
	const char *tt = r->text + r->time_text.off;
	size_t tlen = r->time_text.len;
	p = room(b, 96 + sizeof(o->src_frag[0].text) + 2 * tlen + PLAIN_SLACK +
		    3 + ROW_SLACK);
	f = &o->src_frag[(uint8_t)r->offset_source];
	if (!f->len)
		frag_make(f, ",\"offset_source\":\"",
			  offset_source_name(r->offset_source), "\",\"bias\":");
	p = put_chunks(p, f->text, f->len);
	p = put_num(p, true, r->bias_min);
	if (r->timed)
		p = put_s(p, ",\"timed\":true,\"partial\":");
	else
		p = put_s(p, ",\"timed\":false,\"partial\":");
	if (r->partial)
		p = put_s(p, "true,\"time_text\":");
	else
		p = put_s(p, "false,\"time_text\":");
	/* plain, nearly always: copied into the room taken above */
	*p = '"';
	char *end = json_copy(p + 1, tt, tlen);
	if (end) {
		commit_to(b, put_s(end, "\"}"));
		return;
	}
	commit_to(b, p);
	json_string(b, tt, tlen);
	put_lit(b, "}");
}

#define WHERE_WIDTH 34
#define WHERE_ROOM (WHERE_WIDTH + 2)	/* a cut cell's 3-byte ellipsis */

/* The "name:line" cell: the file name once per file, when it is plain
 * ASCII, padded when the cell fits, else cut as term_field cuts a plain
 * field (its first columns but one, then an ellipsis, "..." outside a
 * UTF-8 locale: those columns but three); other names as snprintf into
 * 64 bytes and term_field made it. At most WHERE_ROOM bytes. */
static char *where_cell(char *p, struct buf *b, const struct file_cells *fc,
			const struct stored_record *r)
{
	/* the digits end at d + 12, which leaves d a CHUNK past them */
	char d[12 + CHUNK], *num = digits_of(d + 12, r->line);
	size_t nd = (size_t)(d + 12 - num);
	if (fc->name && fc->name_len + 1 + nd <= WHERE_WIDTH) {
		char *cell = p;
		p = put_chunks(p, fc->name, fc->name_len);
		*p++ = ':';
		p = put_chunks(p, num, nd);
		/* the padding, and spaces into the slack past it */
		memset(p, ' ', WHERE_WIDTH);
		return cell + WHERE_WIDTH;
	}
	if (fc->name) {
		bool utf8 = output_utf8_locale();
		size_t keep = WHERE_WIDTH - (utf8 ? 1 : 3);
		size_t n = fc->name_len < keep ? fc->name_len : keep;
		p = put(p, fc->name, n);
		if (n < keep) {
			*p++ = ':';
			n++;
			p = put(p, num, nd < keep - n ? nd : keep - n);
		}
		return utf8 ? put_s(p, "\xe2\x80\xa6") : put_s(p, "...");
	}
	char where[64];
	snprintf(where, sizeof(where), "%s:%u", base_name(r->path),
		 (unsigned)r->line);
	commit_to(b, p);
	term_field(b, where, WHERE_WIDTH);
	return b->data + b->len;
}

static void record_table(struct log_out *o, const struct stored_record *r)
{
	static const char sev_tag[SEV_COUNT] = { 'V', 'I', 'W', 'E' };
	struct buf *b = &o->b;
	struct file_cells *fc = cells_of(o->cells, OUT_TABLE, r);
	/* the time, two marks, host, where, component and tag fit in this
	 * unless a cell needs escapes (then term_field reserves its own) */
	size_t fixed = 24 + 2 + fc->head.len + WHERE_ROOM + 1 +
		       fc->comp_cell.len + 3;
	char *p = room(b, fixed + ROW_SLACK);
	if (r->dated)
		memcpy(p, utc_text(&o->utc, r->utc_us), 24);
	else
		memset(p, ' ', 24);
	p += 24;
	p = put(p, r->timed || !r->dated ? "  " : "~ ", 2);
	p = put_chunks(p, fc->head.data, fc->head.len);
	p = where_cell(p, b, fc, r);
	commit_to(b, p);
	p = room(b, 1 + fc->comp_cell.len + 3 + ROW_SLACK);
	*p++ = ' ';
	p = put_chunks(p, fc->comp_cell.data, fc->comp_cell.len);
	*p++ = sev_tag[severity_of(r->type, r->keyword_sev)];
	*p++ = ' ';
	commit_to(b, p);
	put_message(b, r->text + r->message.off, r->message.len);
}

/* One row into o->b, written out past FLUSH_AT; 1 when the reader went
 * away (e.g. | head). */
static int log_format(struct log_out *o, const struct stored_record *r)
{
	if (o->fmt == OUT_JSON) {
		record_json(o, r);
	} else {
		record_table(o, r);
	}
	o->n++;
	if (o->b.len > FLUSH_AT) {
		buf_flush_to(&o->b, stdout);
		if (ferror(stdout))
			return 1;
	}
	return 0;
}

/* ---- the formatting thread ----
 *
 * `log` has the merge (reading blocks, the loser tree) and the rows'
 * decoding and formatting to do, and two cores: the merge stays on this
 * thread and hands the records over in batches to a second one, which
 * decodes the blocks' texts, formats the rows and writes them in the
 * order received, so the output is the same bytes. The cursor hands out
 * a block's stored (LZ4) text with the first record of it its run gives
 * (store_log_next_entry, which fills the record in its batch slot); the
 * batch keeps a copy of the text (a few KiB) and
 * the second thread decodes it into that run's buffer, which the run's
 * records after it are slices of: in stream order, a run's records of
 * one block all come before its next block. The host, path and
 * component strings are the cursor's own for its life, which outlasts
 * the thread. Memory: BATCHES batches (one filled while others are
 * written) and one decoded block per run, as the cursor's own would be.
 * With --grep the cursor decodes (it matches the text) and rows are
 * formatted here; TATRACE_LOG_THREADS=1 does that for a full log too,
 * for comparing. */

#define BATCHES 8
#define BATCH_RECORDS 2048
#define BATCH_STORED (512 * 1024)	/* a batch is handed over past this */

/* What a row needs of a record (the cursor fills it in place: the
 * batches cross from one core's cache to the other's, so it is a third
 * of a stored_record). What a run's records share (file id, host, path)
 * comes with its blocks. */
struct pipe_rec {
	struct log_entry e;
	int32_t block;		/* its run's new block first (an index in
				 * the batch's blocks), or -1 */
};

struct pipe_block {
	struct log_text_ref ref;	/* stored: NULL, it is at stored_at */
	size_t stored_at;	/* in the batch's stored bytes */
};

/* Cache-line aligned, as are the pipe's fields of each thread: the merge
 * writes its batch's counts every record while the other thread reads
 * its own batch's, and sharing a line would bounce it between the cores
 * every record (it took half the merge's time). */
#define CACHE_LINE 64

struct log_batch {
	_Alignas(CACHE_LINE) struct pipe_rec *recs;	/* BATCH_RECORDS */
	size_t n;
	struct pipe_block *blocks;
	size_t nblocks, capblocks;
	struct buf stored;	/* the blocks' stored texts */
	bool full;		/* handed over, not yet written */
};

/* A run's block, decoded, and whose it is. */
struct run_text {
	char *data;
	size_t cap;
	int64_t file_id;
	const char *host, *path;
};

struct log_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;	/* a batch was handed over or written */
	bool done;		/* no batch will come */
	bool gone;		/* the reader went away or a text did not
				 * decode: stop the merge */
	struct log_text_ref bad;	/* the text that did not decode */
	const char *why;	/* and why; NULL: none */
	struct log_batch batch[BATCHES];
	/* the merge's own */
	_Alignas(CACHE_LINE) int fill;	/* the batch the merge fills */
	/* the writing thread's own: its copy of the caller's log_out
	 * (whose frame the merge's locals share lines with), given back
	 * by pipe_finish */
	_Alignas(CACHE_LINE) struct log_out o;
	struct run_text *runs;	/* the decoded text of each run's block */
	size_t nruns;
};

static bool log_threaded(void)
{
	const char *v = getenv("TATRACE_LOG_THREADS");
	return !(v && !strcmp(v, "1"));
}

/* Block k of b decoded into its run's buffer; false (p->why set) when it
 * does not decode. */
static bool pipe_decode(struct log_pipe *p, struct log_batch *b, int32_t k)
{
	const struct pipe_block *pb = &b->blocks[k];
	uint32_t run = pb->ref.run;
	if (run >= p->nruns) {
		size_t n = (size_t)run + 1 > 2 * p->nruns ? (size_t)run + 1 : 2 * p->nruns;
		p->runs = xrealloc(p->runs, n * sizeof(*p->runs));
		memset(p->runs + p->nruns, 0, (n - p->nruns) * sizeof(*p->runs));
		p->nruns = n;
	}
	struct run_text *t = &p->runs[run];
	t->file_id = pb->ref.file_id;
	t->host = pb->ref.host;
	t->path = pb->ref.path;
	if (pb->ref.raw_len + 1 > t->cap) {	/* + 1: never malloc(0) */
		/* room for a whole block (STORE_BLOCK_BYTES, more only
		 * for a long record): sized to each block's text, a run's
		 * buffer was freed and taken anew (fresh pages, faulted in
		 * and zeroed) for most blocks that were a little longer */
		size_t cap = pb->ref.raw_len + 1;
		free(t->data);
		t->cap = cap > STORE_BLOCK_BYTES + 1 ? cap : STORE_BLOCK_BYTES + 1;
		t->data = xmalloc(t->cap);
	}
	if (blocktext_decode_into(b->stored.data + pb->stored_at, pb->ref.stored_len,
				  t->data, pb->ref.raw_len, &p->why) == 0)
		return true;
	p->bad = pb->ref;
	return false;
}

#define PREFETCH_AHEAD 16	/* records */

/* The message of record i, if its run's text is there: the runs' texts
 * together are far larger than the cache and read interleaved, so each
 * row would wait on memory. Fetched PREFETCH_AHEAD rows early; a run
 * whose block changes before then was fetched in vain, not wrongly.
 * always_inline: GCC drops calls to a function of nothing but
 * prefetches. */
static inline __attribute__((always_inline)) void
pipe_prefetch(const struct log_pipe *p, const struct log_batch *b, size_t i)
{
	if (i >= b->n)
		return;
	const struct log_entry *e = &b->recs[i].e;
	if (e->run >= p->nruns || !p->runs[e->run].data)
		return;
	const char *m = p->runs[e->run].data + e->off + e->message.off;
	size_t len = e->message.len < 256 ? e->message.len : 256;
	for (size_t k = 0; k < len; k += 64)
		__builtin_prefetch(m + k);
	__builtin_prefetch(m + len);
}

/* Decode, format and write a batch; 1 when the reader went away or a
 * text did not decode. */
static int pipe_write(struct log_pipe *p, struct log_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct pipe_rec *pr = &b->recs[i];
		pipe_prefetch(p, b, i + PREFETCH_AHEAD);
		if (pr->block >= 0 && !pipe_decode(p, b, pr->block))
			return 1;
		const struct log_entry *e = &pr->e;
		const struct run_text *t = &p->runs[e->run];
		struct stored_record r = {
			.file_id = t->file_id,
			.line = e->line,
			.utc_us = e->utc_us,
			.bias_min = e->bias_min,
			.offset_source = (enum offset_source)e->offset_source,
			.timed = e->flags & LOG_ENTRY_TIMED,
			.dated = e->flags & LOG_ENTRY_DATED,
			.partial = e->flags & LOG_ENTRY_PARTIAL,
			.type = e->type,
			.keyword_sev = e->keyword_sev,
			.thread = e->thread,
			.text = t->data + e->off,
			.message = e->message,
			.time_text = e->time_text,
			.component = e->component,
			.host = t->host,
			.path = t->path,
		};
		if (log_format(&p->o, &r))
			return 1;
	}
	return 0;
}

static void *pipe_main(void *arg)
{
	struct log_pipe *p = arg;
	for (int at = 0;; at = (at + 1) % BATCHES) {
		struct log_batch *b = &p->batch[at];
		pthread_mutex_lock(&p->mu);
		while (!b->full && !p->done)
			pthread_cond_wait(&p->cond, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (!b->full)
			return NULL;	/* done, all written */
		int gone = pipe_write(p, b);
		pthread_mutex_lock(&p->mu);
		b->full = false;
		p->gone = gone;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->mu);
		if (gone)
			return NULL;
	}
}

static struct log_pipe *pipe_start(struct log_out *o)
{
	struct log_pipe *p = aligned_alloc(CACHE_LINE, sizeof(*p));
	if (!p)
		die("out of memory");
	memset(p, 0, sizeof(*p));
	p->o = *o;
	for (int i = 0; i < BATCHES; i++)
		p->batch[i].recs = xcalloc(BATCH_RECORDS, sizeof(*p->batch[i].recs));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->thread, NULL, pipe_main, p) != 0)
		die("cannot start a thread: out of resources");
	return p;
}

/* Hand the batch being filled over and wait for the next to be written
 * (it is filled next). 1 when the thread stopped. */
static int pipe_hand(struct log_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->batch[p->fill].full = true;
	pthread_cond_broadcast(&p->cond);
	p->fill = (p->fill + 1) % BATCHES;
	struct log_batch *next = &p->batch[p->fill];
	while (next->full && !p->gone)
		pthread_cond_wait(&p->cond, &p->mu);
	int gone = p->gone;
	pthread_mutex_unlock(&p->mu);
	next->n = next->nblocks = 0;
	buf_reset(&next->stored);
	return gone;
}

/* Where the cursor puts the next record: in place in the batch being
 * filled. */
static struct log_entry *pipe_slot(struct log_pipe *p)
{
	struct log_batch *b = &p->batch[p->fill];
	return &b->recs[b->n].e;
}

/* The record just put in the slot taken into the batch, with its block's
 * stored text when the cursor hands out a new one. 1 when the thread
 * stopped. */
static int pipe_add(struct log_pipe *p, const struct log_text_ref *ref)
{
	struct log_batch *b = &p->batch[p->fill];
	struct pipe_rec *pr = &b->recs[b->n++];
	pr->block = -1;
	if (ref->stored) {
		if (b->nblocks == b->capblocks) {
			b->capblocks = b->capblocks ? 2 * b->capblocks : 64;
			b->blocks = xrealloc(b->blocks, b->capblocks * sizeof(*b->blocks));
		}
		struct pipe_block *pb = &b->blocks[b->nblocks];
		pb->ref = *ref;
		pb->ref.stored = NULL;
		pb->stored_at = b->stored.len;
		buf_append(&b->stored, ref->stored, ref->stored_len);
		pr->block = (int32_t)b->nblocks++;
	}
	if (b->n == BATCH_RECORDS || b->stored.len >= BATCH_STORED)
		return pipe_hand(p);
	return 0;
}

/* The last batch handed over and written, the thread gone; -1 (the
 * store's error set) when a text did not decode, else 0. */
static int pipe_finish(struct log_pipe *p, struct log_cursor *c,
		       struct log_out *o)
{
	pthread_mutex_lock(&p->mu);
	if (p->batch[p->fill].n && !p->gone)
		p->batch[p->fill].full = true;
	p->done = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	*o = p->o;
	int rc = p->why ? store_log_corrupt(c, &p->bad, p->why) : 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cond);
	for (int i = 0; i < BATCHES; i++) {
		free(p->batch[i].recs);
		free(p->batch[i].blocks);
		buf_free(&p->batch[i].stored);
	}
	for (size_t i = 0; i < p->nruns; i++)
		free(p->runs[i].data);
	free(p->runs);
	free(p);
	return rc;
}

static const char *limit_name(int pcre2_rc, char *msg, size_t len)
{
	switch (pcre2_rc) {
	case PCRE2_ERROR_MATCHLIMIT: return "match limit";
	case PCRE2_ERROR_DEPTHLIMIT: return "depth limit";
	case PCRE2_ERROR_HEAPLIMIT: return "heap limit";
	case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack limit";
	}
	pcre2_get_error_message(pcre2_rc, (PCRE2_UCHAR *)msg, len);
	return msg;
}

/* A record the pattern could not be matched against: not a non-match.
 * Named (the first LIMIT_LINES), counted, and the exit status says so. */
static void log_limit(struct log_out *o, const struct stored_record *r,
		      int pcre2_rc)
{
	if (o->limited++ >= LIMIT_LINES)
		return;
	char msg[128];
	struct buf line = {0};
	term_escape(&line, r->path, strlen(r->path));
	buf_printf(&line, ":%u: pattern hit the PCRE2 %s\n", (unsigned)r->line,
		   limit_name(pcre2_rc, msg, sizeof(msg)));
	buf_flush_to(&line, stderr);
	buf_free(&line);
}

/* The merge with rows formatted on a second thread (see above). 0, or
 * -1 on a store error. */
static int log_merge_threaded(struct log_cursor *c, struct log_out *o)
{
	struct log_pipe *p = pipe_start(o);
	struct log_text_ref ref;
	int rc;
	while ((rc = store_log_next_entry(c, pipe_slot(p), &ref)) == STORE_LOG_RECORD)
		if (pipe_add(p, &ref))
			break;
	int prc = pipe_finish(p, c, o);
	return prc < 0 || (rc != STORE_LOG_RECORD && rc != STORE_LOG_END) ? -1 : 0;
}

/* store_log's loop, formatting here. 0, or -1 on a store error. */
static int log_merge_here(struct log_cursor *c, struct log_out *o)
{
	struct stored_record rec;
	int prc = 0, rc;
	do {
		rc = store_log_next(c, &rec, &prc);
		if (rc == STORE_LOG_RECORD && log_format(o, &rec))
			rc = STORE_LOG_END;
		else if (rc == STORE_LOG_LIMITED)
			log_limit(o, &rec, prc);
	} while (rc == STORE_LOG_RECORD || rc == STORE_LOG_LIMITED);
	return rc == STORE_LOG_END ? 0 : -1;
}

static int log_merge(struct store *s, const struct log_query *q,
		     struct log_out *o)
{
	struct log_cursor *c = store_log_open(s, q);
	if (!c)
		return -1;
	int rc = !q->grep && log_threaded() ? log_merge_threaded(c, o) :
		 log_merge_here(c, o);
	store_log_close(c);
	return rc;
}

int cmd_log(int argc, char **argv)
{
	const char *store_opt = NULL, *grep = NULL;
	struct log_query q = {0};
	struct log_out o = { .fmt = OUT_TABLE };
	bool ignore_case = false;
	int c, rc = 2;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:f:hi", log_options, NULL)) != -1) {
		switch (c) {
		case 'd': store_opt = optarg; break;
		case OPT_HOST: q.host = optarg; break;
		case OPT_COMPONENT: q.component = optarg; break;
		case OPT_GREP: grep = optarg; break;
		case OPT_SINCE:
			if (!cli_parse_time("log", "--since", optarg, &q.since_us))
				return 2;
			q.has_since = true;
			break;
		case OPT_UNTIL:
			if (!cli_parse_time("log", "--until", optarg, &q.until_us))
				return 2;
			q.has_until = true;
			break;
		case 'f':
			if (!out_format_parse(optarg, 1u << OUT_TABLE | 1u << OUT_JSON, &o.fmt))
				return cli_usage_error("log", "--format wants table or json, got '%s'", optarg);
			break;
		case OPT_SEVERITY:
			if (!parse_severity(optarg, &q.min_sev))
				return cli_usage_error("log", "--severity wants error, warning, info or verbose, got '%s'", optarg);
			break;
		case 'i': ignore_case = true; break;
		case 'h': fputs(log_help, stdout); return 0;
		default: return cli_option_error("log", argv, "d:f:hi", log_options);
		}
	}
	if (optind < argc)
		return cli_usage_error("log", "unexpected argument '%s'", argv[optind]);
	if (ignore_case && !grep)
		return cli_usage_error("log", "--ignore-case goes with --grep");
	if (grep && !cli_compile_grep_case("log", grep, ignore_case, &o.re, &o.md))
		goto out;
	q.grep = o.re;
	q.grep_text = grep;
	o.cells = xcalloc(CELL_SLOTS, sizeof(*o.cells));
	struct store *s = cli_open_read(cli_store_path(store_opt));
	if (!s)
		goto out;
	if (o.fmt == OUT_JSON)
		buf_putc(&o.b, '[');
	rc = log_merge(s, &q, &o) < 0 ? 2 : 0;
	if (rc)
		term_printf(stderr, "tatrace log: %s\n", store_error(s));
	else if (o.limited) {
		fprintf(stderr, "tatrace log: the pattern hit a PCRE2 limit on"
			" %llu record%s, not shown: make it simpler (fewer"
			" nested or unbounded repeats)\n", o.limited,
			o.limited == 1 ? "" : "s");
		rc = 1;
	}
	if (o.fmt == OUT_JSON)
		buf_puts(&o.b, o.n ? "\n]\n" : "]\n");
	buf_flush_to(&o.b, stdout);
	store_close(s);
out:
	if (o.cells)
		cells_free(o.cells);
	free(o.cells);
	buf_free(&o.b);
	pcre2_match_data_free(o.md);
	pcre2_code_free(o.re);
	return rc;
}
