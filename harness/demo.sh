#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: build the patched kernel (base + patches/) and show
# selective dirty page tracking live in a VM.  It uses the test tree of
# ./rig test (build/series): after one of the two, the other builds
# nothing it has not built already.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

series_kernel
# The precopy loop of the bench, shown live too.
mkdir -p "$BUILD/obj/series/selftests/bench"
bench_bin precopy "$SERIES_TREE" "$BUILD/obj/series/usr/include" \
	"$BUILD/obj/series/selftests/bench/precopy" || exit 1
RIG_SHOW=1 RIG_VM_NAME=demo "$ROOT/harness/vm.sh" "$SERIES_TREE" script:demo
rc=$?
if [ -s "$RESULTS/bench-precopy.ascii" ]; then
	say "demo: precopy before the dirty scope patches and with the series, from ./rig bench ($RESULTS/bench-precopy.png)"
	cat "$RESULTS/bench-precopy.ascii"
else
	say "demo: ./rig bench runs the precopy loop on the kernel before the dirty scope patches too, and plots both ($RESULTS/bench-precopy.png)"
fi
exit $rc
