#!/bin/sh
# The dashboard updates live: tatrace ui runs in tmux on a demo store
# while this script, a second process, appends records to the bundle's
# logs and runs tatrace ingest. The list grows (the cursor stays on its
# trace, "▼ N new" says what arrived past it, G goes there; on the last
# row the cursor follows), the header's counts move, the findings screen
# reads again, an open timeline grows with the new receipt (same cursor
# event), the merged log at its end follows the new records (tail -f), a
# regex-filtered list keeps its cursor, a writer's lock never shows as an
# error or stops the keys, and a commit that changes nothing shown is not
# redrawn.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
B=$TMP/demo
DB=$TMP/demo.db
LIVE=$FIX/live	# a new device action, one log's lines at a time
$T demo -q "$B" && $T ingest -q -d "$DB" "$B"
$T traces -d "$DB" --format json > "$TMP/all.json"
field() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/all.json" "$1"; }
ALL=$(field 'len(t)')
NEW=$((ALL + 1))
GUID2=$(field 't[1]["guid"]')
OKS=$(field 'sum(x["status"] == "complete" for x in t)')
append() {	# append FIXTURE LOG: the lines, then an ingest (another process)
	cat "$LIVE/$1" >> "$B/$2" && $T ingest -q -d "$DB" "$B"
}
cd "$TMP" || exit 1

tui_start 120 40 env TATRACE_UI_TIMING="$TMP/timing" "$T" ui -d "$DB"
check "the list opens" tui_wait "trace 1 of $ALL "
tui_keys j
check "the cursor on trace 2" tui_wait "^\[traces\] $GUID2 .* trace 2 of $ALL "

# A new trace (connector and server lines) while the cursor is at trace 2
# and the findings screen is open: no client log covers its push, a new
# finding (evidence_gap) shows there.
NF=$($T findings -d "$DB" | grep -Ec '^(error|warning|info) ')
tui_keys F
check "F: the findings" tui_wait "^\[findings\] finding 1 of $NF: "
append connector.log SCP01/Logs/CMGatewayNotificationWorker.log
append server.log MP01/SMS_CCM/Logs/BgbServer.log
check "the open findings screen reads them again" tui_wait "^\[findings\] finding 1 of $((NF + 1)): "
tui_keys G
check "... the new one among them" tui_wait "evidence_gap +1x +1 trace has no agent evidence"
tui_keys q
check "the new trace is counted in the filter row" tui_wait "$NEW of $NEW traces"
check "the cursor stayed on its trace (by GUID)" tui_wait "^\[traces\] $GUID2 .* trace 2 of $NEW "
check "the title says one new trace past the cursor" tui_wait "trace 2 of $NEW .*▼ 1 new \(G\)"
tui_keys G
check "G goes to the new trace" tui_wait "^\[traces\] 5EED0001-0000-4000-8000-00000000A11E .* trace $NEW of $NEW "
check "... and clears the marker" tui_wait_gone "▼ [0-9]+ new"
check "the new trace's row shows" tui_wait "^▶[ ▸▾] +$NEW [0-9:.]+ +\? missing_evidence +RequestMachinePo… 5EED0001…"

# Its timeline grows when the client's receipt arrives; the cursor stays
# on the event it was on (the first: the connector's receipt).
tui_keys Enter
check "the new trace's timeline opens" tui_wait "^\[timeline\] trace $NEW of $NEW, event"
tui_keys g
check "its cursor on the first event" tui_wait "^\[timeline\] trace $NEW of $NEW, event 1 of "
check "no client yet" tui_wait "BgbAgent no client"
append receipt.log CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log
check "the open timeline shows the new receipt" tui_wait "agent +CLIENT01 +◆ task_received +Receive task from server with pushid=900"
check "... on the client's lane row" tui_wait "BgbAgent └ CLIENT01"
check "the cursor stayed on its event" tui_wait "^▶ [0-9:.]+ +\+0\.000 connector SCP01 .*received"
check "... the title counting the new events" tui_wait "^\[timeline\] trace $NEW of $NEW, event 1 of [4-9]"

# more() N PUSH TIME: trace 5EED000N, a push alone, at local TIME.
more() {
	sed "s/5EED0001/5EED000$1/g; s/PushID: 900 TaskID: 901/PushID: $2 TaskID: $2/g; s/07:30:01/$3/g" \
		"$LIVE/server.log" > "$TMP/push$1.log"
	LIVE=$TMP append "push$1.log" MP01/SMS_CCM/Logs/BgbServer.log
}

