#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check` after the build: style checks, `dkms build` for each kernel,
# then the whole selftest suite in a guest of each kernel (Debian's 6.12
# and 6.1, and the newest 7.x of trixie-backports).  Prints every test's KTAP line as it runs and
# ends with one line "N passed, N failed[, N skipped]"; exits non-zero on
# any failure: a failed test, a non-zero guest status, and anything
# selftests/manifest expects that did not run (tools/lib-check.sh).
#
#   tools/check.sh [KERNEL...]      (default: 6.12 6.1 7)
#   KDTLS_TESTS="attach cli" tools/check.sh 6.12   (a subset of binaries,
#                                   only these held to the manifest)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernels=${*:-6.12 6.1 7}
. tools/lib-check.sh

# Style: checkpatch over all our kernel sources, generated ones and the
# KUnit suites included.
cp=build/linux-source-6.12/scripts/checkpatch.pl
# trace.h is laid out as the kernel's own trace headers are (TRACE_EVENT's
# TP_* arguments, one per line), which two of checkpatch's style checks
# flag in every event; only those two are left out, for it alone.
if out=$(perl "$cp" --no-tree --terse --show-types -f \
		$(ls net/dtls/*.[ch] | grep -v '^net/dtls/trace\.h$') \
		net/dtls/generated/*.[ch] net/dtls/tests/*.[ch] include/uapi/linux/*.h 2>&1) &&
   out2=$(perl "$cp" --no-tree --terse --show-types \
		--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT -f net/dtls/trace.h 2>&1) &&
   ! grep -qE 'ERROR|WARNING' <<<"$out$out2"; then
	check_result ok "lint: checkpatch"
else
	echo "$out${out2:-}" | grep -E 'ERROR|WARNING|CHECK'
	check_result fail "lint: checkpatch"
fi

# Sparse (C=2) and W=1 -Werror, for every kernel.
for k in $kernels; do
	if tools/build-module.sh --sparse "$k" >/dev/null; then
		check_result ok "lint: sparse and W=1 ($k)"
	else
		check_result fail "lint: sparse and W=1 ($k)"
	fi
done

# DKMS (dkms.conf): `dkms build` for every kernel, in a private tree under
# build/dkms/ (7.x in its chroot).  The 6.12 guest then loads the module
# DKMS built, so what kdtls-dkms installs is what the suite tests there.
declare -A dkms_ko
for k in $kernels; do
	if ko=$(tools/dkms.sh build "$k"); then
		dkms_ko[$k]=$ko
		check_result ok "dkms build ($k)"
	else
		check_result fail "dkms build ($k)"
	fi
done

# The packages: make deb (lintian clean at its default level), then
# installed in a bookworm chroot, DKMS building the module there, and used
# in a 6.12 guest with nothing from the build tree (tools/pkg-test.sh).
case " $kernels " in
*" 6.12 "*)
	if tools/deb.sh >/dev/null &&
	   tools/pkg-test.sh build/deb >build/check-pkg.log 2>&1; then
		check_result ok "packages: make deb, lintian, installed, DKMS's module loaded, a handshake with the installed tools (6.12)"
	else
		tail -n 30 build/check-pkg.log 2>/dev/null
		check_result fail "packages: make deb, lintian, installed, DKMS's module loaded, a handshake with the installed tools (6.12)"
	fi ;;
esac

# The pure pieces in user space: every fuzz corpus and reproducer
# replayed, p256.c's group checked against OpenSSL's on the way.
if make -s -C fuzz regress; then
	check_result ok "fuzz-regress: corpora and reproducers"
else
	check_result fail "fuzz-regress: corpora and reproducers"
fi

# The suite, once per kernel, the guests side by side: much of a guest's
# time is spent in timers (retransmissions, netem, time-outs), so the
# three run in little more than the time of one (24.5 minutes against 23
# for two, on two cores).  KDTLS_GUEST_JOBS=N runs at most N at a time
# (1: one after the other).  Each guest's output is shown whole, in order.
declare -A guest_pid
started=0
for k in $kernels; do
	abi=$(tools/kver.sh "$k") || continue
	ko=$top/build/mod/$abi/net/dtls/dtls.ko
	[ "$k" = 6.12 ] && [ -n "${dkms_ko[$k]:-}" ] && ko=${dkms_ko[$k]}
	log=$top/build/check-$k.log
	if [ "${KDTLS_GUEST_JOBS:-3}" -le "$started" ]; then
		wait -n 2>/dev/null
		started=$((started - 1))
	fi
	: >"$log"
	(
		tools/vm/run -k "$k" -t "${KDTLS_GUEST_TIMEOUT:-2700}" -m "$ko" \
			-M veth,sch_netem -- \
			env KDTLS_MODULE="$ko" selftests/run.sh ${KDTLS_TESTS:-} \
			>"$log" 2>&1 </dev/null
		echo $? >"$log.rc"
	) &
	guest_pid[$k]=$!
	started=$((started + 1))
done
for k in $kernels; do
	abi=$(tools/kver.sh "$k") || { check_result fail "guest $k: no kernel"; continue; }
	log=$top/build/check-$k.log
	echo "# kernel $k ($abi)"
	tail -n +1 -f --pid="${guest_pid[$k]}" "$log"
	wait "${guest_pid[$k]}"
	rc=$(cat "$log.rc" 2>/dev/null || echo 2)
	rm -f "$log.rc"
	# Any non-zero status fails, named: 124 a kernel warning, oops,
	# report or time-out (even if every test passed), 125 the module
	# did not load, 2 the runner died, 1 a binary failed.  First, as
	# it is the cause of what the manifest then finds missing.
	check_guest_status "$rc" "$log" "guest $k" "kernel log clean, no time-out, exit 0"
	check_guest_log "$log" "guest $k" "$k" "${KDTLS_TESTS:-}"
done

check_summary
