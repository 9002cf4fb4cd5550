#!/bin/sh
# The timeline of one trace (tatrace ui, Enter on a trace) driven in tmux:
# the hops drawn between the lanes with their latency (a negative one
# points back and says skew), ...
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
trap 'tui_stop; rm -rf "$TMP"' EXIT
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
$T traces -d "$DB" --format json > "$TMP/all.json"
ALL=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/all.json")
# nth STATUS: the number of the first trace with that status
nth() { python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(open(sys.argv[1])), 1) if t["status"] == sys.argv[2]))' "$TMP/all.json" "$1"; }
open_trace() {	# open_trace N: from the list, open trace N's timeline
	tui_keys :
	tui_type "$1"
	tui_keys Enter Enter
	tui_wait "^\[timeline\] .*trace $1 of "
}
cd "$TMP" || exit 1

# Hops: a complete trace draws forward -> push under the connector and
# push -> receipt under the server, each with its latency on the arrow.
OK1=$(nth complete)
tui_start 120 40 "$T" ui -d "$DB"
check "the list opens" tui_wait "trace 1 of $ALL "
check "a complete trace's timeline opens" open_trace "$OK1"
check "hop: forward -> push drawn under the connector" tui_wait "^   SCP01 +[0-9]+ events │ *┗━*( fwd→push [0-9.]+m?s )?━*┓"
check "hop: its latency on it" tui_wait "fwd→push [0-9.]+m?s "
check "hop: push -> receipt under the server" tui_wait "^   MP01 +[0-9]+ events │ *(┗━*┓|┃) push→recv [0-9.]+m?s"
check "hop: receipt -> response on the client, critical path" tui_wait "◆━+( recv→resp [0-9.]+m?s RC=1 ━+◆|◆ recv→resp [0-9.]+m?s RC=1)"
check "a complete trace: no arrow points back" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q '┛'"
tui_keys Q
tui_stop

# A not_pushed trace has no push: no hop leaves the connector.
NP=$(nth not_pushed)
tui_start 120 40 "$T" ui -d "$DB"
check "not_pushed: its timeline opens" open_trace "$NP"
check "not_pushed: the missing push drawn on the server" tui_wait "^ SMS_NOTIFICATION_SERVER│.*no push"
check "not_pushed: no hop arrow" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q '┗'"
tui_keys Q
tui_stop

# Clock skew: the receipt logged before the push; the arrow points back.
$T ingest -q -d "$TMP/statuses.db" "$FIX/statuses"
SK=$($T traces -d "$TMP/statuses.db" --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["skew"]))')
tui_start 120 40 "$T" ui -d "$TMP/statuses.db"
check "statuses store opens" tui_wait "trace 1 of "
check "skew trace opens" open_trace "$SK"
check "skew: the push -> receipt arrow points back, flagged" tui_wait "^   MP01 .*│┏━+ push→recv -[0-9.]+m?s skew! ━+┛"
tui_keys Q
tui_stop

echo "1..$n"
[ "$fails" -eq 0 ]
