#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The model-based selftest of the series (vfio_dirty_model: seeded random
# sequences of operations on the kernel and on a reference model, in lock
# step) for as long as asked, on the debug kernel of the test tree
# (build/series): lockdep, KASAN, kmemleak and panic_on_warn.  ./rig test
# runs its fixed sequences (48, from seed 1) with the other selftests.
#   fuzz.sh [MINUTES [SEED]]    (default 10 minutes, from a seed taken
#                               from the clock and printed)
#   fuzz.sh --replay SEED:I,J,...   operations I, J, ... of SEED only, as
#                               a failure prints them
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --replay ]; then
	replay=${2:-}
	[[ "$replay" =~ ^[0-9]+:[0-9]+(,[0-9]+)*$ ]] ||
		die "fuzz: --replay takes SEED:I,J,... as a failure prints it, not '$replay'"
	env="VFIO_MODEL_REPLAY=$replay"
	seconds=0
	what="replay of $replay"
else
	minutes=${1:-10}
	seed=${2:-$(date +%s)}
	case "$minutes" in
	''|*[!0-9]*|0) die "fuzz: MINUTES must be a whole number above 0, not '$minutes'" ;;
	esac
	case "$seed" in
	''|*[!0-9]*) die "fuzz: SEED must be a whole number, not '$seed'" ;;
	esac
	seconds=$((minutes * 60))
	env="VFIO_MODEL_SECONDS=$seconds VFIO_MODEL_SEED=$seed"
	what="$minutes min of sequences from seed $seed"
fi
series_kernel
say "fuzz: $what, selftest:vfio/vfio_dirty_model"
long_test fuzz "$seconds" "$env" selftest:vfio/vfio_dirty_model
