#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SECONDS TARGET...   fuzz each target SECONDS from corpus/<t>/,
#                            merge new inputs back, print the figures
# run.sh regress TARGET...   replay corpus/<t>/ and regress/<t>/ only
#
# One fuzzer process at a time.  A crash leaves its input in
# build/crash-<t>-* and makes the exit status non-zero.  Each run's
# figures are appended to build/fuzz-stats.log (target, seconds,
# executions, cov, ft) for the README's sums.
set -u
cd "$(dirname "$0")"
B=build
mode=$1
shift
fail=0

if [ "$mode" = regress ]; then
	for t in "$@"; do
		files=$(find "corpus/$t" "regress/$t" -type f 2>/dev/null)
		[ -z "$files" ] && continue
		n=$(echo "$files" | wc -l)
		if "$B/${t}_fuzz" -runs=1 $files >"$B/regress-$t.log" 2>&1; then
			printf 'fuzz-regress: %-7s %5d inputs ok\n' "$t" "$n"
		else
			printf 'fuzz-regress: %-7s FAILED (%s)\n' "$t" \
				"$B/regress-$t.log"
			fail=1
		fi
	done
	exit $fail
fi

secs=$mode
printf '%-8s %12s %10s %8s %8s  %s\n' target executions exec/s cov ft result
for t in "$@"; do
	mkdir -p "corpus/$t"
	rm -rf "$B/new-$t"
	mkdir -p "$B/new-$t"
	log=$B/fuzz-$t.log
	"$B/${t}_fuzz" -max_total_time="$secs" -print_final_stats=1 \
		-rss_limit_mb=2048 -artifact_prefix="$B/crash-$t-" \
		"$B/new-$t" "corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	if [ $rc -eq 0 ]; then
		res=ok
		# Keep what adds coverage, and only that: a small corpus.
		"$B/${t}_fuzz" -merge=1 "corpus/$t" "$B/new-$t" \
			>"$B/merge-$t.log" 2>&1 || res="merge failed"
		echo "$t $secs ${execs:-0} ${cov:-0} ${ft:-0}" >>"$B/fuzz-stats.log"
	else
		res="CRASH ($log, $(ls $B/crash-$t-* 2>/dev/null | head -n 1))"
		fail=1
	fi
	printf '%-8s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${eps:-?}" \
		"${cov:-?}" "${ft:-?}" "$res"
done
exit $fail
