/* demo.c - `tatrace demo`'s generator. Plans the device-action traces
 * first (small, in memory), then streams each log file once, merging its
 * trace lines with background noise generated on the fly in time order, so
 * memory stays bounded however many records are asked for. */
#include "demo.h"
#include "../lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_MIN (60 * US_PER_SEC)
#define US_PER_DAY (86400 * US_PER_SEC)
#define OUT_BUF_SIZE ((size_t)1 << 22)
#define LINE_CAP 8192

#define SCP_HOST "SCP01"
#define MP_HOST "MP01"
#define MP_FQDN "MP01.contoso.com"
#define SCP_BIAS 240
#define MP_BIAS 300
#define GATEWAY "https://us.gateway.configmgr.manage.microsoft.com/api/gateway/"
#define INBOX "C:\\Program Files\\Microsoft Configuration Manager\\inboxes\\bgb.box\\"
#define CMPIVOT_SCRIPT "7DC6B6F1-E7F6-43C1-96E0-E1D16BC25C14"
#define DOTNET_TRACE "at Microsoft.ConfigurationManager.ServiceConnector." \
	"ExtensionMethods.<GetResponseAsync>d__13.MoveNext()"

/* ---- random numbers: splitmix64, never rand() -------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0), by multiply-shift: no modulo bias worth
 * caring about at these sizes. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* Uniform in [lo, hi]. */
static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

static struct rng rng_derive(uint64_t seed, uint64_t stream)
{
	struct rng r = { seed ^ (stream * UINT64_C(0xD1B54A32D192ED03)) };
	rng_next(&r);
	return r;
}

/* ---- civil time (proleptic Gregorian, days since 1970-01-01) ----------- */

struct civil {
	int year;
	unsigned mon, day, hour, min, sec;
	unsigned us;
	unsigned wday;		/* 0 = Sunday */
};

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, struct civil *c)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	c->day = doy - (153 * mp + 2) / 5 + 1;
	c->mon = mp < 10 ? mp + 3 : mp - 9;
	c->year = (int)(yoe + era * 400) + (c->mon <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The wall clock of a host writing with bias (UTC = local + bias). */
static void civil_at(int64_t utc_us, int bias_min, struct civil *c)
{
	int64_t local = utc_us - bias_min * US_PER_MIN;
	int64_t days = floor_div(local, US_PER_DAY);
	int64_t tod = local - days * US_PER_DAY;
	civil_from_days(days, c);
	c->wday = (unsigned)((days % 7 + 11) % 7);	/* 1970-01-01 was a Thursday */
	c->hour = (unsigned)(tod / (3600 * US_PER_SEC));
	c->min = (unsigned)(tod / US_PER_MIN % 60);
	c->sec = (unsigned)(tod / US_PER_SEC % 60);
	c->us = (unsigned)(tod % US_PER_SEC);
}

/* ---- a line under construction, printf-free for the hot path ----------- */

struct line {
	size_t n;
	char b[LINE_CAP];
};

static void ln_mem(struct line *l, const char *s, size_t n)
{
	if (n > LINE_CAP - l->n)
		n = LINE_CAP - l->n;
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

static void ln_str(struct line *l, const char *s)
{
	ln_mem(l, s, strlen(s));
}

static void ln_u64(struct line *l, uint64_t v)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ln_mem(l, t + i, (size_t)(24 - i));
}

/* v zero-padded to width digits (width <= 8). */
static void ln_pad(struct line *l, unsigned v, int width)
{
	char t[8];
	for (int i = width - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	ln_mem(l, t, (size_t)width);
}

static void ln_hex_upper(struct line *l, unsigned v)
{
	static const char digits[] = "0123456789ABCDEF";
	char t[8];
	int i = 8;
	do {
		t[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	ln_mem(l, t + i, (size_t)(8 - i));
}

/* A version-4 GUID from the generator: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
static void guid_make(struct rng *r, bool upper, char out[37])
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint64_t a = rng_next(r), b = rng_next(r);
	a = (a & ~UINT64_C(0xF000)) | UINT64_C(0x4000);
	b = (b & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62);
	char hex[32];
	for (int i = 0; i < 16; i++) {
		hex[i] = digits[(a >> (60 - 4 * i)) & 15];
		hex[16 + i] = digits[(b >> (60 - 4 * i)) & 15];
	}
	size_t o = 0;
	for (int i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[o] = '\0';
}

static void guid_upper(const char *in, char out[37])
{
	for (int i = 0; i < 37; i++)
		out[i] = (in[i] >= 'a' && in[i] <= 'f') ? (char)(in[i] - 32) : in[i];
}

static void base64_encode(const char *in, size_t n, struct buf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)in;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		buf_putc(out, tab[(v >> 18) & 63]);
		buf_putc(out, tab[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* ---- output files: big buffer, write(2), UTF-16LE on the way out ------- */

enum encoding {
	ENC_UTF8,		/* no BOM: the .NET workers and the site server */
	ENC_UTF8_BOM,		/* the client's CCM logs */
	ENC_UTF16LE,		/* with BOM */
};

struct out {
	int fd;
	enum encoding enc;
	char *buf;
	size_t len;
	uint64_t bytes;
	int err;		/* first errno, 0 while fine */
	char path[PATH_MAX];
};

static void out_flush(struct out *o)
{
	size_t done = 0;
	while (!o->err && done < o->len) {
		ssize_t w = write(o->fd, o->buf + done, o->len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = errno;
		} else {
			done += (size_t)w;
		}
	}
	o->bytes += o->len;
	o->len = 0;
}

static void out_raw(struct out *o, const char *s, size_t n)
{
	while (n) {
		if (o->len == OUT_BUF_SIZE)
			out_flush(o);
		size_t room = OUT_BUF_SIZE - o->len, k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

static void out_utf16_unit(struct out *o, unsigned u)
{
	char two[2] = { (char)(u & 0xFF), (char)(u >> 8) };
	out_raw(o, two, 2);
}

/* Our text is UTF-8 we wrote ourselves, so the decoder trusts its shape. */
static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->enc != ENC_UTF16LE) {
		out_raw(o, s, n);
		return;
	}
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned cp = *p++;
		int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
		if (more)
			cp &= 0x3Fu >> more;
		while (more-- > 0 && p < end)
			cp = (cp << 6) | (*p++ & 0x3F);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out_utf16_unit(o, 0xD800 | (cp >> 10));
			out_utf16_unit(o, 0xDC00 | (cp & 0x3FF));
		} else {
			out_utf16_unit(o, cp);
		}
	}
}

static bool out_open(struct out *o, const char *path, enum encoding enc,
		     char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s", path);
	o->enc = enc;
	/* --force writes into a folder someone else may have filled: a
	 * planted link must not make demo overwrite what it points to. */
	o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (o->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, errno == ELOOP ?
			 "a symbolic link; demo writes through no link" : strerror(errno));
		return false;
	}
	o->buf = xmalloc(OUT_BUF_SIZE);
	if (enc == ENC_UTF8_BOM)
		out_raw(o, "\xEF\xBB\xBF", 3);
	else if (enc == ENC_UTF16LE)
		out_raw(o, "\xFF\xFE", 2);
	return true;
}

/* Flushes and closes; false with err set when any write failed. */
static bool out_close(struct out *o, char *err, size_t errlen)
{
	out_flush(o);
	if (close(o->fd) != 0 && !o->err)
		o->err = errno;
	free(o->buf);
	o->buf = NULL;
	if (o->err) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(o->err));
		return false;
	}
	return true;
}

/* ---- the files of the bundle ------------------------------------------ */

enum rec_format {
	FMT_CCM,		/* client CCM: ms + bias, CRLF */
	FMT_DOTNET,		/* .NET worker CCM: 7 digits, no bias, file="", LF */
	FMT_SMS,		/* site server: MESSAGE~~  $$<comp><date time+bias><thread>, CRLF */
};

