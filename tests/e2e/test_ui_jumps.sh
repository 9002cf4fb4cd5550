#!/bin/sh
# The jumps between screens: from a timeline's event to its record (Enter)
# and into the merged log at its time (L), from a finding's evidence row to
# its record (Enter), and from a record back to its trace (t).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
cd "$TMP" || exit 1

tui_start 120 40 "$T" ui -d "$DB"
tui_wait "\[traces\] .*trace 1 of" >/dev/null
tui_keys j
tui_wait "trace 2 of" >/dev/null
tui_keys Enter
check "Enter opens trace 2's timeline" tui_wait "^\[timeline\] trace 2 of "
tui_keys g
tui_wait "^\[timeline\]" >/dev/null
tui_keys Enter
check "Enter on an event: its record's detail" tui_wait "^▶   UTC +2026-"
check "... the record names its event" tui_wait "^    Event +[a-z_]+ \("
check "... and its trace" tui_wait "^    Trace +#2 "
tui_keys y
check "y in the record: copies the record, escaped" tui_wait "copied the record \([0-9]+ bytes, escaped\)"
check "... the clipboard holds its text, one line" sh -c "tmux -S '$TUI_DIR/sock' show-buffer | grep -q '^<!\[LOG\[Received new notification.*\\\\n\$'"
tui_keys t
check "t in the record: back to trace 2's timeline" tui_wait "^\[timeline\] trace 2 of "
tui_keys y
check "y in a timeline opened from a record: that trace's GUID" tui_wait "copied E370F467-826E-403C-BD24-4FE5373D43F3 \(OSC 52\)"
tui_keys q q
tui_wait "^\[timeline\]" >/dev/null
tui_keys L
check "L in the timeline: the merged log" tui_wait "^\[log\] .* record [0-9]+ of "
check "... at the event's record (the connector's)" tui_wait "^▶ 2026-09-25 12:31:41\.[0-9]+  SCP01 "
tui_keys q q
tui_wait "\[traces\] .*trace 2 of" >/dev/null

# From an event that is not the trace's problem to its record and back
# with t: the timeline comes back on that event (it used to land on the
# problem, event 1 of a complete trace, losing the place).
tui_keys Enter
tui_wait "^\[timeline\] trace 2 of .*event 1 of 10" >/dev/null
tui_keys j j j j
tui_wait "^\[timeline\] trace 2 of .*event 5 of 10" >/dev/null
tui_keys Enter
tui_wait "^    Event +push_fetched " >/dev/null
tui_keys t
check "t from event 5's record: trace 2's timeline on event 5" tui_wait "^\[timeline\] trace 2 of .*event 5 of 10"
check "... the cursor on push_fetched" tui_wait "^▶ [0-9:.]+ +[+0-9.]+ server +MP01 +. push_fetched "
tui_keys q q q
tui_wait "\[traces\] .*trace 2 of" >/dev/null

# From the list on trace 2, through the log to trace 19's record and its
# timeline: y and e name trace 19, not the list's selection.
tui_keys L
tui_wait "^\[log\]" >/dev/null
tui_type "/"
tui_type "PushID: 52 TaskID"
tui_keys Enter
check "/ in the log finds trace 19's push" tui_wait "^▶ .*PushID: 52 TaskID"
tui_keys Enter
tui_wait "^    Trace +#19 " >/dev/null
tui_keys t
check "t: trace 19's timeline" tui_wait "^\[timeline\] trace 19 of "
tui_keys y
check "y there copies trace 19's GUID, not the list's" tui_wait "copied 1A63669E-9C9E-48D9-8DC4-4FC600BF213B \(OSC 52\)"
tui_keys e
check "e there names the file after trace 19" tui_wait "Export to: \./trace-1A63669E-9C9E-48D9-8DC4-4FC600BF213B\.json"
tui_keys Escape q q q
tui_wait "\[traces\] .*trace 2 of" >/dev/null

tui_keys F
tui_wait "^\[findings\]" >/dev/null
tui_keys g
tui_type "/"
tui_type "GenericUploadWorker.log:15"
tui_keys Enter
check "/ finds the evidence row" tui_wait "^▶ .*GenericUploadWorker\.log:15$"
tui_keys Enter
check "Enter on an evidence row: that record's detail" tui_wait "^    Source +SCP01 +.*GenericUploadWorker\.log:15  \(record "
tui_keys q
tui_wait "^\[findings\]" >/dev/null
# The first finding (the gateway's 401s) names no trace: Enter on its
# head row opens its first evidence record (it only said "this finding
# names no trace"); a finding with traces filters the list.
tui_keys g Enter
check "Enter on the head of a finding that names no trace: its first evidence record" \
	tui_wait "^    Source +SCP01 +.*CMGatewayNotificationWorker\.log:2  \(record "
tui_keys q
tui_wait "^\[findings\]" >/dev/null
tui_type "/"
tui_type "not_pushed"
tui_keys Enter
tui_wait "^\[findings\] finding [0-9]+ of [0-9]+: not_pushed" >/dev/null
tui_keys Enter
check "Enter on the head of a finding with traces: the list, filtered" tui_wait "finding: not_pushed: 2 traces"
tui_stop

# The export prompt expands ~/ as a shell would.
mkdir -p "$TMP/home"
tui_start 120 40 env HOME="$TMP/home" "$T" ui -d "$DB"
tui_wait "\[traces\] .*trace 1 of" >/dev/null
tui_keys e
tui_wait "Export to: " >/dev/null
tui_keys C-u
tui_type "~/first.json"
tui_keys Enter
check "e to ~/first.json writes under HOME" tui_wait "Wrote $TMP/home/first\.json"
check "... the file is there" test -s "$TMP/home/first.json"
tui_stop
finish
