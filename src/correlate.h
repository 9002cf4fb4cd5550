/* correlate.h - rebuilding device-action traces from the stored events.
 *
 * Every event of the store is read once in UTC order and joined: the
 * connector's lines by host, thread and order until "Forwarded" names the
 * TaskGUID; the GUID across lanes (case-insensitively); (PushID, TaskID)
 * between the push, the BTS report, the client receipts and responses. A
 * response that matches no receipt is shown unmatched, never attached as if
 * it were the answer. Each trace gets the first stage it did not pass, its
 * hop latencies, and the lanes whose logs give no evidence for its time. */
#ifndef TATRACE_CORRELATE_H
#define TATRACE_CORRELATE_H

#include <stdint.h>
#include "../db/store.h"

struct correlate_stats {
	uint64_t events;	/* events replayed */
	uint64_t traces;	/* traces in the store after */
	double seconds;
	bool incremental;	/* correlate_update rebuilt only some */
	uint64_t rebuilt;	/* traces it rewrote */
	const char *fallback;	/* why an update ran the full rebuild, or NULL */
	uint64_t live_peak;	/* most traces a full rebuild held at once */
	const char *held_all;	/* why a full rebuild held every trace, or NULL */
};

/* Replace the store's traces with ones built from its events, in one
 * transaction. 0, or -1 with store_error(s) telling why. The traces are
 * written as the replay leaves them behind, so memory follows the traces
 * of a few minutes, not all of them; a join that reaches a trace already
 * written (an answer hours late) is noticed, and the rebuild then runs
 * again holding every trace (stats->held_all says why): the same traces,
 * under the same ids, either way. */
int correlate_rebuild(struct store *s, struct correlate_stats *stats);
/* The same, a trace being written once quiet_us passed without an event
 * joining it; 0 holds every trace. correlate_rebuild takes 10 minutes,
 * or $TATRACE_TRACE_QUIET seconds. */
int correlate_rebuild_quiet(struct store *s, int64_t quiet_us,
			    struct correlate_stats *stats);

/* What the traces were built from: the highest event id and each log's
 * time span, taken before an ingest loads anything (NULL when the traces
 * are stale already: then only a full rebuild will do). */
struct correlate_base;
struct correlate_base *correlate_base_take(struct store *s);
void correlate_base_free(struct correlate_base *base);
/* Bring the traces up to date with what was stored since base: rebuild
 * only the traces the new events and the grown time spans can change,
 * under the ids a full rebuild would give them (untouched traces keep
 * theirs), with the same result as correlate_rebuild. When that cannot
 * be done safely (a replaced or shrunk log, re-timed events, a join
 * older than the replay's window, ids that would shift) it runs
 * correlate_rebuild and names the case in stats->fallback. 0 or -1. */
int correlate_update(struct store *s, const struct correlate_base *base,
		     struct correlate_stats *stats);

/* Action name of a TaskType number without help from the bundle:
 * 1 RequestMachinePolicy, 15 RequestScriptExecution, else NULL. */
const char *action_of_task_type(int64_t task_type);

/* The names an admin types for an action: the Intune admin center's
 * ("Sync Machine Policy"), the template's (RequestMachinePolicy) or its
 * number ("1"), case and spaces aside. Fills up to max template names the
 * store may hold for it and returns how many; 0 when the name is none of
 * the known actions (then match it as typed). */
size_t action_aliases(const char *typed, const char **names, size_t max);

#endif
