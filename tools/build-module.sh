#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build dtls.ko for each named kernel (6.12, 6.1 or an ABI string) against
# the matching Debian linux-headers package, each in its own output tree
# build/mod/<ABI>/ (a tree of links to the sources: Kbuild of 6.1 and 6.12
# builds external modules in their source directory).  A kernel whose
# headers are not on the host (7.x: its headers want gcc-14) is built in
# the trixie chroot (tools/trixie.sh run).  KERNEL may also be
# the directory of the debug kernel (tools/debug-kernel/build.sh): built
# against DIR/build into build/mod-debug/, with dtls_kunit.ko.
#
#   tools/build-module.sh [--sparse] KERNEL...
#
# With --sparse, every source file is also checked with sparse (C=2) and
# any sparse warning about our files fails the build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sparse=
if [ "${1:-}" = "--sparse" ]; then sparse=1; shift; fi

for k in "$@"; do
	if [ -f "$k/.complete" ] && [ -d "$k/build" ]; then
		abi=$(cat "$k/.complete")
		kdir=$k/build
		out=$top/build/mod-debug
	else
		abi=$("$top/tools/kver.sh" "$k")
		kdir=/lib/modules/$abi/build
		out=$top/build/mod/$abi
	fi
	run=
	case "$abi" in
	7.*)	# trixie's: headers in the chroot (tools/trixie.sh)
		if [ ! -d "$kdir" ] && ch=$("$top/tools/trixie.sh" chroot "$abi") &&
		   [ -d "$ch$kdir" ]; then
			run="$top/tools/trixie.sh run"
		fi ;;
	esac
	[ -n "$run" ] || [ -d "$kdir" ] ||
		{ echo "build-module: no headers in $kdir (run tools/setup.sh)" >&2; exit 1; }
	mkdir -p "$out"
	# Drop links whose source is gone, then link in the current sources.
	find "$out" -xtype l -delete
	cp -rsf "$top/Kbuild" "$top/net" "$top/include" "$out/"
	# 6.1's headers lack vmlinux, so kbuild says it skips BTF: not news.
	$run make -s -C "$kdir" M="$out" W=1 KCFLAGS=-Werror modules \
		2> >(grep -v '^Skipping BTF generation' >&2)
	if [ -n "$sparse" ]; then
		log=$out/sparse.log
		$run make -s -C "$kdir" M="$out" C=2 CHECK="sparse -Wno-decl" modules \
			>"$log" 2>&1 || { cat "$log"; exit 1; }
		if grep -E "(warning|error):" "$log" | grep -F "$out/"; then
			echo "build-module: sparse warnings on $abi" >&2
			exit 1
		fi
	fi
	echo "$out/net/dtls/dtls.ko"
done
