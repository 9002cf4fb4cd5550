#!/bin/sh
# Traces rebuilt across the three lanes: the seed document's example, and
# a bundle with one action per status (golden verdicts in expected.json).
. "$(dirname "$0")/lib.sh"
DB=$TMP/seed.db

$T ingest -q -d "$DB" "$FIX/bundle"
$T traces -d "$DB" --format json > "$TMP/seed.json"
check "seed example: one trace" pyjson 'len(d) == 1' < "$TMP/seed.json"
check "seed example: GUID joined across lanes (lower case on the connector)" pyjson 'd[0]["guid"] == "A43DD1B3-A006-4604-B012-5529380B3B6F" and d[0]["lanes"] == {"connector": 4, "server": 4, "agent": 2}' < "$TMP/seed.json"
check "seed example: the 8/9 response does not answer the 7/8 receipt" pyjson 'd[0]["status"] == "no_response" and d[0]["unmatched_responses"] == 1' < "$TMP/seed.json"
check "seed example: action, task type, client" pyjson 'd[0]["action"] == "RequestMachinePolicy" and d[0]["task_type"] == 1 and d[0]["clients"] == ["CLIENT01"]' < "$TMP/seed.json"
check "seed example: hops across three time zones" pyjson 'd[0]["hops_ms"] == {"forward_to_push": 1513, "push_to_receive": 50, "receive_to_response": None}' < "$TMP/seed.json"
check "traces JSON has the contract fields" pyjson 'set(["id","guid","status","action","task_type","first_utc","last_utc","clients","hops_ms","lanes"]) <= set(d[0])' < "$TMP/seed.json"
$T show -d "$DB" 1 --format json > "$TMP/show1.json"
check "show json: events with lanes, the unmatched one flagged" pyjson 'len(d["events"]) == 10 and set(e["lane"] for e in d["events"]) == {"connector","server","agent"} and [e["unmatched"] for e in d["events"]].count(True) == 1' < "$TMP/show1.json"
check "show json events are in time order" pyjson '[e["utc"] for e in d["events"]] == sorted(e["utc"] for e in d["events"])' < "$TMP/show1.json"
check "show accepts the GUID in any case, with braces" sh -c "$T show -d '$DB' '{a43dd1b3-a006-4604-b012-5529380b3b6f}' | grep -q 'no_response'"
$T show -d "$DB" 1 > "$TMP/show1.txt"
check "show text names the unmatched response" contains "$TMP/show1.txt" "UNMATCHED"
check "show text has the summary" contains "$TMP/show1.txt" "Summary"
check "show csv has one row per event" sh -c "test \$($T show -d '$DB' 1 --format csv | wc -l) -eq 11"
$T show -d "$DB" 1 --format chrome -o "$TMP/trace.json"
check "show chrome is Chrome Trace Event JSON with lanes and hop spans" sh -c "python3 -c 'import json,sys; d=json.load(open(\"$TMP/trace.json\")); e=d[\"traceEvents\"]; sys.exit(0 if any(x[\"ph\"]==\"X\" and x[\"name\"]==\"forward_to_push\" for x in e) and sum(1 for x in e if x[\"ph\"]==\"M\" and x[\"name\"]==\"thread_name\")==3 else 1)'"
expect_status 2 "show -o never overwrites without --force" $T show -d "$DB" 1 -o "$TMP/trace.json"
expect_status 0 "show -o --force overwrites" $T show -d "$DB" 1 -o "$TMP/trace.json" --force
expect_status 1 "show of an unknown trace exits 1" $T show -d "$DB" 999
# The dashboard's export picks the format from the name and promises the
# files of `show -o`: without --format, show -o does the same.
$T show -d "$DB" 1 -o "$TMP/by-name.json"
check "show -o x.json without --format writes JSON" pyjson 'd["id"] == 1 and len(d["events"]) == 10' < "$TMP/by-name.json"
$T show -d "$DB" 1 -o "$TMP/by-name.chrome.json"
check "show -o x.chrome.json writes Chrome Trace JSON" pyjson '"traceEvents" in d' < "$TMP/by-name.chrome.json"
$T show -d "$DB" 1 -o "$TMP/by-name.csv"
check "show -o x.csv writes one row per event" sh -c "test \$(wc -l < '$TMP/by-name.csv') -eq 11"
$T show -d "$DB" 1 --format text -o "$TMP/forced.json"
check "--format wins over the name" contains "$TMP/forced.json" "Summary"
$T show -d "$DB" 1 -o "$TMP/by-name.log"
check "another name: text" contains "$TMP/by-name.log" "Summary"
expect_status 2 "traces --status rejects unknown statuses" $T traces -d "$DB" --status nope

