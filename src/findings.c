/* findings.c - the rule table and its matchers.
 *
 * findings_rebuild() loads what the rules read - the few events of the
 * site lane, refusals and notification-server warnings (with each record's
 * bias) and every file's coverage - then passes over the traces once,
 * page by page, putting each in the findings it belongs to (its stage,
 * clock skew, unmatched responses, the lanes it misses), runs each rule of
 * the table, sorts the findings by severity and stores them. Nothing holds
 * every trace: rules that need a store-wide figure (slow_hop's median hop)
 * or a trace near a moment (a refusal's) ask the store's indexes.
 * An update after a trace update applies only the traces that changed
 * (their verdict before and after) to the stored findings of those rules.
 * A rule never guesses: a lane without logs is an evidence gap, never a
 * failure; an upload gap counts only inside the time the upload log
 * covers; FailedClients: 0 is no failure. */
#include "findings.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "errcodes.h"
#include "../lib/strmap.h"
#include "../lib/util.h"
#include "../parsers/timeparse.h"

/* Evidence lines kept per finding (count keeps the full number). */
#define MAX_EVIDENCE 8
/* Traces whose stopping line is looked up as evidence of a trace finding. */
#define TRACE_EVIDENCE 3
/* A hop is slow above this many times the store's median for that hop,
 * and never below SLOW_FLOOR_MS: medians of a few ms would otherwise flag
 * ordinary queueing. */
#define SLOW_FACTOR 10
#define SLOW_FLOOR_MS 60000
/* Too few hops make a median that says nothing. */
#define SLOW_MIN_SAMPLES 5
#define MAX_CODES 4

/* ---- loaded input ---------------------------------------------------- */

/* What the rules read of an event: a store of a million traces has tens
 * of thousands of refusals, and a struct event is half a kilobyte. The
 * texts are interned (fctx.pool): a few users, tenants and hosts. */
struct fevent {
	enum event_kind kind;
	int64_t count, http_status, stamp_us;
	const char *name, *tenant, *user, *detail;
};

struct fev {
	struct fevent ev;
	const char *host, *path;
	uint32_t line;
	int64_t utc;
	int32_t bias;			/* INT32_MIN: unknown */
	uint32_t codes[MAX_CODES];	/* HRESULTs named in the text */
	size_t n_codes;
	bool used;			/* grouped already by the running rule */
};

struct fcov {
	char *host, *role, *path, *log_name;
	bool timed;
	int64_t min, max, records;
	int64_t src[OFFSET_SOURCE_COUNT];
	int32_t bias;
	/* The host's rows as a chain (cov_link_hosts): rules walk one host's
	 * logs without comparing every pair of rows, which a bundle of
	 * thousands of hosts would pay for quadratically. */
	bool first_of_host;
	size_t next_of_host;	/* the host's next row, or n_cov */
};

/* ---- findings being built -------------------------------------------- */

struct rule;

struct fnd {
	const struct rule *rule;	/* NULL: a stored kind no rule has */
	bool kept;			/* a stored finding, owned by the was list */
	char *kind, *severity;		/* as stored; NULL for computed ones */
	char *title, *advice;		/* NULL: the rule's own */
	int64_t first, last, count;
	struct finding_evidence ev[MAX_EVIDENCE];
	size_t n_ev;
	int64_t *traces;
	size_t n_tr, cap_tr;
};

struct finding_set {
	struct fnd **v;
	size_t n, cap;
};

/* The findings the pass over the traces fills (struct tpass), each the
 * one of its rule and key: a stage, or a lane for evidence_gap. The rule
 * is NULL when it does not run. */
struct tslot {
	const struct rule *rule;
	struct fnd *f;
	/* an update took away a trace at f's first or last time */
	bool lost_first, lost_last;
};

struct tpass {
	struct tslot stage[TRACE_STATUS_COUNT];
	struct tslot skew, unmatched, uncovered[TRACE_LANES];
	struct buf agent_hosts;	/* clients of traces missing the agent lane */
};

/* Which slots trace_slots names: an update's delta fills those of the
 * stages, skew and unmatched responses; the uncovered ones are filled
 * from the missing_evidence traces alone. */
enum slot_kinds { SLOTS_DELTA = 1, SLOTS_UNCOVERED = 2, SLOTS_ALL = 3 };

struct fctx {
	struct store *s;
	struct finding_set *out;
	bool failed;		/* a store query of a rule failed */
	struct fev *ev;
	size_t n_ev, cap_ev;
	struct strmap *pool;	/* interned text -> index in pool_v */
	char **pool_v;
	size_t n_pool, cap_pool;
	int64_t n_traces;
	struct tpass tp;
	/* An update's delta (struct plan): the lanes whose hops no changed
	 * trace moved, the changed trace ids in order, the stored findings:
	 * slow_hop keeps a lane's stored finding when none of it changed. */
	bool hops_kept[TRACE_LANES];
	const int64_t *changed;
	size_t n_changed;
	struct fnd *const *was;
	size_t n_was;
	struct fcov *cov;
	size_t n_cov, cap_cov;
	struct dup_pair *dups;
	size_t n_dups, cap_dups;
};

/* What a change can touch. Each rule names the changes that can alter
 * its findings (and so the inputs it reads): an update reruns only the
 * rules a change reaches and keeps the stored findings of the others. */
enum finding_dep {
	DEP_EVENTS = 1u << 0,	/* an event findings read was stored */
	DEP_TRACES = 1u << 1,	/* a trace was rewritten, added or removed */
	DEP_FILES = 1u << 2,	/* a log was added, replaced or removed */
	DEP_SPANS = 1u << 3,	/* a log's records, span or time offsets moved */
	DEP_UPLOAD = 1u << 4,	/* an upload log changed in any way */
	DEP_DUPS = 1u << 5,	/* which logs duplicate others changed */
	DEP_ALL = (1u << 6) - 1,
};

struct rule {
	const char *kind;
	enum finding_severity severity;
	const char *title;
	const char *advice;
	void (*match)(struct fctx *c, const struct rule *rule);
	unsigned deps;		/* enum finding_dep bits */
	/* Two rules of one kind differ in this: the findings of one name
	 * traces, those of the other never, which tells whose a stored
	 * finding is. */
	bool traced;
};

/* ---- small helpers ------------------------------------------------------ */

static char *vfmt(const char *fmt, va_list ap)
{
	struct buf b = { 0 };
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	buf_reserve(&b, (size_t)(n > 0 ? n : 0) + 1);
	vsnprintf(b.data, (size_t)n + 1, fmt, ap);
	return b.data;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = vfmt(f, ap);
	va_end(ap);
	return s;
}

static struct fnd *fnd_new(struct fctx *c, const struct rule *rule)
{
	struct finding_set *fs = c->out;
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 16;
		fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	struct fnd *f = xcalloc(1, sizeof(*f));
	f->rule = rule;
	f->first = f->last = EVENT_NONE;
	fs->v[fs->n++] = f;
	return f;
}

static void fnd_time(struct fnd *f, int64_t utc)
{
	if (utc == EVENT_NONE || utc == 0)
		return;
	if (f->first == EVENT_NONE || utc < f->first)
		f->first = utc;
	if (f->last == EVENT_NONE || utc > f->last)
		f->last = utc;
}

static void fnd_evidence(struct fnd *f, const char *host, const char *file,
			 int64_t line, int64_t utc)
{
	if (f->n_ev == MAX_EVIDENCE)
		return;
	f->ev[f->n_ev++] = (struct finding_evidence){
		.host = xstrdup(host ? host : ""),
		.file = xstrdup(file ? file : ""),
		.line = line,
		.utc = utc ? utc : EVENT_NONE,
	};
}

static void fnd_event(struct fnd *f, const struct fev *e)
{
	fnd_evidence(f, e->host, e->path, e->line, e->utc);
	fnd_time(f, e->utc);
	f->count++;
}

static void fnd_trace(struct fnd *f, int64_t id, int64_t first, int64_t last)
{
	if (f->n_tr == f->cap_tr) {
		f->cap_tr = f->cap_tr ? 2 * f->cap_tr : 16;
		f->traces = xrealloc(f->traces, f->cap_tr * sizeof(*f->traces));
	}
	/* In id order: a pass appends; an update puts a trace in its place. */
	size_t at = f->n_tr;
	while (at > 0 && f->traces[at - 1] > id)
		at--;
	memmove(f->traces + at + 1, f->traces + at,
		(f->n_tr - at) * sizeof(*f->traces));
	f->traces[at] = id;
	f->n_tr++;
	fnd_time(f, first);
	fnd_time(f, last);
}

static void fnd_free(struct fnd *f)
{
	for (size_t i = 0; i < f->n_ev; i++) {
		free((char *)f->ev[i].host);
		free((char *)f->ev[i].file);
	}
	free(f->title);
	free(f->advice);
	free(f->traces);
	free(f->kind);
	free(f->severity);
	free(f);
}

/* "47 min", "3 h 05 min", "2 d 4 h". */
static void duration_text(int64_t us, char *out, size_t len)
{
	int64_t min = us / (60 * INT64_C(1000000));
	if (min < 60)
		snprintf(out, len, "%" PRId64 " min", min);
	else if (min < 48 * 60)
		snprintf(out, len, "%" PRId64 " h %02" PRId64 " min", min / 60,
			 min % 60);
	else
		snprintf(out, len, "%" PRId64 " d %" PRId64 " h", min / 1440,
			 (min % 1440) / 60);
}

static void utc_text(int64_t us, char out[32])
{
	if (us == EVENT_NONE || us == 0)
		snprintf(out, 32, "an unknown time");
	else
		format_utc_ms(us, out);
}

