#!/bin/sh
# test_man.sh - the man page documents everything the binary offers: every
# option in each command's --help (in that command's entry or the common
# options), every JSON field name that traces, show, findings, coverage,
# files, stats and log print on the demo store (in the command's entry or
# OUTPUT), and each command's exit statuses (its own item in EXIT STATUS,
# with every number its --help names). The page stays mandoc -Tlint clean.
. "$(dirname "$0")/lib.sh"
MAN=$(cd "$(dirname "$0")/../.." && pwd)/man/tatrace.1
CMDS="ingest files cat log stats traces show findings explain coverage ui demo"

mandoc -Tlint -W warning "$MAN" >"$TMP/lint" 2>&1
if [ ! -s "$TMP/lint" ]; then ok "mandoc -Tlint is clean"
else not_ok "mandoc -Tlint is clean"; sed 's/^/#   /' "$TMP/lint" | head; fi

mkdir "$TMP/help" "$TMP/json"
"$T" --help >"$TMP/help/_top" 2>&1
for c in $CMDS; do "$T" "$c" --help >"$TMP/help/$c" 2>&1; done
"$T" demo -q "$TMP/demo" >/dev/null && "$T" ingest -q -d "$TMP/d.db" "$TMP/demo"
for c in traces findings coverage files stats log; do
	"$T" "$c" -d "$TMP/d.db" --format json >"$TMP/json/$c" 2>&1
done
"$T" show 1 -d "$TMP/d.db" --format json >"$TMP/json/show" 2>&1

python3 - "$MAN" "$TMP" $CMDS <<'PY' >"$TMP/report"
import json, os, re, sys
man_path, tmp, cmds = sys.argv[1], sys.argv[2], sys.argv[3:]
src = open(man_path, encoding="utf-8").read()

def section(name):
    m = re.search(r"^\.Sh %s\n(.*?)(?=^\.Sh |\Z)" % re.escape(name), src, re.M | re.S)
    return m.group(1) if m else ""

commands = section("COMMANDS")
common = commands[commands.find(".Ss Common options"):] if ".Ss Common options" in commands else ""
heads = [(m.start(), m.group(1)) for m in re.finditer(r"^\.It Cm (\w+)", commands, re.M)
         if m.group(1) in cmds]
entry = {}
for i, (at, name) in enumerate(heads):
    end = heads[i + 1][0] if i + 1 < len(heads) else commands.find(".Ss Common options")
    entry.setdefault(name, "")
    entry[name] += commands[at:end]

def documented_option(text, opt):
    flag = opt[1:]		# mdoc writes --host as "Fl -host", -q as "Fl q"
    return (re.search(r"Fl %s(?![\w-])" % re.escape(flag), text) or
            re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(opt), text))

def options(help_text):
    """Options named in the usage lines and the option lines of --help."""
    found, usage = set(), False
    for line in help_text.splitlines():
        s = line.strip()
        usage = s.startswith("usage:") or (usage and s[:1] in "[-" and s != "")
        if usage or s.startswith("-"):
            for m in re.finditer(r"(?:^|[\s,\[|(])(--?[A-Za-z][\w-]*)", s):
                found.add(m.group(1))
    return found

bad = 0
def fail(msg):
    global bad
    bad += 1
    print("MISSING " + msg)

for opt in sorted(options(open(os.path.join(tmp, "help", "_top")).read()) | {"--version", "-V"}):
    if not documented_option(src, opt):
        fail("tatrace %s" % opt)
for c in cmds:
    if c not in entry:
        fail("command %s has no entry in COMMANDS" % c)
        continue
    for opt in sorted(options(open(os.path.join(tmp, "help", c)).read())):
        if not documented_option(entry[c] + common, opt):
            fail("%s %s" % (c, opt))

output = section("OUTPUT")
def keys(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            out.add(k)
            keys(x, out)
    elif isinstance(v, list):
        for x in v:
            keys(x, out)
    return out
for c in ("traces", "show", "findings", "coverage", "files", "stats", "log"):
    text = open(os.path.join(tmp, "json", c)).read()
    try:
        docs = [json.loads(text)]
    except ValueError:
        docs = [json.loads(l) for l in text.splitlines() if l.strip()]
    names = set()
    for d in docs:
        keys(d, names)
    if not names:
        fail("%s --format json printed no fields" % c)
    for k in sorted(names):
        if not re.search(r"(?<![\w])%s(?![\w])" % re.escape(k), entry.get(c, "") + output):
            fail("%s JSON field %s" % (c, k))

exits = section("EXIT STATUS")
items = {}
for m in re.finditer(r"^\.It Cm (.*)$", exits, re.M):	# ".It Cm a , b" names two
    for name in re.findall(r"\w+", m.group(1)):
        items.setdefault(name, m.start())
order = sorted(items.values()) + [len(exits)]
for c in cmds:
    if c not in items:
        fail("EXIT STATUS has no item for %s" % c)
        continue
    at = items[c]
    body = exits[at:order[order.index(at) + 1]]
    h = open(os.path.join(tmp, "help", c)).read()
    m = re.search(r"Exit status[: ](.*?)(?:\n\n|\Z)", h, re.S | re.I)
    for code in set(re.findall(r"(?<![\w.-])(\d+)(?= |,|;|:|$)", m.group(1) if m else "")):
        if not re.search(r"(?<!\d)%s(?!\d)" % code, body):
            fail("EXIT STATUS for %s lacks %s (its --help names it)" % (c, code))
print("missing: %d" % bad)
PY
if grep -q "^missing: 0$" "$TMP/report"; then
	ok "every option, JSON field and exit status is in the man page"
else
	not_ok "every option, JSON field and exit status is in the man page"
	grep -v "^missing" "$TMP/report" | sed 's/^/#   /'
fi

# The check itself must be able to fail: a page without an option's
# entry and a help text naming an option the page lacks are caught.
if grep -q 'Fl -max-archive-mib' "$MAN" &&
   ! sed 's/Fl -max-archive-mib/Fl -removed/g' "$MAN" | grep -q 'Fl -max-archive-mib'; then
	ok "the check reads the options as mdoc writes them (Fl -name)"
else
	not_ok "the check reads the options as mdoc writes them (Fl -name)"
fi
finish
