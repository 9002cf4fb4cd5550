#!/bin/sh
# Run every test and print one summary line "N passed, N failed".
# Unit tests are cmocka binaries asked for TAP output; end-to-end tests are
# shell scripts in tests/e2e/ that print TAP lines ("ok N - ...",
# "not ok N - ..."). A binary that crashes or prints no TAP counts as failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {	# $1 = name, rest = command
	name=$1
	shift
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" >"$log" 2>&1
	rc=$?
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
}

for bin in "$@"; do
	count "$(basename "$bin")" "$bin"
done
for t in "$here"/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	count "e2e/$(basename "$t")" sh "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
