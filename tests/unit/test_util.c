/* test_util.c - the shared helpers: the streaming hash must not depend on
 * how the bytes are chunked; buffers grow and shrink correctly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/util.h"

static void test_hash_independent_of_chunking(void **state)
{
	(void)state;
	unsigned char data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof(data); len += 7) {
		uint64_t whole = hash_bytes(data, len);
		for (size_t step = 1; step <= 17; step++) {
			struct hasher h;
			hasher_init(&h);
			for (size_t at = 0; at < len; at += step) {
				size_t n = len - at < step ? len - at : step;
				hasher_update(&h, data + at, n);
				hasher_update(&h, data + at, 0);
			}
			assert_int_equal(hasher_final(&h), whole);
		}
	}
}

static void test_hash_tells_content_apart(void **state)
{
	(void)state;
	assert_int_not_equal(hash_bytes("abc", 3), hash_bytes("abd", 3));
	assert_int_not_equal(hash_bytes("abc", 3), hash_bytes("abc\0", 4));
	assert_int_not_equal(hash_bytes("", 0), hash_bytes("\0", 1));
}

static void test_buf_printf_grows(void **state)
{
	(void)state;
	struct buf b = {0};
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "%d-", 42);
	buf_printf(&b, "%s", big);
	assert_int_equal(b.len, 3 + 999);
	assert_memory_equal(b.data, "42-xxx", 6);
	assert_int_equal(b.data[b.len], '\0');
	buf_consume(&b, 3);
	assert_int_equal(b.len, 999);
	assert_int_equal(b.data[0], 'x');
	buf_consume(&b, 5000);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_independent_of_chunking),
		cmocka_unit_test(test_hash_tells_content_apart),
		cmocka_unit_test(test_buf_printf_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
