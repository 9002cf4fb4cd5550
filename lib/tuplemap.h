/* tuplemap.h - a map from a key of three 64-bit numbers to an int64, with
 * no allocation per entry: the joins of the trace builder (host and
 * thread; PushID and TaskID; host, PushID and TaskID) are numeric, and at
 * 100k traces per-key strings cost more memory than the traces. */
#ifndef TATRACE_TUPLEMAP_H
#define TATRACE_TUPLEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tuplemap;

struct tuplemap *tuplemap_new(void);
void tuplemap_free(struct tuplemap *m);
/* value must not be INT64_MIN (it marks empty slots). */
void tuplemap_put(struct tuplemap *m, uint64_t a, uint64_t b, uint64_t c,
		int64_t value);
bool tuplemap_get(const struct tuplemap *m, uint64_t a, uint64_t b, uint64_t c,
		int64_t *value);
/* Forget a key; false when it was not there. The table keeps its size. */
bool tuplemap_del(struct tuplemap *m, uint64_t a, uint64_t b, uint64_t c);

#endif