enum noise_kind {
	NOISE_NONE,
	NOISE_AGENT,		/* BgbAgent keep-alives */
	NOISE_MESSAGING,	/* CcmMessaging queue traffic */
	NOISE_SERVER,		/* BgbServer online status and queue polling */
	NOISE_CONNECTOR,	/* CMGatewayNotificationWorker polling */
	NOISE_SCCONN,		/* SMS_SERVICE_CONNECTOR worker checks */
};

struct stream {
	char rel[96];		/* path under DIR */
	int bias;		/* minutes: the clock the host keeps */
	enum rec_format fmt;
	enum encoding enc;
	const char *component;
	enum noise_kind noise;
	uint64_t base_noise;	/* records at --scale 0 */
	unsigned weight;	/* its share of --scale noise, per mille of all */
	uint64_t noise_n;
	unsigned client;	/* 1-based for client files, else 0 */
	uint32_t thread;	/* the host's busiest thread */
	size_t ev_begin, ev_end;
	bool written;		/* its host is collected */
	int64_t day;		/* date cache: local day of date[] */
	char date[11];		/* MM-DD-YYYY */
};

/* The record fields besides time; msg is not NUL-terminated necessarily. */
struct rec {
	const char *msg;
	size_t len;
	unsigned type;		/* CCM type */
	uint32_t thread;
	const char *src;	/* CCM file="" */
	bool tilde;		/* SMS: end the message with "~~" */
};

/* One planned record of a trace or of the fixed site chatter. */
struct event {
	int64_t t;		/* UTC microseconds */
	uint32_t seq;		/* creation order breaks ties */
	uint16_t stream;
	uint8_t type;
	bool tilde;
	uint32_t thread;
	const char *src;
	char *msg;
};

enum {
	S_NOTIFY,
	S_SCCONN,
	S_SYNC,
	S_GENERIC,
	S_SERVER,
	S_CLIENTS,		/* agent = S_CLIENTS + 2(c-1), messaging + 1 */
};

static unsigned agent_stream(unsigned client)
{
	return S_CLIENTS + 2 * (client - 1);
}

/* ---- traces ------------------------------------------------------------ */

/* What a planned action becomes. Kinds map onto the statuses the trace
 * engine reports; the per-mille shares make the proportions known. */
enum trace_kind {
	TK_COMPLETE,
	TK_UNAUTHORIZED,
	TK_NOT_FORWARDED,
	TK_NOT_PUSHED,
	TK_NOT_DELIVERED,
	TK_NO_RESPONSE,
	TK_UNMATCHED,		/* response IDs shifted by one: no_response */
	TK_FAILED,
	TK_PARTIAL,
	TK_CONSOLE,		/* CMPivot / Run Script from the console */
	TK_COUNT,
};

enum trace_status {
	ST_COMPLETE,
	ST_UNAUTHORIZED,
	ST_NOT_FORWARDED,
	ST_NOT_PUSHED,
	ST_NOT_DELIVERED,
	ST_NO_RESPONSE,
	ST_FAILED,
	ST_PARTIAL,
	ST_COUNT,
};

static const char *const status_names[ST_COUNT] = {
	"complete", "unauthorized", "not_forwarded", "not_pushed",
	"not_delivered", "no_response", "failed", "partial",
};

static const struct {
	enum trace_status status;
	unsigned permille;	/* TK_COMPLETE takes what the others leave */
} trace_kinds[TK_COUNT] = {
	[TK_COMPLETE] = { ST_COMPLETE, 0 },
	[TK_UNAUTHORIZED] = { ST_UNAUTHORIZED, 60 },
	[TK_NOT_FORWARDED] = { ST_NOT_FORWARDED, 40 },
	[TK_NOT_PUSHED] = { ST_NOT_PUSHED, 40 },
	[TK_NOT_DELIVERED] = { ST_NOT_DELIVERED, 50 },
	[TK_NO_RESPONSE] = { ST_NO_RESPONSE, 50 },
	[TK_UNMATCHED] = { ST_NO_RESPONSE, 35 },
	[TK_FAILED] = { ST_FAILED, 60 },
	[TK_PARTIAL] = { ST_PARTIAL, 50 },
	[TK_CONSOLE] = { ST_COMPLETE, 80 },
};

static const struct {
	const char *name;
	unsigned number;
	unsigned weight;	/* percent of Intune actions */
} templates[] = {
	{ "RequestMachinePolicy", 1, 55 },
	{ "RequestUserPolicy", 2, 20 },
	{ "RequestScriptExecution", 15, 15 },
	{ "AppEvaluation", 8, 10 },
};
#define N_TEMPLATES (sizeof(templates) / sizeof(templates[0]))
#define TEMPLATE_SCRIPT 2

struct trace {
	int64_t t;		/* first line, UTC */
	enum trace_kind kind;
	unsigned tmpl;
	char guid[37];		/* upper case; "" before forwarding */
	bool pushed;
	int64_t push_id, task_id, push_t;
	unsigned n_targets;
	unsigned targets[3];
	bool received[3];
	bool responded[3];
	unsigned rc[3];		/* ReturnCode of each response */
	unsigned bts_reported, bts_failed;
};

struct gen {
	const struct demo_options *opt;
	const char *dir;
	struct rng rng;
	struct stream *streams;
	size_t n_streams;
	struct event *ev;
	size_t n_ev, cap_ev;
	struct trace *traces;
	char tenant[37];
	char admins[3][37];
	char outsider[37];
	int64_t t0;		/* 08:00 at the SCP, UTC */
	int64_t w0, w1;		/* the noise window */
	int64_t split_t;	/* BgbServer.lo_ holds what is before */
	uint64_t push_id, task_off;
	unsigned bts_no;
	uint64_t records, bytes;
	unsigned files;
	char *err;
	size_t errlen;
};

static void add_event(struct gen *g, unsigned stream, int64_t t, unsigned type,
		      uint32_t thread, const char *src, bool tilde,
		      const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void add_event(struct gen *g, unsigned stream, int64_t t, unsigned type,
		      uint32_t thread, const char *src, bool tilde,
		      const char *fmt, ...)
{
	if (g->n_ev == g->cap_ev) {
		g->cap_ev = g->cap_ev ? 2 * g->cap_ev : 1024;
		g->ev = xrealloc(g->ev, g->cap_ev * sizeof(*g->ev));
	}
	struct buf b = { 0 };
	char tmp[LINE_CAP];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_append(&b, tmp, strlen(tmp));
	struct event *e = &g->ev[g->n_ev];
	e->t = t;
	e->seq = (uint32_t)g->n_ev;
	e->stream = (uint16_t)stream;
	e->type = (uint8_t)type;
	e->tilde = tilde;
	e->thread = thread;
	e->src = src;
	e->msg = b.data;
	g->n_ev++;
}

/* "MM/DD/YYYY HH:MM:SS" on the host's clock, as the BTS and next-run lines
 * write it. */
static void fmt_slash_time(int64_t t, int bias, char out[20])
{
	struct civil c;
	civil_at(t, bias, &c);
	snprintf(out, 20, "%02u/%02u/%04u %02u:%02u:%02u", c.mon % 100,
		 c.day % 100, (unsigned)c.year % 10000, c.hour % 100, c.min % 100,
		 c.sec % 100);
}

static void fmt_utc_iso(int64_t t, char out[32], bool ms)
{
	struct civil c;
	civil_at(t, 0, &c);
	if (ms)
		snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
			 (unsigned)c.year % 10000, c.mon % 100, c.day % 100, c.hour % 100,
			 c.min % 100, c.sec % 100, (c.us / 1000) % 1000);
	else
		snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ",
			 (unsigned)c.year % 10000, c.mon % 100, c.day % 100, c.hour % 100,
			 c.min % 100, c.sec % 100);
}

