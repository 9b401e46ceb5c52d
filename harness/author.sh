#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the identity in series/author ("Name <email>") the author of every
# commit of the work tree of each queue (build/QUEUE/linux), and its
# Signed-off-by the one of the previous author, keeping the series'
# branches in line (git rebase --update-refs), and export each queue.
#   author.sh ["Name <email>"]   (writes series/author first when given)
# The Signed-off-by is the Developer's Certificate of Origin: a submitter
# puts their own identity here, having read what it certifies.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# One commit, from git rebase --exec: swap the author and the sign-off.
if [ "${1:-}" = --amend ]; then
	new=$(series_author)
	old=$(git log -1 --format='%an <%ae>')
	msg=$(mktemp)
	git log -1 --format=%B | sed "s|^Signed-off-by: $old\$|Signed-off-by: $new|" >"$msg"
	grep -qxF "Signed-off-by: $new" "$msg" || git interpret-trailers --in-place \
		--trailer "Signed-off-by: $new" "$msg"
	git commit -q --amend --no-verify --author="$new" -F "$msg"
	rm -f "$msg"
	exit 0
fi

if [ $# -gt 0 ] && [ "$1" != --queue ]; then
	grep -qE '^[^<>]+ <[^<>@ ]+@[^<> ]+>$' <<<"$1" ||
		die "not an identity: '$1' (want \"Name <email>\")"
	printf '%s\n' "$1" >"$ROOT/series/author"
fi
if [ "${1:-}" != --queue ]; then
	for q in $QUEUES; do
		RIG_QUEUE=$q "$0" --queue
	done
	exit 0
fi
dir=$WORK_TREE
[ -d "$dir/.git" ] || die "no work tree at $dir: run ./rig -q $RIG_QUEUE tree first"
[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
	die "$dir has uncommitted edits: commit them first"
say "author: every commit of $dir by $(series_author)"
git -C "$dir" rebase -q --update-refs --exec "$ROOT/harness/author.sh --amend" base ||
	die "the rebase stopped: see git -C $dir status"
"$ROOT/harness/export.sh"
