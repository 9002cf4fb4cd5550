/* app_internal.h - the dashboard's state, shared by the modules of the
 * main loop: app.c (loop, view stack, dispatch), display.c (the layout and
 * the one function that draws a frame) and prompt.c (the prompts, export
 * and copy). Views never see it: they get app.h. */
#ifndef TATRACE_UI_APP_INTERNAL_H
#define TATRACE_UI_APP_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "lines.h"

#define MAX_VIEWS 8
#define MIN_COLS 80
#define MIN_ROWS 24
#define TYPEAHEAD_MAX 64

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_GOTO, PROMPT_TIME, PROMPT_EXPORT,
		   PROMPT_EXPORT_VIEW, PROMPT_OVERWRITE, PROMPT_VIEW };

struct app {
	struct store *store;
	const char *store_path;
	struct view *stack[MAX_VIEWS];
	int depth;
	struct view *preview;		/* the list's preview pane */
	struct lines preview_lines;
	bool preview_focus;
	enum prompt_kind prompt;
	char input[1024];
	size_t cursor;
	char info[2048];		/* the row above the prompt */
	enum paint info_role;
	bool count_stale;		/* the live filter count waits for a pause */
	char message[2048];
	enum paint message_role;
	bool export_view;		/* the export prompt is E's, not e's */
	char find[1024];			/* last / in a view that finds */
	FILE *timing;			/* $TATRACE_UI_TIMING: one line per redraw */
	double t0;
	char prompt_label[64];		/* PROMPT_VIEW: a view's own prompt */
	app_prompt_accept prompt_accept;
	double progress_at;		/* app_progress: the last frame drawn */
	int typeahead[TYPEAHEAD_MAX];	/* keys app_progress read, for the loop */
	size_t n_typeahead;
	double live_at;			/* the last look for other connections' commits */
	bool live_pending;		/* a change seen, its refresh not done yet */
};

/* The view on top of the stack. */
struct view *app_top(struct app *a);

/* display.c: lay out and draw the whole screen. */
void display_draw(struct app *a);

/* prompt.c */
void prompt_open(struct app *a, enum prompt_kind kind, const char *text);
/* A key while a prompt is open (or the overwrite question). */
unsigned prompt_key(struct app *a, int key);
/* The live line above the / prompt; count: now count the matches. */
void filter_info(struct app *a, bool count);
/* e: the export prompt for the selected trace. */
unsigned prompt_export(struct app *a);
/* E: the export prompt for every trace in the view. */
unsigned prompt_export_view(struct app *a);
/* y: copy the selected trace's GUID (OSC 52). */
unsigned app_yank(struct app *a);

#endif
