/* events.h - the message shapes that become trace events.
 *
 * One table of {lane, kind, PCRE2 pattern} rows (parsers/events.c) turns a
 * record's message into a typed event with its fields. The patterns are
 * compiled (and JIT-compiled) once per matcher; each row also names a
 * literal that must occur, so most records are rejected by memmem alone.
 * Pure text work: no SQL, no storage. */
#ifndef TATRACE_EVENTS_H
#define TATRACE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The lanes of a trace; LANE_SITE holds the service connection point's
 * other workers (uploads, gateway errors) that are findings, not hops. */
enum lane {
	LANE_CONNECTOR = 0,	/* SMS_SERVICE_CONNECTOR, CMGatewayNotificationWorker */
	LANE_SERVER = 1,	/* SMS_NOTIFICATION_SERVER, BgbServer */
	LANE_AGENT = 2,		/* BgbAgent, CcmNotificationAgent */
	LANE_SITE = 3,		/* CMGatewaySyncUploadWorker, GenericUploadWorker */
};
#define LANE_COUNT 4
const char *lane_name(enum lane lane);	/* connector|server|agent|site */

enum event_kind {
	EV_NOTIFY_RECEIVED = 0,	/* Received new notification. Validating ... */
	EV_NOTIFY_VALIDATING,	/* Validating device action message content... */
	EV_AUTHORIZED,		/* name=template, tenant, user */
	EV_UNAUTHORIZED,	/* name=template, tenant, user */
	EV_FORWARDED,		/* task_type=template number, guid, count=targets, detail=TaskParam */
	EV_PUSH_FETCHED,	/* Get one push message from database. */
	EV_PUSH_STARTED,	/* push_id, task_id, guid, task_type, detail=TaskParam, count=clients */
	EV_PUSH_FINISHED,	/* push_id, task_id, count=clients */
	EV_BTS_REPORT,		/* push_id, count=reported, failed */
	EV_FIREWALL_BLOCKED,	/* Notification Server ... TCP port N is NOT allowed by Windows Firewall */
	EV_TASK_RECEIVED,	/* push_id, task_id, guid, task_type, detail=taskParam */
	EV_RESPONSE_SENT,	/* push_id, task_id, return_code, stamp_us = TimeStamp (UTC) */
	EV_GATEWAY_ERROR,	/* detail=endpoint URL, http_status, name=reason ("Unauthorized") */
	EV_WEB_EXCEPTION,	/* Web exception when getting new notification */
	EV_UPLOAD_BATCH,	/* count = N of "Batching N records" */
	EV_NEXT_RUN,		/* stamp_us = local time of the next run */
	EV_ONLINE_CLIENTS,	/* Total online clients: N (TCP: n HTTP: count) */
};
#define EV_KIND_COUNT 17
/* Stable names used in JSON and the store: notification_received,
 * notification_validating, authorized, unauthorized, forwarded,
 * push_fetched, push_started, push_finished, bts_report,
 * firewall_blocked, task_received, response_sent, gateway_error,
 * web_exception, upload_batch, next_run, online_clients. */
const char *event_kind_name(enum event_kind kind);
bool event_kind_parse(const char *name, enum event_kind *out);

#define EVENT_NONE INT64_MIN	/* an absent number */

struct event {
	enum lane lane;
	enum event_kind kind;
	char guid[37];		/* upper case "XXXXXXXX-...", "" when none */
	int64_t push_id, task_id, task_type;
	int64_t count;		/* targets / clients / reported / batch size */
	int64_t failed;		/* BTS FailedClients */
	int64_t return_code;
	int64_t http_status;
	int64_t stamp_us;	/* see the kinds above; EVENT_NONE when none */
	char name[64];		/* template name or error reason */
	char tenant[40];
	char user[40];
	char detail[256];	/* TaskParam, endpoint; cut to fit */
};

/* Which lanes' patterns apply to a file, from its role (bundle.h):
 * connector -> LANE_CONNECTOR (+ gateway errors), server -> LANE_SERVER,
 * agent -> LANE_AGENT, upload -> LANE_SITE. Files of role other get no
 * events. */
struct event_matcher;

/* Compiles the table once. Never fails for the built-in table (a bad
 * pattern is a programming error and aborts with its text). */
struct event_matcher *event_matcher_new(void);
void event_matcher_free(struct event_matcher *m);

/* role: "connector", "server", "agent", "upload" (others match nothing).
 * msg: the record's message (SMS "~~" already stripped). Fills *ev and
 * returns true when one row matches. */
bool event_match(struct event_matcher *m, const char *role,
		 const char *msg, size_t len, struct event *ev);

#endif
