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
#include "role.h"

/* The lanes of a trace; LANE_SITE holds the service connection point's
 * other workers (uploads, gateway errors) that are findings, not hops.
 * X(enum constant, stable name, the component that writes it) */
#define LANE_TABLE(X) \
	X(LANE_CONNECTOR, "connector", "SMS_SERVICE_CONNECTOR") \
	X(LANE_SERVER, "server", "SMS_NOTIFICATION_SERVER") \
	X(LANE_AGENT, "agent", "BgbAgent") \
	X(LANE_SITE, "site", "SMS_SERVICE_CONNECTOR (upload workers)")
#define LANE_ENUM(id, name, component) id,
enum lane { LANE_TABLE(LANE_ENUM) LANE_COUNT };
#undef LANE_ENUM
/* The lanes a trace is drawn on: connector, server, agent. */
#define TRACE_LANES 3
const char *lane_name(enum lane lane);		/* connector|server|agent|site */
const char *lane_component(enum lane lane);	/* SMS_SERVICE_CONNECTOR, ... */

/* Every kind of event, in the order of its stored number.
 * X(enum constant, stable name for JSON and the store, what the line says) */
#define EVENT_KIND_TABLE(X) \
	X(EV_NOTIFY_RECEIVED, "notification_received", "Received new notification. Validating ...") \
	X(EV_NOTIFY_VALIDATING, "notification_validating", "Validating device action message content...") \
	X(EV_AUTHORIZED, "authorized", "name=template, tenant, user") \
	X(EV_UNAUTHORIZED, "unauthorized", "name=template, tenant, user") \
	X(EV_FORWARDED, "forwarded", "task_type=template number, guid, count=targets, detail=TaskParam") \
	X(EV_PUSH_FETCHED, "push_fetched", "Get one push message from database.") \
	X(EV_PUSH_STARTED, "push_started", "push_id, task_id, guid, task_type, detail=TaskParam, count=clients") \
	X(EV_PUSH_FINISHED, "push_finished", "push_id, task_id, count=clients") \
	X(EV_BTS_REPORT, "bts_report", "push_id, count=reported, failed") \
	X(EV_FIREWALL_BLOCKED, "firewall_blocked", "Notification Server ... TCP port N is NOT allowed by Windows Firewall") \
	X(EV_TASK_RECEIVED, "task_received", "push_id, task_id, guid, task_type, detail=taskParam") \
	X(EV_RESPONSE_SENT, "response_sent", "push_id, task_id, return_code, stamp_us = TimeStamp (UTC)") \
	X(EV_GATEWAY_ERROR, "gateway_error", "detail=endpoint URL, http_status, name=reason") \
	X(EV_WEB_EXCEPTION, "web_exception", "Web exception when getting new notification") \
	X(EV_UPLOAD_BATCH, "upload_batch", "count = N of \"Batching N records\"") \
	X(EV_NEXT_RUN, "next_run", "stamp_us = local time of the next run") \
	X(EV_ONLINE_CLIENTS, "online_clients", "count=all, detail=\"TCP: n HTTP: m\"; stored once per change")
#define EVENT_KIND_ENUM(id, name, what) id,
enum event_kind { EVENT_KIND_TABLE(EVENT_KIND_ENUM) EV_KIND_COUNT };
#undef EVENT_KIND_ENUM
/* The stable name of a kind ("push_started"), "unknown" outside the table. */
const char *event_kind_name(enum event_kind kind);
bool event_kind_parse(const char *name, enum event_kind *out);
/* What a kind's line says or which fields it fills (the table's third
 * column), "" outside the table. */
const char *event_kind_fields(enum event_kind kind);

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

/* role: the file's role (ROLE_OTHER matches nothing).
 * msg: the record's message (SMS "~~" already stripped). Fills *ev and
 * returns true when one row matches. */
bool event_match_role(struct event_matcher *m, enum log_role role,
		      const char *msg, size_t len, struct event *ev);
/* How many rows a message of this role whose first non-blank byte is c
 * is tried against (the rest cannot match it): for the tests. */
unsigned event_rows_starting(const struct event_matcher *m, enum log_role role,
			     unsigned char c);
/* The same with the role by name ("connector", "server", "agent",
 * "upload"; NULL or others match nothing). */
bool event_match(struct event_matcher *m, const char *role,
		 const char *msg, size_t len, struct event *ev);

#endif
