/* test_eventpack.c - an event's join fields packed for the time index:
 * what goes in comes out (absent numbers, negative and extreme ones,
 * texts at their longest), and a blob that was cut, padded or edited is
 * refused, never read past (run under ASan: make check-asan). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../db/eventpack.h"

static struct event sample(void)
{
	struct event ev = {
		.lane = LANE_SERVER, .kind = EV_PUSH_STARTED,
		.push_id = 16777270, .task_id = 33, .task_type = EVENT_NONE,
		.count = 1, .failed = EVENT_NONE, .return_code = -2147024894,
		.http_status = EVENT_NONE, .stamp_us = INT64_MAX,
	};
	strcpy(ev.guid, "7F1C7F2B-4D2E-4AF0-9A64-2E8A1B6C0D11");
	strcpy(ev.name, "RequestMachinePolicy");
	strcpy(ev.tenant, "not packed");
	return ev;
}

static void assert_same_join(const struct event *a, const struct event *b)
{
	assert_int_equal(a->lane, b->lane);
	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->guid, b->guid);
	assert_string_equal(a->name, b->name);
	assert_true(a->push_id == b->push_id && a->task_id == b->task_id &&
		    a->task_type == b->task_type && a->count == b->count &&
		    a->failed == b->failed && a->return_code == b->return_code &&
		    a->http_status == b->http_status &&
		    a->stamp_us == b->stamp_us);
}

static void test_round_trips(void **state)
{
	(void)state;
	unsigned char blob[EVENTPACK_MAX];
	struct event in = sample(), out;
	memset(&out, 0x5a, sizeof(out));
	size_t n = eventpack_encode(blob, 4242, &in);
	int32_t thread = 0;
	assert_int_equal(eventpack_decode(blob, n, &thread, &out), 0);
	assert_int_equal(thread, 4242);
	assert_same_join(&in, &out);
	assert_string_equal(out.tenant, "");	/* only the join fields */
	assert_string_equal(out.detail, "");

	/* Nothing present but lane and kind; no thread. */
	struct event bare = {.lane = LANE_AGENT, .kind = EV_TASK_RECEIVED,
		.push_id = EVENT_NONE, .task_id = EVENT_NONE,
		.task_type = EVENT_NONE, .count = EVENT_NONE,
		.failed = EVENT_NONE, .return_code = EVENT_NONE,
		.http_status = EVENT_NONE, .stamp_us = EVENT_NONE};
	n = eventpack_encode(blob, -1, &bare);
	assert_int_equal(n, 5);
	assert_int_equal(eventpack_decode(blob, n, &thread, &out), 0);
	assert_int_equal(thread, -1);
	assert_same_join(&bare, &out);

	/* Extremes: INT64_MIN + 1 (EVENT_NONE is INT64_MIN), zero, texts
	 * filling their fields. */
	in.push_id = INT64_MIN + 1;
	in.task_id = 0;
	in.count = -1;
	memset(in.guid, 'G', sizeof(in.guid) - 1);
	memset(in.name, 'N', sizeof(in.name) - 1);
	n = eventpack_encode(blob, INT32_MAX, &in);
	assert_true(n <= EVENTPACK_MAX);
	assert_int_equal(eventpack_decode(blob, n, &thread, &out), 0);
	assert_int_equal(thread, INT32_MAX);
	assert_same_join(&in, &out);
}

static void test_damage_refused(void **state)
{
	(void)state;
	unsigned char blob[EVENTPACK_MAX + 1];
	struct event in = sample(), out;
	int32_t thread;
	size_t n = eventpack_encode(blob, 7, &in);
	assert_int_equal(eventpack_decode(NULL, 0, &thread, &out), -1);
	for (size_t cut = 0; cut < n; cut++)	/* every truncation */
		assert_int_equal(eventpack_decode(blob, cut, &thread, &out), -1);
	blob[n] = 0;				/* a byte too many */
	assert_int_equal(eventpack_decode(blob, n + 1, &thread, &out), -1);

	unsigned char bad[EVENTPACK_MAX];
	memcpy(bad, blob, n);
	bad[0] = EVENTPACK_FORMAT + 1;		/* another format */
	assert_int_equal(eventpack_decode(bad, n, &thread, &out), -1);
	memcpy(bad, blob, n);
	bad[1] = LANE_COUNT;			/* no such lane */
	assert_int_equal(eventpack_decode(bad, n, &thread, &out), -1);
	memcpy(bad, blob, n);
	bad[2] = EV_KIND_COUNT;			/* no such kind */
	assert_int_equal(eventpack_decode(bad, n, &thread, &out), -1);
	memcpy(bad, blob, n);
	bad[4] |= 0x80;				/* a field this format lacks */
	assert_int_equal(eventpack_decode(bad, n, &thread, &out), -1);

	/* A text longer than its field, and a varint that never ends. */
	unsigned char text[] = {EVENTPACK_FORMAT, 0, 0, 0, 0x02, 200};
	assert_int_equal(eventpack_decode(text, sizeof(text), &thread, &out), -1);
	unsigned char endless[16] = {EVENTPACK_FORMAT, 0, 0, 0x02, 0};
	memset(endless + 5, 0xff, sizeof(endless) - 5);
	assert_int_equal(eventpack_decode(endless, sizeof(endless), &thread,
					  &out), -1);
	/* A thread beyond int32. */
	unsigned char big[] = {EVENTPACK_FORMAT, 0, 0, 0x01, 0,
			       0x80, 0x80, 0x80, 0x80, 0x10};
	assert_int_equal(eventpack_decode(big, sizeof(big), &thread, &out), -1);
}

/* Every single-byte edit either decodes to something whole or is
 * refused; none reads outside the blob (ASan). */
static void test_every_byte_flipped(void **state)
{
	(void)state;
	unsigned char blob[EVENTPACK_MAX];
	struct event in = sample(), out;
	int32_t thread;
	size_t n = eventpack_encode(blob, 99, &in);
	for (size_t i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char copy[EVENTPACK_MAX];
			memcpy(copy, blob, n);
			copy[i] ^= (unsigned char)(1u << bit);
			if (eventpack_decode(copy, n, &thread, &out) == 0) {
				assert_true(strlen(out.guid) < sizeof(out.guid));
				assert_true(strlen(out.name) < sizeof(out.name));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_damage_refused),
		cmocka_unit_test(test_every_byte_flipped),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
