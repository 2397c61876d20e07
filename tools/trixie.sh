#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trixie.sh - Debian's newest kernel (7.x, from trixie-backports) for the
# guests, and a trixie chroot with gcc-14 to build the module against its
# headers (bookworm has no gcc-14).  Nothing of the host's apt setup is
# touched: Debian's trixie suites are read with a private apt state whose
# mirror is the one the host's own sources name for bookworm.
#
#   tools/trixie.sh abi             print the newest 7.x ABI (e.g.
#                                   7.3.4+deb13-amd64): trixie-backports,
#                                   else sid (said on stderr)
#   tools/trixie.sh fetch ABI DIR   download that kernel's image and
#                                   modules packages into DIR
#   tools/trixie.sh chroot ABI      make (once) the chroot with gcc-14 and
#                                   that kernel's headers; print its path
#   tools/trixie.sh run CMD...      run CMD in the chroot, the clone
#                                   visible at its own path, /proc mounted
#                                   (objtool), in a private mount namespace
#
# Cached outside the clone, beside the debug kernel, so clones share it:
#   ${KDTLS_CACHE:-/var/cache/kdtls}/apt-trixie/   private apt state
#   ${KDTLS_CACHE:-/var/cache/kdtls}/trixie-<key>/ the chroot (.complete
#                                                  written last)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib-debian.sh"
cache=${KDTLS_CACHE:-/var/cache/kdtls}
state=$cache/apt-trixie
# Bump when the chroot's recipe changes.
RECIPE=1
CHROOT_PKGS="gcc-14 make libc6-dev libelf-dev dwarves sparse bc kmod dkms xz-utils"
CHROOT_PKGS_CSV=${CHROOT_PKGS// /,}

say() { echo "trixie: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

apt_opts() {
	echo "-o Dir::State=$state -o Dir::State::Lists=$state/lists" \
		"-o Dir::State::status=/dev/null -o Dir::Cache=$state/cache" \
		"-o Dir::Etc::SourceList=$state/sources.list" \
		"-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null" \
		"-o Dir::Etc::PreferencesParts=/dev/null"
}

# Refresh the private lists at most once an hour (and once per process);
# the caller holds the state's lock.
apt_lists() {
	local uri key=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	if [ -z "${TRIXIE_UPDATED:-}" ] &&
	   [ -z "$(find "$state/lists" -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -n1)" ]; then
		uri=$(mirror) || die "no bookworm archive in the host's apt sources"
		printf 'deb [signed-by=%s check-valid-until=no] %s %s main\n' \
			"$key" "$uri" trixie "$key" "$uri" trixie-backports \
			"$key" "$uri" sid >"$state/sources.list"
		# shellcheck disable=SC2046
		apt-get $(apt_opts) -q update >"$state/update.log" 2>&1 ||
			{ tail -n 5 "$state/update.log" >&2; die "apt-get update (private state) failed"; }
	fi
	export TRIXIE_UPDATED=1
}

# The image package an amd64 meta package of SUITE depends on, as an ABI.
meta_abi() {
	# shellcheck disable=SC2046
	apt-cache $(apt_opts) depends "linux-image-amd64/$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' |
		head -n1
}

# Clones share the private apt state: one user at a time.
lock_state() {
	mkdir -p "$state"
	exec 8>"$state.lock"
	flock 8
}

cmd_abi() {
	local abi
	lock_state
	apt_lists
	abi=$(meta_abi trixie-backports)
	case "$abi" in
	7.*) ;;
	*)
		abi=$(meta_abi sid)
		case "$abi" in
		7.*) say "no 7.x kernel in trixie-backports; using sid's $abi" ;;
		*) die "no 7.x kernel in trixie-backports or sid" ;;
		esac ;;
	esac
	echo "$abi"
}

