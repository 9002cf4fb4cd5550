#!/bin/sh
# run.sh SECONDS TARGET... - run each libFuzzer target of build-fuzz/fuzz/
# for SECONDS over a corpus seeded from the fixtures and the kept inputs
# (tests/fixtures/fuzz/TARGET/), then print its inputs per second and what
# it found. A crash stops that target and leaves build-fuzz/crash-TARGET-*;
# keep it (minimised) under tests/fixtures/fuzz/TARGET/ once fixed.
set -u
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
status=0
for t in "$@"; do
	corpus=build-fuzz/corpus/$t
	mkdir -p "$corpus"
	python3 "$here/seeds.py" "$t" "$corpus"
	[ -d "tests/fixtures/fuzz/$t" ] && cp tests/fixtures/fuzz/"$t"/* "$corpus"/ 2>/dev/null
	log=build-fuzz/fuzz-$t.log
	build-fuzz/fuzz/fuzz_"$t" -max_total_time="$secs" -max_len=65536 \
		-print_final_stats=1 -artifact_prefix=build-fuzz/crash-"$t"- \
		"$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$t: ${runs:-?} inputs in ${secs} s, ${rate:-?}/s, $cov, nothing found"
	else
		echo "fuzz_$t: FOUND something after ${runs:-?} inputs (exit $rc): see $log"
		grep -m3 -E 'ERROR|SUMMARY|Test unit written' "$log" | sed 's/^/    /'
		status=1
	fi
done
exit $status
