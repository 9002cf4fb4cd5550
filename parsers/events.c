/* events.c - the table of message shapes that become trace events, and the
 * matcher that runs it. Every shape starts the message, so the message's
 * first byte after its leading blanks picks the rows that may match (the
 * bytes each row can start with are PCRE2's own start information of its
 * compiled pattern: the table stays the one place that says what a shape
 * is); PCRE2 (compiled and JIT-compiled once) confirms the shape and its
 * named groups fill struct event. */
#include "events.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timeparse.h"
#include "../lib/util.h"

/* Which file roles a row applies to. */
enum role_bit {
	R_CONNECTOR = 1 << 0,
	R_SERVER = 1 << 1,
	R_AGENT = 1 << 2,
	R_UPLOAD = 1 << 3,
};
/* Slots of the per-role row lists: the roles that have events, which
 * are the first ones of enum log_role. */
#define ROLE_SLOTS 4
_Static_assert(ROLE_CONNECTOR == 0 && ROLE_SERVER == 1 && ROLE_AGENT == 2 &&
	       ROLE_UPLOAD == 3 && ROLE_OTHER == ROLE_SLOTS,
	       "role slots follow enum log_role");

struct event_row {
	enum lane lane;
	enum event_kind kind;
	unsigned roles;		/* enum role_bit mask */
	const char *pattern;	/* see the notes above the table */
};

/* Pattern pieces. */
#define LEAD "\\h*+"				/* leading blanks */
#define EOL "[\\h~]*+(?:[\\r\\n]|\\z)"		/* end of the first line */
#define GUID "\\{?(?<guid>[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12})\\}?"
#define LINE "[^\\r\\n]"			/* any byte but a line break */

/* The message shapes. Every pattern is anchored at the message start
 * (PCRE2_ANCHORED) and matched against the whole message, which may span
 * lines: a shape must start the message, its fields lie on the first line.
 * Each begins with LEAD, the leading blanks, and then something that is
 * not a blank (the matcher relies on both, and checks them).
 *
 * A blank in a pattern stands for \s+, since the logs pad words with one or
 * two spaces; a blank may not sit inside a class or before a quantifier
 * (write \h). Named groups fill the event: push, task, type, count, failed,
 * rc, status (numbers), guid (upper-cased), name, tenant, user, detail
 * (text, trailing blanks cut), utc (an ISO 8601 UTC time) and local (an
 * M/D/YYYY H:MM:SS [AM|PM] local time), the last two into stamp_us.
 *
 * Untrusted text: no nested quantifiers; free text is a [^\r\n] class,
 * bounded where something must follow it; anchoring gives one start only.
 *
 * Deliberately not rows: "Response status code: 401 (Unauthorized) Activity
 * ID: ..." and "The remote server returned an error: (401) ..." follow the
 * "Response from" line of the same failure and would count it twice. */
