#!/bin/bash
# kver.sh - resolve the Debian kernel ABI name (e.g. 6.12.117+deb12-amd64)
# for a short kernel name from the Debian meta packages, so that no ABI
# string is ever hard-coded in the tree.  6.12 and 6.1 are bookworm's;
# 7 is the newest 7.x of trixie-backports (tools/trixie.sh).
#
#   tools/kver.sh 6.12            # print the ABI for the 6.12 kernel
#   tools/kver.sh --refresh 6.1   # re-resolve via apt-cache, update cache
#   . tools/kver.sh; kdtls_kver 6.12
#
# The answer is cached in build/kernels/<short>.abi so that it keeps
# working offline / after the apt lists were cleaned.

KDTLS_TOP=${KDTLS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Meta package that tracks each short kernel name.
kdtls_meta_pkg() {
	case "$1" in
	6.12) echo linux-image-6.12-amd64 ;;
	6.1)  echo linux-image-amd64 ;;
	7)    echo trixie ;;
	*)    return 1 ;;
	esac
}

# kdtls_kver [--refresh] SHORT|ABI
kdtls_kver() {
	local refresh= short meta abi cache
	if [ "${1:-}" = "--refresh" ]; then refresh=1; shift; fi
	short=${1:-6.12}
	if ! meta=$(kdtls_meta_pkg "$short"); then
		# Already an ABI string (e.g. 6.12.117+deb12-amd64): pass through.
		case "$short" in
		[0-9]*.*-*) echo "$short"; return 0 ;;
		esac
		echo "kver: unknown kernel '$short' (want 6.12, 6.1, 7 or an ABI)" >&2
		return 1
	fi
	cache=$KDTLS_TOP/build/kernels/$short.abi
	if [ -z "$refresh" ] && [ -s "$cache" ]; then
		cat "$cache"
		return 0
	fi
	# The meta package depends on exactly one versioned image package;
	# skip -dbg/-unsigned variants and alternatives markers.
	if [ "$meta" = trixie ]; then
		abi=$("$KDTLS_TOP/tools/trixie.sh" abi) || abi=
	else
		abi=$(apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^ *|\{0,1\}Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' |
			head -n1)
	fi
	if [ -z "$abi" ]; then
		echo "kver: cannot resolve $meta via apt-cache (run tools/setup.sh)" >&2
		return 1
	fi
	mkdir -p "$(dirname "$cache")"
	echo "$abi" >"$cache"
	echo "$abi"
}

# Executed (not sourced): behave like a command.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -eu
	kdtls_kver "$@"
fi
