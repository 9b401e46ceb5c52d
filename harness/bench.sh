#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Precision benchmark: pages the type1 dirty bitmap reports per page the
# mdma device really wrote, in workloads where half of the pinned pages
# are only read (bench/precision.c).  Runs in the same invocation on two
# kernels: "before", build/before = the base plus patches/ up to the patch
# "vfio/type1: report pages written before the dirty scope narrowed", the
# first type1 patch of the dirty scope series (type1's dirty scope code as
# in the base kernel, with the samples the base lacks), and the whole
# series, the test tree build/series.  Prints the figures and the ratio
# series/before.
#   bench.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

first="vfio/type1: report pages written before the dirty scope narrowed"
before=$BUILD/before
need gcc build-essential
"$ROOT/harness/base.sh" || die "no base (see above)"
make_tree "$before" "$first" || die "cannot make $before (see above)"
test_tree || die "cannot make $SERIES_TREE (see above)"
"$ROOT/harness/build.sh" "$before" || die "cannot build $before"
"$ROOT/harness/build.sh" "$SERIES_TREE" || die "cannot build $SERIES_TREE"

# One binary for both kernels, from the series' selftest library.
src=$SERIES_TREE/tools/testing/selftests/vfio
for name in before series; do
	mkdir -p "$BUILD/obj/$name/selftests/bench"
done
gcc -static -O2 -Wall -isystem "$BUILD/obj/series/usr/include" -I"$src" \
	-o "$BUILD/obj/series/selftests/bench/precision" "$ROOT/bench/precision.c" \
	"$src/vfio_dirty_utils.c" -lpthread ||
	die "cannot build bench/precision.c"
cp "$BUILD/obj/series/selftests/bench/precision" "$BUILD/obj/before/selftests/bench/"

declare -A rep wr
for name in before series; do
	RIG_VM_NAME=bench-$name "$ROOT/harness/vm.sh" "$BUILD/$name" selftest:bench/precision ||
		die "bench VM run of $name failed (build/vm/bench-$name/console.log)"
	while read -r _ _ wl _ w v _; do
		wr[$name.$wl]=${w#written=}
		rep[$name.$wl]=${v#reported=}
	done < <(grep -h '^# precision ' "$BUILD/vm/bench-$name/results.log" | tr -d '\r')
done

echo
printf '%-12s %10s %14s %10s %14s %10s %16s\n' workload written \
	"reported(bef.)" "ratio" "reported(ser.)" "ratio" "series/before"
for wl in transfers kept_reads; do
	w=${wr[series.$wl]:-0} vb=${rep[before.$wl]:-0} vs=${rep[series.$wl]:-0}
	[ "$w" -gt 0 ] && [ "$vb" -gt 0 ] || die "no figures for $wl"
	awk -v wl="$wl" -v w="$w" -v vb="$vb" -v vs="$vs" 'BEGIN {
		printf "%-12s %10d %14d %10.2f %14d %10.2f %16.2f\n",
			wl, w, vb, vb / w, vs, vs / w, vs / vb }'
done
