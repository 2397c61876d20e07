#!/bin/bash
# setup.sh - prepare the host for building kdtls and testing it in QEMU.
#
#   tools/setup.sh                 everything (packages, kernels, sources)
#   tools/setup.sh --kernels-only  only guest kernels + initramfs
#   tools/setup.sh --initramfs DIR (re)build DIR/initramfs.cpio.gz for a
#                                  kernel dir holding lib/modules/<ABI>
#                                  (used by tools/vm/run for custom kernels)
#
# Idempotent: prints one line per action, nothing when all is in place.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
export KDTLS_TOP=$TOP
. "$TOP/tools/kver.sh"

KERNELS_DIR=$TOP/build/kernels
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
SRC_DIR=$TOP/build/linux-source-6.12
APT_LOG=$TOP/build/setup-apt.log
# The guest kernels to prepare: the short names of $KERNELS (make passes
# its own), others (ABI strings, the debug kernel's dir) are not ours.
SHORT_KERNELS=
for k in ${KERNELS:-6.12 6.1 7}; do
	case "$k" in 6.12|6.1|7) SHORT_KERNELS="$SHORT_KERNELS $k" ;; esac
done
# Bump when the initramfs layout changes, to force a rebuild.
INITRAMFS_VERSION=1

PKGS="qemu-system-x86 busybox-static cpio kmod xz-utils zstd linux-source-6.12
openssl gnutls-bin libssl-dev iproute2 sparse python3-yaml python3-jsonschema libmnl-dev
tshark gcc make libc6-dev pkg-config python3 liburing-dev clang libclang-rt-14-dev
debootstrap dkms debhelper dh-dkms lintian fakeroot"
# linux-headers-<ABI> of each guest kernel is added below, once the ABI is
# resolved (Debian's 6.12 headers also pull in the matching image; harmless).

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- packages

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q ' installed$' || echo "$p"
	done
}

APT_UPDATED=
apt_update() {
	[ -n "$APT_UPDATED" ] && return 0
	say "apt-get update"
	apt-get update >>"$APT_LOG" 2>&1 || { tail -n 20 "$APT_LOG"; die "apt-get update failed"; }
	APT_UPDATED=1
}

# Install whatever of "$@" is missing; the lock timeout lets us queue
# behind another apt run instead of failing.
apt_install() {
	local missing
	missing=$(missing_pkgs "$@" | tr '\n' ' ')
	[ -z "$missing" ] && return 0
	apt_update
	say "installing $missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o DPkg::Lock::Timeout=900 $missing >>"$APT_LOG" 2>&1 ||
		{ tail -n 20 "$APT_LOG"; die "apt-get install failed (log: $APT_LOG)"; }
}

# ---------------------------------------------------------------- kernels

# Resolve (and cache) the ABI for a short name; refresh from apt-cache,
# fall back to the cached value when apt lists are unusable.
resolve_abi() {
	local short=$1 old new
	old=$(cat "$KERNELS_DIR/$short.abi" 2>/dev/null || true)
	if ! new=$(kdtls_kver --refresh "$short" 2>/dev/null); then
		apt_update
		new=$(kdtls_kver --refresh "$short") ||
			{ [ -n "$old" ] && new=$old; } ||
			die "cannot resolve kernel $short"
	fi
	[ "$old" = "$new" ] || say "kernel $short -> $new"
	echo "$new" >"$KERNELS_DIR/$short.abi"
}

