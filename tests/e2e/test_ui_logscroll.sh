#!/bin/sh
# The merged log's message column scrolled sideways (h/l, Left/Right: half
# the column at a time, the title saying how far) and widened (w hides the
# component column), driven in tmux: a message longer than the screen is
# read to its end without Enter, the cursor row staying where it is.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
mkdir -p "$TMP/b/HOST1/Logs"
LONG="head of the message $(seq -s ' ' 100 120) TAILWORD"
rec() {	# rec SECOND TEXT
	printf '<![LOG[%s]LOG]!><time="10:00:%02d.000+000" date="01-01-2026" component="CcmNotificationAgent" context="" type="1" thread="1" file="">\n' "$2" "$1"
}
{ rec 0 "short one"; rec 1 "$LONG"; rec 2 "short two"; } > "$TMP/b/HOST1/Logs/CcmNotificationAgent.log"
$T ingest -q -d "$TMP/b.db" "$TMP/b"

tui_start 120 24 "$T" ui -d "$TMP/b.db"
sleep 0.2
tui_keys L j
check "the long record is cut with an ellipsis, its end not shown" tui_wait "^▶ .* I head of the message 100 .*…$"
check "... at the start: the title shows no offset" tui_wait "^\[log\] .*record 2 of 3 +[0-9]+%$"
tui_keys l
check "l: the title shows the offset (half of 51 columns)" tui_wait "^\[log\] .*record 2 of 3 │ scrolled \+25 "
check "l: the row starts with the cut mark, further on" tui_wait "^▶ .* I …[^h].*…$"
check "l: the cursor stays on the same row" tui_wait "^▶ 2026-01-01 10:00:01"
tui_keys Right l
check "Right l: the message's end is on screen" tui_wait "^▶ .* I ….* TAILWORD *$"
check "... the title shows the offset" tui_wait "│ scrolled \+75 "
tui_keys l
check "l past the end: says so, the offset kept" tui_wait "the messages on screen end here"
check "... offset kept" tui_wait "│ scrolled \+75 "
tui_keys h Left h
check "h Left h: back at the start, no offset in the title" tui_wait "^\[log\] .*record 2 of 3 +[0-9]+%$"
check "... the message from its head" tui_wait "^▶ .* I head of the message 100"
tui_keys w
check "w hides the component column" tui_wait "^▶ 2026-01-01 10:00:01.000  HOST1 +I head of the message"
check "w: the message gets its width (76 columns)" tui_wait "^▶ 2026-01-01 10:00:01.000  HOST1 +I head of the message 100( [0-9]{3}){13}…$"
tui_keys w
check "w again shows it" tui_wait "^▶ 2026-01-01 10:00:01.000  HOST1 +CcmNotificationAgent +I head"
tui_keys '?'
check "? lists scroll-right among the log's keys" tui_wait "l Right +scroll-right"
tui_stop

# 80 columns: the narrow layout scrolls the same way.
tui_start 80 24 env NO_COLOR=1 "$T" ui --ascii -d "$TMP/b.db"
sleep 0.2
tui_keys L j l
check "80x24 ASCII: l scrolls, the cut marked ~" tui_wait "^> 10:00:01.000 .* I ~.*~$"
check "80x24: the title shows the offset (half of 36)" tui_wait "^\[log\] .*\| scrolled \+18"
tui_keys w l h Q
check "Q quits with status 0 (under ASan: nothing leaked)" test "$(tui_exit_status)" = 0
finish
