# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the rig.  Sourced by ./rig and the harness scripts.

# Debian's own tools first (python3 with python3-ply for checkpatch's
# spdxcheck, not a python of a version manager).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Every setting of the rig, with its default.  Each is an environment
# variable; none is needed.
#   RIG_QUEUE=mainline        the queue a command works on (./rig -q QUEUE
#                             sets it): mainline, the series sent to the
#                             KVM list, on Debian's newest linux-source-7.x;
#                             6.12, the backport distributions build, on
#                             Debian's linux-source-6.12 (see QUEUES)
#   RIG_BUILD=build/          where everything the rig makes goes: one
#                             directory per queue (build/QUEUE/), the
#                             downloads and apt's lists beside them
#   RIG_JOBS=$(nproc)+1       make -j
#   RIG_CONFIG_EXTRA=         a Kconfig fragment added to the test kernel's
#                             (build.sh), e.g. a KUnit suite to try
#   RIG_DEBUG=1               0: build.sh leaves config/debug.config out
#                             (the bench's kernels: timed without KASAN,
#                             lockdep and kmemleak, as a distribution's)
#   RIG_VM_TIMEOUT=900        seconds a VM run may take before it is killed
#   RIG_VM_NAME=<tree name>   names a VM run (build/QUEUE/vm/NAME, its result
#                             file build/QUEUE/results/NAME.txt) when a tree
#                             boots twice
#   RIG_VM_APPEND=            added to the guest kernel's command line, e.g.
#                             kunit.filter_glob=vfio-iommu-type1.t1_pin_no_page
#   RIG_VM_OBJ=build/QUEUE/obj/<tree name>
#                             the build a VM run boots (its bzImage and
#                             selftests), e.g. one the bench kept
#   RIG_SHOW=                 non-empty: vm.sh prints each test's output
#   RIG_TEST_QUEUES="$QUEUES" the queues ./rig test tests (a developer's
#                             shortcut: the product is tested on both)
#
# The queues, in the order ./rig test runs them.  Each is a directory of
# series/ with its base (series/QUEUE/base.conf: the Debian package, its
# pinned version and sha256) and its series (series/QUEUE/NN-name/, each
# with its cover letter), whose patches are in patches/QUEUE/NN-name/.
QUEUES="mainline 6.12"
RIG_QUEUE=${RIG_QUEUE:-mainline}
case " $QUEUES " in
*" $RIG_QUEUE "*) ;;
*) printf 'ERROR: no queue "%s" (the queues are: %s)\n' "$RIG_QUEUE" "$QUEUES" >&2
   exit 2 ;;
esac
export RIG_QUEUE
TOP=${RIG_BUILD:-$ROOT/build}
BUILD=$TOP/$RIG_QUEUE
JOBS=${RIG_JOBS:-$(( $(nproc) + 1 ))}
RIG_CONFIG_EXTRA=${RIG_CONFIG_EXTRA:-}
RIG_DEBUG=${RIG_DEBUG:-1}
RIG_VM_TIMEOUT=${RIG_VM_TIMEOUT:-900}
RIG_VM_NAME=${RIG_VM_NAME:-}
RIG_VM_APPEND=${RIG_VM_APPEND:-}
RIG_VM_OBJ=${RIG_VM_OBJ:-}
RIG_SHOW=${RIG_SHOW:-}
QUEUE_DIR=$ROOT/series/$RIG_QUEUE	# the queue's base.conf and series
PATCHES=$ROOT/patches/$RIG_QUEUE	# the queue's patches, one folder a series
# shellcheck source=../series/mainline/base.conf
. "$QUEUE_DIR/base.conf"

BASE_REPO=$BUILD/base		# pristine base, one commit, tag "base"
WORK_TREE=$BUILD/linux		# developer's tree: base + series as commits
SERIES_TREE=$BUILD/series	# the test tree: base + patches/QUEUE, built
				# per patch by the bisect; its kernel is the
				# one ./rig test and ./rig demo boot
RESULTS=$BUILD/results
SELFTESTS=vfio			# the selftest collections the guest runs

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

# The series of the queue, in the order they are submitted and applied:
# the directories of series/QUEUE/ whose names start with a digit.  Each
# has its cover letter (series/QUEUE/NAME/cover-letter.txt); its patches
# are in patches/QUEUE/NAME/, and in a tree made by the rig, the branch
# NAME points at its last commit.
series_names() {
	local d
	for d in "$QUEUE_DIR"/[0-9]*/; do
		[ -f "$d/cover-letter.txt" ] && basename "$d"
	done
}

