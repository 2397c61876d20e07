#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot a 6.12 guest with the freshly built dtls.ko and show
#  1. a UDP socket attached, listed by `dtls show`, detached on close;
#  2. two processes that did a DTLS 1.2 handshake with OpenSSL in user space
#     handing the keys to the kernel and exchanging data through it, with
#     the per-socket counters of `dtls show -s`;
#  3. an unmodified `openssl s_server -dtls1_2` reading what the kernel
#     sealed;
#  4. the handshake in the kernel: a kdtls server (tools/examples/dtls-psk)
#     completing a PSK handshake with an unmodified `openssl s_client
#     -dtls1_2` and echoing its lines, watched by `dtls show` and
#     `dtls monitor`;
#  5. the kept last flight: a small relay (tools/out/drop-relay) loses the
#     server's CCS+Finished twice, s_client resends its flight, the kernel
#     resends the kept one, data flows, and `dtls show -s` counts the
#     resends and the drop of the flight on the client's data; then a
#     second session whose server drops the flight itself
#     (dtls-psk --drop-final: DTLS_FINAL_FLIGHT_DROP);
#  6. certificates (tools/demo/cert.sh): a kernel server socket configured
#     with the dtls CLI (cert set: an ECDSA P-256 certificate from openssl
#     req; peer pin --required: the client's fingerprint) completes an
#     ECDHE-ECDSA handshake with `openssl s_client -dtls1_2 -cert ...
#     -verify_return_error`, and `dtls handshake show` prints the client's
#     fingerprint and subject;
#  7. WebRTC-style (tools/demo/srtp-demo.c): a kernel server socket whose
#     handshake runs answers a STUN binding request on its port, then
#     completes DTLS-SRTP (use_srtp) with an OpenSSL client there; both
#     print the profile and SHA-256 fingerprints of the SRTP keys they
#     derived, never the keys;
#  8. one listening socket, many clients (tools/demo/listen.sh): a
#     dtls-listen server listen(2)s on one UDP socket, 100 kernel-engine
#     PSK clients (dtls-listen client, a socket each) handshake with it
#     at once and have their records echoed on the socket accept(2) gave
#     each session; "100 clients served on one port", and `dtls show`
#     counting the listener's sessions while they are up.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${KDTLS_DEMO_KERNEL:-6.12}
abi=$(tools/kver.sh "$k")
ko=build/mod/$abi/net/dtls/dtls.ko
echo "== booting a $abi guest (QEMU, TCG) with $ko loaded"
# Eight parts, most waiting for s_client under TCG: more than the runner's
# default ten minutes on a loaded machine.
tools/vm/run -k "$k" -t "${KDTLS_DEMO_TIMEOUT:-1800}" -m "$ko" -- bash -c '
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
	say "cat /proc/net/dtls_stat"; cat /proc/net/dtls_stat

	# 4. The handshake in the kernel, with OpenSSL as the client.
	printf "\n== the DTLS 1.2 handshake in the kernel\n"
	printf client1 > /tmp/psk.id
	printf %s $psk > /tmp/psk.hex
	say "dtls monitor &   # handshake events of this netns, shown at the end"
	dtls monitor > /tmp/monitor.out 2>&1 &
	mon=$!
	say "dtls-psk server --listen 127.0.0.1:4435 --identity-file psk.id --key-file psk.hex --hex &"
	dtls-psk server --listen 127.0.0.1:4435 --identity-file /tmp/psk.id \
		--key-file /tmp/psk.hex --hex --timeout 60 > /tmp/psk-server.out 2>&1 &
	pskd=$!
	for i in $(seq 300); do
		grep -q "listening on" /tmp/psk-server.out && break
		sleep 0.1
	done
	say "dtls show   # the server socket: bound, unconnected, waiting for a ClientHello"
	dtls show
	lines="hello-from-openssl the-kernel-did-the-handshake and-echoes-each-record"
	say "openssl s_client -dtls1_2 -psk $psk -psk_identity client1 -connect 127.0.0.1:4435 -cipher PSK-AES128-GCM-SHA256 -brief   # typing: $lines"
	{
		# Type only once the kernel reports the handshake done (s_client
		# starts slowly under TCG), one line every half second.
		for i in $(seq 600); do
			grep -q "handshake done" /tmp/psk-server.out && break
			sleep 0.1
		done
		for l in $lines; do echo "$l"; sleep 0.5; done
		for i in $(seq 200); do
			[ "$(grep -c "^echo: " /tmp/psk-server.out)" -ge 3 ] && break
			sleep 0.1
		done
		dtls show -s > /tmp/show-established.out
		sleep 1		# then EOF: s_client sends close_notify
	} | openssl s_client -dtls1_2 -psk $psk -psk_identity client1 \
		-connect 127.0.0.1:4435 -cipher PSK-AES128-GCM-SHA256 -brief 2>&1 |
		grep -v "SSL_get_servername" || true
	wait $pskd || echo "(dtls-psk server exited with $?)"
	say "dtls show -s   # taken while the session was up: both keys from the kernel handshake"
	cat /tmp/show-established.out
	say "cat psk-server.out"; cat /tmp/psk-server.out
	sleep 0.5
	kill $mon; wait $mon 2>/dev/null || true
	say "cat monitor.out   # dtls monitor, started before the handshake"
	cat /tmp/monitor.out
	say "grep Hs /proc/net/dtls_stat"; grep Hs /proc/net/dtls_stat

	# 5. The kept last flight (Documentation/dtls.rst): lost, resent, dropped.
	printf "\n== the last flight of the server lost on the way, resent from the kept copy\n"
	# s_client sends a line only when typed: the snapshots of dtls show -s
	# are taken before and after the first data record of the client.
	# s_client reads stdin only once its handshake is done: a handshake
	# that never ends would keep it (and the demo) waiting, hence timeout.
	upto() {	# upto N CMD...: CMD true within N tenths of a second
		local n=$1 i
		shift
		for i in $(seq "$n"); do
			"$@" && return 0
			sleep 0.1
		done
		return 1
	}
	resent() { dtls show -s | grep -Eq "final-resent [1-9]"; }
	# The story must have happened: say what is missing, fail at the end.
	fail=
	expect() {	# expect FILE PATTERN WHAT
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		echo "(demo: $3 did not happen)"
		fail=1
	}
	echoes() { [ "$(grep -c "^echo: " "$1")" -ge "$2" ]; }
	say "dtls-psk server --listen 127.0.0.1:4436 --identity-file psk.id --key-file psk.hex --hex &"
	dtls-psk server --listen 127.0.0.1:4436 --identity-file /tmp/psk.id \
		--key-file /tmp/psk.hex --hex --timeout 60 > /tmp/kept-server.out 2>&1 &
	pskd=$!
	upto 300 grep -q "listening on" /tmp/kept-server.out || true
	say "drop-relay --listen 127.0.0.1:4437 --to 127.0.0.1:4436 --drop-ccs 2 &   # loses the CCS+Finished of the server, twice"
	drop-relay --listen 127.0.0.1:4437 --to 127.0.0.1:4436 --drop-ccs 2 \
		> /tmp/relay.out 2>&1 &
	relay=$!
	upto 300 grep -q "dropping" /tmp/relay.out || true
	lines="sent-after-the-resends the-first-data-drops-the-kept-flight"
	say "openssl s_client -dtls1_2 -psk $psk -psk_identity client1 -connect 127.0.0.1:4437 -cipher PSK-AES128-GCM-SHA256 -brief   # through the relay; typing: $lines"
	{
		# The server is established when it sends its last flight;
		# s_client only once a resent copy gets through (its flight 5
		# resent on its timer, 1 s then 2 s).
		upto 600 grep -q "handshake done" /tmp/kept-server.out || true
		upto 600 grep -qs "CONNECTION ESTABLISHED" /tmp/s_client-kept.out || true
		upto 100 resent || true
		dtls show -s > /tmp/show-kept.out
		for l in $lines; do echo "$l"; sleep 0.5; done
		upto 200 echoes /tmp/kept-server.out 2 || true
		dtls show -s > /tmp/show-data.out
		sleep 1		# then EOF: s_client sends close_notify
	} | timeout 300 openssl s_client -dtls1_2 -psk $psk -psk_identity client1 \
		-connect 127.0.0.1:4437 -cipher PSK-AES128-GCM-SHA256 -brief 2>&1 |
		tee /tmp/s_client-kept.out | grep -v "SSL_get_servername" || true
	wait $pskd || echo "(dtls-psk server exited with $?)"
	kill $relay; wait $relay 2>/dev/null || true
	say "cat relay.out   # the drop-relay"
	cat /tmp/relay.out
	say "cat kept-server.out   # established before s_client, which lost the flight"
	cat /tmp/kept-server.out
	say "dtls show -s   # after s_client got a resent copy: the flight still kept, its resends counted (rx-bad-epoch: the epoch-0 records of the resent flights of s_client)"
	cat /tmp/show-kept.out
	say "dtls show -s   # after the first data record of s_client: the kept flight dropped (final-drop-data)"
	cat /tmp/show-data.out
	say "grep DtlsFinalFlight /proc/net/dtls_stat   # of the netns: DropData counts part 4 too"
	grep DtlsFinalFlight /proc/net/dtls_stat
	expect /tmp/relay.out "dropped.* 2 of 2" "the loss of two copies of the flight"
	expect /tmp/s_client-kept.out "CONNECTION ESTABLISHED" "the handshake of s_client through the relay"
	expect /tmp/show-kept.out "final-flight .* resends [1-9]" "a resend of the kept flight"
	expect /tmp/show-data.out "final-drop-data 1" "the drop of the flight on data"

	printf "\n== the application drops the kept flight itself: DTLS_FINAL_FLIGHT_DROP\n"
	say "dtls-psk server --listen 127.0.0.1:4438 --identity-file psk.id --key-file psk.hex --hex --drop-final &"
	dtls-psk server --listen 127.0.0.1:4438 --identity-file /tmp/psk.id \
		--key-file /tmp/psk.hex --hex --timeout 60 --drop-final \
		> /tmp/user-server.out 2>&1 &
	pskd=$!
	upto 300 grep -q "listening on" /tmp/user-server.out || true
	lines="the-flight-was-already-gone"
	say "openssl s_client -dtls1_2 -psk $psk -psk_identity client1 -connect 127.0.0.1:4438 -cipher PSK-AES128-GCM-SHA256 -brief   # no relay; typing: $lines"
	{
		upto 600 grep -q "drop-final:" /tmp/user-server.out || true
		dtls show -s > /tmp/show-user.out
		for l in $lines; do echo "$l"; sleep 0.5; done
		upto 200 echoes /tmp/user-server.out 1 || true
		sleep 1
	} | timeout 300 openssl s_client -dtls1_2 -psk $psk -psk_identity client1 \
		-connect 127.0.0.1:4438 -cipher PSK-AES128-GCM-SHA256 -brief 2>&1 |
		tee /tmp/s_client-user.out | grep -v "SSL_get_servername" || true
	wait $pskd || echo "(dtls-psk server exited with $?)"
	say "cat user-server.out"
	cat /tmp/user-server.out
	say "dtls show -s   # right after DTLS_FINAL_FLIGHT_DROP: no flight kept, final-drop-user 1"
	cat /tmp/show-user.out
	say "grep DtlsFinalFlight /proc/net/dtls_stat   # DropUser: this session"
	grep DtlsFinalFlight /proc/net/dtls_stat
	expect /tmp/s_client-user.out "CONNECTION ESTABLISHED" "the handshake of the second s_client"
	expect /tmp/show-user.out "final-drop-user 1" "the drop by DTLS_FINAL_FLIGHT_DROP"

	# 6. Certificates, mutual authentication, the CLI (its own script).
	tools/demo/cert.sh || fail=1

	# 7. WebRTC-style: STUN during the handshake, DTLS-SRTP, one port.
	printf "\n== DTLS-SRTP: a kernel server answers STUN while its handshake runs, then use_srtp with OpenSSL on the same port; key fingerprints only\n"
	say "srtp-demo 4440"
	timeout 300 srtp-demo 4440 2>&1 | tee /tmp/srtp-demo.out || true
	expect /tmp/srtp-demo.out "untouched while the handshake is running" "STUN read during the handshake"
	expect /tmp/srtp-demo.out "STUN binding success" "the STUN exchange"
	expect /tmp/srtp-demo.out "kernel says srtp SRTP_AEAD_AES_128_GCM" "the profile the server prefers"
	expect /tmp/srtp-demo.out "same SRTP keys: yes" "equal SRTP keys on both sides"

	# 8. One listening socket, 100 clients (its own script).
	tools/demo/listen.sh || fail=1
	[ -z "$fail" ]'
echo "== demo done"
