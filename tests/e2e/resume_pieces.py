#!/usr/bin/env python3
"""resume_pieces.py CASE DIR: write DIR/piece.0 .. piece.N, the pieces a
CcmNotificationAgent.log grows by (piece.0 is over 64 KiB, so that a
grown file may be read on from its old end). Deterministic (seeded).

CASE: utf8 (cut at random characters, half lines too), bom (the same
after a UTF-8 BOM), badbyte (utf8 whose piece 3 brings a byte that is
not UTF-8), bombad (the same after a BOM), utf16 (UTF-16LE with BOM, cut at random code units),
utf16le and utf16be (with BOM, cut at random bytes: half code units, and
one cut between the halves of a surrogate pair), cp1252 (Windows-1252
from byte 0, cut at random bytes), psadt (utf8 whose first 300 records
are PSAppDeployToolkit's, which reads its time offsets the other way
round: the later ones do not say so)."""
import os
import random
import sys

case, out = sys.argv[1], sys.argv[2]
rng = random.Random(8)


def record(i):
    s = i % 60
    m = 35 + i // 60 % 20
    t = '20:%02d:%02d.%03d-60' % (m, s, i % 1000)
    kind = i % 3
    if kind == 0:
        msg = ('Receive task from server with pushid=%d, taskid=%d, '
               'taskguid=A43DD1B3-A006-4604-B012-%012d, tasktype=1 and '
               'taskParam=' % (i, i + 1, i))
    elif kind == 1:
        msg = ('Send Task response message <BgbResponseMessage TimeStamp='
               '"2026-09-25T19:35:06Z"><PushID>%d</PushID><TaskID>%d'
               '</TaskID><ReturnCode>1</ReturnCode></BgbResponseMessage> '
               'successfully.' % (i, i + 1))
    elif case in ('utf16le', 'utf16be') and i % 7 == 2:
        msg = 'Caf\u00e9 \U0001F600 task queue state %d:\r\n  done=1' % i
    else:
        msg = 'Caf\u00e9 task queue state %d:\r\n  pending=0\r\n  done=1' % i
    comp = 'Open-ADTSession' if case == 'psadt' and i < 300 else 'BgbAgent'
    return ('<![LOG[%s]LOG]!><time="%s" date="09-25-2026" component='
            '"%s" context="" type="1" thread="3720" file="">\r\n'
            % (msg, t, comp))


text = ''.join(record(i) for i in range(1200))
if case in ('utf16le', 'utf16be', 'cp1252'):
    # Cut the encoded bytes anywhere: odd offsets split a code unit; one
    # cut splits a surrogate pair (its high half ends a piece).
    codec = {'utf16le': 'utf-16-le', 'utf16be': 'utf-16-be',
             'cp1252': 'cp1252'}[case]
    raw = text.replace('\u00e9', '\u00e9\u20ac').encode(codec)
    if case != 'cp1252':
        raw = (b'\xff\xfe' if case == 'utf16le' else b'\xfe\xff') + raw
    first = 140000 if case != 'cp1252' else 70000
    cuts = set(rng.sample(range(first + 1, len(raw)), 13))
    if case != 'cp1252':
        pair = raw.index('\U0001F600'.encode(codec), first + 1000)
        cuts.add(pair + 2)
    bounds = [0, first] + sorted(cuts) + [len(raw)]
    os.makedirs(out, exist_ok=True)
    for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
        with open(os.path.join(out, 'piece.%d' % n), 'wb') as f:
            f.write(raw[a:b])
    sys.exit(0)
first = 70000 if case != 'utf16' else 40000     # chars: > 64 KiB of bytes
cuts = sorted(rng.sample(range(first + 1, len(text)), 14))
bounds = [0, first] + cuts + [len(text)]
pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
os.makedirs(out, exist_ok=True)
for n, p in enumerate(pieces):
    if case == 'utf16':
        raw = p.encode('utf-16-le')
        if n == 0:
            raw = b'\xff\xfe' + raw
    else:
        raw = p.encode('utf-8')
        if n == 0 and case in ('bom', 'bombad'):
            raw = b'\xef\xbb\xbf' + raw
        if n == 3 and case in ('badbyte', 'bombad'):
            raw = raw[:10] + b'\xff' + raw[10:]
    with open(os.path.join(out, 'piece.%d' % n), 'wb') as f:
        f.write(raw)
