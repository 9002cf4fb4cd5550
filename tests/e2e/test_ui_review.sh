#!/bin/sh
# The dashboard as a ConfigMgr admin uses it (issue 7, second review),
# driven in tmux at 80x24 and 120x40 on demo bundles: the findings'
# evidence rows keep to one row at 80 columns; the coverage screen tells
# "not delivered" (the log was there, no receipt) from "not collected"
# (no log: tatrace cannot say) in a column of its own.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"
cd "$TMP" || exit 1
# The demo with its service connection point under a long host name.
$T demo -q demo && mv demo/SCP01 demo/SCP01-TENANTATTACH-CONTOSO &&
	$T ingest -q -d demo.db demo
ALL=$($T traces -d demo.db --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

# screen_lacks ERE: the screen (now) has no line matching.
screen_lacks() { ! tui_screen | grep -Eq -- "$1"; }

# ---- F: an evidence row is time, host and file:line, on one row at 80
tui_start 80 24 "$T" ui -d demo.db
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys F
check "80x24 findings: the first evidence row whole, time first" \
	tui_wait "^      evidence: 09-25 11:47:00\.312Z  SCP01-T…  CMGatewayNotificationWorker\.log:2$"
check "80x24 findings: the next evidence row under it, the host cut alike" \
	tui_wait "^                09-25 13:59:21\.372Z  SCP01-T…  GenericUploadWorker\.log:15$"
check "80x24 findings: no evidence row wrapped onto the next" screen_lacks "demo/SCP01|^ +2026-09-25T[0-9:.]+Z$"
tui_keys /
tui_type "11:47:00.312Z  SCP"
tui_keys Enter
check "80x24 findings: the cursor on an evidence row" tui_wait "^▶     evidence: 09-25 11:47:00\.312Z "
tui_keys Enter
check "Enter on it: that record's detail" tui_wait "^\[record\] .*CMGatewayNotificationWorker\.log:2"
tui_stop

# 120 columns: the whole date and host (Enter shows the bundle path).
$T demo -q plain && $T ingest -q -d plain.db plain
tui_start 120 40 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys F
check "120x40 findings: the evidence's date and host whole" \
	tui_wait "^      evidence: 2026-09-25T11:47:00\.312Z  SCP01  CMGatewayNotificationWorker\.log:2$"
tui_stop
tui_start 120 40 "$T" ui -d demo.db
tui_wait "trace 1 of $ALL " >/dev/null
tui_keys F
check "120x40 findings: a long host whole" \
	tui_wait "^      evidence: 2026-09-25T11:47:00\.312Z  SCP01-TENANTATTACH-CONTOSO  CMGatewayNotificationWorker\.log:2$"
tui_stop

# ---- C: the verdict in a column; not delivered vs not collected
# A not_delivered trace on the whole demo: every client log covers the
# push without a receipt (each a candidate), so the unnamed target was
# not delivered, and nothing is "not collected".
ND=$($T traces -d plain.db --format json | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin) if t["status"] == "not_delivered"))')
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys :
tui_type "$ND"
tui_keys Enter C
check "80x24 C, not_delivered: a candidate: no receipt" \
	tui_wait "^    agent     CLIENT01\?  ◌ no receipt      CcmNotificationAgent\.log$"
check "80x24 C, not_delivered: the target: not delivered" \
	tui_wait "^    agent     1 target   ◌ not delivered   every client log covers it$"
check "80x24 C, not_delivered: the legend" \
	tui_wait "^    ◌ its log covers it, no such record   \? no log: cannot say$"
check "80x24 C, not_delivered: nothing is 'not collected'" screen_lacks "\? not collected"
tui_stop

