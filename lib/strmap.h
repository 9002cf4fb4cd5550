/* strmap.h - a string -> int64 hash map (open addressing), for joining
 * events by GUID, host, thread and ID tuples while traces are built. */
#ifndef TATRACE_STRMAP_H
#define TATRACE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *m);
/* Set key (copied) to value, replacing any previous value. */
void strmap_put(struct strmap *m, const char *key, int64_t value);
bool strmap_get(const struct strmap *m, const char *key, int64_t *value);
/* Forget a key; false when it was not there. The table keeps its size. */
bool strmap_del(struct strmap *m, const char *key);
size_t strmap_count(const struct strmap *m);

#endif
