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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuplemap_survives_growth),
		cmocka_unit_test(test_tuplemap_overwrite_and_parts),
		cmocka_unit_test(test_strmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
