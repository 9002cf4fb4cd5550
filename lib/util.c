/* util.c - fail-hard allocation, growable buffers, a streaming hash,
 * helper threads without signals. */
#include "util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void (*die_hook)(void);

void die_atexit_hook(void (*hook)(void))
{
	die_hook = hook;
}

void die(const char *fmt, ...)
{
	void (*hook)(void) = die_hook;
	die_hook = NULL;	/* a hook that fails must not loop */
	if (hook)
		hook();
	va_list ap;
	fputs("tatrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void out_of_memory(void)
{
	die("out of memory");
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	buf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	buf_reserve(b, 64);
	size_t room = b->cap - b->len;
	va_start(ap, fmt);
	int n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data)
		b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* A 64-bit multiply-xorshift over 8-byte words: several GB/s, and good
 * enough to tell a changed log from an unchanged one. */
#define HASH_MUL UINT64_C(0x9E3779B97F4A7C15)

static uint64_t hash_mix(uint64_t state, uint64_t word)
{
	state ^= word * HASH_MUL;
	state = (state << 31) | (state >> 33);
	return state * UINT64_C(0xBF58476D1CE4E5B9);
}

/* memcpy compiles to one load; the byte swap keeps the value the same
 * on big-endian machines, so stored hashes do not depend on the CPU. */
static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

void hasher_init(struct hasher *h)
{
	memset(h, 0, sizeof(*h));
	h->state = UINT64_C(0x243F6A8885A308D3);
}

void hasher_update(struct hasher *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	h->total += len;
	while (len && h->pending_len) {
		h->pending[h->pending_len++] = *p++;
		len--;
		if (h->pending_len == 8) {
			h->state = hash_mix(h->state, load_le64(h->pending));
			h->pending_len = 0;
		}
	}
	if (h->pending_len)
		return;	/* len ran out before the pending word filled */
	while (len >= 8) {
		h->state = hash_mix(h->state, load_le64(p));
		p += 8;
		len -= 8;
	}
	memcpy(h->pending, p, len);
	h->pending_len = (unsigned)len;
}

uint64_t hasher_final(const struct hasher *h)
{
	unsigned char tail[8] = {0};
	memcpy(tail, h->pending, h->pending_len);
	uint64_t s = hash_mix(h->state, load_le64(tail));
	s = hash_mix(s, h->total);
	s ^= s >> 29;
	return s;
}

uint64_t hash_bytes(const void *data, size_t len)
{
	struct hasher h;
	hasher_init(&h);
	hasher_update(&h, data, len);
	return hasher_final(&h);
}

static void store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void hasher_save(const struct hasher *h, unsigned char out[HASHER_BLOB_BYTES])
{
	store_le64(out, h->state);
	store_le64(out + 8, h->total);
	/* Bytes past pending_len are stale: zeros, so that one state has
	 * one blob. */
	memset(out + 16, 0, 8);
	memcpy(out + 16, h->pending, h->pending_len);
	out[24] = (unsigned char)h->pending_len;
}

bool hasher_load(struct hasher *h, const void *blob, size_t len)
{
	const unsigned char *p = blob;
	if (!p || len != HASHER_BLOB_BYTES || p[24] > 7)
		return false;
	h->state = load_le64(p);
	h->total = load_le64(p + 8);
	memcpy(h->pending, p + 16, 8);
	h->pending_len = p[24];
	return true;
}

double clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int thread_start_unsignalled(pthread_t *thread, void *(*run)(void *),
			     void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(thread, NULL, run, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
