#!/bin/sh
# Ingest the small three-host fixture bundle and check every command's view.
. "$(dirname "$0")/lib.sh"
DB=$TMP/t.db

expect_status 0 "ingest of the fixture bundle exits 0" $T ingest -q -d "$DB" "$FIX/bundle"
check "files --format json lists 7 files" sh -c "$T files -d '$DB' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d)==7 else 1)'"
$T files -d "$DB" --format json > "$TMP/files.json"
check "files JSON has the contract fields" pyjson 'all(set(["id","host","path","format","encoding","records","partial","bytes"]) <= set(f) for f in d)' < "$TMP/files.json"
check "hosts inferred from folder names" pyjson 'sorted(set(f["host"] for f in d)) == ["CLIENT01","MP01","SCP01"]' < "$TMP/files.json"
check "BgbServer is sms, notification agent ccm" pyjson '[f["format"] for f in d if f["name"]=="BgbServer.log"]==["sms"] and [f["format"] for f in d if f["name"]=="CcmNotificationAgent.log"]==["ccm"]' < "$TMP/files.json"
check "encodings detected" pyjson 'dict((f["name"],f["encoding"]) for f in d)["CcmNotificationAgent.log"]=="utf-8-bom" and dict((f["name"],f["encoding"]) for f in d)["CcmMessaging.log"]=="utf-16le"' < "$TMP/files.json"
check "rotation: .lo_ ordered before .log" pyjson '[f["name"] for f in d if f["log"]=="BgbServer"]==["BgbServer.lo_","BgbServer.log"]' < "$TMP/files.json"
check "roles from file names" pyjson 'dict((f["name"],f["role"]) for f in d)["CMGatewayNotificationWorker.log"]=="connector" and dict((f["name"],f["role"]) for f in d)["BgbServer.lo_"]=="server"' < "$TMP/files.json"

# cat gives back each file exactly as decoded
python3 - "$FIX/bundle" "$TMP/files.json" > "$TMP/cat.sh" <<'PY'
import json, sys
root, files = sys.argv[1], json.load(open(sys.argv[2]))
for f in files:
    rel = f["path"].split("/", 1)[1]
    print(f'{f["id"]} {root}/{rel}')
PY
while read -r id file; do
	$T cat -d "$DB" "$id" > "$TMP/got"
	python3 - "$file" "$TMP/got" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
if b[:2] in (b"\xff\xfe", b"\xfe\xff"):
    want = b.decode("utf-16")
elif b[:3] == b"\xef\xbb\xbf":
    want = b[3:].decode("utf-8")
else:
    want = b.decode("utf-8")
sys.exit(0 if open(sys.argv[2], "rb").read() == want.encode("utf-8") else 1)
PY
	if [ $? -eq 0 ]; then ok "cat $(basename "$file") round-trips"; else not_ok "cat $(basename "$file") round-trips"; fi
done < "$TMP/cat.sh"

$T log -d "$DB" --format json > "$TMP/log.json"
check "log JSON has the contract fields" pyjson 'all(set(["utc","host","file","line","component","thread","type","severity","message","offset_source"]) <= set(r) for r in d)' < "$TMP/log.json"
check "log is merged by UTC" pyjson '[r["utc"] for r in d] == sorted(r["utc"] for r in d)' < "$TMP/log.json"
check "SMS bias applied: 15:35:04.936+240 is 19:35:04.936Z" pyjson 'any(r["utc"]=="2026-09-25T19:35:04.936Z" and r["message"].startswith("Starting to send push task") and r["offset_source"]=="explicit" for r in d)' < "$TMP/log.json"
check "CCM bias applied: 20:35:04.986-60 is 19:35:04.986Z" pyjson 'any(r["utc"]=="2026-09-25T19:35:04.986Z" and r["component"]=="BgbAgent" and r["line"]==1 for r in d)' < "$TMP/log.json"
check ".NET no-bias connector borrows the host bias (+240)" pyjson 'any(r["utc"]=="2026-09-25T19:35:03.423Z" and r["offset_source"]=="host" and r["message"].startswith("Forwarded BGB") for r in d)' < "$TMP/log.json"
check "SMS trailing ~~ stripped from the message" pyjson 'not any(r["message"].endswith("~") for r in d)' < "$TMP/log.json"
check "multi-line record kept whole with its line number" pyjson 'any(r["message"]=="Café task queue state:\r\n  pending=0\r\n  done=1" and r["line"]==3 and r["type"]==0 and r["severity"]=="verbose" for r in d)' < "$TMP/log.json"
check "UTF-16 file decoded" pyjson 'any("Ümlaut" in r["message"] for r in d)' < "$TMP/log.json"
check "thread parsed from SMS tail" pyjson 'any(r["thread"]==7896 for r in d)' < "$TMP/log.json"

check "log --host filters" sh -c "$T log -d '$DB' --host MP01 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d and all(r[\"host\"]==\"MP01\" for r in d) else 1)'"
check "log --component is case-insensitive" sh -c "$T log -d '$DB' --component bgbagent --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d)==3 else 1)'"
check "log --grep PCRE2" sh -c "$T log -d '$DB' --grep 'PushID: \\d+ TaskID' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d)==2 else 1)'"
check "log --since/--until bound the window" sh -c "$T log -d '$DB' --since 2026-09-25T19:35:04.900Z --until '2026-09-25 19:35:05' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d)==4 else 1)'"
expect_status 2 "log --grep with a bad pattern is a usage error" $T log -d "$DB" --grep '(unclosed'
expect_status 2 "log --since with a bad time is a usage error" $T log -d "$DB" --since 'yesterday'

$T stats -d "$DB" --format json > "$TMP/stats.json"
check "stats JSON contract" pyjson 'd["files"]==7 and d["hosts"]==3 and d["records"]==sum(json.load(open("'"$TMP/files.json"'"))[i]["records"] for i in range(7)) and set(d["formats"])>={"ccm","sms","plain"} and "partial" in d and "severity" in d' < "$TMP/stats.json"
check "stats table prints" sh -c "$T stats -d '$DB' | grep -q '^records'"
check "files table prints a header" sh -c "$T files -d '$DB' | head -1 | grep -q 'HOST'"
expect_status 1 "cat of an unknown id exits 1" $T cat -d "$DB" 999
expect_status 2 "cat of a missing store exits 2" $T cat -d "$TMP/none.db" 1
check "TATRACE_DB selects the store" sh -c "TATRACE_DB='$DB' $T stats | grep -q 'files *7'"
finish
