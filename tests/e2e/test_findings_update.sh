#!/bin/sh
# test_findings_update.sh - the findings update reruns only the rules a
# change reaches. A finding's stored title is marked; an append that
# reaches no rule of its kind keeps the mark (nothing recomputed it), one
# that reaches it (a new trace) brings the true title back, and so does
# any append once the stamp says the stored findings are behind the
# store. After all of it the findings equal those of one fresh ingest.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$TMP" || exit 1
$T demo -q --seed 5 --clients 4 --actions 40 b
$T ingest -q -d a.db b 2>/dev/null
L=b/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log

# mark: the stored 'failed' finding's title, marked.
mark() { sqlite3 a.db "UPDATE findings SET title = 'MARK' WHERE kind = 'failed'"; }
marked() { [ "$(sqlite3 a.db "SELECT count(*) FROM findings WHERE title = 'MARK'")" = 1 ]; }
title_back() {
	[ "$(sqlite3 a.db "SELECT count(*) FROM findings WHERE title = 'MARK'")" = 0 ] &&
	[ "$(sqlite3 a.db "SELECT count(*) FROM findings WHERE kind = 'failed'")" = 1 ]
}

check "the demo has a failed finding to mark" sh -c "sqlite3 a.db \"SELECT 1 FROM findings WHERE kind = 'failed'\" | grep -q 1"
mark
python3 "$here/append_ccm.py" "$L" 50
$T ingest -q -d a.db b 2>/dev/null
check "records without events: the trace findings are kept, not recomputed" marked

python3 "$here/append_ccm.py" "$L" 50 push
$T ingest -q -d a.db b 2>/dev/null
check "a new trace reruns the trace rules" title_back

mark
sqlite3 a.db "UPDATE meta SET value = 'behind' WHERE key = 'findings_stamp'"
python3 "$here/append_ccm.py" "$L" 50
$T ingest -q -d a.db b 2>/dev/null
check "findings behind the store (stamp): a full rebuild" title_back

mark
sqlite3 a.db "DELETE FROM meta WHERE key = 'findings_stamp'"
python3 "$here/append_ccm.py" "$L" 50
$T ingest -q -d a.db b 2>/dev/null
check "no stamp (an older store): a full rebuild" title_back

# A store whose findings are not numbered 1..n (one deleted): not
# written by an update, so they are all computed again.
sqlite3 a.db "DELETE FROM findings WHERE id = 1"
python3 "$here/append_ccm.py" "$L" 50
$T ingest -q -d a.db b 2>/dev/null
check "findings numbered with a gap: all computed again, numbered 1..n" sh -c '[ "$(sqlite3 a.db "SELECT count(*) = max(id) FROM findings")" = 1 ] &&
	[ "$(sqlite3 a.db "SELECT count(*) FROM findings WHERE id = 1")" = 1 ] &&
	[ "$(sqlite3 a.db "SELECT count(*) FROM finding_traces WHERE finding_id NOT IN (SELECT id FROM findings)")" = 0 ]'

# Several more appends, with and without events, then one fresh ingest.
for i in 1 2 3 4; do
	python3 "$here/append_ccm.py" "$L" $((i * 30)) $([ $((i % 2)) = 0 ] && echo push)
	python3 "$here/append_ccm.py" b/CLIENT02/Windows/CCM/Logs/CcmNotificationAgent.log 20
	$T ingest -q -d a.db b 2>/dev/null
done
$T findings -d a.db --format json >inc.json
$T ingest -q -d fresh.db b 2>/dev/null
$T findings -d fresh.db --format json >fresh.json
check "after the updates: the findings of a fresh ingest" cmp inc.json fresh.json
check "the updates raised a finding about the new traces" grep -q no_response inc.json

finish
