/* trace_status.h - the one table of trace statuses.
 *
 * A trace's status names the first stage of the device action that the
 * evidence shows it did not pass. Everything that speaks of statuses --
 * the trace builder, `traces --help`, the man page (checked by a test),
 * the store's trace_statuses table and its status filter -- reads this
 * table, so the wording cannot drift between them. Order is the stage
 * order and is the rank stored in trace_statuses. */
#ifndef TATRACE_TRACE_STATUS_H
#define TATRACE_TRACE_STATUS_H

#include <stdbool.h>
#include <stdint.h>

/* X(enum constant, name, meaning, what to do next) */
#define TRACE_STATUS_TABLE(X) \
	X(TS_UNAUTHORIZED, "unauthorized", \
	  "the connector refused it: the Intune admin has no ConfigMgr rights on the device", \
	  "give the admin's account (AADUserID in CMGatewayNotificationWorker.log) a ConfigMgr role with rights on the device") \
	X(TS_NOT_FORWARDED, "not_forwarded", \
	  "authorized, never forwarded to the notification server", \
	  "read CMGatewayNotificationWorker.log on the service connection point after the Authorized line") \
	X(TS_NOT_PUSHED, "not_pushed", \
	  "forwarded, the notification server never started a push", \
	  "check SMS_NOTIFICATION_SERVER on the management point: BgbServer.log and the component's status") \
	X(TS_NOT_DELIVERED, "not_delivered", \
	  "pushed; the server's BTS report counts no answer and failed clients, and no collected client log shows the receipt", \
	  "check that the target is online and reaches its management point on TCP 10123 (else HTTP fallback): CcmNotificationAgent.log on the client") \
	X(TS_NO_RESPONSE, "no_response", \
	  "received, no matching response although the client's log goes on", \
	  "read CcmNotificationAgent.log and PolicyAgent.log on the client after the receipt") \
	X(TS_FAILED, "failed", \
	  "a client answered ReturnCode other than 1, or the server's BTS report counts failed clients", \
	  "read the client's CcmNotificationAgent.log around its response and the log of what it ran") \
	X(TS_PARTIAL, "partial", \
	  "some targets completed, others provably did not (no answer in a log that goes on, failed or missing by the server's count)", \
	  "tatrace show lists the targets that did not complete: check those clients") \
	X(TS_COMPLETE, "complete", \
	  "every target responded with ReturnCode 1", \
	  "nothing; the admin center shows the result after the next upload (every 15 minutes)") \
	X(TS_MISSING_EVIDENCE, "missing_evidence", \
	  "the log that would show the next step is not in the bundle or does not cover the time; no lane is blamed", \
	  "collect the log the summary names, from the host it names, and ingest it") \
	X(TS_UNMATCHED, "unmatched", \
	  "a response whose PushID/TaskID match no receipt", \
	  "collect the client's older CcmNotificationAgent.lo_, which may hold the receipt")

#define TRACE_STATUS_ENUM(id, name, meaning, next) id,
enum trace_status { TRACE_STATUS_TABLE(TRACE_STATUS_ENUM) TRACE_STATUS_COUNT };
#undef TRACE_STATUS_ENUM

struct trace_status_info {
	const char *name;	/* stable: JSON, --status, the store */
	const char *meaning;	/* one line for --help and the man page */
	const char *next_step;	/* what to do about a trace in this status */
};
extern const struct trace_status_info trace_statuses[TRACE_STATUS_COUNT];

/* Name of a status; "?" for a value outside the table. */
const char *trace_status_name(enum trace_status st);
/* Exact name -> status; false when unknown. */
bool trace_status_parse(const char *name, enum trace_status *out);
/* Bit of a status in a status mask (struct trace_query.statuses). */
#define TRACE_STATUS_BIT(st) (UINT32_C(1) << (st))
/* Every status but complete: `--status not_complete`. */
#define TRACE_STATUS_NOT_COMPLETE \
	(((UINT32_C(1) << TRACE_STATUS_COUNT) - 1) & ~TRACE_STATUS_BIT(TS_COMPLETE))

#endif
