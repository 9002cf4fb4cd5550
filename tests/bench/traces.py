#!/usr/bin/env python3
"""The trace benchmark: a demo bundle of N records with M traces; ingest it,
then time the trace rebuild (as a share of the ingest), `show` of one trace
and `traces --status not_delivered`, against `tatrace --version` (process
start) measured in the same run."""
import json, os, re, subprocess, sys, tempfile, time

tatrace, records, actions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


class Done:
    def __init__(self, stderr, rss_mb):
        self.stderr, self.rss_mb = stderr, rss_mb


def timed(cmd, runs=1):
    """Best wall time of runs; the last run's stderr and peak RSS (wait4)."""
    best = None
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed: {err.decode()[-300:]}")
        best = wall if best is None else min(best, wall)
    return best, Done(err, ru.ru_maxrss / 1024.0)


with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
    bundle, store = os.path.join(d, "bundle"), os.path.join(d, "t.db")
    gen, _ = timed([tatrace, "demo", "-q", "--clients", "50", "--actions", str(actions),
                    "--scale", str(records), "--seed", "7", bundle])
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(bundle) for f in fs)
    cat, _ = timed(["sh", "-c", 'find "$1" -type f -exec cat {} + | cat >/dev/null', "sh", bundle])
    ingest, p = timed([tatrace, "ingest", "-d", store, bundle])
    m = re.search(r"(\d+) records, .* in ([\d.]+) s .*; (\d+) traces in ([\d.]+) s", p.stderr.decode())
    if not m:
        sys.exit("bench: no summary line from ingest: " + p.stderr.decode()[-300:])
    n_records, total, n_traces, build = int(m[1]), float(m[2]), int(m[3]), float(m[4])
    start, _ = timed([tatrace, "--version"], runs=10)
    traces = json.loads(subprocess.run([tatrace, "traces", "-d", store, "--status", "not_delivered",
                                        "--format", "json"], capture_output=True).stdout)
    mid = n_traces // 2
    show, _ = timed([tatrace, "show", "-d", store, str(mid), "--format", "json"], runs=10)
    status, _ = timed([tatrace, "traces", "-d", store, "--status", "not_delivered", "--format", "json"], runs=5)
    print(f"demo bundle: {n_records} records, {size / 1e6:.0f} MB, {n_traces} traces "
          f"(generated in {gen:.1f} s)")
    print(f"  cat of the bundle         {cat:7.3f} s")
    print(f"  tatrace ingest            {ingest:7.3f} s   ({n_records / total / 1e6:.2f} M records/s, {p.rss_mb:.0f} MB peak RSS)")
    print(f"  of which trace rebuild    {build:7.3f} s   (+{100 * build / (total - build):.1f}% over loading; target <= 20%)")
    print(f"  tatrace --version         {start * 1000:7.1f} ms  (process start, the floor)")
    print(f"  show (one trace, json)    {show * 1000:7.1f} ms  (target < 20 ms)")
    print(f"  traces --status not_delivered {status * 1000:5.1f} ms  ({len(traces)} traces; target < 200 ms)")
    # The dashboard on the same store (tests/bench/ui.py).
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "ui.py"),
                    tatrace, store], check=False)
    # Its merged log on the same store (tests/bench/ui_log.py); BENCH_UI_LOG=0 skips it.
    if os.environ.get("BENCH_UI_LOG", "1") != "0":
        subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "ui_log.py"),
                        tatrace, store], check=False)
    # The dashboard while another process writes (tests/bench/ui_live.py):
    # last, as it appends to the bundle and ingests.
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "ui_live.py"),
                    tatrace, store, bundle], check=False)
