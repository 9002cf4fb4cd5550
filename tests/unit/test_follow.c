/* test_follow.c - the watcher's logic: what the difference of two
 * snapshots calls a change, a rename (rotation), a new file or a deleted
 * one, and the store's re-keying of a renamed file (retiring the file
 * whose name it takes, records kept). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../../db/store.h"
#include "../../src/bundle.h"
#include "../../src/follow.h"
#include "../../src/ingest.h"
#include "store_fixture.h"

static struct fsnap_stat st(uint64_t ino, int64_t size, int64_t mtime)
{
	return (struct fsnap_stat){ .dev = 1, .ino = ino, .size = size,
				    .mtime_ns = mtime, .ctime_ns = mtime };
}

static void add(struct fsnap *s, const char *path, uint64_t ino, int64_t size,
		int64_t mtime)
{
	struct fsnap_stat x = st(ino, size, mtime);
	fsnap_add(s, path, &x);
}

static const struct follow_change *find(const struct follow_change *ch,
					size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ch[i].path, path))
			return &ch[i];
	return NULL;
}

static void test_unchanged_is_nothing(void **state)
{
	(void)state;
	struct fsnap *a = fsnap_new(), *b = fsnap_new();
	add(a, "/b/x.log", 1, 100, 5);
	add(a, "/b/y.log", 2, 10, 5);
	add(b, "/b/y.log", 2, 10, 5);	/* another order: sorted inside */
	add(b, "/b/x.log", 1, 100, 5);
	struct follow_change *ch;
	assert_int_equal(follow_diff(a, b, &ch), 0);
	free(ch);
	fsnap_free(a);
	fsnap_free(b);
}

static void test_grown_new_deleted(void **state)
{
	(void)state;
	struct fsnap *a = fsnap_new(), *b = fsnap_new();
	add(a, "/b/grows.log", 1, 100, 5);
	add(a, "/b/gone.lo_", 2, 50, 5);
	add(a, "/b/touched.log", 3, 50, 5);
	add(b, "/b/grows.log", 1, 180, 6);
	add(b, "/b/touched.log", 3, 50, 7);	/* same size, new mtime */
	add(b, "/b/H2/new.log", 4, 10, 7);
	struct follow_change *ch;
	size_t n = follow_diff(a, b, &ch);
	assert_int_equal(n, 4);
	assert_int_equal(find(ch, n, "/b/grows.log")->kind, CHANGE_MODIFIED);
	assert_int_equal(find(ch, n, "/b/touched.log")->kind, CHANGE_MODIFIED);
	assert_int_equal(find(ch, n, "/b/H2/new.log")->kind, CHANGE_NEW);
	assert_int_equal(find(ch, n, "/b/gone.lo_")->kind, CHANGE_DELETED);
	free(ch);
	fsnap_free(a);
	fsnap_free(b);
}

/* ConfigMgr's rotation: X.lo_ deleted, X.log renamed X.lo_, a new X.log
 * -- which may even get the deleted X.lo_'s inode back. */
static void test_rotation_is_a_rename(void **state)
{
	(void)state;
	for (int reuse = 0; reuse < 2; reuse++) {
		struct fsnap *a = fsnap_new(), *b = fsnap_new();
		add(a, "/b/X.lo_", 7, 5000, 1);
		add(a, "/b/X.log", 8, 4000, 2);
		add(b, "/b/X.lo_", 8, 4000, 2);
		add(b, "/b/X.log", reuse ? 7 : 9, 120, 3);
		struct follow_change *ch;
		size_t n = follow_diff(a, b, &ch);
		assert_int_equal(n, 2);
		const struct follow_change *lo = find(ch, n, "/b/X.lo_");
		assert_int_equal(lo->kind, CHANGE_RENAMED);
		assert_string_equal(lo->from, "/b/X.log");
		assert_false(lo->grown);
		/* smaller than the inode's old file: a new file, not a rename */
		assert_int_equal(find(ch, n, "/b/X.log")->kind, CHANGE_MODIFIED);
		free(ch);
		fsnap_free(a);
		fsnap_free(b);
	}
}

/* The deleted X.lo_'s inode reused by a new X.log of the same size: the
 * new write's mtime tells it from a rename. */
static void test_reused_inode_same_size(void **state)
{
	(void)state;
	struct fsnap *a = fsnap_new(), *b = fsnap_new();
	add(a, "/b/X.lo_", 7, 100, 1);
	add(a, "/b/X.log", 8, 100, 2);
	add(b, "/b/X.lo_", 8, 100, 2);
	add(b, "/b/X.log", 7, 100, 3);
	struct follow_change *ch;
	size_t n = follow_diff(a, b, &ch);
	assert_int_equal(n, 2);
	assert_int_equal(find(ch, n, "/b/X.lo_")->kind, CHANGE_RENAMED);
	assert_int_equal(find(ch, n, "/b/X.log")->kind, CHANGE_MODIFIED);
	free(ch);
	fsnap_free(a);
	fsnap_free(b);
}