/* Name of the last path segment of a URL: the gateway endpoint. */
static void endpoint_of(const char *url, char *out, size_t len)
{
	const char *end = url + strlen(url);
	while (end > url && end[-1] == '/')
		end--;
	const char *q = memchr(url, '?', (size_t)(end - url));
	if (q)
		end = q;
	const char *start = end;
	while (start > url && start[-1] != '/')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

/* Append name to a ", "-separated list when not already there. */
static void list_add(struct buf *b, const char *name)
{
	if (!name[0])
		return;
	const char *p = b->data;
	size_t n = strlen(name);
	while (p && *p) {
		const char *sep = strstr(p, ", ");
		size_t len = sep ? (size_t)(sep - p) : strlen(p);
		if (len == n && !memcmp(p, name, n))
			return;
		p = sep ? sep + 2 : p + len;
	}
	if (b->len)
		buf_puts(b, ", ");
	buf_puts(b, name);
}

/* Add each name of a comma-separated list. */
static void list_csv(struct buf *b, const char *csv)
{
	char name[128];
	while (*csv) {
		size_t n = strcspn(csv, ",");
		snprintf(name, sizeof(name), "%.*s", (int)(n < 127 ? n : 127), csv);
		list_add(b, name);
		csv += n + (csv[n] == ',');
	}
}

/* HRESULTs written as 0xXXXXXXXX in a message. */
static void scan_codes(struct fev *e, const char *text, size_t len)
{
	for (size_t i = 0; i + 10 <= len && e->n_codes < MAX_CODES; i++) {
		if (text[i] != '0' || (text[i + 1] != 'x' && text[i + 1] != 'X'))
			continue;
		char hex[9];
		memcpy(hex, text + i + 2, 8);
		hex[8] = '\0';
		if (strspn(hex, "0123456789abcdefABCDEF") != 8)
			continue;
		if (i + 10 < len && strchr("0123456789abcdefABCDEF", text[i + 10]) &&
		    text[i + 10])
			continue;
		uint32_t code = (uint32_t)strtoul(hex, NULL, 16);
		bool seen = false;
		for (size_t k = 0; k < e->n_codes; k++)
			seen |= e->codes[k] == code;
		if (!seen)
			e->codes[e->n_codes++] = code;
		i += 9;
	}
}

/* The gateway error a web exception reports: the nearest earlier one of
 * the same host, at most a minute before. */
#define EXCEPTION_WINDOW_US (INT64_C(60) * 1000000)

static const struct fev *exception_cause(const struct fctx *c, size_t at)
{
	const struct fev *e = &c->ev[at];
	for (size_t j = at; j-- > 0;) {
		const struct fev *p = &c->ev[j];
		if (e->utc - p->utc > EXCEPTION_WINDOW_US)
			break;
		if (p->ev.kind == EV_GATEWAY_ERROR && !strcmp(p->host, e->host))
			return p;
	}
	return NULL;
}

/* " The exception names 0x80131509 (COR_E_INVALIDOPERATION: ...)." for
 * each code of the web exceptions that follow errors of this status. */
static void codes_sentence(const struct fctx *c, int64_t status,
			   struct buf *out)
{
	uint32_t seen[MAX_CODES * 2];
	size_t n = 0;
	for (size_t i = 0; i < c->n_ev; i++) {
		const struct fev *e = &c->ev[i];
		if (e->ev.kind != EV_WEB_EXCEPTION || !e->n_codes)
			continue;
		const struct fev *cause = exception_cause(c, i);
		if (!cause || cause->ev.http_status != status)
			continue;
		for (size_t k = 0; k < e->n_codes; k++) {
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup |= seen[j] == e->codes[k];
			if (dup || n == sizeof(seen) / sizeof(seen[0]))
				continue;
			seen[n++] = e->codes[k];
			const struct errcode *ec = errcode_find(ERRCODE_HRESULT,
								e->codes[k]);
			buf_printf(out, " The exception that follows names 0x%08X",
				   (unsigned)e->codes[k]);
			if (ec)
				buf_printf(out, " (%s%s%s)", ec->name,
					   ec->name[0] ? ": " : "", ec->meaning);
			buf_putc(out, '.');
		}
	}
}

/* Traces of one status, in first_utc order. */
static int status_index(const char *status)
{
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		if (!strcmp(status, trace_statuses[i].name))
			return i;
	return -1;
}


/* Rules group events in one pass per group: each marks what it took. */
static void clear_used(struct fctx *c)
{
	for (size_t i = 0; i < c->n_ev; i++)
		c->ev[i].used = false;
}

/* The unauthorized trace whose time span holds utc, added to f (a
 * refusal lies within a second of its notice; store_trace_around). */
static void trace_around(struct fctx *c, struct fnd *f, int64_t utc)
{
	int64_t id, first, last;
	int rc = store_trace_around(c->s, "unauthorized", utc, &id, &first, &last);
	if (rc < 0)
		c->failed = true;
	else if (rc == 1)
		fnd_trace(f, id, first, last);
}

/* ---- the rules ----------------------------------------------------------- */

/* Who was refused what, how often: one finding per user, tenant and
 * action. */
static void rule_unauthorized(struct fctx *c, const struct rule *rule)
{
	clear_used(c);
	for (size_t i = 0; i < c->n_ev; i++) {
		const struct fev *e = &c->ev[i];
		if (e->ev.kind != EV_UNAUTHORIZED || e->used)
			continue;
		struct fnd *f = fnd_new(c, rule);
		for (size_t j = i; j < c->n_ev; j++) {
			struct fev *p = &c->ev[j];
			if (p->ev.kind != EV_UNAUTHORIZED || p->used ||
			    strcmp(p->ev.user, e->ev.user) ||
			    strcmp(p->ev.tenant, e->ev.tenant) ||
			    strcmp(p->ev.name, e->ev.name))
				continue;
			p->used = true;
			fnd_event(f, p);
			trace_around(c, f, p->utc);
		}
		f->title = fmt("AADUserID %s (tenant %s) was refused %s %" PRId64
			       " time%s", e->ev.user, e->ev.tenant, e->ev.name,
			       f->count, f->count == 1 ? "" : "s");
		f->advice = fmt("The service connection point refused this Intune"
				" admin's %s: their account has no ConfigMgr"
				" rights on the device. Give the user (AADUserID"
				" %s, tenant %s) a ConfigMgr security role that"
				" covers the device's collection - the account"
				" must be known to ConfigMgr through user"
				" discovery - then run the action again.",
				e->ev.name, e->ev.user, e->ev.tenant);
	}
}

/* Who answered: the SMS provider's AdminService, the tenant attach
 * gateway, or a service the URL does not tell. */
static const char *answered_by(const char *url)
{
	if (strcasestr(url, "/AdminService"))
		return "The SMS provider (AdminService)";
	if (strcasestr(url, "gateway"))
		return "The tenant attach gateway";
	return "A web service";
}

/* HTTP errors from the tenant attach gateway, one finding per status.
 * 403 belongs to mfa_forbidden. */
static void gateway_status(struct fctx *c, const struct rule *rule, bool want_403)
{
	clear_used(c);
	for (size_t i = 0; i < c->n_ev; i++) {
		const struct fev *e = &c->ev[i];
		if (e->ev.kind != EV_GATEWAY_ERROR || e->used ||
		    (e->ev.http_status == 403) != want_403)
			continue;
		struct fnd *f = fnd_new(c, rule);
		struct buf where = { 0 }, hosts = { 0 };
		for (size_t j = i; j < c->n_ev; j++) {
			struct fev *p = &c->ev[j];
			if (p->ev.kind != EV_GATEWAY_ERROR || p->used ||
			    p->ev.http_status != e->ev.http_status)
				continue;
			p->used = true;
			char ep[96];
			endpoint_of(p->ev.detail, ep, sizeof(ep));
			list_add(&where, ep);
			list_add(&hosts, p->host);
			fnd_event(f, p);
		}
		uint32_t status = (uint32_t)e->ev.http_status;
		const struct errcode *ec = errcode_find(ERRCODE_HTTP, status);
		f->title = fmt("%s answered HTTP %u (%s) to %s on %s, %" PRId64
			       " time%s", answered_by(e->ev.detail), status,
			       e->ev.name, where.data ? where.data : "?",
			       hosts.data ? hosts.data : "?", f->count,
			       f->count == 1 ? "" : "s");
		struct buf adv = { 0 };
		buf_printf(&adv, "HTTP %u means: %s.", status,
			   ec ? ec->meaning : "an error status without an"
			   " entry in tatrace's code table");
		if (want_403)
			buf_puts(&adv, " When the site's SMS provider requires"
				 " multi-factor authentication, tenant attach"
				 " actions are refused with 403. Set the"
				 " hierarchy's authentication level back to"
				 " Windows authentication (Hierarchy Settings,"
				 " Authentication), then run the action again.");
		else if (status == 400 || status == 401)
			buf_puts(&adv, " The gateway no longer accepts this"
				 " hierarchy's onboarding (often: it was"
				 " onboarded twice). Reset tenant attach:"
				 " offboard the hierarchy, wait at least two"
				 " hours for the service to clean up its"
				 " record, then onboard it again.");
		else
			buf_puts(&adv, " If it keeps coming back, check the"
				 " service connection point's connection to"
				 " the gateway (proxy, firewall) and the"
				 " service's health.");
		if (!want_403)
			codes_sentence(c, e->ev.http_status, &adv);
		f->advice = adv.data;
		buf_free(&where);
		buf_free(&hosts);
	}
}

static void rule_gateway(struct fctx *c, const struct rule *rule)
{
	gateway_status(c, rule, false);
}

static void rule_mfa(struct fctx *c, const struct rule *rule)
{
	gateway_status(c, rule, true);
}

/* The firewall warning and clients counted under HTTP, per server. */
static void rule_port(struct fctx *c, const struct rule *rule)
{
	clear_used(c);
	for (size_t i = 0; i < c->n_ev; i++) {
		const struct fev *e = &c->ev[i];
		bool hit = e->ev.kind == EV_FIREWALL_BLOCKED ||
			   (e->ev.kind == EV_ONLINE_CLIENTS && e->ev.count > 0);
		if (!hit || e->used)
			continue;
		struct fnd *f = fnd_new(c, rule);
		int64_t blocked = 0, most_http = 0, port = 10123;
		for (size_t j = i; j < c->n_ev; j++) {
			struct fev *p = &c->ev[j];
			if (p->used || strcmp(p->host, e->host))
				continue;
			if (p->ev.kind == EV_FIREWALL_BLOCKED) {
				blocked++;
				if (p->ev.count != EVENT_NONE)
					port = p->ev.count;
			} else if (p->ev.kind == EV_ONLINE_CLIENTS &&
				   p->ev.count > 0) {
				if (p->ev.count > most_http)
					most_http = p->ev.count;
			} else {
				continue;
			}
			p->used = true;
			fnd_event(f, p);
		}
		struct buf t = { 0 };
		if (blocked)
			buf_printf(&t, "Windows Firewall does not allow TCP %" PRId64
				   " to the notification server on %s", port, e->host);
		if (most_http)
			buf_printf(&t, "%s%" PRId64 " client%s of %s fell back to"
				   " HTTP", t.len ? "; " : "", most_http,
				   most_http == 1 ? "" : "s", e->host);
		f->title = t.data;
		f->advice = fmt("Clients receive device actions at once only over"
				" TCP %" PRId64 " to the management point; without"
				" it they fall back to HTTP and see actions only"
				" when they next poll, minutes later or never."
				" Allow inbound TCP %" PRId64 " on %s (Windows"
				" Firewall and any firewall between clients and"
				" the management point).%s", port, port, e->host,
				most_http ? " Clients on the internet (through a"
				" cloud management gateway) use HTTP by design and"
				" are counted under HTTP too." : "");
	}
}

/* Merge sorted intervals that overlap or lie within the grace apart. */
static size_t merge_intervals(const int64_t (*in)[2], size_t n,
			      int64_t (*out)[2])
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && in[i][0] <= out[m - 1][1] + UPLOAD_GRACE_US) {
			if (in[i][1] > out[m - 1][1])
				out[m - 1][1] = in[i][1];
			continue;
		}
		out[m][0] = in[i][0];
		out[m][1] = in[i][1];
		m++;
	}
	return m;
}

