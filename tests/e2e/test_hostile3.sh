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

# ---- piped inputs: each its own key, and the host they get said aloud
AG="$FIX/bundle/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log"
SV="$FIX/bundle/MP01/SMS_CCM/Logs/BgbServer.log"
P=$TMP/pipe.db
if command -v bash >/dev/null; then
	bash -c "'$T' ingest -q -d '$P' <(cat '$AG') && '$T' ingest -q -d '$P' <(cat '$SV') && '$T' ingest -q -d '$P' --host CLIENT09 <(cat '$AG')" 2>"$TMP/pipe.err"
	$T files -d "$P" --format json > "$TMP/pipe.json"
	check "three /dev/fd pipes, three files (none replaced another)" pyjson 'len(d) == 3 and sum(f["records"] for f in d) == 10' < "$TMP/pipe.json"
	check "a pipe without --host is host unknown, and is told so" sh -c "grep -q \"no --host: stored as host 'unknown'\" '$TMP/pipe.err' && test \$(grep -c 'no --host' '$TMP/pipe.err') -eq 2"
fi
cat "$AG" | $T ingest -q -d "$TMP/pipe2.db" --host CLIENT09 - 2>"$TMP/pipe2.err"
check "with --host: no note" test ! -s "$TMP/pipe2.err"
check "with --host: that host" sh -c "$T files -d '$TMP/pipe2.db' --format json | grep -q '\"host\":\"CLIENT09\"'"

# ---- archive entries whose names normalise to one path: each kept
A=$TMP/dupnames
mkdir -p "$A"
python3 - "$A" <<'PY'
import io, sys, tarfile, warnings, zipfile
warnings.simplefilter('ignore')
rec = lambda m: '<![LOG[%s]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' % m
with zipfile.ZipFile(sys.argv[1] + '/dup.zip', 'w') as z:
    z.writestr('H1\\Logs\\x.log', rec('backslash'))
    z.writestr('H1/Logs/x.log', rec('slash'))
    z.writestr('H1/./Logs/x.log', rec('dot'))
    z.writestr('H1/Logs/x.log#2', rec('literal'))
    z.writestr('H1/Logs/x.log', rec('twice'))
    z.writestr('H1/Logs/other.log', rec('other'))
with tarfile.open(sys.argv[1] + '/dup.tar', 'w') as t:
    for m in ['first', 'appended']:
        d = rec(m).encode(); ti = tarfile.TarInfo('H2/Logs/y.log'); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
PY
expect_status 0 "colliding entry names: kept, exit 0 (a note, not an error)" $T ingest -q --all-files -d "$TMP/dup.db" "$A"
cp "$TMP/.err" "$TMP/dup.err"
$T log -d "$TMP/dup.db" --format json > "$TMP/dup.json"
check "every colliding entry's record is stored" pyjson 'sorted(r["message"] for r in d) == sorted(["backslash","slash","dot","literal","twice","other","first","appended"])' < "$TMP/dup.json"
$T files -d "$TMP/dup.db" --format json > "$TMP/dupf.json"
check "keys #2, #3 ... past a literal #2" pyjson 'sorted(f["path"].split("/")[-1] for f in d if "x.log" in f["path"]) == ["x.log","x.log#2","x.log#2#2","x.log#3","x.log#4"]' < "$TMP/dupf.json"
check "a tar append is kept as y.log#2" pyjson 'any(f["path"].endswith("dup.tar/H2/Logs/y.log#2") for f in d)' < "$TMP/dupf.json"
check "the note names both entries" contains "$TMP/dup.err" "x.log#3: entry 'H1/./Logs/x.log' has the name of an earlier entry (.*dup.zip/H1/Logs/x.log); both kept"
check "a distinct name gets no note" not_contains "$TMP/dup.err" "other.log"
check "the copies keep their role's log name" pyjson 'len({f["log"] for f in d if "x.log" in f["path"] and not f["path"].endswith("#2#2")}) == 1' < "$TMP/dupf.json"
$T ingest -q --all-files -d "$TMP/dup.db" "$A" 2>/dev/null
check "ingesting the archive again changes nothing" sh -c "$T files -d '$TMP/dup.db' --format json | cmp -s - '$TMP/dupf.json'"

