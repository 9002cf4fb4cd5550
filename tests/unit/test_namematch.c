/* test_namematch.c - what a name typed at the log's host and component
 * prompts means: exact in any case first (even when longer names start
 * with it), else a unique prefix, else a unique substring; several is
 * ambiguous, none is none. Table-driven. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../ui/namematch.h"

static const char *const comps[] = {
	"BgbAgent",
	"CcmMessaging",
	"SMS_NOTIFICATION_SERVER",
	"SMS_SERVICE_CONNECTOR",
	"SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker",
	"SMS_SERVICE_CONNECTOR_CMGatewaySyncUploadWorker",
};
#define N_COMPS (sizeof(comps) / sizeof(comps[0]))

static const struct {
	const char *typed;
	enum name_how how;
	size_t count, which;
} cases[] = {
	{ "BgbAgent", NAME_EXACT, 1, 0 },
	{ "bgbagent", NAME_EXACT, 1, 0 },
	{ "sms_service_connector", NAME_EXACT, 1, 3 },	/* not ambiguous: exact wins */
	{ "ccm", NAME_PREFIX, 1, 1 },
	{ "SMS_N", NAME_PREFIX, 1, 2 },
	{ "sms_service_connector_cmg", NAME_PREFIX, 2, 4 },	/* ambiguous */
	{ "gatewaynot", NAME_SUBSTRING, 1, 4 },
	{ "syncupload", NAME_SUBSTRING, 1, 5 },
	{ "worker", NAME_SUBSTRING, 2, 4 },
	{ "agent", NAME_SUBSTRING, 1, 0 },
	{ "nothing", NAME_NONE, 0, 0 },
	{ "", NAME_NONE, 0, 0 },
};

static void test_name_match_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct name_match m = name_match(comps, N_COMPS, cases[i].typed);
		assert_int_equal(m.how, cases[i].how);
		assert_int_equal(m.count, cases[i].count);
		if (m.count)
			assert_int_equal(m.which, cases[i].which);
	}
}

static void test_name_fits(void **state)
{
	(void)state;
	assert_true(name_fits("CLIENT01", "client", NAME_PREFIX));
	assert_false(name_fits("CLIENT01", "lient", NAME_PREFIX));
	assert_true(name_fits("CLIENT01", "LIENT0", NAME_SUBSTRING));
	assert_false(name_fits("CLIENT01", "client", NAME_EXACT));
	assert_false(name_fits("CLIENT01", "client", NAME_NONE));
}

static void test_name_match_empty_list(void **state)
{
	(void)state;
	struct name_match m = name_match(NULL, 0, "x");
	assert_int_equal(m.how, NAME_NONE);
	assert_int_equal(m.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_match_table),
		cmocka_unit_test(test_name_fits),
		cmocka_unit_test(test_name_match_empty_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
