#!/bin/sh
# log writes a plain ASCII message as it is and escapes any other (the
# fast paths copy 16 bytes at a time; JSON's escapes quotes and
# backslashes itself): messages of every length around 16 and 32 bytes,
# and an escape byte, a quote or a backslash at the positions around
# those bounds, runs of quotes and backslashes, DEL, UTF-8 and a bidi
# control, come out as the generic escapes write them, in the table and
# in JSON.
. "$(dirname "$0")/lib.sh"

python3 - "$TMP/esc.log" <<'EOF2'
import sys
msgs = ["p" * n for n in range(40)]
for pos in (0, 1, 15, 16, 17, 31, 32, 39):
    for c in ("\x1b", '"', "\\"):
        m = list("abcdefghijklmnopqrstuvwxyz0123456789ABCD")
        m[pos] = c
        msgs.append("".join(m))
msgs += ['"' * 40, "\\" * 33, 'q"' * 17 + "\x1b" + '"' * 20]
msgs += ["x" * 20 + "\x7f" + "y" * 5, 'quote " and back\\slash ' + "z" * 20,
         "utf8 caf\u00e9 " + "w" * 20, "bidi \u202e evil " + "v" * 20]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, m in enumerate(msgs):
        f.write('<![LOG[%s]LOG]!><time="10:%02d:%02d.000+000" date="01-01-2026" component="T"'
                ' context="" type="1" thread="1" file="">\n' % (m, i // 60, i % 60))
with open(sys.argv[1] + ".msgs", "w", encoding="utf-8") as f:
    f.write("\n".join(msgs))
EOF2
$T ingest -q -d "$TMP/e.db" --host H "$TMP/esc.log" 2>/dev/null
$T log -d "$TMP/e.db" > "$TMP/table"
$T log -d "$TMP/e.db" --format json > "$TMP/json"

# the table: each message after its tag, as term_escape writes it
table_ok() {
	python3 - "$TMP/esc.log.msgs" "$TMP/table" <<'EOF2'
import sys
msgs = open(sys.argv[1], encoding="utf-8").read().split("\n")
esc = {"\x1b": "\\e", "\x7f": "\\x7f", "\u202e": "\\u202e"}
want = ["".join(esc.get(c, c) for c in m) for m in msgs]
got = [l.split(" I ", 1)[1] for l in open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]]
if got != want:
    for g, w in zip(got, want):
        if g != w:
            print("got %r want %r" % (g, w))
    sys.exit(1)
EOF2
}
check "plain and escaped messages in the table" table_ok
check "no escape byte reaches the table" sh -c "! grep -q \"$(printf '\033')\" '$TMP/table'"

json_ok() {
	python3 - "$TMP/esc.log.msgs" "$TMP/json" <<'EOF2'
import json, sys
msgs = open(sys.argv[1], encoding="utf-8").read().split("\n")
raw = open(sys.argv[2], encoding="utf-8").read()
got = [r["message"] for r in json.loads(raw)]
assert got == msgs, [(g, w) for g, w in zip(got, msgs) if g != w]
# printable ASCII: byte for byte as JSON writes it (quotes, backslashes)
rows = raw.split("\n")[1:-2]
for m, row in zip(msgs, rows):
    if all(" " <= c < "\x7f" for c in m):
        assert '"message":%s,' % json.dumps(m) in row, (m, row)
assert '\\u001b' in raw and '\\"' in raw and '\\\\slash' in raw and '\\u202e' in raw
EOF2
}
check "the same messages in JSON" json_ok

# The "name:line" cell of a file name too long for it is cut with an
# ellipsis (... outside a UTF-8 locale) whether the cut falls in the name,
# on the colon or in the line number; a name that fits is padded.
for name in ProgressiveDownloadAgentLog.log ProgressiveDownloadAgentLogX.log ProgressiveDownloadAgentLogXY.log \
	    ProgressiveDownloadAgentLogXYZ.log ProgressiveDownloadAgentLogTooLongForTheCell.log Short.log; do
	python3 - "$TMP/$name" <<'EOF2'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(12):
        f.write('<![LOG[row %d]LOG]!><time="10:00:%02d.000+000" date="01-01-2026" component="T"'
                ' context="" type="1" thread="1" file="">\n' % (i, i))
EOF2
	$T ingest -q -d "$TMP/n.db" --host H "$TMP/$name" 2>/dev/null
done
cells_ok() {
	LC_ALL=$1 $T log -d "$TMP/n.db" > "$TMP/cells.$1"
	python3 - "$TMP/cells.$1" "$2" <<'EOF2'
import sys
mark = "\u2026" if sys.argv[2] == "utf8" else "..."
cells = {l[41:75] for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]}
for name in ("ProgressiveDownloadAgentLog.log", "ProgressiveDownloadAgentLogX.log", "ProgressiveDownloadAgentLogXY.log",
             "ProgressiveDownloadAgentLogXYZ.log",
             "ProgressiveDownloadAgentLogTooLongForTheCell.log", "Short.log"):
    for line in (1, 10, 12):
        full = "%s:%d" % (name, line)
        want = full.ljust(34) if len(full) <= 34 else full[:35 - len(mark) - 1] + mark
        assert want.ljust(34) in cells, (want, sorted(cells))
EOF2
}
check "a long file name is cut with an ellipsis (UTF-8)" cells_ok C.UTF-8 utf8
check "a long file name is cut with ... (C locale)" cells_ok C c
finish
