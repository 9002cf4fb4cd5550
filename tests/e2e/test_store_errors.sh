#!/bin/sh
# Store-level failures: unwritable location, a newer schema, not a store,
# usage errors; and time-zone overrides.
. "$(dirname "$0")/lib.sh"
DB=$TMP/t.db

expect_status 2 "no arguments is a usage error" $T
expect_status 2 "unknown command is a usage error" $T frobnicate
expect_status 0 "--help exits 0" $T --help
check "--help lists every command" sh -c "$T --help | grep -q ingest && $T --help | grep -q stats && $T --help | grep -q 'log '"
for c in ingest files cat log stats; do
	check "$c --help works" sh -c "$T $c --help | grep -q 'usage: tatrace $c'"
done
expect_status 2 "ingest without PATH is a usage error" $T ingest -d "$DB"
expect_status 2 "ingest --tz without = is a usage error" $T ingest -d "$DB" --tz FOO "$FIX/bundle"
expect_status 2 "unwritable store location exits 2" $T ingest -q -d /proc/nope/t.db "$FIX/bundle"
check "it says which store" contains "$TMP/.err" "/proc/nope/t.db"
expect_status 1 "missing PATH is named and exits 1" $T ingest -q -d "$DB" "$TMP/does-not-exist"
check "missing PATH named on stderr" contains "$TMP/.err" "does-not-exist"
mkdir -p "$TMP/nologs"
touch "$TMP/nologs/readme.md"
expect_status 0 "a folder without logs is not an error" $T ingest -q -d "$TMP/nologs.db" "$TMP/nologs"
check "but it is said" contains "$TMP/.err" "nologs: no log files found"
printf 'not a database at all, just text that is long enough to be read as a header......' > "$TMP/junk.db"
expect_status 2 "a file that is not a store is refused" $T stats -d "$TMP/junk.db"

$T ingest -q -d "$DB" "$FIX/bundle"
sqlite3 "$DB" "UPDATE meta SET value='99' WHERE key='schema_version'"
expect_status 2 "a store from a newer tatrace is refused" $T stats -d "$DB"
check "with a clear message" contains "$TMP/.err" "newer"

# An ingest that died while the events' time index was dropped: the next
# writer rebuilds it.
rm -f "$DB"
$T ingest -q -d "$DB" "$FIX/bundle"
sqlite3 "$DB" "DROP INDEX events_utc"
$T ingest -q -d "$DB" "$FIX/bundle"
check "a writer rebuilds a missing events index" sh -c "test \"\$(sqlite3 '$DB' \"SELECT count(*) FROM sqlite_master WHERE name='events_utc'\")\" = 1"
check "the time index covers what the trace builder reads" sh -c "sqlite3 '$DB' \"SELECT group_concat(name) FROM pragma_index_info('events_utc')\" | grep -qx 'utc,file_id,seq,id,packed'"
# An event whose packed fields were edited: the rebuild that reads it
# stops with "corrupt event", naming it, rather than guessing.
cp "$DB" "$TMP/packed.db"
sqlite3 "$TMP/packed.db" "UPDATE events SET packed = x'01' WHERE id = (SELECT min(id) FROM events); INSERT OR REPLACE INTO meta VALUES('traces_stale', 1)"
expect_status 2 "a corrupt packed event stops the rebuild" $T ingest -q -d "$TMP/packed.db" "$FIX/bundle"
check "and says which event" contains "$TMP/.err" "corrupt event"
# A store whose findings index has the IN list (an earlier build): the
# next writer replaces it, and the findings still read through an index.
sqlite3 "$DB" "DROP INDEX events_for_findings; CREATE INDEX events_findings ON events(utc, file_id, seq) WHERE lane = 3 OR kind IN (3, 9, 16)"
$T ingest -q -d "$DB" "$FIX/bundle"
check "a writer replaces the IN-list findings index" sh -c "test \"\$(sqlite3 '$DB' \"SELECT group_concat(name) FROM sqlite_master WHERE name LIKE 'events_%findings' ORDER BY name\")\" = events_for_findings"
check "the findings' events are read through it" sh -c "sqlite3 '$DB' \"EXPLAIN QUERY PLAN SELECT id FROM events WHERE (lane = 3 OR kind = 3 OR kind = 9 OR kind = 16) ORDER BY utc, file_id, seq\" | grep -q 'INDEX events_for_findings'"

