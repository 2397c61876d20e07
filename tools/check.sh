#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check` after the build: style checks, then the whole selftest suite
# in a guest of each kernel.  Prints every test's KTAP line as it runs and
# ends with one line "N passed, N failed[, N skipped]"; exits non-zero on
# any failure.
#
#   tools/check.sh [KERNEL...]      (default: 6.12 6.1)
#   KDTLS_TESTS="attach cli" tools/check.sh 6.12   (a subset of binaries)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernels=${*:-6.12 6.1}
pass=0 fail=0 skip=0
failed=()

result() {	# result ok|fail NAME
	if [ "$1" = ok ]; then
		pass=$((pass + 1)); echo "ok - $2"
	else
		fail=$((fail + 1)); failed+=("$2"); echo "not ok - $2"
	fi
}

# Style: checkpatch over all our kernel sources, generated ones and the
# KUnit suites included.
cp=build/linux-source-6.12/scripts/checkpatch.pl
if out=$(perl "$cp" --no-tree --terse --show-types -f \
		net/dtls/*.[ch] net/dtls/tests/*.[ch] include/uapi/linux/*.h 2>&1) &&
   ! grep -qE 'ERROR|WARNING' <<<"$out"; then
	result ok "lint: checkpatch"
else
	echo "$out" | grep -E 'ERROR|WARNING|CHECK'
	result fail "lint: checkpatch"
fi

# Sparse (C=2) and W=1 -Werror, for every kernel.
for k in $kernels; do
	if tools/build-module.sh --sparse "$k" >/dev/null; then
		result ok "lint: sparse and W=1 ($k)"
	else
		result fail "lint: sparse and W=1 ($k)"
	fi
done

# The suite, once per kernel.
for k in $kernels; do
	abi=$(tools/kver.sh "$k") || { result fail "guest $k: no kernel"; continue; }
	ko=$top/build/mod/$abi/net/dtls/dtls.ko
	log=$top/build/check-$k.log
	echo "# kernel $k ($abi)"
	tools/vm/run -k "$k" -t 1500 -m "$ko" -M veth,sch_netem -- \
		env KDTLS_MODULE="$ko" selftests/run.sh ${KDTLS_TESTS:-} 2>&1 |
		tee "$log"
	rc=${PIPESTATUS[0]}
	# Harness result lines ("ok 3 fixture.variant.test", "# SKIP" suffix).
	p=$(grep -cE '^ok [0-9]+ ' "$log")
	s=$(grep -E '^ok [0-9]+ ' "$log" | grep -c '# SKIP')
	f=$(grep -cE '^not ok [0-9]+ ' "$log")
	planned=$(awk '/^1\.\.[0-9]+$/ { n += substr($0, 4) } END { print n + 0 }' "$log")
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	while read -r line; do failed+=("$k: ${line#not ok }"); done \
		< <(grep -E '^not ok [0-9]+ ' "$log")
	# Tests that never reported (a crash, a hang) count as failed.
	missing=$(( ${planned:-0} - p - f ))
	if [ "$missing" -gt 0 ]; then
		fail=$((fail + missing)); failed+=("$k: $missing tests never reported")
	fi
	# The runner exits 124 on a kernel warning, oops, report or time-out,
	# even if every test passed: that is one more failure.
	if [ "$rc" -eq 124 ]; then
		result fail "guest $k: kernel log clean, no time-out"
	else
		result ok "guest $k: kernel log clean, no time-out"
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	echo "# failed:"
	printf '#   %s\n' "${failed[@]}"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
