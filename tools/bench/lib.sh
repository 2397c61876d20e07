# SPDX-License-Identifier: GPL-2.0
# tools/bench/lib.sh - what the benchmark scripts share (run.sh, hs-run.sh,
# listen-run.sh); sourced, not run.
#
#   bench_init                 find the tree and the icount plugin's sources,
#                              cd to the top of the tree (sets $top, $icount)
#   bench_build                build the plugin, dtls.ko and the benchmark
#                              programs (sets $plugin, $ko)
#   bench_guest NAME PROG ARGS run tools/out/PROG ARGS in ONE guest with one
#                              vCPU and the plugin; the SPAN lines must pair
#                              with the plugin's icount lines (sets $out, $err,
#                              $report: build/bench/NAME-<stamp>.{out,err,md})
#   bench_spans                the SPAN lines, each followed by its icount
#                              line's fields
#   bench_about PROG           "kernel|OpenSSL" from the program's first line
#   bench_qemu                 "QEMU x.y.z"
#
# Settings (set before bench_guest): kernel (6.12; $BENCH_KERNEL, e.g. 7,
# overrides it), smp (1), mem (the
# guest's memory, QEMU's -m; empty: tools/vm/run's default), guest_mods
# (modules modprobe'd first), append (extra kernel command line), guest_env
# (VAR=value words for the program's environment).  The guest's progress
# lines (span, memory, progress) are shown as it runs.
#
# The guest gets aesni_intel and ghash_clmulni_intel loaded before the
# benchmark, as udev loads them at boot on any machine whose CPU has
# AES-NI/PCLMULQDQ (their CPU modaliases); the guest has no udev, and
# without them gcm(aes) is built from aes-generic.

kernel=${BENCH_KERNEL:-6.12}
guest_mods=aesni_intel,ghash_clmulni_intel
# 7.x's aesni_intel has GHASH's CLMUL code too.
case $kernel in 7*) guest_mods=aesni_intel ;; esac
smp=1
mem=
append=
guest_env=

say() { echo "bench: $*" >&2; }
die() { say "ERROR: $*"; exit 2; }

bench_init() {
	top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) ||
		die "not in a git checkout"
	icount=$top/../shared/tools/icount
	if [ ! -x "$icount/build.sh" ] || [ ! -f "$icount/mark.h" ]; then
		die "$icount/build.sh and mark.h not found: the shared tools are expected in ../shared next to the repository ($top)"
	fi
	icount=$(cd "$icount" && pwd)
	cd "$top"
}

bench_build() {
	say "building the icount plugin, dtls.ko ($kernel) and the benchmarks"
	plugin=$("$icount/build.sh" "$top/build/icount" | tail -n1)
	[ -f "$plugin" ] || die "icount plugin not built (got '$plugin')"
	ko=$(tools/build-module.sh "$kernel" | tail -n1)
	[ -f "$ko" ] || die "dtls.ko not built (got '$ko')"
	make -s -C tools/bench ICOUNT="$icount"
}

bench_guest() {
	local name=$1 prog=$2 stamp rc nspan nicount
	shift 2

	mkdir -p build/bench
	stamp=$(date -u +%Y%m%d-%H%M%S)
	out=build/bench/$name-$stamp.out
	err=build/bench/$name-$stamp.err
	report=build/bench/$name-report-$stamp.md
	say "running in a $kernel guest, -smp $smp${mem:+, -m $mem}, plugin $plugin (progress below)"
	set +e
	KDTLS_APPEND="${KDTLS_APPEND:-} $append" \
	tools/vm/run -k "$kernel" -t 1800 -q "-smp $smp ${mem:+-m $mem} -plugin $plugin" \
		-M "$guest_mods" -m "$ko" -- env $guest_env "tools/out/$prog" "$@" \
		2>"$err" | tee "$out" | grep --line-buffered '^span \|^memory\|^progress' >&2
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		grep -v '^icount:' "$err" >&2 || true
		tail -n 20 "$out" >&2
		die "the guest run failed (status $rc); output in $out and $err"
	fi
	nspan=$(grep -c '^SPAN ' "$out" || true)
	nicount=$(grep -c '^icount: ' "$err" || true)
	if [ "$nspan" = 0 ] || [ "$nspan" != "$nicount" ]; then
		die "$nspan spans but $nicount icount lines (is the plugin loaded?); see $out, $err"
	fi
}

# The N-th icount line is span N.
bench_spans() {
	grep '^icount: ' "$err" | sed 's/^icount: //' |
		paste -d' ' <(grep '^SPAN ' "$out") -
}

bench_about() {
	sed -n "s/^$1: kernel \([^,]*\), \(.*\), [0-9]* CPU(s).*/\1|\2/p" \
		"$out" | head -n1
}

bench_qemu() {
	qemu-system-x86_64 --version | head -n1 |
		sed 's/^QEMU emulator version /QEMU /'
}
