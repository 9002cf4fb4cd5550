/* test_parseahead.c - the parse-ahead pool: tapes come back whole and in
 * order whatever the cap, files the caller passes over are dropped (their
 * workers stop), a file no worker took is the caller's, and dropping a
 * tape in mid-write neither hangs nor leaks, and small files wait for
 * the caller once the cap is met. The job is a fake parser
 * writing numbered records, so the pool is tested without files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/parseahead.h"

/* Records per file: file "fN" has N * RECS_PER records (N = its tag),
 * several segments of tape for most. */
#define RECS_PER 4000
#define NFILES 6

/* Which files a worker began, by tag: the caller waits for a file's
 * worker to have it before taking it, so that the tape path is the one
 * tested (a file no worker took is the caller's). */
struct fake {
	int started[NFILES + 1];
};

static void wait_started(struct fake *f, int tag)
{
	while (!__atomic_load_n(&f->started[tag], __ATOMIC_ACQUIRE))
		sched_yield();
}

static void fake_job(void *ctx, unsigned worker, const char *source, int tag,
		     struct parseahead_tape *t)
{
	struct fake *f = ctx;
	(void)worker;
	__atomic_store_n(&f->started[tag], 1, __ATOMIC_RELEASE);
	if (!strcmp(source, "fail")) {
		tape_fail(t, "boom");
		return;
	}
	tape_head(t, (uint64_t)tag);
	char text[64];
	for (int i = 0; i < tag * RECS_PER; i++) {
		int n = snprintf(text, sizeof(text), "%s record %d\n", source, i);
		struct log_record rec = { .text = text, .len = (size_t)n,
					  .line = (uint32_t)i + 1 };
		if (tape_record(t, &rec)) {
			tape_fail(t, "dropped");
			return;
		}
		if (i % 100 == 7) {
			struct event ev = { .count = i };
			tape_event(t, &ev);
		}
	}
	tape_problem(t, 3, "a problem");
	tape_bytes(t, 1000);
	struct tape_result r = { .format = FORMAT_PLAIN, .encoding = "utf-8",
				 .size = tag };
	tape_end(t, &r);
}

/* Read a tape of file "fN" to its end, checking every item's order. */
static void read_whole(struct parseahead *pa, struct parseahead_tape *t,
		       const char *source, int tag)
{
	struct tape_item it;
	char want[64];
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_HEAD);
	assert_int_equal(it.n, tag);
	for (int i = 0; i < tag * RECS_PER; i++) {
		tape_next(pa, t, &it);
		assert_int_equal(it.kind, TAPE_RECORD);
		int n = snprintf(want, sizeof(want), "%s record %d\n", source, i);
		assert_int_equal(it.rec.len, n);
		assert_memory_equal(it.rec.text, want, (size_t)n);
		assert_int_equal(it.rec.line, i + 1);
		if (i % 100 == 7) {
			tape_next(pa, t, &it);
			assert_int_equal(it.kind, TAPE_EVENT);
			assert_int_equal(it.ev.count, i);
		}
	}
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_PROBLEM);
	assert_int_equal(it.line, 3);
	assert_string_equal(it.what, "a problem");
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_BYTES);
	assert_int_equal(it.n, 1000);
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_END);
	assert_int_equal(it.result.size, tag);
	assert_string_equal(it.result.encoding, "utf-8");
}

static const char *const names[] = { "f1", "f2", "f3", "f4", "f5", "f6" };

static struct parseahead *planned(unsigned workers, size_t cap, struct fake *f)
{
	memset(f, 0, sizeof(*f));
	struct parseahead *pa = parseahead_new(workers, cap, fake_job, f);
	for (int k = 0; k < NFILES; k++)
		parseahead_add(pa, names[k], k + 1);
	parseahead_start(pa);
	return pa;
}

/* Every file in order, with caps from none at all to plenty: the tapes
 * are whole. */
static void test_every_file_in_order(void **state)
{
	(void)state;
	static const size_t caps[] = { 0, 1, 64 << 10, 64 << 20 };
	struct fake f;
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		for (unsigned workers = 1; workers <= 3; workers++) {
			struct parseahead *pa = planned(workers, caps[c], &f);
			for (int k = 0; k < NFILES; k++) {
				wait_started(&f, k + 1);
				struct parseahead_tape *t =
					parseahead_take(pa, names[k]);
				assert_non_null(t);
				read_whole(pa, t, names[k], k + 1);
				parseahead_release(pa, t);
			}
			parseahead_free(pa);
		}
	}
}

/* Files passed over, a tape let go of half read, and the rest never
 * reached: all dropped, the workers stop, nothing hangs. */
