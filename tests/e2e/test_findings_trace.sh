#!/bin/sh
# test_findings_trace.sh - every trace rule is reached by an update that
# rewrites a few traces. Each step appends client lines that move an
# existing trace (or add one) into or out of a rule's finding, checks that
# the finding moved the way the step means, and that all findings equal
# those of a fresh ingest of the same bundle: a rule the update skipped,
# or one whose stored finding took the changed traces in wrongly, keeps a
# count, a trace list or a time that the fresh ingest does not have.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$TMP" || exit 1
$T demo -q --seed 5 --clients 4 --actions 40 b
$T ingest -q -d a.db b 2>/dev/null
C1=b/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log
C2=b/CLIENT02/Windows/CCM/Logs/CcmNotificationAgent.log
C4=b/CLIENT04/Windows/CCM/Logs/CcmNotificationAgent.log

receipt() { echo "Receive task from server with pushid=$2, taskid=$3, taskguid=$1, tasktype=1 and taskParam="; }
response() { echo "Send Task response message <BgbResponseMessage TimeStamp=\"2026-09-26T12:00:00Z\"><PushID>$1</PushID><TaskID>$2</TaskID><ReturnCode>$3</ReturnCode></BgbResponseMessage> successfully."; }
# count KIND: the stored count of the finding of that kind (0: none).
count() { sqlite3 a.db "SELECT coalesce(sum(count), 0) FROM findings WHERE kind = '$1' AND id IN (SELECT finding_id FROM finding_traces)"; }
# A trace of the demo by its status and rank, as "guid push task".
trace_of() { sqlite3 -separator ' ' a.db "SELECT guid, push_id, task_id FROM traces WHERE status = '$1' ORDER BY id LIMIT 1 OFFSET $2"; }
update() {
	$T ingest -d a.db b 2>up.err >/dev/null
	grep -q 'updated)' up.err	# the traces were updated, not rebuilt
}
same_as_fresh() {
	rm -f fresh.db
	$T ingest -q -d fresh.db b 2>/dev/null &&
	$T findings -d a.db --format json >inc.json &&
	$T findings -d fresh.db --format json >fresh.json &&
	cmp inc.json fresh.json
}

nd=$(count not_delivered) failed=$(count failed) noresp=$(count no_response)
check "the demo has two not_delivered traces" [ "$nd" = 2 ]

# 1. A not_delivered trace's receipt, hours late, and an error answer:
# not_delivered loses it, failed gains it, its push_to_receive hop is slow.
set -- $(trace_of not_delivered 1)
python3 "$here/append_ccm.py" "$C1" --at last "$(receipt "$1" "$2" "$3")" "$(response "$2" "$3" 0)"
check "a late receipt with an error answer: an update" update
check "not_delivered lost the trace" [ "$(count not_delivered)" = $((nd - 1)) ]
check "failed gained it" [ "$(count failed)" = $((failed + 1)) ]
check "slow_hop names it" [ "$(count slow_hop)" = 1 ]
check "after a trace left not_delivered for failed: the findings of a fresh ingest" same_as_fresh

# 2. The other not_delivered trace received, never answered: its finding
# goes (no trace left); the trace moves on (the server's BTS report counts
# its client failed, so failed gains it).
set -- $(trace_of not_delivered 0)
python3 "$here/append_ccm.py" "$C2" --at last "$(receipt "$1" "$2" "$3")"
check "a receipt without an answer: an update" update
check "not_delivered has no trace left: no finding" [ "$(count not_delivered)" = 0 ]
check "failed gained it" [ "$(count failed)" = $((failed + 2)) ]
check "no_response kept its traces" [ "$(count no_response)" = "$noresp" ]
check "after not_delivered emptied: the findings of a fresh ingest" same_as_fresh

# 3. A new action's receipt and a response that matches nothing: a new
# trace, which no other log covers (evidence_gap), with an unmatched
# response.
unmatched=$(count unmatched_response) gap=$(count evidence_gap)
python3 "$here/append_ccm.py" "$C1" --at last \
	"$(receipt 0A5E0A5E-0000-4000-8000-00000000AB01 990001 990002)" \
	"$(response 990001 990002 1)" "$(response 990007 990008 1)"
check "a new trace with an unmatched response: an update" update
check "unmatched_response gained it" [ "$(count unmatched_response)" = $((unmatched + 1)) ]
check "evidence_gap gained it" [ "$(count evidence_gap)" = $((gap + 1)) ]
check "after a new uncovered trace: the findings of a fresh ingest" same_as_fresh

# 4. Records without events after all of it: nothing moves.
python3 "$here/append_ccm.py" "$C2" 20
$T ingest -q -d a.db b 2>/dev/null
check "keep-alives after the updates: the findings of a fresh ingest" same_as_fresh

finish
