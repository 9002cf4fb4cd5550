/* app.c - the dashboard's main loop: terminal setup and restore on every
 * exit path, the view stack, and key dispatch through the action table
 * (actions change state and return what went stale; display.c draws). */
#include "app_internal.h"

#include <curses.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "draw.h"
#include "findings.h"
#include "glyphs.h"
#include "logview.h"
#include "tracelist.h"
#include "ui.h"
#include "../src/output.h"

static volatile sig_atomic_t got_signal;
static bool screen_active;

/* ui --follow's status slot: the follow thread writes, the loop reads. */
static pthread_mutex_t status_lock = PTHREAD_MUTEX_INITIALIZER;
static char status_line[512];
static unsigned status_posted, status_shown;

void ui_post_status(const char *line)
{
	pthread_mutex_lock(&status_lock);
	snprintf(status_line, sizeof(status_line), "%s", line);
	status_posted++;
	pthread_mutex_unlock(&status_lock);
}

/* A newly posted status line becomes the message, unless a prompt is
 * open. STALE_SCREEN when it did. */
static unsigned take_status(struct app *a)
{
	unsigned stale = STALE_NONE;
	pthread_mutex_lock(&status_lock);
	if (status_posted != status_shown && a->prompt == PROMPT_NONE) {
		app_message(a, PAINT_ACTIVE, "%s", status_line);
		status_shown = status_posted;
		stale = STALE_SCREEN;
	}
	pthread_mutex_unlock(&status_lock);
	return stale;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

/* Whatever way the process ends, the terminal comes back. */
static void restore_terminal(void)
{
	if (screen_active) {
		endwin();
		screen_active = false;
	}
}

struct store *app_store(struct app *a)
{
	return a->store;
}

void app_message(struct app *a, enum paint role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_role = role;
}

void app_store_failed(struct app *a, const char *what)
{
	if (store_busy(a->store)) {
		a->live_pending = true;	/* app_live reads again */
		return;
	}
	app_message(a, PAINT_FAIL, "%s %s%s%s", glyph(G_FAIL), what ? what : "", what ? ": " : "",
		    store_error(a->store));
}

void app_push(struct app *a, struct view *v)
{
	if (a->depth >= MAX_VIEWS) {
		v->ops->done(v);
		free(v);
		return;
	}
	a->stack[a->depth++] = v;
}

static void app_pop(struct app *a)
{
	struct view *v = a->stack[--a->depth];
	v->ops->done(v);
	free(v);
}

struct view *app_root(struct app *a)
{
	return a->stack[0];
}

struct view *app_top(struct app *a)
{
	return a->stack[a->depth - 1];
}

bool app_progress(struct app *a, const char *fmt, ...)
{
	double now = clock_now();
	/* The first frame 100 ms after the key that started the read (t0):
	 * a short read polls the keys without drawing. */
	double last = a->progress_at > a->t0 ? a->progress_at : a->t0;
	if (now - last >= 0.1) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(a->message, sizeof(a->message), fmt, ap);
		va_end(ap);
		a->message_role = PAINT_ACTIVE;
		display_draw(a);
		a->progress_at = now;
	}
	nodelay(stdscr, TRUE);
	int key = getch();
	timeout(100);	/* the loop's tick again (nodelay changed it) */
	/* Typed ahead: kept for the loop, in order. */
	if (key != ERR && key != 27 && key != KEY_RESIZE && a->n_typeahead < TYPEAHEAD_MAX)
		a->typeahead[a->n_typeahead++] = key;
	return key == 27;
}

/* The next key: one typed during a long read first, else getch. */
static int app_next_key(struct app *a)
{
	if (!a->n_typeahead)
		return getch();
	int key = a->typeahead[0];
	memmove(a->typeahead, a->typeahead + 1, --a->n_typeahead * sizeof(*a->typeahead));
	return key;
}

/* ---- the preview pane: a lines view over app->preview_lines ---- */

static unsigned preview_request(struct view *v, enum action act)
{
	(void)v;
	(void)act;
	return STALE_UNHANDLED;
}

static void preview_title(struct view *v, struct buf *out)
{
	(void)v;
	buf_puts(out, "the selected trace; Enter opens it, Tab moves focus");
}

