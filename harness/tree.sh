#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make or refresh a tree: the base commit plus the series of patches/
# applied in order with git am, each ending at a branch of its name (see
# series_names in lib.sh); the last series' branch is checked out.
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
mapfile -t names < <(series_names)
[ ${#names[@]} -gt 0 ] || die "no series in $ROOT/series (series/NAME/cover-letter.txt)"
last=${names[${#names[@]}-1]}
git -C "$dir" am --abort >/dev/null 2>&1 || true
git -C "$dir" checkout -q -B "$last" base
git -C "$dir" reset -q --hard base
n=0
for name in "${names[@]}"; do
	while read -r p; do
		# The committer falls back to the rig's identity where git has none.
		if ! GIT_COMMITTER_NAME=$(git -C "$dir" config user.name || echo "$RIG_IDENT_NAME") \
		     GIT_COMMITTER_EMAIL=$(git -C "$dir" config user.email || echo "$RIG_IDENT_EMAIL") \
		     git -C "$dir" am -q "$p" >"$BUILD/logs/am.log" 2>&1; then
			git -C "$dir" am --abort >/dev/null 2>&1 || true
			die "patch $name/${p##*/} does not apply to the base ($(cat "$BUILD/base.version")) and the series before it: $(head -n 3 "$BUILD/logs/am.log" | tr '\n' ' ')"
		fi
		n=$((n + 1))
	done < <(series_patches "$name")
	# Each series ends at a branch of its name; the last is checked out.
	[ "$name" = "$last" ] || git -C "$dir" branch -q -f "$name" HEAD
	git -C "$dir" config "branch.$name.description" \
		"$(cat "$ROOT/series/$name/cover-letter.txt")"
done
say "tree: $dir = base + $n patches in ${#names[@]} series (branches ${names[*]})"
