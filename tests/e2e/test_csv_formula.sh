#!/bin/sh
# CSV formula injection (OWASP): a text cell that a spreadsheet would run
# as a formula (= + - @, or a tab or CR before one) starts with a ' in
# every CSV export (traces --format csv, show --format csv, with -o too;
# the dashboard's exports use the same writer). Plain cells are written
# as they are (numbers: tests/unit/test_export.c).
. "$(dirname "$0")/lib.sh"

# inject NAME ACTION: a bundle whose connector names the action ACTION.
inject() {
	B=$TMP/$1
	mkdir -p "$B/SCP01/Logs"
	cp -r "$FIX/bundle/MP01" "$FIX/bundle/CLIENT01" "$B/"
	python3 - "$FIX/bundle/SCP01/Logs/CMGatewayNotificationWorker.log" \
		"$B/SCP01/Logs/CMGatewayNotificationWorker.log" "$2" <<'PY'
import sys
src = open(sys.argv[1], 'rb').read()
act = sys.argv[3].encode()
open(sys.argv[2], 'wb').write(src.replace(b'TemplateID: RequestMachinePolicy', b'TemplateID: ' + act))
PY
	$T ingest -q -d "$TMP/$1.db" "$B" 2>/dev/null
	$T traces -d "$TMP/$1.db" --format csv > "$TMP/$1.traces.csv"
}

for c in "eq:=1+2" "plus:+1" "minus:-2+3" "at:@SUM(A1)"; do
	name=${c%%:*}
	act=${c#*:}
	inject "$name" "$act"
	check "traces csv: an action starting '${act%"${act#?}"}' gets a leading '" \
		contains "$TMP/$name.traces.csv" ",'$act,"
	check "traces csv: no cell starts with the raw formula" \
		sh -c "! grep -qF ',$act,' '$TMP/$name.traces.csv'"
done

# show's CSV (stdout and -o): a host folder named like a formula.
B=$TMP/hostq
mkdir -p "$B"
cp -r "$FIX/bundle/SCP01" "$FIX/bundle/MP01" "$B/"
cp -r "$FIX/bundle/CLIENT01" "$B/=CLIENT01"
$T ingest -q -d "$TMP/hostq.db" "$B" 2>/dev/null
$T show -d "$TMP/hostq.db" 1 --format csv > "$TMP/show.csv"
check "show csv: a host starting with = gets a leading '" contains "$TMP/show.csv" ",'=CLIENT01,"
$T show -d "$TMP/hostq.db" 1 --format csv -o "$TMP/out.csv" 2>/dev/null
check "show --format csv -o x.csv: the same" contains "$TMP/out.csv" ",'=CLIENT01,"

# The non-trigger: plain cells unchanged, numbers stay numbers.
$T ingest -q -d "$TMP/plain.db" "$FIX/bundle" 2>/dev/null
$T traces -d "$TMP/plain.db" --format csv > "$TMP/plain.csv"
check "plain action unchanged" contains "$TMP/plain.csv" ",RequestMachinePolicy,"
check "no cell gets a ' it does not need" sh -c "! grep -q \",'\" '$TMP/plain.csv'"
$T show -d "$TMP/plain.db" 1 --format csv > "$TMP/plain.show.csv"
check "plain host unchanged in show csv" contains "$TMP/plain.show.csv" ",CLIENT01,"
finish
