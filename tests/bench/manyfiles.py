#!/usr/bin/env python3
"""Cost per number of files (issue 8): bundles of N one-record files, each
in its own host folder (BENCH_MANYFILES_LAYOUT=folder: all in one folder,
one host), N from BENCH_MANYFILES (default 5000,10000,20000; 0 skips).
Times a fresh ingest and a full `tatrace log` of each, with their CPU time
(user + sys: fsync waits and other builds on a shared machine make the
wall time noisy) and peak RSS, and prints the ratio per doubling of N:
2.0 is linear, 4.0 quadratic."""
import os, subprocess, sys, tempfile, time

tatrace = sys.argv[1]
sizes = [int(n) for n in os.environ.get("BENCH_MANYFILES",
                                        "5000,10000,20000").split(",") if int(n) > 0]
layout = os.environ.get("BENCH_MANYFILES_LAYOUT", "host")

RECORD = ('<![LOG[record %d: keep-alive]LOG]!><time="10:%02d:%02d.000+000"'
          ' date="09-25-2026" component="BgbAgent" context="" type="1"'
          ' thread="1" file="">\n')


def write_bundle(root, n):
    for i in range(n):
        if layout == "folder":
            d, name = os.path.join(root, "PC00001", "Logs"), "app%05d.log" % i
        else:
            d, name = os.path.join(root, "PC%05d" % i, "Logs"), "CcmNotificationAgent.log"
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w") as f:
            f.write(RECORD % (i, (i // 60) % 60, i % 60))


def run(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err.decode()[-300:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


if not sizes:
    sys.exit(0)
rows = []
with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
    for n in sizes:
        bundle, store = os.path.join(d, "b%d" % n), os.path.join(d, "s%d.db" % n)
        write_bundle(bundle, n)
        ingest = run([tatrace, "ingest", "-q", "-d", store, bundle])
        log = run([tatrace, "log", "-d", store])
        rows.append((n, ingest, log))
        subprocess.run(["rm", "-rf", bundle, store])

print(f"many files: one record each, layout {layout}; CPU = user + sys;"
      " x = ratio to the size before (2.0 linear, 4.0 quadratic)")
prev = None
for n, ingest, log in rows:
    line = f"  {n:6d} files  ingest {ingest[0]:7.2f} s"
    if prev:
        line += f" (x{ingest[0] / prev[1][0]:4.2f})"
    else:
        line += "        "
    line += f"  CPU {ingest[1]:6.2f} s"
    line += f" (x{ingest[1] / prev[1][1]:4.2f})" if prev else "        "
    line += f"  {ingest[2]:5.0f} MB   log {log[0]:6.2f} s"
    line += f" (x{log[0] / prev[2][0]:4.2f})" if prev else "        "
    line += f"  CPU {log[1]:6.2f} s  {log[2]:5.0f} MB"
    print(line)
    prev = (n, ingest, log)
