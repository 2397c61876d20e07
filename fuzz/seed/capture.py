#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""capture.py - seed the fuzz corpus with real DTLS 1.2 flights.

Runs openssl s_server and s_client (PSK, no certificates) on the host
loopback with a UDP relay between them, once per cipher suite and once
with the cookie exchange (-listen), and writes what passed through:
  corpus/record/  every datagram
  corpus/msg/     every whole plaintext handshake message (header + body)
  corpus/reasm/   each side's handshake fragments, as reasm_fuzz's raw mode
  corpus/cookie/  each ClientHello body behind cookie_fuzz's 24-byte prefix
No module and no privileges needed: user-space OpenSSL only.
Usage: fuzz/seed/capture.py [fuzz/corpus]
"""
import hashlib
import os
import select
import socket
import subprocess
import sys
import time

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "corpus")
RUNS = [
    ("PSK-AES128-GCM-SHA256", []),
    ("ECDHE-PSK-AES128-CBC-SHA256", []),
    ("PSK-AES128-GCM-SHA256", ["-listen"]),
    ("ECDHE-PSK-CHACHA20-POLY1305", ["-listen"]),
]


def put(kind, data):
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def handshake(suite, extra):
    sport = free_port()
    relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    relay.bind(("127.0.0.1", 0))
    rport = relay.getsockname()[1]
    srv = subprocess.Popen(
        ["openssl", "s_server", "-dtls1_2", "-nocert", "-psk", "0102030405",
         "-psk_hint", "kdtls-hint", "-cipher", suite, "-accept", str(sport),
         "-naccept", "1"] + extra,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    cli = subprocess.Popen(
        ["openssl", "s_client", "-dtls1_2", "-psk", "0102030405",
         "-psk_identity", "kdtls-client", "-cipher", suite, "-connect",
         "127.0.0.1:%d" % rport],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    client = None
    grams = []			# (from_client, datagram)
    end = time.time() + 4
    while time.time() < end:
        r, _, _ = select.select([relay], [], [], 0.2)
        if not r:
            continue
        data, addr = relay.recvfrom(65536)
        if addr[1] == sport:
            if client:
                relay.sendto(data, client)
            grams.append((False, data))
        else:
            client = addr
            relay.sendto(data, ("127.0.0.1", sport))
            grams.append((True, data))
    for p in (cli, srv):
        p.kill()
        p.wait()
    relay.close()
    return grams


def records(dgram):
    off = 0
    while off + 13 <= len(dgram):
        ln = int.from_bytes(dgram[off + 11:off + 13], "big")
        yield dgram[off], int.from_bytes(dgram[off + 3:off + 5], "big"), \
            dgram[off + 13:off + 13 + ln]
        off += 13 + ln


def main():
    for suite, extra in RUNS:
        grams = handshake(suite, extra)
        print("capture: %s %s: %d datagrams" % (suite, " ".join(extra),
                                                 len(grams)))
        frags = {True: b"", False: b""}
        for from_client, d in grams:
            put("record", d)
            for ctype, epoch, body in records(d):
                if ctype != 22 or epoch != 0:
                    continue
                frags[from_client] += body
                off = 0
                while off + 12 <= len(body):
                    ln = int.from_bytes(body[off + 1:off + 4], "big")
                    fl = int.from_bytes(body[off + 9:off + 12], "big")
                    msg = body[off:off + 12 + fl]
                    if fl == ln and body[off + 6:off + 9] == b"\0\0\0":
                        put("msg", msg)
                        put("msg", msg[12:])
                        if msg[0] == 1:	# ClientHello
                            prefix = bytes([0]) + bytes([127, 0, 0, 1]) + \
                                bytes(12) + (4433).to_bytes(2, "big") + \
                                bytes([0, 4, 0, 40, 5])
                            put("cookie", prefix + msg[12:])
                            put("cookie", bytes([1]) + prefix[1:] + msg[12:])
                    off += 12 + fl
        for side, data in frags.items():
            if data:
                seq0 = int.from_bytes(data[4:6], "big")
                put("reasm", bytes([1]) + seq0.to_bytes(2, "big") + data)


if __name__ == "__main__":
    main()
