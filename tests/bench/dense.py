#!/usr/bin/env python3
"""Trace-dense bundles (issue 8, section 2): a demo bundle where about one
record in four is a trace event, `tatrace demo --clients C --actions A
--scale N --seed 7` (issue 8's case: 4,000,000 records, 100,000 actions,
500 clients), then in one run, interleaved and best of 3: lnav opening its
logs (the CMTrace format of tests/bench) against a fresh `tatrace ingest`,
with CPU time (user + sys: the machine is shared, wall time is mostly the
wait for a core) and peak RSS; then 1,000 records appended to one client's
CcmNotificationAgent.log (tests/e2e/append_ccm.py), without events and
with a push receipt and response, median of 3.
Usage: dense.py TATRACE [RECORDS [ACTIONS [CLIENTS]]]"""
import os, re, sqlite3, statistics, sys, tempfile, uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
import append_ccm  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_bench import LNAV_COUNT, fresh, lnav_env, logs_of, run  # noqa: E402

tatrace = sys.argv[1]
records = int(sys.argv[2]) if len(sys.argv) > 2 else 400000
actions = int(sys.argv[3]) if len(sys.argv) > 3 else records // 40
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 500
APPEND = 1000


def line(name, runs, base=None):
    wall = min(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    ratio = f'   {cpu / base:.2f}x lnav (CPU)' if base else ''
    print(f'  {name:26s}{wall:7.2f} s wall {cpu:7.2f} s CPU {rss:6.0f} MB RSS{ratio}')
    return cpu


with tempfile.TemporaryDirectory(dir=os.environ.get('BENCH_DIR')) as d:
    bundle, store = os.path.join(d, 'bundle'), os.path.join(d, 't.db')
    run([tatrace, 'demo', '-q', '--clients', str(clients), '--actions', str(actions),
         '--scale', str(records), '--seed', '7', bundle])
    logs, mb = logs_of(bundle)
    lenv = lnav_env(d)
    lnav = [] if lenv else None
    ours = []
    for _ in range(3):		# interleaved, so that load hits both alike
        if lnav is not None:
            lnav.append(run(LNAV_COUNT + logs, env=lenv))
        fresh(store)
        ours.append(run([tatrace, 'ingest', '-d', store, bundle]))
    db = sqlite3.connect(store)
    n_rec = db.execute('SELECT sum(records) FROM files').fetchone()[0]
    n_ev = db.execute('SELECT count(*) FROM events').fetchone()[0]
    n_tr = db.execute('SELECT count(*) FROM traces').fetchone()[0]
    db.close()
    print(f'trace-dense bundle: {len(logs)} files, {mb:.0f} MB, {n_rec} records, {n_ev} events'
          f' (1 record in {n_rec / max(n_ev, 1):.1f}), {n_tr} traces, {clients} clients;'
          f' best of 3')
    base = line('lnav open', lnav) if lnav else None
    line('tatrace ingest', ours, base)
    m = re.search(r'traces in ([\d.]+) s', ours[-1][3])
    if m:
        print(f'    of which traces          {float(m[1]):7.2f} s wall')
    log = os.path.join(bundle, 'CLIENT01', 'Windows', 'CCM', 'Logs', 'CcmNotificationAgent.log')
    for push in (False, True):
        runs = []
        for _ in range(3):
            append_ccm.append(log, APPEND, push, str(uuid.uuid4()).upper())
            runs.append(run([tatrace, 'ingest', '-d', store, log]))
        what = 'with a push receipt+response' if push else 'without events'
        said = re.search(r'(\d+) traces in [\d.]+ s( \([^)]*\))?', runs[-1][3])
        print(f'  append {APPEND} records {what:30s}'
              f'{statistics.median(r[0] for r in runs) * 1000:6.0f} ms wall'
              f'{statistics.median(r[1] for r in runs) * 1000:6.0f} ms CPU'
              f'  ({said[0] if said else ""})')
