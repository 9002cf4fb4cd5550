#!/bin/sh
# Every TATRACE_INGEST_THREADS count stores what one thread stores, row
# for row, and says the same on stderr in the same order: 1 is all on one
# thread, 2 parses beside the SQLite thread, 3 and more add parse-ahead
# workers (files parsed ahead onto tapes replayed in walk order). Over new
# files, files with problems, a binary file, a dangling link, a zip of
# copies (duplicates), a grown file read on from its old end, a copy under
# another name, and a re-ingest that changes nothing.
. "$(dirname "$0")/lib.sh"
COUNTS="2 3 4 6"
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

# ingest_all: ingest the bundle into the store of every count, its
# stderr and exit status kept; the summary's timings and bytes read are
# taken out (an unchanged file stored within the second is read whole:
# its ctime cannot tell).
ingest_all() {
	for c in 1 $COUNTS; do
		TATRACE_INGEST_THREADS=$c $T ingest -d "$TMP/t$c.db" "$TMP/b" \
			>/dev/null 2>"$TMP/t$c.raw"
		echo "exit $?" >> "$TMP/t$c.raw"
		sed 's/[0-9.]* MB in [0-9.]* s ([0-9]* records\/s)/MB/; s/traces in [0-9.]* s/traces/' \
			"$TMP/t$c.raw" > "$TMP/t$c.err"
	done
}

# same STEP: every count's store holds the rows of one thread's, shows
# the same output, and its run said the same.
same() {
	dump "$TMP/t1.db" > "$TMP/t1.dump"
	check "$1: ... and the store is not empty" test "$(grep -c . "$TMP/t1.dump")" -gt 500
	for c in $COUNTS; do
		dump "$TMP/t$c.db" > "$TMP/t$c.dump"
		check "$1: every stored row is the same on $c threads as on one" \
			cmp "$TMP/t1.dump" "$TMP/t$c.dump"
		check "$1: stderr and exit status the same on $c threads" \
			cmp "$TMP/t1.err" "$TMP/t$c.err"
		for cmd in "log --format json" "traces --json" "files --format json"; do
			$T $cmd -d "$TMP/t1.db" > "$TMP/one.out" 2>&1
			$T $cmd -d "$TMP/t$c.db" > "$TMP/n.out" 2>&1
			check "$1: tatrace $cmd is the same on $c threads" \
				cmp "$TMP/one.out" "$TMP/n.out"
		done
	done
}

# Defects among the new files: problems (more than shown), binary junk,
# a link to nothing, and a zip holding copies of one client's logs.
logs="$TMP/b/CLIENT02/Windows/CCM/Logs"
python3 - "$logs" <<'PY'
import sys
d = sys.argv[1]
open(d + "/Junk.log", "wb").write(bytes(range(256)) * 400)
bad = "".join('<![LOG[bad date %d]LOG]!><time="25:61:00.000+000" date="13-45-2026"'
	      ' component="Bad" context="" type="1" thread="1" file="">\r\n' % i
	      for i in range(9))
open(d + "/BadDates.log", "w").write(bad + "<![LOG[torn record without end\r\n")
PY
ln -s "$TMP/nowhere.log" "$logs/Gone.log"
(cd "$TMP/b" && zip -qr CLIENT03.zip CLIENT03)

ingest_all
check "the run reported the problems" contains "$TMP/t1.err" "BadDates.log: 4 more problems not shown"
check "... the binary file" contains "$TMP/t1.err" "Junk.log: binary file"
check "... the dangling link" contains "$TMP/t1.err" "Gone.log"
check "... and exited 1" contains "$TMP/t1.err" "exit 1"
check "the zip's copies are duplicates" contains "$TMP/t1.err" "duplicate"
same "new bundle"

# A client's log grows (read on from its old end) and gets a copy under
# another name (a duplicate).
log=$(find "$TMP/b/CLIENT02" -name CcmNotificationAgent.log | head -1)
cp "$log" "$(dirname "$log")/CcmNotificationAgent (1).log"
tail -n 3000 "$log" >> "$log"
ingest_all
check "the grown log was read on from its old end" contains "$TMP/t1.err" "1 grown"
check "and its copy is a duplicate" contains "$TMP/t1.err" "1 duplicate"
same "grown and duplicate"

ingest_all
check "re-ingest of the same bundle stores nothing" contains "$TMP/t1.err" "0 new, 0 grown, 0 replaced"
same "re-ingest"
finish
