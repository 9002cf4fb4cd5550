/* ccm.c - CMTrace records: <![LOG[message]LOG]!><time="" date="" ...>.
 * Records are found by their delimiters, never by lines, since messages
 * hold CRLF, LF and bare CR. Text outside a well-formed record (torn
 * writes, a file that starts mid-record) becomes a partial record. */
#include "parse_internal.h"

#include <string.h>
#include <strings.h>
#include "timeparse.h"

#define DELIM_LEN 7
static const char ccm_opener[] = "<![LOG[";
static const char ccm_closer[] = "]LOG]!>";
#define NOT_FOUND ((size_t)-1)

struct ccm_attrs {
	struct span time, date, component, type, thread;
};

enum tail_result {
	TAIL_OK,	/* a well-formed tag ending in '>' */
	TAIL_BAD,	/* malformed; *end is where the record ends */
	TAIL_MORE,	/* cannot tell before the text runs out */
};

/* Delimiters start with '<' or ']', both rare in messages, so memchr for
 * the first byte beats memmem. */
static size_t find(const char *t, size_t from, size_t to, const char *needle)
{
	while (from + DELIM_LEN <= to) {
		const char *s = memchr(t + from, needle[0],
				       to - from - (DELIM_LEN - 1));
		if (!s)
			return NOT_FOUND;
		if (memcmp(s, needle, DELIM_LEN) == 0)
			return (size_t)(s - t);
		from = (size_t)(s - t) + 1;
	}
	return NOT_FOUND;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void attr_store(struct ccm_attrs *a, const char *name, size_t nlen,
		       struct span value)
{
	struct span *slot = NULL;
	if (nlen == 4 && memcmp(name, "time", 4) == 0)
		slot = &a->time;
	else if (nlen == 4 && memcmp(name, "date", 4) == 0)
		slot = &a->date;
	else if (nlen == 9 && memcmp(name, "component", 9) == 0)
		slot = &a->component;
	else if (nlen == 4 && memcmp(name, "type", 4) == 0)
		slot = &a->type;
	else if (nlen == 6 && memcmp(name, "thread", 6) == 0)
		slot = &a->thread;
	if (slot)
		*slot = value;
}

/* A malformed tag ends at the next '>' before lim; failing that, at lim
 * once lim is known to be final. */
static enum tail_result tail_bad(const char *t, size_t i, size_t lim,
				 bool hard, size_t *end)
{
	const char *gt = i < lim ? memchr(t + i, '>', lim - i) : NULL;
	if (gt) {
		*end = (size_t)(gt - t) + 1;
		return TAIL_BAD;
	}
	if (!hard)
		return TAIL_MORE;
	*end = lim;
	return TAIL_BAD;
}

/* An incomplete tag: more text may finish it, unless lim is final (the
 * next opener, or eof), in which case the torn tag runs to lim. */
static enum tail_result tail_short(size_t lim, bool hard, size_t *end)
{
	*end = lim;
	return hard ? TAIL_BAD : TAIL_MORE;
}

/* Parse `<name="value" ...>` at t[i], within [i, lim). */
static enum tail_result ccm_tail(const char *t, size_t i, size_t lim,
				 bool hard, struct ccm_attrs *a, size_t *end)
{
	if (i >= lim)
		return tail_short(lim, hard, end);
	if (t[i] != '<')
		return tail_bad(t, i, lim, hard, end);
	i++;
	for (;;) {
		while (i < lim && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (i >= lim)
			return tail_short(lim, hard, end);
		if (t[i] == '>') {
			*end = i + 1;
			return TAIL_OK;
		}
		size_t name = i;
		while (i < lim && is_name_char(t[i]))
			i++;
		if (i + 1 >= lim)
			return tail_short(lim, hard, end);
		if (i == name || t[i] != '=' || t[i + 1] != '"')
			return tail_bad(t, i, lim, hard, end);
		i += 2;
		const char *q = memchr(t + i, '"', lim - i);
		if (!q)
			return tail_short(lim, hard, end);
		size_t qi = (size_t)(q - t);
		attr_store(a, t + name, i - 2 - name,
			   (struct span){(uint32_t)i, (uint32_t)(qi - i)});
		i = qi + 1;
	}
}

/* The one optional line terminator after the tag; 0 when the text ends
 * before we can tell (a CR might be followed by LF in the next feed). */
static size_t take_terminator(const char *t, size_t e, size_t n, bool eof)
{
	if (e == n)
		return eof ? e : 0;
	if (t[e] == '\n')
		return e + 1;
	if (t[e] != '\r')
		return e;
	if (e + 1 < n)
		return t[e + 1] == '\n' ? e + 2 : e + 1;
	return eof ? e + 1 : 0;
}

static int8_t parse_type(const char *s, size_t len)
{
	if (!len)
		return -1;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v < 1000)
			v = v * 10 + (s[i] - '0');
	}
	return (int8_t)(v > 127 ? 127 : v);
}

