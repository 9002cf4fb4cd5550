/* tuplemap.c - open addressing with linear probing; doubles at 75% load.
 * A slot is 32 bytes: an empty one is marked by a value no caller stores.
 * Deleting shifts the entries after the hole back (no tombstones), so a
 * map whose entries come and go stays as small as its peak. */
#include "tuplemap.h"

#include <stdlib.h>

#include "util.h"

#define EMPTY INT64_MIN

struct slot {
	uint64_t a, b, c;
	int64_t value;	/* EMPTY: unused */
};

struct tuplemap {
	struct slot *slots;
	size_t cap;	/* power of two */
	size_t count;
};

static struct slot *slots_new(size_t cap)
{
	struct slot *slots = xmalloc(cap * sizeof(*slots));
	for (size_t i = 0; i < cap; i++)
		slots[i].value = EMPTY;
	return slots;
}

struct tuplemap *tuplemap_new(void)
{
	struct tuplemap *m = xcalloc(1, sizeof(*m));
	m->cap = 64;
	m->slots = slots_new(m->cap);
	return m;
}

void tuplemap_free(struct tuplemap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = a * UINT64_C(0x9E3779B97F4A7C15);
	h ^= (b + (h << 6) + (h >> 2)) * UINT64_C(0xBF58476D1CE4E5B9);
	h ^= (c + (h << 6) + (h >> 2)) * UINT64_C(0x94D049BB133111EB);
	return h ^ (h >> 31);
}

static struct slot *find(struct slot *slots, size_t cap, uint64_t a,
			 uint64_t b, uint64_t c)
{
	size_t i = (size_t)mix(a, b, c) & (cap - 1);
	while (slots[i].value != EMPTY &&
	       (slots[i].a != a || slots[i].b != b || slots[i].c != c))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow(struct tuplemap *m)
{
	size_t cap = m->cap * 2;
	struct slot *slots = slots_new(cap);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].value != EMPTY)
			*find(slots, cap, m->slots[i].a, m->slots[i].b,
			      m->slots[i].c) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

void tuplemap_put(struct tuplemap *m, uint64_t a, uint64_t b, uint64_t c,
		int64_t value)
{
	if (value == EMPTY)
		abort();	/* a caller bug: the value marks empty slots */
	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	struct slot *s = find(m->slots, m->cap, a, b, c);
	if (s->value == EMPTY) {
		s->a = a;
		s->b = b;
		s->c = c;
		m->count++;
	}
	s->value = value;
}

bool tuplemap_get(const struct tuplemap *m, uint64_t a, uint64_t b, uint64_t c,
		int64_t *value)
{
	const struct slot *s = find(m->slots, m->cap, a, b, c);
	if (s->value == EMPTY)
		return false;
	*value = s->value;
	return true;
}

/* Does the entry at home h, found at slot j, stay reachable when slot i
 * (between them, cyclically) is emptied? Only if h lies in (i, j]. */
static bool stays(size_t h, size_t i, size_t j)
{
	return i <= j ? (i < h && h <= j) : (i < h || h <= j);
}

bool tuplemap_del(struct tuplemap *m, uint64_t a, uint64_t b, uint64_t c)
{
	struct slot *s = find(m->slots, m->cap, a, b, c);
	if (s->value == EMPTY)
		return false;
	size_t mask = m->cap - 1, i = (size_t)(s - m->slots), j = i;
	for (;;) {
		j = (j + 1) & mask;
		struct slot *n = &m->slots[j];
		if (n->value == EMPTY)
			break;
		size_t h = (size_t)mix(n->a, n->b, n->c) & mask;
		if (stays(h, i, j))
			continue;
		m->slots[i] = *n;
		i = j;
	}
	m->slots[i].value = EMPTY;
	m->count--;
	return true;
}
