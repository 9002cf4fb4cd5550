/* correlate.c - joins the stored events into device-action traces.
 *
 * One pass over the events in UTC order keeps, per trace, only what the
 * verdict needs (pushes, receipts, hop times) plus its event ids. A full
 * rebuild streams: a trace no event has joined for QUIET_US is given the
 * next id (a heap of the live traces keeps first-event order), written and
 * forgotten, leaving in the join maps only a fingerprint of the joins that
 * could still reach it; so memory follows the traces of the last minutes,
 * not all of them. A join that does reach a written trace ends the stream
 * and the rebuild runs again holding every trace, ids given at the end:
 * the same result, at the old cost in memory.
 *
 * After an append, correlate_update replays only a subset: the events from
 * a window before the earliest new event (or the earliest time a grown log
 * newly covers) and every event of the traces those touch or that share a
 * GUID with the new events; it rewrites exactly those traces under the ids
 * a full rebuild would give them. The replay is the same code as the full
 * one: it is sound when every join an event at or after the cut makes
 * hits state that the window itself set; a join reaching further back (a
 * connector notice, a fetch, a push or a receipt older than the window)
 * gives up and the full rebuild runs, with the reason in the stats. */
#include "correlate.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tuplemap.h"
#include "../lib/strmap.h"
#include "../lib/util.h"

/* A response is shown next to the latest receipt of its host when that
 * receipt is at most this old; otherwise it stands alone. */
#define UNMATCHED_WINDOW_US (INT64_C(3600) * 1000000)
/* A log must go on this long after a step before its silence counts: a
 * push follows the Forwarded line and a response the receipt within
 * seconds, so a log that ends sooner cannot say the next step never came. */
#define NEXT_STEP_MARGIN_US (INT64_C(60) * 1000000)
/* A full rebuild writes a trace once no event has joined it for this
 * long, and forgets it: a device action's steps follow each other within
 * a minute (the BTS report within half of one), so the traces held are
 * those of the last few minutes, whatever the bundle's size. A join that
 * comes later still is noticed, and the rebuild then holds everything. */
#define QUIET_US (INT64_C(600) * 1000000)
/* Traces live in fixed chunks, so growing never copies (or doubles the
 * memory of) the ones already built. */
#define TRACE_CHUNK 4096
/* Packs (trace index, item index) into one map value. */
#define ITEM_BITS 20

struct push {
	int64_t push_id, task_id, task_type, count, started_utc;
	int64_t reported, failed;
	int32_t host;
	bool finished, has_bts;
};

struct receipt {
	int64_t push_id, task_id, utc, return_code, response_utc;
	int32_t host;
	bool responded;
	bool answered_other;	/* a response with other IDs came after it */
};

struct trace {
	char guid[37];
	int32_t action;		/* from the Authorized line: b->names index, -1 */
	int64_t first_utc, last_utc;
	int64_t task_type;
	int64_t forward_utc, targets;
	bool received, authorized, unauthorized, forwarded, dead;
	bool orphan_response;	/* a response joined to nothing at all */
	int32_t connector_host;
	struct push *pushes;
	size_t n_pushes;
	struct receipt *receipts;
	size_t n_receipts;
	int64_t lanes[TRACE_LANES];
	int64_t unmatched;
	int64_t *ids;
	uint8_t *flags;
	size_t n_ids, cap_ids;
	int32_t *hosts;
	size_t n_hosts;
	int32_t notice_thread;	/* the connector thread that opened it */
	size_t heap_at;		/* its place in the builder's live heap */
};

struct span_cover {
	int32_t host;
	int64_t utc_min, utc_max;
};

/* 64-bit fingerprints of the join keys of written traces whose join
 * might still come (a GUID; a push without its end or BTS report; a
 * receipt without its response): a miss in the live maps that hits here
 * ends the stream. Tables of linear probing (0 marks an empty slot), each
 * twice the last, added when the last is 3/4 full: growing never holds
 * an old and a new copy at once. */
#define FP_LEVELS 40
struct fpset {
	uint64_t *slots[FP_LEVELS];
	size_t cap[FP_LEVELS];
	size_t n_levels, count;		/* count: in the last table */
};

/* The keys of written pushes that have seen their end and BTS report:
 * only a repeated line could still join one, so a Bloom filter is enough
 * (a false hit merely ends the stream). Levels double as they fill. */
#define BLOOM_LEVELS 40
#define BLOOM_BITS_PER_KEY 12
#define BLOOM_PROBES 8
struct bloom {
	uint64_t *bits[BLOOM_LEVELS];
	size_t cap[BLOOM_LEVELS];	/* keys the level holds, then the next */
	size_t n_levels, count;		/* count: in the last level */
};

struct builder {
	struct store *store;
	struct trace **chunks;		/* TRACE_CHUNK traces each: never moved */
	size_t n_traces, n_chunks;
	struct strmap *by_guid;		/* GUID -> trace */
	struct tuplemap *open_notice;	/* connector (host, thread) -> trace */
	struct tuplemap *pending_fetch;	/* server (host, thread) -> event id */
	struct tuplemap *push_by_ids;	/* (push, task) -> trace/push */
	struct tuplemap *push_by_id;	/* push -> trace/push (BTS) */
	struct tuplemap *receipt_by_ids;	/* (host, push, task) -> trace/receipt */
	struct tuplemap *last_receipt;	/* host -> trace/receipt */
	struct strmap *host_ids;
	char **host_names;
	size_t n_host_names;
	struct strmap *name_ids;	/* template names, interned */
	char **names;
	size_t n_names;
	char *learned[256];		/* task type -> action, from the bundle */
	struct span_cover *cover[TRACE_LANES];	/* per lane */
	size_t n_cover[TRACE_LANES];
	uint64_t events;
	/* The incremental replay (correlate_update); all zero in a full one. */
	bool inc;
	int64_t cut, window;		/* earliest changed time; cut - WINDOW */
	struct tuplemap *notice_set;	/* connector (host, thread) -> utc last touched */
	struct tuplemap *fetch_set;	/* server (host, thread) -> utc last touched */
	const char *fallback;		/* why the replay cannot be trusted */
	bool learned_kept;		/* the store keeps learned names */
	/* The streamed full rebuild (tw set): a trace quiet for quiet_us is
	 * written under the next id once no live trace sorts before it, and
	 * forgotten; gave_up names a join that reached a forgotten trace
	 * (then the rebuild runs again holding every trace). */
	struct trace_writer *tw;
	int64_t quiet_us;
	size_t *heap;			/* live traces, by (first_utc, first id) */
	size_t n_heap, cap_heap;
	size_t *free_slots;
	size_t n_free, cap_free;
	int64_t given, written;		/* ids given so far; traces written */
	int64_t last_utc, last_id;	/* the key of the last one given */
	struct fpset gone;		/* keys whose join may still come */
	struct bloom gone_done;		/* keys of pushes seen through */
	struct tuplemap *gone_receipt;	/* host -> utc of a written last receipt */
	bool learned_read[256];		/* a written trace found no name learned */
	size_t *pending;		/* forgotten, to be written: ids follow */
	size_t n_pending, cap_pending;
	size_t peak_live;
	const char *gave_up;
	bool write_failed;
};

/* The actions an admin starts. Only 1 and 15 are documented numbers; the
 * template names of the admin center's other actions have not been seen
 * in public logs, so each row lists the spellings we accept. */
static const struct {
	int64_t number;		/* TaskType; -1 unknown */
	const char *admin_name;	/* as the Intune admin center words it */
	const char *templates[3];	/* first: the name shown */
} actions[] = {
	{ 1, "Sync Machine Policy", { "RequestMachinePolicy" } },
	{ -1, "Sync User Policy", { "RequestUserPolicy", "RequestUsersPolicy" } },
	{ -1, "App Evaluation Cycle",
	  { "AppEvaluation", "AppEvaluationCycle", "RequestAppEvaluation" } },
	{ 15, "Run Script", { "RequestScriptExecution" } },
};
#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

const char *action_of_task_type(int64_t task_type)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (actions[i].number == task_type)
			return actions[i].templates[0];
	return NULL;
}

/* Case and spaces do not matter: "sync machine policy" is the action. */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
			return false;
	}
}

size_t action_aliases(const char *typed, const char **names, size_t max)
{
	char *end;
	long long number = strtoll(typed, &end, 10);
	bool numeric = *typed && !*end;
	for (size_t i = 0; i < N_ACTIONS; i++) {
		bool hit = same_words(typed, actions[i].admin_name) ||
			   (numeric && actions[i].number == number);
		for (size_t k = 0; k < 3 && actions[i].templates[k] && !hit; k++)
			hit = same_words(typed, actions[i].templates[k]);
		if (!hit)
			continue;
		size_t n = 0;
		for (size_t k = 0; k < 3 && actions[i].templates[k] && n < max; k++)
			names[n++] = actions[i].templates[k];
		if (numeric && n < max)
			names[n++] = typed;	/* a number the bundle never named */
		return n;
	}
	return 0;
}

static int32_t host_id(struct builder *b, const char *host)
{
	int64_t id;
	if (strmap_get(b->host_ids, host, &id))
		return (int32_t)id;
	b->host_names = xrealloc(b->host_names,
				 (b->n_host_names + 1) * sizeof(*b->host_names));
	b->host_names[b->n_host_names] = xstrdup(host);
	strmap_put(b->host_ids, host, (int64_t)b->n_host_names);
	return (int32_t)b->n_host_names++;
}

static struct trace *trace_at(const struct builder *b, size_t i)
{
	return &b->chunks[i / TRACE_CHUNK][i % TRACE_CHUNK];
}

static int32_t name_id(struct builder *b, const char *name)
{
	int64_t id;
	if (strmap_get(b->name_ids, name, &id))
		return (int32_t)id;
	b->names = xrealloc(b->names, (b->n_names + 1) * sizeof(*b->names));
	b->names[b->n_names] = xstrdup(name);
	strmap_put(b->name_ids, name, (int64_t)b->n_names);
	return (int32_t)b->n_names++;
}

static size_t trace_new(struct builder *b, const char *guid)
{
	size_t idx;
	if (b->n_free) {
		idx = b->free_slots[--b->n_free];	/* a written trace's */
	} else {
		if (b->n_traces == b->n_chunks * TRACE_CHUNK) {
			b->chunks = xrealloc(b->chunks,
					     (b->n_chunks + 1) * sizeof(*b->chunks));
			b->chunks[b->n_chunks++] =
				xmalloc(TRACE_CHUNK * sizeof(struct trace));
		}
		idx = b->n_traces++;
	}
	struct trace *t = trace_at(b, idx);
	memset(t, 0, sizeof(*t));
	t->task_type = EVENT_NONE;
	t->forward_utc = EVENT_NONE;
	t->targets = EVENT_NONE;
	t->connector_host = -1;
	t->notice_thread = -1;
	t->action = -1;
	if (guid && guid[0]) {
		snprintf(t->guid, sizeof(t->guid), "%s", guid);
		strmap_put(b->by_guid, guid, (int64_t)idx);
	}
	return idx;
}

