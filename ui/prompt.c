/* prompt.c - the prompts of the status line (/ filter, : goto, t time
 * range, e export and its overwrite question): line editing, the live
 * filter count, and what leaves the dashboard: export files (the bytes of
 * `tatrace show -o`) and the GUID copied with OSC 52. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <curses.h>

#include "app_internal.h"
#include "glyphs.h"
#include "pattern.h"
#include "timeline.h"
#include "timerange.h"
#include "tracelist.h"
#include "../src/export.h"
#include "../parsers/timeparse.h"

void prompt_open(struct app *a, enum prompt_kind kind, const char *text)
{
	a->prompt = kind;
	snprintf(a->input, sizeof(a->input), "%s", text);
	a->cursor = strlen(a->input);
	a->info[0] = '\0';
	a->info_role = PAINT_NORMAL;
	a->count_stale = kind == PROMPT_FILTER;
}

/* / in a timeline: PCRE2's message at once, the count at a pause. */
static void timeline_find_info(struct app *a, bool count)
{
	char err[200];
	/* typing only compiles (the message at once); a pause counts */
	int64_t n = !*a->input ? 0 : count ? timeline_count_matches(app_top(a), a->input, err, sizeof(err))
				   : ui_pattern_check(a->input, err, sizeof(err)) ? 0 : -1;
	a->info_role = n < 0 ? PAINT_FAIL : PAINT_NORMAL;
	if (n < 0)
		snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
	else if (!*a->input)
		snprintf(a->info, sizeof(a->info), "empty: Enter clears the marks");
	else if (count)
		snprintf(a->info, sizeof(a->info), "%lld events match %s Enter marks them (hides nothing), n/N step",
			 (long long)n, glyph(G_NOT_REACHED));
	else
		snprintf(a->info, sizeof(a->info), "PCRE2 over the events' text, host and kind %s Enter marks them, hides nothing",
			 glyph(G_NOT_REACHED));
	if (count || n < 0)
		a->count_stale = false;
}

/* The live preview of a filter: PCRE2's message, or how many traces
 * match so far (the scan runs between keys, a slice at a time: typing
 * never waits for it). */
void filter_info(struct app *a, bool count)
{
	char err[200];
	struct view *list = a->stack[0];
	if (a->depth > 1 && timeline_trace_id(app_top(a))) {
		timeline_find_info(a, count);
		return;
	}
	if (a->depth > 1 && app_top(a)->ops->find) {
		/* A view that searches the store takes PCRE2: say now when it
		 * does not compile (the same flags as the list's filter). */
		a->info_role = PAINT_NORMAL;
		if (!ui_pattern_check(a->input, err, sizeof(err))) {
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = PAINT_FAIL;
		} else {
			snprintf(a->info, sizeof(a->info), "find (PCRE2, case-insensitive) from the cursor on; n N next, previous; Esc stops a long search");
		}
		return;
	}
	if (a->depth > 1) {
		snprintf(a->info, sizeof(a->info), "find (case-insensitive text)");
		return;
	}
	if (!tracelist_probe(list, a->input, err, sizeof(err))) {
		snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
		a->info_role = PAINT_FAIL;
		a->count_stale = false;
		return;
	}
	a->info_role = PAINT_NORMAL;
	if (!count) {
		snprintf(a->info, sizeof(a->info), "PCRE2 over GUID, status, action, hosts, summary %s Enter applies, empty clears",
			 glyph(G_NOT_REACHED));
		return;
	}
	int64_t n;
	bool done = true;
	if (*a->input && tracelist_probe_count(list, &n, &done))
		snprintf(a->info, sizeof(a->info), "%lld%s of %lld traces match%s %s Enter applies, Esc cancels",
			 (long long)n, done ? "" : "+", (long long)tracelist_total(list),
			 done ? "" : ", searching", glyph(G_NOT_REACHED));
	else
		snprintf(a->info, sizeof(a->info), "empty: Enter clears the filter");
	a->count_stale = !done;
}

