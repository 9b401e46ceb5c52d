#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the queue's work tree (build/QUEUE/linux) to patches/QUEUE/ with
# git format-patch: series NAME (see series_names in lib.sh) is the
# commits between the branch of the series before it (base for the first)
# and the branch NAME, with a cover letter built from
# series/QUEUE/NAME/cover-letter.txt (first line:
# subject; then a blank line and the body).  HEAD must be the branch of
# the last series; every commit must be authored and signed off by
# series/author (./rig author rewrites them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${1:-$WORK_TREE}
[ -d "$dir/.git" ] || die "no work tree at $dir: run ./rig tree first"
[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
	die "$dir has uncommitted edits: commit them first"
mapfile -t names < <(series_names)
[ ${#names[@]} -gt 0 ] || die "no series in $QUEUE_DIR"
last=${names[${#names[@]}-1]}
branch=$(git -C "$dir" symbolic-ref --short HEAD 2>/dev/null) ||
	die "$dir is not on a branch"
[ "$branch" = "$last" ] ||
	die "$dir is on branch $branch: the work tree must be on $last, the last series"

author=$(series_author)
prev=base
total=0
for name in "${names[@]}"; do
	git -C "$dir" rev-parse -q --verify "refs/heads/$name" >/dev/null ||
		die "no branch $name in $dir: each series ends at a branch of its name"
	git -C "$dir" merge-base --is-ancestor "$prev" "$name" ||
		die "branch $name does not build on $prev (git rebase --update-refs keeps them in line)"
	n=$(git -C "$dir" rev-list --count "$prev..$name")
	[ "$n" -gt 0 ] || die "series $name has no commit ($prev..$name)"
	while read -r c; do
		git -C "$dir" log -1 --format='%an <%ae>' "$c" | grep -qxF "$author" ||
			die "$(git -C "$dir" log -1 --format='%h %s' "$c"): author is not $author (series/author; ./rig author)"
		git -C "$dir" log -1 --format=%B "$c" | grep -qxF "Signed-off-by: $author" ||
			die "$(git -C "$dir" log -1 --format='%h %s' "$c"): no Signed-off-by: $author"
	done < <(git -C "$dir" rev-list "$prev..$name")
	git -C "$dir" config "branch.$name.description" \
		"$(cat "$QUEUE_DIR/$name/cover-letter.txt")"
	prev=$name
	total=$((total + n))
done
[ "$(git -C "$dir" rev-parse "$last")" = "$(git -C "$dir" rev-parse HEAD)" ] ||
	die "HEAD is not $last"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prev=base
for name in "${names[@]}"; do
	# The cover letter is dated and signed with the committer identity:
	# use the series' newest patch's author and date, so that exporting
	# the same commits twice gives the same bytes.
	mkdir -p "$tmp/$name"
	GIT_COMMITTER_NAME=$(git -C "$dir" log -1 --format=%an "$name") \
	GIT_COMMITTER_EMAIL=$(git -C "$dir" log -1 --format=%ae "$name") \
	GIT_COMMITTER_DATE=$(git -C "$dir" log -1 --format=%aD "$name") \
	git -C "$dir" -c diff.noprefix=false -c diff.mnemonicPrefix=false \
		-c diff.algorithm=myers -c diff.renames=true -c format.signOff=false \
		-c format.useAutoBase=false -c format.thread=false \
		format-patch -q --zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --subject-prefix=PATCH \
		-o "$tmp/$name" "$prev..$name"
	prev=$name
done
rm -rf "$PATCHES"
mkdir -p "$PATCHES"
cp -r "$tmp"/. "$PATCHES/"
say "export: $total patches in ${#names[@]} series, each with a cover letter, in patches/$RIG_QUEUE/"
for name in "${names[@]}"; do
	printf '    %-20s %2d patches\n' "$name" "$(series_patches "$name" | wc -l)"
done
git -C "$ROOT" status --short -- "$PATCHES" | sed 's/^/    /'
