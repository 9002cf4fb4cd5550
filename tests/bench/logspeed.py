#!/usr/bin/env python3
"""The merged-log benchmark: a demo bundle of N records, ingested once, then
best of 3 runs of `tatrace log` against the raw files' baselines of the same
run: `grep -c P FILES` vs `log --grep P` (a rare pattern, a GUID, and a
common one) and `cat FILES` vs `log` (table and JSON). Prints the ratios
and each tatrace run's peak RSS (wait4), which must not grow with N."""
import json, os, subprocess, sys, tempfile, time

tatrace, records = sys.argv[1], int(sys.argv[2])


def run(cmd, stdout=subprocess.DEVNULL):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err.decode()[-300:]}")
    return wall, ru.ru_maxrss / 1024.0


def best(cmd, runs=3):
    results = [run(cmd) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def sh(script, *args):
    """A shell pipeline, timed as one command."""
    return ["sh", "-c", script, "sh", *args]


with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
    bundle, store = os.path.join(d, "bundle"), os.path.join(d, "log.db")
    run([tatrace, "demo", "-q", "--clients", "50", "--actions", "2000",
         "--scale", str(records), "--seed", "7", bundle])
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(bundle)
                   for f in fs if f != "expected.json")
    size = sum(os.path.getsize(f) for f in files)
    with open(os.path.join(bundle, "expected.json")) as f:
        traces = json.load(f)["traces"]
    guid = traces[len(traces) // 2]["guid"]
    del traces
    ingest, _ = run([tatrace, "ingest", "-q", "-d", store, bundle])
    listed = os.path.join(d, "files")
    with open(listed, "w") as f:
        f.write("\0".join(files))
    # xargs -0 keeps the file list out of the command line's limits; grep
    # writes into a pipe (into /dev/null GNU grep may stop at a match).
    each = 'xargs -0 %s < "$1"'
    rows = []
    for name, pattern in (("rare (a GUID)", guid), ("common", "keep-alive")):
        grep = best(sh((each % 'grep -c -e "$2"') + " | cat >/dev/null",
                       listed, pattern))
        log = best([tatrace, "log", "-d", store, "--grep", pattern])
        # counted in a pipe: a child's peak RSS starts at its parent's
        # (Linux), so Python must not hold the output
        n = int(subprocess.run(sh('"$1" log -d "$2" --grep "$3" | wc -l', tatrace,
                                  store, pattern), capture_output=True).stdout)
        rows.append((f"grep -c {name}", grep, f"log --grep ({n} records)", log))
    cat = best(sh(each % "cat" + " >/dev/null", listed))
    rows.append(("cat", cat, "log", best([tatrace, "log", "-d", store])))
    rows.append(("cat", cat, "log --format json",
                 best([tatrace, "log", "-d", store, "--format", "json"])))

    print(f"merged log: {records} records, {len(files)} files, {size / 1e6:.0f} MB"
          f" (ingested in {ingest:.1f} s); best of 3, RSS = peak resident set")
    for base_name, base, name, t in rows:
        print(f"  {base_name:<22} {base[0]:7.3f} s   tatrace {name:<28} {t[0]:7.3f} s"
              f"  {t[1]:5.0f} MB RSS   = {t[0] / base[0]:4.1f}x")
