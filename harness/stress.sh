#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The stress selftest of the series (vfio_dirty_stress: two mdma devices,
# transfers, bitmaps, unmaps and maps, stops and starts of tracking, all
# at once) for as long as asked, on the debug kernel of the test tree
# (build/series): lockdep, KASAN, kmemleak and panic_on_warn.  ./rig test
# runs it for its default 60 s with the other selftests.
#   stress.sh [MINUTES]     (default 10)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

minutes=${1:-10}
case "$minutes" in
''|*[!0-9]*|0) die "stress: MINUTES must be a whole number above 0, not '$minutes'" ;;
esac
seconds=$((minutes * 60))
series_kernel
say "stress: $minutes min of selftest:vfio/vfio_dirty_stress"
long_test stress "$seconds" "VFIO_STRESS_SECONDS=$seconds" \
	selftest:vfio/vfio_dirty_stress