static void stream_check_guid(struct builder *b, const char *guid);

static size_t trace_for_guid(struct builder *b, const char *guid)
{
	int64_t idx;
	if (strmap_get(b->by_guid, guid, &idx))
		return (size_t)idx;
	stream_check_guid(b, guid);
	return trace_new(b, guid);
}

static void trace_add_host(struct trace *t, int32_t host)
{
	for (size_t i = 0; i < t->n_hosts; i++)
		if (t->hosts[i] == host)
			return;
	t->hosts = xrealloc(t->hosts, (t->n_hosts + 1) * sizeof(*t->hosts));
	t->hosts[t->n_hosts++] = host;
}

static void trace_push_id(struct trace *t, int64_t id, uint8_t flags)
{
	if (t->n_ids == t->cap_ids) {
		t->cap_ids = t->cap_ids ? t->cap_ids * 2 : 8;
		t->ids = xrealloc(t->ids, t->cap_ids * sizeof(*t->ids));
		t->flags = xrealloc(t->flags, t->cap_ids * sizeof(*t->flags));
	}
	t->ids[t->n_ids] = id;
	t->flags[t->n_ids++] = flags;
}

static void stream_placed(struct builder *b, size_t idx, bool fresh);

static void trace_add_event(struct builder *b, size_t idx,
			    const struct stored_event *e, int32_t host,
			    uint8_t flags)
{
	struct trace *t = trace_at(b, idx);
	int64_t first = t->first_utc;
	trace_push_id(t, e->id, flags);
	if (t->n_ids == 1 || e->utc_us < t->first_utc)
		t->first_utc = e->utc_us;
	if (t->n_ids == 1 || e->utc_us > t->last_utc)
		t->last_utc = e->utc_us;
	if (e->ev.lane < TRACE_LANES)
		t->lanes[e->ev.lane]++;
	trace_add_host(t, host);
	if (t->n_ids == 1 || t->first_utc < first)
		stream_placed(b, idx, t->n_ids == 1);
}

/* Key parts: thread numbers and IDs as unsigned, -1 for "no part". */
#define NO_PART UINT64_MAX

static int64_t pack(size_t trace, size_t item)
{
	return (int64_t)(((uint64_t)trace << ITEM_BITS) | item);
}

static void unpack(int64_t v, size_t *trace, size_t *item)
{
	*trace = (size_t)((uint64_t)v >> ITEM_BITS);
	*item = (size_t)((uint64_t)v & ((1u << ITEM_BITS) - 1));
}

/* An incremental replay sees only the window's state: a join made by an
 * event at or after the cut is trusted only when what it found was set
 * inside the window (set_utc; INT64_MIN for nothing found), since an
 * older entry outside the subset could have been the one it meets. */
static void trust(struct builder *b, int64_t utc, int64_t set_utc,
		  const char *why)
{
	if (b->inc && !b->fallback && utc >= b->cut && set_utc < b->window)
		b->fallback = why;
}

static int64_t touched_at(struct tuplemap *m, int32_t host, int32_t thread)
{
	int64_t utc;
	if (m && tuplemap_get(m, (uint64_t)host, (uint64_t)(uint32_t)thread, 0, &utc))
		return utc;
	return INT64_MIN;
}

static void touch(struct tuplemap *m, int32_t host, int32_t thread, int64_t utc)
{
	if (m)
		tuplemap_put(m, (uint64_t)host, (uint64_t)(uint32_t)thread, 0, utc);
}

/* ---- the streamed rebuild: what it keeps of the traces it wrote ---- */

/* Which join a fingerprint stands for. */
enum gone_key { KEY_GUID = 1, KEY_PUSH, KEY_PUSH_ID, KEY_RECEIPT };

static uint64_t key_fp(enum gone_key kind, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = (uint64_t)kind * UINT64_C(0x9E3779B97F4A7C15);
	uint64_t parts[3] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		h ^= parts[i] + UINT64_C(0xBF58476D1CE4E5B9) + (h << 6) + (h >> 2);
		h *= UINT64_C(0x94D049BB133111EB);
		h ^= h >> 31;
	}
	return h ? h : 1;	/* 0 marks an empty fpset slot */
}

static uint64_t guid_fp(const char *guid)
{
	return key_fp(KEY_GUID, hash_bytes(guid, strlen(guid)), 0, 0);
}

static size_t fpset_find(const uint64_t *slots, size_t cap, uint64_t fp)
{
	size_t i = (size_t)(fp >> 7) & (cap - 1);
	while (slots[i] && slots[i] != fp)
		i = (i + 1) & (cap - 1);
	return i;
}

static void fpset_add(struct fpset *f, uint64_t fp)
{
	size_t n = f->n_levels;
	if (!n || (f->count + 1) * 4 > f->cap[n - 1] * 3) {
		if (n == FP_LEVELS)
			abort();	/* 2^55 keys: unreachable */
		f->cap[n] = n ? f->cap[n - 1] * 2 : 65536;
		f->slots[n] = xcalloc(f->cap[n], sizeof(uint64_t));
		f->n_levels = ++n;
		f->count = 0;
	}
	size_t i = fpset_find(f->slots[n - 1], f->cap[n - 1], fp);
	if (!f->slots[n - 1][i]) {
		f->slots[n - 1][i] = fp;
		f->count++;
	}
}

static bool fpset_has(const struct fpset *f, uint64_t fp)
{
	for (size_t l = 0; l < f->n_levels; l++)
		if (f->slots[l][fpset_find(f->slots[l], f->cap[l], fp)] == fp)
			return true;
	return false;
}

/* Double hashing over one level's bits. */
static size_t bloom_bit(uint64_t fp, int k, size_t bits)
{
	uint64_t h1 = fp & 0xffffffffu, h2 = (fp >> 32) | 1;
	return (size_t)((h1 + (uint64_t)k * h2) % bits);
}

static void bloom_add(struct bloom *bl, uint64_t fp)
{
	size_t n = bl->n_levels;
	if (!n || bl->count == bl->cap[n - 1]) {
		if (n == BLOOM_LEVELS)
			return;	/* 2^55 keys: unreachable */
		size_t cap = n ? bl->cap[n - 1] * 2 : 65536;
		bl->bits[n] = xcalloc(cap * BLOOM_BITS_PER_KEY / 64, sizeof(uint64_t));
		bl->cap[n] = cap;
		bl->n_levels = ++n;
		bl->count = 0;
	}
	size_t bits = bl->cap[n - 1] * BLOOM_BITS_PER_KEY;
	for (int k = 0; k < BLOOM_PROBES; k++) {
		size_t i = bloom_bit(fp, k, bits);
		bl->bits[n - 1][i / 64] |= UINT64_C(1) << (i % 64);
	}
	bl->count++;
}

static bool bloom_has(const struct bloom *bl, uint64_t fp)
{
	for (size_t l = 0; l < bl->n_levels; l++) {
		size_t bits = bl->cap[l] * BLOOM_BITS_PER_KEY;
		int k = 0;
		while (k < BLOOM_PROBES) {
			size_t i = bloom_bit(fp, k, bits);
			if (!(bl->bits[l][i / 64] & (UINT64_C(1) << (i % 64))))
				break;
			k++;
		}
		if (k == BLOOM_PROBES)
			return true;
	}
	return false;
}

static void stream_give_up(struct builder *b, const char *why)
{
	if (!b->gave_up)
		b->gave_up = why;
}

/* A GUID no live trace has: was its trace written already? */
static void stream_check_guid(struct builder *b, const char *guid)
{
	if (b->tw && fpset_has(&b->gone, guid_fp(guid)))
		stream_give_up(b, "a GUID came back after its trace was written");
}

static void stream_check_key(struct builder *b, enum gone_key kind, uint64_t x,
			     uint64_t y, uint64_t z)
{
	if (!b->tw)
		return;
	uint64_t fp = key_fp(kind, x, y, z);
	/* Only pushes seen through are in the Bloom filter. */
	if (fpset_has(&b->gone, fp) ||
	    (kind != KEY_RECEIPT && bloom_has(&b->gone_done, fp)))
		stream_give_up(b, kind == KEY_RECEIPT
			       ? "a response came after its receipt's trace was written"
			       : "a push end or BTS report came after its push's"
				 " trace was written");
}

/* A response that matches nothing joins the host's latest receipt if it
 * is recent: it must not be one already written. */
static void stream_check_last_receipt(struct builder *b, int32_t host,
				      int64_t utc)
{
	int64_t at;
	if (b->tw && tuplemap_get(b->gone_receipt, (uint64_t)host, 0, 0, &at) &&
	    utc >= at && utc - at <= UNMATCHED_WINDOW_US)
		stream_give_up(b, "a response joined a receipt after its trace"
			       " was written");
}

/* Trace ids follow (first_utc, first event id): the live heap's order. */
static bool key_before(const struct trace *x, const struct trace *y)
{
	if (x->first_utc != y->first_utc)
		return x->first_utc < y->first_utc;
	return x->ids[0] < y->ids[0];
}

static void heap_set(struct builder *b, size_t at, size_t idx)
{
	b->heap[at] = idx;
	trace_at(b, idx)->heap_at = at;
}

static void heap_up(struct builder *b, size_t at)
{
	size_t idx = b->heap[at];
	while (at) {
		size_t parent = (at - 1) / 2;
		if (!key_before(trace_at(b, idx), trace_at(b, b->heap[parent])))
			break;
		heap_set(b, at, b->heap[parent]);
		at = parent;
	}
	heap_set(b, at, idx);
}

static void heap_down(struct builder *b, size_t at)
{
	size_t idx = b->heap[at];
	for (;;) {
		size_t c = 2 * at + 1;
		if (c >= b->n_heap)
			break;
		if (c + 1 < b->n_heap &&
		    key_before(trace_at(b, b->heap[c + 1]), trace_at(b, b->heap[c])))
			c++;
		if (!key_before(trace_at(b, b->heap[c]), trace_at(b, idx)))
			break;
		heap_set(b, at, b->heap[c]);
		at = c;
	}
	heap_set(b, at, idx);
}

static void heap_remove(struct builder *b, size_t at)
{
	size_t last = b->heap[--b->n_heap];
	if (at == b->n_heap)
		return;
	heap_set(b, at, last);
	heap_down(b, at);
	heap_up(b, trace_at(b, last)->heap_at);
}

/* A trace got its first event, or an earlier first time. */
static void stream_placed(struct builder *b, size_t idx, bool fresh)
{
	if (!b->tw)
		return;
	struct trace *t = trace_at(b, idx);
	if (fresh) {
		if (b->n_heap == b->cap_heap) {
			b->cap_heap = b->cap_heap ? b->cap_heap * 2 : 1024;
			b->heap = xrealloc(b->heap, b->cap_heap * sizeof(*b->heap));
		}
		b->heap[b->n_heap++] = idx;
		if (b->n_heap > b->peak_live)
			b->peak_live = b->n_heap;
		heap_up(b, b->n_heap - 1);
	} else {
		heap_up(b, t->heap_at);
	}
	/* Its id must follow those given already. */
	if (b->given && (t->first_utc < b->last_utc ||
			   (t->first_utc == b->last_utc && t->ids[0] <= b->last_id)))
		stream_give_up(b, "a trace moved before one already written");
}

