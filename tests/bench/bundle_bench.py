"""bundle_bench - what the bundle benchmarks (bundle_ingest.py, dense.py)
share: one command run with its wall and CPU time and peak RSS, a store
removed with its journal files, a bundle's logs, and lnav set up with the
CMTrace format of tests/bench in a HOME of its own."""
import os, re, shutil, subprocess, sys, time

FMT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lnav-cmtrace-format.json')
LNAV_COUNT = ['lnav', '-n', '-c', ';SELECT count(*) FROM all_logs']


def run(cmd, env=None):
    """(wall s, cpu s, peak RSS MB, stderr) of one command that must succeed."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = p.stderr.read().decode(errors='replace')
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed: {err[-300:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, err


def fresh(store):
    """The store gone, with its journal, WAL and shared-memory files."""
    for suffix in ('', '-journal', '-wal', '-shm'):
        if os.path.exists(store + suffix):
            os.remove(store + suffix)


def logs_of(bundle):
    """The bundle's .log and .lo_ files, sorted, and their size in MB."""
    logs = sorted(os.path.join(r, f) for r, _, fs in os.walk(bundle) for f in fs
                  if re.search(r'\.(log|lo_)$', f))
    return logs, sum(os.path.getsize(f) for f in logs) / 1e6


def lnav_env(workdir):
    """An environment whose HOME (under workdir) has the CMTrace format
    installed, or None when lnav is not installed."""
    if not shutil.which('lnav'):
        return None
    home = os.path.join(workdir, 'home')
    os.mkdir(home)
    env = dict(os.environ, HOME=home)
    subprocess.run(['lnav', '-i', FMT], env=env, capture_output=True)
    return env
