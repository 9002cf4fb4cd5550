/* ui.h - the dashboard's entry point (`tatrace ui`). No curses here:
 * src/ calls it without knowing how it draws. */
#ifndef TATRACE_UI_H
#define TATRACE_UI_H

#include <stdbool.h>
#include <stdio.h>

struct ui_options {
	const char *store_path;
	bool ascii;		/* --ascii: ASCII glyphs from the start */
};

/* Run the dashboard on a terminal until the user quits. Returns the exit
 * status: 0, 2 when the store cannot be read, 128+N after signal N. The
 * terminal is restored on every path. */
int ui_run(const struct ui_options *opt);
/* True when the terminal cannot move its cursor (TERM=dumb): callers
 * print text instead of running the dashboard. */
bool ui_terminal_dumb(void);
/* ui --follow: another thread (the follow loop) posts its latest status
 * line here (escaped for a terminal already); the dashboard shows it in
 * its status line at its next tick. Thread-safe; any thread, any time. */
void ui_post_status(const char *line);
/* The KEYS section of tatrace(1), generated from ui/actions.h. */
void ui_keys_man(FILE *f);

#endif
