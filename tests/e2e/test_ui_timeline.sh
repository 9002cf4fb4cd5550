#!/bin/sh
# The timeline of one trace (tatrace ui, Enter on a trace) driven in tmux:
# the hops drawn between the lanes with their latency (a negative one
# points back and says skew), ...
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
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

# The cursor walks events, stages and problems. A partial trace: ] steps
# onto the missing stages (items of their own, no record), [ back; } and
# { walk the stages; Tab gives the lanes the focus (the events pane shows
# the selection as ▷), where j/k change lane and h/l stay chronological.
PA=$(nth partial)
tui_start 120 40 "$T" ui -d "$DB"
check "partial: its timeline opens" open_trace "$PA"
check "missing stages are rows of the events pane" tui_wait "^  +— +— agent +[A-Z0-9]+ +◌ task_received +MISSING: no receipt"
tui_keys g
check "g: the first event" tui_wait "^▶ [0-9:.]+ +\+0\.000 connector"
tui_keys ']'
check "]: the first problem, a missing receipt" tui_wait "^▶ +— +— agent .*MISSING: no receipt"
check "]: the readout says it was due" tui_wait "◌ due after \+[0-9.]+s · no receipt"
tui_keys '['
check "[: no earlier problem" tui_wait "no earlier problem"
tui_keys g '}'
check "}: the first stage, forwarded" tui_wait "^▶ .*◆ forwarded "
tui_keys '}'
check "}: then the push" tui_wait "^▶ .*◆ push_started "
tui_keys '{'
check "{: back to forwarded" tui_wait "^▶ .*◆ forwarded "
tui_keys Tab
check "Tab: the lanes take the focus" tui_wait "^\[timeline\] .*lanes focused \(Tab\)"
check "Tab: the events pane shows the selection unfocused" tui_wait "^▷ .*◆ forwarded "
tui_keys j
check "lanes: j goes to the server row, the event nearest in time" tui_wait "^▷ .* server +MP01 "
tui_keys j
check "lanes: j again, onto a client row" tui_wait "^▷ .* agent "
tui_keys k k
check "lanes: k k back to the connector" tui_wait "^▷ .* connector +SCP01 "
tui_keys l
check "lanes: l is the next event in time" tui_wait "^▷ .* server +MP01 +● push_fetched"
tui_keys Tab
check "Tab again: the events pane has the focus" tui_wait "^▶ .* push_fetched"
tui_keys j
check "events: j is the next event" tui_wait "^▶ .* push_started"
tui_keys '>'
check "> pans the axis: no longer fit" tui_wait "^\[timeline\] .*, zoom "
tui_keys q
tui_wait "^\[traces\] " >/dev/null
# A partial trace opens on the receipt of the target that never answered,
# not on the last receipt of all (another client's, one that answered).
read -r PB PBH <<EOF2
$(python3 -c '
import json, sys
for i, t in enumerate(json.load(open(sys.argv[1])), 1):
    got = [g for g in t["targets"] if g.get("received_utc")]
    mute = [g["host"] for g in got if g["status"] == "no_response"]
    if t["status"] == "partial" and mute and max(got, key=lambda g: g["received_utc"])["host"] != mute[0]:
        print(i, mute[0]); break' "$TMP/all.json")
EOF2
check "partial trace $PB: its timeline opens" open_trace "$PB"
check "... on $PBH's receipt, the target without a response" tui_wait "^▶ [0-9:.]+ +[+0-9.]+ agent +$PBH +◆ task_received "
tui_keys Q
tui_stop

# A complete trace has no problem to step to.
tui_start 120 40 "$T" ui -d "$DB"
check "complete: its timeline opens" open_trace "$OK1"
tui_keys g ']'
check "complete: ] finds no problem" tui_wait "no later problem"
check "complete: no missing rows" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'MISSING'"
tui_keys Q
tui_stop

# Evidence rows: per host, the log that covers the trace, its bias and
# where the bias came from, and what that proves. A complete trace: each
# host's log shows its events. A not_delivered trace: the candidates' logs
# cover the push and show no receipt (not delivered). A partial bundle
# (demo --collect): the push's target has no stored log (not collected).
ND=$(nth not_delivered)
tui_start 120 40 "$T" ui -d "$DB"
check "complete: its timeline opens again" open_trace "$OK1"
check "evidence: the connector's log, bias and source, events" tui_wait "^ evidence  SCP01 +CMGatewayNotificationWorker\.log +bias [+-][0-9]+ +[a-z]+ +covers .* ✓ [0-9]+ events"
check "evidence: the server's log" tui_wait "^ +MP01 +BgbServer\.lo[g_] +bias [+-][0-9]+ .* ✓ [0-9]+ events"
check "evidence: the client's log" tui_wait "^ +CLIENT[0-9]+ +CcmNotificationAgent\.log +bias .* ✓ [0-9]+ events"
check "complete: nothing is not collected" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'not collected'"
tui_keys q
check "not_delivered: its timeline opens" open_trace "$ND"
check "not_delivered: a candidate's log covers the push, no receipt" tui_wait "^ +CLIENT[0-9]+ +CcmNotificationAgent\.log .* ◌ no receipt"
check "not_delivered: evidence, not absence" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'not collected'"
tui_keys v
check "v hides the evidence rows" tui_wait_gone "^ evidence "
tui_keys v
check "v shows them again" tui_wait "^ evidence "
tui_keys Q
tui_stop

$T demo -q --collect SCP01,MP01,CLIENT01 "$TMP/partial" && $T ingest -q -d "$TMP/partial.db" "$TMP/partial"
ME=$($T traces -d "$TMP/partial.db" --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["status"] == "missing_evidence"))')
tui_start 120 40 "$T" ui -d "$TMP/partial.db"
check "partial bundle: the list opens" tui_wait "trace 1 of "
check "missing_evidence: its timeline opens" open_trace "$ME"
check "missing_evidence: the target's log was not collected" tui_wait "^ +targets +\? not collected: the push went to [0-9]+ clients?, [0-9]+ of them named by no stored log"
# the target is an uncollected client, CLIENT01 only a candidate: the
# cursor lands on the push to that target, not on the candidate's gap
check "missing_evidence: opens on the push to the uncollected target, not event 1" tui_wait "^▶ .*◆ push_started "
check "missing_evidence: not on a candidate's missing receipt" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q '^▶ .*MISSING'"
tui_keys Q
tui_stop