static uint32_t client_thread(const struct gen *g, unsigned client)
{
	return g->streams[agent_stream(client)].thread;
}

static void script_param(struct gen *g, const char *script_guid, struct buf *out)
{
	char xml[640];
	char hash[65];
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 0; i < 64; i++)
		hash[i] = hex[rng_below(&g->rng, 16)];
	hash[64] = '\0';
	snprintf(xml, sizeof(xml),
		 "<ScriptContent ScriptGuid='%s'><ScriptVersion>1</ScriptVersion>"
		 "<ScriptType>0</ScriptType><ScriptHash ScriptHashAlg='SHA256'>%s"
		 "</ScriptHash><ScriptParameters></ScriptParameters>"
		 "<ParameterGroupHash ParameterHashAlg='SHA256'></ParameterGroupHash>"
		 "</ScriptContent>", script_guid, hash);
	base64_encode(xml, strlen(xml), out);
}

/* The connector's lines of one Intune action; returns when it forwarded. */
static int64_t plan_connector(struct gen *g, struct trace *tr, const char *param)
{
	struct rng *r = &g->rng;
	uint32_t thread = (uint32_t)rng_range(r, 12, 190);
	int64_t t = tr->t;
	const char *name = templates[tr->tmpl].name;
	add_event(g, S_NOTIFY, t, 1, thread, "", false,
		  "Received new notification. Validating basic notification details%s",
		  rng_chance(r, 25) ? ".." : "...");
	t += rng_range(r, 2000, 15000);
	add_event(g, S_NOTIFY, t, 1, thread, "", false,
		  "Validating device action message content...");
	t += rng_range(r, 20000, 90000);
	if (tr->kind == TK_UNAUTHORIZED) {
		add_event(g, S_NOTIFY, t, 2, thread, "", false,
			  "Unauthorized to perform client action. TemplateID: %s "
			  "TenantId: %s AADUserID: %s", name, g->tenant, g->outsider);
		return t;
	}
	add_event(g, S_NOTIFY, t, 1, thread, "", false,
		  "Authorized to perform client action. TemplateID: %s TenantId: %s "
		  "AADUserID:%s%s", name, g->tenant,
		  rng_chance(r, 70) ? "     " : " ", g->admins[rng_below(r, 3)]);
	if (tr->kind == TK_NOT_FORWARDED)
		return t;
	char lower[37];
	guid_make(r, false, lower);
	guid_upper(lower, tr->guid);
	t += rng_range(r, 30000, 250000);
	add_event(g, S_NOTIFY, t, 1, thread, "", false,
		  "Forwarded BGB remote task. TemplateID: %u TaskGuid: %s "
		  "TaskParam: %s%sTargetDeviceIDs: %u%s",
		  templates[tr->tmpl].number, lower, param, *param ? " " : "",
		  tr->n_targets, rng_chance(r, 40) ? "  " : "");
	return t;
}

/* Server push, client receipts and responses, the BTS report. */
static void plan_push(struct gen *g, struct trace *tr, int64_t t, const char *param)
{
	struct rng *r = &g->rng;
	const struct stream *mp = &g->streams[S_SERVER];
	unsigned type = templates[tr->tmpl].number;
	if (rng_chance(r, 12))
		g->task_off++;
	tr->pushed = true;
	tr->push_id = (int64_t)g->push_id++;
	tr->task_id = tr->push_id + (int64_t)g->task_off;
	if (tr->kind == TK_UNMATCHED)
		g->push_id++;	/* nobody owns (P+1, T+1): the response stays unmatched */
	if (!tr->guid[0])
		guid_make(r, true, tr->guid);

	add_event(g, S_SERVER, t, 1, mp->thread, "", true,
		  "Get one push message from database.");
	t += rng_range(r, 15000, 40000);
	tr->push_t = t;
	add_event(g, S_SERVER, t, 1, mp->thread, "", true,
		  "Starting to send push task (PushID: %lld TaskID: %lld TaskGUID: %s "
		  "TaskType: %u TaskParam: %s) to %u clients%swith throttling "
		  "(strategy: 1 param: 42)", (long long)tr->push_id,
		  (long long)tr->task_id, tr->guid, type, param, tr->n_targets,
		  rng_chance(r, 25) ? "  " : " ");
	int64_t fin = t + rng_range(r, 10000, 25000);
	add_event(g, S_SERVER, fin, 1, mp->thread, "", true,
		  "Finished sending push task (PushID: %lld TaskID: %lld) to %u clients",
		  (long long)tr->push_id, (long long)tr->task_id, tr->n_targets);
	add_event(g, S_SERVER, fin + rng_range(r, 1000, 3000), 1, mp->thread, "",
		  true, "Retrieving push tasks from database...");

	unsigned reported = 0, failed = 0;
	for (unsigned k = 0; k < tr->n_targets; k++) {
		unsigned c = tr->targets[k];
		bool receive = true, respond = true;
		unsigned rc = 1;
		switch (tr->kind) {
		case TK_NOT_DELIVERED: receive = respond = false; break;
		case TK_NO_RESPONSE: respond = false; break;
		case TK_PARTIAL:
			receive = k != 1;
			respond = k == 0;
			break;
		case TK_FAILED:
			if (g->bts_no % 2 == 0)
				rc = 0;
			else
				failed++;	/* the server's verdict, not the client's */
			break;
		default: break;
		}
		tr->received[k] = receive;
		tr->responded[k] = respond;
		tr->rc[k] = rc;
		if (!receive) {
			failed++;	/* the server knows it could not deliver */
			continue;
		}
		unsigned st = agent_stream(c);
		int64_t rt = t + rng_range(r, 30000, 80000) + 5000 * k;
		add_event(g, st, rt, 1, client_thread(g, c), "bgbconnector.cpp:386",
			  false, "Receive task from server with pushid=%lld, taskid=%lld, "
			  "taskguid=%s, tasktype=%u and taskParam=%s",
			  (long long)tr->push_id, (long long)tr->task_id, tr->guid,
			  type, param);
		if (!respond)
			continue;
		int64_t at = rt + rng_range(r, 1000000, 3000000);
		char stamp[32];
		fmt_utc_iso(at - rng_range(r, 0, 20000), stamp, false);
		int64_t shift = tr->kind == TK_UNMATCHED;
		add_event(g, st, at, 1, client_thread(g, c) + 4, "bgbconnector.cpp:1081",
			  false, "Send Task response message <BgbResponseMessage "
			  "TimeStamp=\"%s\"><PushID>%lld</PushID><TaskID>%lld</TaskID>"
			  "<ReturnCode>%u</ReturnCode></BgbResponseMessage> %s", stamp,
			  (long long)(tr->push_id + shift), (long long)(tr->task_id + shift),
			  rc, rng_chance(r, 25) ? "successfuly." : "successfully.");
		/* The BTS report counts the answers to this push (a response
		 * with other IDs answers nothing) and the failed clients:
		 * undelivered, answered with an error, or judged failed by
		 * the server. A client still silent is neither. */
		if (!shift)
			reported++;
		if (rc == 0)
			failed++;
	}

	int64_t bt = t + rng_range(r, 28500000, 29800000);
	char when[20];
	fmt_slash_time(bt, MP_BIAS, when);
	add_event(g, S_SERVER, bt, 1, 4008, "", true,
		  "Generated BGB task status report %sBgb%05x.BTS at %s. (PushID: %lld "
		  "ReportedClients: %u FailedClients: %u)", INBOX, ++g->bts_no, when,
		  (long long)tr->push_id, reported, failed);
	tr->bts_reported = reported;
	tr->bts_failed = failed;
}

