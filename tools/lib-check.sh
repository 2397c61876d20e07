# SPDX-License-Identifier: GPL-2.0
# lib-check.sh - result counting shared by tools/check.sh and
# tools/check-debug.sh (sourced, bash).
#
#   check_result ok|fail NAME    one check of the script itself
#   check_guest_log LOG LABEL KERNEL [BINARIES]
#                                count the KTAP lines of a guest run and
#                                hold them against selftests/manifest
#   check_guest_status RC LOG LABEL OK-NAME
#                                a guest's exit status: any non-zero fails
#   harness_count BINARY         tests a kselftest_harness binary lists
#   check_summary                failed list + "N passed, N failed[, N skipped]";
#                                returns non-zero on any failure
#
# With KDTLS_TOTALS=FILE, check_summary also appends "pass fail skip" to
# FILE, so that a caller running several scripts (.ci/run) can print one
# total line over all of them: check_totals FILE.

check_pass=0 check_fail=0 check_skip=0
check_failed=()

check_result() {	# ok|fail NAME
	if [ "$1" = ok ]; then
		check_pass=$((check_pass + 1)); echo "ok - $2"
	else
		check_fail=$((check_fail + 1)); check_failed+=("$2"); echo "not ok - $2"
	fi
}

# Result lines of a guest log: "ok 3 fixture.variant.test" (a "# SKIP"
# suffix is a skip), "not ok 4 ...", and "1..N" plans, in blocks: a
# selftest binary's ("# selftest: NAME" ... "# selftest: NAME exit N",
# selftests/run.sh), a KUnit suite's ("# Subtest: SUITE"), "# kunit:" and
# "# kmemleak" (tools/debug-kernel/guest.sh).  Tests a block's plan
# announced that never reported (a crash, a hang) count as failed, by
# block; so does a skip that selftests/manifest does not list for KERNEL.
# Then the log is held against the manifest (check_manifest).
#
#   check_guest_log LOG LABEL KERNEL [BINARIES]
#     KERNEL: the manifest's column, 6.12, 6.1, debug or 7 (debug: the KUnit
#     suites too); BINARIES: the selftests that were asked for (default:
#     every binary of the manifest).
check_manifest_file=selftests/manifest
check_guest_log() {	# LOG LABEL KERNEL [BINARIES]
	local log=$1 label=$2 kernel=$3 bins=${4:-} sum p s f
	local kind name plan ok nok miss test why
	sum=$(mktemp)
	awk '
		function block(k, n) {
			kind = k; cur = n
			if (!(n in seen)) { seen[n] = 1; order[++nb] = n; kinds[n] = k }
		}
		/^# selftest: [^ ]+$/ { block("selftest", substr($0, 13)); next }
		/^# selftest: [^ ]+ exit [0-9]+/ {
			n = $3; st[n] = $5; w = $0; sub(/^[^(]*/, "", w); why[n] = w
			cur = ""; next
		}
		/^# Subtest: [^ ]+$/ { block("kunit", $3); next }
		/^# kunit: / { block("kunit", "kunit"); next }
		/^# kmemleak$/ { block("other", "kmemleak"); next }
		/^1\.\.[0-9]+$/ { if (cur == "") block("other", "-"); plan[cur] += substr($0, 4); next }
		/^ok [0-9]+ / {
			p++; if (cur == "") block("other", "-"); ok[cur]++
			if ($0 ~ /# SKIP/) {
				s++; r = $0; sub(/^[^#]*# SKIP */, "", r)
				print "K", cur, $3, r
			}
			next
		}
		/^not ok [0-9]+ / { f++; if (cur == "") block("other", "-"); nok[cur]++; next }
		END {
			print "T", p + 0, s + 0, f + 0
			for (i = 1; i <= nb; i++) {
				n = order[i]
				print "B", kinds[n], n, (n in plan) ? plan[n] : "-", ok[n] + 0, nok[n] + 0, \
					(n in st) ? st[n] : "-", why[n]
			}
		}' "$log" >"$sum"
	read -r _ p s f < <(grep '^T ' "$sum")
	check_pass=$((check_pass + p - s))
	check_skip=$((check_skip + s))
	check_fail=$((check_fail + f))
	while read -r line; do check_failed+=("$label: ${line#not ok }"); done \
		< <(grep -E '^not ok [0-9]+ ' "$log")
	while read -r _ kind name plan ok nok _; do
		[ "$plan" = - ] && continue
		miss=$((plan - ok - nok))
		if [ "$miss" -gt 0 ]; then
			check_fail=$((check_fail + miss))
			check_failed+=("$label: $name: $miss of $plan tests never reported")
			echo "not ok - $label: $name: $miss of $plan tests never reported"
		fi
	done < <(grep '^B ' "$sum")
	check_manifest "$sum" "$label" "$kernel" "$bins"
	rm -f "$sum"
}

# How many tests a kselftest_harness binary will announce in its plan,
# from its "-l" list, which needs no module (runs on the host): per
# fixture, its tests times its variants (the list pairs them up row by
# row, it does not multiply them out).  Fails if the binary cannot list.
harness_count() {	# BINARY
	local out rc
	out=$("$1" -l 2>&1 </dev/null); rc=$?
	# -l exits KSFT_SKIP (4) after the list.
	[ "$rc" -eq 4 ] && [[ $out == "# FIXTURE"* ]] || return 1
	awk '
		function flush() { n += nt * (nv > 0 ? nv : 1); nt = nv = 0 }
		/^# FIXTURE / { next }
		/^-+$/ { flush(); next }
		{
			l = $0
			# "%-20s %-25s %s": fixture (first row only), variant,
			# test; a name longer than its column pushes the rest.
			if (substr(l, 1, 1) != " ") { w = index(l, " ") - 1; w = w < 20 ? 20 : w } else w = 20
			l = substr(l, w + 2)
			if (substr(l, 1, 1) != " ") { w = index(l " ", " ") - 1; nv++; w = w < 25 ? 25 : w } else w = 25
			l = substr(l, w + 2)
			if (l ~ /[^ ]/) nt++
		}
		END { flush(); print n + 0 }' <<<"$out"
}

# The blocks of a guest log (check_guest_log's summary) against
# selftests/manifest: every binary asked for ran, exited, printed a plan
# of at least the manifest's count for KERNEL (and of its own "-l" list,
# when that is more), and a binary that exited non-zero had a failed test
# to show for it.  For KERNEL debug, likewise every KUnit suite of the
# manifest.  Binaries and suites that ran but are not in the manifest fail
# too (make manifest).  One "ok" line when all is well, else one "not ok"
# line for each problem, by name.
check_manifest() {	# SUMMARY LABEL KERNEL [BINARIES]
	local sum=$1 label=$2 kernel=$3 bins=${4:-} col mf=$check_manifest_file
	local b want listed kind name plan ok nok st why row nbad=0 nbin=0 ntest=0
	case $kernel in 6.12) col=3 ;; 6.1) col=4 ;; debug) col=5 ;; 7) col=6 ;;
	*) check_result fail "$label: no manifest column for kernel $kernel"; return ;;
	esac
	if [ ! -f "$mf" ]; then
		check_result fail "$label: $mf missing (make manifest)"
		return
	fi
	bad() { check_result fail "$label: $*"; nbad=$((nbad + 1)); }
	[ -n "$bins" ] || bins=$(awk '$1 == "binary" { print $2 }' "$mf")
	for b in $bins; do
		nbin=$((nbin + 1))
		want=$(awk -v b="$b" -v c="$col" '$1 == "binary" && $2 == b { print $c }' "$mf")
		if [ -z "$want" ]; then
			bad "$b: not in $mf (make manifest)"
			want=0
		fi
		# The binary's own list can only raise the bar: the manifest
		# is the floor that catches deleted tests.
		if listed=$(harness_count "selftests/out/$b" 2>/dev/null); then
			if [ "$listed" -lt "$want" ]; then
				bad "$b: lists $listed tests, $mf says $want (tests deleted? make manifest)"
			elif [ "$listed" -gt "$want" ]; then
				echo "# $b lists $listed tests, $mf says $want: make manifest"
				want=$listed
			fi
		fi
		row=$(awk -v b="$b" '$1 == "B" && $2 == "selftest" && $3 == b' "$sum")
		if [ -z "$row" ]; then
			bad "$b: did not run"
			continue
		fi
		read -r _ kind name plan ok nok st why <<<"$row"
		ntest=$((ntest + want))
		if [ "$st" = - ]; then
			# Its unreported tests are counted by check_guest_log.
			[ "$plan" = - ] && why=", no plan" || why=
			bad "$b: never finished (no exit status$why)"
		elif [ "$st" = 127 ] || [ "$st" = 126 ]; then
			bad "$b: exit $st $why"
		elif [ "$plan" = - ]; then
			bad "$b: no plan, exit $st${why:+ $why}"
		elif [ "$plan" -lt "$want" ]; then
			bad "$b: plan of $plan tests, expected $want"
		elif [ "$st" != - ] && [ "$st" != 0 ] && [ "$nok" -eq 0 ]; then
			bad "$b: exit $st${why:+ $why} with no failed test"
		fi
	done
	# Ran, but the manifest does not know it.
	while read -r _ kind name _; do
		case $kind in
		selftest) grep -qE "^binary $name( |\$)" "$mf" ||
			[[ " $bins " == *" $name "* ]] || bad "$name: ran, not in $mf (make manifest)" ;;
		kunit) [ "$kernel" = debug ] && [ "$name" != kunit ] &&
			! grep -qE "^kunit $name( |\$)" "$mf" &&
			bad "KUnit suite $name: ran, not in $mf (make manifest)" ;;
		esac
	done < <(grep '^B ' "$sum")
	# A skip fails unless the manifest lists it for this kernel.
	while read -r _ name test why; do
		awk -v b="$name" -v t="$test" -v k="$kernel" '
			$1 == "skip" && $2 == b && $3 == t &&
			("," $4 ",") ~ ("," k ",") { found = 1 }
			END { exit !found }' "$mf" ||
			bad "$name: $test skipped ($why), not listed in $mf"
	done < <(grep '^K ' "$sum")
	if [ "$kernel" = debug ]; then
		while read -r _ name want; do
			row=$(awk -v n="$name" '$1 == "B" && $2 == "kunit" && $3 == n' "$sum")
			if [ -z "$row" ]; then
				bad "KUnit suite $name: did not run"
				continue
			fi
			read -r _ kind name plan ok nok _ <<<"$row"
			if [ "$plan" = - ] || [ "$plan" -lt "$want" ]; then
				bad "KUnit suite $name: plan of $plan cases, expected $want"
			fi
			nbin=$((nbin + 1)) ntest=$((ntest + want))
		done < <(awk '$1 == "kunit"' "$mf")
	fi
	[ "$nbad" -gt 0 ] ||
		check_result ok "$label: manifest: $nbin binaries/suites, plans of $ntest tests or more, no unlisted skip"
}

