#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: install what is missing, fetch the base, apply and build
# the series patch by patch, build the test kernel, run every series check
# and the VM tests on the debug kernel.  Ends with one line
# "N passed, N failed" (harness/results.py summary).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$SECONDS
"$ROOT/harness/setup.sh" || die "setup failed"
mkdir -p "$RESULTS" "$BUILD/logs"
rm -f "$RESULTS"/*.txt

# Every step must exit 0 and leave a result: a step that dies without
# naming a failure is a failure too.
step_failed() {
	result check-steps FAIL "$1" "$2"
}
run_check() {
	"$ROOT/harness/check.sh" "$1" ||
		results failed "$RESULTS/check-$1.txt" ||
		step_failed "check $1" "exited non-zero without naming a failure"
	[ -s "$RESULTS/check-$1.txt" ] || step_failed "check $1" "wrote no result"
}

# What needs only the base and patches/ runs beside the bisect, niced:
# the bisect's builds of one patch each are mostly serial (make walking the
# tree, the links) and leave a core idle.  That is checkpatch, and the
# i386 KUnit kernel of a tree with every patch applied (build/check/src-all,
# the same tree the bisect ends with).
"$ROOT/harness/base.sh" || die "no base (see above)"
beside=$BUILD/logs/beside-bisect.log
(
	nice -n 10 "$ROOT/harness/checkpatch.sh"
	if make_tree "$BUILD/check/src-all"; then
		nice -n 10 "$ROOT/harness/kunit32.sh" "$BUILD/check/src-all"
	else
		result kunit32 FAIL kunit32 "the patches do not apply (see the bisect)"
	fi
) >"$beside" 2>&1 &
beside_pid=$!

run_check bisect
say "test: waiting for checkpatch and kunit32, run beside the bisect ($beside)"
wait "$beside_pid"
cat "$beside"
[ -s "$RESULTS/check-checkpatch.txt" ] || step_failed "check checkpatch" "wrote no result"
[ -s "$RESULTS/kunit32.txt" ] || step_failed kunit32 "exited without a result"
if ! results has "$RESULTS/check-bisect.txt" PASS apply; then
	say "test: the series does not apply or build: later checks and VM tests skipped"
	results failed "$RESULTS/check-bisect.txt" ||
		step_failed bisect "stopped before the last patch was built"
else
	# The test kernel, from the tree the bisect leaves (its vmlinux is
	# built: this packs it and installs the selftests).
	built=yes
	"$ROOT/harness/build.sh" "$SERIES_TREE" || built=no
	for c in sparse w1 coccicheck kerneldoc docs; do
		run_check "$c"
	done
	if [ "$built" = no ]; then
		step_failed build "the test kernel of $SERIES_TREE does not build: VM tests skipped"
	else
		"$ROOT/harness/vm.sh" "$SERIES_TREE" ||
			results failed "$RESULTS/series.txt" ||
			step_failed vm "exited non-zero without naming a failure"
		[ -s "$RESULTS/series.txt" ] || step_failed vm "wrote no result"
		"$ROOT/harness/known.sh" "$SERIES_TREE" ||
			results failed "$RESULTS/known.txt" ||
			step_failed known "exited non-zero without naming a failure"
	fi
fi
echo
say "test: results (build/results/), $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
# This run's files: the checks, the VM runs at the end of each series but
# the last (made by the bisect) and of the test tree, kunit32, known.
results summary "$RESULTS"/check-*.txt "$RESULTS"/series-*.txt \
	"$RESULTS"/{series,kunit32,known}.txt
