#!/bin/sh
# The dashboard (tatrace ui) driven in tmux at 120x40 and 80x24: it opens
# on the demo store, moves, filters, cycles the status filter, opens a
# trace, shows help, exports, survives resizes and restores the terminal.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
$T traces -d "$DB" --format json > "$TMP/all.json"
ALL=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/all.json")
count_status() { $T traces -d "$DB" --status "$1" --format csv | tail -n +2 | wc -l | tr -d ' '; }

# Not a terminal: the trace list, as tatrace traces prints it.
$T ui -d "$DB" > "$TMP/ui.out" 2>&1
check "ui without a terminal prints the trace list" cmp "$TMP/ui.out" <($T traces -d "$DB")

# The man page's KEYS section is the action table's.
MAN=$(dirname "$0")/../../man/tatrace.1
sed -n '/^\.Sh KEYS/,/^\.Sh /p' "$MAN" | sed '$d' > "$TMP/keys.man"
$T ui --keys-man > "$TMP/keys.gen"
check "man page KEYS matches the action table (tatrace ui --keys-man)" cmp "$TMP/keys.man" "$TMP/keys.gen"

cd "$TMP" || exit 1
tui_start 120 40 "$T" ui -d "$DB"
check "opens on trace 1 of $ALL" tui_wait "\[traces\] .*trace 1 of $ALL "
check "header counts statuses with glyph and word" tui_wait "✓[0-9]+ complete"
check "the selected row is marked" tui_wait "^▶ +1 "
check "the outcome strip follows at the first pause" tui_wait "^ [0-9][0-9]:[0-9][0-9]Z .* [0-9][0-9]:[0-9][0-9]Z .* 1 col = "
tui_keys j
check "j moves to trace 2" tui_wait "trace 2 of $ALL "
tui_keys G
check "G goes to the last trace" tui_wait "trace $ALL of $ALL "
tui_keys g
check "g goes back to the first" tui_wait "trace 1 of $ALL "
tui_keys PageDown
check "PgDn pages down" tui_wait "trace (1[0-9]|2[0-9]) of $ALL "
tui_keys g

# s cycles the status filter: all -> unauthorized -> not_forwarded
N=$(count_status unauthorized)
tui_keys s
check "s filters to unauthorized ($N)" tui_wait "status unauthorized .*trace 1 of $N |trace 1 of $N .*"
check "s: the header says which status" tui_wait "status unauthorized \(s\)"
tui_keys s
N=$(count_status not_forwarded)
check "s again: not_forwarded ($N)" tui_wait "trace 1 of $N "
# The cycle skips statuses no trace has: all, each present status,
# not_complete, all. Two presses so far (on the second present status).
PRESENT=$(python3 -c 'import json,sys; print(len({t["status"] for t in json.load(open(sys.argv[1]))}))' "$TMP/all.json")
for _ in $(seq $((PRESENT - 1))); do tui_keys s; done
check "s: not_complete after the last present status" tui_wait "status not_complete"
tui_keys s
check "s after not_complete: every trace again" tui_wait "trace [0-9]+ of $ALL "

