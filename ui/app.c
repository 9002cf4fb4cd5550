/* app.c - the dashboard's main loop: terminal setup and restore, the view
 * stack, prompts (/ : e), key dispatch through the action table, and the
 * one place that lays the screen out and draws it. */
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "glyphs.h"
#include "lines.h"
#include "tracelist.h"
#include "ui.h"
#include "../src/export.h"
#include "../parsers/timeparse.h"

#define MAX_VIEWS 8
#define MIN_COLS 80
#define MIN_ROWS 24

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_GOTO, PROMPT_TIME, PROMPT_EXPORT,
		   PROMPT_OVERWRITE };

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
	enum role info_role;
	bool count_stale;		/* the live filter count waits for a pause */
	char message[2048];
	enum role message_role;
	char find[1024];			/* last / in a view that finds */
	FILE *timing;			/* $TATRACE_UI_TIMING: one line per redraw */
	double t0;
};

static volatile sig_atomic_t got_signal;
static bool screen_active;

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

void app_message(struct app *a, enum role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_role = role;
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

static struct view *top(struct app *a)
{
	return a->stack[a->depth - 1];
}

/* ---- drawing: the one place that lays out the screen ---- */

static void draw_title(struct view *v, int y, int w, bool focused)
{
	struct buf b = {0};
	buf_printf(&b, "[%s] ", v->ops->name);
	if (v->ops->title)
		v->ops->title(v, &b);
	enum role role = focused ? ROLE_TITLE_FOCUS : ROLE_TITLE_BLUR;
	draw_text(y, 0, w, role, b.data, true);
	int64_t n = v->ops->count(v);
	char pct[16];
	snprintf(pct, sizeof(pct), "%3d%%", n > 0 ? (int)((v->item + 1) * 100 / n) : 100);
	draw_text(y, w - 5, 5, role, pct, true);
	buf_free(&b);
}

static void draw_hints(struct app *a, int y, int w)
{
	unsigned mask = top(a)->ops->mask;
	int x = 0;
	draw_fill(y, 0, w, ROLE_NORMAL);
	for (size_t i = 0; i < action_info_count && x < w; i++) {
		const struct action_info *ai = &action_infos[i];
		if (!(ai->views & mask) || ai->id == ACT_DOWN || ai->id == ACT_UP ||
		    (ai->id >= ACT_FIRST && ai->id <= ACT_HALF_UP) || ai->id == ACT_MATCH_PREV ||
		    ai->id == ACT_REDRAW || ai->id == ACT_FOLD || ai->id == ACT_UNFOLD)
			continue;
		char keys[64];
		action_keys_text(ai, keys, sizeof(keys));
		char *sp = strchr(keys, ' ');
		if (sp)
			*sp = '\0';
		int need = draw_width(keys) + 1 + (int)strlen(ai->name) + 1;
		if (x + need > w)
			break;
		x += draw_text(y, x, w - x, ROLE_HINT_KEY, keys, false);
		x += draw_text(y, x, 1, ROLE_NORMAL, " ", false);
		x += draw_text(y, x, w - x, ROLE_HINT_LABEL, ai->name, false);
		x += draw_text(y, x, 1, ROLE_NORMAL, " ", false);
	}
}

static void draw_top_bar(struct app *a, int w)
{
	struct buf b = {0};
	buf_printf(&b, " tatrace %s %s %s UTC %s ?:help", glyph(G_VBAR), a->store_path,
		   glyph(G_VBAR), glyph(G_VBAR));
	draw_text(0, 0, w, ROLE_BAR, b.data, true);
	buf_free(&b);
}

static void draw_bottom(struct app *a, int rows, int w)
{
	if (a->prompt != PROMPT_NONE && a->prompt != PROMPT_OVERWRITE) {
		draw_text(rows - 2, 0, w, a->info_role, a->info, true);
		const char *label = a->prompt == PROMPT_FILTER ? "/" :
				    a->prompt == PROMPT_GOTO ? ":" :
				    a->prompt == PROMPT_TIME ? "Time range (UTC): " : "Export to: ";
		int x = draw_text(rows - 1, 0, w, ROLE_NORMAL, label, false);
		char save = a->input[a->cursor];
		a->input[a->cursor] = '\0';
		int cx = x + draw_width(a->input);
		a->input[a->cursor] = save;
		draw_text(rows - 1, x, w - x, ROLE_NORMAL, a->input, true);
		draw_cursor(rows - 1, cx < w ? cx : w - 1);
		return;
	}
	draw_cursor(-1, 0);
	draw_text(rows - 2, 0, w, a->message_role, a->message, true);
	draw_hints(a, rows - 1, w);
}

static void draw_list_screen(struct app *a, int rows, int w)
{
	struct view *list = a->stack[0];
	draw_top_bar(a, w);
	int head = 5;	/* bar, counts, strip, filters, column headings */
	int avail = rows - head - 4;
	int prev = rows < 30 ? 3 : avail * 2 / 5;
	list->lines = avail - prev;
	a->preview->lines = prev;
	list->cols = a->preview->cols = w;
	view_keep_visible(list);
	tracelist_draw_header(list, 1, w);
	view_draw(list, head, w, !a->preview_focus);
	draw_title(list, head + list->lines, w, !a->preview_focus);
	tracelist_preview(list, &a->preview_lines);
	view_keep_visible(a->preview);
	view_draw(a->preview, head + 1 + list->lines, w, a->preview_focus);
	draw_title(a->preview, head + 1 + list->lines + prev, w, a->preview_focus);
}

static void draw_view_screen(struct app *a, int rows, int w)
{
	struct view *v = top(a);
	draw_top_bar(a, w);
	v->lines = rows - 4;
	v->cols = w;
	view_keep_visible(v);
	view_draw(v, 1, w, true);
	draw_title(v, rows - 3, w, true);
}

static void app_draw(struct app *a)
{
	int rows, cols;
	draw_size(&rows, &cols);
	draw_clear();
	if (cols < MIN_COLS || rows < MIN_ROWS) {
		char text[128];
		snprintf(text, sizeof(text), "tatrace needs %dx%d (now %dx%d) - resize or press q",
			 MIN_COLS, MIN_ROWS, cols, rows);
		int tw = draw_width(text);
		draw_text(rows / 2, tw < cols ? (cols - tw) / 2 : 0, cols, ROLE_NORMAL, text, false);
		draw_cursor(-1, 0);
	} else {
		if (a->depth == 1)
			draw_list_screen(a, rows, cols);
		else
			draw_view_screen(a, rows, cols);
		draw_bottom(a, rows, cols);
	}
	draw_flush();
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

/* ---- prompts ---- */

static void prompt_open(struct app *a, enum prompt_kind kind, const char *text)
{
	a->prompt = kind;
	snprintf(a->input, sizeof(a->input), "%s", text);
	a->cursor = strlen(a->input);
	a->info[0] = '\0';
	a->info_role = ROLE_NORMAL;
	a->count_stale = kind == PROMPT_FILTER;
}

/* The live preview of a filter: PCRE2's message, or how many traces. */
static void filter_info(struct app *a, bool count)
{
	char err[200];
	struct view *list = a->stack[0];
	if (a->depth > 1) {
		snprintf(a->info, sizeof(a->info), "find (case-insensitive text)");
		return;
	}
	if (!tracelist_try_pattern(a->input, err, sizeof(err))) {
		snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
		a->info_role = ROLE_FAIL;
		a->count_stale = false;
		return;
	}
	a->info_role = ROLE_NORMAL;
	if (!count) {
		snprintf(a->info, sizeof(a->info), "PCRE2 over GUID, status, action, hosts, summary %s Enter applies, empty clears",
			 glyph(G_NOT_REACHED));
		return;
	}
	int64_t n = *a->input ? tracelist_count_with(list, a->input) : -1;
	if (n >= 0)
		snprintf(a->info, sizeof(a->info), "%lld of %lld traces match %s Enter applies, Esc cancels",
			 (long long)n, (long long)tracelist_total(list), glyph(G_NOT_REACHED));
	else
		snprintf(a->info, sizeof(a->info), "empty: Enter clears the filter");
	a->count_stale = false;
}

static void export_name(struct app *a, char *out, size_t len)
{
	int64_t id, first;
	const char *guid, *status;
	if (!tracelist_selected(a->stack[0], &id, &guid, &status, &first)) {
		snprintf(out, len, "./trace.json");
		return;
	}
	/* A detail view shows the list's selected trace. */
	if (guid) {
		snprintf(out, len, "./trace-%s.json", guid);
		return;
	}
	char t[32];
	format_utc_ms(first, t);	/* no colons: valid on Windows shares */
	snprintf(out, len, "./trace-%s-%.4s%.2s%.2sT%.2s%.2s%.2sZ.json", status, t, t + 5, t + 8,
		 t + 11, t + 14, t + 17);
}

/* Copy text to the terminal's clipboard with OSC 52 (xterm; tmux with
 * set-clipboard; works over SSH). text is a GUID: hex and dashes, never
 * log bytes, so nothing hostile reaches the terminal. */
static void clipboard_copy(const char *text)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text);
	fputs("\033]52;c;", stdout);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		putchar(b64[v >> 18 & 63]);
		putchar(b64[v >> 12 & 63]);
		putchar(i + 1 < n ? b64[v >> 6 & 63] : '=');
		putchar(i + 2 < n ? b64[v & 63] : '=');
	}
	fputs("\a", stdout);
	fflush(stdout);
}