static void trace_release(struct builder *b, size_t idx);

static void stream_merged(struct builder *b, size_t into, size_t from)
{
	if (!b->tw)
		return;
	if (trace_at(b, from)->n_ids)
		heap_remove(b, trace_at(b, from)->heap_at);
	trace_release(b, from);
	stream_placed(b, into, false);
}

/* ---- connector: host+thread and order until Forwarded names the GUID ---- */

static void close_notice(struct builder *b, int32_t host, int32_t thread)
{
	tuplemap_put(b->open_notice, (uint64_t)host, (uint64_t)(uint32_t)thread, 0, -1);
}

/* An open notice whose trace was written (the streamed rebuild). */
#define NOTICE_GONE (-2)

static size_t notice_trace(struct builder *b, int32_t host, int32_t thread)
{
	int64_t idx = -1;
	if (tuplemap_get(b->open_notice, (uint64_t)host, (uint64_t)(uint32_t)thread, 0, &idx) &&
	    idx >= 0)
		return (size_t)idx;
	if (idx == NOTICE_GONE && !b->gave_up)
		b->gave_up = "a connector notice went on after its trace was written";
	size_t t = trace_new(b, NULL);
	trace_at(b, t)->notice_thread = thread;
	tuplemap_put(b->open_notice, (uint64_t)host, (uint64_t)(uint32_t)thread, 0, (int64_t)t);
	return t;
}

static void stream_merged(struct builder *b, size_t into, size_t from);

/* Forwarded named a GUID another lane already used (clocks disagree):
 * fold the connector's part into that trace. */
static void trace_merge(struct builder *b, size_t into, size_t from)
{
	struct trace *dst = trace_at(b, into), *src = trace_at(b, from);
	for (size_t i = 0; i < src->n_ids; i++)
		trace_push_id(dst, src->ids[i], src->flags[i]);
	for (size_t i = 0; i < src->n_hosts; i++)
		trace_add_host(dst, src->hosts[i]);
	for (int l = 0; l < TRACE_LANES; l++)
		dst->lanes[l] += src->lanes[l];
	if (src->n_ids && src->first_utc < dst->first_utc)
		dst->first_utc = src->first_utc;
	if (src->n_ids && src->last_utc > dst->last_utc)
		dst->last_utc = src->last_utc;
	dst->received |= src->received;
	dst->authorized |= src->authorized;
	if (src->action >= 0)
		dst->action = src->action;
	dst->connector_host = src->connector_host;
	src->dead = true;
	stream_merged(b, into, from);
}

static void on_connector(struct builder *b, const struct stored_event *e,
			 int32_t host)
{
	const struct event *ev = &e->ev;
	int32_t thread = e->thread;
	size_t t;

	/* Every kind but Received joins the open notice of its thread. */
	bool joins = ev->kind == EV_NOTIFY_VALIDATING || ev->kind == EV_AUTHORIZED ||
		     ev->kind == EV_UNAUTHORIZED || ev->kind == EV_FORWARDED;
	if (joins)
		trust(b, e->utc_us, touched_at(b->notice_set, host, thread),
		      "a connector notice opened before the window");
	if (joins || ev->kind == EV_NOTIFY_RECEIVED)
		touch(b->notice_set, host, thread, e->utc_us);
	switch (ev->kind) {
	case EV_NOTIFY_RECEIVED:
		close_notice(b, host, thread);
		t = notice_trace(b, host, thread);
		trace_at(b, t)->received = true;
		break;
	case EV_NOTIFY_VALIDATING:
		t = notice_trace(b, host, thread);
		break;
	case EV_AUTHORIZED:
	case EV_UNAUTHORIZED:
		t = notice_trace(b, host, thread);
		trace_at(b, t)->action = name_id(b, ev->name);
		if (ev->kind == EV_AUTHORIZED) {
			trace_at(b, t)->authorized = true;
		} else {
			trace_at(b, t)->unauthorized = true;
			close_notice(b, host, thread);
		}
		break;
	case EV_FORWARDED: {
		t = notice_trace(b, host, thread);
		close_notice(b, host, thread);
		int64_t other;
		bool known = ev->guid[0] && strmap_get(b->by_guid, ev->guid, &other);
		if (ev->guid[0] && !known)
			stream_check_guid(b, ev->guid);
		if (known && (size_t)other != t) {
			trace_merge(b, (size_t)other, t);
			t = (size_t)other;
		} else if (ev->guid[0]) {
			snprintf(trace_at(b, t)->guid, sizeof(trace_at(b, t)->guid), "%s", ev->guid);
			strmap_put(b->by_guid, ev->guid, (int64_t)t);
		}
		struct trace *tr = trace_at(b, t);
		tr->forwarded = true;
		tr->forward_utc = e->utc_us;
		tr->targets = ev->count;
		if (ev->task_type != EVENT_NONE)
			tr->task_type = ev->task_type;
		/* Learn the name of this number from the Authorized line. */
		if (tr->action >= 0 && ev->task_type >= 0 && ev->task_type < 256) {
			const char *had = b->learned[ev->task_type];
			if (!had || strcmp(had, b->names[tr->action]))
				trust(b, e->utc_us, INT64_MIN,
				      "an action name learned anew");
			if (!had && b->learned_read[ev->task_type] && !b->gave_up)
				b->gave_up = "an action name learned after a trace"
					     " that needed it was written";
			if (!had)
				b->learned[ev->task_type] = xstrdup(b->names[tr->action]);
		}
		break;
	}
	default:
		return;	/* gateway errors are findings, not hops */
	}
	trace_at(b, t)->connector_host = host;
	trace_add_event(b, t, e, host, 0);
}

/* ---- server: GUID, then (PushID, TaskID) ---- */

static void on_push_started(struct builder *b, const struct stored_event *e,
			    int32_t host)
{
	const struct event *ev = &e->ev;
	size_t t = ev->guid[0] ? trace_for_guid(b, ev->guid) : trace_new(b, NULL);
	struct trace *tr = trace_at(b, t);
	tr->pushes = xrealloc(tr->pushes, (tr->n_pushes + 1) * sizeof(*tr->pushes));
	struct push *p = &tr->pushes[tr->n_pushes];
	*p = (struct push){
		.push_id = ev->push_id, .task_id = ev->task_id,
		.task_type = ev->task_type, .count = ev->count,
		.started_utc = e->utc_us, .host = host,
	};
	if (ev->task_type != EVENT_NONE)
		tr->task_type = ev->task_type;
	tuplemap_put(b->push_by_ids, (uint64_t)ev->push_id, (uint64_t)ev->task_id, 0,
		   pack(t, tr->n_pushes));
	tuplemap_put(b->push_by_id, (uint64_t)ev->push_id, NO_PART, 0, pack(t, tr->n_pushes));
	tr->n_pushes++;
	int64_t fetch;
	uint64_t thread = (uint64_t)(uint32_t)e->thread;
	int64_t touched = touched_at(b->fetch_set, host, e->thread);
	if (b->inc && touched == INT64_MIN && e->utc_us >= b->cut && !b->fallback) {
		/* Nothing on this thread in the window: a fetch before it
		 * would still be pending (a push before it consumed any). */
		int kind = store_event_latest(b->store, e->host, e->thread,
					      EV_PUSH_FETCHED, EV_PUSH_STARTED, b->window);
		if (kind == -2)
			b->fallback = "a store error";
		else if (kind != EV_PUSH_FETCHED)
			touched = b->window;
	}
	trust(b, e->utc_us, touched, "a push fetched before the window");
	touch(b->fetch_set, host, e->thread, e->utc_us);
	if (tuplemap_get(b->pending_fetch, (uint64_t)host, thread, 0, &fetch) && fetch >= 0) {
		struct stored_event fe = *e;
		fe.id = fetch;
		fe.ev.kind = EV_PUSH_FETCHED;
		trace_add_event(b, t, &fe, host, 0);
		tuplemap_put(b->pending_fetch, (uint64_t)host, thread, 0, -1);
	}
	trace_add_event(b, t, e, host, 0);
}

static void on_server(struct builder *b, const struct stored_event *e,
		      int32_t host)
{
	const struct event *ev = &e->ev;
	int64_t v;
	size_t t, item;

	switch (ev->kind) {
	case EV_PUSH_FETCHED:
		tuplemap_put(b->pending_fetch, (uint64_t)host, (uint64_t)(uint32_t)e->thread,
			   0, e->id);
		touch(b->fetch_set, host, e->thread, e->utc_us);
		return;
	case EV_PUSH_STARTED:
		on_push_started(b, e, host);
		return;
	case EV_PUSH_FINISHED:
		if (!tuplemap_get(b->push_by_ids, (uint64_t)ev->push_id,
				(uint64_t)ev->task_id, 0, &v)) {
			stream_check_key(b, KEY_PUSH, (uint64_t)ev->push_id,
					 (uint64_t)ev->task_id, 0);
			trust(b, e->utc_us, INT64_MIN, "a push end for a push before the window");
			return;
		}
		unpack(v, &t, &item);
		trust(b, e->utc_us, trace_at(b, t)->pushes[item].started_utc,
		      "a push end for a push before the window");
		trace_at(b, t)->pushes[item].finished = true;
		break;
	case EV_BTS_REPORT:
		if (!tuplemap_get(b->push_by_id, (uint64_t)ev->push_id, NO_PART, 0, &v)) {
			stream_check_key(b, KEY_PUSH_ID, (uint64_t)ev->push_id, NO_PART, 0);
			trust(b, e->utc_us, INT64_MIN, "a BTS report for a push before the window");
			return;
		}
		unpack(v, &t, &item);
		trust(b, e->utc_us, trace_at(b, t)->pushes[item].started_utc,
		      "a BTS report for a push before the window");
		trace_at(b, t)->pushes[item].has_bts = true;
		trace_at(b, t)->pushes[item].reported = ev->count;
		trace_at(b, t)->pushes[item].failed = ev->failed;
		break;
	default:
		return;
	}
	trace_add_event(b, t, e, host, 0);
}

/* ---- agent: GUID for receipts, (host, PushID, TaskID) for responses ---- */