# / filters with PCRE2, live count while typing.
WANT=$(python3 -c '
import json, re, sys
r = re.compile("Script", re.I)
n = sum(1 for t in json.load(open(sys.argv[1]))
        if any(r.search(x or "") for x in [t["guid"], t["status"], t["action"], ",".join(t["hosts"]), ",".join(t["clients"]), t["summary"]]))
print(n)' "$TMP/all.json")
tui_keys /
tui_type 'Script'
check "/ shows a live count ($WANT of $ALL)" tui_wait "^$WANT of $ALL traces match"
tui_keys Enter
check "Enter applies the filter" tui_wait "trace 1 of $WANT "
check "the header shows the regex" tui_wait "regex /Script/"
tui_keys /
tui_type 'Request(Machine'
check "invalid regex: PCRE2's message and offset" tui_wait "missing closing parenthesis at offset 15"
tui_keys Escape
check "Esc cancels the prompt, filter kept" tui_wait "trace 1 of $WANT "
tui_keys / Enter
check "an empty pattern clears the filter, the selection kept" tui_wait "trace [0-9]+ of $ALL "

# t limits the time range (overlap with each trace's first..last UTC).
read -r WIN LAST1H <<EOF2
$(python3 -c '
import json, sys
from datetime import datetime, timedelta
d = json.load(open(sys.argv[1]))
p = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
day = min(p(t["first_utc"]) for t in d).replace(hour=0, minute=0, second=0, microsecond=0)
a, b = day + timedelta(hours=14), day + timedelta(hours=16)
win = sum(1 for t in d if p(t["last_utc"]) >= a and p(t["first_utc"]) <= b)
since = max(p(t["first_utc"]) for t in d) - timedelta(hours=1)
print(win, sum(1 for t in d if p(t["last_utc"]) >= since))' "$TMP/all.json")
EOF2
tui_keys t
check "t opens the time prompt" tui_wait "Time range \\(UTC\\):"
tui_type '14:00-16:00'
tui_keys Enter
check "t 14:00-16:00: $WIN traces" tui_wait "trace [0-9]+ of $WIN "
check "t: the header shows the range" tui_wait "time 14:00-16:00 \(t\)"
tui_keys t
tui_type '-1h'
tui_keys Enter
check "t -1h: the last hour of starts, $LAST1H traces" tui_wait "trace [0-9]+ of $LAST1H "
tui_keys t
tui_type 'noon'
tui_keys Enter
check "t with a bad range says how to write one" tui_wait "not a time range"
tui_keys Escape t Enter
check "t with nothing clears the range" tui_wait "trace [0-9]+ of $ALL "

# : jumps; Enter opens the trace; q comes back.
tui_keys :
tui_type '7'
tui_keys Enter
check ": 7 jumps to trace 7" tui_wait "trace 7 of $ALL "
tui_keys Enter
check "Enter opens the trace's timeline" tui_wait "^\[timeline\] .*trace 7 of $ALL, event [0-9]+ of [0-9]+"
check "the timeline has the three lanes" tui_wait "^ SMS_SERVICE_CONNECTOR *│"
check "the timeline: the server lane" tui_wait "^ SMS_NOTIFICATION_SERVER│"
check "the timeline: the agent lane" tui_wait "^ BgbAgent "
check "the timeline has a ruler relative to t0" tui_wait "^ t0 [0-9:.]+ +│0 +\+[0-9]+(ms|s)"
check "the timeline prints the hops" tui_wait "^fwd→push .* push→recv .* recv→resp "
check "an unauthorized trace opens on the refusal" tui_wait "^▶ .* unauthorized "
tui_keys d
check "d opens the trace's detail" tui_wait "^\[trace\] .*trace 7 of $ALL"
check "the detail has the summary and events" tui_wait "Summary   "
tui_keys q
check "q goes back to the timeline" tui_wait "^\[timeline\] .*trace 7 of $ALL"
tui_keys q
check "q goes back to the list" tui_wait "^\[traces\] .*trace 7 of $ALL "

# The timeline lands on the problem: a not_delivered trace opens with its
# cursor on the push that no client received; j walks the events, the
# pane under the lanes shows the selected record; +/-/= zoom, > pans.
ND=$(python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(open(sys.argv[1])), 1) if t["status"] == "not_delivered"))' "$TMP/all.json")
tui_keys :
tui_type "$ND"
tui_keys Enter Enter
check "timeline of trace $ND (not_delivered)" tui_wait "^\[timeline\] .*trace $ND of $ALL"
check "the cursor starts on push_started, the last event before the missing receipt" tui_wait "^▶ .* push_started "
check "the missing receipt is drawn where it was due" tui_wait "│ *(·\?· no receipt|.*no receipt[^│]* ·\?·)"
check "the idle wait for the BTS report is collapsed, its length printed" tui_wait "^ t0 .*≈[0-9.]+s≈"
tui_keys b
check "b: breaks off, the axis linear" tui_wait "^\[timeline\] .*fit, breaks off \(b\)"
check "b: no band on the ruler" tui_wait_gone "^ t0 .*≈[0-9.]+s≈"
tui_keys b
check "b again: the band is back" tui_wait "^ t0 .*≈[0-9.]+s≈"
check "the forward->push hop is drawn under the connector lane" tui_wait "^   SCP01 .*│ *┗━* fwd→push [0-9.]+m?s ━*┓"
tui_keys '?'
check "? in the timeline: its keys first" tui_wait "^. Timeline"
check "? in the timeline: zoom is listed" tui_wait "\+ z +zoom-in +zoom in"
tui_keys q
check "q closes the help, back in the timeline" tui_wait "^\[timeline\] .*trace $ND of $ALL"
check "the readout names the selected event" tui_wait "▲ push_started · | push_started · .*▲"
tui_keys j
check "j moves the event cursor onto the first missing receipt" tui_wait "^▶ +— +— agent .*MISSING: no receipt"
check "the readout follows" tui_wait "◌ due after \+[0-9.]+s · no receipt"
check "the selected item's text is shown under the lanes" tui_wait "^  MISSING: no receipt"
tui_keys +
check "+ zooms in" tui_wait "^\[timeline\] .*, zoom [0-9.]+m?s/col"
tui_keys =
check "= fits the trace again" tui_wait "^\[timeline\] .*, fit [0-9.]+m?s/col"
tui_keys '>'
check "> pans: the ruler starts after t0" tui_wait "^ t0 [0-9:.]+ +│ *\+[0-9]"
NDG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2]) - 1]["guid"])' "$TMP/all.json" "$ND")
tui_keys e
check "e in the timeline: the export prompt names its trace" tui_wait "^Export to: \./trace-$NDG\.json"
tui_keys Enter
check "e in the timeline writes it" tui_wait "Wrote $TMP/trace-$NDG.json"
$T show -d "$DB" "$ND" --format json -o "$TMP/show-nd.json"
check "the timeline's export equals show -o" cmp "$TMP/trace-$NDG.json" "$TMP/show-nd.json"
tui_keys q
check "q returns to the list, trace $ND still selected" tui_wait "^\[traces\] .*trace $ND of $ALL "
check "q: the row is trace $ND" tui_wait "^▶. +$ND "
tui_keys :
tui_type 7
tui_keys Enter