# The trace's text detail (d) reads again: the response makes it complete.
tui_keys d
check "d: the trace's detail" tui_wait "^\[trace\] 5EED0001-0000-4000-8000-00000000A11E "
check "... not complete yet" tui_wait "^▶ Trace $NEW +missing_evidence"
append response.log CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log
check "the open detail turns complete" tui_wait "^▶ Trace $NEW +complete"
tui_keys q

# The merged log at its end follows new records, as tail -f does.
tui_keys L
check "L opens the merged log" tui_wait "^\[log\] "
tui_keys G
check "G: the log's last record" tui_wait "^\[log\] .*100%"
more 2 902 07:40:01
check "the new records show at the log's end, under the cursor" tui_wait "^▶ .*MP01 .*Finished sending push task \(PushID: 902"
NEW=$((NEW + 1))

# Back in the list: the header's counts moved (one more complete); its
# cursor was on the last row, so it followed the new trace meanwhile.
tui_keys q q
check "back to the list, on the newest trace" tui_wait "^\[traces\] 5EED0002-.* trace $NEW of $NEW "
check "the header counts one more complete trace" tui_wait "✓$((OKS + 1)) (complete|ok) "
check "the row shows the new status" tui_wait "^ [ ▸▾] +$((NEW - 1)) [0-9:.]+ +✓ complete +RequestMachinePo… 5EED0001…"

# On the last row the cursor follows new traces (tail -f): no marker.
tui_keys G
check "the cursor on the last trace" tui_wait "trace $NEW of $NEW "
more 3 904 07:50:01
NEW=$((NEW + 1))
check "at the end, the cursor follows the new trace" tui_wait "^\[traces\] 5EED0003-.* trace $NEW of $NEW "
check "... with no marker" tui_wait_gone "▼ [0-9]+ new"

# With a regex filter the matches are scanned again behind the list shown
# and adopted when the scan ends: the cursor stays, the new match counts.
MATCH=$(field 'sum(x["action"] == "RequestMachinePolicy" for x in t) + 3')
tui_keys /
tui_type "RequestMachinePolicy"
tui_keys Enter
check "a regex filter: the matches" tui_wait "$MATCH of $NEW traces"
tui_keys g j
check "the cursor on the second match" tui_wait "^\[traces\] .* trace 2 of $MATCH "
more 4 906 08:00:01
NEW=$((NEW + 1))
check "the new trace matches: counted" tui_wait "$((MATCH + 1)) of $NEW traces"
check "the cursor stayed, the marker counts it" tui_wait "trace 2 of $((MATCH + 1)) .*▼ 1 new \(G\)"
tui_keys x
check "x clears the filter" tui_wait "trace [0-9]+ of $NEW "

# A writer's lock (rollback journal: nobody reads during its commit) is
# waited out quietly: keys still move, no error shows, and what it wrote
# shows once it is done.
python3 - "$DB" "$TMP/locked" <<'PY' &
import sqlite3, sys, time, os
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("PRAGMA user_version = 7")
open(sys.argv[2], "w").close()
while os.path.exists(sys.argv[2]):
    time.sleep(0.02)
c.execute("COMMIT")
PY
LOCKER=$!
for _ in $(seq 500); do [ -e "$TMP/locked" ] && break; sleep 0.01; done
check "a writer holds the store's lock" test -e "$TMP/locked"
tui_keys g
check "keys move while it holds it" tui_wait "trace 1 of $NEW "
tui_keys j
check "... every key" tui_wait "trace 2 of $NEW "
check "no busy or error message" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -Eqi 'busy|locked|error:'"
rm -f "$TMP/locked"
wait "$LOCKER"
tui_keys G
check "after it: still live" tui_wait "trace $NEW of $NEW "

# A commit that changes nothing shown is reread, not redrawn (no flicker):
# the timing file says "reread" for it, "live" for a redraw.
tui_wait_gone "trace $((NEW - 1)) of" >/dev/null
rereads() { grep -c '^reread ' "$TMP/timing"; }
BEFORE=$(rereads)
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1], isolation_level=None).execute("PRAGMA user_version = 8")' "$DB"
wait_reread() {
	for _ in $(seq 500); do [ "$(rereads)" -gt "$BEFORE" ] && return 0; sleep 0.02; done
	return 1
}
check "a commit that changes nothing shown is reread, not redrawn" wait_reread
tui_keys q
check "q quits, exit 0" test "$(tui_exit_status)" = 0

echo "1..$n"
[ "$fails" -eq 0 ]