static void preview_done(struct view *v)
{
	(void)v;
}

static const struct view_ops preview_ops = {
	.name = "preview",
	.mask = V_LIST,
	.count = lines_count,
	.height = lines_height,
	.draw_line = lines_draw_line,
	.request = preview_request,
	.match = lines_match,
	.title = preview_title,
	.done = preview_done,
};

/* ---- actions ---- */

static unsigned app_request(struct app *a, enum action act)
{
	struct view *v = a->depth == 1 && a->preview_focus ? a->preview : app_top(a);
	switch (act) {
	case ACT_QUIT: return STALE_QUIT;
	case ACT_BACK:
		if (a->depth == 1)
			return STALE_QUIT;
		app_pop(a);
		return STALE_SCREEN;
	case ACT_HELP:
		if (app_top(a)->ops->mask != V_HELP)
			app_push(a, help_open(a, app_top(a)->ops->mask));
		return STALE_SCREEN;
	case ACT_GRAPHICS:
		glyphs_set_ascii(!glyphs_ascii());
		return STALE_SCREEN;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		return STALE_SCREEN;
	case ACT_FOCUS:
		if (a->depth > 1)
			break;	/* the view's own panes (the timeline) */
		a->preview_focus = !a->preview_focus;
		return STALE_SCREEN;
	case ACT_FILTER:
		prompt_open(a, PROMPT_FILTER, "");
		filter_info(a, false);
		return STALE_SCREEN;
	case ACT_YANK: {
		/* A timeline or a record copies its own (a timeline opened
		 * from a record is not the list's selection). */
		unsigned own = a->depth > 1 ? v->ops->request(v, act) : STALE_UNHANDLED;
		return own & STALE_UNHANDLED ? app_yank(a) : own;
	}
	case ACT_COVERAGE: {
		struct view *c = coverage_open(a);
		if (c) {
			a->preview_focus = false;
			app_push(a, c);
		}
		return STALE_SCREEN;
	}
	case ACT_FINDINGS: {
		struct view *f = findings_open(a);
		if (f) {
			a->preview_focus = false;
			app_push(a, f);
		}
		return STALE_SCREEN;
	}
	case ACT_LOG:
		/* The list's L; the record detail opens the log itself. */
		if (a->depth == 1) {
			int64_t id, first = 0;
			const char *guid, *status;
			tracelist_selected(a->stack[0], &id, &guid, &status, &first);
			a->preview_focus = false;
			logview_open(a, first, 0, 0);
			return STALE_SCREEN;
		}
		break;
	case ACT_TIME_RANGE:
		prompt_open(a, PROMPT_TIME, "");
		snprintf(a->info, sizeof(a->info), "19:30-19:45, 19:30 (from then on), -15m (the last 15 minutes), empty clears");
		return STALE_SCREEN;
	case ACT_GOTO:
		prompt_open(a, PROMPT_GOTO, "");
		snprintf(a->info, sizeof(a->info), "trace number, GUID prefix or UTC time (19:35, 2026-09-25T19:35)");
		return STALE_SCREEN;
	case ACT_EXPORT:
		return prompt_export(a);
	case ACT_EXPORT_VIEW:
		return prompt_export_view(a);
	case ACT_MATCH_NEXT:
	case ACT_MATCH_PREV:
		if (a->depth > 1 && v->ops->match) {
			if (!view_find(v, a->find, act == ACT_MATCH_PREV))
				app_message(a, PAINT_WARN, "no more matches for '%s'", a->find);
			return STALE_SCREEN;
		}
		break;
	default:
		break;
	}
	unsigned stale = v->ops->request(v, act);
	if (stale & STALE_UNHANDLED)
		stale = view_request(v, act);
	/* The preview scrolls itself; the rest (Enter, s, o...) is the list's. */
	if ((stale & STALE_UNHANDLED) && v == a->preview)
		stale = a->stack[0]->ops->request(a->stack[0], act);
	/* A view that closes itself (findings' Enter) is popped here, after
	 * its request returned. */
	if ((stale & STALE_POP) && !(stale & STALE_UNHANDLED) && a->depth > 1) {
		app_pop(a);
		stale |= STALE_SCREEN;
	}
	return stale & STALE_UNHANDLED ? STALE_NONE : stale;
}