# Tab moves focus to the preview: j scrolls it, Enter still opens.
tui_keys Tab
check "Tab: the preview has the focus (▶ in it)" tui_wait "^▶ .*(complete|failed|partial|no_response|not_|unauthorized|missing|unmatched) ·"
tui_keys Enter
check "Enter from the preview opens the trace" tui_wait "^\[timeline\] .*trace 7 of $ALL"
tui_keys q Tab
check "Tab again: the list has the focus" tui_wait "^▶. +7 "

# ? help, generated from the action table.
tui_keys '?'
check "? opens the help" tui_wait "^\[help\]"
check "help lists actions by name" tui_wait "status-cycle +status filter"
tui_keys q
check "q closes the help" tui_wait "^\[traces\]"

# F: the stored findings, errors first, each with advice and evidence;
# Enter goes back to the list, its cursor on the finding's first trace.
NF=$($T findings -d "$DB" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
read -r NDF NDN <<EOF3
$($T findings -d "$DB" --kind not_delivered --format json | python3 -c '
import json, sys
f = json.load(sys.stdin)[0]
print(f["traces"][0], len(f["traces"]))')
EOF3
NDP=$(python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(open(sys.argv[1])), 1) if t["id"] == int(sys.argv[2])))' "$TMP/all.json" "$NDF")
tui_keys F
check "F opens the findings, the first selected" tui_wait "^\[findings\] finding 1 of $NF: "
check "findings: severity word, kind, count, title" tui_wait "^▶ error +[a-z_]+ +[0-9]+x  "
check "findings: advice and evidence under each" tui_wait "^ +evidence: (2026-)?[0-9-]+[ T][0-9:.]+Z  [A-Z0-9]+  .*\.lo[g_]:[0-9]+$"
tui_keys '?'
check "? in the findings: their keys first" tui_wait "^▶ Findings"
tui_keys q
tui_keys /
tui_type 'unauthorized_action'
tui_keys Enter
check "findings: unauthorized_action is among them" tui_wait "^\[findings\] finding [0-9]+ of $NF: unauthorized_action"
tui_keys /
tui_type 'not_delivered'
tui_keys Enter
check "findings: not_delivered is among them" tui_wait "^\[findings\] finding [0-9]+ of $NF: not_delivered"
tui_keys Enter
check "Enter: back in the list, filtered to the finding's $NDN traces" tui_wait "^\[traces\] .*trace 1 of $NDN "
check "Enter: the status line says how many" tui_wait "finding: not_delivered: $NDN traces \(x clears the filter\)"
tui_keys x
check "x clears the finding filter" tui_wait "^\[traces\] .*trace [0-9]+ of $ALL "
tui_keys : 
tui_type "$NDF"
tui_keys Enter
check "back on the finding's first trace" tui_wait "^\[traces\] .*trace $NDP of $ALL "
tui_keys F
check "F again" tui_wait "^\[findings\] finding 1 of $NF: "
tui_keys q
check "q from the findings: back in the list" tui_wait "^\[traces\] .*trace $NDP of $ALL "

