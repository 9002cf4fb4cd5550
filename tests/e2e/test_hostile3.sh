#!/bin/sh
# The rest of the hostile-world pass (issue 8 §3): escapes in every output,
# piped inputs, colliding archive names, tampered blocks, changes past the
# first 64 KiB, files cut while read. One trigger and one non-trigger each.
. "$(dirname "$0")/lib.sh"
ESC=$(printf '\033')
BEL=$(printf '\007')
C1=$(printf '\302\233')
RLO=$(printf '\342\200\256')

# A connector log whose TemplateID (the action's name) writes OSC 52 to
# the clipboard, a C1 CSI and a bidi override.
B=$TMP/esc
mkdir -p "$B/SCP01/Logs"
cp -r "$FIX/bundle/MP01" "$FIX/bundle/CLIENT01" "$B/"
python3 - "$FIX/bundle/SCP01/Logs/CMGatewayNotificationWorker.log" "$B/SCP01/Logs/CMGatewayNotificationWorker.log" <<'PY'
import sys
src = open(sys.argv[1], 'rb').read()
evil = 'Req\x1b]52;c;cHduZWQ=\x07\u009b31m\u202eXY'.encode()
open(sys.argv[2], 'wb').write(src.replace(b'TemplateID: RequestMachinePolicy', b'TemplateID: ' + evil))
PY
$T ingest -q -d "$TMP/esc.db" "$B" 2>/dev/null

for fmt in text csv json chrome; do
	$T show -d "$TMP/esc.db" 1 --format $fmt > "$TMP/show.$fmt"
	check "show --format $fmt: no ESC, BEL, C1 or U+202E raw" sh -c "! grep -q -e '$ESC' -e '$BEL' -e '$C1' -e '$RLO' '$TMP/show.$fmt'"
done
check "show text: the action escaped on the first line" sh -c "head -1 '$TMP/show.text' | grep -qF 'Req\\e]52;c;cHduZWQ=\\x07\\u009b31m\\u202eXY'"
for fmt in table csv json; do
	$T traces -d "$TMP/esc.db" --format $fmt > "$TMP/traces.$fmt"
	check "traces --format $fmt: nothing raw" sh -c "! grep -q -e '$ESC' -e '$BEL' -e '$C1' -e '$RLO' '$TMP/traces.$fmt'"
done
check "CSV keeps the escape readable" contains "$TMP/traces.csv" 'Req\\e]52;c;cHduZWQ=\\x07\\u009b31m\\u202eXY'
check "JSON is lossless: the action decodes to the log's bytes" pyjson 'd[0]["action"] == "Req\x1b]52;c;cHduZWQ=\x07\x9b31m\u202eXY"' < "$TMP/traces.json"
$T show -d "$FIX/../nonexistent$ESC.db" 1 2>"$TMP/err.store" >/dev/null
check "a store path with ESC is escaped in the error" sh -c "! grep -q '$ESC' '$TMP/err.store' && grep -q 'nonexistent\\\\e' '$TMP/err.store'"
# The non-trigger: a plain action name is printed as it is.
$T ingest -q -d "$TMP/plain.db" "$FIX/bundle" 2>/dev/null
$T show -d "$TMP/plain.db" 1 > "$TMP/plain.text"
check "a plain action is unchanged" sh -c "head -1 '$TMP/plain.text' | grep -q 'RequestMachinePolicy$'"
finish
