#!/bin/sh
# Input and options as people type them: pipes (-), --role and the role
# from content, a single .log.gz, names that are not UTF-8, the options
# every command shares, "did you mean", and cut table cells.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
$T demo -q demo
MP=demo/MP01/SMS_CCM/Logs
CL=demo/CLIENT01/Windows/CCM/Logs

# strictjson FILE EXPR: FILE is strict UTF-8 JSON and EXPR holds on it.
strictjson() {
	python3 -c "import json,sys; d=json.loads(open(sys.argv[1],'rb').read().decode('utf-8')); sys.exit(0 if ($2) else 1)" "$1"
}

# ---- pipes and roles
cat $MP/BgbServer.log | $T ingest -q -d p.db --host MP01 -
cat $CL/CcmNotificationAgent.log | $T ingest -q -d p.db --host CLIENT01 -
cat demo/CLIENT02/Windows/CCM/Logs/CcmNotificationAgent.log | $T ingest -q -d p.db --host CLIENT02 -
cat $CL/CcmMessaging.log | $T ingest -q -d p.db --host CLIENT01 -
$T files -d p.db --format json > p.json
check "- reads standard input" strictjson p.json 'len(d) == 4 and all(f["path"] == "stdin" for f in d)'
check "the role comes from the content: server, agent" strictjson p.json \
	'sorted((f["host"], f["role"]) for f in d) == [("CLIENT01","agent"),("CLIENT01","other"),("CLIENT02","agent"),("MP01","server")]'
check "a piped log of another host does not replace the first" strictjson p.json \
	'sorted(f["host"] for f in d if f["role"] == "agent") == ["CLIENT01","CLIENT02"]'
check "a piped log is named after its role's log" strictjson p.json \
	'sorted(f["log"] for f in d) == ["BgbServer","CcmNotificationAgent","CcmNotificationAgent","stdin"]'
# Two pieces of one log piped for one host: both kept; the same piece
# again is recognised, not stored twice.
cat $MP/BgbServer.lo_ | $T ingest -q -d p.db --host MP01 -
cat $MP/BgbServer.lo_ | $T ingest -d p.db --host MP01 - 2> again.err
$T files -d p.db --format json > p2.json
check "a second piece of one log piped for one host is kept beside the first" strictjson p2.json \
	'len([f for f in d if f["host"] == "MP01" and f["duplicate_of"] is None]) == 2'
check "the same piece piped again is unchanged" contains again.err "1 unchanged"
gzip -c $MP/BgbServer.log | $T ingest -q -d gz.db --host MP01 - 2> gz.err
check "a gzip stream on a pipe is refused, not stored as text" sh -c "grep -q 'gzip-compressed input on a pipe' gz.err && test \"\$($T stats -d gz.db --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"records\"])' 2>/dev/null || echo 0)\" = 0"
$T traces -d p.db --format json > pt.json
check "piped logs make events and traces" pyjson 'len(d) > 0 and any(t["status"] == "complete" for t in d)' < pt.json
cat $MP/BgbServer.log | $T ingest -d p.db --host mp01 - 2> again.err
check "piping the same log again changes nothing" contains again.err "1 unchanged"
$T ingest -q -d redir.db - < $MP/BgbServer.log
check "- < file is that file" sh -c "$T files -d redir.db --format json | python3 -c 'import json,sys; f=json.load(sys.stdin)[0]; sys.exit(0 if (f[\"name\"], f[\"role\"], f[\"path\"])==(\"BgbServer.log\", \"server\", \"Logs/BgbServer.log\") else 1)'"
printf 'hello\nworld\n' | $T ingest -q -d r.db --host PC9 --role agent -
check "--role sets a pipe's role" sh -c "$T files -d r.db --format json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[0][\"role\"]==\"agent\" else 1)'"
$T ingest -q -d r2.db --role server demo/CLIENT01 2> role.err
check "--role with a folder: a note, and names decide" sh -c "grep -q 'applies to single files and pipes' role.err && $T files -d r2.db --format json | python3 -c 'import json,sys; sys.exit(0 if \"server\" not in [f[\"role\"] for f in json.load(sys.stdin)] else 1)'"
expect_status 2 "--role refuses an unknown role" $T ingest -d r.db --role client -
check "... and names the roles" contains "$TMP/.err" "connector, server, agent, upload or other"

