#!/bin/sh
# A file truncated and written again while ingest reads it (issue 8 §3):
# never stored as a mix of the old bytes and the new. The reader stops
# after its first read (TATRACE_DEBUG_READ_PAUSE, a FIFO: no timing),
# the test changes the file, the reader goes on. Cut below what was read
# ("shrank"), or rewritten longer ("truncated and written again", seen by
# the first bytes or by the bytes before the next read): one line naming
# the file, exit 1, the store as it was. Grown meanwhile: stored whole.
. "$(dirname "$0")/lib.sh"

# gen FILE TAG MB [SAMEHEAD]: a CCM log of about MB MiB whose records say
# TAG; SAMEHEAD: its first 4 KiB are those of gen's "old" text.
gen() {
	python3 - "$@" <<'PY'
import sys
path, tag, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
def rec(i, t):
    return ('<![LOG[%s record %d of the log]LOG]!><time="10:%02d:%02d.000+000" '
            'date="01-01-2026" component="T" context="" type="1" thread="1" '
            'file="">\r\n' % (t, i, i // 60 % 60, i % 60)).encode()
out, i = bytearray(), 0
while len(out) < mb * 1048576:
    out += rec(i, tag)
    i += 1
if len(sys.argv) > 4:
    old, j = bytearray(), 0
    while len(old) < 4096:
        old += rec(j, 'old')
        j += 1
    out[:4096] = old[:4096]
open(path, 'wb').write(out)
PY
}

# paused DB FILE CMD...: ingest FILE into DB, running CMD while the reader
# waits after its first read; leaves $TMP/rc and $TMP/err.
paused() {
	db=$1 f=$2
	shift 2
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	TATRACE_DEBUG_READ_PAUSE="$TMP/fifo" $T ingest -d "$db" "$f" >/dev/null 2>"$TMP/err" &
	pid=$!
	timeout 60 cat "$TMP/fifo" >/dev/null
	"$@"
	timeout 60 sh -c ': > "$1"' _ "$TMP/fifo"
	wait $pid
	echo $? > "$TMP/rc"
}

records() { $T log -d "$1" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
dumplog() { $T log -d "$1" --format json; }

F=$TMP/CcmNotificationAgent.log

# Truncated and written again, longer than before: a new ingest.
gen "$F" old 2
paused "$TMP/a.db" "$F" gen "$F" new 3
check "rewritten while read: exit 1" test "$(cat "$TMP/rc")" = 1
check "rewritten while read: one line naming the file" sh -c "test \$(wc -l < '$TMP/err') -le 2 && grep -q 'CcmNotificationAgent.log: the file was truncated and written again while it was read' '$TMP/err'"
check "rewritten while read: nothing of the mix stored" test "$(records "$TMP/a.db")" = 0
$T ingest -q -d "$TMP/a.db" "$F"
$T ingest -q -d "$TMP/a.fresh.db" "$F"
dumplog "$TMP/a.db" > "$TMP/a.txt"
dumplog "$TMP/a.fresh.db" > "$TMP/a.fresh.txt"
check "ingested again: what one ingest of the new file stores" cmp "$TMP/a.txt" "$TMP/a.fresh.txt"

# The same over a stored file, replaced since (read whole, as a new
# version): the store keeps the version it had.
gen "$F" old 2
$T ingest -q -d "$TMP/b.db" "$F"
dumplog "$TMP/b.db" > "$TMP/b.before"
gen "$F" mid 2
paused "$TMP/b.db" "$F" gen "$F" new 3
check "rewritten while re-read: exit 1" test "$(cat "$TMP/rc")" = 1
check "rewritten while re-read: said" contains "$TMP/err" "truncated and written again"
dumplog "$TMP/b.db" > "$TMP/b.after"
check "rewritten while re-read: the store as it was" cmp "$TMP/b.before" "$TMP/b.after"

# Rewritten with the same first 4 KiB: the bytes before the next read
# tell.
gen "$F" old 2
paused "$TMP/c.db" "$F" gen "$F" new 3 samehead
check "same head, rewritten: exit 1" test "$(cat "$TMP/rc")" = 1
check "same head, rewritten: said" contains "$TMP/err" "its bytes at 65472 changed"
check "same head, rewritten: nothing stored" test "$(records "$TMP/c.db")" = 0

# Cut below what was read and not grown again.
gen "$F" old 2
paused "$TMP/d.db" "$F" truncate -s 1000 "$F"
check "cut while read: exit 1" test "$(cat "$TMP/rc")" = 1
check "cut while read: said" contains "$TMP/err" "CcmNotificationAgent.log: the file shrank while it was read"

# The non-triggers: grown while read, or untouched, is stored whole.
gen "$F" old 2
paused "$TMP/e.db" "$F" sh -c "cat '$F' >> '$F.more'; cat '$F.more' >> '$F'; rm '$F.more'"
check "grown while read: exit 0" test "$(cat "$TMP/rc")" = 0
check "grown while read: no warning" sh -c "! grep -q 'written again\\|shrank' '$TMP/err'"
$T ingest -q -d "$TMP/e.fresh.db" "$F"
dumplog "$TMP/e.db" > "$TMP/e.txt"
dumplog "$TMP/e.fresh.db" > "$TMP/e.fresh.txt"
check "grown while read: stored whole, as one ingest after" cmp "$TMP/e.txt" "$TMP/e.fresh.txt"
gen "$F" old 2
paused "$TMP/f.db" "$F" true
check "untouched while paused: exit 0" test "$(cat "$TMP/rc")" = 0
finish
