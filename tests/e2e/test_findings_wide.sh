#!/bin/sh
# Findings hold each trace's hops in int32 ms (src/findings.c); a hop
# wider than that (24.8 days) lives in a side table and must come out
# exact: the slow_hop bundle of tests/fixtures/make_findings.py with the
# slow trace's push 26 days after its forward (2,246,400,000 ms), beside
# the same bundle with a hop that fits (15 minutes).
. "$(dirname "$0")/lib.sh"

# wide_bundle DIR HOP_MS: six quick actions and one slow one.
wide_bundle() {
	PYTHONDONTWRITEBYTECODE=1 python3 - "$1" "$2" <<'PY'
import datetime as dt, os, sys
sys.path.insert(0, os.environ["FIX"])
import make_findings as m
m.OUT = sys.argv[1]
t = m.Bundle()
t.cover(m.at(9, 0), m.at(12, 0) + dt.timedelta(days=30))
for i in range(6):
    t.action(m.at(10, i * 5), i + 1, hop=1000 + 100 * i)
t.action(m.at(11, 0), 9, hop=int(sys.argv[2]))
t.write("slow_hop", "case")
PY
}

for c in wide:2246400000 narrow:900000; do
	name=${c%%:*}
	FIX=$FIX wide_bundle "$TMP/$name" "${c#*:}"
	$T ingest -q -d "$TMP/$name.db" "$TMP/$name/slow_hop/case" 2>"$TMP/$name.err"
	$T findings -d "$TMP/$name.db" --kind slow_hop --format json > "$TMP/$name.json"
done
check "a hop wider than int32 ms is reported exact" pyjson 'len(d) == 1 and "slowest 2246400000 ms" in d[0]["title"] and d[0]["traces"] == [7]' < "$TMP/wide.json"
check "a hop that fits int32 ms is reported exact" pyjson 'len(d) == 1 and "slowest 900000 ms" in d[0]["title"] and d[0]["traces"] == [7]' < "$TMP/narrow.json"

finish
