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
# the kdtls / OpenSSL ratio, and where kdtls's instructions go at 1200 and
# 16000 B (differences of spans of sends alone and recvs alone).
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
    -v smp="$smp" -v mods="$guest_mods" '
function per(x, n) { return int(x / n + 0.5) }
function key(m, c, z, p) { return m "|" c "|" z "|" p }
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
		if (f[4] != "loop")
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
