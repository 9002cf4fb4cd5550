/* findings.h - what is wrong in a bundle, said before anyone asks.
 *
 * One table of rules (src/findings.c): each has a kind, a severity, a title,
 * advice in plain words and a matcher that reads what the store already
 * knows - the events of the site lane and the refusals, the rebuilt traces,
 * the files and what they cover - and turns it into findings with
 * evidence (log lines) and the traces concerned. Run after every trace
 * rebuild; the findings are stored (db/findings.c) so that commands and
 * the dashboard read them without recomputing. */
#ifndef TATRACE_FINDINGS_H
#define TATRACE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include "../db/store.h"

/* The finding kinds, in the order of the rule table. */
size_t finding_kind_count(void);
const char *finding_kind_name(size_t i);
bool finding_kind_known(const char *name);

/* Severities, most urgent first. */
enum finding_severity { FSEV_ERROR, FSEV_WARNING, FSEV_INFO };
const char *finding_severity_name(enum finding_severity sev);

/* Upload cycle of CMGatewaySyncUploadWorker and the slack allowed before a
 * cycle counts as missed. */
#define UPLOAD_CYCLE_US (INT64_C(15) * 60 * 1000000)
#define UPLOAD_GRACE_US (INT64_C(5) * 60 * 1000000)

/* Recompute every finding from the store and replace the stored ones.
 * 0, or -1 with store_error(s) telling why. */
int findings_rebuild(struct store *s, size_t *n_findings);

/* What the stored findings were computed from, taken before an ingest
 * loads anything; NULL when they are not up to date with the store (then
 * only a full rebuild will do). */
struct findings_base;
struct findings_base *findings_base_take(struct store *s);
void findings_base_free(struct findings_base *base);
/* Bring the findings up to date with what was stored since base: rerun
 * only the rules that the change reaches (new events findings read,
 * traces rewritten, logs added, grown or removed - each rule names what
 * it depends on), keep the stored findings of the others, and write only
 * the rows that differ, with the result of findings_rebuild. With base
 * NULL or traces_rebuilt (every trace rebuilt: events may have moved) it
 * is findings_rebuild. traces_rewritten: the trace update rewrote some.
 * 0, or -1 with store_error(s) telling why. */
int findings_update(struct store *s, const struct findings_base *base,
		    bool traces_rebuilt, bool traces_rewritten,
		    size_t *n_findings);

/* ---- pieces exposed for the unit tests ---- */

/* A file found to duplicate another (store_duplicate_files). */
struct dup_pair {
	const char *host, *path, *original;
};

struct finding_set;
struct finding_set *finding_set_new(void);
void finding_set_free(struct finding_set *fs);
size_t finding_set_count(const struct finding_set *fs);
/* The i-th finding, as it would be stored. */
void finding_set_get(const struct finding_set *fs, size_t i,
		     struct finding *out);

/* duplicate_evidence from a list of (file, duplicate_of) pairs. */
void findings_duplicates(struct finding_set *fs, const struct dup_pair *pairs,
			 size_t n);

/* Gaps in the upload cycle on one host: batch times (sorted), promised
 * next-run times (UTC, sorted; may be empty) and the time the upload log
 * covers, as sorted, possibly overlapping [start, end] intervals. Each gap
 * is reported only when it lies inside one covered stretch. Writes up to
 * max gaps as [from, to] pairs and returns how many there were. */
size_t upload_gaps(const int64_t *batches, size_t n_batches,
		   const int64_t *promises, size_t n_promises,
		   const int64_t (*covered)[2], size_t n_covered,
		   int64_t (*gaps)[2], size_t max);

/* The median of v[0..n) (sorted in place); 0 when n is 0. */
int64_t findings_median(int64_t *v, size_t n);

#endif
