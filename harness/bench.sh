#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Precision benchmark: pages the type1 dirty bitmap reports per page the
# mdma device really wrote, in workloads where half of the pinned pages
# are only read (bench/precision.c).  Runs in the same invocation on two
# kernels of the work tree: "before", the series up to the patch before
# "vfio/type1: report pages written before the dirty scope narrowed", the
# first type1 patch of the dirty scope series (type1's dirty scope
# code as in the base kernel, with the samples the base lacks), and the
# whole series.  Prints the figures and the ratio series/before.
#   bench.sh      (uses build/linux; ./rig tree makes it)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

first="vfio/type1: report pages written before the dirty scope narrowed"
tree=$WORK_TREE
before=$BUILD/before
[ -d "$tree/.git" ] || die "no work tree $tree: run ./rig tree"
need gcc build-essential
commit=$(git -C "$tree" log --format='%H %s' base..HEAD |
	grep -F " $first" | cut -d' ' -f1)
[ -n "$commit" ] || die "no commit \"$first\" in $tree: nothing to compare"

say "bench: before = $(git -C "$tree" log -1 --format='%h %s' "$commit^")"
git -C "$tree" worktree prune
if [ -d "$before/.git" ] || [ -f "$before/.git" ]; then
	git -C "$before" checkout -q --detach "$commit^" ||
		die "cannot check out $commit^ in $before"
else
	git -C "$tree" worktree add -q --detach "$before" "$commit^" ||
		die "cannot make the worktree $before"
fi
"$ROOT/harness/build.sh" "$before" || die "cannot build $before"
"$ROOT/harness/build.sh" "$tree" || die "cannot build $tree"

# One binary for both kernels, from the series' selftest library.
src=$tree/tools/testing/selftests/vfio
mkdir -p "$BUILD/obj/linux/selftests/bench" "$BUILD/obj/before/selftests/bench"
gcc -static -O2 -Wall -isystem "$BUILD/obj/linux/usr/include" -I"$src" \
	-o "$BUILD/obj/linux/selftests/bench/precision" "$ROOT/bench/precision.c" \
	"$src/vfio_dirty_utils.c" -lpthread ||
	die "cannot build bench/precision.c"
cp "$BUILD/obj/linux/selftests/bench/precision" "$BUILD/obj/before/selftests/bench/"

declare -A rep wr
for name in before linux; do
	dir=$tree
	[ "$name" = before ] && dir=$before
	RIG_VM_NAME=bench-$name "$ROOT/harness/vm.sh" "$dir" selftest:bench/precision ||
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
	w=${wr[linux.$wl]:-0} vb=${rep[before.$wl]:-0} vs=${rep[linux.$wl]:-0}
	[ "$w" -gt 0 ] && [ "$vb" -gt 0 ] || die "no figures for $wl"
	awk -v wl="$wl" -v w="$w" -v vb="$vb" -v vs="$vs" 'BEGIN {
		printf "%-12s %10d %14d %10.2f %14d %10.2f %16.2f\n",
			wl, w, vb, vb / w, vs, vs / w, vs / vb }'
done
