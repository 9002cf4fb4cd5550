#!/bin/sh
# Run every test and print one summary line "N passed, N failed".
# Unit tests are cmocka binaries asked for TAP output; end-to-end tests are
# shell scripts in tests/e2e/ that print TAP lines ("ok N - ...",
# "not ok N - ..."). A binary that crashes or prints no TAP counts as failed.
#
# Tests run TEST_JOBS at a time (default: the number of cores), each into
# its own log, and are reported in a fixed order: most of the suite's time
# is the end-to-end scripts waiting on tmux or on a child, not computing,
# so two cores run it in about half the time. TEST_JOBS=1 runs them one by
# one.
set -u
here=$(cd "$(dirname "$0")" && pwd)
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# run INDEX NAME COMMAND...: the command's output and exit status go to
# $logs/INDEX.{out,rc,name}.
run() {
	i=$1
	echo "$2" >"$logs/$i.name"
	shift 2
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" >"$logs/$i.out" 2>&1
	echo $? >"$logs/$i.rc"
}

i=0
running=0
start() {	# start NAME COMMAND... in the background, at most $jobs at once
	i=$((i + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait_one
	fi
	run "$i" "$@" &
	running=$((running + 1))
}
# POSIX sh has no `wait -n`: wait for the oldest job still running.
oldest=1
wait_one() {
	while [ ! -f "$logs/$oldest.rc" ] && [ "$oldest" -lt "$i" ]; do
		sleep 0.05
	done
	oldest=$((oldest + 1))
	running=$((running - 1))
}

for bin in "$@"; do
	start "$(basename "$bin")" "$bin"
done
for t in "$here"/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	start "e2e/$(basename "$t")" sh "$t"
done
wait

passed=0
failed=0
k=1
while [ "$k" -le "$i" ]; do
	name=$(cat "$logs/$k.name")
	log="$logs/$k.out"
	rc=$(cat "$logs/$k.rc" 2>/dev/null || echo 255)
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	if [ "$bad" -gt 0 ] || [ "$rc" -ne 0 ] || [ "$ok" -eq 0 ]; then
		echo "FAIL $name (exit $rc)"
		grep -v '^ok ' "$log" | head -60 | sed 's/^/    /'
		[ "$bad" -eq 0 ] && bad=1
	else
		echo "ok   $name ($ok)"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	k=$((k + 1))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
