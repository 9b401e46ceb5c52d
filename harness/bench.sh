#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmarks, each run on several kernels in one invocation, printing
# figures and ratios (never a pass/fail on a time):
#  - precision (bench/precision.c): pages the type1 dirty bitmap reports
#    per page the mdma device really wrote, in workloads where half of the
#    pinned pages are only read; on "before-scope" (the base plus patches/
#    up to SCOPE_FIRST: type1's dirty scope code as in the base, with the
#    samples the base lacks) and the series;
#  - precopy (bench/precopy.c): a QEMU-shaped precopy loop over 16 MiB of
#    "guest RAM" with mdma working in it, on before-scope and the series:
#    pages reported per round, rounds to converge, pages sent; plotted;
#  - cost (bench/cost.c): GET_BITMAP, unmap with bitmap, START and STOP
#    over mappings of several shapes in an mtty-only container, with a
#    memcpy() floor; on the base itself, "before-cost" (patches/ up to
#    COST_FIRST, the first patch that makes reading the bitmap cheaper)
#    and the series;
#  - pin (bench/pin.c): mdma transfers of 512 pages that pin writable,
#    writable over pages kept pinned for reading, and read-only, write
#    with vfio_dma_rw(), and pin writable while DMA logging runs, while
#    tracking; on "before-pin" (patches/ up to PIN_FIRST, which adds a
#    pass over the pages of a write pin), "before-log" (patches/ up to
#    LOG_FIRST, from which vfio core counts mdma's pins in its DMA log)
#    and the series.
# The kernels are built one after the other in one tree, build/bench,
# each an incremental build of the one before, without config/debug.config
# (RIG_DEBUG=0: KASAN, lockdep and kmemleak would time themselves), and
# kept in build/obj/bench-NAME.  Tables and the plot: build/results/bench-*.
#   bench.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SCOPE_FIRST="vfio/type1: report pages written before the dirty scope narrowed"
COST_FIRST="vfio/type1: look up the first mapping of a dirty bitmap in the tree"
PIN_FIRST="vfio/type1: mark pages pinned for writing only once the pin succeeds"
LOG_FIRST="vfio: log the DMA of devices that pin from their pins"
BENCHES="precision precopy cost pin"
tree=$BUILD/bench
mkdir -p "$RESULTS"
need gcc build-essential
need gnuplot gnuplot-nox
"$ROOT/harness/base.sh" || die "no base (see above)"
make_tree "$tree" || die "cannot make $tree (see above)"
export RIG_DEBUG=0

# before SUBJECT: the commit before the patch SUBJECT in $tree; the end of
# the series (with a warning) if patches/ has no such patch yet.
end=$(series_names | tail -n 1)
before() {
	local c
	c=$(git -C "$tree" log --format='%H %s' "base..$end" |
		awk -v s="$1" '{ h = $1; $1 = ""; if (substr($0, 2) == s) print h }')
	if [ -z "$c" ]; then
		warn "no patch \"$1\" in patches/: its \"before\" is the whole series"
		git -C "$tree" rev-parse "$end"
		return
	fi
	git -C "$tree" rev-parse "$c^"
}

# stage NAME COMMIT: build $tree at COMMIT and keep its kernel in
# build/obj/bench-NAME.
stage() {
	local out=$BUILD/obj/bench-$1
	say "bench: kernel $1 = $tree at $(git -C "$tree" log -1 --format='%h ("%s")' "$2")"
	git -C "$tree" checkout -q -f "$2" || die "cannot check out $2 in $tree"
	"$ROOT/harness/build.sh" "$tree" || die "cannot build $1 in $tree"
	rm -rf "$out"
	mkdir -p "$out/arch/x86/boot" "$out/selftests/bench"
	cp "$BUILD/obj/bench/arch/x86/boot/bzImage" "$out/arch/x86/boot/"
}