static const struct event_row event_rows[] = {
	/* CMGatewayNotificationWorker */
	{ LANE_CONNECTOR, EV_NOTIFY_RECEIVED, R_CONNECTOR,
	  LEAD "Received new notification\\. Validating basic notification details\\.{1,3}" EOL },
	{ LANE_CONNECTOR, EV_NOTIFY_VALIDATING, R_CONNECTOR,
	  LEAD "Validating device action message content\\.{1,3}" EOL },
	{ LANE_CONNECTOR, EV_AUTHORIZED, R_CONNECTOR,
	  LEAD "Authorized to perform client action\\. TemplateID: (?<name>\\S++)"
	  " TenantId: (?<tenant>\\S++) AADUserID: (?<user>\\S++)" },
	{ LANE_CONNECTOR, EV_UNAUTHORIZED, R_CONNECTOR,
	  LEAD "Unauthorized to perform client action\\. TemplateID: (?<name>\\S++)"
	  " TenantId: (?<tenant>\\S++) AADUserID: (?<user>\\S++)" },
	{ LANE_CONNECTOR, EV_FORWARDED, R_CONNECTOR,
	  LEAD "Forwarded BGB remote task\\. TemplateID: (?:(?<type>\\d++)|(?<name>\\S++))"
	  " TaskGuid: " GUID " TaskParam:\\h*+"
	  "(?<detail>(?:" LINE "*?TargetDeviceIDs:\\h*+(?<count>\\d++))?" LINE "*+)" },
	{ LANE_SITE, EV_WEB_EXCEPTION, R_CONNECTOR,
	  LEAD "Web exception when getting new notification\\b" },
	/* CMGatewayNotificationWorker, GenericUploadWorker: an HTTP error from
	 * the gateway, with or without a "[Scenario]" prefix. */
	{ LANE_SITE, EV_GATEWAY_ERROR, R_CONNECTOR | R_UPLOAD,
	  LEAD "(?:\\[" "[^\\]\\r\\n]{0,128}" "\\]\\h*+)?Response from (?<detail>\\S++)"
	  " is: (?<status>[4-9]\\d\\d)\\b\\h*+\\((?<name>[^)\\r\\n]{1,200})\\)" },

	/* BgbServer */
	{ LANE_SERVER, EV_PUSH_FETCHED, R_SERVER,
	  LEAD "Get one push message from database\\.?" EOL },
	{ LANE_SERVER, EV_PUSH_STARTED, R_SERVER,
	  LEAD "Starting to send push task \\(PushID: (?<push>\\d++) TaskID: (?<task>\\d++)"
	  " TaskGUID: " GUID " TaskType: (?<type>\\d++) TaskParam:\\h*+"
	  "(?<detail>" LINE "*?)(?:\\) to (?<count>\\d++) clients\\b|[\\r\\n]|\\z)" },
	{ LANE_SERVER, EV_PUSH_FINISHED, R_SERVER,
	  LEAD "Finished sending push task \\(PushID: (?<push>\\d++) TaskID: (?<task>\\d++)"
	  "\\s*+\\) to (?<count>\\d++) clients\\b" },
	{ LANE_SERVER, EV_BTS_REPORT, R_SERVER,
	  LEAD "Generated BGB task status report " LINE "{0,2048}?"
	  "\\(PushID: (?<push>\\d++) ReportedClients: (?<count>\\d++)"
	  " FailedClients: (?<failed>\\d++)\\s*+\\)" },
	/* Clients counted under HTTP have fallen back from the TCP channel
	 * (port 10123) to polling the management point. Only a count above
	 * zero is an event: the line repeats all day on a healthy site. */
	{ LANE_SERVER, EV_ONLINE_CLIENTS, R_SERVER,
	  LEAD "Total online clients: \\d++ \\((?<detail>TCP: \\d++ HTTP: (?<count>[1-9]\\d*+))\\)" },
	{ LANE_SERVER, EV_FIREWALL_BLOCKED, R_SERVER,
	  LEAD "(?:WARNING:\\h*+)?Notification Server " LINE "{0,1024}?"
	  " with TCP port (?<count>\\d++) is NOT allowed by Windows Firewall\\b" },

	/* CcmNotificationAgent (BgbAgent) */
	{ LANE_AGENT, EV_TASK_RECEIVED, R_AGENT,
	  LEAD "Receive task from server with pushid=(?<push>\\d++),\\s*+taskid=(?<task>\\d++),"
	  "\\s*+taskguid=" GUID ",\\s*+tasktype=(?<type>\\d++) and taskParam="
	  "(?<detail>" LINE "*+)" },
	{ LANE_AGENT, EV_RESPONSE_SENT, R_AGENT,
	  LEAD "Send Task response message <BgbResponseMessage TimeStamp=\"(?<utc>[^\"\\r\\n]{1,40})\""
	  "\\s*+>\\s*+<PushID>\\s*+(?<push>\\d++)\\s*+</PushID>"
	  "\\s*+<TaskID>\\s*+(?<task>\\d++)\\s*+</TaskID>"
	  "\\s*+<ReturnCode>\\s*+(?<rc>-?\\d++)\\s*+</ReturnCode>"
	  "\\s*+</BgbResponseMessage> successfull?y\\b" },

	/* CMGatewaySyncUploadWorker */
	{ LANE_SITE, EV_UPLOAD_BATCH, R_UPLOAD,
	  LEAD "Batching (?<count>\\d++) records?\\b" },
	{ LANE_SITE, EV_NEXT_RUN, R_UPLOAD,
	  LEAD "Next run time will be at approximately: "
	  "(?<local>\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d\\d:\\d\\d(?:\\h++[AaPp][Mm]\\b)?)" },
};
#define ROW_COUNT (sizeof(event_rows) / sizeof(event_rows[0]))
_Static_assert(ROW_COUNT < 256, "row indexes are kept in unsigned char");