DB=$TMP/st.db
expect_status 0 "ingest of the status bundle" $T ingest -q -d "$DB" "$FIX/statuses"
$T traces -d "$DB" --format json > "$TMP/st.json"
python3 - "$FIX/statuses/expected.json" "$TMP/st.json" <<'PY' > "$TMP/golden.tap"
import json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"count {len(got)} {len(want)}")
for i, w in enumerate(want):
    g = got[i] if i < len(got) else {}
    bad = []
    for k in ("status", "guid", "action", "task_type", "clients"):
        if g.get(k) != w[k]:
            bad.append(f"{k}={g.get(k)!r} want {w[k]!r}")
    if "hops" in w:
        h = g.get("hops_ms", {})
        have = [h.get("forward_to_push"), h.get("push_to_receive"), h.get("receive_to_response")]
        if have != w["hops"]:
            bad.append(f"hops={have} want {w['hops']}")
    if "lanes" in w:
        l = g.get("lanes", {})
        have = [l.get("connector"), l.get("server"), l.get("agent")]
        if have != w["lanes"]:
            bad.append(f"lanes={have} want {w['lanes']}")
    if "candidates" in w and g.get("candidates") != w["candidates"]:
        bad.append(f"candidates={g.get('candidates')} want {w['candidates']}")
    if w.get("skew") and not g.get("skew"):
        bad.append("skew not flagged")
    if "missing" in w and g.get("missing_lanes") != w["missing"]:
        bad.append(f"missing_lanes={g.get('missing_lanes')} want {w['missing']}")
    print(("ok" if not bad else "bad") + f" {i + 1} {w['status']} {' '.join(bad)}")
PY
read -r _ got want < "$TMP/golden.tap"
check "status bundle: $want traces" test "$got" = "$want"
grep -v '^count' "$TMP/golden.tap" | while read -r verdict idx status rest; do
	if [ "$verdict" = ok ]; then echo "ok - golden trace $idx ($status)"; else echo "not ok - golden trace $idx ($status): $rest"; fi
done > "$TMP/golden.out"
while read -r line; do
	case "$line" in
	ok*) ok "${line#ok - }" ;;
	*) not_ok "${line#not ok - }" ;;
	esac
done < "$TMP/golden.out"
check "traces --status filters" sh -c "test \$($T traces -d '$DB' --status complete --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 8"
check "traces --action is case-insensitive" sh -c "test \$($T traces -d '$DB' --action requestuserpolicy --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 2"
check "traces --host finds traces on a client" sh -c "$T traces -d '$DB' --host CLIENT03 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d and all(\"CLIENT03\" in t[\"hosts\"] or \"CLIENT03\" in [g[\"host\"] for g in t[\"targets\"]] for t in d) else 1)'"
check "traces --grep searches event text" sh -c "test \$($T traces -d '$DB' --grep 'PushID: 114' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 1"
check "traces --since/--until" sh -c "test \$($T traces -d '$DB' --since 2026-10-01T10:30:00Z --until 2026-10-01T10:39:59Z --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 2"
check "traces csv has a header and one row per trace" sh -c "test \$($T traces -d '$DB' --format csv | wc -l) -eq 19"
check "failed traces say why" sh -c "$T traces -d '$DB' --status failed --format json | python3 -c 'import json,sys; d=[t[\"summary\"] for t in json.load(sys.stdin)]; sys.exit(0 if \"CLIENT01 answered ReturnCode 0\" in d[0] and \"BTS report counts 1 failed\" in d[1] else 1)'"
check "stats counts traces per status" sh -c "$T stats -d '$DB' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)[\"traces\"]; sys.exit(0 if d[\"total\"]==18 and d[\"by_status\"][\"complete\"]==8 and d[\"by_status\"][\"missing_evidence\"]==2 else 1)'"
check "traces table prints" sh -c "$T traces -d '$DB' | grep -q 'not_delivered'"
check "re-ingest keeps the traces" sh -c "$T ingest -q -d '$DB' '$FIX/statuses' && test \$($T traces -d '$DB' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 18"

# The demo generator knows the truth of every trace it wrote.
$T demo -q --clients 12 --actions 400 --seed 3 "$TMP/demo"
$T ingest -q -d "$TMP/demo.db" "$TMP/demo"
$T traces -d "$TMP/demo.db" --format json > "$TMP/demo.json"
python3 - "$TMP/demo/expected.json" "$TMP/demo.json" > "$TMP/demo.cmp" <<'PY'
import collections, json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
by_guid = {t["guid"]: t for t in got if t["guid"]}
wrong = [(w["guid"], w["status"], by_guid.get(w["guid"], {}).get("status"))
         for w in want["traces"] if w["guid"] and by_guid.get(w["guid"], {}).get("status") != w["status"]]
counts = collections.Counter(t["status"] for t in got)
print("guid", len(wrong), wrong[:3])
print("counts", int(dict(counts) == {k: v for k, v in want["status_counts"].items() if v}),
      dict(counts), want["status_counts"])
PY
check "demo: every GUID's status matches the generator's truth" grep -q '^guid 0 ' "$TMP/demo.cmp"
check "demo: status counts match the generator's truth" grep -q '^counts 1 ' "$TMP/demo.cmp"
grep -v '^guid 0 \|^counts 1 ' "$TMP/demo.cmp" | sed 's/^/#   /'
finish
