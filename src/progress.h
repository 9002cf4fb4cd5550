/* progress.h - the ingest progress bar on stderr: files, MB, records/s
 * and ETA, redrawn at most ten times a second. A disabled progress (not a
 * terminal, or -q) accepts every call and draws nothing. */
#ifndef TATRACE_PROGRESS_H
#define TATRACE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress;

struct progress *progress_new(bool enabled, uint64_t total_bytes);
void progress_free(struct progress *p);	/* clears the line */
void progress_next_file(struct progress *p, const char *path, int64_t size);
void progress_add_bytes(struct progress *p, uint64_t n);
void progress_add_records(struct progress *p, uint64_t n);
/* Erase the bar so that an error line can be printed cleanly. */
void progress_clear(struct progress *p);

/* Bytes a PATH will probably yield: sizes of the files under a folder,
 * the size of a file or archive. Cheap: stat only. */
uint64_t progress_estimate_bytes(const char *path);

#endif
