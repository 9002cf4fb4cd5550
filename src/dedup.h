/* dedup.h - the same evidence twice: telling, while a file streams past,
 * whether the store already holds its content for the same host and log.
 *
 * Admins send the same logs more than once (a folder and its .zip, a copy
 * collected earlier and one collected after the log grew). Stored twice,
 * every trace would see two clients where there was one. While a file is
 * read, dedup hashes its raw bytes (the hash the store keeps for change
 * detection, plus the hash at each stored twin's length) and, when a twin
 * is longer, its decoded text. At the end it names what to do:
 *
 *   - equal to a stored file, or a prefix of one (collected earlier):
 *     the file is a duplicate of it and keeps no records;
 *   - a stored file is a prefix of it (that one collected earlier, this
 *     one after the log grew): this file is stored whole and supersedes
 *     it, so the longer copy is the one that counts and nothing doubles;
 *   - equal to a stored file under a worse name (the stored one is
 *     CcmNotificationAgent-copy, this one the log's own name): this file
 *     is stored and supersedes it, so whichever copy is read first,
 *     coverage and evidence cite the real log.
 *
 * Empty files are never duplicates: an empty file is a prefix of any. */
#ifndef TATRACE_DEDUP_H
#define TATRACE_DEDUP_H

#include <stddef.h>
#include <stdint.h>
#include "../db/store.h"
#include "../lib/util.h"

struct dedup;

/* Look up the twins of a file about to be read (host, logical log, role
 * -- NULL: match by log name only --, its source key; size -1 when
 * unknown). check false: only hash (re-reading a grown file of its own).
 * NULL on a store error (store_error says). */
struct dedup *dedup_new(struct store *s, const char *host,
			const char *log_name, const char *role,
			const char *source, int64_t size, bool check);
void dedup_free(struct dedup *d);

/* Every raw byte of the file, in order, from byte 0 (or, after
 * dedup_seed, from the byte the seed's state ends at). */
void dedup_raw(struct dedup *d, const void *data, size_t len);
/* A grown file read from its old end: start from the raw hasher's state
 * stored after its old bytes, instead of hashing them again. Only on a
 * dedup made with check false, before any dedup_raw. */
void dedup_seed(struct dedup *d, const struct hasher *raw);
/* The raw hasher's state after every byte fed (for store_file_final's
 * resume_state). */
void dedup_raw_state(const struct dedup *d, struct hasher *out);
/* Every decoded byte of the file, in order (BOM dropped). */
void dedup_text(struct dedup *d, const char *text, size_t len);
/* True when decoded text is wanted (a twin is longer, or the size is
 * unknown): callers may skip dedup_text otherwise. */
bool dedup_wants_text(const struct dedup *d);

/* True when the store holds no twin to compare with: only the content
 * hash is wanted, and a hasher run elsewhere over every raw byte may be
 * handed in with dedup_seed instead of the bytes. */
bool dedup_alone(const struct dedup *d);

/* The hash of all raw bytes fed (store_file_final.content_hash). */
uint64_t dedup_content_hash(const struct dedup *d);

/* Decide, once the whole file was fed: fills f->duplicate_of and
 * f->supersedes/n_supersedes (owned by d: valid until dedup_free).
 * head: the file's first head_len raw bytes. 0, or -1 on a store error. */
int dedup_finish(struct dedup *d, const unsigned char *head, size_t head_len,
		 struct store_file_final *f);

#endif
