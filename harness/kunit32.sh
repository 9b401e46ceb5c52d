#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The type1 KUnit suite on a 32-bit kernel.  The dirty bitmaps are arrays
# of unsigned long in the kernel and of u64 in the uAPI, and only a kernel
# whose long has 32 bits tells the two apart.  The kernel's own kunit.py
# builds an i386 kernel of the tree with config/kunit-i386.config and runs
# the suite in qemu-system-i386.
#   kunit32.sh [DIR]      (default DIR: build/series)
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
mkdir -p "$obj" "$BUILD/results" "$BUILD/logs"
: >"$out"

need qemu-system-i386 qemu-system-x86
[ -f "$dir/tools/testing/kunit/kunit.py" ] || die "no kunit.py in $dir"

say "kunit32: i386 kernel of $dir, suite $suite (qemu-system-i386)"
run_logged kunit32 "$log" python3 "$dir/tools/testing/kunit/kunit.py" run \
	--arch=i386 --build_dir="$obj" --jobs="$JOBS" \
	--kunitconfig="$ROOT/config/kunit-i386.config" \
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
