#!/bin/sh
# `tatrace demo`: the generated lab bundle has the promised shape, is
# deterministic per seed, and ingests cleanly with every role and encoding.
. "$(dirname "$0")/lib.sh"
D=$TMP/demo

expect_status 0 "demo writes a bundle" $T demo -q "$D"
for f in SCP01/Logs/CMGatewayNotificationWorker.log SCP01/Logs/SMS_SERVICE_CONNECTOR.log \
	SCP01/Logs/CMGatewaySyncUploadWorker.log SCP01/Logs/GenericUploadWorker.log \
	MP01/SMS_CCM/Logs/BgbServer.lo_ MP01/SMS_CCM/Logs/BgbServer.log \
	CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log CLIENT01/Windows/CCM/Logs/CcmMessaging.log \
	CLIENT08/Windows/CCM/Logs/CcmNotificationAgent.log expected.json; do
	check "demo wrote $f" test -s "$D/$f"
done
check "default: 8 clients, no ninth" sh -c "test -d '$D/CLIENT08' && ! test -e '$D/CLIENT09'"
check "expected.json: 60 traces whose counts add up" pyjson 'len(d["traces"])==60 and sum(d["status_counts"].values())==60 and d["seed"]==1 and d["clients"]==8' < "$D/expected.json"
check "expected.json: every status occurs" pyjson 'all(d["status_counts"][s]>0 for s in ["complete","unauthorized","not_forwarded","not_pushed","not_delivered","no_response","failed","partial"])' < "$D/expected.json"
check "expected.json: unauthorized traces have no GUID, forwarded ones do" pyjson 'all((t["guid"] is None)==(t["status"] in ("unauthorized","not_forwarded")) for t in d["traces"])' < "$D/expected.json"

# Formats and encodings as a real lab writes them.
check "connector: .NET times, 7 digits, no bias, LF" sh -c "head -1 '$D/SCP01/Logs/CMGatewayNotificationWorker.log' | grep -q 'time=\"[0-9:]*\.[0-9]\{7\}\" date=' && ! grep -q \"\$(printf '\\r')\" '$D/SCP01/Logs/CMGatewayNotificationWorker.log'"
check "SMS_SERVICE_CONNECTOR.log carries the +240 bias" grep -q '+240><thread=' "$D/SCP01/Logs/SMS_SERVICE_CONNECTOR.log"
check "BgbServer: SMS format, +300, CRLF" sh -c "head -1 '$D/MP01/SMS_CCM/Logs/BgbServer.log' | grep -q '  \\\$\\\$<SMS_NOTIFICATION_SERVER><09-2[56]-2026 [0-9:.]*+300><thread=[0-9]* (0x[0-9A-F]*)>.\$'"
check "BgbServer.lo_ ends with the rotation marker" sh -c "tail -1 '$D/MP01/SMS_CCM/Logs/BgbServer.lo_' | tr -d '\\r' | grep -qx '<MAXIMUM LOG FILE SIZE REACHED - FILE RENAMED>'"
check "a push starts in .lo_ and its BTS report is in .log" sh -c "
	p=\$(grep -o 'Finished sending push task (PushID: [0-9]*' '$D/MP01/SMS_CCM/Logs/BgbServer.lo_' | tail -1 | grep -o '[0-9]*\$')
	test -n \"\$p\" && grep -q \"(PushID: \$p ReportedClients\" '$D/MP01/SMS_CCM/Logs/BgbServer.log'"
check "the firewall warning is there once" sh -c "test \$(cat '$D'/MP01/SMS_CCM/Logs/BgbServer.* | grep -c 'TCP port 10123 is NOT allowed by Windows Firewall') -eq 1"
check "client 1 is UTF-8 with BOM and CRLF" sh -c "head -c 3 '$D/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log' | od -An -tx1 | grep -q 'ef bb bf' && grep -q \"\$(printf '\\r')\$\" '$D/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log'"
check "client 4 is UTF-16LE with BOM" sh -c "head -c 2 '$D/CLIENT04/Windows/CCM/Logs/CcmNotificationAgent.log' | od -An -tx1 | grep -q 'ff fe'"
check "the documented connector lines appear" sh -c "grep -q 'Authorized to perform client action. TemplateID: RequestMachinePolicy TenantId: ' '$D/SCP01/Logs/CMGatewayNotificationWorker.log' && grep -q 'Forwarded BGB remote task. TemplateID: 1 TaskGuid: [0-9a-f-]\{36\} TaskParam: TargetDeviceIDs: 1' '$D/SCP01/Logs/CMGatewayNotificationWorker.log' && grep -q 'Unauthorized to perform client action' '$D/SCP01/Logs/CMGatewayNotificationWorker.log'"
check "the documented gateway errors appear" sh -c "grep -q 'Response from https://us.gateway.configmgr.manage.microsoft.com/api/gateway/DevicePost is: 401 (Unauthorized)' '$D/SCP01/Logs/GenericUploadWorker.log' && grep -q 'Batching [0-9]* records' '$D/SCP01/Logs/CMGatewaySyncUploadWorker.log' && grep -q 'Next run time will be at approximately: [0-9/]* [0-9:]*]LOG]' '$D/SCP01/Logs/CMGatewaySyncUploadWorker.log'"

