/* trace_status.c - the trace status table (see trace_status.h). */
#include "trace_status.h"

#include <string.h>

#define TRACE_STATUS_INFO(id, name, meaning, next) [id] = { name, meaning, next },
const struct trace_status_info trace_statuses[TRACE_STATUS_COUNT] = {
	TRACE_STATUS_TABLE(TRACE_STATUS_INFO)
};
#undef TRACE_STATUS_INFO

const char *trace_status_name(enum trace_status st)
{
	return (unsigned)st < TRACE_STATUS_COUNT ? trace_statuses[st].name : "?";
}

bool trace_status_parse(const char *name, enum trace_status *out)
{
	for (unsigned i = 0; i < TRACE_STATUS_COUNT; i++) {
		if (!strcmp(name, trace_statuses[i].name)) {
			*out = (enum trace_status)i;
			return true;
		}
	}
	return false;
}