static void on_receipt(struct builder *b, const struct stored_event *e,
		       int32_t host)
{
	const struct event *ev = &e->ev;
	size_t t = ev->guid[0] ? trace_for_guid(b, ev->guid) : trace_new(b, NULL);
	struct trace *tr = trace_at(b, t);
	tr->receipts = xrealloc(tr->receipts,
				(tr->n_receipts + 1) * sizeof(*tr->receipts));
	tr->receipts[tr->n_receipts] = (struct receipt){
		.push_id = ev->push_id, .task_id = ev->task_id,
		.utc = e->utc_us, .host = host, .return_code = EVENT_NONE,
	};
	if (tr->task_type == EVENT_NONE && ev->task_type != EVENT_NONE)
		tr->task_type = ev->task_type;
	tuplemap_put(b->receipt_by_ids, (uint64_t)host, (uint64_t)ev->push_id,
		   (uint64_t)ev->task_id, pack(t, tr->n_receipts));
	tuplemap_put(b->last_receipt, (uint64_t)host, NO_PART, NO_PART,
		   pack(t, tr->n_receipts));
	tr->n_receipts++;
	trace_add_event(b, t, e, host, 0);
}

static void on_response(struct builder *b, const struct stored_event *e,
			int32_t host)
{
	const struct event *ev = &e->ev;
	int64_t v;
	size_t t = 0, item = 0;

	bool found = tuplemap_get(b->receipt_by_ids, (uint64_t)host,
				  (uint64_t)ev->push_id, (uint64_t)ev->task_id, &v);
	if (!found)
		stream_check_key(b, KEY_RECEIPT, (uint64_t)host,
				 (uint64_t)ev->push_id, (uint64_t)ev->task_id);
	if (found)
		unpack(v, &t, &item);
	else if (b->inc && e->utc_us >= b->cut && !b->fallback)
		/* Found nowhere in the window: is there one before it? */
		switch (store_event_before(b->store, e->host, EV_TASK_RECEIVED,
					   ev->push_id, ev->task_id, b->window)) {
		case 0: break;
		case 1: b->fallback = "a response to a receipt before the window"; break;
		default: b->fallback = "a store error"; break;
		}
	if (found)
		trust(b, e->utc_us, trace_at(b, t)->receipts[item].utc,
		      "a response to a receipt before the window");
	if (found) {
		struct receipt *r = &trace_at(b, t)->receipts[item];
		if (!r->responded) {
			r->responded = true;
			r->return_code = ev->return_code;
			r->response_utc = e->utc_us;
			trace_add_event(b, t, e, host, 0);
			return;
		}
	}
	/* Its IDs match no receipt: show it beside the host's latest receipt,
	 * flagged, without letting it count as that receipt's answer. */
	if (tuplemap_get(b->last_receipt, (uint64_t)host, NO_PART, NO_PART, &v)) {
		unpack(v, &t, &item);
		int64_t age = e->utc_us - trace_at(b, t)->receipts[item].utc;
		if (age >= 0 && age <= UNMATCHED_WINDOW_US) {
			trace_at(b, t)->receipts[item].answered_other = true;
			trace_at(b, t)->unmatched++;
			trace_add_event(b, t, e, host, TRACE_EVENT_UNMATCHED);
			return;
		}
	} else {
		stream_check_last_receipt(b, host, e->utc_us);
	}
	t = trace_new(b, NULL);
	trace_at(b, t)->orphan_response = true;
	trace_at(b, t)->unmatched = 1;
	trace_add_event(b, t, e, host, TRACE_EVENT_UNMATCHED);
}

static int stream_flush(struct builder *b, int64_t now);

static int on_event(void *ctx, const struct stored_event *e)
{
	struct builder *b = ctx;
	if (b->tw && stream_flush(b, e->utc_us) != 0)
		b->write_failed = true;
	if (b->gave_up || b->write_failed)
		return 1;	/* stop the replay */
	int32_t host = host_id(b, e->host);
	b->events++;
	switch (e->ev.lane) {
	case LANE_CONNECTOR:
		on_connector(b, e, host);
		break;
	case LANE_SERVER:
		on_server(b, e, host);
		break;
	case LANE_AGENT:
		if (e->ev.kind == EV_TASK_RECEIVED)
			on_receipt(b, e, host);
		else if (e->ev.kind == EV_RESPONSE_SENT)
			on_response(b, e, host);
		break;
	default:
		break;
	}
	return b->gave_up ? 1 : 0;
}

/* ---- coverage: which lanes' logs cover a moment ---- */

static int on_coverage(void *ctx, const struct store_coverage *c)
{
	struct builder *b = ctx;
	/* Each lane's log has a role of the same name (parsers/role.h). */
	enum log_role role;
	if (!role_parse(c->role, &role))
		return 0;
	int lane = role == ROLE_CONNECTOR ? LANE_CONNECTOR
		 : role == ROLE_SERVER ? LANE_SERVER
		 : role == ROLE_AGENT ? LANE_AGENT : -1;
	if (lane < 0)
		return 0;
	b->cover[lane] = xrealloc(b->cover[lane],
				  (b->n_cover[lane] + 1) * sizeof(*b->cover[lane]));
	b->cover[lane][b->n_cover[lane]++] = (struct span_cover){
		host_id(b, c->host), c->utc_min, c->utc_max,
	};
	return 0;
}

static int by_cover_host_name(const void *x, const void *y, void *ctx)
{
	const struct builder *b = ctx;
	return strcmp(b->host_names[((const struct span_cover *)x)->host],
		      b->host_names[((const struct span_cover *)y)->host]);
}

/* The stored logs' time spans, by lane; the clients' in host-name order,
 * the order candidate_outcomes names them in: sorted once here rather
 * than for every trace (on 500 clients that sort was a tenth of a
 * rebuild). Every other reader of the spans asks "any log that ...". */
static int load_coverage(struct builder *b)
{
	int rc = store_coverage(b->store, on_coverage, b);
	if (rc == 0 && b->n_cover[LANE_AGENT] > 1)
		qsort_r(b->cover[LANE_AGENT], b->n_cover[LANE_AGENT],
			sizeof(*b->cover[LANE_AGENT]), by_cover_host_name, b);
	return rc;
}

/* Does one log of the lane cover all of [from, to]? */
static bool lane_covers_span(const struct builder *b, int lane, int64_t from,
			     int64_t to)
{
	for (size_t i = 0; i < b->n_cover[lane]; i++)
		if (b->cover[lane][i].utc_min <= from && to <= b->cover[lane][i].utc_max)
			return true;
	return false;
}

static bool lane_covers(const struct builder *b, int lane, int64_t utc)
{
	return lane_covers_span(b, lane, utc, utc);
}

/* ---- the verdict ---- */

/* Candidates kept per trace: enough to name them, bounded so that a push
 * seen by hundreds of client logs does not fill the store (the count of
 * all of them is kept). */
#define MAX_CANDIDATES 8

/* What the evidence says of one client the trace reached or may have. */
struct outcome {
	int32_t host;
	enum trace_status status;
	bool inferred;
	int64_t received_utc, response_utc, return_code;
};

struct verdict {
	enum trace_status status;
	char missing[64];
	int64_t hops[TRACE_LANES];
	bool skew;
	struct outcome *targets;	/* received hosts, then candidates */
	size_t n_received, n_targets, n_candidates;	/* n_candidates: all */
	int64_t expected;		/* targets the push named; -1 unknown */
	int64_t complete, failed, no_response, ends;	/* received hosts */
	bool has_bts;
	int64_t bts_reported, bts_failed;
};

static void add_missing(struct verdict *v, const char *lane)
{
	if (strstr(v->missing, lane))
		return;
	size_t len = strlen(v->missing);
	snprintf(v->missing + len, sizeof(v->missing) - len, "%s%s",
		 len ? "," : "", lane);
}

static void missing_lanes(const struct builder *b, const struct trace *t,
			  struct verdict *v)
{
	v->missing[0] = '\0';
	for (int l = 0; l < TRACE_LANES; l++)
		if (!t->lanes[l] && !lane_covers(b, l, t->first_utc) &&
		    !lane_covers(b, l, t->last_utc))
			add_missing(v, lane_name((enum lane)l));
}

/* Microseconds to milliseconds, rounded to nearest (either sign). */
static int64_t round_ms(int64_t us)
{
	return us >= 0 ? (us + 500) / 1000 : -((-us + 500) / 1000);
}

static const struct push *push_of(const struct trace *t, const struct receipt *r)
{
	for (size_t i = 0; i < t->n_pushes; i++)
		if (t->pushes[i].push_id == r->push_id && t->pushes[i].task_id == r->task_id)
			return &t->pushes[i];
	return t->n_pushes ? &t->pushes[0] : NULL;
}

static void measure_hops(const struct trace *t, struct verdict *v)
{
	v->hops[0] = v->hops[1] = v->hops[2] = EVENT_NONE;
	if (t->forwarded && t->n_pushes)
		v->hops[0] = round_ms(t->pushes[0].started_utc - t->forward_utc);
	for (size_t i = 0; i < t->n_receipts; i++) {
		const struct receipt *r = &t->receipts[i];
		const struct push *p = push_of(t, r);
		if (p) {
			int64_t ms = round_ms(r->utc - p->started_utc);
			if (v->hops[1] == EVENT_NONE || ms > v->hops[1])
				v->hops[1] = ms;
		}
		if (r->responded) {
			int64_t ms = round_ms(r->response_utc - r->utc);
			if (v->hops[2] == EVENT_NONE || ms > v->hops[2])
				v->hops[2] = ms;
		}
	}
	v->skew = false;
	for (int i = 0; i < TRACE_LANES; i++)
		if (v->hops[i] != EVENT_NONE && v->hops[i] < 0)
			v->skew = true;
}

/* Does a log of this lane on this host go on after utc? A client log that
 * ends with the receipt cannot say that no response was sent. */
static bool host_log_continues(const struct builder *b, int lane,
			       int32_t host, int64_t utc)
{
	for (size_t i = 0; i < b->n_cover[lane]; i++)
		if (b->cover[lane][i].host == host && b->cover[lane][i].utc_max > utc)
			return true;
	return false;
}

/* One outcome per client that logged a receipt: its answered receipt if
 * any (a retried push may reach it twice), else its latest. */
static void received_outcomes(const struct builder *b, const struct trace *t,
			      struct verdict *v)
{
	for (size_t i = 0; i < t->n_receipts; i++) {
		const struct receipt *r = &t->receipts[i];
		struct outcome *o = NULL;
		for (size_t k = 0; k < v->n_targets && !o; k++)
			if (v->targets[k].host == r->host)
				o = &v->targets[k];
		if (o && o->response_utc != EVENT_NONE)
			continue;
		if (!o)
			o = &v->targets[v->n_targets++];
		*o = (struct outcome){
			.host = r->host, .received_utc = r->utc,
			.response_utc = r->responded ? r->response_utc : EVENT_NONE,
			.return_code = r->responded ? r->return_code : EVENT_NONE,
		};
		if (r->responded)
			o->status = r->return_code == 1 ? TS_COMPLETE : TS_FAILED;
		else
			o->status = r->answered_other ||
				    host_log_continues(b, LANE_AGENT, r->host,
						       r->utc + NEXT_STEP_MARGIN_US)
					    ? TS_NO_RESPONSE : TS_MISSING_EVIDENCE;
	}
	v->n_received = v->n_targets;
	for (size_t k = 0; k < v->n_received; k++) {
		switch (v->targets[k].status) {
		case TS_COMPLETE: v->complete++; break;
		case TS_FAILED: v->failed++; break;
		case TS_NO_RESPONSE: v->no_response++; break;
		default: v->ends++; break;
		}
	}
}