static int64_t export_id(struct app *a)
{
	int64_t id = 0, first;
	const char *guid, *status;
	if (a->depth > 1 && detail_trace_id(top(a)))
		return detail_trace_id(top(a));
	tracelist_selected(a->stack[0], &id, &guid, &status, &first);
	return id;
}

static const char *format_label(enum out_format f)
{
	return f == OUT_JSON ? "JSON" : f == OUT_CSV ? "CSV" : f == OUT_CHROME ? "Chrome trace" : "text";
}

/* Write the export; false keeps the prompt open. */
static bool export_write(struct app *a, bool overwrite)
{
	enum out_format fmt;
	if (!export_format_of_path(a->input, &fmt)) {
		snprintf(a->info, sizeof(a->info), "%s Unknown extension - use .json .csv .txt .chrome.json",
			 glyph(G_FAIL));
		a->info_role = ROLE_FAIL;
		return false;
	}
	if (!overwrite && access(a->input, F_OK) == 0) {
		a->prompt = PROMPT_OVERWRITE;
		app_message(a, ROLE_WARN, "%s %s exists - overwrite? y/N", glyph(G_FAIL), a->input);
		return true;
	}
	struct buf b = {0};
	if (trace_export(a->store, export_id(a), fmt, &b) != 0) {
		snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), store_error(a->store));
		a->info_role = ROLE_FAIL;
		buf_free(&b);
		return false;
	}
	int fd = open(a->input, O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL), 0644);
	bool ok = fd >= 0 && write(fd, b.data, b.len) == (ssize_t)b.len;
	int err = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	char *abs = realpath(a->input, NULL);
	if (ok) {
		app_message(a, ROLE_OK, "%s Wrote %s (%zu bytes, %s)", glyph(G_OK), abs ? abs : a->input,
			    b.len, format_label(fmt));
		a->prompt = PROMPT_NONE;
	} else {
		snprintf(a->info, sizeof(a->info), "%s Cannot write %s: %s", glyph(G_FAIL), a->input,
			 strerror(err));
		a->info_role = ROLE_FAIL;
		a->prompt = PROMPT_EXPORT;
	}
	free(abs);
	buf_free(&b);
	return ok;
}

