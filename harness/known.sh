#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Known defects: guest tests that reproduce a defect of the base kernel
# which the series does not fix yet (guest/KNOWN).  Each runs in a VM boot
# of its own and must fail the way guest/KNOWN says: then it counts as an
# expected failure (XFAIL).  If it passes, the defect is gone and the test
# belongs in the series' selftests: that is a failure until someone moves it.
#   known.sh [DIR]      (default DIR: build/linux)
# Writes build/results/known.txt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$WORK_TREE
[ $# -gt 0 ] && dir=$(cd "$1" && pwd)
mkdir -p "$RESULTS"
results reset "$RESULTS/known.txt"

n=0
while IFS=$'\t' read -r test pattern why; do
	case "$test" in '#'* | '') continue ;; esac
	n=$((n + 1))
	say "known: $test must still show: $pattern ($why)"
	RIG_VM_NAME=known-$n "$ROOT/harness/vm.sh" "$dir" "$test" >/dev/null
	run=$BUILD/vm/known-$n
	hit=$(grep -h -m1 -F -- "$pattern" "$run/console.log" "$run/results.log" 2>/dev/null |
		head -n 1 | tr -d '\r' | sed 's/^ *//')
	if [ -n "$hit" ]; then
		result known XFAIL "known $test" "$why: reproduced ($hit)"
	elif ! results failed "$RESULTS/known-$n.txt"; then
		result known FAIL "known $test" "passes now, $why is gone: move it from guest/KNOWN to the selftests"
	else
		result known FAIL "known $test" "failed without \"$pattern\" (see $RESULTS/known-$n.txt)"
	fi
done <"$ROOT/guest/KNOWN"
[ "$n" -gt 0 ] || result known PASS known "no known defect left"
! results failed "$RESULTS/known.txt"
