/* draw.c - drawing primitives over ncursesw (see draw.h). */
#include "draw.h"

#include <curses.h>
#include <term.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "../src/output.h"

/* One piece of text to draw: a printable character, or the escaped form
 * of a byte or control character. */
struct piece {
	wchar_t wc;		/* 0 when esc is used */
	char esc[8];
	int width;
	size_t bytes;
};

static void next_piece(const char *s, size_t len, mbstate_t *ps, struct piece *p)
{
	wchar_t wc;
	size_t n = mbrtowc(&wc, s, len, ps);
	p->wc = 0;
	p->esc[0] = '\0';
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(ps, 0, sizeof(*ps));
		snprintf(p->esc, sizeof(p->esc), "\\x%02x", (unsigned char)*s);
		p->bytes = 1;
	} else if (wc < 0x20 || wc == 0x7f) {
		snprintf(p->esc, sizeof(p->esc), "^%c", wc == 0x7f ? '?' : (char)(wc + 64));
		p->bytes = n;
	} else if (output_hidden_char((uint32_t)wc)) {
		/* C1 and bidi controls: output.c's rule, as in every output */
		snprintf(p->esc, sizeof(p->esc), wc < 0x100 ? "\\x%02x" : "\\u%04x",
			 (unsigned)wc);
		p->bytes = n;
	} else {
		int w = wcwidth(wc);
		p->bytes = n;
		if (w < 0) {
			strcpy(p->esc, "?");
		} else {
			p->wc = wc;
			p->width = w;
			return;
		}
	}
	p->width = (int)strlen(p->esc);
}

int draw_width(const char *s)
{
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t len = strlen(s);
	int w = 0;
	struct piece p;
	while (len) {
		next_piece(s, len, &ps, &p);
		w += p.width;
		s += p.bytes;
		len -= p.bytes;
	}
	return w;
}

/* One piece of text: a character, or the escape of a control shown in
 * reverse video (log text never reaches the terminal raw). */
static void draw_piece(const struct piece *p, unsigned long attr)
{
	if (p->wc) {
		wchar_t one[2] = { p->wc, 0 };
		attrset(attr);
		addnwstr(one, 1);
	} else {
		attrset(attr | theme_attr(PAINT_ESCAPED));
		addstr(p->esc);
	}
}

int draw_text(int y, int x, int w, enum paint role, const char *s, bool pad)
{
	if (w <= 0)
		return 0;
	unsigned long attr = theme_attr(role);
	int total = draw_width(s), used = 0;
	int room = total > w ? w - 1 : w;	/* keep a cell for the ellipsis */
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t len = strlen(s);
	struct piece p;
	move(y, x);
	while (len) {
		next_piece(s, len, &ps, &p);
		if (used + p.width > room)
			break;
		draw_piece(&p, attr);
		used += p.width;
		s += p.bytes;
		len -= p.bytes;
	}
	if (total > w) {
		attrset(attr);
		addstr(glyph(G_ELLIPSIS));
		used++;
	}
	attrset(attr);
	for (; pad && used < w; used++)
		addch(' ');
	attrset(A_NORMAL);
	return used;
}

int draw_text_skip(int y, int x, int w, enum paint role, const char *s, int skip,
		   bool pad)
{
	unsigned long attr = theme_attr(role);
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t len = strlen(s);
	struct piece p;
	int col = 0, used = 0;
	move(y, x);
	while (len && used < w) {
		next_piece(s, len, &ps, &p);
		s += p.bytes;
		len -= p.bytes;
		if (col < skip) {
			col += p.width;
			continue;
		}
		if (used + p.width > w)
			break;
		draw_piece(&p, attr);
		used += p.width;
	}
	attrset(attr);
	for (; pad && used < w; used++)
		addch(' ');
	attrset(A_NORMAL);
	return used;
}

int draw_text_from(int y, int x, int w, enum paint role, const char *s, int skip, bool pad)
{
	if (skip <= 0)
		return draw_text(y, x, w, role, s, pad);
	if (w <= 0)
		return 0;
	int used = draw_glyph(y, x, G_ELLIPSIS, role);
	int rest = draw_width(s) - skip;
	bool cut = rest > w - used;
	used += draw_text_skip(y, x + used, cut ? w - used - 1 : w - used, role, s, skip, false);
	if (cut)
		used += draw_glyph(y, x + used, G_ELLIPSIS, role);
	if (pad && used < w) {
		draw_fill(y, x + used, w - used, role);
		used = w;
	}
	return used;
}

int draw_wrap(const char *s, int w, int row, int *start, int *end)
{
	return draw_wrap_hang(s, w, 0, row, start, end);
}

int draw_wrap_hang(const char *s, int w, int hang, int row, int *start, int *end)
{
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t len = strlen(s);
	struct piece p;
	int rows = 0, row_start = 0, col = 0, blank_end = -1;
	if (w < 1)
		w = 1;
	if (hang < 0 || hang > w / 2)
		hang = 0;
	while (len) {
		next_piece(s, len, &ps, &p);
		s += p.bytes;
		len -= p.bytes;
		int room = rows ? w - hang : w;
		if (col + p.width - row_start > room && col > row_start) {
			/* Break after the last blank of the row, else here. */
			int cut = blank_end > row_start ? blank_end : col;
			if (rows == row) {
				*start = row_start;
				*end = cut;
			}
			rows++;
			row_start = cut;
			blank_end = -1;
		}
		col += p.width;
		if (p.wc == L' ')
			blank_end = col;
	}
	if (rows == row) {
		*start = row_start;
		*end = col;
	}
	return rows + 1;
}

int draw_hang(const char *s, int w)
{
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t len = strlen(s);
	struct piece p;
	int col = 0, blanks = 0, hang = 0;
	while (len && col <= w / 2) {
		next_piece(s, len, &ps, &p);
		s += p.bytes;
		len -= p.bytes;
		if (p.wc == L' ') {
			blanks++;
		} else {
			if (blanks >= 2)
				hang = col;	/* a column starts here */
			blanks = 0;
		}
		col += p.width;
	}
	return hang <= w / 2 ? hang : 0;
}

int draw_text_right(int y, int x, int w, enum paint role, const char *s)
{
	int tw = draw_width(s);
	if (tw < w) {
		draw_fill(y, x, w - tw, role);
		return draw_text(y, x + w - tw, tw, role, s, false) + (w - tw);
	}
	return draw_text(y, x, w, role, s, false);
}

void draw_fill(int y, int x, int w, enum paint role)
{
	attrset(theme_attr(role));
	for (int i = 0; i < w; i++)
		mvaddch(y, x + i, ' ');
	attrset(A_NORMAL);
}

int draw_glyph(int y, int x, enum glyph g, enum paint role)
{
	attrset(theme_attr(role));
	mvaddstr(y, x, glyph(g));
	attrset(A_NORMAL);
	return 1;
}

bool draw_terminal_known(void)
{
	int err = 0;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	del_curterm(cur_term);	/* newterm reads it again */
	cur_term = NULL;
	return true;
}

bool draw_terminal_dumb(void)
{
	int err = 0;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;	/* unknown: draw_terminal_known says so */
	char *cup = tigetstr("cup");
	del_curterm(cur_term);
	cur_term = NULL;
	return cup == NULL || cup == (char *)-1;
}

void draw_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

void draw_clear(void)
{
	erase();
}

void draw_flush(void)
{
	refresh();
}

void draw_cursor(int y, int x)
{
	if (y < 0) {
		curs_set(0);
		return;
	}
	move(y, x);
	curs_set(1);
}