static void prompt_accept(struct app *a)
{
	char err[200];
	switch (a->prompt) {
	case PROMPT_FILTER:
		if (a->depth > 1) {
			snprintf(a->find, sizeof(a->find), "%s", a->input);
			a->prompt = PROMPT_NONE;
			if (!view_find(top(a), a->find, false))
				app_message(a, ROLE_WARN, "no more matches for '%s'", a->find);
			return;
		}
		if (tracelist_set_pattern(a->stack[0], a->input, err, sizeof(err))) {
			a->prompt = PROMPT_NONE;
			app_message(a, ROLE_NORMAL, "%s", *a->input ? "filter applied" : "filter cleared");
		} else {
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = ROLE_FAIL;
		}
		return;
	case PROMPT_TIME:
		if (tracelist_set_time(a->stack[0], a->input, err, sizeof(err))) {
			a->prompt = PROMPT_NONE;
			app_message(a, ROLE_NORMAL, "%s", *a->input ? "time range applied" : "time range cleared");
		} else {
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = ROLE_FAIL;
		}
		return;
	case PROMPT_GOTO:
		a->prompt = PROMPT_NONE;
		if (!tracelist_jump(a->stack[0], a->input))
			app_message(a, ROLE_WARN, "no trace '%s' under the current filters", a->input);
		return;
	case PROMPT_EXPORT:
		export_write(a, false);
		return;
	default:
		return;
	}
}

