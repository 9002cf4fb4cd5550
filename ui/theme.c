/* theme.c - the role table's colour pairs. */
#include <curses.h>
#include <string.h>

#include "theme.h"

struct role_info {
	short fg8, bg8;
	unsigned long attr8;
	short fg256, bg256;
	unsigned long mono;
};

#define PAINT_ROW(role, fg8, bg8, a8, fg256, bg256, mono) \
	[role] = { fg8, bg8, a8, fg256, bg256, mono },
static const struct role_info roles[PAINT_COUNT] = { PAINT_TABLE(PAINT_ROW) };
#undef PAINT_ROW

static enum colour_mode mode;

enum colour_mode theme_mode_for(const char *no_color, const char *term,
				int colors)
{
	if ((no_color && *no_color) || !term || !*term || !strcmp(term, "dumb"))
		return COLOUR_NONE;
	if (colors >= 256)
		return COLOUR_256;
	return colors >= 8 ? COLOUR_8 : COLOUR_NONE;
}

void theme_init(enum colour_mode m)
{
	mode = m;
	if (mode == COLOUR_NONE)
		return;
	start_color();
	use_default_colors();
	for (int r = 1; r < PAINT_COUNT; r++) {
		short fg = mode == COLOUR_256 ? roles[r].fg256 : roles[r].fg8;
		short bg = mode == COLOUR_256 ? roles[r].bg256 : roles[r].bg8;
		init_pair((short)r, fg, bg);
	}
}

unsigned long theme_attr(enum paint role)
{
	if ((unsigned)role >= PAINT_COUNT)
		return 0;
	unsigned long a;
	if (mode == COLOUR_NONE) {
		a = roles[role].mono;
	} else {
		a = roles[role].attr8 | (role ? COLOR_PAIR(role) : 0);
		if (mode == COLOUR_256 && role == PAINT_CURSOR_BLUR)
			a |= A_BOLD;
	}
	/* Consoles without dim show plain text rather than nothing. */
	if ((a & A_DIM) && !(termattrs() & A_DIM))
		a &= ~(unsigned long)A_DIM;
	return a;
}
