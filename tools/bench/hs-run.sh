#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/bench/hs-run.sh - the handshake benchmark, in guest instructions,
# and the kernel memory of an established session.
#
# Builds the icount QEMU plugin, dtls.ko for 6.12 and tools/out/hs-bench,
# runs it in ONE 6.12 guest with one vCPU and the plugin (lib.sh, shared
# with run.sh), and prints the tables in Markdown: instructions per
# handshake, kernel with kernel (kdtls) and OpenSSL with OpenSSL, per
# suite (PSK, ECDHE-PSK, and ECDHE-ECDSA with the server's certificate or,
# "mutual" after the suite, both sides'), the ratio and handshakes/s; the
# same per step of a handshake;
# where kdtls's instructions go (differences of the sets); bytes of slab
# memory per established session beyond its UDP socket, per side, and
# per cache.
#
#   tools/bench/hs-run.sh [--quick] [-n N] [-k K]      (make bench-hs)
#
# Arguments go to hs-bench (--quick: 10 handshakes per set, 50 sessions;
# default 50 and 200; --control handle|per-call: kdtls's control calls
# one by one on a libdtls handle, or on a handle opened for each call, instead
# of one dtls_hs_setup() per socket).  The guest boots with slab_nomerge, so that every
# cache in the memory split has its own name (a UDP socket would be
# counted in whatever cache of the same size it was merged into).  The raw
# output and the report are kept in build/bench/.  About 2.5 minutes.
#
# TCG counts every iteration of a rep-prefixed instruction.  glibc's
# memset() and memcpy() use rep stosb / rep movsb from 2 KiB up, so that
# a 32 KiB calloc() (libdtls's receive buffer, per call) would count
# 32,768 instructions, where hardware spends some 1,000 cycles: hs-bench
# runs with glibc's thresholds for them raised (GLIBC_TUNABLES), which
# makes them vector loops, counted about as hardware runs them, in both
# modes alike.  The kernel's own (copies to and from user space, zeroing
# with init_on_alloc) still count one per byte, in both modes alike.
set -eu

. "$(dirname "$0")/lib.sh"
append=slab_nomerge
tunables=glibc.cpu.x86_rep_stosb_threshold=1073741824:glibc.cpu.x86_rep_movsb_threshold=1073741824
guest_env=GLIBC_TUNABLES=$tunables
bench_init
bench_build
bench_guest hs hs-bench "$@"

qemu=$(bench_qemu)
guest=$(bench_about hs-bench)
control=$(sed -n 's/^hs-bench: .*, libdtls \([a-z-]*\)$/\1/p' "$out" | head -n1)

# The spans, each with its icount line, then the other result lines.
{ bench_spans; grep '^HSSTAT \|^MEM \|^MEMCACHE ' "$out"; } |
awk -v date="$(date -u +%Y-%m-%d)" -v guest="$guest" -v qemu="$qemu" \
    -v smp="$smp" -v mods="$guest_mods" -v append="$append" \
    -v tunables="$tunables" -v control="${control:-per-call}" '
