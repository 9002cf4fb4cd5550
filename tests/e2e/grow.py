#!/usr/bin/env python3
"""grow.py SRC DST SEED STEPS STEP: write into DST the bundle SRC as it was
at STEP (0..STEPS) of a random growth: every log is cut at line ends into
pieces (UTF-16 logs at their two-byte line ends), each piece arriving at a
random step; some logs do not exist before their first piece. STEP STEPS
is the whole bundle. Same arguments, same bytes."""
import os, random, sys

src, dst, seed, steps, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])


def line_ends(data):
    nl, width = (b'\n\x00', 2) if data[:2] == b'\xff\xfe' else (b'\n', 1)
    ends, i = [], data.find(nl)
    while i >= 0:
        if i % width == 0:
            ends.append(i + width)
        i = data.find(nl, i + 1)
    return ends


for root, _, files in sorted(os.walk(src)):
    for name in sorted(files):
        if name == 'expected.json':
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, src)
        data = open(path, 'rb').read()
        rng = random.Random(f'{seed}:{rel}')
        # Prefixes ends[0] < ends[1] < ... (the last: the whole file), the
        # first there from step 0 (or, for some logs, from a later step),
        # each next one from a later step; all of it by step STEPS.
        ends = sorted(rng.sample(line_ends(data), min(len(line_ends(data)), rng.randint(0, 2 * steps))))
        ends = [e for e in ends if e < len(data)] + [len(data)]
        first = rng.randint(1, steps) if rng.random() < 0.3 else 0
        when = [first] + sorted(rng.randint(first, steps) for _ in ends[1:])
        when[-1] = min(when[-1], steps)
        have = 0
        for end, at in zip(ends, when):
            if at <= step:
                have = end
        out = os.path.join(dst, rel)
        if have == 0:
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        old = os.path.getsize(out) if os.path.exists(out) else -1
        if old != have:
            with open(out, 'wb') as f:
                f.write(data[:have])
