/* namematch.h - what a name typed at a filter prompt means among the
 * store's names (hosts, components): the log's H and c filters.
 *
 * Typing the whole of SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker is
 * not how anyone works: any case, a unique prefix or a unique substring
 * will do, and an exact name (any case) wins over longer names it starts.
 * name_match is pure (unit-tested); name_resolve reads the names through
 * db/'s query API and words the answer for the status line. */
#ifndef TATRACE_UI_NAMEMATCH_H
#define TATRACE_UI_NAMEMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include "app.h"
#include "../db/store.h"

enum name_how { NAME_NONE, NAME_EXACT, NAME_PREFIX, NAME_SUBSTRING };

struct name_match {
	enum name_how how;	/* the first rule that matched anything */
	size_t count;		/* names it matched: 1 is an answer */
	size_t which;		/* the first of them, an index into names */
};

/* Match typed against names: exact (any case), else prefix, else
 * substring; count > 1 is ambiguous (name_fits lists them). */
struct name_match name_match(const char *const *names, size_t n, const char *typed);
/* Whether name matches typed by rule how. */
bool name_fits(const char *name, const char *typed, enum name_how how);

/* typed ("" clears: *out NULL) as one of the store's names of kind of:
 * true with *out the whole name (malloc'd) and a status-line message
 * saying what matched; false with err saying none or listing the
 * ambiguous ones. what names the kind ("host", "component"). */
bool name_resolve(struct app *a, enum store_names_of of, const char *what, const char *typed,
		  char **out, char *err, size_t errlen);

#endif
