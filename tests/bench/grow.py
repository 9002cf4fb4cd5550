#!/usr/bin/env python3
"""The grown-log benchmark (issue 8): on a demo bundle of N records
(ingested first), append one line to a big log and ingest that file
again, TRIALS times; print the median wall time, the file's own time
(the summary's seconds less its trace rebuild) and the bytes read. The
logs: the biggest UTF-8 one and the biggest UTF-16 one (both read on
from their old end).
Usage: grow.py TATRACE RECORDS [WORKDIR]"""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

tatrace, records = sys.argv[1], int(sys.argv[2])
TRIALS = 5
SMS = ("Get one push message from database.~~  $$<SMS_NOTIFICATION_SERVER>"
       "<09-26-2026 23:59:59.000+240><thread=7896 (0x1ED8)>\n")
CCM = ('<![LOG[Connecting to server with IP: 10.10.1.6 Port: 10123]LOG]!>'
       '<time="23:59:59.000-330" date="09-26-2026" component="BgbAgent"'
       ' context="" type="1" thread="5388" file="bgbconnector.cpp:611">\r\n')


def biggest(root, utf16):
    best = None
    for r, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(r, f)
            with open(p, "rb") as fh:
                is16 = fh.read(2) in (b"\xff\xfe", b"\xfe\xff")
            if is16 == utf16 and (best is None or os.path.getsize(p) > os.path.getsize(best)):
                best = p
    return best


def line_for(path, utf16):
    with open(path, "rb") as fh:
        head = fh.read(4096)
    text = CCM if b"<![LOG[" in head or b"<\x00!\x00[\x00" in head else SMS
    return text.encode("utf-16-le") if utf16 else text.encode()


def trial(store, path, line):
    with open(path, "ab") as fh:
        fh.write(line)
    t = time.perf_counter()
    r = subprocess.run([tatrace, "ingest", "-d", store, path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    m = re.search(r"([\d.]+) MB in ([\d.]+) s", r.stderr)
    tr = re.search(r"traces in ([\d.]+) s", r.stderr)
    if r.returncode or not m:
        sys.exit(f"bench: ingest failed: {r.stderr}")
    own = float(m.group(2)) - (float(tr.group(1)) if tr else 0)
    return wall, own, float(m.group(1)), "old end" in r.stderr


def main():
    work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="tatrace-grow-")
    demo, store = os.path.join(work, "demo"), os.path.join(work, "grow.db")
    shutil.rmtree(demo, ignore_errors=True)
    for f in (store, store + "-journal"):
        if os.path.exists(f):
            os.remove(f)
    subprocess.run([tatrace, "demo", "-q", "--scale", str(records), demo], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([tatrace, "ingest", "-q", "-d", store, demo], check=True)
    for utf16 in (False, True):
        path = biggest(demo, utf16)
        line = line_for(path, utf16)
        runs = [trial(store, path, line) for _ in range(TRIALS)]
        print(f"{'utf-16' if utf16 else 'utf-8 '} {os.path.relpath(path, demo)}"
              f" ({os.path.getsize(path) / 1e6:.1f} MB): append one line + ingest:"
              f" wall {statistics.median(r[0] for r in runs) * 1000:.0f} ms,"
              f" file {statistics.median(r[1] for r in runs) * 1000:.0f} ms,"
              f" read {statistics.median(r[2] for r in runs):.1f} MB,"
              f" read on from old end {sum(r[3] for r in runs)}/{TRIALS}")
    if len(sys.argv) <= 3:
        shutil.rmtree(work)


main()
