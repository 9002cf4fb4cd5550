# ui_log.py - the merged log's speed and memory on a store: tatrace ui in
# a pty (120x40), L from the list, then moves, pages, G/g, a severity
# filter, a / search through the store and the same pattern as an &
# filter, timed from the app's own
# $TATRACE_UI_TIMING lines (key arrival to screen refresh), and the peak
# RSS of the whole dashboard. make bench runs it on the trace benchmark's
# store (tests/bench/traces.py); see README "Benchmarks".
# Usage: ui_log.py TATRACE STORE [SEARCH]
import os, resource, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pty_driver import Dashboard

tat, store = sys.argv[1], sys.argv[2]
search = (sys.argv[3] if len(sys.argv) > 3 else "Unauthorized").encode()
ui = Dashboard(tat, store, timeout=600, count_slices=True)
ui.wait_n(1)
res, key = ui.res, ui.key
def typed(text):
    ui.typed("typing", text)
key("L (open the log at trace 1)", b"L")
for _ in range(300): key("j (move down)", b"j")
for _ in range(100): key("PgDn", b"\x1b[6~")
for _ in range(100): key("PgUp", b"\x1b[5~")
key("G (the last record)", b"G")
for _ in range(50): key("PgUp at the end", b"\x1b[5~")
key("g (the first record)", b"g")
key("s (warning and worse)", b"s")
for _ in range(20): key("PgDn (warning+)", b"\x1b[6~")
key("s s (all again)", b"s"); key("s s (all again)", b"s")
key("/", b"/"); typed(search)
key("/%s Enter (search)" % search.decode(), b"\r")
for _ in range(5): key("n (next match)", b"n")
key("Enter (record detail)", b"\r")
key("q (back to the log)", b"q")
key("g", b"g")
key("&", b"&"); typed(search)
key("&%s Enter (filter)" % search.decode(), b"\r")
key("x (filters cleared)", b"x")
ui.quit()
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
print("merged log on %s (120x40; ms from key to screen)" % store)
for name, v in res.items():
    if name == "typing":
        continue
    v = sorted(v)
    p99 = v[min(len(v) - 1, (len(v) * 99) // 100)]
    print("  %-32s median %8.1f  p99 %8.1f  max %8.1f  (n=%d)" % (name, v[len(v) // 2], p99, v[-1], len(v)))
print("  peak RSS of the dashboard        %.1f MB" % rss)