# The disk fills up in the middle of a file (a file-size limit stands in
# for it): exit 2 naming the file, what was stored before stays readable,
# and the next ingest rebuilds the traces the failed one could not. Each
# record carries random hex, which LZ4 cannot shrink much: the store's
# text is compressed, so a repetitive log would fit under the limit.
python3 -c "
import random, sys
random.seed(1)
rec = '<![LOG[Successfully sent keep-alive message to the notification server %d %s]LOG]!><time=\"10:00:00.000+000\" date=\"01-01-2026\" component=\"BgbAgent\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\r\n'
sys.stdout.write(''.join(rec % (i, '%064x' % random.getrandbits(256)) for i in range(100000)))
" > "$TMP/huge.log"
sh -c "ulimit -f 16384; trap '' XFSZ; exec $T ingest -q -d '$TMP/full.db' '$FIX/bundle' '$TMP/huge.log'" 2>"$TMP/full.err"
rc=$?
check "a full disk mid-file exits 2" test "$rc" -eq 2
check "and names the file" contains "$TMP/full.err" "huge.log: "
check "the files stored before it stay readable" sh -c "test \$($T files -d '$TMP/full.db' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 7"
# Files of one PATH are committed in batches: a full disk rolls back the
# whole open batch, so the files released into it before the failing one
# are said to be lost, and are not counted as stored.
mkdir -p "$TMP/mixed/ZZHOST"
cp -r "$FIX/bundle/CLIENT01" "$TMP/mixed/"
cp "$TMP/huge.log" "$TMP/mixed/ZZHOST/CcmNotificationAgent.log"
sh -c "ulimit -f 16384; trap '' XFSZ; exec $T ingest -d '$TMP/mixed.db' '$TMP/mixed'" >"$TMP/mixed.out" 2>&1
rc=$?
check "a full disk mid-batch exits 2" test "$rc" -eq 2
check "and says which earlier files of the batch went with it" contains "$TMP/mixed.out" "earlier files of its batch not stored: 3"
check "which the summary does not count as stored" contains "$TMP/mixed.out" "(0 new,"
$T ingest -q -d "$TMP/full.db" "$FIX/bundle"
check "the next ingest rebuilds the traces" sh -c "$T traces -d '$TMP/full.db' --format json | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin)) == 1 else 1)'"

# --tz overrides the borrowed host bias for records without one.
rm -f "$DB"
$T ingest -q -d "$DB" --tz SCP01=300 "$FIX/bundle"
check "--tz HOST=BIAS applies to records without a bias" sh -c "$T log -d '$DB' --host SCP01 --grep Forwarded --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[0][\"utc\"]==\"2026-09-25T20:35:03.423Z\" and d[0][\"offset_source\"]==\"override\" else 1)'"
check "--tz does not touch records with an explicit bias" sh -c "$T log -d '$DB' --host SCP01 --grep 'SMS_SERVICE_CONNECTOR started' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[0][\"utc\"]==\"2026-09-25T19:30:00.000Z\" and d[0][\"offset_source\"]==\"explicit\" else 1)'"
# A single file with no host information: assumed UTC, and --host names it.
mkdir -p "$TMP/Logs"
printf '<![LOG[dotnet]LOG]!><time="10:00:00.1234567" date="01-01-2026" component="W" context="" type="1" thread="1" file="">\n' > "$TMP/Logs/w.log"
$T ingest -q -d "$TMP/one.db" --host LONELY "$TMP/Logs/w.log"
check "--host names a single file's host; no bias known -> assumed" sh -c "$T log -d '$TMP/one.db' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[0][\"host\"]==\"LONELY\" and d[0][\"offset_source\"]==\"assumed\" and d[0][\"utc\"]==\"2026-01-01T10:00:00.123Z\" else 1)'"
finish
