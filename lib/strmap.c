/* strmap.c - open-addressing string map with linear probing; keys are
 * copied, the table doubles at 50% load; deleting shifts the entries
 * after the hole back (no tombstones). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct slot {
	char *key;
	uint64_t hash;
	int64_t value;
};

struct strmap {
	struct slot *slots;
	size_t cap;	/* power of two */
	size_t count;
};

struct strmap *strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof(*m));
	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

static struct slot *find_slot(struct slot *slots, size_t cap, const char *key,
			      uint64_t hash)
{
	size_t i = (size_t)hash & (cap - 1);
	while (slots[i].key &&
	       (slots[i].hash != hash || strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow(struct strmap *m)
{
	size_t cap = m->cap * 2;
	struct slot *slots = xcalloc(cap, sizeof(*slots));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		*find_slot(slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

void strmap_put(struct strmap *m, const char *key, int64_t value)
{
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	uint64_t hash = hash_bytes(key, strlen(key));
	struct slot *s = find_slot(m->slots, m->cap, key, hash);
	if (!s->key) {
		s->key = xstrdup(key);
		s->hash = hash;
		m->count++;
	}
	s->value = value;
}

bool strmap_get(const struct strmap *m, const char *key, int64_t *value)
{
	uint64_t hash = hash_bytes(key, strlen(key));
	const struct slot *s = find_slot(m->slots, m->cap, key, hash);
	if (!s->key)
		return false;
	*value = s->value;
	return true;
}

size_t strmap_count(const struct strmap *m)
{
	return m->count;
}

bool strmap_del(struct strmap *m, const char *key)
{
	uint64_t hash = hash_bytes(key, strlen(key));
	struct slot *s = find_slot(m->slots, m->cap, key, hash);
	if (!s->key)
		return false;
	free(s->key);
	size_t mask = m->cap - 1, i = (size_t)(s - m->slots), j = i;
	for (;;) {
		j = (j + 1) & mask;
		struct slot *n = &m->slots[j];
		if (!n->key)
			break;
		size_t h = (size_t)n->hash & mask;
		/* It stays when its home lies in (i, j], cyclically. */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		m->slots[i] = *n;
		i = j;
	}
	m->slots[i] = (struct slot){0};
	m->count--;
	return true;
}
