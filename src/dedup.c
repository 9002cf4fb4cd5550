/* dedup.c - hashing a file as it streams past against the stored files of
 * the same host and log, to tell a duplicate (equal, or a prefix of a
 * stored file) from a file that supersedes a shorter stored copy. */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bundle.h"
#include "../lib/util.h"

struct dedup_twin {
	struct store_twin t;
	bool have_prefix;
	uint64_t prefix_hash;	/* this file's raw hash at t.size bytes */
};

struct dedup {
	struct store *s;
	struct dedup_twin *twins;	/* by size, smallest first */
	size_t n, cap;
	size_t next;			/* first twin whose size is not reached */
	struct hasher raw;
	uint64_t raw_total;
	struct hasher text;
	uint64_t text_total;
	bool want_text;
	int64_t *supersedes;
	size_t n_supersedes;
	char *log_name;			/* this file's logical log */
};

static int twin_add(void *ctx, const struct store_twin *t)
{
	struct dedup *d = ctx;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->twins = xrealloc(d->twins, d->cap * sizeof(*d->twins));
	}
	d->twins[d->n++] = (struct dedup_twin){ .t = *t };
	return 0;
}

static int twin_by_size(const void *a, const void *b)
{
	int64_t x = ((const struct dedup_twin *)a)->t.size;
	int64_t y = ((const struct dedup_twin *)b)->t.size;
	return x < y ? -1 : x > y;
}

struct dedup *dedup_new(struct store *s, const char *host,
			const char *log_name, const char *role,
			const char *source, int64_t size, bool check)
{
	struct dedup *d = xcalloc(1, sizeof(*d));
	d->s = s;
	d->log_name = xstrdup(log_name ? log_name : "");
	hasher_init(&d->raw);
	hasher_init(&d->text);
	if (check && store_file_twins(s, host, log_name, role, source,
				      twin_add, d) != 0) {
		dedup_free(d);
		return NULL;
	}
	if (d->n > 1)
		qsort(d->twins, d->n, sizeof(*d->twins), twin_by_size);
	/* A longer twin can only be matched on the decoded text: its raw
	 * hash at this file's length was never stored. */
	d->want_text = d->n && (size < 0 || d->twins[d->n - 1].t.size > size);
	return d;
}

void dedup_free(struct dedup *d)
{
	if (!d)
		return;
	free(d->twins);
	free(d->supersedes);
	free(d->log_name);
	free(d);
}

/* Twins whose length the raw stream has just reached get its hash. */
static void dedup_snapshot(struct dedup *d)
{
	while (d->next < d->n &&
	       (uint64_t)d->twins[d->next].t.size == d->raw_total) {
		d->twins[d->next].prefix_hash = hasher_final(&d->raw);
		d->twins[d->next].have_prefix = true;
		d->next++;
	}
}

void dedup_raw(struct dedup *d, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len) {
		size_t take = len;
		if (d->next < d->n) {
			uint64_t to = (uint64_t)d->twins[d->next].t.size -
				      d->raw_total;
			if (to < take)
				take = (size_t)to;
		}
		hasher_update(&d->raw, p, take);
		d->raw_total += take;
		p += take;
		len -= take;
		dedup_snapshot(d);
	}
}

void dedup_seed(struct dedup *d, const struct hasher *raw)
{
	d->raw = *raw;
	d->raw_total = raw->total;
}

void dedup_raw_state(const struct dedup *d, struct hasher *out)
{
	*out = d->raw;
}

bool dedup_wants_text(const struct dedup *d)
{
	return d->want_text;
}

void dedup_text(struct dedup *d, const char *text, size_t len)
{
	if (!d->want_text)
		return;
	hasher_update(&d->text, text, len);
	d->text_total += len;
}

bool dedup_alone(const struct dedup *d)
{
	return d->n == 0;
}

uint64_t dedup_content_hash(const struct dedup *d)
{
	return hasher_final(&d->raw);
}

/* Is this file (text_total decoded bytes) a prefix of the longer twin?
 * Its first 64 KiB must match the twin's head hash when it has that
 * many bytes; then its decoded text must equal the twin's text so far.
 * 1 yes, 0 no, -1 store error. */
static int prefix_of_twin(struct dedup *d, const struct dedup_twin *tw,
			  const unsigned char *head, size_t head_len)
{
	if (!d->want_text || d->text_total == 0 ||
	    d->text_total > (uint64_t)tw->t.bytes)
		return 0;
	if (d->raw_total >= STORE_HEAD_BYTES && head_len >= STORE_HEAD_BYTES &&
	    hash_bytes(head, STORE_HEAD_BYTES) != tw->t.head_hash)
		return 0;
	uint64_t h;
	int rc = store_text_prefix_hash(d->s, tw->t.id, d->text_total, &h);
	if (rc < 0)
		return -1;
	return rc == 0 && h == hasher_final(&d->text);
}

/* Of two names of the same bytes, is a the one to keep stored rather than
 * b? The log's own name (CcmNotificationAgent) before a copy's
 * (CcmNotificationAgent-copy, "CcmNotificationAgent (1)"), then the
 * shorter, then the first in byte order: whichever copy is read first,
 * coverage and evidence cite the same file. The same name (a folder and
 * its .zip) keeps the one stored. */
static bool name_preferred(const char *a, const char *b)
{
	bool ka = role_log_name_exact(a), kb = role_log_name_exact(b);
	if (ka != kb)
		return ka;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return la < lb;
	return strcasecmp(a, b) < 0;
}

int dedup_finish(struct dedup *d, const unsigned char *head, size_t head_len,
		 struct store_file_final *f)
{
	int64_t dup = 0;
	f->duplicate_of = 0;
	f->supersedes = NULL;
	f->n_supersedes = 0;
	if (d->raw_total == 0)
		return 0;
	uint64_t whole = hasher_final(&d->raw);
	for (size_t i = 0; i < d->n; i++) {
		const struct dedup_twin *tw = &d->twins[i];
		uint64_t size = (uint64_t)tw->t.size;
		bool prefix_equal = tw->have_prefix &&
				    tw->prefix_hash == tw->t.content_hash;
		int longer = 0;
		if (size == d->raw_total)
			longer = whole == tw->t.content_hash;
		else if (size > d->raw_total)
			longer = prefix_of_twin(d, tw, head, head_len);
		if (longer < 0)
			return -1;
		/* The same bytes under a better name: this one is stored. */
		bool better = longer && size == d->raw_total &&
			      name_preferred(d->log_name, tw->t.log_name);
		if (longer && !better && (!dup || tw->t.id < dup))
			dup = tw->t.id;
		if (better || (!longer && size < d->raw_total && prefix_equal)) {
			d->supersedes = xrealloc(d->supersedes,
						 (d->n_supersedes + 1) *
						 sizeof(*d->supersedes));
			d->supersedes[d->n_supersedes++] = tw->t.id;
		}
	}
	if (dup) {
		f->duplicate_of = dup;
		return 0;
	}
	f->supersedes = d->supersedes;
	f->n_supersedes = d->n_supersedes;
	return 0;
}
