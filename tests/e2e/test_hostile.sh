#!/bin/sh
# A hostile bundle: binary junk, a 12 MB line, a truncated record,
# impossible dates, a zip with ../ entries, a zip bomb and a symlink loop.
# Clear errors naming the file, no crash, good files fully stored.
. "$(dirname "$0")/lib.sh"
DB=$TMP/t.db
H=$TMP/hostile
mkdir -p "$H/CLIENT02/Logs" "$H/loop"
cp "$FIX/bundle/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log" "$H/CLIENT02/Logs/"
head -c 65536 /dev/urandom > "$H/CLIENT02/Logs/junk.log"
python3 -c "
import sys
sys.stdout.write('<![LOG[' + 'x' * (12 * 1024 * 1024) + ']LOG]!><time=\"10:00:00.000+000\" date=\"01-01-2026\" component=\"Big\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\n')
" > "$H/CLIENT02/Logs/big.log"
printf '<![LOG[complete]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n<![LOG[truncated in the mid' > "$H/CLIENT02/Logs/truncated.log"
printf '<![LOG[bad month]LOG]!><time="10:00:00.000+000" date="13-45-2026" component="T" context="" type="1" thread="1" file="">\n<![LOG[bad hour]LOG]!><time="25:61:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n<![LOG[good]LOG]!><time="10:00:01.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' > "$H/CLIENT02/Logs/dates.log"
ln -s .. "$H/loop/up"
python3 - "$H" <<'PY'
import sys, zipfile
h = sys.argv[1]
with zipfile.ZipFile(h + "/evil.zip", "w") as z:
    z.writestr("../escape.log", "<![LOG[x]LOG]!><time=\"10:00:00.000+000\" date=\"01-01-2026\" component=\"T\" context=\"\" type=\"1\" thread=\"1\" file=\"\">\n")
    z.writestr("/abs.log", "abs\n")
    z.writestr("ok/inside.log", "inside\n")
with zipfile.ZipFile(h + "/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Logs/bomb.log", b"\0" * (64 * 1024 * 1024))
PY

expect_status 1 "hostile bundle: exit 1 (some files had errors)" $T ingest -q -d "$DB" --max-archive-mib 16 "$H"
cp "$TMP/.err" "$TMP/err"
check "junk file named with a reason" contains "$TMP/err" "junk.log: binary"
check "bad month named with file:line" contains "$TMP/err" "dates.log:1: "
check "bad hour named with file:line" contains "$TMP/err" "dates.log:2: "
check "../ entry refused" contains "$TMP/err" "escape"
check "zip bomb stopped by the cap" contains "$TMP/err" "bomb"
check "no file escaped the bundle" test ! -e "$TMP/escape.log"
check "no crash message" not_contains "$TMP/err" "Sanitizer"
$T files -d "$DB" --format json > "$TMP/files.json"
check "good file beside the junk fully stored" pyjson 'any(f["name"]=="CcmNotificationAgent.log" and f["records"]==3 for f in d)' < "$TMP/files.json"
check "12 MB line stored as one record" pyjson 'any(f["name"]=="big.log" and f["records"]==1 and f["bytes"]>12*1024*1024 for f in d)' < "$TMP/files.json"
check "truncated record kept as partial" pyjson 'any(f["name"]=="truncated.log" and f["records"]==2 and f["partial"]==1 for f in d)' < "$TMP/files.json"
check "bad dates: all three records kept" pyjson 'any(f["name"]=="dates.log" and f["records"]==3 for f in d)' < "$TMP/files.json"
check "the harmless zip entry is stored" pyjson 'any(f["path"].endswith("evil.zip/ok/inside.log") for f in d)' < "$TMP/files.json"
check "the escaping entries are not" pyjson 'not any("escape" in f["path"] or f["path"].endswith("abs.log") and ".." in f["path"] for f in d)' < "$TMP/files.json"
id=$(python3 -c 'import json,sys; print([f["id"] for f in json.load(open(sys.argv[1])) if f["name"]=="big.log"][0])' "$TMP/files.json")
$T cat -d "$DB" "$id" > "$TMP/big.out"
check "12 MB record round-trips" cmp "$TMP/big.out" "$H/CLIENT02/Logs/big.log"

# Control characters in log text never reach the terminal raw.
printf '<![LOG[evil \033]0;pwned\007 \033[2J text]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="T" context="" type="1" thread="1" file="">\n' > "$TMP/esc.log"
$T ingest -q -d "$TMP/esc.db" "$TMP/esc.log"
$T log -d "$TMP/esc.db" > "$TMP/esc.out"
check "table output escapes ESC and BEL" sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/esc.out' && ! grep -q \"\$(printf '\\007')\" '$TMP/esc.out' && grep -q 'evil \\\\e]0;pwned' '$TMP/esc.out'"
$T log -d "$TMP/esc.db" --format json > "$TMP/esc.json"
check "JSON output escapes them as \\u001b" sh -c "grep -q 'u001b' '$TMP/esc.json' && python3 -c 'import json; json.load(open(\"$TMP/esc.json\"))'"
finish