static size_t add_gap(int64_t (*gaps)[2], size_t n, size_t max,
		      int64_t from, int64_t to)
{
	/* Gaps arrive in time order per kind; fold overlaps into the last. */
	for (size_t i = 0; i < n && i < max; i++) {
		if (from <= gaps[i][1] && to >= gaps[i][0]) {
			if (from < gaps[i][0])
				gaps[i][0] = from;
			if (to > gaps[i][1])
				gaps[i][1] = to;
			return n;
		}
	}
	if (n < max) {
		gaps[n][0] = from;
		gaps[n][1] = to;
	}
	return n + 1;
}

static int cmp_i64(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return (*x > *y) - (*x < *y);
}

static int cmp_gap(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

size_t upload_gaps(const int64_t *batches, size_t n_batches,
		   const int64_t *promises, size_t n_promises,
		   const int64_t (*covered)[2], size_t n_covered,
		   int64_t (*gaps)[2], size_t max)
{
	if (n_batches == 0 || n_covered == 0)
		return 0;	/* nothing says this log has a cycle */
	int64_t (*cov)[2] = xmalloc(n_covered * sizeof(*cov));
	size_t n_cov = merge_intervals(covered, n_covered, cov);
	size_t n = 0;
	const int64_t limit = UPLOAD_CYCLE_US + UPLOAD_GRACE_US;
	for (size_t k = 0; k < n_cov; k++) {
		int64_t prev = cov[k][0];
		for (size_t i = 0; i < n_batches; i++) {
			if (batches[i] < cov[k][0] || batches[i] > cov[k][1])
				continue;
			if (batches[i] - prev > limit)
				n = add_gap(gaps, n, max, prev, batches[i]);
			prev = batches[i];
		}
		if (cov[k][1] - prev > limit)
			n = add_gap(gaps, n, max, prev, cov[k][1]);
		/* A promised run that the covered log should show. */
		for (size_t p = 0; p < n_promises; p++) {
			int64_t at = promises[p];
			if (at < cov[k][0] || at + UPLOAD_GRACE_US > cov[k][1])
				continue;
			int64_t next = cov[k][1];
			bool kept = false;
			for (size_t i = 0; i < n_batches; i++) {
				if (batches[i] >= at - UPLOAD_GRACE_US &&
				    batches[i] <= at + UPLOAD_GRACE_US)
					kept = true;
				if (batches[i] > at && batches[i] < next)
					next = batches[i];
			}
			if (!kept)
				n = add_gap(gaps, n, max, at, next);
		}
	}
	free(cov);
	size_t kept = n < max ? n : max;
	qsort(gaps, kept, sizeof(*gaps), cmp_gap);
	return n;
}

struct host_upload {
	int64_t *batches, *promises;
	size_t n_b, n_p;
	int64_t (*cov)[2];
	size_t n_cov;
};

#define MAX_GAPS 64

static void upload_host(struct fctx *c, const struct rule *rule, const char *host)
{
	struct host_upload h = { 0 };
	h.batches = xmalloc((c->n_ev + 1) * sizeof(int64_t));
	h.promises = xmalloc((c->n_ev + 1) * sizeof(int64_t));
	h.cov = xmalloc((c->n_cov + 1) * sizeof(*h.cov));
	for (size_t i = 0; i < c->n_ev; i++) {
		const struct fev *e = &c->ev[i];
		if (strcmp(e->host, host) || e->utc == 0)
			continue;
		if (e->ev.kind == EV_UPLOAD_BATCH)
			h.batches[h.n_b++] = e->utc;
		else if (e->ev.kind == EV_NEXT_RUN && e->ev.stamp_us != EVENT_NONE &&
			 e->bias != INT32_MIN)
			h.promises[h.n_p++] = utc_from_local(e->ev.stamp_us, e->bias);
	}
	for (size_t i = 0; i < c->n_cov; i++)
		if (!strcmp(c->cov[i].role, "upload") && c->cov[i].timed &&
		    !strcmp(c->cov[i].host, host)) {
			h.cov[h.n_cov][0] = c->cov[i].min;
			h.cov[h.n_cov][1] = c->cov[i].max;
			h.n_cov++;
		}
	qsort(h.promises, h.n_p, sizeof(int64_t), cmp_i64);
	/* The coverage rows come in rotation order, not time order. */
	for (size_t i = 1; i < h.n_cov; i++)
		for (size_t j = i; j > 0 && h.cov[j][0] < h.cov[j - 1][0]; j--) {
			int64_t t0 = h.cov[j][0], t1 = h.cov[j][1];
			h.cov[j][0] = h.cov[j - 1][0];
			h.cov[j][1] = h.cov[j - 1][1];
			h.cov[j - 1][0] = t0;
			h.cov[j - 1][1] = t1;
		}
	int64_t gaps[MAX_GAPS][2];
	size_t n = upload_gaps(h.batches, h.n_b, h.promises, h.n_p,
			       (const int64_t (*)[2])h.cov, h.n_cov, gaps, MAX_GAPS);
	if (n > MAX_GAPS)
		n = MAX_GAPS;
	for (size_t g = 0; g < n; g++) {
		struct fnd *f = fnd_new(c, rule);
		fnd_time(f, gaps[g][0]);
		fnd_time(f, gaps[g][1]);
		int64_t len = gaps[g][1] - gaps[g][0];
		/* Runs due strictly inside the gap: 45 minutes miss two. */
		f->count = (len - 1) / UPLOAD_CYCLE_US;
		if (f->count < 1)
			f->count = 1;
		char d[48], from[32], to[32];
		duration_text(len, d, sizeof(d));
		utc_text(gaps[g][0], from);
		utc_text(gaps[g][1], to);
		f->title = fmt("No device upload from %s for %s (%s to %s):"
			       " about %" PRId64 " cycle%s of 15 minutes missed",
			       host, d, from, to, f->count, f->count == 1 ? "" : "s");
		/* The upload lines on either side of the gap. */
		for (size_t i = 0; i < c->n_ev; i++) {
			const struct fev *e = &c->ev[i];
			if (!strcmp(e->host, host) &&
			    (e->ev.kind == EV_UPLOAD_BATCH || e->ev.kind == EV_NEXT_RUN) &&
			    e->utc >= gaps[g][0] - UPLOAD_GRACE_US &&
			    e->utc <= gaps[g][1] + UPLOAD_GRACE_US)
				fnd_evidence(f, e->host, e->path, e->line, e->utc);
		}
	}
	free(h.batches);
	free(h.promises);
	free(h.cov);
}

static void rule_upload_gap(struct fctx *c, const struct rule *rule)
{
	clear_used(c);
	for (size_t i = 0; i < c->n_ev; i++) {
		if (c->ev[i].ev.kind != EV_UPLOAD_BATCH || c->ev[i].used)
			continue;
		for (size_t j = i; j < c->n_ev; j++)
			if (!strcmp(c->ev[j].host, c->ev[i].host))
				c->ev[j].used = true;
		upload_host(c, rule, c->ev[i].host);
	}
}

/* One finding per stage: the traces whose status is the rule's kind
 * (the pass over the traces gathered them). */
static void rule_stage(struct fctx *c, const struct rule *rule)
{
	struct fnd *f = c->tp.stage[status_index(rule->kind)].f;
	if (!f)
		return;
	free(f->title);
	f->title = fmt("%" PRId64 " device action%s %s", f->count,
		       f->count == 1 ? "" : "s", rule->title);
}

struct slow_hops {
	struct fctx *c;
	const struct rule *rule;
	struct fnd *f;
	int hop;
	int64_t worst;
};

static int slow_add(void *ctx, const struct trace_row *t)
{
	struct slow_hops *sh = ctx;
	const int64_t ms[TRACE_LANES] = { t->hop_forward_to_push,
		t->hop_push_to_receive, t->hop_receive_to_response };
	if (!sh->f)
		sh->f = fnd_new(sh->c, sh->rule);
	fnd_trace(sh->f, t->id, t->first_utc, t->last_utc);
	sh->f->count++;
	if (ms[sh->hop] > sh->worst)
		sh->worst = ms[sh->hop];
	return 0;
}

static bool changed_trace(const struct fctx *c, int64_t id)
{
	size_t lo = 0, hi = c->n_changed;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->changed[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n_changed && c->changed[lo] == id;
}

/* No changed trace moved this hop, so its count, median and slow traces
 * are those of the stored finding: kept (a copy) unless one of its
 * traces changed otherwise (its times then may have). False: compute. */
static bool slow_kept(struct fctx *c, const struct rule *rule,
		      const char *hop_name)
{
	const struct fnd *k = NULL;
	for (size_t i = 0; i < c->n_was && !k; i++)
		if (c->was[i]->rule == rule && c->was[i]->title &&
		    strstr(c->was[i]->title, hop_name))
			k = c->was[i];
	if (!k)
		return true;	/* none then, none now */
	for (size_t i = 0; i < k->n_tr; i++)
		if (changed_trace(c, k->traces[i]))
			return false;
	struct fnd *f = fnd_new(c, rule);
	f->title = xstrdup(k->title);
	f->advice = xstrdup(k->advice);
	f->count = k->count;
	f->first = k->first;
	f->last = k->last;
	f->traces = xmalloc((k->n_tr + 1) * sizeof(*f->traces));
	memcpy(f->traces, k->traces, k->n_tr * sizeof(*f->traces));
	f->n_tr = f->cap_tr = k->n_tr;
	for (size_t i = 0; i < k->n_ev; i++)
		fnd_evidence(f, k->ev[i].host, k->ev[i].file, k->ev[i].line,
			     k->ev[i].utc);
	return true;
}

int64_t findings_median(int64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_i64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void rule_slow_hop(struct fctx *c, const struct rule *rule)
{
	static const char *const hop_names[3] = {
		"forward_to_push", "push_to_receive", "receive_to_response",
	};
	static const char *const hop_where[3] = {
		("between the service connection point's Forwarded line and the"
		 " management point's push: look at SMS_NOTIFICATION_SERVER's"
		 " queue and the site database on the management point"),
		("between the management point's push and the client's receipt:"
		 " look at the clients' network path to TCP 10123 and whether"
		 " they fell back to HTTP polling"),
		("between the client's receipt and its response: look at the"
		 " client's load and its policy agent (PolicyAgent.log)"),
	};
	/* The median and the slow traces come from the hop's index: a
	 * seek and a walk to the middle, then the few above the limit. */
	for (int h = 0; h < 3; h++) {
		if (c->hops_kept[h] && slow_kept(c, rule, hop_names[h]))
			continue;
		int64_t n, median;
		if (store_trace_hop_median(c->s, h, &n, &median) < 0) {
			c->failed = true;
			return;
		}
		if (n < SLOW_MIN_SAMPLES)
			continue;
		int64_t limit = median * SLOW_FACTOR;
		if (limit < SLOW_FLOOR_MS)
			limit = SLOW_FLOOR_MS;
		struct slow_hops sh = { c, rule, NULL, h, 0 };
		if (store_trace_hop_above(c->s, h, limit, slow_add, &sh) < 0) {
			c->failed = true;
			return;
		}
		struct fnd *f = sh.f;
		int64_t worst = sh.worst;
		if (!f)
			continue;
		f->title = fmt("%" PRId64 " trace%s with a %s hop above %" PRId64
			       " ms (slowest %" PRId64 " ms)", f->count,
			       f->count == 1 ? "" : "s", hop_names[h], limit, worst);
		f->advice = fmt("The threshold is %d times this store's own median"
				" %s hop (%" PRId64 " ms over %zu traces), and at"
				" least %d s: far slower than what these machines"
				" usually do, not slower than a fixed number. The"
				" time is lost %s.", SLOW_FACTOR, hop_names[h],
				median, (size_t)n, SLOW_FLOOR_MS / 1000, hop_where[h]);
	}
}

/* Biases of one host's logs that disagree: the first explicit bias of
 * each file. */
static void bias_disagreement(struct fctx *c, const struct rule *rule)
{
	for (size_t i = 0; i < c->n_cov; i++) {
		const struct fcov *a = &c->cov[i];
		if (a->bias == INT32_MIN || !a->src[OFFSET_EXPLICIT])
			continue;
		if (!a->first_of_host)
			continue;
		struct fnd *f = NULL;
		for (size_t j = a->next_of_host; j < c->n_cov;
		     j = c->cov[j].next_of_host) {
			const struct fcov *b = &c->cov[j];
			if (b->bias == INT32_MIN ||
			    !b->src[OFFSET_EXPLICIT] || b->bias == a->bias)
				continue;
			/* Logs written one after the other may differ by a
			 * daylight saving change: only logs that cover the
			 * same time can disagree. */
			if (!a->timed || !b->timed || a->max < b->min || b->max < a->min)
				continue;
			if (!f) {
				f = fnd_new(c, rule);
				fnd_evidence(f, a->host, a->path, 0,
					     a->timed ? a->min : EVENT_NONE);
				if (a->timed)
					fnd_time(f, a->min);
				f->title = fmt("The logs of %s disagree on its time"
					       " zone: %+d in %s, %+d in %s", a->host,
					       a->bias, a->path, b->bias, b->path);
				f->advice = xstrdup("Two logs of one machine carry"
					" different biases (UTC = local + bias). A"
					" difference of 60 minutes is usually a"
					" daylight saving change between the two"
					" logs; any other difference means a writer"
					" is wrong (some scripts always write +0) -"
					" check the machine's time zone, and trust"
					" hops through this machine only once the"
					" wrong log is known.");
			}
			fnd_evidence(f, b->host, b->path, 0,
				     b->timed ? b->min : EVENT_NONE);
			if (b->timed)
				fnd_time(f, b->min);
			f->count++;
		}
		if (f)
			f->count++;
	}
}

static void rule_skew_traces(struct fctx *c, const struct rule *rule)
{
	(void)rule;
	struct fnd *f = c->tp.skew.f;
	if (!f)
		return;
	free(f->title);
	f->title = fmt("%" PRId64 " trace%s with a negative hop: a later"
			       " step is logged before an earlier one",
			       f->count, f->count == 1 ? "" : "s");
}

/* Offset sources that make a host's times a guess. */
static const struct {
	enum offset_source source;
	const char *why;
} guessed_sources[] = {
	{ OFFSET_ASSUMED, "none of its logs carries a time zone bias, so its"
	  " times are read as UTC" },
	{ OFFSET_JOINED, "none of its logs carries a time zone bias, so tatrace"
	  " learned it from the device actions it shares with other machines"
	  " (the median gap, rounded to 15 minutes)" },
};

static void rule_timezone(struct fctx *c, const struct rule *rule)
{
	for (size_t i = 0; i < c->n_cov; i++) {
		const char *host = c->cov[i].host;
		if (!c->cov[i].first_of_host)
			continue;
		/* Records without any time count as assumed too: a host
		 * whose logs carry no time at all has no time zone to doubt. */
		int64_t src[OFFSET_SOURCE_COUNT] = { 0 }, all = 0;
		bool timed = false;
		for (size_t j = i; j < c->n_cov; j = c->cov[j].next_of_host) {
			timed |= c->cov[j].timed;
			for (int k = 0; k < OFFSET_SOURCE_COUNT; k++)
				src[k] += c->cov[j].src[k];
		}
		if (!timed)
			continue;
		for (int k = 0; k < OFFSET_SOURCE_COUNT; k++)
			all += src[k];
		for (size_t g = 0; g < sizeof(guessed_sources) /
		     sizeof(guessed_sources[0]); g++) {
			enum offset_source so = guessed_sources[g].source;
			if (!all || src[so] != all)
				continue;
			struct fnd *f = fnd_new(c, rule);
			for (size_t j = i; j < c->n_cov;
			     j = c->cov[j].next_of_host) {
				const struct fcov *r = &c->cov[j];
				fnd_evidence(f, host, r->path, 0,
					     r->timed ? r->min : EVENT_NONE);
				if (r->timed) {
					fnd_time(f, r->min);
					fnd_time(f, r->max);
				}
			}
			f->count = src[so];
			int32_t bias = c->cov[i].bias;
			for (size_t j = i; j < c->n_cov && bias == INT32_MIN;
			     j = c->cov[j].next_of_host)
				bias = c->cov[j].bias;
			if (so == OFFSET_JOINED && bias != INT32_MIN)
				f->title = fmt("The time zone of %s was learned"
					       " (joined, bias %+d): %s", host,
					       (int)bias, guessed_sources[g].why);
			else
				f->title = fmt("The time zone of %s is %s: %s", host,
					       offset_source_name(so),
					       guessed_sources[g].why);
			f->advice = fmt("Hops to and from %s may be off by whole"
					" hours. Tell tatrace the machine's bias"
					" (UTC = local + bias, e.g. +240 for US"
					" Eastern summer): tatrace ingest --tz"
					" %s=BIAS, or collect a log of that"
					" machine that carries its bias.", host, host);
		}
	}
}

/* Where each lane's log lives, for "collect X from Y". */
static const struct {
	const char *role, *file, *machine, *folder;
} lane_logs[TRACE_LANES] = {
	{ "connector", "CMGatewayNotificationWorker.log",
	  "the service connection point", "<ConfigMgr install>\\Logs" },
	{ "server", "BgbServer.log", "the management point",
	  "<ConfigMgr install>\\Logs or SMS_CCM\\Logs" },
	{ "agent", "CcmNotificationAgent.log", "each targeted client",
	  "C:\\Windows\\CCM\\Logs" },
};

/* A lane without any log in the bundle. */
static void rule_lane_absent(struct fctx *c, const struct rule *rule)
{
	bool have[TRACE_LANES] = { false };
	for (size_t i = 0; i < c->n_cov; i++)
		for (int l = 0; l < TRACE_LANES; l++)
			have[l] |= !strcmp(c->cov[i].role, lane_logs[l].role);
	bool any = have[0] || have[1] || have[2] || c->n_traces;
	for (int l = 0; l < 3 && any; l++) {
		if (have[l])
			continue;
		struct fnd *f = fnd_new(c, rule);
		f->count = 1;
		f->title = fmt("No %s in the bundle: the %s lane has no evidence",
			       lane_logs[l].file, lane_name((enum lane)l));
		f->advice = fmt("Collect %s (and its rotated .lo_ copy) from %s"
				" (%s) for the time of the actions, and ingest it"
				" into the same store.", lane_logs[l].file,
				lane_logs[l].machine, lane_logs[l].folder);
	}
}

/* Traces that stop at a lane whose log does not cover them. */
static void rule_lane_uncovered(struct fctx *c, const struct rule *rule)
{
	(void)rule;
	for (int l = 0; l < TRACE_LANES; l++) {
		struct fnd *f = c->tp.uncovered[l].f;
		if (!f)
			continue;
		/* Which machines: for the agent lane the clients that logged
		 * a receipt and then stop (the pass gathered them); the
		 * server's log names no targets. */
		struct buf hosts = { 0 };
		if (l == LANE_AGENT) {
			if (c->tp.agent_hosts.len)
				buf_puts(&hosts, c->tp.agent_hosts.data);
		} else {
			for (size_t i = 0; i < c->n_cov; i++)
				if (!strcmp(c->cov[i].role, lane_logs[l].role))
					list_add(&hosts, c->cov[i].host);
		}
		char from[32], to[32];
		utc_text(f->first, from);
		utc_text(f->last, to);
		f->title = fmt("%" PRId64 " trace%s no %s evidence at %s time",
			       f->count, f->count == 1 ? " has" : "s have",
			       lane_name((enum lane)l), f->count == 1 ? "its" : "their");
		if (hosts.len)
			f->advice = fmt("Collect %s (%s) from %s covering %s to %s:"
					" the stored copy ends before these actions'"
					" next step or does not reach them, so no lane"
					" is blamed for them.", lane_logs[l].file,
					lane_logs[l].folder, hosts.data, from, to);
		else
			f->advice = fmt("Collect %s (%s) from %s%s covering %s to %s:"
					" no stored log of this lane covers these"
					" actions, so no lane is blamed for them.",
					lane_logs[l].file, lane_logs[l].folder,
					lane_logs[l].machine, l == LANE_AGENT ?
					" (BgbServer.log does not name the targets;"
					" the admin center's device list does)" : "",
					from, to);
		buf_free(&hosts);
	}
}

static void rule_unmatched(struct fctx *c, const struct rule *rule)
{
	(void)rule;
	struct fnd *f = c->tp.unmatched.f;
	if (!f)
		return;
	free(f->title);
	f->title = fmt("%" PRId64 " client response%s whose PushID/TaskID"
			       " match no receipt", f->count,
			       f->count == 1 ? "" : "s");
}

static void rule_duplicates(struct fctx *c, const struct rule *rule)
{
	(void)rule;
	findings_duplicates(c->out, c->dups, c->n_dups);
}

/* The rule table: one row per finding kind, in the order findings of one
 * severity are listed. Titles of trace-stage rows complete "N device
 * actions ..."; other matchers write their own titles. */
static const struct rule rules[] = {
	{ "unauthorized_action", FSEV_ERROR,
	  "An Intune admin was refused a device action",
	  "Give the admin's account a ConfigMgr security role with rights on"
	  " the device.", rule_unauthorized, DEP_EVENTS | DEP_TRACES, false },
	{ "gateway_error", FSEV_ERROR,
	  "The tenant attach gateway answered with an error",
	  "Reset tenant attach: offboard, wait at least two hours, onboard"
	  " again.", rule_gateway, DEP_EVENTS, false },
	{ "mfa_forbidden", FSEV_ERROR,
	  "The SMS provider forbids tenant attach actions (403)",
	  "Set the hierarchy's authentication level back to Windows"
	  " authentication.", rule_mfa, DEP_EVENTS, false },
	{ "notification_port", FSEV_WARNING,
	  "Clients cannot reach the notification server on TCP 10123",
	  "Open TCP 10123 to the management point.", rule_port, DEP_EVENTS,
	  false },
	{ "upload_gap", FSEV_WARNING,
	  "The 15-minute device upload cycle was missed",
	  "Look at CMGatewaySyncUploadWorker.log on the service connection"
	  " point around the gap: the SMS_SERVICE_CONNECTOR service, its"
	  " connection to the gateway (proxy, firewall) and the site"
	  " database. Devices changed in the gap reach the admin center only"
	  " with the next upload (then 5-10 minutes later).", rule_upload_gap,
	  DEP_EVENTS | DEP_UPLOAD, false },
	{ "failed", FSEV_ERROR, "failed: a client answered an error or the server counts it failed",
	  "The client answered with a ReturnCode other than 1, or the"
	  " management point's BTS report counts failed clients. `tatrace show"
	  " ID` names the client and its code; look at that client's"
	  " CcmNotificationAgent.log and the logs of the action it ran"
	  " (PolicyAgent.log, Scripts.log).", rule_stage, DEP_TRACES, true },
	{ "not_delivered", FSEV_ERROR,
	  "not delivered: pushed, but no client logged the receipt",
	  "The management point pushed the action, its BTS report counts no"
	  " answer and failed clients, and no collected client log shows the"
	  " receipt (`tatrace show ID` names the candidates). Is the target"
	  " online? Can it reach the management point on TCP 10123 (or is it"
	  " polling over HTTP)? Look at CcmNotificationAgent.log on the target.",
	  rule_stage, DEP_TRACES, true },
	{ "not_pushed", FSEV_ERROR,
	  "not pushed: forwarded, but the management point never pushed it",
	  "The service connection point forwarded the action and BgbServer.log"
	  " covers the time but shows no push. Look at SMS_NOTIFICATION_SERVER"
	  " on the management point (its component status and BgbServer.log)"
	  " and the site database replication to it.", rule_stage, DEP_TRACES,
	  true },
	{ "not_forwarded", FSEV_ERROR,
	  "not forwarded: authorized, but never sent on to the site",
	  "The connector validated and authorized the action, then logged no"
	  " Forwarded line. Look at CMGatewayNotificationWorker.log on the"
	  " service connection point after the Authorized line for an"
	  " exception, and at the SMS_SERVICE_CONNECTOR component.",
	  rule_stage, DEP_TRACES, true },
	{ "no_response", FSEV_WARNING,
	  "without response: received by the client, never answered",
	  "The client logged the receipt and its log goes on, but it sent no"
	  " response. Look at the client's CcmNotificationAgent.log after the"
	  " receipt and at the agent that runs the action (PolicyAgent.log for"
	  " policy, Scripts.log for scripts).", rule_stage, DEP_TRACES, true },
	{ "slow_hop", FSEV_WARNING, "A hop took far longer than usual",
	  "Look at the machine where the time is lost.", rule_slow_hop,
	  DEP_TRACES, true },
	{ "clock_skew", FSEV_WARNING,
	  "Clocks or time zones of the machines disagree",
	  "A negative hop means a later step was logged with an earlier time:"
	  " a machine's clock runs off or its logs' bias is wrong. Compare the"
	  " machines' clocks (w32tm /stripchart), and correct a wrong bias"
	  " with tatrace ingest --tz HOST=BIAS; hop times of these traces are"
	  " not to be trusted until then.", rule_skew_traces, DEP_TRACES, true },
	{ "clock_skew", FSEV_WARNING,
	  "Clocks or time zones of the machines disagree",
	  "A negative hop means a later step was logged with an earlier time:"
	  " a machine's clock runs off or its logs' bias is wrong. Compare the"
	  " machines' clocks (w32tm /stripchart), and correct a wrong bias"
	  " with tatrace ingest --tz HOST=BIAS; hop times of these traces are"
	  " not to be trusted until then.", bias_disagreement, DEP_FILES | DEP_SPANS, false },
	{ "timezone", FSEV_WARNING, "A machine's time zone is a guess",
	  "Give the machine's bias with --tz HOST=BIAS.", rule_timezone,
	  DEP_FILES | DEP_SPANS, false },
	{ "evidence_gap", FSEV_WARNING,
	  "A lane's log is missing or does not cover the actions",
	  "Collect the missing log.", rule_lane_absent, DEP_FILES | DEP_TRACES,
	  false },
	{ "evidence_gap", FSEV_WARNING,
	  "A lane's log is missing or does not cover the actions",
	  "Collect the missing log.", rule_lane_uncovered,
	  DEP_FILES | DEP_TRACES, true },
	{ "unmatched_response", FSEV_WARNING,
	  "Client responses that answer no receipt",
	  "A response is joined to its receipt by (PushID, TaskID) on the same"
	  " client. These match none, so they are shown beside the nearest"
	  " receipt and never counted as its answer. The receipt they answer"
	  " may be in a rotated log that was not collected"
	  " (CcmNotificationAgent.lo_): collect it.", rule_unmatched,
	  DEP_TRACES, true },
	{ "duplicate_evidence", FSEV_INFO,
	  "The same log was ingested twice",
	  "Nothing to do: a duplicate adds no records, events or traces. It"
	  " is listed so that you know which copy the store uses.",
	  rule_duplicates, DEP_DUPS, false },
};
static const size_t n_rules = sizeof(rules) / sizeof(rules[0]);

void findings_duplicates(struct finding_set *fs, const struct dup_pair *pairs,
			 size_t n)
{
	if (!n)
		return;
	struct fctx c = { .out = fs };
	const struct rule *rule = &rules[0];
	while (strcmp(rule->kind, "duplicate_evidence"))
		rule++;
	struct fnd *f = fnd_new(&c, rule);
	for (size_t i = 0; i < n; i++) {
		fnd_evidence(f, pairs[i].host, pairs[i].path, 0, EVENT_NONE);
		f->count++;
	}
	f->title = fmt("%zu file%s already in the store under another name"
		       " (e.g. %s = %s)", n, n == 1 ? " was" : "s were",
		       pairs[0].path, pairs[0].original);
}


/* Whether rules[r] is the first rule of its kind. */
static bool kind_first(size_t r)
{
	for (size_t i = 0; i < r; i++)
		if (!strcmp(rules[i].kind, rules[r].kind))
			return false;
	return true;
}

size_t finding_kind_count(void)
{
	size_t n = 0;
	for (size_t r = 0; r < n_rules; r++)
		n += kind_first(r);
	return n;
}

const char *finding_kind_name(size_t i)
{
	for (size_t r = 0; r < n_rules; r++)
		if (kind_first(r) && i-- == 0)
			return rules[r].kind;
	return NULL;
}

bool finding_kind_known(const char *name)
{
	for (size_t i = 0; i < n_rules; i++)
		if (!strcmp(name, rules[i].kind))
			return true;
	return false;
}

const char *finding_severity_name(enum finding_severity sev)
{
	switch (sev) {
	case FSEV_ERROR: return "error";
	case FSEV_WARNING: return "warning";
	case FSEV_INFO: return "info";
	}
	return "info";
}

/* ---- the set ------------------------------------------------------------- */

struct finding_set *finding_set_new(void)
{
	return xcalloc(1, sizeof(struct finding_set));
}

void finding_set_free(struct finding_set *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++)
		if (!fs->v[i]->kept)
			fnd_free(fs->v[i]);
	free(fs->v);
	free(fs);
}

size_t finding_set_count(const struct finding_set *fs)
{
	return fs->n;
}

void finding_set_get(const struct finding_set *fs, size_t i,
		     struct finding *out)
{
	const struct fnd *f = fs->v[i];
	const struct rule *r = f->rule;
	*out = (struct finding){
		.kind = f->kind ? f->kind : r->kind,
		.severity = f->severity ? f->severity :
			    finding_severity_name(r->severity),
		.title = f->title ? f->title : r->title,
		.advice = f->advice ? f->advice : r->advice,
		.first_utc = f->first, .last_utc = f->last, .count = f->count,
		.evidence = f->ev, .n_evidence = f->n_ev,
		.traces = f->traces, .n_traces = f->n_tr,
	};
}

/* Severity first, then time, then the table's order, then the title:
 * a total order, so that findings kept from the store and computed ones
 * sort as a full rebuild sorts them. */
static int cmp_fnd(const void *a, const void *b)
{
	const struct fnd *x = *(struct fnd *const *)a, *y = *(struct fnd *const *)b;
	int sx = (int)x->rule->severity, sy = (int)y->rule->severity;
	if (sx != sy)
		return sx - sy;
	if (x->first != y->first)
		return x->first == EVENT_NONE ? 1 : y->first == EVENT_NONE ? -1 :
		       (x->first > y->first) - (x->first < y->first);
	if (x->rule != y->rule)
		return (x->rule > y->rule) - (x->rule < y->rule);
	int t = strcmp(x->title ? x->title : x->rule->title,
		       y->title ? y->title : y->rule->title);
	if (t)
		return t;
	if (x->count != y->count)
		return (x->count > y->count) - (x->count < y->count);
	return (x->last > y->last) - (x->last < y->last);
}

/* ---- loading ------------------------------------------------------------- */

/* The one copy of text the loaded events share. */
static const char *intern(struct fctx *c, const char *text)
{
	int64_t at;
	if (!c->pool)
		c->pool = strmap_new();
	if (strmap_get(c->pool, text, &at))
		return c->pool_v[at];
	if (c->n_pool == c->cap_pool) {
		c->cap_pool = c->cap_pool ? 2 * c->cap_pool : 64;
		c->pool_v = xrealloc(c->pool_v, c->cap_pool * sizeof(*c->pool_v));
	}
	c->pool_v[c->n_pool] = xstrdup(text);
	strmap_put(c->pool, text, (int64_t)c->n_pool);
	return c->pool_v[c->n_pool++];
}

static int load_event(void *ctx, const struct stored_event *e, int32_t bias)
{
	struct fctx *c = ctx;
	if (c->n_ev == c->cap_ev) {
		c->cap_ev = c->cap_ev ? 2 * c->cap_ev : 64;
		c->ev = xrealloc(c->ev, c->cap_ev * sizeof(*c->ev));
	}
	struct fev *f = &c->ev[c->n_ev++];
	memset(f, 0, sizeof(*f));
	f->ev = (struct fevent){
		.kind = e->ev.kind, .count = e->ev.count,
		.http_status = e->ev.http_status, .stamp_us = e->ev.stamp_us,
		.name = intern(c, e->ev.name), .tenant = intern(c, e->ev.tenant),
		.user = intern(c, e->ev.user), .detail = intern(c, e->ev.detail),
	};
	f->host = intern(c, e->host);
	f->path = intern(c, e->path);
	f->line = e->line;
	f->utc = e->utc_us;
	f->bias = bias;
	scan_codes(f, e->text, e->text_len);
	return 0;
}

static unsigned missing_bits(const char *csv)
{
	unsigned bits = 0;
	for (int l = 0; l < TRACE_LANES; l++) {
		const char *p = csv;
		size_t n = strlen(lane_name((enum lane)l));
		while ((p = strstr(p, lane_name((enum lane)l))) != NULL) {
			bool start = p == csv || p[-1] == ',';
			bool end = p[n] == '\0' || p[n] == ',';
			if (start && end)
				bits |= 1u << l;
			p += n;
		}
	}
	return bits;
}

static int load_coverage(void *ctx, const struct store_file_coverage *fc)
{
	struct fctx *c = ctx;
	if (c->n_cov == c->cap_cov) {
		c->cap_cov = c->cap_cov ? 2 * c->cap_cov : 32;
		c->cov = xrealloc(c->cov, c->cap_cov * sizeof(*c->cov));
	}
	struct fcov *f = &c->cov[c->n_cov++];
	*f = (struct fcov){
		.host = xstrdup(fc->host), .role = xstrdup(fc->role),
		.path = xstrdup(fc->path), .log_name = xstrdup(fc->log_name),
		.timed = fc->timed, .min = fc->utc_min, .max = fc->utc_max,
		.records = fc->records, .bias = fc->bias_min,
	};
	memcpy(f->src, fc->per_offset_source, sizeof(f->src));
	return 0;
}

static int load_dup(void *ctx, const struct store_duplicate *d)
{
	struct fctx *c = ctx;
	if (c->n_dups == c->cap_dups) {
		c->cap_dups = c->cap_dups ? 2 * c->cap_dups : 8;
		c->dups = xrealloc(c->dups, c->cap_dups * sizeof(*c->dups));
	}
	c->dups[c->n_dups++] = (struct dup_pair){
		xstrdup(d->host), xstrdup(d->path), xstrdup(d->original),
	};
	return 0;
}

static void fctx_free(struct fctx *c)
{
	free(c->ev);
	for (size_t i = 0; i < c->n_pool; i++)
		free(c->pool_v[i]);
	free(c->pool_v);
	strmap_free(c->pool);
	buf_free(&c->tp.agent_hosts);
	for (size_t i = 0; i < c->n_cov; i++) {
		free(c->cov[i].host);
		free(c->cov[i].role);
		free(c->cov[i].path);
		free(c->cov[i].log_name);
	}
	free(c->cov);
	for (size_t i = 0; i < c->n_dups; i++) {
		free((char *)c->dups[i].host);
		free((char *)c->dups[i].path);
		free((char *)c->dups[i].original);
	}
	free(c->dups);
}

/* Where a trace stopped, as evidence: its last step -- not the server's
 * bookkeeping after it (Finished, the BTS report), unless the report is
 * the proof (not_delivered, failed) -- or, for unmatched_response, the
 * response that matches nothing. */
struct stop_event {
	bool report_counts, want_unmatched, locked;
	char *host, *path;
	int64_t line, utc;
};

static void stop_keep(struct stop_event *l, const struct stored_event *e)
{
	free(l->host);
	free(l->path);
	l->host = xstrdup(e->host);
	l->path = xstrdup(e->path);
	l->line = e->line;
	l->utc = e->utc_us;
}

static int keep_stop(void *ctx, const struct stored_event *e, unsigned flags)
{
	struct stop_event *l = ctx;
	bool bookkeeping = e->ev.kind == EV_BTS_REPORT ||
			   e->ev.kind == EV_PUSH_FINISHED ||
			   (flags & TRACE_EVENT_UNMATCHED);
	if (l->locked)
		return 0;
	if (l->want_unmatched && (flags & TRACE_EVENT_UNMATCHED)) {
		stop_keep(l, e);
		l->locked = true;
	} else if (!bookkeeping || l->report_counts || !l->host) {
		stop_keep(l, e);
	}
	return 0;
}

static int trace_evidence(struct store *s, struct fnd *f)
{
	const char *kind = f->rule->kind;
	for (size_t i = 0; i < f->n_tr && i < TRACE_EVIDENCE; i++) {
		struct stop_event l = {
			.report_counts = !strcmp(kind, "not_delivered") ||
					 !strcmp(kind, "failed"),
			.want_unmatched = !strcmp(kind, "unmatched_response"),
		};
		int rc = store_trace_events(s, f->traces[i], keep_stop, &l);
		if (rc == 0 && l.host)
			fnd_evidence(f, l.host, l.path, l.line, l.utc);
		free(l.host);
		free(l.path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Chain each host's coverage rows, in their order (see struct fcov). */
static void cov_link_hosts(struct fctx *c)
{
	struct strmap *last = strmap_new();
	for (size_t i = 0; i < c->n_cov; i++) {
		int64_t prev;
		struct fcov *r = &c->cov[i];
		r->next_of_host = c->n_cov;
		r->first_of_host = !strmap_get(last, r->host, &prev);
		if (!r->first_of_host)
			c->cov[prev].next_of_host = i;
		strmap_put(last, r->host, (int64_t)i);
	}
	strmap_free(last);
}

/* ---- what changed since the findings were stored ---------------------- */

struct file_states {
	struct store_file_state *v;
	size_t n, cap;
};

static int keep_state(void *ctx, const struct store_file_state *f)
{
	struct file_states *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *f;
	return 0;
}

/* What the stored findings were computed from: the highest event id, the
 * number of traces and every file's state. Its text (the stamp) is kept
 * with the findings, so that a findings update never builds on findings
 * that an interrupted run left behind the traces. */
struct findings_base {
	int64_t watermark, traces;
	struct file_states files;
	char stamp[64];
};

static int base_fill(struct store *s, struct findings_base *b)
{
	int64_t max_id = 0;
	b->watermark = store_events_watermark(s);
	if (b->watermark < 0 || store_traces_span(s, &max_id, &b->traces) < 0 ||
	    store_file_states(s, keep_state, &b->files) < 0)
		return -1;
	struct hasher h;
	hasher_init(&h);
	for (size_t i = 0; i < b->files.n; i++) {
		const struct store_file_state *f = &b->files.v[i];
		int64_t v[4] = { f->file_id, f->upload, f->duplicate_of,
				 (int64_t)f->digest };
		hasher_update(&h, v, sizeof(v));
	}
	snprintf(b->stamp, sizeof(b->stamp), "%" PRId64 " %" PRId64 " %016" PRIx64,
		 b->watermark, b->traces, hasher_final(&h));
	return 0;
}

void findings_base_free(struct findings_base *b)
{
	if (!b)
		return;
	free(b->files.v);
	free(b);
}

struct findings_base *findings_base_take(struct store *s)
{
	char stamp[64];
	if (store_traces_stale(s) || store_findings_stamp(s, stamp, sizeof(stamp)) < 0 ||
	    store_findings_numbered(s) != 1)
		return NULL;
	struct findings_base *b = xcalloc(1, sizeof(*b));
	if (base_fill(s, b) < 0 || strcmp(stamp, b->stamp)) {
		findings_base_free(b);
		return NULL;
	}
	return b;
}

/* The changes from was to now, as enum finding_dep bits. */
static unsigned file_changes(const struct file_states *was,
			     const struct file_states *now)
{
	unsigned dep = 0;
	size_t i = 0, j = 0;
	while (i < was->n || j < now->n) {
		const struct store_file_state *a = i < was->n ? &was->v[i] : NULL;
		const struct store_file_state *b = j < now->n ? &now->v[j] : NULL;
		if (a && (!b || a->file_id < b->file_id)) {		/* gone */
			dep |= DEP_FILES | DEP_DUPS | (a->upload ? DEP_UPLOAD : 0);
			i++;
		} else if (!a || b->file_id < a->file_id) {	/* new */
			dep |= DEP_FILES | DEP_DUPS | (b->upload ? DEP_UPLOAD : 0);
			j++;
		} else {
			if (a->duplicate_of != b->duplicate_of || a->upload != b->upload)
				dep |= DEP_FILES | DEP_DUPS | DEP_UPLOAD;
			if (a->digest != b->digest)
				dep |= DEP_SPANS | (a->upload || b->upload ? DEP_UPLOAD : 0);
			i++, j++;
		}
	}
	return dep;
}

/* ---- reading the stored findings back -------------------------------- */

struct was_list {
	struct fnd **v;
	size_t n, cap;
	bool unknown;		/* a stored kind no rule has */
};

/* The rule whose findings f (stored) is one of. */
static const struct rule *rule_of(const struct finding *f)
{
	const struct rule *only = NULL;
	for (size_t r = 0; r < n_rules; r++) {
		if (strcmp(rules[r].kind, f->kind))
			continue;
		if (rules[r].traced == (f->n_traces > 0))
			return &rules[r];
		if (!only)
			only = &rules[r];
	}
	return only;
}

static int keep_stored(void *ctx, const struct finding *f)
{
	struct was_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct fnd *k = xcalloc(1, sizeof(*k));
	k->rule = rule_of(f);
	l->unknown |= !k->rule;
	k->kept = true;
	k->kind = xstrdup(f->kind);
	k->severity = xstrdup(f->severity);
	k->title = xstrdup(f->title);
	k->advice = xstrdup(f->advice);
	k->first = f->first_utc;
	k->last = f->last_utc;
	k->count = f->count;
	for (size_t i = 0; i < f->n_evidence && i < MAX_EVIDENCE; i++)
		fnd_evidence(k, f->evidence[i].host, f->evidence[i].file,
			     f->evidence[i].line, f->evidence[i].utc);
	k->traces = xmalloc((f->n_traces + 1) * sizeof(*k->traces));
	if (f->n_traces)
		memcpy(k->traces, f->traces, f->n_traces * sizeof(*k->traces));
	k->n_tr = k->cap_tr = f->n_traces;
	l->v[l->n++] = k;
	return 0;
}

static void was_free(struct was_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		fnd_free(l->v[i]);
	free(l->v);
}

static void fnd_row(const struct fnd *f, struct finding *out)
{
	struct finding_set one = { .v = (struct fnd **)&f, .n = 1 };
	finding_set_get(&one, 0, out);
}

/* ---- the pass over the traces ---------------------------------------- */

/* Unmatched responses as a count (saturated, as a finding adds them). */
static int64_t unmatched_of(const struct trace_row *t)
{
	return t->unmatched > INT32_MAX ? INT32_MAX : t->unmatched < 0 ? 0 :
	       t->unmatched;
}

/* The findings t belongs to among those whose rules run (of the kinds
 * asked), with what it adds to each one's count; how many (at most 3 +
 * TRACE_LANES). */
static size_t trace_slots(struct tpass *tp, const struct trace_row *t,
			  unsigned kinds, struct tslot **out, int64_t *weight)
{
	size_t n = 0;
	int st = status_index(t->status);
	if (!(kinds & SLOTS_DELTA))
		goto uncovered;
	if (st >= 0 && tp->stage[st].rule)
		out[n] = &tp->stage[st], weight[n++] = 1;
	if (t->skew && tp->skew.rule)
		out[n] = &tp->skew, weight[n++] = 1;
	if (t->unmatched > 0 && tp->unmatched.rule)
		out[n] = &tp->unmatched, weight[n++] = unmatched_of(t);
uncovered:
	if ((kinds & SLOTS_UNCOVERED) && tp->uncovered[0].rule &&
	    st == status_index("missing_evidence")) {
		unsigned bits = missing_bits(t->missing);
		for (int l = 0; l < TRACE_LANES; l++)
			if (bits & (1u << l))
				out[n] = &tp->uncovered[l], weight[n++] = 1;
	}
	return n;
}

/* The earliest and latest of a trace's times that a finding counts
 * (fnd_time); false when it has none. */
static bool trace_span(const struct trace_row *t, int64_t *lo, int64_t *hi)
{
	int64_t v[2] = { t->first_utc, t->last_utc };
	bool any = false;
	for (int i = 0; i < 2; i++) {
		if (v[i] == EVENT_NONE || v[i] == 0)
			continue;
		if (!any || v[i] < *lo)
			*lo = v[i];
		if (!any || v[i] > *hi)
			*hi = v[i];
		any = true;
	}
	return any;
}

static void slot_add(struct fctx *c, struct tslot *sl, const struct trace_row *t,
		     int64_t weight)
{
	if (!sl->f)
		sl->f = fnd_new(c, sl->rule);
	struct fnd *f = sl->f;
	int64_t lo, hi;
	/* A trace that reaches as far as the one an update took away
	 * keeps the finding's bound exact. */
	if ((sl->lost_first || sl->lost_last) && trace_span(t, &lo, &hi)) {
		if (f->first == EVENT_NONE || lo <= f->first)
			sl->lost_first = false;
		if (f->last == EVENT_NONE || hi >= f->last)
			sl->lost_last = false;
	}
	fnd_trace(f, t->id, t->first_utc, t->last_utc);
	f->count += weight;
}

/* Take a changed trace's old verdict out of a finding. -1 when the
 * stored finding does not hold it (then only a full pass will do). */
static int slot_remove(struct tslot *sl, const struct trace_row *t,
		       int64_t weight)
{
	struct fnd *f = sl->f;
	if (!f)
		return -1;
	size_t lo = 0, hi = f->n_tr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->traces[mid] < t->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == f->n_tr || f->traces[lo] != t->id)
		return -1;
	memmove(f->traces + lo, f->traces + lo + 1,
		(f->n_tr - lo - 1) * sizeof(*f->traces));
	f->n_tr--;
	f->count -= weight;
	int64_t lo_t, hi_t;
	/* The finding's first or last time may have been this trace's:
	 * only a later add that reaches as far tells it is still right. */
	if (trace_span(t, &lo_t, &hi_t)) {
		sl->lost_first |= lo_t == f->first;
		sl->lost_last |= hi_t == f->last;
	}
	return 0;
}

static void pass_slots(struct fctx *c, const struct trace_row *t,
		       unsigned kinds)
{
	struct tslot *slots[3 + TRACE_LANES];
	int64_t weight[3 + TRACE_LANES];
	size_t n = trace_slots(&c->tp, t, kinds, slots, weight);
	for (size_t i = 0; i < n; i++)
		slot_add(c, slots[i], t, weight[i]);
	if ((kinds & SLOTS_UNCOVERED) && c->tp.uncovered[LANE_AGENT].rule &&
	    t->clients[0] &&
	    status_index(t->status) == status_index("missing_evidence") &&
	    (missing_bits(t->missing) & (1u << LANE_AGENT)))
		list_csv(&c->tp.agent_hosts, t->clients);
}

static int pass_trace(void *ctx, const struct trace_row *t)
{
	pass_slots(ctx, t, SLOTS_ALL);
	return 0;
}

static int pass_missing(void *ctx, const struct trace_row *t)
{
	pass_slots(ctx, t, SLOTS_UNCOVERED);
	return 0;
}

/* Every slot, for the loops over all of them. */
static size_t tpass_slots(struct tpass *tp, struct tslot **all)
{
	size_t n = 0;
	for (int i = 0; i < TRACE_STATUS_COUNT; i++)
		all[n++] = &tp->stage[i];
	all[n++] = &tp->skew;
	all[n++] = &tp->unmatched;
	for (int l = 0; l < TRACE_LANES; l++)
		all[n++] = &tp->uncovered[l];
	return n;
}

/* Every slot's finding forgotten (they are the only findings made yet). */
static void tpass_reset(struct fctx *c)
{
	struct finding_set *fs = c->out;
	for (size_t i = 0; i < fs->n; i++)
		fnd_free(fs->v[i]);
	fs->n = 0;
	struct tpass *tp = &c->tp;
	struct tslot *all[TRACE_STATUS_COUNT + 2 + TRACE_LANES];
	size_t n = tpass_slots(tp, all);
	for (size_t i = 0; i < n; i++) {
		all[i]->f = NULL;
		all[i]->lost_first = all[i]->lost_last = false;
	}
	tp->agent_hosts.len = 0;
}

/* The slot a stored finding of a pass rule fills, or NULL. */
static struct tslot *slot_of(struct tpass *tp, const struct fnd *k)
{
	if (k->rule->match == rule_stage) {
		int st = status_index(k->rule->kind);
		return st >= 0 && tp->stage[st].rule == k->rule ? &tp->stage[st] : NULL;
	}
	if (k->rule->match == rule_skew_traces && tp->skew.rule == k->rule)
		return &tp->skew;
	if (k->rule->match == rule_unmatched && tp->unmatched.rule == k->rule)
		return &tp->unmatched;
	return NULL;
}

/* The stored findings of the pass rules as the slots' start: their
 * traces, count and times (evidence and titles are made again). -1 when
 * they do not fit the slots. */
static int tpass_seed(struct fctx *c, const struct was_list *was)
{
	for (size_t i = 0; i < was->n; i++) {
		const struct fnd *k = was->v[i];
		if (!k->rule || !k->n_tr)
			continue;
		struct tslot *sl = slot_of(&c->tp, k);
		if (!sl)
			continue;
		if (sl->f)
			return -1;
		struct fnd *f = sl->f = fnd_new(c, sl->rule);
		f->traces = xmalloc(k->n_tr * sizeof(*f->traces));
		memcpy(f->traces, k->traces, k->n_tr * sizeof(*f->traces));
		f->n_tr = f->cap_tr = k->n_tr;
		f->count = k->count;
		f->first = k->first;
		f->last = k->last;
	}
	return 0;
}

struct tdelta {
	struct fctx *c;
	bool full;		/* the changes do not fit the stored findings */
};

static int apply_change(void *ctx, const struct trace_row *was,
			const struct trace_row *now)
{
	struct tdelta *d = ctx;
	struct tslot *slots[3 + TRACE_LANES];
	int64_t weight[3 + TRACE_LANES];
	size_t n = was ? trace_slots(&d->c->tp, was, SLOTS_DELTA, slots, weight) : 0;
	for (size_t i = 0; i < n && !d->full; i++)
		d->full = slot_remove(slots[i], was, weight[i]) < 0;
	n = now && !d->full ? trace_slots(&d->c->tp, now, SLOTS_DELTA, slots, weight) : 0;
	for (size_t i = 0; i < n; i++)
		slot_add(d->c, slots[i], now, weight[i]);
	return d->full;
}

/* A finding whose first or last time an update took away: its times
 * again from its traces' (one seek each, fewer than a pass over all).
 * 0 or -1. */
static int tpass_retime(struct fctx *c)
{
	struct tslot *all[TRACE_STATUS_COUNT + 2 + TRACE_LANES];
	size_t n = tpass_slots(&c->tp, all);
	for (size_t i = 0; i < n; i++) {
		struct fnd *f = all[i]->f;
		if (!f || !(all[i]->lost_first || all[i]->lost_last))
			continue;
		f->first = f->last = EVENT_NONE;
		for (size_t k = 0; k < f->n_tr; k++) {
			int64_t first, last;
			if (store_trace_times(c->s, f->traces[k], &first, &last) != 0)
				return -1;
			fnd_time(f, first);
			fnd_time(f, last);
		}
		all[i]->lost_first = all[i]->lost_last = false;
	}
	return 0;
}

/* Fill the slots: from the stored findings and the traces the update
 * changed (delta; the uncovered slots from the missing_evidence traces),
 * or by a pass over every trace. */
static int tpass_run(struct fctx *c, const struct was_list *was, bool delta)
{
	if (delta) {
		struct tdelta d = { c, false };
		if (tpass_seed(c, was) < 0)
			d.full = true;
		else if (store_traces_changes(c->s, apply_change, &d) != 0)
			d.full = true;
		if (!d.full && tpass_retime(c) < 0)
			return -1;
		if (!d.full)
			return c->tp.uncovered[0].rule ?
			       store_trace_verdicts_status(c->s, "missing_evidence",
							   pass_missing, c) : 0;
		tpass_reset(c);
	}
	return store_trace_verdicts(c->s, pass_trace, c);
}

/* The slots' findings that an update left without a trace. */
static void tpass_drop_empty(struct fctx *c)
{
	struct finding_set *fs = c->out;
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) {
		struct fnd *f = fs->v[i];
		bool slot = f->rule && !f->kept &&
			    (f->rule->match == rule_stage ||
			     f->rule->match == rule_skew_traces ||
			     f->rule->match == rule_unmatched);
		if (slot && !f->n_tr)
			fnd_free(f);
		else
			fs->v[n++] = f;
	}
	fs->n = n;
}

/* ---- the update ------------------------------------------------------ */

/* Load what the rules to run read (the traces are read by the pass). */
static int load_inputs(struct fctx *c, unsigned deps)
{
	struct store *s = c->s;
	int64_t max_id;
	if ((deps & (DEP_EVENTS | DEP_UPLOAD)) &&
	    store_finding_events(s, load_event, c) < 0)
		return -1;
	if ((deps & DEP_TRACES) && store_traces_span(s, &max_id, &c->n_traces) < 0)
		return -1;
	if ((deps & (DEP_FILES | DEP_SPANS | DEP_UPLOAD)) &&
	    store_file_coverage(s, load_coverage, c) < 0)
		return -1;
	if ((deps & DEP_DUPS) && store_duplicate_files(s, load_dup, c) < 0)
		return -1;
	cov_link_hosts(c);
	return 0;
}

/* Which rules run: those the changes reach (run, a bit per rule), and
 * whether the pass over the traces may start from the stored findings
 * and apply only the traces the update changed (delta). */
struct plan {
	uint32_t run;
	bool delta;
	bool hops_kept[TRACE_LANES];	/* delta: no changed trace moved them */
	int64_t *changed;		/* delta: the changed trace ids, in order */
	size_t n_changed;
};

_Static_assert(sizeof(rules) / sizeof(rules[0]) <= 32, "struct plan's run bits");

static bool pass_rule(const struct rule *r)
{
	return r->match == rule_stage || r->match == rule_skew_traces ||
	       r->match == rule_unmatched || r->match == rule_lane_uncovered;
}

/* The changed traces' ids and first times (before and after), in id
 * order, before they are applied. */
struct changed_trace {
	int64_t id, first, was_first;	/* first: the earlier of the two */
};

struct change_scan {
	struct changed_trace *v;
	size_t n, cap;
	bool hop_moved[TRACE_LANES];
};

static void hops_of(const struct trace_row *t, int64_t out[TRACE_LANES])
{
	out[0] = t ? t->hop_forward_to_push : EVENT_NONE;
	out[1] = t ? t->hop_push_to_receive : EVENT_NONE;
	out[2] = t ? t->hop_receive_to_response : EVENT_NONE;
}

static int scan_change(void *ctx, const struct trace_row *was,
		       const struct trace_row *now)
{
	struct change_scan *sc = ctx;
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 16;
		sc->v = xrealloc(sc->v, sc->cap * sizeof(*sc->v));
	}
	int64_t a[TRACE_LANES], b[TRACE_LANES];
	hops_of(was, a);
	hops_of(now, b);
	for (int h = 0; h < TRACE_LANES; h++)
		sc->hop_moved[h] |= a[h] != b[h];
	const struct trace_row *t = now ? now : was;
	struct changed_trace *ct = &sc->v[sc->n++];
	*ct = (struct changed_trace){ t->id, t->first_utc, INT64_MAX };
	if (was) {
		ct->was_first = was->first_utc;
		if (was->first_utc < ct->first)
			ct->first = was->first_utc;
	}
	return 0;
}

/* Can a refusal's trace (trace_around: the latest unauthorized trace
 * among the 64 up to the refusal's time) have changed? Only for a
 * refusal at or after a changed trace's first time and before the 64th
 * trace after it starts (from there on the window has moved past it).
 * 1 yes, 0 no, -1 error. */
static int refusals_reached(struct store *s, const struct change_scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		int64_t id = sc->v[i].id + 64, to = INT64_MAX, first;
		int rc = store_trace_first_utc(s, id, &first);
		if (rc < 0)
			return -1;
		if (rc == 0)
			to = first;
		for (size_t j = i + 1; j < sc->n; j++)	/* it moved too */
			if (sc->v[j].id == id && sc->v[j].was_first < to)
				to = sc->v[j].was_first;
		rc = store_finding_event_between(s, EV_UNAUTHORIZED, sc->v[i].first, to);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* A trace update that the stored findings can follow trace by trace
 * (no log added or removed): the stage, skew and unmatched findings start
 * from the stored ones and take in the changed traces; evidence_gap's
 * lanes are read again from the missing_evidence traces; slow_hop asks
 * the index again; refusals are matched to traces again only when a
 * changed trace can be theirs (refusals_reached); evidence_gap's "no
 * log" only when the store gains its first trace or loses its last.
 * 0 (plan->delta set or not) or -1. */
static int plan_delta(struct store *s, const struct findings_base *base,
		      int64_t traces_now, unsigned changes, struct plan *p)
{
	for (size_t r = 0; r < n_rules; r++)
		if (pass_rule(&rules[r]) && (rules[r].deps & changes & ~DEP_TRACES))
			return 0;
	struct change_scan sc = { 0 };
	int rc = store_traces_changes(s, scan_change, &sc), refusals = 0;
	if (rc == 0)
		refusals = refusals_reached(s, &sc);
	if (rc == 0 && refusals >= 0) {
		p->changed = xmalloc((sc.n + 1) * sizeof(*p->changed));
		for (size_t i = 0; i < sc.n; i++)
			p->changed[i] = sc.v[i].id;
		p->n_changed = sc.n;
		for (int h = 0; h < TRACE_LANES; h++)
			p->hops_kept[h] = !sc.hop_moved[h];
	}
	free(sc.v);
	if (rc != 0 || refusals < 0)
		return refusals < 0 ? -1 : 0;
	p->delta = true;
	for (size_t r = 0; r < n_rules; r++) {
		const struct rule *rule = &rules[r];
		if (!(rule->deps & DEP_TRACES) || (rule->deps & changes & ~DEP_TRACES))
			continue;
		bool run = true;
		if (rule->match == rule_unauthorized)
			run = refusals;
		if (rule->match == rule_lane_absent)
			run = (base->traces == 0) != (traces_now == 0);
		if (!run)
			p->run &= ~(UINT32_C(1) << r);
	}
	return 0;
}

static bool runs(const struct plan *p, const struct rule *rule)
{
	return p->run >> (size_t)(rule - rules) & 1;
}

/* Run the rules of the plan and keep the stored findings of the others. */
static int findings_compute(struct fctx *c, const struct was_list *was,
			    const struct plan *p)
{
	unsigned deps = 0;
	bool pass = false;
	for (size_t r = 0; r < n_rules; r++) {
		if (!runs(p, &rules[r]))
			continue;
		deps |= rules[r].deps;
		pass |= pass_rule(&rules[r]);
	}
	if (load_inputs(c, deps) < 0)
		return -1;
	if (p->delta) {
		memcpy(c->hops_kept, p->hops_kept, sizeof(c->hops_kept));
		c->changed = p->changed;
		c->n_changed = p->n_changed;
		c->was = was->v;
		c->n_was = was->n;
	}
	if (pass) {
		for (size_t r = 0; r < n_rules; r++) {
			const struct rule *rule = &rules[r];
			if (!runs(p, rule))
				continue;
			if (rule->match == rule_stage)
				c->tp.stage[status_index(rule->kind)].rule = rule;
			else if (rule->match == rule_skew_traces)
				c->tp.skew.rule = rule;
			else if (rule->match == rule_unmatched)
				c->tp.unmatched.rule = rule;
			else if (rule->match == rule_lane_uncovered)
				for (int l = 0; l < TRACE_LANES; l++)
					c->tp.uncovered[l].rule = rule;
		}
		if (tpass_run(c, was, p->delta) < 0)
			return -1;
	}
	for (size_t r = 0; r < n_rules && !c->failed; r++)
		if (runs(p, &rules[r]))
			rules[r].match(c, &rules[r]);
	if (c->failed)
		return -1;
	tpass_drop_empty(c);
	struct finding_set *fs = c->out;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i]->n_tr && !fs->v[i]->n_ev &&
		    trace_evidence(c->s, fs->v[i]) < 0)
			return -1;
	for (size_t i = 0; i < was->n; i++) {
		struct fnd *k = was->v[i];
		if (!k->rule || runs(p, k->rule))
			continue;
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? 2 * fs->cap : 16;
			fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
		}
		fs->v[fs->n++] = k;
	}
	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), cmp_fnd);
	return 0;
}

