#!/bin/sh
# make bench: generate 1,000,000-record CCM and SMS files and measure, in
# one run, the baselines (cat, grep -c, lnav when installed) against
# tatrace ingest (fresh store, then unchanged re-ingest); then a demo
# bundle's ingest (the default thread count, two and one;
# BENCH_INGEST_THREADS picks others) beside lnav at 1M records and, with
# BENCH_10M=1, at 10M (tests/bench/bundle_ingest.py); then the trace
# benchmark and the merged-log benchmark (tatrace log and log --grep
# against cat and grep -c over the same files; BENCH_LOG_RECORDS sizes it,
# 0 skips it); then the live-follow latency (write of a push and its
# receipt until the trace shows; BENCH_FOLLOW_RECORDS, 0 skips it); then
# the cost per number of files (BENCH_MANYFILES sizes it, 0 skips it);
# then the incremental update after appends to one client log against
# the full rebuild (tests/bench/incremental.py); with
# BENCH_TRACEMEM_ACTIONS=1000000 (opt-in: minutes) the trace rebuild's
# time and peak RSS at that many traces (tests/bench/tracemem.py).
# Figures are meaningful as ratios to the baselines of the
# same run.
set -eu
T=${TATRACE:?}
B=${BUILD:-build}
N=${BENCH_RECORDS:-1000000}
dir=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$dir"' EXIT
here=$(cd "$(dirname "$0")" && pwd)

"$B/tools/gen_bench" ccm "$N" "$dir/CcmNotificationAgent.log"
"$B/tools/gen_bench" sms "$N" "$dir/BgbServer.log"
python3 "$here/bench/measure.py" "$T" "$dir" "$N" "$here/bench/lnav-cmtrace-format.json"
# A whole demo bundle beside lnav opening its files: 1M records, and 10M
# when BENCH_10M=1 (long; BENCH_10M_BUNDLE names an existing one to read).
python3 "$here/bench/bundle_ingest.py" "$T" 1000000 10000
[ "${BENCH_10M:-0}" = 0 ] || python3 "$here/bench/bundle_ingest.py" "$T" 10000000 100000 ${BENCH_10M_BUNDLE:+"$BENCH_10M_BUNDLE"}
python3 "$here/bench/traces.py" "$T" "${BENCH_TRACE_RECORDS:-10000000}" "${BENCH_TRACE_ACTIONS:-100000}"
L=${BENCH_LOG_RECORDS:-2000000}
[ "$L" -eq 0 ] || python3 "$here/bench/logspeed.py" "$T" "$L"
python3 "$here/bench/ui_timeline.py" "$T" "${BENCH_PUSH_CLIENTS:-500}"
F=${BENCH_FOLLOW_RECORDS:-1000000}
[ "$F" -eq 0 ] || python3 "$here/bench/follow.py" "$T" "$F"
[ "$F" -eq 0 ] || python3 "$here/bench/grow.py" "$T" "$F"
python3 "$here/bench/manyfiles.py" "$T"
python3 "$here/bench/incremental.py" "$T" "${BENCH_TRACE_RECORDS:-10000000}" "${BENCH_TRACE_ACTIONS:-100000}"
M=${BENCH_TRACEMEM_ACTIONS:-0}
[ "$M" -eq 0 ] || python3 "$here/bench/tracemem.py" "$T" "${BENCH_TRACEMEM_RECORDS:-10000000}" "$M"
[ "${BENCH_DENSE_RECORDS:-400000}" -eq 0 ] || python3 "$here/bench/dense.py" "$T" "${BENCH_DENSE_RECORDS:-400000}" "${BENCH_DENSE_ACTIONS:-10000}" "${BENCH_DENSE_CLIENTS:-500}"
