# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the rig.  Sourced by ./rig and the harness scripts.

# Debian's own tools first (python3 with python3-ply for checkpatch's
# spdxcheck, not a python of a version manager).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RIG_BUILD:-$ROOT/build}
# shellcheck source=../base.conf
. "$ROOT/base.conf"

BASE_REPO=$BUILD/base		# pristine base, one commit, tag "base"
WORK_TREE=$BUILD/linux		# developer's tree: base + series as commits
SERIES_TREE=$BUILD/series	# test tree: fresh base + patches/, built per patch
JOBS=${RIG_JOBS:-$(( $(nproc) + 1 ))}

# Fixed identity and dates, so that the base commit has the same hash on
# every machine and an apply-then-export round trip is byte-identical.
RIG_IDENT_NAME="VFIO dirty tracking rig"
RIG_IDENT_EMAIL="rig@localhost"
RIG_FIXED_DATE="2025-01-01T00:00:00+0000"

say()  { printf '==> %s %s\n' "$(date +%T)" "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# need CMD PACKAGE: fail with a message naming the Debian package.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: install the Debian package '$2' (or run ./rig setup)"
}

base_git() {
	git -C "$BASE_REPO" "$@"
}

# Run a git command with the rig's fixed identity (base commit, am, export).
rig_git() {
	GIT_AUTHOR_NAME=$RIG_IDENT_NAME GIT_AUTHOR_EMAIL=$RIG_IDENT_EMAIL \
	GIT_COMMITTER_NAME=$RIG_IDENT_NAME GIT_COMMITTER_EMAIL=$RIG_IDENT_EMAIL \
	GIT_AUTHOR_DATE=$RIG_FIXED_DATE GIT_COMMITTER_DATE=$RIG_FIXED_DATE \
		git "$@"
}

# The series, in the order they are submitted and applied: the directories
# of series/ whose names start with a digit.  Each has its cover letter
# (series/NAME/cover-letter.txt); its patches are in patches/NAME/, and in
# a tree made by the rig, the branch NAME points at its last commit.
series_names() {
	local d
	for d in "$ROOT"/series/[0-9]*/; do
		[ -f "$d/cover-letter.txt" ] && basename "$d"
	done
}

# series_patches [NAME...]: the patches of the named series (default: all),
# in order, without the cover letters.
series_patches() {
	local name p
	[ $# -gt 0 ] || set -- $(series_names)
	for name in "$@"; do
		for p in "$ROOT/patches/$name"/[0-9][0-9][0-9][0-9]-*.patch; do
			[ -e "$p" ] || continue
			case "${p##*/}" in 0000-cover-letter.patch) continue ;; esac
			printf '%s\n' "$p"
		done
	done
}

# The identity that authors and signs off every patch: one line,
# "Name <email>", in series/author.  A submitter puts their own there and
# runs ./rig author.
series_author() {
	head -n 1 "$ROOT/series/author"
}

# progress LABEL LOG: copy stdin to LOG, print a status line every 20 s and
# the last lines of LOG if the producer fails (exit status via PIPESTATUS).
progress() {
	local label=$1 log=$2 line n=0 last=$SECONDS
	: >"$log"
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$log"
		n=$((n + 1))
		if (( SECONDS - last >= 20 )); then
			last=$SECONDS
			printf '    [%s] %4ds, %d lines, at: %.70s\n' "$label" \
				"$SECONDS" "$n" "$line"
		fi
	done
}

# run_logged LABEL LOG CMD...: run CMD with progress; on failure show the
# log's tail and return its status.
run_logged() {
	local label=$1 log=$2 rc
	shift 2
	SECONDS=0
	"$@" 2>&1 | progress "$label" "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		printf '    [%s] FAILED (exit %d) after %ds; last lines of %s:\n' \
			"$label" "$rc" "$SECONDS" "$log" >&2
		grep -E 'error|Error|ERROR' "$log" | head -n 20 | sed 's/^/      /' >&2
		tail -n 15 "$log" | sed 's/^/      /' >&2
	else
		printf '    [%s] done in %ds\n' "$label" "$SECONDS"
	fi
	return "$rc"
}
