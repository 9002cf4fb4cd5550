#!/bin/sh
# Ctrl-C rolls back only the file in progress; the progress bar draws on a
# terminal; a log can be piped in through /dev/stdin.
. "$(dirname "$0")/lib.sh"
DB=$TMP/t.db
cp "$FIX/bundle/MP01/SMS_CCM/Logs/BgbServer.log" "$TMP/a.log"
mkfifo "$TMP/p.log"
# tatrace stops reading at once on Ctrl-C, so a write after it may find
# no reader: a failed write, not a SIGPIPE that ends this script.
trap '' PIPE

# The FIFO makes the timing deterministic: opening it for writing returns
# only once tatrace is reading it, i.e. after a.log was committed.
$T ingest -q -d "$DB" "$TMP/a.log" "$TMP/p.log" &
pid=$!
exec 3>"$TMP/p.log"
printf '<![LOG[first half of a record' >&3
kill -INT $pid
printf ' and the rest]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' >&3 2>/dev/null
exec 3>&-
wait $pid
rc=$?
check "interrupted ingest exits 130" test "$rc" -eq 130
$T files -d "$DB" --format json > "$TMP/files.json"
check "the file stored before Ctrl-C stays" pyjson 'any(f["name"]=="a.log" and f["records"]==4 for f in d)' < "$TMP/files.json"
check "the file in progress was rolled back" pyjson 'not any(f["name"]=="p.log" for f in d)' < "$TMP/files.json"
check "the store is intact (sqlite integrity_check)" sh -c "test \"\$(sqlite3 '$DB' 'PRAGMA integrity_check')\" = ok"

# Ctrl-C while ingest waits on an idle FIFO (a writer that writes nothing):
# it stops at once and exits 130 instead of waiting for the writer.
mkfifo "$TMP/idle.log"
$T ingest -q -d "$TMP/idle.db" "$TMP/idle.log" &
pid=$!
exec 4>"$TMP/idle.log"	# returns once tatrace has opened it to read
printf '<![LOG[half a rec' >&4
kill -INT $pid
( sleep 10; kill -KILL $pid 2>/dev/null ) &	# a bound, not a timing
guard=$!
wait $pid
rc=$?
kill $guard 2>/dev/null
exec 4>&-
check "Ctrl-C on an idle FIFO: exit 130 at once ($rc)" test "$rc" -eq 130
check "... nothing of it stored" sh -c "! $T files -d '$TMP/idle.db' 2>/dev/null | grep -q idle.log"

printf '<![LOG[piped]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' |
	$T ingest -q -d "$TMP/pipe.db" --host PIPED /dev/stdin
check "a log piped through /dev/stdin is stored under --host" sh -c "$T log -d '$TMP/pipe.db' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[0][\"host\"]==\"PIPED\" and d[0][\"message\"]==\"piped\" else 1)'"

if command -v script >/dev/null 2>&1; then
	script -qec "$T ingest -d '$TMP/tty.db' '$FIX/bundle'" /dev/null > "$TMP/tty.out" 2>&1
	check "on a terminal a progress bar is drawn" contains "$TMP/tty.out" "files.*MB.*rec/s.*ETA"
	check "and the run ends with a summary line" contains "$TMP/tty.out" "7 files (7 new"
	$T ingest -d "$TMP/notty.db" "$FIX/bundle" > "$TMP/notty.out" 2>&1
	check "without a terminal there is no progress bar" not_contains "$TMP/notty.out" "ETA"
fi
finish