# At 80x24 the evidence rows give their room to the events; v brings them.
tui_start 80 24 "$T" ui -d "$DB"
check "80x24: the list opens" tui_wait "trace 1 of $ALL "
check "80x24: a timeline opens" open_trace "$OK1"
check "80x24: no evidence rows" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q '^ evidence '"
tui_keys v
check "80x24: v shows them" tui_wait "^ evidence  SCP01 "
tui_keys Q
tui_stop

# Density rows: a push to 60 clients folds the BgbAgent lane into two
# rows (receipts, responses: a bar per column, the counts per outcome);
# Space unfolds it worst first (the failed client, then the missing
# receipts); a push to 2 clients is not folded.
python3 "$HERE/../bench/wide_push.py" "$TMP/wide" 60
$T ingest -q -d "$TMP/wide.db" "$TMP/wide"
tui_start 120 40 "$T" ui -d "$TMP/wide.db"
check "wide push: the list opens" tui_wait "trace 1 of 1 "
tui_keys Enter
check "wide push: the timeline opens" tui_wait "^\[timeline\] trace 1 of 1"
check "folded: one row for 60 clients, receipts as bars" tui_wait "^ BgbAgent ▸ 60 clients +│ *[▁▂▃▄▅▆▇█ ]+ receipts 58 ◌ 2 no receipt"
check "folded: the outcome counts and the responses row" tui_wait "^   ✓57 ◌2 ✗1 +│ *[▁▂▃▄▅▆▇█ ]+ responses 58, 1 failed"
check "folded: the typical push->receipt hop and the slowest" tui_wait "push→recv p50 [0-9.]+m?s · max [0-9.]+m?s"
check "folded: no client rows" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q '├ CLIENT'"
tui_keys Space
check "Space unfolds: the failed client first" tui_wait "^ BgbAgent ├ CLIENT042 ✗"
check "unfolded: then the one never reached" tui_wait "^ +├ CLIENT007\?◌"
check "unfolded: the rest folded into the last row" tui_wait "└ \+[0-9]+ more"
tui_keys Space
check "Space folds again" tui_wait "^ BgbAgent ▸ 60 clients"
tui_keys Tab g j j
check "folded lanes: j reaches the receipts row" tui_wait "^▷ .* agent .* task_received"
tui_keys j
check "folded lanes: j again, the responses row" tui_wait "^▷ .* agent .* response_sent"
tui_keys Q
tui_stop
tui_start 120 40 "$T" ui -d "$DB"
check "two clients: a timeline opens" open_trace "$PA"
check "two clients: not folded" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'BgbAgent ▸'"
tui_keys Q
tui_stop

