#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Series checks, each runnable alone:
#   check.sh [apply|bisect|checkpatch|sparse|w1|coccicheck|kerneldoc]...
# apply+bisect (run together as "bisect"): build/series = fresh base, then
#   every patch of every series of patches/ applied in order with git am and
#   built (vmlinux where the patch changes more than tools/, the
#   selftests where it touches tools/ or uAPI headers, bzImage and the
#   selftests at the end of each series), so the last build is the test
#   kernel.  At
#   the end of each series but the last, the branch NAME marks it, and its
#   kernel boots in the VM to run the tests it has (guest/TESTS that it
#   built, and KUnit): results in build/results/series-NAME.txt.
# checkpatch: --strict --codespell on every patch: no finding at all, except
#   FILE_PATH_CHANGES for new files that MAINTAINERS already covers, and
#   UNKNOWN_COMMIT_ID for upstream commits the one-commit base repository
#   lacks, when listed (with their titles) in series/upstream-commits.txt.
# sparse, w1, coccicheck, kerneldoc: findings in drivers/vfio, samples/vfio-mdev,
#   samples/vfio-pci (and, for kernel-doc, every touched .c/.h) of the base
#   and of the end of each series; only new findings fail.
# Each check writes build/results/check-NAME.txt ("PASS|FAIL name: detail").
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# Directories the series touches; a tree without one (the base has no
# samples/vfio-pci) is checked without it.
CHECK_DIRS=(drivers/vfio samples/vfio-mdev samples/vfio-pci)
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
mkdir -p "$BUILD/results" "$BUILD/logs" "$BUILD/check"
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(bisect checkpatch sparse w1 coccicheck kerneldoc docs)

# result CHECK STATUS NAME [DETAIL]
result() {
	local f=$BUILD/results/check-$1.txt
	printf '%s %s%s\n' "$2" "$3" "${4:+: $4}" >>"$f"
	printf '    %-5s %s%s\n' "$2" "$3" "${4:+: $4}"
}
begin() { : >"$BUILD/results/check-$1.txt"; say "check: $1"; }

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
		result "$1" PASS "$1 $2" "no new findings ($(findings "$3" | wc -l) in base, $(findings "$4" | wc -l) at the end of $2)"
	else
		while IFS= read -r l; do result "$1" FAIL "$1 $2" "new: $l"; done <<<"$new"
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

# patch_name PATCH: series/file, as results name it.
patch_name() {
	local d=${1%/*}
	echo "${d##*/}/${1##*/}"
}

# built_what BUILD_OPTIONS: what build.sh built, for the bisect's results.
built_what() {
	case "$1" in
	"") echo "bzImage and selftests" ;;
	--vmlinux) echo "vmlinux and selftests" ;;
	--selftests) echo "selftests" ;;
	*) echo "vmlinux" ;;
	esac
}

series_tree() {
	[ -d "$SERIES_TREE/.git" ] || die "no $SERIES_TREE: run ./rig check bisect first"
}

