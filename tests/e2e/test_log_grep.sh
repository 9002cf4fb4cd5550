#!/bin/sh
# log --grep runs inside the store (whole blocks first when the pattern
# allows): it keeps exactly the records whose message matches, anchored
# patterns included; a PCRE2 limit is reported, not taken for "no match".
. "$(dirname "$0")/lib.sh"

# -- the same records as a per-record filter over the full JSON log
$T demo -q "$TMP/demo" >/dev/null
$T ingest -q -d "$TMP/d.db" "$TMP/demo" 2>/dev/null
$T log -d "$TMP/d.db" --format json > "$TMP/all.json"
# same PATTERN [-i]: --grep's records are those of the full log whose
# message Python's re finds the pattern in (the patterns are in the
# common subset of both dialects)
same() {
	$T log -d "$TMP/d.db" --format json --grep "$@" > "$TMP/grep.json" 2>"$TMP/err" &&
	python3 - "$TMP/all.json" "$TMP/grep.json" "$@" <<'EOF'
import json, re, sys
flags = re.I if "-i" in sys.argv[4:] else 0
want = [r for r in json.load(open(sys.argv[1])) if re.search(sys.argv[3], r["message"], flags)]
got = json.load(open(sys.argv[2]))
sys.exit(0 if want == got and len(got) > 0 else 1)
EOF
}
check "a rare GUID-like pattern" same 'TaskGUID: [0-9A-F]{8}-'
check "a common pattern" same 'keep-alive'
check "a common pattern, -i" same 'KEEP-ALIVE' -i
check "anchored at the message start" same '^Sending'
check "anchored at the message end" same 'contoso\.com\.$'
check "word boundaries" same '\bonline\b'
check "a lookbehind" same '(?<=PushID: )\d+'
check "alternatives over records" same 'Batching|push task'

# -- with the other filters: the same records as those filters and the
# pattern applied to the full log
T0=$(python3 -c 'import json,sys; d=[r["utc"] for r in json.load(open(sys.argv[1])) if r["utc"]]; print(d[len(d)//3])' "$TMP/all.json")
T1=$(python3 -c 'import json,sys; d=[r["utc"] for r in json.load(open(sys.argv[1])) if r["utc"]]; print(d[2*len(d)//3])' "$TMP/all.json")
# combo PATTERN PYTHON-CONDITION-ON-r OPTIONS...
combo() {
	pat=$1 cond=$2
	shift 2
	$T log -d "$TMP/d.db" --format json --grep "$pat" "$@" > "$TMP/grep.json" &&
	python3 - "$TMP/all.json" "$TMP/grep.json" "$pat" "$cond" "$T0" "$T1" <<'EOF'
import json, re, sys
_, allf, gotf, pat, cond, t0, t1 = sys.argv
sev = {"verbose": 0, "info": 1, "warning": 2, "error": 3}
want = [r for r in json.load(open(allf))
        if re.search(pat, r["message"]) and eval(cond, {"r": r, "sev": sev, "t0": t0, "t1": t1})]
got = json.load(open(gotf))
sys.exit(0 if want == got and len(got) > 0 else 1)
EOF
}
check "--grep with --host" combo 'task' 'r["host"] == "MP01"' --host mp01
check "--grep with --component" combo 'keep-alive' 'r["component"].lower() == "bgbagent"' --component BGBAGENT
# (--until a bare date: its last microsecond, where the JSON's milliseconds
# cannot mislead the comparison)
check "--grep with --since/--until" combo 'e' 'r["utc"] and t0 <= r["utc"] and r["utc"][:10] <= t1[:10]' --since "$T0" --until "$(echo "$T1" | cut -c1-10)"
check "--grep with --severity" combo 'e' 'sev[r["severity"]] >= 2' --severity warning
check "anchored --grep with --host and --since" combo '^[A-Z]' 'r["host"] == "SCP01" and r["utc"] and r["utc"] >= t0' --host SCP01 --since "$T0"

