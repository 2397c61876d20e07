#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Part 8 of `make demo` (tools/demo.sh), inside the guest: one listening
# socket, many clients.  `dtls-listen server` (tools/examples/dtls-listen.c)
# binds one UDP socket, configures its kernel handshake as a PSK server
# (not started) and calls listen(2); `dtls-listen client --clients 100`
# starts 100 kernel-engine PSK clients, each on its own UDP socket,
# against that one port.  The server accept4()s a socket per session and
# echoes every record under one epoll set; the client checks every echo
# and says "100 clients served on one port".  `dtls show` counts the
# listener's sessions while they are up.  Exits non-zero unless all 100
# clients were served and the server saw all 100 sessions end cleanly.
#
#   PATH=$PWD/tools/out:$PATH tools/demo/listen.sh    (as root, module loaded)
set -u
dir=$(mktemp -d /tmp/kdtls-listen-demo.XXXXXX)
cd "$dir" || exit 1
port=4441
n=100
backlog=128
psk=000102030405060708090a0b0c0d0e0f
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

printf "\n== one listening socket, %d clients: listen(2) and accept(2), every handshake in the kernel\n" "$n"
printf %s "$psk" > psk.hex
# The listener lets 20 ClientHellos a second in from one address by
# default (DTLS_LISTEN_RATE): all the clients here are 127.0.0.1.
say "dtls-listen server --listen 127.0.0.1:$port --identity client1 --key-file psk.hex --hex --clients $n --backlog $backlog --rate 1000 &"
dtls-listen server --listen 127.0.0.1:$port --identity client1 \
	--key-file psk.hex --hex --clients "$n" --backlog "$backlog" \
	--rate 1000 --timeout 120 > server.out 2>&1 &
srv=$!
if ! upto 300 grep -q "listening on" server.out; then
	cat server.out
	echo "(demo: the listener did not start)"
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	cd / && rm -rf "$dir"
	exit 1
fi
cat server.out
say "dtls show | grep listening   # one socket, listening, no session yet"
dtls show | grep listening

say "dtls-listen client --connect 127.0.0.1:$port --identity client1 --key-file psk.hex --hex --clients $n --records 3 --suite PSK-AES128-GCM-SHA256 --hold 10 &   # $n sockets, $n kernel handshakes at once"
timeout 600 dtls-listen client --connect 127.0.0.1:$port --identity client1 \
	--key-file psk.hex --hex --clients "$n" --records 3 \
	--suite PSK-AES128-GCM-SHA256 --timeout 60 --hold 10 \
	> client.out 2> client.err &
cli=$!
# The summary comes once every client is served or given up on; the
# sessions stay open --hold seconds after it: look at them then.
summary_or_gone() {
	grep -q "clients served on one port" client.out || ! kill -0 $cli 2>/dev/null
}
upto 6000 summary_or_gone || true
dtls show > show.out 2>&1
dtls show -j > show.json 2>&1
wait $cli
crc=$?
# A client missing: the server would wait out its --timeout for it.
[ $crc = 0 ] || kill $srv 2>/dev/null
wait $srv
src=$?

say "cat client.out   # the client's summary"
cat client.out
say "cat client.err"
cat client.err
say "dtls show | grep listening   # taken while the sessions were up: $n in the listener's table, none pending or waiting for accept()"
grep listening show.out
say "dtls show | grep -c ' 127.0.0.1:$port peer '   # the accepted sessions: a socket each, on the one port, connected to its client"
accepted=$(grep -c " 127.0.0.1:$port peer " show.out)
echo "$accepted"
say "dtls show -j   # the listener's \"listen\" object"
python3 -c 'import json, sys
for s in json.load(sys.stdin):
    if "listen" in s:
        print(json.dumps(s["listen"]))' < show.json
say "head -n 4 server.out; ...; tail -n 3 server.out   # a line per accepted session, then what was served"
head -n 4 server.out
echo "..."
tail -n 3 server.out
say "grep Listen /proc/net/dtls_stat"
grep Listen /proc/net/dtls_stat

expect client.out "^$n clients served on one port$" "the echoes of all $n clients on one port"
expect show.out "listening sessions $n pending 0 ready 0/$backlog" "the $n sessions in the listener's table in dtls show"
[ "$accepted" = "$n" ] || { echo "(demo: $n accepted sessions in dtls show did not happen)"; fail=1; }
[ "$(grep -c "^dtls-listen: session [0-9]* from " server.out)" = "$n" ] ||
	{ echo "(demo: a line per accepted session did not happen)"; fail=1; }
expect server.out "served $n sessions on one port: $n ended with close_notify, 0 otherwise" "the end of all $n sessions with close_notify"
[ $crc = 0 ] || { echo "(demo: dtls-listen client exited with $crc)"; fail=1; }
[ $src = 0 ] || { echo "(demo: dtls-listen server exited with $src)"; fail=1; }
cd / && rm -rf "$dir"
[ -z "$fail" ]
