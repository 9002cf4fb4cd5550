/* record.h - the record detail screen: one stored record with where it
 * came from (file, host, line), its local time, bias and where the bias
 * came from, the trace event parsed from it, the findings that name it,
 * the error codes it names and what they mean, its raw text (multi-line
 * kept, SMS ~~ as line breaks) and its neighbours in the same file. */
#ifndef TATRACE_UI_RECORD_H
#define TATRACE_UI_RECORD_H

#include <stdint.h>
#include "app.h"

/* Open the detail of record seq (0-based) of file file_id on top of the
 * stack; says why on the status line when there is no such record. */
void record_open(struct app *a, int64_t file_id, uint64_t seq);

#endif
