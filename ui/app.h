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
/* A read of the store failed: its reason on the status line; or, when
 * another connection's lock was in the way (a writer's commit), nothing
 * said: every view reads again at the next live poll (the last good data
 * shown meanwhile). what names the read ("log"), or NULL. */
void app_store_failed(struct app *a, const char *what);
/* Open v on top of the stack (the app frees it when it is popped). */
void app_push(struct app *a, struct view *v);
/* The trace list, at the bottom of the stack. */
struct view *app_root(struct app *a);
/* Copy text to the terminal's clipboard (OSC 52) and say "copied what".
 * text must hold no control characters (escape log text first). */
void app_copy(struct app *a, const char *text, const char *what);
/* A view's own prompt on the status line: label before the input, info
 * on the row above, text pre-filled. Enter calls accept(top view, input):
 * false keeps the prompt open with err shown above it; Esc cancels. */
typedef bool (*app_prompt_accept)(struct view *v, const char *input, char *err,
				  size_t errlen);
void app_prompt(struct app *a, const char *label, const char *info, const char *text,
		app_prompt_accept accept);
/* For a long read (a search through the whole store): show the text on
 * the status line (at most every 100 ms, the first 100 ms after the key
 * that started the read) and look at the keyboard without
 * waiting. True when Esc was pressed: the caller stops. Other keys typed
 * meanwhile are kept and handled, in order, once the read is over. */
bool app_progress(struct app *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
