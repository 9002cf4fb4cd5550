#!/bin/sh
# Verdicts on the bundles admins really send: a partial collection is judged
# by what it proves (demo --collect writes the truth for that collection),
# a client whose log is missing is never called undelivered, and every trace
# lists its targets and candidates and says what to do next.
. "$(dirname "$0")/lib.sh"

# jcheck DESCRIPTION EXPR COMMAND...: the command's JSON makes EXPR true.
jcheck() {
	desc=$1
	expr=$2
	shift 2
	if "$@" 2>"$TMP/.jerr" | pyjson "$expr"; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$TMP/.jerr" | head -5
	fi
}

# compare DIR DB: every GUID's status and the counts match expected.json.
compare() {
	python3 - "$1/expected.json" "$2" <<'PY'
import collections, json, subprocess, sys, os
want = json.load(open(sys.argv[1]))
got = json.loads(subprocess.check_output([os.environ["TATRACE"], "traces", "-d", sys.argv[2], "--format", "json"]))
by_guid = {t["guid"]: t for t in got if t["guid"]}
wrong = [(w["guid"], w["truth"], w["status"], by_guid.get(w["guid"], {}).get("status"))
         for w in want["traces"] if w["guid"] and by_guid.get(w["guid"], {}).get("status") != w["status"]]
counts = collections.Counter(t["status"] for t in got)
wc = {k: v for k, v in want["status_counts"].items() if v}
if wrong or dict(counts) != wc:
    print("wrong:", wrong[:5], "counts", dict(counts), "want", wc)
    sys.exit(1)
PY
}

for collect in SCP01,MP01,CLIENT01 MP01,CLIENT03,CLIENT05 SCP01,MP01 SCP01,CLIENT02 CLIENT04; do
	d="$TMP/c-$collect"
	$T demo -q --clients 6 --actions 150 --seed 11 --collect "$collect" "$d"
	$T ingest -q -d "$d.db" "$d"
	check "partial bundle $collect: statuses match what it proves" compare "$d" "$d.db"
done

d="$TMP/c-SCP01,MP01,CLIENT01"
db="$d.db"
check "demo --collect writes only those hosts" sh -c "ls '$d' | tr '\n' ' ' | grep -qx 'CLIENT01 MP01 SCP01 expected.json '"
jcheck "expected.json names the collection" 'd["collected"] == ["SCP01","MP01","CLIENT01"]' cat "$d/expected.json"
expect_status 2 "demo --collect refuses an unknown host" $T demo -q --collect SCP01,PC99 "$TMP/nohost"

# Nothing is called undelivered because its client was not collected.
jcheck "no not_delivered without the server's failure count" 'all(t["bts"] and t["bts"]["failed"] > 0 and t["bts"]["reported"] == 0 for t in d)' $T traces -d "$db" --status not_delivered --format json
jcheck "the server's report is evidence in the summary" 'any("counts 1 answered, 0 failed" in t["summary"] for t in d)' $T traces -d "$db" --status missing_evidence --format json
jcheck "candidates are inferred and marked" 'd and all(g["inferred"] and g["host"] == "CLIENT01" for t in d for g in t["targets"]) and all("CLIENT01?" in t["summary"] for t in d)' $T traces -d "$db" --status not_delivered --format json
jcheck "targets carry times and return codes" 'd and all(g["received_utc"] and g["response_utc"] and g["return_code"] == 1 and not g["inferred"] for t in d for g in t["targets"])' $T traces -d "$db" --status complete --format json
jcheck "every summary ends with what to do next" 'all(". Next: " in t["summary"] and t["next_step"] and t["summary"].endswith(t["next_step"] + ".") for t in d)' $T traces -d "$db" --format json
jcheck "traces --host finds candidates (any case)" 'len(d) > 0' $T traces -d "$db" --host client01 --status not_delivered --format json
check "show lists targets and candidates" sh -c "$T show -d '$db' \$($T traces -d '$db' --status not_delivered --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"id\"])') | grep -q '^Targets   CLIENT01?.*candidate'"

# --status takes lists and not_complete; --action the admin center's words.
full="$TMP/full"
$T demo -q --clients 6 --actions 150 --seed 11 "$full"
$T ingest -q -d "$full.db" "$full"
n_all=$($T traces -d "$full.db" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_complete=$($T traces -d "$full.db" --status complete --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_not=$($T traces -d "$full.db" --status not_complete --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "--status not_complete is everything but complete" test "$n_not" -eq $((n_all - n_complete))
jcheck "--status takes a comma list" 'd and {t["status"] for t in d} == {"failed", "partial"}' $T traces -d "$full.db" --status failed,partial --format json
jcheck "--status repeats" '{t["status"] for t in d} == {"failed", "partial"}' $T traces -d "$full.db" --status failed --status partial --format json
expect_status 2 "--status refuses an unknown name" $T traces -d "$full.db" --status deliverd
jcheck "--action 'Sync Machine Policy'" 'd and all(t["action"] == "RequestMachinePolicy" for t in d)' $T traces -d "$full.db" --action "sync machine policy" --format json
jcheck "--action 'Sync User Policy'" 'd and all(t["action"] == "RequestUserPolicy" for t in d)' $T traces -d "$full.db" --action "Sync User Policy" --format json
jcheck "--action by number" 'd and all(t["action"] == "RequestMachinePolicy" for t in d)' $T traces -d "$full.db" --action 1 --format json

# Findings cite where a trace stopped, not the server's report after it.
jcheck "no_response findings cite the client's receipt" 'd and all("CcmNotificationAgent" in e["file"] for e in d[0]["evidence"])' $T findings -d "$full.db" --kind no_response --format json
jcheck "not_delivered findings cite the server's report" 'd and all("BgbServer" in e["file"] for e in d[0]["evidence"])' $T findings -d "$full.db" --kind not_delivered --format json
expect_status 2 "traces: a missing value is named" $T traces -d "$full.db" --status
contains "$TMP/.err" "--status needs a value" && ok "traces: the message says which option" || not_ok "traces: the message says which option"
jcheck "traces --grep -i ignores case" 'len(d) > 0' $T traces -d "$full.db" --grep requestmachinepolicy -i --format json
jcheck "traces --grep without -i keeps case" 'len(d) == 0' $T traces -d "$full.db" --grep requestmachinepolicy --format json

# The man page lists every status with the same meaning as --help: both
# come from one table (db/trace_status.h).
man="$(dirname "$0")/../../man/tatrace.1"
$T traces --help > "$TMP/help"
check "man page and --help agree on every status" python3 - "$TMP/help" "$man" <<'PY'
import re, sys
help_text, man = open(sys.argv[1]).read(), open(sys.argv[2]).read()
block = help_text.split("did not pass:\n")[1].split("\n\n")[0]
items = [re.match(r"  (\S+)\s+(.*)", l).groups() for l in block.splitlines()]
flat = " ".join(man.replace("\\", "").split())
missing = [n for n, meaning in items if n != "not_complete" and f".It Cm {n} {' '.join(meaning.split())}" not in flat]
if len(items) < 11 or missing:
    print("missing or different in the man page:", missing)
    sys.exit(1)
PY
finish
