/* findings.h - the findings screen (F): what is wrong in the store, most
 * urgent first, each finding with its advice, time range and evidence;
 * Enter selects the first affected trace in the list. */
#ifndef TATRACE_UI_FINDINGS_H
#define TATRACE_UI_FINDINGS_H

#include "app.h"

/* The stored findings as a view; NULL (with the reason in the status
 * line) when the store cannot be read. */
struct view *findings_open(struct app *a);

#endif
