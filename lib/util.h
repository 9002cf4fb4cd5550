/* util.h - small shared helpers: fail-hard allocation, a growable byte
 * buffer, a fast non-cryptographic hash for change detection, and
 * helper threads that take no signals.
 * Everything here is leaf code: no module below depends on anything else. */
#ifndef TATRACE_UTIL_H
#define TATRACE_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The one way out on a fatal error: runs the hook (the dashboard restores
 * the terminal there, so the message is seen), prints "tatrace: MESSAGE"
 * on stderr and exits with status 2. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* pthread_create for a helper thread with every signal blocked, so that
 * Ctrl-C and SIGTERM go to the calling thread, whose blocking read() or
 * poll() they must interrupt. pthread_create's result. */
int thread_start_unsignalled(pthread_t *thread, void *(*run)(void *),
			     void *arg);
/* Set the hook die() runs first (NULL: none). The hook must not call die. */
void die_atexit_hook(void (*hook)(void));

/* Allocators that die("out of memory") on failure, so callers never carry
 * allocation-failure paths. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);

/* A growable byte buffer. data is always NUL-terminated (not counted in
 * len) once anything was appended, so it can be handed to C string APIs. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_putc(struct buf *b, char c);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop the first n bytes, moving the rest to the front. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* Streaming 64-bit hash (not cryptographic): same bytes in any chunking
 * give the same value. Used to tell unchanged, grown and replaced files. */
struct hasher {
	uint64_t state;
	uint64_t total;
	unsigned char pending[8];
	unsigned pending_len;
};
void hasher_init(struct hasher *h);
void hasher_update(struct hasher *h, const void *data, size_t len);
uint64_t hasher_final(const struct hasher *h);
uint64_t hash_bytes(const void *data, size_t len);
/* A hasher's state as a fixed little-endian blob (state, total, pending
 * bytes, pending count), so that a later run can go on hashing a grown
 * file from where this one stopped. hasher_load: false on a blob that
 * is not one (wrong length, pending count over 7). */
#define HASHER_BLOB_BYTES 25
void hasher_save(const struct hasher *h, unsigned char out[HASHER_BLOB_BYTES]);
bool hasher_load(struct hasher *h, const void *blob, size_t len);

/* Monotonic clock in seconds, for progress and benchmarks. */
double clock_now(void);

#endif
