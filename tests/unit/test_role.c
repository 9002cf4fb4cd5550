/* test_role.c - the role table: names both ways, the usual log names, and
 * the role a log's content gives away (and the logs that give none). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../parsers/role.h"

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++) {
		enum log_role back;
		assert_true(role_parse(role_name((enum log_role)r), &back));
		assert_int_equal(back, r);
	}
	enum log_role r;
	assert_true(role_parse("Server", &r));
	assert_int_equal(r, ROLE_SERVER);
	assert_false(role_parse("client", &r));
	assert_false(role_parse(NULL, &r));
	assert_string_equal(role_name(ROLE_COUNT), "other");
	assert_string_equal(role_log_name(ROLE_AGENT), "CcmNotificationAgent");
	assert_null(role_log_name(ROLE_OTHER));
}

static enum log_role of(const char *text)
{
	return role_of_content((const unsigned char *)text, strlen(text));
}

static void test_role_of_content(void **state)
{
	(void)state;
	assert_int_equal(of("Retrieving push tasks from database...~~  $$<SMS_NOTIFICATION_SERVER>"
			    "<09-25-2026 18:59:20.613+300><thread=8492 (0x212C)>\n"), ROLE_SERVER);
	assert_int_equal(of("<![LOG[BgbController main loop]LOG]!><time=\"12:43:56.621-60\" "
			    "date=\"09-25-2026\" component=\"BgbAgent\" context=\"\">\n"), ROLE_AGENT);
	assert_int_equal(of("<![LOG[x]LOG]!><time=\"07:42:06\" date=\"09-25-2026\" component="
			    "\"SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker\">\n"), ROLE_CONNECTOR);
	assert_int_equal(of("<![LOG[Batching 5 records]LOG]!><time=\"07:44:00\" component="
			    "\"SMS_SERVICE_CONNECTOR_GenericUploadWorker\">\n"), ROLE_UPLOAD);
	/* The service connector's own log names the workers in prose only;
	 * the messaging log talks about the MP: no role. */
	assert_int_equal(of("Worker CMGatewayNotificationWorker is running.~~  $$<SMS_SERVICE_CONNECTOR>"
			    "<09-25-2026 07:42:08.383+240><thread=5412 (0x1524)>\n"), ROLE_OTHER);
	assert_int_equal(of("<![LOG[Sending to BgbAgent queue]LOG]!><time=\"1\" component=\"CcmMessaging\">\n"),
			 ROLE_OTHER);
	assert_int_equal(of(""), ROLE_OTHER);
	/* Mixed: the most often named wins. */
	assert_int_equal(of("component=\"BgbAgent\" <SMS_NOTIFICATION_SERVER> <SMS_NOTIFICATION_SERVER>"),
			 ROLE_SERVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_role_of_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