# ---- a single gzip-compressed log
mkdir -p gz/MP01 && gzip -c $MP/BgbServer.log > gz/MP01/BgbServer.log.gz
expect_status 0 "a .log.gz is ingested" $T ingest -q -d gz.db gz/MP01/BgbServer.log.gz
$T ingest -q -d plain.db $MP/BgbServer.log
records() { $T stats -d "$1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])'; }
check "... with the records of the plain file" test "$(records gz.db)" = "$(records plain.db)"
$T files -d gz.db --format json > gz.json
check "... as BgbServer.log of MP01, role server" strictjson gz.json \
	'[(f["host"], f["name"], f["role"]) for f in d] == [("MP01","BgbServer.log","server")]'
$T ingest -d gz.db gz/MP01/BgbServer.log.gz 2> gz.err
check "re-ingest of the .log.gz: unchanged" contains gz.err "1 unchanged"

# ---- archives: only gzip is a filter (no external programs)
mkdir -p bz/MP01 && cp $MP/BgbServer.log bz/MP01/
tar cjf bz2.tar.gz bz
expect_status 1 "a bzip2 archive named .tar.gz is refused" $T ingest -q -d bz.db bz2.tar.gz
tar czf real.tar.gz bz
expect_status 0 "a gzip .tar.gz is read" $T ingest -q -d bz.db real.tar.gz

# ---- names that are not UTF-8, and controls in text, make valid JSON
mkdir -p "$(printf 'odd/HOST\351')/Logs"
printf 'plain line \342\200\256evil \302\205 end\n' > "$(printf 'odd/HOST\351')/Logs/x.log"
# A zip entry named in Latin-1 without the UTF-8 flag (patched in: Python
# writes UTF-8), and one in UTF-8 with the flag.
python3 - <<'PY'
import zipfile
with zipfile.ZipFile("odd.zip", "w") as z:
    z.writestr(zipfile.ZipInfo("CASE/PCX/Logs/y.log"), "another line\n")
    z.writestr(zipfile.ZipInfo("CASE/PC\u0100/Logs/z.log"), "utf-8 named\n")
b = open("odd.zip", "rb").read().replace(b"PCX", b"PC\xe9")
open("odd.zip", "wb").write(b)
PY
$T ingest -q -d odd.db odd odd.zip
$T files -d odd.db --format json > odd.json
$T log -d odd.db --format json > oddlog.json
check "files JSON with a Latin-1 folder name is valid UTF-8 JSON" strictjson odd.json \
	'sorted(f["host"] for f in d) == ["HOST\u00e9", "PC\u00e9", "PC\u0100"]'
check "log JSON with non-UTF-8 names is valid UTF-8 JSON" strictjson oddlog.json 'len(d) == 3'
check "bidi and C1 controls are escaped in JSON" grep -q 'evil \\u0085' oddlog.json
check "U+202E is escaped in JSON" grep -q '\\u202eevil' oddlog.json
LC_ALL=C.UTF-8 $T log -d odd.db > oddlog.txt
check "bidi controls are escaped on terminals too" grep -q '\\u202eevil' oddlog.txt

# ---- options that behave alike everywhere
$T ingest -q -d d.db demo
n_mp=$($T log -d d.db --host MP01 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "log --host is case-insensitive" test "$($T log -d d.db --host mp01 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$n_mp"
check "files --host is case-insensitive" sh -c "$T files -d d.db --host mp01 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d)==2 and all(f[\"host\"]==\"MP01\" for f in d) else 1)'"
$T log -d d.db --severity error --format json > err.json
check "log --severity error: only errors" pyjson 'len(d) > 0 and all(r["severity"] == "error" for r in d)' < err.json
$T log -d d.db --severity WARNING --format json > warn.json
check "log --severity warning: warnings and errors" pyjson 'set(r["severity"] for r in d) == {"warning","error"}' < warn.json
expect_status 2 "log --severity refuses a typo" $T log -d d.db --severity fatal
n_grep=$($T log -d d.db --grep 'Push task' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_i=$($T log -d d.db --grep 'PUSH TASK' -i --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_cs=$($T log -d d.db --grep 'PUSH TASK' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "--grep -i ignores case" test "$n_i" -gt 0 -a "$n_i" -ge "$n_grep" -a "$n_cs" -eq 0
n_long=$($T log -d d.db --ignore-case --grep 'push TASK' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "--ignore-case is the long name" test "$n_long" = "$n_i"
count() { $T log -d d.db "$@" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
day=$(count --since 2026-09-25 --until 2026-09-25)
full=$(count --since 2026-09-25T00:00:00Z --until 2026-09-25T23:59:59.999999Z)
check "--since/--until with a bare date mean the whole day" test "$day" = "$full" -a "$day" -gt 0
midnight=$(count --since 2026-09-25 --until 2026-09-25T00:00:00Z)
check "... not just its first instant" test "$midnight" -lt "$day"
check "traces --until takes a bare date too" sh -c "test \"\$($T traces -d d.db --until 2026-09-25 --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" -gt 0"

expect_status 2 "log --host without a value" $T log -d d.db --host
check "... says so in one line" sh -c "test \"\$(head -1 '$TMP/.err')\" = 'tatrace log: --host needs a value'"
expect_status 2 "ingest --tz without a value" $T ingest -d d.db --tz
check "... says so" contains "$TMP/.err" "tatrace ingest: --tz needs a value"
expect_status 2 "files -d without a value" $T files -d
check "... says so" contains "$TMP/.err" "tatrace files: -d needs a value"
expect_status 2 "an unknown option is named" $T log -d d.db --hots MP01
check "... by what was typed" contains "$TMP/.err" "unknown option '--hots'"
check "... without getopt's own message" sh -c "test \$(wc -l < '$TMP/.err') -eq 2"

expect_status 2 "a mistyped command" $T tarces
check "... gets did you mean" contains "$TMP/.err" "did you mean 'traces'?"
expect_status 2 "a command far from any" $T frobnicate
check "... gets the command list, no guess" not_contains "$TMP/.err" "did you mean"

# ---- cut table cells end with an ellipsis
mkdir -p long/AVERYLONGHOSTNAMEOFTHIRTYCHARSX/Logs
cp $CL/CcmMessaging.log long/AVERYLONGHOSTNAMEOFTHIRTYCHARSX/Logs/
$T ingest -q -d long.db long
LC_ALL=C.UTF-8 $T files -d long.db > long.utf8
LC_ALL=C $T files -d long.db > long.c
check "a cut host ends with … in a UTF-8 locale" grep -q 'AVERYLONGHOSTNAMEOF…' long.utf8
check "... and with ... otherwise" grep -q 'AVERYLONGHOSTNAME\.\.\.' long.c
check "a value that fits is not cut" sh -c "LC_ALL=C.UTF-8 $T files -d d.db | grep -q 'CLIENT01  '"
finish
