#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The checkpatch check and its policy: scripts/checkpatch.pl --strict
# --codespell on every patch of patches/ must find nothing at all, except
#   FILE_PATH_CHANGES, for new files that MAINTAINERS (as of that patch)
#     already covers: checkpatch raises it for any new file unless the
#     patch itself touches MAINTAINERS;
#   UNKNOWN_COMMIT_ID, for upstream commits that the one-commit base
#     repository lacks, when listed with their titles in
#     series/upstream-commits.txt and cited with that title.
#   checkpatch.sh        writes build/results/check-checkpatch.txt
set -uo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$RESULTS"

# covered_new_files PATCH: every file PATCH adds is covered by an F:
# pattern of a MAINTAINERS section other than "THE REST", in MAINTAINERS as
# of that patch (checkpatch raises FILE_PATH_CHANGES for any new file
# unless the patch itself touches MAINTAINERS).
covered_new_files() {
	local tmp q f ok=0
	tmp=$(mktemp -d)
	cp "$BASE_REPO/MAINTAINERS" "$tmp/"
	while read -r q; do
		(cd "$tmp" && git apply --include=MAINTAINERS "$q") || { rm -rf "$tmp"; return 1; }
		[ "$q" = "$1" ] && break
	done < <(series_patches)
	while read -r f; do
		awk -v f="$f" '
			/^[A-Z][^:]*$/ { section = $0 }
			/^F:\t/ && section != "THE REST" {
				p = substr($0, 4)
				if (p ~ /\/$/ ? index(f, p) == 1 : f == p) found = 1
			}
			END { exit !found }' "$tmp/MAINTAINERS" || ok=1
	done < <(grep -B1 '^new file mode' "$1" | sed -n 's#^diff --git a/\(.*\) b/.*#\1#p')
	rm -rf "$tmp"
	return $ok
}

# listed_commits PATCH OUTPUT: every commit id checkpatch could not find
# (UNKNOWN_COMMIT_ID: the base repository has a single commit) is listed
# in series/upstream-commits.txt, and the patch cites it with the title
# listed there.
listed_commits() {
	local list=$ROOT/series/upstream-commits.txt id title msg
	[ -f "$list" ] || return 1
	# The commit message on one line, to find titles that wrap.
	msg=$(sed -n '/^Subject:/,/^---$/p' "$1" | tr -s ' \n\t' ' ')
	while read -r id; do
		title=$(awk -F '\t' -v id="$id" '$1 == id { print $2 }' "$list")
		[ -n "$title" ] || { echo "      $id is not in series/upstream-commits.txt" >&2; return 1; }
		grep -qF "$id (\"$title\")" <<<"$msg" ||
			{ echo "      $id is not cited as $id (\"$title\")" >&2; return 1; }
	done < <(sed -n "s/^WARNING:UNKNOWN_COMMIT_ID: Unknown commit id '\([0-9a-f]*\)'.*/\1/p" <<<"$2")
}

# accepted_findings PATCH OUTPUT: checkpatch found only what the rig
# accepts, and says which; fails on anything else.
accepted_findings() {
	local types t why=()
	types=$(sed -n 's/^\(ERROR\|WARNING\|CHECK\):\([A-Z0-9_]*\):.*/\2/p' <<<"$2" | sort -u)
	[ -n "$types" ] || return 1
	for t in $types; do
		case "$t" in
		FILE_PATH_CHANGES)
			covered_new_files "$1" || return 1
			why+=("FILE_PATH_CHANGES: every new file has a MAINTAINERS entry") ;;
		UNKNOWN_COMMIT_ID)
			listed_commits "$1" "$2" || return 1
			why+=("UNKNOWN_COMMIT_ID: upstream commits cited as listed in series/upstream-commits.txt") ;;
		*) return 1 ;;
		esac
	done
	printf '%s; ' "${why[@]}" | sed 's/; $//'
}

main() {
	results reset "$RESULTS/check-checkpatch.txt"
	say "check: checkpatch"
	local p out why dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
	[ -f "$dict" ] || die "codespell dictionary missing: install the Debian package codespell"
	while read -r p; do
		out=$(cd "$BASE_REPO" && ./scripts/checkpatch.pl --strict --codespell \
			--codespellfile "$dict" --color=never --summary-file \
			--show-types "$p" 2>&1)
		if grep -q 'total: 0 errors, 0 warnings, 0 checks' <<<"$out" &&
		   ! grep -q 'Traceback' <<<"$out"; then
			result check-checkpatch PASS "checkpatch $(patch_name "$p")"
		elif why=$(accepted_findings "$p" "$out"); then
			result check-checkpatch PASS "checkpatch $(patch_name "$p")" "only $why"
		else
			result check-checkpatch FAIL "checkpatch $(patch_name "$p")" \
				"$(grep -E '^(ERROR|WARNING|CHECK)' <<<"$out" |
				   grep -vE ':(FILE_PATH_CHANGES|UNKNOWN_COMMIT_ID):' |
				   head -n 5 | tr '\n' ' ')"
			printf '%s\n' "$out" | sed 's/^/      /' | head -n 40
		fi
	done < <(series_patches)
}

main
