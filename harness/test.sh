#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: install what is missing, then for each queue (QUEUES in
# lib.sh: mainline, then 6.12) fetch its base and test its series, and end
# with one line "N passed, N failed" over both (harness/results.py summary).
#   mainline (full): apply and build the series patch by patch (the bisect,
#     which boots the end of each series but the last with its tests),
#     checkpatch and the i386 KUnit kernel beside it, the test kernel,
#     sparse, W=1, coccicheck, kernel-doc and docutils against the base,
#     the VM run of every guest test, guest/KNOWN;
#   6.12 (the backport): every patch applied with git am, checkpatch, the
#     test kernel of the whole queue and the VM run of every guest test.
# Each queue's results are in build/QUEUE/results/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

start=$SECONDS
"$ROOT/harness/setup.sh" || die "setup failed"

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

# vm_tests: the VM run of every guest test of the test tree, and the known
# defects.
vm_tests() {
	"$ROOT/harness/vm.sh" "$SERIES_TREE" ||
		results failed "$RESULTS/series.txt" ||
		step_failed vm "exited non-zero without naming a failure"
	[ -s "$RESULTS/series.txt" ] || step_failed vm "wrote no result"
	"$ROOT/harness/known.sh" "$SERIES_TREE" ||
		results failed "$RESULTS/known.txt" ||
		step_failed known "exited non-zero without naming a failure"
}

# test_full: the mainline queue.
test_full() {
	# What needs only the base and patches/ runs beside the bisect,
	# niced: the bisect's builds of one patch each are mostly serial
	# (make walking the tree, the links) and leave a core idle.  That
	# is checkpatch, and the i386 KUnit kernel of a tree with every
	# patch applied (build/QUEUE/check/src-all, the same tree the bisect
	# ends with).
	local beside=$BUILD/logs/beside-bisect.log beside_pid built
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
		return
	fi
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
		vm_tests
	fi
}

# test_backport: the 6.12 queue.
test_backport() {
	local out=check-apply beside=$BUILD/logs/beside-build.log beside_pid ok=yes
	results reset "$RESULTS/$out.txt"
	# checkpatch runs niced beside the build, as beside the bisect.
	nice -n 10 "$ROOT/harness/checkpatch.sh" >"$beside" 2>&1 &
	beside_pid=$!
	if ! make_tree "$SERIES_TREE" >"$BUILD/logs/apply.log" 2>&1; then
		result $out FAIL apply "$(grep -m1 'does not apply' "$BUILD/logs/apply.log" ||
			tail -n 1 "$BUILD/logs/apply.log")"
		ok=no
	else
		result $out PASS apply "$(series_patches | wc -l) patches in $(series_names | wc -l) series apply with git am to $(cat "$BUILD/base.version")"
		if ! "$ROOT/harness/build.sh" "$SERIES_TREE"; then
			result $out FAIL build "the test kernel of $SERIES_TREE does not build (log: $BUILD/logs/build-series.log)"
			ok=no
		else
			result $out PASS build "bzImage and selftests of $(cat "$BUILD/base.version") with every patch"
		fi
	fi
	wait "$beside_pid"
	cat "$beside"
	[ -s "$RESULTS/check-checkpatch.txt" ] || step_failed "check checkpatch" "wrote no result"
	[ "$ok" = yes ] && vm_tests
}

files=()
for q in ${RIG_TEST_QUEUES:-$QUEUES}; do
	(
		export RIG_QUEUE=$q
		. "$ROOT/harness/lib.sh"
		mkdir -p "$RESULTS" "$BUILD/logs"
		rm -f "$RESULTS"/*.txt
		say "test: queue $q (series/$q, patches/$q)"
		"$ROOT/harness/base.sh" || { result check-steps FAIL base "no base for $q (see above)"; exit 0; }
		case $q in
		mainline) test_full ;;
		*) test_backport ;;
		esac
	)
	r=$TOP/$q/results
	# This run's files: the checks, the VM runs at the end of each series
	# but the last (made by the bisect) and of the test tree, kunit32,
	# known.
	files+=("$r"/check-*.txt "$r"/series-*.txt "$r"/{series,kunit32,known}.txt)
done
echo
say "test: results (build/QUEUE/results/), $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
results summary "${files[@]}"
