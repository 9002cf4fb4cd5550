/* coverage.h - the coverage screen (C): what each stored log covers, per
 * host and lane, and the lanes with no log at all. */
#ifndef TATRACE_UI_COVERAGE_H
#define TATRACE_UI_COVERAGE_H

#include "app.h"

/* NULL (with the reason in the status line) when the store cannot be read. */
struct view *coverage_open(struct app *a);

#endif