/* The named groups a pattern may use. */
enum field {
	FLD_PUSH, FLD_TASK, FLD_TYPE, FLD_COUNT, FLD_FAILED, FLD_RC, FLD_STATUS,
	FLD_GUID, FLD_NAME, FLD_TENANT, FLD_USER, FLD_DETAIL, FLD_UTC, FLD_LOCAL,
};
#define FIELD_COUNT (FLD_LOCAL + 1)
static const char *const field_names[FIELD_COUNT] = {
	"push", "task", "type", "count", "failed", "rc", "status",
	"guid", "name", "tenant", "user", "detail", "utc", "local",
};

struct compiled_row {
	pcre2_code *code;
	int group[FIELD_COUNT];	/* capture number, 0 when the row has none */
};

/* The bytes LEAD's \h matches in 8-bit, non-UTF mode. */
static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == 0xa0;
}

struct event_matcher {
	struct compiled_row rows[ROW_COUNT];
	/* Per role and first non-blank byte: the rows that may match, one
	 * bit each in table order. */
	uint32_t by_first[ROLE_SLOTS][256];
	pcre2_match_data *md;	/* shared by all rows: one match at a time */
};
_Static_assert(ROW_COUNT <= 32, "a row set is one uint32_t");

/* ---- names ------------------------------------------------------------- */

#define LANE_INFO(id, name, component) [id] = { name, component },
static const struct {
	const char *name, *component;
} lanes[LANE_COUNT] = { LANE_TABLE(LANE_INFO) };
#undef LANE_INFO

const char *lane_name(enum lane lane)
{
	return (unsigned)lane < LANE_COUNT ? lanes[lane].name : "site";
}

const char *lane_component(enum lane lane)
{
	return (unsigned)lane < LANE_COUNT ? lanes[lane].component : "";
}

#define EVENT_KIND_NAME(id, name, what) [id] = name,
static const char *const kind_names[EV_KIND_COUNT] = {
	EVENT_KIND_TABLE(EVENT_KIND_NAME)
};
#undef EVENT_KIND_NAME
#define EVENT_KIND_FIELDS(id, name, what) [id] = what,
static const char *const kind_fields[EV_KIND_COUNT] = {
	EVENT_KIND_TABLE(EVENT_KIND_FIELDS)
};
#undef EVENT_KIND_FIELDS

const char *event_kind_fields(enum event_kind kind)
{
	return (unsigned)kind < EV_KIND_COUNT ? kind_fields[kind] : "";
}