scope=$(before "$SCOPE_FIRST")
pin=$(before "$PIN_FIRST")
log=$(before "$LOG_FIRST")
cost=$(before "$COST_FIRST")
stage base base
stage before-scope "$scope"
stage before-pin "$pin"
stage before-log "$log"
stage before-cost "$cost"
stage series "$end"	# the tree ends on the branch, as patches/ has it

# The benchmarks: one static binary for every kernel, from the series'
# selftest library and uAPI headers.
for b in $BENCHES; do
	bench_bin "$b" "$tree" "$BUILD/obj/bench/usr/include" \
		"$BUILD/obj/bench-series/selftests/bench/$b" || exit 1
done
for k in base before-scope before-pin before-log before-cost; do
	cp "$BUILD/obj/bench-series/selftests/bench/"* "$BUILD/obj/bench-$k/selftests/bench/"
done

# vm KERNEL BENCH...: run the benchmarks in the VM on a kept kernel.
vm() {
	local k=$1
	shift
	RIG_VM_OBJ=$BUILD/obj/bench-$k RIG_VM_NAME=bench-$k RIG_VM_APPEND=rig.partial \
		"$ROOT/harness/vm.sh" "$tree" "${@/#/selftest:bench/}" ||
		die "bench VM run of $k failed (build/vm/bench-$k/console.log)"
}
vm base cost
vm before-scope precision precopy
vm before-pin pin
vm before-log pin
vm before-cost cost
vm series precision precopy cost pin

vmlog() {
	tr -d '\r' <"$BUILD/vm/bench-$1/results.log"
}

echo
say "bench: precision (pages reported dirty per page written)"
declare -A rep wr
for k in before-scope series; do
	while read -r _ _ wl _ w v _; do
		wr[$k.$wl]=${w#written=}
		rep[$k.$wl]=${v#reported=}
	done < <(vmlog "$k" | grep '^# precision ')
done
{
	printf '%-12s %10s %14s %10s %14s %10s %16s\n' workload written \
		"reported(bef.)" "ratio" "reported(ser.)" "ratio" "series/before"
	for wl in transfers kept_reads; do
		w=${wr[series.$wl]:-0} vb=${rep[before-scope.$wl]:-0} vs=${rep[series.$wl]:-0}
		[ "$w" -gt 0 ] && [ "$vb" -gt 0 ] || die "no figures for $wl"
		awk -v wl="$wl" -v w="$w" -v vb="$vb" -v vs="$vs" 'BEGIN {
			printf "%-12s %10d %14d %10.2f %14d %10.2f %16.2f\n",
				wl, w, vb, vb / w, vs, vs / w, vs / vb }'
	done
} | tee "$RESULTS/bench-precision.tsv"

echo
say "bench: precopy (pages reported dirty per round; stop and copy at <= budget)"
for k in before-scope series; do
	vmlog "$k" | sed -n 's/^# precopy \(converged=.*\)/'"$k"': \1/p'
done | tee "$RESULTS/bench-precopy-result.txt"
grep -q '^series: converged=1' "$RESULTS/bench-precopy-result.txt" ||
	warn "precopy did not converge on the series"
# round, reported on before-scope, on the series, written on the series
join -a 1 -a 2 -e - -o 0,1.2,2.2,2.3 \
	<(vmlog before-scope | sed -n 's/^# precopy round=\([0-9]*\) sent=[0-9]* reported=\([0-9]*\).*/\1 \2/p' | sort -k1,1) \
	<(vmlog series | sed -n 's/^# precopy round=\([0-9]*\) sent=[0-9]* reported=\([0-9]*\) written=\([0-9]*\)/\1 \2 \3/p' | sort -k1,1) |
	sort -n | { echo "round before-scope series written"; cat; } |
	tee "$RESULTS/bench-precopy.tsv" | column -t
budget=$(sed -n 's/.*budget=\([0-9]*\).*/\1/p' "$RESULTS/bench-precopy-result.txt" | head -n 1)
for term in "pngcairo size 800,480" "dumb size 79,24"; do
	case "$term" in png*) out=bench-precopy.png ;; *) out=bench-precopy.ascii ;; esac
	gnuplot <<-EOF || warn "gnuplot could not draw $out"
		set terminal $term
		set output '$RESULTS/$out'
		set title 'Precopy: pages reported dirty per round (budget ${budget:-?})'
		set xlabel 'round'
		set ylabel 'pages (log scale)'
		set key center right
		set logscale y
		set yrange [10:5000]
		set datafile missing '-'
		plot '$RESULTS/bench-precopy.tsv' using 1:2 skip 1 with linespoints title 'before the dirty scope patches', \
		     '' using 1:3 skip 1 with linespoints title 'series', \
		     ${budget:-0} with lines dashtype 2 title 'downtime budget'
	EOF
