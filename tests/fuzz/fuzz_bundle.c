/* fuzz_bundle.c - libFuzzer target: any bytes as a .zip, a .tar and a
 * .tar.gz through the archive reader of src/bundle.c, from memory. Every
 * entry is read to its end (rewinding must fail: an entry is read once);
 * no path it hands over may leave the bundle or be empty, and the cap on
 * uncompressed bytes holds. Build and run: make fuzz. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/bundle.h"

#define FUZZ_CAP (4u << 20)	/* uncompressed bytes per archive */

struct seen {
	uint64_t bytes;
	const char *name;
};

static int on_entry(void *ctx, const struct bundle_entry *e,
		    struct bundle_input *in)
{
	struct seen *s = ctx;
	size_t root = strlen(s->name);
	if (strncmp(e->path, s->name, root) != 0 || e->path[root] != '/' ||
	    !e->path[root + 1] || strstr(e->path, "/../") ||
	    strstr(e->path, "//") || !e->name || !*e->name || !e->host)
		abort();	/* a path outside the bundle, or no name */
	static char chunk[65536];
	ssize_t n;
	while ((n = bundle_input_read(in, chunk, sizeof(chunk))) > 0)
		s->bytes += (uint64_t)n;
	if (s->bytes > FUZZ_CAP)
		abort();	/* the cap did not hold */
	if (bundle_input_rewind(in))
		abort();	/* an archive entry cannot be read twice */
	(void)bundle_input_error(in);
	return 0;
}

static void on_report(void *ctx, const char *path, const char *what)
{
	(void)ctx;
	if (!path || !what)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* zip, tar and gzip are all enabled whatever the name says */
	struct bundle_options opts = { .max_archive_bytes = FUZZ_CAP };
	struct seen s = { 0, "f.zip" };
	struct bundle_visitor v = { &s, on_entry, on_report, on_report };
	bundle_walk_archive_memory(data, size, s.name, &opts, &v);
	return 0;
}
