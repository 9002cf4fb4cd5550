#!/bin/sh
# ingest --follow with a log that is a symlink inside the bundle
# (HOSTA/Logs/Test.log -> ../../data/test.current, a name the walk would
# not read by itself): writes to the target are followed, so are its
# rotation (renamed away, a new file under its name) and the link
# pointed elsewhere; a link that leaves the bundle is not followed (with
# --follow-links it is, its target's folder watched). Once with inotify,
# once with --poll. No timed asserts: bounded waits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/follow.sh"
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
pid=""

scenario() {
	mode=$1
	shift
	B=$TMP/$mode/bundle
	DB=$TMP/$mode/s.db
	ERR=$TMP/$mode/err
	L=$B/HOSTA/Logs
	mkdir -p "$L" "$B/data" "$B/HOSTB/Logs" "$TMP/$mode/outside"
	{ rec m1 1; rec m2 2; } > "$B/data/test.current"
	ln -s ../../data/test.current "$L/Test.log"
	rec o1 1 > "$TMP/$mode/outside/out.current"
	ln -s "$TMP/$mode/outside/out.current" "$B/HOSTB/Logs/Out.log"
	rec b1 1 > "$B/HOSTB/Logs/Plain.log"
	$T ingest -d "$DB" --follow "$@" "$B" 2>"$ERR" &
	pid=$!
	wait_for "$mode: the first ingest reads the log through its link" has_messages HOSTA m1 m2
	check "$mode: a link leaving the bundle is refused and named" \
		contains "$ERR" "Out.log: symlink leaves the bundle"

	rec m3 3 >> "$B/data/test.current"
	wait_for "$mode: a write to the link's target is followed" has_messages HOSTA m1 m2 m3

	mv "$B/data/test.current" "$B/data/test.rotated"
	rec m4 4 > "$B/data/test.current"
	wait_for "$mode: the target renamed and made anew: the new one is read" has_message HOSTA m4
	rec m5 5 >> "$B/data/test.current"
	wait_for "$mode: ... and its writes are followed" has_message HOSTA m5

	rec n1 6 > "$B/data/next.current"
	ln -sf ../../data/next.current "$L/Test.log"
	wait_for "$mode: the link pointed elsewhere: its new target is read" has_message HOSTA n1
	rec n2 7 >> "$B/data/next.current"
	wait_for "$mode: ... and followed" has_message HOSTA n2

	# The non-trigger: the outside target's write is not read, while
	# a later write inside the bundle is.
	rec o2 2 >> "$TMP/$mode/outside/out.current"
	rec b2 2 >> "$B/HOSTB/Logs/Plain.log"
	wait_for "$mode: a write inside the bundle is read" has_message HOSTB b2
	check "$mode: ... the link leaving it is never read" sh -c "! $T log -d '$DB' --format json | grep -q '\"o[12]\"'"

	kill -INT $pid
	wait $pid
	pid=""
}

scenario inotify
scenario poll --poll=50

# --follow-links: a link leaving the bundle is read, and its target's
# folder (outside the bundle) is watched.
B=$TMP/fl/bundle
DB=$TMP/fl/s.db
ERR=$TMP/fl/err
mkdir -p "$B/HOSTC/Logs" "$TMP/fl/outside"
rec c1 1 > "$TMP/fl/outside/c.current"
ln -s "$TMP/fl/outside/c.current" "$B/HOSTC/Logs/C.log"
$T ingest -d "$DB" --follow --follow-links "$B" 2>"$ERR" &
pid=$!
wait_for "--follow-links: the outside target is read" has_messages HOSTC c1
rec c2 2 >> "$TMP/fl/outside/c.current"
wait_for "--follow-links: ... and its writes followed" has_messages HOSTC c1 c2
kill -INT $pid
wait $pid
pid=""
finish