static void test_passed_over_and_dropped(void **state)
{
	(void)state;
	struct fake f;
	struct parseahead *pa = planned(2, 1, &f);
	wait_started(&f, 3);
	struct parseahead_tape *t = parseahead_take(pa, "f3");
	assert_non_null(t);
	struct tape_item it;
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_HEAD);
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_RECORD);
	parseahead_release(pa, t);
	assert_null(parseahead_take(pa, "not planned"));
	wait_started(&f, 5);
	t = parseahead_take(pa, "f5");
	assert_non_null(t);
	read_whole(pa, t, "f5", 5);
	parseahead_release(pa, t);
	parseahead_free(pa);
}

/* No workers: every file is the caller's. */
static void test_no_workers(void **state)
{
	(void)state;
	struct fake f;
	struct parseahead *pa = planned(0, 1, &f);
	for (int k = 0; k < NFILES; k++)
		assert_null(parseahead_take(pa, names[k]));
	parseahead_free(pa);
}

/* A worker that fails says why, and goes on with the next file. */
static void test_failed_file(void **state)
{
	(void)state;
	struct fake f = { { 0 } };
	struct parseahead *pa = parseahead_new(1, 1, fake_job, &f);
	parseahead_add(pa, "fail", 0);
	parseahead_add(pa, "f1", 1);
	parseahead_start(pa);
	wait_started(&f, 0);
	struct parseahead_tape *t = parseahead_take(pa, "fail");
	assert_non_null(t);
	struct tape_item it;
	tape_next(pa, t, &it);
	assert_int_equal(it.kind, TAPE_FAIL);
	assert_string_equal(it.what, "boom");
	parseahead_release(pa, t);
	wait_started(&f, 1);
	t = parseahead_take(pa, "f1");
	assert_non_null(t);
	read_whole(pa, t, "f1", 1);
	parseahead_release(pa, t);
	parseahead_free(pa);
}

/* Small files, one record each, under a cap of 1 byte: a worker's
 * tape may be written whole only once the caller has reached its file
 * (or for the caller's next file), whatever the pool runs ahead of. Each
 * job checks, when its tape_end returns, that the caller released every
 * file before its own: a tape published past the cap would be written
 * while the caller still holds an earlier file. */
#define NSMALL 24

struct small {
	int reached;		/* files the caller has released */
	int early;		/* tapes written whole before their turn */
	int started;
};

static void small_job(void *ctx, unsigned worker, const char *source, int tag,
		      struct parseahead_tape *t)
{
	struct small *sm = ctx;
	(void)worker;
	__atomic_add_fetch(&sm->started, 1, __ATOMIC_ACQ_REL);
	tape_head(t, (uint64_t)tag);
	struct log_record rec = { .text = source, .len = strlen(source),
				  .line = 1 };
	if (tape_record(t, &rec)) {
		tape_fail(t, "dropped");
		return;
	}
	struct tape_result r = { .format = FORMAT_PLAIN, .encoding = "utf-8" };
	tape_end(t, &r);
	if (tag > __atomic_load_n(&sm->reached, __ATOMIC_ACQUIRE))
		__atomic_add_fetch(&sm->early, 1, __ATOMIC_ACQ_REL);
}

static void test_small_files_wait_for_the_cap(void **state)
{
	(void)state;
	struct small sm = { 0, 0, 0 };
	char names_small[NSMALL][24];	/* "small" and any int: -O1 checks */
	struct parseahead *pa = parseahead_new(3, 1, small_job, &sm);
	for (int k = 0; k < NSMALL; k++) {
		snprintf(names_small[k], sizeof(names_small[k]), "small%d", k);
		parseahead_add(pa, names_small[k], k);
	}
	parseahead_start(pa);
	for (int k = 0; k < NSMALL; k++) {
		while (__atomic_load_n(&sm.started, __ATOMIC_ACQUIRE) <= k)
			sched_yield();
		struct parseahead_tape *t = parseahead_take(pa, names_small[k]);
		assert_non_null(t);
		struct tape_item it;
		tape_next(pa, t, &it);
		assert_int_equal(it.kind, TAPE_HEAD);
		assert_int_equal(it.n, k);
		tape_next(pa, t, &it);
		assert_int_equal(it.kind, TAPE_RECORD);
		assert_memory_equal(it.rec.text, names_small[k], it.rec.len);
		tape_next(pa, t, &it);
		assert_int_equal(it.kind, TAPE_END);
		__atomic_store_n(&sm.reached, k + 1, __ATOMIC_RELEASE);
		parseahead_release(pa, t);
	}
	parseahead_free(pa);
	assert_int_equal(sm.early, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_file_in_order),
		cmocka_unit_test(test_passed_over_and_dropped),
		cmocka_unit_test(test_no_workers),
		cmocka_unit_test(test_failed_file),
		cmocka_unit_test(test_small_files_wait_for_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
