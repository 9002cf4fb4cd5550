#!/bin/sh
# The merged log's cursor (db/logcursor.c) as the screen uses it: jumps
# read only a screen or so (JUMP), so moving back from a jump, from the
# end (G) and from the last trace's start reads backward through the
# store; the row under the cursor must be the CLI's record at that place,
# and its number exact (counted by the cursor, never "~").
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
$T log -d "$DB" --format json > "$TMP/log.json"
$T traces -d "$DB" --format json > "$TMP/traces.json"

# rec N: an ERE for the cursor row of record N (its message's start).
rec() {
	python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
m = log[int(sys.argv[2]) - 1]["message"][:24]
print("^▶ .*" + "".join("\\" + c if c in ".[]()*+?{}|^$\\" else c for c in m))' "$TMP/log.json" "$1"
}
read -r TOTAL LAST <<EOF
$(python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))[-1]["first_utc"]
print(len(log), next(i for i, r in enumerate(log, 1) if r["utc"] and r["utc"] >= t))' "$TMP/log.json" "$TMP/traces.json")
EOF

cd "$TMP" || exit 1
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "\[traces\] .*trace 1 of" >/dev/null
tui_keys G
tui_wait "\[traces\] .*trace [0-9]+ of ([0-9]+) " >/dev/null
tui_keys L
check "L at the last trace: record $LAST of $TOTAL, exact" tui_wait "^\[log\] .* record $LAST of $TOTAL "
check "... the cursor on that record" tui_wait "$(rec "$LAST")"
# 70 up: past the 32 records the jump read before it
for _ in $(seq 70); do tui_keys k; done
check "70 up: record $((LAST - 70))" tui_wait "record $((LAST - 70)) of $TOTAL "
check "... the CLI's record $((LAST - 70))" tui_wait "$(rec $((LAST - 70)))"
tui_keys PageDown PageDown PageDown
check "3 pages down: record $((LAST - 70 + 3 * 35))" tui_wait "record $((LAST - 70 + 3 * 35)) of $TOTAL "
check "... the CLI's record there" tui_wait "$(rec $((LAST - 70 + 3 * 35)))"
# G reads the last 64 records; 100 up reads on backward from there
tui_keys G
check "G: the last record" tui_wait "record $TOTAL of $TOTAL "
check "... the CLI's last record" tui_wait "$(rec "$TOTAL")"
for _ in $(seq 100); do tui_keys k; done
check "100 up from the end: record $((TOTAL - 100))" tui_wait "record $((TOTAL - 100)) of $TOTAL "
check "... the CLI's record there" tui_wait "$(rec $((TOTAL - 100)))"
tui_keys PageUp PageUp
check "2 pages up: record $((TOTAL - 100 - 70))" tui_wait "record $((TOTAL - 100 - 70)) of $TOTAL "
check "... the CLI's record there" tui_wait "$(rec $((TOTAL - 100 - 70)))"
# g then the same records from the other side
tui_keys g
check "g: record 1" tui_wait "record 1 of $TOTAL "
check "... the CLI's first record" tui_wait "$(rec 1)"
finish