# A guest run's exit status (tools/vm/run), any non-zero one a failure
# named by its cause: 124 the runner's verdict (a kernel report, a
# time-out, a crash), 125 the guest's setup (a module that did not load),
# 2 the runner itself, else the command (a selftest binary, a KUnit suite
# or kmemleak check that failed).
check_guest_status() {	# STATUS LOG LABEL OK-NAME
	local rc=$1 log=$2 label=$3 msg why
	msg=$(grep -a -m1 -E '^runner: (guest: |ERROR: |FAIL: )' "$log" |
		sed -E 's/^runner: (guest: )?//')
	case $rc in
	0) check_result ok "$label: $4"; return ;;
	124) why="time-out, crash or kernel report" ;;
	125) why="module load failed" ;;	# or another step of the guest's setup
	2) why="runner died" ;;
	1) msg=$(sed -n 's/^# selftest: \([^ ]*\) exit \([1-9][0-9]*\).*/\1 (exit \2)/p' "$log" |
		tr '\n' ' ')
	   if [ -n "$msg" ]; then why="a binary failed"; msg=${msg% }
	   else why="a KUnit or kmemleak check failed"; fi ;;
	*) why="guest exited" ;;
	esac
	check_result fail "$label: $why, status $rc${msg:+: $msg}"
}

check_line() {	# PASS FAIL SKIP
	if [ "$3" -gt 0 ]; then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}

check_summary() {
	if [ "${#check_failed[@]}" -gt 0 ]; then
		echo "# failed:"
		printf '#   %s\n' "${check_failed[@]}"
	fi
	check_line "$check_pass" "$check_fail" "$check_skip"
	[ -z "${KDTLS_TOTALS:-}" ] ||
		echo "$check_pass $check_fail $check_skip" >>"$KDTLS_TOTALS"
	[ "$check_fail" -eq 0 ]
}

# The sum of every check_summary appended to FILE; a script that died
# before its summary appended nothing: pass MISSING (the number of such
# scripts) to count each as one failure.
check_totals() {	# FILE [MISSING]
	local p=0 f=${2:-0} s=0 a b c
	while read -r a b c; do
		p=$((p + a)); f=$((f + b)); s=$((s + c))
	done <"$1"
	check_line "$p" "$f" "$s"
	[ "$f" -eq 0 ]
}
