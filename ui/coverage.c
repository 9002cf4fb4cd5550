/* coverage.c - the coverage screen: `tatrace coverage`'s table of logs,
 * one line per file in (host, lane, log, rotation) order with its first
 * and last UTC, bias (UTC = local + bias) and where the bias came from,
 * records and error records; then the lanes no log covers. A text-lines
 * view (ui/lines.c): / finds, every string is escaped when drawn. */
#include "coverage.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "glyphs.h"
#include "lines.h"
#include "../parsers/events.h"
#include "../parsers/timeparse.h"

struct cview {
	struct lines lines;	/* first: lines_* read it */
	bool have[TRACE_LANES];
	size_t n_files;
};

/* To the second (the screen is narrow; tatrace coverage has the ms). */
static void utc_cell(struct buf *b, bool timed, int64_t us)
{
	char t[32];
	if (timed && us != EVENT_NONE) {
		format_utc_ms(us, t);	/* 2026-09-25T19:35:02.412Z */
		t[19] = 'Z';
		t[20] = '\0';
	} else {
		snprintf(t, sizeof(t), "-");
	}
	buf_printf(b, "%-20s", t);
}

/* The source most of the file's records took their bias from. */
static const char *dominant_source(const struct store_file_coverage *c)
{
	int best = -1;
	for (int i = 0; i < OFFSET_SOURCE_COUNT; i++)
		if (c->per_offset_source[i] > 0 &&
		    (best < 0 || c->per_offset_source[i] > c->per_offset_source[best]))
			best = i;
	return best < 0 ? "-" : offset_source_name((enum offset_source)best);
}

static int add_file(void *ctx, const struct store_file_coverage *c)
{
	struct cview *cv = ctx;
	for (int l = 0; l < TRACE_LANES; l++)
		cv->have[l] |= !strcmp(c->role, lane_name((enum lane)l));
	struct buf b = {0};
	buf_printf(&b, "%-10.10s %-9.9s %-20.20s ", c->host, c->role, c->log_name);
	utc_cell(&b, c->timed, c->utc_min);
	buf_putc(&b, ' ');
	utc_cell(&b, c->timed, c->utc_max);
	if (c->bias_min == INT32_MIN)
		buf_printf(&b, " %5s", "?");
	else
		buf_printf(&b, " %+5" PRId32, c->bias_min);
	buf_printf(&b, "  %-8s %7" PRId64 " %6" PRId64, dominant_source(c), c->records,
		   c->error_records);
	enum paint role = !c->timed ? PAINT_MISSING : c->bias_min == INT32_MIN ? PAINT_WARN
							    : PAINT_NORMAL;
	lines_add(&cv->lines, role, "%s", b.data);
	buf_free(&b);
	cv->n_files++;
	return 0;
}

static void coverage_title(struct view *v, struct buf *out)
{
	struct cview *cv = v->data;
	buf_printf(out, "%zu logs; bias: UTC = local + bias (minutes)", cv->n_files);
}

static unsigned coverage_request(struct view *v, enum action a)
{
	(void)v;
	(void)a;
	return STALE_UNHANDLED;
}

static void coverage_done(struct view *v)
{
	struct cview *cv = v->data;
	lines_clear(&cv->lines);
	free(cv);
}

static const struct view_ops coverage_ops = {
	.name = "coverage",
	.mask = V_COVERAGE,
	.count = lines_count,
	.height = lines_height,
	.draw_line = lines_draw_line,
	.request = coverage_request,
	.match = lines_match,
	.title = coverage_title,
	.done = coverage_done,
};

struct view *coverage_open(struct app *a)
{
	struct cview *cv = xcalloc(1, sizeof(*cv));
	lines_add(&cv->lines, PAINT_HEADER, "%-10s %-9s %-20s %-20s %-20s %5s  %-8s %7s %6s",
		  "HOST", "LANE", "LOG", "FIRST UTC", "LAST UTC", "BIAS", "SOURCE", "RECORDS",
		  "ERRORS");
	if (store_file_coverage(app_store(a), add_file, cv) != 0) {
		app_message(a, PAINT_FAIL, "%s coverage: %s", glyph(G_FAIL),
			    store_error(app_store(a)));
		lines_clear(&cv->lines);
		free(cv);
		return NULL;
	}
	lines_add(&cv->lines, PAINT_NORMAL, "%s", "");
	bool all = true;
	for (int l = 0; l < TRACE_LANES; l++)
		if (!cv->have[l]) {
			lines_add(&cv->lines, PAINT_MISSING, "%s no %s log: traces cannot show that lane",
				  glyph(G_MISSING), lane_name((enum lane)l));
			all = false;
		}
	if (all)
		lines_add(&cv->lines, PAINT_OK, "%s every lane (connector, server, agent) has a log",
			  glyph(G_OK));
	struct view *v = xcalloc(1, sizeof(*v));
	v->ops = &coverage_ops;
	v->app = a;
	v->data = cv;
	return v;
}
