#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (tools/vm/run): every selftest binary in order, their
# KTAP output on stdout.  KDTLS_MODULE must name the loaded dtls.ko file.
# Usage: selftests/run.sh [test ...]   (default: all, in Makefile order)
cd "$(dirname "$0")/.." || exit 1
tests=${*:-$(sed -n 's/^TESTS := //p' selftests/Makefile)}
rc=0
for t in $tests; do
	echo "# selftest: $t"
	"selftests/out/$t" || rc=1
done
exit $rc