# series_patches [NAME...]: the patches of the named series (default: all),
# in order, without the cover letters.
series_patches() {
	local name p
	[ $# -gt 0 ] || set -- $(series_names)
	for name in "$@"; do
		for p in "$PATCHES/$name"/[0-9][0-9][0-9][0-9]-*.patch; do
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

# result FILE STATUS NAME [DETAIL]: one verdict into build/results/FILE.txt
# (harness/results.py owns the format).
result() {
	local f=$RESULTS/$1.txt
	shift
	mkdir -p "$RESULTS"
	python3 "$ROOT/harness/results.py" add -- "$f" "$@"
}
results() {
	python3 "$ROOT/harness/results.py" "$@"
}

# Trees.  Every tree the rig makes (the work tree, the test tree, the
# bisect's, the bench's) is a shared clone of the base repository, made and
# filled by these functions only.

# tree_reset DIR: DIR is a clone of the base (made if missing), checked out
# at base, on the branch of the last series, with nothing else in it (the
# work tree keeps its untracked files).
tree_reset() {
	local dir=$1 branch
	branch=$(series_names | tail -n 1)
	# A git worktree (.git is a file) of an older rig: made again, but
	# never the developer's work tree.
	if [ -f "$dir/.git" ]; then
		[ "$dir" != "$WORK_TREE" ] ||
			{ warn "$dir is a git worktree: move it away"; return 1; }
		rm -rf "$dir"
	fi
	if [ ! -d "$dir/.git" ]; then
		git clone -q --shared --no-checkout "$BASE_REPO" "$dir" &&
			git -C "$dir" config core.abbrev 12 &&
			git -C "$dir" fetch -q origin tag base ||
			{ warn "cannot clone $BASE_REPO into $dir"; return 1; }
	fi
	git -C "$dir" am --abort >/dev/null 2>&1
	git -C "$dir" checkout -q -f -B "${branch:-series}" base &&
		git -C "$dir" reset -q --hard base ||
		{ warn "cannot reset $dir to base (rm -rf it and retry)"; return 1; }
	# The rig's own trees hold nothing else; the work tree keeps what
	# git does not track (a developer's files).
	[ "$dir" = "$WORK_TREE" ] || git -C "$dir" clean -q -fdx ||
		{ warn "cannot clean $dir (rm -rf it and retry)"; return 1; }
}

# tree_am DIR PATCH: apply PATCH to DIR as a commit.  On failure, abort
# and print why on stdout, in one line.  The committer is the developer's
# own in the work tree, the rig's fixed identity in the rig's trees.
tree_am() {
	local dir=$1 p=$2 name=$RIG_IDENT_NAME email=$RIG_IDENT_EMAIL log
	if [ "$dir" = "$WORK_TREE" ]; then
		name=$(git -C "$dir" config user.name || echo "$RIG_IDENT_NAME")
		email=$(git -C "$dir" config user.email || echo "$RIG_IDENT_EMAIL")
	fi
	if ! log=$(GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
		   git -C "$dir" am -q "$p" 2>&1); then
		git -C "$dir" am --abort >/dev/null 2>&1
		local d=${p%/*}
		echo "patch ${d##*/}/${p##*/} does not apply to $(cat "$BUILD/base.version") and the series before it: $(head -n 3 <<<"$log" | tr '\n' ' ')"
		return 1
	fi
}

# tree_mark DIR NAME: the series NAME ends at DIR's HEAD: a branch of its
# name, described by its cover letter.
tree_mark() {
	[ "$(git -C "$1" symbolic-ref -q --short HEAD)" = "$2" ] ||
		git -C "$1" branch -q -f "$2" HEAD
	git -C "$1" config "branch.$2.description" \
		"$(cat "$QUEUE_DIR/$2/cover-letter.txt")"
}

# make_tree DIR [SUBJECT]: DIR = base plus every series of patches/ (up to,
# not including, the patch whose subject is SUBJECT), each series ending at
# a branch of its name, the last one checked out.
make_tree() {
	local dir=$1 until=${2:-} name p n=0 names
	mapfile -t names < <(series_names)
	[ ${#names[@]} -gt 0 ] || { warn "no series in $QUEUE_DIR"; return 1; }
	tree_reset "$dir" || return 1
	for name in "${names[@]}"; do
		while read -r p; do
			if [ -n "$until" ] && [ "$(patch_subject "$p")" = "$until" ]; then
				say "tree: $dir = base + $n patches (up to \"$until\")"
				return 0
			fi
			tree_am "$dir" "$p" || return 1
			n=$((n + 1))
		done < <(series_patches "$name")
		tree_mark "$dir" "$name"
	done
	[ -z "$until" ] || { warn "no patch \"$until\" in patches/"; return 1; }
	say "tree: $dir = base + $n patches in ${#names[@]} series (branches ${names[*]})"
}

# patch_subject PATCH: its subject, unfolded, without "[PATCH n/m]".
patch_subject() {
	git mailinfo /dev/null /dev/null <"$1" | sed -n 's/^Subject: //p'
}

# tree_carries DIR: DIR's commits on top of base are exactly the patches of
# patches/ (by stable patch id).
tree_ids() {
	git -C "$1" format-patch --stdout base..HEAD | git patch-id --stable |
		cut -d' ' -f1 | sort
}
patches_ids() {
	local p
	series_patches | while read -r p; do cat "$p"; done |
		git patch-id --stable | cut -d' ' -f1 | sort
}
tree_carries() {
	[ -d "$1/.git" ] && [ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ] &&
		[ "$(tree_ids "$1")" = "$(patches_ids)" ]
}

# series_file PATH: the file PATH as the series leaves it (the base's,
# with every patch's changes to it), on stdout; fails if it has none.
series_file() {
	local tmp p
	tmp=$(mktemp -d)
	mkdir -p "$tmp/${1%/*}"
	[ -f "$BASE_REPO/$1" ] && cp "$BASE_REPO/$1" "$tmp/$1"
	while read -r p; do
		(cd "$tmp" && git apply --include="$1" "$p") ||
			{ rm -rf "$tmp"; warn "cannot apply ${p##*/} to $1"; return 1; }
	done < <(series_patches)
	local rc=0
	cat "$tmp/$1" 2>/dev/null || { warn "neither the base nor patches/ has $1"; rc=1; }
	rm -rf "$tmp"
	return $rc
}

# tree_tests DIR: the guest tests of DIR's test kernel, in order: every
# selftest its kselftest install lists (kselftest-list.txt, "collection:
# program"), as selftest:COLLECTION/PROGRAM (or, for the selftests that
# take devices as arguments, one selftest:COLLECTION/PROGRAM@LABEL for
# each of their runs in guest/selftest-devices), then its KUnit suites.
# tree_tests DIR ends: those of them a boot at the end of an earlier series
# runs (guest/selftest-devices: the runs of every boot).  Fails
# if DIR has selftests of SELFTESTS but no list of them (not built).
tree_tests() {
	local t list ends=${2:-}
	list=$BUILD/obj/$(basename "$1")/selftests/kselftest-list.txt
	for t in $SELFTESTS; do
		[ ! -d "$1/tools/testing/selftests/$t" ] || [ -s "$list" ] ||
			{ warn "$1 has selftests but $list is missing: run ./rig build $1"; return 1; }
	done
	[ -f "$list" ] && sed -n 's#^\([^:]*\):\(.*\)$#\1/\2#p' "$list" |
		while read -r t; do
			# The runs of guest/selftest-devices, else one run.
			awk -F '\t' -v t="$t" -v ends="$ends" '
				$1 == t { found = 1; if (ends == "" || $3 == "every") print "selftest:" t "@" $2 }
				END { if (!found) print "selftest:" t }' "$ROOT/guest/selftest-devices"
		done
	echo kunit
}

# patch_name PATCH: series/file, as results name it.
patch_name() {
	local d=${1%/*}
	echo "${d##*/}/${1##*/}"
}

# test_tree: the test tree (build/series) carries patches/: made if not
# (./rig test's bisect leaves it so; ./rig demo and bench reuse it).
test_tree() {
	if tree_carries "$SERIES_TREE"; then
		say "tree: $SERIES_TREE carries patches/ ($(series_patches | wc -l) patches)"
	else
		make_tree "$SERIES_TREE"
	fi
}

# series_kernel: the kernel and selftests of the test tree, built from
# the base and patches/ after the packages are in place (demo, stress and
# fuzz start so; test.sh builds its own in steps of its own).
series_kernel() {
	"$ROOT/harness/setup.sh" || die "setup failed"
	"$ROOT/harness/base.sh" || die "no base (see above)"
	test_tree || die "cannot make $SERIES_TREE (see above)"
	"$ROOT/harness/build.sh" "$SERIES_TREE" || exit 1
}

# long_test NAME SECONDS ENV TEST: the guest test TEST of the test tree,
# which runs for SECONDS, with ENV added to the guest's environment and its
# output shown (./rig stress and fuzz).
long_test() {
	RIG_SHOW=1 RIG_VM_NAME=$1 RIG_VM_TIMEOUT=$(($2 + 900)) \
		RIG_VM_APPEND="$3${RIG_VM_APPEND:+ $RIG_VM_APPEND}" \
		"$ROOT/harness/vm.sh" "$SERIES_TREE" "$4"
}

# bench_bin NAME TREE HEADERS OUT: bench/NAME.c built static into OUT,
# with TREE's selftest library (vfio_dirty_utils.c) and the uAPI headers
# installed in HEADERS (a build's usr/include).
bench_bin() {
	local src=$2/tools/testing/selftests/vfio
	gcc -static -O2 -Wall -isystem "$3" -I"$src" -o "$4" \
		"$ROOT/bench/$1.c" "$src/vfio_dirty_utils.c" -lpthread ||
		{ warn "cannot build bench/$1.c against $2"; return 1; }
}

# lock_series: this process and what it runs own the rig's trees until
# they exit: ./rig test, demo, check and stress reset, build or read the
# test trees (build/QUEUE/series) of both queues, and one must not pull a
# tree from under another; ./rig bench takes it too, for the trees and
# builds it shares with a second bench.
# ./rig takes it; the scripts it runs inherit the open lock file.
lock_series() {
	mkdir -p "$TOP"
	exec 9>"$TOP/rig.lock"
	flock -n 9 ||
		die "the test trees are in use by another ./rig test, demo, bench, check or stress: wait for it to end"
}

# rig_apt ARGS...: apt-get (or apt-cache, as rig_apt_cache) with the rig's
# own sources and lists (build/apt/), so that the suites the bases come
# from (experimental and unstable for mainline, bookworm-security for
# 6.12) are read without adding them to the machine's sources, where
# apt would take other packages from them.  Their addresses are the
# machine's own: each suite is added to the URIs and keys of the entry
# that holds bookworm (the main archive) or bookworm-security.
APT_SUITES="experimental unstable bookworm-security"
rig_apt_opts() {
	echo "-o Dir::Etc::sourcelist=$TOP/apt/sources.list" \
		"-o Dir::Etc::sourceparts=- -o Dir::State::Lists=$TOP/apt/lists" \
		"-o Dir::Cache=$TOP/apt/cache -o APT::Get::List-Cleanup=0" \
		"-o Debug::NoLocking=1"
}
rig_apt() {
	# shellcheck disable=SC2046
	apt-get $(rig_apt_opts) "$@"
}
rig_apt_cache() {
	# shellcheck disable=SC2046
	apt-cache $(rig_apt_opts) "$@"
}

# machine_sources: "URI SUITE KEYRING" for each deb entry of the machine's
# apt sources (one-line .list files and deb822 .sources files).
machine_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -E -e 's/#.*//' "$f" | awk '
			$1 == "deb" {
				key = "-"; i = 2
				if ($2 ~ /^\[/) {
					for (; i <= NF; i++) {
						if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
						if ($i ~ /\]$/) { i++; break }
					}
				}
				print $i, $(i + 1), key
			}'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && enabled != "no")
					for (u = 1; u <= nu; u++)
						for (s = 1; s <= ns; s++)
							print uris[u], suites[s], (key == "" ? "-" : key)
				types = ""; nu = 0; ns = 0; key = ""; enabled = ""
			}
			/^#/ { next }
			/^[[:space:]]*$/ { flush(); next }
			/^Types:/ { types = $0; sub(/^Types:[[:space:]]*/, "", types) }
			/^URIs:/ { nu = split(substr($0, 6), uris, " ") }
			/^Suites:/ { ns = split(substr($0, 8), suites, " ") }
			/^Signed-By:/ { key = ($2 ~ /^\// ? $2 : "") }
			/^Enabled:/ { enabled = $2 }
			END { flush() }' "$f"
	done
}

# rig_apt_update: the rig's sources (build/apt/sources.list), derived from
# the machine's, and their lists, fetched at most once a day.
rig_apt_update() {
	local list=$TOP/apt/sources.list uri suite key main="" sec="" new
	mkdir -p "$TOP/apt/lists/partial" "$TOP/apt/cache/archives/partial"
	while read -r uri suite key; do
		case "$suite" in
		bookworm) [ -n "$main" ] || main="$uri $key" ;;
		bookworm-security) [ -n "$sec" ] || sec="$uri $key" ;;
		esac
	done < <(machine_sources)
	[ -n "$main" ] ||
		die "the machine's apt sources have no entry for bookworm: the rig derives the archive's address from it"
	[ -n "$sec" ] ||
		die "the machine's apt sources have no entry for bookworm-security (linux-source-6.12 lives there)"
	new=$(
		for s in $APT_SUITES; do
			set -- $main
			[ "$s" = bookworm-security ] && set -- $sec
			if [ "$2" = - ]; then
				echo "deb $1 $s main"
			else
				echo "deb [signed-by=$2] $1 $s main"
			fi
		done)
	if [ "$new" = "$(cat "$list" 2>/dev/null)" ] &&
	   [ -n "$(find "$TOP/apt/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		return 0
	fi
	printf '%s\n' "$new" >"$list"
	say "apt: reading $APT_SUITES (at the addresses of the machine's own sources)"
	rig_apt update -qq >"$TOP/apt/update.log" 2>&1 ||
		die "apt-get update of the rig's sources failed: see $TOP/apt/update.log ($list)"
}