const char *event_kind_name(enum event_kind kind)
{
	if ((unsigned)kind >= EV_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

bool event_kind_parse(const char *name, enum event_kind *out)
{
	if (!name)
		return false;
	for (unsigned k = 0; k < EV_KIND_COUNT; k++) {
		if (strcmp(name, kind_names[k]) == 0) {
			*out = (enum event_kind)k;
			return true;
		}
	}
	return false;
}

/* ---- compiling the table ----------------------------------------------- */

/* A programming error, found by the first test run: die() says which. */
_Noreturn static void die_pattern(const struct event_row *row,
			       const char *why)
{
	die("bad event pattern (%s): %s", why, row->pattern);
}

/* The pattern with each blank turned into \s+ (see the table notes). */
static char *expand_blanks(const struct event_row *row)
{
	struct buf out = { 0 };
	bool in_class = false;
	for (const char *p = row->pattern; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				die_pattern(row, "trailing backslash");
			buf_append(&out, p, 2);
			p++;
			continue;
		}
		if (*p == ' ') {
			if (in_class)
				die_pattern(row, "blank inside a class");
			if (p[1] && strchr("?*+{", p[1]))
				die_pattern(row, "blank before a quantifier");
			buf_append(&out, "\\s+", 3);
			continue;
		}
		if (in_class && *p == ']')
			in_class = false;
		else if (!in_class && *p == '[')
			in_class = true;
		buf_putc(&out, *p);
	}
	return out.data;
}

static void compile_row(const struct event_row *row, struct compiled_row *cr)
{
	if (strncmp(row->pattern, LEAD, strlen(LEAD)) != 0 ||
	    strchr(" \\", row->pattern[strlen(LEAD)]))
		die_pattern(row, "not LEAD and then a non-blank");
	char *pattern = expand_blanks(row);
	int err;
	PCRE2_SIZE at;
	cr->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				 PCRE2_ANCHORED, &err, &at, NULL);
	free(pattern);
	if (!cr->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		die_pattern(row, (const char *)msg);
	}
	/* No JIT (unsupported platform, or built without it) leaves the
	 * interpreter, which pcre2_match() then uses. */
	(void)pcre2_jit_compile(cr->code, PCRE2_JIT_COMPLETE);
	for (unsigned f = 0; f < FIELD_COUNT; f++) {
		int n = pcre2_substring_number_from_name(cr->code,
				(PCRE2_SPTR)field_names[f]);
		cr->group[f] = n > 0 ? n : 0;
	}
}

/* The bytes a match can start with, from PCRE2's study of the pattern:
 * its one first code unit, or its start bitmap; any byte when it knows
 * neither. With LEAD first these are the blanks and the bytes the shape
 * itself starts with. */
static void first_bytes(const pcre2_code *code, bool first[256])
{
	uint32_t type = 0, unit = 0;
	const uint8_t *bitmap = NULL;
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type);
	if (type == 1) {
		pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		for (unsigned c = 0; c < 256; c++)
			first[c] = c == unit;
		return;
	}
	if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap) != 0)
		bitmap = NULL;
	for (unsigned c = 0; c < 256; c++)
		first[c] = !bitmap || (bitmap[c / 8] >> (c % 8)) & 1;
}

struct event_matcher *event_matcher_new(void)
{
	struct event_matcher *m = xcalloc(1, sizeof(*m));
	uint32_t most = 0;
	for (unsigned r = 0; r < ROW_COUNT; r++) {
		const struct event_row *row = &event_rows[r];
		uint32_t captures;
		compile_row(row, &m->rows[r]);
		pcre2_pattern_info(m->rows[r].code, PCRE2_INFO_CAPTURECOUNT,
				   &captures);
		if (captures > most)
			most = captures;
		bool first[256];
		first_bytes(m->rows[r].code, first);
		for (unsigned s = 0; s < ROLE_SLOTS; s++)
			for (unsigned c = 0; c < 256 && (row->roles & (1u << s)); c++)
				if (first[c] && !is_blank((unsigned char)c))
					m->by_first[s][c] |= UINT32_C(1) << r;
	}
	m->md = pcre2_match_data_create(most + 1, NULL);
	if (!m->md)
		die("out of memory");
	return m;
}

void event_matcher_free(struct event_matcher *m)
{
	if (!m)
		return;
	for (unsigned r = 0; r < ROW_COUNT; r++)
		pcre2_code_free(m->rows[r].code);
	pcre2_match_data_free(m->md);
	free(m);
}

/* ---- filling the event -------------------------------------------------- */

/* Decimal with an optional '-'; EVENT_NONE when empty or beyond int64. */
static int64_t to_int64(const char *s, size_t n)
{
	bool neg = n > 0 && s[0] == '-';
	size_t i = neg ? 1 : 0;
	uint64_t v = 0;
	if (i == n)
		return EVENT_NONE;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EVENT_NONE;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return EVENT_NONE;
		v = v * 10 + d;
	}
	return neg ? -(int64_t)v : (int64_t)v;
}