# C: what each log covers, per host and lane.
NL=$($T coverage -d "$DB" --format json | python3 -c 'import json,sys; print(sum(len(l["logs"]) for h in json.load(sys.stdin)["hosts"] for l in h["lanes"]))')
tui_keys C
check "C opens the coverage, one line per log ($NL)" tui_wait "^\[coverage\] $NL logs"
# (under the selected trace's rows: find the table's connector row,
# then k, so the row is on screen and not under the cursor)
tui_keys / 
tui_type 'connector CMG'
tui_keys Enter k
check "coverage: host, lane, log, first and last UTC, bias, source" tui_wait "^  SCP01 +connector +CMGateway[A-Za-z.]*…? +2026-[0-9-]+T[0-9:]+Z +2026-[0-9-]+T[0-9:]+Z +[-+][0-9]+ +[a-z]+ +[0-9]+ +[0-9]+$"
tui_keys G
check "coverage: every lane has a log on the demo" tui_wait "every lane \(connector, server, agent\) has a log"
tui_keys q
check "q from the coverage: back in the list" tui_wait "^\[traces\] .*trace $NDP of $ALL "

# l unfolds a trace's clients, h folds them.
tui_keys g
tui_keys j l
check "l unfolds the client rows" tui_wait "^ +└ CLIENT"
tui_keys h
check "h folds them" tui_wait_gone "^ +└ CLIENT"

# e exports the selected trace: the same bytes as show -o.
GUID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["guid"])' "$TMP/all.json")
tui_keys e
check "e: prompt pre-filled with ./trace-GUID.json" tui_wait "Export to: \./trace-$GUID\.json"
tui_keys Enter
check "Enter writes it and says where" tui_wait "Wrote $TMP/trace-$GUID.json"
$T show -d "$DB" 2 --format json -o "$TMP/show.json"
check "the export equals show -o" cmp "$TMP/trace-$GUID.json" "$TMP/show.json"
tui_keys e
tui_keys Enter
check "an existing file: asks before overwriting" tui_wait "exists - overwrite\? y/N"
tui_keys n
check "N keeps the prompt open" tui_wait "Export to: "
tui_keys C-u
tui_type "$TMP/t2.csv"
tui_keys Enter
check ".csv picks CSV" tui_wait "Wrote $TMP/t2.csv .*CSV"
$T show -d "$DB" 2 --format csv -o "$TMP/show.csv"
check "the CSV equals show --format csv" cmp "$TMP/t2.csv" "$TMP/show.csv"
tui_keys e Tab
check "Tab cycles the export format (.json -> .csv)" tui_wait "Export to: \./trace-$GUID\.csv"
tui_keys Tab Tab
check "Tab again: .txt, then .chrome.json" tui_wait "Export to: \./trace-$GUID\.chrome\.json"
tui_keys Enter
check ".chrome.json writes the Chrome trace" tui_wait "Wrote $TMP/trace-$GUID.chrome.json .*Chrome trace"
$T show -d "$DB" 2 --format chrome -o "$TMP/show.chrome"
check "the Chrome trace equals show --format chrome" cmp "$TMP/trace-$GUID.chrome.json" "$TMP/show.chrome"
tui_keys e C-u
tui_type "$TMP/x.xml"
tui_keys Enter
check "an unknown extension is refused, prompt kept" tui_wait "Unknown extension"
tui_keys Escape

