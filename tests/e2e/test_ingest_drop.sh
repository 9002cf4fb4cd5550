#!/bin/sh
# A parse-ahead tape the writer drops while its worker reads the file's
# end: the worker's last flush hands a record to a dropped tape, and the
# file fails as interrupted on the worker's side, unseen (until 60d732c
# it failed with no reason and tape_fail took strlen(NULL): a crash in 1
# of ~250 ingests under load). Both sides stop at FIFOs, no timing: the
# writer before each file's head (TATRACE_DEBUG_READ_PAUSE), the worker
# at the end of its first file (TATRACE_DEBUG_AHEAD_PAUSE). The writer
# drops A.log's tape because a twin (A.log of the same host) is stored.
. "$(dirname "$0")/lib.sh"

# ccm FILE TAG: a CCM log whose last record has no line end, so that the
# parser hands it on only at the final flush, after the last read.
ccm() {
	python3 - "$1" "$2" <<'PY'
import sys
recs = ['<![LOG[%s record %d]LOG]!><time="10:00:%02d.000+000" date="01-01-2026"'
	' component="T" context="" type="1" thread="1" file="">' % (sys.argv[2], i, i)
	for i in range(40)]
open(sys.argv[1], "w").write("\r\n".join(recs))
PY
}
for d in d1 d2; do mkdir -p "$TMP/$d/CLIENT09/Windows/CCM/Logs"; done
L1=$TMP/d1/CLIENT09/Windows/CCM/Logs
L2=$TMP/d2/CLIENT09/Windows/CCM/Logs
ccm "$L1/A.log" first
cp "$L1/A.log" "$L2/A.log"
ccm "$L2/B.log" second
$T ingest -q -d "$TMP/one.db" "$TMP/d1" >/dev/null 2>&1
cp "$TMP/one.db" "$TMP/ahead.db"
TATRACE_INGEST_THREADS=1 $T ingest -d "$TMP/one.db" "$TMP/d2" >/dev/null 2>"$TMP/one.raw"
echo "exit $?" >> "$TMP/one.raw"

mkfifo "$TMP/writer" "$TMP/worker"
TATRACE_INGEST_THREADS=3 TATRACE_DEBUG_READ_PAUSE="$TMP/writer" \
	TATRACE_DEBUG_AHEAD_PAUSE="$TMP/worker" \
	$T ingest -d "$TMP/ahead.db" "$TMP/d2" >/dev/null 2>"$TMP/ahead.raw" &
pid=$!
go() { timeout 60 sh -c ': > "$1"' _ "$TMP/$1"; }
timeout 60 cat "$TMP/writer" >/dev/null	# the writer at A.log's head
timeout 60 cat "$TMP/worker" >/dev/null	# the worker (it, not the writer, has A.log) at its end
go writer				# the writer drops A.log's tape (a twin) ...
timeout 60 cat "$TMP/writer" >/dev/null	# ... reads A.log itself, and is at B.log's head
go worker				# A.log's last record onto the dropped tape
go writer
wait $pid
echo "exit $?" >> "$TMP/ahead.raw"

# The summary's timings and speed are a clock's.
sed 's/ in [0-9.]* s ([0-9]* records\/s)//; s/traces in [0-9.]* s/traces/' "$TMP/one.raw" > "$TMP/one.err"
sed 's/ in [0-9.]* s ([0-9]* records\/s)//; s/traces in [0-9.]* s/traces/' "$TMP/ahead.raw" > "$TMP/ahead.err"
check "a tape dropped at its file's end: the run says what one thread says, exits as it does" \
	cmp "$TMP/one.err" "$TMP/ahead.err"
check "... and that is a clean run" contains "$TMP/ahead.err" "^exit 0$"
$T log -d "$TMP/one.db" --format json > "$TMP/one.log"
$T log -d "$TMP/ahead.db" --format json > "$TMP/ahead.log"
check "... the store's log is the same" cmp "$TMP/one.log" "$TMP/ahead.log"
check "... with both of B.log's ends" sh -c "grep -q 'second record 0\"' '$TMP/ahead.log' && grep -q 'second record 39\"' '$TMP/ahead.log'"
finish
