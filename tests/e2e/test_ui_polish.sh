#!/bin/sh
# The dashboard's review findings (issue 7), driven in tmux on the demo
# store: the help screen (the current view's keys, every other view's,
# the glyph legend, / and G inside it, ASCII), every screen at 80x24
# without a wrapped row (coverage, record detail, help), the list
# header's counts never cut, the log's host and component filters by
# prefix or part of a name, and the scroll bar's status ticks.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
$T traces -d "$DB" --format json > "$TMP/all.json"
ALL=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/all.json")
cd "$TMP" || exit 1

# screen_lacks ERE: the screen (now) has no line matching.
screen_lacks() { ! tui_screen | grep -Eq -- "$1"; }
# tui_wait_for CMD...: poll until CMD succeeds (bounded); its output once
# it has failed for good.
tui_wait_for() {
	local end=$(( $(date +%s) + TUI_TIMEOUT ))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -le "$end" ] || { "$@"; return 1; }
		sleep 0.05
	done
}

# ---- help: the current view's keys, then every view's, then the glyphs
tui_start 80 24 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys '?'
check "? from the list: the title says whose keys come first" tui_wait "^\[help\] trace list keys first"
check "? from the list: the list's section first" tui_wait "^▶ Trace list \(this view\)$"
check "help at 80: a long description hangs under its own column" tui_wait "^ {35}[a-z(]"
check "help at 80: no row wraps back to the margin" \
	sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | sed -n '2,21p' | grep -Eq '^  [a-z(]'"
tui_keys / ; tui_type "severity-cycle"; tui_keys Enter
check "/ in help finds a merged log key (every view is there)" tui_wait "^▶ +s  severity-cycle "
check "... under the merged log's own heading" tui_wait "^  Merged log$"
tui_keys / ; tui_type "record-prev"; tui_keys Enter
check "/ finds the record detail's keys" tui_wait "^▶ +\[  record-prev "
check "... under its heading" tui_wait "^  Record detail$"
tui_keys / ; tui_type "a log said no"; tui_keys Enter
check "the glyph legend, each glyph with its ASCII fallback" tui_wait "^▶   ✗ \[X\]  a log said no"
tui_keys G
check "G shows the help's last line whole" tui_wait "^  prints the list\.$"
tui_keys g
check "g back to the top" tui_wait "^▶ Trace list \(this view\)$"
tui_keys q
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys Enter
tui_wait "^\[timeline\]" >/dev/null
tui_keys '?'
check "? from a timeline: its keys first" tui_wait "^\[help\] timeline keys first"
check "? from a timeline: the timeline's section first" tui_wait "^▶ Timeline \(this view\)$"
tui_keys q q
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys C
tui_wait "^\[coverage\]" >/dev/null
tui_keys '?'
check "? from coverage: the title names coverage" tui_wait "^\[help\] coverage keys first"
tui_stop

tui_start 80 24 "$T" ui --ascii -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys '?'
tui_keys / ; tui_type "Glyphs (ASCII"; tui_keys Enter
check "ASCII: the legend's title says so" tui_wait "^> Glyphs \(ASCII; ~ shows UTF-8 and ASCII\)"
tui_keys / ; tui_type "a log said no"; tui_keys Enter
check "ASCII: the legend shows the ASCII glyph" tui_wait "^>   X      a log said no"
tui_keys '~'
check "~ in the help: the legend in UTF-8, the fallback in brackets" tui_wait "^▶   ✗ \[X\]  a log said no"
tui_keys '~'
check "~ again: ASCII" tui_wait "^>   X      a log said no"
tui_stop

# ---- the list header at 80 and 120 columns: counts never cut
python3 -c '
import json, sys
order = ["unauthorized", "not_forwarded", "not_pushed", "not_delivered", "no_response",
         "failed", "partial", "complete", "missing_evidence", "unmatched"]
d = json.load(open(sys.argv[1]))
print(" ".join(str(sum(t["status"] == s for t in d)) for s in order if any(t["status"] == s for t in d)))
' "$TMP/all.json" > "$TMP/counts"
header_counts() {	# the header row's numbers equal every status count
	tui_screen | sed -n 2p | python3 -c '
import re, sys
got = " ".join(re.findall(r"[0-9]+", sys.stdin.read()))
want = open(sys.argv[1]).read().strip()
sys.exit(0 if got == want else print("header", got, "want", want) or 1)' "$TMP/counts"
}
tui_start 80 24 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
check "80x24: every status count in the header, whole" header_counts
check "80x24: words shortened, not cut" tui_wait "^ ✗[0-9]+ unauth .*✓[0-9]+ ok$"
tui_stop
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
check "120x40: every status count in the header" header_counts
check "120x40: the whole words" tui_wait "^ ✗[0-9]+ unauthorized  .*✓[0-9]+ complete"
tui_stop

# ---- 80x24: coverage and the record detail keep their rows
tui_start 80 24 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys C
check "80x24 coverage: the trace's line fits" tui_wait "^▶ trace 1 [0-9A-F]{8}… not_pushed, 09-25 [0-9:]+ \.\. [0-9:]+: the logs$"
check "80x24 coverage: the table's heading fits" tui_wait "^  HOST +LANE +LOG +FIRST UTC +LAST UTC +BIAS +RECS +ERRS$"
check "80x24 coverage: a log row keeps its counts" tui_wait "^  CLIENT01 +agent +CcmNotificatio… +09-25 [0-9:]{5} 09-26 [0-9:]{5} +-60 +[0-9]+ +0$"
check "80x24 coverage: every host row is whole" \
	sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -E '^  (CLIENT|MP|SCP)' | grep -Evq ' [+-]?[0-9]+\\*? +[0-9]+ +[0-9]+$'"
