# SPDX-License-Identifier: GPL-2.0
# lib-check.sh - result counting shared by tools/check.sh and
# tools/check-debug.sh (sourced, bash).
#
#   check_result ok|fail NAME    one check of the script itself
#   check_guest_log LOG LABEL    count the KTAP lines of a guest run
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
# suffix is a skip), "not ok 4 ...", and "1..N" plans; tests a plan
# announced that never reported (a crash, a hang) count as failed.
check_guest_log() {	# LOG LABEL
	local log=$1 label=$2 p s f planned missing line
	p=$(grep -cE '^ok [0-9]+ ' "$log")
	s=$(grep -E '^ok [0-9]+ ' "$log" | grep -c '# SKIP')
	f=$(grep -cE '^not ok [0-9]+ ' "$log")
	planned=$(awk '/^1\.\.[0-9]+$/ { n += substr($0, 4) } END { print n + 0 }' "$log")
	check_pass=$((check_pass + p - s))
	check_skip=$((check_skip + s))
	check_fail=$((check_fail + f))
	while read -r line; do check_failed+=("$label: ${line#not ok }"); done \
		< <(grep -E '^not ok [0-9]+ ' "$log")
	missing=$(( ${planned:-0} - p - f ))
	if [ "$missing" -gt 0 ]; then
		check_fail=$((check_fail + missing))
		check_failed+=("$label: $missing tests never reported")
	fi
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
