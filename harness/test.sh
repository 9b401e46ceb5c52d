#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: install what is missing, fetch the base, apply and build
# the series patch by patch, run every series check and the VM tests on the
# debug kernel.  Ends with one line "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$SECONDS
"$ROOT/harness/setup.sh" || die "setup failed"
mkdir -p "$BUILD/results"
rm -f "$BUILD"/results/*.txt

"$ROOT/harness/check.sh" bisect
if grep -q '^FAIL' "$BUILD/results/check-bisect.txt"; then
	say "test: the series does not apply or build: later checks and VM tests skipped"
	"$ROOT/harness/check.sh" checkpatch
else
	"$ROOT/harness/check.sh" checkpatch sparse w1 coccicheck kerneldoc
	mapfile -t tests < <(grep -v '^#' "$ROOT/guest/TESTS" | grep .)
	"$ROOT/harness/vm.sh" "$SERIES_TREE" "${tests[@]}"
fi

echo
say "test: results (build/results/), $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
# Only this run's files: checks and the VM run of the series tree.
results=("$BUILD"/results/check-*.txt)
[ -f "$BUILD/results/series.txt" ] && results+=("$BUILD/results/series.txt")
cat "${results[@]}" | grep -E '^(FAIL|SKIP)' | sed 's/^/    /'
passed=$(cat "${results[@]}" | grep -cE '^(PASS|XFAIL)')
failed=$(cat "${results[@]}" | grep -cE '^(FAIL|SKIP)')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
