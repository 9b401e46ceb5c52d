#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the work tree's commits on top of base to patches/ with git
# format-patch, with the cover letter built from series/cover-letter.txt
# (first line: subject; then a blank line and the body).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${1:-$WORK_TREE}
[ -d "$dir/.git" ] || die "no work tree at $dir: run ./rig tree first"
cover=$ROOT/series/cover-letter.txt
[ -f "$cover" ] || die "missing $cover"
[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
	die "$dir has uncommitted edits: commit them first"
n=$(git -C "$dir" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "$dir has no commits on top of base"

branch=$(git -C "$dir" symbolic-ref --short HEAD 2>/dev/null) ||
	die "$dir is not on a branch"
git -C "$dir" config "branch.$branch.description" "$(cat "$cover")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The cover letter is dated and signed with the committer identity: use
# the newest patch's author and author date, so that exporting the same
# commits twice gives the same bytes.
GIT_COMMITTER_NAME=$(git -C "$dir" log -1 --format=%an) \
GIT_COMMITTER_EMAIL=$(git -C "$dir" log -1 --format=%ae) \
GIT_COMMITTER_DATE=$(git -C "$dir" log -1 --format=%aD) \
git -C "$dir" -c diff.noprefix=false -c diff.mnemonicPrefix=false \
	-c diff.algorithm=myers -c diff.renames=true -c format.signOff=false \
	-c format.useAutoBase=false -c format.thread=false \
	format-patch -q --zero-commit --no-signature --cover-letter \
	--cover-from-description=subject --subject-prefix=PATCH \
	-o "$tmp" base..HEAD
rm -f "$ROOT"/patches/*.patch
mkdir -p "$ROOT/patches"
cp "$tmp"/*.patch "$ROOT/patches/"
say "export: $n patches and a cover letter in patches/"
git -C "$ROOT" status --short -- patches/ | sed 's/^/    /'
