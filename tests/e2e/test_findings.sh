#!/bin/sh
# Findings: every kind raised by its trigger bundle and not by its near miss
# (tests/fixtures/findings/<kind>/{trigger,quiet}, written by
# tests/fixtures/make_findings.py); what the findings say; explain; coverage.
. "$(dirname "$0")/lib.sh"
F=$FIX/findings

# findings_of KIND CASE: ingest the case into its own store, JSON to a file.
findings_of() {
	db=$TMP/$1-$2.db
	$T ingest -q -d "$db" "$F/$1/$2" 2>"$TMP/$1-$2.err"
	$T findings -d "$db" --format json > "$TMP/$1-$2.json"
}

for kind in $(ls "$F"); do
	findings_of "$kind" trigger
	findings_of "$kind" quiet
	check "$kind: raised by its trigger" pyjson "any(f['kind'] == '$kind' for f in d)" < "$TMP/$kind-trigger.json"
	check "$kind: not raised by its near miss" pyjson "not any(f['kind'] == '$kind' for f in d)" < "$TMP/$kind-quiet.json"
done

check "every finding has the contract fields" sh -c "cat $TMP/*-trigger.json | python3 -c '
import json, sys
text = sys.stdin.read().replace(\"]\\n[\", \",\")
keys = {\"kind\", \"severity\", \"title\", \"advice\", \"first_utc\", \"last_utc\", \"count\", \"evidence\", \"traces\"}
for f in json.loads(text):
    assert keys <= set(f), f
    assert f[\"severity\"] in (\"error\", \"warning\", \"info\"), f
    assert all(set(e) == {\"host\", \"file\", \"line\", \"utc\"} for e in f[\"evidence\"]), f
    assert all(isinstance(t, int) for t in f[\"traces\"]), f
'"
check "findings come most urgent first" sh -c "cat $TMP/*-trigger.json | python3 -c '
import json, sys
for part in sys.stdin.read().split(\"]\\n[\"):
    d = json.loads((\"\" if part.startswith(\"[\") else \"[\") + part + (\"\" if part.rstrip().endswith(\"]\") else \"]\"))
    r = [[\"error\", \"warning\", \"info\"].index(f[\"severity\"]) for f in d]
    assert r == sorted(r), r
'"

J=$TMP/unauthorized_action-trigger.json
check "unauthorized_action: who, tenant, which action, how many times" pyjson '[f for f in d if f["kind"] == "unauthorized_action"][0]["count"] == 2 and "3a1e89e6-e190-4615-9d38-a208b0eb1c78" in d[0]["title"] and "a1b2c3a1-b2c3-d4a1-b2c3-d4a1b2c3a1b2" in d[0]["title"] and "RequestMachinePolicy" in d[0]["title"]' < "$J"
check "unauthorized_action: its two traces and log lines" pyjson 'len(d[0]["traces"]) == 2 and [e["line"] for e in d[0]["evidence"]] and all(e["host"] == "SCP01" and e["file"].endswith("CMGatewayNotificationWorker.log") for e in d[0]["evidence"])' < "$J"

J=$TMP/gateway_error-trigger.json
check "gateway_error: one finding per HTTP status (400, 401)" pyjson 'sorted(f["title"].split("HTTP ")[1][:3] for f in d if f["kind"] == "gateway_error") == ["400", "401"]' < "$J"
check "gateway_error: names the endpoints" pyjson 'any("AccountOnboardingInfo" in f["title"] for f in d) and any("DevicePost" in f["title"] and "Notification" in f["title"] for f in d)' < "$J"
check "gateway_error: advice resets tenant attach (offboard, two hours, onboard)" pyjson 'all("offboard" in f["advice"] and "two hours" in f["advice"] and "onboard it again" in f["advice"] for f in d if f["kind"] == "gateway_error")' < "$J"
check "gateway_error: the exception's 0x80131509 and its meaning, with the 401" pyjson '[("0x80131509" in f["advice"] and "COR_E_INVALIDOPERATION" in f["advice"]) for f in d if f["kind"] == "gateway_error"] == [False, True]' < "$J"
check "gateway_error: evidence from GenericUploadWorker.log and CMGatewayNotificationWorker.log" pyjson 'sorted(set(e["file"].rsplit("/", 1)[1] for f in d for e in f["evidence"])) == ["CMGatewayNotificationWorker.log", "GenericUploadWorker.log"]' < "$J"
check "HTTP 200 responses are no gateway error" pyjson 'd == []' < "$TMP/gateway_error-quiet.json"

J=$TMP/mfa_forbidden-trigger.json
check "mfa_forbidden: the SMS provider's 403 and Windows authentication" pyjson 'd[0]["kind"] == "mfa_forbidden" and "SMS provider" in d[0]["title"] and "403" in d[0]["title"] and "Windows authentication" in d[0]["advice"] and "multi-factor" in d[0]["advice"]' < "$J"

J=$TMP/notification_port-trigger.json
check "notification_port: firewall and HTTP fallback on MP01" pyjson '"TCP 10123" in d[0]["title"] and "3 clients of MP01 fell back to HTTP" in d[0]["title"]' < "$J"
check "notification_port: a repeated status line counts once" pyjson 'd[0]["count"] == 3 and len(d[0]["evidence"]) == 3' < "$J"

J=$TMP/upload_gap-trigger.json
check "upload_gap: the gap's first and last UTC" pyjson 'd[0]["first_utc"] == "2026-10-05T10:30:00.000Z" and d[0]["last_utc"] == "2026-10-05T11:15:00.000Z"' < "$J"
check "upload_gap: two missed cycles, evidence on both sides" pyjson 'd[0]["count"] == 2 and "45 min" in d[0]["title"] and len(d[0]["evidence"]) >= 2' < "$J"

findings_of upload_gap promise
check "upload_gap: a next run promised in local time and not kept" pyjson '[(f["first_utc"], f["last_utc"], f["count"]) for f in d if f["kind"] == "upload_gap"] == [("2026-10-05T10:06:00.000Z", "2026-10-05T10:15:00.000Z", 1)]' < "$TMP/upload_gap-promise.json"

for s in not_forwarded not_pushed not_delivered no_response failed; do
	check "$s: one finding listing its trace" pyjson "[len(f['traces']) for f in d if f['kind'] == '$s'] == [1]" < "$TMP/$s-trigger.json"
done
check "FailedClients: 0 with ReturnCode 1 is no failure" pyjson 'd == []' < "$TMP/failed-quiet.json"
check "a push to a client whose log was not collected is an evidence gap, not undelivered" pyjson 'set(f["kind"] for f in d) == {"evidence_gap"}' < "$TMP/not_delivered-quiet.json"

J=$TMP/slow_hop-trigger.json
check "slow_hop: says the threshold and why" pyjson 'd[0]["kind"] == "slow_hop" and "forward_to_push" in d[0]["title"] and "above 60000 ms" in d[0]["title"] and "median" in d[0]["advice"] and "1300 ms" in d[0]["advice"] and len(d[0]["traces"]) == 1' < "$J"

J=$TMP/clock_skew-trigger.json
check "clock_skew: the negative hop and the disagreeing biases" pyjson 'len(d) == 2 and [len(f["traces"]) for f in d if "negative hop" in f["title"]] == [1] and any("+120" in f["title"] and "-330" in f["title"] for f in d)' < "$J"

J=$TMP/timezone-trigger.json
check "timezone: the host whose bias was learned from the joins" pyjson 'd[0]["kind"] == "timezone" and "SCP01" in d[0]["title"] and "joined" in d[0]["title"] and "--tz SCP01=" in d[0]["advice"]' < "$J"
# The same service connection point alone: nothing to join with, so its
# times are assumed to be UTC, and a finding says so.
$T ingest -q -d "$TMP/scp-alone.db" "$F/timezone/trigger/SCP01" 2>/dev/null
$T findings -d "$TMP/scp-alone.db" --kind timezone --format json > "$TMP/scp-alone.json"
check "timezone: nothing joins, the bias is assumed" pyjson 'len(d) == 1 and "SCP01" in d[0]["title"] and "assumed" in d[0]["title"]' < "$TMP/scp-alone.json"

J=$TMP/evidence_gap-trigger.json
check "evidence_gap: which file, from which machine" pyjson '"BgbServer.log" in d[0]["title"] and "management point" in d[0]["advice"]' < "$J"

findings_of evidence_gap ends
check "evidence_gap: a client log that ends with the receipt names that client" pyjson '[f["kind"] for f in d] == ["evidence_gap"] and "from CLIENT02 covering" in d[0]["advice"] and "CcmNotificationAgent.log" in d[0]["advice"] and len(d[0]["traces"]) == 1' < "$TMP/evidence_gap-ends.json"

J=$TMP/unmatched_response-trigger.json
check "unmatched_response: the 8/9 response" pyjson '[f["count"] for f in d if f["kind"] == "unmatched_response"] == [1]' < "$J"

# The rule table drives --help; the man page and README name every kind.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
kinds=$($T findings --help | sed -n '/only findings of this kind/,/^  --format /p' | sed '1d;$d')
check "findings --help lists 16 kinds from the rule table" test "$(echo $kinds | wc -w)" -eq 16
for k in $kinds; do
	check "man page and README document finding kind $k" sh -c "grep -q -- '$k' '$ROOT/man/tatrace.1' && grep -q -- '$k' '$ROOT/README.md'"
done

# --kind, errors, table output.
DB=$TMP/gateway_error-trigger.db
check "--kind filters" sh -c "$T findings -d '$DB' --kind gateway_error --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d) == 2 else 1)'"
check "--kind of a kind with nothing found gives []" sh -c "test \"\$($T findings -d '$DB' --kind slow_hop --format json)\" = '[]'"
expect_status 2 "--kind rejects unknown kinds" $T findings -d "$DB" --kind nope
$T findings -d "$DB" > "$TMP/table.txt"
check "table: severity, kind, title, what to do, evidence" sh -c "grep -q '^error    gateway_error: ' '$TMP/table.txt' && grep -q 'do: ' '$TMP/table.txt' && grep -q 'evidence: SCP01' '$TMP/table.txt'"
check "table: what to do is wrapped at 100 columns" sh -c "grep -A3 '  do: ' '$TMP/table.txt' | grep -v evidence | awk 'length > 100 { bad = 1 } END { exit bad }' && test \$(grep -c '^                   [^ ]' '$TMP/table.txt') -gt 2"
check "table without findings says so" sh -c "$T findings -d '$TMP/failed-quiet.db' | grep -q '^No findings.'"

# Hostile text in a finding reaches the terminal escaped.
mkdir -p "$TMP/hostile"
cp -r "$F/unauthorized_action/trigger/." "$TMP/hostile/"
python3 - "$TMP/hostile/SCP01/Logs/CMGatewayNotificationWorker.log" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read().replace(b"AADUserID: 3a1e89e6", b"AADUserID: \x1b]0;pwn\x07x3a1e89e6")
open(p, "wb").write(b)
PY
$T ingest -q -d "$TMP/hostile.db" "$TMP/hostile"
$T findings -d "$TMP/hostile.db" > "$TMP/hostile.txt"
check "table escapes control characters from the logs" sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/hostile.txt' && grep -q 'x3a1e89e6' '$TMP/hostile.txt'"
check "json of hostile text parses" sh -c "$T findings -d '$TMP/hostile.db' --format json | python3 -c 'import json,sys; json.load(sys.stdin)'"

# explain
$T explain 0x80131509 > "$TMP/ex.txt"
check "explain 0x80131509: COR_E_INVALIDOPERATION, WebException" sh -c "grep -q 'COR_E_INVALIDOPERATION' '$TMP/ex.txt' && grep -q 'WebException' '$TMP/ex.txt'"
check "explain a negative HRESULT" sh -c "$T explain -- -2147024891 | grep -q '^0x80070005 .*E_ACCESSDENIED'"
check "explain a negative HRESULT without --" sh -c "$T explain -2147024891 | grep -q '^0x80070005 .*E_ACCESSDENIED'"
expect_status 2 "explain rejects unknown options" $T explain --nope
check "explain decimal and bare hex" sh -c "$T explain 2147942405 80070005 | grep -c E_ACCESSDENIED | grep -q 2"
check "explain HTTP 401 and 401" sh -c "$T explain 'HTTP 401' 401 | grep -c '^HTTP 401  Unauthorized' | grep -q 2"
check "explain a ConfigMgr code" sh -c "$T explain 0x87D00215 | grep -q 'item not found'"
expect_status 1 "explain of an unknown code exits 1" $T explain 0x12345678
check "explain says the code is unknown" grep -q "0x12345678 is not in tatrace's table" "$TMP/.err"
expect_status 2 "explain of something that is no code is a usage error" $T explain banana
expect_status 0 "explain --list" $T explain --list

# coverage
$T ingest -d "$TMP/st.db" "$FIX/statuses" 2> "$TMP/st.err"
check "ingest's summary counts the findings" grep -q '; 10 findings (tatrace findings)$' "$TMP/st.err"
$T coverage -d "$TMP/st.db" --format json > "$TMP/cov.json"
check "coverage json: hosts, lanes, logs with times, bias and source" pyjson '[h["host"] for h in d["hosts"]] == ["CLIENT01", "CLIENT02", "CLIENT03", "MP01", "SCP01"] and d["hosts"][3]["lanes"][0]["lane"] == "server" and len(d["hosts"][3]["lanes"][0]["logs"]) == 2 and d["hosts"][3]["lanes"][0]["logs"][0]["bias_min"] == 300 and d["hosts"][3]["lanes"][0]["logs"][0]["offset_source"] == "explicit" and d["hosts"][3]["lanes"][0]["logs"][0]["first_utc"].startswith("2026-10-01T09:58:30")' < "$TMP/cov.json"
check "coverage json: a .NET log shows the bias it borrowed from its host" pyjson '[l for h in d["hosts"] for ln in h["lanes"] for l in ln["logs"] if l["log"] == "CMGatewayNotificationWorker"][0]["bias_min"] == 240 and [l for h in d["hosts"] for ln in h["lanes"] for l in ln["logs"] if l["log"] == "CMGatewayNotificationWorker"][0]["offset_source"] == "host"' < "$TMP/cov.json"
check "coverage json: no lane missing, one trace not covered by the server lane, one by the agent lane" pyjson 'd["missing_lanes"] == [] and len(d["traces"]) == 18 and [t["id"] for t in d["traces"] if not t["covered"]["server"]] == [18] and [t["id"] for t in d["traces"] if not t["covered"]["agent"]] == [16]' < "$TMP/cov.json"
$T coverage -d "$TMP/evidence_gap-trigger.db" --format json > "$TMP/cov2.json"
check "coverage json: the lane with no log at all" pyjson 'd["missing_lanes"] == ["server"]' < "$TMP/cov2.json"
$T files -d "$TMP/st.db" --format json > "$TMP/files.json"
check "files json: first_utc/last_utc, no internal rotation rank" pyjson 'all("rotation" not in f for f in d) and [(f["first_utc"], f["last_utc"]) for f in d if f["name"] == "BgbServer.lo_"] == [("2026-10-01T09:58:30.000Z", "2026-10-01T11:05:01.500Z")]' < "$TMP/files.json"
expect_status 2 "coverage takes no --kind" $T coverage -d "$TMP/st.db" --kind timezone
$T coverage -d "$TMP/st.db" > "$TMP/cov.txt"
check "coverage table: header, lanes missing, the uncovered trace" sh -c "grep -q '^HOST .*LANE .*FIRST UTC .*BIAS .*SOURCE' '$TMP/cov.txt' && grep -q 'Lanes with no log at all: none' '$TMP/cov.txt' && grep -q '^    18  missing_evidence' '$TMP/cov.txt'"

finish