# 7.x splits the image into linux-base-ABI (config, modules.builtin),
# linux-binary-ABI (vmlinuz under
# usr/lib/modules/ABI/) and linux-modules-ABI; older ones are one package.
cmd_fetch() {
	local abi=$1 dir=$2 p
	lock_state
	apt_lists
	mkdir -p "$dir"
	for p in "linux-base-$abi" "linux-binary-$abi" "linux-modules-$abi"; do
		ls "$dir/${p}_"*.deb >/dev/null 2>&1 && continue
		# shellcheck disable=SC2046
		(cd "$dir" && apt-get $(apt_opts) -q download "$p") >>"$state/update.log" 2>&1 ||
			die "apt-get download $p failed (log: $state/update.log)"
	done
	ls "$dir/linux-base-${abi}_"*.deb "$dir/linux-binary-${abi}_"*.deb "$dir/linux-modules-${abi}_"*.deb
}

chroot_dir() {
	local key
	key=$( { echo "recipe $RECIPE"; echo "$CHROOT_PKGS"; } | sha256sum | cut -c1-12)
	echo "$cache/trixie-$key"
}

cmd_chroot() {
	local abi=$1 ch uri tmp old
	ch=$(chroot_dir)
	exec 9>"$ch.lock"
	flock 9
	if [ ! -f "$ch/.complete" ]; then
		command -v debootstrap >/dev/null ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends -o DPkg::Lock::Timeout=900 debootstrap \
				>/dev/null 2>&1 || die "cannot install debootstrap"
		uri=$(mirror) || die "no bookworm archive in the host's apt sources"
		say "debootstrap trixie into $ch (about a minute)"
		tmp=$ch.tmp
		rm -rf "$tmp"
		debootstrap --variant=minbase --include="$CHROOT_PKGS_CSV" \
			trixie "$tmp" "$uri" >"$ch.log" 2>&1 ||
			{ tail -n 20 "$ch.log" >&2; die "debootstrap failed (log: $ch.log)"; }
		printf 'deb %s trixie main\ndeb %s trixie-backports main\ndeb [check-valid-until=no] %s sid main\n' \
			"$uri" "$uri" "$uri" >"$tmp/etc/apt/sources.list"
		# sid only for a fallback kernel's headers, never for upgrades.
		printf 'Package: *\nPin: release n=sid\nPin-Priority: 90\n' \
			>"$tmp/etc/apt/preferences.d/sid"
		rm -rf "$ch"
		mv "$tmp" "$ch"
		touch "$ch/.complete"
		# Chroots of older recipes are of no use any more.
		for old in "$cache"/trixie-*; do
			[ "$old" != "$ch" ] && [ -d "$old" ] && [ -f "$old/.complete" ] ||
				continue
			# Not while another clone builds in it.
			(flock -n 7 && rm -rf "$old" "$old.log") 7>"$old.lock" || true
		done
	fi
	if [ ! -d "$ch/lib/modules/$abi/build" ] && [ ! -d "$ch/usr/lib/modules/$abi/build" ]; then
		say "installing linux-headers-$abi in the chroot"
		in_chroot "$ch" sh -c "apt-get -q update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends linux-headers-$abi" \
			>>"$ch.log" 2>&1 ||
			{ tail -n 20 "$ch.log" >&2; die "linux-headers-$abi in the chroot failed"; }
	fi
	echo "$ch"
}

cmd_run() {
	local ch
	ch=$(chroot_dir)
	[ -f "$ch/.complete" ] || die "no chroot yet (tools/setup.sh makes it)"
	in_chroot "$ch" "$@"
}

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$cache"
case "${1:-}" in
abi) cmd_abi ;;
fetch) [ $# -eq 3 ] || die "usage: $0 fetch ABI DIR"; cmd_fetch "$2" "$3" ;;
chroot) [ $# -eq 2 ] || die "usage: $0 chroot ABI"; cmd_chroot "$2" ;;
run) shift; [ $# -ge 1 ] || die "usage: $0 run CMD..."; cmd_run "$@" ;;
*) sed -n '3,21p' "$0" >&2; exit 2 ;;
esac
