#!/bin/sh
# test_install.sh - make install puts the binary and the man page under
# DESTDIR/PREFIX (and `man tatrace` finds the page there), make uninstall
# removes exactly those two files, and make dist writes a tarball of HEAD
# that unpacks and builds with `make` into a binary that runs.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-build}
V=$(cat "$ROOT/VERSION")
# A make started from inside `make test` must not join its parent's jobs.
unset MAKEFLAGS MFLAGS MAKELEVEL
# -o: install the binary under test as it is, never rebuild it (other
# tests are running it).
if [ "$B" = build ]; then BIN=tatrace; else BIN=$B/tatrace; fi
mk() { make --no-print-directory -s -C "$ROOT" BUILD="$B" -o "$BIN" "$@"; }

stage=$TMP/stage
mkdir -p "$stage/usr/local/bin"
echo keep >"$stage/usr/local/bin/other"
check "make install into a DESTDIR" mk install PREFIX=/usr/local DESTDIR="$stage"
bin=$stage/usr/local/bin/tatrace
page=$stage/usr/local/share/man/man1/tatrace.1
if [ -x "$bin" ] && [ -f "$page" ]; then ok "binary and man page installed"
else not_ok "binary and man page installed"; fi
"$bin" --version >"$TMP/v" 2>&1
if [ "$(cat "$TMP/v")" = "tatrace $V" ]; then ok "installed binary prints the VERSION file's version"
else not_ok "installed binary prints the VERSION file's version ($(cat "$TMP/v"))"; fi
mandoc -Tlint -W warning "$page" >"$TMP/lint" 2>&1
if [ ! -s "$TMP/lint" ]; then ok "installed page is mandoc -Tlint clean"
else not_ok "installed page is mandoc -Tlint clean"; sed 's/^/#   /' "$TMP/lint" | head; fi
MANPATH=$stage/usr/local/share/man MANPAGER=cat MANWIDTH=80 man tatrace \
	>"$TMP/man" 2>"$TMP/man.err"
if grep -q "ingest" "$TMP/man" && grep -q "EXIT STATUS" "$TMP/man"; then
	ok "man tatrace finds and renders the installed page"
else
	not_ok "man tatrace finds and renders the installed page"
	sed 's/^/#   /' "$TMP/man.err" | head -5
fi
check "make uninstall" mk uninstall PREFIX=/usr/local DESTDIR="$stage"
left=$(find "$stage" -type f | sort | tr '\n' ' ')
if [ "$left" = "$stage/usr/local/bin/other " ]; then
	ok "uninstall removes what install wrote and nothing else"
else
	not_ok "uninstall removes what install wrote and nothing else (left: $left)"
fi

if ! git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	ok "# SKIP make dist: not a git checkout"
	finish
	exit
fi
check "make dist" mk dist DIST_DIR="$TMP"
tarball=$TMP/tatrace-$V.tar.gz
tar -tzf "$tarball" >"$TMP/list" 2>&1
if grep -qx "tatrace-$V/Makefile" "$TMP/list" && grep -qx "tatrace-$V/VERSION" "$TMP/list" &&
   grep -qx "tatrace-$V/man/tatrace.1" "$TMP/list"; then
	ok "tarball holds tatrace-$V/ with the Makefile, VERSION and the man page"
else
	not_ok "tarball holds tatrace-$V/ with the Makefile, VERSION and the man page"
fi
if grep -E '\.(o|a|db)$|/build/|^tatrace-[^/]*/tatrace$' "$TMP/list" >/dev/null; then
	not_ok "tarball holds no build output or store"
else
	ok "tarball holds no build output or store"
fi
mkdir "$TMP/unpack"
tar -xzf "$tarball" -C "$TMP/unpack"
# The README's build, at -O0 to keep the test quick (the -O2 build of the
# same sources is the suite's own binary).
# BUILD is set in this environment (the build under test): not there.
check "the unpacked tarball builds with make" \
	make --no-print-directory -s -C "$TMP/unpack/tatrace-$V" -j2 OPT=-O0 BUILD=build
"$TMP/unpack/tatrace-$V/tatrace" --version >"$TMP/v2" 2>&1
if [ "$(cat "$TMP/v2")" = "tatrace $V" ]; then ok "the tarball's binary runs --version"
else not_ok "the tarball's binary runs --version ($(cat "$TMP/v2"))"; fi
finish
