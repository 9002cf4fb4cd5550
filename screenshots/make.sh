#!/bin/bash
# make.sh - regenerate screenshots/*.png: run tatrace commands on the demo
# bundle in a real xterm on a virtual X display and grab the window.
# Debian packages: xvfb xauth xterm x11-utils imagemagick fonts-dejavu-core
# Usage (from the project root, after make): screenshots/make.sh
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

shot traces 150 24 "./tatrace traces | head -22"
shot show 200 30 "./tatrace show 12"
shot stats 110 14 "./tatrace stats"