static void pick_targets(struct gen *g, struct trace *tr, unsigned want)
{
	unsigned n = g->opt->clients;
	if (want > n)
		want = n;
	tr->n_targets = 0;
	while (tr->n_targets < want) {
		unsigned c = 1 + rng_below(&g->rng, n);
		bool dup = false;
		for (unsigned k = 0; k < tr->n_targets; k++)
			dup |= tr->targets[k] == c;
		if (!dup)
			tr->targets[tr->n_targets++] = c;
	}
}

static unsigned pick_template(struct rng *r)
{
	unsigned x = rng_below(r, 100);
	for (unsigned i = 0; i < N_TEMPLATES; i++) {
		if (x < templates[i].weight)
			return i;
		x -= templates[i].weight;
	}
	return 0;
}

static void plan_traces(struct gen *g)
{
	unsigned m = g->opt->actions;
	struct rng *r = &g->rng;
	unsigned count[TK_COUNT] = { 0 };
	unsigned used = 0;
	for (unsigned k = 1; k < TK_COUNT; k++) {
		if (k == TK_PARTIAL && g->opt->clients < 2)
			continue;	/* one client cannot be partly reached */
		count[k] = (unsigned)(((uint64_t)m * trace_kinds[k].permille + 500) / 1000);
		used += count[k];
	}
	while (used > m) {	/* tiny M: trim the biggest share */
		unsigned big = 1;
		for (unsigned k = 2; k < TK_COUNT; k++)
			if (count[k] > count[big])
				big = k;
		count[big]--;
		used--;
	}
	count[TK_COMPLETE] = m - used;

	g->traces = xcalloc(m ? m : 1, sizeof(*g->traces));
	unsigned i = 0;
	for (unsigned k = 0; k < TK_COUNT; k++)
		for (unsigned j = 0; j < count[k]; j++)
			g->traces[i++].kind = (enum trace_kind)k;
	for (unsigned j = m; j > 1; j--) {	/* Fisher-Yates */
		unsigned o = rng_below(r, j);
		enum trace_kind tmp = g->traces[j - 1].kind;
		g->traces[j - 1].kind = g->traces[o].kind;
		g->traces[o].kind = tmp;
	}

	/* Spread over the day from 08:00 at the SCP. */
	int64_t span = 23 * 3600 * US_PER_SEC;
	int64_t slot = m ? span / m : span;
	for (unsigned j = 0; j < m; j++) {
		struct trace *tr = &g->traces[j];
		tr->t = g->t0 + 90 * US_PER_SEC + (int64_t)j * slot +
			rng_range(r, 0, slot / 2);
		unsigned want = 1;
		if (tr->kind == TK_CONSOLE) {
			tr->tmpl = TEMPLATE_SCRIPT;
			want = rng_chance(r, 40) ? 2 : 1;
		} else {
			tr->tmpl = pick_template(r);
			if (tr->kind == TK_PARTIAL)
				want = rng_chance(r, 50) ? 3 : 2;
			else if (tr->kind == TK_COMPLETE && rng_chance(r, 20))
				want = 2;
		}
		pick_targets(g, tr, want);

		struct buf param = { 0 };
		if (tr->tmpl == TEMPLATE_SCRIPT) {
			char sg[37];
			guid_make(r, true, sg);
			script_param(g, tr->kind == TK_CONSOLE ? CMPIVOT_SCRIPT : sg, &param);
		}
		const char *p = param.data ? param.data : "";
		if (tr->kind == TK_CONSOLE) {
			plan_push(g, tr, tr->t, p);
		} else {
			int64_t fw = plan_connector(g, tr, p);
			if (tr->kind != TK_UNAUTHORIZED && tr->kind != TK_NOT_FORWARDED &&
			    tr->kind != TK_NOT_PUSHED)
				plan_push(g, tr, fw + rng_range(r, 1200000, 1800000), p);
		}
		buf_free(&param);
	}
}

/* Where BgbServer.log was rotated: inside the pushed trace nearest the
 * middle, after its push and before its BTS report. */
static void plan_rotation(struct gen *g)
{
	int64_t mid = g->t0 + 12 * 3600 * US_PER_SEC, best = -1;
	g->split_t = mid;
	for (unsigned j = 0; j < g->opt->actions; j++) {
		const struct trace *tr = &g->traces[j];
		if (!tr->pushed)
			continue;
		int64_t d = tr->push_t > mid ? tr->push_t - mid : mid - tr->push_t;
		if (best < 0 || d < best) {
			best = d;
			g->split_t = tr->push_t + 12 * US_PER_SEC;
		}
	}
}

/* Site chatter that is not noise: uploads every 15 minutes, the gateway
 * errors the documentation lists, the firewall warning. */
static void plan_site(struct gen *g)
{
	struct rng *r = &g->rng;
	const char *up = "[UploadDelta_HelpdeskUpload]";
	char id[37], when[20];
	unsigned cycle = 0;
	for (int64_t t = g->w0 + 4 * US_PER_MIN; t < g->w1; t += 15 * US_PER_MIN, cycle++) {
		int64_t u = t + rng_range(r, 0, 900000);
		uint32_t th = (uint32_t)rng_range(r, 20, 160);
		add_event(g, S_SYNC, u, 1, th, "", false,
			  "Triggered CMGatewaySyncUploadWorker::ExecuteAsync()");
		add_event(g, S_SYNC, u + 41000, 1, th, "", false, "Batching %u records",
			  rng_below(r, g->opt->clients + 1));
		fmt_slash_time(t + 15 * US_PER_MIN, SCP_BIAS, when);
		add_event(g, S_SYNC, u + 530000, 1, th, "", false,
			  "Next run time will be at approximately: %s", when);

		if (cycle % 4 != 1)
			continue;
		int64_t v = u + 20 * US_PER_SEC;
		th = (uint32_t)rng_range(r, 20, 160);
		add_event(g, S_GENERIC, v, 1, th, "", false,
			  "Triggered GenericUploadWorker::ExecuteAsync()");
		guid_make(r, false, id);
		add_event(g, S_GENERIC, v + 3000, 1, th, "", false,
			  "%s Creating web request to: " GATEWAY "DevicePost Method: POST "
			  "Activity ID: %s Timeout: 00:02:00", up, id);
		if (cycle == 5) {
			int64_t e = v + 640000;
			add_event(g, S_GENERIC, e, 1, th, "", false,
				  "[OnboardScenario] Creating web request to: " GATEWAY
				  "AccountOnboardingInfo Method: POST Activity ID: %s "
				  "Timeout: 00:02:00", id);
			add_event(g, S_GENERIC, e + 410000, 3, th, "", false,
				  "[OnboardScenario] Response from " GATEWAY
				  "AccountOnboardingInfo is: 400 (Bad Request)");
			guid_make(r, false, id);
			add_event(g, S_GENERIC, e + 411000, 3, th, "", false,
				  "Response status code: 400 (BadRequest) Activity ID: %s", id);
			add_event(g, S_GENERIC, e + 413000, 3, th, "", false,
				  "Unexpected exception for worker GenericUploadWorker");
			add_event(g, S_GENERIC, e + 414000, 3, th, "", false,
				  "Exception details:\n[Critical][GenericUploadWorker][0]"
				  "[System.Net.WebException][0x80131509]\nThe remote server "
				  "returned an error: (400) Bad Request.    " DOTNET_TRACE);
		} else if (cycle == 9 || cycle == 13) {
			int64_t e = v + 520000;
			add_event(g, S_GENERIC, e, 3, th, "", false, "%s Response from "
				  GATEWAY "DevicePost is: 401 (Unauthorized)", up);
			guid_make(r, false, id);
			add_event(g, S_GENERIC, e + 1000, 3, th, "", false,
				  "Response status code: 401 (Unauthorized) Activity ID: %s", id);
			add_event(g, S_GENERIC, e + 2000, 3, th, "", false,
				  "[WebException]: Failed to upload data to '" GATEWAY
				  "DevicePost'");
			add_event(g, S_GENERIC, e + 3000, 2, th, "", false,
				  "Exception details:\n[Warning][GenericUploadWorker][0]"
				  "[System.Net.WebException][0x80131509]\nThe remote server "
				  "returned an error: (401) Unauthorized.    " DOTNET_TRACE);
		} else {
			add_event(g, S_GENERIC, v + rng_range(r, 300000, 900000), 1, th, "",
				  false, "%s Uploaded %u device records.", up,
				  rng_below(r, g->opt->clients + 1));
		}
	}

	/* One failed poll, before the first action of the day. */
	int64_t e = g->w0 + 7 * US_PER_MIN + 312345;
	uint32_t th = 57;
	add_event(g, S_NOTIFY, e, 3, th, "", false, "[GetNotifications] Response from "
		  GATEWAY "Notification is: 401 (Unauthorized)");
	guid_make(r, false, id);
	add_event(g, S_NOTIFY, e + 800, 3, th, "", false,
		  "Response status code: 401 (Unauthorized) Activity ID: %s", id);
	add_event(g, S_NOTIFY, e + 1900, 3, th, "", false,
		  "Web exception when getting new notification");
	add_event(g, S_NOTIFY, e + 2100, 2, th, "", false,
		  "Exception details:\n[Warning][CMGatewayNotificationWorker][0]"
		  "[System.Net.WebException][0x80131509]\nThe remote server returned "
		  "an error: (401) Unauthorized.    " DOTNET_TRACE);
	add_event(g, S_NOTIFY, e + 2400, 3, th, "", false,
		  "Response in the web exception: {\"Message\":\"An error has occurred.\"}");

	/* The firewall warning and the status message that goes with it. */
	int64_t f = g->w0 + 2 * US_PER_MIN + 707000;
	struct civil c;
	civil_at(f + 11000, 0, &c);
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	add_event(g, S_SERVER, f, 2, 7600, "", true,
		  "WARNING: Notification Server (%%systemroot%%\\system32\\dllhost.exe) "
		  "with TCP port 10123 is NOT allowed by Windows Firewall on all interfaces.");
	add_event(g, S_SERVER, f + 891000, 1, 7600, "", false,
		  "STATMSG: ID=9802 SEV=W LEV=M SOURCE=\"SMS Server\" "
		  "COMP=\"SMS_NOTIFICATION_SERVER\" SYS=" MP_FQDN " SITE=PS1 PID=7688 "
		  "TID=7600 GMTDATE=%s %s %02u %02u:%02u:%02u.%03u %04u ISTR0=\"" MP_FQDN
		  "\" ISTR1=\"10123\" ISTR2=\"10123\" ISTR3=\"10123\" ISTR4=\"" MP_FQDN
		  "\" ISTR5=\"\" ISTR6=\"\" ISTR7=\"\" ISTR8=\"\" ISTR9=\"\" NUMATTRS=0 "
		  "LE=0X0", wd[c.wday], mo[(c.mon - 1) % 12], c.day % 100, c.hour % 100,
		  c.min % 100, c.sec % 100, (c.us / 1000) % 1000, (unsigned)c.year % 10000);
}

