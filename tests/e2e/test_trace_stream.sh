#!/bin/sh
# test_trace_stream.sh - the streamed trace rebuild (traces written as the
# replay leaves them behind) gives, byte for byte, what holding every
# trace gives: `traces --json`, `findings --json` and every trace's `show`,
# over generated bundles (full, partial collections, many clients, the
# bundle twice) and the fixtures. TATRACE_TRACE_QUIET=0 holds every trace
# (the builder before the stream); 1 second writes traces while their
# steps are still coming, so that late joins are met and must be noticed.
. "$(dirname "$0")/lib.sh"

# snapshot DB OUT: traces and findings as JSON, every trace's targets
# and events as stored (what `show` reads), and the show of every 25th.
snapshot() {
	"$T" traces -d "$1" --format json >"$2" &&
	"$T" findings -d "$1" --format json >>"$2" &&
	sqlite3 "$1" "SELECT * FROM trace_targets ORDER BY rowid;
		SELECT * FROM trace_events ORDER BY trace_id, event_id;
		SELECT * FROM meta WHERE key GLOB 'learned:*' ORDER BY key" >>"$2" &&
	for id in $("$T" traces -d "$1" --format csv | sed 1d | cut -d, -f1 | awk 'NR % 25 == 1'); do
		"$T" show -d "$1" "$id" --format json || return 1
	done >>"$2"
}

# same NAME PATH...: ingest the paths held, streamed and streamed with a
# short quiet time; the three snapshots must be equal.
same() {
	name=$1
	shift
	d="$TMP/$name"
	mkdir -p "$d"
	for q in 0 default 1; do
		if [ "$q" = default ]; then
			"$T" ingest -q -d "$d/$q.db" "$@" >/dev/null 2>&1
		else
			TATRACE_TRACE_QUIET=$q "$T" ingest -q -d "$d/$q.db" "$@" >/dev/null 2>&1
		fi
		[ $? -le 1 ] || return 1
		snapshot "$d/$q.db" "$d/$q.json" || return 1
	done
	[ -s "$d/0.json" ] && cmp "$d/0.json" "$d/default.json" && cmp "$d/0.json" "$d/1.json"
}

demo() {
	name=$1
	shift
	"$T" demo -q "$@" "$TMP/$name.src" && same "$name" "$TMP/$name.src"
}

check "the demo bundle" demo full --seed 3
check "a partial collection (SCP, MP, two clients)" demo partial --seed 5 \
	--collect SCP01,MP01,CLIENT01,CLIENT02
check "only client logs" demo clients --seed 6 --collect CLIENT01,CLIENT02,CLIENT03
check "many clients, many actions" demo many --seed 7 --clients 60 --actions 400
check "busy: more actions than minutes" demo busy --seed 8 --clients 12 --actions 3000
"$T" demo -q --seed 9 "$TMP/dup.src" && cp -r "$TMP/dup.src" "$TMP/dup.copy" &&
	mv "$TMP/dup.copy" "$TMP/dup.src/copy"
check "the bundle twice" same dup "$TMP/dup.src"
check "the fixtures" same fixtures "$FIX"
finish
