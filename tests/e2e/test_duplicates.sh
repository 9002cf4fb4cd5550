#!/bin/sh
# The same evidence twice: a folder and its .zip, a copy collected earlier
# (a prefix) or later (grown) are stored once; files shows the duplicates
# with duplicate_of, and the traces are those of one ingest.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
$T demo -q demo
zip -qr demo.zip demo
mkdir -p early/MP01/SMS_CCM/Logs
# A copy of BgbServer.log collected earlier: its first 700 lines (> 64 KiB).
head -n 700 demo/MP01/SMS_CCM/Logs/BgbServer.log > early/MP01/SMS_CCM/Logs/BgbServer.log

traces() { $T traces -d "$1" --format json; }
# files_ok DB EXPR: EXPR (python, d = the files JSON) holds.
files_ok() { $T files -d "$1" --format json | pyjson "$2"; }

$T ingest -q -d once.db demo
traces once.db > once.json

$T ingest -q -d fz.db demo
$T ingest -d fz.db demo.zip 2> fz.err
traces fz.db > fz.json
check "folder then zip: traces identical to one ingest" cmp once.json fz.json
check "folder then zip: summary counts 22 duplicates" contains fz.err "22 duplicate"
check "folder then zip: every zip entry is a duplicate of the folder's file" files_ok fz.db '
    all((f["duplicate_of"] is not None) == f["path"].startswith("demo.zip/") for f in d) and
    all(f["records"] == 0 for f in d if f["duplicate_of"]) and
    all({g["id"]: g for g in d}[f["duplicate_of"]]["path"] == f["path"][len("demo.zip/"):]
        for f in d if f["duplicate_of"])'
check "records stored once" test "$($T stats -d fz.db --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')" = \
	"$($T stats -d once.db --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')"
check "findings: duplicate_evidence names every duplicate" sh -c "$T findings -d fz.db --kind duplicate_evidence --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d) == 1 and d[0][\"count\"] == 22 and d[0][\"severity\"] == \"info\" else 1)'"
check "findings: one ingest has no duplicate_evidence" sh -c "test \"\$($T findings -d once.db --kind duplicate_evidence --format json)\" = '[]'"
check "findings otherwise identical to one ingest" sh -c "$T findings -d fz.db --format json | python3 -c 'import json,sys; print(json.dumps([f for f in json.load(sys.stdin) if f[\"kind\"] != \"duplicate_evidence\"]))' > fz.findings && $T findings -d once.db --format json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))' > once.findings && cmp once.findings fz.findings"
$T files -d fz.db > fz.table
check "files table has a DUPOF column" contains fz.table "DUPOF"

$T ingest -d fz.db demo.zip 2> again.err
$T ingest -d fz.db demo 2>> again.err
check "re-ingest of both stays idempotent" contains again.err "0 new, 0 grown, 0 replaced, 22 unchanged, 0 duplicate"
traces fz.db > again.json
check "re-ingest keeps the traces" cmp once.json again.json

$T ingest -q -d zf.db demo.zip
$T ingest -q -d zf.db demo
traces zf.db > zf.json
check "zip then folder: traces identical to one ingest" cmp once.json zf.json
check "zip then folder: the folder's files are the duplicates" files_ok zf.db '
    all((f["duplicate_of"] is not None) == f["path"].startswith("demo/") for f in d)'

# A copy collected earlier is a prefix of the stored file: a duplicate.
$T ingest -q -d late.db demo
$T ingest -q -d late.db early
traces late.db > late.json
check "earlier (shorter) copy after the full one: traces unchanged" cmp once.json late.json
check "earlier copy is a duplicate of the longer file" files_ok late.db '
    [f["duplicate_of"] for f in d if f["path"].startswith("early/")] ==
    [f["id"] for f in d if f["path"] == "demo/MP01/SMS_CCM/Logs/BgbServer.log"]'

# The reverse: the earlier copy first, then the grown one supersedes it.
$T ingest -q -d grow.db early
$T ingest -q -d grow.db demo
traces grow.db > grow.json
check "grown copy after the earlier one: traces identical to one ingest" cmp once.json grow.json
check "the earlier copy becomes a duplicate of the grown one, without records" files_ok grow.db '
    [(f["duplicate_of"], f["records"]) for f in d if f["path"].startswith("early/")] ==
    [(f["id"], 0) for f in d if f["path"] == "demo/MP01/SMS_CCM/Logs/BgbServer.log"]'
