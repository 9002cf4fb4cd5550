#!/usr/bin/env python3
"""The incremental update benchmark: on the demo store of N records and M
traces (50 clients), append 1,000 records to one client's
CcmNotificationAgent.log and `tatrace ingest` that file, three times
without events (keep-alives) and three times with a push's receipt and
response among them; then the full rebuild of the same store (marked
stale), all in one run. Prints the median wall time of each and the
summary line's trace figures."""
import datetime, os, re, sqlite3, statistics, subprocess, sys, tempfile, time, uuid

tatrace = sys.argv[1]
records = int(sys.argv[2]) if len(sys.argv) > 2 else 10000000
actions = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
APPEND = 1000


def append(path, n, push):
    """n CCM records one second apart after the log's last, in its encoding;
    with push, a receipt of a new TaskGUID and its response among them."""
    with open(path, 'rb') as f:
        utf16 = f.read(2) == b'\xff\xfe'
        f.seek(-8192, 2)
        raw = f.read()
    enc = 'utf-16-le' if utf16 else 'utf-8'
    if utf16 and len(raw) % 2:
        raw = raw[1:]
    t, bias, day = re.findall(r'time="(\d\d:\d\d:\d\d)\.\d+([+-]\d+)" date="([\d-]+)"',
                              raw.decode(enc, 'replace'))[-1]
    when = datetime.datetime.strptime(day + ' ' + t, '%m-%d-%Y %H:%M:%S')
    guid, out = str(uuid.uuid4()).upper(), []
    for i in range(n):
        when += datetime.timedelta(seconds=1)
        text = 'Successfully sent keep-alive message to MP01.contoso.com.'
        if push and i == n // 2:
            text = ('Receive task from server with pushid=990001, taskid=990002, '
                    'taskguid=%s, tasktype=1 and taskParam=' % guid)
        elif push and i == n // 2 + 1:
            text = ('Send Task response message <BgbResponseMessage TimeStamp="%s">'
                    '<PushID>990001</PushID><TaskID>990002</TaskID><ReturnCode>1'
                    '</ReturnCode></BgbResponseMessage> successfully.'
                    % when.strftime('%Y-%m-%dT%H:%M:%SZ'))
        out.append('<![LOG[%s]LOG]!><time="%s.000%s" date="%s" component="BgbAgent"'
                   ' context="" type="1" thread="4868" file="bgbconnector.cpp:1172">\r\n'
                   % (text, when.strftime('%H:%M:%S'), bias, when.strftime('%m-%d-%Y')))
    with open(path, 'ab') as f:
        f.write(''.join(out).encode(enc))


def ingest(store, path):
    t = time.perf_counter()
    p = subprocess.run([tatrace, 'ingest', '-d', store, path], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit('bench: ingest failed: ' + p.stderr[-300:])
    m = re.search(r'; (\d+) traces in ([\d.]+) s( \([^)]*\))?', p.stderr)
    return wall, (m.group(0)[2:] if m else p.stderr.strip()[-120:])


with tempfile.TemporaryDirectory(dir=os.environ.get('BENCH_DIR')) as d:
    bundle, store = os.path.join(d, 'bundle'), os.path.join(d, 't.db')
    subprocess.run([tatrace, 'demo', '-q', '--clients', '50', '--actions', str(actions),
                    '--scale', str(records), '--seed', '7', bundle], check=True)
    first, _ = ingest(store, bundle)
    log = os.path.join(bundle, 'CLIENT01', 'Windows', 'CCM', 'Logs', 'CcmNotificationAgent.log')
    rows = []
    for push in (False, True):
        walls, said = [], ''
        for _ in range(3):
            append(log, APPEND, push)
            wall, said = ingest(store, log)
            walls.append(wall)
        rows.append((push, statistics.median(walls), said))
    db = sqlite3.connect(store)
    db.execute("INSERT OR REPLACE INTO meta VALUES('traces_stale', 1)")
    db.commit()
    db.close()
    full, said_full = ingest(store, log)
    print(f'incremental update ({records} records, {actions} actions; first ingest {first:.1f} s)')
    for push, wall, said in rows:
        what = 'with a push receipt and response' if push else 'without events'
        print(f'  append {APPEND} records {what:34s} {wall * 1000:7.0f} ms  ({said}; target < 100 ms)')
    print(f'  full rebuild of the same store                       {full * 1000:7.0f} ms  ({said_full})')
