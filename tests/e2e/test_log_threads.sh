#!/bin/sh
# `log` decodes and formats its rows on a second thread from batches the
# merge hands over (src/cmd_log.c); TATRACE_LOG_THREADS=1 does it all on
# the merge's thread (as --grep does). Both write the same bytes: table
# and JSON, filtered or not, in a UTF-8 and the C locale, with long
# messages among short ones; both stop early and cleanly when the reader
# goes away, and both stop at a block whose text does not decode.
. "$(dirname "$0")/lib.sh"
$T demo -q --clients 4 --actions 40 --scale 30000 --seed 5 "$TMP/b" >/dev/null
# long messages: a batch is handed over by its text's size, not only its count
python3 - "$TMP/b/long.log" <<'EOF2'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(400):
        f.write('<![LOG[%s]LOG]!><time="10:%02d:%02d.000+000" date="01-01-2026" component="L"'
                ' context="" type="1" thread="1" file="">\n' % (chr(97 + i % 26) * (3000 + i), i // 60, i % 60))
EOF2
$T ingest -q -d "$TMP/s.db" "$TMP/b" 2>/dev/null

# same DESC ARGS...: log ARGS on one and on two threads, byte for byte
same() {
	desc=$1
	shift
	TATRACE_LOG_THREADS=1 $T log -d "$TMP/s.db" "$@" > "$TMP/one" 2>&1
	echo "exit $?" >> "$TMP/one"
	$T log -d "$TMP/s.db" "$@" > "$TMP/two" 2>&1
	echo "exit $?" >> "$TMP/two"
	check "$desc: the same on one and two threads" cmp "$TMP/one" "$TMP/two"
	check "... and not empty" test "$(grep -c . "$TMP/two")" -gt 10
}

same "table"
check "... and it has every record" test "$(grep -c . "$TMP/two")" -gt 30000
same "json" --format json
LC_ALL=C same "table, C locale"
LC_ALL=C.UTF-8 same "table, UTF-8 locale"
LC_ALL=C.UTF-8 same "json, UTF-8 locale" --format json
same "by host and time" --host CLIENT02 --since 2026-01-01
same "grep" --grep 'keep-alive|aaaaaaaaaa'
check "... with the long messages" contains "$TMP/two" aaaaaaaaaa
same "severity" --severity warning

# the reader goes away: the merge stops (no hang), the first lines as written
$T log -d "$TMP/s.db" | head -n 5 > "$TMP/head2"
TATRACE_LOG_THREADS=1 $T log -d "$TMP/s.db" | head -n 5 > "$TMP/head1"
check "| head: the same first lines" cmp "$TMP/head1" "$TMP/head2"
check "... five of them" test "$(grep -c . "$TMP/head2")" -eq 5
# a block whose LZ4 text does not decode (decoded on the second thread):
# the rows before it, then exit 2 with one line naming the block, as on one
python3 - "$TMP/s.db" "$TMP/bad.db" <<'EOF2'
import shutil, sqlite3, sys
shutil.copy(sys.argv[1], sys.argv[2])
db = sqlite3.connect(sys.argv[2])
bid, text = db.execute("SELECT block_id, text FROM block_text WHERE substr(text, 1, 1) = x'01'"
                       " ORDER BY block_id LIMIT 1 OFFSET 20").fetchone()
db.execute("UPDATE block_text SET text = ? WHERE block_id = ?",
           (text[:5] + b"\xff" * (len(text) - 5), bid))
db.commit()
EOF2
for f in table json; do
	TATRACE_LOG_THREADS=1 $T log -d "$TMP/bad.db" --format $f > "$TMP/one" 2> "$TMP/one.err"
	echo "exit $?" >> "$TMP/one"
	$T log -d "$TMP/bad.db" --format $f > "$TMP/two" 2> "$TMP/two.err"
	echo "exit $?" >> "$TMP/two"
	check "$f, a text that does not decode: the same rows and exit" cmp "$TMP/one" "$TMP/two"
	check "... exit 2 after some rows" sh -c "tail -n 1 '$TMP/two' | grep -qx 'exit 2' && [ \$(wc -l < '$TMP/two') -gt 10 ]"
	check "... the same message" cmp "$TMP/one.err" "$TMP/two.err"
	check "... one line: STORE: corrupt block N (file F): why" sh -c "[ \$(wc -l < '$TMP/two.err') -eq 1 ] && grep -q '^tatrace log: .*bad.db: corrupt block [0-9]* (file [0-9]*): its compressed text does not decompress' '$TMP/two.err'"
done
finish