# E exports every trace in the view: the bytes of tatrace traces --format.
FAILED=$(count_status failed)
# s steps through the present statuses in the table's (stage) order.
IDX=$(python3 -c '
import json, sys
order = ["unauthorized", "not_forwarded", "not_pushed", "not_delivered", "no_response", "failed"]
have = {t["status"] for t in json.load(open(sys.argv[1]))}
print(sum(1 for s in order if s in have))' "$TMP/all.json")
for _ in $(seq "$IDX"); do tui_keys s; done
check "status filter on failed" tui_wait "status failed \(s\)"
check "status filter on failed: $FAILED traces" tui_wait "trace [0-9]+ of $FAILED "
tui_keys E
check "E: prompt pre-filled with ./traces-FROM-TO.csv" tui_wait "Export to: \./traces-[0-9]{8}T[0-9]{4}Z-[0-9]{8}T[0-9]{4}Z\.csv"
tui_keys C-u
tui_type "$TMP/failed.csv"
tui_keys Enter
check "E writes the view and says how many" tui_wait "Wrote $TMP/failed.csv \($FAILED traces"
$T traces -d "$DB" --status failed --format csv > "$TMP/failed.want.csv"
check "E's CSV equals traces --status failed --format csv" cmp "$TMP/failed.csv" "$TMP/failed.want.csv"
tui_keys E C-u
tui_type "$TMP/failed.json"
tui_keys Enter
check "E .json writes JSON" tui_wait "Wrote $TMP/failed.json .*JSON"
$T traces -d "$DB" --status failed --format json > "$TMP/failed.want.json"
check "E's JSON equals traces --status failed --format json" cmp "$TMP/failed.json" "$TMP/failed.want.json"
tui_keys E C-u
tui_type "$TMP/failed.txt"
tui_keys Enter
check "E refuses formats other than .csv and .json" tui_wait "Unknown extension - use .csv .json"
tui_keys Escape
for _ in $(seq $((PRESENT + 2 - IDX))); do tui_keys s; done
check "status filter back to any" tui_wait "status any \(s\)"
check "status filter back to any: $ALL traces" tui_wait "trace [0-9]+ of $ALL "

# y copies the GUID with OSC 52 (tmux with set-clipboard takes it).
tui_keys :
tui_type 2
tui_keys Enter
check "back on trace 2" tui_wait "trace 2 of $ALL "
tui_keys y
check "y says what it copied" tui_wait "copied $GUID \(OSC 52\)"
check "y: the clipboard (tmux buffer) holds the GUID" sh -c "[ \"\$(tmux -S '$TUI_DIR/sock' show-buffer 2>/dev/null)\" = '$GUID' ]"

# Resize: the cursor stays; below 80x24 it says so.
tui_keys j
check "cursor on trace 3" tui_wait "trace 3 of $ALL "
tui_resize 80 24
check "80x24: the cursor is kept" tui_wait "^\[traces\] .*trace 3 of $ALL "
# (polled: the title's "trace 3 of" is on the 120-column frame too, so
# one capture could still be that frame)
narrow_columns() { tui_wait_gone ' Push ' && tui_screen | grep -q AFPDRB; }
check "80x24: Push and Span columns dropped, stage strip kept" narrow_columns
tui_resize 70 20
check "below 80x24 it says so" tui_wait "needs 80x24 \(now 70x20\)"
tui_resize 120 40
check "back to 120x40" tui_wait "trace 3 of $ALL "

# ~ toggles ASCII glyphs.
tui_keys '~'
check "~ switches to ASCII glyphs" tui_wait "^>. +3 "
tui_keys '~'

tui_keys q
check "q quits with status 0" test "$(tui_exit_status)" = 0
check "the terminal is restored (the alternate screen is gone)" tui_wait_gone "\[traces\]"
tui_stop

# Signals restore the terminal too.
for sig in TERM HUP INT; do
	tui_start 120 40 "$T" ui -d "$DB"
	tui_wait "trace 1 of $ALL " >/dev/null
	if [ $sig = INT ]; then tui_keys C-c; else kill -$sig "$(tui_pid)"; fi
	st=$(tui_exit_status)
	check "SIG$sig: exits ($st) and restores the terminal" sh -c "[ '$st' -gt 128 ]"
	check "SIG$sig: screen restored" tui_wait_gone "\[traces\]"
	tui_stop
done

# A list longer than the window of pages: in start order trace N of M is
# trace id N, so the selected row's number must equal the title's N after
# every kind of move (pages read forward, backward, from the end, around
# a jump, after a sort change and back).
$T demo -q --actions 400 "$TMP/d400" && $T ingest -q -d "$TMP/big.db" "$TMP/d400"
BIG=$($T traces -d "$TMP/big.db" --format csv | tail -n +2 | wc -l | tr -d ' ')
same_row() {	# the ▶ row's id equals the title's position, once the keys
		# sent are processed (a slow build may still be paging: poll,
		# bounded, for two equal captures)
	local scr pos id prev="" i
	for i in $(seq 60); do
		scr=$(tmux -S "$TUI_DIR/sock" capture-pane -p -t t)
		pos=$(printf '%s\n' "$scr" | sed -n 's/.*trace \([0-9]*\) of .*/\1/p' | head -1)
		id=$(printf '%s\n' "$scr" | sed -n 's/^▶. *\([0-9][0-9]*\) .*/\1/p' | head -1)
		[ -n "$pos" ] && [ "$pos" = "$id" ] && [ "$scr" = "$prev" ] && return 0
		prev=$scr
		sleep 0.1
	done
	echo "# title $pos, row $id"
	return 1
}
tui_start 120 40 "$T" ui -d "$TMP/big.db"
check "$BIG traces" tui_wait "trace 1 of $BIG "
tui_keys G
check "G: the last of $BIG" tui_wait "trace $BIG of $BIG "
check "G: the row is the last trace" same_row
for _ in 1 2 3 4 5 6 7; do tui_keys PageUp; done
check "PgUp x7 from the end" tui_wait "trace 2[0-9][0-9] of $BIG "
check "PgUp: the row matches the title" same_row
tui_keys :
tui_type 150
tui_keys Enter
check ": 150 jumps into the middle" tui_wait "trace 150 of $BIG "
check ": the row is trace 150" same_row
for _ in 1 2 3 4; do tui_keys k; done
check "k x4 after the jump" tui_wait "trace 146 of $BIG "
check "k: the row matches" same_row
for _ in 1 2 3 4 5 6 7 8 9; do tui_keys PageDown; done
check "PgDn x9" tui_wait "trace [0-9]+ of $BIG "
check "PgDn: the row matches" same_row
tui_keys o
check "o: sort by status keeps the trace" tui_wait "sort status"
tui_keys o o o
check "o x4: back to start order" tui_wait "sort start"
check "the trace is still selected, in place" same_row
tui_keys Q
tui_stop

# Log text never reaches the terminal raw: a host named with an OSC
# sequence (from its folder name) is drawn escaped in rows and preview.
cp -r "$FIX/bundle" "$TMP/hostile"
mv "$TMP/hostile/CLIENT01" "$TMP/hostile/$(printf 'PC\033]0;pwned\007X')"
$T ingest -q -d "$TMP/hostile.db" "$TMP/hostile"
tui_start 120 40 "$T" ui -d "$TMP/hostile.db"
check "hostile host: the list opens" tui_wait "trace 1 of 1 "
tui_keys l
check "hostile host: the client row shows ^[, not the sequence" tui_wait "└ PC\^\[\]0;pwne"
check "hostile host: the preview shows ^[ and ^G" tui_wait "PC\^\[\]0;pwned\^GX"
check "hostile host: the window title was not set" sh -c "[ \"\$(tmux -S '$TUI_DIR/sock' display -p -t t '#{pane_title}')\" != pwned ]"
tui_keys Enter
check "hostile host: the timeline's lane shows ^[" tui_wait "├ PC\^\[\]0;pw|└ PC\^\[\]0;pw"
tui_keys d
check "hostile host: the detail shows it escaped" tui_wait "PC\\\\e\]0;pwned"
tui_keys Q
tui_stop

# The timeline at 80x24, ASCII glyphs, no colour: short lane names, the
# same marks in ASCII; a complete trace shows no missing stage.
OK1=$(python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(open(sys.argv[1])), 1) if t["status"] == "complete"))' "$TMP/all.json")
tui_start 80 24 env NO_COLOR=1 "$T" ui --ascii -d "$DB"
check "80x24 ascii: the list opens" tui_wait "trace 1 of $ALL "
tui_keys :
tui_type "$ND"
tui_keys Enter Enter
check "80x24: the timeline opens" tui_wait "^\[timeline\] trace $ND of $ALL"
check "80x24: short lane names, ASCII bar" tui_wait "^ CONNECTOR +\|"
check "80x24: the server lane" tui_wait "^ SERVER +\|"
check "80x24: the missing receipt in ASCII" tui_wait "\| *(\.\?\. no receipt|.*no receipt[^|]* \.\?\.)"
check "80x24: the collapsed gap in ASCII" tui_wait "^ t0 .*~[0-9.]+s~"
check "80x24: the cursor in ASCII on push_started" tui_wait "^> .* push_started "
check "80x24: the ASCII hops" tui_wait "^fwd>push .* push>recv "
tui_keys q :
tui_type "$OK1"
tui_keys Enter Enter
check "80x24: a complete trace's timeline" tui_wait "^\[timeline\] trace $OK1 of $ALL"
check "a complete trace: the cursor on its first event" tui_wait "^> .*notification_received"
check "a complete trace: no missing stage drawn" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'no receipt\|no response'"
check "a complete trace: no skew, nothing unmatched" sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -q 'skew\|unmatched'"
tui_keys Q
tui_stop

