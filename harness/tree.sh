#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make or refresh a tree: the base commit plus patches/ applied with git am.
#   tree.sh [--force] [DIR]   (default DIR: build/linux, the work tree)
# A tree with commits or edits that patches/ does not carry is not touched
# unless --force is given.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

force=0
[ "${1:-}" = --force ] && { force=1; shift; }
dir=${1:-$WORK_TREE}

"$ROOT/harness/base.sh"

# Stable patch ids of a tree's commits on top of base, and of patches/.
tree_ids() {
	git -C "$dir" format-patch --stdout base..HEAD | git patch-id --stable |
		cut -d' ' -f1 | sort
}
repo_ids() {
	local p
	series_patches | while read -r p; do cat "$p"; done |
		git patch-id --stable | cut -d' ' -f1 | sort
}

if [ ! -d "$dir/.git" ]; then
	say "tree: cloning base into $dir"
	git clone -q --shared --no-checkout "$BASE_REPO" "$dir"
	git -C "$dir" config core.abbrev 12
	git -C "$dir" fetch -q origin tag base
	git -C "$dir" checkout -q -b series base
elif [ "$force" = 0 ]; then
	if [ -n "$(git -C "$dir" status --porcelain --untracked-files=no)" ]; then
		die "$dir has uncommitted edits: commit them (and ./rig export) or pass --force"
	fi
	if [ "$(tree_ids)" = "$(repo_ids)" ]; then
		say "tree: $dir already carries patches/ ($(series_patches | wc -l) patches)"
		exit 0
	fi
	if [ -n "$(comm -23 <(tree_ids) <(repo_ids))" ]; then
		die "$dir has commits that patches/ does not carry: ./rig export first, or pass --force"
	fi
fi

mkdir -p "$BUILD/logs"
git -C "$dir" am --abort >/dev/null 2>&1 || true
git -C "$dir" checkout -q -B series base
git -C "$dir" reset -q --hard base
n=0
while read -r p; do
	# The committer falls back to the rig's identity where git has none.
	if ! GIT_COMMITTER_NAME=$(git -C "$dir" config user.name || echo "$RIG_IDENT_NAME") \
	     GIT_COMMITTER_EMAIL=$(git -C "$dir" config user.email || echo "$RIG_IDENT_EMAIL") \
	     git -C "$dir" am -q "$p" >"$BUILD/logs/am.log" 2>&1; then
		git -C "$dir" am --abort >/dev/null 2>&1 || true
		die "patch ${p##*/} does not apply to the base ($(cat "$BUILD/base.version")): $(head -n 3 "$BUILD/logs/am.log" | tr '\n' ' ')"
	fi
	n=$((n + 1))
done < <(series_patches)
say "tree: $dir = base + $n patches"
