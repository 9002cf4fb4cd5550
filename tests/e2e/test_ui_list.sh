#!/bin/sh
# The trace list's own stories (issue 7): reverse sort (O) with the order
# in the title and the selection kept, the scroll bar, : jumping to a UTC
# time, F Enter filtering to every trace of a finding (x clears it), and
# a regex filter whose scan runs between keys (the list shows matches at
# once; its count ends where tatrace traces says).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
$T traces -d "$DB" --format json > "$TMP/all.json"
ALL=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/all.json")

tui_start 120 40 "$T" ui -d "$DB"
check "opens in start order, ascending" tui_wait "trace 1 of $ALL · start ↑"
check "the header shows both sort keys" tui_wait "sort start ↑ \(o O\)"
check "a list longer than its pane has a scroll bar thumb" tui_wait "┃$"
tui_keys j j
check "cursor on trace 3" tui_wait "trace 3 of $ALL · start ↑"
tui_keys O
check "O reverses: the same trace, now third from the end" tui_wait "trace $((ALL - 2)) of $ALL · start ↓"
check "O: the header says descending" tui_wait "sort start ↓ \(o O\)"
check "O: the selected row is still trace 3" tui_wait "^▶. +3 "
tui_keys g
check "g in reverse: the last trace first" tui_wait "^▶. +$ALL "
tui_keys O
check "O again: ascending" tui_wait "trace $ALL of $ALL · start ↑"

# The status sort places a trace by the counts of the statuses before
# its own plus its place in its status (counted from the nearer end):
# an early and a late trace, ascending and descending, all and a filter.
status_pos() {	# status_pos ID [not_complete]: 1-based place in status order
	python3 -c '
import json, sys
order = ["unauthorized", "not_forwarded", "not_pushed", "not_delivered", "no_response",
         "failed", "partial", "complete", "missing_evidence", "unmatched"]
d = json.load(open(sys.argv[1]))
if len(sys.argv) > 3: d = [t for t in d if t["status"] != "complete"]
d.sort(key=lambda t: (order.index(t["status"]), t["first_utc"], t["id"]))
print(next(i for i, t in enumerate(d, 1) if t["id"] == int(sys.argv[2])))' "$TMP/all.json" "$@"
}
NC=$(python3 -c 'import json,sys; print(sum(1 for t in json.load(open(sys.argv[1])) if t["status"] != "complete"))' "$TMP/all.json")
for id in 5 $((ALL - 3)); do
	P=$(status_pos "$id")
	tui_keys :
	tui_type "$id"
	tui_keys Enter o
	check "status sort: trace $id is $P of $ALL" tui_wait "trace $P of $ALL · status ↑"
	check "status sort: the row is trace $id" tui_wait "^▶. +$id "
	tui_keys O
	check "status sort reversed: trace $id is $((ALL - P + 1)) of $ALL" tui_wait "trace $((ALL - P + 1)) of $ALL · status ↓"
	tui_keys O o o o
	check "back to start order" tui_wait "· start ↑"
done
# The action sort likewise (its groups read at the pauses).
action_pos() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d.sort(key=lambda t: ((t["action"] or "").encode(), t["first_utc"], t["id"]))
print(next(i for i, t in enumerate(d, 1) if t["id"] == int(sys.argv[2])))' "$TMP/all.json" "$1"
}
for id in 4 $((ALL - 1)); do
	P=$(action_pos "$id")
	tui_keys :
	tui_type "$id"
	tui_keys Enter o o o
	check "action sort: trace $id is $P of $ALL" tui_wait "trace $P of $ALL · action ↑"
	check "action sort: the row is trace $id" tui_wait "^▶. +$id "
	tui_keys O
	check "action sort reversed: trace $id is $((ALL - P + 1)) of $ALL" tui_wait "trace $((ALL - P + 1)) of $ALL · action ↓"
	tui_keys O o
	check "back to start order" tui_wait "· start ↑"