# Unmatched responses are flagged and the timeline opens on the first;
# a negative hop (a client clock behind) is flagged as skew.
$T ingest -q -d "$TMP/findings.db" "$FIX/findings"
UM=$($T traces -d "$TMP/findings.db" --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["unmatched_responses"]))')
tui_start 120 40 "$T" ui -d "$TMP/findings.db"
check "findings store opens" tui_wait "trace 1 of "
tui_keys :
tui_type "$UM"
tui_keys Enter Enter
check "unmatched: the cursor on the unmatched response" tui_wait "^▶ .* response_sent +unmatched "
tui_keys Q
tui_stop
$T ingest -q -d "$TMP/statuses.db" "$FIX/statuses"
SK=$($T traces -d "$TMP/statuses.db" --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["skew"]))')
tui_start 120 40 "$T" ui -d "$TMP/statuses.db"
check "statuses store opens" tui_wait "trace 1 of "
tui_keys :
tui_type "$SK"
tui_keys Enter Enter
check "skew: the negative hop is flagged" tui_wait "push→recv -[0-9.]+m?s skew! .*skew: a negative hop"
check "skew: the cursor on the receipt before the push" tui_wait "^▶ .* task_received "
tui_keys Q
tui_stop

# ui PATH...: ingests first (as tatrace ingest), then opens.
tui_start 120 40 "$T" ui -d "$TMP/fresh.db" "$TMP/demo"
check "ui PATH ingests, then opens on the new store" tui_wait "trace 1 of $ALL "
tui_keys q
check "ui PATH: q quits with status 0" test "$(tui_exit_status)" = 0
tui_stop
check "ui PATH: the store holds the traces" sh -c "$T traces -d '$TMP/fresh.db' | tail -n +2 | wc -l | grep -qx '$ALL'"

