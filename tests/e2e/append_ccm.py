#!/usr/bin/env python3
"""append_ccm.py LOG N [push]: append N CcmNotificationAgent keep-alive
records one second after the log's last, in its encoding; with push, a
receipt of a new TaskGUID and its response among them. Also imported by
tests/bench/incremental.py (append(), with a fresh GUID per call).

append_ccm.py LOG --at 'MM-DD-YYYY HH:MM:SS' TEXT...: append one record
per TEXT, one second apart from that local time on (or after the log's
last with --at last), then three keep-alives: receipts and responses a
test writes (tests/e2e/test_findings_trace.sh)."""
import datetime, re, sys, uuid


def tail(path):
    """The log's encoding, its last record's local time and bias, and
    how many bytes of its end were read (append() derives a GUID from it)."""
    with open(path, 'rb') as f:
        utf16 = f.read(2) == b'\xff\xfe'
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 8192))
        raw = f.read()
    enc = 'utf-16-le' if utf16 else 'utf-8'
    if utf16 and len(raw) % 2:
        raw = raw[1:]
    t, bias, day = re.findall(r'time="(\d\d:\d\d:\d\d)\.\d+([+-]\d+)" date="([\d-]+)"',
                              raw.decode(enc, 'replace'))[-1]
    return enc, datetime.datetime.strptime(day + ' ' + t, '%m-%d-%Y %H:%M:%S'), bias, len(raw)


def record(text, when, bias):
    return ('<![LOG[%s]LOG]!><time="%s.000%s" date="%s" component="BgbAgent"'
            ' context="" type="1" thread="4868" file="bgbconnector.cpp:1172">\r\n'
            % (text, when.strftime('%H:%M:%S'), bias, when.strftime('%m-%d-%Y')))


def append_texts(path, at, texts):
    enc, last, bias, _ = tail(path)
    when = last if at == 'last' else datetime.datetime.strptime(at, '%m-%d-%Y %H:%M:%S')
    out = []
    for text in texts + ['Successfully sent keep-alive message to MP01.contoso.com.'] * 3:
        when += datetime.timedelta(seconds=1)
        out.append(record(text, when, bias))
    with open(path, 'ab') as f:
        f.write(''.join(out).encode(enc))


def append(path, n, push, guid=None):
    """Append the records; guid None: one derived from n and the log's
    tail, so a test's appends are reproducible."""
    enc, when, bias, nraw = tail(path)
    guid = guid or str(uuid.UUID(int=n * 7919 + nraw)).upper()
    out = []
    for i in range(n):
        when += datetime.timedelta(seconds=1)
        text = 'Successfully sent keep-alive message to MP01.contoso.com.'
        if push and i == n // 2:
            text = ('Receive task from server with pushid=990001, taskid=990002, '
                    'taskguid=%s, tasktype=1 and taskParam=' % guid)
        elif push and i == n // 2 + 1:
            text = ('Send Task response message <BgbResponseMessage TimeStamp="%s">'
                    '<PushID>990001</PushID><TaskID>990002</TaskID><ReturnCode>1'
                    '</ReturnCode></BgbResponseMessage> successfully.'
                    % when.strftime('%Y-%m-%dT%H:%M:%SZ'))
        out.append('<![LOG[%s]LOG]!><time="%s.000%s" date="%s" component="BgbAgent"'
                   ' context="" type="1" thread="4868" file="bgbconnector.cpp:1172">\r\n'
                   % (text, when.strftime('%H:%M:%S'), bias, when.strftime('%m-%d-%Y')))
    with open(path, 'ab') as f:
        f.write(''.join(out).encode(enc))


if __name__ == '__main__':
    if len(sys.argv) > 3 and sys.argv[2] == '--at':
        append_texts(sys.argv[1], sys.argv[3], sys.argv[4:])
    else:
        append(sys.argv[1], int(sys.argv[2]), len(sys.argv) > 3)
