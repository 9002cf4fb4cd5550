# ui.py - the dashboard's speed on a store (make bench runs it on the
# 100,000-trace demo store): first screen and per-keystroke redraw of
# tatrace ui in a pty (120x40), from the app's own $TATRACE_UI_TIMING
# lines (key arrival to screen refresh), and peak RSS.
# Usage: ui.py TATRACE STORE
import os, pty, select, struct, sys, time, fcntl, termios, resource, tempfile

tat, store = sys.argv[1], sys.argv[2]
log = tempfile.mktemp()
t_exec = time.time()
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                      ESCDELAY="25", TATRACE_UI_TIMING=log)
    os.execv(tat, [tat, "ui", "-d", store])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
def drain():
    while select.select([fd], [], [], 0)[0]:
        try: os.read(fd, 1 << 16)
        except OSError: return
def lines():
    try: return open(log).read().split("\n")[:-1]
    except FileNotFoundError: return []
def keys():
    return [l for l in lines() if not l.startswith("idle")]
def idles():
    return [l for l in lines() if l.startswith("idle")]
def wait_n(n, timeout=60, of=keys):
    end = time.time() + timeout
    while len(of()) < n:
        drain()
        if time.time() > end: raise SystemExit("timeout at %d lines: %r" % (len(lines()), lines()[-3:]))
        time.sleep(0.002)
wait_n(1)
first_wall = (time.time() - t_exec) * 1000
wait_n(1, of=idles)    # the outcome strip, read at the first pause
res = {}
def key(name, k):
    n = len(keys())
    os.write(fd, k)
    wait_n(n + 1)
    ms = float(keys()[-1].split()[2])
    res.setdefault(name, []).append(ms)
for _ in range(300): key("j (move down)", b"j")
for _ in range(100): key("PgDn", b"\x1b[6~")
for _ in range(50): key("PgUp", b"\x1b[5~")
key("G (last of 100k)", b"G"); key("g (first)", b"g")
for _ in range(4): key("o (sort cycle)", b"o")
for _ in range(11): key("s (status cycle)", b"s")
key("Enter (detail)", b"\r"); key("q (back)", b"q")

for ch in b"/Machine":
    key("typing in /", bytes([ch]))
n = len(idles()); wait_n(n + 1, of=idles)    # the deferred count, at the pause
res["/ count (deferred)"] = [float(idles()[-1].split()[2])]
key("Enter (apply regex)", b"\r")
for _ in range(50): key("j (filtered)", b"j")
key("G (filtered)", b"G")
os.write(fd, b"Q")
os.waitpid(pid, 0)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("  dashboard first screen %7.1f ms from exec (%.1f ms in the app; target < 100 ms)"
      % (first_wall, float(keys()[0].split()[2])))
print("  dashboard outcome strip %6.1f ms (a scan of every trace, at the first pause)"
      % float(idles()[0].split()[2]))
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))]
for k, v in res.items():
    print("    %-22s n=%-3d median %6.2f ms  p99 %6.2f ms  (target p99 < 16 ms)" % (k, len(v), pct(v, .5), pct(v, .99)))
print("  dashboard peak RSS     %7.1f MB (target < 64 MB)" % (ru.ru_maxrss / 1024))
os.unlink(log)