done
NCID=$(python3 -c 'import json,sys; print([t["id"] for t in json.load(open(sys.argv[1])) if t["status"] != "complete"][-2])' "$TMP/all.json")
P=$(status_pos "$NCID" nc)
tui_keys :
tui_type "$NCID"
tui_keys Enter
for _ in $(seq 20); do
	tui_screen | grep -q 'status not_complete' && break
	tui_keys s
	tui_wait "trace [0-9]+ of" >/dev/null
done
check "status filter not_complete" tui_wait "status not_complete \(s\)"
tui_keys :
tui_type "$NCID"
tui_keys Enter o
check "status sort under not_complete: trace $NCID is $P of $NC" tui_wait "trace $P of $NC · status ↑"
tui_keys x o o o
check "x and back to start order" tui_wait "trace [0-9]+ of $ALL · start ↑"

# : jumps to a time: the first trace that starts then or later.
read -r TPOS TCLOCK <<EOF2
$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d[len(d) // 2]["first_utc"]           # 2026-09-25T19:35:02.412Z
clock = t[11:16]
want = next(i for i, x in enumerate(d, 1) if x["first_utc"][:16] >= t[:16])
print(want, clock)' "$TMP/all.json")
EOF2
tui_keys :
tui_type "$TCLOCK"
tui_keys Enter
check ": $TCLOCK jumps to the first trace from then (trace $TPOS)" tui_wait "trace $TPOS of $ALL "
tui_keys :
tui_type "23:59:59"
tui_keys Enter
check ": a time after every trace says so" tui_wait "no trace '23:59:59'|trace [0-9]+ of $ALL "
# A clock time without a date is its last occurrence not after the last
# trace (the demo runs 09-25 12:07 to 09-26 10:40): 05:00 is 09-26's, and
# so is the range 00:00-01:00; 19:30 stays 09-25's.
read -r P0500 N0001 N1930 <<EOF5
$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
day = d[-1]["first_utc"][:10]; prev = d[0]["first_utc"][:10]
p = next(i for i, x in enumerate(d, 1) if x["first_utc"] >= day + "T05:00")
n = sum(1 for x in d if day + "T00:00" <= x["first_utc"] < day + "T01:00:00.000001")
m = sum(1 for x in d if prev + "T19:30" <= x["first_utc"] < prev + "T20:00:00.000001")
print(p, n, m)' "$TMP/all.json")
EOF5
tui_keys :
tui_type "05:00"
tui_keys Enter
check ": 05:00 is the last day's 05:00 (trace $P0500)" tui_wait "trace $P0500 of $ALL "
tui_keys t
tui_type "00:00-01:00"
tui_keys Enter
check "t 00:00-01:00 is the last day's first hour: $N0001 traces" tui_wait "trace [0-9]+ of $N0001 "
tui_keys t
tui_type "19:30-20:00"
tui_keys Enter
check "t 19:30-20:00 is the first day's: $N1930 traces" tui_wait "trace [0-9]+ of $N1930 "
tui_keys t
tui_type "-99999999999999m"
tui_keys Enter
check "t -99999999999999m is refused (bounded, no overflow)" tui_wait "not a time range"
tui_keys Escape t Enter
check "t with nothing clears the range" tui_wait "trace [0-9]+ of $ALL "

# : a GUID prefix, any case (the GUID index finds it).
read -r GPOS GPRE <<EOF4
$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
i, t = next((i, t) for i, t in enumerate(d, 1) if i > 40 and t["guid"])
print(i, t["guid"][:6].lower())' "$TMP/all.json")
EOF4
tui_keys :
tui_type "$GPRE"
tui_keys Enter
check ": $GPRE (a GUID prefix, lower case) jumps to trace $GPOS" tui_wait "trace $GPOS of $ALL "

# F, Enter: the list shows exactly the finding's traces; x clears.
read -r NDN NDIDS <<EOF3
$($T findings -d "$DB" --kind not_delivered --format json | python3 -c '
import json, sys
f = json.load(sys.stdin)[0]
print(len(f["traces"]), ",".join(map(str, f["traces"])))')
EOF3
tui_keys F / 
tui_type not_delivered
tui_keys Enter Enter
check "F Enter: the list is the finding's $NDN traces" tui_wait "trace 1 of $NDN "
check "F Enter: the header says finding: not_delivered" tui_wait "finding: not_delivered \(x\)"
check "F Enter: every row is one of its traces" sh -c "tmux -S '$TUI_DIR/sock' capture-pane -p -t t | sed -n 's/^[▶ ]. *\([0-9][0-9]*\) [0-9][0-9]:.*/\1/p' | sort -n | paste -sd, | grep -qx '$(echo "$NDIDS" | tr , '\n' | sort -n | paste -sd,)'"
# a trace number the finding does not name, nor starts one of its GUIDs
NOTIN=$(python3 -c '
import json, sys
ids = set(map(int, sys.argv[1].split(",")))
guids = [t["guid"] or "" for t in json.load(open(sys.argv[2])) if t["id"] in ids]
print(next(i for i in range(1, 1000) if i not in ids and not any(g.startswith(str(i)) for g in guids)))' "$NDIDS" "$TMP/all.json")
tui_keys :
tui_type "$NOTIN"
tui_keys Enter
check ": a trace the finding does not name is not there" tui_wait "no trace '$NOTIN' under the current filters"
tui_keys x
check "x clears it: every trace again" tui_wait "trace [0-9]+ of $ALL "
check "x: the header no longer names the finding" tui_wait_gone "finding: not_delivered"
tui_keys x
check "x with no filter says so" tui_wait "no filter to clear"

# / : the regex count and filter agree with tatrace traces' fields.
WANT=$(python3 -c '
import json, re, sys
r = re.compile("CLIENT0[12]", re.I)
print(sum(1 for t in json.load(open(sys.argv[1]))
          if any(r.search(x or "") for x in [t["guid"], t["status"], t["action"], ",".join(t["hosts"]), ",".join(t["clients"]), t["summary"]])))' "$TMP/all.json")
tui_keys /
tui_type 'CLIENT0[12]'
check "/ live count ends at $WANT" tui_wait "^$WANT of $ALL traces match ·"
tui_keys Enter
check "Enter: the list has the $WANT matches" tui_wait "trace [0-9]+ of $WANT · start"
tui_keys o
check "o with a regex: rescanned in the new order, same count" tui_wait "trace [0-9]+ of $WANT · status ↑"
tui_keys O
check "O with a regex: reversed, same count" tui_wait "trace [0-9]+ of $WANT · status ↓"
tui_keys s
check "s with a regex: picks from the matches" tui_wait "status [a-z_]+ \(s\)"
tui_keys x
check "x clears regex and status" tui_wait "trace [0-9]+ of $ALL · status ↓"
# The match is marked in the visible cells (match paint: 256-colour
# background 221), and nothing is marked without a regex.
tui_keys /
tui_type 'Script'
tui_keys Enter
check "/Script: the match is marked in the Action cells" sh -c "for i in \$(seq 50); do tmux -S '$TUI_DIR/sock' capture-pane -p -e -t t | grep -q '48;5;221mScript' && exit 0; sleep 0.1; done; exit 1"
tui_keys x
check "x: the filter is gone" tui_wait "trace [0-9]+ of $ALL · status ↓"
check "without a regex nothing is marked" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -e -t t | grep -q '48;5;221m'"
tui_keys Q
tui_stop

# C against the selected trace: its lanes and hosts and the logs that
# cover its time. On the demo every log is there: a not_delivered
# trace's client log covers it ("not delivered, its log was there").
ND=$(python3 -c 'import json,sys; print(next(t["id"] for t in json.load(open(sys.argv[1])) if t["status"] == "not_delivered"))' "$TMP/all.json")
OK1=$(python3 -c 'import json,sys; print(next(t["id"] for t in json.load(open(sys.argv[1])) if t["status"] == "complete"))' "$TMP/all.json")
tui_start 120 40 "$T" ui -d "$DB"
tui_keys :
tui_type "$ND"
tui_keys Enter C
check "C: the selected trace first" tui_wait "^▶ trace $ND [0-9A-F-]+ not_delivered, "
check "C: the connector log covers it" tui_wait "^ +connector +SCP01 +✓ covered "
check "C: the server log covers it" tui_wait "^ +server +MP01 +✓ covered "
check "C: a candidate's log covers the push: no receipt" tui_wait "^ +agent +CLIENT[0-9]+\\? +◌ no receipt +CcmNotificationAgent\\.log +[0-9-]+ [0-9:]+Z \\.\\. "
check "C: covered, yet not delivered" tui_wait "^ +agent +1 target +◌ not delivered +of the push's 1: every client log covers the push, no receipt$"
check "C: nothing is 'not collected' on the full demo" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'not collected'"
tui_keys q :
tui_type "$OK1"
tui_keys Enter C
check "C on a complete trace: its client covered, no miss" tui_wait "^ +agent +CLIENT[0-9]+ +✓ covered +CcmNotificationAgent\\.log +[0-9-]+ [0-9:]+Z \\.\\. [0-9-]+ [0-9:]+Z$"
check "C on a complete trace: no 'not delivered'" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'not delivered'"
# A not_pushed trace: no push, so nothing to deliver (not "not delivered").
NP=$(python3 -c 'import json,sys; print(next(t["id"] for t in json.load(open(sys.argv[1])) if t["status"] == "not_pushed"))' "$TMP/all.json")
tui_keys q :
tui_type "$NP"
tui_keys Enter C
check "C on a not_pushed trace: the trace first" tui_wait "^▶ trace $NP [0-9A-F-]+ not_pushed, "
check "C on a not_pushed trace: the server row says no push" tui_wait "^ +server +MP01 +◌ no push +BgbServer\\.lo[g_] "
check "C on a not_pushed trace: the agent lane says no push" tui_wait "^ +agent +- +· nothing to deliver +the server never pushed it$"
check "C on a not_pushed trace: no 'not delivered'" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'not delivered'"
tui_keys Q
tui_stop
# The bundle admins really send (some clients missing): the target's
# log was not collected, which is not "not delivered".
$T demo -q --collect SCP01,MP01,CLIENT01 "$TMP/partial" && $T ingest -q -d "$TMP/partial.db" "$TMP/partial"
ME=$($T traces -d "$TMP/partial.db" --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["status"] == "missing_evidence" and t["push_id"] is not None))')
tui_start 120 40 "$T" ui -d "$TMP/partial.db"
tui_keys :
tui_type "$ME"
tui_keys Enter C
check "C on a partial bundle: the trace first" tui_wait "^▶ trace [0-9]+ .* missing_evidence, "
check "C: the target's log was not collected" tui_wait "^ +agent +[0-9]+ targets? +\\? not collected +of the push's [0-9]+: in no collected client log, tatrace cannot say$"
tui_keys Q
tui_stop

# Ok/N: N is the push's target count (tatrace traces' target_count), not
# its rows: candidates (HOST?) are not targets; an unknown count is `?`.
read -r CID CN COK CC NID <<EOF6
$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = next(t for t in d if t["candidates"] and t["target_count"] is not None and t["target_count"] < len(t["targets"]))
u = next(t for t in d if t["target_count"] is None)
ok = sum(1 for g in t["targets"] if g["status"] == "complete")
print(t["id"], t["target_count"], ok, t["candidates"], u["id"])' "$TMP/all.json")
EOF6
tui_start 120 40 "$T" ui -d "$DB"
check "Ok/N: opens" tui_wait "trace 1 of $ALL "
tui_keys :
tui_type "$CID"
tui_keys Enter
check "Ok/N: trace $CID ($CC candidates) shows $COK/$CN" tui_wait "^▶. +$CID .* $COK/$CN "
check "Ok/N: the preview says $COK/$CN ok" tui_wait " $COK/$CN ok"
tui_keys Enter
check "Ok/N: the timeline says targets $CN and the candidates apart" tui_wait "targets $CN: $COK complete \(\+$CC candidates?\)"
tui_keys q :
tui_type "$NID"
tui_keys Enter
check "Ok/N: trace $NID (no target count) shows 0/?" tui_wait "^▶. +$NID .* 0/\? "
tui_keys Q
tui_stop

# A regex filter with s cycling the statuses: the selection kept by id
# must show its own row. The kept trace's position was drawn before its
# id was in the list, so that row showed the previous status filter's
# trace there (not_complete -> any: the cursor on trace 12, the row 19's).
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys /
tui_type CLIENT05
tui_keys Enter
tui_wait "regex /CLIENT05/ .* status any" >/dev/null
for _ in $(seq 10); do
	tui_keys s
	TUI_TIMEOUT=1 tui_wait "status not_complete \(s\)" >/dev/null && break
done
check "/CLIENT05 then s: not_complete" tui_wait "status not_complete \(s\)"
KEPT=$(tui_screen | sed -n 's/^▶. *\([0-9][0-9]*\) .*/\1/p')
tui_keys s
check "s to any: the title says any" tui_wait "regex /CLIENT05/ .* status any \(s\)"
check "... the cursor row is the kept trace $KEPT, not another's" tui_wait "^▶. +$KEPT [0-9]{2}:"
check "... the rows in start order" sh -c "tmux -S '$TUI_DIR/sock' capture-pane -p -t t | sed -n 's/^[▶ ]. *\([0-9][0-9]*\) [0-9][0-9]:.*/\1/p' | sort -nc"
tui_keys s
check "s to not_delivered: the title says so" tui_wait "regex /CLIENT05/ .* status not_delivered \(s\)"
check "... no row of another status" tui_wait_gone "^[▶ ]. +[0-9]+ [0-9:.]+ . (unauthorized|not_forwarded|not_pushed|no_response|failed|partial|complete|missing_evidence|unmatched) "
tui_keys Q
tui_stop

# TERM=dumb cannot move the cursor: the trace list, as tatrace traces
# prints it, and status 0 (script(1) gives it a terminal).
timeout 10 script -qec "TERM=dumb '$T' ui -d '$DB'; echo rc=\$?" /dev/null > "$TMP/dumb.out" 2>&1
check "TERM=dumb: the trace list instead of a screen" sh -c "tr -d '\r' < '$TMP/dumb.out' | grep -q '^ *1  [a-z_]* .*2026-'"
check "TERM=dumb: no screen drawn (no cursor moves)" sh -c "! grep -q \"\$(printf '\\033\\[')[0-9]*;[0-9]*H\" '$TMP/dumb.out'"
check "TERM=dumb: exit status 0" sh -c "tr -d '\r' < '$TMP/dumb.out' | grep -qx 'rc=0'"
# TERM=xterm (8 colours) moves its cursor: the dashboard, in colour.
tui_start 120 40 env TERM=xterm "$T" ui -d "$DB"
check "TERM=xterm: the dashboard, not the list" tui_wait "trace 1 of $ALL "
check "TERM=xterm: 8-colour escapes (red for not_delivered)" sh -c "tmux -S '$TUI_DIR/sock' capture-pane -p -e -t t | grep -q \"\$(printf '\\033')\\[31m\""
tui_keys Q
tui_stop

# 80x24 without colour, ASCII: the reverse arrow and the thumb in ASCII.
tui_start 80 24 env NO_COLOR=1 "$T" ui --ascii -d "$DB"
check "80x24 ascii opens" tui_wait "trace 1 of $ALL . start \^"
tui_keys O
check "80x24 ascii: O shows v" tui_wait "trace $ALL of $ALL . start v"
check "80x24 ascii: the thumb is #" tui_wait "#$"
# Near the list's end the pane stays full: the selected trace moves down
# rather than leave empty rows (after O, and after a : jump).
tui_keys O
check "80x24: ascending again" tui_wait "trace 1 of $ALL . start \^"
tui_keys j j O
check "80x24: O near the end: trace 3 third from the end" tui_wait "trace $((ALL - 2)) of $ALL . start v"
check "80x24: O near the end: the pane is full (trace 12 on its first row)" tui_wait "^ +[+ ] +12 [0-9]{2}:"
tui_keys O :
tui_type "$((ALL - 1))"
tui_keys Enter
check "80x24: : to the one before last" tui_wait "trace $((ALL - 1)) of $ALL . start \^"
check "80x24: : near the end: the pane is full" tui_wait "^ +[+ ] +$((ALL - 11)) [0-9]{2}:"
tui_keys Q
check "Q quits with status 0" test "$(tui_exit_status)" = 0
tui_stop
finish
