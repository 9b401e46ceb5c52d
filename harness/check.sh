#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series checks, each runnable alone:
#   check.sh [bisect|checkpatch|sparse|w1|coccicheck|kerneldoc|docs]...
# bisect (harness/bisect.sh, "apply" is the same) and checkpatch
# (harness/checkpatch.sh) have their own scripts.  This one compares the
# base with the end of each series: sparse, W=1, coccicheck and kernel-doc
# findings in drivers/vfio, drivers/iommu/iommufd, samples/vfio-mdev and
# samples/vfio-pci (for kernel-doc, every touched .c/.h), and docutils' on
# every touched .rst: only new findings fail.  Each check writes
# build/QUEUE/results/check-NAME.txt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# Directories the series touches; a tree without one (the base has no
# samples/vfio-pci) is checked without it.
CHECK_DIRS=(drivers/vfio drivers/iommu/iommufd samples/vfio-mdev samples/vfio-pci)
# present_dirs SRC: the CHECK_DIRS that SRC has; of a series tree, only
# those it changed (the others give the base's findings).
present_dirs() {
	local d
	for d in "${CHECK_DIRS[@]}"; do
		[ -d "$1/$d" ] || continue
		[ "$1" != "$BASE_REPO" ] &&
			git -C "$1" diff --quiet base HEAD -- "$d" && continue
		echo "$d"
	done
}
mkdir -p "$RESULTS" "$BUILD/logs" "$BUILD/check"
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(bisect checkpatch sparse w1 coccicheck kerneldoc docs)

begin() { results reset "$RESULTS/check-$1.txt"; say "check: $1"; }

# Findings of a log, one per line, without line and column numbers, so
# that base and series can be compared.
findings() {
	sed -E -e "s#$BASE_REPO/##g" -e "s#$SERIES_TREE/##g" \
		-e "s#$BUILD/check/src-[^/]*/##g" "$1" |
		grep -E '^[A-Za-z0-9_./+-]+\.[A-Za-z]+:[0-9]+(:[0-9]+)?[:-].*(warning|error|WARNING|ERROR|CHECK|INFO)' |
		sed -E -e 's#^([^ :]+):[0-9]+(:[0-9]+)?(-[0-9]+)?:#\1:#' |
		sort || true
}

# compare CHECK NAME LOG_BASE LOG_SERIES: one PASS, or one FAIL per new
# finding at the end of series NAME.
compare() {
	local new
	new=$(comm -13 <(findings "$3") <(findings "$4"))
	if [ -z "$new" ]; then
		result "check-$1" PASS "$1 $2" "no new findings ($(findings "$3" | wc -l) in base, $(findings "$4" | wc -l) at the end of $2)"
	else
		while IFS= read -r l; do result "check-$1" FAIL "$1 $2" "new: $l"; done <<<"$new"
	fi
}