# Download + unpack the Debian image package(s), then depmod it so
# modprobe works in the guest.  Bookworm's kernels are one linux-image
# package; trixie's 7.x (short name 7) a linux-binary and a linux-modules
# package, fetched with tools/trixie.sh's private apt state.
fetch_kernel() {
	local short=$1 abi=$2 dest=$KERNELS_DIR/$2 debs deb tmp
	[ -d "$dest" ] && return 0
	if [ "$short" = 7 ]; then
		ls "$KERNELS_DIR"/linux-binary-"$abi"_*.deb >/dev/null 2>&1 ||
			say "downloading linux-binary-$abi and linux-modules-$abi"
		debs=$("$TOP/tools/trixie.sh" fetch "$abi" "$KERNELS_DIR") ||
			die "cannot fetch the $abi kernel"
	else
		debs=$(ls "$KERNELS_DIR"/linux-image-"$abi"_*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$debs" ]; then
			say "downloading linux-image-$abi"
			(cd "$KERNELS_DIR" && apt-get download "linux-image-$abi") >>"$APT_LOG" 2>&1 ||
				{ apt_update; (cd "$KERNELS_DIR" && apt-get download "linux-image-$abi") >>"$APT_LOG" 2>&1; } ||
				die "apt-get download linux-image-$abi failed (log: $APT_LOG)"
			debs=$(ls "$KERNELS_DIR"/linux-image-"$abi"_*.deb | head -n1)
		fi
	fi
	tmp=$dest.tmp
	rm -rf "$tmp"
	for deb in $debs; do
		say "unpacking $(basename "$deb")"
		dpkg -x "$deb" "$tmp"
	done
	# Merged-/usr packages ship usr/lib/modules; give depmod/run one layout.
	if [ ! -d "$tmp/lib/modules/$abi" ] && [ -d "$tmp/usr/lib/modules/$abi" ]; then
		mkdir -p "$tmp/lib/modules"
		mv "$tmp/usr/lib/modules/$abi" "$tmp/lib/modules/$abi"
	fi
	[ -d "$tmp/lib/modules/$abi" ] || die "no lib/modules/$abi in $debs"
	# 7.x keeps vmlinuz beside its modules, not in /boot.
	if [ ! -f "$tmp/boot/vmlinuz-$abi" ] && [ -f "$tmp/lib/modules/$abi/vmlinuz" ]; then
		mkdir -p "$tmp/boot"
		mv "$tmp/lib/modules/$abi/vmlinuz" "$tmp/boot/vmlinuz-$abi"
	fi
	depmod -b "$tmp" "$abi"
	mv "$tmp" "$dest"
}

# Print the module files (relative to the modules dir) needed to load
# module $2, dependencies first, using modules.dep of dir $1.  Nothing if
# the module is built in (or absent).
mod_closure() {
	local mdir=$1 name=${2//-/_}
	awk -v want="$name" -F': *' '
		{
			n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n)
			gsub(/-/, "_", n)
			if (n != want) next
			k = split($2, d, " ")
			for (i = k; i >= 1; i--) print d[i]   # modprobe loads deps last-first
			print $1
			exit
		}' "$mdir/modules.dep"
}

# Build DIR/initramfs.cpio.gz: busybox + the modules needed for a 9p root
# + tools/vm/init.  Rebuilt only when init, this script's layout version
# or the module list changed.
build_initramfs() {
	local kdir=$1 abi mdir out stamp_want stamp_have stage m f n cfg
	abi=$(ls "$kdir/lib/modules" 2>/dev/null | head -n1)
	[ -n "$abi" ] || die "no lib/modules/<ABI> in $kdir"
	mdir=$kdir/lib/modules/$abi
	out=$kdir/initramfs.cpio.gz
	[ -f "$mdir/modules.dep" ] || depmod -b "$kdir" "$abi"

	# 9p over virtio-pci; whatever of it Debian builds as a module we load
	# ourselves (modules.dep knows, e.g. netfs for 9p on 6.12).
	local mods
	mods=$(for m in virtio_pci 9pnet_virtio 9p; do mod_closure "$mdir" "$m"; done |
		awk '!seen[$0]++')
	stamp_want=$( { echo "v$INITRAMFS_VERSION $abi"; echo "$mods";
		cat "$TOP/tools/vm/init"; } | sha256sum | cut -d' ' -f1)
	stamp_have=$(cat "$out.stamp" 2>/dev/null || true)
	[ -f "$out" ] && [ "$stamp_want" = "$stamp_have" ] && return 0

	# Sanity check against the kernel config when we have it.
	for cfg in "$kdir/boot/config-$abi" "$kdir/.config" "$kdir/config"; do
		[ -f "$cfg" ] || continue
		grep -Eq '^CONFIG_9P_FS=[ym]' "$cfg" || die "$cfg: CONFIG_9P_FS not set"
		grep -Eq '^CONFIG_NET_9P_VIRTIO=[ym]' "$cfg" || die "$cfg: CONFIG_NET_9P_VIRTIO not set"
		break
	done

	say "building initramfs for $abi (modules:$(for m in $mods; do n=${m##*/}; printf ' %s' "${n%%.ko*}"; done))"
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,mnt,tmp,modules}
	ln -s bin "$stage/sbin"
	mkdir -p "$stage/usr"
	ln -s ../bin "$stage/usr/bin"
	ln -s ../bin "$stage/usr/sbin"
	cp /bin/busybox "$stage/bin/busybox"
	for n in $("$stage/bin/busybox" --list); do
		[ "$n" = busybox ] || ln -sf busybox "$stage/bin/$n"
	done
	# Kernel opens /dev/console for init before devtmpfs is mounted.
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
	# busybox insmod cannot be relied on for compressed modules.
	: >"$stage/modules/order"
	for m in $mods; do
		n=$(basename "$m"); n=${n%%.ko*}.ko
		case "$m" in
		*.ko.xz)  xz -dc "$mdir/$m" >"$stage/modules/$n" ;;
		*.ko.zst) zstd -qdc "$mdir/$m" >"$stage/modules/$n" ;;
		*.ko.gz)  gzip -dc "$mdir/$m" >"$stage/modules/$n" ;;
		*)        cp "$mdir/$m" "$stage/modules/$n" ;;
		esac
		echo "$n" >>"$stage/modules/order"
	done
	install -m 755 "$TOP/tools/vm/init" "$stage/init"
	(cd "$stage" && find . | sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 >"$out.tmp.$$"
	rm -rf "$stage"
	# Atomic: parallel runners may rebuild at the same time.
	mv "$out.tmp.$$" "$out"
	echo "$stamp_want" >"$out.stamp"
}

