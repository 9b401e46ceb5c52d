#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The type1 KUnit suite on a 32-bit kernel.  The dirty bitmaps are arrays
# of unsigned long in the kernel and of u64 in the uAPI, and dma_addr_t and
# size_t have 32 bits there: only a 32-bit kernel tells them apart.
#   kunit32.sh [DIR]      (default DIR: build/series)
# The kernel is "make ARCH=i386 allnoconfig" plus config/kunit-i386.config
# (a small kernel: kunit.py's own olddefconfig of the same options builds
# one several times larger), built out of tree in
# build/obj/kunit-i386-<name of DIR>; the kernel's own kunit.py boots it in
# qemu-system-i386 ("kunit.py exec") and parses the results.
# Writes build/results/kunit32.txt: one verdict per test case, and a FAIL
# for any splat on the console.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$SERIES_TREE
[ $# -gt 0 ] && dir=$(cd "$1" && pwd)
suite=vfio-iommu-type1
obj=$BUILD/obj/kunit-i386-$(basename "$dir")
out=$BUILD/results/kunit32.txt
log=$BUILD/logs/kunit32-$(basename "$dir").log
frag=$ROOT/config/kunit-i386.config
mkdir -p "$obj" "$BUILD/results" "$BUILD/logs"
: >"$out"

need qemu-system-i386 qemu-system-x86
need make build-essential
[ -f "$dir/tools/testing/kunit/kunit.py" ] || die "no kunit.py in $dir"

fail() {
	echo "FAIL kunit32: $*" >"$out"
	sed 's/^/    /' "$out"
	exit 1
}

say "kunit32: i386 kernel of $dir, suite $suite (qemu-system-i386)"
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.rig-config" 2>/dev/null)" != "$(cat "$frag")" ]; then
	make -s -C "$dir" O="$obj" ARCH=i386 KCONFIG_ALLCONFIG="$frag" \
		allnoconfig >"$BUILD/logs/config-kunit32.log" 2>&1 ||
		fail "allnoconfig failed: see $BUILD/logs/config-kunit32.log"
	missing=$(grep '^CONFIG_.*=y$' "$frag" | grep -vxFf "$obj/.config" | tr '\n' ' ')
	[ -z "$missing" ] || fail "config options not taken: $missing"
	cat "$frag" >"$obj/.rig-config"
fi
# The point of the run: 32-bit long, dma_addr_t and size_t.
grep -q '^CONFIG_64BIT=y' "$obj/.config" && fail "$obj/.config is 64-bit"
grep -q '^CONFIG_ARCH_DMA_ADDR_T_64BIT=y' "$obj/.config" &&
	fail "$obj/.config has a 64-bit dma_addr_t"
run_logged "make ARCH=i386 bzImage" "$BUILD/logs/build-kunit32.log" \
	make -C "$dir" O="$obj" ARCH=i386 -j"$JOBS" bzImage ||
	fail "i386 kernel build failed (log: $BUILD/logs/build-kunit32.log)"
PYTHONUNBUFFERED=1 run_logged kunit32 "$log" \
	python3 "$dir/tools/testing/kunit/kunit.py" exec \
	--arch=i386 --build_dir="$obj" --kunitconfig="$frag" \
	--raw_output=all "$suite"
rc=$?

ROOT=$ROOT python3 - "$dir" "$log" "$out" "$suite" "$rc" <<'PY'
import os, re, sys
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'harness'))
from parse_results import SPLAT, kunit_parse
tree, log, out, suite, rc = sys.argv[1:]
text = open(log, errors='replace').read()
verdicts = []
cases, why = kunit_parse(tree, text)
if not cases:
    verdicts.append('FAIL kunit32: no %s results (kunit.py exit %s): %s'
                    % (suite, rc, why.strip()[-200:]))
for name, status in cases or []:
    verdicts.append('%s kunit32: %s' % ('PASS' if status == 'PASS' else 'FAIL', name))
for line in text.splitlines():
    if SPLAT.search(line):
        verdicts.append('FAIL kunit32: splat: ' + line.strip()[:200])
        break
open(out, 'w').write('\n'.join(verdicts) + '\n')
PY
sed 's/^/    /' "$out"
! grep -q '^FAIL' "$out"
