/* eventpack.h - what the trace builder reads of an event, packed into one
 * blob (events.packed), so that the time index holds five columns
 * rather than seventeen. Building that index costs SQLite about a tenth
 * of a microsecond per column per row (it unpacks every key it compares
 * on a time tie): at 890k events the seventeen-column index took 1.9 s
 * to build, the five-column one 0.7 s, and the builder's scan of it
 * fell from 0.7 s to 0.3 s. The columns themselves stay, for sqlite3
 * users and every other reader. Pure code: no SQLite here.
 *
 *   off size   field
 *    0  u8     EVENTPACK_FORMAT
 *    1  u8     lane
 *    2  u8     kind
 *    3  u16    present: bit 0 thread, bits 1-8 push_id, task_id,
 *              task_type, count, failed, return_code, http_status,
 *              stamp_us; bit 9 guid, bit 10 name (little-endian)
 *    5  ...    each present field in that order: numbers as zigzag
 *              LEB128 varints, texts as a length byte and the bytes
 *
 * A store is a file anyone can edit: decoding checks every length
 * against the blob and the field it fills, and says no rather than
 * guess. */
#ifndef TATRACE_EVENTPACK_H
#define TATRACE_EVENTPACK_H

#include <stddef.h>
#include <stdint.h>
#include "../parsers/events.h"

#define EVENTPACK_FORMAT 1
/* Header, thread, eight numbers and the two texts at their longest. */
#define EVENTPACK_MAX (5 + 10 + 8 * 10 + 1 + sizeof(((struct event *)0)->guid) + \
		       1 + sizeof(((struct event *)0)->name))

/* Packs thread (-1: none) and ev's join fields into out; its length. */
size_t eventpack_encode(unsigned char out[EVENTPACK_MAX], int32_t thread,
			const struct event *ev);

/* Fills *thread and ev's join fields (lane, kind, guid, the numbers,
 * name; the other texts emptied) from a packed blob. 0, or -1 when the
 * blob is not one this version packs. */
int eventpack_decode(const void *blob, size_t len, int32_t *thread,
		     struct event *ev);

#endif
