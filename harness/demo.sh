#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: build the patched kernel (base + patches/) and show
# selective dirty page tracking live in a VM.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$ROOT/harness/setup.sh" || die "setup failed"
"$ROOT/harness/tree.sh" || die "cannot make the work tree $WORK_TREE"
"$ROOT/harness/build.sh" "$WORK_TREE" || exit 1
RIG_SHOW=1 "$ROOT/harness/vm.sh" "$WORK_TREE" script:demo