# -- a pattern that hits PCRE2's match limit is not "no match"
{
	echo "ok b"
	i=0
	while [ $i -lt 12 ]; do
		i=$((i + 1))
		echo "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b $i"
	done
	echo "aab"
} > "$TMP/trap.log"
$T ingest -q -d "$TMP/t.db" --host H "$TMP/trap.log" 2>/dev/null
for p in '(a+)+b' '(a+)+b( \d+)?$'; do
	$T log -d "$TMP/t.db" --grep "$p" > "$TMP/out" 2>"$TMP/err"
	check "limit ($p): exit 1" test $? -eq 1
	check "limit ($p): the matching record is shown" sh -c "[ \$(wc -l < '$TMP/out') -eq 1 ] && grep -q ' aab\$' '$TMP/out'"
	check "limit ($p): the first 10 records named with file and line" sh -c "[ \$(grep -c '^[^ ]*trap.log:[0-9]*: pattern hit the PCRE2 match limit\$' '$TMP/err') -eq 10 ] && grep -q 'trap.log:2: pattern' '$TMP/err'"
	check "limit ($p): and the total" grep -q '^tatrace log: the pattern hit a PCRE2 limit on 12 records, not shown' "$TMP/err"
done
$T log -d "$TMP/t.db" --grep 'a+!b' > "$TMP/out" 2>"$TMP/err"
check "no limit: exit 0, nothing on stderr" sh -c "test $? -eq 0 && ! test -s '$TMP/err'"
check "no limit: every matching record" test "$(wc -l < "$TMP/out")" -eq 12
$T log -d "$TMP/t.db" --grep '(a+)+b' --severity error > "$TMP/out" 2>"$TMP/err"
check "limit on records --severity leaves out: not reported" sh -c "test $? -eq 0 && ! test -s '$TMP/err'"

# -- a damaged store: one line naming it, exit 2, never a read past a block
cp "$TMP/d.db" "$TMP/bad.db"
sqlite3 "$TMP/bad.db" "UPDATE block_text SET text = substr(text, 1, 10) WHERE block_id = (SELECT min(block_id) FROM block_text)"
expect_status 2 "text shorter than its records: exit 2" $T log -d "$TMP/bad.db"
check "... with one line saying so" sh -c "[ \$(wc -l < '$TMP/.err') -eq 1 ] && grep -q '^tatrace log: .*bad.db: corrupt block [0-9]* (file [0-9]*): ' '$TMP/.err'"
expect_status 2 "... also under a --grep that skips blocks" $T log -d "$TMP/bad.db" --grep 'e'
# The text is LZ4 behind a header (db/blocktext.h): a codec it does not
# know, and a payload of the right length that does not decompress.
first="(SELECT min(block_id) FROM block_text)"
cp "$TMP/d.db" "$TMP/bad.db"
check "the stored text is compressed" test "$(sqlite3 "$TMP/bad.db" "SELECT hex(substr(text, 1, 1)) FROM block_text WHERE block_id = $first")" = 01
sqlite3 "$TMP/bad.db" "UPDATE block_text SET text = x'09' || substr(text, 2) WHERE block_id = $first"
expect_status 2 "text in an unknown encoding: exit 2" $T log -d "$TMP/bad.db"
check "... with one line saying so" sh -c "[ \$(wc -l < '$TMP/.err') -eq 1 ] && grep -q 'corrupt block [0-9]* (file [0-9]*): its text is in an unknown encoding' '$TMP/.err'"
cp "$TMP/d.db" "$TMP/bad.db"
sqlite3 "$TMP/bad.db" "UPDATE block_text SET text = substr(text, 1, 5) || zeroblob(length(text) - 5) WHERE block_id = $first"
expect_status 2 "compressed text that does not decompress: exit 2" $T log -d "$TMP/bad.db"
check "... with one line saying so" sh -c "[ \$(wc -l < '$TMP/.err') -eq 1 ] && grep -q 'corrupt block [0-9]* (file [0-9]*): its compressed text does not decompress' '$TMP/.err'"
expect_status 2 "... also under a --grep that skips blocks" $T log -d "$TMP/bad.db" --grep 'e'
bad_file=$(sqlite3 "$TMP/bad.db" "SELECT file_id FROM blocks WHERE id = $first")
expect_status 2 "... and for cat of its file" $T cat -d "$TMP/bad.db" "$bad_file"
check "... with one line saying so" sh -c "[ \$(wc -l < '$TMP/.err') -eq 1 ] && grep -q 'corrupt block [0-9]* (file [0-9]*): its compressed text' '$TMP/.err'"
cp "$TMP/d.db" "$TMP/bad.db"
sqlite3 "$TMP/bad.db" "UPDATE blocks SET meta = x'00' WHERE id = (SELECT min(id) FROM blocks)"
expect_status 2 "metadata of the wrong size: exit 2" $T log -d "$TMP/bad.db" --format json
check "... with one line saying so" grep -q 'corrupt block [0-9]* (file [0-9]*): metadata' "$TMP/.err"

finish