/* ---- planning the files ----------------------------------------------- */

static void add_stream(struct gen *g, const char *rel, int bias,
		       enum rec_format fmt, enum encoding enc, const char *component,
		       enum noise_kind noise, uint64_t base, unsigned weight,
		       unsigned client)
{
	struct stream *s = &g->streams[g->n_streams++];
	memset(s, 0, sizeof(*s));
	snprintf(s->rel, sizeof(s->rel), "%s", rel);
	s->bias = bias;
	s->fmt = fmt;
	s->enc = enc;
	s->component = component;
	s->noise = noise;
	s->base_noise = base;
	s->weight = weight;
	s->client = client;
	s->day = INT64_MIN;
}

static void plan_streams(struct gen *g)
{
	static const int client_biases[] = { -60, 0, 480, -330, 240, 600 };
	unsigned n = g->opt->clients;
	g->streams = xcalloc(S_CLIENTS + 2 * (size_t)n, sizeof(*g->streams));
	const char *scp = SCP_HOST "/Logs/";
	char rel[96];
	snprintf(rel, sizeof(rel), "%sCMGatewayNotificationWorker.log", scp);
	add_stream(g, rel, SCP_BIAS, FMT_DOTNET, ENC_UTF8,
		   "SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker",
		   NOISE_CONNECTOR, 240, 40, 0);
	snprintf(rel, sizeof(rel), "%sSMS_SERVICE_CONNECTOR.log", scp);
	add_stream(g, rel, SCP_BIAS, FMT_SMS, ENC_UTF8,
		   "SMS_SERVICE_CONNECTOR", NOISE_SCCONN, 150, 30, 0);
	snprintf(rel, sizeof(rel), "%sCMGatewaySyncUploadWorker.log", scp);
	add_stream(g, rel, SCP_BIAS, FMT_DOTNET, ENC_UTF8,
		   "SMS_SERVICE_CONNECTOR_CMGatewaySyncUploadWorker", NOISE_NONE, 0, 0, 0);
	snprintf(rel, sizeof(rel), "%sGenericUploadWorker.log", scp);
	add_stream(g, rel, SCP_BIAS, FMT_DOTNET, ENC_UTF8,
		   "SMS_SERVICE_CONNECTOR_GenericUploadWorker", NOISE_NONE, 0, 0, 0);
	add_stream(g, MP_HOST "/SMS_CCM/Logs/BgbServer.log", MP_BIAS,
		   FMT_SMS, ENC_UTF8, "SMS_NOTIFICATION_SERVER", NOISE_SERVER, 1500,
		   250, 0);
	g->streams[S_SERVER].thread = 7896;
	for (unsigned c = 1; c <= n; c++) {
		char host[16];
		snprintf(host, sizeof(host), "CLIENT%02u", c);
		int bias = client_biases[(c - 1) % 6];
		enum encoding enc = c % 4 == 0 ? ENC_UTF16LE : ENC_UTF8_BOM;
		snprintf(rel, sizeof(rel), "%s/Windows/CCM/Logs/CcmNotificationAgent.log", host);
		add_stream(g, rel, bias, FMT_CCM, enc, "BgbAgent", NOISE_AGENT,
			   150, 600 / n ? 600 / n : 1, c);
		g->streams[g->n_streams - 1].thread = (uint32_t)rng_range(&g->rng, 1200, 9800) & ~3u;
		snprintf(rel, sizeof(rel), "%s/Windows/CCM/Logs/CcmMessaging.log", host);
		add_stream(g, rel, bias, FMT_CCM, enc, "CcmMessaging",
			   NOISE_MESSAGING, 40, 80 / n ? 80 / n : 1, c);
		g->streams[g->n_streams - 1].thread = (uint32_t)rng_range(&g->rng, 1200, 9800) & ~3u;
	}
}

/* Noise counts: the base background, or what --scale leaves after the
 * planned lines, shared out by weight. */
static void plan_noise(struct gen *g)
{
	uint64_t fixed = g->n_ev + 1;	/* + the rotation marker */
	uint64_t want = g->opt->scale > fixed ? g->opt->scale - fixed : 0;
	uint64_t wsum = 0;
	for (size_t i = 0; i < g->n_streams; i++)
		wsum += g->streams[i].weight;
	uint64_t given = 0;
	size_t last = 0;
	for (size_t i = 0; i < g->n_streams; i++) {
		struct stream *s = &g->streams[i];
		if (!g->opt->scale) {
			s->noise_n = s->base_noise;
		} else if (s->weight) {
			s->noise_n = (uint64_t)((double)want * s->weight / (double)wsum);
			given += s->noise_n;
			last = i;
		}
	}
	if (g->opt->scale && wsum)
		g->streams[last].noise_n += want - given;
}

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- writing records -------------------------------------------------- */