static bool has_outcome(const struct verdict *v, int32_t host)
{
	for (size_t k = 0; k < v->n_targets; k++)
		if (v->targets[k].host == host)
			return true;
	return false;
}

/* Clients whose log covers the push without a receipt: perhaps targets,
 * perhaps not (BgbServer.log does not name them). Looked for only while
 * targets are unaccounted for; named in host order, whatever order the
 * logs were ingested in, and at most MAX_CANDIDATES of them kept. */
static void candidate_outcomes(const struct builder *b, const struct trace *t,
			       struct verdict *v)
{
	if (!t->n_pushes)
		return;
	int64_t at = t->pushes[0].started_utc;
	size_t n = 0;
	int32_t *hosts = xmalloc((b->n_cover[LANE_AGENT] + 1) * sizeof(*hosts));
	for (size_t i = 0; i < b->n_cover[LANE_AGENT]; i++) {	/* by name */
		const struct span_cover *c = &b->cover[LANE_AGENT][i];
		if (c->utc_min <= at && at <= c->utc_max && !has_outcome(v, c->host))
			hosts[n++] = c->host;
	}
	for (size_t i = 0; i < n; i++) {
		if (i && hosts[i] == hosts[i - 1])
			continue;	/* two logs of one client */
		v->n_candidates++;
		if (v->n_targets - v->n_received < MAX_CANDIDATES)
			v->targets[v->n_targets++] = (struct outcome){
				.host = hosts[i], .status = TS_NOT_DELIVERED,
				.inferred = true, .received_utc = EVENT_NONE,
				.response_utc = EVENT_NONE, .return_code = EVENT_NONE,
			};
	}
	free(hosts);
}

/* The server's verdict is the BTS report of its latest push: a retried
 * push that reached the client supersedes the failure of the first. */
/* A client count from a log line, or none when absent. Counts are capped
 * (no hierarchy has 2^31 clients) so that the sums and differences below
 * cannot overflow, whatever a hostile line says. */
#define CLIENT_COUNT_MAX INT64_C(0x7fffffff)
static int64_t client_count(int64_t n, int64_t none)
{
	if (n == EVENT_NONE || n < 0)
		return none;
	return n > CLIENT_COUNT_MAX ? CLIENT_COUNT_MAX : n;
}

static void read_bts(const struct trace *t, struct verdict *v)
{
	v->expected = client_count(t->targets, -1);
	for (size_t i = 0; i < t->n_pushes; i++)
		if (client_count(t->pushes[i].count, -1) > v->expected)
			v->expected = client_count(t->pushes[i].count, -1);
	const struct push *last = t->n_pushes ? &t->pushes[t->n_pushes - 1] : NULL;
	v->has_bts = last && last->has_bts;
	v->bts_reported = v->has_bts ? client_count(last->reported, 0) : 0;
	v->bts_failed = v->has_bts ? client_count(last->failed, 0) : 0;
	if (!v->has_bts)
		v->bts_reported = v->bts_failed = EVENT_NONE;
}

/* Targets the evidence does not account for: named by the push, no
 * receipt in the bundle; one at least when no log says how many there
 * were (a bundle of client logs alone). */
static int64_t unaccounted(const struct verdict *v)
{
	if (v->expected < 0)
		return 1;
	return v->expected > (int64_t)v->n_received
		       ? v->expected - (int64_t)v->n_received : 0;
}

/* Clients that completed, as far as anyone can tell: those whose answer
 * is in the bundle, plus the answers without failure that the server
 * counts beyond those -- but only as many as there are targets whose logs
 * were not collected (a collected log that shows no answer wins). */
static int64_t completed(const struct verdict *v)
{
	int64_t unseen = v->has_bts ? v->bts_reported - v->bts_failed - v->complete : 0;
	int64_t room = v->expected >= 0 ? v->expected - (int64_t)v->n_received : 0;
	if (unseen > room)
		unseen = room;
	return v->complete + (unseen > 0 ? unseen : 0);
}

/* The rules, in order (README "Trace statuses"). A client whose log was
 * not collected is never called undelivered, and a candidate is never
 * proof of anything. A failure needs proof: a client's ReturnCode, or
 * the server's BTS report counting failed clients ("0 answered, N
 * failed": not delivered). Some completed while others provably did not
 * (no answer in a log that goes on, failed by the server's count, fewer
 * answers than targets): partial. */
static enum trace_status delivered_status(const struct verdict *v)
{
	bool bts_failed = v->has_bts && v->bts_failed > 0;
	bool bts_short = v->has_bts && v->expected >= 0 &&
			 v->bts_reported < v->expected;
	if (v->n_received == 0) {
		if (!bts_failed)
			return TS_MISSING_EVIDENCE;
		return v->bts_reported == 0 ? TS_NOT_DELIVERED : TS_FAILED;
	}
	if (v->failed)
		return TS_FAILED;
	if (bts_failed)
		return v->complete && (v->expected < 0 || v->complete < v->expected)
			       ? TS_PARTIAL : TS_FAILED;
	if (v->complete == (int64_t)v->n_received && unaccounted(v) == 0)
		return TS_COMPLETE;
	if (completed(v) && (v->no_response || bts_short))
		return TS_PARTIAL;
	if (!completed(v) && v->no_response)
		return TS_NO_RESPONSE;
	return TS_MISSING_EVIDENCE;
}

static void judge(const struct builder *b, const struct trace *t,
		  struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->targets = xmalloc((t->n_receipts + MAX_CANDIDATES + 1) * sizeof(*v->targets));
	missing_lanes(b, t, v);
	measure_hops(t, v);
	read_bts(t, v);
	received_outcomes(b, t, v);
	if (t->n_pushes && unaccounted(v) > 0)
		candidate_outcomes(b, t, v);
	if (t->orphan_response)
		v->status = TS_UNMATCHED;
	else if (t->unauthorized)
		v->status = TS_UNAUTHORIZED;
	else if (t->lanes[LANE_CONNECTOR] && !t->forwarded && !t->n_pushes &&
		 !t->n_receipts)
		v->status = TS_NOT_FORWARDED;
	else if (!t->n_pushes && !t->n_receipts)
		v->status = lane_covers_span(b, LANE_SERVER, t->forward_utc,
					     t->forward_utc + NEXT_STEP_MARGIN_US)
				    ? TS_NOT_PUSHED : TS_MISSING_EVIDENCE;
	else
		v->status = delivered_status(v);
	if (v->status == TS_MISSING_EVIDENCE)
		add_missing(v, t->n_pushes || t->n_receipts ? "agent" : "server");
}

static const char *action_name(const struct builder *b, const struct trace *t,
			       char *num, size_t len)
{
	if (t->action >= 0)
		return b->names[t->action];
	if (t->task_type == EVENT_NONE)
		return NULL;
	const char *known = action_of_task_type(t->task_type);
	if (known)
		return known;
	if (t->task_type >= 0 && t->task_type < 256 && b->learned[t->task_type])
		return b->learned[t->task_type];
	snprintf(num, len, "%" PRId64, t->task_type);
	return num;
}

static void host_list(const struct builder *b, const int32_t *hosts, size_t n,
		      struct buf *out)
{
	buf_reset(out);
	buf_append(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		const char *name = b->host_names[hosts[i]];
		buf_append(out, name, strlen(name));
	}
}

static void client_list(const struct builder *b, const struct verdict *v,
			struct buf *out)
{
	buf_reset(out);
	buf_append(out, "", 0);
	for (size_t i = 0; i < v->n_received; i++)
		buf_printf(out, "%s%s", i ? "," : "", b->host_names[v->targets[i].host]);
}

/* "A, B" of the outcomes in [from, to) with the given status (any when
 * status is TRACE_STATUS_COUNT); a '?' marks a candidate. At most 5 names;
 * the candidates beyond those kept (MAX_CANDIDATES) count as more. */
static void name_outcomes(const struct builder *b, const struct verdict *v,
			  size_t from, size_t to, enum trace_status status,
			  struct buf *out)
{
	size_t shown = 0, total = 0;
	if (to == v->n_targets && v->n_targets > v->n_received)
		total = v->n_candidates - (v->n_targets - v->n_received);
	for (size_t i = from; i < to; i++) {
		const struct outcome *o = &v->targets[i];
		if (status != TRACE_STATUS_COUNT && o->status != status)
			continue;
		total++;
		if (shown < 5)
			buf_printf(out, "%s%s%s", shown++ ? ", " : "",
				   b->host_names[o->host], o->inferred ? "?" : "");
	}
	if (total > shown)
		buf_printf(out, " and %zu more", total - shown);
}

static void bts_clause(const struct verdict *v, struct buf *out)
{
	if (v->has_bts)
		buf_printf(out, "; the server's BTS report counts %" PRId64
			   " answered, %" PRId64 " failed", v->bts_reported,
			   v->bts_failed);
}

struct words {
	const char *what, *scp, *server;
	const struct push *push;
};

/* Pushed, but no client log in the bundle shows the receipt. */
static void unreceived_summary(const struct builder *b, const struct verdict *v,
			       const struct words *w, struct buf *out,
			       struct buf *next)
{
	buf_printf(out, "%s pushed %s (PushID %" PRId64 ") to %" PRId64
		   " client(s); no collected client log shows the receipt",
		   w->server, w->what, w->push->push_id, v->expected);
	bts_clause(v, out);
	if (v->n_candidates) {
		buf_printf(out, "; %zu client log(s) cover the push without it"
			   " (candidates, perhaps not targets: ", v->n_candidates);
		name_outcomes(b, v, v->n_received, v->n_targets, TRACE_STATUS_COUNT, out);
		buf_putc(out, ')');
	}
	if (v->status == TS_NOT_DELIVERED) {
		buf_printf(next, "find the target in the admin center (BgbServer.log"
			   " does not name it%s", v->n_candidates ? "; candidates: " : "");
		if (v->n_candidates)
			name_outcomes(b, v, v->n_received, v->n_targets,
				      TRACE_STATUS_COUNT, next);
		buf_printf(next, ") and check that it is online and reaches %s on"
			   " TCP 10123 (else HTTP): its CcmNotificationAgent.log",
			   w->server);
	} else if (v->status == TS_FAILED) {
		buf_printf(next, "collect CcmNotificationAgent.log from the target"
			   " client(s) (C:\\Windows\\CCM\\Logs) to see where it failed");
	} else {
		buf_printf(next, "collect CcmNotificationAgent.log from the target"
			   " client(s) (C:\\Windows\\CCM\\Logs)%s",
			   v->has_bts && v->bts_reported > 0
				   ? ": the server says they answered" : "");
	}
}