# / in a timeline marks matches and hides nothing: the events count and
# the hops stay, matched rows carry •, n/N step through them; an invalid
# pattern keeps the prompt open with PCRE2's message and offset; empty
# clears the marks.
tui_start 120 40 "$T" ui -d "$DB"
check "find: a partial trace opens" open_trace "$PA"
TOTAL=$(tmux -S "$TUI_DIR/sock" capture-pane -p -t t | sed -n 's/^\[timeline\] .*event [0-9]* of \([0-9]*\),.*/\1/p')
tui_keys g /
tui_type "push_"
check "find: the live count at a pause" tui_wait "^[0-9]+ events match · Enter marks them"
tui_keys Enter
check "find: the title says what is marked" tui_wait "^\[timeline\] .*, /push_/ marks [0-9]+ \(n/N\)"
check "find: nothing hidden, the same events" tui_wait "^\[timeline\] .*event [0-9]+ of $TOTAL,"
check "find: the hops stay drawn" tui_wait "^   SCP01 .*fwd→push"
check "find: the cursor on the first match" tui_wait "^▶ .* push_fetched "
check "find: the other matches are marked" tui_wait "^• .* push_started "
tui_keys n
check "n: the next match" tui_wait "^▶ .* push_started "
tui_keys N
check "N: the previous match" tui_wait "^▶ .* push_fetched "
tui_keys /
tui_type "Receive(task"
check "find: a bad pattern shows PCRE2's message and offset" tui_wait "^✗ missing closing parenthesis at offset 12"
tui_keys Enter
check "find: the prompt stays open on it" tui_wait "^/Receive\(task"
tui_keys C-u Enter
check "find: empty clears the marks" tui_wait "marks cleared"
check "find: no row marked any more" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q '^• '"
tui_keys /
tui_type "zzqq"
tui_keys Enter
check "find: a pattern nothing matches says so" tui_wait "no event matches /zzqq/"
check "find: and marks nothing" tui_wait "^\[timeline\] .*/zzqq/ marks 0 \(n/N\)"
tui_keys Q
tui_stop

# A bundle without the management point's log: the server lane says not
# collected (never blamed), and so does its evidence row; with the log
# (the full demo) a not_pushed trace's server lane is not "not collected".
$T demo -q --collect SCP01,CLIENT01 "$TMP/nomp" && $T ingest -q -d "$TMP/nomp.db" "$TMP/nomp"
NM=$($T traces -d "$TMP/nomp.db" --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["status"] == "missing_evidence"))')
tui_start 120 40 "$T" ui -d "$TMP/nomp.db"
check "no server log: the list opens" tui_wait "trace 1 of "
check "no server log: a trace opens" open_trace "$NM"
check "no server log: the lane says not collected" tui_wait "^ SMS_NOTIFICATION_SERVER│\? not collected: no server log covers the trace"
check "no server log: the evidence row says so" tui_wait "^ +server +\? not collected: no server log in the store"
check "no server log: opens on the forward, the last event before the push" tui_wait "^▶ .*◆ forwarded "
tui_keys Q
tui_stop
tui_start 120 40 "$T" ui -d "$DB"
check "not_pushed again: its timeline opens" open_trace "$NP"
check "not_pushed: the server lane is collected, not blamed as absent" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'not collected'"
tui_keys Q
tui_stop