/* Copy text to the terminal's clipboard with OSC 52 (xterm; tmux with
 * set-clipboard; works over SSH). text is base64-encoded, so no byte of
 * it reaches the terminal raw; callers still hand over escaped text (a
 * GUID, or a record with its controls escaped) so that pasting it cannot
 * replay an escape sequence either. */
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
	if (a->depth > 1 && detail_trace_id(app_top(a)))
		return detail_trace_id(app_top(a));
	if (a->depth > 1 && timeline_trace_id(app_top(a)))
		return timeline_trace_id(app_top(a));
	tracelist_selected(a->stack[0], &id, &guid, &status, &first);
	return id;
}

/* The name of the trace being exported -- the one on screen, which from a
 * timeline opened through a record is not the list's selection. */
static int export_name_row(void *ctx, const struct trace_row *t)
{
	char *out = ctx;
	if (t->guid && *t->guid) {
		snprintf(out, 256, "./trace-%s.json", t->guid);
		return 1;
	}
	char u[32];
	format_utc_ms(t->first_utc, u);	/* no colons: valid on Windows shares */
	snprintf(out, 256, "./trace-%s-%.4s%.2s%.2sT%.2s%.2s%.2sZ.json", t->status, u, u + 5,
		 u + 8, u + 11, u + 14, u + 17);
	return 1;
}

static void export_name(struct app *a, char out[256])
{
	struct trace_query q = { .id = export_id(a) };
	snprintf(out, 256, "./trace.json");
	if (q.id)
		store_traces(a->store, &q, export_name_row, out);
}

static const char *format_label(enum out_format f)
{
	return f == OUT_JSON ? "JSON" : f == OUT_CSV ? "CSV" : f == OUT_CHROME ? "Chrome trace" : "text";
}

/* Write the export; false keeps the prompt open. */
struct view_rows {
	struct traces_export x;
};

static int export_view_row(void *ctx, const struct trace_row *t)
{
	return traces_export_row(ctx, t) < 0;
}

/* The file's content: one trace (the bytes of show -o) or, for E, every
 * trace of the view (the bytes of traces --format). Returns how many
 * traces, -1 with errno or the store's message in err. */
static int64_t export_into(struct app *a, FILE *f, enum out_format fmt, char *err, size_t errlen)
{
	if (a->export_view) {
		struct traces_export x;
		traces_export_begin(&x, a->store, fmt, f);
		int rc = tracelist_each(a->stack[0], export_view_row, &x);
		uint64_t n = x.n;
		if (traces_export_end(&x) < 0 || rc < 0) {
			snprintf(err, errlen, "%s", ferror(f) ? strerror(errno) : store_error(a->store));
			return -1;
		}
		return (int64_t)n;
	}
	struct buf b = {0};
	if (trace_export(a->store, export_id(a), fmt, &b) != 0) {
		snprintf(err, errlen, "%s", store_error(a->store));
		buf_free(&b);
		return -1;
	}
	bool ok = fwrite(b.data, 1, b.len, f) == b.len;
	buf_free(&b);
	if (!ok) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 1;
}

/* "~/x.json" is what a shell user types: expand it in place, as a shell
 * would, so the prompt and the status line show the real path. */
static void expand_home(char *path, size_t len)
{
	const char *home = getenv("HOME");
	if (path[0] != '~' || (path[1] != '/' && path[1]) || !home || !*home)
		return;
	char rest[1024];
	snprintf(rest, sizeof(rest), "%s", path + 1);
	snprintf(path, len, "%s%s", home, rest);
}

