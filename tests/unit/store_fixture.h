/* store_fixture.h - what the store's test files share: a temporary folder
 * for file-backed stores and cmocka setup/teardown of an in-memory store.
 * Include after <cmocka.h> and db/store.h. */
#ifndef TATRACE_STORE_FIXTURE_H
#define TATRACE_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tmpdir {
	char dir[64];
	char path[128];	/* dir/store.db */
};

static inline void tmp_make(struct tmpdir *t)
{
	strcpy(t->dir, "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/store.db", t->dir);
}

static inline void tmp_remove(struct tmpdir *t)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

static inline int setup_memory(void **state)
{
	char err[256];
	struct store *s = store_open(":memory:", STORE_WRITE, NULL, err,
				     sizeof(err));
	if (!s)
		return -1;
	*state = s;
	return 0;
}

static inline int teardown_store(void **state)
{
	store_close(*state);
	return 0;
}

#endif
