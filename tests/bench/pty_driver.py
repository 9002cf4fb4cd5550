"""pty_driver.py - tatrace ui in a pseudo-terminal, for the dashboard
benchmarks (ui.py, ui_log.py, ui_timeline.py): fork it on a pty of a
fixed size with a fixed terminal, read its $TATRACE_UI_TIMING lines (one
per redraw: "first", "key", "slice", "idle"; the third field the ms from
key arrival to screen refresh), send a key and wait for its redraw, and
collect the times by name. The screen itself is drained, never parsed."""
import fcntl, os, pty, select, struct, tempfile, termios, time


class Dashboard:
    def __init__(self, tat, store, rows=40, cols=120, timeout=60, count_slices=False):
        """Start `tat ui -d store`. A key's redraw is its next "key" line;
        with count_slices, any line but "idle" (a redraw after a slice of
        work counts as the answer to the key that started it)."""
        self.timeout, self.count_slices = timeout, count_slices
        self.log = tempfile.mktemp()
        self.res = {}
        self.final = None    # the timing lines once it has quit
        self.t_exec = time.time()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                              ESCDELAY="25", TATRACE_UI_TIMING=self.log)
            os.execv(tat, [tat, "ui", "-d", store])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def drain(self):
        while select.select([self.fd], [], [], 0)[0]:
            try:
                os.read(self.fd, 1 << 16)
            except OSError:
                return

    def lines(self):
        if self.final is not None:
            return self.final
        try:
            return open(self.log).read().split("\n")[:-1]
        except FileNotFoundError:
            return []

    def keys(self):
        if self.count_slices:
            return [l for l in self.lines() if not l.startswith("idle")]
        return [l for l in self.lines() if l.startswith(("key", "first"))]

    def slices(self):
        return [float(l.split()[2]) for l in self.lines() if l.startswith("slice")]

    def idles(self):
        return [l for l in self.lines() if l.startswith("idle")]

    def wait_n(self, n, of=None):
        """Until of() (keys by default) has n lines; exits on timeout."""
        of = of or self.keys
        end = time.time() + self.timeout
        while len(of()) < n:
            self.drain()
            if time.time() > end:
                raise SystemExit("timeout at %d lines: %r" % (len(self.lines()), self.lines()[-3:]))
            time.sleep(0.002)

    def wait_idle(self):
        """Until the work running now is done (one more "idle" line)."""
        self.wait_n(len(self.idles()) + 1, of=self.idles)

    def key(self, name, k):
        """Send k, wait for its redraw, file its ms under name."""
        n = len(self.keys())
        os.write(self.fd, k)
        self.wait_n(n + 1)
        ms = float(self.keys()[-1].split()[2])
        self.res.setdefault(name, []).append(ms)
        return ms

    def typed(self, name, text):
        for ch in text:
            self.key(name, bytes([ch]))

    def quit(self):
        """Q, reap it; its exit status. Its timing lines stay readable."""
        os.write(self.fd, b"Q")
        _, status = os.waitpid(self.pid, 0)
        self.final = self.lines()
        try:
            os.unlink(self.log)
        except FileNotFoundError:
            pass
        return status


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]
