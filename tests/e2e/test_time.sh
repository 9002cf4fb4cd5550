#!/bin/sh
# Time you can trust: biases out of range, PSADT's east-of-UTC offsets,
# non-ASCII times, blank lines, records with no time, --tz forms, a host's
# bias learned from the joins, and log in true UTC order.
. "$(dirname "$0")/lib.sh"
TF=$FIX/time

# ingest FILE as HOST into DB; stderr kept in $TMP/err
ing() { $T ingest -q -d "$1" --host "$2" "$3" 2>"$TMP/err"; }
logjson() { $T log -d "$1" --format json; }

# -- a bias outside -840..720: clock kept, placed without it, one warning
DB=$TMP/bad.db
ing "$DB" HB "$TF/badbias.log"
check "bias +9999: ingest reports the file" test $? -eq 1
check "bias +9999: one warning line, with file and line" sh -c "[ \$(wc -l < '$TMP/err') -eq 1 ] && grep -q '^time/badbias.log:1: bias outside -840..720' '$TMP/err'"
logjson "$DB" > "$TMP/bad.json"
check "bias +9999: placed like records without a bias (the host's bias)" pyjson '[(r["utc"],r["offset_source"]) for r in d] == [("2026-03-12T14:00:00.000Z","host"),("2026-03-12T14:00:01.000Z","host"),("2026-03-12T14:00:02.000Z","explicit")]' < "$TMP/bad.json"
check "bias +9999: the raw time is kept" pyjson 'd[0]["time_text"].startswith("10:00:00.000+9999")' < "$TMP/bad.json"
ing "$TMP/ok.db" HN "$TF/notpsadt.log"
check "a valid bias: exit 0, no warning" sh -c "test $? -eq 0 && ! test -s '$TMP/err'"

# -- PSADT: offsets east of UTC, read the other way round
ing "$TMP/p3.db" P3 "$TF/psadt3.log"
logjson "$TMP/p3.db" > "$TMP/p3.json"
check "PSADT 3.x: 600 (Sydney, no '+') and -300 (New York)" pyjson '[(r["utc"],r["offset_source"],r["bias"]) for r in d] == [("2026-03-12T00:15:30.123Z","psadt",-600),("2026-03-12T15:15:30.123Z","psadt",300)]' < "$TMP/p3.json"
ing "$TMP/p4.db" P4 "$TF/psadt4.log"
check "PSADT 4.x: +600 is Sydney" sh -c "$T log -d '$TMP/p4.db' --format json | grep -q '\"utc\":\"2026-03-12T00:15:30.123Z\"'"
check "PSADT: files says psadt" sh -c "$T files -d '$TMP/p4.db' | grep -q ' psadt '"
check "not PSADT: ConfigMgr's +600 keeps Windows' sign" sh -c "$T log -d '$TMP/ok.db' --format json | grep -q '\"utc\":\"2026-03-12T20:15:30.123Z\",.*\"offset_source\":\"explicit\"'"

# -- non-ASCII digits: no time, one warning; utc null, empty time in tables
ing "$TMP/ar.db" HA "$TF/arabic.log"
check "Arabic-Indic digits: one warning" sh -c "[ \$(wc -l < '$TMP/err') -eq 1 ] && grep -q 'arabic.log:1: non-ASCII time' '$TMP/err'"
logjson "$TMP/ar.db" > "$TMP/ar.json"
check "records before any time: utc null" pyjson '[r["utc"] for r in d] == [None, None]' < "$TMP/ar.json"
check "records before any time: an empty time in the table" sh -c "$T log -d '$TMP/ar.db' | grep -q '^                          HA '"
check "a timed record is never null" pyjson 'all(r["utc"] for r in d)' < "$TMP/bad.json"

# -- blank lines are no records; cat still gives every byte back
ing "$TMP/bl.db" HL "$TF/blank.log"
$T files -d "$TMP/bl.db" --format json > "$TMP/bl.json"
check "blank lines: 3 records, no partial ones" pyjson 'd[0]["records"] == 3 and d[0]["partial"] == 0' < "$TMP/bl.json"
check "blank lines: cat round-trips" sh -c "$T cat -d '$TMP/bl.db' 1 | cmp -s - '$TF/blank.log'"

