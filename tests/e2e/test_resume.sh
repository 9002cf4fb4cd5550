#!/bin/sh
# A grown log is read on from its old end (issue 8): a file grown in many
# pieces and ingested after each stores exactly what one fresh ingest of
# the whole file stores (records, lines, events, hashes, size, encoding,
# traces), whatever its encoding: UTF-8 with or without a BOM, UTF-16LE
# and BE cut inside code units and surrogate pairs, Windows-1252.
. "$(dirname "$0")/lib.sh"
GEN=$(dirname "$0")/resume_pieces.py
MARK="grown read from their old end"

# The store as text: what must not depend on how the file was ingested.
dump() {
	$T log -d "$1" --format json
	$T files -d "$1" --format json
	$T traces -d "$1"
	sqlite3 "$1" "SELECT format, encoding, size, content_hash, head_hash,
		bytes, records, partial, hex(resume_hasher), tail_hash FROM files;
		SELECT seq, line, utc, thread, lane, kind, guid, push_id, task_id,
		task_type, count, failed, return_code, detail FROM events
		ORDER BY file_id, seq, line, kind;"
}

# run CASE: grow CLIENT01's agent log piece by piece, ingesting after
# each; then ingest the final file once into a fresh store and compare.
# Leaves the number of ingests that read on from the old end in
# $TMP/CASE.fast, and the last file's encoding in $TMP/CASE.enc.
run() {
	c=$1
	python3 "$GEN" "$c" "$TMP/$c.pieces"
	d=$TMP/$c/CLIENT01/Windows/CCM/Logs
	mkdir -p "$d"
	: > "$TMP/$c.log"
	fast=0
	for p in $(ls "$TMP/$c.pieces" | sort -t. -k2 -n); do
		cat "$TMP/$c.pieces/$p" >> "$d/CcmNotificationAgent.log"
		$T ingest -d "$TMP/$c.inc.db" "$TMP/$c" 2>"$TMP/$c.err"
		cat "$TMP/$c.err" >> "$TMP/$c.log"
		if grep -q "$MARK" "$TMP/$c.err"; then
			fast=$((fast + 1))
			echo "$p" >> "$TMP/$c.fastpieces"
		fi
	done
	echo "$fast" > "$TMP/$c.fast"
	$T ingest -q -d "$TMP/$c.fresh.db" "$TMP/$c"
	dump "$TMP/$c.inc.db" > "$TMP/$c.inc.txt"
	dump "$TMP/$c.fresh.db" > "$TMP/$c.fresh.txt"
	sqlite3 "$TMP/$c.fresh.db" "SELECT encoding FROM files" > "$TMP/$c.enc"
	if cmp -s "$TMP/$c.inc.txt" "$TMP/$c.fresh.txt"; then
		ok "$c: grown in pieces stores what one ingest stores"
	else
		not_ok "$c: grown in pieces stores what one ingest stores"
		diff "$TMP/$c.inc.txt" "$TMP/$c.fresh.txt" | head -20 | sed 's/^/#   /'
	fi
}

pieces=16	# piece.0 (new) and 15 appends

run utf8
check "utf8: every append read on from the old end" test "$(cat "$TMP/utf8.fast")" = $((pieces - 1))
check "utf8: an append read on counts as grown, never as replaced" \
	sh -c "! grep -q ', [1-9][0-9]* replaced' '$TMP/utf8.log' && grep -q ' 1 grown' '$TMP/utf8.log'"
check "utf8: stored as utf-8" test "$(cat "$TMP/utf8.enc")" = utf-8
check "utf8: the store has records" sh -c "$T log -d '$TMP/utf8.inc.db' --format json | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin)) == 1200 else 1)'"

run bom
check "bom: every append read on from the old end" test "$(cat "$TMP/bom.fast")" = $((pieces - 1))
check "bom: stored as utf-8-bom" test "$(cat "$TMP/bom.enc")" = utf-8-bom

# Piece 3 brings a byte that is not UTF-8: its append still reads on
# (the old bytes were UTF-8), the file becomes windows-1252, and every
# later append re-reads the file whole.
run badbyte
check "badbyte: every append read on, before and after the bad byte" test "$(cat "$TMP/badbyte.fast")" = $((pieces - 1))
check "badbyte: stored as windows-1252" test "$(cat "$TMP/badbyte.enc")" = windows-1252

# A PSADT log says so in its first 64 KiB only: read on from its old end,
# the parser must still read its offsets the PSADT way.
run psadt
check "psadt: every append read on" test "$(cat "$TMP/psadt.fast")" = $((pieces - 1))

