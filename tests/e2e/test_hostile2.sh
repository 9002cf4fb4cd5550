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
# Another application's WAL database: refused before any pragma touches it.
python3 -c "
import sqlite3; c = sqlite3.connect('$TMP/other.db'); c.execute('PRAGMA journal_mode=WAL'); c.execute('CREATE TABLE t(x)'); c.commit()"
expect_status 2 "ingest -d another application's database: refused" $T ingest -q -d "$TMP/other.db" "$B/CLIENT01"
check "... as not a tatrace store" contains "$TMP/.err" "not a tatrace store"
check "... its journal mode untouched (wal)" sh -c "python3 -c \"import sqlite3; print(sqlite3.connect('$TMP/other.db').execute('PRAGMA journal_mode').fetchone()[0])\" | grep -qx wal"

# A reader while a writer holds the store: "busy", never "not a store".
$T ingest -q -d "$TMP/busy.db" "$B/CLIENT01"
python3 - "$TMP/busy.db" "$T" > "$TMP/busy.out" 2>&1 <<'PY'
import os, sqlite3, subprocess, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN EXCLUSIVE')
r = subprocess.run([sys.argv[2], 'traces', '-d', sys.argv[1]], capture_output=True, text=True,
                   env=dict(os.environ, TATRACE_BUSY_MS='100'))
c.execute('ROLLBACK')
print(r.returncode, r.stderr)
PY
check "a busy store is called busy" contains "$TMP/busy.out" "the store is busy"
check "... not 'not a tatrace store'" not_contains "$TMP/busy.out" "not a tatrace store"
# A UTF-16 BOM before NULs is binary too (it skipped the check).
mkdir -p "$TMP/u16/HOST"
{ printf '\377\376'; head -c 200000 /dev/zero; } > "$TMP/u16/HOST/zeros.log"
expect_status 1 "UTF-16 BOM + NULs: refused" $T ingest -q -d "$TMP/u16.db" "$TMP/u16"
check "... as binary" contains "$TMP/.err" "zeros.log: binary file"

# A full disk: no command ends in exit 0 with its output cut short.
if [ -w /dev/full ]; then
	for cmd in log traces files stats findings coverage "cat 1" "show 1"; do
		# shellcheck disable=SC2086
		$T $cmd -d "$TMP/l.db" > /dev/full 2> "$TMP/full.err"
		rc=$?
		check "$cmd > /dev/full: exit 1 ($rc), says so" sh -c "[ $rc -eq 1 ] && grep -q 'standard output: No space left on device' '$TMP/full.err'"
	done
fi
finish
