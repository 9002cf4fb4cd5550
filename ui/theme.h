/* theme.h - paints (colour roles): what a cell means, mapped to 256 colours, 8
 * colours or plain attributes (NO_COLOR, TERM=dumb, no colours). The
 * terminal's own background is kept (-1): light themes work. Colour never
 * carries meaning alone; every role also has a glyph or word. */
#ifndef TATRACE_UI_THEME_H
#define TATRACE_UI_THEME_H

#include <stdbool.h>

/* X(role, fg8, bg8, attr8, fg256, bg256, mono attribute) -- colours as
 * curses COLOR_* numbers, -1 for the terminal's default. */
#define PAINT_TABLE(X) \
	X(PAINT_NORMAL, -1, -1, 0, -1, -1, 0) \
	X(PAINT_OK, 2, -1, 0, 71, -1, 0) \
	X(PAINT_WARN, 3, -1, 0, 178, -1, A_BOLD) \
	X(PAINT_FAIL, 1, -1, A_BOLD, 160, -1, A_BOLD) \
	X(PAINT_MISSING, 1, -1, 0, 167, -1, A_BOLD) \
	X(PAINT_PERM, 5, -1, A_BOLD, 133, -1, A_BOLD) \
	X(PAINT_QUIET, -1, -1, A_DIM, 244, -1, A_DIM) \
	X(PAINT_HEADER, -1, -1, A_UNDERLINE | A_BOLD, -1, -1, A_UNDERLINE) \
	X(PAINT_BAR, 7, 4, 0, 255, 24, A_REVERSE) \
	X(PAINT_TITLE_FOCUS, 7, 4, A_BOLD, 255, 25, A_REVERSE | A_BOLD) \
	X(PAINT_TITLE_BLUR, 7, 4, 0, 252, 24, A_REVERSE) \
	X(PAINT_CURSOR_FOCUS, 0, 6, 0, 16, 117, A_REVERSE) \
	X(PAINT_CURSOR_BLUR, -1, -1, A_BOLD, -1, 238, A_BOLD) \
	X(PAINT_MATCH, 0, 3, 0, 16, 221, A_REVERSE | A_UNDERLINE) \
	X(PAINT_ACTIVE, 6, -1, A_BOLD, 73, -1, A_BOLD) \
	X(PAINT_HINT_KEY, -1, -1, A_BOLD, -1, -1, A_BOLD) \
	X(PAINT_HINT_LABEL, 0, 6, 0, 16, 117, A_REVERSE) \
	X(PAINT_ESCAPED, -1, -1, A_REVERSE, -1, -1, A_REVERSE)

#define PAINT_ENUM(role, fg8, bg8, a8, fg256, bg256, mono) role,
enum paint { PAINT_TABLE(PAINT_ENUM) PAINT_COUNT };
#undef PAINT_ENUM

enum colour_mode { COLOUR_NONE, COLOUR_8, COLOUR_256 };

/* The mode the environment asks for: none when NO_COLOR is set and not
 * empty or TERM is dumb or unset; else what the terminal has (colors). */
enum colour_mode theme_mode_for(const char *no_color, const char *term,
				int colors);
/* Set up colour pairs (after initscr). */
void theme_init(enum colour_mode mode);
/* The curses attributes of a role. */
unsigned long theme_attr(enum paint role);

#endif