check_bisect() {
	begin bisect
	"$ROOT/harness/base.sh" || { result bisect FAIL apply "no base"; return; }
	if [ ! -d "$SERIES_TREE/.git" ]; then
		git clone -q --shared --no-checkout "$BASE_REPO" "$SERIES_TREE"
		git -C "$SERIES_TREE" fetch -q origin tag base
		git -C "$SERIES_TREE" checkout -q -b series base
	fi
	git -C "$SERIES_TREE" am --abort >/dev/null 2>&1 || true
	if ! { git -C "$SERIES_TREE" checkout -q -f -B series base &&
	       git -C "$SERIES_TREE" reset -q --hard base &&
	       git -C "$SERIES_TREE" clean -q -fdx; }; then
		result bisect FAIL apply "cannot reset $SERIES_TREE to base (rm -rf it and retry)"
		return
	fi
	local p n=0 total name names last what files
	mapfile -t names < <(series_names)
	last=${names[${#names[@]}-1]}
	total=$(series_patches | wc -l)
	[ "$total" -gt 0 ] || { result bisect FAIL apply "patches/ holds no patch"; return; }
	rm -f "$BUILD"/results/series-*.txt
	for name in "${names[@]}"; do
		[ -n "$(series_patches "$name")" ] ||
			{ result bisect FAIL "apply $name" "patches/$name holds no patch"; return; }
		while read -r p; do
			n=$((n + 1))
			say "check: patch $n/$total $name/${p##*/}"
			if ! GIT_COMMITTER_NAME=$RIG_IDENT_NAME GIT_COMMITTER_EMAIL=$RIG_IDENT_EMAIL \
			     git -C "$SERIES_TREE" am -q "$p" >"$BUILD/logs/am.log" 2>&1; then
				git -C "$SERIES_TREE" am --abort >/dev/null 2>&1
				result bisect FAIL "apply $name/${p##*/}" "does not apply to $(cat "$BUILD/base.version") and the series before it: $(head -n 3 "$BUILD/logs/am.log" | tr '\n' ' ')"
				return
			fi
			# The kernel is built (vmlinux: linked, not packed)
			# where a patch changes more than tools/, the selftests
			# where it can change them (tools/, uAPI headers), and
			# both, with bzImage, at the end of each series.
			files=$(git -C "$SERIES_TREE" diff --name-only HEAD~1 HEAD)
			what=""
			if [ "$p" != "$(series_patches "$name" | tail -n 1)" ]; then
				what=--vmlinux
				grep -qvE '^tools/' <<<"$files" || what=--selftests
				grep -qE '^(tools/|include/uapi/|arch/x86/include/uapi/)' \
					<<<"$files" || what="--vmlinux --kernel"
			fi
			rm -f "$BUILD/logs/build-series.log"
			if "$ROOT/harness/build.sh" "$SERIES_TREE" $what; then
				result bisect PASS "build after $name/${p##*/}" \
					"$(built_what "$what")"
			else
				result bisect FAIL "build after $name/${p##*/}" \
					"$(grep -m1 -E 'error|Error' "$BUILD/logs/build-series.log" 2>/dev/null | sed "s#$SERIES_TREE/##") (log: $BUILD/logs/build-series.log)"
				return
			fi
		done < <(series_patches "$name")
		git -C "$SERIES_TREE" branch -q -f "$name" HEAD
		[ "$name" = "$last" ] || series_vm "$name"
	done
	result bisect PASS apply "$total patches in ${#names[@]} series apply with git am to $(cat "$BUILD/base.version")"
}

# series_vm NAME: the series tree ends series NAME and is built: boot it and
# run the guest tests it has, as a maintainer who applies that series alone
# would.
series_vm() {
	local t tests=() have=$BUILD/obj/series/selftests
	while read -r t; do
		case "$t" in
		selftest:*) [ -x "$have/${t#selftest:}" ] && tests+=("$t") ;;
		*) tests+=("$t") ;;
		esac
	done < <(grep -v '^#' "$ROOT/guest/TESTS" | grep .)
	say "check: the end of series $name boots with ${#tests[@]} of its tests"
	RIG_VM_NAME=series-$1 RIG_VM_APPEND=rig.partial \
		"$ROOT/harness/vm.sh" "$SERIES_TREE" "${tests[@]}" >/dev/null ||
		grep -q '^FAIL' "$BUILD/results/series-$1.txt" 2>/dev/null ||
		echo "FAIL vm series-$1: exited non-zero without naming a failure" >>"$BUILD/results/series-$1.txt"
	sed 's/^/    /' "$BUILD/results/series-$1.txt"
}

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

check_checkpatch() {
	begin checkpatch
	local p out why dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
	[ -f "$dict" ] || die "codespell dictionary missing: install the Debian package codespell"
	while read -r p; do
		out=$(cd "$BASE_REPO" && ./scripts/checkpatch.pl --strict --codespell \
			--codespellfile "$dict" --color=never --summary-file \
			--show-types "$p" 2>&1)
		if grep -q 'total: 0 errors, 0 warnings, 0 checks' <<<"$out" &&
		   ! grep -q 'Traceback' <<<"$out"; then
			result checkpatch PASS "checkpatch $(patch_name "$p")"
		elif why=$(accepted_findings "$p" "$out"); then
			result checkpatch PASS "checkpatch $(patch_name "$p")" "only $why"
		else
			result checkpatch FAIL "checkpatch $(patch_name "$p")" \
				"$(grep -E '^(ERROR|WARNING|CHECK)' <<<"$out" | head -n 5 | tr '\n' ' ')"
			printf '%s\n' "$out" | sed 's/^/      /' | head -n 40
		fi
	done < <(series_patches)
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

# compile_once NAME SRC: CHECK_DIRS of SRC built once with both sparse
# (C=2) and W=1 into build/check/compile-NAME.log, for the sparse and w1
# checks to share; sparse then also sees W=1's -W options, in the base and
# the series alike.
compile_once() {
	local log=$BUILD/check/compile-$1.log stamp=$BUILD/check/compile-$1.done key
	key="$(git -C "$2" rev-parse HEAD) $(cache_key)"
	[ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && return 0
	rm -f "$stamp"
	compile_dirs "$1" "$2" "$log" C=2 W=1 || return 1
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
			result "$check" FAIL "$check $name" "does not compile: $BUILD/check/compile-$name.log"
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
		{ result coccicheck FAIL coccicheck "coccicheck failed: $log"; return; }
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
	need python3 python3
	/usr/bin/python3 -c 'import docutils' 2>/dev/null ||
		die "python3 docutils missing: install the Debian package python3-docutils"
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
	/usr/bin/python3 - "$1" <<'PY'
import io, sys, docutils.core
out = io.StringIO()
docutils.core.publish_string(open(sys.argv[1]).read(), source_path=sys.argv[1],
                             writer_name='null',
                             settings_overrides={'report_level': 2, 'halt_level': 5,
                                                 'warning_stream': out})
sys.stdout.write(out.getvalue())
PY
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
	bisect|apply) check_bisect ;;
	checkpatch) check_checkpatch ;;
	sparse) check_compile sparse ;;
	w1) check_compile w1 ;;
	coccicheck) check_coccicheck ;;
	kerneldoc) check_kerneldoc ;;
	docs) check_docs ;;
	*) die "unknown check '$c' (apply bisect checkpatch sparse w1 coccicheck kerneldoc docs)" ;;
	esac
done
