#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/bench/listen-run.sh - one server port, many DTLS sessions: the
# listener (listen(2) and accept(2)) against one socket per peer, in
# guest instructions, and what 10,000 sessions on a listener cost to
# establish and keep.
#
# Builds the icount QEMU plugin, dtls.ko for 6.12 and tools/out/
# listen-bench, runs it in ONE 6.12 guest with one vCPU, 1 GiB and the
# plugin (lib.sh, shared with run.sh and hs-run.sh), and prints the
# tables in Markdown:
#  - instructions per 1200-byte AES-128-GCM record (one send on a client,
#    one recv on the server side) on one session while N sessions exist
#    on the port, N = 1, 100, 1,000, 10,000: the listener (the measured
#    session an accepted child; the sessions from real handshakes through
#    the listener) and one socket per peer (N server sockets with
#    SO_REUSEPORT on the port, each connected to its client, keys
#    installed with setsockopt); N / 1 per model, the listener's goal
#    being within 10% at 10,000; at one session, sends and recvs apart,
#    next to a session without a listener;
#  - establishing 10,000 sessions on one listener: handshakes per second
#    of guest time and instructions per handshake, both sides (the
#    clients are kernel handshakes in the same guest), per step and per
#    suite (PSK-AES128-GCM-SHA256, PSK-AES256-GCM-SHA384,
#    PSK-CHACHA20-POLY1305, PSK-AES128-CCM8);
#  - kernel slab memory per idle established session, the server side
#    (the accepted child) with its socket's own caches apart, beyond a
#    plain UDP socket (goal: at most 1 KiB), per suite, and per cache.
#
#   tools/bench/listen-run.sh [--quick] [--max N] [-r R] [-k K] [-w W]
#   (make bench-listen)
#
# Arguments go to listen-bench (--quick: N up to 100, 200 records a span,
# 50 sessions a suite; --max N: the largest N; -k K: sessions of each
# other suite, 10,000; -w W: handshakes in flight, 64).  The guest boots
# with slab_nomerge, as for hs-run.sh, and runs with glibc's rep
# thresholds raised (GLIBC_TUNABLES, see hs-run.sh).  The raw output and
# the report are kept in build/bench/.  About 2.5 minutes (TCG, the
# build included).
set -eu

. "$(dirname "$0")/lib.sh"
append=slab_nomerge
mem=1G
tunables=glibc.cpu.x86_rep_stosb_threshold=1073741824:glibc.cpu.x86_rep_movsb_threshold=1073741824
guest_env=GLIBC_TUNABLES=$tunables
bench_init
bench_build
bench_guest listen listen-bench "$@"

qemu=$(bench_qemu)
guest=$(bench_about listen-bench)
setup=$(sed -n 's/^listen-bench: .*icount marks [a-zA-Z ]*, \(.*\)$/\1/p' "$out" | head -n1)

# The spans, each with its icount line, then the other result lines.
{ bench_spans; grep '^HSSTAT \|^MEM \|^MEMCACHE ' "$out"; } |
awk -v date="$(date -u +%Y-%m-%d)" -v guest="$guest" -v qemu="$qemu" \
    -v smp="$smp" -v gmem="$mem" -v mods="$guest_mods" -v append="$append" \
    -v setup="$setup" '
