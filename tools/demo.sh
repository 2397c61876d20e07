#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot a 6.12 guest with the freshly built dtls.ko and show
#  1. a UDP socket attached, listed by `dtls show`, detached on close;
#  2. two processes that did a DTLS 1.2 handshake with OpenSSL in user space
#     handing the keys to the kernel and exchanging data through it, with
#     the per-socket counters of `dtls show -s`;
#  3. an unmodified `openssl s_server -dtls1_2` reading what the kernel
#     sealed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${KDTLS_DEMO_KERNEL:-6.12}
abi=$(tools/kver.sh "$k")
ko=build/mod/$abi/net/dtls/dtls.ko
echo "== booting a $abi guest (QEMU, TCG) with $ko loaded"
tools/vm/run -k "$k" -m "$ko" -- bash -c '
	set -e
	PATH=$PWD/tools/out:$PATH
	psk=000102030405060708090a0b0c0d0e0f
	say() { printf "\n\$ %s\n" "$*"; }

	say "dtls version"; dtls version
	say "attach-demo   # a UDP socket attached, listed, detached"
	attach-demo dtls

	say "dtls-offload server 4433 --echo --expect 3 --hold 3000 &"
	say "dtls-offload client 127.0.0.1 4433 --count 3 --expect 3 --hold 3000 &"
	dtls-offload server 4433 --psk $psk --cipher PSK-AES128-GCM-SHA256 \
		--echo --expect 3 --payload 40 --hold 3000 > /tmp/server.out 2>&1 &
	srv=$!
	sleep 0.5
	dtls-offload client 127.0.0.1 4433 --psk $psk \
		--cipher PSK-AES128-GCM-SHA256 --count 3 --expect 3 \
		--payload 40 --hold 3000 > /tmp/client.out 2>&1 &
	cli=$!
	# Look while both hold their sockets: keys in, records exchanged.
	for i in $(seq 100); do
		[ "$(dtls show -s | grep -c "rx-records 3")" = 2 ] && break
		sleep 0.1
	done
	say "dtls show -s   # both sockets, keys in the kernel, counters"
	dtls show -s
	wait $cli $srv
	say "cat client.out"; cat /tmp/client.out
	say "cat server.out"; cat /tmp/server.out

	say "openssl s_server -dtls1_2 -nocert -psk ... -accept 4434 &   # reads what the kernel sealed"
	# s_server ends its session at EOF on stdin: keep one open.
	sleep 60 | openssl s_server -dtls1_2 -accept 4434 -nocert -psk $psk \
		-psk_identity kdtls -cipher PSK-CHACHA20-POLY1305 -quiet \
		-naccept 1 > /tmp/s_server.out 2>&1 &
	oss=$!
	for i in $(seq 200); do	# s_server takes a while to start under TCG
		ss -Hlun "sport = :4434" | grep -q . && break
		sleep 0.1
	done
	say "dtls-offload client 127.0.0.1 4434 --cipher PSK-CHACHA20-POLY1305 --count 3"
	dtls-offload client 127.0.0.1 4434 --psk $psk \
		--cipher PSK-CHACHA20-POLY1305 --count 3 --payload 32
	for i in $(seq 200); do
		[ "$(grep -c client /tmp/s_server.out)" -ge 3 ] && break
		sleep 0.1
	done
	kill $oss 2>/dev/null || true
	pkill -x sleep || true
	wait 2>/dev/null || true
	say "cat s_server.out   # plaintext as OpenSSL opened it"
	cat /tmp/s_server.out
	say "cat /proc/net/dtls_stat"; cat /proc/net/dtls_stat'
echo "== demo done"
