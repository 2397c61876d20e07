#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/bench/run.sh - the record-layer benchmark, in guest instructions.
#
# Builds the icount QEMU plugin (shared/tools/icount, next to the
# repository), dtls.ko for 6.12 and tools/out/record-bench, runs the
# benchmark in ONE 6.12 guest with one vCPU and the plugin, pairs the
# plugin's "icount:" lines (QEMU's stderr) with the benchmark's SPAN lines
# (the guest's stdout) in order, and prints the tables in Markdown:
# instructions per record (kernel, user, total) and records/s per span,
# the kdtls / OpenSSL ratio, batches of K records of 1200 B (kdtls with
# UDP_SEGMENT and UDP_GRO against OpenSSL with sendmmsg() or UDP_SEGMENT
# and UDP_GRO, and plain UDP; the receive calls a batch took from
# record-bench's BATCH lines), and where kdtls's instructions go at 1200
# and 16000 B (differences of spans of sends alone and recvs alone).
#
#   tools/bench/run.sh [--quick]      (make bench)
#
# Arguments go to record-bench (--quick: a tenth of the records).  The raw
# output and the report are kept in build/bench/.  Takes about 2 minutes
# once the plugin is built (the first run downloads QEMU's source for it).
# The building and the guest run are lib.sh's (shared with hs-run.sh).
set -eu

. "$(dirname "$0")/lib.sh"
bench_init
bench_build
bench_guest run record-bench "$@"

qemu=$(bench_qemu)
guest=$(bench_about record-bench)

# Join each span with its icount line, then compute the tables.
bench_spans |
awk -v date="$(date -u +%Y-%m-%d)" -v guest="$guest" -v qemu="$qemu" \
    -v smp="$smp" -v mods="$guest_mods" -v outf="$out" '
