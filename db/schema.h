/* schema.h - creation and version check of the store's tables. */
#ifndef TATRACE_SCHEMA_H
#define TATRACE_SCHEMA_H

#include <stddef.h>
#include <stdbool.h>
#include <sqlite3.h>

/* Check, without writing anything, that db (named path in messages) is a
 * tatrace store of this version, or empty and create is set (then
 * *empty). Run before any pragma that writes: another application's
 * database is refused untouched. 0, or -1 with err set. */
int schema_check(sqlite3 *db, const char *path, bool create, bool *empty,
		 char *err, size_t errlen);
/* After schema_check: create the schema of an empty store, or heal a
 * writable one's. 0, or -1 with err set. */
int schema_ensure(sqlite3 *db, const char *path, bool create, bool empty,
		  char *err, size_t errlen);

/* The events' and traces' indexes a bulk load or a rebuild drops and
 * builds again, and the one bias learning builds when it first needs it. */
extern const char schema_event_index[];
extern const char schema_event_index_drop[];
extern const char schema_learn_index[];
extern const char schema_trace_indexes[];
extern const char schema_trace_indexes_drop[];

#endif
