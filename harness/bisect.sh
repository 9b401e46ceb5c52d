#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The apply and bisect check: the test tree build/series is made again from
# the base, every patch of every series of patches/ applied in order with
# git am and built, so that every patch builds on its own:
#   - vmlinux (linked, not packed) where a patch changes more than tools/,
#   - the selftests where it can change them (tools/, uAPI headers, the
#     samples' headers of their devices' registers),
#   - bzImage and the selftests at the end of each series but the last.
# At the end of each series the branch of its name marks it, and the end of
# each series but the last boots in the VM with the tests it has, as for a
# maintainer who takes that series alone (build/results/series-NAME.txt).
# The tree is then the whole series: the test kernel is built from it by
# its own step (./rig build build/series; harness/test.sh runs it).
#   bisect.sh        writes build/results/check-bisect.txt; exits 0 once a
#                    failure is written there
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=check-bisect
mkdir -p "$RESULTS" "$BUILD/logs"
results reset "$RESULTS/$out.txt"
say "check: bisect"

# built_what BUILD_OPTIONS: what build.sh built, for the results.
built_what() {
	case "$1" in
	"") echo "bzImage and selftests" ;;
	--vmlinux) echo "vmlinux and selftests" ;;
	--selftests) echo "selftests" ;;
	*) echo "vmlinux" ;;
	esac
}

# series_vm NAME: the test tree ends series NAME and is built: boot it with
# the tests it has, as a maintainer who applies that series alone would.
series_vm() {
	local tests
	tests=$(tree_tests "$SERIES_TREE" ends) || return 1
	say "check: the end of series $1 boots with its tests: $(tr '\n' ' ' <<<"$tests")"
	# shellcheck disable=SC2086
	RIG_VM_NAME=series-$1 RIG_VM_APPEND=rig.partial \
		"$ROOT/harness/vm.sh" "$SERIES_TREE" $tests >/dev/null ||
		results failed "$RESULTS/series-$1.txt" ||
		result "series-$1" FAIL "vm series-$1" "exited non-zero without naming a failure"
	results show "$RESULTS/series-$1.txt"
}

"$ROOT/harness/base.sh" || { result $out FAIL apply "no base"; exit 0; }
tree_reset "$SERIES_TREE" ||
	{ result $out FAIL apply "cannot reset $SERIES_TREE to base"; exit 0; }
mapfile -t names < <(series_names)
last=${names[${#names[@]}-1]}
total=$(series_patches | wc -l)
[ "$total" -gt 0 ] || { result $out FAIL apply "patches/ holds no patch"; exit 0; }
rm -f "$RESULTS"/series-*.txt
n=0
for name in "${names[@]}"; do
	[ -n "$(series_patches "$name")" ] ||
		{ result $out FAIL "apply $name" "patches/$name holds no patch"; exit 0; }
	end=$(series_patches "$name" | tail -n 1)
	while read -r p; do
		n=$((n + 1))
		say "check: patch $n/$total $(patch_name "$p")"
		if ! why=$(tree_am "$SERIES_TREE" "$p"); then
			result $out FAIL "apply $(patch_name "$p")" "$why"
			exit 0
		fi
		files=$(git -C "$SERIES_TREE" diff --name-only HEAD~1 HEAD)
		what=""
		if [ "$p" != "$end" ] || [ "$name" = "$last" ]; then
			what=--vmlinux
			grep -qvE '^tools/' <<<"$files" || what=--selftests
			grep -qE '^(tools/|include/uapi/|arch/x86/include/uapi/|samples/.*\.h$)' \
				<<<"$files" || what="--vmlinux --kernel"
		fi
		log=$BUILD/logs/build-series.log
		err=$BUILD/logs/build-series.err
		rm -f "$log"
		# shellcheck disable=SC2086
		if "$ROOT/harness/build.sh" "$SERIES_TREE" $what 2>"$err"; then
			result $out PASS "build after $(patch_name "$p")" "$(built_what "$what")"
		else
			cat "$err" >&2
			# The compiler's first error, else what build.sh said.
			why=$(grep -m1 -E 'error|Error' "$log" 2>/dev/null) ||
				why=$(grep -m1 '^ERROR' "$err")
			result $out FAIL "build after $(patch_name "$p")" \
				"${why//$SERIES_TREE\//} (log: $log)"
			exit 0
		fi
	done < <(series_patches "$name")
	tree_mark "$SERIES_TREE" "$name"
	[ "$name" = "$last" ] || series_vm "$name"
done
result $out PASS apply "$total patches in ${#names[@]} series apply with git am to $(cat "$BUILD/base.version")"
