#!/usr/bin/env python3
"""The incremental update benchmark: on the demo store of N records and M
traces (50 clients), append 1,000 records to one client's
CcmNotificationAgent.log and `tatrace ingest` that file, three times
without events (keep-alives) and three times with a push's receipt and
response among them; then the full rebuild of the same store (marked
stale), all in one run. Prints the median wall time of each and the
summary line's trace figures, and the median CPU time (user + system) of
each, the figure to compare on a loaded machine."""
import os, re, resource, sqlite3, statistics, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e'))
import append_ccm  # noqa: E402

tatrace = sys.argv[1]
records = int(sys.argv[2]) if len(sys.argv) > 2 else 10000000
actions = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
APPEND = 1000


def append(path, n, push):
    """n CCM records one second after the log's last (tests/e2e/append_ccm.py),
    with push a receipt of a new TaskGUID and its response among them."""
    append_ccm.append(path, n, push, str(uuid.uuid4()).upper())


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ingest(store, path):
    t, c = time.perf_counter(), cpu()
    p = subprocess.run([tatrace, 'ingest', '-d', store, path], capture_output=True, text=True)
    wall = time.perf_counter() - t
    cpus.append(cpu() - c)
    if p.returncode != 0:
        sys.exit('bench: ingest failed: ' + p.stderr[-300:])
    m = re.search(r'; (\d+) traces in ([\d.]+) s( \([^)]*\))?', p.stderr)
    return wall, (m.group(0)[2:] if m else p.stderr.strip()[-120:])


cpus = []
with tempfile.TemporaryDirectory(dir=os.environ.get('BENCH_DIR')) as d:
    bundle, store = os.path.join(d, 'bundle'), os.path.join(d, 't.db')
    subprocess.run([tatrace, 'demo', '-q', '--clients', '50', '--actions', str(actions),
                    '--scale', str(records), '--seed', '7', bundle], check=True)
    first, _ = ingest(store, bundle)
    log = os.path.join(bundle, 'CLIENT01', 'Windows', 'CCM', 'Logs', 'CcmNotificationAgent.log')
    rows = []
    for push in (False, True):
        walls, said = [], ''
        del cpus[:]
        for _ in range(3):
            append(log, APPEND, push)
            wall, said = ingest(store, log)
            walls.append(wall)
        rows.append((push, statistics.median(walls), statistics.median(cpus), said))
    db = sqlite3.connect(store)
    db.execute("INSERT OR REPLACE INTO meta VALUES('traces_stale', 1)")
    db.commit()
    db.close()
    full, said_full = ingest(store, log)
    print(f'incremental update ({records} records, {actions} actions; first ingest {first:.1f} s)')
    for push, wall, cpu_s, said in rows:
        what = 'with a push receipt and response' if push else 'without events'
        print(f'  append {APPEND} records {what:34s} {wall * 1000:7.0f} ms  {cpu_s * 1000:5.0f} ms CPU'
              f'  ({said}; target < 100 ms)')
    print(f'  full rebuild of the same store                       {full * 1000:7.0f} ms  ({said_full})')
