# ui.py - the dashboard's speed on a store (make bench runs it on the
# 100,000-trace demo store): first screen and per-keystroke redraw of
# tatrace ui in a pty (120x40), from the app's own $TATRACE_UI_TIMING
# lines (key arrival to screen refresh), and peak RSS.
# Usage: ui.py TATRACE STORE
import os, resource, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pty_driver import Dashboard, pct

tat, store = sys.argv[1], sys.argv[2]
ui = Dashboard(tat, store)
lines, keys, slices, idles, wait_n, res = ui.lines, ui.keys, ui.slices, ui.idles, ui.wait_n, ui.res
key = ui.key
wait_n(1)
first_wall = (time.time() - ui.t_exec) * 1000
t = time.time()
wait_n(1, of=idles)    # the outcome strip, read in slices at the first pause
strip_wall = (time.time() - t) * 1000
strip_slices = [float(l.split()[2]) for l in lines()[:lines().index(idles()[0]) + 1]
                if l.startswith(("slice", "idle"))]
for _ in range(300): key("j (move down)", b"j")
for _ in range(100): key("PgDn", b"\x1b[6~")
for _ in range(50): key("PgUp", b"\x1b[5~")
key("G (last of 100k)", b"G"); key("g (first)", b"g")
for _ in range(4): key("o (sort cycle)", b"o")
for _ in range(11): key("s (status cycle)", b"s")
key("Enter (detail)", b"\r"); key("q (back)", b"q")
for what in (b"77777", b"3b088d", b"19:35", b"1"):    # number, GUID prefix, time
    for ch in b":" + what: key("typing in :", bytes([ch]))
    key(": jump (number, GUID, time)", b"\r")

# A regex over every trace runs in slices between keys ("slice" lines,
# "idle" once done): typing never waits for the count, nor Enter for the
# filter. The wall time to the end of each scan is measured here.
for ch in b"/Machine":
    key("typing in /", bytes([ch]))
t = time.time(); n = len(idles()); wait_n(n + 1, of=idles)
res["/ count to the end"] = [(time.time() - t) * 1000]
key("Enter (apply regex)", b"\r")
for _ in range(5): key("j (filtered)", b"j")
scan_ms = 0.0    # Enter adopts the prompt's finished scan: nothing to read
# Sorting a filtered list starts its scan over (in the new order).
key("o (filtered)", b"o")
t = time.time(); n = len(idles()); wait_n(n + 1, of=idles)
scan_ms = (time.time() - t) * 1000
key("O (reverse, filtered)", b"O")
n = len(idles()); wait_n(n + 1, of=idles)
for _ in range(3): key("o (filtered)", b"o")
n = len(idles()); wait_n(n + 1, of=idles)
key("O (reverse, filtered)", b"O")
n = len(idles()); wait_n(n + 1, of=idles)
for ch in b"/zzzrare":
    key("typing in / (rare)", bytes([ch]))
t = time.time(); n = len(idles()); wait_n(n + 1, of=idles)
res["/ rare count to end"] = [(time.time() - t) * 1000]
key("Esc (rare)", b"\x1b")
for _ in range(50): key("j (filtered)", b"j")
key("G (filtered)", b"G")
ui.quit()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("  dashboard first screen %7.1f ms from exec (%.1f ms in the app; target < 100 ms)"
      % (first_wall, float(keys()[0].split()[2])))
print("  dashboard outcome strip and action groups %6.1f ms to the end, in %d slices of at most %.1f ms (at the first pauses)"
      % (strip_wall, len(strip_slices), max(strip_slices)))
print("  regex rescan after o     %6.1f ms (in slices between keys; the list shows matches at once)" % scan_ms)
sl = slices()
for k, v in res.items():
    print("    %-22s n=%-3d median %6.2f ms  p99 %6.2f ms  (target p99 < 16 ms)" % (k, len(v), pct(v, .5), pct(v, .99)))
if sl:
    print("    %-22s n=%-3d median %6.2f ms  p99 %6.2f ms  (the longest a key can wait)" % ("scan slice (+ redraw)", len(sl), pct(sl, .5), pct(sl, .99)))
print("  dashboard peak RSS     %7.1f MB (target < 64 MB)" % (ru.ru_maxrss / 1024))
