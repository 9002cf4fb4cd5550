#!/usr/bin/env python3
"""The trace rebuild's memory and time at many traces (opt-in: make bench
with BENCH_TRACEMEM_ACTIONS=1000000). A demo bundle of N records with M
device actions is ingested once; then its traces are rebuilt alone (the
store marked stale, the unchanged bundle ingested again), streamed as
tatrace does by default and holding every trace (TATRACE_TRACE_QUIET=0,
the builder before the stream), best of 3 each, with peak RSS."""
import os, re, sqlite3, subprocess, sys, tempfile, time

tatrace, records, actions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def run(cmd, env=None):
    """Wall time, stderr and peak RSS (MB) of one run."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env=dict(os.environ, **(env or {})))
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err.decode()[-300:]}")
    return wall, err.decode(), ru.ru_maxrss / 1024.0


def rebuild(store, bundle, env):
    """Best of 3 rebuilds: (wall of the ingest, its trace time, peak RSS)."""
    best = None
    for _ in range(3):
        with sqlite3.connect(store) as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES('traces_stale', 1)")
        wall, err, rss = run([tatrace, "ingest", "-d", store, bundle], env)
        m = re.search(r"(\d+) traces in ([\d.]+) s", err)
        if not m:
            sys.exit("bench: no trace figure from ingest: " + err[-300:])
        got = (wall, float(m[2]), rss, int(m[1]))
        best = got if best is None or got[1] < best[1] else best
    return best


with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
    bundle, store = os.path.join(d, "bundle"), os.path.join(d, "t.db")
    run([tatrace, "demo", "-q", "--clients", "50", "--actions", str(actions),
         "--scale", str(records), "--seed", "7", bundle])
    wall, err, rss = run([tatrace, "ingest", "-d", store, bundle])
    m = re.search(r"(\d+) traces in ([\d.]+) s", err)
    print(f"trace memory: demo bundle of {records} records, {actions} actions")
    print(f"  tatrace ingest            {wall:7.3f} s   {rss:6.1f} MB peak RSS"
          f"   ({m[1]} traces in {m[2]} s)")
    for name, env in (("streamed (default)", {}), ("holding every trace", {"TATRACE_TRACE_QUIET": "0"})):
        wall, build, rss, n = rebuild(store, bundle, env)
        print(f"  rebuild, {name:20s} {build:7.3f} s   {rss:6.1f} MB peak RSS   ({n} traces)")
