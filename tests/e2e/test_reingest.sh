#!/bin/sh
# Re-ingest is idempotent; a grown file adds only its new records; a
# replaced file is stored afresh; two ingests on one store never interleave.
. "$(dirname "$0")/lib.sh"
DB=$TMP/t.db
cp -R "$FIX/bundle" "$TMP/b"

records() { $T stats -d "$DB" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])'; }

$T ingest -q -d "$DB" "$TMP/b"
first=$(records)
$T ingest -d "$DB" "$TMP/b" 2>"$TMP/err2"
check "second ingest stores nothing twice" test "$(records)" = "$first"
check "second ingest reports every file unchanged" contains "$TMP/err2" "0 new, 0 grown, 0 replaced, 7 unchanged"

agent=$TMP/b/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log
printf '<![LOG[Task complete.]LOG]!><time="20:35:07.000-60" date="09-25-2026" component="BgbAgent" context="" type="1" thread="3720" file="">\r\n' >> "$agent"
$T ingest -d "$DB" "$TMP/b" 2>"$TMP/err3"
check "grown file: only the new record added" test "$(records)" = "$((first + 1))"
check "grown file reported as grown" contains "$TMP/err3" "1 grown"
id=$($T files -d "$DB" --format json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin) if f["name"]=="CcmNotificationAgent.log"][0])')
$T cat -d "$DB" "$id" > "$TMP/cat"
tail -c +4 "$agent" > "$TMP/want"
check "grown file still round-trips" cmp "$TMP/cat" "$TMP/want"
check "grown file line numbers continue" sh -c "$T log -d '$DB' --grep 'Task complete' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[0][\"line\"]==6 else 1)'"

# Replace a file with different content of the same size.
bgb=$TMP/b/MP01/SMS_CCM/Logs/BgbServer.log
sed 's/PushID: 7/PushID: 9/' "$bgb" > "$TMP/x" && cat "$TMP/x" > "$bgb"
touch -d '2030-01-01' "$bgb"
$T ingest -d "$DB" "$TMP/b" 2>"$TMP/err4"
check "changed file replaced, not duplicated" test "$(records)" = "$((first + 1))"
check "replaced file has the new text" sh -c "$T log -d '$DB' --grep 'PushID: 9' --format json | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin))==3 else 1)'"
check "old text gone" sh -c "test \"\$($T log -d '$DB' --grep 'PushID: 7 ' --format json)\" = '[]'"

# Touching without changing content is not a change.
touch -d '2031-01-01' "$agent"
$T ingest -d "$DB" "$TMP/b" 2>"$TMP/err5"
check "touched but unchanged file is skipped" contains "$TMP/err5" "0 new, 0 grown, 0 replaced, 7 unchanged"

# Two ingests at once: the second waits for the first and nothing doubles.
rm -f "$DB"
$T ingest -q -d "$DB" "$TMP/b" & p1=$!
$T ingest -q -d "$DB" "$TMP/b" & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "concurrent ingests both succeed" test "$r1$r2" = "00"
check "concurrent ingests store everything once" test "$(records)" = "$((first + 1))"
finish
