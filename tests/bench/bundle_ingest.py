#!/usr/bin/env python3
"""Ingest of a whole demo bundle beside lnav opening the same files, in
one run: `tatrace demo --clients 50 --actions A --scale N --seed 7`, then
best of 3 of `lnav -n` (with the CMTrace format of tests/bench) against a
fresh `tatrace ingest` at each TATRACE_INGEST_THREADS count of
BENCH_INGEST_THREADS (default "default 2 1": the built-in default, two
threads, one), interleaved so that load hits all alike, with CPU time
(user + sys, best of 3) and peak RSS. Usage: bundle_ingest.py TATRACE
RECORDS ACTIONS [BUNDLE] (an existing bundle is read, not written)."""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_bench import LNAV_COUNT, fresh, lnav_env, logs_of, run  # noqa: E402

tatrace, records, actions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
given = sys.argv[4] if len(sys.argv) > 4 else None


def best(runs):
    """(best wall, best CPU, peak RSS, the last run's stderr)."""
    return (min(r[0] for r in runs), min(r[1] for r in runs),
            max(r[2] for r in runs), runs[-1][3])


with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
    bundle = given or os.path.join(d, "bundle")
    if not given:
        run([tatrace, "demo", "-q", "--clients", "50", "--actions", str(actions),
             "--scale", str(records), "--seed", "7", bundle])
    logs, mb = logs_of(bundle)
    store = os.path.join(d, "t.db")
    env = lnav_env(d)
    lnav = [] if env else None
    counts = os.environ.get("BENCH_INGEST_THREADS", "default 2 1").split()
    runs_of = {c: [] for c in counts}
    for _ in range(3):		# interleaved, so that load hits all alike
        if lnav is not None:
            lnav.append(run(LNAV_COUNT + logs, env=env))
        for c in counts:
            env_ = dict(os.environ)
            env_.pop("TATRACE_INGEST_THREADS", None)
            if c != "default":
                env_["TATRACE_INGEST_THREADS"] = c
            fresh(store)
            runs_of[c].append(run([tatrace, "ingest", "-d", store, bundle], env=env_))
    print(f"bundle ingest: {len(logs)} files, {mb:.0f} MB, about {records} records;"
          f" best of 3, CPU = user + sys, RSS = peak resident set")
    if lnav:
        lw, lc, lr, _ = best(lnav)
        print(f"  lnav open                 {lw:7.2f} s  cpu {lc:6.2f} s  {lr:6.0f} MB RSS")
    for c in counts:
        w, cpu, r, err = best(runs_of[c])
        m = re.search(r"traces in ([\d.]+) s", err)
        build = f"   (traces {float(m[1]):.2f} s)" if m else ""
        ratio = f"   {w / lw:.2f}x lnav" if lnav else ""
        name = "tatrace ingest" if c == "default" else f"  {c} thread(s)"
        print(f"  {name:24s}{w:7.2f} s  cpu {cpu:6.2f} s  {r:6.0f} MB RSS{ratio}{build}")