# A store without traces: explained, and nothing to open or export.
mkdir -p "$TMP/quiet/PC1" && printf 'hello\n' > "$TMP/quiet/PC1/x.log"
$T ingest -q -d "$TMP/quiet.db" "$TMP/quiet"
tui_start 80 24 "$T" ui -d "$TMP/quiet.db"
check "no traces: trace 0 of 0 and a hint" tui_wait "trace 0 of 0"
check "no traces: the preview says what to do" tui_wait "No trace matches the filters"
tui_keys Enter e
check "no traces: e says there is nothing to export" tui_wait "no trace to export"
tui_keys q
check "no traces: q quits" test "$(tui_exit_status)" = 0
tui_stop

# Bare tatrace: the dashboard on the default store in a terminal, the
# usage otherwise (or when there is no store).
tui_start 120 40 env TATRACE_DB="$DB" "$T"
check "bare tatrace in a terminal opens the dashboard" tui_wait "trace 1 of $ALL "
tui_keys q
tui_stop
TATRACE_DB=$DB expect_status 2 "bare tatrace without a terminal prints the usage" $T
tui_start 120 40 env TATRACE_DB="$TMP/none.db" "$T"
check "bare tatrace without a store prints the usage" tui_wait "^commands:"
tui_stop

# An unknown TERM: one line and status 2, not a curses exit.
# (script(1) gives it a terminal; its last line is the exit status.)
script -qec "TERM=no-such-terminal '$T' ui -d '$DB'; echo rc=\$?" /dev/null > "$TMP/term.out" 2>&1
check "unknown TERM: says so" contains "$TMP/term.out" "cannot drive terminal 'no-such-terminal'"
check "unknown TERM: exit status 2" contains "$TMP/term.out" "rc=2"

# --ascii starts in ASCII; an unreadable store is one line and status 2.
tui_start 80 24 "$T" ui -d "$DB" --ascii
check "--ascii starts in ASCII" tui_wait "^>. +1 .*! not_pushed"
tui_keys Q
check "Q quits" test "$(tui_exit_status)" = 0
tui_stop
expect_status 2 "ui on a missing store exits 2" $T ui -d "$TMP/none.db"
finish
