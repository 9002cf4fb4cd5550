/* glyphs.c - the glyph table and the status looks. */
#include "glyphs.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>

#include "theme.h"

#define GLYPH_ROW(id, utf8, ascii, legend) [id] = { utf8, ascii, legend },
const struct glyph_info glyph_infos[GLYPH_COUNT] = { GLYPH_TABLE(GLYPH_ROW) };
#undef GLYPH_ROW

static bool use_ascii;

void glyphs_set_ascii(bool ascii)
{
	use_ascii = ascii;
}

bool glyphs_ascii(void)
{
	return use_ascii;
}

bool glyphs_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

const char *glyph(enum glyph g)
{
	if ((unsigned)g >= GLYPH_COUNT)
		return "?";
	return use_ascii ? glyph_infos[g].ascii : glyph_infos[g].utf8;
}

/* Shapes differ where colours do (design §2.1): ✗ a log said no, ◌ a
 * record is absent, ? nothing covers it. */
struct status_look status_look(const char *status)
{
	enum trace_status st;
	if (!status || !trace_status_parse(status, &st))
		return (struct status_look){ G_UNKNOWN, PAINT_WARN };
	switch (st) {
	case TS_COMPLETE: return (struct status_look){ G_OK, PAINT_OK };
	case TS_PARTIAL: return (struct status_look){ G_MIXED, PAINT_WARN };
	case TS_FAILED: return (struct status_look){ G_FAIL, PAINT_FAIL };
	case TS_UNAUTHORIZED: return (struct status_look){ G_FAIL, PAINT_PERM };
	case TS_NOT_FORWARDED:
	case TS_NOT_PUSHED:
	case TS_NOT_DELIVERED: return (struct status_look){ G_MISSING, PAINT_MISSING };
	case TS_NO_RESPONSE: return (struct status_look){ G_MISSING, PAINT_WARN };
	default: return (struct status_look){ G_UNKNOWN, PAINT_WARN };
	}
}