/* Tab in the export prompt: .json -> .csv -> .txt -> .chrome.json. */
static void export_next_format(struct app *a)
{
	static const enum out_format cycle[] = { OUT_JSON, OUT_CSV, OUT_TEXT, OUT_CHROME };
	enum out_format now;
	size_t len = strlen(a->input), at = 0;
	if (export_format_of_path(a->input, &now)) {
		len -= strlen(export_extension(now));
		for (size_t i = 0; i < 4; i++)
			if (cycle[i] == now)
				at = (i + 1) % 4;
	}
	const char *ext = export_extension(cycle[at]);
	if (len + strlen(ext) + 1 > sizeof(a->input))
		return;
	strcpy(a->input + len, ext);
	a->cursor = strlen(a->input);
}

/* Line editing: C-a C-e C-u C-w, arrows, Backspace; Tab; Enter; Esc. */
static void prompt_key(struct app *a, int key)
{
	size_t len = strlen(a->input);
	if (key == 27) {
		a->prompt = PROMPT_NONE;
		a->message[0] = '\0';
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		prompt_accept(a);
		return;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (a->cursor > 0) {
			size_t from = a->cursor - 1;
			while (from > 0 && ((unsigned char)a->input[from] & 0xc0) == 0x80)
				from--;
			memmove(a->input + from, a->input + a->cursor, len - a->cursor + 1);
			a->cursor = from;
		}
	} else if (key == KEY_LEFT) {
		while (a->cursor > 0 && ((unsigned char)a->input[--a->cursor] & 0xc0) == 0x80)
			;
	} else if (key == KEY_RIGHT) {
		while (a->cursor < len && ((unsigned char)a->input[++a->cursor] & 0xc0) == 0x80)
			;
	} else if (key == 1 || key == KEY_HOME) {
		a->cursor = 0;
	} else if (key == 5 || key == KEY_END) {
		a->cursor = len;
	} else if (key == 21) {
		a->input[0] = '\0';
		a->cursor = 0;
	} else if (key == 23) {
		size_t from = a->cursor;
		while (from > 0 && a->input[from - 1] == ' ')
			from--;
		while (from > 0 && a->input[from - 1] != ' ')
			from--;
		memmove(a->input + from, a->input + a->cursor, len - a->cursor + 1);
		a->cursor = from;
	} else if (key == '\t' && a->prompt == PROMPT_EXPORT) {
		export_next_format(a);
	} else if (key >= 32 && key < 256 && key != 127 && len + 1 < sizeof(a->input)) {
		memmove(a->input + a->cursor + 1, a->input + a->cursor, len - a->cursor + 1);
		a->input[a->cursor++] = (char)key;
	} else {
		return;
	}
	if (a->prompt == PROMPT_FILTER) {
		a->count_stale = true;
		filter_info(a, false);
	}
}

/* ---- actions ---- */