done
cat "$RESULTS/bench-precopy.ascii" 2>/dev/null
say "bench: plot: $RESULTS/bench-precopy.png"

echo
say "bench: cost (median µs; floor: memcpy() of the bitmap's bytes, rep: the same copied with rep movsb)"
for k in base before-cost series; do
	vmlog "$k" | sed -n "s/^# cost /$k /p"
done | awk '
{
	key = $2 " " $3
	if (!(key in seen)) { seen[key] = 1; order[n++] = key }
	for (i = 4; i <= NF; i++) { split($i, kv, "="); v[$1, key, kv[1]] = kv[2] }
}
function us(ns) { return ns == "" ? "-" : sprintf("%.1f", ns / 1000) }
function ratio(a, b) { return a == "" || b == "" || b == 0 ? "-" : sprintf("%.2f", a / b) }
END {
	printf "%-12s %-10s %9s %10s %10s %10s %9s %9s %8s %8s %9s %8s\n", "op", "shape",
		"bytes", "base", "before", "after", "floor", "rep", "aft/bef",
		"aft/base", "aft/floor", "aft/rep"
	for (i = 0; i < n; i++) {
		k = order[i]; split(k, p, " ")
		b = v["base", k, "ns"]; c = v["before-cost", k, "ns"]; s = v["series", k, "ns"]
		f = v["series", k, "floor"]; r = v["series", k, "rep"]
		by = v["series", k, "bytes"]
		printf "%-12s %-10s %9s %10s %10s %10s %9s %9s %8s %8s %9s %8s\n", p[1], p[2],
			by, us(b), us(c), us(s), by ? us(f) : "-", by ? us(r) : "-",
			ratio(s, c), ratio(s, b), by ? ratio(s, f) : "-", by ? ratio(s, r) : "-"
	}
}' | tee "$RESULTS/bench-cost.tsv"

echo
say "bench: pin (median ms of a 512-page mdma transfer while tracking; extra: (series - before-log) per page)"
for k in before-pin before-log series; do
	vmlog "$k" | sed -n "s/^# pin /$k /p"
done | awk '
{
	if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 }
	for (i = 3; i <= NF; i++) { split($i, kv, "="); v[$1, $2, kv[1]] = kv[2] }
}
function ms(x) { return x == "" ? "-" : sprintf("%.2f", x / 1e6) }
function ratio(a, b) { return a == "" || b == "" || b <= 0 ? "-" : sprintf("%.3f", a / b) }
END {
	printf "%-12s %5s %10s %10s %10s %8s %8s %12s\n", "workload", "pages",
		"bef-pin", "bef-log", "series", "log/pin", "ser/log", "extra/page"
	for (i = 0; i < n; i++) {
		w = order[i]; p = v["series", w, "pages"]
		a = v["before-pin", w, "ns"]; b = v["before-log", w, "ns"]
		s = v["series", w, "ns"]
		printf "%-12s %5s %10s %10s %10s %8s %8s %12s\n", w, p, ms(a), ms(b),
			ms(s), ratio(b, a), ratio(s, b),
			b == "" || s == "" ? "-" : sprintf("%.0f ns", (s - b) / p)
	}
}' | tee "$RESULTS/bench-pin.tsv"