# ---- a tampered block: its offsets are checked, never followed
if command -v sqlite3 >/dev/null; then
	cp "$TMP/plain.db" "$TMP/tamper.db"
	sqlite3 "$TMP/tamper.db" "UPDATE blocks SET meta = substr(meta, 1, 16) || x'00ffffff' || substr(meta, 21) WHERE id = (SELECT min(id) FROM blocks)"
	for q in "" "--grep Push" "--format json"; do
		expect_status 2 "log $q on a block with a message offset past its text: exit 2" $T log -d "$TMP/tamper.db" $q
		check "... one line: STORE: corrupt block N (file F)" sh -c "[ \$(wc -l < '$TMP/.err') -eq 1 ] && grep -q '^tatrace log: .*tamper.db: corrupt block [0-9]* (file [0-9]*): ' '$TMP/.err'"
	done
	cp "$TMP/plain.db" "$TMP/tamper.db"
	sqlite3 "$TMP/tamper.db" "UPDATE blocks SET meta = substr(meta, 1, 32) || x'ffffff00' || substr(meta, 37) WHERE id = (SELECT min(id) FROM blocks)"
	expect_status 2 "a time offset past the text: exit 2" $T log -d "$TMP/tamper.db"
	expect_status 0 "the untampered store: exit 0" $T log -d "$TMP/plain.db"
fi

# ---- a change past the first 64 KiB that keeps size and mtime
M=$TMP/mid
mkdir -p "$M/HOST/Logs"
python3 - "$M/HOST/Logs/big.log" <<'PY'
import sys
rec = lambda i: '<![LOG[original %04d]LOG]!><time="10:%02d:%02d.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' % (i, i // 60 % 60, i % 60)
open(sys.argv[1], 'w').write(''.join(rec(i) for i in range(2000)))
PY
# edit IN PLACE: the same size, the mtime put back (touch -r, rsync -t ...)
edit_keep_times() {
	python3 - "$1" "$2" <<'PY'
import os, sys
p = sys.argv[1]; st = os.stat(p); d = open(p, 'rb').read()
i = d.rindex(b' 1999]') - 8; d = d[:i] + sys.argv[2].encode() + d[i + 8:]
assert len(sys.argv[2]) == 8
with open(p, 'r+b') as f: f.write(d)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}
$T ingest -q -d "$TMP/mid.db" "$M" 2>/dev/null
$T ingest -d "$TMP/mid.db" "$M" 2>"$TMP/mid.err"
check "untouched: unchanged" contains "$TMP/mid.err" "1 unchanged"
edit_keep_times "$M/HOST/Logs/big.log" TAMPERED
$T ingest -d "$TMP/mid.db" "$M" 2>"$TMP/mid.err"
check "an edit at byte 200k, same size and mtime: replaced" contains "$TMP/mid.err" "1 replaced"
check "... and the new text is stored" sh -c "$T log -d '$TMP/mid.db' --grep 'TAMPERED 1999' | grep -q TAMPERED"
$T ingest -d "$TMP/mid.db" "$M" 2>"$TMP/mid.err"
check "once stored again: unchanged" contains "$TMP/mid.err" "1 unchanged"
# the same in a .tar rewritten with the entry's size and mtime kept
tar -C "$M" -cf "$TMP/mid.tar" HOST
$T ingest -q -d "$TMP/midtar.db" "$TMP/mid.tar" 2>/dev/null
edit_keep_times "$M/HOST/Logs/big.log" SWAPPED_
tar -C "$M" -cf "$TMP/mid.tar.new" HOST && mv "$TMP/mid.tar.new" "$TMP/mid.tar"
$T ingest -d "$TMP/midtar.db" "$TMP/mid.tar" 2>"$TMP/mid.err"
check "a rewritten archive's changed entry: replaced" contains "$TMP/mid.err" "1 replaced"
finish