# After a BOM a byte that fell back makes decoded offsets differ from raw
# ones although the encoding stays utf-8-bom.
run bombad
check "bombad: every append read on" test "$(cat "$TMP/bombad.fast")" = $((pieces - 1))

# UTF-16 piece.0 is under 64 KiB decoded (format detection would read
# more of the grown file): appends are read whole until the stored text
# passes 64 KiB (after piece.3), then on from the old end.
run utf16
check "utf16: appends read on once 64 KiB of text were stored" test "$(head -1 "$TMP/utf16.fastpieces"),$(cat "$TMP/utf16.fast")" = "piece.4,$((pieces - 4))"
check "utf16: appends were grown files" contains "$TMP/utf16.log" "1 grown"
check "utf16: stored as utf-16le" test "$(cat "$TMP/utf16.enc")" = utf-16le

for c in utf16le utf16be cp1252; do
	run $c
	np=$(ls "$TMP/$c.pieces" | wc -l)
	check "$c: every append read on from the old end" test "$(cat "$TMP/$c.fast")" = $((np - 1))
done
check "utf16be: stored as utf-16be" test "$(cat "$TMP/utf16be.enc")" = utf-16be
check "cp1252: stored as windows-1252" test "$(cat "$TMP/cp1252.enc")" = windows-1252

# The old end changed under a grown file (same head, same length before
# the append, other bytes in its last 64 KiB): read whole, not on.
c=edit
python3 "$GEN" utf8 "$TMP/$c.pieces"
d=$TMP/$c/CLIENT01/Windows/CCM/Logs
mkdir -p "$d"
f=$d/CcmNotificationAgent.log
cat "$TMP/$c.pieces/piece.0" > "$f"
$T ingest -q -d "$TMP/$c.db" "$TMP/$c"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); i=b.rindex(b'pushid='); b[i:i+7]=b'PUSHID='; open(p,'wb').write(b)" "$f"
cat "$TMP/$c.pieces/piece.1" >> "$f"
$T ingest -d "$TMP/$c.db" "$TMP/$c" 2>"$TMP/$c.err"
check "edited old end: not read on" not_contains "$TMP/$c.err" "$MARK"
check "edited old end: replaced" contains "$TMP/$c.err" "1 replaced"
check "edited old end: the edit is stored" sh -c "$T log -d '$TMP/$c.db' --grep PUSHID= --format json | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin)) == 1 else 1)'"

# A store made before the resume columns (v4 without them) still ingests
# a grown file, the old way.
c=old
python3 "$GEN" utf8 "$TMP/$c.pieces"
d=$TMP/$c/CLIENT01/Windows/CCM/Logs
mkdir -p "$d"
f=$d/CcmNotificationAgent.log
cat "$TMP/$c.pieces/piece.0" > "$f"
$T ingest -q -d "$TMP/$c.db" "$TMP/$c"
sqlite3 "$TMP/$c.db" "ALTER TABLE files DROP COLUMN resume_hasher; ALTER TABLE files DROP COLUMN tail_hash;"
cat "$TMP/$c.pieces/piece.1" >> "$f"
$T ingest -d "$TMP/$c.db" "$TMP/$c" 2>"$TMP/$c.err"
check "store without resume columns: grown file stored" contains "$TMP/$c.err" "1 grown"
check "store without resume columns: read whole" not_contains "$TMP/$c.err" "$MARK"

# Read whole, the records stored already skipped: the PSADT flavour still
# comes from the file's head, not from the text after the skip.
c=oldpsadt
python3 "$GEN" psadt "$TMP/$c.pieces"
d=$TMP/$c/CLIENT01/Windows/CCM/Logs
mkdir -p "$d"
f=$d/CcmNotificationAgent.log
for i in $(seq 0 13); do cat "$TMP/$c.pieces/piece.$i" >> "$f"; done
$T ingest -q -d "$TMP/$c.db" "$TMP/$c"
sqlite3 "$TMP/$c.db" "ALTER TABLE files DROP COLUMN resume_hasher; ALTER TABLE files DROP COLUMN tail_hash;"
cat "$TMP/$c.pieces/piece.14" "$TMP/$c.pieces/piece.15" >> "$f"
$T ingest -d "$TMP/$c.db" "$TMP/$c" 2>"$TMP/$c.err"
$T ingest -q -d "$TMP/$c.fresh.db" "$TMP/$c"
check "psadt read whole past its stored records: grown" contains "$TMP/$c.err" "1 grown"
$T log -d "$TMP/$c.db" --format json > "$TMP/$c.inc.txt"
$T log -d "$TMP/$c.fresh.db" --format json > "$TMP/$c.fresh.txt"
check "psadt read whole past its stored records: what one ingest stores" cmp "$TMP/$c.inc.txt" "$TMP/$c.fresh.txt"
finish
