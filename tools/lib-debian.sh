# SPDX-License-Identifier: GPL-2.0
# lib-debian.sh - sourced by tools/trixie.sh and tools/pkg-test.sh: the
# host's Debian mirror, and running a command in a chroot.

# The archive URI the host's own apt sources use for bookworm (deb822 or
# one-line format); the trixie suites live beside it.
mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++)
					if ($i == "bookworm") { print u; exit } }
			/^$/ { u = "" }' "$f")
		[ -n "$u" ] && { echo "$u"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) {
				if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; continue }
				if ($(i + 1) == "bookworm") { print $i; exit } break } }' "$f")
		[ -n "$u" ] && { echo "$u"; return 0; }
	done
	return 1
}

# Run "$@" in the chroot with /proc and the clone mounted, in a mount
# namespace of its own so nothing stays mounted when it ends.
in_chroot() {
	local ch=$1
	shift
	unshare --mount --propagation private -- /bin/sh -ec '
		ch=$1 top=$2; shift 2
		mount -t proc proc "$ch/proc"
		mkdir -p "$ch$top"
		mount --bind "$top" "$ch$top"
		exec chroot "$ch" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 "$@"' sh "$ch" "$top" "$@"
}