static int32_t parse_thread(const char *s, size_t len)
{
	if (!len || len > 10)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > INT32_MAX ? -1 : (int32_t)v;
}

static void ccm_time(struct parser *p, const char *t, const struct ccm_attrs *a,
		     struct log_record *rec)
{
	if (a->time.len) {
		rec->time_text = a->time;
		/* time and date side by side: keep both in one span */
		size_t time_end = a->time.off + a->time.len;
		if (a->date.len && a->date.off == time_end + 8 &&
		    memcmp(t + time_end, "\" date=\"", 8) == 0)
			rec->time_text.len = a->date.off + a->date.len -
					     a->time.off;
	} else {
		rec->time_text = a->date;
	}
	if (!a->time.len || !a->date.len)
		return;
	if (time_non_ascii(t + a->date.off, a->date.len) ||
	    time_non_ascii(t + a->time.off, a->time.len)) {
		parser_warn_once(p, PARSER_WARN_NON_ASCII, "non-ASCII time,"
				 " records left untimed:",
				 t + rec->time_text.off, rec->time_text.len);
		return;
	}
	int64_t days, us;
	if (!parse_mdy(t + a->date.off, a->date.len, &days)) {
		parser_problem(p, "invalid date", t + a->date.off, a->date.len);
		return;
	}
	if (!parser_clock(p, t + a->time.off, a->time.len, &us, rec)) {
		parser_problem(p, "invalid time", t + a->time.off, a->time.len);
		return;
	}
	rec->local_us = days * 86400 * US_PER_SEC + us;
	rec->has_time = true;
}

static void ccm_fill(struct parser *p, const char *t, const struct ccm_attrs *a,
		     struct log_record *rec)
{
	rec->component = a->component;
	rec->type = parse_type(t + a->type.off, a->type.len);
	rec->thread = parse_thread(t + a->thread.off, a->thread.len);
	ccm_time(p, t, a, rec);
}

/* Text with no closer before lim: a partial record up to lim. */
static size_t ccm_orphan(const char *t, size_t body, size_t lim,
			 struct log_record *rec)
{
	rec->partial = true;
	rec->message.off = (uint32_t)body;
	rec->message.len = (uint32_t)(parser_strip_eol(t + body, lim - body));
	return lim;
}

static size_t ccm_wait(struct parser *p, size_t n, size_t closer_from)
{
	size_t safe = n > DELIM_LEN - 1 ? n - (DELIM_LEN - 1) : 0;
	p->hint_opener = safe;
	p->hint_closer = closer_from;
	return 0;
}

/* Does a file="..." or component="..." attribute of a record's tag (never
 * its message: AppEnforce.log quotes Deploy-Application.exe) name PSADT?
 * 3.x writes file="Deploy-Application.ps1" (or AppDeployToolkit*.ps1),
 * 4.x the calling script, e.g. Invoke-AppDeployToolkit.ps1 or
 * PSAppDeployToolkit.psm1, and components named after its *-ADT*
 * functions (Open-ADTSession, Start-ADTProcess). */
static bool value_has(const char *tag, size_t len, const char *attr,
		      const char *const *marks)
{
	size_t alen = strlen(attr);
	const char *v = memmem(tag, len, attr, alen);
	if (!v)
		return false;
	v += alen;
	const char *q = memchr(v, '"', len - (size_t)(v - tag));
	size_t vlen = q ? (size_t)(q - v) : 0;
	for (const char *const *m = marks; *m; m++) {
		size_t ml = strlen(*m);
		/* Its first byte, either case, before the whole mark: this
		 * runs over every tag of a file's first 64 KiB. */
		unsigned char first = (unsigned char)(*m)[0] | 0x20;
		for (size_t i = 0; i + ml <= vlen; i++)
			if (((unsigned char)v[i] | 0x20) == first &&
			    strncasecmp(v + i, *m, ml) == 0)
				return true;
	}
	return false;
}

