#!/bin/sh
# Ingest on two threads (parsing on one, SQLite on the other) stores what
# one thread stores, row for row: new files, a grown file read on from its
# old end, a duplicate copy; TATRACE_INGEST_THREADS=1 is the one-thread
# path. Batches: files are committed together, and a re-ingest of the
# same bundle changes nothing.
. "$(dirname "$0")/lib.sh"
$T demo -q --clients 4 --actions 40 --scale 30000 --seed 3 "$TMP/b" >/dev/null

# Every row of the tables ingest writes, in id order (the files' rows
# without ingested_at, a clock reading).
dump() {
	sqlite3 "$1" "SELECT * FROM blocks ORDER BY id;
		SELECT block_id, hex(text) FROM block_text ORDER BY block_id;
		SELECT * FROM block_components ORDER BY block_id, comp_id;
		SELECT * FROM components ORDER BY id;
		SELECT * FROM events ORDER BY id;
		SELECT id, source, host_id, format, encoding, size, records, bytes,
		 content_hash, utc_min, utc_max, duplicate_of, hex(resume_hasher),
		 tail_hash FROM files ORDER BY id;
		SELECT * FROM traces ORDER BY id;"
}

# same STEP: both stores hold the same rows and show the same output.
same() {
	dump "$TMP/one.db" > "$TMP/one.dump"
	dump "$TMP/two.db" > "$TMP/two.dump"
	check "$1: every stored row is the same on one and two threads" cmp "$TMP/one.dump" "$TMP/two.dump"
	check "$1: ... and the store is not empty" test "$(grep -c . "$TMP/one.dump")" -gt 500
	for c in "log --format json" "traces --json" "files --format json"; do
		$T $c -d "$TMP/one.db" > "$TMP/one.out" 2>&1
		$T $c -d "$TMP/two.db" > "$TMP/two.out" 2>&1
		check "$1: tatrace $c is the same" cmp "$TMP/one.out" "$TMP/two.out"
	done
}

TATRACE_INGEST_THREADS=1 $T ingest -q -d "$TMP/one.db" "$TMP/b"
expect_status 0 "ingest on two threads" $T ingest -q -d "$TMP/two.db" "$TMP/b"
same "new bundle"

# A client's log grows (read on from its old end) and gets a copy under
# another name (a duplicate): both paths on both thread counts.
log=$(find "$TMP/b/CLIENT02" -name CcmNotificationAgent.log | head -1)
cp "$log" "$(dirname "$log")/CcmNotificationAgent (1).log"
tail -n 3000 "$log" >> "$log"
TATRACE_INGEST_THREADS=1 $T ingest -d "$TMP/one.db" "$TMP/b" 2>/dev/null
$T ingest -d "$TMP/two.db" "$TMP/b" > "$TMP/grow.out" 2>&1
check "the grown log was read on from its old end" contains "$TMP/grow.out" "1 grown"
check "and its copy is a duplicate" contains "$TMP/grow.out" "1 duplicate"
same "grown and duplicate"

$T ingest -d "$TMP/two.db" "$TMP/b" > "$TMP/again.out" 2>&1
check "re-ingest of the same bundle stores nothing" contains "$TMP/again.out" "0 new, 0 grown, 0 replaced"
same "re-ingest"
finish
