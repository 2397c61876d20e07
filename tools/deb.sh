#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deb.sh - `make deb`: kdtls's Debian packages, built with Debian's own
# tooling (debhelper, dh-dkms; debian/) from a copy of the files git
# tracks, then checked with lintian at its default level.
#
#   tools/deb.sh        build into build/deb/; print the .deb files
#
# kdtls-dkms (the module's source; DKMS builds it on the target),
# kdtls-tools (dtls(8), the examples), libdtls0, libdtls-dev.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
DEPS="debhelper dh-dkms dpkg-dev lintian libmnl-dev libssl-dev pkgconf fakeroot"

say() { echo "deb: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

missing=
for p in $DEPS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing packages:$missing"
	say "installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=900 $missing >/dev/null 2>&1 ||
		die "cannot install$missing"
fi

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src=$out/kdtls-$version
rm -rf "$out"
mkdir -p "$src"
# What git tracks, as it is in the work tree (git stash create: a commit
# of the uncommitted edits, or nothing when there are none).
rev=$(cd "$top" && git stash create) || rev=
(cd "$top" && git archive "${rev:-HEAD}") | tar -x -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1) ||
	{ tail -n 30 "$out/build.log" >&2; die "dpkg-buildpackage failed (log: $out/build.log)"; }
changes=$(ls "$out"/kdtls_"$version"_*.changes)
# Default level: errors and warnings fail; info and pedantic do not.
if ! lintian --fail-on error,warning "$changes" >"$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	die "lintian"
fi
ls "$out"/*.deb