static void received_summary(const struct builder *b, const struct verdict *v,
			     const struct words *w, struct buf *out,
			     struct buf *next)
{
	int64_t left = unaccounted(v);
	switch (v->status) {
	case TS_FAILED:
		if (v->failed) {
			for (size_t i = 0; i < v->n_received; i++)
				if (v->targets[i].status == TS_FAILED) {
					buf_printf(out, "%s failed: %s answered ReturnCode %" PRId64,
						   w->what, b->host_names[v->targets[i].host],
						   v->targets[i].return_code);
					break;
				}
			if (v->failed > 1)
				buf_printf(out, " (%" PRId64 " clients failed)", v->failed);
		} else {
			buf_printf(out, "%s failed: the server's BTS report counts %"
				   PRId64 " failed client(s) although %zu received it"
				   " and %" PRId64 " answered ReturnCode 1",
				   w->what, v->bts_failed, v->n_received, v->complete);
		}
		buf_printf(next, "%s", trace_statuses[TS_FAILED].next_step);
		break;
	case TS_NO_RESPONSE:
		buf_printf(out, "%zu client(s) received %s but sent no matching"
			   " response: ", v->n_received, w->what);
		name_outcomes(b, v, 0, v->n_received, TS_NO_RESPONSE, out);
		if (left && v->expected >= 0)
			buf_printf(out, "; %" PRId64 " more target(s) logged no receipt", left);
		bts_clause(v, out);
		buf_printf(next, "read CcmNotificationAgent.log and PolicyAgent.log on ");
		name_outcomes(b, v, 0, v->n_received, TS_NO_RESPONSE, next);
		buf_puts(next, " after the receipt");
		break;
	case TS_PARTIAL:
		buf_printf(out, "%s completed on %" PRId64 " of %" PRId64 " client(s)",
			   w->what, completed(v),
			   v->expected > (int64_t)v->n_received ? v->expected
								: (int64_t)v->n_received);
		if (completed(v) > v->complete)
			buf_printf(out, " (%" PRId64 " by the server's count, their logs"
				   " not collected)", completed(v) - v->complete);
		if (v->no_response) {
			buf_puts(out, "; no response from ");
			name_outcomes(b, v, 0, v->n_received, TS_NO_RESPONSE, out);
		}
		if (left)
			buf_printf(out, "; %" PRId64 " target(s) logged no receipt", left);
		bts_clause(v, out);
		buf_printf(next, "%s", trace_statuses[TS_PARTIAL].next_step);
		break;
	case TS_COMPLETE:
		buf_printf(out, "%s completed on %zu client(s): ", w->what, v->n_received);
		name_outcomes(b, v, 0, v->n_received, TS_COMPLETE, out);
		buf_printf(next, "%s", trace_statuses[TS_COMPLETE].next_step);
		break;
	default:	/* missing evidence */
		if (v->ends) {
			name_outcomes(b, v, 0, v->n_received, TS_MISSING_EVIDENCE, out);
			buf_printf(out, " received %s, but the log ends there: whether it"
				   " answered cannot be seen", w->what);
			buf_puts(next, "collect the later CcmNotificationAgent.log from ");
			name_outcomes(b, v, 0, v->n_received, TS_MISSING_EVIDENCE, next);
		} else if (v->expected < 0) {
			buf_printf(out, "%s completed on %" PRId64 " client(s); no"
				   " server or connector log in the bundle says how many"
				   " were targeted", w->what, v->complete);
			buf_puts(next, "collect BgbServer.log from the management point"
				 " (SMS_CCM\\Logs) for that time");
		} else {
			buf_printf(out, "%s completed on %" PRId64 " of %" PRId64
				   " target(s); the other target(s) logged no receipt in"
				   " the bundle", w->what, v->complete, v->expected);
			bts_clause(v, out);
			buf_puts(next, "collect CcmNotificationAgent.log from the other"
				 " target(s) (C:\\Windows\\CCM\\Logs)");
		}
		if (left && v->ends)
			buf_printf(out, "; %" PRId64 " more target(s) logged no receipt", left);
		break;
	}
}

static void write_summary(const struct builder *b, const struct trace *t,
			  const struct verdict *v, const char *action,
			  struct buf *out, struct buf *next)
{
	const struct push *p = t->n_pushes ? &t->pushes[0] : NULL;
	/* A number nobody named reads as what it is. */
	char numbered[40];
	if (action && action[0] >= '0' && action[0] <= '9') {
		snprintf(numbered, sizeof(numbered), "TaskType %s", action);
		action = numbered;
	}
	struct words w = {
		.what = action ? action : "device action",
		.scp = t->connector_host >= 0 ? b->host_names[t->connector_host] : "?",
		.server = p ? b->host_names[p->host] : "?",
		.push = p,
	};
	buf_reset(out);
	buf_reset(next);
	buf_append(next, "", 0);
	switch (v->status) {
	case TS_UNAUTHORIZED:
		buf_printf(out, "%s refused %s: the Intune admin has no ConfigMgr rights on the device", w.scp, w.what);
		break;
	case TS_NOT_FORWARDED:
		buf_printf(out, "%s received %s but never forwarded it to the notification server", w.scp, w.what);
		break;
	case TS_NOT_PUSHED:
		buf_printf(out, "%s forwarded %s; no notification server started a push", w.scp, w.what);
		break;
	case TS_UNMATCHED:
		buf_printf(out, "a task response whose PushID/TaskID match no receipt");
		break;
	default:
		if (!t->n_pushes && !t->n_receipts) {
			buf_printf(out, "%s forwarded %s; no BgbServer.log covers the time after that",
				   w.scp, w.what);
			buf_puts(next, "collect BgbServer.log and BgbServer.lo_ from the"
				 " management point (SMS_CCM\\Logs) for that time");
		} else if (!v->n_received && p) {
			unreceived_summary(b, v, &w, out, next);
		} else {
			received_summary(b, v, &w, out, next);
		}
		break;
	}
	if (!next->len)
		buf_puts(next, trace_statuses[v->status].next_step);
	if (t->unmatched && v->status != TS_UNMATCHED)
		buf_printf(out, "; %" PRId64 " response(s) match no receipt", t->unmatched);
	if (v->skew)
		buf_printf(out, "; a negative hop: host clocks disagree");
	buf_printf(out, ". Next: %s.", next->data);
}

static void fill_targets(const struct builder *b, const struct verdict *v,
			 struct trace_target *out)
{
	for (size_t i = 0; i < v->n_targets; i++) {
		const struct outcome *o = &v->targets[i];
		out[i] = (struct trace_target){
			.host = b->host_names[o->host],
			.status = trace_status_name(o->status),
			.inferred = o->inferred,
			.received_utc = o->received_utc,
			.response_utc = o->response_utc,
			.return_code = o->return_code,
		};
	}
}

/* Trace ids follow the first event's time. */
static int by_first_utc(const void *a, const void *b)
{
	const struct trace *x = *(struct trace *const *)a;
	const struct trace *y = *(struct trace *const *)b;
	if (x->first_utc != y->first_utc)
		return x->first_utc < y->first_utc ? -1 : 1;
	return x->n_ids && y->n_ids ? (x->ids[0] > y->ids[0]) - (x->ids[0] < y->ids[0]) : 0;
}

static int write_trace(struct builder *b, struct trace_writer *tw,
		       const struct trace *t, int64_t id)
{
	struct verdict v;
	struct buf clients = {0}, hosts = {0}, summary = {0}, next = {0};
	char num[24];
	judge(b, t, &v);
	const char *action = action_name(b, t, num, sizeof(num));
	client_list(b, &v, &clients);
	host_list(b, t->hosts, t->n_hosts, &hosts);
	write_summary(b, t, &v, action, &summary, &next);
	struct trace_target *targets = xmalloc((v.n_targets + 1) * sizeof(*targets));
	fill_targets(b, &v, targets);
	const struct push *p = t->n_pushes ? &t->pushes[0] : NULL;
	struct trace_row row = {
		.id = id,
		.guid = t->guid[0] ? t->guid : NULL,
		.status = trace_status_name(v.status),
		.action = action,
		.task_type = t->task_type,
		.first_utc = t->first_utc,
		.last_utc = t->last_utc,
		.clients = clients.data,
		.hosts = hosts.data,
		.hop_forward_to_push = v.hops[0],
		.hop_push_to_receive = v.hops[1],
		.hop_receive_to_response = v.hops[2],
		.skew = v.skew,
		.lanes = { t->lanes[0], t->lanes[1], t->lanes[2] },
		.missing = v.missing,
		.push_id = p ? p->push_id : EVENT_NONE,
		.task_id = p ? p->task_id : EVENT_NONE,
		.target_count = p ? p->count : t->targets,
		.unmatched = t->unmatched,
		.summary = summary.data,
		.next_step = next.data,
		.bts_reported = v.bts_reported,
		.bts_failed = v.bts_failed,
		.targets = targets,
		.n_targets = v.n_targets,
		.candidates = (int64_t)v.n_candidates,
	};
	int rc = store_traces_add(tw, &row, t->ids, t->flags, t->n_ids);
	free(targets);
	free(v.targets);
	buf_free(&clients);
	buf_free(&hosts);
	buf_free(&summary);
	buf_free(&next);
	return rc;
}

/* ---- the streamed rebuild: writing and forgetting ---- */

/* Free a trace's lists and give its slot back. */
static void trace_release(struct builder *b, size_t idx)
{
	struct trace *t = trace_at(b, idx);
	free(t->pushes);
	free(t->receipts);
	free(t->ids);
	free(t->flags);
	free(t->hosts);
	memset(t, 0, sizeof(*t));
	t->dead = true;
	if (b->n_free == b->cap_free) {
		b->cap_free = b->cap_free ? b->cap_free * 2 : 1024;
		b->free_slots = xrealloc(b->free_slots, b->cap_free * sizeof(*b->free_slots));
	}
	b->free_slots[b->n_free++] = idx;
}

/* Drop a trace given its id from the join maps, keeping what a later
 * event would need to notice that it joins a written trace. */