function per(x, n) { return n ? int(x / n + 0.5) : 0 }
function fields(   i, kv) {
	delete v
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		v[kv[1]] = kv[2]
	}
}
# A set: mode, suite, group, cookies and authentication (psk; cert: the
# certificate of the server; mutual: of both), the last "psk" by default.
function set(m, s, g, c, a) { return m "|" s "|" g "|" c "|" (a == "" ? "psk" : a) }
function gname(g) { return g == "-" ? "" : " " g }
# The suite column: the suite, and "mutual" for mutual authentication.
function sname(s, a) { return a == "mutual" ? s " mutual" : s }
$1 == "SPAN" {
	fields()
	if (v["idx"] != nspan++) {
		print "bench: span " v["idx"] " out of order" > "/dev/stderr"
		exit 1
	}
	k = set(v["mode"], v["suite"], v["group"], v["cookies"], v["auth"])
	if (v["mode"] == "ref")
		k = set("ref", v["phase"], "-", "-", "-")
	if (!(k in N)) {
		order[++nk] = k
		if (v["mode"] == "kdtls")
			kd[++nkd] = k
	}
	if (v["phase"] == "sockets" || v["mode"] == "ref")
		N[k]++
	p = v["phase"]
	K[k] += v["kernel"]; U[k] += v["user"]; T[k] += v["total"]
	NS[k] += v["ns"]
	PK[k, p] += v["kernel"]; PU[k, p] += v["user"]; PT[k, p] += v["total"]
	next
}
$1 == "HSSTAT" {
	fields()
	k = set("kdtls", v["suite"], v["group"], v["cookies"], v["auth"])
	RT[k] = v["retransmit"]; HVR[k] = v["hvr"]
	next
}
$1 == "MEM" {
	fields()
	mem[++nmem] = $0
	next
}
$1 == "MEMCACHE" {
	fields()
	memc[++nmemc] = $0
	next
}
END {
	split(guest, g, "|")
	printf "Run of %s: guest kernel %s, %s (TCG, -cpu max, -smp %s), %s;\n", \
		date, g[1], qemu, smp, g[2]
	printf "guest modules %s loaded first, kernel command line %s;\n", mods, append
	printf "GLIBC_TUNABLES=%s;\n", tunables
	if (control == "setup")
		cdesc = "a handle (one netlink socket, opened once per set), attach + PSK + configure and start as one request per socket (dtls_hs_setup, cfg.start)"
	else if (control == "setup-start")
		cdesc = "a handle (one netlink socket, opened once per set), attach + PSK + configure as one request per socket (dtls_hs_setup), the start apart"
	else if (control == "handle")
		cdesc = "a handle (one netlink socket, opened once per set), one request per call"
	else
		cdesc = "a handle opened and closed for each call (a netlink socket and a family lookup each)"
	ncfg = control ~ /^setup/ ? 2 : 6
	nhs = control == "setup" ? 0 : 2
	printf "kdtls control calls: libdtls, %s.\n", cdesc
	n = N[kd[1]]
	printf "%d handshakes per set, each on fresh sockets; instructions per\n", n
	print "handshake (mean) from the icount plugin; handshakes/s is TCG"
	print "wall-clock time, indicative only.  Target: kdtls / OpenSSL <= 0.5."
	print ""
	print "| suite | group | cookies | kdtls kernel | kdtls user | kdtls total | OpenSSL kernel | OpenSSL user | OpenSSL total | kdtls / OpenSSL | kdtls hs/s | OpenSSL hs/s |"
	print "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= nkd; i++) {
		a = kd[i]
		split(a, f, "|")
		b = set("openssl", f[2], f[3], f[4], f[5])
		ka = per(K[a], N[a]); ua = per(U[a], N[a]); ta = per(T[a], N[a])
		ra = NS[a] ? N[a] * 1e9 / NS[a] : 0
		if (b in N) {
			tb = per(T[b], N[b])
			r = ta / tb
			note = r <= 0.5 ? " (met)" : " (missed)"
			printf "| %s | %s | %s | %d | %d | %d | %d | %d | %d | %.2f%s | %.1f | %.1f |\n", \
				sname(f[2], f[5]), f[3], f[4], ka, ua, ta, per(K[b], N[b]), \
				per(U[b], N[b]), tb, r, note, ra, \
				NS[b] ? N[b] * 1e9 / NS[b] : 0
		} else {
			printf "| %s | %s | %s | %d | %d | %d | - | - | - | - | %.1f | - |\n", \
				sname(f[2], f[5]), f[3], f[4], ka, ua, ta, ra
		}
	}

	print ""
	print "Per step of a handshake (total instructions, of which user in"
	print "parentheses): sockets = socket, bind, connect of both; config ="
	printf "kdtls: attach, add the PSK, configure%s on both (%d libdtls calls),\n", \
		nhs ? "" : " and start", ncfg
	printf "OpenSSL: SSL_new and BIO of both; handshake = kdtls: %spoll until\n", \
		nhs ? "start both (2 libdtls calls) and " : ""
	print "established (the engine works in whichever step the scheduler"
	print "gives it), OpenSSL: stepping both; close = close (kdtls), SSL_free"
	print "and close (OpenSSL).  The ECDHE-ECDSA sets (certificates, no PSK):"
	printf "kdtls config = attach, configure, cert-set of the server (and of the\n"
	printf "client, mutual), peer-auth of the client (and of the server, mutual)%s,\n", \
		nhs ? "" : ", start"
	print "one libdtls call each (8 calls, 10 mutual), OpenSSL the same as"
	print "above, the certificates, keys and trust stores being in the SSL_CTXs:"
	print ""
	print "| mode | suite | group | cookies | sockets | config | handshake | close | all |"
	print "|---|---|---|---|--:|--:|--:|--:|--:|"
	split("sockets config handshake close", ph, " ")
	for (i = 1; i <= nk; i++) {
		a = order[i]
		split(a, f, "|")
		if (f[1] == "ref")
			continue
		line = sprintf("| %s | %s | %s | %s", f[1], sname(f[2], f[5]), f[3], f[4])
		for (j = 1; j <= 4; j++)
			line = line sprintf(" | %d (%d)", per(PT[a, ph[j]], N[a]), \
					    per(PU[a, ph[j]], N[a]))
		printf "%s | %d (%d) |\n", line, per(T[a], N[a]), per(U[a], N[a])
	}

	refn = set("ref", "nlcall", "-", "-", "-")
	refh = set("ref", "hcall", "-", "-", "-")
	ref = control == "per-call" ? refn : refh
	psk = set("kdtls", "PSK-AES128-GCM-SHA256", "-", "on")
	pskoff = set("kdtls", "PSK-AES128-GCM-SHA256", "-", "off")
	opsk = set("openssl", "PSK-AES128-GCM-SHA256", "-", "on")
	opskoff = set("openssl", "PSK-AES128-GCM-SHA256", "-", "off")
	ch = set("kdtls", "PSK-CHACHA20-POLY1305", "-", "on")
	x = set("kdtls", "ECDHE-PSK-CHACHA20-POLY1305", "x25519", "on")
	p2 = set("kdtls", "ECDHE-PSK-CHACHA20-POLY1305", "p256", "on")
	och = set("openssl", "PSK-CHACHA20-POLY1305", "-", "on")
	ox = set("openssl", "ECDHE-PSK-CHACHA20-POLY1305", "x25519", "on")
	op2 = set("openssl", "ECDHE-PSK-CHACHA20-POLY1305", "p256", "on")
	# Certificates (ECDSA P-256), x25519: server only, mutual
	xg = set("kdtls", "ECDHE-PSK-AES128-GCM-SHA256", "x25519", "on")
	ec = set("kdtls", "ECDHE-ECDSA-CHACHA20-POLY1305", "x25519", "on", "cert")
	ea = set("kdtls", "ECDHE-ECDSA-AES128-GCM-SHA256", "x25519", "on", "cert")
	em = set("kdtls", "ECDHE-ECDSA-AES128-GCM-SHA256", "x25519", "on", "mutual")
	oec = set("openssl", "ECDHE-ECDSA-CHACHA20-POLY1305", "x25519", "on", "cert")
	oea = set("openssl", "ECDHE-ECDSA-AES128-GCM-SHA256", "x25519", "on", "cert")
	oem = set("openssl", "ECDHE-ECDSA-AES128-GCM-SHA256", "x25519", "on", "mutual")
	if ((ref in N) && (psk in N)) {
		call = per(T[ref], N[ref])
		hsp = per(PT[psk, "handshake"], N[psk])
		print ""
		print "Where the instructions go (per handshake, differences of the sets):"
		print ""
		printf "- one libdtls call, on a handle of its own (a netlink socket, the family lookup, one request): %d, of which %d user and %d kernel;\n", \
			per(T[refn], N[refn]), per(U[refn], N[refn]), per(K[refn], N[refn])
		if (refh in N)
			printf "- one libdtls call on a handle (one request): %d, of which %d user and %d kernel;\n", \
				per(T[refh], N[refh]), per(U[refh], N[refh]), per(K[refh], N[refh])
		printf "  (the kdtls sets used %s)\n", cdesc
		printf "  kdtls config and handshake steps (%d calls) together: %d; without\n", \
			ncfg + nhs, per(PT[psk, "config"], N[psk]) + hsp
		printf "  the calls (the engine, both sides, PSK-AES128-GCM-SHA256): %d, of which %d kernel\n", \
			per(PT[psk, "config"], N[psk]) + hsp - (ncfg + nhs) * call, \
			per(PK[psk, "config"], N[psk]) + per(PK[psk, "handshake"], N[psk]) - (ncfg + nhs) * per(K[ref], N[ref])
		printf "  (OpenSSL: handshake step %d, all of it %d)\n", \
			per(PT[opsk, "handshake"], N[opsk]), per(T[opsk], N[opsk])
		if (pskoff in N)
			printf "- the cookie round trip (HelloVerifyRequest, second ClientHello): kdtls %d, OpenSSL %d\n", \
				per(T[psk], N[psk]) - per(T[pskoff], N[pskoff]), \
				(opskoff in N) ? per(T[opsk], N[opsk]) - per(T[opskoff], N[opskoff]) : 0
		if ((x in N) && (ch in N))
			printf "- ECDHE with x25519 (ECDHE-PSK-CHACHA20 - PSK-CHACHA20): kdtls %d, OpenSSL %d\n", \
				per(T[x], N[x]) - per(T[ch], N[ch]), \
				(ox in N) ? per(T[ox], N[ox]) - per(T[och], N[och]) : 0
		if ((p2 in N) && (ch in N))
			printf "- ECDHE with P-256 (same): kdtls %d, OpenSSL %d\n", \
				per(T[p2], N[p2]) - per(T[ch], N[ch]), \
				(op2 in N) ? per(T[op2], N[op2]) - per(T[och], N[och]) : 0
		# The certificate sets make their calls one by one: attach,
		# configure, cert-set of each side with a certificate,
		# peer-auth of each side with a pin, the start of both.
		if ((ec in N) && (x in N))
			printf "- the server'"'"'s certificate, ECDSA P-256 (ECDHE-ECDSA-CHACHA20 - ECDHE-PSK-CHACHA20, x25519; kdtls 8 libdtls calls instead of %d): kdtls %d (of which config %d, handshake %d), OpenSSL %d\n", \
				ncfg + nhs, per(T[ec], N[ec]) - per(T[x], N[x]), \
				per(PT[ec, "config"], N[ec]) - per(PT[x, "config"], N[x]), \
				per(PT[ec, "handshake"], N[ec]) - per(PT[x, "handshake"], N[x]), \
				((oec in N) && (ox in N)) ? per(T[oec], N[oec]) - per(T[ox], N[ox]) : 0
		if ((ea in N) && (xg in N))
			printf "- the same with AES128-GCM (ECDHE-ECDSA-AES128-GCM - ECDHE-PSK-AES128-GCM, x25519, kdtls only): %d\n", \
				per(T[ea], N[ea]) - per(T[xg], N[xg])
		if ((em in N) && (ea in N))
			printf "- the client'"'"'s certificate too (ECDHE-ECDSA-AES128-GCM mutual - server only; kdtls 2 libdtls calls more): kdtls %d (of which config %d, handshake %d), OpenSSL %d\n", \
				per(T[em], N[em]) - per(T[ea], N[ea]), \
				per(PT[em, "config"], N[em]) - per(PT[ea, "config"], N[ea]), \
				per(PT[em, "handshake"], N[em]) - per(PT[ea, "handshake"], N[ea]), \
				((oem in N) && (oea in N)) ? per(T[oem], N[oem]) - per(T[oea], N[oea]) : 0
		rt = 0
		for (k in RT)
			rt += RT[k]
		printf "- kdtls retransmissions in all the sets: %d\n", rt
	}

	if (!nmem)
		exit 0
	print ""
	print "Kernel slab memory per established kdtls session (sum over"
	print "/proc/slabinfo of objects in use x object size, every cache shrunk"
	print "first, after deferred frees settled), in bytes; client and server"
	print "beyond their UDP socket (target: <= 1024):"
	print ""
	print "| suite | sessions | UDP socket | client | server | left after close |"
	print "|---|--:|--:|--:|--:|--:|"
	for (i = 1; i <= nmem; i++) {
		$0 = mem[i]
		fields()
		printf "| %s | %d | %d | %d%s | %d%s | %d |\n", v["suite"], \
			v["sessions"], v["udp_sock"], \
			v["client"], v["client"] <= 1024 ? " (met)" : " (over)", \
			v["server"], v["server"] <= 1024 ? " (met)" : " (over)", \
			v["left"]
	}
	print ""
	print "Per cache (per socket for udp; per session beyond the UDP socket):"
	print ""
	print "| suite | side | cache | objects | bytes |"
	print "|---|---|---|--:|--:|"
	for (i = 1; i <= nmemc; i++) {
		$0 = memc[i]
		fields()
		printf "| %s | %s | %s | %s | %d |\n", v["suite"], v["side"], \
			v["cache"], v["objs"], v["bytes"]
	}
}' | tee "$report"
say "report: $report (raw: $out, $err)"