static void ln_bias(struct line *l, int bias)
{
	ln_mem(l, bias < 0 ? "-" : "+", 1);
	ln_u64(l, (uint64_t)(bias < 0 ? -bias : bias));
}

/* Local date and time of day for the stream's clock; the date string is
 * cached per day since records come in time order. */
static int64_t stream_clock(struct stream *s, int64_t t)
{
	int bias = s->bias;
	int64_t local = t - bias * US_PER_MIN;
	int64_t day = floor_div(local, US_PER_DAY);
	if (day != s->day) {
		struct civil c;
		civil_from_days(day, &c);
		snprintf(s->date, sizeof(s->date), "%02u-%02u-%04u",
			 c.mon % 100, c.day % 100, (unsigned)c.year % 10000);
		s->day = day;
	}
	return local - day * US_PER_DAY;
}

static void ln_clock(struct line *l, int64_t tod, int digits)
{
	unsigned sec = (unsigned)(tod / US_PER_SEC);
	unsigned us = (unsigned)(tod % US_PER_SEC);
	ln_pad(l, sec / 3600, 2);
	ln_mem(l, ":", 1);
	ln_pad(l, sec / 60 % 60, 2);
	ln_mem(l, ":", 1);
	ln_pad(l, sec % 60, 2);
	ln_mem(l, ".", 1);
	if (digits == 3)
		ln_pad(l, us / 1000, 3);
	else	/* .NET ticks: the seventh digit from the time itself */
		ln_pad(l, us * 10 + (unsigned)((tod / 7) % 10), 7);
}

static void write_record(struct stream *s, struct out *o, int64_t t,
			 const struct rec *r, struct line *l)
{
	int64_t tod = stream_clock(s, t);
	l->n = 0;
	if (s->fmt == FMT_SMS) {
		ln_mem(l, r->msg, r->len);
		if (r->tilde)
			ln_mem(l, "~~", 2);
		ln_mem(l, "  $$<", 5);
		ln_str(l, s->component);
		ln_mem(l, "><", 2);
		ln_mem(l, s->date, 10);
		ln_mem(l, " ", 1);
		ln_clock(l, tod, 3);
		ln_bias(l, s->bias);
		ln_mem(l, "><thread=", 9);
		ln_u64(l, r->thread);
		ln_mem(l, " (0x", 4);
		ln_hex_upper(l, r->thread);
		ln_mem(l, ")>\r\n", 4);
	} else {
		ln_mem(l, "<![LOG[", 7);
		ln_mem(l, r->msg, r->len);
		ln_mem(l, "]LOG]!><time=\"", 14);
		if (s->fmt == FMT_DOTNET) {
			ln_clock(l, tod, 7);
		} else {
			ln_clock(l, tod, 3);
			ln_bias(l, s->bias);
		}
		ln_mem(l, "\" date=\"", 8);
		ln_mem(l, s->date, 10);
		ln_mem(l, "\" component=\"", 13);
		ln_str(l, s->component);
		ln_mem(l, "\" context=\"\" type=\"", 19);
		ln_u64(l, r->type);
		ln_mem(l, "\" thread=\"", 10);
		ln_u64(l, r->thread);
		ln_mem(l, "\" file=\"", 8);
		ln_str(l, r->src);
		if (s->fmt == FMT_DOTNET)
			ln_mem(l, "\">\n", 3);
		else
			ln_mem(l, "\">\r\n", 4);
	}
	out_put(o, l->b, l->n);
}

/* ---- noise ------------------------------------------------------------ */

static void ln_guid(struct line *l, struct rng *r, bool upper)
{
	char g[37];
	guid_make(r, upper, g);
	ln_mem(l, g, 36);
}

/* The i-th noise record of a stream: message into m, fields into rec. */
static void noise_record(const struct gen *g, const struct stream *s, uint64_t i,
			 struct rng *r, struct line *m, struct rec *rec)
{
	unsigned n = g->opt->clients;
	m->n = 0;
	rec->type = 1;
	rec->src = "";
	rec->tilde = false;
	rec->thread = s->thread;
	switch (s->noise) {
	case NOISE_AGENT: {
		bool http = s->client % 5 == 2;	/* these fell back to HTTP */
		if (i % 397 == 7) {
			rec->type = 0;
			rec->src = "bgbcontroller.cpp:512";
			ln_str(m, "Notification server list:\r\n  " MP_FQDN
			       ":10123 (TCP)\r\n  " MP_FQDN ":80 (HTTP, fallback)");
			break;
		}
		switch (rng_below(r, 8)) {
		case 0: case 1: case 2:
			rec->src = "bgbconnector.cpp:1172";
			ln_str(m, http ? "Successfully sent keep-alive request over HTTP to "
			       MP_FQDN "." : "Successfully sent keep-alive message to "
			       MP_FQDN ".");
			break;
		case 3:
			rec->src = "bgbcontroller.cpp:240";
			ln_str(m, "BgbController main loop is running, online state: ");
			ln_str(m, http ? "HTTP" : "TCP");
			break;
		case 4:
			rec->src = "bgbconnector.cpp:1190";
			rec->type = 0;
			ln_str(m, "Keep-alive interval is ");
			ln_u64(m, http ? 300 : 900);
			ln_str(m, " seconds, next in ");
			ln_u64(m, rng_below(r, 900));
			ln_str(m, " seconds");
			break;
		case 5:
			rec->src = "bgbconnector.cpp:611";
			ln_str(m, "Connecting to server with IP: 10.10.1.");
			ln_u64(m, 5 + i % 2);
			ln_str(m, http ? " Port: 80" : " Port: 10123");
			break;
		case 6:
			rec->src = "bgbstate.cpp:95";
			ln_str(m, "Online status reported, sequence ");
			ln_u64(m, i + 1);
			break;
		default:
			if (rng_below(r, 16) == 0) {
				rec->type = 2;
				rec->src = "bgbconnector.cpp:702";
				ln_str(m, "Server " MP_FQDN " did not answer the keep-alive in "
				       "time, reconnecting");
			} else {
				rec->src = "bgbconnector.cpp:1180";
				ln_str(m, "Receive keep-alive reply from server " MP_FQDN);
			}
			break;
		}
		break;
	}
	case NOISE_MESSAGING: {
		static const char *const queues[] = {
			"mp_mp_relayendpoint", "mp_locationmanagerendpoint",
			"mp_mp_policyagent_endpoint", "mp_mp_statusreceiver_endpoint",
		};
		const char *q = queues[rng_below(r, 4)];
		if (rng_below(r, 2)) {
			ln_str(m, "Sending async message '{");
			ln_guid(m, r, true);
			ln_str(m, "}' to outgoing queue '");
			ln_str(m, q);
			ln_str(m, "'");
		} else {
			ln_str(m, "OutgoingMessage(Queue='");
			ln_str(m, q);
			ln_str(m, "', ID={");
			ln_guid(m, r, true);
			ln_str(m, "}): Delivered successfully to host '" MP_FQDN "'.");
		}
		rec->src = "messagequeue.cpp:1061";
		break;
	}
	case NOISE_SERVER:
		rec->tilde = true;
		rec->thread = 7892;
		switch (i % 5) {
		case 0:
			if (i % 50 == 0) {
				rec->thread = 7560;
				ln_str(m, "Time for refresh MP setting is due");
				rec->tilde = false;
			} else {
				ln_str(m, "Retrieving online resync flag from database...");
			}
			break;
		case 1:
			ln_str(m, "Total online clients: ");
			ln_u64(m, n);
			ln_str(m, " (TCP: ");
			ln_u64(m, n - (n + 3) / 5);
			ln_str(m, " HTTP: ");
			ln_u64(m, (n + 3) / 5);
			ln_str(m, ")");
			break;
		case 2:
			ln_str(m, "Online/Offline normal clients since last successful report: ");
			ln_u64(m, rng_below(r, 8) == 0);
			break;
		case 3:
			rec->thread = 8492;
			ln_str(m, "Receiving message from queue timeout.");
			break;
		default:
			rec->thread = 8492;
			ln_str(m, "Retrieving push tasks from database...");
			break;
		}
		break;
	case NOISE_CONNECTOR:
		rec->thread = 20 + (uint32_t)(i % 4) * 37;
		switch (i % 4) {
		case 0:
			ln_str(m, "Worker CMGatewayNotificationWorker was triggered by timer.");
			break;
		case 1:
			ln_str(m, "Triggered CMGatewayNotificationWorker::ExecuteAsync()");
			break;
		case 2:
			ln_str(m, "[GetNotifications] Creating web request to: " GATEWAY
			       "Notification Method: GET Activity ID: ");
			ln_guid(m, r, false);
			ln_str(m, " Timeout: 00:02:00");
			break;
		default:
			ln_str(m, "No new notification.");
			break;
		}
		break;
	case NOISE_SCCONN: {
		static const char *const workers[] = {
			"CMGatewayNotificationWorker", "CMGatewaySyncUploadWorker",
			"GenericUploadWorker", "GenericDownloadWorker",
		};
		rec->tilde = true;
		rec->thread = 5412;
		if (i % 5 == 4) {
			ln_str(m, "Waiting 300 seconds for the next worker check...");
		} else {
			ln_str(m, "Worker ");
			ln_str(m, workers[i % 5]);
			ln_str(m, " is running.");
		}
		break;
	}
	case NOISE_NONE:
		break;
	}
	rec->msg = m->b;
	rec->len = m->n;
}