check "80x24 coverage: no wrapped time" screen_lacks "^  20[0-9]{2}-"
check "80x24 coverage: the lanes' rows fit" tui_wait "^    server    MP01       ◌ no push         BgbServer\.lo_$"
tui_keys q L Enter
tui_wait "^\[record\]" >/dev/null
check "80x24 record: UTC, local time, bias, source" tui_wait "^ +Source +SCP01 "
check "80x24 record: a long value hangs under the values" tui_wait "^ {14}[^ ]"
check "80x24 record: the raw record wraps right of its gutter" tui_wait "^ {14}details\.\.\]LOG\]"
check "80x24 record: a section rule fits its row" tui_wait "^  ── around it in the file · \\[ \\] step · Enter retargets ─+$"
check "80x24 record: no row wraps back to the margin" \
	sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | sed -n '2,21p' | grep -Eq '^  [a-z(]'"
tui_stop

# ---- the log's host and component filters: any case, prefix, part
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys L
tui_wait "^\[log\]" >/dev/null
tui_keys c; tui_type "gatewaynot"; tui_keys Enter
check "c gatewaynot: the one component containing it" tui_wait "│ component SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker"
check "c: the status line says what matched" tui_wait "^component 'gatewaynot' matched SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker \(substring\)"
check "c: every row is that component's (its worker name shown, not the SMS_SERVICE_CONNECTOR_ lead)" \
	sh -c "! tmux -S '$TUI_DIR/sock' capture-pane -p -t t | grep -E '^[▶ ] [0-9-]+ [0-9:.]+ ' | grep -v 'CMGatewayNotif'"
check "c: the rows show the worker name" tui_wait "^[▶ ] [0-9-]+ [0-9:.]+ .* CMGatewayNotificationWo"
tui_keys c C-u; tui_type "sms_service_connector_cmgateway"; tui_keys Enter
check "c ambiguous: lists them, the prompt stays" tui_wait "2 components match: SMS_SERVICE_CONNECTOR_CMGateway\{NotificationWorker,SyncUploadWorker\}"
check "c ambiguous: the prompt stays open" tui_wait "^Component: sms_service_connector_cmgateway"
tui_keys C-u; tui_type "sms_service_connector"; tui_keys Enter
check "c: an exact name (any case) wins over longer ones" tui_wait "│ component SMS_SERVICE_CONNECTOR( |$)"
tui_keys H; tui_type "mp"; tui_keys Enter
check "H mp: the host by its prefix" tui_wait "│ host MP01"
check "H: the status line says what matched" tui_wait "^host 'mp' matched MP01 \(prefix\)"
tui_keys H C-u; tui_type "client0"; tui_keys Enter
check "H client0: ambiguous, the hosts listed" tui_wait "8 hosts match: CLIENT0\{1,2,3,4,5,6,7,8\}"
tui_keys C-u; tui_type "nosuch"; tui_keys Enter
check "H nosuch: none, and the hosts there are" tui_wait "no host matches 'nosuch'; 10 hosts: CLIENT01, "
tui_keys C-u Enter
check "H empty: cleared" tui_wait_gone "│ host "
tui_stop

# ---- the scroll bar's status ticks, where problems sit in the whole list
ticks_match() {	# the bar's column against the list's statuses
	tui_screen > "$TMP/screen"
	python3 - "$TMP/all.json" "$TMP/screen" "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split("\n")
fail, miss, bar, thumb = sys.argv[3].split(",")
# The list pane: from the row under the column heading to the title bar.
top = next(i for i, l in enumerate(lines) if l.lstrip().startswith("#")) + 1
end = next(i for i, l in enumerate(lines) if l.startswith("[traces]"))
rows = lines[top:end]
h, total = len(rows), len(d)
rank = {"failed": 2, "unauthorized": 2, "not_forwarded": 1, "not_pushed": 1,
        "not_delivered": 1, "no_response": 1, "missing_evidence": 1}
worst = [0] * h
for p, t in enumerate(d):
    c = min(h - 1, p * h // total)
    worst[c] = max(worst[c], rank.get(t["status"], 0))
want = {2: fail, 1: miss, 0: bar}
bad = [(i, r[-1:], want[worst[i]]) for i, r in enumerate(rows)
       if r[-1:] != thumb and r[-1:] != want[worst[i]] and not (worst[i] == 1 and r[-1:] == "?")]
ticks = sum(r[-1:] == fail for r in rows)
if bad or not ticks:
    print("h", h, "mismatches (row, got, want):", bad, "fail ticks", ticks)
    sys.exit(1)
EOF
}
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
check "the scroll bar ticks failures (✗) and missing stages (◌) where they sit" \
	tui_wait_for ticks_match "✗,◌,│,┃"
tui_stop
tui_start 120 40 env NO_COLOR=1 "$T" ui --ascii -d "$DB"
tui_wait "trace 1 of $ALL " >/dev/null
check "ASCII, no colour: the ticks are X and ! beside |" tui_wait_for ticks_match "X,!,|,#"
tui_stop

finish