function per(x, n) { return n ? int(x / n + 0.5) : 0 }
function fields(   i, kv) {
	delete v
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		v[kv[1]] = kv[2]
	}
}
function commas(x,   s, r) {
	s = sprintf("%d", x)
	r = ""
	while (length(s) > 3) {
		r = "," substr(s, length(s) - 2) r
		s = substr(s, 1, length(s) - 3)
	}
	return s r
}
# The median of the runs of a row, by total; spread = (max - min) / median.
function median(k,   n, i, j, t, idx) {
	n = reps[k]
	for (i = 1; i <= n; i++)
		idx[i] = i
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (LT[k, idx[j]] < LT[k, idx[i]]) {
				t = idx[i]; idx[i] = idx[j]; idx[j] = t
			}
	t = idx[int((n + 1) / 2)]
	K[k] = per(LK[k, t], LN[k, t]); U[k] = per(LU[k, t], LN[k, t])
	T[k] = per(LT[k, t], LN[k, t]); NRC[k] = LN[k, t]
	SPR[k] = 100 * (LT[k, idx[n]] - LT[k, idx[1]]) / LT[k, t]
}
function mname(m) {
	return m == "listener" ? "listener" : m == "reuseport" ? \
		"one socket per peer" : "no listener, one pair"
}
$1 == "SPAN" {
	fields()
	if (v["idx"] != nspan++) {
		print "bench: span " v["idx"] " out of order" > "/dev/stderr"
		exit 1
	}
	if (v["phase"] == "establish") {
		k = v["suite"] "|" v["from"] "|" v["to"]
		est[++nest] = k
		EK[k] = v["kernel"]; EU[k] = v["user"]; ET[k] = v["total"]
		ENS[k] = v["ns"]
		next
	}
	k = v["model"] "|" v["n"] "|" v["variant"]
	if (v["variant"] == "send" || v["variant"] == "recv") {
		PT[k] += v["total"]; PK[k] += v["kernel"]; PN[k] += v["records"]
		next
	}
	if (!(k in reps))
		rows[++nrows] = k
	r = ++reps[k]
	LN[k, r] = v["records"]; LK[k, r] = v["kernel"]
	LU[k, r] = v["user"]; LT[k, r] = v["total"]
	next
}
$1 == "HSSTAT" {
	fields()
	k = v["suite"] "|" v["from"] "|" v["to"]
	RT[k] = v["retransmit"]; HVR[k] = v["hvr"]; FAIL[k] = v["failed"]
	DROPS[k] = v["ratelimited"] + v["queuefull"] + v["pendingfull"] + \
		   v["backlogfull"] + v["expired"]
	next
}
$1 == "MEM" {
	fields()
	mem[++nmem] = $0
	next
}
$1 == "MEMCACHE" {
	fields()
	if (v["side"] != "server" && v["side"] != "udp")
		next
	col = v["side"] == "udp" ? "udp" : v["suite"]
	if (!(v["cache"] in crow)) {
		crow[v["cache"]] = ++ncrow
		cname[ncrow] = v["cache"]
		csock[ncrow] = v["sock"]
	}
	CB[col, v["cache"]] = v["bytes"]; CO[col, v["cache"]] = v["objs"]
	next
}
END {
	for (i = 1; i <= nrows; i++)
		median(rows[i])
	split(guest, g, "|")
	printf "Run of %s: guest kernel %s, %s (TCG, -cpu max, -smp %s, -m %s), %s;\n", \
		date, g[1], qemu, smp, gmem, g[2]
	printf "guest modules %s loaded first, kernel command line %s;\n", mods, append
	printf "listen-bench: %s.\n", setup
	print "Instructions from the icount plugin (kernel and user, every task"
	print "and softirq of the guest); guest time is TCG wall-clock time,"
	print "indicative only."
	print ""
	print "Per 1200-byte AES-128-GCM record on one session (a send on its"
	print "client, a recv on its server side: the accepted child, or its"
	print "connected SO_REUSEPORT socket) while N sessions exist on the"
	print "server port; median of the runs, spread = (max - min) / median."
	print "\"server-only\": the other clients closed, their children kept (the"
	print "benchmark'"'"'s own client sockets share UDP'"'"'s hash with the listener):"
	print ""
	print "| model | sessions | records | kernel | user | total | spread | N / 1 |"
	print "|---|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= nrows; i++) {
		split(rows[i], f, "|")
		one = f[1] "|1|all"
		printf "| %s%s | %s | %d x %d | %d | %d | %d | %.1f%% | %s |\n", \
			mname(f[1]), f[3] == "all" ? "" : ", " f[3], commas(f[2]), \
			reps[rows[i]], NRC[rows[i]], K[rows[i]], U[rows[i]], \
			T[rows[i]], SPR[rows[i]], \
			(one in T && f[1] != "pair") ? sprintf("%.2f", T[rows[i]] / T[one]) : "-"
	}

	l1 = "listener|1|all"; r1 = "reuseport|1|all"
	print ""
	print "N / 1, total instructions per record (the listener'"'"'s goal: within"
	print "10% at 10,000):"
	print ""
	print "| sessions | listener | N / 1 | one socket per peer | N / 1 |"
	print "|--:|--:|--:|--:|--:|"
	for (i = 1; i <= nrows; i++) {
		split(rows[i], f, "|")
		if (f[1] != "listener" || f[3] != "all")
			continue
		lk = rows[i]; rk = "reuseport|" f[2] "|all"
		note = ""
		if (f[2] == 10000)
			note = T[lk] / T[l1] <= 1.1 ? " (goal met)" : " (goal missed)"
		printf "| %s | %d | %.3f%s | %s | %s |\n", commas(f[2]), T[lk], \
			T[lk] / T[l1], note, (rk in T) ? T[rk] : "-", \
			(rk in T && r1 in T) ? sprintf("%.2f", T[rk] / T[r1]) : "-"
	}

	p1 = "pair|1"; np = 0
	for (k in PN)
		np++
	if (np) {
		print ""
		print "At one session, where a record'"'"'s instructions go: sends alone"
		print "(sealing, UDP/IP out, loopback, the UDP lookup and the opening in"
		print "softirq) and recvs alone, spans of 20 sends then 20 recvs, added"
		print "up; \"no listener, one pair\" is a client and a server socket of its"
		print "own, both from the kernel'"'"'s handshake:"
		print ""
		print "| model | send | recv | both | both - the pair'"'"'s |"
		print "|---|--:|--:|--:|--:|"
		split("pair listener reuseport", ms, " ")
		for (i = 1; i <= 3; i++) {
			s = ms[i] "|1|send"; r = ms[i] "|1|recv"
			if (!(s in PN))
				continue
			both = per(PT[s], PN[s]) + per(PT[r], PN[r])
			pb = ("pair|1|send" in PN) ? per(PT["pair|1|send"], PN["pair|1|send"]) + \
				per(PT["pair|1|recv"], PN["pair|1|recv"]) : both
			printf "| %s | %d | %d | %d | %+d |\n", mname(ms[i]), \
				per(PT[s], PN[s]), per(PT[r], PN[r]), both, both - pb
		}
	}

	if (nest) {
		print ""
		w = match(setup, /[0-9]+ in flight/) ? substr(setup, RSTART, RLENGTH - 10) : "-w"
		print "Establishing sessions on one listener, in steps (sessions before"
		printf "and after): clients started %s at a time (socket, bind, connect,\n", w
		print "one dtls_hs_setup() with the start), the children accepted"
		print "(non-blocking accept4() on poll()) until every client is"
		print "established; HelloVerifyRequest cookies, extended master secret."
		print "Instructions per handshake are both sides'"'"' (the clients are"
		print "kernel handshakes in the same guest), sockets and accept included;"
		print "drops = rate-limited, queue, pending, backlog full and expired:"
		print ""
		print "| suite | sessions | handshakes | guest s | handshakes/s | kernel / hs | user / hs | total / hs | HVR | retransmissions | drops |"
		print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
		for (i = 1; i <= nest; i++) {
			k = est[i]
			split(k, f, "|")
			n = f[3] - f[2]
			printf "| %s | %s to %s | %s | %.2f | %.0f | %d | %d | %d | %s | %s | %s |\n", \
				f[1], commas(f[2]), commas(f[3]), commas(n), ENS[k] / 1e9, \
				n * 1e9 / ENS[k], per(EK[k], n), per(EU[k], n), \
				per(ET[k], n), HVR[k], RT[k], DROPS[k]
			# The steps of one suite added up, from 0.
			S = f[1]
			SN[S] += n; SK[S] += EK[k]; SU[S] += EU[k]; ST[S] += ET[k]
			SNS[S] += ENS[k]; SRT[S] += RT[k]; SHVR[S] += HVR[k]
			SDR[S] += DROPS[k]; steps[S]++
			if (steps[S] > 1 && (i == nest || index(est[i + 1], S "|") != 1))
				printf "| %s | **0 to %s** | %s | %.2f | **%.0f** | %d | %d | **%d** | %s | %s | %s |\n", \
					S, commas(f[3]), commas(SN[S]), SNS[S] / 1e9, \
					SN[S] * 1e9 / SNS[S], per(SK[S], SN[S]), \
					per(SU[S], SN[S]), per(ST[S], SN[S]), SHVR[S], \
					SRT[S], SDR[S]
		}
	}

	if (!nmem)
		exit 0
	print ""
	print "Kernel slab memory per idle established session (sum over"
	print "/proc/slabinfo of objects in use x object size, every cache shrunk"
	print "first, deferred frees settled), in bytes: the server side is what"
	print "closing the children gave back (the clients closed before), its"
	print "final flight dropped (DTLS_FINAL_FLIGHT_DROP); the child'"'"'s socket is"
	print "its caches UDP, sock_inode_cache, dentry, filp, lsm_*; a plain UDP"
	print "socket, bound and connected, for reference; the exporter secret is"
	print "kept until DTLS_EXPORTER_WIPE (counted in the server side); the"
	print "client side (a kernel socket of this benchmark) is all of a client"
	print "session, its socket included.  All measured once the sessions were"
	print "idle for twice dtls.ko'"'"'s aead_idle_secs and a second (idle"
	print "column), when idle AES keys have dropped their crypto API"
	print "transforms (what that gave back, both sides, per session: the"
	print "transforms column):"
	print ""
	print "| suite | sessions | idle (s) | plain UDP socket | server | of which the child'"'"'s socket | server beyond a plain UDP socket (goal <= 1024) | final flight, until dropped | exporter secret, until wiped | transforms, until idle | client, all of it | left after closing all |"
	print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= nmem; i++) {
		$0 = mem[i]
		fields()
		b = v["server"] - v["udp_sock"]
		printf "| %s | %s | %s | %s | %s | %s | **%s** (%s) | %s | %s | %s | %s | %s |\n", \
			v["suite"], commas(v["sessions"]), \
			2 * v["idle"] + 1, commas(v["udp_sock"]), \
			commas(v["server"]), commas(v["server_sock"]), commas(b), \
			b <= 1024 ? "met" : sprintf("over by %s", commas(b - 1024)), \
			v["flight"], v["exporter"], commas(v["transforms"]), \
			commas(v["client"]), v["left"]
		msuite[i] = v["suite"]
	}
	print ""
	print "Per cache, the server side per session, bytes (objects); a plain"
	print "UDP socket for reference; * the child'"'"'s socket'"'"'s own caches:"
	print ""
	line = "| cache | plain UDP socket"
	sep = "|---|--:"
	for (i = 1; i <= nmem; i++) {
		line = line " | " msuite[i]
		sep = sep "|--:"
	}
	print line " |"
	print sep "|"
	for (c = 1; c <= ncrow; c++) {
		n = cname[c]
		line = sprintf("| %s%s", n, csock[c] ? " *" : "")
		line = line (("udp", n) in CB ? sprintf(" | %d (%.2f)", CB["udp", n], CO["udp", n]) : " | -")
		for (i = 1; i <= nmem; i++)
			line = line ((msuite[i], n) in CB ? sprintf(" | %d (%.2f)", \
				CB[msuite[i], n], CO[msuite[i], n]) : " | -")
		print line " |"
	}
}' | tee "$report"
say "report: $report (raw: $out, $err)"
