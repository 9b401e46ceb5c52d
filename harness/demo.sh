#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: build the patched kernel (base + patches/) and show
# selective dirty page tracking live in a VM.  It uses the test tree of
# ./rig test (build/series): after one of the two, the other builds
# nothing it has not built already.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/setup.sh" || die "setup failed"
"$ROOT/harness/base.sh" || die "no base (see above)"
test_tree || die "cannot make $SERIES_TREE (see above)"
"$ROOT/harness/build.sh" "$SERIES_TREE" || exit 1
RIG_SHOW=1 RIG_VM_NAME=demo "$ROOT/harness/vm.sh" "$SERIES_TREE" script:demo
