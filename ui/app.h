/* app.h - what the views share of the dashboard: the store, the view
 * stack and the status line. Private to ui/. */
#ifndef TATRACE_UI_APP_H
#define TATRACE_UI_APP_H

#include "theme.h"
#include "view.h"
#include "../db/store.h"

struct app;
struct store *app_store(struct app *a);
/* One line on the status row until the next key. */
void app_message(struct app *a, enum paint role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Open v on top of the stack (the app frees it when it is popped). */
void app_push(struct app *a, struct view *v);
/* The trace list, at the bottom of the stack. */
struct view *app_root(struct app *a);

#endif
