/* test_events.c - the message-shape table: every documented and real shape
 * with its fields, the tolerated variants, role gating, near misses, and
 * hostile text that must fail fast without harm. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../parsers/events.h"
#include "../../parsers/timeparse.h"
#include "../../lib/util.h"

/* An event as one line: kind/lane, then the fields that are present. */
static void dump_event(const struct event *ev, char *out, size_t cap)
{
	struct buf b = { 0 };
	buf_printf(&b, "%s/%s", event_kind_name(ev->kind), lane_name(ev->lane));
	if (ev->guid[0])
		buf_printf(&b, " guid=%s", ev->guid);
	const struct {
		const char *key;
		int64_t v;
	} nums[] = {
		{"push", ev->push_id}, {"task", ev->task_id},
		{"type", ev->task_type}, {"count", ev->count},
		{"failed", ev->failed}, {"rc", ev->return_code},
		{"status", ev->http_status},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (nums[i].v != EVENT_NONE)
			buf_printf(&b, " %s=%" PRId64, nums[i].key, nums[i].v);
	if (ev->stamp_us != EVENT_NONE) {
		char iso[32];
		format_utc_ms(ev->stamp_us, iso);
		buf_printf(&b, " stamp=%s", iso);
	}
	if (ev->name[0])
		buf_printf(&b, " name='%s'", ev->name);
	if (ev->tenant[0])
		buf_printf(&b, " tenant=%s", ev->tenant);
	if (ev->user[0])
		buf_printf(&b, " user=%s", ev->user);
	if (ev->detail[0])
		buf_printf(&b, " detail='%s'", ev->detail);
	snprintf(out, cap, "%s", b.data);
	buf_free(&b);
}

struct match_case {
	const char *role;
	const char *msg;
	const char *want;	/* dump_event() of the match, NULL: no match */
};

#define G1 "00000000-0000-0000-0000-000000000001"
#define GA "A43DD1B3-A006-4604-B012-5529380B3B6F"
#define TEN "a1b2c3a1-b2c3-d4a1-b2c3-d4a1b2c3a1b2"
#define BASE64 "PFNjcmlwdENvbnRlbnQgU2NyaXB0R3VpZD0nOEVEQjQyN0MtQzA0OS00MzZDLUEy"
#define GW "https://us.gateway.configmgr.manage.microsoft.com/api/gateway/"

static const struct match_case cases[] = {
	/* ---- connector: CMGatewayNotificationWorker ---- */
	{"connector", "Received new notification. Validating basic notification details...",
	 "notification_received/connector"},
	{"connector", "Received new notification. Validating basic notification details..",
	 "notification_received/connector"},
	{"connector", "Received  new notification.  Validating basic notification details...   ",
	 "notification_received/connector"},
	{"connector", "  Received new notification. Validating basic notification details..\r\n"
	 "second line", "notification_received/connector"},
	{"connector", "Received new notification. Validating basic notification details failed",
	 NULL},
	{"connector", "Received new notification. Validating basic notification details... and more",
	 NULL},
	{"connector", "Validating device action message content...",
	 "notification_validating/connector"},
	{"connector", "Validating device action message content..",
	 "notification_validating/connector"},
	{"connector", "Validating device action message content",
	 NULL},
	{"connector", "Authorized to perform client action. TemplateID: RequestMachinePolicy "
	 "TenantId: " TEN " AADUserID:     " TEN,
	 "authorized/connector name='RequestMachinePolicy' tenant=" TEN " user=" TEN},
	{"connector", "Unauthorized to perform client action. TemplateID: RequestMachinePolicy "
	 "TenantId: " TEN " AADUserID: 3a1e89e6-e190-4615-9d38-a208b0eb1c78",
	 "unauthorized/connector name='RequestMachinePolicy' tenant=" TEN
	 " user=3a1e89e6-e190-4615-9d38-a208b0eb1c78"},
	{"connector", "Authorized to perform client action. TemplateID: RequestMachinePolicy "
	 "TenantId: " TEN, NULL},
	{"connector", "Not authorized to perform client action. TemplateID: X TenantId: a "
	 "AADUserID: b", NULL},
	{"connector", "Forwarded BGB remote task. TemplateID: 1 TaskGuid: "
	 "a43dd1b3-a006-4604-b012-5529380b3b6f TaskParam: TargetDeviceIDs: 1  ",
	 "forwarded/connector guid=" GA " type=1 count=1 detail='TargetDeviceIDs: 1'"},
	{"connector", "Forwarded BGB remote task. TemplateID: 1 TaskGuid: {" GA "} TaskParam:",
	 "forwarded/connector guid=" GA " type=1"},
	{"connector", "Forwarded BGB remote task.  TemplateID: 15  TaskGuid: " GA
	 "  TaskParam: " BASE64 "== TargetDeviceIDs:  16777216",
	 "forwarded/connector guid=" GA " type=15 count=16777216 detail='" BASE64
	 "== TargetDeviceIDs:  16777216'"},
	{"connector", "Forwarded BGB remote task. TemplateID: RequestMachinePolicy TaskGuid: "
	 GA " TaskParam: x\r\nTargetDeviceIDs: 5",
	 "forwarded/connector guid=" GA " name='RequestMachinePolicy' detail='x'"},
	{"connector", "Forwarded BGB remote task. TemplateID: 1 TaskGuid: not-a-guid TaskParam: ",
	 NULL},
	{"connector", "[GetNotifications] Response from " GW "Notification is: 401 (Unauthorized)",
	 "gateway_error/site status=401 name='Unauthorized' detail='" GW "Notification'"},
	{"connector", "Response from " GW "Notification is: 503 (Service Unavailable)\r\nmore",
	 "gateway_error/site status=503 name='Service Unavailable' detail='" GW "Notification'"},
	{"connector", "[GetNotifications] Response from " GW "Notification is: 200 (OK)", NULL},
	{"connector", "Response status code: 401 (Unauthorized) Activity ID: "
	 "4c536a72-fd7f-4d08-948a-3e65d2129e44", NULL},
	{"connector", "Web exception when getting new notification", "web_exception/site"},
	{"connector", "Web exception when getting new notification\r\nException details:\r\n"
	 "[Warning][CMGatewayNotificationWorker][0][System.Net.WebException][0x80131509]",
	 "web_exception/site"},
	{"connector", "Web exception when getting new notifications", NULL},

	/* ---- server: BgbServer (the real lab lines, then the docs' variants) ---- */
	{"server", "Get one push message from database.", "push_fetched/server"},
	{"server", "Get one push message from database.~~", "push_fetched/server"},
	{"server", "Get one push message from database  ", "push_fetched/server"},
	{"server", "Get one push message from database. Retrying", NULL},
	{"server", "Starting to send push task (PushID: 13 TaskID: 13 TaskGUID: " G1
	 " TaskType: 1 TaskParam: ) to 1 clients with throttling (strategy: 1 param: 42)",
	 "push_started/server guid=" G1 " push=13 task=13 type=1 count=1"},
	{"server", "Starting to send push task (PushID: 7 TaskID: 8 TaskGUID: " GA
	 " TaskType: 1 TaskParam: ) to 1 clients  with throttling (strategy: 1 param: 42)",
	 "push_started/server guid=" GA " push=7 task=8 type=1 count=1"},
	{"server", "Starting to send push task (PushID: 1040 TaskID: 1025 TaskGUID: "
	 "c600f7c7-17a6-4f4f-a83d-52a89d34ef90 TaskType: 15 TaskParam: " BASE64
	 "==) to 1 clients with throttling (strategy: 1 param: 42)",
	 "push_started/server guid=C600F7C7-17A6-4F4F-A83D-52A89D34EF90 push=1040 task=1025 "
	 "type=15 count=1 detail='" BASE64 "=='"},
	{"server", "Starting to send push task (PushID: 9 TaskID: 12 TaskGUID: " GA
	 " TaskType: 15 TaskParam: PFNjcmlwdENvbnRlbnQgU2NyaXB0R3VpZD0nN0RDNkI2RjEtRTdGNi00M0MxL"
	 " (truncated log entry)",
	 "push_started/server guid=" GA " push=9 task=12 type=15 detail='"
	 "PFNjcmlwdENvbnRlbnQgU2NyaXB0R3VpZD0nN0RDNkI2RjEtRTdGNi00M0MxL (truncated log entry)'"},
	{"server", "Starting to send push task (PushID: 13 TaskID: 13 TaskGUID: " G1
	 " TaskType: x TaskParam: ) to 1 clients", NULL},
	{"server", "Finished sending push task (PushID: 13 TaskID: 13) to 1 clients",
	 "push_finished/server push=13 task=13 count=1"},
	{"server", "Finished sending push task (PushID: 260 TaskID: 258) to 5 clients",
	 "push_finished/server push=260 task=258 count=5"},
	{"server", "Finished sending push task (PushID: 13) to 1 clients", NULL},
	{"server", "Generated BGB task status report <siteInstallRoot>\\inboxes\\bgb.box\\"
	 "Bgb00001.BTS at 09/25/2026 19:35:33. (PushID: 13 ReportedClients: 1 FailedClients: 0)",
	 "bts_report/server push=13 count=1 failed=0"},
	{"server", "Generated BGB task status report C:\\Program Files (x86)\\inboxes\\"
	 "Bgb5c1db.BTS at 09/16/2019 16:46:39. (PushID: 9 ReportedClients: 2 FailedClients: 1)",
	 "bts_report/server push=9 count=2 failed=1"},
	{"server", "Generated BGB online status FULL report <siteInstallRoot>\\inboxes\\"
	 "bgb.box\\Bgb00001.BOS (version: 15) at 09/19/2026 00:11:13", NULL},
	{"server", "WARNING: Notification Server (%systemroot%\\system32\\dllhost.exe) with "
	 "TCP port 10123 is NOT allowed by Windows Firewall on all interfaces.",
	 "firewall_blocked/server count=10123"},
	{"server", "STATMSG: ID=9802 SEV=W LEV=M SOURCE=\"SMS Server\" "
	 "COMP=\"SMS_NOTIFICATION_SERVER\" ISTR1=\"10123\" Windows Firewall", NULL},
	{"server", "Total online clients: 2 (TCP: 1 HTTP: 1)",
	 "online_clients/server count=1 detail='TCP: 1 HTTP: 1'"},
	{"server", "Total online clients: 40 (TCP: 40 HTTP: 0)", NULL},
	{"server", "Total online clients: 2", NULL},
	{"server", "Retrieving push tasks from database...", NULL},

	/* ---- agent: CcmNotificationAgent ---- */
	{"agent", "Receive task from server with pushid=13, taskid=13, taskguid=" G1
	 ", tasktype=1 and taskParam=",
	 "task_received/agent guid=" G1 " push=13 task=13 type=1"},
	{"agent", "Receive task from server with pushid=9, taskid=12, taskguid="
	 "9a4e59d2-2f5b-4067-a9fa-b99602a3a4a0, tasktype=15 and taskParam=PFNjcmlwdEhhc2g  ",
	 "task_received/agent guid=9A4E59D2-2F5B-4067-A9FA-B99602A3A4A0 push=9 task=12 "
	 "type=15 detail='PFNjcmlwdEhhc2g'"},
	{"agent", "Receive task from server with pushid=13, taskid=13", NULL},
	{"agent", "Send Task response message <BgbResponseMessage TimeStamp=\"2020-01-21T15:43:43Z\">"
	 "<PushID>8</PushID><TaskID>9</TaskID><ReturnCode>1</ReturnCode></BgbResponseMessage> "
	 "successfully.",
	 "response_sent/agent push=8 task=9 rc=1 stamp=2020-01-21T15:43:43.000Z"},
	{"agent", "Send Task response message <BgbResponseMessage TimeStamp=\"2019-09-16T14:45:46Z\">"
	 "<PushID>9</PushID><TaskID>12</TaskID><ReturnCode>1</ReturnCode></BgbResponseMessage> "
	 "successfuly.",
	 "response_sent/agent push=9 task=12 rc=1 stamp=2019-09-16T14:45:46.000Z"},
	{"agent", "Send Task response message <BgbResponseMessage TimeStamp=\"2019-09-16T14:45:46.25Z\">"
	 "<PushID>9</PushID><TaskID>12</TaskID><ReturnCode>-2147467259</ReturnCode>"
	 "</BgbResponseMessage>  successfully.",
	 "response_sent/agent push=9 task=12 rc=-2147467259 stamp=2019-09-16T14:45:46.250Z"},
	{"agent", "Send Task response message <BgbResponseMessage TimeStamp=\"2019-02-30T14:45:46Z\">"
	 "<PushID>9</PushID><TaskID>12</TaskID><ReturnCode>1</ReturnCode></BgbResponseMessage> "
	 "successfully.",
	 "response_sent/agent push=9 task=12 rc=1"},
	{"agent", "Send Task response message <BgbResponseMessage TimeStamp=\"2019-09-16T14:45:46Z\">"
	 "<PushID>9</PushID><TaskID>12</TaskID><ReturnCode>1</ReturnCode></BgbResponseMessage> "
	 "failed.", NULL},

	/* ---- upload: CMGatewaySyncUploadWorker, GenericUploadWorker ---- */
	{"upload", "Batching 42 records", "upload_batch/site count=42"},
	{"upload", "Batching 1 record", "upload_batch/site count=1"},
	{"upload", "Batching N records", NULL},
	{"upload", "Next run time will be at approximately: 02/28/2020 16:35:31",
	 "next_run/site stamp=2020-02-28T16:35:31.000Z"},
	{"upload", "Next run time will be at approximately: 2/28/2020 4:35:31 PM",
	 "next_run/site stamp=2020-02-28T16:35:31.000Z"},
	{"upload", "Next run time will be at approximately: 2/28/2020 12:05:00 AM",
	 "next_run/site stamp=2020-02-28T00:05:00.000Z"},
	{"upload", "Next run time will be at approximately: 02/30/2020 16:35:31",
	 "next_run/site"},
	{"upload", "Next run time will be at approximately: soon", NULL},
	{"upload", "[OnboardScenario] Response from " GW "AccountOnboardingInfo is: 400 (Bad Request)",
	 "gateway_error/site status=400 name='Bad Request' detail='" GW "AccountOnboardingInfo'"},
	{"upload", "[UploadDelta_HelpdeskUpload] Response from " GW "DevicePost is: 401 (Unauthorized)",
	 "gateway_error/site status=401 name='Unauthorized' detail='" GW "DevicePost'"},
	{"upload", "[OnboardScenario] Creating web request to: " GW "AccountOnboardingInfo "
	 "Method: POST Activity ID: ed2186a0-fb43-4cf1-84df-9283dd45a461 Timeout: 00:02:00", NULL},
	{"upload", "Response status code: 400 (BadRequest) Activity ID: "
	 "a579728b-eca0-4144-80ac-eea25ee5bcf6", NULL},
	{"upload", "[Critical][GenericUploadWorker][0][System.Net.WebException][0x80131509]\n"
	 "The remote server returned an error: (400) Bad Request.", NULL},

	/* ---- role gating ---- */
	{"agent", "Get one push message from database.", NULL},
	{"agent", "Finished sending push task (PushID: 13 TaskID: 13) to 1 clients", NULL},
	{"connector", "Get one push message from database.", NULL},
	{"server", "Receive task from server with pushid=13, taskid=13, taskguid=" G1
	 ", tasktype=1 and taskParam=", NULL},
	{"server", "[GetNotifications] Response from " GW "Notification is: 401 (Unauthorized)", NULL},
	{"agent", "[GetNotifications] Response from " GW "Notification is: 401 (Unauthorized)", NULL},
	{"upload", "Web exception when getting new notification", NULL},
	{"upload", "Received new notification. Validating basic notification details...", NULL},
	{"connector", "Batching 42 records", NULL},
	{"other", "Get one push message from database.", NULL},
	{"Server", "Get one push message from database.", NULL},
	{"", "Get one push message from database.", NULL},

	/* ---- the shape must start the message ---- */
	{"server", "note: Get one push message from database.", NULL},
	{"server", "first line\r\nGet one push message from database.", NULL},
	{"connector", "\r\nWeb exception when getting new notification", NULL},

	/* ---- numbers beyond int64 become absent; the edge still fits ---- */
	{"server", "Finished sending push task (PushID: 9223372036854775807 TaskID: "
	 "99999999999999999999999999) to 1 clients",
	 "push_finished/server push=9223372036854775807 count=1"},
	{"server", "Finished sending push task (PushID: 9223372036854775808 TaskID: 1) to "
	 "18446744073709551616 clients", "push_finished/server task=1"},
	{"agent", "Send Task response message <BgbResponseMessage TimeStamp=\"2020-01-21T15:43:43Z\">"
	 "<PushID>8</PushID><TaskID>9</TaskID><ReturnCode>-9223372036854775808</ReturnCode>"
	 "</BgbResponseMessage> successfully.",
	 "response_sent/agent push=8 task=9 stamp=2020-01-21T15:43:43.000Z"},
};

struct fixture {
	struct event_matcher *m;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	f->m = event_matcher_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	event_matcher_free(f->m);
	free(f);
	return 0;
}

static void test_table(void **state)
{
	struct fixture *f = *state;
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct match_case *c = &cases[i];
		struct event ev;
		char got[1024] = "(no match)";
		if (event_match(f->m, c->role, c->msg, strlen(c->msg), &ev))
			dump_event(&ev, got, sizeof(got));
		const char *want = c->want ? c->want : "(no match)";
		if (strcmp(got, want) != 0) {
			print_error("case %zu [%s] %s\n  want %s\n  got  %s\n", i,
				    c->role, c->msg, want, got);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The first non-blank byte picks the rows tried, from what PCRE2 says
 * each pattern can start with: a [Scenario] or WARNING: prefix counts,
 * blanks (space, tab, the 0xA0 that \h also matches) are skipped, and
 * a byte no shape starts with tries none. */
static void test_first_byte_picks_rows(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(event_rows_starting(f->m, ROLE_CONNECTOR, 'R'), 2);
	assert_int_equal(event_rows_starting(f->m, ROLE_CONNECTOR, '['), 1);
	assert_int_equal(event_rows_starting(f->m, ROLE_CONNECTOR, 'F'), 1);
	assert_int_equal(event_rows_starting(f->m, ROLE_CONNECTOR, 'x'), 0);
	assert_int_equal(event_rows_starting(f->m, ROLE_SERVER, 'G'), 2);
	assert_int_equal(event_rows_starting(f->m, ROLE_SERVER, 'W'), 1);
	assert_int_equal(event_rows_starting(f->m, ROLE_SERVER, 'N'), 1);
	assert_int_equal(event_rows_starting(f->m, ROLE_SERVER, 'R'), 0);
	assert_int_equal(event_rows_starting(f->m, ROLE_AGENT, 'S'), 1);
	assert_int_equal(event_rows_starting(f->m, ROLE_OTHER, 'R'), 0);
	struct event ev;
	static const char lead[] = " \t\xa0 Validating device action message content...";
	assert_true(event_match_role(f->m, ROLE_CONNECTOR, lead, strlen(lead), &ev));
	assert_int_equal(ev.kind, EV_NOTIFY_VALIDATING);
	static const char warn[] = "WARNING: Notification Server on MP01 with TCP port"
				   " 10123 is NOT allowed by Windows Firewall.";
	assert_true(event_match_role(f->m, ROLE_SERVER, warn, strlen(warn), &ev));
	assert_int_equal(ev.kind, EV_FIREWALL_BLOCKED);
	assert_false(event_match_role(f->m, ROLE_CONNECTOR, " \t ", 3, &ev));
}

/* The message is a span of a larger record: bytes after len are not
 * looked at, and no NUL terminator is needed. */
static void test_span_not_terminated(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "Batching 42 records~~  $$<SMS_X><...>";
	struct event ev;
	char msg[19];
	memcpy(msg, text, sizeof(msg));	/* "Batching 42 records", no NUL */
	assert_true(event_match(f->m, "upload", msg, sizeof(msg), &ev));
	assert_int_equal(ev.count, 42);
	assert_false(event_match(f->m, "upload", msg, 9, &ev));	/* "Batching " */
	assert_false(event_match(f->m, "upload", NULL, 0, &ev));
	assert_false(event_match(f->m, "upload", msg, 0, &ev));
	assert_false(event_match(f->m, NULL, msg, sizeof(msg), &ev));
}

/* A failed match leaves *ev alone; a match resets every field. */
static void test_event_reset(void **state)
{
	struct fixture *f = *state;
	struct event ev;
	memset(&ev, 0x5a, sizeof(ev));
	struct event before = ev;
	assert_false(event_match(f->m, "server", "nothing", 7, &ev));
	assert_memory_equal(&ev, &before, sizeof(ev));
	const char *msg = "Get one push message from database.";
	assert_true(event_match(f->m, "server", msg, strlen(msg), &ev));
	assert_int_equal(ev.kind, EV_PUSH_FETCHED);
	assert_int_equal(ev.lane, LANE_SERVER);
	assert_string_equal(ev.guid, "");
	assert_string_equal(ev.name, "");
	assert_string_equal(ev.tenant, "");
	assert_string_equal(ev.user, "");
	assert_string_equal(ev.detail, "");
	assert_true(ev.push_id == EVENT_NONE && ev.task_id == EVENT_NONE &&
		    ev.task_type == EVENT_NONE && ev.count == EVENT_NONE &&
		    ev.failed == EVENT_NONE && ev.return_code == EVENT_NONE &&
		    ev.http_status == EVENT_NONE && ev.stamp_us == EVENT_NONE);
}

/* Long text fields are cut to their arrays, never mid UTF-8 character. */
static void test_long_fields_cut(void **state)
{
	struct fixture *f = *state;
	struct buf b = { 0 };
	struct event ev;
	buf_printf(&b, "Starting to send push task (PushID: 1 TaskID: 2 TaskGUID: " G1
		   " TaskType: 15 TaskParam: ");
	for (int i = 0; i < 254; i++)
		buf_putc(&b, 'x');
	buf_append(&b, "\xc3\xa9", 2);		/* é straddles byte 255 */
	for (int i = 0; i < 200000; i++)
		buf_putc(&b, 'Q');
	buf_printf(&b, ") to 3 clients with throttling (strategy: 1 param: 42)");
	assert_true(event_match(f->m, "server", b.data, b.len, &ev));
	assert_int_equal(ev.count, 3);
	assert_int_equal(strlen(ev.detail), 254);
	assert_int_equal(ev.detail[253], 'x');

	buf_reset(&b);
	buf_printf(&b, "[GetNotifications] Response from https://h/%0300d is: 418 (", 0);
	for (int i = 0; i < 100; i++)
		buf_putc(&b, 'R');
	buf_putc(&b, ')');
	assert_true(event_match(f->m, "connector", b.data, b.len, &ev));
	assert_int_equal(ev.http_status, 418);
	assert_int_equal(strlen(ev.detail), sizeof(ev.detail) - 1);
	assert_int_equal(strlen(ev.name), sizeof(ev.name) - 1);

	buf_reset(&b);
	buf_printf(&b, "Authorized to perform client action. TemplateID: T TenantId: ");
	for (int i = 0; i < 100; i++)
		buf_putc(&b, 't');
	buf_printf(&b, " AADUserID: u");
	assert_true(event_match(f->m, "connector", b.data, b.len, &ev));
	assert_int_equal(strlen(ev.tenant), sizeof(ev.tenant) - 1);
	assert_string_equal(ev.user, "u");
	buf_free(&b);
}

/* Hostile text: each message is tried under every role; it must be
 * rejected (or matched) quickly and without touching memory it should
 * not. The bound is loose (sanitizers, slow CI), but quadratic or
 * exponential behaviour on a megabyte would blow far past it. */
static void hostile(struct event_matcher *m, const char *prefix,
		    const char *unit, size_t total, const char *suffix,
		    bool want_match, const char *want_role)
{
	static const char *const roles[] = { "connector", "server", "agent",
					     "upload", "other" };
	struct buf b = { 0 };
	buf_printf(&b, "%s", prefix);
	size_t ulen = strlen(unit);
	while (b.len < total)
		buf_append(&b, unit, ulen);
	buf_printf(&b, "%s", suffix);
	int bad = 0;
	for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
		struct event ev;
		double t0 = clock_now();
		bool got = event_match(m, roles[r], b.data, b.len, &ev);
		double took = clock_now() - t0;
		bool want = want_match && strcmp(roles[r], want_role) == 0;
		if (got != want || took > 0.5) {
			print_error("%.40s... x%zu (%s): got %d want %d in %.3fs\n",
				    prefix[0] ? prefix : unit, total, roles[r],
				    got, want, took);
			bad++;
		}
	}
	buf_free(&b);
	assert_int_equal(bad, 0);
}

#define MIB ((size_t)1 << 20)

static void test_hostile(void **state)
{
	struct fixture *f = *state;
	struct event_matcher *m = f->m;
	hostile(m, "", "a", MIB, "", false, NULL);
	hostile(m, "", "(", MIB, "", false, NULL);
	hostile(m, "", " ", MIB, "", false, NULL);
	hostile(m, "", "\r\n", MIB, "", false, NULL);
	/* Every needle over and over, none in a valid shape. */
	hostile(m, "", "Received Validating Authorized Unauthorized TaskGuid: Web Response "
		"Get TaskGUID: Finished ReportedClients: Firewall taskguid= "
		"<BgbResponseMessage Batching approximately: ", MIB, "", false, NULL);
	/* A valid start, then a megabyte where the rest should be. */
	hostile(m, "Generated BGB task status report ", "(PushID: ", MIB, "", false, NULL);
	hostile(m, "Generated BGB task status report ", " ", MIB,
		"(PushID: 1 ReportedClients: 1 FailedClients: 0)", true, "server");
	hostile(m, "Generated BGB task status report ", "x", MIB,
		"(PushID: 1 ReportedClients: 1 FailedClients: 0)", false, NULL);
	hostile(m, "WARNING: Notification Server (", "x", MIB,
		") with TCP port 1 is NOT allowed by Windows Firewall", false, NULL);
	hostile(m, "Starting to send push task (PushID: 1 TaskID: 1 TaskGUID: " G1
		" TaskType: 1 TaskParam: ", ") to ", MIB, "", true, "server");
	hostile(m, "Starting to send push task (PushID: 1 TaskID: 1 TaskGUID: " G1
		" TaskType: 1 TaskParam: x", " ", MIB, "y", true, "server");
	hostile(m, "Forwarded BGB remote task. TemplateID: 1 TaskGuid: " G1
		" TaskParam: ", "TargetDeviceIDs: ", MIB, "", true, "connector");
	hostile(m, "Receive task from server with pushid=1, taskid=1, taskguid=" G1
		", tasktype=1 and taskParam=", "\t ", MIB, "", true, "agent");
	hostile(m, "[", "[", MIB, "] Response from x is: 401 (y)", false, NULL);
	hostile(m, "Response from ", "x", MIB, " is: 401 (", false, NULL);
	hostile(m, "Authorized to perform client action. TemplateID: ", "x", MIB,
		" TenantId:", false, NULL);
	hostile(m, "Batching ", "9", MIB, " records", true, "upload");
	hostile(m, "Finished sending push task (PushID: ", "9", MIB, " TaskID: 1) to 1 clients",
		true, "server");
	hostile(m, "Send Task response message <BgbResponseMessage TimeStamp=\"", "\"", MIB,
		"", false, NULL);
}

/* Many calls in a row reuse one match data: results stay independent. */
static void test_reuse(void **state)
{
	struct fixture *f = *state;
	const char *a = "Finished sending push task (PushID: 1 TaskID: 2) to 3 clients";
	const char *b = "Generated BGB task status report x (PushID: 4 ReportedClients: 5 "
			"FailedClients: 6)";
	for (int i = 0; i < 1000; i++) {
		struct event ev;
		const char *msg = (i & 1) ? a : b;
		assert_true(event_match(f->m, "server", msg, strlen(msg), &ev));
		assert_int_equal(ev.push_id, (i & 1) ? 1 : 4);
		assert_int_equal(ev.failed, (i & 1) ? EVENT_NONE : 6);
		assert_false(event_match(f->m, "server", "noise", 5, &ev));
	}
}

static void test_names(void **state)
{
	(void)state;
	static const char *const names[EV_KIND_COUNT] = {
		"notification_received", "notification_validating", "authorized",
		"unauthorized", "forwarded", "push_fetched", "push_started",
		"push_finished", "bts_report", "firewall_blocked", "task_received",
		"response_sent", "gateway_error", "web_exception", "upload_batch",
		"next_run", "online_clients",
	};
	for (int k = 0; k < EV_KIND_COUNT; k++) {
		enum event_kind back = EV_NEXT_RUN;
		assert_string_equal(event_kind_name((enum event_kind)k), names[k]);
		assert_true(event_kind_parse(names[k], &back));
		assert_int_equal(back, k);
	}
	enum event_kind out = EV_PUSH_STARTED;
	assert_false(event_kind_parse("push", &out));
	assert_false(event_kind_parse("", &out));
	assert_false(event_kind_parse("PUSH_STARTED", &out));
	assert_false(event_kind_parse(NULL, &out));
	assert_int_equal(out, EV_PUSH_STARTED);
	assert_string_equal(lane_name(LANE_CONNECTOR), "connector");
	assert_string_equal(lane_name(LANE_SERVER), "server");
	assert_string_equal(lane_name(LANE_AGENT), "agent");
	assert_string_equal(lane_name(LANE_SITE), "site");
}

/* Two matchers live side by side and free independently. */
static void test_two_matchers(void **state)
{
	(void)state;
	struct event_matcher *a = event_matcher_new();
	struct event_matcher *b = event_matcher_new();
	struct event ev;
	event_matcher_free(a);
	assert_true(event_match(b, "upload", "Batching 1 records", 18, &ev));
	event_matcher_free(b);
	event_matcher_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_span_not_terminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_byte_picks_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_fields_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse, setup, teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_two_matchers),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
