/* eventpack.c - packing an event's join fields (eventpack.h): written once
 * per event by the ingest writer, read once per event by every trace
 * rebuild. */
#include "eventpack.h"

#include <stddef.h>
#include <string.h>

enum {
	PRESENT_THREAD = 1u << 0,
	PRESENT_NUMS = 1u << 1,	/* eight bits, one per number */
	PRESENT_GUID = 1u << 9,
	PRESENT_NAME = 1u << 10,
	PRESENT_ALL = (1u << 11) - 1,
};
#define N_NUMS 8
#define HEADER 5
#define VARINT_MAX 10

/* The numbers, in the order of their present bits. */
static const size_t num_offsets[N_NUMS] = {
	offsetof(struct event, push_id), offsetof(struct event, task_id),
	offsetof(struct event, task_type), offsetof(struct event, count),
	offsetof(struct event, failed), offsetof(struct event, return_code),
	offsetof(struct event, http_status), offsetof(struct event, stamp_us),
};

static int64_t num_get(const struct event *ev, int i)
{
	int64_t v;
	memcpy(&v, (const char *)ev + num_offsets[i], sizeof(v));
	return v;
}

static void num_set(struct event *ev, int i, int64_t v)
{
	memcpy((char *)ev + num_offsets[i], &v, sizeof(v));
}

static size_t put_varint(unsigned char *p, int64_t v)
{
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);	/* zigzag */
	size_t n = 0;
	while (z >= 0x80) {
		p[n++] = (unsigned char)(z | 0x80);
		z >>= 7;
	}
	p[n++] = (unsigned char)z;
	return n;
}

static size_t put_text(unsigned char *p, const char *text, size_t cap)
{
	size_t len = strnlen(text, cap - 1);
	p[0] = (unsigned char)len;
	memcpy(p + 1, text, len);
	return len + 1;
}

size_t eventpack_encode(unsigned char out[EVENTPACK_MAX], int32_t thread,
			const struct event *ev)
{
	_Static_assert(sizeof(ev->guid) <= 256 && sizeof(ev->name) <= 256,
		       "a text's length is one byte");
	unsigned present = 0;
	size_t n = HEADER;
	if (thread >= 0) {
		present |= PRESENT_THREAD;
		n += put_varint(out + n, thread);
	}
	for (int i = 0; i < N_NUMS; i++) {
		int64_t v = num_get(ev, i);
		if (v == EVENT_NONE)
			continue;
		present |= PRESENT_NUMS << i;
		n += put_varint(out + n, v);
	}
	if (ev->guid[0]) {
		present |= PRESENT_GUID;
		n += put_text(out + n, ev->guid, sizeof(ev->guid));
	}
	if (ev->name[0]) {
		present |= PRESENT_NAME;
		n += put_text(out + n, ev->name, sizeof(ev->name));
	}
	out[0] = EVENTPACK_FORMAT;
	out[1] = (unsigned char)ev->lane;
	out[2] = (unsigned char)ev->kind;
	out[3] = (unsigned char)present;
	out[4] = (unsigned char)(present >> 8);
	return n;
}

static int get_varint(const unsigned char **p, const unsigned char *end,
		      int64_t *v)
{
	uint64_t z = 0;
	for (int shift = 0; shift < 7 * VARINT_MAX; shift += 7) {
		if (*p == end)
			return -1;
		unsigned char c = *(*p)++;
		z |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
			return 0;
		}
	}
	return -1;
}

static int get_text(const unsigned char **p, const unsigned char *end,
		    char *dst, size_t cap)
{
	if (*p == end)
		return -1;
	size_t len = *(*p)++;
	if (len >= cap || len > (size_t)(end - *p))
		return -1;
	memcpy(dst, *p, len);
	dst[len] = '\0';
	*p += len;
	return 0;
}

int eventpack_decode(const void *blob, size_t len, int32_t *thread,
		     struct event *ev)
{
	if (!blob || len < HEADER)
		return -1;
	const unsigned char *p = blob, *end = p + len;
	if (p[0] != EVENTPACK_FORMAT || p[1] >= LANE_COUNT ||
	    p[2] >= EV_KIND_COUNT)
		return -1;
	unsigned present = p[3] | (unsigned)p[4] << 8;
	if (present & ~(unsigned)PRESENT_ALL)
		return -1;
	ev->lane = (enum lane)p[1];
	ev->kind = (enum event_kind)p[2];
	p += HEADER;
	int64_t v;
	*thread = -1;
	if (present & PRESENT_THREAD) {
		if (get_varint(&p, end, &v) < 0 || v < 0 || v > INT32_MAX)
			return -1;
		*thread = (int32_t)v;
	}
	for (int i = 0; i < N_NUMS; i++) {
		int64_t n = EVENT_NONE;
		if ((present & (PRESENT_NUMS << i)) &&
		    get_varint(&p, end, &n) < 0)
			return -1;
		num_set(ev, i, n);
	}
	ev->guid[0] = ev->name[0] = '\0';
	ev->tenant[0] = ev->user[0] = ev->detail[0] = '\0';
	if ((present & PRESENT_GUID) &&
	    get_text(&p, end, ev->guid, sizeof(ev->guid)) < 0)
		return -1;
	if ((present & PRESENT_NAME) &&
	    get_text(&p, end, ev->name, sizeof(ev->name)) < 0)
		return -1;
	return p == end ? 0 : -1;
}