# ---------------------------------------------------------------- sources

# Only the bits of the kernel tree we use (checkpatch, kselftest harness,
# ynl + netlink specs, MAINTAINERS), top-level dir stripped.
extract_sources() {
	local top tmp
	[ -f "$SRC_DIR/.extracted" ] && [ "$SRC_DIR/.extracted" -nt "$SRC_TAR" ] && return 0
	[ -f "$SRC_TAR" ] || die "$SRC_TAR missing (linux-source-6.12)"
	say "extracting kernel sources into build/linux-source-6.12"
	top=$(tar -tJf "$SRC_TAR" 2>/dev/null | head -n1 | cut -d/ -f1 || true)
	[ -n "$top" ] || die "cannot list $SRC_TAR"
	tmp=$SRC_DIR.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$SRC_TAR" -C "$tmp" --strip-components=1 \
		"$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/net/ynl" \
		"$top/Documentation/netlink" \
		"$top/MAINTAINERS"
	touch "$tmp/.extracted"
	rm -rf "$SRC_DIR"
	mv "$tmp" "$SRC_DIR"
}

# ---------------------------------------------------------------- main

mode=all
case "${1:-}" in
"") ;;
--kernels-only) mode=kernels ;;
--initramfs)
	[ $# -eq 2 ] || die "usage: $0 --initramfs DIR"
	build_initramfs "$(cd "$2" && pwd)"
	exit 0 ;;
-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
*) die "unknown option $1 (try --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$KERNELS_DIR"

if [ $mode = all ]; then
	# shellcheck disable=SC2086
	apt_install $PKGS
fi

for short in $SHORT_KERNELS; do
	resolve_abi "$short"
	abi=$(cat "$KERNELS_DIR/$short.abi")
	# The module's build tree: /lib/modules/<ABI>/build on the host, or
	# in the trixie chroot for 7.x, whose headers want gcc-14.
	if [ $mode = all ]; then
		if [ "$short" = 7 ]; then
			"$TOP/tools/trixie.sh" chroot "$abi" >/dev/null ||
				die "no trixie chroot for $abi"
		else
			apt_install "linux-headers-$abi"
		fi
	fi
	fetch_kernel "$short" "$abi"
	build_initramfs "$KERNELS_DIR/$abi"
done

[ $mode = all ] && extract_sources
exit 0
