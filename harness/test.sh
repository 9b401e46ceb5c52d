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

# Every step must exit 0 and leave a result file with at least one line:
# a step that dies without saying FAIL is a failure too.
step_failed() {
	mkdir -p "$BUILD/results"
	echo "FAIL $1: $2" >>"$BUILD/results/check-steps.txt"
}
run_check() {
	"$ROOT/harness/check.sh" "$1" || step_failed "check $1" "exited non-zero"
	[ -s "$BUILD/results/check-$1.txt" ] ||
		step_failed "check $1" "wrote no result"
}

# What needs only the base and patches/ runs beside the bisect, niced:
# the bisect's builds of one patch each are mostly serial (make walking the
# tree, the links) and leave a core idle.  That is checkpatch, and the
# i386 KUnit kernel of a tree with every patch applied (build/check/src-all,
# the same tree the bisect ends with).
"$ROOT/harness/base.sh" || die "no base (see above)"
mkdir -p "$BUILD/logs"
beside=$BUILD/logs/beside-bisect.log
(
	nice -n 10 "$ROOT/harness/check.sh" checkpatch
	all=$BUILD/check/src-all
	rm -rf "$all"
	if git clone -q --shared --no-checkout "$BASE_REPO" "$all" &&
	   git -C "$all" fetch -q origin tag base &&
	   git -C "$all" checkout -q -b all base &&
	   series_patches | GIT_COMMITTER_NAME=$RIG_IDENT_NAME \
		GIT_COMMITTER_EMAIL=$RIG_IDENT_EMAIL xargs git -C "$all" am -q; then
		nice -n 10 "$ROOT/harness/kunit32.sh" "$all"
	else
		echo "FAIL kunit32: the patches do not apply (see the bisect)" \
			>"$BUILD/results/kunit32.txt"
	fi
) >"$beside" 2>&1 &
beside_pid=$!

run_check bisect
say "test: waiting for checkpatch and kunit32, run beside the bisect ($beside)"
wait "$beside_pid"
cat "$beside"
[ -s "$BUILD/results/check-checkpatch.txt" ] ||
	step_failed "check checkpatch" "wrote no result"
grep -q '^PASS' "$BUILD/results/kunit32.txt" 2>/dev/null ||
	grep -q '^FAIL' "$BUILD/results/kunit32.txt" 2>/dev/null ||
	step_failed kunit32 "exited without a result"
if ! grep -q '^PASS apply' "$BUILD/results/check-bisect.txt" 2>/dev/null; then
	say "test: the series does not apply or build: later checks and VM tests skipped"
	grep -q '^FAIL' "$BUILD/results/check-bisect.txt" 2>/dev/null ||
		step_failed bisect "stopped before the last patch was built"
else
	for c in sparse w1 coccicheck kerneldoc docs; do
		run_check "$c"
	done
	mapfile -t tests < <(grep -v '^#' "$ROOT/guest/TESTS" | grep .)
	"$ROOT/harness/vm.sh" "$SERIES_TREE" "${tests[@]}" ||
		grep -q '^FAIL' "$BUILD/results/series.txt" 2>/dev/null ||
		step_failed vm "exited non-zero without naming a failure"
	[ -s "$BUILD/results/series.txt" ] || step_failed vm "wrote no result"
	"$ROOT/harness/known.sh" "$SERIES_TREE" ||
		grep -q '^FAIL' "$BUILD/results/known.txt" 2>/dev/null ||
		step_failed known "exited non-zero without naming a failure"
fi
echo
say "test: results (build/results/), $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
# Only this run's files: checks, the VM runs at the end of each series but
# the last (made by the bisect check) and of the series tree.
results=("$BUILD"/results/check-*.txt)
for f in "$BUILD"/results/series-*.txt; do
	[ -f "$f" ] && results+=("$f")
done
for f in series kunit32 known; do
	[ -f "$BUILD/results/$f.txt" ] && results+=("$BUILD/results/$f.txt")
done

cat "${results[@]}" | grep -E '^(FAIL|SKIP)' | sed 's/^/    /'
passed=$(cat "${results[@]}" | grep -cE '^(PASS|XFAIL)')
failed=$(cat "${results[@]}" | grep -cE '^(FAIL|SKIP)')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
