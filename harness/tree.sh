#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make or refresh the developer's work tree: the base commit plus the series
# of patches/ applied in order with git am, each ending at a branch of its
# name (see series_names in lib.sh); the last series' branch is checked out.
#   tree.sh [--force]
# A tree with commits or edits that patches/ does not carry is not touched
# unless --force is given.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

force=0
[ "${1:-}" = --force ] && { force=1; shift; }
[ $# -eq 0 ] || die "usage: ./rig tree [--force] (the work tree is $WORK_TREE)"
dir=$WORK_TREE

"$ROOT/harness/base.sh"
if [ -d "$dir/.git" ] && [ "$force" = 0 ]; then
	[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
		die "$dir has uncommitted edits: commit them (and ./rig export) or pass --force"
	if tree_carries "$dir"; then
		say "tree: $dir already carries patches/ ($(series_patches | wc -l) patches)"
		exit 0
	fi
	[ -z "$(comm -23 <(tree_ids "$dir") <(patches_ids))" ] ||
		die "$dir has commits that patches/ does not carry: ./rig export first, or pass --force"
fi
make_tree "$dir" || die "cannot make $dir (see above)"
