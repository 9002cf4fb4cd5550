#!/bin/sh
# ingest --follow: a writer appends (also half a line, completed later),
# rotates (mv X.log X.lo_; new X.log), adds a host folder, truncates a
# file and deletes a .lo_ while tatrace follows; readers in other
# processes see every record once; Ctrl-C exits 130 with nothing lost.
# Run once with inotify and once with --poll. No timed asserts: every
# wait is a bounded loop for the state.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/follow.sh"
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
pid=""

# file_json NAME EXPR: EXPR holds for the files JSON row f of file NAME.
file_json() {
	$T files -d "$DB" --format json |
		python3 -c "import json,sys; d=[f for f in json.load(sys.stdin) if f['path'].endswith('$1')]; sys.exit(0 if d and ($2) else 1)" 2>/dev/null
}

batches() { [ -f "$DBG" ] && wc -l < "$DBG" || echo 0; }
more_batches_than() { test "$(batches)" -gt "$1"; }

scenario() {
	mode=$1
	shift
	B=$TMP/$mode/bundle
	DB=$TMP/$mode/s.db
	ERR=$TMP/$mode/err
	DBG=$TMP/$mode/dbg
	L=$B/HOSTA/Logs
	mkdir -p "$L"
	cp -r "$FIX/bundle/MP01" "$FIX/bundle/CLIENT01" "$FIX/bundle/SCP01" "$B/"
	{ rec m1 1; rec m2 2; } > "$L/Test.log"
	TATRACE_FOLLOW_LOG=$DBG $T ingest -d "$DB" --follow "$@" "$B" 2>"$ERR" &
	pid=$!
	wait_for "$mode: the first ingest stores the bundle" has_messages HOSTA m1 m2
	check "$mode: one status line says what it follows" contains "$ERR" "following 1 path"

	# One write, so that one batch sees both records.
	{ rec m3 3; rec m4 4; } > "$TMP/two"
	cat "$TMP/two" >> "$L/Test.log"
	wait_for "$mode: appended records are stored, once each" has_messages HOSTA m1 m2 m3 m4

	b=$(batches)
	printf '<![LOG[half' >> "$L/Test.log"
	wait_for "$mode: a batch reads the half-written line" more_batches_than "$b"
	printf ' done]LOG]!><time="10:00:05.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' >> "$L/Test.log"
	wait_for "$mode: the completed line is one record, the half one gone" \
		has_messages HOSTA m1 m2 m3 m4 "half done"
	check "$mode: ... and the file has no partial record left" file_json Test.log 'd[0]["partial"] == 0 and d[0]["records"] == 5'

	id=$($T files -d "$DB" --format json | python3 -c "import json,sys; print([f['id'] for f in json.load(sys.stdin) if f['path'].endswith('Test.log')][0])")
	mv "$L/Test.log" "$L/Test.lo_"
	rec m6 6 > "$L/Test.log"
	wait_for "$mode: rotation: the records of both pieces, once each" \
		has_messages HOSTA m1 m2 m3 m4 "half done" m6
	check "$mode: the rotated file is the stored row re-keyed, not re-read" \
		file_json Test.lo_ "d[0]['id'] == $id and d[0]['records'] == 5 and d[0]['duplicate_of'] is None"
	check "$mode: ... and the new Test.log is a file of its own" file_json Test.log 'd[0]["records"] == 1'
	check "$mode: the rename is reported" contains "$ERR" "Test.log renamed to Test.lo_: its records kept"
	check "$mode: status lines count the records added" contains "$ERR" "+2 records in bundle/HOSTA/Logs/Test.log"

	mkdir -p "$B/HOSTB/Logs"
	rec b1 1 > "$B/HOSTB/Logs/New.log"
	wait_for "$mode: a new host folder is followed" has_messages HOSTB b1
	rec b2 2 >> "$B/HOSTB/Logs/New.log"
	wait_for "$mode: ... and so are its later writes" has_messages HOSTB b1 b2

	: > "$L/Test.log"
	rec m7 7 >> "$L/Test.log"
	wait_for "$mode: a truncated file is read again" \
		has_messages HOSTA m1 m2 m3 m4 "half done" m7

	rm "$L/Test.lo_"
	rec m8 8 >> "$L/Test.log"
	wait_for "$mode: a deleted .lo_ keeps its records" \
		has_messages HOSTA m1 m2 m3 m4 "half done" m7 m8
	check "$mode: the deletion is reported" contains "$ERR" "Test.lo_ deleted: its records stay"

	# ConfigMgr's own rotation in one go: the old .lo_ deleted, .log
	# renamed .lo_, a new .log. Three generations, each record once.
	rec r1 9 > "$L/Rot.lo_"
	rec r2 10 > "$L/Rot.log"
	wait_for "$mode: a second log is followed" \
		has_messages HOSTA m1 m2 m3 m4 "half done" m7 m8 r1 r2
	rm "$L/Rot.lo_"; mv "$L/Rot.log" "$L/Rot.lo_"; rec r3 11 > "$L/Rot.log"
	wait_for "$mode: rotation over an old .lo_: every generation kept, once" \
		has_messages HOSTA m1 m2 m3 m4 "half done" m7 m8 r1 r2 r3
	check "$mode: ... the old .lo_ retired with its record" \
		sh -c "sqlite3 '$DB' \"SELECT records FROM files WHERE source LIKE '%Rot.lo_#retired-%'\" | grep -qx 1"

	# A new push and its receipt: the trace appears.
	G=B43DD1B3-A006-4604-B012-5529380B3B6F
	printf 'Starting to send push task (PushID: 9 TaskID: 10 TaskGUID: %s TaskType: 1 TaskParam: ) to 1 clients  with throttling (strategy: 1 param: 42)~~  $$<SMS_NOTIFICATION_SERVER><09-25-2026 16:35:04.936+240><thread=7896 (0x1ED8)>\n' $G \
		>> "$B/MP01/SMS_CCM/Logs/BgbServer.log"
	printf '<![LOG[Receive task from server with pushid=9, taskid=10, taskguid=%s, tasktype=1 and taskParam=]LOG]!><time="21:35:04.986-60" date="09-25-2026" component="BgbAgent" context="" type="1" thread="3720" file="bgbconnector.cpp:386">\n' $G \
		>> "$B/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log"
	wait_for "$mode: a push and its receipt become a trace" \
		sh -c "$T traces -d '$DB' --format json | grep -q $G"
	check "$mode: readers read while it follows (log, traces, stats)" \
		sh -c "$T log -d '$DB' >/dev/null && $T traces -d '$DB' >/dev/null && $T stats -d '$DB' >/dev/null"
	check "$mode: the store is in WAL mode while following" \
		sh -c "test \"\$(sqlite3 '$DB' 'PRAGMA journal_mode')\" = wal"

	kill -INT $pid
	( sleep 10; kill -KILL $pid 2>/dev/null ) &
	guard=$!
	wait $pid
	rc=$?
	kill $guard 2>/dev/null
	pid=""
	check "$mode: Ctrl-C ends the follow with 130 ($rc)" test "$rc" -eq 130
	check "$mode: nothing lost after Ctrl-C" has_messages HOSTA m1 m2 m3 m4 "half done" m7 m8 r1 r2 r3
	check "$mode: the store is one file again (DELETE journal)" \
		sh -c "test \"\$(sqlite3 '$DB' 'PRAGMA journal_mode')\" = delete && test ! -e '$DB-wal'"
	check "$mode: a plain ingest afterwards works" $T ingest -q -d "$DB" "$B"
	check "$mode: ... and finds nothing new" has_messages HOSTB b1 b2
}