/* Copy without trailing white space, cut to fit at a UTF-8 boundary. */
static void copy_text(char *dst, size_t cap, const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			 s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Up to max digits at s[*i] (at least min); false when fewer. */
static bool take_uint(const char *s, size_t n, size_t *i, int min, int max,
		      int *out)
{
	int v = 0, k = 0;
	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[(*i)++] - '0');
		k++;
	}
	*out = v;
	return k >= min;
}

static bool take_char(const char *s, size_t n, size_t *i, char c)
{
	if (*i < n && s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

static void skip_blanks(const char *s, size_t n, size_t *i)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\r' ||
			  s[*i] == '\n'))
		(*i)++;
}

/* Days and clock to µs since 1970 (no zone); false when either is not a
 * real date or time. */
static bool civil_us(int y, int mo, int d, int h, int mi, int sec,
		     int64_t frac_us, int64_t *out)
{
	int64_t days;
	if (!civil_to_days(y, mo, d, &days) || h > 23 || mi > 59 || sec > 59)
		return false;
	*out = ((days * 24 + h) * 60 + mi) * 60 * US_PER_SEC +
	       sec * US_PER_SEC + frac_us;
	return true;
}

/* "YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z]" - the BgbResponseMessage TimeStamp. */
static int64_t parse_utc(const char *s, size_t n)
{
	size_t i = 0;
	int y, mo, d, h, mi, sec;
	int64_t frac = 0, scale = 100000, us;
	if (!take_uint(s, n, &i, 4, 4, &y) || !take_char(s, n, &i, '-') ||
	    !take_uint(s, n, &i, 2, 2, &mo) || !take_char(s, n, &i, '-') ||
	    !take_uint(s, n, &i, 2, 2, &d) ||
	    !(take_char(s, n, &i, 'T') || take_char(s, n, &i, ' ')) ||
	    !take_uint(s, n, &i, 2, 2, &h) || !take_char(s, n, &i, ':') ||
	    !take_uint(s, n, &i, 2, 2, &mi) || !take_char(s, n, &i, ':') ||
	    !take_uint(s, n, &i, 2, 2, &sec))
		return EVENT_NONE;
	if (take_char(s, n, &i, '.')) {
		size_t start = i;
		for (; i < n && i - start < 9 && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (i == start)
			return EVENT_NONE;
	}
	take_char(s, n, &i, 'Z');
	if (i != n || !civil_us(y, mo, d, h, mi, sec, frac, &us))
		return EVENT_NONE;
	return us;
}

/* "M/D/YYYY H:MM:SS[ AM|PM]" - local time, as if it were UTC. */
static int64_t parse_local(const char *s, size_t n)
{
	size_t i = 0;
	int y, mo, d, h, mi, sec;
	int64_t us;
	if (!take_uint(s, n, &i, 1, 2, &mo) || !take_char(s, n, &i, '/') ||
	    !take_uint(s, n, &i, 1, 2, &d) || !take_char(s, n, &i, '/') ||
	    !take_uint(s, n, &i, 4, 4, &y))
		return EVENT_NONE;
	skip_blanks(s, n, &i);
	if (!take_uint(s, n, &i, 1, 2, &h) || !take_char(s, n, &i, ':') ||
	    !take_uint(s, n, &i, 2, 2, &mi) || !take_char(s, n, &i, ':') ||
	    !take_uint(s, n, &i, 2, 2, &sec))
		return EVENT_NONE;
	skip_blanks(s, n, &i);
	if (i + 2 == n && (s[i + 1] == 'M' || s[i + 1] == 'm')) {
		bool pm = s[i] == 'P' || s[i] == 'p';
		if (h < 1 || h > 12)
			return EVENT_NONE;
		h = h % 12 + (pm ? 12 : 0);
		i = n;
	}
	if (i != n || !civil_us(y, mo, d, h, mi, sec, 0, &us))
		return EVENT_NONE;
	return us;
}

static void fill_event(const struct event_row *row,
		       const struct compiled_row *cr, const PCRE2_SIZE *ov,
		       const char *msg, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->lane = row->lane;
	ev->kind = row->kind;
	ev->push_id = ev->task_id = ev->task_type = EVENT_NONE;
	ev->count = ev->failed = ev->return_code = EVENT_NONE;
	ev->http_status = ev->stamp_us = EVENT_NONE;

	for (unsigned f = 0; f < FIELD_COUNT; f++) {
		int g = cr->group[f];
		if (!g || ov[2 * g] == PCRE2_UNSET)
			continue;
		const char *s = msg + ov[2 * g];
		size_t n = ov[2 * g + 1] - ov[2 * g];
		switch ((enum field)f) {
		case FLD_PUSH:
			ev->push_id = to_int64(s, n);
			break;
		case FLD_TASK:
			ev->task_id = to_int64(s, n);
			break;
		case FLD_TYPE:
			ev->task_type = to_int64(s, n);
			break;
		case FLD_COUNT:
			ev->count = to_int64(s, n);
			break;
		case FLD_FAILED:
			ev->failed = to_int64(s, n);
			break;
		case FLD_RC:
			ev->return_code = to_int64(s, n);
			break;
		case FLD_STATUS:
			ev->http_status = to_int64(s, n);
			break;
		case FLD_GUID:
			copy_text(ev->guid, sizeof(ev->guid), s, n);
			for (char *c = ev->guid; *c; c++)
				if (*c >= 'a' && *c <= 'f')
					*c = (char)(*c - 'a' + 'A');
			break;
		case FLD_NAME:
			copy_text(ev->name, sizeof(ev->name), s, n);
			break;
		case FLD_TENANT:
			copy_text(ev->tenant, sizeof(ev->tenant), s, n);
			break;
		case FLD_USER:
			copy_text(ev->user, sizeof(ev->user), s, n);
			break;
		case FLD_DETAIL:
			copy_text(ev->detail, sizeof(ev->detail), s, n);
			break;
		case FLD_UTC:
			ev->stamp_us = parse_utc(s, n);
			break;
		case FLD_LOCAL:
			ev->stamp_us = parse_local(s, n);
			break;
		}
	}
}

/* ---- matching ------------------------------------------------------------ */

bool event_match(struct event_matcher *m, const char *role,
		 const char *msg, size_t len, struct event *ev)
{
	enum log_role r;
	return role_parse(role, &r) && strcmp(role, role_name(r)) == 0 &&
	       event_match_role(m, r, msg, len, ev);
}

bool event_match_role(struct event_matcher *m, enum log_role role,
		      const char *msg, size_t len, struct event *ev)
{
	unsigned slot = (unsigned)role;
	if (slot >= ROLE_SLOTS || !msg || len == 0)
		return false;
	size_t at = 0;
	while (at < len && is_blank((unsigned char)msg[at]))
		at++;
	if (at == len)
		return false;	/* every shape has a non-blank */
	for (uint32_t rows = m->by_first[slot][(unsigned char)msg[at]]; rows;
	     rows &= rows - 1) {
		unsigned r = (unsigned)__builtin_ctz(rows);
		const struct event_row *row = &event_rows[r];
		const struct compiled_row *cr = &m->rows[r];
		/* Errors (match or JIT stack limits on hostile text) count
		 * as no match. */
		if (pcre2_match(cr->code, (PCRE2_SPTR)msg, len, 0, 0, m->md,
				NULL) <= 0)
			continue;
		fill_event(row, cr, pcre2_get_ovector_pointer(m->md), msg, ev);
		return true;
	}
	return false;
}

unsigned event_rows_starting(const struct event_matcher *m, enum log_role role,
			     unsigned char c)
{
	unsigned slot = (unsigned)role;
	return slot < ROLE_SLOTS ? (unsigned)__builtin_popcount(m->by_first[slot][c]) : 0;
}
