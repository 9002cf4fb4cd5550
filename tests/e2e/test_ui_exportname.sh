#!/bin/sh
# E (export-view) names its file after the traces in the view, not the
# store: under a time range, and under the / filter (matched in C, not in
# SQL), the prompt's traces-FROM-TO is the first and last start among the
# traces the list shows, as tatrace traces gives them.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
DB=$TMP/demo.db
$T demo -q "$TMP/demo" && $T ingest -q -d "$DB" "$TMP/demo"
# name JSON: the file name E should offer for those traces; and their count.
name() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = lambda s: s[0:4] + s[5:7] + s[8:10] + "T" + s[11:13] + s[14:16] + "Z"
f = [t["first_utc"] for t in d]
print(len(d), "traces-%s-%s.csv" % (c(min(f)), c(max(f))))' "$1"
}
$T traces -d "$DB" --since 2026-09-25T14:00 --until 2026-09-25T16:00 --format json > "$TMP/range.json"
$T traces -d "$DB" --status failed --format json > "$TMP/failed.json"
$T traces -d "$DB" --format json > "$TMP/all.json"
read -r NR RANGE <<<"$(name "$TMP/range.json")"
read -r NF FAILED <<<"$(name "$TMP/failed.json")"
read -r NA ALL <<<"$(name "$TMP/all.json")"
check "the views differ from the store ($RANGE, $FAILED, $ALL)" \
	test "$RANGE" != "$ALL" -a "$FAILED" != "$ALL" -a "$NR" -lt "$NA" -a "$NF" -lt "$NA"

cd "$TMP" || exit 1
tui_start 120 40 "$T" ui -d "$DB"
tui_wait "\[traces\] .*trace 1 of $NA" >/dev/null
tui_keys E
check "E on the whole store: $ALL" tui_wait "Export to: \./$ALL"
tui_keys Escape t
tui_type "2026-09-25T14:00..2026-09-25T16:00"
tui_keys Enter
check "a time range: $NR traces" tui_wait "trace 1 of $NR "
tui_keys E
check "E under the time range: $RANGE" tui_wait "Export to: \./$RANGE"
tui_keys Escape x /
tui_type '^failed$'
tui_keys Enter
check "/ ^failed\$: $NF traces" tui_wait "trace 1 of $NF "
tui_keys E
check "E under the / filter: $FAILED" tui_wait "Export to: \./$FAILED"
tui_keys C-u
tui_type "$TMP/f.csv"
tui_keys Enter
check "E writes those $NF traces" tui_wait "Wrote $TMP/f.csv \($NF traces"
tui_keys Q
check "Q quits with status 0 (under ASan: nothing leaked)" test "$(tui_exit_status)" = 0
tui_stop
finish