static void trace_forget(struct builder *b, size_t idx)
{
	struct trace *t = trace_at(b, idx);
	int64_t v;
	if (t->guid[0]) {
		if (strmap_get(b->by_guid, t->guid, &v) && v == (int64_t)idx)
			strmap_del(b->by_guid, t->guid);
		fpset_add(&b->gone, guid_fp(t->guid));
	}
	uint64_t host = (uint64_t)t->connector_host,
		 thread = (uint64_t)(uint32_t)t->notice_thread;
	if (t->connector_host >= 0 &&
	    tuplemap_get(b->open_notice, host, thread, 0, &v) && v == (int64_t)idx)
		tuplemap_put(b->open_notice, host, thread, 0, NOTICE_GONE);
	for (size_t i = 0; i < t->n_pushes; i++) {
		const struct push *p = &t->pushes[i];
		uint64_t push = (uint64_t)p->push_id, task = (uint64_t)p->task_id;
		if (tuplemap_get(b->push_by_ids, push, task, 0, &v) && v == pack(idx, i)) {
			tuplemap_del(b->push_by_ids, push, task, 0);
			uint64_t fp = key_fp(KEY_PUSH, push, task, 0);
			if (p->finished)
				bloom_add(&b->gone_done, fp);
			else
				fpset_add(&b->gone, fp);
		}
		if (tuplemap_get(b->push_by_id, push, NO_PART, 0, &v) && v == pack(idx, i)) {
			tuplemap_del(b->push_by_id, push, NO_PART, 0);
			uint64_t fp = key_fp(KEY_PUSH_ID, push, NO_PART, 0);
			if (p->has_bts)
				bloom_add(&b->gone_done, fp);
			else
				fpset_add(&b->gone, fp);
		}
	}
	for (size_t i = 0; i < t->n_receipts; i++) {
		const struct receipt *r = &t->receipts[i];
		uint64_t host_r = (uint64_t)r->host, push = (uint64_t)r->push_id,
			 task = (uint64_t)r->task_id;
		/* An answered receipt takes no other answer: forgetting it
		 * changes nothing. */
		if (tuplemap_get(b->receipt_by_ids, host_r, push, task, &v) &&
		    v == pack(idx, i)) {
			tuplemap_del(b->receipt_by_ids, host_r, push, task);
			if (!r->responded)
				fpset_add(&b->gone, key_fp(KEY_RECEIPT, host_r, push, task));
		}
		if (tuplemap_get(b->last_receipt, host_r, NO_PART, NO_PART, &v) &&
		    v == pack(idx, i)) {
			tuplemap_del(b->last_receipt, host_r, NO_PART, NO_PART);
			tuplemap_put(b->gone_receipt, host_r, 0, 0,
				     r->utc == INT64_MIN ? INT64_MIN + 1 : r->utc);
		}
	}
	/* Its action was named by a number nobody had named yet. */
	if (t->action < 0 && t->task_type >= 0 && t->task_type < 256 &&
	    !action_of_task_type(t->task_type) && !b->learned[t->task_type])
		b->learned_read[t->task_type] = true;
}

/* Forgotten traces are written this many at a time: the replay's reads
 * (a page of each log's events) fill most of the page cache, and writing
 * a trace at a time would evict them a trace at a time. */
#define WRITE_BATCH 4096

/* Give ids, in order, to the traces quiet since before now - quiet_us
 * that no live trace sorts before, and write them in batches; INT64_MAX
 * writes every one left. */
static int stream_flush(struct builder *b, int64_t now)
{
	while (b->n_heap && !b->gave_up) {
		size_t idx = b->heap[0];
		struct trace *t = trace_at(b, idx);
		if (now != INT64_MAX && (t->last_utc >= now ||
		    (uint64_t)now - (uint64_t)t->last_utc <= (uint64_t)b->quiet_us))
			break;
		heap_remove(b, 0);
		b->given++;
		b->last_utc = t->first_utc;
		b->last_id = t->ids[0];
		trace_forget(b, idx);
		if (b->n_pending == b->cap_pending) {
			b->cap_pending = b->cap_pending ? b->cap_pending * 2 : 1024;
			b->pending = xrealloc(b->pending, b->cap_pending * sizeof(*b->pending));
		}
		b->pending[b->n_pending++] = idx;
	}
	if (b->gave_up || (b->n_pending < WRITE_BATCH && now != INT64_MAX))
		return 0;
	for (size_t i = 0; i < b->n_pending; i++) {
		if (write_trace(b, b->tw, trace_at(b, b->pending[i]), ++b->written) != 0)
			return -1;
		trace_release(b, b->pending[i]);
	}
	b->n_pending = 0;
	return now == INT64_MAX ? 0 : store_traces_flush(b->tw);
}

/* The learned names and the mark of a store whose traces keep them, then
 * the commit; the writer is gone after. */
/* What an update seeds its replay with; -1 marks a store whose traces
 * were built by a tatrace that keeps them. On failure tw is aborted. */
static int put_learned(struct builder *b, struct trace_writer *tw, int rc)
{
	for (int64_t tt = 0; rc == 0 && tt < 256; tt++)
		if (b->learned[tt])
			rc = store_traces_learned_put(tw, tt, b->learned[tt]);
	if (rc == 0)
		rc = store_traces_learned_put(tw, -1, "");
	if (rc != 0)
		store_traces_abort(tw);
	return rc;
}

static int finish_writer(struct builder *b, struct trace_writer *tw, int rc)
{
	rc = put_learned(b, tw, rc);
	return rc == 0 ? store_traces_commit(tw) : rc;
}

static int write_all(struct builder *b, uint64_t *written)
{
	struct trace **order = xmalloc((b->n_traces + 1) * sizeof(*order));
	size_t n = 0;
	for (size_t i = 0; i < b->n_traces; i++)
		if (!trace_at(b, i)->dead && trace_at(b, i)->n_ids)
			order[n++] = trace_at(b, i);
	qsort(order, n, sizeof(*order), by_first_utc);
	struct trace_writer *tw = store_traces_begin(b->store);
	int rc = tw ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = write_trace(b, tw, order[i], (int64_t)i + 1);
	if (tw)
		rc = finish_writer(b, tw, rc);
	free(order);
	*written = rc == 0 ? n : 0;
	return rc;
}

static void builder_free(struct builder *b)
{
	for (size_t i = 0; i < b->n_traces; i++) {
		free(trace_at(b, i)->pushes);
		free(trace_at(b, i)->receipts);
		free(trace_at(b, i)->ids);
		free(trace_at(b, i)->flags);
		free(trace_at(b, i)->hosts);
	}
	for (size_t i = 0; i < b->n_chunks; i++)
		free(b->chunks[i]);
	free(b->chunks);
	for (size_t i = 0; i < b->n_host_names; i++)
		free(b->host_names[i]);
	free(b->host_names);
	for (size_t i = 0; i < 256; i++)
		free(b->learned[i]);
	for (size_t i = 0; i < b->n_names; i++)
		free(b->names[i]);
	free(b->names);
	strmap_free(b->name_ids);
	for (int l = 0; l < TRACE_LANES; l++)
		free(b->cover[l]);
	strmap_free(b->by_guid);
	tuplemap_free(b->open_notice);
	tuplemap_free(b->pending_fetch);
	tuplemap_free(b->push_by_ids);
	tuplemap_free(b->push_by_id);
	tuplemap_free(b->receipt_by_ids);
	tuplemap_free(b->last_receipt);
	strmap_free(b->host_ids);
	if (b->notice_set)
		tuplemap_free(b->notice_set);
	if (b->fetch_set)
		tuplemap_free(b->fetch_set);
	if (b->gone_receipt)
		tuplemap_free(b->gone_receipt);
	free(b->heap);
	free(b->pending);
	free(b->free_slots);
	for (size_t l = 0; l < b->gone.n_levels; l++)
		free(b->gone.slots[l]);
	for (size_t l = 0; l < b->gone_done.n_levels; l++)
		free(b->gone_done.bits[l]);
}

static void builder_init(struct builder *b, struct store *s)
{
	*b = (struct builder){
		.store = s,
		.by_guid = strmap_new(),
		.open_notice = tuplemap_new(),
		.pending_fetch = tuplemap_new(),
		.push_by_ids = tuplemap_new(),
		.push_by_id = tuplemap_new(),
		.receipt_by_ids = tuplemap_new(),
		.last_receipt = tuplemap_new(),
		.host_ids = strmap_new(),
		.name_ids = strmap_new(),
	};
}

/* Every trace held until the end, then sorted and written. */
static int rebuild_held(struct store *s, struct correlate_stats *stats)
{
	struct builder b;
	builder_init(&b, s);
	uint64_t written = 0;
	int rc = load_coverage(&b);
	if (rc == 0)
		rc = store_events(s, on_event, &b);
	if (rc == 0)
		rc = write_all(&b, &written);
	if (stats) {
		stats->events = b.events;
		stats->traces = written;
		stats->live_peak = b.n_traces;
	}
	builder_free(&b);
	return rc;
}

/* Traces written as the replay leaves them behind. *gave_up says why the
 * stream could not go on (then nothing was written). */
static int rebuild_streamed(struct store *s, int64_t quiet_us,
			    struct correlate_stats *stats, const char **gave_up)
{
	struct builder b;
	builder_init(&b, s);
	b.quiet_us = quiet_us;
	b.gone_receipt = tuplemap_new();
	int rc = load_coverage(&b);
	if (rc == 0) {
		b.tw = store_traces_begin(s);
		rc = b.tw ? 0 : -1;
	}
	if (rc == 0)
		rc = store_events(s, on_event, &b);
	if (rc == 0 && b.write_failed)
		rc = -1;
	if (rc == 0 && !b.gave_up)
		rc = stream_flush(&b, INT64_MAX);
	struct trace_writer *tw = b.tw;
	if (tw && (rc != 0 || b.gave_up)) {
		store_traces_abort(tw);
		tw = NULL;
	} else if (tw && (rc = put_learned(&b, tw, rc)) != 0) {
		tw = NULL;
	}
	*gave_up = b.gave_up;
	uint64_t written = (uint64_t)b.written;
	if (stats) {
		stats->events = b.events;
		stats->live_peak = b.peak_live;
	}
	/* Freed before the commit, which builds the traces' indexes: its
	 * sorter would otherwise come on top of the builder's memory, and
	 * that sum was the ingest's peak RSS with a million traces. */
	builder_free(&b);
	if (tw)
		rc = store_traces_commit(tw);
	if (stats)
		stats->traces = rc == 0 && !*gave_up ? written : 0;
	return rc;
}

/* The default quiet time, or TATRACE_TRACE_QUIET seconds (0: hold every
 * trace, as before the stream; the tests compare the two). */
static int64_t quiet_default(void)
{
	const char *env = getenv("TATRACE_TRACE_QUIET");
	if (env && *env) {
		char *end;
		double sec = strtod(env, &end);
		if (!*end && sec >= 0 && sec < 1e9)
			return (int64_t)(sec * 1e6);
	}
	return QUIET_US;
}

int correlate_rebuild_quiet(struct store *s, int64_t quiet_us,
			    struct correlate_stats *stats)
{
	double start = clock_now();
	const char *gave_up = NULL;
	int rc = 0;
	if (stats)
		*stats = (struct correlate_stats){0};	/* every field said */
	if (quiet_us > 0)
		rc = rebuild_streamed(s, quiet_us, stats, &gave_up);
	if (quiet_us <= 0 || (rc == 0 && gave_up))
		rc = rebuild_held(s, stats);
	if (stats) {
		stats->held_all = quiet_us <= 0 ? "asked to" : gave_up;
		stats->seconds = clock_now() - start;
	}
	return rc;
}

int correlate_rebuild(struct store *s, struct correlate_stats *stats)
{
	return correlate_rebuild_quiet(s, quiet_default(), stats);
}

/* ---- the incremental update ---- */

