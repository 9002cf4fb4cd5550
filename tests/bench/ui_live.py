# ui_live.py - the dashboard while another process writes the store
# (issue 8: live updates). tatrace ui runs in a pty (120x40) on STORE:
#  1. another connection commits every 100 ms (a no-op write: every
#     commit makes every view reread); meanwhile j is pressed 200 times.
#     Reported: the reread + redraw ("live" and "reread" lines of
#     $TATRACE_UI_TIMING)
#     and each key from its write to the pty to its frame, so a key that
#     waits for a reread counts.
#  2. a push is appended to the bundle's BgbServer.log and tatrace ingest
#     runs (a second process): the time from the write to the new trace's
#     marker on screen ("▼ 1 new"), and how much of it is the ingest.
# Usage: ui_live.py TATRACE STORE BUNDLE   (run by traces.py in make bench)
import fcntl, os, pty, select, sqlite3, struct, subprocess, sys
import tempfile, termios, threading, time

tat, store, bundle = sys.argv[1], sys.argv[2], sys.argv[3]
push = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "live", "server.log")
log = tempfile.mktemp()
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                      ESCDELAY="25", TATRACE_UI_TIMING=log)
    os.execv(tat, [tat, "ui", "-d", store])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
screen = bytearray()
def drain():
    while select.select([fd], [], [], 0)[0]:
        try: screen.extend(os.read(fd, 1 << 16))
        except OSError: return
def lines():
    try: return open(log).read().split("\n")[:-1]
    except FileNotFoundError: return []
def of(kind):
    return [l for l in lines() if l.startswith(kind)]
def wait_n(kind, n, timeout=60):
    end = time.time() + timeout
    while len(of(kind)) < n:
        drain()
        if time.time() > end: raise SystemExit("ui_live: timeout waiting for %s %d (have %d): %r" % (kind, n, len(of(kind)), lines()[-4:]))
        time.sleep(0.001)
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")

wait_n("first", 1)
wait_n("idle", 1)    # the outcome strip read

def press(n_keys):
    wall = []
    for i in range(n_keys):
        n = len(of("key"))
        t = time.perf_counter()
        os.write(fd, b"j")
        wait_n("key", n + 1)
        wall.append((time.perf_counter() - t) * 1000)
        time.sleep(0.01)
    return wall

# 0. The same keys with no writer: the baseline of this run.
n0 = len(of("key"))
quiet_wall = press(200)
quiet = [float(l.split()[2]) for l in of("key")[n0:]]
os.write(fd, b"g")
wait_n("key", len(of("key")) + 1)

# 1. Rereads while keys are pressed.
stop = threading.Event()
commits = [0]
def writer():
    c = sqlite3.connect(store, isolation_level=None, timeout=10)
    while not stop.is_set():
        c.execute("PRAGMA user_version = %d" % (commits[0] % 1000 + 1))
        commits[0] += 1
        time.sleep(0.1)
    c.execute("PRAGMA user_version = 0")
    c.close()
w = threading.Thread(target=writer); w.start()
n1 = len(of("key"))
wall = press(200)
stop.set(); w.join()
keys = [float(l.split()[2]) for l in of("key")[n1:]]
live = [float(l.split()[2]) for l in of(("live", "reread"))]

# 2. A new trace: append a push, ingest, until the marker shows.
os.write(fd, b"g")
wait_n("key", len(of("key")) + 1)
drain(); del screen[:]
t0 = time.perf_counter()
with open(os.path.join(bundle, "MP01", "SMS_CCM", "Logs", "BgbServer.log"), "ab") as f:
    f.write(open(push, "rb").read())
subprocess.run([tat, "ingest", "-q", "-d", store, bundle], check=True)
t_ingest = time.perf_counter() - t0
end = time.time() + 30
while b"new (G)" not in screen and time.time() < end:
    drain(); time.sleep(0.001)
t_shown = time.perf_counter() - t0
seen = b"new (G)" in screen
rss = [l for l in open("/proc/%d/status" % pid) if l.startswith("VmHWM")][0].split()[1]
os.write(fd, b"Q")
os.waitpid(pid, 0)
os.unlink(log)
print("  dashboard live: %d commits by another connection while j was pressed 200 times" % commits[0])
print("    %-30s n=%-3d median %6.2f ms  p99 %6.2f ms  (its work between keys)" % ("reread + redraw", len(live), pct(live, .5), pct(live, .99)))
for name, xs in (("j, in the app, no writer", quiet), ("j, in the app, rereads", keys),
                 ("j, write to frame, no writer", quiet_wall), ("j, write to frame, rereads", wall)):
    print("    %-30s n=%-3d median %6.2f ms  p99 %6.2f ms  (target p99 < 16 ms)" % (name, len(xs), pct(xs, .5), pct(xs, .99)))
if seen:
    print("    a push appended, ingested and on screen (▼ 1 new) in %.0f ms: ingest %.0f ms, then %.0f ms to the screen (poll every 250 ms; target < 1 s in all)"
          % (t_shown * 1000, t_ingest * 1000, (t_shown - t_ingest) * 1000))
else:
    print("    a push appended and ingested in %.0f ms: NOT on screen after 30 s" % (t_ingest * 1000))
print("    dashboard peak RSS %.1f MB (target < 64 MB)" % (int(rss) / 1024))
