#!/bin/sh
# The hostile-world pass (issue 8 §3): symlinks that leave a folder bundle,
# names that carry terminal escapes, and the other probes, one check each.
. "$(dirname "$0")/lib.sh"
AG="$FIX/bundle/CLIENT01/Windows/CCM/Logs/CcmNotificationAgent.log"

# A folder bundle whose log is a link to a file outside it: refused, named.
B=$TMP/links
mkdir -p "$B/CLIENT01" "$B/CLIENT02" "$TMP/outside"
cp "$AG" "$B/CLIENT01/"
cp "$AG" "$TMP/outside/secret.log"
ln -s "$TMP/outside/secret.log" "$B/CLIENT02/CcmNotificationAgent.log"
ln -s ../CLIENT01/CcmNotificationAgent.log "$B/CLIENT02/inside.log"
expect_status 1 "a link out of the bundle: exit 1" $T ingest -q -d "$TMP/l.db" "$B"
check "the link is named with why" contains "$TMP/.err" "CLIENT02/CcmNotificationAgent.log: symlink leaves the bundle"
$T files -d "$TMP/l.db" > "$TMP/files"
check "its target was not stored" not_contains "$TMP/files" "CLIENT02"
check "the file inside was stored" contains "$TMP/files" "CLIENT01/CcmNotificationAgent.log"
expect_status 0 "--follow-links follows it" $T ingest -q -d "$TMP/l2.db" --follow-links "$B"
$T files -d "$TMP/l2.db" > "$TMP/files2"
check "with --follow-links the target is stored" contains "$TMP/files2" "CLIENT02/CcmNotificationAgent.log"

# A file name with ESC, BEL and a C1 CSI: ingest's messages escape them.
E=$TMP/esc
mkdir -p "$E/HOST"
head -c 4096 /dev/urandom > "$E/HOST/$(printf 'x\033]52;c;cHduZWQ=\007\302\233y.log')"
expect_status 1 "a junk file with escapes in its name: exit 1" $T ingest -q -d "$TMP/e.db" "$E"
check "no ESC reaches stderr" sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/.err'"
check "no BEL reaches stderr" sh -c "! grep -q \"\$(printf '\\007')\" '$TMP/.err'"
check "no C1 CSI reaches stderr" sh -c "! grep -q \"\$(printf '\\302\\233')\" '$TMP/.err'"
check "the name is shown escaped" contains "$TMP/.err" 'x\\e]52;c;cHduZWQ=\\x07'

# demo --force into a folder with planted links writes through none.
D=$TMP/demo
mkdir -p "$D/SCP01/Logs" "$TMP/victim"
echo keep > "$TMP/victim/file"
ln -s "$TMP/victim/file" "$D/SCP01/Logs/CMGatewayNotificationWorker.log"
expect_status 2 "demo --force: a planted file link is refused" $T demo -q --force "$D"
check "... named" contains "$TMP/.err" "CMGatewayNotificationWorker.log: a symbolic link"
check "... its target untouched" sh -c "[ \"\$(cat '$TMP/victim/file')\" = keep ]"
rm -rf "$D"; mkdir -p "$D"
ln -s "$TMP/victim" "$D/MP01"
expect_status 2 "demo --force: a planted folder link is refused" $T demo -q --force "$D"
check "... nothing written through it" sh -c "[ \"\$(ls '$TMP/victim')\" = file ]"
finish
