/* replay.c - a fuzz target's saved inputs, replayed without libFuzzer:
 * linked with one tests/fuzz/fuzz_*.c, it feeds every file of the
 * folders (or the files) it is given, else of REPLAY_DIR, to
 * LLVMFuzzerTestOneInput and prints one TAP line per input. A crasher
 * kept under tests/fixtures/fuzz/ thus fails `make test` (and its ASan
 * run) if the bug comes back, where CI has no libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int tests;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - %s: cannot open\n", ++tests, path);
		return 1;
	}
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
	buf_free(&b);
	printf("ok %d - %s\n", ++tests, path);
	fflush(stdout);
	return 0;
}

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("not ok %d - %s: cannot open\n", ++tests, dir);
		return 1;
	}
	char **names = NULL;
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (count + 1) * sizeof(*names));
		names[count++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(*names), by_name);
	int bad = 0;
	for (size_t i = 0; i < count; i++) {
		struct buf path = {0};
		buf_printf(&path, "%s/%s", dir, names[i]);
		bad |= replay_file(path.data);
		buf_free(&path);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	static char *fallback[] = { NULL, REPLAY_DIR };
	if (argc < 2) {
		argv = fallback;
		argc = 2;
	}
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			bad |= replay_dir(argv[i]);
		else
			bad |= replay_file(argv[i]);
	}
	if (!tests)
		printf("not ok 1 - no inputs to replay\n");
	printf("1..%d\n", tests ? tests : 1);
	return bad || !tests;
}
