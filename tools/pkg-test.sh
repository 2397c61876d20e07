#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pkg-test.sh - make deb's packages installed as an operator installs
# them, then used with nothing from the build tree:
#  1. a bookworm chroot (cached beside the debug kernel) with dkms and the
#     headers of the guest kernel (6.12) gets kdtls-dkms, kdtls-tools and
#     libdtls0 with apt, and DKMS builds dtls.ko there as it does when a
#     kernel is installed (/etc/kernel/postinst.d/dkms);
#  2. a 6.12 guest loads that dtls.ko and runs, from the chroot's /usr/bin,
#     dtls version, a dtls-psk server and client (a PSK handshake run by
#     the kernel, lines echoed as records) and dtls show.
#
#   tools/pkg-test.sh DEB_DIR     exit 0 when all of it worked
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib-debian.sh"
cache=${KDTLS_CACHE:-/var/cache/kdtls}
debs=$1
kernel=6.12
# Bump when the chroot's recipe changes.
RECIPE=1

say() { echo "pkg-test: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
abi=$("$top/tools/kver.sh" "$kernel")
ch=$cache/bookworm-pkg-$( { echo "recipe $RECIPE"; } | sha256sum | cut -c1-12)
log=$ch.log

exec 9>"$ch.lock"
flock 9
if [ ! -f "$ch/.complete" ]; then
	uri=$(mirror) || die "no bookworm archive in the host's apt sources"
	say "debootstrap bookworm into $ch (a few minutes, once)"
	rm -rf "$ch.tmp"
	debootstrap --variant=minbase --include=dkms,kmod,xz-utils \
		bookworm "$ch.tmp" "$uri" >"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "debootstrap failed (log: $log)"; }
	rm -rf "$ch"
	mv "$ch.tmp" "$ch"
	touch "$ch/.complete"
fi
# The host's sources (its mirror) for the packages' dependencies.
cp /etc/apt/sources.list.d/debian.sources "$ch/etc/apt/sources.list.d/" 2>/dev/null ||
	cp /etc/apt/sources.list "$ch/etc/apt/"
if [ ! -d "$ch/usr/src/linux-headers-$abi" ]; then
	say "installing linux-headers-$abi in the chroot"
	in_chroot "$ch" sh -c "apt-get -q update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends linux-headers-$abi" \
		>>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "headers in the chroot"; }
fi

# What an earlier run installed goes first: each run installs afresh.
in_chroot "$ch" dpkg --purge kdtls-tools libdtls-dev libdtls0 kdtls-dkms \
	>>"$log" 2>&1 || true
rm -rf "$ch/root/debs" "$ch/root/kdtls-test"
mkdir -p "$ch/root/debs" "$ch/root/kdtls-test"
cp "$debs"/kdtls-dkms_*.deb "$debs"/kdtls-tools_*.deb "$debs"/libdtls0_*.deb \
	"$ch/root/debs/"
say "apt-get install kdtls-dkms kdtls-tools libdtls0 in the chroot"
in_chroot "$ch" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends /root/debs/*.deb' >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "apt-get install of the packages failed"; }
# As when the kernel is installed: its postinst hook runs DKMS.
say "DKMS for $abi (the kernel's postinst hook)"
in_chroot "$ch" /etc/kernel/postinst.d/dkms "$abi" >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; die "DKMS build for $abi failed"; }
ko=$(ls "$ch/lib/modules/$abi/updates/dkms/"dtls.ko* 2>/dev/null | head -n1)
version=$(in_chroot "$ch" dpkg-query -W -f='${Version}' kdtls-dkms)
[ -n "$ko" ] || { tail -n 20 "$log" >&2; die "DKMS installed no dtls.ko for $abi"; }
say "DKMS installed ${ko#"$ch"}"
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$ch/root/kdtls-test/psk.hex"

# In the guest: the host's root is read-only there, outputs go to /tmp.
cat >"$ch/root/kdtls-test/run.sh" <<EOF
set -u
ch=$ch
ko=$ko
for d in \$(modinfo -F depends "\$ko" | tr , ' '); do modprobe "\$d"; done
insmod "\$ko" || { echo "insmod \$ko failed"; exit 1; }
mount -t proc proc "\$ch/proc"
mount -t sysfs sysfs "\$ch/sys"
run() { chroot "\$ch" "\$@"; }
run /usr/bin/dtls version | tee /tmp/version.out
grep -q "^dtls module $version\$" /tmp/version.out || exit 1
run /usr/bin/dtls-psk server --listen 127.0.0.1:4450 --identity client1 \\
	--key-file /root/kdtls-test/psk.hex --hex --timeout 60 >/tmp/server.out 2>&1 &
server=\$!
for i in \$(seq 300); do
	grep -q "listening on" /tmp/server.out && break
	sleep 0.1
done
printf 'hello-from-the-packages\nsecond-record\n' |
	run /usr/bin/dtls-psk client --connect 127.0.0.1:4450 --identity client1 \\
		--key-file /root/kdtls-test/psk.hex --hex --timeout 60 >/tmp/client.out 2>&1
rc=\$?
run /usr/bin/dtls show -s
wait \$server
src=\$?
echo "--- client (exit \$rc)"; cat /tmp/client.out
echo "--- server (exit \$src)"; cat /tmp/server.out
grep HsDone /proc/net/dtls_stat
[ \$rc = 0 ] && [ \$src = 0 ] &&
	grep -q "handshake done" /tmp/client.out &&
	grep -qx hello-from-the-packages /tmp/client.out &&
	grep -qx second-record /tmp/client.out &&
	[ "\$(awk '\$1 == "DtlsHsDone" { print \$2 }' /proc/net/dtls_stat)" = 2 ]
EOF
say "a $kernel guest: the DKMS module, a handshake with the installed dtls-psk"
"$top/tools/vm/run" -k "$kernel" -t 300 -- sh "$ch/root/kdtls-test/run.sh"