/* Write the export; false keeps the prompt open. */
static bool export_write(struct app *a, bool overwrite)
{
	enum out_format fmt;
	expand_home(a->input, sizeof(a->input));
	a->cursor = strlen(a->input);
	enum prompt_kind kind = a->export_view ? PROMPT_EXPORT_VIEW : PROMPT_EXPORT;
	if (!export_format_of_path(a->input, &fmt) ||
	    (a->export_view && fmt != OUT_JSON && fmt != OUT_CSV)) {
		snprintf(a->info, sizeof(a->info), "%s Unknown extension - use %s", glyph(G_FAIL),
			 a->export_view ? ".csv .json" : ".json .csv .txt .chrome.json");
		a->info_role = PAINT_FAIL;
		return false;
	}
	if (!overwrite && access(a->input, F_OK) == 0) {
		a->prompt = PROMPT_OVERWRITE;
		app_message(a, PAINT_WARN, "%s %s exists - overwrite? y/N", glyph(G_FAIL), a->input);
		return true;
	}
	char err[512] = "";
	int fd = open(a->input, O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL), 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int64_t n = -1;
	if (!f)
		snprintf(err, sizeof(err), "%s", strerror(errno));
	else
		n = export_into(a, f, fmt, err, sizeof(err));
	if (f && fclose(f) != 0 && n >= 0) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		n = -1;
	} else if (!f && fd >= 0) {
		close(fd);
	}
	char *abs = realpath(a->input, NULL);
	struct stat sb;
	if (n >= 0) {
		off_t size = stat(a->input, &sb) == 0 ? sb.st_size : 0;
		if (a->export_view)
			app_message(a, PAINT_OK, "%s Wrote %s (%lld traces, %lld bytes, %s)", glyph(G_OK),
				    abs ? abs : a->input, (long long)n, (long long)size, format_label(fmt));
		else
			app_message(a, PAINT_OK, "%s Wrote %s (%lld bytes, %s)", glyph(G_OK),
				    abs ? abs : a->input, (long long)size, format_label(fmt));
		a->prompt = PROMPT_NONE;
	} else {
		snprintf(a->info, sizeof(a->info), "%s Cannot write %s: %s", glyph(G_FAIL), a->input, err);
		a->info_role = PAINT_FAIL;
		a->prompt = kind;
	}
	free(abs);
	return n >= 0;
}