function per(x, n) { return int(x / n + 0.5) }
function key(m, c, z, p) { return m "|" c "|" z "|" p }
function brow(c, k, m, calls,	q) {
	q = key(m, c, 1200, "loop")
	if (!(q in T))
		return
	printf "| %s | %s | %s | %d | %d | %d | %.1f%% | %d | %s |\n", \
		c, k, m, K[q], U[q], T[q], SPR[q], R[q], calls
}
function ratio(a, b) { return (a in T) && (b in T) ? sprintf("%.2f", T[a] / T[b]) : "-" }
BEGIN {
	# Receive calls per batch of the batched spans: the most of the runs.
	while ((getline line < outf) > 0) {
		if (line !~ /^BATCH /)
			continue
		nw = split(line, w, " ")
		for (i = 2; i <= nw; i++) {
			split(w[i], kv, "=")
			bl[kv[1]] = kv[2]
		}
		q = key(bl["mode"], bl["cipher"], bl["size"], "loop")
		r = bl["calls"] / bl["batches"]
		if (!(q in CB) || r > CB[q])
			CB[q] = r
	}
	close(outf)
}
{
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		v[kv[1]] = kv[2]
	}
	if (v["idx"] != NR - 1) {
		print "bench: span " v["idx"] " out of order" > "/dev/stderr"
		exit 1
	}
	k = key(v["mode"], v["cipher"], v["size"], v["phase"])
	if (!(k in N)) {
		order[++nk] = k
		if (v["phase"] == "loop" && v["mode"] == "kdtls")
			pairs[++np] = v["cipher"] "|" v["size"]
		# Batches: kdtls-gso16, udp-gro48, openssl-mmsg16 ...
		if (v["phase"] == "loop" &&
		    v["mode"] ~ /^(kdtls-gso|kdtls-gro|udp-gro|openssl-mmsg|openssl-gso)[0-9]+$/) {
			batched[k] = 1
			if (v["mode"] ~ /^kdtls-gro/)
				kgro = 1
			kb = v["mode"]
			gsub(/[^0-9]/, "", kb)
			if (!(kb in seenk)) {
				seenk[kb] = 1
				bks[++nbk] = kb
			}
			if (v["cipher"] != "-" && !(v["cipher"] in seenc)) {
				seenc[v["cipher"]] = 1
				bcs[++nbc] = v["cipher"]
			}
		}
	}
	if (v["phase"] == "loop") {
		# Repeated runs of the steady state: the median is taken below.
		r = ++reps[k]
		LN[k, r] = v["records"]; LNS[k, r] = v["ns"]
		LK[k, r] = v["kernel"]; LU[k, r] = v["user"]; LT[k, r] = v["total"]
		N[k] = v["records"]
		next
	}
	# The phase spans come in batches: add them up.
	N[k] += v["records"]; NS[k] += v["ns"]
	SK[k] += v["kernel"]; SU[k] += v["user"]; ST[k] += v["total"]
}
END {
	for (k in N) {
		if (k in reps) {
			# median by total; spread = (max - min) / median
			n = reps[k]
			for (i = 1; i <= n; i++)
				idx[i] = i
			for (i = 1; i <= n; i++)
				for (j = i + 1; j <= n; j++)
					if (LT[k, idx[j]] < LT[k, idx[i]]) {
						t = idx[i]; idx[i] = idx[j]; idx[j] = t
					}
			m = idx[int((n + 1) / 2)]
			SK[k] = LK[k, m]; SU[k] = LU[k, m]; ST[k] = LT[k, m]
			NS[k] = LNS[k, m]
			SPR[k] = 100 * (LT[k, idx[n]] - LT[k, idx[1]]) / LT[k, m]
		}
		K[k] = per(SK[k], N[k]); U[k] = per(SU[k], N[k])
		T[k] = per(ST[k], N[k])
		R[k] = NS[k] > 0 ? int(N[k] * 1e9 / NS[k] + 0.5) : 0
	}
	split(guest, g, "|")
	printf "Run of %s: guest kernel %s, %s (TCG, -cpu max, -smp %s), %s;\n", \
		date, g[1], qemu, smp, g[2]
	printf "guest modules %s loaded first. Instructions per record from the\n", mods
	printf "icount plugin; records/s is TCG wall-clock time, indicative only.\n"
	printf "TCG counts every iteration of a rep-prefixed instruction: the\n"
	printf "kernel'"'"'s copies from and to user space (rep movsb) count one per\n"
	printf "byte, in every mode alike.\n\n"

	print "Steady state, one record per send + recv (send() and recv(), or"
	print "SSL_write() and SSL_read(), on two loopback UDP sockets); median of"
	print "the runs, spread = (max - min) / median of the total:"
	print ""
	print "| mode | cipher | size | records | kernel | user | total | spread | records/s |"
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= nk; i++) {
		split(order[i], f, "|")
		if (f[4] != "loop" || order[i] in batched)
			continue
		printf "| %s | %s | %s | %d x %d | %d | %d | %d | %.1f%% | %d |\n", \
			f[1], f[2], f[3], reps[order[i]], N[order[i]], K[order[i]], \
			U[order[i]], T[order[i]], SPR[order[i]], R[order[i]]
	}

	print ""
	print "kdtls / OpenSSL, total instructions per record (target at 1200 B: <= 0.90):"
	print ""
	print "| cipher | size | kdtls | OpenSSL | ratio |"
	print "|---|--:|--:|--:|--:|"
	for (i = 1; i <= np; i++) {
		split(pairs[i], f, "|")
		a = key("kdtls", f[1], f[2], "loop"); b = key("openssl", f[1], f[2], "loop")
		if (!(b in T))
			continue
		r = T[a] / T[b]
		note = ""
		if (f[2] == 1200)
			note = r <= 0.9 ? " (target met)" : \
				sprintf(" (target missed by %.0f%%)", (r / 0.9 - 1) * 100)
		printf "| %s | %s | %d | %d | %.2f%s |\n", f[1], f[2], T[a], T[b], r, note
	}

	if (nbk) {
		print ""
		print "Batches of K records of 1200 B, instructions per record, median of"
		print "the runs: kdtls-gsoK sends K records in one sendmsg() with"
		print "UDP_SEGMENT and recv()s each; kdtls-groK and udp-groK (plain UDP,"
		print "the floor) take the batch in one recvmsg() with UDP_GRO;"
		print "openssl-mmsgK seals K records with SSL_write() into a memory BIO,"
		print "sends them with one sendmmsg(), takes them in with one recvmmsg()"
		print "and SSL_read()s each through a memory BIO; openssl-gsoK sends them"
		print "with one sendmsg() with UDP_SEGMENT and takes them in with one"
		print "recvmsg() with UDP_GRO; openssl is one SSL_write() and SSL_read() a"
		print "record (the steady state above). Calls a batch: the receive calls"
		print "(recv, recvmsg, recvmmsg) one batch took, the most of the runs:"
		print ""
		print "| cipher | K | mode | kernel | user | total | spread | records/s | calls a batch |"
		print "|---|--:|---|--:|--:|--:|--:|--:|--:|"
		for (ci = 1; ci <= nbc; ci++) {
			c = bcs[ci]
			for (kj = 1; kj <= nbk; kj++) {
				kb = bks[kj]
				brow("-", kb, "udp-gro" kb, \
				     sprintf("%.2f", CB[key("udp-gro" kb, "-", 1200, "loop")]))
				brow(c, kb, "kdtls-gso" kb, kb)
				brow(c, kb, "kdtls-gro" kb, \
				     sprintf("%.2f", CB[key("kdtls-gro" kb, c, 1200, "loop")]))
				brow(c, kb, "openssl", kb)
				brow(c, kb, "openssl-mmsg" kb, \
				     sprintf("%.2f", CB[key("openssl-mmsg" kb, c, 1200, "loop")]))
				brow(c, kb, "openssl-gso" kb, \
				     sprintf("%.2f", CB[key("openssl-gso" kb, c, 1200, "loop")]))
			}
		}
	}
	if (kgro) {
		print ""
		print "kdtls-groK / OpenSSL, total instructions per record at 1200 B (goal:"
		print "<= 0.60 of OpenSSL at its best as issue 16 defines it, SSL_write() a"
		print "record and sendmmsg(): the least of openssl and openssl-mmsgK; OpenSSL"
		print "with the kernel GSO and GRO of UDP, openssl-gsoK, is shown beside), and records/s:"
		print ""
		print "| cipher | K | kdtls-groK | / openssl | / openssl-mmsgK | / openssl-gsoK | / udp-groK | goal | records/s kdtls-groK / OpenSSL best |"
		print "|---|--:|--:|--:|--:|--:|--:|---|--:|"
		for (ci = 1; ci <= nbc; ci++) {
			c = bcs[ci]
			for (kj = 1; kj <= nbk; kj++) {
				kb = bks[kj]
				gr = key("kdtls-gro" kb, c, 1200, "loop")
				o1 = key("openssl", c, 1200, "loop")
				om = key("openssl-mmsg" kb, c, 1200, "loop")
				og = key("openssl-gso" kb, c, 1200, "loop")
				best = ""
				if (o1 in T)
					best = o1
				if ((om in T) && (best == "" || T[om] < T[best]))
					best = om
				if (!(gr in T) || best == "")
					continue
				r = T[gr] / T[best]
				note = r <= 0.6 ? "met" : \
					sprintf("missed by %.0f%%", (r / 0.6 - 1) * 100)
				split(best, bf, "|")
				printf "| %s | %s | %d | %s | %s | %s | %s | %s (best: %s) | %d / %d |\n", \
					c, kb, T[gr], ratio(gr, o1), ratio(gr, om), ratio(gr, og), \
					ratio(gr, key("udp-gro" kb, "-", 1200, "loop")), \
					note, bf[1], R[gr], R[best]
			}
		}
	}

	print ""
	print "Phases, per record: sends alone (for kdtls: seal, UDP/IP out,"
	print "loopback, IP/UDP in and the opening in softirq), recvs alone (spans"
	print "of 20 sends then 20 recvs at 1200 B, of 3 at 16000 B, added up);"
	print "evp is the AEAD alone in user space:"
	print ""
	print "| mode | cipher | size | phase | records | kernel | user | total |"
	print "|---|---|--:|---|--:|--:|--:|--:|"
	for (i = 1; i <= nk; i++) {
		split(order[i], f, "|")
		if (f[4] == "loop")
			continue
		printf "| %s | %s | %s | %s | %d | %d | %d | %d |\n", f[1], f[2], \
			f[3], f[4], N[order[i]], K[order[i]], U[order[i]], T[order[i]]
	}

	for (i = 1; i <= np; i++) {
		split(pairs[i], f, "|")
		c = f[1]; z = f[2]
		us = key("udp", "-", z, "send"); ur = key("udp", "-", z, "recv")
		as = key("attached", "-", z, "send"); ar = key("attached", "-", z, "recv")
		ts = key("kdtls-tx", c, z, "send")
		ks = key("kdtls", c, z, "send"); kr = key("kdtls", c, z, "recv")
		es = key("evp", c, z, "seal"); eo = key("evp", c, z, "open")
		os = key("openssl", c, z, "send"); orr = key("openssl", c, z, "recv")
		if (!(ks in T) || !(ts in T) || !(as in T) || !(us in T))
			continue
		print ""
		printf "Where kdtls'"'"'s instructions go, %s, %d B (differences of\n", c, z
		print "the phase spans, per record):"
		print ""
		print "| step | instructions | from |"
		print "|---|--:|---|"
		printf "| plain UDP send, loopback, UDP receive | %d | udp send |\n", T[us]
		printf "| plain UDP recv | %d | udp recv |\n", T[ur]
		printf "| module hooks, no keys | %d | attached - udp, send + recv |\n", \
			T[as] + T[ar] - T[us] - T[ur]
		printf "| seal: copy, AEAD, header | %d | kdtls-tx send - attached send |\n", \
			T[ts] - T[as]
		printf "| open in softirq: AEAD, replay window, queue | %d | kdtls send - kdtls-tx send |\n", \
			T[ks] - T[ts]
		printf "| recv of an opened record | %d | kdtls recv - attached recv |\n", \
			T[kr] - T[ar]
		printf "| kdtls, all of it | %d | kdtls send + recv |\n", T[ks] + T[kr]
		printf "| for comparison: OpenSSL, all of it | %d | openssl send + recv |\n", \
			T[os] + T[orr]
		printf "| for comparison: OpenSSL user space, SSL_write / SSL_read | %d / %d | openssl send / recv, user |\n", \
			U[os], U[orr]
		printf "| for comparison: the bare AEAD in user space, seal / open | %d / %d | evp |\n", \
			T[es], T[eo]
	}
}' | tee "$report"
say "report: $report (raw: $out, $err)"
