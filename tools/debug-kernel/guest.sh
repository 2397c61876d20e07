#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug-kernel guest (tools/check-debug.sh), in one boot:
#   1. the selftests (selftests/run.sh, the same binaries as `make check`);
#   2. the KUnit suites of dtls_kunit.ko, from /sys/kernel/debug/kunit/;
#   3. kmemleak: scans with dtls.ko loaded, then after rmmod, and fails
#      on a leak whose allocation backtrace is in our modules.
# Everything as KTAP result lines on stdout ("ok N name", "1..N").
#
#   env KDTLS_MODULE=dtls.ko [KDTLS_KUNIT=dtls_kunit.ko] guest.sh [test...]
set -u
cd "$(dirname "$0")/../.." || exit 1
dbg=/sys/kernel/debug
kml=$dbg/kmemleak
scratch=$(mktemp -d)
rc=0

# Leaks of the boot are not ours: scan once and mark what is found as
# known ("clear"), so that later scans only report what the tests leaked.
if [ -w "$kml" ]; then
	echo scan >"$kml" && echo clear >"$kml"
fi

# ---------------------------------------------------------------- selftests
selftests/run.sh "$@" || rc=1

dtls_loaded() { [ -d /sys/module/dtls ]; }

# ---------------------------------------------------------------- KUnit
# Each suite's results file is KTAP with the test cases one level down;
# print them flat ("ok 2 suite.case"), diagnostics as comments.
ktap_flat() {	# SUITE < results
	awk -v suite="$1" '
		/^    1\.\.[0-9]+$/ { plan = substr($0, 8); next }
		/^    (not )?ok [0-9]+ / {
			line = substr($0, 5); bad = (line ~ /^not /)
			sub(/^(not )?ok [0-9]+ /, "", line)
			out[++m] = (bad ? "not ok " : "ok ") (++n) " " suite "." line
			next
		}
		/^ +/ && !/^ +(KTAP version|# Subtest:)/ {
			sub(/^ +/, ""); sub(/^# /, ""); out[++m] = "# " $0
		}
		END {
			print "1.." (plan == "" ? n : plan)
			for (i = 1; i <= m; i++) print out[i]
		}'
}

if [ -n "${KDTLS_KUNIT:-}" ]; then
	echo "# kunit: $(basename "$KDTLS_KUNIT")"
	dtls_loaded || insmod "$KDTLS_MODULE"
	before=$(ls "$dbg/kunit" 2>/dev/null)
	if insmod "$KDTLS_KUNIT"; then
		for s in $(ls "$dbg/kunit"); do
			grep -qxF "$s" <<<"$before" && continue
			echo "# Subtest: $s"
			ktap_flat "$s" <"$dbg/kunit/$s/results" | tee "$scratch/k"
			grep -q '^not ok ' "$scratch/k" && rc=1
		done
		rmmod dtls_kunit || rc=1
	else
		printf '1..1\nnot ok 1 kunit.insmod %s\n' "$(basename "$KDTLS_KUNIT")"
		rc=1
	fi
fi

# ---------------------------------------------------------------- kmemleak
# Objects younger than 5 s are never reported, and a second scan drops
# most false positives (pointers only in registers or on a stack).
leak_scan() {	# OUT
	local t0=$SECONDS
	sleep 6
	echo scan >"$kml"
	sleep 1
	echo scan >"$kml"
	cat "$kml" >"$1"
	echo "# kmemleak: two scans in $((SECONDS - t0)) s"
}

# One block per leak ("unreferenced object ..." + its backtrace); ours
# when the backtrace is in dtls/dtls_kunit or in a module already
# unloaded (a bare address: %pS cannot name it any more).  The leaks
# reported are then marked known ("clear"), so that the next check only
# shows new ones.
leak_check() {	# N NAME
	local n=$1 name=$2 mine other
	leak_scan "$scratch/leaks"
	# One awk for all: each exec costs a second or so on this kernel.
	awk -v counts="$scratch/counts" '
		function flush() {
			if (blk == "") return
			if (ours) { k = ++mine; pfx = "# " } else { k = ++other; pfx = "# (no dtls frame) " }
			gsub(/\n/, "\n" pfx, blk)
			if (k <= 10) print pfx blk	# the first ten of each kind
			else if (k == 11) print pfx "(more)"
			blk = ""
		}
		/^unreferenced object / { flush(); blk = $0; ours = 0; next }
		blk != "" {
			blk = blk "\n" $0
			if ($0 ~ /\[dtls(_kunit)?\]$/ || $0 ~ /^ +(\[<[0-9a-f]+>\] )?0x[0-9a-f]+$/)
				ours = 1
		}
		END { flush(); print mine + 0, other + 0 > counts }' "$scratch/leaks"
	read -r mine other <"$scratch/counts"
	echo clear >"$kml"
	# These fail the run too (the kernel log's leak line), just not
	# this check: an skb we forgot has no dtls frame, for one.
	[ "$other" -gt 0 ] && echo "# kmemleak: $other leak(s) with no dtls frame (shown above)"
	if [ "$mine" -gt 0 ]; then
		echo "not ok $n kmemleak.$name # $mine leak(s) from dtls"
		rc=1
	else
		echo "ok $n kmemleak.$name"
	fi
}

echo "# kmemleak"
if [ ! -r "$kml" ]; then
	printf '1..1\nnot ok 1 kmemleak.available # no %s\n' "$kml"
	rc=1
else
	echo "1..2"
	if dtls_loaded; then
		leak_check 1 module_loaded
	else
		echo "ok 1 kmemleak.module_loaded # SKIP dtls not loaded"
	fi
	# Unloading frees what the module owns; whatever it forgot is
	# unreferenced now (its globals are gone).
	if dtls_loaded && ! rmmod dtls; then
		echo "not ok 2 kmemleak.after_rmmod # rmmod dtls failed"
		rc=1
	else
		leak_check 2 after_rmmod
	fi
fi

rm -rf "$scratch"
exit $rc