# -- a file that goes back in time comes out in UTC order
ing "$TMP/oo.db" HO "$TF/outoforder.log"
logjson "$TMP/oo.db" > "$TMP/oo.json"
check "log: out-of-order file merged by UTC" pyjson '[r["message"] for r in d] == ["day one a","day one b","day two a","day two b"]' < "$TMP/oo.json"
ing "$TMP/oo.db" HB "$TF/badbias.log"
logjson "$TMP/oo.db" > "$TMP/oo2.json"
check "log: two files, one out of order, in UTC order" pyjson 'len(d) == 7 and [r["utc"] for r in d] == sorted(r["utc"] for r in d)' < "$TMP/oo2.json"

# -- --tz forms and refusals
expect_status 0 "--tz HB=-04:00 accepted" $T ingest -q -d "$DB" --tz HB=-04:00 "$TF/badbias.log"
check "--tz -04:00 is bias +240, shown in files" sh -c "$T files -d '$DB' | grep -q 'override +240'"
logjson "$DB" > "$TMP/tz.json"
check "--tz applies to records without a bias" pyjson 'd[0]["utc"] == "2026-03-12T14:00:00.000Z" and d[0]["offset_source"] == "override"' < "$TMP/tz.json"
expect_status 0 "--tz hb=+60 (any case, a sign)" $T ingest -q -d "$DB" --tz hb=+60 "$TF/badbias.log"
expect_status 1 "--tz for a host not in the store is refused" $T ingest -q -d "$DB" --tz NOPE=+60 "$TF/badbias.log"
check "... with a one-line reason" sh -c "grep -q \"^--tz: no host 'NOPE' in the store\" '$TMP/.err'"
expect_status 2 "--tz HB=EST is a usage error" $T ingest -q -d "$DB" --tz HB=EST "$TF/badbias.log"
check "... that explains the convention" grep -q 'UTC = local + BIAS' "$TMP/.err"
expect_status 2 "--tz HB=+9999 is out of range" $T ingest -q -d "$DB" --tz HB=+9999 "$TF/badbias.log"

# -- a host whose logs carry no bias learns it from the joins
$T demo "$TMP/demo" >/dev/null 2>&1
check "demo bundle written" test -f "$TMP/demo/SCP01/Logs/SMS_SERVICE_CONNECTOR.log"
$T ingest -q -d "$TMP/full.db" "$TMP/demo" 2>/dev/null
rm "$TMP/demo/SCP01/Logs/SMS_SERVICE_CONNECTOR.log"
$T ingest -q -d "$TMP/nob.db" "$TMP/demo" 2>/dev/null
$T files -d "$TMP/nob.db" --format json > "$TMP/nob.json"
check "no bias on SCP01: files says joined, with the bias" pyjson '[(f["offset_source"], f["bias"]) for f in d if f["name"] == "CMGatewayNotificationWorker.log"] == [("joined", 240)]' < "$TMP/nob.json"
$T files -d "$TMP/full.db" --format json > "$TMP/full.json"
check "with its SMS log: SCP01 borrows its own bias (not joined)" pyjson '[f["offset_source"] for f in d if f["name"] == "CMGatewayNotificationWorker.log"] == ["host"]' < "$TMP/full.json"
hops() { $T traces -d "$1" --format json | python3 -c 'import json,sys; print(sorted(t["hops_ms"]["forward_to_push"] for t in json.load(sys.stdin) if t["hops_ms"].get("forward_to_push") is not None))'; }
hops "$TMP/full.db" > "$TMP/h1"
hops "$TMP/nob.db" > "$TMP/h2"
check "forward->push hops are seconds, the same as with the bias" sh -c "cmp -s '$TMP/h1' '$TMP/h2' && python3 -c 'import sys; h=eval(open(sys.argv[1]).read()); sys.exit(0 if h and max(h) < 60000 and min(h) >= 0 else 1)' '$TMP/h2'"
expect_status 0 "--tz wins over the joined bias" $T ingest -q -d "$TMP/nob.db" --tz SCP01=0 "$TMP/demo"
check "... files says override" sh -c "$T files -d '$TMP/nob.db' | grep 'CMGatewayNotificationWorker' | grep -q 'override +0'"

finish