#define PSADT_TAG_MAX 2048	/* a tag longer than this is not PSADT's */

bool ccm_is_psadt(const char *t, size_t n)
{
	static const char *const files[] = {"AppDeployToolkit",
					    "Deploy-Application", NULL};
	static const char *const comps[] = {"-ADT", NULL};
	size_t at = 0;
	while (at < n) {
		size_t c = find(t, at, n, ccm_closer);
		if (c == NOT_FOUND)
			break;
		size_t tag = c + DELIM_LEN, lim = n - tag < PSADT_TAG_MAX ?
						   n : tag + PSADT_TAG_MAX;
		const char *gt = memchr(t + tag, '>', lim - tag);
		size_t len = gt ? (size_t)(gt - t) - tag : lim - tag;
		if (value_has(t + tag, len, " file=\"", files) ||
		    value_has(t + tag, len, " component=\"", comps))
			return true;
		at = tag;
	}
	return false;
}

/* Decided once per file, from its first PSADT_DETECT_BYTES of text (or
 * all of it): wait for that much so the verdict never depends on how the
 * text was chunked. */
#define PSADT_DETECT_BYTES (64u * 1024u)
static bool ccm_flavor(struct parser *p, const char *t, size_t n, bool eof)
{
	if (p->flavor_known)
		return true;
	if (n < PSADT_DETECT_BYTES && !eof)
		return false;
	p->psadt = ccm_is_psadt(t, n < PSADT_DETECT_BYTES ? n :
				PSADT_DETECT_BYTES);
	p->flavor_known = true;
	return true;
}

void ccm_read_head(struct parser *p, const char *t, size_t n)
{
	p->flavor_known = false;
	ccm_flavor(p, t, n, true);
}

size_t ccm_next(struct parser *p, const char *t, size_t n, bool eof,
		struct log_record *rec)
{
	if (!ccm_flavor(p, t, n, eof))
		return 0;
	/* Blank lines with no record before them (the start of a file, the
	 * rest of a flood cut at PARSER_BLANK_MAX) make one partial record,
	 * so that the next record's line is its opener's. */
	if (n && (t[0] == '\r' || t[0] == '\n' || t[0] == ' ' ||
		  t[0] == '\t')) {
		size_t lead;
		bool capped;
		if (!parser_blank_lines(p, t, 0, n, eof, &lead, &capped))
			return 0;
		if (lead)
			return ccm_orphan(t, 0, lead, rec);
	}
	bool opened = n >= DELIM_LEN && memcmp(t, ccm_opener, DELIM_LEN) == 0;
	if (!opened && n < DELIM_LEN && !eof && memcmp(t, ccm_opener, n) == 0)
		return 0;
	size_t body = opened ? DELIM_LEN : 0;
	size_t from = p->hint_opener > body ? p->hint_opener : body;
	size_t next = find(t, from, n, ccm_opener);
	bool hard = next != NOT_FOUND || eof;
	size_t lim = next != NOT_FOUND ? next : n;
	from = p->hint_closer > body ? p->hint_closer : body;
	size_t c = find(t, from, lim, ccm_closer);
	if (c == NOT_FOUND) {
		if (!hard) {
			size_t safe = n > DELIM_LEN - 1 ? n - (DELIM_LEN - 1) : 0;
			return ccm_wait(p, n, safe > body ? safe : body);
		}
		return ccm_orphan(t, body, lim, rec);
	}
	struct ccm_attrs a;
	memset(&a, 0, sizeof(a));
	size_t end;
	enum tail_result r = ccm_tail(t, c + DELIM_LEN, lim, hard, &a, &end);
	if (r == TAIL_MORE)
		return ccm_wait(p, n, c);
	if (end < lim || next == NOT_FOUND) {
		size_t e = take_terminator(t, end, n, eof);
		bool capped;
		if (!e || !parser_blank_lines(p, t, e, n, eof, &end, &capped))
			return ccm_wait(p, n, c);
	}
	rec->partial = !opened || r == TAIL_BAD;
	rec->message.off = (uint32_t)body;
	rec->message.len = (uint32_t)(c - body);
	ccm_fill(p, t, &a, rec);
	return end;
}