static void prompt_accept(struct app *a)
{
	char err[200];
	switch (a->prompt) {
	case PROMPT_FILTER:
		if (a->depth > 1 && timeline_trace_id(app_top(a))) {
			struct view *v = app_top(a);
			if (!timeline_set_pattern(v, a->input, err, sizeof(err))) {
				snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
				a->info_role = PAINT_FAIL;
				return;
			}
			snprintf(a->find, sizeof(a->find), "%s", a->input);
			a->prompt = PROMPT_NONE;
			if (!*a->input)
				app_message(a, PAINT_NORMAL, "marks cleared");
			else if (!view_find(v, a->find, false) && !view_find(v, a->find, true) &&
				 !v->ops->match(v, v->item, a->find))
				app_message(a, PAINT_WARN, "no event matches /%s/", a->find);
			return;
		}
		if (a->depth > 1 && app_top(a)->ops->find &&
		    !ui_pattern_check(a->input, err, sizeof(err))) {
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = PAINT_FAIL;
			return;	/* the prompt stays open to be fixed */
		}
		if (a->depth > 1) {
			snprintf(a->find, sizeof(a->find), "%s", a->input);
			a->prompt = PROMPT_NONE;
			if (!view_find(app_top(a), a->find, false))
				app_message(a, PAINT_WARN, "no more matches for '%s'", a->find);
			return;
		}
		if (tracelist_set_pattern(a->stack[0], a->input, err, sizeof(err))) {
			a->prompt = PROMPT_NONE;
			app_message(a, PAINT_NORMAL, "%s", *a->input ? "filter applied" : "filter cleared");
		} else {
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = PAINT_FAIL;
		}
		return;
	case PROMPT_TIME:
		if (tracelist_set_time(a->stack[0], a->input, err, sizeof(err))) {
			a->prompt = PROMPT_NONE;
			app_message(a, PAINT_NORMAL, "%s", *a->input ? "time range applied" : "time range cleared");
		} else {
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = PAINT_FAIL;
		}
		return;
	case PROMPT_VIEW:
		/* Closed while the view works: its progress shows on the
		 * status line. Open again when the input is refused. */
		a->prompt = PROMPT_NONE;
		if (!a->prompt_accept(app_top(a), a->input, err, sizeof(err))) {
			a->prompt = PROMPT_VIEW;
			snprintf(a->info, sizeof(a->info), "%s %s", glyph(G_FAIL), err);
			a->info_role = PAINT_FAIL;
		}
		return;
	case PROMPT_GOTO:
		a->prompt = PROMPT_NONE;
		if (tracelist_jump(a->stack[0], a->input))
			return;
		/* a colon makes it a time: say when it is not one, rather than
		 * that no trace starts then */
		int64_t us;
		if (strchr(a->input, ':') && !time_point_parse(a->input, 0, &us))
			app_message(a, PAINT_WARN, "'%s' is not a UTC time (19:35, 19:35:02, 2026-09-25T19:35)", a->input);
		else
			app_message(a, PAINT_WARN, "no trace '%s' under the current filters (a number, a GUID prefix or a UTC time)", a->input);
		return;
	case PROMPT_EXPORT:
	case PROMPT_EXPORT_VIEW:
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
static void edit_key(struct app *a, int key)
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

unsigned prompt_key(struct app *a, int key)
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
	edit_key(a, key);
	return STALE_SCREEN;
}

void app_prompt(struct app *a, const char *label, const char *info, const char *text,
		app_prompt_accept accept)
{
	prompt_open(a, PROMPT_VIEW, text);
	snprintf(a->prompt_label, sizeof(a->prompt_label), "%s", label);
	snprintf(a->info, sizeof(a->info), "%s", info);
	a->prompt_accept = accept;
}

unsigned prompt_export(struct app *a)
{
	if (!export_id(a)) {
		app_message(a, PAINT_WARN, "no trace to export");
		return STALE_SCREEN;
	}
	char name[256];
	export_name(a, name);
	a->export_view = false;
	prompt_open(a, PROMPT_EXPORT, name);
	char cwd[512];
	snprintf(a->info, sizeof(a->info), "[export] the extension picks the format (Tab cycles): .json .csv .txt .chrome.json %s cwd %s",
		 glyph(G_NOT_REACHED), getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	return STALE_SCREEN;
}

void app_copy(struct app *a, const char *text, const char *what)
{
	clipboard_copy(text);
	app_message(a, PAINT_OK, "%s copied %s (OSC 52)", glyph(G_OK), what);
}

static int yank_row(void *ctx, const struct trace_row *t)
{
	snprintf(ctx, 64, "%s", t->guid ? t->guid : "");
	return 1;
}

/* y: the GUID of the trace on screen (the list's selection, or the trace
 * a timeline or detail shows). */
unsigned app_yank(struct app *a)
{
	char guid[64] = "";
	struct trace_query q = { .id = export_id(a) };
	if (q.id)
		store_traces(a->store, &q, yank_row, guid);
	if (!*guid || guid[strspn(guid, "0123456789ABCDEFabcdef-{}")]) {
		app_message(a, PAINT_WARN, "no GUID to copy");
		return STALE_SCREEN;
	}
	app_copy(a, guid, guid);
	return STALE_SCREEN;
}

unsigned prompt_export_view(struct app *a)
{
	struct view *list = a->stack[0];
	if (!tracelist_total(list)) {
		app_message(a, PAINT_WARN, "no trace to export");
		return STALE_SCREEN;
	}
	int64_t first, last;
	char from[32], to[32], name[96];
	tracelist_bounds(list, &first, &last);
	format_utc_ms(first, from);	/* 2026-09-25T19:35:02.412Z */
	format_utc_ms(last, to);
	snprintf(name, sizeof(name), "./traces-%.4s%.2s%.2sT%.2s%.2sZ-%.4s%.2s%.2sT%.2s%.2sZ.csv",
		 from, from + 5, from + 8, from + 11, from + 14, to, to + 5, to + 8, to + 11, to + 14);
	a->export_view = true;
	prompt_open(a, PROMPT_EXPORT_VIEW, name);
	char cwd[512];
	snprintf(a->info, sizeof(a->info), "[export] the %lld traces in view, as tatrace traces writes them: .csv or .json %s cwd %s",
		 (long long)tracelist_total(list), glyph(G_NOT_REACHED), getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	return STALE_SCREEN;
}