/* ---- streaming one file ----------------------------------------------- */

static bool mkdir_parents(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			return false;
		}
		*p = '/';
	}
	return true;
}

/* The folders of rel under dir, made or checked: none may be a symbolic
 * link (a link planted in DIR would send --force's files elsewhere). */
static bool mkdir_below(const char *dir, const char *rel, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	size_t base = (size_t)snprintf(tmp, sizeof(tmp), "%s/", dir);
	snprintf(tmp + base, sizeof(tmp) - base, "%s", rel);
	for (char *p = tmp + base; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		struct stat st;
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			return false;
		}
		if (lstat(tmp, &st) != 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			return false;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: %s", tmp, S_ISLNK(st.st_mode) ?
				 "a symbolic link; demo writes through no link" :
				 "not a directory");
			return false;
		}
		*p = '/';
	}
	return true;
}

static bool open_file(struct gen *g, struct out *o, const char *rel, enum encoding enc)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", g->dir, rel);
	if (!mkdir_below(g->dir, rel, g->err, g->errlen))
		return false;
	if (!out_open(o, path, enc, g->err, g->errlen))
		return false;
	g->files++;
	return true;
}

static bool close_file(struct gen *g, struct out *o)
{
	bool ok = out_close(o, g->err, g->errlen);
	g->bytes += o->bytes;
	return ok;
}

static bool write_stream(struct gen *g, size_t idx, struct line *l, struct line *m)
{
	struct stream *s = &g->streams[idx];
	bool rotated = idx == S_SERVER;
	struct out o;
	char rel[104];
	if (rotated) {
		snprintf(rel, sizeof(rel), "%s", s->rel);
		memcpy(rel + strlen(rel) - 4, ".lo_", 4);
	}
	if (!open_file(g, &o, rotated ? rel : s->rel, s->enc))
		return false;

	struct rng r = rng_derive(g->opt->seed, 1000 + idx);
	double span = (double)(g->w1 - g->w0);
	uint64_t n = s->noise_n, i = 0;
	int64_t slot = n ? (int64_t)(span / (double)n) : 0;
	int64_t next_noise = INT64_MAX;
	if (n)
		next_noise = g->w0 + (slot > 1 ? rng_range(&r, 0, slot / 2) : 0);
	size_t j = s->ev_begin;
	while (i < n || j < s->ev_end) {
		int64_t t;
		struct rec rec;
		if (j < s->ev_end && g->ev[j].t <= next_noise) {
			const struct event *e = &g->ev[j++];
			t = e->t;
			rec = (struct rec){ e->msg, strlen(e->msg), e->type, e->thread,
					    e->src, e->tilde };
		} else {
			t = next_noise;
			noise_record(g, s, i, &r, m, &rec);
			i++;
			next_noise = INT64_MAX;
			if (i < n) {
				next_noise = g->w0 + (int64_t)((double)i * span / (double)n);
				if (slot > 1)
					next_noise += rng_range(&r, 0, slot / 2);
			}
		}
		if (rotated && t >= g->split_t) {
			static const char marker[] =
				"<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>\r\n";
			out_put(&o, marker, sizeof(marker) - 1);
			g->records++;
			if (!close_file(g, &o) || !open_file(g, &o, s->rel, s->enc))
				return false;
			rotated = false;
		}
		write_record(s, &o, t, &rec, l);
		g->records++;
		if (o.err)
			break;
	}
	if (rotated) {	/* nothing came after the split: still rotate */
		static const char marker[] =
			"<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>\r\n";
		out_put(&o, marker, sizeof(marker) - 1);
		g->records++;
		if (!close_file(g, &o) || !open_file(g, &o, s->rel, s->enc))
			return false;
	}
	return close_file(g, &o);
}

/* ---- expected.json ----------------------------------------------------- */

/* The host a stream's file lives on: its first path component. */
static void stream_host(const struct stream *s, char out[32])
{
	size_t n = strcspn(s->rel, "/");
	snprintf(out, 32, "%.*s", (int)(n < 31 ? n : 31), s->rel);
}

static bool collected(const struct gen *g, const char *host)
{
	if (!g->opt->n_collect)
		return true;
	for (size_t i = 0; i < g->opt->n_collect; i++)
		if (!strcasecmp(g->opt->collect[i], host))
			return true;
	return false;
}

static bool client_collected(const struct gen *g, unsigned client)
{
	char host[16];
	snprintf(host, sizeof(host), "CLIENT%02u", client % 1000);
	return collected(g, host);
}

/* What the evidence of this collection proves, by the rules the README
 * states (a client whose log is missing is never called undelivered;
 * failure needs a ReturnCode, FailedClients, or a BTS report short of
 * answers). Worked out from what the generator did and wrote, not from
 * the logs, so it checks tatrace's reading of them. Returns NULL when
 * nothing of the trace is in the bundle. */
static const char *collected_status(const struct gen *g, const struct trace *tr)
{
	bool scp = collected(g, "SCP01"), mp = collected(g, "MP01");
	bool intune = tr->kind != TK_CONSOLE;
	enum trace_kind k = tr->kind;
	if (k == TK_UNAUTHORIZED || k == TK_NOT_FORWARDED)
		return scp ? status_names[trace_kinds[k].status] : NULL;
	if (k == TK_NOT_PUSHED)
		return !scp ? NULL : mp ? "not_pushed" : "missing_evidence";
	/* What the collected client logs show of each target. */
	long received = 0, complete = 0, failed = 0, no_response = 0;
	for (unsigned i = 0; i < tr->n_targets; i++) {
		if (!tr->received[i] || !client_collected(g, tr->targets[i]))
			continue;
		received++;
		if (!tr->responded[i] || k == TK_UNMATCHED)
			no_response++;
		else if (tr->rc[i] == 1)
			complete++;
		else
			failed++;
	}
	if (!mp && !received)
		return intune && scp ? "missing_evidence" : NULL;
	/* What the server's report says, when its log was collected. */
	long expected = mp || (scp && intune) ? (long)tr->n_targets : -1;
	long answered = mp ? (long)tr->bts_reported : 0;
	long server_failed = mp ? (long)tr->bts_failed : 0;
	long unseen = expected < 0 ? 1 : expected - received;
	long extra = answered - server_failed - complete;	/* answers not in the bundle */
	if (extra > (expected < 0 ? 0 : unseen))
		extra = expected < 0 ? 0 : unseen;
	long known_ok = complete + (extra > 0 ? extra : 0);
	if (!received)
		return !server_failed ? "missing_evidence"
		       : !answered ? "not_delivered" : "failed";
	if (failed)
		return "failed";
	if (server_failed)
		return complete && (expected < 0 || complete < expected) ? "partial" : "failed";
	if (complete == received && !unseen)
		return "complete";
	if (known_ok && (no_response || (mp && answered < expected)))
		return "partial";
	if (!known_ok && no_response)
		return "no_response";
	return "missing_evidence";
}

