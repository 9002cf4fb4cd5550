#!/usr/bin/env python3
"""Times the baselines and tatrace on the generated files; prints a table.
Peak RSS comes from wait4() of each child, so it is per command."""
import os, shutil, subprocess, sys, tempfile, time

tatrace, d, n, lnav_format = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def run(cmd, env=None, stdout=subprocess.DEVNULL):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {code}: {err[-300:]}")
    return wall, ru.ru_maxrss / 1024.0


def best(cmd, runs=3, **kw):
    results = [run(cmd, **kw) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


rows = []
for name, fmt in (("CcmNotificationAgent.log", "ccm"), ("BgbServer.log", "sms")):
    path = os.path.join(d, name)
    mb = os.path.getsize(path) / 1e6
    # Baselines write into a pipe: GNU grep stops at the first match when
    # its output is /dev/null, which would measure nothing.
    needle = "LOG]!>" if fmt == "ccm" else "$$<"
    cat, _ = best(["sh", "-c", 'cat "$1" | cat >/dev/null', "sh", path])
    grep, _ = best(["sh", "-c", 'grep -c -F "$2" "$1" | cat >/dev/null', "sh", path, needle])
    lnav = None
    if shutil.which("lnav") and fmt == "ccm":
        home = tempfile.mkdtemp()
        env = dict(os.environ, HOME=home)
        subprocess.run(["lnav", "-i", lnav_format], env=env, capture_output=True)
        lnav = best(["lnav", "-n", "-c", ";SELECT count(*) FROM all_logs", path], env=env)
        shutil.rmtree(home)
    ingest = []
    for _ in range(3):
        store = os.path.join(d, "bench.db")
        for suffix in ("", "-journal"):
            if os.path.exists(store + suffix):
                os.remove(store + suffix)
        ingest.append(run([tatrace, "ingest", "-q", "-d", store, path]))
    first = min(r[0] for r in ingest), max(r[1] for r in ingest)
    again = best([tatrace, "ingest", "-q", "-d", store, path])
    store_mb = os.path.getsize(store) / 1e6
    os.remove(store)
    rows.append((fmt, mb, cat, grep, lnav, first, again, store_mb))

print(f"{n} records per file; best of 3 runs; RSS = peak resident set\n")
for fmt, mb, cat, grep, lnav, first, again, store_mb in rows:
    print(f"{fmt.upper()} file, {mb:.0f} MB:")
    print(f"  cat | cat           {cat:7.3f} s")
    print(f"  grep -c -F         {grep:7.3f} s")
    if lnav:
        print(f"  lnav open           {lnav[0]:7.3f} s   {lnav[1]:6.1f} MB RSS")
    rate = n / first[0]
    print(f"  tatrace ingest      {first[0]:7.3f} s   {first[1]:6.1f} MB RSS   "
          f"{rate/1e6:.2f} M records/s   {mb/first[0]:.0f} MB/s   store {store_mb:.0f} MB")
    print(f"  tatrace re-ingest   {again[0]:7.3f} s   ({100*again[0]/first[0]:.1f}% of the first ingest)")
    ratios = f"  ratios: ingest = {first[0]/cat:.1f}x cat, {first[0]/grep:.1f}x grep -c"
    if lnav:
        ratios += f", {first[0]/lnav[0]:.2f}x lnav open"
    print(ratios + "\n")
