/* test_maps.c - the two hash maps of the trace builder: values survive
 * growth, keys are told apart exactly, overwrites replace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "../../lib/tuplemap.h"
#include "../../lib/strmap.h"

static void test_tuplemap_survives_growth(void **state)
{
	(void)state;
	struct tuplemap *m = tuplemap_new();
	for (uint64_t i = 0; i < 100000; i++)
		tuplemap_put(m, i, i * 7, UINT64_MAX - i, (int64_t)i * 3);
	for (uint64_t i = 0; i < 100000; i++) {
		int64_t v;
		assert_true(tuplemap_get(m, i, i * 7, UINT64_MAX - i, &v));
		assert_int_equal(v, (int64_t)i * 3);
	}
	int64_t v;
	assert_false(tuplemap_get(m, 5, 35, 0, &v));	/* one part differs */
	assert_false(tuplemap_get(m, 100000, 700000, UINT64_MAX - 100000, &v));
	tuplemap_free(m);
}

static void test_tuplemap_overwrite_and_parts(void **state)
{
	(void)state;
	struct tuplemap *m = tuplemap_new();
	int64_t v;
	tuplemap_put(m, 1, 2, 3, 10);
	tuplemap_put(m, 1, 2, 3, -1);
	assert_true(tuplemap_get(m, 1, 2, 3, &v));
	assert_int_equal(v, -1);
	tuplemap_put(m, 2, 1, 3, 20);	/* same numbers, other order */
	assert_true(tuplemap_get(m, 2, 1, 3, &v));
	assert_int_equal(v, 20);
	assert_true(tuplemap_get(m, 1, 2, 3, &v));
	assert_int_equal(v, -1);
	tuplemap_free(m);
}

static void test_strmap(void **state)
{
	(void)state;
	struct strmap *m = strmap_new();
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "GUID-%d", i);
		strmap_put(m, key, i);
	}
	assert_int_equal(strmap_count(m), 5000);
	int64_t v;
	assert_true(strmap_get(m, "GUID-4999", &v));
	assert_int_equal(v, 4999);
	assert_false(strmap_get(m, "GUID-5000", &v));
	assert_false(strmap_get(m, "guid-1", &v));	/* exact, case matters */
	strmap_put(m, "GUID-1", 77);
	assert_true(strmap_get(m, "GUID-1", &v));
	assert_int_equal(v, 77);
	assert_int_equal(strmap_count(m), 5000);
	strmap_free(m);
}

/* Entries come and go as traces are written and forgotten: after any
 * mix of deletes, every key left is still found (the probe chains that
 * ran through a deleted slot were shifted back) and no deleted one is. */
static void test_tuplemap_delete_keeps_chains(void **state)
{
	(void)state;
	struct tuplemap *m = tuplemap_new();
	int64_t v;
	for (uint64_t round = 0; round < 4; round++) {
		for (uint64_t i = 0; i < 3000; i++)
			tuplemap_put(m, i, round, 0, (int64_t)i);
		for (uint64_t i = 0; i < 3000; i++)
			if (i % 3 != 1)
				assert_true(tuplemap_del(m, i, round, 0));
		assert_false(tuplemap_del(m, 0, round, 0));	/* gone already */
		for (uint64_t i = 0; i < 3000; i++) {
			bool kept = i % 3 == 1;
			assert_int_equal(tuplemap_get(m, i, round, 0, &v), kept);
			if (kept)
				assert_int_equal(v, (int64_t)i);
		}
	}
	for (uint64_t round = 0; round < 4; round++)
		for (uint64_t i = 1; i < 3000; i += 3)
			assert_true(tuplemap_del(m, i, round, 0));
	assert_false(tuplemap_get(m, 1, 0, 0, &v));
	tuplemap_free(m);
}

static void test_strmap_delete_keeps_chains(void **state)
{
	(void)state;
	struct strmap *m = strmap_new();
	char key[32];
	int64_t v;
	for (int i = 0; i < 4000; i++) {
		snprintf(key, sizeof(key), "G%d", i);
		strmap_put(m, key, i);
	}
	for (int i = 0; i < 4000; i += 2) {
		snprintf(key, sizeof(key), "G%d", i);
		assert_true(strmap_del(m, key));
	}
	assert_false(strmap_del(m, "G0"));
	assert_int_equal(strmap_count(m), 2000);
	for (int i = 0; i < 4000; i++) {
		snprintf(key, sizeof(key), "G%d", i);
		assert_int_equal(strmap_get(m, key, &v), i % 2 == 1);
		if (i % 2)
			assert_int_equal(v, i);
	}
	strmap_put(m, "G0", 5);	/* a deleted key can come back */
	assert_true(strmap_get(m, "G0", &v));
	assert_int_equal(v, 5);
	strmap_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuplemap_survives_growth),
		cmocka_unit_test(test_tuplemap_overwrite_and_parts),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_tuplemap_delete_keeps_chains),
		cmocka_unit_test(test_strmap_delete_keeps_chains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