$T ingest -d grow.db early demo 2> grow.err
check "re-ingest after a supersede stays idempotent" contains grow.err "23 unchanged"

# Not duplicates: the same content under another host, another log, an
# empty file, a file that differs in its last line.
mkdir -p other/CLIENT99/Logs other/CLIENT01/Logs
cp demo/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log other/CLIENT99/Logs/
cp demo/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log other/CLIENT01/Logs/CcmExec.log
: > other/CLIENT01/Logs/CcmNotificationAgent.log
mkdir -p other2/CLIENT01/Logs
sed '$ s/BgbAgent/BgbAgenX/' demo/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log > other2/CLIENT01/Logs/CcmNotificationAgent.log
$T ingest -q -d not.db demo
$T ingest -d not.db other other2 2> not.err
check "other host, other log, empty or changed file: no duplicates" files_ok not.db '
    all(f["duplicate_of"] is None for f in d)'
check "they are stored as new files" contains not.err "0 duplicate"
# The same log under another file name (a copy saved as "(1)") is still
# the agent's log of that host: a duplicate, not a second client log.
mkdir renamed
cp demo/CLIENT02/Windows/CCM/Logs/CcmNotificationAgent.log "renamed/CcmNotificationAgent (1).log"
$T ingest -d once.db --host CLIENT02 "renamed/CcmNotificationAgent (1).log" 2> renamed.err
check "a renamed copy of a client log is its duplicate" contains renamed.err "1 duplicate"
traces once.db > renamed.json
check "a renamed copy changes no trace" cmp once.json renamed.json

# A copy whose name sorts before the log's own (CcmNotificationAgent-copy.log
# is read before CcmNotificationAgent.log): the log's own name is stored,
# the copy is its duplicate, in either order, and coverage and evidence
# cite the real log; traces and findings are those of one ingest.
A=demo/CLIENT01/Windows/CCM/Logs
mkdir -p copyonly/CLIENT01/Logs
cp $A/CcmNotificationAgent.log copyonly/CLIENT01/Logs/CcmNotificationAgent-copy.log
$T ingest -q -d later.db copyonly
$T ingest -q -d later.db demo
check "the real log read after its copy: traces identical to one ingest" sh -c "$T traces -d later.db --format json | cmp - once.json"
check "... the copy becomes its duplicate, without records" files_ok later.db '
    [(f["duplicate_of"], f["records"]) for f in d if f["path"].startswith("copyonly/")] ==
    [(f["id"], 0) for f in d if f["path"] == "demo/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log"]'
cp $A/CcmNotificationAgent.log $A/CcmNotificationAgent-copy.log
$T ingest -q -d copy.db demo
$T traces -d copy.db --format json > copy.json
check "a -copy.log beside the real log: traces identical to one ingest" cmp once.json copy.json
check "... the real log is stored, the copy is its duplicate" files_ok copy.db '
    [f["duplicate_of"] for f in d if f["path"].endswith("-copy.log")] ==
    [f["id"] for f in d if f["path"] == "demo/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log"
     and f["duplicate_of"] is None and f["records"] > 0]'
check "... coverage cites the real log, not the copy" sh -c "$T coverage -d copy.db --format json | grep -q 'CcmNotificationAgent.log' && ! $T coverage -d copy.db --format json | grep -q -- '-copy.log'"
check "... findings' evidence cites no copy" sh -c "! $T findings -d copy.db --format json | python3 -c 'import json,sys; print(json.dumps([f for f in json.load(sys.stdin) if f[\"kind\"] != \"duplicate_evidence\"]))' | grep -q -- '-copy.log'"
check "... findings otherwise identical to one ingest" sh -c "$T findings -d copy.db --format json | python3 -c 'import json,sys; print(json.dumps([f for f in json.load(sys.stdin) if f[\"kind\"] != \"duplicate_evidence\"]))' | cmp - once.findings"
$T ingest -d copy.db demo 2> copy.err
check "... re-ingest stays idempotent" contains copy.err "0 new, 0 grown, 0 replaced, 23 unchanged, 0 duplicate"
finish
