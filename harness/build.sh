#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel and the selftests of a tree, incrementally.
#   build.sh [DIR] [--vmlinux] [--kernel|--selftests]   (default DIR: build/linux)
# The kernel is "make allnoconfig" plus config/test.config,
# config/debug.config and config/series.config (options the series adds,
# required only in a tree that has them), built out of tree in
# build/obj/<name of DIR>.
# --vmlinux builds vmlinux, not bzImage; --kernel builds the kernel without
# the selftests; --selftests builds the selftests of the configured tree,
# not the kernel.  RIG_CONFIG_EXTRA=FILE adds a fragment.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$WORK_TREE
target=bzImage
selftests=yes
kernel=yes
for a in "$@"; do
	case "$a" in
	--vmlinux) target=vmlinux ;;
	--kernel) selftests=no ;;
	--selftests) kernel=no ;;
	*) dir=$(cd "$a" && pwd) ;;
	esac
done
[ -f "$dir/Makefile" ] || die "no kernel tree at $dir (./rig tree makes build/linux)"
need gcc build-essential
need make build-essential
need flex flex
need bison bison
need bc bc

obj=$BUILD/obj/$(basename "$dir")
mkdir -p "$obj" "$BUILD/logs"
fragments=("$ROOT/config/test.config" "$ROOT/config/debug.config"
	"$ROOT/config/series.config")
# A developer's extra fragment (for example a KUnit suite to try).
[ -n "${RIG_CONFIG_EXTRA:-}" ] && fragments+=("$RIG_CONFIG_EXTRA")
want=$(cat "${fragments[@]}")
# The series' own options that this tree defines: when a patch adds one,
# the tree must be configured again.
optional=$(grep -o '^CONFIG_[A-Z0-9_]*' "$ROOT/config/series.config")
defined=""
for key in $optional; do
	grep -rqsx --include='Kconfig*' "config ${key#CONFIG_}" "$dir" && defined+=" $key"
done
stamp=$obj/.rig-config
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want$defined" ]; then
	say "build: configuring $obj (allnoconfig + ${fragments[*]##*/})"
	merged=$obj/.rig-allconfig
	printf '%s\n' "$want" >"$merged"
	make -s -C "$dir" O="$obj" KCONFIG_ALLCONFIG="$merged" allnoconfig \
		>"$BUILD/logs/config.log" 2>&1 ||
		die "allnoconfig failed: see $BUILD/logs/config.log"
	# Every option asked for must have been taken, but the series' own
	# options only where the tree defines them.
	bad=""
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		key=${line%%=*} val=${line#*=}
		got=$(grep "^$key=" "$obj/.config" | cut -d= -f2- || true)
		[ "$got" = "$val" ] && continue
		[ "$val" = n ] && [ -z "$got" ] && continue
		if grep -qx "$key" <<<"$optional" && ! grep -qw "$key" <<<"$defined"; then
			continue
		fi
		bad+=" $key=$val(got:${got:-unset})"
	done <<<"$want"
	[ -z "$bad" ] || die "config options not taken (missing dependency?):$bad"
	printf '%s' "$want$defined" >"$stamp"
fi

if [ "$kernel" = yes ]; then
	say "build: kernel ($target) of $dir"
	run_logged "make $target" "$BUILD/logs/build-$(basename "$dir").log" \
		make -C "$dir" O="$obj" -j"$JOBS" "$target" ||
		die "kernel build failed in $dir (log: $BUILD/logs/build-$(basename "$dir").log)"
fi
[ "$selftests" = no ] && { say "build: $target in $obj"; exit 0; }

# uAPI headers of the tree, and the selftests linked static against them.
make -s -C "$dir" O="$obj" headers >"$BUILD/logs/headers.log" 2>&1 ||
	die "make headers failed: see $BUILD/logs/headers.log"
rm -rf "$obj/selftests"
for t in vfio; do
	[ -d "$dir/tools/testing/selftests/$t" ] || continue
	mkdir -p "$obj/selftests/$t"
	run_logged "selftests/$t" "$BUILD/logs/selftests-$t.log" \
		make -C "$dir/tools/testing/selftests/$t" \
			OUTPUT="$obj/selftests/$t" \
			KHDR_INCLUDES="-isystem $obj/usr/include" \
			LDFLAGS=-static ||
		die "selftests/$t failed to build (log: $BUILD/logs/selftests-$t.log)"
	! grep -q 'warning:' "$BUILD/logs/selftests-$t.log" ||
		die "selftests/$t: compiler warnings: $(grep -m3 'warning:' "$BUILD/logs/selftests-$t.log")"
done
say "build: $obj/arch/x86/boot/bzImage"
