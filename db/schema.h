/* schema.h - creation and version check of the store's tables. */
#ifndef TATRACE_SCHEMA_H
#define TATRACE_SCHEMA_H

#include <stddef.h>
#include <stdbool.h>
#include <sqlite3.h>

/* Check the schema version of db (named path in messages); when create is
 * set and the store is empty, create the schema. 0, or -1 with err set. */
int schema_ensure(sqlite3 *db, const char *path, bool create,
		  char *err, size_t errlen);

/* Create and drop the indexes of the traces table (for its rebuild). */
extern const char schema_event_index[];
extern const char schema_event_index_drop[];
extern const char schema_trace_indexes[];
extern const char schema_trace_indexes_drop[];

#endif
