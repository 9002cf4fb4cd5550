/* test_util.c - the shared helpers: the streaming hash must not depend on
 * how the bytes are chunked; buffers grow and shrink correctly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* A hasher saved at any split point and loaded again goes on to the
 * same hash as one that saw every byte; a bad blob is refused. */
static void test_hasher_save_load(void **state)
{
	(void)state;
	const char *data = "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t len = strlen(data);
	uint64_t whole = hash_bytes(data, len);
	for (size_t cut = 0; cut <= len; cut++) {
		struct hasher a, b;
		unsigned char blob[HASHER_BLOB_BYTES];
		hasher_init(&a);
		hasher_update(&a, data, cut);
		hasher_save(&a, blob);
		memset(&b, 0xAA, sizeof(b));
		assert_true(hasher_load(&b, blob, sizeof(blob)));
		hasher_update(&b, data + cut, len - cut);
		assert_int_equal(hasher_final(&b), whole);
	}
	struct hasher h;
	unsigned char blob[HASHER_BLOB_BYTES] = {0};
	assert_false(hasher_load(&h, blob, sizeof(blob) - 1));
	assert_false(hasher_load(&h, NULL, 0));
	blob[24] = 8;
	assert_false(hasher_load(&h, blob, sizeof(blob)));
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

static int hook_fd = -1;

static void hook_writes(void)
{
	if (write(hook_fd, "H", 1) != 1)
		_exit(9);
}

/* die(): the hook first (the terminal restored before the message),
 * then "tatrace: MESSAGE" and status 2. */
static void test_die_runs_the_hook(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		hook_fd = fds[1];
		dup2(fds[1], STDERR_FILENO);
		die_atexit_hook(hook_writes);
		die("out of %s", "luck");
	}
	close(fds[1]);
	char got[64] = "";
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(got) - 1 &&
	       (r = read(fds[0], got + n, sizeof(got) - 1 - n)) > 0)
		n += (size_t)r;
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_string_equal(got, "Htatrace: out of luck\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_independent_of_chunking),
		cmocka_unit_test(test_die_runs_the_hook),
		cmocka_unit_test(test_hash_tells_content_apart),
		cmocka_unit_test(test_hasher_save_load),
		cmocka_unit_test(test_buf_printf_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
