#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh - build (once) the kdtls debug kernel: Debian's linux-source-6.12
# with x86_64_defconfig + tools/debug-kernel/debug.config (KASAN, lockdep,
# kmemleak, KFENCE, UBSAN, debug objects, KUnit) and print its directory.
#
#   tools/debug-kernel/build.sh          build if missing; print the dir
#   tools/debug-kernel/build.sh --dir    print the dir it would use, build
#                                        nothing (exit 1 if not built yet)
#
# The kernel is cached outside the clone, so every clone on the machine
# (CI included) shares it:
#
#   ${KDTLS_CACHE:-/var/cache/kdtls}/debug-<source version>-<key>/
#       src/        the unpacked source
#       build/      O= tree: `make -C DIR/build M=...` builds modules for it
#       bzImage     lib/modules/<release>/     config
#       .complete   written last; without it the dir is not used
#
# <key> hashes the fragment and this script's recipe version.  The dir
# works as `tools/vm/run -k DIR`.  An interrupted build is resumed (kbuild
# is incremental) under a lock, never used.  Progress goes to stderr, the
# full log to DIR/build.log; stdout carries only the dir.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
frag=$top/tools/debug-kernel/debug.config
src_tar=/usr/src/linux-source-6.12.tar.xz
src_pkg=linux-source-6.12
# Bump when the way we build changes (not the config: that is hashed).
RECIPE=1
DEPS="$src_pkg xz-utils flex bison bc libelf-dev libssl-dev cpio kmod make gcc"

say() { echo "debug-kernel: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

cache=${KDTLS_CACHE:-/var/cache/kdtls}
case "$cache/" in
/tmp/*|/run/*|/var/tmp/*|/root/*)
	die "KDTLS_CACHE=$cache is hidden in the guest (tmpfs); use e.g. /var/cache/kdtls" ;;
/*) ;;
*) die "KDTLS_CACHE must be an absolute path" ;;
esac

missing=
for p in $DEPS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing="$missing $p"
done

dir_for() {	# the cache dir for the installed source package
	local ver key
	ver=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) || return 1
	[ -n "$ver" ] || return 1
	key=$( { echo "recipe $RECIPE"; cat "$frag"; } | sha256sum | cut -c1-12)
	echo "$cache/debug-${ver//[^A-Za-z0-9.+-]/_}-$key"
}

if [ "${1:-}" = --dir ]; then
	d=$(dir_for) || exit 1
	echo "$d"
	[ -f "$d/.complete" ]
	exit
fi
[ $# -eq 0 ] || die "usage: $0 [--dir]"

if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root)"
	say "installing$missing"
	log=$(mktemp)
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends -o DPkg::Lock::Timeout=900 $missing; } \
		>"$log" 2>&1 || { tail -n 20 "$log" >&2; rm -f "$log"; die "apt-get failed"; }
	rm -f "$log"
fi
[ -f "$src_tar" ] || die "$src_tar missing"

dir=$(dir_for) || die "cannot read the version of $src_pkg"
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
# One builder per dir; others (a second clone, CI) wait, then reuse it.
exec 9>"$dir.lock"
if ! flock -n 9; then
	say "another build of $dir is running; waiting for it"
	flock 9
fi
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

t0=$(date +%s)
mkdir -p "$dir"
log=$dir/build.log
say "building in $dir (about 30 minutes on 2 cores; log: $log)"

if [ ! -f "$dir/src/.unpacked" ]; then
	say "unpacking $(basename "$src_tar")"
	rm -rf "$dir/src"
	mkdir -p "$dir/src"
	tar -xJf "$src_tar" -C "$dir/src" --strip-components=1
	touch "$dir/src/.unpacked"
fi

mk() { make -C "$dir/src" O="$dir/build" "$@" >>"$log" 2>&1 ||
	{ tail -n 40 "$log" >&2; die "make $* failed (log: $log)"; }; }

# Config: defconfig, the fragment on top, defaults for the rest.  Redone
# every time (cheap); make only rebuilds what a changed .config touches.
mkdir -p "$dir/build"
mk x86_64_defconfig
(cd "$dir/build" && "$dir/src/scripts/kconfig/merge_config.sh" -m -O . .config "$frag") \
	>>"$log" 2>&1 || die "merge_config failed (log: $log)"
mk olddefconfig

# Every symbol the fragment asks for must have survived olddefconfig.
bad=
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line; sym=${line%%=*} ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want="# $sym is not set" ;;
	*) continue ;;
	esac
	have=$(grep -E "^($sym=|# $sym is not set)" "$dir/build/.config" || true)
	# An unset symbol may also be absent altogether (its menu is off).
	case "$want" in "# "*) [ -z "$have" ] && continue ;; esac
	[ "$have" = "$want" ] || bad="$bad
  want '$want', have '${have:-(absent)}'"
done <"$frag"
[ -z "$bad" ] || die "the config does not match $frag:$bad"

say "compiling with -j$(nproc)"
mk -j"$(nproc)" bzImage modules
rel=$(make -s -C "$dir/src" O="$dir/build" kernelrelease 2>>"$log")
rm -rf "$dir/lib"
mk INSTALL_MOD_PATH="$dir" modules_install
[ -d "$dir/lib/modules/$rel" ] || die "no $dir/lib/modules/$rel after modules_install"
# Point the module dir's build link at the O= tree, whatever kbuild did.
ln -sfn "$dir/build" "$dir/lib/modules/$rel/build"
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
cp "$dir/build/.config" "$dir/config"
echo "$rel" >"$dir/.complete"
say "built $rel in $(( ($(date +%s) - t0) / 60 )) min"
echo "$dir"
