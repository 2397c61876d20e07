#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot a 6.12 guest with the freshly built dtls.ko and show a
# UDP socket attached, listed by `dtls show`, echoing plain UDP, detached
# on close.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${KDTLS_DEMO_KERNEL:-6.12}
abi=$(tools/kver.sh "$k")
ko=build/mod/$abi/net/dtls/dtls.ko
echo "== booting a $abi guest (QEMU, TCG) with $ko loaded"
tools/vm/run -k "$k" -m "$ko" -- sh -c '
	echo "$ uname -r; lsmod | grep dtls"; uname -r; lsmod | grep "^dtls"
	echo "$ dtls version"; tools/out/dtls version
	echo "$ attach-demo"; tools/out/attach-demo tools/out/dtls
	echo "$ cat /sys/module/dtls/refcnt   # one per attached socket"
	sleep 0.2; cat /sys/module/dtls/refcnt'
echo "== demo done"
