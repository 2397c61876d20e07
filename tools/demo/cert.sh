#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Part 6 of `make demo` (tools/demo.sh), inside the guest: certificates in
# the kernel handshake, with mutual authentication.  A kdtls server
# socket (tools/examples/dtls-cert --external: it only attaches and
# echoes) is configured by the dtls CLI: an ECDSA P-256 certificate made
# with openssl req, the SHA-256 of the client's certificate pinned and
# required.  An unmodified `openssl s_client -dtls1_2` with its own
# certificate verifies the server against it; `dtls handshake show`
# prints the client's fingerprint and subject as the kernel checked them.
# Exits non-zero when a step of that story did not happen.
#
#   PATH=$PWD/tools/out:$PATH tools/demo/cert.sh    (as root, module loaded)
set -u
dir=$(mktemp -d /tmp/kdtls-cert-demo.XXXXXX)
cd "$dir" || exit 1
port=4439
say() { printf "\n\$ %s\n" "$*"; }
upto() {	# upto N CMD...: CMD true within N tenths of a second
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
fail=
expect() {	# expect FILE PATTERN WHAT
	grep -Eq -- "$2" "$1" 2>/dev/null && return 0
	echo "(demo: $3 did not happen)"
	fail=1
}

printf "\n== certificates: a kernel server with an ECDSA certificate, openssl s_client with its own, each side checking the other\n"
for who in server client; do
	say "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key -out $who.pem -days 1 -subj /CN=kdtls-demo-$who"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout $who.key -out $who.pem -days 1 \
		-subj "/CN=kdtls-demo-$who" 2>/dev/null || { echo "(openssl req failed)"; exit 1; }
done
say "openssl x509 -in client.pem -noout -fingerprint -sha256"
openssl x509 -in client.pem -noout -fingerprint -sha256 | tee fp.out
fp=$(sed -n 's/.*=//p' fp.out)

say "dtls-cert server --listen 127.0.0.1:$port --external &   # attaches its socket and waits; the dtls CLI does the rest"
dtls-cert server --listen 127.0.0.1:$port --external --timeout 120 \
	> cert-server.out 2>&1 &
srv=$!
upto 300 grep -q "socket ino" cert-server.out || true
cat cert-server.out
ino=$(sed -n 's/.*socket ino \([0-9]*\).*/\1/p' cert-server.out | head -n1)
[ -n "$ino" ] || { echo "(demo: dtls-cert did not attach)"; kill $srv; exit 1; }

say "dtls handshake config --ino $ino --role server --suite ECDHE-ECDSA-AES128-GCM-SHA256"
dtls handshake config --ino "$ino" --role server \
	--suite ECDHE-ECDSA-AES128-GCM-SHA256 || fail=1
say "dtls cert set --ino $ino --chain server.pem --key server.key   # the key goes to the kernel, wiped here; never readable back"
dtls cert set --ino "$ino" --chain server.pem --key server.key || fail=1
say "dtls peer pin --ino $ino --sha256 $fp --required   # only this client certificate"
dtls peer pin --ino "$ino" --sha256 "$fp" --required || fail=1
say "dtls handshake start --ino $ino"
dtls handshake start --ino "$ino" || fail=1
say "dtls handshake show --ino $ino"
dtls handshake show --ino "$ino"

lines="from-a-client-the-kernel-pinned"
say "openssl s_client -dtls1_2 -connect 127.0.0.1:$port -cert client.pem -key client.key -CAfile server.pem -verify 1 -verify_return_error -brief   # typing: $lines"
{
	upto 600 grep -q "handshake done" cert-server.out || true
	dtls handshake show --ino "$ino" > show.out 2>&1
	dtls handshake show --ino "$ino" -j > show.json 2>&1
	for l in $lines; do echo "$l"; sleep 0.5; done
	upto 200 grep -q "^echo: " cert-server.out || true
	sleep 1		# then EOF: s_client sends close_notify
} | timeout 300 openssl s_client -dtls1_2 -connect 127.0.0.1:$port \
	-cert client.pem -key client.key -CAfile server.pem \
	-verify 1 -verify_return_error -brief 2>&1 |
	tee s_client.out | grep -v "SSL_get_servername"
wait $srv || echo "(dtls-cert server exited with $?)"
say "cat cert-server.out"
cat cert-server.out
say "dtls handshake show --ino $ino   # taken once established: the client's certificate as the kernel checked it"
cat show.out
say "dtls handshake show --ino $ino -j"
cat show.json

expect s_client.out "CONNECTION ESTABLISHED" "the handshake of s_client with the kernel server"
expect s_client.out "Verification: OK" "s_client's verification of the kernel's certificate"
expect show.out "suite ECDHE-ECDSA-AES128-GCM-SHA256 peer-cert-sha256 $fp peer-subject CN=kdtls-demo-client" "the pinned client certificate in handshake show"
expect cert-server.out "^echo: $lines" "the echo of the line s_client sent"
cd / && rm -rf "$dir"
[ -z "$fail" ]
