#!/bin/bash
# make.sh - regenerate screenshots/*.png: run tatrace commands on the demo
# bundle in a real xterm on a virtual X display and grab the window.
# Debian packages: xvfb xauth xterm x11-utils imagemagick fonts-dejavu-core
# Usage (from the project root): make screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ]; then
	exec xvfb-run -a -s "-screen 0 2400x1600x24 -nolisten tcp" "$0" "$@"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./tatrace demo -q --seed 1 "$work/demo"
./tatrace ingest -q -d "$work/demo.db" "$work/demo"
export TATRACE_DB=$work/demo.db

shot() {	# shot NAME COLS ROWS COMMAND...
	local name=$1 cols=$2 rows=$3 title="tatrace-shot-$$" wid="" prev="" cur xpid
	shift 3
	printf '%s\n' "$*" > "$work/cmd"
	LANG=C.UTF-8 LC_ALL=C.UTF-8 xterm -u8 -geometry "${cols}x${rows}+0+0" \
		-fa "DejaVu Sans Mono" -fs 11 -bg '#101010' -fg '#d0d0d0' +sb -b 6 -bw 0 \
		-T "$title" -xrm 'XTerm*cursorBlink:false' \
		-e sh -c "printf '\$ %s\n' \"\$(cat '$work/cmd')\"; $*; sleep 30" & xpid=$!
	for _ in $(seq 100); do
		wid=$(xwininfo -name "$title" 2>/dev/null | awk '/Window id:/{print $4}' || true)
		[ -n "$wid" ] && break
		sleep 0.05
	done
	[ -n "$wid" ] || { echo "xterm window never appeared" >&2; return 1; }
	for _ in $(seq 50); do	# settle: two identical grabs in a row
		sleep 0.2
		cur=$(import -window "$wid" rgb:- | md5sum)
		[ "$cur" = "$prev" ] && break
		prev=$cur
	done
	import -window "$wid" -strip "png:screenshots/$name.png"
	kill "$xpid" 2>/dev/null || true
	wait "$xpid" 2>/dev/null || true
	echo "wrote screenshots/$name.png"
}

# grab NAME TITLE PID: wait for the xterm window, let it settle, save it.
grab() {
	local name=$1 title=$2 wid="" prev="" cur
	for _ in $(seq 100); do
		wid=$(xwininfo -name "$title" 2>/dev/null | awk '/Window id:/{print $4}' || true)
		[ -n "$wid" ] && break
		sleep 0.05
	done
	[ -n "$wid" ] || { echo "xterm window never appeared" >&2; return 1; }
	for _ in $(seq 50); do	# settle: two identical grabs in a row
		sleep 0.2
		cur=$(import -window "$wid" rgb:- | md5sum)
		[ "$cur" = "$prev" ] && break
		prev=$cur
	done
	import -window "$wid" -strip "png:screenshots/$name.png"
	echo "wrote screenshots/$name.png"
}

# uishot NAME COLS ROWS [ENV=VALUE...] -- KEYS...: the dashboard in a tmux
# session (status bar off) shown by a real xterm; KEYS are sent first and
# the shot waits for the screen to settle.
uishot() {
	local name=$1 cols=$2 rows=$3 title="tatrace-ui-$$-$1" sock="$work/tmux-$1.sock" env=()
	shift 3
	while [ "$1" != "--" ]; do env+=(-e "$1"); shift; done
	shift
	tmux -S "$sock" -f /dev/null start-server \; set -g status off \; \
		set -g default-terminal xterm-256color \; \
		new-session -d -s ui -x "$cols" -y "$rows" -c "$work" -e LANG=C.UTF-8 \
		-e LC_ALL=C.UTF-8 -e ESCDELAY=25 -e TATRACE_DB=demo.db "${env[@]}" \
		"exec $PWD/tatrace ui" \; set -g window-size manual
	for _ in $(seq 100); do
		tmux -S "$sock" capture-pane -p -t ui | grep -q '1 col = ' && break
		sleep 0.05
	done
	[ $# -gt 0 ] && tmux -S "$sock" send-keys -t ui "$@"
	LANG=C.UTF-8 LC_ALL=C.UTF-8 xterm -u8 -geometry "${cols}x${rows}+0+0" \
		-fa "DejaVu Sans Mono" -fs 11 -bg '#101010' -fg '#d0d0d0' +sb -b 6 -bw 0 \
		-T "$title" -xrm 'XTerm*cursorBlink:false' -xrm 'XTerm*allowTitleOps:false' \
		-tn xterm-256color -e tmux -S "$sock" attach -t ui & local xpid=$!
	grab "$name" "$title"
	tmux -S "$sock" kill-server 2>/dev/null || true
	kill "$xpid" 2>/dev/null || true
	wait "$xpid" 2>/dev/null || true
}

uishot ui-traces 120 40 -- j j l
uishot ui-timeline 120 40 -- : 1 9 Enter Enter
uishot ui-detail 120 40 -- j j Enter d
uishot ui-traces-80x24 80 24 -- j s s s s s s
uishot ui-ascii-mono 120 40 NO_COLOR=1 -- '~' j j l
uishot ui-help 120 40 -- '?'
uishot ui-findings 120 40 -- F
uishot ui-coverage 120 40 -- C
uishot ui-log 120 40 -- : 1 9 Enter L
uishot ui-record 120 40 -- : 1 9 Enter Enter Enter
shot traces 150 24 "./tatrace traces | head -22"
shot show 200 30 "./tatrace show 12"
shot stats 110 14 "./tatrace stats"
