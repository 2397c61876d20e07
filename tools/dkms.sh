#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms.sh - kdtls under DKMS, which rebuilds dtls.ko whenever a kernel is
# installed or upgraded (dkms.conf).
#
#   tools/dkms.sh tree DIR       the module's source as DKMS takes it:
#                                Kbuild, net/, include/, dkms.conf
#   tools/dkms.sh install        make dkms-install: /usr/src/kdtls-VERSION,
#                                dkms add, then build and install for
#                                every kernel whose headers are installed
#   tools/dkms.sh remove         make dkms-remove: the reverse
#   tools/dkms.sh build KERNEL   (make check) dkms build in a private
#                                tree under build/dkms/ for KERNEL (6.12,
#                                6.1, 7 or an ABI; 7.x in the trixie
#                                chroot); print the dtls.ko it built
#
# Loading is left to the operator (modprobe dtls): nothing here loads a
# module.  Signing for Secure Boot: README.md, "Installing".
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^#define DTLS_MODULE_VERSION "\(.*\)"$/\1/p' "$top/net/dtls/dtls.h")
[ -n "$version" ] || { echo "dkms: no DTLS_MODULE_VERSION in net/dtls/dtls.h" >&2; exit 1; }

say() { echo "dkms: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

need_dkms() {
	command -v dkms >/dev/null && return 0
	[ "$(id -u)" = 0 ] || die "dkms is not installed"
	say "installing dkms"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=900 dkms >/dev/null 2>&1 || die "cannot install dkms"
}

# The source tree DKMS copies and builds: only what the module needs.
tree() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$top/Kbuild" "$top/net" "$top/include" "$dir/"
	# Generated or built files of a local build do not belong there.
	find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o \
		-name '.*.cmd' -o -name 'Module.symvers' -o -name 'modules.order' \) \
		-delete
	sed "s/#MODULE_VERSION#/$version/" "$top/dkms.conf" >"$dir/dkms.conf"
}

# Kernels whose headers are installed on this machine.
host_kernels() {
	local d
	for d in /lib/modules/*/build; do
		[ -d "$d" ] && basename "$(dirname "$d")"
	done
}

# The kdtls-dkms package's files and registration are dpkg's to change.
not_packaged() {
	if dpkg -S "/usr/src/kdtls-$version" >/dev/null 2>&1; then
		die "/usr/src/kdtls-$version belongs to a package (kdtls-dkms): use apt"
	fi
}

cmd_install() {
	local src=/usr/src/kdtls-$version k failed=
	need_dkms
	[ "$(id -u)" = 0 ] || die "must run as root"
	not_packaged
	if dkms status -m kdtls -v "$version" 2>/dev/null | grep -q .; then
		dkms remove -m kdtls -v "$version" --all >/dev/null
	fi
	tree "$src"
	dkms add -m kdtls -v "$version"
	for k in $(host_kernels); do
		if ! dkms build -m kdtls -v "$version" -k "$k" ||
		   ! dkms install -m kdtls -v "$version" -k "$k"; then
			failed="$failed $k"
		fi
	done
	[ -z "$failed" ] || die "not built or installed for:$failed"
}

cmd_remove() {
	need_dkms
	[ "$(id -u)" = 0 ] || die "must run as root"
	not_packaged
	if dkms status -m kdtls -v "$version" 2>/dev/null | grep -q .; then
		dkms remove -m kdtls -v "$version" --all
	fi
	rm -rf "/usr/src/kdtls-$version"
}

# A private DKMS: source, tree and install dirs under build/dkms/, so the
# check neither needs nor touches the machine's DKMS state.
cmd_build() {
	local k=$1 abi priv=$top/build/dkms run= ko
	need_dkms
	abi=$("$top/tools/kver.sh" "$k")
	if [ ! -d "/lib/modules/$abi/build" ]; then
		"$top/tools/trixie.sh" chroot "$abi" >/dev/null ||
			die "no headers for $abi"
		run="$top/tools/trixie.sh run"
	fi
	mkdir -p "$priv/src" "$priv/tree/$abi" "$priv/install"
	tree "$priv/src/kdtls-$version"
	rm -rf "${priv:?}/tree/$abi"
	mkdir -p "$priv/tree/$abi"
	$run dkms --sourcetree "$priv/src" --dkmstree "$priv/tree/$abi" \
		--installtree "$priv/install" add -m kdtls -v "$version" >/dev/null
	$run dkms --sourcetree "$priv/src" --dkmstree "$priv/tree/$abi" \
		--installtree "$priv/install" build -m kdtls -v "$version" -k "$abi" \
		--kernelsourcedir "/lib/modules/$abi/build" >"$priv/build-$abi.log" 2>&1 ||
		{ cat "$priv/build-$abi.log" >&2; die "dkms build for $abi failed"; }
	ko=$(find "$priv/tree/$abi/kdtls/$version/$abi" -name 'dtls.ko*' | head -n1)
	[ -n "$ko" ] || die "dkms build for $abi left no dtls.ko"
	# Compressed as the kernel's own modules are; the guest runner wants
	# it plain (the same module).
	case "$ko" in
	*.xz) xz -dc "$ko" >"$priv/dtls-$abi.ko" ;;
	*.zst) zstd -qdc "$ko" >"$priv/dtls-$abi.ko" ;;
	*.gz) gzip -dc "$ko" >"$priv/dtls-$abi.ko" ;;
	*) cp "$ko" "$priv/dtls-$abi.ko" ;;
	esac
	echo "$priv/dtls-$abi.ko"
}

case "${1:-}" in
tree) [ $# -eq 2 ] || die "usage: $0 tree DIR"; tree "$2" ;;
install) cmd_install ;;
remove) cmd_remove ;;
build) [ $# -eq 2 ] || die "usage: $0 build KERNEL"; cmd_build "$2" ;;
*) sed -n '3,17p' "$0" >&2; exit 2 ;;
esac
