#!/bin/sh
# The merged log's / search and & filter matched inside store_log, driven
# in tmux: on a generated store of 200,000 records (about 40 blocks) whose
# one NEEDLE is near the end, / finds it from the first record, & shows it
# alone, both together (one pattern in the store, one here, either way
# round) and with the
# severity filter; Esc typed with the Enter that starts a search stops it
# at the first block; a pattern that hits PCRE2's match limit is named on
# the status line, never taken for "no match".
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui.sh"

# 200,000 CMTrace records 100 ms apart from 00:00; record 199,991 (at
# 05:33:19.000) is the only one saying NEEDLE, an error; record 100,001
# says "needle" in an info record, before it; one in 1,000 is an error
# (more than the window reads under a filter).
N=200000
mkdir -p "$TMP/big/HOST1/Logs"
awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++) {
		ms = i * 100; s = int(ms / 1000)
		t = sprintf("%02d:%02d:%02d.%03d+000", int(s / 3600), int(s / 60) % 60, s % 60, ms % 1000)
		m = "noise record " i; type = 1
		if (i % 1000 == 5) { m = "error tick " i; type = 3 }
		if (i == n - 10) { m = "the NEEDLE record"; type = 3 }
		if (i == n / 2) m = "a quiet needle"
		printf "<![LOG[%s]LOG]!><time=\"%s\" date=\"01-01-2026\" component=\"T\" context=\"\" type=\"%d\" thread=\"1\" file=\"\">\n", m, t, type
	}
}' > "$TMP/big/HOST1/Logs/CcmNotificationAgent.log"
$T ingest -q -d "$TMP/big.db" "$TMP/big"
AT=$((N - 9))

cd "$TMP" || exit 1
tui_start 120 40 "$T" ui -d "$TMP/big.db"
sleep 0.2
tui_keys L
check "L: the first of $N records" tui_wait "^\[log\] .* record 1 of $N "
tui_keys /
tui_type 'NEEDLE record'
tui_keys Enter
check "/ finds the one match near the end (record $AT)" tui_wait "^▶ .*05:33:19.000 .* E the NEEDLE record"
check "/ there: the title's time and position" tui_wait "^\[log\] 2026-01-01T05:33:19.000Z record ~?$AT of $N "
tui_keys g /
tui_type 'zzyzx-no-such-text'
tui_keys Enter
check "/ a word no record has: no more matches" tui_wait "^no more matches for 'zzyzx-no-such-text'"
check "/ no match: the cursor stays on record 1" tui_wait "^\[log\] .* record 1 of $N "

# Esc typed with the Enter: the first block's tick stops the search.
tui_keys /
tui_type 'NEEDLE record'
tui_keys Enter Escape
check "Esc during a search: stopped, says after how many records" tui_wait "^search stopped after [0-9]+ records"
check "Esc: the cursor stays on record 1" tui_wait "^\[log\] .* record 1 of $N "
tui_keys n
check "n after the stop: the search runs again and finds it" tui_wait "^▶ .* E the NEEDLE record"

# & alone: the store's grep; & with / : the filter matched here.
tui_keys g '&'
tui_type 'needle'
tui_keys Enter
check "& needle (any case): the two needles only" tui_wait "^▶ .* I a quiet needle"
check "& needle: the second row is the NEEDLE record" tui_wait "^  .* E the NEEDLE record"
check "& needle: nothing else" sh -c '[ $(tmux -S "$1/sock" capture-pane -p -t t | grep -cE "^[▶ ] 2026-") -eq 2 ]' _ "$TUI_DIR"
tui_keys /
tui_type 'record'
tui_keys Enter
check "& needle and / record: the NEEDLE record (filter and search both)" tui_wait "^▶ .* E the NEEDLE record"
tui_keys '&' C-u
tui_type 'noise'
tui_keys Enter g /
tui_type 'NEEDLE'
tui_keys Enter
check "& noise and / NEEDLE: no record is both" tui_wait "^no more matches for 'NEEDLE'"
# An anchored search cannot skip blocks, the filter can: the store gets
# the filter, the search is matched on what it hands back.
tui_keys g /
tui_type '^the NEEDLE'
tui_keys Enter
check "& noise and / ^the NEEDLE (the filter in the store): no record is both" tui_wait "^no more matches for '\^the NEEDLE'"
tui_keys '&' C-u
tui_type 'record'
tui_keys Enter g /
tui_type '^the NEEDLE'
tui_keys Enter
check "& record and / ^the NEEDLE (the filter in the store): found" tui_wait "^▶ .*05:33:19.000 .* E the NEEDLE record"
tui_keys x s s
check "s s: errors only" tui_wait "^\[log\] .*│ error\+"
tui_keys g /
tui_type 'needle'
tui_keys Enter
check "errors only and / needle: the error, not the info record before it" tui_wait "^▶ .* E the NEEDLE record"
tui_stop

# A pattern that hits PCRE2's match limit: named, not a silent non-match.
{
	echo "ok b"
	for i in $(seq 12); do echo "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b $i"; done
	echo "aab"
} > "$TMP/trap.log"
$T ingest -q -d "$TMP/trap.db" --host H "$TMP/trap.log" 2>/dev/null
tui_start 120 30 "$T" ui -d "$TMP/trap.db"
sleep 0.2
tui_keys L
check "the trap store: 14 records" tui_wait "^\[log\] .* record 1 of 14 "
tui_keys '&'
tui_type '(a+)+b'
tui_keys Enter
check "& hitting the limit: the matching record shown" tui_wait "^▶ .* aab"
check "& hitting the limit: the 12 records named on the status line" tui_wait "^the pattern hit a PCRE2 limit on 12 records, not shown"
tui_keys x g /
tui_type '(a+)+b'
tui_keys Enter
check "/ past the limit: the match found" tui_wait "^▶ .* aab"
check "/ past the limit: the 12 records named" tui_wait "^the pattern hit a PCRE2 limit on 12 records"
tui_keys g /
tui_type '(a+)+b!'
tui_keys Enter
check "/ with no match but limits: not a plain 'no more matches'" tui_wait "^no more matches for '\(a\+\)\+b!', but the pattern hit a PCRE2 limit on 12 records"
tui_keys '&'
tui_type 'a+!b'
tui_keys Enter
check "& with no limit: the 12 rows, no limit named" tui_wait "^\[log\] .*│ &/a\+!b/"
check "& with no limit: nothing on the status line about limits" tui_wait_gone "PCRE2 limit"
finish
