#!/usr/bin/env python3
"""seeds.py TARGET DIR - write a seed corpus for a fuzz target from the
test fixtures: parse gets the logs as they are, bundle gets .zip, .tar and
.tar.gz archives of the fixture bundles (with colliding entry names), and
correlate gets each bundle's messages in its input language (per line: a
log-selector byte, a clock step, a bias byte, the message), and blocktext
gets each log as a block's text to encode (odd first byte) and stored raw
(even first byte; its compressed seeds are kept inputs, as Python has no
LZ4)."""
import io, os, re, struct, sys, tarfile, zipfile, warnings

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, '..', 'fixtures')
target, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
warnings.simplefilter('ignore')


def bundles():
    """(name, [(relative path, bytes)]) of every fixture bundle."""
    roots = [os.path.join(fixtures, 'bundle'), os.path.join(fixtures, 'statuses')]
    for sub in ('findings',):
        d = os.path.join(fixtures, sub)
        roots += [os.path.join(d, k) for k in sorted(os.listdir(d))]
    for root in roots:
        files = []
        for dirpath, _, names in sorted(os.walk(root)):
            for n in sorted(names):
                if n.lower().endswith(('.log', '.lo_')):
                    p = os.path.join(dirpath, n)
                    files.append((os.path.relpath(p, root), open(p, 'rb').read()))
        if files:
            yield os.path.basename(root), files


def write(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)


ROLE = [('cmgatewaynotificationworker', 0), ('bgbserver', 1),
        ('ccmnotificationagent', 3)]
MSG = re.compile(rb'<!\[LOG\[(.*?)\]LOG\]!>', re.S)


def selector(path):
    low = path.lower()
    for stem, sel in ROLE:
        if stem in low:
            if sel == 3:   # clients: CL01, CL02, CL03 by folder
                host = path.split(os.sep)[0]
                sel = 3 + sum(host.encode()) % 2 * 3
            return sel
    return None


for name, files in bundles():
    if target == 'parse':
        for i, (p, data) in enumerate(files):
            write('%s-%d' % (name, i), data[:65536])
    elif target == 'bundle':
        z = io.BytesIO()
        with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as zf:
            for p, data in files:
                zf.writestr(p, data[:8192])
            if files:
                zf.writestr(files[0][0].replace('/', '\\'), b'again\n')
        write(name + '.zip', z.getvalue())
        for mode, ext in (('w', '.tar'), ('w:gz', '.tar.gz')):
            t = io.BytesIO()
            with tarfile.open(fileobj=t, mode=mode) as tf:
                for p, data in files:
                    ti = tarfile.TarInfo(p)
                    ti.size = len(data[:8192])
                    tf.addfile(ti, io.BytesIO(data[:8192]))
            write(name + ext, t.getvalue())
    elif target == 'correlate':
        lines = []
        # the lanes in the order an action crosses them
        for p, data in sorted(files, key=lambda f: selector(f[0]) or 0):
            sel = selector(p)
            if sel is None:
                continue
            if data[:2] in (b'\xff\xfe', b'\xfe\xff'):
                data = data.decode('utf-16').encode()
            msgs = [m.group(1) for m in MSG.finditer(data)]
            if not msgs:   # SMS: the message ends at "  $$<" (~~ before it)
                text = b''
                for ln in data.splitlines():
                    text += ln + b' '
                    if b'$$<' in ln:
                        msgs.append(re.split(rb'(?:~~)?  \$\$<', text)[0])
                        text = b''
            for msg in msgs:
                lines.append(bytes([sel, 3, 1]) + msg.replace(b'\n', b' ')[:400])
        if lines:
            write(name, b'\n'.join(lines) + b'\n')
    elif target == 'blocktext':
        for i, (p, data) in enumerate(files):
            data = data[:65000]
            write('%s-%d-encode' % (name, i), b'\x01\x07' + data)
            write('%s-%d-raw' % (name, i),
                  b'\x00' + b'\x00' + struct.pack('<I', len(data)) + data)
    else:
        sys.exit('seeds.py: no seeds for target ' + target)
