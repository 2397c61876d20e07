#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check-debug`: the whole selftest suite, the KUnit suites and a
# kmemleak check in one guest of the debug kernel (KASAN, lockdep,
# kmemleak, KFENCE, UBSAN, debug objects; tools/debug-kernel/), which is
# built first when missing (about 30 minutes, cached for the machine).
# Same output as tools/check.sh: KTAP lines as they run, then one line
# "N passed, N failed[, N skipped]"; exits non-zero on any failure.  Any
# kernel report (tools/vm/log-patterns) fails the run and is shown.
#
#   tools/check-debug.sh
#   KDTLS_TESTS="attach cli" tools/check-debug.sh   (a subset of binaries)
#   KDTLS_DEBUG_TIMEOUT=secs (default 3600)    KDTLS_APPEND=kernel options
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/lib-check.sh
t0=$(date +%s)

# The reports that failed a run, from the kernel log: each from the line
# that matched tools/vm/log-patterns to its end marker, at most 200 lines
# and 5 s of log time (a report is printed in one burst).
show_reports() {	# KERNEL-LOG
	[ -f "$1" ] || return 0
	echo "# kernel reports in $1:"
	grep -vE '^(#|$)' tools/vm/log-patterns >"$1.patterns"
	grep -a -n -E -f "$1.patterns" "$1" | cut -d: -f1 |
	awk -v f="$1" '
		function ts(l) { return match(l, /^\[ *[0-9]+\.[0-9]+\]/) ? substr(l, 2, RLENGTH - 2) + 0 : -1 }
		BEGIN { while ((getline l < f) > 0) text[++n] = l }
		{
			if ($1 <= last) next
			t0 = ts(text[$1])
			for (i = $1; i <= n && i < $1 + 200; i++) {
				if (i > $1 && t0 >= 0 && ts(text[i]) > t0 + 5) { i--; break }
				print "#   " text[i]
				if (i > $1 && text[i] ~ /---\[ end trace|(^|\] )(=+|-+)$/) break
			}
			last = i
			if (++shown == 10) { print "#   (more reports follow in the log)"; exit }
		}'
	rm -f "$1.patterns"
}

if ! dir=$(tools/debug-kernel/build.sh); then
	check_result fail "debug kernel: build"
	check_summary
	exit 1
fi
rel=$(cat "$dir/.complete")
echo "# debug kernel $rel ($dir)"

# W=1 -Werror as for the Debian kernels; dtls_kunit.ko comes along.
mod=$top/build/mod-debug/net/dtls
if tools/build-module.sh "$dir" >/dev/null; then
	check_result ok "build: dtls.ko and dtls_kunit.ko, W=1 ($rel)"
else
	check_result fail "build: dtls.ko and dtls_kunit.ko, W=1 ($rel)"
	check_summary
	exit 1
fi
# Without dtls_kunit.ko the guest runs no suite: each of
# selftests/manifest then fails as "did not run".
kunit=
if [ -f "$mod/tests/dtls_kunit.ko" ]; then
	kunit=$mod/tests/dtls_kunit.ko
else
	echo "# no $mod/tests/dtls_kunit.ko: no KUnit suite will run"
fi

# Kernel options: pci=noacpi, as under TCG and KASAN the firmware's PCI
# routing method (_PRT) runs into ACPI's loop time-out, half a minute of
# the boot (acpi=off would leave no way to power the guest off).  no5lvl:
# with -cpu max, 6.12 boots with 5-level paging and KASAN now and then
# takes an early interrupt during identify_cpu() for a wild access.
# kdtls.9p=cache=loose (tools/vm/init): each exec over uncached 9p costs
# seconds on this kernel (python3 8 s, insmod 4 s), more than the
# harness's 30 s allows some tests.
log=$top/build/check-debug.log
KDTLS_KEEP_LOG=1 \
KDTLS_APPEND="pci=noacpi no5lvl kdtls.9p=cache=loose ${KDTLS_APPEND:-}" \
tools/vm/run -k "$dir" -t "${KDTLS_DEBUG_TIMEOUT:-3600}" -q '-m 4G' \
	-m "$mod/dtls.ko" -M veth,sch_netem -- \
	env KDTLS_MODULE="$mod/dtls.ko" KDTLS_KUNIT="$kunit" \
	tools/debug-kernel/guest.sh ${KDTLS_TESTS:-} 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
klog=$(sed -n 's/^runner: kernel log: \([^ ]*\).*/\1/p' "$log" | tail -n1)
check_guest_status "$rc" "$log" "guest debug" \
	"no KASAN, lockdep, UBSAN, KFENCE or other report, no time-out, exit 0"
[ "$rc" -eq 124 ] && show_reports "$klog"
check_guest_log "$log" "guest debug" debug "${KDTLS_TESTS:-}"
# The kernel log is kept when anything failed.
if [ "$rc" -eq 0 ] && [ -n "$klog" ]; then
	rm -f "$klog"
elif [ -n "$klog" ]; then
	echo "# kernel log: $klog"
fi
echo "# check-debug took $(( ($(date +%s) - t0) / 60 )) min"
check_summary