# series_ends: "NAME DIR" for each series, DIR a tree at its last patch: the
# series tree for the last one, a worktree of it for the others.
series_ends() {
	local name names last dir
	mapfile -t names < <(series_names)
	last=${names[${#names[@]}-1]}
	git -C "$SERIES_TREE" worktree prune
	for name in "${names[@]}"; do
		dir=$SERIES_TREE
		if [ "$name" != "$last" ]; then
			dir=$BUILD/check/src-$name
			git -C "$SERIES_TREE" rev-parse -q --verify "refs/heads/$name" >/dev/null ||
				die "no branch $name in $SERIES_TREE: run ./rig check bisect first"
			if [ -e "$dir/.git" ]; then
				git -C "$dir" checkout -q -f --detach "$name" ||
					die "cannot check out $name in $dir"
			else
				git -C "$SERIES_TREE" worktree add -q -f --detach "$dir" "$name" ||
					die "cannot make the worktree $dir"
			fi
		fi
		echo "$name $dir"
	done
}

# What the cached base findings depend on: base, config, tool versions.
cache_key() {
	{
		cat "$BUILD/base.version"
		echo "${CHECK_DIRS[@]}"
		cat "$BUILD/obj/series/.config"
		gcc --version | head -n 1
		sparse --version 2>&1 | head -n 1
		spatch --version 2>&1 | head -n 1
	} | sha256sum | cut -d' ' -f1
}

series_tree() {
	[ -d "$SERIES_TREE/.git" ] || die "no $SERIES_TREE: run ./rig check bisect first"
}

# prepare_check NAME SRC: an out-of-tree build dir with the test config,
# ready to compile single directories.
prepare_check() {
	local obj=$BUILD/check/obj-$1
	mkdir -p "$obj"
	if [ ! -f "$obj/.config" ] || ! cmp -s "$BUILD/obj/series/.config" "$obj/.config"; then
		cp "$BUILD/obj/series/.config" "$obj/.config"
		make -s -C "$2" O="$obj" olddefconfig >/dev/null 2>&1
	fi
	echo "$obj"
}

# compile_dirs NAME SRC LOG ARGS...: build CHECK_DIRS again with ARGS.
compile_dirs() {
	local name=$1 src=$2 log=$3 obj
	shift 3
	obj=$(prepare_check "$name" "$src")
	local d dirs
	mapfile -t dirs < <(present_dirs "$src")
	[ ${#dirs[@]} -gt 0 ] || { : >"$log"; return 0; }
	for d in "${dirs[@]}"; do
		find "$obj/$d" -name '*.o' -delete 2>/dev/null
	done
	run_logged "$name $*" "$log" \
		make -C "$src" O="$obj" -j"$JOBS" "$@" "${dirs[@]/%//}"
}

# sparse_cmd: the checker for C=2.  Mainline (7.x) refuses a sparse that
# does not know __typeof_unqual__ (scripts/checker-valid.sh), Debian's
# 0.6.4 among them, and kbuild then silently builds without it: give that
# sparse the GNU keyword's older twin, which its parser knows.  The base
# is checked with the same command, so only new findings count.
sparse_cmd() {
	local valid=$BASE_REPO/scripts/checker-valid.sh
	need sparse sparse
	if [ ! -x "$valid" ] || [ "$("$valid" sparse -m64 2>/dev/null)" = 1 ]; then
		echo sparse
	elif [ "$("$valid" sparse -D__typeof_unqual__=__typeof__ -m64 2>/dev/null)" = 1 ]; then
		echo "sparse -D__typeof_unqual__=__typeof__"
	else
		die "sparse $(sparse --version 2>&1) cannot check $(cat "$BUILD/base.version") (scripts/checker-valid.sh)"
	fi
}

# compile_once NAME SRC: CHECK_DIRS of SRC built once with both sparse
# (C=2) and W=1 into build/check/compile-NAME.log, for the sparse and w1
# checks to share; sparse then also sees W=1's -W options, in the base and
# the series alike.
compile_once() {
	local log=$BUILD/check/compile-$1.log stamp=$BUILD/check/compile-$1.done key
	key="$(git -C "$2" rev-parse HEAD) $(cache_key)"
	[ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && return 0
	rm -f "$stamp"
	compile_dirs "$1" "$2" "$log" C=2 CHECK="$(sparse_cmd)" W=1 || return 1
	# kbuild turns sparse off, with a warning, when it cannot run it.
	! grep -q 'is not available or not up to date' "$log" || return 1
	echo "$key" >"$stamp"
}

# check_compile CHECK: the findings of sparse (CHECK sparse: those without
# a gcc option name) or of W=1 (CHECK w1: gcc's, "[-Wname]" at the end).
check_compile() {
	local check=$1 pick=-v
	[ "$check" = w1 ] && pick=""
	begin "$check"
	series_tree
	[ -f "$BUILD/obj/series/.config" ] || die "build the series first (./rig check bisect)"
	local name src
	while read -r name src; do
		if ! compile_once "$name" "$src"; then
			result "check-$check" FAIL "$check $name" "does not compile: $BUILD/check/compile-$name.log"
			[ "$name" = base ] && return
			continue
		fi
		grep $pick -E '\[-W[^]]*\]$' "$BUILD/check/compile-$name.log" \
			>"$BUILD/check/$check-$name.log"
		[ "$name" = base ] ||
			compare "$check" "$name" "$BUILD/check/$check-base.log" \
				"$BUILD/check/$check-$name.log"
	done < <(echo "base $BASE_REPO"; series_ends)
}

# coccicheck: spatch starts once per semantic patch (some 80 of them), and
# that start, not the files, is most of its time.  So one run reads them
# all: the .c/.h files of every directory of CHECK_DIRS in which the series
# changes a file, as they are in the base and at the end of each series,
# copied side by side into build/check/cocci/TREE/, with the series tree's
# include paths.  The findings are then split by TREE and compared.
check_coccicheck() {
	begin coccicheck
	series_tree
	need spatch coccinelle
	[ -f "$BUILD/obj/series/.config" ] || die "build the series first (./rig check bisect)"
	local set=$BUILD/check/cocci log=$BUILD/check/coccicheck.log
	local name src d dirs=() trees=()
	mapfile -t dirs < <(git -C "$SERIES_TREE" diff --name-only base HEAD -- \
		"${CHECK_DIRS[@]}" | grep -E '\.[ch]$' | xargs -r -n 1 dirname | sort -u)
	rm -rf "$set"
	while read -r name src; do
		trees+=("$name")
		for d in "${dirs[@]}"; do
			mkdir -p "$set/$name/$d"
			find "$src/$d" -maxdepth 1 -name '*.[ch]' -exec cp {} "$set/$name/$d/" \;
		done
	done < <(echo "base $BASE_REPO"; series_ends)
	say "check: coccicheck reads ${#dirs[@]} directories ($(echo "${dirs[@]}")) of ${#trees[@]} trees"
	run_logged coccicheck "$log" \
		make -C "$SERIES_TREE" O="$BUILD/obj/series" coccicheck MODE=report \
		J="$JOBS" M="$set" ||
		{ result check-coccicheck FAIL coccicheck "coccicheck failed: $log"; return; }
	for name in "${trees[@]}"; do
		grep -F "$set/$name/" "$log" | sed "s#$set/$name/##g" \
			>"$BUILD/check/coccicheck-$name.log"
	done
	for name in "${trees[@]:1}"; do
		compare coccicheck "$name" "$BUILD/check/coccicheck-base.log" \
			"$BUILD/check/coccicheck-$name.log"
	done
}

# docs: every .rst file the series touches must build with docutils (the
# reStructuredText the kernel's Sphinx build reads) with no warning or
# error the base does not have.  Sphinx itself, with the kernel's
# extensions, is not used: too heavy for the rig.
check_docs() {
	begin docs
	series_tree
	need rst2pseudoxml python3-docutils
	local f files name src base_log series_log
	while read -r name src; do
		base_log=$BUILD/check/docs-base-$name.log
		series_log=$BUILD/check/docs-$name.log
		files=$(git -C "$src" diff --name-only --diff-filter=AM base HEAD -- '*.rst')
		: >"$base_log"
		: >"$series_log"
		for f in $files; do
			[ -f "$BASE_REPO/$f" ] &&
				(cd "$BASE_REPO" && rst_findings "$f") >>"$base_log" 2>&1
			(cd "$src" && rst_findings "$f") >>"$series_log" 2>&1
		done
		say "check: docs read $(echo "$files" | grep -c . || true) .rst files touched by the end of $name"
		compare docs "$name" "$base_log" "$series_log"
	done < <(series_ends)
}

# rst_findings FILE: docutils' warnings and errors, as "FILE:LINE: (LEVEL/N) ...".
rst_findings() {
	rst2pseudoxml --report=2 --halt=5 --no-generator --no-datestamp "$1" 2>&1 >/dev/null
}

check_kerneldoc() {
	begin kerneldoc
	series_tree
	local f files name src base_log series_log
	while read -r name src; do
		base_log=$BUILD/check/kerneldoc-base-$name.log
		series_log=$BUILD/check/kerneldoc-$name.log
		files=$(git -C "$src" diff --name-only --diff-filter=AM base HEAD -- '*.c' '*.h')
		: >"$base_log"
		: >"$series_log"
		for f in $files; do
			[ -f "$BASE_REPO/$f" ] &&
				(cd "$BASE_REPO" && ./scripts/kernel-doc -none -Wall "$f") >>"$base_log" 2>&1
			(cd "$src" && ./scripts/kernel-doc -none -Wall "$f") >>"$series_log" 2>&1
		done
		# kernel-doc writes "file:line: warning: ..."; findings() keys on that.
		say "check: kerneldoc read $(echo "$files" | grep -c . || true) .c/.h files touched by the end of $name"
		compare kerneldoc "$name" "$base_log" "$series_log"
	done < <(series_ends)
}

for c in "${checks[@]}"; do
	case "$c" in
	bisect|apply) "$ROOT/harness/bisect.sh" ;;
	checkpatch) "$ROOT/harness/checkpatch.sh" ;;
	sparse) check_compile sparse ;;
	w1) check_compile w1 ;;
	coccicheck) check_coccicheck ;;
	kerneldoc) check_kerneldoc ;;
	docs) check_docs ;;
	*) die "unknown check '$c' (apply bisect checkpatch sparse w1 coccicheck kerneldoc docs)" ;;
	esac
done