static unsigned app_key(struct app *a, int key)
{
	if (a->prompt != PROMPT_NONE)
		return prompt_key(a, key);
	a->message[0] = '\0';
	enum action act = action_for_key(app_top(a)->ops->mask, key);
	if (act == ACT_NONE)
		return STALE_SCREEN;
	return app_request(a, act);
}

/* ---- live: other connections' commits ---- */

/* How often the loop looks for them (PRAGMA data_version: no table read). */
#define LIVE_POLL 0.25
/* What a read waits for a writer's lock: about a frame. A refresh that
 * meets one is tried again at the next poll, the last good data shown. */
#define LIVE_BUSY_MS 15

/* Every LIVE_POLL: when another connection committed, each view re-reads
 * what it shows, all from one snapshot. An open prompt is not disturbed:
 * the refresh waits for it to close. LIVE_NONE when nothing was reread,
 * LIVE_SAME when nothing shown changed, LIVE_DRAW when it did. */
enum live { LIVE_NONE, LIVE_SAME, LIVE_DRAW };
static enum live app_live(struct app *a)
{
	double now = clock_now();
	if (now - a->live_at < LIVE_POLL)
		return LIVE_NONE;
	a->live_at = now;
	if (!store_changed(a->store) && !a->live_pending)
		return LIVE_NONE;
	a->live_pending = true;
	/* Keys first: a key waiting (typed ahead, or in the terminal)
	 * puts the reread off to a poll between keys. */
	if (a->n_typeahead)
		return LIVE_NONE;
	nodelay(stdscr, TRUE);
	int key = getch();
	if (key != ERR) {
		ungetch(key);
		return LIVE_NONE;
	}
	if (a->prompt != PROMPT_NONE || store_snapshot_begin(a->store) < 0)
		return LIVE_NONE;	/* busy, or a prompt: at a later poll */
	a->live_pending = false;
	unsigned stale = STALE_NONE;
	for (int i = 0; i < a->depth; i++)
		if (a->stack[i]->ops->reread)
			stale |= a->stack[i]->ops->reread(a->stack[i]);
	store_snapshot_end(a->store);
	return stale & STALE_SCREEN ? LIVE_DRAW : LIVE_SAME;
}

/* ---- setup and the loop ---- */

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* die() restores it before printing, so the message is seen; atexit
	 * covers every other exit. */
	die_atexit_hook(restore_terminal);
	atexit(restore_terminal);
}

/* False (with the reason on stderr) when the terminal cannot be used. */
static bool screen_start(bool ascii)
{
	if (!ascii && !glyphs_locale_utf8())
		ascii = true;
	glyphs_set_ascii(ascii);
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	/* Ask terminfo first: initscr would exit inside curses on an unknown
	 * TERM, and a failed newterm leaks its half-made screen. */
	if (!draw_terminal_known() || !newterm(NULL, stdout, stdin)) {
		const char *term = getenv("TERM");
		term_printf(stderr, "tatrace ui: cannot drive terminal '%s' (set TERM, e.g. xterm-256color)\n",
			term ? term : "");
		return false;
	}
	screen_active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	/* COLORS is known once start_color ran. */
	enum colour_mode mode = theme_mode_for(getenv("NO_COLOR"), getenv("TERM"),
					       has_colors() ? 8 : 0);
	if (mode != COLOUR_NONE && start_color() == OK && COLORS >= 256)
		mode = COLOUR_256;
	theme_init(mode);
	/* A tick, not a blocking read: signals and resizes are acted on
	 * even when no key comes. */
	timeout(100);
	return true;
}

static void app_free(struct app *a)
{
	while (a->depth > 0)
		app_pop(a);
	free(a->preview);
	lines_clear(&a->preview_lines);
	if (a->store)
		store_close(a->store);
	if (a->timing)
		fclose(a->timing);
	free(a);
}

/* For measuring (make bench, README figures): how long each key took
 * from its arrival to the screen's refresh, and the first screen from
 * ui_run's start; "slice" a redraw after a slice of work with more to
 * come, "idle" after work that finished, "live" after the views reread
 * for another connection's commit and redrew, "reread" when nothing
 * shown had changed (not drawn; both from the poll that saw it). Off unless
 * $TATRACE_UI_TIMING names a file. */
