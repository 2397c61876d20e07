#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (tools/vm/run): every selftest binary in order, their
# KTAP output on stdout.  KDTLS_MODULE must name the loaded dtls.ko file.
# Usage: selftests/run.sh [test ...]   (default: all, in Makefile order)
#
# Each binary's output is framed for tools/lib-check.sh, which checks it
# against selftests/manifest:
#   # selftest: NAME
#   ...its KTAP output...
#   # selftest: NAME exit STATUS [(why)]
# A binary that is missing or cannot be executed still gets both lines,
# with its status (127, 126) and the reason.
cd "$(dirname "$0")/.." || exit 1
tests=${*:-$(sed -n 's/^TESTS := //p' selftests/Makefile)}
rc=0
# A test lowers net.ipv4.udp_mem for a moment; one killed meanwhile
# must not starve the binaries after it.
udp_mem=$(cat /proc/sys/net/ipv4/udp_mem 2>/dev/null)
for t in $tests; do
	echo "# selftest: $t"
	bin=selftests/out/$t
	if [ ! -e "$bin" ]; then
		s=127 why="(not found: $bin)"
	elif [ ! -x "$bin" ]; then
		s=126 why="(not executable: $bin)"
	else
		"$bin"
		s=$?
		why=
		case $s in
		126|127) why="(cannot execute $bin)" ;;
		*) [ "$s" -gt 128 ] && why="(killed by signal $((s - 128)))" ;;
		esac
	fi
	[ -z "$udp_mem" ] || echo "$udp_mem" >/proc/sys/net/ipv4/udp_mem
	echo "# selftest: $t exit $s${why:+ $why}"
	[ "$s" -eq 0 ] || rc=1
done
exit $rc
