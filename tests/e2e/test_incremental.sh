#!/bin/sh
# test_incremental.sh - the incremental trace update gives what a full
# rebuild gives. Demo bundles grow at random (tests/e2e/grow.py: each log
# cut at line ends, its pieces arriving at random steps, some logs
# appearing late); after every step the store is updated by `tatrace
# ingest`, and at the end its traces, findings and every trace's `show`
# must equal those of a full rebuild of the same store and of one fresh
# ingest of the whole bundle. Variants: the
# full demo, an admin's partial collection, the bundle twice (duplicates)
# and many clients.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
STEPS=10

# snapshot DB OUT: traces, findings and every trace's show, as JSON.
snapshot() {
	"$T" traces -d "$1" --format json >"$2" &&
	"$T" findings -d "$1" --format json >>"$2" &&
	for id in $("$T" traces -d "$1" --format csv | sed 1d | cut -d, -f1); do
		"$T" show -d "$1" "$id" --format json || return 1
	done >>"$2"
}

# grow NAME SEED DEMO-OPTIONS...: one random growth of a demo bundle.
grow() {
	name=$1 seed=$2
	shift 2
	d="$TMP/$name"
	mkdir -p "$d/inc" "$d/full"
	"$T" demo -q --seed "$seed" "$@" "$d/src" || return 1
	for step in $(seq 0 $STEPS); do
		python3 "$here/grow.py" "$d/src" "$d/inc/bundle" "$seed" $STEPS "$step" || return 1
		if [ "$name" = dup ]; then
			python3 "$here/grow.py" "$d/src" "$d/inc/bundle/copy" "$((seed + 1))" $STEPS "$step" || return 1
		fi
		(cd "$d/inc" && "$T" ingest -d inc.db bundle) 2>>"$d/ingest.log" >/dev/null
		[ $? -le 1 ] || return 1
	done
	# The same store rebuilt in full (marked stale, then an ingest that
	# loads nothing) must read the same ...
	cp "$d/inc/inc.db" "$d/rebuilt.db"
	sqlite3 "$d/rebuilt.db" "INSERT OR REPLACE INTO meta VALUES('traces_stale', 1)"
	(cd "$d/inc" && "$T" ingest -d ../rebuilt.db bundle) 2>/dev/null >/dev/null
	snapshot "$d/inc/inc.db" "$d/inc.out" && snapshot "$d/rebuilt.db" "$d/rebuilt.out" || return 1
	same "$d/inc.out" "$d/rebuilt.out" || return 1
	# ... and so must one ingest of the whole bundle, unless the bundle
	# holds copies: which copy is the duplicate depends on the order in
	# which they grew (the stored records differ, not the traces' logic).
	[ "$name" = dup ] && return 0
	cp -r "$d/inc/bundle" "$d/full/bundle"
	(cd "$d/full" && "$T" ingest -d full.db bundle) 2>/dev/null >/dev/null
	snapshot "$d/full/full.db" "$d/full.out" && same "$d/inc.out" "$d/full.out"
}

same() {
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | cut -c1-300 | head -6
	return 1
}

for seed in 11 12 13; do
	check "demo seed $seed grown in $STEPS steps = one ingest" grow plain$seed $seed
	check "partial demo seed $seed grown = one ingest" grow partial$seed $seed \
		--collect SCP01,MP01,CLIENT01,CLIENT03,CLIENT05
done
check "a bundle with a second copy of every log, grown = one ingest" grow dup 21
check "30 clients, 200 actions, grown = one ingest" grow wide 31 --clients 30 --actions 200

# The updates were incremental at least once (else nothing above tested them).
check "some steps updated only the touched traces" \
	grep -q "updated)" "$TMP"/plain11/ingest.log "$TMP"/plain12/ingest.log "$TMP"/plain13/ingest.log

# A grown log turns a verdict that no event of the append touches: a
# client log that ended 5 s after a receipt cannot say the response never
# came (missing_evidence); once it goes on past a minute it can
# (no_response). The update must reach back for that trace.
d="$TMP/cover"
mkdir -p "$d"
"$T" demo -q --seed 4 "$d/b"
"$T" ingest -d "$d/full.db" "$d/b" 2>/dev/null
set -- $(sqlite3 -separator ' ' "$d/full.db" "SELECT f.path, e.line FROM traces t
	JOIN trace_events te ON te.trace_id = t.id JOIN events e ON e.id = te.event_id
	JOIN files f ON f.id = e.file_id WHERE t.status = 'no_response' AND e.kind = 10
	AND f.encoding GLOB 'utf-8*' ORDER BY t.id LIMIT 1")
log="$TMP/cover/$1" line=$2
# the log up to the receipt and its unmatched response, then records 5 s
# and 10 min after the last: two appends
keepalive() {
	python3 - "$log" "$1" <<'PY'
import datetime, re, sys
path, later = sys.argv[1], int(sys.argv[2])
text = open(path, encoding='utf-8-sig').read()
t, bias, day = re.findall(r'time="([\d:.]+?)([+-]\d+)" date="([\d-]+)"', text)[-1]
when = datetime.datetime.strptime(day + ' ' + t[:8], '%m-%d-%Y %H:%M:%S') + datetime.timedelta(seconds=later)
with open(path, 'a', encoding='utf-8', newline='') as f:
    f.write('<![LOG[Successfully sent keep-alive message to MP01.contoso.com.]LOG]!><time="%s.000%s" date="%s" component="BgbAgent" context="" type="1" thread="1" file="x.cpp:1">\r\n'
            % (when.strftime('%H:%M:%S'), bias, when.strftime('%m-%d-%Y')))
PY
}
head -n $((line + 1)) "$log" >"$d/cut" && cp "$d/cut" "$log"
keepalive 5
"$T" ingest -d "$d/inc.db" "$d/b" 2>/dev/null
keepalive 600
"$T" ingest -d "$d/inc.db" "$d/b" 2>"$d/err"
cp "$d/inc.db" "$d/rebuilt.db"
sqlite3 "$d/rebuilt.db" "INSERT OR REPLACE INTO meta VALUES('traces_stale', 1)"
"$T" ingest -d "$d/rebuilt.db" "$d/b" 2>/dev/null
snapshot "$d/inc.db" "$d/inc.out" && snapshot "$d/rebuilt.db" "$d/rebuilt.out"
check "a grown span updates the verdict it changes (no event appended)" \
	same "$d/inc.out" "$d/rebuilt.out"
check "... and that was an update, not a rebuild" grep -q "updated)" "$d/err"

# Trigger and non-trigger: keep-alives appended to a client log update a
# few traces; a replaced log rebuilds them all and says why.
d="$TMP/one"
mkdir -p "$d"
"$T" demo -q --seed 4 "$d/b"
"$T" ingest -d "$d/s.db" "$d/b" 2>/dev/null
log=$(find "$d/b" -name CcmNotificationAgent.log | sort | head -1)
tail -n 3 "$log" >>"$log"
"$T" ingest -d "$d/s.db" "$d/b" 2>"$d/err"
check "an append updates the touched traces" grep -q "traces in .* s ([0-9]* updated)" "$d/err"
head -n 40 "$log" >"$d/head" && cat "$d/head" >"$log"
"$T" ingest -d "$d/s.db" "$d/b" 2>"$d/err"
check "a replaced log rebuilds every trace and says why" grep -q "(rebuilt: a replaced log)" "$d/err"

echo "1..$n"
[ "$fails" -eq 0 ]