# The selected record's text under the lanes wraps on two rows: the
# first ends at its wrap (a blank), the second goes on from there (nothing
# repeated, nothing skipped), cut with … when the text goes on.
# readout_rows: the two rows under the readout's ▲ line.
readout_rows() { tmux -S "$TUI_DIR/sock" capture-pane -p -t t | sed -n '/▲/{n;p;n;p;q}'; }
WR=$(nth not_delivered)
tui_start 120 40 "$T" ui -d "$DB"
check "wrap: a long record's timeline opens" open_trace "$WR"
check "wrap: the push's text is shown" tui_wait "^  Starting to send push task"
readout_rows > "$TMP/wrap.txt"
check "wrap: row 1 ends at its wrap, not mid-word" grep -Eq '^  Starting .* TaskType: [0-9]+ *$' "$TMP/wrap.txt"
check "wrap: row 2 goes on where row 1 ended, cut with …" sh -c "sed -n 2p '$TMP/wrap.txt' | grep -Eq '^  TaskParam: [A-Za-z0-9+/=]+…$'"
check "wrap: no word repeated across the rows" python3 -c '
import sys
a, b = open(sys.argv[1]).read().split("\n")[:2]
last, first = a.split()[-1], b.split()[0]
sys.exit(first.startswith(last))' "$TMP/wrap.txt"
tui_keys Q
tui_stop

# + from fit always zooms in: trace $WR fits at a scale just off a rung
# (about 20ms/col); the first + goes a rung finer, never to the same.
tui_start 120 40 "$T" ui -d "$DB"
check "zoom: the trace opens at fit" open_trace "$WR"
FIT=$(tmux -S "$TUI_DIR/sock" capture-pane -p -t t | sed -n 's/^\[timeline\] .*, fit \([0-9.]*m\?s\)\/col.*/\1/p')
check "zoom: the fit scale is shown" test -n "$FIT"
tui_keys +
check "zoom: + leaves fit" tui_wait "^\[timeline\] .*, zoom [0-9.]+m?s/col"
ZOOM=$(tmux -S "$TUI_DIR/sock" capture-pane -p -t t | sed -n 's/^\[timeline\] .*, zoom \([0-9.]*m\?s\)\/col.*/\1/p')
check "zoom: the first + is finer than fit ($FIT -> $ZOOM)" test "$ZOOM" != "$FIT"
tui_keys Q
tui_stop

# At 80x24 a push to 200 clients unfolds into a few rows, the last
# carrying the rest (└ +N more): its marks are drawn over nothing but the
# row's own rules, so no stray letters of a label they cut.
python3 "$HERE/../bench/wide_push.py" "$TMP/wide200" 200
$T ingest -q -d "$TMP/wide200.db" "$TMP/wide200"
tui_start 80 24 "$T" ui -d "$TMP/wide200.db"
check "200 clients: the list opens" tui_wait "trace 1 of 1 "
tui_keys Enter
check "200 clients: the timeline opens" tui_wait "^\[timeline\] trace 1 of 1"
tui_keys Space
check "200 clients: unfolded, the rest in └ +N more" tui_wait "└ \+[0-9]+ more +│"
check "200 clients: the +N more row has marks, no letters" sh -c "tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -E '└ \+[0-9]+ more +│' | sed 's/.*│//' | grep -Evq '[A-Za-z]'"
tui_keys Q
tui_stop

# A partial bundle (CLIENT03's log not collected) of 20 clients: a push
# with one target that answered and 18 candidates (HOST?), of which the
# store names 8. The candidates' missing receipts say "candidate", the
# CLI's word; "+N more" counts every candidate, not only the named ones.
$T demo -q --clients 20 "$TMP/d20" && rm -rf "$TMP/d20/CLIENT03"
$T ingest -q -d "$TMP/d20.db" "$TMP/d20"
read -r C20 C20N C20M <<EOF2
$($T traces -d "$TMP/d20.db" --format json | python3 -c 'import json,sys
t = json.load(sys.stdin)
i, x = next((i, x) for i, x in enumerate(t, 1) if x["candidates"] > 8)
hosts = x["candidates"] + sum(not g["inferred"] for g in x["targets"])
print(i, len(t), hosts - 2)')
EOF2
tui_start 120 30 "$T" ui -d "$TMP/d20.db"
check "partial 20: the list opens" tui_wait "trace 1 of $C20N "
check "partial 20: a trace with 18 candidates opens" open_trace "$C20"
check "a candidate's missing receipt says candidate" tui_wait "MISSING: no receipt \(candidate\) on CLIENT"
check "no 'inferred target' wording on screen" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'inferred target'"
check "+N more counts the candidates the store does not name" tui_wait "└ \+$C20M more "
tui_keys Q
tui_stop


echo "1..$n"
[ "$fails" -eq 0 ]
