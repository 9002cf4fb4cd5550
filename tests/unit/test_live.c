/* test_live.c - db/live.c: a reader notices other connections' commits
 * (store_changed), a snapshot reads one commit and holds a writer off in
 * rollback-journal mode, and a writer's lock makes the reader say busy
 * instead of waiting. The "other connection" is a raw SQLite one on the
 * same file, as another tatrace process would be. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "../../db/store.h"
#include "store_fixture.h"

struct live {
	struct tmpdir tmp;
	struct store *reader;
	sqlite3 *writer;
};

static int setup(void **state)
{
	struct live *l = calloc(1, sizeof(*l));
	char err[256];
	tmp_make(&l->tmp);
	struct store *w = store_open(l->tmp.path, STORE_WRITE, NULL, err, sizeof(err));
	assert_non_null(w);
	store_close(w);
	l->reader = store_open(l->tmp.path, STORE_READ, NULL, err, sizeof(err));
	assert_non_null(l->reader);
	store_set_busy_ms(l->reader, 0);
	assert_int_equal(sqlite3_open(l->tmp.path, &l->writer), SQLITE_OK);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct live *l = *state;
	store_close(l->reader);
	sqlite3_close(l->writer);
	tmp_remove(&l->tmp);
	free(l);
	return 0;
}

static int commit_one(struct live *l, int n)
{
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", n);
	return sqlite3_exec(l->writer, sql, NULL, NULL, NULL);
}

static void test_changed_after_commit(void **state)
{
	struct live *l = *state;
	assert_false(store_changed(l->reader));	/* the baseline */
	assert_false(store_changed(l->reader));	/* nothing happened */
	assert_int_equal(commit_one(l, 1), SQLITE_OK);
	assert_true(store_changed(l->reader));
	assert_false(store_changed(l->reader));	/* reported once */
	assert_int_equal(commit_one(l, 2), SQLITE_OK);
	assert_int_equal(commit_one(l, 3), SQLITE_OK);
	assert_true(store_changed(l->reader));	/* two commits, one change */
}

static void test_snapshot_takes_the_version(void **state)
{
	struct live *l = *state;
	assert_false(store_changed(l->reader));
	assert_int_equal(commit_one(l, 1), SQLITE_OK);
	assert_int_equal(store_snapshot_begin(l->reader), 0);
	store_snapshot_end(l->reader);
	/* The snapshot read that commit: the poll does not report it again. */
	assert_false(store_changed(l->reader));
}

static void test_snapshot_holds_a_writer_off(void **state)
{
	struct live *l = *state;
	assert_int_equal(store_snapshot_begin(l->reader), 0);
	sqlite3_busy_timeout(l->writer, 0);
	/* Rollback journal: the commit waits for the reader's lock. */
	assert_int_equal(commit_one(l, 1), SQLITE_BUSY);
	store_snapshot_end(l->reader);
	assert_int_equal(commit_one(l, 2), SQLITE_OK);
	assert_true(store_changed(l->reader));
}

/* A scan read in slices holds one snapshot; a refresh inside it joins
 * it, and its end does not close the scan's. */
static void test_snapshots_nest(void **state)
{
	struct live *l = *state;
	assert_false(store_changed(l->reader));
	assert_int_equal(store_snapshot_begin(l->reader), 0);	/* the scan's */
	assert_int_equal(store_snapshot_begin(l->reader), 0);	/* a refresh */
	store_snapshot_end(l->reader);
	sqlite3_busy_timeout(l->writer, 0);
	assert_int_equal(commit_one(l, 1), SQLITE_BUSY);	/* still held */
	assert_false(store_changed(l->reader));
	store_snapshot_end(l->reader);			/* the scan's end */
	assert_int_equal(commit_one(l, 2), SQLITE_OK);
	assert_true(store_changed(l->reader));
	store_snapshot_end(l->reader);			/* one too many: nothing */
	assert_int_equal(commit_one(l, 3), SQLITE_OK);
}

/* In WAL mode a held snapshot keeps reading its commit while the writer
 * commits on: every slice of a scan counts the same traces. */
static void test_wal_snapshot_reads_one_commit(void **state)
{
	struct live *l = *state;
	assert_int_equal(sqlite3_exec(l->writer, "PRAGMA journal_mode=WAL;"
				      "CREATE TABLE t(x); INSERT INTO t VALUES (1)",
				      NULL, NULL, NULL), SQLITE_OK);
	store_changed(l->reader);
	assert_int_equal(store_snapshot_begin(l->reader), 0);
	assert_int_equal(sqlite3_exec(l->writer, "INSERT INTO t VALUES (2)", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_false(store_changed(l->reader));	/* not while it is held */
	store_snapshot_end(l->reader);
	assert_true(store_changed(l->reader));
}

static void test_busy_is_said_not_waited(void **state)
{
	struct live *l = *state;
	assert_false(store_changed(l->reader));
	assert_int_equal(sqlite3_exec(l->writer, "BEGIN EXCLUSIVE; PRAGMA user_version = 9",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_false(store_changed(l->reader));	/* cannot tell yet */
	assert_int_equal(store_snapshot_begin(l->reader), -1);
	assert_true(store_busy(l->reader));
	assert_int_equal(sqlite3_exec(l->writer, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_true(store_changed(l->reader));	/* seen once the lock is gone */
	assert_int_equal(store_snapshot_begin(l->reader), 0);
	assert_false(store_busy(l->reader));
	store_snapshot_end(l->reader);
}

static void test_wal_reader_and_writer_both_go(void **state)
{
	struct live *l = *state;
	assert_int_equal(sqlite3_exec(l->writer, "PRAGMA journal_mode=WAL", NULL, NULL, NULL),
			 SQLITE_OK);
	store_changed(l->reader);	/* the baseline, after the switch */
	assert_false(store_changed(l->reader));
	assert_int_equal(store_snapshot_begin(l->reader), 0);
	sqlite3_busy_timeout(l->writer, 0);
	assert_int_equal(commit_one(l, 5), SQLITE_OK);	/* WAL: no wait */
	store_snapshot_end(l->reader);
	assert_true(store_changed(l->reader));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changed_after_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_takes_the_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_holds_a_writer_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshots_nest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_snapshot_reads_one_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_is_said_not_waited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_reader_and_writer_both_go, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