static bool write_expected(struct gen *g)
{
	struct buf b = { 0 };
	unsigned counts[ST_COUNT] = { 0 }, missing = 0;
	buf_printf(&b, "{\"seed\":%llu,\"clients\":%u,\"actions\":%u,\"scale\":%llu,"
		   "\"records\":%llu,\"collected\":[",
		   (unsigned long long)g->opt->seed, g->opt->clients, g->opt->actions,
		   (unsigned long long)g->opt->scale, (unsigned long long)g->records);
	char prev[32] = "";
	for (size_t i = 0, n = 0; i < g->n_streams; i++) {
		char host[32];
		stream_host(&g->streams[i], host);
		if (!g->streams[i].written || !strcmp(host, prev))
			continue;
		buf_printf(&b, "%s\"%s\"", n++ ? "," : "", host);
		snprintf(prev, sizeof(prev), "%s", host);
	}
	buf_puts(&b, "],\"traces\":[");
	for (unsigned j = 0, shown = 0; j < g->opt->actions; j++) {
		const struct trace *tr = &g->traces[j];
		const char *status = collected_status(g, tr);
		if (!status)
			continue;	/* nothing of it was collected */
		enum trace_status st = trace_kinds[tr->kind].status;
		unsigned si = 0;
		while (si < ST_COUNT && strcmp(status, status_names[si]))
			si++;
		if (si < ST_COUNT)
			counts[si]++;
		else
			missing++;
		char when[32];
		fmt_utc_iso(tr->t, when, true);
		buf_printf(&b, "%s\n{\"time\":\"%s\",\"guid\":", shown++ ? "," : "", when);
		if (tr->guid[0])
			buf_printf(&b, "\"%s\"", tr->guid);
		else
			buf_printf(&b, "null");
		buf_printf(&b, ",\"status\":\"%s\",\"truth\":\"%s\",\"action\":\"%s\","
			   "\"task_type\":%u,\"source\":\"%s\",\"unmatched_response\":%s,",
			   status, status_names[st], templates[tr->tmpl].name,
			   templates[tr->tmpl].number,
			   tr->kind == TK_CONSOLE ? "console" : "intune",
			   tr->kind == TK_UNMATCHED ? "true" : "false");
		if (tr->pushed)
			buf_printf(&b, "\"push_id\":%lld,\"task_id\":%lld,",
				   (long long)tr->push_id, (long long)tr->task_id);
		else
			buf_printf(&b, "\"push_id\":null,\"task_id\":null,");
		const char *lists[3] = { "clients", "received", "responded" };
		for (int li = 0; li < 3; li++) {
			buf_printf(&b, "%s\"%s\":[", li ? "," : "", lists[li]);
			bool first = true;
			for (unsigned k = 0; k < tr->n_targets; k++) {
				if ((li == 1 && !tr->received[k]) || (li == 2 && !tr->responded[k]))
					continue;
				buf_printf(&b, "%s\"CLIENT%02u\"", first ? "" : ",",
					   tr->targets[k]);
				first = false;
			}
			buf_printf(&b, "]");
		}
		buf_printf(&b, "}");
	}
	buf_printf(&b, "\n],\"status_counts\":{");
	for (unsigned k = 0; k < ST_COUNT; k++)
		buf_printf(&b, "%s\"%s\":%u", k ? "," : "", status_names[k], counts[k]);
	buf_printf(&b, ",\"missing_evidence\":%u}}\n", missing);

	struct out o;
	bool ok = false;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/expected.json", g->dir);
	if (out_open(&o, path, ENC_UTF8, g->err, g->errlen)) {
		out_put(&o, b.data, b.len);
		ok = out_close(&o, g->err, g->errlen);
		g->bytes += o.bytes;
	}
	buf_free(&b);
	return ok;
}

/* ---- the entry point -------------------------------------------------- */

bool demo_has_host(const struct demo_options *opt, const char *host)
{
	if (!strcasecmp(host, "SCP01") || !strcasecmp(host, "MP01"))
		return true;
	if (strncasecmp(host, "CLIENT", 6) != 0)
		return false;
	char *end;
	unsigned long c = strtoul(host + 6, &end, 10);
	return !*end && end - (host + 6) >= 2 && c >= 1 && c <= opt->clients;
}

/* A missing or empty dir is fine; anything else needs --force. */
static bool check_dir(const char *dir, bool force, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return true;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a directory", dir);
		return false;
	}
	if (force)
		return true;
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return false;
	}
	bool empty = true;
	struct dirent *e;
	while (empty && (e = readdir(d)) != NULL)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	if (!empty)
		snprintf(err, errlen, "%s: exists and is not empty (--force writes into it)", dir);
	return empty;
}

int demo_write(const char *dir, const struct demo_options *opt,
	       struct demo_summary *sum, char *err, size_t errlen)
{
	double start = clock_now();
	memset(sum, 0, sizeof(*sum));
	if (!check_dir(dir, opt->force, err, errlen))
		return 2;
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s/", dir);
	if (!mkdir_parents(root, err, errlen))
		return 2;

	struct gen g = { .opt = opt, .dir = dir, .err = err, .errlen = errlen };
	g.rng = rng_derive(opt->seed, 1);
	guid_make(&g.rng, false, g.tenant);
	for (int i = 0; i < 3; i++)
		guid_make(&g.rng, false, g.admins[i]);
	guid_make(&g.rng, false, g.outsider);
	/* 2026-09-25 08:00 at the SCP (UTC = local + bias). */
	g.t0 = (days_from_civil(2026, 9, 25) * 86400 + 8 * 3600 + SCP_BIAS * 60) * US_PER_SEC;
	g.w0 = g.t0 - 20 * US_PER_MIN;
	g.w1 = g.t0 + 24 * 3600 * US_PER_SEC + 20 * US_PER_MIN;
	g.push_id = 7 + rng_below(&g.rng, 40);

	plan_streams(&g);
	plan_traces(&g);
	plan_rotation(&g);
	plan_site(&g);
	plan_noise(&g);
	qsort(g.ev, g.n_ev, sizeof(*g.ev), event_cmp);
	for (size_t j = 0, i = 0; i < g.n_streams; i++) {
		g.streams[i].ev_begin = j;
		while (j < g.n_ev && g.ev[j].stream == i)
			j++;
		g.streams[i].ev_end = j;
	}

	struct line *l = xmalloc(sizeof(*l)), *m = xmalloc(sizeof(*m));
	int rc = 0;
	for (size_t i = 0; i < g.n_streams && !rc; i++) {
		char host[32];
		stream_host(&g.streams[i], host);
		g.streams[i].written = collected(&g, host);
		if (g.streams[i].written && !write_stream(&g, i, l, m))
			rc = 2;
	}
	if (!rc && !write_expected(&g))
		rc = 2;

	free(l);
	free(m);
	for (size_t i = 0; i < g.n_ev; i++)
		free(g.ev[i].msg);
	free(g.ev);
	free(g.traces);
	free(g.streams);
	sum->files = g.files;
	sum->records = g.records;
	sum->bytes = g.bytes;
	sum->seconds = clock_now() - start;
	return rc;
}