# The bundle admins send: the target's client log is missing. Its row
# says "not collected" (tatrace cannot say), the candidates' logs "no
# receipt", and no row says "not delivered".
$T demo -q --collect SCP01,MP01,CLIENT01 part && $T ingest -q -d part.db part
ME=$($T traces -d part.db --format json | python3 -c 'import json,sys; print(next(i for i, t in enumerate(json.load(sys.stdin), 1) if t["status"] == "missing_evidence" and t["push_id"] is not None and t["target_count"] == 1))')
for size in "80 24" "120 40"; do
	tui_start $size "$T" ui -d part.db
	tui_wait "trace 1 of " >/dev/null
	tui_keys :
	tui_type "$ME"
	tui_keys Enter C
	if [ "$size" = "80 24" ]; then
		check "80x24 C, a client log missing: the target not collected" \
			tui_wait "^    agent     1 target   \? not collected   in no client log here$"
		check "80x24 C: the candidate's log: no receipt" \
			tui_wait "^    agent     CLIENT01\?  ◌ no receipt      CcmNotificationAgent\.log$"
	else
		check "120x40 C, a client log missing: the target not collected" \
			tui_wait "^    agent      1 target         \? not collected      of the push's 1: in no collected client log, tatrace cannot say$"
		check "120x40 C: the candidate's log, its time" \
			tui_wait "^    agent      CLIENT01\?        ◌ no receipt         CcmNotificationAgent\.log +09-25 [0-9:]{5}Z \.\. 09-26 [0-9:]{5}Z$"
		check "120x40 C: the legend" \
			tui_wait "^    ◌ its log covers the trace, no such record   \? no log covers it: tatrace cannot say$"
	fi
	check "${size/ /x} C: no row says 'not delivered'" screen_lacks "not delivered"
	tui_stop
done

# No connector log at all: its row keeps the columns of the others.
$T demo -q --collect MP01,CLIENT01 noscp && $T ingest -q -d noscp.db noscp
tui_start 80 24 "$T" ui -d noscp.db
tui_wait "trace 1 of " >/dev/null
tui_keys C
check "80x24 C, no connector log: the row in the columns" \
	tui_wait "^    connector -          \? not collected   no connector log here$"
tui_stop
tui_start 120 40 "$T" ui -d noscp.db
tui_wait "trace 1 of " >/dev/null
tui_keys C
check "120x40 C, no connector log: the row in the columns" \
	tui_wait "^    connector  -                \? not collected      no connector log in the bundle$"
tui_stop

# A log collected twice under two names: read once, and said so under
# the table; a bundle without one has no such heading.
cp plain/CLIENT03/Windows/CCM/Logs/CcmNotificationAgent.log \
	plain/CLIENT03/Windows/CCM/Logs/CcmNotificationAgent-copy.log
$T ingest -q -d dup.db plain
tui_start 120 40 "$T" ui -d dup.db
tui_wait "trace 1 of " >/dev/null
tui_keys C G
check "C, a log twice: the heading" tui_wait "^  Read once: the same bytes as a log above, under another name$"
check "C, a log twice: which and of what" \
	tui_wait "^▶   CLIENT03   CcmNotificationAgent-copy\\.log = CcmNotificationAgent\\.log$"
tui_stop
tui_start 120 40 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys C G
tui_wait "^▶ ✓ every lane" >/dev/null
check "C, no log twice: no such heading" screen_lacks "Read once"
tui_stop

# 80 columns: "nothing to deliver" keeps its column, nothing after it.
NP=$($T traces -d plain.db --format json | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin) if t["status"] == "not_pushed"))')
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys :
tui_type "$NP"
tui_keys Enter C
check "80x24 C, not_pushed: the server's log, no push" tui_wait "^    server    MP01       ◌ no push         BgbServer\\.lo_$"
check "80x24 C, not_pushed: the clients, nothing to deliver" tui_wait "^    agent     -          · nothing to deliver$"
tui_stop

# 80 columns: no room for the bias's source, so an inferred bias (the
# connector's logs carry none: borrowed from SMS_SERVICE_CONNECTOR.log)
# is marked '*', the title says so; ".log" goes, ".lo_" stays.
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys C G
check "80x24 C: a borrowed bias marked" \
	tui_wait "^  SCP01      connector CMGatewayNotif… 09-25 [0-9:]{5} 09-26 [0-9:]{5} \\+240\\* +[0-9]+ +[0-9]+$"
check "80x24 C: a bias read from the log not marked" \
	tui_wait "^  SCP01      other     SMS_SERVICE_CO… 09-25 [0-9:]{5} 09-26 [0-9:]{5} \\+240  +[0-9]+ +[0-9]+$"