scenario inotify
scenario poll --poll=50

# SIGTERM ends it the same way; -q keeps the status lines out.
mkdir -p "$TMP/q/HOSTQ/Logs"
rec q1 1 > "$TMP/q/HOSTQ/Logs/Q.log"
$T ingest -q -d "$TMP/q.db" --follow "$TMP/q" 2>"$TMP/q.err" &
pid=$!
DB=$TMP/q.db ERR=$TMP/q.err
wait_for "-q: the first ingest stores the file" has_messages HOSTQ q1
kill -TERM $pid
wait $pid
rc=$?
pid=""
check "SIGTERM ends the follow with 130 ($rc)" test "$rc" -eq 130
check "-q prints no status lines" test ! -s "$TMP/q.err"

# A log given as a file: its rotation is seen too (the new X.log must
# not replace the stored one's records).
mkdir -p "$TMP/one/HOSTO/Logs"
O=$TMP/one/HOSTO/Logs
{ rec o1 1; rec o2 2; } > "$O/One.log"
$T ingest -d "$TMP/one.db" --host HOSTO --follow "$O/One.log" 2>"$TMP/one.err" &
pid=$!
DB=$TMP/one.db ERR=$TMP/one.err
wait_for "a single file is followed" has_messages HOSTO o1 o2
rec o3 3 >> "$O/One.log"
wait_for "... its appended records stored" has_messages HOSTO o1 o2 o3
mv "$O/One.log" "$O/One.lo_"
rec o4 4 > "$O/One.log"
wait_for "... its rotation keeps the old records and adds the new" has_messages HOSTO o1 o2 o3 o4
check "... the old records now under One.lo_" file_json One.lo_ 'd[0]["records"] == 3'
kill -INT $pid
wait $pid
pid=""

# A hostile file name reaches stderr escaped, never raw.
mkdir -p "$TMP/e/HOSTE/Logs"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("Z/Logs/z.log", "z\n")' "$TMP/e/old.zip"
$T ingest -d "$TMP/e.db" --follow "$TMP/e" 2>"$TMP/e.err" &
pid=$!
DB=$TMP/e.db ERR=$TMP/e.err
wait_for "follow starts on a folder" contains "$TMP/e.err" "following 1 path"
check "an archive in a followed folder: read once, and it says so" contains "$TMP/e.err" "e/old.zip: archives are read once, not followed"
rec e1 1 > "$TMP/e/HOSTE/Logs/$(printf 'evil\033]0;pwned\007').log"
wait_for "a new file with an escape in its name is stored" has_messages HOSTE e1
check "... and its status line is escaped" contains "$TMP/e.err" 'evil\\e]0;pwned\\x07.log'
check "... nothing raw" not_contains "$TMP/e.err" "$(printf '\033')"
kill -INT $pid
wait $pid
pid=""

# What cannot be followed.
printf 'x' > "$TMP/a.zip"
expect_status 2 "--follow refuses an archive" $T ingest -d "$TMP/z.db" --follow "$TMP/a.zip"
check "... saying why" contains "$TMP/.err" "archives are not followed"
expect_status 2 "--follow refuses a pipe" sh -c "echo x | $T ingest -d '$TMP/z.db' --follow -"
expect_status 2 "--poll needs --follow" $T ingest -d "$TMP/z.db" --poll "$TMP/q"
expect_status 2 "--poll=MS wants a number" $T ingest -d "$TMP/z.db" --follow --poll=soon "$TMP/q"
finish