int findings_update(struct store *s, const struct findings_base *base,
		    bool traces_rebuilt, bool traces_rewritten, size_t *n_findings)
{
	struct fctx c = { .s = s, .out = finding_set_new() };
	struct findings_base now = { 0 };
	struct was_list was = { 0 };
	struct plan plan = { 0 };
	struct finding *rows = NULL, *old = NULL;
	int rc = -1;
	/* One read transaction for the many small queries of the rules: each
	 * would otherwise take and drop the lock, reading the file header. */
	bool snap = store_snapshot_begin(s) == 0;
	if (!snap || base_fill(s, &now) < 0 ||
	    store_findings(s, NULL, keep_stored, &was) < 0)
		goto out;
	unsigned changes = DEP_ALL;
	if (base && !traces_rebuilt && !was.unknown) {
		int ev = store_finding_events_after(s, base->watermark);
		if (ev < 0)
			goto out;
		changes = file_changes(&base->files, &now.files) |
			  (ev ? DEP_EVENTS : 0) |
			  ((traces_rewritten && !store_traces_unchanged(s)) ||
			   now.traces != base->traces ? DEP_TRACES : 0);
	}
	for (size_t r = 0; r < n_rules; r++)
		if (rules[r].deps & changes)
			plan.run |= UINT32_C(1) << r;
	if (changes != DEP_ALL && (changes & DEP_TRACES) &&
	    plan_delta(s, base, now.traces, changes, &plan) < 0)
		goto out;
	if (findings_compute(&c, &was, &plan) < 0)
		goto out;
	store_snapshot_end(s);
	snap = false;
	struct finding_set *fs = c.out;
	rows = xcalloc(fs->n + 1, sizeof(*rows));
	old = xcalloc(was.n + 1, sizeof(*old));
	for (size_t i = 0; i < fs->n; i++)
		finding_set_get(fs, i, &rows[i]);
	for (size_t i = 0; i < was.n; i++)
		fnd_row(was.v[i], &old[i]);
	rc = store_findings_sync(s, old, was.n, rows, fs->n, now.stamp);
	if (n_findings)
		*n_findings = fs->n;
out:
	free(plan.changed);
	if (snap)
		store_snapshot_end(s);
	free(rows);
	free(old);
	finding_set_free(c.out);
	was_free(&was);
	free(now.files.v);
	fctx_free(&c);
	return rc;
}

int findings_rebuild(struct store *s, size_t *n_findings)
{
	return findings_update(s, NULL, true, true, n_findings);
}
