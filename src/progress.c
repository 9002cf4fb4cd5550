/* progress.c - a one-line progress bar on stderr for long ingests. */
#include "progress.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/util.h"

#define REDRAW_SECONDS 0.1
#define BAR_WIDTH 24

struct progress {
	bool enabled;
	bool drawn;
	uint64_t total_bytes, bytes, records;
	uint64_t files;
	double start, last_draw;
};

struct progress *progress_new(bool enabled, uint64_t total_bytes)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	p->enabled = enabled;
	p->total_bytes = total_bytes;
	p->start = clock_now();
	return p;
}

void progress_clear(struct progress *p)
{
	if (!p || !p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = false;
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	progress_clear(p);
	free(p);
}

static void format_eta(char *out, size_t len, double seconds)
{
	if (seconds < 0 || seconds > 359999) {
		snprintf(out, len, "--:--");
		return;
	}
	unsigned s = (unsigned)seconds;
	snprintf(out, len, "%u:%02u", s / 60, s % 60);
}

static void progress_draw(struct progress *p)
{
	double now = clock_now();
	if (now - p->last_draw < REDRAW_SECONDS)
		return;
	p->last_draw = now;
	double elapsed = now - p->start;
	double frac = p->total_bytes ? (double)p->bytes / (double)p->total_bytes : 0;
	if (frac > 1)
		frac = 1;
	char bar[BAR_WIDTH + 1];
	int filled = (int)(frac * BAR_WIDTH);
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	double rate = elapsed > 0 ? (double)p->records / elapsed : 0;
	char eta[16];
	format_eta(eta, sizeof(eta),
		   frac > 0.01 ? elapsed / frac - elapsed : -1);
	fprintf(stderr, "\r\033[K[%s] %llu files  %.1f/%.1f MB  %.0fk rec/s  ETA %s",
		bar, (unsigned long long)p->files, (double)p->bytes / 1e6,
		(double)p->total_bytes / 1e6, rate / 1000, eta);
	fflush(stderr);
	p->drawn = true;
}

void progress_next_file(struct progress *p, const char *path, int64_t size)
{
	(void)path;
	(void)size;
	if (!p->enabled)
		return;
	p->files++;
	progress_draw(p);
}

void progress_add_bytes(struct progress *p, uint64_t n)
{
	if (!p->enabled)
		return;
	p->bytes += n;
	progress_draw(p);
}

void progress_add_records(struct progress *p, uint64_t n)
{
	p->records += n;
}

/* nftw() has no context argument, so the running total lives here; it is
 * only touched inside progress_estimate_bytes(). */
static uint64_t estimate_total;

static int estimate_one(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode))
		estimate_total += (uint64_t)st->st_size;
	return 0;
}

uint64_t progress_estimate_bytes(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return (uint64_t)st.st_size;
	estimate_total = 0;
	nftw(path, estimate_one, 16, FTW_PHYS);
	return estimate_total;
}
