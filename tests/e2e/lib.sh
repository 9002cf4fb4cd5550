# lib.sh - TAP helpers for the end-to-end tests. Each test script sources
# this, drives the real binary ($TATRACE) and prints "ok N - ..." lines.
set -u
T=${TATRACE:?set TATRACE to the tatrace binary}
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset TATRACE_DB
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@" >"$TMP/.check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$TMP/.check.out" | head -20
	fi
}

# expect_status N DESCRIPTION COMMAND...: the command exits with status N.
expect_status() {
	want=$1
	desc=$2
	shift 2
	"$@" >"$TMP/.out" 2>"$TMP/.err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $got, want $want)"
		sed 's/^/#   /' "$TMP/.err" | head -20
	fi
}

# Python one-liners over JSON on stdin: pyjson 'EXPR' is true -> exit 0.
pyjson() {
	python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($1) else 1)"
}

contains() { grep -q -- "$2" "$1"; }
not_contains() { ! grep -q -- "$2" "$1"; }

finish() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