# Deterministic per seed.
expect_status 0 "same seed again" $T demo -q "$TMP/again"
check "same seed -> identical files" diff -r "$D" "$TMP/again"
expect_status 0 "another seed" $T demo -q --seed 2 "$TMP/seed2"
check "different seed -> different agent log" sh -c "! cmp -s '$D/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log' '$TMP/seed2/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log'"
check "different seed -> different truth" sh -c "! cmp -s '$D/expected.json' '$TMP/seed2/expected.json'"

# Refusals and help.
expect_status 2 "refuses a non-empty DIR" $T demo -q "$D"
check "the refusal names the folder" contains "$TMP/.err" "$D: exists and is not empty"
expect_status 0 "--force writes into it" $T demo -q --force "$D"
check "--force gives the same bytes" diff -r "$D" "$TMP/again"
expect_status 2 "refuses a DIR that is a file" $T demo -q "$D/expected.json"
expect_status 2 "--clients 0 is a usage error" $T demo -q --clients 0 "$TMP/x"
expect_status 2 "--scale junk is a usage error" $T demo -q --scale 12k "$TMP/x"
expect_status 2 "no DIR is a usage error" $T demo -q
expect_status 0 "--help exits 0" $T demo --help
check "--help shows the usage" contains "$TMP/.out" "usage: tatrace demo"
expect_status 0 "summary line without -q" $T demo --clients 2 --actions 5 "$TMP/small"
check "the summary counts files and records" contains "$TMP/.err" "demo wrote 10 files, [0-9]* records"

# It ingests: every role and encoding, the record count as promised.
expect_status 0 "ingest of the demo bundle exits 0" $T ingest -q -d "$TMP/d.db" "$D"
$T files -d "$TMP/d.db" --format json > "$TMP/files.json"
check "files: roles connector/server/agent/upload" pyjson 'set(f["role"] for f in d) >= {"connector","server","agent","upload"}' < "$TMP/files.json"
check "files: encodings utf-8/utf-8-bom/utf-16le" pyjson 'set(f["encoding"] for f in d) >= {"utf-8","utf-8-bom","utf-16le"}' < "$TMP/files.json"
check "files: hosts SCP01, MP01, CLIENT01..08" pyjson 'sorted(set(f["host"] for f in d)) == ["CLIENT0%d" % i for i in range(1,9)] + ["MP01","SCP01"]' < "$TMP/files.json"
check "files: nothing partial" pyjson 'sum(f["partial"] for f in d) == 0' < "$TMP/files.json"
$T stats -d "$TMP/d.db" --format json > "$TMP/stats.json"
want=$(python3 -c "import json; print(json.load(open('$D/expected.json'))['records'])")
check "stats: records as expected.json says ($want)" pyjson "d['records'] == $want" < "$TMP/stats.json"

expect_status 0 "--scale 200000" $T demo -q --scale 200000 "$TMP/big"
expect_status 0 "ingest of the scaled bundle" $T ingest -q -d "$TMP/big.db" "$TMP/big"
$T stats -d "$TMP/big.db" --format json > "$TMP/bigstats.json"
check "--scale 200000 gives 200k records (within 10%)" pyjson 'abs(d["records"] - 200000) <= 20000' < "$TMP/bigstats.json"
check "--scale keeps the traces of the seed" sh -c "python3 -c \"import json,sys; a=json.load(open('$D/expected.json')); b=json.load(open('$TMP/big/expected.json')); sys.exit(0 if a['traces']==b['traces'] else 1)\""
finish