static unsigned app_request(struct app *a, enum action act)
{
	struct view *v = a->depth == 1 && a->preview_focus ? a->preview : top(a);
	switch (act) {
	case ACT_QUIT: return STALE_QUIT;
	case ACT_BACK:
		if (a->depth == 1)
			return STALE_QUIT;
		app_pop(a);
		return STALE_SCREEN;
	case ACT_HELP:
		if (top(a)->ops->mask != V_HELP)
			app_push(a, help_open(a, top(a)->ops->mask));
		return STALE_SCREEN;
	case ACT_GRAPHICS:
		glyphs_set_ascii(!glyphs_ascii());
		return STALE_SCREEN;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		return STALE_SCREEN;
	case ACT_FOCUS:
		a->preview_focus = !a->preview_focus;
		return STALE_SCREEN;
	case ACT_FILTER:
		prompt_open(a, PROMPT_FILTER, "");
		filter_info(a, false);
		return STALE_SCREEN;
	case ACT_YANK: {
		int64_t id, first;
		const char *guid, *status;
		if (!tracelist_selected(a->stack[0], &id, &guid, &status, &first) || !guid ||
		    guid[strspn(guid, "0123456789ABCDEFabcdef-{}")]) {
			app_message(a, ROLE_WARN, "no GUID to copy");
			return STALE_SCREEN;
		}
		clipboard_copy(guid);
		app_message(a, ROLE_OK, "%s copied %s (OSC 52)", glyph(G_OK), guid);
		return STALE_SCREEN;
	}
	case ACT_TIME_RANGE:
		prompt_open(a, PROMPT_TIME, "");
		snprintf(a->info, sizeof(a->info), "19:30-19:45, 19:30 (from then on), -15m (the last 15 minutes), empty clears");
		return STALE_SCREEN;
	case ACT_GOTO:
		prompt_open(a, PROMPT_GOTO, "");
		snprintf(a->info, sizeof(a->info), "trace number or GUID prefix");
		return STALE_SCREEN;
	case ACT_EXPORT: {
		if (!export_id(a)) {
			app_message(a, ROLE_WARN, "no trace to export");
			return STALE_SCREEN;
		}
		char name[256];
		export_name(a, name, sizeof(name));
		prompt_open(a, PROMPT_EXPORT, name);
		char cwd[512];
		snprintf(a->info, sizeof(a->info), "[export] the extension picks the format (Tab cycles): .json .csv .txt .chrome.json %s cwd %s",
			 glyph(G_NOT_REACHED), getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		return STALE_SCREEN;
	}
	case ACT_MATCH_NEXT:
	case ACT_MATCH_PREV:
		if (a->depth > 1 && v->ops->match) {
			if (!view_find(v, a->find, act == ACT_MATCH_PREV))
				app_message(a, ROLE_WARN, "no more matches for '%s'", a->find);
			return STALE_SCREEN;
		}
		break;
	default:
		break;
	}
	unsigned stale = v->ops->request(v, act);
	if (stale & STALE_UNHANDLED)
		stale = view_request(v, act);
	return stale & STALE_UNHANDLED ? STALE_NONE : stale;
}

static unsigned app_key(struct app *a, int key)
{
	if (a->prompt == PROMPT_OVERWRITE) {
		a->message[0] = '\0';
		if (key == 'y' || key == 'Y') {
			export_write(a, true);
		} else {
			a->prompt = PROMPT_EXPORT;
			snprintf(a->info, sizeof(a->info), "not overwritten: edit the name");
		}
		return STALE_SCREEN;
	}
	if (a->prompt != PROMPT_NONE) {
		prompt_key(a, key);
		return STALE_SCREEN;
	}
	a->message[0] = '\0';
	enum action act = action_for_key(top(a)->ops->mask, key);
	if (act == ACT_NONE)
		return STALE_SCREEN;
	return app_request(a, act);
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
	atexit(restore_terminal);
}

static void screen_start(bool ascii)
{
	if (!ascii && !glyphs_locale_utf8())
		ascii = true;
	glyphs_set_ascii(ascii);
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	initscr();
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
 * ui_run's start. Off unless $TATRACE_UI_TIMING names a file. */
static void timing_note(struct app *a, int key)
{
	if (!a->timing)
		return;
	fprintf(a->timing, "%s %d %.3f\n", key == ERR ? "idle" : key ? "key" : "first", key,
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
		fprintf(stderr, "tatrace: %s\n", err);
		free(a);
		return 2;
	}
	struct view *list = tracelist_open(a, err, sizeof(err));
	if (!list) {
		fprintf(stderr, "tatrace: %s: %s\n", opt->store_path, err);
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
	screen_start(opt->ascii);
	unsigned stale = STALE_SCREEN;
	int rc = 0, key = 0;
	while (!got_signal) {
		if (stale & STALE_QUIT)
			break;
		if (stale) {
			app_draw(a);
			timing_note(a, key);
		}
		stale = STALE_NONE;
		key = getch();
		a->t0 = clock_now();
		if (key == ERR) {
			/* A pause in typing: now the filter's count, the strip. */
			if (a->prompt == PROMPT_FILTER && a->count_stale) {
				filter_info(a, true);
				stale = STALE_SCREEN;
			}
			if (tracelist_idle(a->stack[0]) && a->depth == 1)
				stale = STALE_SCREEN;
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

void ui_keys_man(FILE *f)
{
	actions_man(f);
}