/* Renamed and written to before the look: the new name is read too;
 * the old name, now gone, is no deletion. */
static void test_rename_then_grown(void **state)
{
	(void)state;
	struct fsnap *a = fsnap_new(), *b = fsnap_new();
	add(a, "/b/X.log", 8, 4000, 2);
	add(b, "/b/X.lo_", 8, 4100, 3);
	struct follow_change *ch;
	size_t n = follow_diff(a, b, &ch);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].kind, CHANGE_RENAMED);
	assert_true(ch[0].grown);
	free(ch);
	fsnap_free(a);
	fsnap_free(b);
}

/* A truncated file under a new inode at the same path is a replacement. */
static void test_replaced_in_place(void **state)
{
	(void)state;
	struct fsnap *a = fsnap_new(), *b = fsnap_new();
	add(a, "/b/X.log", 8, 4000, 2);
	add(b, "/b/X.log", 8, 10, 3);
	struct follow_change *ch;
	size_t n = follow_diff(a, b, &ch);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].kind, CHANGE_MODIFIED);
	free(ch);
	fsnap_free(a);
	fsnap_free(b);
}

/* ---- store_file_rename ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void ingest_path(struct store *s, const char *path)
{
	struct ingest_options o = { .errors = stderr };
	struct ingest_summary sum;
	char *paths[] = { (char *)path };
	assert_int_equal(ingest_run(s, paths, 1, &o, &sum), 0);
}

static int count_files(void *ctx, const struct store_file *f)
{
	int64_t *records = ctx;
	records[0]++;
	records[1] += f->records;
	return 0;
}

static void test_store_rename(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256], dir[160], xlog[200], xlo[200];
	tmp_make(&t);
	snprintf(dir, sizeof(dir), "%s/H1", t.dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(xlog, sizeof(xlog), "%s/X.log", dir);
	snprintf(xlo, sizeof(xlo), "%s/X.lo_", dir);
	write_file(xlo, "oldest one\noldest two\n");
	write_file(xlog, "a\nb\nc\n");
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err, sizeof(err));
	assert_non_null(s);
	ingest_path(s, dir);

	/* rotation: X.lo_ deleted, X.log -> X.lo_ */
	struct store_file_meta to = { .source = xlo, .path = "H1/X.lo_",
		.name = "X.lo_", .log_name = "X", .rotation = ROTATION_RANK_LO_ };
	assert_int_equal(rename(xlog, xlo), 0);
	assert_int_equal(store_file_rename(s, xlog, &to), 0);
	struct store_prior p;
	assert_int_equal(store_file_prior(s, xlog, &p), 0);
	assert_false(p.known);
	assert_int_equal(store_file_prior(s, xlo, &p), 0);
	assert_true(p.known);
	assert_int_equal(p.size, 6);	/* X.log's */
	int64_t n[2] = { 0, 0 };
	assert_int_equal(store_files(s, count_files, n), 0);
	assert_int_equal(n[0], 2);	/* the old X.lo_ retired, kept */
	assert_int_equal(n[1], 5);

	/* the renamed file is found unchanged: nothing read again */
	struct ingest_options o = { .errors = stderr };
	struct ingest_summary sum;
	char *paths[] = { dir };
	assert_int_equal(ingest_run(s, paths, 1, &o, &sum), 0);
	assert_int_equal(sum.files_unchanged, 1);
	assert_int_equal(sum.records, 0);

	/* unknown source: 1, nothing changed */
	assert_int_equal(store_file_rename(s, "/nowhere/x.log", &to), 1);
	store_close(s);
	tmp_remove(&t);
}

static void test_wal_and_back(void **state)
{
	(void)state;
	struct tmpdir t;
	char err[256];
	tmp_make(&t);
	struct store *s = store_open(t.path, STORE_WRITE, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_set_wal(s, true), 0);
	struct store *r = store_open(t.path, STORE_READ, NULL, err, sizeof(err));
	assert_non_null(r);
	/* a reader holds the store: it stays WAL, and says so */
	assert_int_equal(store_set_wal(s, false), -1);
	store_close(r);
	assert_int_equal(store_set_wal(s, false), 0);
	store_close(s);
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_is_nothing),
		cmocka_unit_test(test_grown_new_deleted),
		cmocka_unit_test(test_rotation_is_a_rename),
		cmocka_unit_test(test_reused_inode_same_size),
		cmocka_unit_test(test_rename_then_grown),
		cmocka_unit_test(test_replaced_in_place),
		cmocka_unit_test(test_store_rename),
		cmocka_unit_test(test_wal_and_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