check "80x24 C: the rotated log and the live one apart" \
	tui_wait "^  MP01       server    BgbServer\\.lo_   09-25 "
check "80x24 C: the title says what * means" tui_wait "^\\[coverage\\] [0-9]+ logs; bias: UTC = local \\+ bias \\(minutes\\), \\* inferred"
tui_stop
tui_start 120 40 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys C
check "120x40 C: the source in its column instead" \
	tui_wait "^  SCP01      connector CMGatewayNotificationWo… [0-9TZ:-]+ [0-9TZ:-]+  \\+240  host "
check "120x40 C: no * in the title" tui_wait "^\\[coverage\\] [0-9]+ logs; bias: UTC = local \\+ bias \\(minutes\\) +[0-9]+%$"
tui_stop

# ---- the list's Status column: every word whole where there is room
$T demo -q --collect SCP01,MP01,CLIENT01 wide && $T ingest -q -d wide.db wide
tui_start 120 40 "$T" ui -d wide.db
tui_wait "trace 1 of " >/dev/null
check "120x40 list: missing_evidence whole" \
	tui_wait "^ ▸ +2 [0-9:.]+ \\? missing_evidence RequestUserPolicy "
tui_stop
tui_start 80 24 "$T" ui -d wide.db
tui_wait "trace 1 of " >/dev/null
check "80x24 list: Status keeps its 16 cells, Action its 12" \
	tui_wait "^ ▸ +2 [0-9:.]+ \\? missing_evide… RequestUser… +0/1 "
tui_stop

# ---- the preview says the next step once, on its own row
tui_start 120 40 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
check "preview: the summary without its 'Next:' tail" \
	tui_wait "^  SCP01 forwarded RequestMachinePolicy; no notification server started a push\.$"
check "preview: the next step on its row" \
	tui_wait "^  next: check SMS_NOTIFICATION_SERVER on the management point: BgbServer\.log and the component's status$"
check "preview: 'Next:' not said twice" screen_lacks "Next: "
tui_stop

# ---- the record detail: file:line is one word, so a wrap cannot split it
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys Enter
tui_wait "^\[timeline\]" >/dev/null
tui_keys Enter
check "80x24 record: the source's file:line whole" \
	tui_wait "^    Source    SCP01  plain/SCP01/Logs/CMGatewayNotificationWorker\.log:[0-9]+$"
check "80x24 record: no line number alone at a row's start" screen_lacks "^ +[0-9]+  \(record "
tui_stop

# ---- the timeline's readout: file:line before the times, so 80
# columns cut the times (the events pane has them), not the line number
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys Enter
check "80x24 timeline readout: file:line whole" \
	tui_wait "│ forwarded · SCP01 · CMGatewayNotificationWorker\\.log:16 · \\+…▲$"
tui_stop

: jump to a time that is not one says so, not "no trace"
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
tui_keys :
tui_type "25:99"
tui_keys Enter
check ": 25:99 is not a time" tui_wait "^'25:99' is not a UTC time \\(19:35, 19:35:02, 2026-09-25T19:35\\)$"
tui_keys :
tui_type "19:35"
tui_keys Enter
check ": 19:35 still jumps" tui_wait_gone "is not a UTC time"
check ": 19:35, no message" screen_lacks "no trace '19:35'"
tui_keys :
tui_type "99999"
tui_keys Enter
check ": a number no trace has: no trace" tui_wait "^no trace '99999' under the current filters"
tui_stop

# ---- the hint bar: what an admin reaches for first, then the rest
tui_start 80 24 "$T" ui -d plain.db
tui_wait "trace 1 of " >/dev/null
check "80x24 list hints: open, filter, status, findings, coverage, log, help" \
	tui_wait "^Enter open / filter s status-cycle F findings C coverage L log \\? help q back$"
tui_keys Enter
tui_wait "^\\[timeline\\]" >/dev/null
check "80x24 timeline hints: the record, filter, next problem first" \
	tui_wait "^Enter event-record / filter \\] flag-next L log \\? help q back "
tui_keys q F
check "80x24 findings hints: Enter first" tui_wait "^Enter finding-traces / filter \\? help q back "
tui_stop

echo "1..$n"
[ "$fails" -eq 0 ]