/* How far before the earliest change the replay starts: a response joins
 * the latest receipt of its host up to UNMATCHED_WINDOW_US back, and a
 * verdict reads coverage up to NEXT_STEP_MARGIN_US after a trace's end. */
#define UPDATE_WINDOW_US (UNMATCHED_WINDOW_US + NEXT_STEP_MARGIN_US)
/* Above this share of the traces a full rebuild is as cheap; above this
 * many it also holds less memory (the update holds its traces). */
#define UPDATE_MAX_SHARE 4
#define UPDATE_MAX_TRACES 20000

struct cover_span {
	int64_t file_id, utc_min, utc_max;
};

struct correlate_base {
	int64_t watermark;		/* highest event id built from */
	struct cover_span *cover;	/* by file id */
	size_t n_cover;
};

static int base_cover(void *ctx, const struct store_coverage *c)
{
	struct correlate_base *base = ctx;
	base->cover = xrealloc(base->cover, (base->n_cover + 1) * sizeof(*base->cover));
	base->cover[base->n_cover++] = (struct cover_span){
		c->file_id, c->utc_min, c->utc_max,
	};
	return 0;
}

struct correlate_base *correlate_base_take(struct store *s)
{
	if (store_traces_stale(s))
		return NULL;
	struct correlate_base *base = xcalloc(1, sizeof(*base));
	base->watermark = store_events_watermark(s);
	if (base->watermark < 0 || store_coverage(s, base_cover, base) != 0) {
		correlate_base_free(base);
		return NULL;
	}
	return base;
}

void correlate_base_free(struct correlate_base *base)
{
	if (!base)
		return;
	free(base->cover);
	free(base);
}

/* The traces an update rebuilds: ids (kept sorted at the end). */
struct id_set {
	int64_t *ids;
	size_t n, cap;
	struct tuplemap *seen;
};

static int id_add(void *ctx, int64_t id, int64_t first_utc)
{
	struct id_set *set = ctx;
	(void)first_utc;
	int64_t one;
	if (tuplemap_get(set->seen, (uint64_t)id, 0, 0, &one))
		return 0;
	tuplemap_put(set->seen, (uint64_t)id, 0, 0, 1);
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->ids = xrealloc(set->ids, set->cap * sizeof(*set->ids));
	}
	set->ids[set->n++] = id;
	return 0;
}

struct guid_scan {
	struct store *s;
	struct id_set *set;
	int rc;
};

static int guid_traces(void *ctx, const char *guid)
{
	struct guid_scan *g = ctx;
	if (store_traces_with_guid(g->s, guid, id_add, g->set) != 0)
		g->rc = -1;
	return g->rc;
}

/* The earliest time the coverage changed since base, or a reason the
 * change is not one an update can follow. */
struct cover_diff {
	struct correlate_base *base;
	size_t at;			/* next base entry to match */
	int64_t changed;		/* INT64_MAX: nothing */
	const char *fallback;
};

static int diff_cover(void *ctx, const struct store_coverage *c)
{
	struct cover_diff *d = ctx;
	const struct correlate_base *base = d->base;
	while (d->at < base->n_cover && base->cover[d->at].file_id < c->file_id) {
		d->fallback = "a log's records left the store";
		d->at++;
	}
	if (d->at < base->n_cover && base->cover[d->at].file_id == c->file_id) {
		const struct cover_span *o = &base->cover[d->at++];
		if (c->utc_min != o->utc_min || c->utc_max < o->utc_max)
			d->fallback = "a log's time span moved";
		else if (c->utc_max > o->utc_max && o->utc_max < d->changed)
			d->changed = o->utc_max;
	} else if (c->utc_min < d->changed) {
		d->changed = c->utc_min;	/* a new log */
	}
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Is a stored trace's first time strictly on the right side of t's? */
static int neighbour_ok(struct store *s, int64_t id, const struct trace *t,
			bool before)
{
	int64_t first;
	int rc = store_trace_first_utc(s, id, &first);
	if (rc != 0)
		return rc;	/* 1: no such trace, -1: error */
	return (before ? first < t->first_utc : first > t->first_utc) ? 0 : 2;
}

/* Give the rebuilt traces the ids a full rebuild would: the ids they had
 * (in first-event order), then new ones after the last. Unless their new
 * first times keep every untouched trace's rank, that cannot be done. */
static const char *assign_ids(struct builder *b, const struct id_set *old,
			      struct trace **order, size_t n, int64_t max_id,
			      int64_t *ids, int *err)
{
	if (n < old->n)
		return "traces merged";
	for (size_t i = 0; i < n; i++)
		ids[i] = i < old->n ? old->ids[i] : max_id + 1 + (int64_t)(i - old->n);
	for (size_t i = 0; i < n; i++) {
		if (i && by_first_utc(&order[i - 1], &order[i]) >= 0)
			return "two traces start at one time";
		bool prev_ours = i && ids[i - 1] == ids[i] - 1;
		bool next_ours = i + 1 < n && ids[i + 1] == ids[i] + 1;
		int rc = prev_ours ? 0 : neighbour_ok(b->store, ids[i] - 1, order[i], true);
		if (rc == 1 && ids[i] - 1 > 0)
			return "a trace id is missing";
		if (rc == 0 || rc == 1)
			rc = next_ours || ids[i] >= max_id ? 0
			   : neighbour_ok(b->store, ids[i] + 1, order[i], false);
		if (rc < 0) {
			*err = -1;
			return NULL;
		}
		if (rc > 0)
			return "a rebuilt trace changed its place in time";
	}
	return NULL;
}

static int seed_learned(void *ctx, int64_t task_type, const char *name)
{
	struct builder *b = ctx;
	if (task_type >= 0 && task_type < 256 && !b->learned[task_type])
		b->learned[task_type] = xstrdup(name);
	else if (task_type == -1)
		b->learned_kept = true;
	return 0;
}

/* Replay the subset and write its traces; *fallback says why it could
 * not be done (then nothing was written). */
static int update_subset(struct builder *b, const struct id_set *old,
			 int64_t max_id, uint64_t *written, const char **fallback)
{
	int rc = store_traces_learned(b->store, seed_learned, b);
	if (rc == 0 && !b->learned_kept)
		*fallback = "traces built by an older tatrace";
	if (rc == 0 && !*fallback)
		rc = load_coverage(b);
	if (rc == 0 && !*fallback)
		rc = store_events_subset(b->store, b->window, old->ids, old->n, on_event, b);
	if (rc != 0 || *fallback || (*fallback = b->fallback) != NULL)
		return rc;
	struct trace **order = xmalloc((b->n_traces + 1) * sizeof(*order));
	size_t n = 0;
	for (size_t i = 0; i < b->n_traces; i++)
		if (!trace_at(b, i)->dead && trace_at(b, i)->n_ids)
			order[n++] = trace_at(b, i);
	qsort(order, n, sizeof(*order), by_first_utc);
	int64_t *ids = xmalloc((n + 1) * sizeof(*ids));
	*fallback = assign_ids(b, old, order, n, max_id, ids, &rc);
	struct trace_writer *tw = NULL;
	if (rc == 0 && !*fallback) {
		tw = store_traces_begin_update(b->store);
		rc = tw ? 0 : -1;
	}
	for (size_t i = 0; tw && rc == 0 && i < old->n; i++)
		rc = store_traces_remove(tw, old->ids[i]);
	for (size_t i = 0; tw && rc == 0 && i < n; i++)
		rc = write_trace(b, tw, order[i], ids[i]);
	if (tw && rc == 0)
		rc = store_traces_commit(tw);
	else if (tw)
		store_traces_abort(tw);
	*written = n;
	free(ids);
	free(order);
	return rc;
}

/* Which traces to rebuild, from the events above the watermark and the
 * coverage's changes; *fallback when the change cannot be followed. */
static int update_plan(struct builder *b, const struct correlate_base *base,
		       struct id_set *old, const char **fallback, bool *nothing)
{
	struct cover_diff d = { (struct correlate_base *)base, 0, INT64_MAX, NULL };
	int rc = store_coverage(b->store, diff_cover, &d);
	if (rc == 0 && d.at < base->n_cover)
		d.fallback = "a log's records left the store";
	if (rc != 0 || (*fallback = d.fallback) != NULL)
		return rc;
	int64_t count = 0, min_utc = EVENT_NONE;
	struct guid_scan g = { b->store, old, 0 };
	rc = store_events_since(b->store, base->watermark, &count, &min_utc,
				guid_traces, &g);
	if (rc != 0 || g.rc != 0)
		return -1;
	b->cut = d.changed;
	if (count && min_utc != EVENT_NONE && min_utc < b->cut)
		b->cut = min_utc;
	if (b->cut == INT64_MAX) {
		*nothing = true;
		return 0;
	}
	b->window = b->cut - UPDATE_WINDOW_US;
	return store_traces_ending_after(b->store, b->window, id_add, old);
}

int correlate_update(struct store *s, const struct correlate_base *base,
		     struct correlate_stats *stats)
{
	double start = clock_now();
	const char *fallback = NULL;
	int rc = 0;
	if (base && base->watermark == 0)
		return correlate_rebuild(s, stats);	/* the first load */
	if (!base)
		fallback = "the traces were not up to date";
	else if (store_resolve_retimed_min(s) <= base->watermark)
		fallback = "the time offsets of stored events changed";
	struct builder b;
	builder_init(&b, s);
	b.inc = true;
	b.notice_set = tuplemap_new();
	b.fetch_set = tuplemap_new();
	struct id_set old = { .seen = tuplemap_new() };
	bool nothing = false;
	int64_t max_id = 0, total = 0;
	uint64_t written = 0;
	if (!fallback)
		rc = update_plan(&b, base, &old, &fallback, &nothing);
	if (rc == 0 && !fallback)
		rc = store_traces_span(s, &max_id, &total);
	if (rc == 0 && !fallback && !nothing && old.n > 1000 &&
	    ((int64_t)old.n * UPDATE_MAX_SHARE > total || old.n > UPDATE_MAX_TRACES))
		fallback = "the change touches too many traces";
	if (old.n > 1)	/* qsort wants a non-null array even for none */
		qsort(old.ids, old.n, sizeof(*old.ids), cmp_id);
	if (rc == 0 && !fallback && nothing) {
		struct trace_writer *tw = store_traces_begin_update(s);
		rc = tw ? store_traces_commit(tw) : -1;	/* clears the stale mark */
	} else if (rc == 0 && !fallback) {
		rc = update_subset(&b, &old, max_id, &written, &fallback);
	}
	uint64_t events = b.events;
	builder_free(&b);
	free(old.ids);
	tuplemap_free(old.seen);
	if (rc == 0 && fallback) {
		rc = correlate_rebuild(s, stats);
		if (stats)
			stats->fallback = fallback;
		return rc;
	}
	if (stats) {
		*stats = (struct correlate_stats){
			.events = events,
			.traces = (uint64_t)(total - (int64_t)old.n) + written,
			.rebuilt = written,
			.incremental = true,
			.seconds = clock_now() - start,
		};
	}
	return rc;
}
