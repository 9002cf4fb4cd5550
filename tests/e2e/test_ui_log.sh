#!/bin/sh
# The merged log (L) and the record detail (Enter) of tatrace ui, driven
# in tmux on the demo store: open the log at a trace's start, move, page,
# the filters (severity, host, PCRE2, time), / search with n and N, the
# record detail and its trace, an invalid pattern, and log text with
# escape sequences, CRLF and SMS ~~ shown escaped, never raw.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
$T log -d "$DB" --format json > "$TMP/log.json"
$T traces -d "$DB" --format json > "$TMP/traces.json"
# What the screens must show, from the CLI: the total, the record where
# trace 1 starts, the first two records saying "unauthorized", the first
# CLIENT02 record and the first connector "Forwarded" record.
read -r TOTAL START U1 U2 FWD <<EOF
$(python3 -c '
import json, re, sys
log = json.load(open(sys.argv[1]))
t1 = json.load(open(sys.argv[2]))[0]["first_utc"]
start = next(i for i, r in enumerate(log, 1) if r["utc"] and r["utc"] >= t1)
u = [i for i, r in enumerate(log, 1) if re.search("unauthorized", r["message"], re.I)]
fwd = next(i for i, r in enumerate(log, 1) if r["message"].startswith("Forwarded BGB remote task"))
print(len(log), start, u[0], u[1], fwd)' "$TMP/log.json" "$TMP/traces.json")
EOF

cd "$TMP" || exit 1
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "\[traces\] .*trace 1 of" >/dev/null
tui_keys L
check "L opens the log at trace 1's start (record $START of $TOTAL)" tui_wait "^\[log\] .* record $START of $TOTAL "
check "a log row: time, host, component, severity, message" tui_wait "^▶ 2026-[0-9-]+ [0-9:.]+  [A-Z0-9]+ +[A-Za-z_]+.* [VIWE] "
tui_keys j
check "j: the next record" tui_wait "record $((START + 1)) of $TOTAL "
tui_keys k k
check "k k: back past the start" tui_wait "record $((START - 1)) of $TOTAL "
tui_keys G
check "G: the last record" tui_wait "record $TOTAL of $TOTAL .*100%"
tui_keys PageUp
check "PgUp from the end pages back" tui_wait "record $((TOTAL - 35)) of $TOTAL "
tui_keys g
check "g: the first record" tui_wait "record 1 of $TOTAL "
# Paging through the whole log moves the window (1,024 records a fetch,
# 4,096 kept: the first ones are dropped on the way, read again back).
PAGES=$((TOTAL / 35 + 2))
for _ in $(seq 40); do tui_keys C-f; done
check "40 pages on: record $((1 + 40 * 35))" tui_wait "record $((1 + 40 * 35)) of $TOTAL "
for _ in $(seq $((PAGES - 40))); do tui_keys C-f; done
check "$PAGES pages on: the last record" tui_wait "record $TOTAL of $TOTAL "
for _ in $(seq $PAGES); do tui_keys C-b; done
check "and $PAGES back: the first" tui_wait "record 1 of $TOTAL "
tui_keys j
check "j there: record 2" tui_wait "record 2 of $TOTAL "
tui_keys k

# Severity: s cycles warning and worse, errors only, all.
tui_keys s
check "s: warning and worse" tui_wait "^\[log\] .*│ warning\+"
check "s: the selected row is a warning or an error" tui_wait "^▶ [0-9-]+ [0-9:.]+ +[A-Z0-9]+ +[^ ]+ +[WE] "
tui_keys s
check "s again: errors only" tui_wait "^\[log\] .*│ error\+"
check "errors only: the rows are errors" tui_wait "^▶ [0-9-]+ [0-9:.]+ +[A-Z0-9]+ +[^ ]+ +E "
tui_keys s
check "s a third time: all" tui_wait_gone "│ error\+"
# s at the end of the log keeps the nearest match: the last one before
# the cursor (it said "no record matches the filters" over the 40 that
# did, and the next s took the first error of the store).
read -r W E <<EOF2
$(python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
print(sum(r["severity"] in ("warning", "error") for r in log), sum(r["severity"] == "error" for r in log))' "$TMP/log.json")
EOF2
tui_keys G
tui_wait "record $TOTAL of $TOTAL " >/dev/null
tui_keys s
check "G then s: the last warning or error (match $W)" tui_wait "^\[log\] [0-9TZ:.-]+ match $W │ warning\+"
tui_keys s
check "... s again: the last error (match $E)" tui_wait "^\[log\] [0-9TZ:.-]+ match $E │ error\+"
tui_keys s
tui_wait_gone "│ error\+" >/dev/null
tui_keys g
tui_wait "record 1 of $TOTAL " >/dev/null

# Host filter: only CLIENT02's records.
tui_keys H
check "H asks for a host" tui_wait "^Host:"
tui_type CLIENT02
tui_keys Enter
check "H CLIENT02: the title shows it" tui_wait "^\[log\] .*│ host CLIENT02"
check "H CLIENT02: every row is CLIENT02's" sh -c '! tmux -S "$1/sock" capture-pane -p -t t | grep -E "^[▶ ] 2026-" | grep -v " CLIENT02 "' _ "$TUI_DIR"

# The PCRE2 filter: an invalid pattern says why and where; a valid one hides.
tui_keys '&'
tui_type 'Request(Machine'
tui_keys Enter
check "& invalid pattern: PCRE2's message and offset" tui_wait "missing closing parenthesis at offset 15"
tui_keys C-u
tui_type '^Successfully sent keep-alive'
tui_keys Enter
check "& keep-alive: shown in the title" tui_wait "│ &/\\^Successfully sent keep-alive/"
check "& keep-alive: every row matches" sh -c '! tmux -S "$1/sock" capture-pane -p -t t | grep -E "^[▶ ] 2026-" | grep -vi "keep-alive"' _ "$TUI_DIR"
tui_keys x
check "x clears every filter" tui_wait "^\[log\] [0-9TZ:.-]+ record [0-9]+ of $TOTAL +[0-9]+%"

# Time range, the list's syntax.
tui_keys t
tui_type 'noon'
tui_keys Enter
check "t with a bad range says how to write one" tui_wait "not a time range"
tui_keys C-u
tui_type '12:30-12:40'
tui_keys Enter
check "t 12:30-12:40: the title shows it" tui_wait "│ time 12:30-12:40"
check "t 12:30-12:40: rows inside the range" sh -c '! tmux -S "$1/sock" capture-pane -p -t t | grep -E "^[▶ ] 2026-" | grep -v " 12:3[0-9]:"' _ "$TUI_DIR"
tui_keys x g

# / finds without hiding; n and N step through the store.
tui_keys /
tui_type 'unauthorized'
tui_keys Enter
check "/ unauthorized: the first match, record $U1" tui_wait "record $U1 of $TOTAL "
check "/ hides nothing (no filter in the title)" tui_wait "^\[log\] [0-9TZ:.-]+ record $U1 of $TOTAL +[0-9]+%"
tui_keys n
check "n: the next match, record $U2" tui_wait "record $U2 of $TOTAL "
tui_keys N
check "N: back to record $U1" tui_wait "record $U1 of $TOTAL "
tui_keys /
tui_type '(unclosed'
check "/ invalid pattern while typing: PCRE2's message and offset" tui_wait "missing closing parenthesis at offset 9"
tui_keys Enter
check "/ invalid pattern: Enter keeps the prompt open" tui_wait "^/\(unclosed$"
tui_keys Escape
check "Esc closes it, the cursor kept" tui_wait_gone "^/\(unclosed$"
check "the cursor stays on record $U1" tui_wait "^\[log\] .* record $U1 of $TOTAL "

# Enter: the record detail; t its trace; [ ] its neighbours.
tui_keys g /
tui_type '^Forwarded BGB remote task'
tui_keys Enter
check "/ ^Forwarded: record $FWD" tui_wait "record $FWD of $TOTAL "
tui_keys Enter
check "Enter opens the record detail" tui_wait "^\[record\] SCP01 CMGatewayNotificationWorker.log:[0-9]+ .* trace #[0-9]+"
check "the detail: UTC, local time, bias and its source" tui_wait "Bias +\+?-?[0-9]+ min \(UTC = local \+ bias\), [a-z]+: "
check "the detail: the local time as written" tui_wait "Local +[0-9:.]+ [0-9-]+  \(as written\)"
check "the detail: the finding that names its line" tui_wait "Finding +(error|warning) [a-z_]+: "
check "the detail: the trace event's fields" tui_wait "Event +forwarded \(connector lane\) · GUID [0-9A-F-]{36}"
check "the detail: the raw record under a line gutter" tui_wait "^ +[0-9]+ │ <!\[LOG\[Forwarded BGB remote task"
check "the detail: the records around it, the record marked" tui_wait "▶ +[0-9]+  [0-9:.]+  I  Forwarded BGB"
tui_keys ']'
check "] steps to the file's next record" tui_wait_gone "^\[record\] .* trace #"
tui_keys '['
check "[ steps back" tui_wait "^\[record\] .* trace #[0-9]+"
tui_keys t
check "t opens the record's trace" tui_wait "^\[timeline\] .*trace [0-9]+ of "
tui_keys q
check "q: back to the detail" tui_wait "^\[record\] "
REC=$(tui_screen | sed -n 's/^\[record\] .* record \([0-9]*\) .*/\1/p')
tui_keys G Enter
check "Enter on the last record around it retargets (record $((REC + 4)))" tui_wait "^\[record\] .* record $((REC + 4))( |$)"
tui_keys g Enter
check "Enter elsewhere says what it does" tui_wait "^Enter on a record around it shows that one"
tui_keys q
check "q: back to the log, its place kept" tui_wait "^\[log\] .*record $FWD of $TOTAL "
# A record naming an error code: its meaning from tatrace explain's table.
tui_keys g /
tui_type 'status code: 401'
tui_keys Enter Enter
check "the detail: the code a record names, with its meaning" tui_wait "Codes +HTTP 401 Unauthorized \(HTTP\): "
check "the detail: a record in no trace says so" tui_wait "Trace +not part of a trace"
tui_keys t
check "t on a record in no trace says so" tui_wait "^not part of a trace"
tui_keys q
tui_keys '?'
check "? lists the log's keys first" tui_wait "^▶ Merged log"
tui_keys q q
check "q: back to the list" tui_wait "^\[traces\] "
tui_stop

# Log text is never sent raw: ESC and BEL escaped; CRLF and SMS ~~ shown
# as the newline glyph in a row, as physical lines in the detail.
mkdir -p "$TMP/esc/HOST1/Logs"
printf '<![LOG[evil \033]0;pwned\007 \033[2J text]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="3" thread="1" file="">\n<![LOG[first line\r\nsecond line\r\nthird]LOG]!><time="10:00:01.000+000" date="01-01-2026" component="T" context="" type="2" thread="1" file="">\n' > "$TMP/esc/HOST1/Logs/CcmNotificationAgent.log"
printf 'SMS part one~~part two~~part three  $$<SMS_NOTIFICATION_SERVER><01-01-2026 10:00:02.000+000><thread=1 (0x1)>\n' > "$TMP/esc/HOST1/Logs/BgbServer.log"
$T ingest -q -d "$TMP/esc.db" "$TMP/esc"
tui_start 100 30 "$T" ui -d "$TMP/esc.db"
sleep 0.2
tui_keys L
check "an escape sequence in a record is shown escaped" tui_wait "E evil \^\[\]0;pwned\^G \^\[\[2J text"
check "CRLF inside a record: the newline glyph" tui_wait "W first line ⏎ second line ⏎ third"
check "SMS ~~: the newline glyph" tui_wait "I SMS part one ⏎ part two ⏎ part three"
tui_keys G Enter
check "the detail keeps SMS ~~ as line breaks" tui_wait "^ +┄ part two$"
tui_keys q g Enter
check "the detail shows the escape escaped" tui_wait "│ <!\[LOG\[evil \^\[\]0;pwned\^G"
tui_keys Q
check "Q quits with status 0" test "$(tui_exit_status)" = 0
tui_stop

# A record of 2,500 lines: the detail shows 2,000 and says what is left.
mkdir -p "$TMP/long/HOST1/Logs"
{ printf '<![LOG['; seq 0 2499 | sed 's/^/line /' | head -c -1
  printf ']LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n'; } \
	> "$TMP/long/HOST1/Logs/CcmNotificationAgent.log"
$T ingest -q -d "$TMP/long.db" "$TMP/long"
tui_start 100 30 "$T" ui -d "$TMP/long.db"
sleep 0.2
tui_keys L Enter
check "a long record: its first lines under the gutter" tui_wait "^ +1 │ <!\[LOG\[line 0$"
tui_keys G
check "a long record: 2,000 lines shown, the 500 left named" tui_wait "… 500 more lines: tatrace cat -d STORE 1$"
tui_stop

# 80x24, ASCII glyphs, no colour: the short time column, | for a break.
tui_start 80 24 env NO_COLOR=1 "$T" ui --ascii -d "$TMP/esc.db"
sleep 0.2
tui_keys L
check "80x24: the clock time only, the severity letter" tui_wait "^> 10:00:00.000  HOST1 +T +E evil"
check "ASCII: a line break inside a record is |" tui_wait "W first line \| second line \| third"
check "80x24: the title fits, with the position" tui_wait "^\[log\] 2026-01-01T10:00:00.000Z record 1 of 3 +33%$"
finish