#define KEY_LIVE (-2)
#define KEY_REREAD (-3)	/* reread, nothing shown changed: not drawn */
static void timing_note(struct app *a, int key)
{
	if (!a->timing)
		return;
	bool busy = tracelist_busy(a->stack[0], a->prompt == PROMPT_FILTER && a->depth == 1);
	fprintf(a->timing, "%s %d %.3f\n",
		key == KEY_LIVE ? "live" : key == KEY_REREAD ? "reread" : key == ERR ? (busy ? "slice" : "idle") : key ? "key" : "first", key,
		(clock_now() - a->t0) * 1000);
	fflush(a->timing);
}

int ui_run(const struct ui_options *opt)
{
	char err[512];
	double start = clock_now();
	setlocale(LC_ALL, "");
	struct app *a = xcalloc(1, sizeof(*a));
	a->store_path = opt->store_path;
	a->store = store_open(opt->store_path, STORE_READ, NULL, err, sizeof(err));
	if (!a->store) {
		term_printf(stderr, "tatrace: %s\n", err);
		free(a);
		return 2;
	}
	/* Live: the baseline before the first read, so no commit after it
	 * goes unseen; a writer's lock costs a frame, not the 10 s an
	 * ingest waits. */
	store_set_busy_ms(a->store, LIVE_BUSY_MS);
	store_changed(a->store);
	struct view *list = tracelist_open(a, err, sizeof(err));
	if (!list) {
		term_printf(stderr, "tatrace: %s: %s\n", opt->store_path, err);
		app_free(a);
		return 2;
	}
	app_push(a, list);
	a->preview = xcalloc(1, sizeof(*a->preview));
	a->preview->ops = &preview_ops;
	a->preview->app = a;
	a->preview->data = &a->preview_lines;
	const char *timing = getenv("TATRACE_UI_TIMING");
	a->timing = timing && *timing ? fopen(timing, "a") : NULL;
	a->t0 = start;
	install_signals();
	if (!screen_start(opt->ascii)) {
		app_free(a);
		return 2;
	}
	unsigned stale = STALE_SCREEN;
	int rc = 0, key = 0;
	while (!got_signal) {
		if (stale & STALE_QUIT)
			break;
		if (stale) {
			display_draw(a);
			timing_note(a, key);
		}
		stale = STALE_NONE;
		a->t0 = clock_now();
		enum live live = app_live(a);
		if (live == LIVE_DRAW)
			display_draw(a);	/* only what changed: no flicker */
		if (live != LIVE_NONE)
			timing_note(a, live == LIVE_DRAW ? KEY_LIVE : KEY_REREAD);
		/* Work in slices (a regex over every trace) polls the keys
		 * between slices; otherwise a tick, for signals and resizes. */
		bool typing = a->prompt == PROMPT_FILTER && a->depth == 1;
		timeout(tracelist_busy(a->stack[0], typing) ? 0 : 100);
		key = app_next_key(a);
		a->t0 = clock_now();
		if (key == ERR) {
			stale = take_status(a);
			/* A pause in typing: a slice of the filter's count or
			 * scan, the strip. */
			bool show = tracelist_idle(a->stack[0], typing);
			if (show && a->depth == 1)
				stale = STALE_SCREEN;
			if (a->prompt == PROMPT_FILTER && a->count_stale &&
			    (show || !tracelist_busy(a->stack[0], typing))) {
				filter_info(a, true);
				stale = STALE_SCREEN;
			}
			if (!stale && tracelist_busy(a->stack[0], typing))
				timing_note(a, ERR);	/* a slice not drawn */
			continue;
		}
		if (key == KEY_RESIZE) {
			stale = STALE_SCREEN;
			continue;
		}
		stale = app_key(a, key);
	}
	if (got_signal)
		rc = 128 + got_signal;
	restore_terminal();
	app_free(a);
	return rc;
}

bool ui_terminal_dumb(void)
{
	return draw_terminal_dumb();
}

void ui_keys_man(FILE *f)
{
	actions_man(f);
}
